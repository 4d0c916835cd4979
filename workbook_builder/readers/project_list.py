"""Project lists as exported by the budget system: one row per indicator, read into tables.

Columns are found by their header (any order, extra columns ignored); project-level cells may
be blank on continuation rows, and blank 一级/二级 labels carry down as on the merged form.
Every problem is collected with its row number and the project it is of (:class:`ProjectList`):
``perfbook new --spec`` raises them together as :class:`ProjectListError` before anything is
written, ``perfbook batch`` writes the projects without any.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from itertools import zip_longest
from pathlib import Path

from addin.engine import PerfError, UserError, form, get_profile, parse_nature, parse_weight, read_value
from addin.engine.natures import QUALITATIVE
from addin.engine.numbers import read_amount
from addin.engine.units import convert
from addin.engine.qualitative import find_scale
from addin.engine.table import Funds, Indicator, Table, weights_problem
from addin.engine.targets import split_target

from ..files import decoded, shown_path
from .container import MAX_LIST_COLUMNS, MAX_LIST_ROWS, OLE, SUFFIXES, WORD_FORMATS, Grid, UnreadableFile, error_meaning, read_regular, reason_of_one
from .tables import NO_RESULT, percent_unit

PROJECT, DEPARTMENT, IMPLEMENTER = form.PROJECT, form.DEPARTMENT, form.IMPLEMENTER
INITIAL, ANNUAL = form.FUNDS_FIELDS["initial"], form.FUNDS_FIELDS["annual"]
PROJECT_COLUMNS = (PROJECT, DEPARTMENT, IMPLEMENTER, INITIAL, ANNUAL, form.GOAL)
# The indicator columns of the list, by field of Indicator (the list has no actuals or scores).
LIST_FIELDS = ("level1", "level2", "level3", "nature", "target", "unit", "weight")
INDICATOR_COLUMNS = tuple(form.INDICATOR_FIELDS[f] for f in LIST_FIELDS)
COLUMNS = PROJECT_COLUMNS + INDICATOR_COLUMNS
# every workbook targets check reads a list from (WPS .et, templates .xltx …), and .csv
SPREADSHEETS = {s for s in SUFFIXES if not s.startswith((".doc", ".dot"))} | {".csv"}


class ProjectListError(UserError):
    """A project list that cannot be used; ``problems`` are Chinese sentences with row numbers."""

    def __init__(self, path: Path, problems: list[str], sheet: str | None = None):
        self.path, self.problems = path, problems
        shown = shown_path(str(path))   # (a name with a newline or bytes not UTF-8, shown safely)
        where = f"{shown}（工作表“{shown_path(sheet)}”）" if sheet else shown
        super().__init__(f"项目清单 {where} 有 {len(problems)} 处问题：\n" + "\n".join(problems))


# what separates a list's columns: a comma, or a tab (Excel's "Unicode 文本", then named .csv) or a
# semicolon (a CSV saved where the comma is the decimal mark: 141,116 there is 141.116)
DELIMITERS = (",", "\t", ";")
_DECIMAL_COMMA = re.compile(r"\s*-?\d{1,3}(?:\.\d{3})*,\d+\s*|\s*-?\d+,\d+\s*")


def csv_grid(path: Path) -> Grid:
    """A .csv list as one grid (UTF-8, GB18030 as Chinese Windows exports, or UTF-16 or UTF-32
    with its byte order mark, as Excel's Unicode text), its columns separated by the one of
    :data:`DELIMITERS` its first line holds most of. Like every other input it must be a
    regular file (a pipe named .csv would block the read) of bounded size, read once from the
    descriptor that was checked, of at most :data:`~.container.MAX_LIST_ROWS` rows."""
    data = read_regular(path, empty=True)   # (empty is said below, of a blank file too)
    if not data.strip():
        raise UnreadableFile("文件是空的")
    if data[:8] == OLE or data.startswith(b"PK\x03\x04"):   # a workbook named .csv (OLE: .xls; a zip: .xlsx)
        kind = ".xls" if data[:8] == OLE else ".xlsx"
        raise UnreadableFile(f"内容是 Excel 工作簿，扩展名却是 .csv：请把扩展名改为 {kind} 后再试")
    utf32 = data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")   # (before UTF-16: its mark begins alike)
    text = decoded(data, ("utf-32",) if utf32 else ("utf-16",) if data[:2] in (b"\xff\xfe", b"\xfe\xff")
                   else ("utf-8-sig", "gb18030"))
    if text is None:
        raise UnreadableFile("无法识别文件的编码（应为 UTF-8、GBK 或带字节顺序标记的 UTF-16、UTF-32）")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(DELIMITERS, key=first.count)   # (ties, and none at all: the comma)
    try:
        rows = [list(r) for r in itertools.islice(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter),
                                                  MAX_LIST_ROWS + 1)]
        if len(rows) > MAX_LIST_ROWS:   # (as a sheet is refused: never cut short without a word)
            raise UnreadableFile(f"超过 {MAX_LIST_ROWS} 行，超出读取上限：请分成几个清单")
        if delimiter == ";":   # numbers written with a decimal comma (and dots between thousands)
            rows = [[_point(v) if _DECIMAL_COMMA.fullmatch(v) else v for v in row] for row in rows]
    except csv.Error as err:   # (Python's English text: a field over the limit, in practice)
        why = f"有超过 {csv.field_size_limit()} 个字符的单元格" if "field limit" in str(err) else "格式无法识别"
        raise UnreadableFile(f"不是有效的 CSV 文件（{why}）") from None
    _refuse_wider_rows(rows, delimiter)
    return Grid("清单", rows, 0, 0)


def _refuse_wider_rows(rows: list[list[str]], delimiter: str) -> None:
    """Refuse a list whose rows below its header fill more columns than the header has: a
    ``delimiter`` inside a cell written without quotes, which shifts the rest of its row (a
    goal's comma had been read as the next column: 三级指标 taken for 性质)."""
    found = list_header(rows)
    if found is None:   # (no list: said as such where it is read)
        return
    at = found[0]
    width = len(rows[at])
    wider = [number for number, row in enumerate(rows[at + 1:], start=at + 2) if any(row[width:])]
    if wider:
        shown = "、".join(map(str, wider[:10])) + ("…" if len(wider) > 10 else "")
        mark = {",": "逗号", "\t": "制表符", ";": "分号"}[delimiter]
        raise UnreadableFile(f"第 {shown} 行比表头的列多：可能是单元格中的{mark}没有用引号括起来，这些行各列已错位；"
                             "请用 Excel 或 WPS 打开改正后另存")


def _point(number: str) -> str:
    """A number written with a decimal comma (``1.234,5``) as one with a decimal point (``1234.5``)."""
    return number.strip().replace(".", "").replace(",", ".")


def read_list_file(path: Path) -> tuple[str, list[Grid]]:
    """The format and grids of a list file, as ``targets check``, ``batch`` and ``new --spec``
    read it: a .csv by :func:`csv_grid`, anything else through the container checks of recalc
    (:func:`.source.read_source`: a zip bomb, a pipe or a sheet reaching XFD1048576 is refused
    with its reason, never opened by a library), at most :data:`~.container.MAX_LIST_ROWS` rows
    a sheet: a longer sheet is refused, never cut short without a word. Raises ``UnreadableFile``."""
    if path.suffix.lower() == ".csv":
        return "csv", [csv_grid(path)]
    from .source import read_source

    fmt, grids = read_source(path, MAX_LIST_ROWS, MAX_LIST_COLUMNS)   # (an export of every field: wider than a form)
    cut = [grid.name for grid in grids if grid.truncated]
    if cut:
        raise UnreadableFile(f"工作表“{cut[0]}”超过 {MAX_LIST_ROWS} 行，超出读取上限：请分成几个清单")
    return fmt, grids


def list_text(value: object) -> str:
    """A cell as the list's text: a whole number without its ``.0`` (calamine reads 15 as 15.0),
    a logical value as Excel shows it (TRUE, not Python's True)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _frame(path: Path) -> tuple[list[str], list[dict[str, str]], str | None, int, list[set[str]], dict[str, str]]:
    """The list's header, its rows as text by column, the name of the sheet they come from
    (a workbook), the row number of the header, by row the columns whose cells are formulas
    saved without their results (read as empty), and the money unit a column's label writes
    (``全年预算数（元）``), read by :func:`read_list_file`."""
    if path.is_dir():
        raise ProjectListError(path, ["是文件夹，不是项目清单文件：请给出清单的 .xlsx、.xls、.ods 或 .csv 文件"])
    if path.suffix.lower() not in SPREADSHEETS:
        raise ProjectListError(path, [f"不是 .xlsx、.xls、.ods 或 .csv 文件（扩展名为“{path.suffix}”）：请用 Excel 或 WPS 另存为 .xlsx"])
    try:
        fmt, grids = read_list_file(path)
    except UnreadableFile as err:
        raise ProjectListError(path, [reason_of_one(err)]) from None
    if fmt in WORD_FORMATS or not grids:
        raise ProjectListError(path, ["不是表格（是 Word 文档或没有工作表）"])
    with_list = [n for n, grid in enumerate(grids)   # (a header is within the first rows: only those looked at)
                 if list_header([[list_text(v) for v in row] for row in grid.rows[:HEADER_ROWS + 1]])]
    # a visible sheet's list; a hidden sheet's only when no visible sheet holds one (as targets check reads it)
    lists = [n for n in with_list if not grids[n].hidden] or with_list
    if len(lists) > 1:   # (never one read and the others dropped without a word)
        raise ProjectListError(path, [f"工作表“{'”“'.join(grids[n].name for n in lists)}”中都有项目清单，一次只能读一个："
                                      "请把它们合并到一个工作表，或分存为几个文件"])
    number = lists[0] if lists else next((n for n, grid in enumerate(grids) if not grid.hidden), 0)
    grid = grids[number]   # (the list's sheet, not a hidden one before it)
    rows = [[list_text(v) for v in row] for row in grid.rows]
    sheet = None if fmt == "csv" else grid.name
    at, header = list_header(rows) or (0, header_labels(rows[0]) if rows else [])
    repeated = repeated_column(header, lambda i: grid.address(grid.top + at, grid.left + i))
    if repeated:
        raise ProjectListError(path, [repeated], sheet)
    columns = {name: i for i, name in enumerate(header) if name}
    written = header_units(rows[at]) if rows else []
    if at and header != header_labels(rows[at]):   # (two rows read as one: a label merged down from above)
        written = [b or a for a, b in zip_longest(header_units(rows[at - 1]), written, fillvalue="")]
    units = {name: written[i] for name, i in columns.items() if i < len(written) and written[i]}
    target, unit = columns.get(form.INDICATOR_FIELDS["target"]), columns.get(form.INDICATOR_FIELDS["unit"])
    body = rows[at + 1:]
    weight = columns.get(form.INDICATOR_FIELDS["weight"])
    for number, row in enumerate(body if grid.percent else (), start=grid.top + at + 1):
        if target is not None and percent_unit(row[unit] if unit is not None and unit < len(row) else ""):
            row[target] = list_text(grid.shown(number, grid.left + target))   # 95% typed is stored as 0.95
        if weight is not None and weight < len(row) and (number, grid.left + weight) in grid.percent:
            row[weight] = list_text(grid.shown(number, grid.left + weight))   # a 分值 of 20 shown as 20% is stored 0.2
    records = [{name: row[i] if i < len(row) else "" for name, i in columns.items()} for row in body]
    first = grid.top + at + 1
    lost = [{name for name, i in columns.items() if (r, grid.left + i) in grid.no_result}
            for r in range(first, first + len(body))] if grid.no_result else [set() for _ in body]
    return header, records, sheet, first, lost, units


HEADER_ROWS = 20   # a list's header is within its first rows (below a title, a 单位 line, blank rows)


# The unit a budget system writes after an amount column's label: 全年预算数（万元）, 年初预算数(元)
_AMOUNT_UNIT = re.compile(r"[(（](?:单位[:：])?(万元|元)[)）]$")


# A required field's mark around a label (*项目名称, ※三级指标), and a note a budget system writes
# after a label (项目名称（全称）, 三级指标(必填), 绩效指标性质（≥、≤、=、定性）); not a unit or a year
# (全年预算数（千元）, 全年预算数（上年）: another column, or another unit, than the one the list needs)
_REQUIRED_MARK = re.compile(r"^[*＊※★]+|[*＊※★]+$")
_NOTE_AFTER = re.compile(r"[(（][^()（）]{1,12}[)）]$")
_NOT_A_NOTE = re.compile(r"元|上年|去年|本年|以前|\d{4}")   # (a unit or a year: another column than the list's)


def _bare(text: str) -> str:
    return _REQUIRED_MARK.sub("", text.replace("\n", "").replace(" ", "").strip())


def _shortened(label: str, exact: set[str]) -> str:
    """``label`` as the list column it names with a note (三级指标(必填), 三级指标名称), where the
    header has no column of that label itself (an exact label wins: 项目名称 beside 项目名称（全称）)."""
    note = _NOTE_AFTER.search(label)
    for shorter in (label[:note.start()] if note and not _NOT_A_NOTE.search(note.group()) else label,
                    label.removesuffix("名称")):
        if shorter != label and shorter in COLUMNS and shorter not in exact:
            return shorter
    return label


def repeated_column(labels: list[str], cell: Callable[[int], str]) -> str | None:
    """What to say when a header names one of the list's columns twice (last year's 年度指标值
    kept, hidden, beside this year's): which one is meant, perfbook cannot tell. ``cell`` gives
    the address of the header cell at an index."""
    for label in COLUMNS:
        at = [i for i, text in enumerate(labels) if text == label]
        if len(at) > 1:
            return (f"表头中有 {len(at)} 列都是“{label}”（{'、'.join(map(cell, at))}），无法确定读哪一列："
                    "请删除多余的列（或改为其他列名）后再试")
    return None


def header_labels(row: list[str]) -> list[str]:
    """A header row's texts as labels: without the line breaks and spaces a long label is wrapped
    with, the unit of an amount written after it (``全年预算数（万元）`` is 全年预算数; see
    :func:`header_units`), a required field's mark (``*项目名称``), and a note after a column's
    label or the 名称 of 三级指标名称 (``项目名称（全称）``, ``三级指标(必填)``) where the header
    has no column of the label itself."""
    labels = [_AMOUNT_UNIT.sub("", _bare(c)) for c in row]
    exact = set(labels) & set(COLUMNS)
    return [_shortened(label, exact) for label in labels]


def header_units(row: list[str]) -> list[str]:
    """The money unit each header text writes after its label (``万元``, ``元``), or ''."""
    return [m.group(1) if (m := _AMOUNT_UNIT.search(_bare(c))) else "" for c in row]


def merged_labels(above: list[str], below: list[str]) -> list[str]:
    """Two header rows read as one: each column's label from the row below, where it has one
    (年度指标值 over 指标性质 | 指标值 | 度量单位), but a project's label above (项目名称 merged
    down) over a note under it (（全称）)."""
    return [a if a in PROJECT_COLUMNS and b not in COLUMNS else b or a for a, b in zip_longest(above, below, fillvalue="")]


def list_header(rows: list[list[str]]) -> tuple[int, list[str]] | None:
    """The index of the row a list's header ends on, and its labels: the first row within
    :data:`HEADER_ROWS` holding 项目名称 and 三级指标 (below a title), or two rows read as one
    (项目名称 … merged down beside 绩效指标 over 一级指标 … 三级指标 …); ``None`` when none has them.
    (``targets check`` finds a list's header the same way.)"""
    level3 = form.INDICATOR_FIELDS["level3"]
    for at, row in enumerate(rows[:HEADER_ROWS]):
        texts = header_labels(row)
        if PROJECT not in texts:
            continue
        below = header_labels(rows[at + 1]) if at + 1 < len(rows) else []
        if level3 not in texts and level3 in below:
            return at + 1, merged_labels(texts, below)
        if level3 in texts:
            return at, texts
    return None


def _text(row: dict, column: str) -> str:
    return str(row.get(column, "")).strip()


@dataclass
class ProjectList:
    """A project list read project by project: ``tables`` in list order, and every problem in
    list order with the index of the table it is of (None: of a row that belongs to no project,
    such as a row without 项目名称 or the rows of a project whose name was left blank)."""

    path: Path
    sheet: str | None
    tables: list[Table]
    problems: list[tuple[int | None, str]]

    def of(self, index: int) -> list[str]:
        """The problems of ``tables[index]`` (none: the project can be used)."""
        return [text for at, text in self.problems if at == index]

    @property
    def loose(self) -> list[str]:
        return [text for at, text in self.problems if at is None]

    def refuse(self) -> None:
        """Raise :class:`ProjectListError` with every problem, if there is any."""
        if self.problems:
            raise ProjectListError(self.path, [text for _, text in self.problems], self.sheet)


def read_project_list(path: str | Path, profile: object = None, year: int | None = None,
                      funds_scored: bool = True) -> list[Table]:
    """The tables (targets and weights, no actuals) of every project in a project list; their
    weights add up to 100 with the profile's 年度资金总额 分值, or alone where the form does not
    score the funds row (``funds_scored`` False: ningxia-2021). Any problem raises
    :class:`ProjectListError` with all of them (see :func:`read_projects` for the usable ones)."""
    found = read_projects(path, profile, year, funds_scored)
    found.refuse()
    return found.tables


def read_projects(path: str | Path, profile: object = None, year: int | None = None,
                  funds_scored: bool = True) -> ProjectList:
    """:func:`read_project_list` project by project: a problem of one project's rows is that
    project's, and the others can be used. A list that cannot be read at all (a column missing,
    no rows) still raises :class:`ProjectListError`."""
    path = Path(path)
    rules = get_profile(profile)
    header, records, sheet, header_row, lost, units = _frame(path)
    missing = [c for c in COLUMNS if c not in header and c not in IN_TARGET]
    in_target = form.INDICATOR_FIELDS["nature"] not in header   # the central layout: ≥90% in 年度指标值
    if missing:
        raise ProjectListError(path, [f"缺少列：{'、'.join(missing)}（表头应在前 {HEADER_ROWS} 行中，含“{PROJECT}”和“三级指标”）"], sheet)
    if not any(any(_text(r, c) for c in COLUMNS) for r in records):
        raise ProjectListError(path, ["没有任何数据行"], sheet)
    problems: list[str] = []
    tables: list[Table] = []
    spans: list[list[int]] = []  # the list's row numbers of each table
    first_rows: dict[str, int] = {}
    current: dict[str, str] = {}
    level1_label, level2_label = form.INDICATOR_FIELDS["level1"], form.INDICATOR_FIELDS["level2"]
    owners: list[int | None] = []   # the table each problem is of (None: of no project's row)
    owner = None
    for number, (row, gone) in enumerate(zip(records, lost), start=header_row + 1):
        owners += [owner] * (len(problems) - len(owners))   # (the problems of the row before)
        owner = None
        # a formula saved without its result is said as such, not as a blank cell (为空)
        problems.extend(f"第 {number} 行：{column}{NO_RESULT}" for column in COLUMNS if column in gone)
        if not any(_text(row, c) for c in COLUMNS):
            continue
        own = _text(row, PROJECT)
        texts = {c: _text(row, c) for c in (*PROJECT_AMOUNTS, *PROJECT_TEXTS)}
        unlike = other_project(texts, current) if not own and current.get(PROJECT) else []
        if unlike:   # a project whose name was left blank: said once, its rows not the project's above
            problems.append(f"第 {number} 行：{nameless_said(unlike, current[PROJECT])}")
            current = {**texts, _NAMELESS: "1"}
            continue
        if not own and current.get(_NAMELESS):
            continue
        name = own or current.get(PROJECT, "")
        if not name:
            problems.append(f"第 {number} 行：缺少{PROJECT}")
            continue
        if name != current.get(PROJECT):
            if meaning := error_meaning(name):   # (no template named 02_#NAME_.xlsx)
                problems.append(f"第 {number} 行：{PROJECT}单元格中是 {meaning}，不是项目名称")
            if name in first_rows:
                problems.append(f"第 {number} 行：{PROJECT}“{name}”重复（第 {first_rows[name]} 行已出现）")
            first_rows.setdefault(name, number)
            current = {c: _text(row, c) for c in PROJECT_COLUMNS}
            current[PROJECT] = name
            tables.append(_new_table(current, number, year, problems, gone, units))
            spans.append([])
        owner = len(tables) - 1
        continuing = bool(tables[-1].indicators)
        level1 = _text(row, level1_label) or (current.get(level1_label, "") if continuing else "")
        # (a new 一级 with its 二级 blank does not take the 二级 of the other 一级 above)
        same_level1 = continuing and level1 == current.get(level1_label)
        level2 = _text(row, level2_label) or (current.get(level2_label, "") if same_level1 else "")
        current[level1_label], current[level2_label] = level1, level2
        values = {f: _text(row, form.INDICATOR_FIELDS[f]) for f in LIST_FIELDS}
        problems.extend(f"第 {number} 行：{said}" for _, said in label_errors(values))
        if in_target and values["target"]:
            try:
                values.update(_split(values, rules.bare_nature((level1, level2))))
            except PerfError as err:
                problems.append(f"第 {number} 行：“{values['level3']}”：{err}")
        indicator = Indicator(**{**values, "level1": level1, "level2": level2, "actual": None})
        if not gone.intersection(INDICATOR_COLUMNS):
            problems.extend(f"第 {number} 行：{p}" for p in _indicator_problems(indicator, rules))
        tables[-1].indicators.append(indicator)
        spans[-1].append(number)
    owners += [owner] * (len(problems) - len(owners))
    for number, (table, span) in enumerate(zip(tables, spans)):
        found = _weight_problems(table, span, rules.funds_weight if funds_scored else Decimal(0))
        problems.extend(found)
        owners += [number] * len(found)
    return ProjectList(path, sheet, tables, list(zip(owners, problems)))


# A project's cells, which its continuation rows leave blank or repeat: a row without 项目名称
# filling both an amount and a text otherwise is another project's first row (an amount alone
# is a continuation row stating it again, differently, which targets check says; a goal or
# 实施单位 alone may go on over several rows)
PROJECT_AMOUNTS, PROJECT_TEXTS = (INITIAL, ANNUAL), (DEPARTMENT, IMPLEMENTER, form.GOAL)


def other_project(values: dict[str, str], current: dict[str, str]) -> list[str]:
    """The labels of the project cells a row without a 项目名称 fills otherwise than the project
    above it, when they hold both an amount and a text: the first row of a project whose name was
    left blank, not a row of that project (a cell left blank on either is no difference); [] else."""
    unlike = [label for label in (*PROJECT_AMOUNTS, *PROJECT_TEXTS)
              if values.get(label) and current.get(label) and values[label] != current[label]]
    return unlike if set(unlike) & set(PROJECT_AMOUNTS) and set(unlike) & set(PROJECT_TEXTS) else []


def nameless_said(unlike: list[str], above: str) -> str:
    """What is said of a project whose name was left blank (see :func:`other_project`)."""
    return f"缺少{PROJECT}（{'、'.join(unlike)}与上面的项目“{above}”不同，像是另一个项目的第一行）"


_NAMELESS = "nameless"   # (the current project's mark: its name left blank, its rows passed over)


def label_errors(values: dict[str, object]) -> list[tuple[str, str]]:
    """(field, what is said) of each label or unit of an indicator row (by field) holding an Excel
    error value: texts no rule reads as a value, so no rule would say it (a template had carried
    a row named #REF!)."""
    return [(f, f"{form.INDICATOR_FIELDS[f]}单元格中是 {meaning}") for f in ("level1", "level2", "level3", "unit")
            if (meaning := error_meaning(values.get(f)))]


def list_amount(value: object, label: str, unit: str = "万元"):
    """An amount of a list in 万元 as a number: ``141.116``, ``1,234.5``, or written with its money
    unit (``150万元``, ``150万``; ``1,500,000元`` is 150); a bare number in ``unit`` (the list's
    column in 元: 1500000 is 150); a percentage (95%) is no amount. Raises ``PerfError``
    (``targets check`` and ``perfbook new`` read amounts the same way)."""
    if isinstance(value, str) and value.strip().endswith(("%", "％")):
        raise PerfError(f"{label}“{value.strip()}”是百分数，不是金额")
    return convert(read_amount(value, unit, label), unit, "万元")


def _new_table(project: dict[str, str], number: int, year: int | None, problems: list[str],
               lost: set[str], units: dict[str, str]) -> Table:
    annual = None
    try:
        if ANNUAL not in lost:   # (a formula without its result is said already)
            annual = list_amount(project[ANNUAL], ANNUAL, units.get(ANNUAL, "万元"))
            if annual <= 0:
                raise PerfError(f"{ANNUAL}应大于 0（{project[ANNUAL]}）")
    except PerfError as err:
        problems.append(f"第 {number} 行：项目“{project[PROJECT]}”的{err}")
        annual = None
    initial = project[INITIAL] or None
    if initial is not None:
        try:
            if (initial := list_amount(project[INITIAL], INITIAL, units.get(INITIAL, "万元"))) < 0:
                raise PerfError(f"{INITIAL}不能为负数（{project[INITIAL]}）")
        except PerfError as err:
            problems.append(f"第 {number} 行：{err}")
    return Table(
        project=project[PROJECT],
        department=project[DEPARTMENT],
        implementer=project[IMPLEMENTER],
        year=year,
        goal_expected=project[form.GOAL],
        funds=Funds(annual=annual, executed=None, initial=initial),
        indicators=[],
    )


# Columns a list may go without: the central 8-column layout writes them in the 年度指标值 (≥90%)
IN_TARGET = (form.INDICATOR_FIELDS["nature"], form.INDICATOR_FIELDS["unit"])


def _split(values: dict[str, str], bare: str | None) -> dict[str, str]:
    """A row of a list without a 性质 column: its nature, number and unit as written in its
    年度指标值 (``≥90%``: ≥, 90, %; the unit column's own unit, when there is one, kept), read
    as the review reads them (:func:`addin.engine.targets.split_target`)."""
    target = split_target(values["target"], bare)
    if target.nature == QUALITATIVE:   # (its scale as written: 优良中 低差)
        return {"nature": QUALITATIVE}
    return {"nature": target.nature, "target": target.value, "unit": values["unit"] or target.unit}


def _indicator_problems(ind: Indicator, rules) -> list[str]:
    if not ind.level3:
        return [f"缺少{form.INDICATOR_FIELDS['level3']}名称"]
    try:
        nature = parse_nature(ind.nature)
        parse_weight(ind.weight)
        if nature == QUALITATIVE:
            find_scale(ind.target, rules)
        else:
            read_value(ind.target, ind.unit, form.INDICATOR_FIELDS["target"])
    except PerfError as err:
        return [f"“{ind.level3}”：{err}"]
    return []


def _weight_problems(table: Table, rows: list[int], funds_weight: Decimal) -> list[str]:
    try:
        weights = [parse_weight(i.weight) for i in table.indicators]
    except PerfError:
        return []  # already reported per row
    problem = weights_problem(weights, funds_weight)
    return [f"第 {rows[0]}–{rows[-1]} 行：项目“{table.project}”的{problem}"] if problem else []
