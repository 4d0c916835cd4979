"""Multi-year evaluations (seed 004): yearly budget tables checked, yearly scores averaged.

A third-party evaluation covering several years shows one budget table per year
(``项目及明细 | 预算数（调整前）| 预算数（调整后）| 实际支出``: a total row, then detail rows) and
grades the average of the yearly scores. :func:`evaluate_years` checks that the detail rows add
up to the total in each column, computes 执行率 = 实际支出 ÷ 预算数（调整后） (spending beyond the
adjusted budget is a finding, spending against a budget of 0 too), averages the yearly scores and
grades the average. An amount that is not a number is found at its own row; a yearly score
outside 0–100, or a year left blank beside scored ones, is found and leaves the average ungraded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..errors import PerfError
from ..findings import Finding, fmt, unreadable
from ..form import TOTAL_WEIGHT
from ..numbers import BLANK_MARKS, normalize_text, read_score, round_half_up, to_decimal
from ..scoring import grade_of, written_grade

COLUMNS = {"before": "预算数（调整前）", "after": "预算数（调整后）", "actual": "实际支出"}
_ZERO = Decimal(0)


@dataclass
class BudgetLine:
    name: str
    before: object = None
    after: object = None
    actual: object = None
    note: str = ""


@dataclass
class YearBudget:
    year: int
    total: BudgetLine
    details: list[BudgetLine]
    score: object = None       # the year's evaluation score, when published


@dataclass(frozen=True)
class YearFinding:
    """``year`` the table's year (None: the summary); ``row`` 0 for the total row, else the
    1-based detail row; the finding's ``field`` is 'before', 'after', 'actual', 'score' or 'grade'."""

    year: int | None
    finding: Finding
    row: int | None = None


@dataclass(frozen=True)
class YearResult:
    year: int
    exec_rate: Decimal | None


@dataclass(frozen=True)
class MultiYearResult:
    years: list[YearResult]
    average: Decimal | None
    grade: str | None
    findings: list[YearFinding]


def amount_text(amount: Decimal) -> str:
    """An amount of a yearly table as budget tables write it: two decimals (150.10), more when
    typed (the reports write the tables' amounts so too)."""
    return f"{amount:.2f}" if amount == round_half_up(amount, 2) else fmt(amount)


def rate_text(rate: Decimal) -> str:
    """A yearly rate with two decimals, as the tables' amounts have (106.60%, not 106.6%)."""
    return f"{round_half_up(rate * 100, 2):.2f}%"


def _wan(amount: Decimal) -> str:
    return f"{amount_text(amount)}万元"


def _amount(value: object, label: str, field: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return to_decimal(value, label)
    except PerfError as err:
        err.field = field
        raise


def _check_year(year: YearBudget, findings: list[YearFinding]) -> YearResult:
    totals: dict[str, Decimal | None] = {}
    for field, label in COLUMNS.items():
        lines = [(0, year.total, f"{year.year}年合计行的{label}")]
        lines += [(row, d, f"{year.year}年“{d.name}”的{label}") for row, d in enumerate(year.details, start=1)]
        amounts: list[Decimal | None] = []
        readable = True
        for row, line, what in lines:   # an unreadable amount is found at its own row
            value = getattr(line, field)
            try:
                amounts.append(_amount(value, what, field))
            except PerfError as err:
                findings.append(YearFinding(year.year, unreadable(err, value, None, field), row))
                amounts.append(None)
                readable = False
        total, details = amounts[0], amounts[1:]
        totals[field] = total
        known = [d for d in details if d is not None]
        if not readable or total is None or not known:
            continue
        added = sum(known, _ZERO)
        if added != total:
            findings.append(YearFinding(year.year, Finding(
                "budget_rows_sum",
                f"{year.year}年明细行{label}合计{_wan(added)}，与合计行{_wan(total)}不一致",
                total, added, field), 0))
    after, actual = totals.get("after"), totals.get("actual")
    rate = None
    if after is not None and actual is not None:
        if after > 0:
            try:
                rate = round_half_up(actual / after, 4)
            except PerfError:   # a rate too large to hold (a budget of 1e-15): over budget, said without a rate
                pass
        if actual > after:   # spending against an adjusted budget of 0 is over it too, without a rate
            message = (f"{year.year}年实际支出{_wan(actual)}超过调整后预算{_wan(after)}（执行率{rate_text(actual / after)}）"
                       if rate is not None else
                       f"{year.year}年调整后预算为{_wan(after)}，实际支出{_wan(actual)}，超出预算（无法计算执行率）")
            findings.append(YearFinding(year.year, Finding("over_budget", message, actual, after, "actual"), 0))
    return YearResult(year.year, rate)


def evaluate_years(years: list[YearBudget], average: object = None, grade: object = None,
                   profile: object = "mof-2020") -> MultiYearResult:
    """Check every yearly table; average the yearly scores (or take the reported average when
    the yearly scores are not published) and grade it."""
    findings: list[YearFinding] = []
    results = [_check_year(year, findings) for year in years]
    scores, blank, averaged = [], [], True
    for year in years:
        if year.score is None or (isinstance(year.score, str) and normalize_text(year.score).strip() in BLANK_MARKS):
            blank.append(year.year)   # (—, / and 无 are blank marks: not published, or not filled)
            continue
        try:
            score = read_score(year.score, f"{year.year}年得分")   # (85分 is 85, as on an evaluation form)
        except PerfError as err:   # (待定: no score, so no average of the years either)
            averaged = False
            findings.append(YearFinding(year.year, unreadable(err, year.score, None, "score")))
            continue
        scores.append(score)
        if not 0 <= score <= TOTAL_WEIGHT:   # (an average taking it in would grade what cannot be)
            averaged = False
            kind = "score_above_weight" if score > TOTAL_WEIGHT else "score_not_allowed"
            findings.append(YearFinding(year.year, Finding(
                kind, f"{year.year}年得分{fmt(score)}应在 0 至 {TOTAL_WEIGHT} 分之间", score, None, "score")))
    if scores and blank:   # some years scored, not these: an average of the others is no average of the years
        averaged = False
        for number in blank:
            findings.append(YearFinding(number, Finding(
                "score_missing", f"{number}年得分未填写，各年度平均得分无法计算", None, None, "score")))
    reported = None
    if average is not None and not (isinstance(average, str) and not average.strip()):
        try:
            reported = round_half_up(to_decimal(average, "平均得分"), 2)
        except PerfError as err:
            findings.append(YearFinding(None, unreadable(err, average, None, "score")))
    mean = round_half_up(sum(scores, _ZERO) / len(scores), 2) if scores else reported
    if scores and not averaged:
        mean = None
    if scores and mean is not None and reported is not None and mean != reported:
        findings.append(YearFinding(None, Finding(
            "total_mismatch", f"各年度得分的平均为{fmt(mean)}，填报为{fmt(reported)}", reported, mean)))
    expected = grade_of(mean, profile) if mean is not None else None
    if expected is not None and grade is not None and str(grade).strip():
        written = str(grade).strip()
        if written_grade(written) != expected:
            findings.append(YearFinding(None, Finding(
                "grade_mismatch", f"平均得分{fmt(mean)}对应等级为“{expected}”，填报为“{written}”",
                written, expected, "grade")))
    return MultiYearResult(results, mean, expected, findings)
