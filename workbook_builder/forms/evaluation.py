"""Blank 评价指标体系评分表 workbooks: a framework's tree laid out like seed 001's table, wired with
the PERF_CHECKLIST / PERF_BAND / PERF_RATIO / PERF_DEDUCT functions.

Each third-level row gets the inputs its method needs (shaded and unlocked) and a 自评得分 formula;
judgement rows take the score itself. 一级/二级 cells are merged as in the seed; 分值 cells stay
editable (the national framework's weights are defaults). 小计, 总分 and 评价等级 are formulas; a
hidden sheet records the framework so that ``perfbook recalc`` recognises the workbook.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font

from addin.engine import get_profile
from addin.engine.frameworks import (BAND, CHECKLIST, DEDUCTION, JUDGEMENT, METHODS, RATIO, Framework,
                                     get_framework, parse_criterion)

from .. import perfbook_version
from ..files import atomic_save
from . import evaluation_layout as E
from . import evaluation_portable as EP
from .sheet import finish_sheet, generated_at, one_line, put_row, validation
from .batch import new_workbook_path
from .template import BORDER, CENTER, LEFT, MISSING_REASON_FILL, SCORE_FORMAT, TEXT_FORMAT, UNLOCKED
from .layout import MODE_LABEL, MODE_VALUE
from .portable import grade_formula
from .template import WEIGHT_FORMAT, _merge, _set

PROTECTED = "工作表已保护（无密码）：增删指标行前请先撤销工作表保护，并核对小计和总分公式的范围。"
GUIDE = ("填写说明：黄色单元格由评价人员填写。逐项计分填“达成项”（如 ①②④、1,2,4、全部，都未达成填 无）；"
         "分档计分填“实际值”（如 96%、3小时）；比例计分填“实际值”和“计划值”；扣分制填“扣分”（不扣分填 0，"
         "多项如 2,3 或 ①4③3）；酌情评分直接填“自评得分”。得分低于分值时须填写扣分原因。"
         "修改分值时请同时修改评价标准中的分值。" + PROTECTED)
PORTABLE_GUIDE = ("填写说明：黄色单元格由评价人员填写，得分由通用公式计算，无需加载项（WPS、LibreOffice、Excel 均可）。"
                  "逐项计分填“达成项”（如 ①②④、1,2,4、全部，都未达成填 无）；分档计分填“实际值”（如 96 或 96%）；"
                  "比例计分填“实际值”和“计划值”（数值或百分比）；扣分制填“扣分”（如 3、扣3分、无，多项逐项写明编号，"
                  "如 ①4③3）；酌情评分直接填“自评得分”。得分低于分值时须填写扣分原因。"
                  "评价标准中的分值已写入公式：逐项计分、分档计分和扣分范围按本模板生成时的评价标准计算。" + PROTECTED)


@dataclass(frozen=True)
class EvaluationHeader:
    """The fields above the table (all optional)."""

    project: str = ""
    unit: str = ""         # 项目单位
    evaluator: str = ""    # 评价机构
    year: str = ""         # 评价年度


def needed_inputs(method: str) -> tuple[str, ...]:
    """The input columns of the layout a method reads (judgement: none, the score is typed)."""
    return tuple(f for f in E.INPUT_FIELDS if f in METHODS[method].inputs)


def helper_cell(index: int, key: object) -> str:
    """The helper cell ``key`` (see :func:`.evaluation_portable.helper_column`) of item row
    ``index`` of a portable template, in a hidden column of the same row."""
    return f"${EP.helper_column(key)}{E.FIRST_ROW + index}"


def score_formula(item, lay: E.Layout, index: int, portable: bool = False) -> str | None:
    """The 自评得分 formula of an item row; ``None`` for judgement (the evaluator types it).
    ``portable``: native formulas compiled from the criterion (:mod:`.evaluation_portable`)."""
    c = lambda field: lay.item_cell(field, index)  # noqa: E731
    criterion = item.criterion
    if portable:
        build = EP.FORMULAS.get(criterion.method)
        try:
            return build(criterion, c, lambda key: helper_cell(index, key)) if build else None
        except EP.NotPortable as err:   # (named by its item: the framework has many)
            raise EP.NotPortable(f"三级指标“{item.name}”：{err}") from None
    if criterion.method == CHECKLIST:
        unaided = parse_criterion(criterion.text)
        if (unaided.points, unaided.alternatives) != (criterion.points, criterion.alternatives):
            raise ValueError(f"{item.name}: PERF_CHECKLIST would read its criterion differently")
        return f'=IF({c("met")}="","",PERF_CHECKLIST({c("criterion")},{c("met")}))'
    if criterion.method == BAND:
        return f'=IF({c("value")}="","",PERF_BAND({c("criterion")},{c("value")}))'
    blank = f'OR({c("value")}="",{c("planned")}="")'
    if criterion.method == RATIO and criterion.overspend:   # 分值 × (1 − 超支比例): the criterion says so
        return f'=IF({blank},"",PERF_RATIO({c("value")},{c("planned")},{c("points")},{c("criterion")}))'
    if criterion.method == RATIO:
        return f'=IF({blank},"",PERF_RATIO({c("value")},{c("planned")},{c("points")}))'
    if criterion.method == DEDUCTION:
        return f'=IF({c("deductions")}="","",PERF_DEDUCT({c("points")},{c("deductions")},{c("criterion")}))'
    assert criterion.method == JUDGEMENT
    return None


def _header(ws, framework: Framework, header: EvaluationHeader) -> None:
    _merge(ws, f"A{E.TITLE_ROW}:{E.LAST_COLUMN}{E.TITLE_ROW}", E.TITLE, bold=True, size=16)
    ws.row_dimensions[E.TITLE_ROW].height = 28
    values = {"项目名称": header.project, "项目单位": header.unit, "评价机构": header.evaluator,
              "评价年度": header.year}
    for label, (label_range, value_range) in E.HEADER_FIELDS.items():
        _merge(ws, label_range, label, bold=True)
        _merge(ws, value_range, values[label] or None, align=LEFT, user_input=not values[label])
    for field, (col, label) in E.COLUMNS.items():
        _set(ws, f"{col}{E.HEADER_ROW}", label, bold=True)


def _items(ws, framework: Framework, lay: E.Layout, portable: bool) -> None:
    judgement_scores = []
    index = 0
    for l1 in framework.levels:
        l1_first = index
        for l2 in l1.children:
            l2_first = index
            for item in l2.children:
                row = E.FIRST_ROW + index
                cell = lambda field, index=index: lay.item_cell(field, index)  # noqa: E731
                _set(ws, cell("name"), item.name)
                _set(ws, cell("points"), item.points, fmt=WEIGHT_FORMAT)
                ws[cell("points")].protection = UNLOCKED
                _set(ws, cell("explanation"), item.explanation, align=LEFT)
                _set(ws, cell("criterion"), item.criterion.text, align=LEFT)
                if not portable:   # (the add-in reads it: the guide asks to change its points with 分值)
                    ws[cell("criterion")].protection = UNLOCKED
                _set(ws, cell("method"), METHODS[item.criterion.method].label)
                needed = needed_inputs(item.criterion.method)
                for field in E.INPUT_FIELDS:
                    text = field in ("met", "deductions")
                    _set(ws, cell(field), fmt=TEXT_FORMAT if text else None, user_input=field in needed)
                formula = score_formula(item, lay, index, portable)
                if portable:   # its helper cells, in hidden columns (see evaluation_portable)
                    for key, helper in EP.helpers(item.criterion, cell, lambda key, index=index: helper_cell(index, key)).items():
                        column = EP.helper_column(key)
                        ws[f"{column}{E.TITLE_ROW}"] = EP.helper_label(key)
                        ws[f"{column}{row}"] = helper
                        ws.column_dimensions[column].hidden = True
                _set(ws, cell("score"), formula=formula, fmt=SCORE_FORMAT, user_input=formula is None)
                if formula is None:
                    judgement_scores.append((cell("score"), cell("points")))
                _set(ws, cell("reason"), fmt=TEXT_FORMAT, align=LEFT, user_input=True)   # (85% typed stays 85%, not 0.85)
                lines = max(len(item.criterion.text.splitlines()), len(item.criterion.text) // 22 + 1,
                            len(item.explanation) // 16 + 1)
                ws.row_dimensions[row].height = max(30, 15 * lines + 6)   # (a line of 宋体 10 and room above and below)
                index += 1
            _group(ws, "level2", l2.name, l2.points, l2_first, index - 1)
        _group(ws, "level1", l1.name, l1.points, l1_first, index - 1)
    for score, points in judgement_scores:
        check = validation(type="decimal", operator="between", formula1="0", formula2=points,
                           allow_blank=True, errorTitle="自评得分", error="酌情评分应在 0 到该项分值之间")
        check.add(score)
        ws.add_data_validation(check)


def _group(ws, level: str, name: str, points, first: int, last: int) -> None:
    top, bottom = E.FIRST_ROW + first, E.FIRST_ROW + last
    for field, value in ((level, name), (f"{level}_points", points)):
        col = E.column(field)
        if bottom > top:
            ws.merge_cells(f"{col}{top}:{col}{bottom}")
        _set(ws, f"{col}{top}", value, fmt=WEIGHT_FORMAT if field.endswith("points") else None)
        if field.endswith("points"):
            ws[f"{col}{top}"].protection = UNLOCKED


def _totals(ws, framework: Framework, lay: E.Layout, portable: bool) -> None:
    score = E.column("score")
    first, last = E.FIRST_ROW, lay.last_row
    index = 0
    for number, l1 in enumerate(framework.levels):
        count = sum(len(l2.children) for l2 in l1.children)
        top, bottom = first + index, first + index + count - 1
        row = lay.subtotal_row(number)
        _merge(ws, f"A{row}:H{row}", f"{l1.name}{E.SUBTOTAL}", bold=True)
        # Cells listed one by one, not as a range: a typed judgement score is then an input of
        # the formula itself (and a blank row keeps the subtotal blank).
        cells = ",".join(f"{score}{r}" for r in range(top, bottom + 1))
        _set(ws, f"{score}{row}", formula=f'=IF(COUNT({cells})<{count},"",SUM({cells}))', fmt=SCORE_FORMAT,
             bold=True)
        index += count
    total = lay.total_row
    _set(ws, f"A{total}", E.TOTAL, bold=True)
    for field in ("level1_points", "level2_points", "points"):
        col = E.column(field)
        _set(ws, f"{col}{total}", formula=f"=SUM({col}{first}:{col}{last})", fmt=WEIGHT_FORMAT, bold=True)
    for col in "CEGH":
        _set(ws, f"{col}{total}")
    subtotals = ",".join(f"{score}{lay.subtotal_row(n)}" for n in range(lay.groups))
    _set(ws, lay.total_score_cell, formula=f'=IF(COUNT({subtotals})<{lay.groups},"",SUM({subtotals}))',
         fmt=SCORE_FORMAT, bold=True)
    _merge(ws, f"A{lay.grade_row}:H{lay.grade_row}", E.GRADE, bold=True)
    total_score = lay.total_score_cell
    profile = get_profile(framework.grades_profile)
    grade = (grade_formula(profile, total_score) if portable
             else f'=IF({total_score}="","",PERF_GRADE({total_score},{E.RULE_NAME}))')
    _set(ws, lay.grade_cell, formula=grade, bold=True)
    _merge(ws, f"A{lay.rule_row}:B{lay.rule_row}", E.RULE, bold=True)
    _merge(ws, f"{lay.rule_cell}:D{lay.rule_row}", profile.id)
    _merge(ws, f"E{lay.rule_row}:{E.LAST_COLUMN}{lay.rule_row}",
           f"评价指标体系：{framework.id}（{framework.name}）；等级区间按 {profile.name}", align=LEFT)
    guide = lay.rule_row + 1
    _merge(ws, f"A{guide}:{E.LAST_COLUMN}{guide}", PORTABLE_GUIDE if portable else GUIDE, align=LEFT, size=9)
    ws.row_dimensions[guide].height = 40
    for row in ws.iter_rows(min_row=E.PROJECT_ROW, max_row=lay.rule_row, max_col=15):
        for cell in row:
            cell.border = BORDER


def _conditional_formats(ws, lay: E.Layout) -> None:
    score, points, reason = (f"${E.column(f)}{E.FIRST_ROW}" for f in ("score", "points", "reason"))
    ws.conditional_formatting.add(
        f"A{E.FIRST_ROW}:{E.LAST_COLUMN}{lay.last_row}",
        FormulaRule(formula=[f"AND(ISNUMBER({score}),{score}<{points},LEN(TRIM({reason}))=0)"],
                    fill=MISSING_REASON_FILL),
    )


def _meta(wb: Workbook, framework: Framework, header: EvaluationHeader, lay: E.Layout, now: dt.datetime,
          portable: bool) -> None:
    ws = wb.create_sheet(E.META_SHEET)
    ws.sheet_state = "hidden"
    rows = (("模板", E.META_TITLE), ("模板版本", E.TEMPLATE_VERSION), ("perfbook 版本", perfbook_version()),
            ("评价指标体系", framework.id), ("规则", framework.grades_profile), ("项目名称", header.project),
            ("三级指标行数", lay.items), ("一级指标数", lay.groups),
            ("生成时间", generated_at(now)))
    if portable:
        rows += ((MODE_LABEL, MODE_VALUE),)
    for number, row in enumerate(rows, start=1):
        put_row(ws, number, row)
    ws.protection.sheet = True


def build_evaluation_workbook(framework: object, header: EvaluationHeader | None = None,
                              now: dt.datetime | None = None, portable: bool = False) -> Workbook:
    """The blank scoring workbook of one framework (nothing is written to disk); ``portable``:
    scores and grade in native formulas, for WPS, LibreOffice and Excel without the add-in."""
    framework = get_framework(framework)
    header = header or EvaluationHeader()
    now = now or dt.datetime.now().replace(microsecond=0)
    lay = E.Layout(len(framework.rows()), len(framework.levels))
    wb = Workbook()
    ws = wb.active
    ws.title = E.SHEET
    _header(ws, framework, header)
    _items(ws, framework, lay, portable)
    _totals(ws, framework, lay, portable)
    _conditional_formats(ws, lay)
    for col, size in E.WIDTHS.items():
        ws.column_dimensions[col].width = size
    for row in (E.HEADER_ROW,):
        for cell in ws[row]:
            cell.alignment = CENTER
            cell.font = Font(name="宋体", size=10, bold=True)
    finish_sheet(wb, ws, E.RULE_NAME, lay.rule_cell, E.HEADER_ROW, f"A1:{E.LAST_COLUMN}{lay.rule_row + 1}")
    _meta(wb, framework, header, lay, now, portable)
    wb.properties.creator = "perfbook"
    wb.properties.title = one_line(f"{header.project or framework.name} 评价指标体系评分表")
    wb.properties.created = wb.properties.modified = now
    return wb


def write_evaluation(framework: object, path: str | Path, header: EvaluationHeader | None = None,
                     overwrite: bool = False, portable: bool = False) -> Path:
    """Write the blank scoring workbook of ``framework`` to ``path`` (atomically)."""
    path = new_workbook_path(path, overwrite)
    workbook = build_evaluation_workbook(framework, header, portable=portable)
    return atomic_save(workbook.save, path)

