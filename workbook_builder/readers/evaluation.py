"""评价指标体系评分表 read out of workbooks, with the cell address of every value.

A sheet holds such a table when one row has the headers 一级指标, 三级指标 and a label beginning
with 评价标准, 评分标准 (评价标准及依据) or 指标评价内容 (Sichuan's 2019 评分表), as in seed 001
and in perfbook's own template (recognised by its hidden ``_perfbook`` sheet, which names the
framework), or a score sheet without criteria whose header is only levels, 分值 and 得分
(Hainan's 评分表), in a workbook that holds no 自评表. Columns are found by their header
labels, spaces and line breaks ignored, so a table typed by hand in this layout is read the same
way, with or without the input columns (达成项, 实际值, 计划值, 扣分) and 扣分原因; the score column
may be headed 自评分. A level without a 分值 column takes its points from its labels
(``项目决策(20分)``, Hunan's 计分表). Merged 一级/二级 cells are carried down, repeated header rows
skipped; 小计, 总分, 评价等级 and 计分规则 rows are read below the items.
"""

from __future__ import annotations

import re
from pathlib import Path
from dataclasses import dataclass, field

from addin.engine import PerfError
from addin.engine.frameworks import (JUDGEMENT, EntryRow, EvaluationForm, Framework, Inputs, get_framework,
                                     list_frameworks, parse_criterion)
from addin.engine.natures import parse_weight
from addin.engine.numbers import quoted

from ..forms import evaluation_layout as E
from .container import BIFF_SUFFIXES, Grid, address
from ..forms.layout import MODE_LABEL, MODE_VALUE
from .tables import (NOT_COMPUTED_ERRORS, NOTE_NOT_COMPUTED, NOTE_NOT_COMPUTED_PORTABLE, NOTE_PROMPTS, cell_texts, has_text,
                     norm)

# Header label (spaces removed) → field; a 分值 column belongs to the level left of it.
LABELS = (
    ("一级指标", "level1"), ("二级指标", "level2"), ("三级指标", "name"),
    ("具体指标", "explanation"), ("指标解释", "explanation"),
    ("评价标准", "criterion"), ("评分标准", "criterion"), ("指标评价内容", "criterion"),
    ("自评得分", "score"), ("评价得分", "score"), ("自评分", "score"), ("得分", "score"),
    ("计分方法", "method"), ("达成项", "met"), ("实际值", "value"), ("计划值", "planned"),
    ("扣分原因", "reason"), ("扣分理由", "reason"), ("扣分说明", "reason"), ("扣分", "deductions"),
)
_POINTS_OF = {"level1": "level1_points", "level2": "level2_points", "name": "points"}
# A label that carries its level's 分值 where the table has no 分值 column for it (Hunan's
# 计分表: 项目决策(20分), 目标内容(4分))
_POINTS_IN_LABEL = re.compile(r"(.*?)\s*[(（]\s*(\d{1,4}(?:\.\d{1,4})?)\s*分\s*[)）]", re.S)
# Labels of the header block next to 项目名称: when 项目名称 is blank, the next label is no name.
_HEADER_LABELS = {"项目名称", "项目单位", "评价机构", "评价年度", "主管部门", "实施单位", "项目负责人"}
GRADE_LABELS = ("评价等级", "评价等次", "等级", "等次")
DEFAULT_GRADES_PROFILE = "mof-2020"


@dataclass
class ReadEvaluation:
    """A form and where its values are: ``cells`` maps ('indicator', row, field) for every column
    of an item row, ('level1'|'level2', row, 'points') to the 分值 stated for that row's group,
    ('level1', row, 'score') to its 小计, ('total', 'score'|'points'), ('grade', 'grade') and
    ('rule',) to A1 addresses."""

    form: EvaluationForm
    file: str
    sheet: str
    cells: dict[tuple, str] = field(default_factory=dict)
    template: bool = False
    uncalculated: bool = False
    framework: str | None = None
    declared_profile: str | None = None
    problems: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""   # why perfbook computed the scores (the add-in was not installed)
    header: dict[str, str] = field(default_factory=dict)   # 项目单位, 评价机构, 评价年度 as written above the table


def is_header(texts: set[str], bare: bool = False) -> bool:
    """A header row: 一级指标, 三级指标 and a criterion column (:data:`CRITERIA`: Hubei's
    评价标准及依据, Sichuan's 指标评价内容(公式计算结果=x)); or, where ``bare`` score sheets
    may be (see :func:`read_evaluations`),
    a row of only levels, 分值 and 得分 (and 指标解释, 扣分, 扣分原因, 序号) with 分值 and 得分
    among them (Hainan's 评分表: 一级指标 | 分值 | 二级指标 | 分值 | 三级指标 | 分值 | 得分). A
    header with any other column (目标值, 实际值, 偏差原因) is a 自评表's, never a 评分表's."""
    if not {"一级指标", "三级指标"} <= texts:
        return False
    if any(t.startswith(CRITERIA) for t in texts):
        return True
    return (bare and "分值" in texts and any(t.startswith(_SCORES) for t in texts)
            and all(t.startswith(_BARE_LABELS) for t in texts if t))


_SCORES = tuple(label for label, key in LABELS if key == "score")
CRITERIA = tuple(label for label, key in LABELS if key == "criterion")
# The columns of a score sheet without criteria
_BARE_LABELS = ("分值", "序号", *(label for label, key in LABELS
                                 if key in ("level1", "level2", "name", "explanation", "score", "reason", "deductions")))
# What a 自评表 has and a 评分表 has not: its target and actual columns (年度指标值, 指标性质,
# 实际完成值 or 全年完成值, 全年实际值), as text a sheet holds
_TARGETS = ("指标值", "指标性质", "完成值", "全年实际值")


def _columns(grid: Grid, row: int) -> dict[str, int]:
    columns: dict[str, int] = {}
    level = None
    for c in range(grid.left, grid.right):
        text = norm(grid.value(row, c))
        if text == "分值":
            if level and _POINTS_OF[level] not in columns:
                columns[_POINTS_OF[level]] = c
            continue
        for label, key in LABELS:
            if text.startswith(label) and key not in columns:
                columns[key] = c
                level = key if key in _POINTS_OF else level
                break
    return columns


def _first_text(grid: Grid, row: int) -> tuple[str, int | None]:
    for c in range(grid.left, grid.right):
        text = norm(grid.value(row, c))
        if text:
            return text, c
    return "", None


def _right_of(grid: Grid, row: int, col: int) -> tuple[object, int | None]:
    for c in range(col + 1, grid.right):
        if grid.value(row, c) not in (None, ""):
            return grid.value(row, c), c
    return None, None


def _labelled(grid: Grid, cols: dict[str, int], r: int, key: str, above: object = None) -> tuple[object, object, str]:
    """The label of ``key`` (a level, or the item's name) at row ``r``, its 分值 and where that
    is: from the level's 分值 column, or, where the table has none, written in the label
    (``目标内容(4分)``: 目标内容, 4.0 at the label's cell; no 分值 without it). A bracket worth
    more than the level ``above`` (``考核平均成绩(80分)`` under ``产出质量(10分)``) is a target
    the name states, not its points."""
    label = grid.value(r, cols[key]) if key in cols else None
    points_key = _POINTS_OF[key]
    if points_key in cols:
        return label, grid.value(r, cols[points_key]), address(r, cols[points_key])
    found = _POINTS_IN_LABEL.fullmatch(label.strip()) if label.__class__ is str else None
    if found is None or (above.__class__ in (int, float) and float(found.group(2)) > above):
        return label, None, address(r, cols[key]) if key in cols else ""
    return found.group(1), float(found.group(2)), address(r, cols[key])


def _read_sheet(grid: Grid, header: int, file: str) -> ReadEvaluation:
    cols = _columns(grid, header)
    at = lambda r, key: grid.value(r, cols[key]) if key in cols else None  # noqa: E731
    where = lambda r, key: address(r, cols[key]) if key in cols else ""  # noqa: E731
    read = ReadEvaluation(EvaluationForm([]), file, grid.name)
    rows = read.form.rows
    level1 = level2 = ""
    level1_points = level2_points = None
    level1_cell = level2_cell = ""
    subtotal_rows: dict[str, str] = {}
    r = header + 1
    while r < grid.bottom:
        texts = set(cell_texts(grid)[r - grid.top])
        first, first_col = _first_text(grid, r)
        if is_header(texts, bare=True) or not first:   # (a header repeated on the next page)
            r += 1
            continue
        if first.endswith(E.SUBTOTAL) and "score" in cols:
            name = first[: -len(E.SUBTOTAL)]
            read.form.subtotals[name] = at(r, "score")
            subtotal_rows[name] = where(r, "score")
        elif first in (E.TOTAL, "合计", "总计"):
            read.form.total_score, read.form.total_points = at(r, "score"), at(r, "level1_points")
            read.cells[("total", "score")], read.cells[("total", "points")] = where(r, "score"), where(r, "level1_points")
        elif first in GRADE_LABELS:
            value, c = (at(r, "score"), cols.get("score")) if at(r, "score") not in (None, "") else _right_of(grid, r, first_col)
            read.form.grade = value
            read.cells[("grade", "grade")] = address(r, c) if c is not None else ""
        elif first == E.RULE:
            value, c = _right_of(grid, r, first_col)
            read.declared_profile = str(value).strip() if value not in (None, "") else None
            read.cells[("rule",)] = address(r, c) if c is not None else ""
        elif at(r, "name") not in (None, "") or at(r, "points") not in (None, ""):
            label, points, cell = _labelled(grid, cols, r, "level1")
            if label not in (None, "") and norm(label) != norm(level1):
                level1, level1_points, level1_cell = str(label).strip(), None, ""
            if points not in (None, "") and level1_points is None:
                level1_points, level1_cell = points, cell
            label, points, cell = _labelled(grid, cols, r, "level2", level1_points)
            if label not in (None, "") and norm(label) != norm(level2):
                level2, level2_points, level2_cell = str(label).strip(), None, ""
            if points not in (None, "") and level2_points is None:
                level2_points, level2_cell = points, cell
            name, points, points_cell = _labelled(grid, cols, r, "name",
                                                  level2_points if level2_points is not None else level1_points)
            inputs = Inputs(at(r, "met"), *(grid.shown(r, cols[f]) if f in cols else None for f in ("value", "planned")),
                            at(r, "deductions"))   # (实际值, 计划值: 100% typed in a cell is stored as 1)
            rows.append(EntryRow(level1, level1_points, level2, level2_points,
                                 str(name or "").strip(), points, at(r, "criterion"),
                                 inputs, at(r, "score"), at(r, "reason")))
            index = len(rows)
            for key in cols:
                read.cells[("indicator", index, key)] = where(r, key)
            read.cells[("indicator", index, "points")] = read.cells[("indicator", index, "weight")] = points_cell
            read.cells[("level1", index, "points")] = level1_cell
            read.cells[("level2", index, "points")] = level2_cell
        r += 1
    _backfill_group_points(read)
    for index, row in enumerate(rows, start=1):
        read.cells[("level1", index, "score")] = subtotal_rows.get(row.level1, "")
    return read


def _backfill_group_points(read: ReadEvaluation) -> None:
    """A group's 分值 is stated once (merged cells); every row of the group gets it."""
    stated1: dict[str, object] = {}
    stated2: dict[tuple[str, str], object] = {}
    for row in read.form.rows:
        stated1.setdefault(row.level1, row.level1_points)
        stated2.setdefault((row.level1, row.level2), row.level2_points)
    for index, row in enumerate(read.form.rows, start=1):
        row.level1_points = stated1[row.level1] if row.level1_points is None else row.level1_points
        row.level2_points = stated2[(row.level1, row.level2)] if row.level2_points is None else row.level2_points


def read_evaluations(grids: list[Grid], file: str) -> list[ReadEvaluation]:
    """Every evaluation form in the workbook's sheets (an empty list when there is none)."""
    meta = next((g for g in grids if g.name == E.META_SHEET), None)
    info = {}
    if meta is not None and str(meta.value(0, 1) or "") == E.META_TITLE:
        info = {norm(meta.value(r, 0)): meta.value(r, 1) for r in range(meta.top, meta.bottom)}
    found = []
    # A score sheet without criteria is read only in a workbook that holds no 自评表 (no target
    # or actual column anywhere), so that a 自评表 is never set aside for the sheet beside it.
    bare = not any(has_text(grid, *_TARGETS) for grid in grids if not grid.hidden)
    for grid in grids:
        # (passed over without looking at each row: a sheet that cannot hold either kind of header)
        if grid.hidden or not (has_text(grid, *CRITERIA) or (bare and has_text(grid, "三级指标"))):
            continue
        for r, texts in enumerate(cell_texts(grid), grid.top):
            if is_header(set(texts), bare):
                read = _read_sheet(grid, r, file)
                if info:   # (its sheet, renamed or copied, in the template's workbook)
                    read.template = True
                    read.framework = str(info.get("评价指标体系") or "") or None
                    read.declared_profile = read.declared_profile or str(info.get("规则") or "") or None
                    read.form.project = str(info.get("项目名称") or "")
                    _not_computed(read, info.get(norm(MODE_LABEL)) == MODE_VALUE)
                read.header = _header(grid)
                typed = read.header.pop("项目名称", "")
                # (the name typed above the table; a template's from _perfbook when none is: a
                # sheet copied for another project is that project's)
                read.form.project = typed or read.form.project
                found.append(read)
                break
    return found


def _not_computed(read: ReadEvaluation, portable: bool = False) -> None:
    """A template whose PERF_* scores were not computed: filled where the add-in is not installed
    (WPS, LibreOffice, Excel without it), they show #NAME? (#N/A once saved as .xls); saved by a
    program that computes nothing, most of them are empty though their inputs are filled. The
    scores are then computed here as the add-in would, with one note and no finding per cell
    (an evaluator's sheet gave 17 findings 公式的错误值 and no total). A score typed over a
    formula is the evaluator's and is checked; one or two empty among computed ones were cleared.
    A 评价等级 showing the same error is the template's formula too (under a 总分 typed over its
    formula); where scores and 小计 are "" an .xls keeps 0 (see :func:`_blank_formulas`; in an
    .xlsx or .ods a 0 is the evaluator's). A score showing #VALUE! is the add-in's refusal of its
    inputs: the engine's finding on the input says why (LibreOffice, computing nothing, gave that
    finding; Excel had given 公式的错误值). A ``portable`` template's score showing its prompt
    (请…: inputs its formula does not read) is computed here from the inputs, under one note;
    what the inputs lack is a finding at them."""
    rows, form = read.form.rows, read.form
    if Path(read.file).suffix.lower() in BIFF_SUFFIXES:   # (calamine reads a formula's "" there as 0)
        _blank_formulas(read)
    prompted = [row for row in rows if portable and isinstance(row.score, str) and row.score.startswith(E.PROMPT)
                and not _judged(row)]
    for row in prompted:
        row.score = None
    if prompted:   # (the template computed: its other blank scores are the evaluator's)
        read.uncalculated, read.note = True, NOTE_PROMPTS
        return
    for row in rows:   # the add-in refused the inputs: the engine says why, at the input (not 公式的错误值)
        if row.score == REFUSED and not _judged(row):
            row.score = None
    for error, note in NOT_COMPUTED_ERRORS:
        shown = [row for row in rows if row.score == error]
        for row in shown:
            row.score = None
        if shown:
            form.grade = None if form.grade == error else form.grade   # (PERF_GRADE under a typed 总分)
            read.uncalculated, read.note = True, note
            return
    typed = [row for row in rows
             if any(v not in (None, "") for v in (row.inputs.met, row.inputs.value, row.inputs.deductions))]
    if sum(1 for row in typed if row.score in (None, "")) * 2 > len(typed):   # (a portable one has no add-in to miss)
        read.uncalculated, read.note = True, NOTE_NOT_COMPUTED_PORTABLE if portable else NOTE_NOT_COMPUTED


REFUSED = "#VALUE!"   # what a PERF_* score shows where the add-in refuses its inputs (see addin.udfs)


def _blank_formulas(read: ReadEvaluation) -> None:
    """The template's formulas show "" until their inputs are filled: a score until its method's
    inputs are, a 小计 until each of its scores is a number (and the 总分 and 评价等级 until each
    小计 is, which are compared only when every item is scored). An .xls keeps such a "" as 0 to
    calamine (tafia/calamine#348): that 0 is the blank it stands for, not a score of 0 to compare
    (it had given 小计应为18，填报为0 and 得分0低于分值 on rows left blank)."""
    form = read.form
    zero = lambda value: value.__class__ in (int, float) and value == 0  # noqa: E731
    number = lambda value: value.__class__ in (int, float)  # noqa: E731
    for row in form.rows:
        inputs = (row.inputs.met, row.inputs.value, row.inputs.planned, row.inputs.deductions)
        if zero(row.score) and all(v in (None, "") for v in inputs) and not _judged(row):
            row.score = None
    for name, value in form.subtotals.items():
        if zero(value) and not all(number(row.score) for row in form.rows if row.level1 == name):
            form.subtotals[name] = None
    if zero(form.total_score) and not all(number(value) for value in form.subtotals.values()):
        form.total_score = None   # (总分应为82.81，填报为0 on a sheet LibreOffice saved without the add-in)


def _judged(row: EntryRow) -> bool:
    """A row scored by judgement (its 自评得分 typed, no formula: a 0 there is the evaluator's)."""
    try:
        return parse_criterion(row.criterion, parse_weight(row.points)).method == JUDGEMENT
    except PerfError:
        return True


def _header(grid: Grid) -> dict[str, str]:
    """项目名称, 项目单位, 评价机构, 评价年度 …: each label above the table with the text right of
    it (none when that is the next label: a blank field)."""
    found = {}
    for r in range(grid.top, min(grid.bottom, grid.top + 40)):
        for c in range(grid.left, grid.right):
            label = norm(grid.value(r, c)).rstrip(":：")
            if label in _HEADER_LABELS and label not in found:
                value, _ = _right_of(grid, r, c)
                text = (value if isinstance(value, str) else quoted(value) if value is not None else "").strip()   # (2020.0 is 2020)
                if text and norm(text).rstrip(":：") not in _HEADER_LABELS:
                    found[label] = text
    return found


def framework_of(read: ReadEvaluation) -> Framework | None:
    """The shipped framework of a 评分表: the one its template names, or the one whose 一级 and
    三级 names the sheet lists in the same order (a form typed by hand); None otherwise."""
    if read.framework:
        try:
            return get_framework(read.framework)
        except PerfError:
            return None
    names = [(norm(r.level1), norm(r.name)) for r in read.form.rows]
    for framework in list_frameworks():
        if [(norm(l1.name), norm(item.name)) for l1, _, item in framework.rows()] == names:
            return framework
    return None
