"""复核本工作簿: ``perfbook recalc``'s review of the workbook open in Excel, without leaving Excel.

The script reads every sheet of the open workbook through xlwings (any layout recalc reads:
perfbook templates, PERF_* or portable, and standard-layout tables), re-scores each table with
the same code as ``perfbook recalc`` (:func:`..recalc.run.report_table`), writes the findings to
a ``复核结果`` sheet (cell, kind, message, reported, expected, with a link to each cell) and
fills the cells concerned. A workbook holding no 自评表 but a target list or 申报表 gets
``perfbook targets check``'s review instead (:func:`review_targets`), where the runtime carries it.

One module for every runtime: ``@script`` for xlwings Server (``perfbook serve``) and xlwings
Lite (bundled into ``perfbook lite``'s main.py), :func:`main` for the classic add-in's
``RunPython``. It imports only xlwings, the standard library and perfbook modules that need
nothing else, because xlwings Lite has nothing else.
"""

from __future__ import annotations

import xlwings as xw
from xlwings import script

from ..readers.container import Grid
from ..readers.tables import NoTable, tables_in
from ..recalc.result import FindingRow, TableReport, shown_values
from ..recalc.evaluation import evaluation_reports, tables_beside
from ..recalc.run import report_table

RESULT_SHEET = "复核结果"
HEADERS = ("工作表", "单元格", "项目名称", "指标", "问题类型", "说明", "填报值", "应为")
FINDING_COLOR = "#FFC7CE"
COLUMN_WIDTHS = (12, 8, 30, 20, 16, 60, 12, 12)


def grids_of(book: xw.Book) -> list[Grid]:
    """Every sheet of the open workbook (but the results sheet) as the readers' :class:`Grid`."""
    grids = []
    for sheet in book.sheets:
        if sheet.name == RESULT_SHEET:
            continue
        used = sheet.used_range
        try:
            rows = used.options(ndim=2).value or []
        except ValueError:  # xlwings Server takes text such as 2025-01-01T09:30:00 for a date and fails
            rows = used.raw_value or []
            rows = rows if rows and isinstance(rows[0], (list, tuple)) else [rows]
        try:
            hidden = not sheet.visible
        except (KeyError, NotImplementedError):  # older clients send no visibility
            hidden = sheet.name.startswith("_")
        grids.append(Grid(sheet.name, [list(r) for r in rows], used.row - 1, used.column - 1, hidden))
    return grids


def review_grids(grids: list[Grid], label: str, profile: str | None = None) -> list[TableReport]:
    """The reports ``perfbook recalc`` gives for a workbook made of ``grids``: its 评价指标体系
    评分表 or yearly budget tables if it holds them, and its 自评表."""
    found = evaluation_reports(grids, label, profile, label)
    if found:
        return [*(report for report, _ in found[1]),
                *(report_table(read, profile, label)[0] for read in tables_beside(found[0], grids, label))]
    return [report_table(read, profile, label)[0] for read in tables_in(grids, label)]


def result_rows(reports: list[TableReport]) -> list[list[object]]:
    """The rows of the 复核结果 sheet, headers first; the cell column links to the cell."""
    rows: list[list[object]] = [list(HEADERS)]
    for report in reports:
        for finding in report.findings:
            rows.append([report.sheet, _link(report.sheet, finding), report.project, finding.indicator,
                         finding.label, finding.message, *shown_values(finding)])
        if report.findings and report.said:   # what they come to, as recalc's copies say it
            total = FindingRow(report.total_cell, "", "", "", None, None)
            rows.append([report.sheet, _link(report.sheet, total), report.project, "总分", SAID, report.said,
                         report.reported_total, report.computed_total])
    if len(rows) == 1:
        rows.append(["", "", "", "", "", "未发现问题：" + "；".join(
            f"{r.project} 总分 {r.computed_total}，等级 {r.grade}" + (f"（{r.note}）" if r.note else "")
            for r in reports), None, None])
    return rows


SAID = "复核结果"   # the 问题类型 of a table's closing row (总分, grade, notes): no finding


TARGET_HEADERS = ("工作表", "单元格", "项目名称", "指标", "问题类型", "说明", "值", "限值")


def review_targets(grids: list[Grid], label: str, profile: str | None = None, notes: list[str] | None = None) -> list | None:
    """``perfbook targets check``'s review of a workbook holding a target list or 申报表 (one
    :class:`..targets.run.ProjectResult` per project), or None when it holds none (xlwings
    Lite's main.py bundles the targets modules too)."""
    from ..targets.read import NoTargets, projects_in
    from ..targets.run import project_result, review_projects

    try:
        projects = projects_in(grids, label, notes)
    except NoTargets:
        return None
    return [project_result(review, label, used) for review, used in review_projects(projects, profile)]


def target_rows(projects: list, notes: list[str] = ()) -> list[list[object]]:
    """The rows of the 复核结果 sheet for a targets review: each finding, then each project's
    grade and what follows from it, then what the review could not check (``notes``)."""
    rows: list[list[object]] = [list(TARGET_HEADERS)]
    for project in projects:
        for finding in project.findings:
            rows.append([project.sheet, _link(project.sheet, finding), project.project, finding.indicator,
                         finding.label, finding.message, finding.value, finding.limit])
    for project in projects:
        if project.grade is not None:
            rows.append([project.sheet, "", project.project, "", "审核等级",
                         f"审核等级 {project.grade}（{project.consequence}），审核得分 {project.score:g}，"
                         f"{len(project.findings)} 处问题", None, None])
    rows += [["", "", "", "", "说明", note, None, None] for note in notes]
    return rows


def _link(sheet: str, finding: FindingRow) -> str:
    if not finding.cell:
        return ""
    target = ("#'" + sheet.replace("'", "''") + "'!" + finding.cell).replace('"', '""')
    return f'=HYPERLINK("{target}","{finding.cell}")'


def review_book(book: xw.Book) -> list[TableReport]:
    """Review ``book`` and write the results into it (see the module docstring)."""
    label = book.name
    grids = grids_of(book)
    try:
        reports = review_grids(grids, label)
        rows = result_rows(reports)
    except NoTable as err:
        notes: list[str] = []
        reports = review_targets(grids, label, notes=notes)   # a target list or 申报表: reviewed as targets
        if reports is None:
            reports, rows = [], [list(HEADERS), ["", "", "", "", "无法复核", str(err), None, None]]
        else:
            rows = target_rows(reports, notes)
    names = [s.name for s in book.sheets]
    if RESULT_SHEET in names:
        book.sheets[RESULT_SHEET].delete()
    sheet = book.sheets.add(name=RESULT_SHEET, after=book.sheets[len(book.sheets) - 1])
    sheet["A1"].value = rows
    sheet["A1"].resize(1, len(HEADERS)).font.bold = True
    for column, width in enumerate(COLUMN_WIDTHS):
        sheet.range((1, column + 1)).column_width = width
    for report in reports:
        for finding in report.findings:
            if finding.cell:
                book.sheets[report.sheet][finding.cell].color = FINDING_COLOR
    return reports


@script
def 复核本工作簿(book: xw.Book):  # noqa: N802 - the name Excel's task pane shows
    """按计分规则重新计分，把发现的问题写入“复核结果”工作表并标出有问题的单元格。"""
    review_book(book)


def main() -> None:
    """The classic add-in's entry point:
    ``RunPython "import workbook_builder.deploy.review as r; r.main()"``."""
    review_book(xw.Book.caller())
