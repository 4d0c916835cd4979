"""复核汇总.xlsx, the portfolio summary of a recalculation, made to be read and printed by people.

Every sheet has its header row frozen and repeated on each printed page, an autofilter, column
widths fitted to the Chinese text, two-decimal number formats, and prints on A4 landscape one page
wide. Projects and findings link to the annotated copies (or, without copies, to the originals)
by paths relative to the summary, so the output folder can be moved or shared. A sheet per
主管部门 (the first 200) and three charts (grade distribution, findings by kind, amount against
score) give the overview. Text from the submitted files is written as text, never as a formula
(see :mod:`.inert`). :class:`SummaryStream` writes the rows while a run goes on (see
:func:`.run.recalc`); :func:`write_summary` writes a finished result; both through
:mod:`.sheets` (XlsxWriter, constant memory).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from addin.engine import get_profile
from addin.engine.findings import KINDS, RATE_KINDS

from . import sheets
from .result import RecalcResult, TableReport
from .sheets import Links, SheetWriter, SummaryBook, sheet_title

SUMMARY_NAME = "复核汇总.xlsx"

PROJECT_COLUMNS = ["文件", "格式", "工作表", "项目名称", "主管部门", "表样", "计分规则", "全年预算数（万元）", "填报总分",
                   "计算总分", "等级", "问题数", "说明", "复核副本"]
FINDING_COLUMNS = ["文件", "工作表", "项目名称", "单元格", "指标", "问题类型", "说明", "填报值", "应为"]


def grades(result: RecalcResult) -> list[str]:
    """The grades of the profiles the tables were scored with, best first (the default
    profile's when there are no tables)."""
    ids = dict.fromkeys(r.profile for r in result.reports) or {get_profile(None).id: None}
    return list(dict.fromkeys(g for pid in ids for g in get_profile(pid).grades))


def _project_row(report: TableReport, links: Links, department: bool = True) -> tuple[list, dict]:
    values = [report.file, report.format, report.sheet, report.project] + ([report.department] if department else []) + [
        report.form or report.framework, report.profile, report.amount, report.reported_total, report.computed_total,
        report.grade or report.status,
        len(report.findings), report.said,
        report.annotated or report.annotation_error or ""]
    link = links.file(report)
    column = len(values) - 1 if report.annotated else 0
    return values, ({column: (link, None)} if link else {})


FIXED_SHEETS = {"项目": PROJECT_COLUMNS, "问题": FINDING_COLUMNS, "等级分布": ["等级", "项目数"],
                "问题类型": ["问题类型", "代码", "问题数"], "金额与得分": ["项目名称", "全年预算数（万元）", "计算总分"],
                "无法读取": ["文件", "格式", "原因"],
                "部门": ["主管部门", "自评表数", "平均计算总分", "问题数", "有问题的表", "工作表"]}
DEPARTMENT_COLUMNS = [c for c in PROJECT_COLUMNS if c != "主管部门"]
REPEATS = "其中可能重复报送"   # 等级分布's last line: tables of a project met before, counted above


class SummaryStream:
    """复核汇总.xlsx written as a run goes (:func:`.run.recalc` feeds it while the workers are
    still reading): each table's rows in 项目, 问题 and its 主管部门's sheet as soon as it is
    :meth:`add`-ed, in the order given; the counts, charts, 部门 and 无法读取 at :meth:`finish`.
    A sheet per 主管部门 follows the order in which the departments first appear."""

    def __init__(self, result: RecalcResult, path: Path, note: str | None = None) -> None:
        self.path = Path(path)
        self.links = Links(result, self.path.parent)
        self.book = SummaryBook()
        if note:
            writer = self.book.sheet("说明", ["说明"])
            writer.row([note])
            writer.finish()
        self.sheets = {title: self.book.sheet(title, columns) for title, columns in FIXED_SHEETS.items()}
        self.taken = {name.lower() for name in (*FIXED_SHEETS, "说明")}
        self.departments: dict[str, tuple[SheetWriter | None, list[TableReport]]] = {}

    def add(self, report: TableReport) -> None:
        values, link = _project_row(report, self.links)
        self.sheets["项目"].row(values, highlight=bool(report.findings), links=link)
        problems = self.sheets["问题"]
        for f in report.findings:
            problems.row([report.file, report.sheet, report.project, f.cell, f.indicator, f.label, f.message,
                          f.reported, f.expected], mark=5, links={3: self.links.cell(report, f.cell)} if f.cell else None,
                         percent=f.kind in RATE_KINDS)
        department = report.department.strip() or "未填主管部门"
        if department not in self.departments:
            sheet = None
            if len(self.departments) < sheets.MAX_DEPARTMENT_SHEETS:
                sheet = self.book.sheet(sheet_title(department, self.taken), DEPARTMENT_COLUMNS)
            self.departments[department] = (sheet, [])
        sheet, reports = self.departments[department]
        if sheet is not None:
            values, link = _project_row(report, self.links, department=False)
            sheet.row(values, highlight=bool(report.findings), links=link)
        reports.append(report)

    def discard(self) -> None:
        """Let go of a stream that will not be finished (its temporary files removed)."""
        self.book.discard()

    def finish(self, result: RecalcResult) -> Path:
        """The sheets that count the whole run, then the workbook saved atomically."""
        self.sheets["项目"].finish()
        self.sheets["问题"].finish()
        _chart_sheets(self.book, self.sheets, result)
        unreadable = self.sheets["无法读取"]
        for failure in result.failures:
            unreadable.row([failure.file, failure.format or "", failure.message])
        unreadable.finish()
        overview = self.sheets["部门"]
        for department, (sheet, reports) in sorted(self.departments.items()):
            scores = [r.computed_total for r in reports if isinstance(r.computed_total, (int, float))]
            average = round(sum(scores) / len(scores), 2) if scores else None
            findings = sum(len(r.findings) for r in reports)
            counts = [department, len(reports), average, findings, sum(1 for r in reports if r.findings)]
            if sheet is None:
                overview.row(counts + [sheets.no_sheet()], highlight=bool(findings))
                continue
            overview.row(counts + [sheet.title], highlight=bool(findings), links={5: (None, f"'{sheet.title}'!A1")})
            sheet.row([{"文件": "平均", "项目名称": f"{department}：{len(reports)} 张表，{findings} 处问题",
                        "计算总分": average}.get(column, "") for column in DEPARTMENT_COLUMNS])
            sheet.finish()
        overview.finish()
        self.book.carried(result.carried, "复核副本")
        return self.book.save(self.path)


def _chart(book: SummaryBook, kind: str, title: str, x_title: str, y_title: str, **options) -> object:
    chart = book.chart({"type": kind, **options})
    chart.set_title({"name": title})
    chart.set_x_axis({"name": x_title})
    chart.set_y_axis({"name": y_title})
    chart.set_legend({"none": True})
    return chart


def _chart_sheets(book: SummaryBook, sheets: dict[str, SheetWriter], result: RecalcResult) -> None:
    counts = Counter(r.grade for r in result.reports)
    grade_sheet = sheets["等级分布"]
    names = grades(result)
    for grade in names:
        grade_sheet.row([grade, counts.get(grade, 0)])
    for status, count in Counter(r.status or "无法计算" for r in result.reports if r.grade is None).items():
        grade_sheet.row([status, count])   # every table counted: 未填写, or a total not computed
        names.append(status)
    if result.repeats:   # (below the chart's rows: counted in them, to be checked; which ones, 项目's 说明 says)
        grade_sheet.row([REPEATS, result.repeats], highlight=True)
    grade_sheet.finish()
    chart = _chart(book, "column", "自评等级分布", "等级", "项目数")
    title, rows = grade_sheet.title, len(names)
    chart.add_series({"name": [title, 0, 1], "categories": [title, 1, 0, rows, 0], "values": [title, 1, 1, rows, 1]})
    grade_sheet.sheet.insert_chart("D2", chart)

    kinds = Counter(f.kind for r in result.reports for f in r.findings)
    kind_sheet = sheets["问题类型"]
    for kind, count in kinds.most_common():
        kind_sheet.row([KINDS.get(kind, kind), kind, count])
    kind_sheet.finish()
    if kinds:
        # a bar chart's x axis is the horizontal (value) axis
        chart = _chart(book, "bar", "问题类型分布", "问题数", "问题类型")
        title, rows = kind_sheet.title, len(kinds)
        chart.add_series({"name": [title, 0, 2], "categories": [title, 1, 0, rows, 0],
                          "values": [title, 1, 2, rows, 2]})
        kind_sheet.sheet.insert_chart("E2", chart)

    points = [r for r in result.reports
              if isinstance(r.amount, (int, float)) and isinstance(r.computed_total, (int, float))]
    amount_sheet = sheets["金额与得分"]
    for report in points:
        amount_sheet.row([report.project, report.amount, report.computed_total])
    amount_sheet.finish()
    if points:
        chart = _chart(book, "scatter", "预算金额与得分", "全年预算数（万元）", "计算总分")
        title, rows = amount_sheet.title, amount_sheet.rows - 1   # (rows past Excel's go on in a （续） sheet)
        chart.add_series({"name": "项目", "categories": [title, 1, 1, rows, 1], "values": [title, 1, 2, rows, 2],
                          "marker": {"type": "circle"}})
        amount_sheet.sheet.insert_chart("E2", chart)


def write_summary(result: RecalcResult, path: Path) -> Path:
    """Write 复核汇总.xlsx for ``result`` to ``path`` (atomically); returns ``path``. A partial
    run's summary opens with a 说明 sheet that says so."""
    note = None
    if result.partial:
        done = len({r.file for r in result.reports} | {f.file for f in result.failures})
        note = f"本次复核被中断：只含已完成的 {done} 个文件（共找到 {result.files} 个），其余文件未复核。"
    stream = SummaryStream(result, path, note)
    try:
        for report in result.reports:
            stream.add(report)
        return stream.finish(result)
    finally:
        stream.discard()
