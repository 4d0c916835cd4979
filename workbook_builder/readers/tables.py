"""Self-evaluation tables read out of workbooks, with the cell address of every reported value.

Two kinds of workbook are read:

* perfbook templates (recognised by their hidden ``_perfbook`` sheet), read through the same
  :mod:`layout` that wrote them; formula cells carry Excel's cached values, or none when the
  workbook was never calculated;
* workbooks in the standard layout made elsewhere, with hand-typed scores: columns are found
  by their header labels (spaces and line breaks inside labels ignored), each indicator row is
  read relative to its 绩效指标性质 cell (so rows shifted by a column are read right), blank or
  misplaced 一级/二级 labels are carried down or inferred, and a sheet may hold several tables.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from addin.engine import PerfError, form, get_profile, parse_nature
from addin.engine import forms
from addin.engine.forms import (DEFAULT_FORM_ID, OTHER_INDICATOR_LABELS, ends, funds_rows, get_form, list_forms,
                                strip_source, vocabulary)
from addin.engine.numbers import AMOUNT, BLANK_MARKS, amount_in, is_blank, money_unit, normalize_text
from addin.engine.natures import SPELLINGS as NATURE_SPELLINGS
from addin.engine.table import Funds, FundsSource, Indicator, Table

from ..forms import layout as L
from .container import LOST_FUNCTION, Grid, error_meaning, percent_text

_YEAR = re.compile(r"(\d{4})\s*年度")
_NUMBER_TEXT = re.compile(r"-?[\d,]+(\.\d+)?%?")
_LABELS = (form.PROJECT, form.DEPARTMENT, form.IMPLEMENTER)   # the labels of the table's head
# The head of a 部门整体支出绩效自评表 (金寨县 2023): the department is what is evaluated, no 项目名称
_WHOLE_DEPARTMENT = ("部门", "部门名称", "单位名称")
REQUIRED_COLUMNS = ("level3", "target", "actual", "weight", "score")


class NoTable(Exception):
    """A readable workbook in which no self-evaluation table was found."""


UNFILLED = "未填写"   # the status of a table never filled in (a 自评表 or a 评分表): counted apart, no findings


@dataclass
class ReadTable:
    """A table and where its values are: ``cells`` maps ('funds', field), ('indicator', row,
    field), ('total', 'score'), ('total', 'weight'), ('grade', 'grade'), ('rule',) to A1
    addresses, where ``field`` is a field of Funds or Indicator."""

    table: Table
    file: str
    sheet: str
    cells: dict[tuple, str] = field(default_factory=dict)
    template: bool = False
    uncalculated: bool = False   # a template whose formula cells hold no cached values (or #NAME?)
    note: str = ""               # why perfbook computed the template's scores itself
    computed: frozenset[tuple] = frozenset()   # the keys of ``cells`` whose values perfbook computes
    # rows (1-based) the 总分 SUM of a template read by its header leaves out (see _outside_total; where
    # the template's layout fits, no row was added below the SUM's range)
    outside_total: frozenset[int] = frozenset()
    problems: list[tuple[str, str]] = field(default_factory=list)  # (cell, Chinese message)
    # Indicator rows of the standard layout: (sheet row, column shift) of each, the header's
    # columns and the grid's addressing; their ('indicator', …) cells are worked out when asked
    # for (most are never asked for: a batch needs the cells of its findings only).
    located: list[tuple[int, int]] = field(default_factory=list, repr=False)
    columns: dict[str, int] = field(default_factory=dict, repr=False)
    address: Callable[[int, int], str] | None = field(default=None, repr=False, compare=False)
    form: str = DEFAULT_FORM_ID   # the form recognised (addin/forms/<id>.toml)
    form_exact: bool = True       # False: the nearest form, the table differs from it
    status: str = ""              # UNFILLED: a table never filled in (no findings are raised)
    funds_columns: tuple[str, ...] = ()   # the funds block's columns (standard layout)
    money_unit: str = "万元"

    def has_column(self, part: str, name: str) -> bool:
        """Whether the table has a column for ``name`` (a template: whether its form has one)."""
        if self.template:
            found = get_form(self.form)
            return name in (found.indicator_columns if part == "indicator" else found.funds_columns)
        return name in (self.columns if part == "indicator" else self.funds_columns)

    def cell(self, key: tuple) -> str:
        """The address of the value ``key`` names (see ``cells``); '' when it was not read. A
        form without a 性质 column has the nature inside the target: its cell is the target's."""
        found = self.cells.get(key)
        if found is None and self.located and key[0] == "indicator" and 1 <= key[1] <= len(self.located):
            name = key[2] if key[2] in self.columns or key[2] != "nature" else "target"
            if name in self.columns:
                row, shift = self.located[key[1] - 1]
                return self.address(row, self.columns[name] + shift)
        return found or ""

    def all_cells(self) -> dict[tuple, str]:
        """``cells`` with every indicator cell worked out."""
        cells = dict(self.cells)
        for number, (row, shift) in enumerate(self.located, start=1):
            for key, col in self.columns.items():
                cells[("indicator", number, key)] = self.address(row, col + shift)
        return cells


def all_cells(read) -> dict[tuple, str]:
    """Every address a read holds: a 自评表's (:meth:`ReadTable.all_cells`), or the ``cells`` of
    an evaluation form or yearly table."""
    return read.all_cells() if isinstance(read, ReadTable) else read.cells


def norm(value: object) -> str:
    """``value`` as text without any whitespace (the same characters as ``\\s``)."""
    return "".join(str(value).split()) if value is not None else ""


def cell_texts(grid: Grid) -> list[list[str]]:
    """Every text cell of ``grid`` normalised with :func:`norm` (a number cell as '': the
    readers search these texts for labels and years, which numbers never are), once per grid:
    the header search looks at each cell many times."""
    texts = grid.__dict__.get("_texts")
    if texts is None:
        texts = grid.__dict__["_texts"] = [
            [(("".join(v.split()) if v else v) if v.__class__ is str else "" if v is None or v.__class__ is float
              else norm(v)) for v in row]
            for row in grid.rows]
    return texts


def row_texts(grid: Grid) -> list[str]:
    """Each row's normalised cell texts joined by tabs, once per grid: a row that cannot hold a
    text is passed over with one substring search."""
    joined = grid.__dict__.get("_rows")
    if joined is None:
        joined = grid.__dict__["_rows"] = ["\t".join(row) for row in cell_texts(grid)]
    return joined


def has_text(grid: Grid, *needles: str) -> bool:
    """Whether some normalised cell text of ``grid`` contains one of ``needles``: one substring
    search that lets the readers pass over a sheet that cannot hold what they look for."""
    joined = grid.__dict__.get("_joined")
    if joined is None:
        joined = grid.__dict__["_joined"] = "\n".join(row_texts(grid))
    return any(needle in joined for needle in needles)


def _text(grid: Grid, row: int, col: int) -> str:
    r, c = row - grid.top, col - grid.left
    texts = cell_texts(grid)
    if 0 <= r < len(texts) and 0 <= c < len(texts[r]):
        return texts[r][c]
    return ""


def _is_number(value: object) -> bool:
    kind = value.__class__
    if kind is float or kind is int:
        return True
    if kind is str:   # (an amount with its money unit too: 696.02万元)
        return value != "" and (_NUMBER_TEXT.fullmatch(value.strip()) is not None
                                or AMOUNT.fullmatch(normalize_text(value)) is not None)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def read_tables(path: str | Path) -> list[ReadTable]:
    """Every table in a workbook or Word document. Raises ``UnreadableFile`` or :class:`NoTable`."""
    from .source import read_source  # calamine and Word: not needed inside Excel (xlwings Lite)

    return tables_in(read_source(path)[1], str(Path(path)))


NO_PROJECT = f"未填写{form.PROJECT}"   # how a table named by its sheet (or Word table) for want of one is said


def _tables_or_none(grid: Grid, file: str) -> list[ReadTable]:
    """The tables on ``grid``, none where its header cannot be read (a hidden sheet only said)."""
    try:
        return _read_standard(grid, file)
    except NoTable:
        return []


def tables_in(grids: list[Grid], file: str) -> list[ReadTable]:
    """Every table in the grids of one file already read (sheets or Word tables, from a file or
    from the workbook open in Excel); ``file`` labels it: a perfbook template through its layout,
    else every table in the standard layout on a visible sheet (on a hidden sheet only when no
    visible sheet holds one, then with a note). Raises :class:`NoTable`."""
    meta = next((g for g in grids if g.name == L.META_SHEET), None)
    perfbook = meta is not None and str(meta.value(0, 1) or "") == L.META_TITLE   # (not an evaluation form's)
    if perfbook:
        sheet = next((g for g in grids if g.name == L.SHEET), None)
        read = _read_template(sheet, meta, file) if sheet is not None else None
        if read is not None:   # and a table filled on another sheet (a copy of 自评表, one brought in)
            others = [(g, r) for g in grids if not g.hidden and g is not sheet for r in _tables_or_none(g, file)]
            for grid, other in others:
                if _calls_perfbook(grid):   # (a copy of the template's sheet; not a table pasted in)
                    _computed_in_standard(grid, other)
            return [read, *(other for _, other in others)]
    found = []
    for grid in grids:
        if not grid.hidden:
            found.extend((grid, read) for read in _read_standard(grid, file))
    hidden = [g for g in grids if g.hidden and g.name != L.META_SHEET]
    if not found:
        for grid in hidden:
            for read in _read_standard(grid, file):
                read.problems.insert(0, (grid.address(grid.top, grid.left),
                                         f"自评表位于隐藏的工作表“{grid.name}”中，请确认这是要提交的表"))
                found.append((grid, read))
    elif hidden:   # tables kept on hidden sheets beside the visible ones: not read, but said
        left = [(g.name, r.table.project) for g in hidden for r in _tables_or_none(g, file)]
        if left:
            said = "、".join(f"“{sheet}”（{project}）" for sheet, project in left[:3]) + ("等" if len(left) > 3 else "")
            first = found[0][1]
            first.note = "；".join(filter(None, (first.note, f"隐藏的工作表{said}中也有自评表，未复核；如需复核请取消隐藏")))
    for grid, read in found:   # a template whose rows were inserted or deleted, or whose sheet was
        if perfbook or _calls_perfbook(grid):   # renamed; or copied out of it, without its hidden sheet
            _computed_in_standard(grid, read)
    found = [read for _, read in found]
    if not found:
        truncated = [g.name for g in grids if g.truncated]
        extra = f"（工作表 {'、'.join(truncated)} 过大，只读了前 5000 行）" if truncated else ""
        raise NoTable(f"没有找到自评表（{_nearest_header(grids)}）{extra}")
    return found


def _calls_perfbook(grid: Grid) -> bool:
    """Whether a sheet's cells showing an error value call perfbook's functions (perf_score(…)
    showing #NAME?; in an .xls, a function LibreOffice did not know, :data:`.container.LOST_FUNCTION`,
    on a sheet with the template's 检查 column):
    a template's sheet without the template's hidden sheet (deleted, or the sheet copied into a
    workbook of its own)."""
    formulas = grid.formulas.values()
    return any(_PERF_CALL.search(f) for f in formulas) or (   # (a unit's own function lost so is not one)
        LOST_FUNCTION in formulas and has_text(grid, L.CHECK_HEADER))


_PERF_CALL = re.compile(r"\bPERF_[A-Z_]+\s*\(", re.IGNORECASE)


_LABEL_LENGTH = 16   # characters a header label holding 三级指标 may have (指标名称(三级指标)), not a sentence


def _nearest_header(grids: list[Grid]) -> str:
    """What was looked for, said at the first 三级指标 cell of a visible sheet when there is one
    (a layout no form describes: a Hubei 自评表 headed 年初目标值(A), without 分值), with the
    columns its row lacks; a short label that holds the words (广水's 指标名称(三级指标), not a
    sentence of instructions) when no cell begins with them; else the sheets looked at."""
    level3 = form.INDICATOR_FIELDS["level3"]
    visible = [grid for grid in grids if not grid.hidden]
    for test in (lambda t: t.startswith(level3), lambda t: level3 in t and len(t) <= _LABEL_LENGTH):
        for grid in visible:
            at = _find(grid, range(grid.top, grid.bottom), test, level3)
            if at is None:
                continue
            seen = {field for field, _ in _fields(tuple(cell_texts(grid)[at[0] - grid.top]), "indicators")}
            missing = [form.INDICATOR_FIELDS[f] for f in ("target", "weight", "score") if f not in seen]
            if missing:
                return (f"“{grid.name}”{grid.address(*at)} 起的表头有“{_text(grid, *at)}”，"
                        f"但没有“{'”“'.join(missing)}”列，与 perfbook 所知的表样都不符")
    names = [grid.name for grid in visible]
    listed = "、".join(f"“{n}”" for n in names[:3]) + ("等" if len(names) > 3 else "")
    where = f"{visible[0].KIND}{listed}中" if names else ""   # (工作表“表1”中; Word 文档的“表格1”中)
    return f"{where}未找到含“{level3}”“年度指标值”“得分”的指标表头"


# perfbook templates -------------------------------------------------------------------------


# What a unit types into an indicator row of a template (the 得分 cell holds a formula's result)
_TYPED = ("level1", "level2", "level3", "nature", "target", "unit", "actual", "weight", "reason")


def _read_template(grid: Grid, meta: Grid, file: str) -> ReadTable | None:
    """The template on ``grid`` through its layout; ``None`` when its 总分 row is not where the
    layout puts it (a unit inserted or deleted rows): it is then read in the standard layout."""
    info = {norm(meta.value(r, 0)): meta.value(r, 1) for r in range(meta.top, meta.bottom)}
    try:
        found = get_form(info.get(L.FORM_LABEL))   # templates made before forms: the default
    except PerfError as err:
        raise NoTable(f"perfbook 模板隐藏工作表“{meta.name}”中的{err}，无法按模板读取") from None
    declared = info.get("指标行数")
    try:
        count = int(float(declared or 0))
    except (TypeError, ValueError, OverflowError):
        count = -1
    lay = L.Layout(max(count, 0), found)
    if not 0 <= count <= grid.bottom - lay.first_indicator_row + 1:  # a forged count, beyond the sheet
        raise NoTable(f"perfbook 模板隐藏工作表“{meta.name}”中的指标行数“{declared}”与“{grid.name}”工作表不符"
                      f"（该表只有 {grid.bottom} 行），模板可能已被改动，无法按模板读取")
    at = lambda ref: _at(grid, ref)  # noqa: E731
    if not norm(at(f"A{lay.total_row}")).startswith(ends()[0]):
        return None   # rows inserted or deleted: the cells are not where the layout puts them
    indicators = []
    for index in range(lay.indicators):
        row = {f: at(lay.indicator_cell(f, index)) if lay.has(f) else None for f in forms.INDICATOR_FIELDS}
        if grid.percent and percent_unit(row["unit"]):   # 100% typed into a cell is stored as 1
            row.update({f: grid.shown(*_position(lay.indicator_cell(f, index))) for f in SHOWN_FIELDS})
        indicators.append(Indicator(**row))
    # rows left blank (perfbook new --rows 8, six filled) are no indicators
    kept = [n for n, i in enumerate(indicators) if not all(is_blank(getattr(i, f)) for f in _TYPED)]
    _carry_levels(indicators)
    judged_all = tuple(i.level1 in found.judged for i in indicators)   # (every row's formulas are the template's)
    indicators = [indicators[n] for n in kept]
    funds = Funds(**{f: at(lay.funds_cell(f)) if f in lay.funds_columns else None for f in forms.FUNDS_FIELDS})
    funds.rate = percent_text(funds.rate)   # the template's 执行率 is a fraction shown as %: 3 is 300%, not 3%
    if not lay.funds_scored:
        funds.weight = 0   # a funds block worth no points
    amounts = [f for f in form.AMOUNT_FIELDS if f in found.funds_columns]
    funds.sources = {name: FundsSource(**{f: at(lay.funds_cell(f, name)) for f in amounts})
                     for name in lay.source_names}
    _in_money_unit(funds, found.money_unit)
    year = _YEAR.search(str(at(f"A{L.YEAR_ROW}") or ""))
    table = Table(
        project=str(at(lay.project_cell) or info.get(form.PROJECT) or ""),
        department=str(at(lay.department_cell) or ""),
        implementer=str(at(lay.implementer_cell) or ""),
        year=int(year.group(1)) if year else None,
        goal_expected=str(at(lay.goal_expected_cell) or ""),
        goal_actual=str(at(lay.goal_actual_cell) or ""),
        funds=funds,
        indicators=indicators,
        total_weight=None,   # a SUM of the column in a template, not a total the unit declares
        total_score=at(lay.total_score_cell),
        grade=at(lay.grade_cell),
        profile=str(at(lay.rule_cell) or info.get("规则") or "") or None,
        judged=found.judged,
    )
    cells = dict(_template_cells(lay))
    for number, n in enumerate(kept, start=1):   # the rows read, numbered as read, at their own cells
        cells.update({("indicator", number, f): ref for f, ref in _row_cells(lay, n).items()})
    judged = tuple(judged_all[n] for n in kept)
    _blank_total(table, judged, lay.defining_field, lay.funds_scored)
    unfilled = (all(i.actual in (None, "") for i in indicators) and funds.executed in (None, "")
                and all(i.score in (None, "") for i, j in zip(indicators, judged) if j))
    problems = _error_values(grid, range(grid.top, grid.bottom), results=False)
    formulas = _formula_cells(lay, judged_all)
    rows = [(i.actual, lay.indicator_cell("score", n)) for n, i, j in zip(kept, indicators, judged) if not j]
    scored = {lay.total_score_cell, *(ref for _, ref in rows),   # (not 检查, 等级: derived)
              *([lay.funds_cell("score")] if lay.funds_scored else [])}
    computed, note, _ = _not_computed(at, formulas, [*rows, (funds.executed, lay.funds_cell("rate"))], table.profile,
                                      _own_formula(grid),
                                      lambda ref: not unfilled and ref in scored and _position(ref) in grid.no_result)
    if note == NOTE_NOT_COMPUTED and info.get(norm(L.MODE_LABEL)) == L.MODE_VALUE:   # (no add-in to miss)
        note = NOTE_NOT_COMPUTED_PORTABLE
    if not note:   # a portable template's prompts where it could not score (实际完成值应填写数值…)
        computed, note, prompts = _prompted(at, lay, kept, judged)
        problems += prompts
    outside = frozenset()
    if computed:   # not the unit's error: one note, no finding per cell (a unit's own formula's error is one)
        problems = [p for p in problems if p[0] not in computed]
        outside = _outside_total(grid, lay.total_score_cell,   # (a row moved out of the SUM's range)
                                 {number: lay.indicator_cell("score", n) for number, n in enumerate(kept, start=1)})
    return ReadTable(_without_error_values(table, grid), file, grid.name, cells, template=True,
                     uncalculated=bool(note), problems=problems, form=found.id, status=UNFILLED if unfilled else "",
                     funds_columns=found.funds_columns, money_unit=found.money_unit, note=note,
                     computed=frozenset(key for key, ref in cells.items() if ref in computed), outside_total=outside)


def _blank_total(table: Table, judged: tuple[bool, ...], defining: str, funds_scored: bool) -> None:
    """The template's total is "" until every row is filled (and the funds scored); an .xls keeps
    such a "" as 0 to calamine (tafia/calamine#348): that 0 is the blank it stands for, not a
    total of 0 to compare."""
    blank = lambda value: value in (None, "")  # noqa: E731
    open_rows = any(not blank(getattr(ind, defining)) and blank(ind.score if is_judged else ind.actual)
                    for ind, is_judged in zip(table.indicators, judged))
    if (open_rows or (funds_scored and blank(table.funds.score))) and table.total_score.__class__ is float \
            and table.total_score == 0:
        table.total_score = None


NO_ADDIN = "#NAME?"   # what a PERF_* cell shows where the add-in is not loaded
NOTE_NO_ADDIN = "填报时未安装加载项（计分单元格显示 #NAME?），计分由本工具计算"
# LibreOffice's .xls export replaces a function it does not know by NA(): a template filled
# without the add-in, saved as .xls and then as .xlsx again, shows #N/A (no PERF_* function
# returns it: the add-in's errors are #VALUE!)
LOST = "#N/A"
NOTE_LOST = "计分公式已丢失（填报时未安装加载项，另存为 .xls 后计分单元格显示 #N/A），计分由本工具计算"
UNKNOWN_RULE = "#VALUE!"   # what a PERF_* cell shows when the 规则 it is given is unknown
NOTE_UNKNOWN_RULE = "计分规则无法识别（计分单元格显示 #VALUE!），计分由本工具按默认规则计算"
NOTE_NOT_COMPUTED = "填报时未安装加载项或未计算公式（计分单元格没有计算结果），计分由本工具计算"
NOTE_NOT_COMPUTED_PORTABLE = "填报后未计算公式（计分单元格没有计算结果），计分由本工具计算"   # (a portable template needs no add-in)
# What a PERF_* cell shows where it was never computed, with the note that says so
NOT_COMPUTED_ERRORS = ((NO_ADDIN, NOTE_NO_ADDIN), (LOST, NOTE_LOST))


_COMPUTED = (("funds", "rate"), ("funds", "score"), ("total", "score"), ("grade", "grade"))


def _computed_in_standard(grid: Grid, read: ReadTable) -> None:
    """A perfbook template read in the standard layout (see :func:`tables_in`): its PERF_* cells
    (row scores, the funds rate and score, the total, the grade) computed as in
    :func:`_not_computed`, and no finding for a #NAME? anywhere in it (its 检查 column too). Its
    总分 row's 分值 is the template's SUM of the column, not a total the unit declares: the
    points are checked against 100, as in the template's own layout (a row inserted with 5
    points makes 105)."""
    read.table.total_weight = None
    read.problems = [p for p in read.problems if p[1] != NO_RESULT]   # its formulas are perfbook's: computed
    keys = [*_COMPUTED, *(("indicator", n, "score") for n in range(1, len(read.table.indicators) + 1))]
    refs = {key: ref for key in keys if (ref := read.cell(key))}
    inputs = [(i.actual, read.cell(("indicator", n, "score"))) for n, i in enumerate(read.table.indicators, start=1)]
    computed, read.note, shown = _not_computed(lambda ref: _at(grid, ref), frozenset(refs.values()),
                                               [*inputs, (read.table.funds.executed, read.cell(("funds", "rate")))],
                                               read.table.profile, _own_formula(grid))
    if computed:   # the PERF_* cells' error values are not findings; a unit's own, in an input, are
        right = max(read.columns.values(), default=-1)   # the 检查 column: right of every column read
        perf = lambda ref: ref in refs.values() or _position(ref)[1] > right  # noqa: E731
        read.problems = [p for p in read.problems
                         if not (_A1.fullmatch(p[0]) and perf(p[0]) and _at(grid, p[0]) == shown)]
        read.uncalculated, read.computed = True, frozenset(key for key, ref in refs.items() if ref in computed)
        scores = {key[1]: ref for key, ref in refs.items() if key[0] == "indicator"}
        read.outside_total = _outside_total(grid, refs.get(("total", "score"), ""), scores)


_A1 = re.compile(r"[A-Z]+\d+")
# the SUM of one range in a formula, as Excel writes it (SUM(J13:J19), $ signs too) or LibreOffice
# (of:=…SUM([.J13:.J19]))
_SUM_RANGE = re.compile(r"\bSUM\(\s*\[?\.?\$?([A-Z]{1,3})\$?(\d{1,7})\s*:\s*\.?\$?([A-Z]{1,3})\$?(\d{1,7})\]?\s*\)",
                        re.IGNORECASE)


def _outside_total(grid: Grid, total: str, scores: dict[int, str]) -> frozenset[int]:
    """The rows (numbers of ``scores``: 1-based row number -> its score cell) that the template's
    总分 formula at ``total`` does not add: its SUM's range is the template's rows, and a row
    added directly above the 总分 row lies below it (neither Excel nor LibreOffice extends the
    range), so the total the add-in would have shown is short of that row's score. Known where
    the total cell's formula was kept with its error value (:attr:`Grid.formulas`); none where its
    SUM is of another column or not of one range."""
    match = _SUM_RANGE.search(grid.formulas.get(_position(total), "")) if total else None
    if not match:
        return frozenset()
    (first, column), (last, other) = sorted(_position(f"{match.group(g).upper()}{match.group(g + 1)}") for g in (1, 3))
    cells = {n: _position(ref) for n, ref in scores.items() if ref}
    if other != column or any(col != column for _, col in cells.values()):
        return frozenset()
    return frozenset(n for n, (row, _) in cells.items() if not first <= row <= last)


def _known_rule(name: str) -> bool:
    try:
        get_profile(name)
    except PerfError:
        return False
    return True


def _own_formula(grid: Grid) -> Callable[[str], bool]:
    """Whether the cell at a reference still holds a formula calling PERF_* (``Grid.own_formulas``)."""
    return lambda ref: _position(ref) in grid.own_formulas


NOTE_PROMPTS = "模板中有单元格显示填写提示、未能计分（见问题），这些得分由本工具按填报内容计算"


def _prompted(at: Callable[[str], object], lay: L.Layout, kept: list[int], judged: tuple[bool, ...]
              ) -> tuple[frozenset[str], str, list[tuple[str, str]]]:
    """The cells of a portable template showing its own prompt instead of a score, rate, total
    or grade (:data:`~..forms.layout.PROMPTS`), the note that says they were computed, and one
    problem per prompt at the cell it asks to correct (实际完成值应填写数值 at the 实际完成值):
    the prompt had been read as a reported score (得分“…”中没有可用的数值), and a row's one
    mistake had given a finding at each cell below it."""
    scored = [(lay.funds_cell(f), lay.funds_cell) for f in ("rate", "score") if f in lay.funds_columns]   # (in order)
    scored += [(lay.indicator_cell("score", n), lambda f, n=n: lay.indicator_cell(f, n))
               for n, j in zip(kept, judged) if not j]
    scored += [(lay.total_score_cell, None), (lay.grade_cell, None)]
    shown = [(ref, at(ref), cell_of) for ref, cell_of in scored if L.prompt_field(at(ref)) is not None]
    if not shown:
        return frozenset(), "", []
    problems = [(cell_of(field), f"模板提示“{text}”：请按提示改正后重新报送")
                for ref, text, cell_of in shown if (field := L.prompt_field(text)) and cell_of]
    # (the funds' rate and score show one prompt about one cell: said once)
    return frozenset(ref for ref, _, _ in shown), NOTE_PROMPTS, list(dict.fromkeys(problems))


def _not_computed(at: Callable[[str], object], formulas: frozenset[str], inputs: list[tuple[object, str]],
                  rule: object = None, own: Callable[[str], bool] = lambda ref: False,
                  saved_without: Callable[[str], bool] = lambda ref: False
                  ) -> tuple[frozenset[str], str, str | None]:
    """The formula cells of a template whose values perfbook computes, the note that says why,
    and the error value those cells show (``None``: they are empty). Filled and saved where the
    add-in is not installed (WPS, LibreOffice, Excel without it), a PERF_* cell holds #NAME?:
    those cells (or #N/A, :data:`LOST`). An .ods or .xls keeps no error value that the reader
    sees, and a file saved by a program that computes nothing keeps no value at all: when most
    cells the add-in fills as soon as their input is filled (``inputs``: (input value, formula
    cell), a row's 实际完成值 and 得分, 全年执行数 and 执行率) are empty with their input filled,
    every empty formula cell; one or two such cells empty among computed ones were cleared by
    the unit (未填写得分, as in Excel). A value the unit typed over a formula is the unit's, and
    is checked like one typed in Excel; so is an error value of the unit's own formula. Where the
    table's 规则 (``rule``) is none perfbook knows, the add-in shows #VALUE! in those cells: they
    are computed too (by the fallback rule; the unknown 规则 is the one finding). Where #NAME?
    shows that the add-in was missing, a cell whose formula still calls PERF_* (``own``, known in
    an .xlsx) holds what the office suite cached instead, whatever it is: computed too
    (LibreOffice saving an .ods as .xlsx caches 0 in the funds score). A formula cell an .xlsx
    holds without its result (``saved_without``: a program that computes nothing saved it, the
    unit's scores typed over the others) was not cleared by the unit: computed too."""
    for error, note in NOT_COMPUTED_ERRORS:
        shown = frozenset(ref for ref in formulas if at(ref) == error)
        if shown:
            return shown | {ref for ref in formulas if own(ref)}, note, error
    if rule and not _known_rule(str(rule)):   # every PERF_* cell shows #VALUE!: the 规则 is the fault
        shown = frozenset(ref for ref in formulas if at(ref) == UNKNOWN_RULE)
        if shown:
            return shown, NOTE_UNKNOWN_RULE, UNKNOWN_RULE
    filled = [at(ref) for value, ref in inputs if ref and value not in (None, "")]
    if sum(1 for v in filled if v in (None, "")) * 2 > len(filled):   # most: one cleared cell is the unit's
        return frozenset(ref for ref in formulas if at(ref) in (None, "")), NOTE_NOT_COMPUTED, None
    kept = frozenset(ref for ref in formulas if saved_without(ref))
    return (kept, NOTE_NOT_COMPUTED, None) if kept else (frozenset(), "", None)


@lru_cache(maxsize=256)
def _formula_cells(lay: L.Layout, judged: tuple[bool, ...]) -> frozenset[str]:
    """The cells of a template that hold perfbook's formulas: scores (but typed judged ones),
    检查 cells, the funds rate and score, the total and the grade."""
    refs = {lay.total_score_cell, lay.total_weight_cell, lay.grade_cell, lay.funds_check_cell,
            lay.funds_cell("rate")}
    if lay.funds_scored:
        refs.add(lay.funds_cell("score"))
    for index, is_judged in enumerate(judged):
        refs.add(lay.indicator_cell(L.CHECK, index))
        if not is_judged:
            refs.add(lay.indicator_cell("score", index))
    return frozenset(refs)


def _at(grid: Grid, ref: str) -> object:
    return grid.value(*_position(ref))


@lru_cache(maxsize=4096)
def _position(ref: str) -> tuple[int, int]:
    """0-based (row, col) of an A1 reference of the template layout (cached: a layout has a
    few hundred cells, read in every template)."""
    match = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    column = 0
    for ch in match.group(1):
        column = column * 26 + ord(ch) - 64
    return int(match.group(2)) - 1, column - 1


@lru_cache(maxsize=4096)
def _row_cells(lay: L.Layout, index: int) -> dict[str, str]:
    """Where the template row ``index`` holds each field (a form without a 性质 column has its
    nature in the target cell)."""
    cells = {f: lay.indicator_cell(f, index) for f in lay.columns}
    if not lay.form.has_nature:
        cells["nature"] = lay.indicator_cell("target", index)
    return cells


@lru_cache(maxsize=256)
def _template_cells(lay: L.Layout) -> dict[tuple, str]:
    """Where a template of this layout holds each value but the indicator rows' (see
    :class:`ReadTable` and :func:`_row_cells`); the same for every template of that form and size,
    so made once and copied."""
    found = lay.form
    cells = {
        **{("funds", f): lay.funds_cell(f) for f in found.funds_columns},
        ("total", "score"): lay.total_score_cell,
        ("total", "weight"): lay.total_weight_cell,
        ("grade", "grade"): lay.grade_cell,
        ("rule",): lay.rule_cell,
    }
    for name in lay.source_names:
        for f in form.AMOUNT_FIELDS:
            if f in found.funds_columns:
                cells[("source", name, f)] = lay.funds_cell(f, name)
    return cells


# the standard layout ------------------------------------------------------------------------


def _find(grid: Grid, rows: range, predicate, within: str = "") -> tuple[int, int] | None:
    """The first non-empty cell in ``rows`` whose normalised text satisfies ``predicate``, or
    (a text) equals it. ``within``: a text that every cell satisfying ``predicate`` contains,
    so that a row without it is passed over in one search."""
    texts = cell_texts(grid)
    if predicate.__class__ is str:   # the common case: a label, found by list search
        for r in rows:
            if 0 <= r - grid.top < len(texts):
                row = texts[r - grid.top]
                if predicate in row:
                    return r, grid.left + row.index(predicate)
        return None
    joined = row_texts(grid)
    for r in rows:
        if 0 <= r - grid.top < len(texts) and within in joined[r - grid.top]:
            for c, text in enumerate(texts[r - grid.top], start=grid.left):
                if text and predicate(text):
                    return r, c
    return None


_COLONS = ("：", ":")
_NOTE_ONLY = re.compile(r"[(（][^()（）]*[)）]")


def _is_label(text: str, label: str) -> bool:
    """Whether a normalised cell text is ``label``, alone or with its colon (and a value after it)."""
    return text == label or (text.startswith(label) and text[len(label):len(label) + 1] in _COLONS)


def _find_label(grid: Grid, rows: range, label: str) -> tuple[int, int, str | None] | None:
    """(row, col) of ``label`` in ``rows``, and the value written after its colon in its own
    cell (项目名称：某项目), None when the value is in a cell of its own: the label alone first,
    then written with its colon (项目名称：), as tables copied from documents write it."""
    hit = _find(grid, rows, label)
    if hit is not None:
        return (*hit, None)
    hit = _find(grid, rows, lambda t: _is_label(t, label), label)
    if hit is None:
        return None
    written = str(grid.value(*hit))
    after = written[min(written.find(c) for c in _COLONS if c in written) + 1:].strip()
    if _NOTE_ONLY.fullmatch(after):   # 项目名称：（必填）: a note to the unit, the value in the next cell
        after = ""
    return (*hit, after or None)


def _right_of(grid: Grid, row: int, col: int) -> object:
    """The first value right of (row, col) on its row."""
    return _right_cell(grid, row, col)[0]


def _right_cell(grid: Grid, row: int, col: int) -> tuple[object, int | None]:
    """The first value right of (row, col) on its row, and its column (``None``: no value)."""
    cells = grid.rows[row - grid.top] if grid.top <= row < grid.bottom else ()
    for c in range(max(col + 1 - grid.left, 0), len(cells)):
        if cells[c] is not None and cells[c] != "":
            return cells[c], grid.left + c
    return None, None


def _is_detail(level3: object) -> bool:
    """A 三级 label that breaks the row above down (其中…, 含…): not an indicator of its own."""
    return isinstance(level3, str) and normalize_text(level3).lstrip().startswith(("其中", "含"))


def _header_total(grid: Grid, rows: range) -> tuple[object, str] | None:
    """A total written above the table (自评得分 98, beside 项目名称), and its cell."""
    for label in forms.header_totals():
        hit = _find(grid, rows, label)
        if hit is None:
            continue
        row, col = hit
        cells = grid.rows[row - grid.top]
        for c in range(col + 1 - grid.left, len(cells)):
            if cells[c] not in (None, ""):
                return cells[c], grid.address(row, c + grid.left)
    return None


def _bands(grid: Grid) -> list[Grid]:
    """A sheet with tables side by side split into one grid per table (its own columns, same
    addresses); a sheet with one table per row band is returned as it is."""
    level1, level3 = form.INDICATOR_FIELDS["level1"], form.INDICATOR_FIELDS["level3"]
    for texts in cell_texts(grid):
        if texts.count(level3) < 2:
            continue
        columns = [grid.left + i for i, t in enumerate(texts) if t == level3]
        starts = [grid.left]
        for previous, col in zip(columns, columns[1:]):
            ones = [grid.left + i for i, t in enumerate(texts) if t == level1 and previous < grid.left + i < col]
            starts.append(max(previous + 1, (ones[-1] if ones else col - 2) - 1))
        ends = starts[1:] + [grid.right]
        return [replace(grid, rows=[row[a - grid.left:b - grid.left] for row in grid.rows], left=a)
                for a, b in zip(starts, ends)]
    return [grid]


def _read_standard(grid: Grid, file: str) -> list[ReadTable]:
    if not has_text(grid, form.INDICATOR_FIELDS["level3"]):
        return []
    bands = _bands(grid)
    if len(bands) > 1:
        return [read for band in bands for read in _read_standard(band, file)]
    level3 = form.INDICATOR_FIELDS["level3"]
    texts, joined = cell_texts(grid), row_texts(grid)
    headers = [grid.top + i for i, row in enumerate(joined)
               if level3 in row and _is_header(tuple(texts[i]))]
    anchors = [grid.top + i for i, row in enumerate(joined)
               if form.PROJECT in row and any(_is_label(t, form.PROJECT) for t in texts[i])]
    groups: list[list[int]] = []   # a table's header rows: its first, then those of its further blocks
    for header in headers:
        if groups and _block_label(texts[header - grid.top]) and _block_label(texts[groups[-1][0] - grid.top]) \
                and not any(groups[-1][-1] < a < header for a in anchors):
            groups[-1].append(header)   # (年度绩效目标2（40分）: the same table's next block)
        elif groups and _repeats_header(texts, grid.top, groups[-1][-1], header, anchors):
            groups[-1].append(header)   # (the header printed again on the next page: passed over)
        else:
            groups.append([header])
    tables = []
    for number, (header, *more) in enumerate(groups):
        start = max([a for a in anchors if a < header], default=grid.top)
        previous = groups[number - 1][-1] if number else None
        if previous is not None and start < previous:
            start = previous + 1
        end = groups[number + 1][0] if number + 1 < len(groups) else grid.bottom
        end = min([a for a in anchors if a > header] + [end])
        tables.append(_read_block(grid, start, header, end, file, tuple(more)))
    return tables


_TITLE_END = "自评表"   # a table's title, alone on its row (项目支出绩效自评表; not 自评表（续）, the same table's next page)


def _repeats_header(texts: list[list[str]], top: int, previous: int, header: int, anchors: list[int]) -> bool:
    """Whether the indicator header at ``header`` is the one at ``previous`` printed again (a
    table converted from a PDF or copied page by page repeats it on each page): the same cells,
    and between them only indicator rows, no 项目名称, funds block, total or closing block that
    would begin or end a table."""
    if texts[header - top] != texts[previous - top] or any(previous < a < header for a in anchors):
        return False
    totals, closing = ends()
    rows = [[t for t in row if t] for row in texts[previous + 1 - top:header - top]]
    return not any(t.startswith((*totals, *closing)) or form.FUNDS_TOTAL in t or (len(row) == 1 and t.endswith(_TITLE_END))
                   for row in rows for t in row)   # (a row holding only a title, 项目支出绩效自评表, begins a table)


def _repeated_rows(texts: list[list[str]], top: int, header: int, first: int, more: tuple[int, ...]) -> set[int]:
    """The rows of a header printed again among ``more`` (a header cell for cell the same as an
    earlier one): it, the row below it as far as the header's own rows go (指标性质 | 指标值 |
    度量单位 under 年度指标值) and the row above it when that repeats the row above the header
    (Yunnan's 公开14表, whose 实际完成值 | 分值 | 得分 sit in the row above 三级指标)."""
    rows, seen = set(), [texts[header - top]]
    for again in more:
        if texts[again - top] not in seen:   # (a block of its own: 年度绩效目标2（40分）)
            seen.append(texts[again - top])
            continue
        rows.update(again + k for k in range(-1, first - header)
                    if 0 <= header + k - top and again + k - top < len(texts)
                    and texts[again + k - top] == texts[header + k - top])
    return rows


_POINTS = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")


@lru_cache(maxsize=1)
def _block_starts() -> tuple[str, ...]:
    return tuple(label for found in list_forms() for label in found.blocks)


def _block_label(texts: list[str]) -> str | None:
    """The label of a block of rows carrying its points (年度绩效目标1（80分）) among a header
    row's cells, on a form that has such blocks (Hubei's)."""
    starts = _block_starts()
    return next((t for t in texts if t and t.startswith(starts)), None) if starts else None


def _points_in(text: str) -> str | None:
    """The points a label states: 20 of 预算执行情况（万元）（20分）."""
    found = _POINTS.search(text)
    return found.group(1) if found else None


@lru_cache(maxsize=256)
def _fields(texts: tuple[str, ...], part: str) -> tuple[tuple[str, int], ...]:
    """(field, index of its header cell) for the header cells of a row, by the longest label of
    any form's vocabulary (see :func:`addin.engine.forms.vocabulary`) each cell starts with: the
    first cell of a field, unless a later one is the label itself where the first goes on in
    other words (得分 beside an earlier 得分计算方法; 得分（分） and 全年预算数(A) are the label
    itself). Cached: a batch of tables made on one form repeats the same few header rows."""
    labels = vocabulary(part)
    found, worded = {}, set()
    for i, text in enumerate(texts):
        if text:
            label, field = next(((label, f) for label, f in labels if text.startswith(label)), (None, None))
            if field is None:
                continue
            goes_on = _WORD_AFTER.match(text, len(label)) is not None
            if field not in found or (field in worded and not goes_on and label not in _FALLBACK_LABELS):
                found[field] = i
                worded.discard(field)
                if goes_on:
                    worded.add(field)
    return tuple(found.items())


_SCORING = re.compile(r"分值|得分|权重|权数|分数|评分|计分")   # header words of a table that scores (not 偏差原因分析)


def _names_points(texts) -> bool:
    """Whether a header row names points or scores in any words (指标分值, 权数, 自评得分)."""
    return any(_SCORING.search(text) for text in texts if text)
_WORD_AFTER = re.compile(r"\s*[\u4e00-\u9fff]")   # a header label followed by more words
# Labels no form of perfbook's uses (指标内容): a column only where no form's label names it
_FALLBACK_LABELS = frozenset(label for label, _ in OTHER_INDICATOR_LABELS)


def _is_header(texts: tuple[str, ...]) -> bool:
    """An indicator header row: 三级指标 and 指标值 or 性质 (a header missing other columns is
    read, then refused with the columns it lacks)."""
    found = dict(_fields(texts, "indicators"))
    return "level3" in found and bool({"target", "nature"} & set(found))


_SUBHEADER = {"nature", "target", "unit"}


def _indicator_columns(grid: Grid, header: int) -> tuple[dict[str, int], int]:
    """The indicator columns of the header at ``header`` and the first data row. Two-row
    headers are read whole: 年度指标值 over 指标性质 | 指标值 | 度量单位 below (the 三级指标 row
    first), or the same with 一级/二级/三级 in the second row and 实际完成值 | 分值 | 得分 merged
    down from the first (Yunnan's 公开14表)."""
    texts = cell_texts(grid)
    columns = {k: grid.left + i for k, i in _fields(tuple(texts[header - grid.top]), "indicators")}
    if header > grid.top:
        above = dict(_fields(tuple(texts[header - 1 - grid.top]), "indicators"))
        if len(above) >= 2 and "level3" not in above:
            for key, i in above.items():
                columns.setdefault(key, grid.left + i)
    if header + 1 < grid.bottom:
        below = dict(_fields(tuple(texts[header + 1 - grid.top]), "indicators"))
        if len(_SUBHEADER & set(below)) >= 2 and "level3" not in below:
            columns.update({k: grid.left + i for k, i in below.items() if k in _SUBHEADER})
            return columns, header + 2
    return columns, header + 1


def _clean(value: object) -> object:
    """A cell's value, with the marks real tables write for "nothing" (—, /, 无) as None."""
    if value.__class__ is str and len(value) < 8 and normalize_text(value).replace(" ", "") in BLANK_MARKS:
        return None
    return value


def _find_funds(grid: Grid, rows: range) -> tuple[int, dict[str, int], int] | None:
    """(header row, columns, total row) of the funds block within ``rows``."""
    texts = cell_texts(grid)
    totals = funds_rows()[0]
    for r in rows:
        columns = dict(_fields(tuple(texts[r - grid.top]), "funds")) if grid.top <= r < grid.bottom else {}
        if "annual" not in columns and _initial_is_the_budget(texts[r - grid.top], columns):
            columns["annual"] = columns["initial"]
        if not {"annual", "executed"} <= set(columns):
            continue
        for below in range(r, rows.stop):   # (the total row may carry the header words itself)
            row = texts[below - grid.top]
            if any(t.startswith(totals) for t in row if t):
                return r, {k: grid.left + i for k, i in columns.items()}, below
        return None
    return None


def _initial_is_the_budget(row: list[str], columns: dict[str, int]) -> bool:
    """Whether a funds header without 全年预算数 defines 执行率 on 年初预算数 itself: 年初预算数(A)
    beside 执行率(B/A) (Beijing's 2016 form), so that 年初预算数 is the budget the rate is of."""
    if not {"initial", "rate"} <= set(columns):
        return False
    initial, rate = (unicodedata.normalize("NFKC", row[columns[k]]).upper() for k in ("initial", "rate"))
    return initial.endswith("(A)") and "B/A" in rate


FUNDS_HEADER_ABOVE = 3   # rows above the funds total row where its header is looked for


def _no_funds(grid: Grid, rows: range, header: int) -> tuple[str, str]:
    """Where and why a table's funds block was not read: at its total row's label (年度资金总额)
    when there is one, naming the amount columns its header lacks (a header written 全年执行
    instead of 全年执行数); else at the indicator header, the row not found."""
    totals = funds_rows()[0]
    at = _find(grid, rows, lambda t: t.startswith(totals))
    if at is None:
        return grid.address(header, grid.left), f"没有找到“{form.FUNDS_TOTAL}”一行或其表头"
    texts = cell_texts(grid)
    seen = set()
    for r in range(max(grid.top, at[0] - FUNDS_HEADER_ABOVE), at[0] + 1):
        seen |= {field for field, _ in _fields(tuple(texts[r - grid.top]), "funds")}
    missing = [form.FUNDS_FIELDS[f] for f in ("annual", "executed") if f not in seen]
    if not missing:   # both, but on two rows (one merged down from above): _find_funds reads one row
        return grid.address(*at), (f"“{form.FUNDS_TOTAL}”一行的表头中“{form.FUNDS_FIELDS['annual']}”"
                                    f"“{form.FUNDS_FIELDS['executed']}”不在同一行，资金部分未复核")
    return grid.address(*at), f"“{form.FUNDS_TOTAL}”一行的表头中找不到“{'”“'.join(missing)}”列，资金部分未复核"


def _source_name(text: str) -> str | None:
    stripped = strip_source(text)
    return next((name for label, name in funds_rows()[1] if stripped.startswith(label)), None)


@lru_cache(maxsize=8192)
def _key(text: str) -> str:
    """A header text as labels are compared (no spaces, NFKC); cached: a batch repeats them."""
    return unicodedata.normalize("NFKC", "".join(text.split()))


@lru_cache(maxsize=1)
def _form_keys() -> tuple[tuple[object, frozenset[str], str, str], ...]:
    """(form, its header labels, title and funds label as compared), once."""
    return tuple((f, frozenset(map(_key, f.header_labels())), _key(f.title), _key(f.funds_label))
                 for f in list_forms())


@lru_cache(maxsize=1)
def _label_index() -> tuple[frozenset[str], tuple[int, ...]]:
    """Every form's header labels, and their lengths: a cell's text begins a label when its
    prefix of one of those lengths is one (a few set lookups a cell, not one test a label)."""
    every = frozenset().union(*(labels for _, labels, _, _ in _form_keys()))
    return every, tuple(sorted({len(label) for label in every}))


@lru_cache(maxsize=8192)
def _labels_begun(text: str) -> frozenset[str]:
    """The form labels ``text`` (as compared) begins with; cached: a batch repeats its headers."""
    every, lengths = _label_index()
    return frozenset(text[:n] for n in lengths if n <= len(text) and text[:n] in every)


def _recognise(texts: set[str], columns: dict[str, int], funds_label: str) -> tuple[str, bool]:
    """The form whose labels the table's header cells use most (a cell counts for a label it
    starts with: 年度资金总额： is 年度资金总额), with its 性质/单位 columns, its title (alone or
    followed by the year) and its funds label; and whether the table has every label of that
    form."""
    seen = tuple({_key(t) for t in texts})
    money = _key(funds_label)
    hits = set().union(*map(_labels_begun, seen))
    titles = {t.split("(", 1)[0] for t in seen}   # a title alone, or followed by (2024年度)
    best, best_score, exact = None, -1, False
    for candidate, labels, title, funds in _form_keys():
        found = len(labels & hits)
        matches = (candidate.has_nature == ("nature" in columns)) + (candidate.has_unit == ("unit" in columns))
        titled = title in titles
        score = found + 3 * matches + 2 * titled + (funds == money)   # a title outweighs a unit
        if score > best_score:
            best, best_score = candidate, score
            exact = found == len(labels) and matches == 2
    return best.id, exact


def _read_block(grid: Grid, start: int, header: int, end: int, file: str, more: tuple[int, ...] = ()) -> ReadTable:
    """The table whose indicator header is at ``header`` (its head from ``start``, its rows to
    ``end``); ``more``: the header rows of its further blocks (Hubei's 年度绩效目标2)."""
    rows = range(start, header)
    cells: dict[tuple, str] = {}
    problems: list[tuple[str, str]] = []
    all_texts = cell_texts(grid)
    seen = {t for r in range(max(start - 3, grid.top), min(header + 2, grid.bottom))
            for t in all_texts[r - grid.top] if t}

    def labelled(label: str) -> object:
        """The value right of ``label`` (or after its colon in its own cell: 项目名称：某项目):
        none when the cell is left empty and the next label (实施单位 right of an empty 主管部门)
        comes first."""
        hit = _find_label(grid, rows, label)
        value = (hit[2] if hit[2] is not None else _right_of(grid, *hit[:2])) if hit else None
        return None if isinstance(value, str) and normalize_text(value).replace(" ", "").startswith(_LABELS) else value

    named = labelled(form.PROJECT)
    hit = None if named else _find_label(grid, rows, form.PROJECT)
    hit = hit and hit[:2]
    whole = None if named or hit else next(filter(None, map(labelled, _WHOLE_DEPARTMENT)), None)
    project = named or whole or grid.name
    if hit:   # (a form without the label says nothing; a blank 主管部门 is left as published
        # tables leave it, no finding of the table's)
        problems.append((grid.address(*hit), f"{NO_PROJECT}，以“{grid.name}”代替"))
    year = None
    hit = _find(grid, range(max(grid.top, start - 3), header), _YEAR.search, "年度")
    if hit:
        year = int(_YEAR.search(_text(grid, *hit)).group(1))
    funds = Funds(annual=None, executed=None)
    funds_columns: dict[str, int] = {}
    funds_label = ""
    found = _find_funds(grid, rows)
    if found is not None:
        funds_header, funds_columns, funds_row = found
        funds_label = next((t for t in all_texts[funds_header - grid.top] if "资金" in t or "预算数" in t), "")
        spans = _spans(funds_columns, grid.right)

        def read_row(row: int, fields, key: tuple) -> dict[str, object]:
            values = {}
            for name in fields:
                values[name], col = _near(grid, row, funds_columns.get(name), spans.get(name, (0, 0)))
                values[name] = _clean(values[name])
                if col is not None:
                    cells[(*key, name)] = grid.address(row, col)
            return values

        funds = Funds(**read_row(funds_row, [f for f in forms.FUNDS_FIELDS if f in funds_columns], ("funds",)))
        if "weight" not in funds_columns:   # 预算执行情况（万元）（20分）, with or without a 得分 column
            funds.weight = next(filter(None, map(_points_in, all_texts[funds_header - grid.top])), None)
        for r in range(funds_row + 1, header):
            row_texts_ = [t for t in all_texts[r - grid.top][: max(funds_columns.values()) - grid.left] if t]
            name = next((n for n in map(_source_name, row_texts_) if n), None)
            if name is None:
                break
            if name not in funds.sources:
                funds.sources[name] = FundsSource(**read_row(r, form.AMOUNT_FIELDS, ("source", name)))
    else:
        problems.append(_no_funds(grid, rows, header))
    goal = _find(grid, rows, form.GOAL_EXPECTED)
    goal_expected = goal_actual = ""
    if goal:
        actual_col = _find(grid, range(goal[0], goal[0] + 1), form.GOAL_ACTUAL)
        goal_expected = str(grid.value(goal[0] + 1, goal[1]) or "")
        if actual_col:
            goal_actual = str(grid.value(goal[0] + 1, actual_col[1]) or "")

    columns, first = _indicator_columns(grid, header)
    form_id, exact = _recognise(seen, columns, funds_label)
    found_form = get_form(form_id)
    header_texts = all_texts[header - grid.top]
    block = _block_label(header_texts[:min(columns.values(), default=grid.left) - grid.left])
    implied = "weight" not in columns and bool(found_form.blocks) and block is not None
    missing = [form.INDICATOR_FIELDS[k] for k in REQUIRED_COLUMNS if k not in columns and not (implied and k == "weight")]
    if missing:
        where = f"“{grid.name}”{grid.address(header, grid.left)} 起的指标表头"
        if {"weight", "score"}.isdisjoint(columns) and {"level3", "target", "actual"} <= columns.keys() \
                and not _names_points(cell_texts(grid)[header - grid.top]):
            # (the 绩效目标自评表 of a transfer payment: targets against results, nothing scored)
            raise NoTable(f"{where}没有“分值”“得分”列：这张表只填指标完成情况、不计分，无法复核计分")
        width = sum(1 for c in range(grid.left, grid.right) if grid.value(header, c) not in (None, ""))
        raise NoTable(f"{where}缺少“{'”“'.join(missing)}”列"
                      f"（只有 {width} 列），无法复核")
    indicators: list[Indicator] = []
    blocks = [(1, _points_in(block), block)] if implied else []   # (first row, points, label) of each
    if implied:
        cells[("block", 1, "score")] = grid.address(header, grid.left + header_texts.index(block))
    total_row = None
    top, left, bottom = grid.top, grid.left, grid.bottom
    label_end = columns["target"] - left    # the label columns: 一级, 二级, 三级 (and 性质)
    totals, stops = ends()
    column_items, located = list(columns.items()), []
    has_nature = "nature" in columns
    passed = PassedLabels()   # labels of rows passed over (项目效益 on a placeholder row)
    repeated = _repeated_rows(all_texts, top, header, first, more)
    for r in range(first, end):
        texts = all_texts[r - top] if top <= r < bottom else []
        if r in repeated:
            continue
        if r in more:   # the header of the next block: 年度绩效目标2（40分） | 一级指标 | …
            if implied:
                label = _block_label(texts)
                blocks.append((len(indicators) + 1, _points_in(label), label))
                cells[("block", len(blocks), "score")] = grid.address(r, left + texts.index(label))
            continue
        labels = [t for t in texts[:label_end] if t]
        if any(t.startswith(totals) for t in labels):
            total_row = r
            break
        if any(t.startswith(stops) for t in labels):
            total_row = _total_after(all_texts, top, r, end, label_end, totals)
            break
        shift = 0
        if has_nature:
            nature_col = _nature_column(grid, r, columns["nature"])
            if nature_col is not None:
                shift = nature_col - columns["nature"]
        row = grid.rows[r - top] if top <= r < bottom else []
        width = len(row)
        values = {"level1": "", "level2": "", "unit": None, "nature": None, "weight": None}
        for key, col in column_items:
            c = col - left + shift
            values[key] = _clean(row[c]) if 0 <= c < width else None
        if grid.percent and percent_unit(values.get("unit")):   # 100% typed into a cell is stored as 1
            for key in SHOWN_FIELDS:
                if key in columns:
                    values[key] = _clean(grid.shown(r, columns[key] + shift))
        if all(values.get(k) is None for k in ("target", "actual", "weight")) and (values.get("score") is None or (
                values["score"] == 0 and all(is_blank(values.get(k)) for k in ("level3", "nature", "unit", "reason")))):
            # a label row, a placeholder (指标1：, ……) or an empty 生态效益指标 row: passed over,
            # its 一级/二级 labels kept for the rows below (a template's blank row in an .xls shows its
            # formulas' "" as 0: tafia/calamine#348); numbers outside the indicator columns are named
            passed.keep(values["level1"], values["level2"])
            if any((v.__class__ in (int, float) and v != 0) or (v.__class__ is str and _is_number(v)) for v in row):
                problems.append((grid.address(r, columns["level3"]),
                                 "这一行的数值不在年度指标值、实际完成值、分值、得分列中，未计入"))
            continue
        values["level1"], values["level2"] = passed.given(values["level1"], values["level2"])
        if values["weight"] is None and values["score"] is None and _is_detail(values["level3"]):
            continue   # 其中桃树种植面积 1.5亩: a breakdown of the row above, which carries 分值 and 得分
        if has_nature and values["nature"] is None:
            values["nature"] = ""   # a blank 性质 cell: the engine reads the target, or says so
        indicators.append(Indicator(**values))
        located.append((r, shift))
    _carry_levels(indicators)
    total_weight = total_score = grade = None
    if total_row is not None:
        spans = _spans(columns, grid.right)
        total_weight, wcol = _near(grid, total_row, columns.get("weight"), spans.get("weight", (0, 0)))
        total_score, scol = _near(grid, total_row, columns.get("score"), spans.get("score", (0, 0)))
        if wcol is not None:
            cells[("total", "weight")] = grid.address(total_row, wcol)
        if scol is not None:
            cells[("total", "score")] = grid.address(total_row, scol)
        grade = _grade_in(grid, total_row, scol)
        if grade is not None:
            cells[("grade", "grade")] = grade[1]
            grade = grade[0]
    if total_score is None:
        above = _header_total(grid, range(max(grid.top, start - 3), header))   # (above 项目名称 too)
        if above is not None:
            total_score, cells[("total", "score")] = above
    unscored = found is not None and not {"weight", "score"} & set(funds_columns) \
        and not _names_points(all_texts[funds_header - grid.top]) and not funds.weight   # (not 权数 | 自评得分, nor (20分) either)
    if unscored or (not found_form.funds_weight and "weight" not in funds_columns):
        funds.weight = 0   # a funds block worth no points (no 分值, no 得分 column: 原州区's 自评表)
    rule = _find(grid, range(header, end), form.RULE)
    declared, rule_col = _right_cell(grid, *rule) if rule else (None, None)
    if rule:   # the 规则's own cell: the first filled one right of its label (merged labels span)
        cells[("rule",)] = grid.address(rule[0], rule_col if rule_col is not None else rule[1] + 1)
    table = Table(
        project=str(project),
        department=str(labelled(form.DEPARTMENT) or whole or ""),
        implementer=str(labelled(form.IMPLEMENTER) or ""),
        year=year,
        goal_expected=goal_expected,
        goal_actual=goal_actual,
        funds=funds,
        indicators=indicators,
        total_weight=_clean(total_weight),
        total_score=_clean(total_score),
        grade=grade,
        profile=str(declared) if rule else None,
        judged=found_form.judged,
        blocks=tuple((first_row, found_form.indicators_weight if points is None and len(blocks) == 1 else points,
                      label) for first_row, points, label in blocks),
        total_stated=("total", "score") in cells,
    )
    problems += _error_values(grid, range(start, total_row + 1 if total_row is not None else end))
    status = UNFILLED if _unfilled(table) else ""
    money = "元" if re.search(r"[(（]元[)）]", funds_label) else "万元" if "万元" in funds_label else get_form(form_id).money_unit
    _in_money_unit(table.funds, money)
    return ReadTable(_without_error_values(table, grid), file, grid.name, cells, problems=problems,
                     located=located, columns=columns, address=grid.address, form=form_id, form_exact=exact,
                     status=status, funds_columns=tuple(funds_columns), money_unit=money)


def money_in(value: object, unit: str) -> object:
    """An amount written with its unit (``696.02万元``, ``6,960,200元``, ``150万``, as in a Word table
    or a cell typed as text) as a number in the table's money ``unit``: ``6960200元`` in a 万元
    table is 696.02, not 6,960,200 万元; any other value as it is (an amount out of range too:
    the engine says so at its cell)."""
    try:
        amount = amount_in(value, money_unit(unit))
    except PerfError:
        return value
    return value if amount is None else float(amount)


def _in_money_unit(funds: Funds, unit: str) -> None:
    """The amounts of ``funds`` and its sources by :func:`money_in`."""
    for item in (funds, *funds.sources.values()):
        for name in (*form.AMOUNT_FIELDS, "received"):
            if hasattr(item, name):
                setattr(item, name, money_in(getattr(item, name), unit))


TOTAL_AFTER = 3   # rows after the indicators' end where a total row is still looked for


def _total_after(all_texts: list[list[str]], top: int, stop: int, end: int, label_end: int,
                 totals: tuple[str, ...]) -> int | None:
    """The total row within :data:`TOTAL_AFTER` rows after the row ``stop`` that ends the
    indicators (Yunnan's published 公开14表 puts 其他需要说明事项 above its 总分 row, whose score
    and grade must still be checked), or ``None``."""
    for r in range(stop + 1, min(end, stop + 1 + TOTAL_AFTER)):
        texts = all_texts[r - top] if 0 <= r - top < len(all_texts) else []
        if any(t.startswith(totals) for t in texts[:label_end] if t):
            return r
    return None


def _near(grid: Grid, row: int, col: int | None, span: tuple[int, int]) -> tuple[object, int | None]:
    """The value under a header column; merged or shifted cells put it one column off, so the
    nearest numeric value within the header's span is taken."""
    if col is None:
        return None, None
    cells = grid.rows[row - grid.top] if grid.top <= row < grid.bottom else ()
    at = col - grid.left
    value = cells[at] if 0 <= at < len(cells) else None
    if value.__class__ is float or _is_number(value) or error_meaning(value):   # where the header says: the
        return value, col   # usual case (an error value, #NAME? where the add-in is missing, is the cell's own)
    for c in itertools.chain(range(col + 1, span[1]), range(col - 1, span[0] - 1, -1)):
        value = grid.value(row, c)
        if _is_number(value):
            return value, c
    return grid.value(row, col), col


def _spans(columns: dict[str, int], right: int) -> dict[str, tuple[int, int]]:
    """Each header column's span: from the column after the previous header to the next one."""
    return _header_spans(tuple(columns.items()), right)


@lru_cache(maxsize=256)
def _header_spans(columns: tuple[tuple[str, int], ...], right: int) -> dict[str, tuple[int, int]]:
    """:func:`_spans` (cached like :func:`_label_positions`: the same few headers in a batch;
    the result is only read)."""
    ordered = sorted(columns, key=lambda kv: kv[1])
    spans = {}
    for i, (key, col) in enumerate(ordered):
        low = ordered[i - 1][1] + 1 if i else col
        high = ordered[i + 1][1] if i + 1 < len(ordered) else right
        spans[key] = (low, high)
    return spans


_GRADES = ("优", "良", "中", "差", "优秀", "良好", "合格", "不合格")


def _grade_in(grid: Grid, row: int, score_col: int | None) -> tuple[str, str] | None:
    """A grade written on the total row right of its score (Yunnan's 总分 row: 分值, 得分, 等级)."""
    if score_col is None:
        return None
    for c in range(score_col + 1, grid.right):
        value = grid.value(row, c)
        if isinstance(value, str) and "".join(value.split()) in _GRADES:
            return "".join(value.split()), grid.address(row, c)
    return None


def _unfilled(table: Table) -> bool:
    """A table never filled in: no 实际完成值 and no 得分 anywhere (a budget system may have
    filled the amounts and targets in already)."""
    if not table.indicators:
        return False
    return (all(i.actual is None and i.score is None for i in table.indicators)
            and table.funds.score is None and table.total_score is None)


# the indicator fields a percentage is typed into (Grid.shown), when the indicator's unit is one
# (or none is given); a 得分, 分值 or amount, or a value in 份 or 万元, is read as stored: a percent
# format left on it by a copied style is not what the unit meant
SHOWN_FIELDS = ("target", "actual")
_PERCENT_UNITS = {"", "%", "百分比", "/"}


def percent_unit(unit: object) -> bool:
    """Whether an indicator's 绩效度量单位 lets a number shown as a percentage be one."""
    return normalize_text(norm(unit)) in _PERCENT_UNITS


_ERROR_STARTS = ("#", "Err:")   # how every error value (container.error_meaning) begins


def _without_error_values(table: Table, grid: Grid) -> Table:
    """The table (read from ``grid``) with Excel error values (already reported by
    :func:`_error_values`) as empty cells, so that no number is read out of ``#DIV/0!``."""
    if not has_text(grid, *_ERROR_STARTS):   # the grid holds no error value
        return table
    for item in [table.funds, *table.funds.sources.values(), *table.indicators]:
        for name, value in vars(item).items():
            if error_meaning(value):
                setattr(item, name, None)
    for name in ("total_weight", "total_score", "grade"):
        if error_meaning(getattr(table, name)):
            setattr(table, name, None)
    return table


NO_RESULT = ("单元格是公式，文件中没有保存它的计算结果（文件可能由程序生成，未经 Excel 或 WPS 计算），无法核对；"
             "请在 Excel 或 WPS 中打开、保存后再报送")


def _error_values(grid: Grid, rows: range, results: bool = True) -> list[tuple[str, str]]:
    """A problem for every cell of ``rows`` that holds an Excel error value (``#DIV/0!`` …) and,
    with ``results``, for every formula saved without its result (a perfbook template's own
    formulas are computed instead, see :func:`_not_computed`)."""
    found = []
    if has_text(grid, *_ERROR_STARTS):
        for r in rows:
            for c, value in enumerate(grid.rows[r - grid.top] if grid.top <= r < grid.bottom else (), grid.left):
                if meaning := error_meaning(value):
                    found.append((grid.address(r, c), f"单元格中是 {meaning}，不是填报的数值；请改正公式或填入数值"))
    if results and grid.no_result:
        found += [(grid.address(r, c), NO_RESULT) for r, c in sorted(grid.no_result) if r in rows]
    return found


def _nature_column(grid: Grid, row: int, expected: int) -> int | None:
    """The column of the row's 绩效指标性质 cell, the nearest to where the header puts it."""
    r = row - grid.top
    if 0 <= r < len(grid.rows) and 0 <= expected - grid.left < len(grid.rows[r]) \
            and grid.rows[r][expected - grid.left] in NATURE_SPELLINGS:
        return expected   # where the header says, spelt as listed: the usual case
    for distance in (0, -1, 1, -2, 2):
        value = grid.value(row, expected + distance)
        if isinstance(value, str) and value.strip():
            try:
                parse_nature(value)
            except PerfError:
                continue
            return expected + distance
    return None


class PassedLabels:
    """The 一级/二级 labels of indicator rows passed over (a label row, a placeholder such as
    指标1： or ……), handed to the next row read, whose blank label cells they fill."""

    def __init__(self) -> None:
        self.level1 = self.level2 = ""

    def keep(self, level1: str, level2: str) -> None:
        if level1:
            self.level1, self.level2 = level1, ""   # (a new 一级: the 二级 above was the other one's)
        if level2:
            self.level2 = level2

    def given(self, level1: str, level2: str) -> tuple[str, str]:
        """The labels of the row read next (blank ones filled); the passed ones are used up."""
        labels = (level1 or self.level1, level2 or self.level2)
        self.level1 = self.level2 = ""
        return labels


def _carry_levels(indicators: list[Indicator]) -> None:
    """Each row's 一级/二级 as the table means them (:func:`addin.engine.form.carry_levels`)."""
    for ind, (level1, level2) in zip(indicators, form.carry_levels([(i.level1, i.level2) for i in indicators])):
        ind.level1, ind.level2 = level1, level2
