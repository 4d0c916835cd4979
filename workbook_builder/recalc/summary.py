"""复核汇总.xlsx, the portfolio summary of a recalculation, made to be read and printed by people.

Every sheet has its header row frozen and repeated on each printed page, an autofilter, column
widths fitted to the Chinese text, two-decimal number formats, and prints on A4 landscape one page
wide. Projects and findings link to the annotated copies (or, without copies, to the originals)
by paths relative to the summary, so the output folder can be moved or shared. A sheet per
主管部门 and three charts (grade distribution, findings by kind, amount against score) give the
overview. Text from the submitted files is written as text, never as a formula (see
:mod:`.inert`).
"""

from __future__ import annotations

import math
from urllib.parse import quote
import os
import re
from copy import copy
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from addin.engine import get_profile
from addin.engine.findings import KINDS

from ..files import atomic_save
from .inert import cell_text, is_formula_like
from .result import RecalcResult, TableReport

SUMMARY_NAME = "复核汇总.xlsx"
NUMBER_FORMAT = "0.00"
HEADER_FILL = PatternFill("solid", fgColor="FFDDEBF7")
FINDING_FILL = PatternFill("solid", fgColor="FFFFC7CE")
LINK_FONT = Font(color="FF0563C1", underline="single")
MAX_WIDTH = 50
A4 = "9"  # paperSize code of A4 (ECMA-376 18.3.1.63)
WIDTH_ROWS = 1000  # column widths are fitted to the first rows, written once they are known
_SHEET_NAME = re.compile(r"[\[\]:*?/\\']")

PROJECT_COLUMNS = ["文件", "格式", "工作表", "项目名称", "主管部门", "表样", "计分规则", "全年预算数（万元）", "填报总分",
                   "计算总分", "等级", "问题数", "说明", "复核副本"]
FINDING_COLUMNS = ["文件", "工作表", "项目名称", "单元格", "问题类型", "说明", "填报值", "应为"]
NUMERIC = {"全年预算数（万元）", "填报总分", "计算总分", "平均计算总分", "填报值", "应为"}
WRAPPED = {"说明", "原因"}


def grades(result: RecalcResult) -> list[str]:
    """The grades of the profiles the tables were scored with, best first (the default
    profile's when there are no tables)."""
    ids = dict.fromkeys(r.profile for r in result.reports) or {get_profile(None).id: None}
    return list(dict.fromkeys(g for pid in ids for g in get_profile(pid).grades))


def text_width(value: object) -> int:
    """Display width of ``value`` in character cells: CJK and full-width characters count two."""
    text = f"{value:.2f}" if isinstance(value, float) else cell_text(value)
    longest = max(text.split("\n"), key=len, default="")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


_NOT_IN_XML = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def _link_target(relative: str) -> str:
    """A relative link to a file; a name with a control character or bytes that are not UTF-8
    (kept as surrogates) percent-encoded, byte for byte, so that the link still opens that file
    and the XML can hold it."""
    if _NOT_IN_XML.search(relative):
        return quote(os.fsencode(relative), safe="/")
    return relative


class Links:
    """Relative link targets from the summary's folder to the copies or the originals."""

    def __init__(self, result: RecalcResult, folder: Path) -> None:
        self.result, self.folder = result, folder.absolute()
        self.relative: dict[str, str | None] = {}

    def file(self, report: TableReport) -> str | None:
        if report.annotated:
            return report.annotated
        if report.file not in self.relative:
            source = self.result.sources.get(report.file)
            self.relative[report.file] = None if source is None else _link_target(
                Path(os.path.relpath(Path(source).absolute(), self.folder)).as_posix())
        return self.relative[report.file]

    def cell(self, report: TableReport, cell: str) -> tuple[str | None, str | None]:
        target = self.file(report)
        if not target or not cell or _NOT_IN_XML.search(report.sheet):   # a sheet name XML cannot hold
            return target, None
        return target, f"'{report.sheet.replace(chr(39), chr(39) * 2)}'!{cell}"


_PLAIN = (False, False, False, False, False)   # a cell's style key (see SheetWriter._cell) with nothing to set


def _value(value: object) -> object:
    """A cell value: finite numbers as numbers, everything else as inert text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return value
    return cell_text(value)


class SheetWriter:
    """One summary sheet, streamed (openpyxl write-only mode, so memory stays flat on a large
    batch): header, rows, widths fitted to the first rows, filter, frozen header, print setup."""

    def __init__(self, book: Workbook, title: str, columns: list[str]) -> None:
        self.sheet = sheet = book.create_sheet(title)
        self.columns = columns
        self.widths = [text_width(c) for c in columns]
        self.rows = 1
        self.styles: dict[tuple, object] = {}
        sheet.freeze_panes = "A2"
        sheet.print_title_rows = "1:1"
        setup = sheet.page_setup
        setup.paperSize, setup.orientation = A4, "landscape"
        setup.fitToWidth, setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_margins.left = sheet.page_margins.right = 0.4
        header = []
        for name in columns:
            cell = WriteOnlyCell(sheet, name)
            cell.font, cell.fill = Font(bold=True), HEADER_FILL
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            header.append(cell)
        self.pending: list[list] | None = [header]  # rows held until the widths are known

    def _cell(self, number: int, index: int, value: object, highlight: bool,
              link: tuple[str | None, str | None]) -> WriteOnlyCell | object:
        """The cell to append: a plain value when it needs no style, no link and cannot be taken
        for a formula (openpyxl then makes the cell, much faster), else a styled cell."""
        value = _value(value)
        text = value.__class__ is str
        target, location = link
        key = (text and is_formula_like(value), not text and self.columns[index] in NUMERIC,
               self.columns[index] in WRAPPED, highlight, bool(target or location))
        if key == _PLAIN:
            return value
        cell = WriteOnlyCell(self.sheet, value)
        cell.row, cell.column = number, index + 1
        if text:
            cell.data_type = "s"  # text from a submitted file is never a formula
        if target or location:
            cell.hyperlink = Hyperlink(ref=cell.coordinate, target=target, location=location,
                                       tooltip="打开" + (location or target or ""))
        if key in self.styles:  # openpyxl hashes every style object set; copy a known one
            cell._style = copy(self.styles[key])
            return cell
        quote, numeric, wrapped, _, linked = key
        if quote:
            cell.quotePrefix = True
        if numeric:
            cell.number_format = NUMBER_FORMAT
        if wrapped:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if highlight:
            cell.fill = FINDING_FILL
        if linked:
            cell.font = LINK_FONT
        self.styles[key] = copy(cell._style)
        return cell

    def row(self, values: list[object], highlight: bool = False, mark: int | None = None,
            links: dict[int, tuple[str | None, str | None]] | None = None) -> None:
        """Append a row; ``highlight`` colours all of it, ``mark`` one column."""
        self.rows += 1
        cells = [self._cell(self.rows, index, value, highlight or index == mark, (links or {}).get(index, (None, None)))
                 for index, value in enumerate(values)]
        if self.pending is None:
            self.sheet.append(cells)
            return
        for index, cell in enumerate(cells):
            self.widths[index] = max(self.widths[index], text_width(getattr(cell, "value", cell)))
        self.pending.append(cells)
        if self.rows >= WIDTH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.pending is None:
            return
        for index, width in enumerate(self.widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_WIDTH)
        for cells in self.pending:
            self.sheet.append(cells)
        self.pending = None

    def finish(self) -> None:
        self._flush()
        self.sheet.auto_filter.ref = f"A1:{get_column_letter(len(self.columns))}{self.rows}"


def _project_row(report: TableReport, links: Links, department: bool = True) -> tuple[list, dict]:
    values = [report.file, report.format, report.sheet, report.project] + ([report.department] if department else []) + [
        report.form, report.profile, report.amount, report.reported_total, report.computed_total,
        report.grade or report.status,
        len(report.findings), report.note, report.annotated or report.annotation_error or ""]
    link = links.file(report)
    column = len(values) - 1 if report.annotated else 0
    return values, ({column: (link, None)} if link else {})


def _sheet_title(name: str, taken: set[str]) -> str:
    base = _SHEET_NAME.sub("_", cell_text(name, 200)).replace("\n", " ").strip() or "未填主管部门"
    base = base[:28]
    title, n = base, 1
    while title.lower() in taken:
        n += 1
        title = f"{base[:26]}（{n}）"
    taken.add(title.lower())
    return title


def _projects(book: Workbook, result: RecalcResult, links: Links) -> None:
    writer = SheetWriter(book, "项目", PROJECT_COLUMNS)
    for report in result.reports:
        values, link = _project_row(report, links)
        writer.row(values, highlight=bool(report.findings), links=link)
    writer.finish()


def _findings(book: Workbook, result: RecalcResult, links: Links) -> None:
    writer = SheetWriter(book, "问题", FINDING_COLUMNS)
    for report in result.reports:
        for f in report.findings:
            writer.row([report.file, report.sheet, report.project, f.cell, f.label, f.message, f.reported,
                        f.expected], mark=4, links={3: links.cell(report, f.cell)} if f.cell else None)
    writer.finish()


def _departments(book: Workbook, result: RecalcResult, links: Links) -> None:
    groups: dict[str, list[TableReport]] = defaultdict(list)
    for report in result.reports:
        groups[report.department.strip() or "未填主管部门"].append(report)
    overview = SheetWriter(book, "部门", ["主管部门", "自评表数", "平均计算总分", "问题数", "有问题的表", "工作表"])
    taken = {name.lower() for name in ("项目", "问题", "部门", "等级分布", "问题类型", "金额与得分", "无法读取", "说明")}
    for department, reports in sorted(groups.items()):
        title = _sheet_title(department, taken)
        scores = [r.computed_total for r in reports if isinstance(r.computed_total, (int, float))]
        average = round(sum(scores) / len(scores), 2) if scores else None
        findings = sum(len(r.findings) for r in reports)
        overview.row([department, len(reports), average, findings, sum(1 for r in reports if r.findings), title],
                     highlight=bool(findings), links={5: (None, f"'{title}'!A1")})
        sheet = SheetWriter(book, title, [c for c in PROJECT_COLUMNS if c != "主管部门"])
        for report in reports:
            values, link = _project_row(report, links, department=False)
            sheet.row(values, highlight=bool(report.findings), links=link)
        sheet.row(["平均", "", f"{department}：{len(reports)} 张表，{findings} 处问题", "", None, None, average])
        sheet.finish()
    overview.finish()


def _chart_sheets(book: Workbook, result: RecalcResult) -> None:
    counts = Counter(r.grade for r in result.reports)
    grade_sheet = SheetWriter(book, "等级分布", ["等级", "项目数"])
    names = grades(result)
    for grade in names:
        grade_sheet.row([grade, counts.get(grade, 0)])
    grade_sheet.finish()
    chart = BarChart()
    chart.title, chart.y_axis.title, chart.x_axis.title, chart.legend = "自评等级分布", "项目数", "等级", None
    chart.add_data(Reference(grade_sheet.sheet, min_col=2, min_row=1, max_row=len(names) + 1), titles_from_data=True)
    chart.set_categories(Reference(grade_sheet.sheet, min_col=1, min_row=2, max_row=len(names) + 1))
    grade_sheet.sheet.add_chart(chart, "D2")

    kinds = Counter(f.kind for r in result.reports for f in r.findings)
    kind_sheet = SheetWriter(book, "问题类型", ["问题类型", "代码", "问题数"])
    for kind, count in kinds.most_common():
        kind_sheet.row([KINDS.get(kind, kind), kind, count])
    kind_sheet.finish()
    if kinds:
        chart = BarChart()
        chart.type, chart.legend = "bar", None
        chart.title, chart.x_axis.title, chart.y_axis.title = "问题类型分布", "问题类型", "问题数"
        rows = len(kinds) + 1
        chart.add_data(Reference(kind_sheet.sheet, min_col=3, min_row=1, max_row=rows), titles_from_data=True)
        chart.set_categories(Reference(kind_sheet.sheet, min_col=1, min_row=2, max_row=rows))
        kind_sheet.sheet.add_chart(chart, "E2")

    points = [r for r in result.reports
              if isinstance(r.amount, (int, float)) and isinstance(r.computed_total, (int, float))]
    amount_sheet = SheetWriter(book, "金额与得分", ["项目名称", "全年预算数（万元）", "计算总分"])
    for report in points:
        amount_sheet.row([report.project, report.amount, report.computed_total])
    amount_sheet.finish()
    if points:
        chart = ScatterChart()
        chart.title, chart.style, chart.legend = "预算金额与得分", 13, None
        chart.x_axis.title, chart.y_axis.title = "全年预算数（万元）", "计算总分"
        x = Reference(amount_sheet.sheet, min_col=2, min_row=2, max_row=len(points) + 1)
        y = Reference(amount_sheet.sheet, min_col=3, min_row=2, max_row=len(points) + 1)
        series = Series(y, x, title="项目")
        series.marker.symbol, series.graphicalProperties.line.noFill = "circle", True
        chart.series.append(series)
        amount_sheet.sheet.add_chart(chart, "E2")


def _unreadable(book: Workbook, result: RecalcResult) -> None:
    writer = SheetWriter(book, "无法读取", ["文件", "格式", "原因"])
    for failure in result.failures:
        writer.row([failure.file, failure.format or "", failure.message])
    writer.finish()


def _note(book: Workbook, result: RecalcResult) -> None:
    done = len({r.file for r in result.reports} | {f.file for f in result.failures})
    writer = SheetWriter(book, "说明", ["说明"])
    writer.row([f"本次复核被中断：只含已完成的 {done} 个文件（共找到 {result.files} 个），其余文件未复核。"])
    writer.finish()


def write_summary(result: RecalcResult, path: Path) -> Path:
    """Write 复核汇总.xlsx for ``result`` to ``path`` (atomically); returns ``path``."""
    path = Path(path)
    links = Links(result, path.parent)
    book = Workbook(write_only=True)
    if result.partial:
        _note(book, result)
    _projects(book, result, links)
    _findings(book, result, links)
    _chart_sheets(book, result)
    _unreadable(book, result)
    _departments(book, result, links)
    book.active = 0
    return atomic_save(book.save, path)
