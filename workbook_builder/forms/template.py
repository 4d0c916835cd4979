"""Blank 自评表 workbooks laid out as a jurisdiction's form (``addin/forms``, :mod:`.layout`), wired
with the PERF_* functions or, for portable templates, with native formulas compiled from the
profile (:mod:`.portable`).

One table (from a project list or a spec) becomes one workbook. Cells that come from the
budget system (names, targets, weights, budgets) are filled and locked; cells a user must fill
(全年执行数, 实际完成情况, 实际完成值, 偏差原因) are unlocked and shaded. Score, rate, total and
grade cells hold formulas that pass the profile from the named cell ``规则``. A hidden sheet
records the template version, form, profile and project so recalculation can read the workbook
back through the same layout. On a form without 性质 and 单位 columns the target carries them
(``≥50个``), as the published forms write it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from itertools import groupby

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

from addin.engine import form
from addin.engine.errors import PerfError
from addin.engine.findings import pct
from addin.engine.forms import Form, get_form
from addin.engine.natures import QUALITATIVE, parse_nature, parse_weight
from addin.engine.numbers import as_float
from addin.engine.profiles import Profile, get_profile
from addin.engine.qualitative import find_scale
from addin.engine.table import Indicator, Table
from addin.engine.targets import split_target

from . import layout as L
from .sheet import cell_text, finish_sheet, generated_at, one_line, put, put_row, validation
from .layout import MODE_LABEL, MODE_VALUE
from .portable import (SHARES_FIRST_ROW, SHARES_HEADER, SHARES_KEY_COLUMN,
                       SHARES_VALUE_COLUMN, TARGET_PROMPT, NotPortable, PortableFormulas, Row, judged_check,
                       reason_blank, target_helpers)
from .. import perfbook_version, texts
from ..console import width
from ..recalc.textsize import wrapped_lines

FONT = "宋体"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
# (conditional formats: Excel paints a solid differential fill with its bgColor, LibreOffice its fgColor)
MISSING_REASON_FILL = PatternFill("solid", fgColor="F8CBAD", bgColor="F8CBAD")
CHECK_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
UNLOCKED = Protection(locked=False)

AMOUNT_FORMAT = "#,##0.00####"
SCORE_FORMAT = "0.00"
WEIGHT_FORMAT = "0.##"
RATE_FORMAT = "0.00%"
TEXT_FORMAT = "@"
LEVEL1_CHOICES = ",".join(form.LEVEL1)
NATURE_CHOICES = "≥,≤,=,定性"
WAN = Decimal(10000)


def _set(ws, ref: str, value=None, *, formula: str | None = None, align=CENTER, fmt: str | None = None,
         bold=False, user_input=False, size=10):
    """Write and style the cell ``ref``: ``value`` by :func:`~.sheet.put` (text stays text),
    ``formula`` (perfbook's own, the only way one reaches a cell) as a formula."""
    cell = ws[ref]
    if formula is not None:
        cell.value = cell_text(formula)   # a portable formula quotes the unit of a target
    elif value is not None:
        put(cell, as_float(value))
    cell.font = Font(name=FONT, size=size, bold=bold)
    cell.alignment = align
    if fmt:
        cell.number_format = fmt
    if user_input:
        cell.fill = INPUT_FILL
        cell.protection = UNLOCKED
    return cell


def _merge(ws, ref: str, value=None, **style):
    ws.merge_cells(ref)
    return _set(ws, ref.split(":")[0], value, **style)


def _number(value: object) -> object:
    """Numbers from a project list as numbers, other text as typed."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).replace(",", ""))
    except ArithmeticError:
        return value


def _weight(value: object) -> object:
    """A 分值 as a number (``10分`` is 10); a blank or unreadable one as typed."""
    try:
        return as_float(parse_weight(value))
    except PerfError:
        return value or None


class AddinFormulas:
    """The formulas of an add-in template: PERF_* functions, the profile from the cell 规则."""

    portable = False

    @staticmethod
    def _amount_args(lay: L.Layout) -> str:
        """The arguments after 全年执行数 that say the amounts' unit: the rule, no 实际到位, the
        form's money unit (so that an amount typed with its unit, 1,411,160元, is converted)."""
        return f',{L.RULE_NAME},,"{lay.form.money_unit}"'

    def funds_rate(self, lay: L.Layout) -> str:
        budget, executed = lay.funds_cell("annual"), lay.funds_cell("executed")
        return f'=IF(OR({budget}="",{executed}=""),"",PERF_EXEC_RATE({budget},{executed}{self._amount_args(lay)}))'

    def funds_score(self, lay: L.Layout) -> str:
        budget, executed, weight = (lay.funds_cell(f) for f in ("annual", "executed", "weight"))
        return (f'=IF(OR({budget}="",{executed}=""),"",'
                f'PERF_EXEC_SCORE({budget},{executed},{weight}{self._amount_args(lay)}))')

    @staticmethod
    def _args(row: Row) -> str:
        return ",".join((row.nature, row.target, row.actual, row.weight))

    @staticmethod
    def _unit(row: Row) -> str:
        """The 单位 argument, and where the row's target is typed on a form without a 性质 column,
        its 一级 and 二级指标 (a bare number under 成本指标 is ≤ to the rule, as recalc reads it)."""
        levels = f",{row.levels[0]},{row.levels[1]}" if row.levels else ""
        return (f",{row.unit}" if row.unit else "," if levels else "") + levels

    def indicator_score(self, row: Row, nature: str | None, scale) -> str:
        return (f'=IF(OR({row.defined}="",{row.actual}=""),"",'
                f'PERF_SCORE({self._args(row)},{L.RULE_NAME}{self._unit(row)}))')

    def indicator_check(self, row: Row, nature: str | None) -> str:
        return (f'=IF(OR({row.defined}="",{row.actual}=""),"",PERF_CHECK({self._args(row)},{row.score},'
                f'{row.reason},{L.RULE_NAME}{self._unit(row)}))')

    def total_score(self, lay: L.Layout) -> str:
        defined, actuals, scores = (lay.indicator_range(f) for f in (lay.defining_field, "actual", "score"))
        # Blank until every defined row has an actual (and every judged row a typed score); then
        # SUM, so an error in a row shows here too.
        blank = [f"COUNTA({defined})>COUNTA({actuals})"]
        if lay.form.judged:
            blank.append(f"COUNTA({scores})<COUNTA({defined})")
        if not lay.funds_scored:
            return f'=IF(OR({",".join(blank)}),"",SUM({scores}))'
        funds = lay.funds_cell("score")
        return f'=IF(OR({funds}="",{",".join(blank)}),"",SUM({scores})+{funds})'

    def grade(self, lay: L.Layout) -> str:
        total = lay.total_score_cell
        return f'=IF({total}="","",PERF_GRADE({total},{L.RULE_NAME}))'


def _span(ws, row: int, first: str, last: str, value=None, **style):
    """Write ``value`` over columns ``first``…``last`` of ``row``, merged when they are several."""
    if L.index_of(last) < L.index_of(first):
        return None
    if last != first:
        ws.merge_cells(f"{first}{row}:{last}{row}")
    return _set(ws, f"{first}{row}", value, **style)


def _money(value: object, form: Form) -> object:
    """An amount of a project list (万元) in the form's money unit."""
    amount = _number(value)
    if form.money_unit == "元" and isinstance(amount, Decimal):
        return amount * WAN
    return amount


def _funds(ws, table: Table, profile: Profile, lay: L.Layout, formulas) -> None:
    found = lay.form
    header = L.FUNDS_HEADER_ROW
    _merge(ws, f"A{header}:A{lay.last_funds_row}", found.funds_label.replace("（", "\n（", 1), bold=True)
    _set(ws, f"B{header}", bold=True)
    # A 原因 column at the end of the funds block takes the columns the block leaves free.
    wide_reason = found.funds_columns[-1] == "reason"
    for field, column in lay.funds_columns.items():
        if not (wide_reason and field == "reason"):
            _set(ws, f"{column}{header}", found.label("funds", field), bold=True)
    after = L.letter(L.index_of(max(lay.funds_columns.values())) + (0 if wide_reason else 1))
    amounts = [f for f in form.AMOUNT_FIELDS if f in lay.funds_columns]
    labels = [found.funds_total[0], *(names[0] for names in found.funds_sources)]
    # The portable formulas compute on numbers: an amount typed with its unit (141.116万元), which
    # PERF_EXEC_* read, would be #VALUE! there, so Excel, WPS and LibreOffice refuse it as it is typed.
    number_only = validation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                             errorTitle="金额", error=f"请只填写数值（{found.money_unit}），不带单位，如 "
                                                      f"{'1411160' if found.money_unit == '元' else '141.116'}",
                             promptTitle="金额", prompt=f"填写数值（{found.money_unit}），不带单位")
    for label, (name, row) in zip(labels, lay.funds_rows.items()):
        _set(ws, f"B{row}", label, align=LEFT)
        _span(ws, row, after, lay.last_column, align=LEFT if wide_reason else CENTER)
        for field in amounts:
            _set(ws, f"{lay.funds_columns[field]}{row}", fmt=AMOUNT_FORMAT, user_input=True)
            number_only.add(f"{lay.funds_columns[field]}{row}")
        if name != L.FUNDS_TOTAL:
            for field in lay.funds_columns:
                if field in ("weight", "score"):
                    _set(ws, lay.funds_cell(field, name), "—")
                elif field not in amounts and not (wide_reason and field == "reason"):
                    _set(ws, lay.funds_cell(field, name))
    if formulas.portable:
        ws.add_data_validation(number_only)
    _span(ws, header, after, lay.last_column, found.label("funds", "reason") if wide_reason else None, bold=True)
    for field in ("initial", "annual"):
        if field in lay.funds_columns:
            put(ws[lay.funds_cell(field)], as_float(_money(getattr(table.funds, field), found)))
    if lay.funds_scored:
        weight = table.funds.weight if table.funds.weight not in (None, "") else profile.funds_weight
        _set(ws, lay.funds_cell("weight"), _number(weight), fmt=WEIGHT_FORMAT)
        _set(ws, lay.funds_cell("score"), formula=formulas.funds_score(lay), fmt=SCORE_FORMAT)
    _set(ws, lay.funds_cell("rate"), formula=formulas.funds_rate(lay), fmt=RATE_FORMAT)
    if "reason" in lay.funds_columns:
        _set(ws, lay.funds_cell("reason"), align=LEFT, user_input=True)
    _set(ws, f"{lay.check_column}{header}", L.CHECK_HEADER, bold=True)
    _set(ws, lay.funds_check_cell, formula=funds_check_formula(lay, profile), align=LEFT)
    _fit_funds(ws, lay)


def _fit_funds(ws, lay: L.Layout) -> None:
    """Heights for the funds block: its header row fits its longest wrapped label (Hubei's
    得分(20分*执行率)), and its rows together fit the block's label in column A (a block of one row
    under 预算执行情况（万元）（20分） would show the label spilling over the rows above)."""
    header, widths = L.FUNDS_HEADER_ROW, lay.column_widths
    labels = [(ws[f"{column}{header}"].value, widths.get(column, 9)) for column in lay.funds_columns.values()]
    lines = max([wrapped_lines(text, w) for text, w in labels if isinstance(text, str)] + [1])
    ws.row_dimensions[header].height = max(18, _text_height(lines))
    rows = range(header, lay.last_funds_row + 1)
    needed = _text_height(wrapped_lines(ws[f"A{header}"].value or "", widths["A"]))
    have = sum(ws.row_dimensions[r].height or 15 for r in rows)
    if needed > have:
        ws.row_dimensions[lay.last_funds_row].height = (ws.row_dimensions[lay.last_funds_row].height or 15) + needed - have


def funds_check_formula(lay: L.Layout, profile: Profile) -> str:
    """The 检查 cell of the funds block: where a sub-row is filled, the sub-rows must add up to
    the total in each amount column (the engine's ``funds_sum`` finding); the amount executed must
    not exceed the budget (``over_budget``); where the profile asks
    for a reason below some 执行率 and the form has a 原因 column, it must be filled (the
    engine's ``funds_reason_missing``). Native formulas, so they work without the add-in."""
    found, parts = lay.form, []
    # (a form without sub-rows, 其中财政拨款 …, has no sum to check: Excel refuses COUNT() and SUM())
    for field in (f for f in form.AMOUNT_FIELDS if f in lay.funds_columns and lay.source_names):
        total = lay.funds_cell(field)
        sources = ",".join(lay.funds_cell(field, name) for name in lay.source_names)
        label = found.label("funds", field)
        parts.append(
            f'IF(COUNT({sources})=0,"",IF(ROUND(SUM({sources})-N({total}),6)=0,"",'
            f'"{label}：其中各项合计"&SUM({sources})&"，与{found.funds_total[0]}"&N({total})&"不一致；"))'
        )
    # (against 全年预算数; a profile measuring 执行率 against 实际到位资金 has it on no form's funds block)
    if profile.funds_basis != "received" and {"annual", "executed"} <= set(lay.funds_columns):
        budget, executed = lay.funds_cell("annual"), lay.funds_cell("executed")
        parts.append(   # as the engine's over_budget says it (IF first: AND computes every part, a text's too)
            f'IF(AND(ISNUMBER({budget}),ISNUMBER({executed})),IF(AND(N({budget})>0,'
            f'ROUND(N({executed})/N({budget}),{profile.rate_decimals})>1),'
            f'"{found.label("funds", "executed")}超过{found.label("funds", "annual")}，请核实是否超预算支出或金额填错；",""),"")'
        )
    below = profile.funds_reason_below
    if below is not None and "reason" in lay.funds_columns:
        budget, executed, reason = (lay.funds_cell(f) for f in ("annual", "executed", "reason"))
        share = pct(below)   # as the engine's funds_reason_missing says it
        parts.append(
            f'IF(AND(ISNUMBER({budget}),ISNUMBER({executed}),N({budget})>0,'
            f'ROUND(N({executed})/N({budget}),{profile.rate_decimals})<{below},'
            f'LEN(TRIM({reason}))=0),"{found.label("funds", "rate")}未达到{share}，应在“{found.label("funds", "reason")}”中说明；","")'
        )
    return "=" + "&".join(parts)


def _goal(ws, table: Table, lay: L.Layout) -> None:
    header, row, split = lay.goal_header_row, lay.goal_row, lay.goal_split
    actual_from = L.letter(L.index_of(split) + 1)
    _merge(ws, f"A{header}:A{row}", form.GOAL, bold=True)
    _span(ws, header, "B", split, form.GOAL_EXPECTED, bold=True)
    _span(ws, header, actual_from, lay.last_column, form.GOAL_ACTUAL, bold=True)
    _span(ws, row, "B", split, table.goal_expected or None, align=LEFT, user_input=not table.goal_expected)
    _span(ws, row, actual_from, lay.last_column, table.goal_actual or None, align=LEFT, user_input=True)
    ws.row_dimensions[row].height = max(30, 15 * (1 + len(table.goal_expected or "") // 40))


def stated_target(ind: Indicator) -> object:
    """The 年度指标值 as a form without 性质 and 单位 columns writes it: the operator and unit
    inside (≥ 50 个 → ``≥50个``); a target that states them already, or a 定性 one, as it is."""
    target = ind.target
    nature = str(ind.nature or "").strip()
    if target in (None, "") or not nature:
        return target
    try:
        kind = parse_nature(nature)
    except PerfError:
        return target
    text = str(target).strip()
    if kind == QUALITATIVE:
        return text
    try:
        if split_target(text, None).stated:
            return text
    except PerfError:
        pass
    unit = str(ind.unit or "").strip()
    return f"{kind}{text}{'' if not unit or text.endswith(unit) else unit}"


def _as_form(table: Table, found: Form) -> Table:
    """``table``'s indicators as ``found`` holds them: on a form without a 性质 column the nature
    and unit move into the target (the rest of the table is unchanged)."""
    if found.has_nature:
        return table
    indicators = [replace(i, target=stated_target(i), nature=None, unit=None) for i in table.indicators]
    return replace(table, indicators=indicators)


def _split(ind: Indicator, profile: Profile, found: Form):
    """The nature (and number, unit) of a row of a form without a 性质 column, read from its
    target; ``None`` when it cannot be read (the row is then not defined)."""
    if found.has_nature:
        return None
    try:
        return split_target(ind.target, profile.bare_nature((ind.level1, ind.level2)))
    except PerfError:
        return None


def _derived(table: Table, found: Form, formulas) -> bool:
    """Whether the rows of a portable template read their nature from the target the unit types:
    a blank template (no target given) of a form without a 性质 column."""
    return (formulas.portable and not found.has_nature
            and all(i.target in (None, "") and i.level1 not in found.judged for i in table.indicators))


def _indicators(ws, table: Table, profile: Profile, lay: L.Layout, formulas) -> None:
    found = lay.form
    judged = [i.level1 in found.judged for i in table.indicators]
    derived = _derived(table, found, formulas)
    splits = [None if j else _split(i, profile, found) for i, j in zip(table.indicators, judged)]
    if found.has_nature:
        defined = bool(table.indicators) and all(j or i.nature not in (None, "")
                                                 for i, j in zip(table.indicators, judged))
    else:
        defined = bool(table.indicators) and all(s or j for s, j in zip(splits, judged))
        if formulas.portable and not defined and not derived:
            raise NotPortable(
                f"表样“{found.name}”没有绩效指标性质列，指标值中须写明运算符和数值（如 ≥50个）才能生成通用公式；"
                f"项目“{table.project}”有指标值未写明，请补全项目清单，或不加 --portable 生成使用 PERF_* 函数的模板")
    header = lay.indicator_header_row
    _merge(ws, f"A{header}:A{lay.last_indicator_row}", "绩效指标", bold=True)
    for field, column in lay.columns.items():
        text = L.CHECK_HEADER if field == L.CHECK else found.label("indicators", field)
        _set(ws, f"{column}{header}", text, bold=True)
    # The portable formulas know ≥, ≤, = and 定性 only; PERF_SCORE also reads 正向, 不小于 …: a warning
    nature_list = validation(type="list", formula1=f'"{NATURE_CHOICES}"', allow_blank=True,
                             errorStyle="stop" if formulas.portable else "warning",
                             errorTitle="绩效指标性质", error="请选择 ≥、≤、= 或 定性")
    level1_list = validation(type="list", formula1=f'"{LEVEL1_CHOICES}"', allow_blank=True, showErrorMessage=False)
    grade_lists: dict[str, DataValidation] = {}
    unit_hint = f"单位见“{found.label('indicators', 'unit')}”" if found.has_unit else "单位与年度指标值相同"
    number_prompt = validation(allow_blank=True, promptTitle=found.label("indicators", "actual"),
                               prompt=f"填写数值，{unit_hint}，如 99.95 或 99.95%；定性指标填写等级，如 优")
    target_prompt = validation(allow_blank=True, promptTitle=found.label("indicators", "target"), prompt=TARGET_PROMPT)
    # the portable formulas compute on a number: 10分 typed as a 分值 is refused as it is typed
    weight_only = validation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                             errorTitle=found.label("indicators", "weight"), error="请只填写数值，不带“分”，如 10")
    fixed = [f for f in ("level1", "level2", "level3", "nature", "target", "unit", "weight") if lay.has(f)]
    for index, ind in enumerate(table.indicators):
        row = lay.first_indicator_row + index

        def cell(field: str) -> str:
            return lay.indicator_cell(field, index)

        for field in fixed:
            value = getattr(ind, field)
            if field == "weight":
                value = _weight(value)
            elif field == "target":
                value = as_float(_number(value))
            else:
                value = value or None
            # Text, never a formula: =100% is a target as the form writes it. A target the unit types
            # (a blank template's) in a text cell, as the 实际完成值: "90%" typed in a General cell is
            # stored as 0.9, which PERF_SCORE cannot tell from 0.9 % (the portable formulas read numbers)
            fmt = WEIGHT_FORMAT if field == "weight" else None
            if field == "target" and not defined and (derived or not formulas.portable):
                fmt = TEXT_FORMAT
            _set(ws, cell(field), value, align=LEFT if field == "level3" else CENTER, fmt=fmt, user_input=not defined)
        # Text format: Excel would turn a typed "100%" into the fraction 1 in a General cell.
        _set(ws, cell("actual"), ind.actual, align=LEFT, fmt=TEXT_FORMAT, user_input=True)
        _set(ws, cell("reason"), ind.reason, align=LEFT, fmt=TEXT_FORMAT, user_input=True)   # (85% stays 85%)
        if judged[index]:   # scored by judgement: the 得分 is typed, the 检查 cell tests it
            cells = Row.at(index, lay)
            _set(ws, cell("score"), ind.score, fmt=SCORE_FORMAT, user_input=True)
            _fit_row(ws, lay, row)
            _set(ws, cell(L.CHECK), formula=judged_check(cells), align=LEFT)
            continue
        split = splits[index]
        if found.has_nature:
            nature = parse_nature(ind.nature) if defined else None
        else:
            nature = split.nature if split else None
        scale = find_scale(ind.target, profile) if nature == QUALITATIVE else None
        cells = Row.derived_at(index, lay) if derived else Row.at(index, lay, split if formulas.portable else None)
        if not (defined or found.has_nature or formulas.portable):   # the target typed: its levels, carried
            # down as recalc reads them, say how a bare one reads
            cells = replace(cells, levels=(lay.column_down("level1", index), lay.column_down("level2", index)))
        _set(ws, cell("score"), formula=formulas.indicator_score(cells, nature, scale), fmt=SCORE_FORMAT,
             user_input=bool(found.judged) and not defined)   # a blank row may be a judged one
        _fit_row(ws, lay, row)
        _set(ws, cell(L.CHECK), formula=formulas.indicator_check(cells, nature), align=LEFT)
        if scale is not None:
            if scale.name not in grade_lists:
                grade_lists[scale.name] = _grade_list(scale, formulas.portable)
            grade_lists[scale.name].add(cell("actual"))
        elif formulas.portable:
            number_prompt.add(cell("actual"))
        if not defined:
            if found.has_nature:
                nature_list.add(cell("nature"))
            elif derived:
                target_prompt.add(cell("target"))
            level1_list.add(cell("level1"))
            if formulas.portable:
                weight_only.add(cell("weight"))
    for check in (nature_list, level1_list, number_prompt, target_prompt, weight_only, *grade_lists.values()):
        if check.sqref:
            ws.add_data_validation(check)
    if defined:
        _merge_runs(ws, table, lay, "level1", lambda i: i.level1)
        _merge_runs(ws, table, lay, "level2", lambda i: (i.level1, i.level2))


def _grade_list(scale, strict: bool) -> DataValidation:
    """The dropdown of a 定性 row's grades. In a portable template only a grade is accepted (the
    formulas look it up); with the add-in a grade may be followed by an explanation."""
    grades = ",".join(g.name for g in scale.grades)
    if strict:
        return validation(type="list", formula1=f'"{grades}"', allow_blank=True,
                          errorTitle="定性指标", error=f"请从下拉列表中选择等级：{grades}",
                          promptTitle="定性指标", prompt=f"从下拉列表中选择等级：{grades}")
    return validation(type="list", formula1=f'"{grades}"', allow_blank=True, showErrorMessage=False,
                      promptTitle="定性指标", prompt="选择等级，可在等级后加括号说明，如 优（按合同完成）")


TEXT_FIELDS = ("level1", "level2", "level3", "nature", "target", "unit", "actual", "reason")


def _text_height(lines: int) -> float:
    """Points a cell of ``lines`` lines of the template's text takes, with its padding."""
    return 13.5 * lines + 4


def _fit_row(ws, lay: L.Layout, row: int, minimum: float = 18) -> None:
    """Give ``row`` the height its wrapped text needs (Excel does not autofit on open when a
    workbook was written without heights, and never for merged cells)."""
    lines = 1
    for field in (f for f in TEXT_FIELDS if lay.has(f)):
        column = lay.columns[field]
        value = ws[f"{column}{row}"].value
        if isinstance(value, str) and not value.startswith("="):
            lines = max(lines, wrapped_lines(value, lay.column_widths[column]))
    ws.row_dimensions[row].height = max(minimum, _text_height(lines))


def _merge_runs(ws, table: Table, lay: L.Layout, field: str, key) -> None:
    """Merge the 一级/二级 cells of consecutive rows with the same label, as the form does."""
    column = lay.columns[field]
    index = 0
    for _, run in groupby(table.indicators, key=key):
        size = len(list(run))
        if size > 1 and getattr(table.indicators[index], field):
            first = lay.first_indicator_row + index
            ws.merge_cells(f"{column}{first}:{column}{first + size - 1}")
        index += size


def _totals(ws, table: Table, profile: Profile, lay: L.Layout, formulas) -> None:
    found = lay.form
    weight, score = lay.columns["weight"], lay.columns["score"]
    label_end = L.letter(min(L.index_of(weight), L.index_of(score)) - 1)
    _span(ws, lay.total_row, "A", label_end, found.total_labels[0], bold=True)
    funds_weight = f"+{lay.funds_cell('weight')}" if lay.funds_scored else ""
    _set(ws, lay.total_weight_cell, formula=f"=SUM({lay.indicator_range('weight')}){funds_weight}",
         fmt=WEIGHT_FORMAT, bold=True)
    _set(ws, lay.total_score_cell, formula=formulas.total_score(lay), fmt=SCORE_FORMAT, bold=True)
    _span(ws, lay.grade_row, "A", L.letter(L.index_of(score) - 1), form.GRADE, bold=True)
    _set(ws, lay.grade_cell, formula=formulas.grade(lay), bold=True)
    for row in (lay.total_row, lay.grade_row):
        for index in range(L.index_of(label_end) + 1, L.index_of(lay.last_column) + 1):
            if ws.cell(row, index).value is None and not _merged(ws, row, index):
                _set(ws, f"{L.letter(index)}{row}")
    for label, row in lay.closing_rows.items():
        _span(ws, row, "A", "B", label, bold=True)
        _span(ws, row, "C", lay.last_column, align=LEFT, user_input=True)
        ws.row_dimensions[row].height = 45
    _span(ws, lay.rule_row, "A", "B", form.RULE, bold=True)
    _span(ws, lay.rule_row, "C", "D", profile.id)
    _span(ws, lay.rule_row, "E", lay.last_column, profile.name, align=LEFT)


def _merged(ws, row: int, column: int) -> bool:
    return any(r.min_row <= row <= r.max_row and r.min_col <= column <= r.max_col
               for r in ws.merged_cells.ranges)


def _borders(ws, lay: L.Layout) -> None:
    last = max([lay.grade_row, *lay.closing_rows.values()])
    for row in ws.iter_rows(min_row=L.PROJECT_ROW, max_row=last, max_col=L.index_of(lay.last_column)):
        for cell in row:
            cell.border = BORDER
    check = L.index_of(lay.check_column)
    for first, last in ((L.FUNDS_HEADER_ROW, L.FUNDS_TOTAL_ROW), (lay.indicator_header_row, lay.last_indicator_row)):
        for row in ws.iter_rows(min_row=first, max_row=last, min_col=check, max_col=check):
            for cell in row:
                cell.border = BORDER


def _notes(ws, profile: Profile, lay: L.Layout, portable: bool) -> int:
    guide_row = lay.rule_row + 1
    _span(ws, guide_row, "A", lay.last_column, texts.guide(profile, lay.form, portable), align=LEFT, size=9)
    ws.row_dimensions[guide_row].height = 30
    row = lay.notes_row
    for line in texts.notes_lines(profile):
        _span(ws, row, "A", lay.last_column, line, align=LEFT, size=9, bold=line.endswith("："))
        ws.row_dimensions[row].height = 12 * (1 + width(line) // 190)
        row += 1
    return row - 1


def _conditional_formats(ws, lay: L.Layout) -> None:
    first, last = lay.first_indicator_row, lay.last_indicator_row
    score, weight, reason = (f"${lay.columns[f]}{first}" for f in ("score", "weight", "reason"))
    ws.conditional_formatting.add(
        f"B{first}:{lay.last_column}{last}",
        FormulaRule(formula=[f"AND(ISNUMBER({score}),{score}<{weight},{reason_blank(reason)})"],   # (无 is none too)
                    fill=MISSING_REASON_FILL),
    )
    check = f"${lay.check_column}{first}"
    ws.conditional_formatting.add(
        lay.indicator_range(L.CHECK),
        FormulaRule(formula=[f"LEN({check})>0"], fill=CHECK_FILL),
    )


def _meta(wb: Workbook, table: Table, profile: Profile, year: int, now: dt.datetime, formulas,
          found: Form) -> None:
    ws = wb.create_sheet(L.META_SHEET)
    ws.sheet_state = "hidden"
    rows = [
        ("模板", L.META_TITLE),
        ("模板版本", L.TEMPLATE_VERSION),
        ("perfbook 版本", perfbook_version()),
        ("规则", profile.id),
        ("年度", year),
        ("项目名称", table.project),
        ("指标行数", len(table.indicators)),
        ("生成时间", generated_at(now)),
        (L.FORM_LABEL, found.id),
    ]
    if formulas.portable:
        rows.append((MODE_LABEL, MODE_VALUE))
    for number, row in enumerate(rows, start=1):
        put_row(ws, number, row)
    if _derived(table, found, formulas):   # the helper cells reading the target each row's unit types
        lay = L.Layout(len(table.indicators), found)
        for index in range(len(table.indicators)):
            for column, formula in target_helpers(profile, lay, index).items():
                ws[f"{column}{lay.first_indicator_row + index}"] = formula
    if formulas.portable:  # the grade shares the 定性 formulas look up
        for number, (key, share) in enumerate([SHARES_HEADER, *formulas.share_rows()], start=SHARES_FIRST_ROW - 1):
            put(ws[f"{SHARES_KEY_COLUMN}{number}"], key)
            put(ws[f"{SHARES_VALUE_COLUMN}{number}"], share)
    ws.protection.sheet = True


def build_workbook(table: Table, profile: object = None, year: int | None = None,
                   now: dt.datetime | None = None, portable: bool = False,
                   form_id: object = None) -> Workbook:
    """The template workbook for one project, laid out as the form ``form_id`` (the default form
    when none; nothing is written to disk). The profile is ``profile``, else the table's, else
    the form's. ``portable`` writes native formulas compiled from the profile instead of PERF_*
    functions; raises :class:`~.portable.NotPortable` when the profile cannot be compiled."""
    found = get_form(form_id)
    rules = get_profile(profile or table.profile or found.profile)
    formulas = PortableFormulas(rules) if portable else AddinFormulas()
    year = year or table.year or dt.date.today().year - 1
    now = now or dt.datetime.now().replace(microsecond=0)
    table = _as_form(table, found)
    lay = L.Layout(len(table.indicators), found)
    last = lay.last_column
    wb = Workbook()
    ws = wb.active
    ws.title = L.SHEET
    _span(ws, L.TITLE_ROW, "A", last, texts.title(found), bold=True, size=16)
    _span(ws, L.YEAR_ROW, "A", last, texts.year_line(year), size=11)
    ws.row_dimensions[L.TITLE_ROW].height = 28
    department_end, label_first, label_last = lay.department_split
    _span(ws, L.PROJECT_ROW, "A", "B", form.PROJECT, bold=True)
    _span(ws, L.PROJECT_ROW, "C", last, table.project, align=LEFT)
    _span(ws, L.DEPARTMENT_ROW, "A", "B", form.DEPARTMENT, bold=True)
    _span(ws, L.DEPARTMENT_ROW, "C", department_end, table.department or None, align=LEFT,
          user_input=not table.department)
    _span(ws, L.DEPARTMENT_ROW, label_first, label_last, form.IMPLEMENTER, bold=True)
    _span(ws, L.DEPARTMENT_ROW, lay.implementer_cell.rstrip("0123456789"), last, table.implementer or None,
          align=LEFT, user_input=not table.implementer)
    _funds(ws, table, rules, lay, formulas)
    _goal(ws, table, lay)
    _indicators(ws, table, rules, lay, formulas)
    _totals(ws, table, rules, lay, formulas)
    _borders(ws, lay)
    last_row = _notes(ws, rules, lay, formulas.portable)
    _conditional_formats(ws, lay)
    for column, size in lay.column_widths.items():
        ws.column_dimensions[column].width = size
    finish_sheet(wb, ws, L.RULE_NAME, lay.rule_cell, lay.indicator_header_row, f"A1:{last}{last_row}")
    ws.print_options.horizontalCentered = True
    _meta(wb, table, rules, year, now, formulas, found)
    wb.properties.creator = "perfbook"
    wb.properties.title = one_line(f"{table.project} {found.title}")
    wb.properties.created = wb.properties.modified = now
    return wb
