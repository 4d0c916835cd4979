"""Declared targets read out of grids, tolerantly and with the cell of every value.

Two layouts are read:

* the budget system's project list (项目绩效目标清单, the list ``perfbook batch`` reads): one row
  per indicator under a header row holding 项目名称 and 三级指标; columns are found by the same
  labels :mod:`..readers.project_list` uses (and any form's aliases: 指标性质, 指标值, 度量单位,
  权重 …), project cells may be blank on continuation rows, blank 一级/二级 labels carry down;
* the 绩效目标申报表: one project per sheet, 项目名称/主管部门/实施单位 and the amounts (年度资金总额
  and its 其中 parts) beside their labels, then an indicator block under a header found by any
  form's vocabulary;
* the 自评表 itself (perfbook templates and the standard layout), read by recalc's reader
  (:func:`..readers.tables.tables_in`, which knows its noise) for its targets.

Unlike :func:`..readers.project_list.read_project_list`, nothing is refused here: a missing
project name, an amount that is no number, a project stated twice are reading problems at their
cells, reviewed with everything else. Only the standard library is imported at module level (the
review also runs inside Excel, on the grids xlwings gives).
"""

from __future__ import annotations

import itertools
import re

from addin.engine import form
from addin.engine.forms import ends, funds_rows, get_form, strip_source, vocabulary
from addin.engine.numbers import normalize_text, quoted, to_decimal
from addin.engine.errors import PerfError
from addin.engine.target_review import Amount, AmountSum, TargetProject, TargetRow, blank

from ..forms.layout import META_SHEET
from ..readers.container import Grid, error_meaning
from ..readers.project_list import (INDICATOR_COLUMNS, LIST_FIELDS, PROJECT_COLUMNS, header_labels, header_units,
                                     label_errors, list_amount, list_header, list_text, merged_labels, nameless_said,
                                     other_project, PROJECT_AMOUNTS, PROJECT_TEXTS, repeated_column)
from ..readers.tables import (NO_RESULT, PassedLabels, _carry_levels, _find_funds, _indicator_columns, _is_header, _recognise,
                              cell_texts, money_in, norm)
from ..readers.tables import _fields as _indicator_fields
from ..readers.tables import _source_name as _funds_source

PROJECT, DEPARTMENT, IMPLEMENTER = form.PROJECT, form.DEPARTMENT, form.IMPLEMENTER
INITIAL, ANNUAL = form.FUNDS_FIELDS["initial"], form.FUNDS_FIELDS["annual"]
# Rows of a list that total the projects above (not projects).
TOTAL_NAMES = ("合计", "总计", "小计")
# Labels of a 申报表's annual amount and of its multi-year total, longest first.
ANNUAL_LABELS = ("年度资金申请总额", "年度资金总额", "年度预算资金", "全年预算数", "年度预算数", "本年度资金", "年度资金",
                 "年度本级预算金额",   # (湖南湘潭's 申报表)
                 "当年资金总额", "预算申报数")   # (武汉青山区's 绩效目标表; 甘肃's 省级部门预算项目支出绩效目标表)
# A list's column of the annual amount besides 全年预算数 (井研县's 申报表 export: 预算数)
LIST_ANNUAL_LABELS = ("预算数", "年度预算数", "本年预算数", "年度资金总额")
# The project's name as 申报表 label it (湖南湘潭's reads 项目支出名称)
PROJECT_LABELS = (PROJECT, "项目支出名称", "二级项目名称", "专项名称")   # (甘肃's 表 under its 一级项目名称; 湖南's 专项 表)


# How a 申报表 states the unit of its amounts: 单位：元 (or 金额单位:万元, 单位（万元）) first, else a
# label's bracket (年度资金总额（万元）)
_UNIT_STATED = re.compile(r"单位\s*[:：]?\s*[(（]?\s*(万?元)(?![\w/／])")
_UNIT_BRACKET = re.compile(r"[(（]\s*(万?元)\s*[)）]")


def _money_unit(texts: list[str]) -> str:
    """The unit of a 申报表's amounts by the texts above its indicator block, in reading order:
    a stated 单位 before any label's bracket, 万元 when neither says."""
    for pattern in (_UNIT_STATED, _UNIT_BRACKET):
        found = next((m.group(1) for t in texts if (m := pattern.search(t))), None)
        if found:
            return found
    return "万元"


class NoTargets(Exception):
    """A readable file in which no target list or 申报表 was found (``str()`` says why)."""


def _fields(texts: list[str]) -> dict[str, int]:
    """Column index of each list field in a header row: the project list's own labels first,
    then any form's aliases for the indicator columns, then the funds sub-rows' names."""
    found: dict[str, int] = {}
    exact = dict(zip(PROJECT_COLUMNS, ("project", "department", "implementer", "initial", "annual", "goal")))
    exact.update(zip(INDICATOR_COLUMNS, LIST_FIELDS))
    exact.update((label, "annual") for label in LIST_ANNUAL_LABELS)
    for i, text in enumerate(texts):
        if text in exact and exact[text] not in found:
            found[exact[text]] = i
    aliases = vocabulary("indicators")
    for i, text in enumerate(texts):
        if not text or i in found.values():
            continue
        name = next((f for label, f in aliases if text.startswith(label)), None)
        if name in LIST_FIELDS and name not in found:
            found[name] = i
    for i, text in enumerate(texts):
        if text and i not in found.values():
            source = _source_name(text)
            if source and "source:" + source not in found:
                found["source:" + source] = i
    return found


def _source_name(text: str) -> str | None:
    stripped = strip_source(text)
    return next((name for label, name in funds_rows()[1] if stripped == label or stripped.startswith(label)), None)


def _list_header(grid: Grid) -> tuple[int, dict[str, int]] | None:
    """The row a list's header ends on and its columns, found as ``batch`` finds it
    (:func:`..readers.project_list.list_header`)."""
    texts = cell_texts(grid)
    found = list_header(texts)
    if found is None:
        return None
    r, row = found
    repeated = repeated_column(row, lambda i: grid.address(grid.top + r, grid.left + i))
    if repeated:
        raise NoTargets(f"工作表“{grid.name}”的清单{repeated}")
    below = header_labels(texts[r + 1]) if r + 1 < len(texts) else []
    fields = _fields(row)
    named = {k for k in _fields(below) if k in LIST_FIELDS}
    if len(named) >= 2 and not (below[fields["project"]] if fields["project"] < len(below) else ""):
        # a second header row: 年度指标值 merged over 指标性质 | 指标值 | 度量单位 (not a project's row)
        r, row = r + 1, merged_labels(row, below)
        fields = _fields(row)
    return grid.top + r, {k: grid.left + i for k, i in fields.items()}


def projects_in(grids: list[Grid], file: str, notes: list[str] | None = None) -> list[TargetProject]:
    """Every project of a list, of 申报表 sheets or of 自评表 in the grids of one file (visible
    sheets, or hidden ones when no visible sheet holds any); what the file lacks for every
    project (a list without a 全年预算数 column) goes to ``notes``, once. Raises :class:`NoTargets`."""
    found: list[TargetProject] = []
    empty: list[str] = []   # lists with a header and no row below it
    for hidden in (False, True):
        others = []
        for grid in grids:
            if grid.hidden != hidden or not grid.rows:
                continue
            header = _list_header(grid)
            if header is None:
                others.append(grid)
                continue
            projects = read_list(grid, *header, notes if notes is not None else [])
            if not projects:
                empty.append(f"工作表“{grid.name}”的清单表头（第 {header[0] + 1} 行）下没有任何数据行")
            for project in projects:
                project.sheet = grid.name
                found.append(project)
        found.extend(_tables_or_declarations(others, grids, file))
        if found:
            return found
    if empty:
        raise NoTargets(f"{file} 中没有找到绩效目标：{'；'.join(empty)}")
    raise NoTargets(f"{file} 中没有找到绩效目标：没有含“{PROJECT}”和“三级指标”的清单表头，"
                    "也没有含“三级指标”“年度指标值”（或“指标值”）的申报表或自评表" + _header_seen(grids))


def _header_seen(grids: list[Grid]) -> str:
    """Where a sheet has an indicator header perfbook does not read, and what its row is headed:
    a row with 三级指标 (甘肃's 指标目标值 beside it), else one with 一级指标 or 二级指标 (鄂州's
    一级指标 | 二级指标 | 绩效标准 | 当年预期实现值), so that the user sees which column perfbook did not
    know; '' when no sheet has one."""
    level3, upper = form.INDICATOR_FIELDS["level3"], (form.INDICATOR_FIELDS["level1"], form.INDICATOR_FIELDS["level2"])
    for wanted, lacking in ((level3, "“年度指标值”或“指标值”"), (None, f"“{level3}”")):
        for grid in grids:
            for r, row in enumerate(cell_texts(grid)):
                at = next((i for i, t in enumerate(row) if t == wanted or (wanted is None and t in upper)), None)
                if at is not None:
                    named = "、".join(f"“{t}”" for t in row if t)
                    return (f"；工作表“{grid.name}”{grid.address(grid.top + r, grid.left + at)}"
                            f"一行有“{row[at]}”，其列名为 {named}，其中没有{lacking}")
    return ""


def _tables_or_declarations(grids: list[Grid], everything: list[Grid], file: str) -> list[TargetProject]:
    """The targets of the 自评表 in ``grids`` (perfbook templates and the standard layout, read
    by recalc's reader, which knows their noise), else of each sheet read as a 申报表."""
    from ..readers.tables import NoTable, tables_in

    if any(g.name == META_SHEET for g in everything):
        try:
            return [from_table(read, everything) for read in tables_in(everything, file)]
        except NoTable:
            pass
    found = []
    for grid in grids:
        try:
            reads = tables_in([grid], file)
        except NoTable:
            reads = []
        if reads:
            found.extend(from_table(read, [grid]) for read in reads)
            continue
        for project in read_declaration(grid):
            project.sheet = grid.name
            found.append(project)
    return found


def _name_cell(grids: list[Grid], sheet: str, name: str) -> str:
    """The cell holding the project's name on ``sheet`` ('' when none does)."""
    wanted = norm(name)
    for grid in grids:
        if grid.name == sheet:
            for r, row in enumerate(cell_texts(grid)):
                if wanted in row:
                    return grid.address(grid.top + r, grid.left + row.index(wanted))
    return ""


def from_table(read, grids: list[Grid]) -> TargetProject:
    """The declared targets of a 自评表 read by :func:`..readers.tables.tables_in` from ``grids``
    (its 实际完成值 and 得分 left aside), with the cells recalc's reader located."""
    table = read.table
    columns = frozenset(f for f in LIST_FIELDS if f in ("level1", "level2", "level3") or read.has_column("indicator", f))
    rows = [TargetRow(ind.level1, ind.level2, ind.level3, ind.nature if "nature" in columns else None, ind.target,
                      ind.unit if "unit" in columns else None, ind.weight,
                      {f: read.cell(("indicator", n, f)) for f in LIST_FIELDS if read.cell(("indicator", n, f))})
            for n, ind in enumerate(table.indicators, start=1)]
    found = get_form(read.form)
    project = TargetProject(
        table.project, rows=rows, department=table.department, implementer=table.implementer,
        annual=Amount(form.FUNDS_TOTAL, table.funds.annual, read.cell(("funds", "annual"))),
        money_unit=read.money_unit, columns=columns, funds_weight=found.funds_weight,
        cells={"project": _name_cell(grids, read.sheet, table.project) or (rows[0].cells.get("level3", "") if rows else "")},
        problems=list(read.problems), sheet=read.sheet, profile=table.profile or found.profile)
    parts = [Amount(name, source.annual, read.cell(("source", name, "annual")))
             for name, source in table.funds.sources.items() if not blank(source.annual)]
    if parts:
        project.sums.append(AmountSum(project.annual, parts))
    return project


# the project list ----------------------------------------------------------------------------


def _value(grid: Grid, row: int, col: int | None, field: str = "") -> object:
    """A cell's value, text stripped; a 年度指标值 or a 分值 as shown (90% typed into a percentage
    cell is stored 0.9, a 分值 of 20 shown as 20% is stored 0.2: see :meth:`Grid.shown`)."""
    if col is None:
        return None
    value = grid.shown(row, col) if field in ("target", "weight") else grid.value(row, col)
    return value.strip() if isinstance(value, str) else value


def _amount_problem(amount: Amount, required: bool) -> str | None:
    """What is wrong with an amount as typed (``None`` if nothing): missing when ``required``,
    no number, a percentage, negative, or 0 when ``required``."""
    if blank(amount.value):
        return f"缺少{amount.label}" if required else None
    try:
        value = list_amount(amount.value, amount.label)
    except PerfError as err:
        return str(err)
    if value < 0 or (required and value == 0):
        return f"{amount.label}应大于 0（{quoted(amount.value)}）" if required else f"{amount.label}不能为负数（{quoted(amount.value)}）"
    return None


def _annual_unit(grid: Grid, texts: list[list[str]], header: int, columns: dict[str, int]) -> str:
    """The money unit the 全年预算数 column's label writes (全年预算数（万元）), from the header row or
    the row above it (a header over two rows); '' when it writes none. The list's amounts are in it:
    the other amounts are checked only for what a unit does not change (a number, not negative)."""
    if "annual" not in columns:
        return ""
    at = columns["annual"] - grid.left
    rows = texts[max(header - 1, grid.top) - grid.top: header - grid.top + 1]
    return next((unit for row in reversed(rows) if at < len(row) and (unit := header_units(row)[at])), "")


def read_list(grid: Grid, header: int, columns: dict[str, int], notes: list[str]) -> list[TargetProject]:
    """The projects of a project list whose header is row ``header`` of ``grid``; a column the
    list lacks for a check is said once in ``notes`` (the list's, not each project's fault)."""
    missing = [label for label, name in ((form.INDICATOR_FIELDS["target"], "target"),) if name not in columns]
    if missing:
        raise NoTargets(f"工作表“{grid.name}”的清单表头（第 {header + 1} 行）缺少列：{'、'.join(missing)}")
    present = frozenset(k for k in columns if k in LIST_FIELDS)
    # columns without which a check cannot run (性质 and 单位 are read from the 年度指标值 where the
    # list has no such column, as in the central 8-column form: ≥90%, ≤27万元; not said as lacking)
    lacking = [label for label, name in ((ANNUAL, "annual"), (form.INDICATOR_FIELDS["weight"], "weight"))
               if name not in columns]
    sources = sorted((k for k in columns if k.startswith("source:")), key=columns.get)
    texts = cell_texts(grid)
    money_unit = _money_unit([t for row in texts[: header - grid.top + 1] for t in row if t])   # (金额单位:元)
    money_unit = _annual_unit(grid, texts, header, columns) or money_unit   # (全年预算数（万元） beside 年初预算数（元）)
    at = grid.address
    projects: list[TargetProject] = []
    seen: dict[str, str] = {}
    current: TargetProject | None = None
    totals: list[tuple[int, TargetProject]] = []
    amounts = [k for k in columns if k in ("annual", "initial") or k.startswith("source:")]
    if lacking:
        checks = "、".join(check for label, check in ((ANNUAL, "成本指标与全年预算数的比较、金额的核对"),
                                                      (form.INDICATOR_FIELDS["weight"], "分值合计的核对"))
                          if label in lacking)
        notes.append(f"工作表“{grid.name}”的清单表头（第 {header + 1} 行）没有“{'”“'.join(lacking)}”列：各项目的{checks}未做")
    for r in range(header + 1, grid.bottom):
        values = {k: _value(grid, r, c, k) for k, c in columns.items()}
        if all(blank(v) for v in values.values()):
            continue
        for k in amounts:   # an amount written with its unit (150万元) in the list's unit, as a declaration's
            values[k] = money_in(values[k], money_unit or "万元")
        name = values.get("project")
        name = "" if blank(name) else list_text(name)   # (12345, not 12345.0: as batch names its template)
        lost = not name and (r, columns["project"]) in grid.no_result   # (its rows below are still its own)
        if lost:
            name = f"（{at(r, columns['project'])} 的项目名称未读出）"
        if name and norm(name) in TOTAL_NAMES:
            total = TargetProject(name, is_total=True, cells={"project": at(r, columns["project"])}, columns=present)
            totals.append((r, total))
            current = None
            continue
        if name and (current is None or name != current.project):
            cells = {"project": at(r, columns["project"])}
            if name in seen:
                problems = [(cells["project"], f"项目名称“{name}”重复（{seen[name]} 已出现），两处按两个项目审核")]
            else:
                problems = []
                seen[name] = cells["project"]
            if meaning := error_meaning(name):   # (a name computed by a formula that failed)
                problems.append((cells["project"], f"项目名称单元格中是 {meaning}，不是项目名称"))
            if lost:
                problems.append((cells["project"], NO_RESULT))
            annual = Amount(ANNUAL, values.get("annual"), at(r, columns["annual"]) if "annual" in columns else "")
            current = TargetProject(name, department=str(values.get("department") or ""),
                                    implementer=str(values.get("implementer") or ""), annual=annual,
                                    columns=present, cells=cells, problems=problems, money_unit=money_unit)
            current.first_row = r
            for amount, required in ((annual, True), (Amount(INITIAL, values.get("initial"),
                                                             at(r, columns["initial"]) if "initial" in columns else ""), False)):
                if "annual" not in columns and required:
                    continue
                at_cell = (r, columns.get("annual" if required else "initial"))
                if at_cell in grid.no_result:
                    current.problems.append((amount.cell, NO_RESULT))   # (not 缺少: the formula has no result)
                    current.unread |= {amount.cell}
                    continue
                if at_cell in grid.percent and not blank(amount.value):   # 95% typed: stored 0.95, shown 95%
                    current.problems.append((amount.cell, f"项目“{name}”：{amount.label}“{grid.shown(*at_cell)}”是百分数，不是金额"))
                    continue
                problem = _amount_problem(amount, required)
                if problem:
                    current.problems.append((amount.cell or cells["project"], f"项目“{name}”：{problem}"))
            if sources:
                parts = [Amount(k.split(":", 1)[1], values.get(k), at(r, columns[k])) for k in sources]
                for part in parts:
                    problem = _amount_problem(part, False)
                    if problem:
                        current.problems.append((part.cell, f"项目“{name}”：{problem}"))
                current.sums.append(AmountSum(annual, parts))
            projects.append(current)
        elif current is None:
            cell = at(r, columns["project"])
            row = _row(grid, r, columns, values)
            what = f"（三级指标“{row.level3}”）" if row.level3 else ""
            projects.append(TargetProject("", problems=[(cell, f"第 {r + 1} 行缺少项目名称{what}，不知道属于哪个项目")],
                                          cells={"project": cell}, columns=present))
            continue
        else:
            unlike = other_project(_project_signs(grid, r, columns), _project_signs(grid, current.first_row, columns))
            if unlike:   # (a project whose name was left blank: its rows its own, not the project's above)
                cell = at(r, columns["project"])
                current = TargetProject("", problems=[(cell, f"第 {r + 1} 行{nameless_said(unlike, current.project)}")],
                                        cells={"project": cell}, columns=present)
                current.first_row = r
                projects.append(current)
            else:
                _repeats(current, grid, r, columns, values)
        row = _row(grid, r, columns, values)
        current.problems.extend((row.cells.get(f, ""), said) for f, said in label_errors(values))
        if not _has_indicator(values):
            continue
        if _unread(grid, r, {k: c for k, c in columns.items() if k in LIST_FIELDS}, current):
            current.rows.append(row)   # kept: its labels carry, its group counts
            continue
        if not row.level3:   # (kept: its group counts, and what its target lacks is said too)
            current.problems.append((row.cells.get("level3", ""), f"第 {r + 1} 行缺少三级指标名称"))
        current.rows.append(row)
    for project in projects:
        _carry(project.rows)
    for r, total in totals:
        _total_row(grid, r, columns, total, [p for p in projects if p.project])
    return projects + [t for _, t in totals]


def _project_signs(grid: Grid, r: int | None, columns: dict[str, int]) -> dict[str, str]:
    """A list's project cells in row ``r`` as text, by label (see :func:`other_project`)."""
    fields = dict(zip((*PROJECT_AMOUNTS, *PROJECT_TEXTS), ("initial", "annual", "department", "implementer", "goal")))
    return {label: list_text(grid.value(r, columns[f])).strip() if r is not None and f in columns else ""
            for label, f in fields.items()}


def _unread(grid: Grid, r: int, columns: dict[str, int], project: TargetProject) -> bool:
    """Whether row ``r`` has cells in ``columns`` saved as formulas without their results: each
    is said at its cell (not read as empty: 年度指标值为空), and no rule speaks of it."""
    lost = [grid.address(r, c) for c in sorted(columns.values()) if (r, c) in grid.no_result]
    project.problems.extend((cell, NO_RESULT) for cell in lost)
    project.unread |= set(lost)
    return bool(lost)


def _has_indicator(values: dict[str, object]) -> bool:
    return any(not blank(values.get(k)) for k in LIST_FIELDS)


def _row(grid: Grid, r: int, columns: dict[str, int], values: dict[str, object]) -> TargetRow:
    texts = {k: "" if blank(values.get(k)) else str(values.get(k)).strip() for k in ("level1", "level2", "level3")}
    return TargetRow(texts["level1"], texts["level2"], texts["level3"], values.get("nature"), values.get("target"),
                     values.get("unit"), values.get("weight"),
                     {k: grid.address(r, columns[k]) for k in LIST_FIELDS if k in columns}, r + 1)


def _carry(rows: list[TargetRow]) -> None:
    """Blank 一级/二级 cells take the label above within a project (merged cells in the export),
    a 二级 label in the 一级 column moves over (see :func:`..readers.tables._carry_levels`)."""
    _carry_levels(rows)


def _repeats(project: TargetProject, grid: Grid, r: int, columns: dict[str, int], values: dict[str, object]) -> None:
    """A continuation row that states the project's amount again, differently."""
    if project.annual is None or "annual" not in columns or blank(values.get("annual")):
        return
    later = Amount(ANNUAL, values["annual"], grid.address(r, columns["annual"]))
    try:
        same = to_decimal(later.value, ANNUAL) == to_decimal(project.annual.value, ANNUAL)
    except PerfError:
        same = str(later.value).strip() == str(project.annual.value).strip()
    if not same:
        project.repeats.append((project.annual, later))


def _total_row(grid: Grid, r: int, columns: dict[str, int], total: TargetProject, projects: list[TargetProject]) -> None:
    """A 合计 row: each amount column it fills is the sum of the projects' amounts (each read on
    the project's first row)."""
    for name, label in (("annual", ANNUAL), ("initial", INITIAL)):
        if name not in columns or blank(grid.value(r, columns[name])):
            continue
        parts = [Amount(project.project, grid.value(project.first_row, columns[name])) for project in projects
                 if project.first_row is not None]
        total.sums.append(AmountSum(Amount(f"{total.project}行的{label}", grid.value(r, columns[name]),
                                           grid.address(r, columns[name])), parts))


# the 申报表 ------------------------------------------------------------------------------------


def _labelled(grid: Grid, rows: range, labels: tuple[str, ...], near: int | None = None,
              amount: bool = False) -> tuple[object, str, int, int] | None:
    """(value, its cell, label row, label column) of the first label of ``labels`` found in
    ``rows`` (a cell starting with it); the value is the first filled cell right of the label
    or, for an ``amount``, the cell below when the one on the right is no number and the one
    below is (a header over a value row). ``near``: of several cells with the label, the one
    nearest this column."""
    texts = cell_texts(grid)
    for label in labels:
        hits = [(r, grid.left + c) for r in rows if grid.top <= r < grid.bottom
                for c, t in enumerate(texts[r - grid.top]) if t and strip_source(t).startswith(label)
                and len(strip_source(t)) <= len(label) + 8]
        if not hits:
            continue
        r, c = min(hits, key=lambda h: (abs(h[1] - near), h[0]) if near is not None else (h[0], h[1]))
        right = next(((grid.value(r, x), x) for x in range(c + 1, min(c + 4, grid.right))
                      if not blank(grid.value(r, x)) or (r, x) in grid.no_result), (None, None))   # (a formula: its cell)
        if _is_label(right[0]):   # the next label, its own value left blank (项目支出名称 | | 预算部门)
            right = (None, None)
        if amount and right[1] is not None and _UNIT_OR_COLON.sub("", normalized(right[0])) in _SUB_AMOUNT:   # 年度资金总额及构成 | 总额 | 10606.75万元
            right = next(((grid.value(r, x), x) for x in range(right[1] + 1, min(right[1] + 3, grid.right))
                          if not blank(grid.value(r, x))), right)
        if amount and (right[0] is None or not _numeric(right[0])) and _numeric(grid.value(r + 1, c)):
            return grid.value(r + 1, c), grid.address(r + 1, c), r, c
        if right[1] is not None:
            value = right[0].strip() if isinstance(right[0], str) else right[0]
            return value, grid.address(r, right[1]), r, c
        return None, grid.address(r, c), r, c
    return None


# Labels of a 申报表's lines besides those looked for: a cell holding one is no value
_OTHER_LABELS = ("主管部门及代码", "预算部门", "预算单位", "实施单位", "项目负责人", "联系人", "联系电话", "项目属性",
                 "项目类型", "项目类别", "资金性质")


def _is_label(value: object) -> bool:
    """Whether ``value`` is the text of a line's label (a blank value's neighbour)."""
    if not isinstance(value, str):
        return False
    text = _UNIT_OR_COLON.sub("", normalized(value)).replace(" ", "")
    return text in _LABELS


# Words between an amount's label and the amount (坝塘's 年度资金总额及构成 | 总额 | 10606.7522万元)
_SUB_AMOUNT = ("总额", "合计", "总计", "小计", "金额", "资金总额")
_UNIT_OR_COLON = re.compile(r"\s*(?:[(（][^()（）]*[)）]|[:：])\s*$")   # (总额（万元）, 金额：)


def _numeric(value: object) -> bool:
    """Whether ``value`` is an amount (a number, or one written with its unit: 250万, 10606.75万元)."""
    if value is None or isinstance(value, bool):
        return False
    try:
        to_decimal(money_in(value, "万元"), "金额")
    except PerfError:
        return False
    return True


def read_declaration(grid: Grid) -> list[TargetProject]:
    """The project of a 申报表 sheet (an indicator header with the project's lines above it), or
    nothing when the sheet has no indicator header. Several 申报表 one below the other (each its
    项目名称 line above its indicator header) are each a project."""
    texts = cell_texts(grid)
    headers = [grid.top + i for i, row in enumerate(texts) if _is_header(tuple(row))]
    if not headers:
        return []
    names = [grid.top + i for i, row in enumerate(texts) if any(_is_project_label(t) for t in row)]
    if not any(n < headers[0] for n in names):
        _refuse_unknown_project_column(grid, texts, headers[0])
    starts = [n for n, after in zip(names, [*names[1:], grid.bottom]) if any(n < h < after for h in headers)]
    if len(starts) < 2:
        return [_declaration(grid, texts, headers, grid.top, grid.bottom)]
    starts = [grid.top, *(_form_start(texts, grid.top, n, max(h for h in headers if h < n)) for n in starts[1:])]
    bounds = zip(starts, [*starts[1:], grid.bottom])
    return [_declaration(grid, texts, [h for h in headers if start <= h < stop], start, stop) for start, stop in bounds]


def _refuse_unknown_project_column(grid: Grid, texts: list[list[str]], header: int) -> None:
    """Stop where an indicator header with no 项目名称 line above it names a project column in
    words perfbook does not know (项目名, 项目全称): a list of many projects, which read as one
    申报表 would be one project holding every row."""
    row = texts[header - grid.top]
    at = next((i for i, t in enumerate(row) if "项目" in t and ("名" in t or "称" in t)), None)
    if at is not None:
        raise NoTargets(f"工作表“{grid.name}”{grid.address(header, grid.left + at)}的列名“{row[at]}”像是项目名称，"
                        f"但不是 perfbook 认识的列名，无法分出各个项目：请把这一列的列名改为“{PROJECT}”后再审核")


def _form_start(texts: list[list[str]], top: int, name: int, header: int) -> int:
    """The first row of a 申报表 whose 项目名称 line is row ``name``, below another's indicator
    header ``header``: the lines right above it holding one or two texts (its title, 填报单位 and
    单位:元) are its own, up to a blank row or an indicator row of the form above (three texts or more)."""
    start = name
    while start - 1 > header and 0 < sum(1 for t in texts[start - 1 - top] if t) <= 2:
        start -= 1
    return start


def _is_project_label(text: str) -> bool:
    return bool(text) and _UNIT_OR_COLON.sub("", normalized(text)).replace(" ", "") in PROJECT_LABELS


def _declaration(grid: Grid, texts: list[list[str]], headers: list[int], start: int, stop: int) -> TargetProject:
    """The project of the 申报表 in rows ``start`` to ``stop`` of a sheet, whose indicator headers
    are ``headers``."""
    header = _annual_block(grid, headers, texts)
    above = range(start, headers[0])
    name = _labelled(grid, above, PROJECT_LABELS)
    if name is None or blank(name[0]):
        cell = name[1] if name else grid.address(start, grid.left)
        lost = cell in {grid.address(*at) for at in grid.no_result}   # (said as such: the name may well be there)
        project = TargetProject(grid.name, problems=[(cell, f"{NO_RESULT}；{PROJECT}未读出，按工作表名“{grid.name}”审核"
                                                      if lost else f"没有找到{PROJECT}，按工作表名“{grid.name}”审核")],
                                cells={"project": cell})
    else:
        project = TargetProject(str(name[0]).strip(), cells={"project": name[1]})
    for label, attribute in (((DEPARTMENT, "主管部门及代码"), "department"), ((IMPLEMENTER,), "implementer")):
        found = _labelled(grid, above, label)
        if found and not blank(found[0]):
            setattr(project, attribute, str(found[0]).strip())
    above_texts = [t for row in texts[start - grid.top: header - grid.top + 2] for t in row if t]   # (in reading order)
    seen = set(above_texts)
    money = next((t for t in above_texts if _UNIT_BRACKET.search(t)), "")   # the form's funds label, maybe
    project.money_unit = _money_unit(above_texts)
    table = _funds_table(grid, above)
    annual = table[:4] if table else _labelled(grid, above, ANNUAL_LABELS, amount=True) or _one_year_amount(grid, above)
    if annual is None:
        project.problems.append((project.cells["project"], "没有找到年度资金总额（申报表中应有“年度资金总额”或“全年预算数”一栏；项目期只有一年时可用“项目金额”），无法核对成本指标"))
    else:
        value, cell, label_row, label_col = annual
        project.annual = Amount(form.FUNDS_TOTAL, money_in(value, project.money_unit), cell)
        problem = _amount_problem(project.annual, True)
        if problem:
            project.problems.append((cell, problem))
        parts = list(table[4]) if table else []
        for label, canonical in _source_labels() if not table else ():
            hit = _labelled(grid, range(label_row, header), (label,), near=label_col, amount=True)
            if hit and hit[1] not in {p.cell for p in parts} and canonical not in {p.label for p in parts}:
                parts.append(Amount(canonical, money_in(hit[0], project.money_unit), hit[1]))
        if parts:
            project.sums.append(AmountSum(project.annual, parts))
    columns, first = _indicator_columns(grid, header)
    _annual_columns(texts[header - grid.top], columns, grid.left)
    first = _planned_value_column(grid, header, columns, first)
    project.columns = frozenset(k for k in columns if k in LIST_FIELDS)
    form_id, _ = _recognise(seen, columns, money)
    project.profile = get_form(form_id).profile
    totals, stops = ends()
    end = next((h for h in headers if h > header), stop)
    label_end = columns.get("target", grid.right)
    passed = PassedLabels()
    for r in range(first, end):
        labels = [t for t in texts[r - grid.top][: label_end - grid.left] if t] if r < grid.bottom else []
        if any(t.startswith(totals) or t.startswith(stops) or _SIGN_OFF.search(t) for t in labels):
            break
        values = {k: _value(grid, r, c, k) for k, c in columns.items()}
        row = _row(grid, r, columns, values)
        if _unread(grid, r, columns, project):   # kept: its labels carry, its group counts
            project.rows.append(row)
            continue
        if all(blank(values.get(k)) for k in ("nature", "target", "weight")) and _placeholder(row.level3):
            passed.keep(row.level1, row.level2)   # a label row or a placeholder (指标1：, ……)
            continue
        row.level1, row.level2 = passed.given(row.level1, row.level2)   # (a named row without a target is kept: said)
        if not row.level3:   # (kept: its group counts, and what its target lacks is said too)
            project.problems.append((row.cells.get("level3", ""), f"第 {r + 1} 行缺少三级指标名称"))
        project.rows.append(row)
    _carry(project.rows)
    return project


# The whole project's amount (黄石's 批复表: 项目金额 164万元), and the labels of its period (项目期 2022年)
WHOLE_LABELS = ("项目金额", "项目资金总额", "项目总金额", "项目资金")
PERIOD_LABELS = ("项目期", "项目周期", "项目起止时间", "计划起止日期", "项目实施期", "实施期限", "起止时间")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_YEARS = re.compile(r"[\d一二两三四五六七八九十]\s*个?年|起|开始|以后|至今|长期")   # (once the year is taken out: 2023年起三年)
_ONE_YEAR = re.compile(r"(?:1|一|壹)\s*(?:个?年度?|年期)?|12\s*个?月")   # 项目期 1年 (一年, 12个月, 1)


def _one_year_amount(grid: Grid, rows: range) -> tuple[object, str, int, int] | None:
    """The project's whole amount as its annual one, where the 申报表 states no annual amount and
    its period is one year (项目期 2022年, 项目期 1年): a multi-year total is never the annual amount."""
    period = _labelled(grid, rows, PERIOD_LABELS)
    if period is None:
        return None
    _, _, r, c = period   # (the whole row right of the label: 2022-01-01 | 至 | 2024-12-31)
    values = [grid.value(r, x) for x in range(c + 1, grid.right)]
    text = normalized("".join(str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in values if not blank(v)))
    if not _ONE_YEAR.fullmatch(text) and (len(set(_YEAR.findall(text))) != 1 or _YEARS.search(_YEAR.sub("", text))):
        return None
    return _labelled(grid, rows, WHOLE_LABELS, amount=True)


def _annual_columns(texts: list[str], columns: dict[str, int], left: int) -> None:
    """Where one header row holds the indicator columns twice, the 长期 (中期) ones first and the
    年度 ones after (武汉青山区's 绩效目标表: 二级指标(长期) | 三级指标(长期) | 指标值(长期) | 二级指标(年度)
    | 三级指标(年度) | 指标值(年度)), the later ones: the targets the year's budget is about."""
    for i, text in enumerate(texts):
        for field, _ in _indicator_fields((text,), "indicators"):
            if field in columns and _WHOLE_PERIOD.search(texts[columns[field] - left]):
                columns[field] = left + i


def _annual_block(grid: Grid, headers: list[int], texts: list[list[str]]) -> int:
    """The header row of the indicators the year's budget is about: of a 长期绩效指标 block and a
    年度绩效指标 block (湖南's 绩效目标表), the one labelled 年度, else the first."""
    def label(header: int) -> str:
        row = texts[header - grid.top]
        fields = _fields(row)
        return "".join(t for i, t in enumerate(row) if t and i not in fields.values())
    return next((h for h in headers if "年度" in label(h)), headers[0])


# The lines a 申报表 closes on (财政绩效管理科室(盖章) 年 月 日, 填表人：, 财政部门审核意见): no
# indicators, unlike 审核意见落实数, 补贴发放签字确认率 or 联系电话接通率
_SIGN_OFF = re.compile(r"^(?:填表人|填报人|审核人|联系人|联系电话|单位负责人|填报日期)(?:签字|签章)?\s*(?:[:：(（]|$)"
                       r"|审[核批]意见$|[(（]\s*(?:盖章|签章|签字)\s*[)）]|年\s+月\s+日")
# Sub-labels under a 指标值 header spanning columns (黄石: 2021年实际实现值 | 预期2022年实现值), by how
# surely they name this year's target, the first that a label has words of: last year's or an actual
# value (0), the whole period's (1), this year's or the expected one (3); a plain value is 2
_WHOLE_PERIOD = re.compile(r"实施期|长期|总体|中期|绩效期")   # a target for the whole period, not the year's
_SUB_LABELS = ((re.compile(r"实际|历史|上年|以前|基期"), 0), (_WHOLE_PERIOD, 1),
               (re.compile(r"预期|预计|年度|本年|当年|申报"), 3))


def _planned_value_column(grid: Grid, header: int, columns: dict[str, int], first: int) -> int:
    """Where the 指标值 header spans several columns whose row below names them (last year's
    actual beside this year's target), the target column becomes the one naming this year's
    target (预期2022年实现值, not 2021年实际实现值; 年度目标值, not 实施期目标值; the first when none
    says) and that row of sub-labels is no indicator; returns the first data row."""
    target = columns.get("target")
    if target is None:
        return first
    spanned = [target] + list(itertools.takewhile(lambda c: blank(grid.value(header, c)), range(target + 1, grid.right)))
    labels = [(c, normalized(grid.value(first, c))) for c in spanned]
    if len(spanned) < 2 or not all(text and "值" in text for _, text in labels):
        return first

    def sureness(text: str) -> int:
        return next((rank for words, rank in _SUB_LABELS if words.search(text)), 2)
    ranks = [sureness(text) for _, text in labels]
    columns["target"] = spanned[ranks.index(max(ranks))]
    return first + 1


_PLACEHOLDER = re.compile(r"(指标\s*\d+\s*[:：]?|[.…·。]+|[-—－]+)")


def _placeholder(level3: str) -> bool:
    """A 三级指标 cell that names nothing: blank, or a form's placeholder (指标1：, ……, —)."""
    return not level3 or _PLACEHOLDER.fullmatch(level3.strip()) is not None


def _funds_table(grid: Grid, rows: range) -> tuple[object, str, int, int, list[Amount]] | None:
    """(value, cell, row, column) of the annual amount of a funds block laid out as a table (a
    自评表's 年度资金总额 row under 年初预算数 | 全年预算数 | …) and its 其中 rows in that column;
    None when the sheet has no such block."""
    found = _find_funds(grid, rows)
    if found is None or "annual" not in found[1]:
        return None
    _, columns, total = found
    col = columns["annual"]
    parts = []
    for r in range(total + 1, rows.stop):
        labels = [t for t in cell_texts(grid)[r - grid.top][: col - grid.left] if t]
        name = next((n for n in map(_funds_source, labels) if n), None)
        if name is None:
            break
        parts.append(Amount(name, grid.value(r, col), grid.address(r, col)))
    return grid.value(total, col), grid.address(total, col), total, col, parts


def _source_labels() -> list[tuple[str, str]]:
    """(label, canonical name) of every funds sub-row any form names, and 财政拨款/上年结转."""
    pairs = list(funds_rows()[1]) + [("财政拨款", "当年财政拨款"), ("上年结转", "上年结转资金")]
    return sorted(dict(pairs).items(), key=lambda kv: len(kv[0]), reverse=True)


def normalized(text: object) -> str:
    return normalize_text(str(text or "")).strip()


_LABELS = frozenset((*PROJECT_LABELS, DEPARTMENT, IMPLEMENTER, *ANNUAL_LABELS, *WHOLE_LABELS, *PERIOD_LABELS,
                     *_OTHER_LABELS))
