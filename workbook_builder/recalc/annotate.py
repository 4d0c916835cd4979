"""Annotated copies of submitted workbooks: the original untouched, the copy marked up.

In the copy, every cell with a finding is highlighted and carries a comment with the Chinese
explanation; the recomputed values stand in a new column right of each table (复核计算值),
and a 复核结果 sheet lists the findings. The copy is written atomically as ``.xlsx``.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_from_string

from addin.engine import as_float

from ..files import atomic_save

FLAG_FILL = PatternFill("solid", fgColor="FF9999")
COMPUTED_FILL = PatternFill("solid", fgColor="E2EFDA")
COMPUTED_FONT = Font(color="1F4E79", bold=True)
AUTHOR = "perfbook"


def _row(cell: str) -> int:
    return coordinate_from_string(cell)[1]


def _put(ws, row: int, column: int, value) -> None:
    cell = ws.cell(row=row, column=column, value=value)
    cell.fill, cell.font = COMPUTED_FILL, COMPUTED_FONT


def write_annotated(source: str | Path, dest: Path, reads, pairs) -> Path:
    """Write the marked-up copy of ``source`` to ``dest`` (``pairs`` are (report, result))."""
    wb = load_workbook(source)
    columns: dict[str, int] = {}
    by_sheet = defaultdict(list)
    for read, (report, result) in zip(reads, pairs):
        by_sheet[read.sheet].append((read, report, result))
    for sheet, tables in by_sheet.items():
        ws = wb[sheet]
        columns[sheet] = ws.max_column + 1
        for read, report, result in tables:
            _computed_column(ws, columns[sheet], read, result)
            for finding in report.findings:
                if not finding.cell:
                    continue
                cell = ws[finding.cell]
                cell.fill = FLAG_FILL
                text = f"perfbook 复核（{finding.label}）：{finding.message}"
                if cell.comment:
                    text = cell.comment.text + "\n" + text
                cell.comment = Comment(text, AUTHOR, width=320, height=110)
    _findings_sheet(wb, pairs)
    return atomic_save(wb.save, dest)


def _computed_column(ws, column: int, read, result) -> None:
    first = read.cells.get(("indicator", 1, "score"))
    if first:
        header = ws.cell(row=_row(first) - 1, column=column, value="复核计算值")
        header.font = Font(bold=True)
        ws.column_dimensions[get_column_letter(column)].width = 14
    for index, detail in enumerate(result.indicators, start=1):
        cell = read.cells.get(("indicator", index, "score"))
        if cell:
            _put(ws, _row(cell), column, as_float(detail.score) if detail else "无法计算")
    if read.cells.get(("funds", "score")) and result.funds_score is not None:
        _put(ws, _row(read.cells[("funds", "score")]), column, as_float(result.funds_score))
    if read.cells.get(("total", "score")):
        row = _row(read.cells[("total", "score")])
        _put(ws, row, column, as_float(result.total) if result.total is not None else "无法计算")
        if result.grade:
            _put(ws, row, column + 1, f"等级：{result.grade}")


def _findings_sheet(wb, pairs) -> None:
    title = "复核结果"
    while title in wb.sheetnames:
        title += "_"
    ws = wb.create_sheet(title, 0)
    ws.append(["工作表", "项目名称", "单元格", "问题类型", "说明", "填报值", "应为"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for report, _ in pairs:
        for f in report.findings:
            ws.append([report.sheet, report.project, f.cell, f.label, f.message, f.reported, f.expected])
        if not report.findings:
            ws.append([report.sheet, report.project, "", "无问题", f"计算总分 {report.computed_total}，等级 {report.grade}"])
    for column, width in zip("ABCDEFG", (12, 36, 8, 16, 70, 10, 10)):
        ws.column_dimensions[column].width = width
    wb.active = 0
