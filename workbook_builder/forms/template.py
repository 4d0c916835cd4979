"""Blank 自评表 workbooks: the official form, wired with the PERF_* functions or, for portable
templates, with native formulas compiled from the profile (:mod:`.portable`).

One table (from a project list or a spec) becomes one workbook. Cells that come from the
budget system (names, targets, weights, budgets) are filled and locked; cells a user must fill
(全年执行数, 实际完成情况, 实际完成值, 偏差原因) are unlocked and shaded. Score, rate, total and
grade cells hold formulas that pass the profile from the named cell ``规则``. A hidden sheet
records the template version, profile and project so recalculation can recognise the workbook.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import groupby

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

from addin.engine import form
from addin.engine.errors import PerfError
from addin.engine.natures import QUALITATIVE, parse_nature, parse_weight
from addin.engine.numbers import as_float
from addin.engine.profiles import Profile, get_profile
from addin.engine.qualitative import find_scale
from addin.engine.table import Table

from . import layout as L
from .sheet import finish_sheet
from .portable import (MODE_LABEL, MODE_VALUE, SHARES_FIRST_ROW, SHARES_HEADER, SHARES_KEY_COLUMN,
                       SHARES_VALUE_COLUMN, PortableFormulas, Row)
from .. import perfbook_version, texts
from ..console import width

FONT = "宋体"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
MISSING_REASON_FILL = PatternFill("solid", fgColor="F8CBAD")
CHECK_FILL = PatternFill("solid", fgColor="FFC7CE")
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


def _set(ws, ref: str, value=None, *, align=CENTER, fmt: str | None = None, bold=False,
         user_input=False, size=10):
    cell = ws[ref]
    if value is not None:
        cell.value = as_float(value)
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

    def funds_rate(self, lay: L.Layout) -> str:
        budget, executed = lay.funds_cell("annual"), lay.funds_cell("executed")
        return f'=IF(OR({budget}="",{executed}=""),"",PERF_EXEC_RATE({budget},{executed}))'

    def funds_score(self, lay: L.Layout) -> str:
        budget, executed, weight = (lay.funds_cell(f) for f in ("annual", "executed", "weight"))
        return (f'=IF(OR({budget}="",{executed}=""),"",'
                f'PERF_EXEC_SCORE({budget},{executed},{weight},{L.RULE_NAME}))')

    @staticmethod
    def _args(row: Row) -> str:
        return ",".join((row.nature, row.target, row.actual, row.weight))

    def indicator_score(self, row: Row, nature: str | None, scale) -> str:
        return (f'=IF(OR({row.nature}="",{row.actual}=""),"",'
                f'PERF_SCORE({self._args(row)},{L.RULE_NAME},{row.unit}))')

    def indicator_check(self, row: Row, nature: str | None) -> str:
        return (f'=IF(OR({row.nature}="",{row.actual}=""),"",PERF_CHECK({self._args(row)},{row.score},'
                f'{row.reason},{L.RULE_NAME},{row.unit}))')

    def total_score(self, lay: L.Layout) -> str:
        col = L.INDICATOR_COLUMNS
        first, last = L.FIRST_INDICATOR_ROW, lay.last_indicator_row
        natures, actuals, scores = (f"{col[f]}{first}:{col[f]}{last}" for f in ("nature", "actual", "score"))
        funds = lay.funds_cell("score")
        # Blank until every defined row has an actual; then SUM, so an error in a row shows here too.
        return f'=IF(OR({funds}="",COUNTA({natures})>COUNTA({actuals})),"",SUM({scores})+{funds})'

    def grade(self, lay: L.Layout) -> str:
        total = lay.total_score_cell
        return f'=IF({total}="","",PERF_GRADE({total},{L.RULE_NAME}))'


def _funds(ws, table: Table, profile: Profile, lay: L.Layout, formulas) -> None:
    _merge(ws, f"A{L.FUNDS_HEADER_ROW}:A{max(L.FUNDS_ROWS.values())}", "项目资金\n（万元）", bold=True)
    _set(ws, f"B{L.FUNDS_HEADER_ROW}", bold=True)
    for field, column in L.FUNDS_COLUMNS.items():
        _set(ws, f"{column}{L.FUNDS_HEADER_ROW}", form.FUNDS_FIELDS[field], bold=True)
    for label, row in L.FUNDS_ROWS.items():
        shown = form.FUNDS_SOURCE_PREFIX + label if label == form.FUNDS_SOURCES[0] else label
        _set(ws, f"B{row}", shown, align=LEFT)
        _merge(ws, f"I{row}:K{row}")
        for field in form.AMOUNT_FIELDS:
            _set(ws, f"{L.FUNDS_COLUMNS[field]}{row}", fmt=AMOUNT_FORMAT, user_input=True)
        if row != L.FUNDS_TOTAL_ROW:
            for field in ("weight", "score"):
                _set(ws, f"{L.FUNDS_COLUMNS[field]}{row}", "—")
            _set(ws, f"{L.FUNDS_COLUMNS['rate']}{row}")
    _merge(ws, f"I{L.FUNDS_HEADER_ROW}:K{L.FUNDS_HEADER_ROW}")
    ws[lay.funds_cell("initial")].value = as_float(_number(table.funds.initial))
    ws[lay.funds_cell("annual")].value = as_float(_number(table.funds.annual))
    weight = table.funds.weight if table.funds.weight not in (None, "") else profile.funds_weight
    _set(ws, lay.funds_cell("weight"), _number(weight), fmt=WEIGHT_FORMAT)
    _set(ws, lay.funds_cell("rate"), formulas.funds_rate(lay), fmt=RATE_FORMAT)
    _set(ws, lay.funds_cell("score"), formulas.funds_score(lay), fmt=SCORE_FORMAT)
    _set(ws, f"{L.FUNDS_CHECK_COLUMN}{L.FUNDS_HEADER_ROW}", L.CHECK_HEADER, bold=True)
    _set(ws, lay.funds_check_cell, funds_check_formula(lay), align=LEFT)


def funds_check_formula(lay: L.Layout) -> str:
    """The 检查 cell of the funds block: where a sub-row is filled, 当年财政拨款 + 上年结转资金 +
    其他资金 must equal 年度资金总额 in each amount column (the engine's ``funds_sum`` finding).
    A native formula, so it works without the add-in."""
    parts = []
    for field in form.AMOUNT_FIELDS:
        total = lay.funds_cell(field)
        sources = ",".join(lay.funds_cell(field, name) for name in form.FUNDS_SOURCES)
        parts.append(
            f'IF(COUNT({sources})=0,"",IF(ROUND(SUM({sources})-N({total}),6)=0,"",'
            f'"{form.FUNDS_FIELDS[field]}：其中各项合计"&SUM({sources})&"，与{form.FUNDS_TOTAL}"&N({total})&"不一致；"))'
        )
    return "=" + "&".join(parts)


def _goal(ws, table: Table) -> None:
    _merge(ws, f"A{L.GOAL_HEADER_ROW}:A{L.GOAL_ROW}", form.GOAL, bold=True)
    _merge(ws, f"B{L.GOAL_HEADER_ROW}:F{L.GOAL_HEADER_ROW}", form.GOAL_EXPECTED, bold=True)
    _merge(ws, f"G{L.GOAL_HEADER_ROW}:K{L.GOAL_HEADER_ROW}", form.GOAL_ACTUAL, bold=True)
    _merge(ws, f"B{L.GOAL_ROW}:F{L.GOAL_ROW}", table.goal_expected or None, align=LEFT,
           user_input=not table.goal_expected)
    _merge(ws, f"G{L.GOAL_ROW}:K{L.GOAL_ROW}", table.goal_actual or None, align=LEFT, user_input=True)
    ws.row_dimensions[L.GOAL_ROW].height = max(30, 15 * (1 + len(table.goal_expected or "") // 40))


def _indicators(ws, table: Table, profile: Profile, lay: L.Layout, formulas) -> None:
    defined = bool(table.indicators) and all(i.nature not in (None, "") for i in table.indicators)
    _merge(ws, f"A{L.INDICATOR_HEADER_ROW}:A{lay.last_indicator_row}", "绩效指标", bold=True)
    for field, column in L.INDICATOR_COLUMNS.items():
        _set(ws, f"{column}{L.INDICATOR_HEADER_ROW}", L.INDICATOR_HEADERS[field], bold=True)
    nature_list = DataValidation(type="list", formula1=f'"{NATURE_CHOICES}"', allow_blank=True,
                                 errorTitle="绩效指标性质", error="请选择 ≥、≤、= 或 定性")
    level1_list = DataValidation(type="list", formula1=f'"{LEVEL1_CHOICES}"', allow_blank=True,
                                 showErrorMessage=False)
    grade_lists: dict[str, DataValidation] = {}
    number_prompt = DataValidation(allow_blank=True, promptTitle="实际完成值",
                                   prompt="填写数值，单位见“绩效度量单位”，如 99.95 或 99.95%；定性指标填写等级，如 优")
    for index, ind in enumerate(table.indicators):
        row = L.FIRST_INDICATOR_ROW + index
        cell = lambda field, row=row: f"{L.INDICATOR_COLUMNS[field]}{row}"  # noqa: E731
        for field in ("level1", "level2", "level3", "nature", "target", "unit", "weight"):
            value = getattr(ind, field)
            if field == "weight":
                value = _weight(value)
            elif field == "target":
                value = as_float(_number(value))
            else:
                value = value or None
            _set(ws, cell(field), value,
                 align=LEFT if field == "level3" else CENTER,
                 fmt=WEIGHT_FORMAT if field == "weight" else None, user_input=not defined)
        # Text format: Excel would turn a typed "100%" into the fraction 1 in a General cell.
        _set(ws, cell("actual"), ind.actual, align=LEFT, fmt=TEXT_FORMAT, user_input=True)
        _set(ws, cell("reason"), ind.reason, align=LEFT, user_input=True)
        nature = parse_nature(ind.nature) if defined else None
        scale = find_scale(ind.target, profile) if nature == QUALITATIVE else None
        cells = Row.at(index, lay)
        _set(ws, cell("score"), formulas.indicator_score(cells, nature, scale), fmt=SCORE_FORMAT)
        _fit_row(ws, row)
        _set(ws, cell("check"), formulas.indicator_check(cells, nature), align=LEFT)
        if scale is not None:
            if scale.name not in grade_lists:
                grade_lists[scale.name] = _grade_list(scale, formulas.portable)
            grade_lists[scale.name].add(cell("actual"))
        elif formulas.portable:
            number_prompt.add(cell("actual"))
        if not defined:
            nature_list.add(cell("nature"))
            level1_list.add(cell("level1"))
    for validation in (nature_list, level1_list, number_prompt, *grade_lists.values()):
        if validation.sqref:
            ws.add_data_validation(validation)
    if defined:
        _merge_runs(ws, table, "level1", lambda i: i.level1)
        _merge_runs(ws, table, "level2", lambda i: (i.level1, i.level2))


def _grade_list(scale, strict: bool) -> DataValidation:
    """The dropdown of a 定性 row's grades. In a portable template only a grade is accepted (the
    formulas look it up); with the add-in a grade may be followed by an explanation."""
    grades = ",".join(g.name for g in scale.grades)
    if strict:
        return DataValidation(type="list", formula1=f'"{grades}"', allow_blank=True,
                              errorTitle="定性指标", error=f"请从下拉列表中选择等级：{grades}",
                              promptTitle="定性指标", prompt=f"从下拉列表中选择等级：{grades}")
    return DataValidation(type="list", formula1=f'"{grades}"', allow_blank=True, showErrorMessage=False,
                          promptTitle="定性指标", prompt="选择等级，可在等级后加括号说明，如 优（按合同完成）")


def _fit_row(ws, row: int, columns: str = "BCDEFGHK", minimum: float = 18) -> None:
    """Give ``row`` the height its wrapped text needs (Excel does not autofit on open when a
    workbook was written without heights, and never for merged cells)."""
    lines = 1
    for column in columns:
        value = ws[f"{column}{row}"].value
        if isinstance(value, str) and not value.startswith("="):
            lines = max(lines, -(-width(value) // max(1, int(L.COLUMN_WIDTHS[column] - 1))))
    ws.row_dimensions[row].height = max(minimum, 13.5 * lines + 4)


def _merge_runs(ws, table: Table, field: str, key) -> None:
    """Merge the 一级/二级 cells of consecutive rows with the same label, as the form does."""
    column = L.INDICATOR_COLUMNS[field]
    index = 0
    for _, run in groupby(table.indicators, key=key):
        size = len(list(run))
        if size > 1 and getattr(table.indicators[index], field):
            first = L.FIRST_INDICATOR_ROW + index
            ws.merge_cells(f"{column}{first}:{column}{first + size - 1}")
        index += size


def _totals(ws, table: Table, profile: Profile, lay: L.Layout, formulas) -> None:
    first, last = L.FIRST_INDICATOR_ROW, lay.last_indicator_row
    col = L.INDICATOR_COLUMNS
    funds_weight = lay.funds_cell("weight")
    _merge(ws, f"A{lay.total_row}:H{lay.total_row}", form.TOTAL, bold=True)
    _set(ws, lay.total_weight_cell, f"=SUM({col['weight']}{first}:{col['weight']}{last})+{funds_weight}",
         fmt=WEIGHT_FORMAT, bold=True)
    _set(ws, lay.total_score_cell, formulas.total_score(lay), fmt=SCORE_FORMAT, bold=True)
    _set(ws, f"K{lay.total_row}")
    _merge(ws, f"A{lay.grade_row}:I{lay.grade_row}", form.GRADE, bold=True)
    _set(ws, lay.grade_cell, formulas.grade(lay), bold=True)
    _set(ws, f"K{lay.grade_row}")
    _merge(ws, f"A{lay.rule_row}:B{lay.rule_row}", form.RULE, bold=True)
    _merge(ws, f"{lay.rule_cell}:D{lay.rule_row}", profile.id)
    _merge(ws, f"E{lay.rule_row}:K{lay.rule_row}", profile.name, align=LEFT)


def _borders(ws, last_row: int) -> None:
    for row in ws.iter_rows(min_row=L.PROJECT_ROW, max_row=last_row, max_col=11):
        for cell in row:
            cell.border = BORDER
    for row in ws.iter_rows(min_row=L.INDICATOR_HEADER_ROW, max_row=last_row - 3, min_col=12, max_col=12):
        for cell in row:
            cell.border = BORDER


def _notes(ws, profile: Profile, lay: L.Layout, portable: bool) -> int:
    guide_row = lay.rule_row + 1
    _merge(ws, f"A{guide_row}:K{guide_row}", texts.guide(profile, portable), align=LEFT, size=9)
    ws.row_dimensions[guide_row].height = 30
    row = lay.notes_row
    for line in texts.notes_lines(profile):
        _merge(ws, f"A{row}:K{row}", line, align=LEFT, size=9, bold=line.endswith("："))
        ws.row_dimensions[row].height = 12 * (1 + width(line) // 190)
        row += 1
    return row - 1


def _conditional_formats(ws, lay: L.Layout) -> None:
    c = L.INDICATOR_COLUMNS
    first, last = L.FIRST_INDICATOR_ROW, lay.last_indicator_row
    score, weight, reason = (f"${c[f]}{first}" for f in ("score", "weight", "reason"))
    ws.conditional_formatting.add(
        f"B{first}:K{last}",
        FormulaRule(formula=[f"AND(ISNUMBER({score}),{score}<{weight},LEN(TRIM({reason}))=0)"],
                    fill=MISSING_REASON_FILL),
    )
    check = f"${c['check']}{first}"
    ws.conditional_formatting.add(
        f"{c['check']}{first}:{c['check']}{last}",
        FormulaRule(formula=[f"LEN({check})>0"], fill=CHECK_FILL),
    )


def _meta(wb: Workbook, table: Table, profile: Profile, year: int, now: dt.datetime, formulas) -> None:
    ws = wb.create_sheet(L.META_SHEET)
    ws.sheet_state = "hidden"
    rows = [
        ("模板", "perfbook 项目支出绩效自评表"),
        ("模板版本", L.TEMPLATE_VERSION),
        ("perfbook 版本", perfbook_version()),
        ("规则", profile.id),
        ("年度", year),
        ("项目名称", table.project),
        ("指标行数", len(table.indicators)),
        ("生成时间", now.isoformat(timespec="seconds")),
    ]
    if formulas.portable:
        rows.append((MODE_LABEL, MODE_VALUE))
    for row in rows:
        ws.append(row)
    if formulas.portable:  # the grade shares the 定性 formulas look up
        ws[f"{SHARES_KEY_COLUMN}{SHARES_FIRST_ROW - 1}"], ws[f"{SHARES_VALUE_COLUMN}{SHARES_FIRST_ROW - 1}"] = SHARES_HEADER
        for number, (key, share) in enumerate(formulas.share_rows(), start=SHARES_FIRST_ROW):
            ws[f"{SHARES_KEY_COLUMN}{number}"] = key
            ws[f"{SHARES_VALUE_COLUMN}{number}"] = share
    ws.protection.sheet = True


def build_workbook(table: Table, profile: object = None, year: int | None = None,
                   now: dt.datetime | None = None, portable: bool = False) -> Workbook:
    """The template workbook for one project (nothing is written to disk). ``portable`` writes
    native formulas compiled from the profile instead of PERF_* functions; raises
    :class:`~.portable.NotPortable` when the profile cannot be compiled."""
    rules = get_profile(profile if profile is not None else table.profile)
    formulas = PortableFormulas(rules) if portable else AddinFormulas()
    year = year or table.year or dt.date.today().year - 1
    now = now or dt.datetime.now().replace(microsecond=0)
    lay = L.Layout(len(table.indicators))
    wb = Workbook()
    ws = wb.active
    ws.title = L.SHEET
    _merge(ws, f"A{L.TITLE_ROW}:K{L.TITLE_ROW}", texts.title(), bold=True, size=16)
    _merge(ws, f"A{L.YEAR_ROW}:K{L.YEAR_ROW}", texts.year_line(year), size=11)
    ws.row_dimensions[L.TITLE_ROW].height = 28
    _merge(ws, f"A{L.PROJECT_ROW}:B{L.PROJECT_ROW}", form.PROJECT, bold=True)
    _merge(ws, f"C{L.PROJECT_ROW}:K{L.PROJECT_ROW}", table.project, align=LEFT)
    _merge(ws, f"A{L.DEPARTMENT_ROW}:B{L.DEPARTMENT_ROW}", form.DEPARTMENT, bold=True)
    _merge(ws, f"C{L.DEPARTMENT_ROW}:F{L.DEPARTMENT_ROW}", table.department or None, align=LEFT,
           user_input=not table.department)
    _merge(ws, f"G{L.DEPARTMENT_ROW}:H{L.DEPARTMENT_ROW}", form.IMPLEMENTER, bold=True)
    _merge(ws, f"I{L.DEPARTMENT_ROW}:K{L.DEPARTMENT_ROW}", table.implementer or None, align=LEFT,
           user_input=not table.implementer)
    _funds(ws, table, rules, lay, formulas)
    _goal(ws, table)
    _indicators(ws, table, rules, lay, formulas)
    _totals(ws, table, rules, lay, formulas)
    _borders(ws, lay.grade_row)
    last_row = _notes(ws, rules, lay, formulas.portable)
    _conditional_formats(ws, lay)
    for column, size in L.COLUMN_WIDTHS.items():
        ws.column_dimensions[column].width = size
    finish_sheet(wb, ws, L.RULE_NAME, lay.rule_cell, L.INDICATOR_HEADER_ROW, f"A1:K{last_row}")
    ws.print_options.horizontalCentered = True
    _meta(wb, table, rules, year, now, formulas)
    wb.properties.creator = "perfbook"
    wb.properties.title = f"{table.project} 项目支出绩效自评表"
    wb.properties.created = wb.properties.modified = now
    return wb
