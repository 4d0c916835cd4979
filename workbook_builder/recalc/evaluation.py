"""Recalculating 评价指标体系评分表 and multi-year budget workbooks: the same report, JSON and
annotated copy as for a 自评表.

:func:`report_evaluation` evaluates one read form with :func:`addin.engine.frameworks.evaluate_form`,
:func:`report_years` one sheet of yearly tables with :func:`~addin.engine.frameworks.evaluate_years`;
each returns a :class:`TableReport` (findings located at their cells) and a view of the result
that :mod:`.annotate` writes into the copy (recomputed scores, total and grade).
:func:`evaluation_reports` is the one entry point :mod:`.run` calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from addin.engine import PerfError, get_profile
from addin.engine.findings import Finding
from addin.engine.frameworks import EvaluationFinding, evaluate_form, evaluate_years
from addin.engine.numbers import read_score

from ..readers.container import Grid
from ..readers.evaluation import DEFAULT_GRADES_PROFILE, ReadEvaluation, framework_of, read_evaluations
from ..readers.multiyear import ReadYears, read_years
from ..readers.tables import UNFILLED, NoTable, tables_in
from .result import FindingRow, TableReport, _plain, finding_row


YEARLY = "年度预算表"   # what the summary's 表样 column says of a multi-year workbook


@dataclass
class AnnotatedView:
    """What the annotated copy shows for a form, in the attributes :mod:`.annotate` reads."""

    indicators: list = field(default_factory=list)   # objects with .score, or None
    funds_score: Decimal | None = None
    total: Decimal | None = None
    grade: str | None = None
    unscored: str = "无法计算"    # what a row or total without a score shows: 未填写 in a blank form


def _cell(read: ReadEvaluation, finding: EvaluationFinding) -> str:
    key = finding.finding.field
    if finding.part == "item":   # a column the sheet lacks: the score cell
        return (read.cells.get(("indicator", finding.row, key), "")
                or read.cells.get(("indicator", finding.row, "score"), ""))
    if finding.part in ("level1", "level2"):
        return read.cells.get((finding.part, finding.row, key), "")
    return read.cells.get((finding.part, key), "") or read.cells.get((finding.part, "score"), "")


def _grades_profile(read: ReadEvaluation, fallback: str | None) -> tuple[str, FindingRow | None]:
    declared = read.declared_profile
    if declared:
        try:
            return get_profile(declared).id, None
        except PerfError as err:
            used = get_profile(fallback or DEFAULT_GRADES_PROFILE).id
            problem = Finding("unreadable", f"{err}；已改用 {used}", declared, None, "rule")
            return used, finding_row(read.cells.get(("rule",), ""), problem)
    return get_profile(fallback or DEFAULT_GRADES_PROFILE).id, None


def report_evaluation(read: ReadEvaluation, profile: str | None, file_label: str) -> tuple[TableReport, AnnotatedView]:
    profile_id, rule_problem = _grades_profile(read, profile)
    read.form.grades_profile = profile_id
    result = evaluate_form(read.form)
    found = result.findings
    if read.uncalculated:   # a template saved without calculation: a blank score computed here is no finding
        found = [f for f in found if not (f.finding.kind == "score_missing" and f.finding.expected is not None)]
    # no 扣分原因 to write where the sheet has no such column (seed 001's 指标体系)
    found = [f for f in found if not (f.part == "item" and f.finding.field == "reason"
                                      and ("indicator", f.row, "reason") not in read.cells)]
    findings = [rule_problem] if rule_problem else []
    findings += [finding_row(_cell(read, f), f.finding, read.form.rows[f.row - 1].name if f.part == "item" else "")
                 for f in found]
    try:
        reported = read_score(read.form.total_score, "总分") if read.form.total_score not in (None, "") else None
    except PerfError:
        reported = None
    report = TableReport(
        file=file_label, sheet=read.sheet, project=read.form.project, department="",
        profile=profile_id, template=read.template,
        reported_total=_plain(reported), computed_total=_plain(result.total), grade=result.grade,
        findings=findings,
    )
    report.note = read.note
    shipped = framework_of(read)
    report.framework = shipped.id if shipped else "评分表"
    if not read.form.filled:   # as a 自评表 never filled in: one status, counted apart, no finding, no report
        report.status, report.findings = UNFILLED, []
    view = AnnotatedView([item if item.score is not None else None for item in result.items], None,
                         result.total, result.grade, "无法计算" if read.form.filled else UNFILLED)
    return report, view


def report_years(read: ReadYears, profile: str | None, file_label: str) -> tuple[TableReport, AnnotatedView]:
    profile_id = get_profile(profile or DEFAULT_GRADES_PROFILE).id
    result = evaluate_years(read.years, read.average, read.grade, profile_id)
    findings = [finding_row(cell, Finding("unreadable", message)) for cell, message in read.problems]
    for f in result.findings:
        field_ = f.finding.field
        if f.year is None:
            cell = read.cells.get(("summary", "grade" if field_ == "grade" else "score"), "")
        elif f.row is None:
            cell = read.cells.get(("year", f.year, field_), "")
        else:
            cell = read.cells.get(("year", f.year, f.row, field_), "")
        findings.append(finding_row(cell, f.finding))
    try:
        reported = read_score(read.average, "平均得分") if read.average not in (None, "") else None
    except PerfError:
        reported = None
    report = TableReport(
        file=file_label, sheet=read.sheet, project=read.project, department="", profile=profile_id,
        template=False, framework=YEARLY, reported_total=_plain(reported), computed_total=_plain(result.average),
        grade=result.grade, findings=findings,
    )
    return report, AnnotatedView([], None, result.average, result.grade)


def evaluation_reports(grids: list[Grid], path: str, profile: str | None, file_label: str):
    """(reads, [(report, view)]) for the evaluation forms, or else the yearly budget tables, of a
    workbook; ``None`` when it holds neither (then it is read as 自评表)."""
    forms = read_evaluations(grids, path)
    if forms:
        return forms, [report_evaluation(read, profile, file_label) for read in forms]
    years = read_years(grids, path)
    if years:
        return years, [report_years(read, profile, file_label) for read in years]
    return None


def tables_beside(reads: list, grids: list[Grid], path: str) -> list:
    """The 自评表 on the sheets none of ``reads`` (evaluation forms or yearly tables) is on: an
    evaluator's workbook may hold the unit's 自评表 beside the 评分表; none when there is none."""
    taken = {read.sheet for read in reads}
    try:
        return tables_in([grid for grid in grids if grid.name not in taken], path)
    except NoTable:
        return []
