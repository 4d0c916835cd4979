"""A whole 项目支出绩效自评表 as plain data, and its evaluation against a profile.

:class:`Table` holds what the form holds (funds block, indicator rows, 总分) with every value as
typed; :func:`evaluate_table` re-scores it and lists every inconsistency as a
:class:`TableFinding` that names the part of the form it concerns, so that readers of workbooks
can turn it into a cell address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .checks import Finding, check_indicator, fmt, pct
from .errors import PerfError
from .numbers import read_value, round_half_up, to_decimal
from .profile import get_profile
from .scoring import IndicatorScore, exec_score, grade_of, score_detail


@dataclass
class Indicator:
    level1: str
    level2: str
    level3: str
    nature: object
    target: object
    unit: object
    actual: object
    weight: object
    score: object = None     # 得分 as reported
    reason: object = None    # 偏差原因分析及改进措施


@dataclass
class Funds:
    annual: object               # 全年预算数
    executed: object             # 全年执行数
    initial: object = None       # 年初预算数
    weight: object = None        # 分值 (profile default when empty)
    rate: object = None          # 执行率 as reported (0.9997, "99.97%")
    score: object = None         # 得分 as reported


@dataclass
class Table:
    project: str
    funds: Funds
    indicators: list[Indicator]
    department: str = ""
    implementer: str = ""
    year: int | None = None
    goal_expected: str = ""
    goal_actual: str = ""
    total_weight: object = None  # 总分 row, 分值 column, as reported
    total_score: object = None   # 总分 row, 得分 column, as reported
    grade: object = None         # 等级, if the form shows one
    profile: str | None = None   # the profile the table declares (规则 cell), if any


@dataclass(frozen=True)
class TableFinding:
    """A finding located in the form: ``part`` is 'funds', 'indicator', 'total' or 'grade';
    ``row`` the 1-based indicator row; ``field`` the column ('score', 'rate', 'weight', …)."""

    part: str
    field: str
    finding: Finding
    row: int | None = None


@dataclass
class TableResult:
    table: Table
    profile: str
    funds_rate: Decimal | None = None
    funds_score: Decimal | None = None
    indicators: list[IndicatorScore | None] = field(default_factory=list)
    total: Decimal | None = None     # None when some row could not be scored
    grade: str | None = None
    findings: list[TableFinding] = field(default_factory=list)

    @property
    def reported_total(self) -> Decimal | None:
        try:
            return read_value(self.table.total_score, None, "总分")
        except PerfError:
            return None


def _reported_rate(value: object) -> Decimal | None:
    """A reported 执行率 as a fraction: ``99.97%`` and ``0.9997`` both give 0.9997."""
    if value is None or value == "":
        return None
    rate = to_decimal(value, "执行率")
    is_percent_text = isinstance(value, str) and value.strip().endswith(("%", "％"))
    return rate / 100 if is_percent_text or rate > 2 else rate


def _funds(table: Table, result: TableResult, rules) -> None:
    funds = table.funds
    try:
        result.funds_score = exec_score(funds.annual, funds.executed, funds.weight, rules)
        exact = to_decimal(funds.executed, "全年执行数") / to_decimal(funds.annual, "全年预算数")
        result.funds_rate = round_half_up(exact, rules.rate_decimals)
    except PerfError as err:
        result.findings.append(TableFinding("funds", "score", Finding("unreadable", str(err))))
        return
    try:
        reported_rate = _reported_rate(funds.rate)
    except PerfError as err:
        reported_rate = None
        result.findings.append(
            TableFinding("funds", "rate", Finding("unreadable", str(err), str(funds.rate)))
        )
    if reported_rate is not None:
        shown = round_half_up(reported_rate, rules.rate_decimals)
        if shown != result.funds_rate:
            result.findings.append(
                TableFinding(
                    "funds",
                    "rate",
                    Finding(
                        "exec_rate_mismatch",
                        f"执行率应为{pct(result.funds_rate)}，填报为{pct(shown)}",
                        shown,
                        result.funds_rate,
                    ),
                )
            )
    if funds.score is None or funds.score == "":
        message = f"年度资金总额未填写得分，应为{result.funds_score}"
        finding = Finding("score_missing", message, None, result.funds_score)
        result.findings.append(TableFinding("funds", "score", finding))
        return
    try:
        reported = round_half_up(read_value(funds.score, None, "资金得分"), rules.decimals)
    except PerfError as err:
        finding = Finding("unreadable", str(err), str(funds.score), result.funds_score)
        result.findings.append(TableFinding("funds", "score", finding))
        return
    if reported != result.funds_score:
        message = (
            f"执行率为{pct(exact)}，资金得分应为 min(执行率, 100%) × 分值 = "
            f"{result.funds_score}，填报为{fmt(reported)}"
        )
        finding = Finding("exec_score_mismatch", message, reported, result.funds_score)
        result.findings.append(TableFinding("funds", "score", finding))


def evaluate_table(table: Table, profile: object = None, scores_reported: bool = True) -> TableResult:
    """Re-score a whole table and list every inconsistency with what it reports.

    ``scores_reported=False`` is for tables whose score cells were never calculated (a template
    saved by a program that does not compute formulas): missing scores are then not findings.
    """
    rules = get_profile(profile if profile is not None else table.profile)
    result = TableResult(table, rules.id)
    _funds(table, result, rules)
    weights: list[Decimal] = []
    for row, ind in enumerate(table.indicators, start=1):
        try:
            detail = score_detail(ind.nature, ind.target, ind.actual, ind.weight, rules, ind.unit)
        except PerfError:
            detail = None
        result.indicators.append(detail)
        for finding in check_indicator(
            ind.nature, ind.target, ind.actual, ind.weight, ind.score, ind.reason, rules, ind.unit
        ):
            result.findings.append(TableFinding("indicator", "score", finding, row))
        try:
            weights.append(read_value(ind.weight, None, "分值"))
        except PerfError:
            pass
    funds_weight = rules.funds_weight
    if table.funds.weight not in (None, ""):
        try:
            funds_weight = read_value(table.funds.weight, None, "资金分值")
        except PerfError:
            pass
    weight_sum = sum(weights, funds_weight)
    try:
        declared = read_value(table.total_weight, None, "总分分值") if table.total_weight else None
    except PerfError:
        declared = None
    if len(weights) == len(table.indicators) and weight_sum != (declared or Decimal(100)):
        expected = declared or Decimal(100)
        message = f"各项分值合计为{fmt(weight_sum)}，与总分值{fmt(expected)}不一致"
        finding = Finding("weights_sum", message, weight_sum, expected)
        result.findings.append(TableFinding("total", "weight", finding))
    scores = [d.score for d in result.indicators if d is not None]
    if result.funds_score is not None and len(scores) == len(table.indicators):
        result.total = result.funds_score + sum(scores, Decimal(0))
        result.grade = grade_of(result.total, rules)
    _total_and_grade(table, result, rules)
    if not scores_reported:
        result.findings = [f for f in result.findings if f.finding.kind != "score_missing"]
    return result


def _total_and_grade(table: Table, result: TableResult, rules) -> None:
    """The reported 总分 must add up the reported row scores; a reported grade must fit it."""
    reported_total = result.reported_total
    parts = [table.funds.score] + [ind.score for ind in table.indicators]
    try:
        added = sum((read_value(p, None, "得分") for p in parts), Decimal(0))
    except PerfError:
        added = None
    if reported_total is not None and added is not None:
        added = round_half_up(added, rules.decimals)
        if round_half_up(reported_total, rules.decimals) != added:
            message = f"总分填报为{fmt(reported_total)}，但各项得分合计为{fmt(added)}"
            finding = Finding("total_mismatch", message, reported_total, added)
            result.findings.append(TableFinding("total", "score", finding))
    if table.grade not in (None, "") and result.total is not None:
        if str(table.grade).strip() != result.grade:
            message = f"按重新计算的总分{result.total}，等级应为“{result.grade}”，填报为“{table.grade}”"
            finding = Finding("grade_mismatch", message, str(table.grade), result.grade)
            result.findings.append(TableFinding("grade", "grade", finding))
