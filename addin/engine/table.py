"""A whole 项目支出绩效自评表 as plain data, and its evaluation against a profile.

:class:`Table` holds what the form holds (funds block, indicator rows, 总分) with every value as
typed; :func:`evaluate_table` scores each row once and lists every inconsistency as a
:class:`TableFinding` that names the part of the form and the field it concerns, so that
readers of workbooks can turn it into a cell address.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from decimal import Decimal

from . import form
from .findings import JUDGED, Finding, check_judged, check_scored, fmt, pct, settled, unreadable
from .errors import PerfError
from .natures import QUALITATIVE, parse_weight
from .numbers import is_blank, normalize_text, read_score, read_value, round_half_up, to_decimal
from .profiles import Profile, get_profile
from .scoring import IndicatorScore, exec_detail, grade_of, score_detail, written_grade


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
class FundsSource:
    """One sub-row of the funds block (当年财政拨款, 上年结转资金 or 其他资金)."""

    initial: object = None
    annual: object = None
    executed: object = None


@dataclass
class Funds:
    annual: object               # 全年预算数
    executed: object             # 全年执行数
    initial: object = None       # 年初预算数
    weight: object = None        # 分值 (profile default when empty)
    rate: object = None          # 执行率 as reported (0.9997, "99.97%")
    score: object = None         # 得分 as reported
    sources: dict[str, FundsSource] = field(default_factory=dict)  # sub-rows by name (当年财政拨款 …)
    received: object = None      # 实际到位资金, for profiles whose 执行率 is measured against it
    reason: object = None        # 原因 (forms with a reason column in the funds block)


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
    judged: tuple[str, ...] = ()  # 一级指标 whose rows are scored by judgement (the form says)
    # A form that prints no 分值 column (Hubei's 20/80 自评表): each block of rows (年度绩效目标1（80分）)
    # carries its points in its label; (first indicator row, 1-based; its points as written; its label)
    blocks: tuple[tuple[int, object, str], ...] = ()
    total_stated: bool = False   # the form has a 总分 得分 cell: left blank, it is a finding


@dataclass(frozen=True)
class TableFinding:
    """A finding located in the form: ``part`` is 'funds', 'source' (a funds sub-row),
    'indicator', 'total' or 'grade'; ``row`` the 1-based indicator row or the sub-row's name;
    the finding's ``field`` the column it concerns."""

    part: str
    finding: Finding
    row: int | str | None = None

    @property
    def field(self) -> str:
        return self.finding.field


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
            return read_score(self.table.total_score, "总分")
        except PerfError:
            return None


def _reported_rate(value: object) -> Decimal | None:
    """A reported 执行率 as a fraction: ``99.97%`` and ``0.9997`` both give 0.9997."""
    if is_blank(value):
        return None
    rate = to_decimal(value, "执行率")
    is_percent_text = isinstance(value, str) and value.strip().endswith(("%", "％"))
    return rate / 100 if is_percent_text or rate > 2 else rate


def _unscored_funds(funds: Funds) -> bool:
    """A funds block worth no points and showing none (Ningxia: 执行率 is scored among the
    indicators): it has no score to fill or to add to the total."""
    return is_blank(funds.score) and not is_blank(funds.weight) and parse_weight(funds.weight) == 0


def _funds_working(funds: Funds, exact: Decimal, score: Decimal, rules: Profile) -> str:
    """How the funds score comes, in figures (执行率99.97% × 分值10 = 10.00, rounded half up to
    the profile's decimals), as a unit can redo it: the funds method (``rate_capped``, the only
    one) is the rate, capped at 100%, times the points."""
    points = rules.funds_weight if is_blank(funds.weight) else parse_weight(funds.weight)
    capped = "（超过100%的按100%计）" if exact > 1 else ""
    return f"执行率{pct(exact)}{capped} × 分值{fmt(points)} = {score}（四舍五入保留{rules.decimals}位小数）"


def _over_budget(exact: Decimal, rules: Profile) -> Finding:
    """Spending above the budget (执行率 over 100% as the form shows it): the score is capped, but
    a reviewer asks whether money was spent beyond the budget or an amount is wrong (a prior
    year's money counted, columns swapped, 元 written in a 万元 column)."""
    base, spent = ("实际到位资金", "超出到位资金支出") if rules.funds_basis == "received" else ("全年预算数", "超预算支出")
    said = f"全年执行数超过{base}（执行率{pct(exact)}），请核实是否{spent}或金额填错"
    return Finding("over_budget", said, field="executed")



# The rule a form prints in its 原因 cell until it is filled (四川: "1.预算执行率=预算执行数/调整后预算数,
# 预算执行率未达到90%的需说明原因(100字以内);2.…"): no reason given
_INSTRUCTION = re.compile(r"预算执行率\s*=\s*预算执行数|说明原因\s*\(\s*\d+字以内")


def _printed_instruction(reason: object) -> bool:
    """Whether a 原因 cell still holds the form's printed instruction instead of a reason."""
    return isinstance(reason, str) and _INSTRUCTION.search(normalize_text(reason)) is not None


def _funds(table: Table, result: TableResult, rules: Profile) -> None:
    funds = table.funds
    add = lambda finding: result.findings.append(TableFinding("funds", finding))  # noqa: E731
    try:
        exact, result.funds_score = exec_detail(funds.annual, funds.executed, funds.weight, rules, funds.received)
        result.funds_rate = round_half_up(exact, rules.rate_decimals)
    except PerfError as err:
        add(unreadable(err, field="score"))
        return
    try:
        reported_rate = _reported_rate(funds.rate)
    except PerfError as err:
        reported_rate = None
        add(unreadable(err, funds.rate, field="rate"))
    if reported_rate is not None:
        shown = round_half_up(reported_rate, rules.rate_decimals)
        if shown != result.funds_rate:
            add(Finding("exec_rate_mismatch", f"执行率应为{pct(result.funds_rate)}，填报为{pct(shown)}",
                        shown, result.funds_rate, "rate"))
    if result.funds_rate > 1:   # (as shown: 738.63 of 738.62892 is 100.00%, not over)
        add(_over_budget(exact, rules))
    below = rules.funds_reason_below
    # (the rate as shown: 89.996% is 90.00%, not below 90%)
    if below is not None and result.funds_rate < below and (is_blank(funds.reason) or _printed_instruction(funds.reason)):
        still = "（“原因”中仍是表样印的填写说明）" if not is_blank(funds.reason) else ""
        add(Finding("funds_reason_missing", f"预算执行率为{pct(result.funds_rate)}，未达到{pct(below)}，应在“原因”中说明{still}",
                    result.funds_rate, below, "reason"))
    if _unscored_funds(funds):
        return
    if is_blank(funds.score):
        add(Finding("score_missing", f"年度资金总额未填写得分，应为{result.funds_score}", None,
                    result.funds_score))
        return
    try:
        reported = round_half_up(read_score(funds.score, "资金得分"), rules.decimals)
    except PerfError as err:
        add(unreadable(err, funds.score, result.funds_score, "score"))
        return
    if reported != result.funds_score:
        add(Finding("exec_score_mismatch", f"资金得分应为{_funds_working(funds, exact, result.funds_score, rules)}，"
                                           f"填报为{fmt(reported)}", reported, result.funds_score))


def _funds_sources(table: Table, result: TableResult) -> None:
    """The form's own rule: the sub-rows (其中 当年财政拨款 + 上年结转资金 + 其他资金, or a
    province's 财政资金 + 财政专户管理资金 + 单位资金 + 其他资金) add up to the total, in each amount
    column where a sub-row is filled. A sub-row value that is no number is a finding at its own
    cell."""
    funds = table.funds
    for column in form.AMOUNT_FIELDS:
        filled = [(name, getattr(source, column)) for name, source in funds.sources.items()
                  if not is_blank(getattr(source, column))]
        if not filled:
            continue
        label = form.FUNDS_FIELDS[column]
        added, broken = Decimal(0), False
        for name, value in filled:
            try:
                added += to_decimal(value, f"{name}的{label}")
            except PerfError as err:
                result.findings.append(TableFinding("source", unreadable(err, value, field=column), name))
                broken = True
        blank = is_blank(getattr(funds, column))
        try:
            total = Decimal(0) if blank else to_decimal(getattr(funds, column), f"{form.FUNDS_TOTAL}的{label}")
        except PerfError as err:
            result.findings.append(TableFinding("funds", unreadable(err, field=column)))
            continue
        if broken:
            continue
        if round_half_up(added - total, 6) != 0:   # (a blank total: compared as 0, said blank)
            terms = " + ".join(f"{name} {fmt(to_decimal(v, name))}" for name, v in filled)
            said = f"但{form.FUNDS_TOTAL}未填写" if blank else f"与{form.FUNDS_TOTAL} {fmt(total)} 不一致"
            message = f"{label}：{terms} = {fmt(added)}，{said}"
            finding = Finding("funds_sum", message, None if blank else total, added, column)
            result.findings.append(TableFinding("funds", finding))


def weights_problem(weights: list[Decimal], funds_weight: Decimal) -> str | None:
    """The rule that the funds row and the indicator rows add up to the table's 分值, 100 (the
    grade bands are on 100 points): a Chinese sentence when they do not, else ``None``."""
    expected = Decimal(form.TOTAL_WEIGHT)
    added = sum(weights, funds_weight)
    if added == expected:
        return None
    if not funds_weight:   # (a form whose funds row is not scored: ningxia-2021)
        return f"指标分值合计 {fmt(added)}，应为 {fmt(expected)}"
    return (f"指标分值合计 {fmt(sum(weights, Decimal(0)))}，加上{form.FUNDS_TOTAL}分值 {fmt(funds_weight)} "
            f"为 {fmt(added)}，应为 {fmt(expected)}")


def _funds_points(table: Table, rules: Profile) -> Decimal:
    """The funds block's 分值 as the weight checks add it: as written, else (blank, or no number:
    a finding of its own) the profile's."""
    if not is_blank(table.funds.weight):
        try:
            return read_value(table.funds.weight, None, "资金分值")
        except PerfError:
            pass
    return rules.funds_weight


def _weights(table: Table, result: TableResult, rules: Profile) -> None:
    weights = []
    for ind, detail in zip(table.indicators, result.indicators):
        if detail is not None:   # read when the row was scored
            weights.append(detail.weight)
            continue
        try:
            weights.append(read_value(ind.weight, None, "分值"))
        except PerfError:
            return  # that row is already a finding
    funds_weight = _funds_points(table, rules)
    try:
        declared = None if is_blank(table.total_weight) else read_value(table.total_weight, None, "总分分值")
    except PerfError:
        declared = None
    full = Decimal(form.TOTAL_WEIGHT)
    problem = weights_problem(weights, funds_weight)
    if problem:
        finding = Finding("weights_sum", problem, sum(weights, funds_weight), full, "weight")
        result.findings.append(TableFinding("total", finding))
    elif declared is not None and declared != full:   # (rows adding up to a total row's 105 are no 100)
        finding = Finding("weights_sum", f"总分行的分值填报为 {fmt(declared)}，各行分值合计为 {fmt(full)}，应为 {fmt(full)}",
                          declared, full, "weight")
        result.findings.append(TableFinding("total", finding))
    for group in rules.weight_groups:   # the profile's 一级 weights (Yichun: 产出 60 / 效益 25 / 满意度 5)
        added = sum((w for w, ind in zip(weights, table.indicators) if ind.level1 in group.level1), Decimal(0))
        if added != group.weight:
            message = (f"{'、'.join(group.level1)}的分值合计 {fmt(added)}，规则“{rules.id}”规定"
                       f"{group.name}为 {fmt(group.weight)}")
            result.findings.append(TableFinding("total", Finding("weights_sum", message, added, group.weight,
                                                                 "weight")))


_WHOLE = Decimal(1)


def _shares(detail: IndicatorScore) -> tuple[Decimal, Decimal]:
    """The least and the most share of its 分值 a row scored as ``detail`` may get: its grade's
    band for a 定性 row, the achieved share (capped, less any deduction) for a 定量 one."""
    if detail.nature == QUALITATIVE:
        return detail.grade.band
    share = detail.share - detail.deduction
    return share, share


def _implied_row(ind: Indicator, rules: Profile) -> tuple[IndicatorScore | None, list[Finding], tuple]:
    """A row of a form without 分值: scored as a row of 100 points to learn how far it was
    achieved; its detail is its reported score and the 分值 that score implies (score ÷ share,
    the form's 得分 = 权重 × B/A read backwards). Returns the detail (None: not scored), the
    row's findings and, for :func:`_blocks`, (the reported score, the least and the most share it
    may have achieved): a row whose achievement cannot be read has achieved at most all of it
    (its 分值 is at least its score), a row without a score tells nothing."""
    findings, reported = [], None
    if is_blank(ind.score):
        findings.append(Finding("score_missing", "未填写得分"))
    else:
        try:
            reported = round_half_up(read_score(ind.score, "得分"), rules.decimals)
        except PerfError as err:
            findings.append(unreadable(err, ind.score, field="score"))
    try:
        detail = score_detail(ind.nature, ind.target, ind.actual, 100, rules, ind.unit, (ind.level1, ind.level2))
    except PerfError as err:
        findings.append(unreadable(err))
        return None, findings, (reported, Decimal(0), _WHOLE)
    low, high = _shares(detail)
    if reported is None:
        return None, findings, (None, low, high)
    if high <= 0 < reported:
        findings.append(Finding("score_mismatch", f"实际完成值{ind.actual}未达到年度指标值{ind.target}的任何比例，"
                                                  f"得分应为0，填报为{fmt(reported)}", reported, Decimal(0)))
    share = detail.grade.share if detail.nature == QUALITATIVE else high
    implied = round_half_up(reported / share, rules.decimals) if share > 0 else Decimal(0)
    return replace(detail, weight=implied, score=reported, base=reported), findings, (reported, low, high)


def _blocks(table: Table, result: TableResult, rules: Profile,
            rows_read: list[tuple[Decimal | None, Decimal, Decimal]]) -> None:
    """Each block's rows must add up to the block's points (年度绩效目标1（80分）): a row's 分值 is
    its reported score ÷ the share it achieved (a range for a 定性 row, whose grade allows a band;
    at least its score for a row whose achievement cannot be read; any 分值 for a row that
    achieved nothing or has no score), so the block's points must lie between the least and the
    most its rows' scores imply, give or take the rounding of each score. The blocks and the
    funds block add up to 100."""
    ends = [first for first, _, _ in table.blocks[1:]] + [len(table.indicators) + 1]
    points_total = Decimal(0)
    for number, ((first, points, label), end) in enumerate(zip(table.blocks, ends), start=1):
        try:
            points = read_value(points, None, "目标分值")
        except PerfError as err:
            result.findings.append(TableFinding("block", unreadable(err, points, field="score"), number))
            points_total = None
            continue
        if points_total is not None:
            points_total += points
        least, most, slack, added = Decimal(0), Decimal(0), Decimal(0), Decimal(0)
        half = Decimal(5).scaleb(-rules.decimals - 1)   # (each score is rounded: 0.005 at 2 decimals)
        for reported, low, high in rows_read[first - 1:end - 1]:
            if reported is None or high <= 0:
                most = None   # (a row without a score, or that achieved nothing, may weigh anything)
                continue
            added += reported
            least += reported / high
            slack += half / (low if low > 0 else high)
            most = None if most is None or low <= 0 else most + reported / low
        if points < least - slack or (most is not None and points > most + slack):
            _block_finding(result, rules, number, label, added, points, least, most)
    funds = _funds_points(table, rules)
    problem = None if points_total is None else weights_problem([points_total], funds)
    if problem:
        finding = Finding("weights_sum", problem, points_total + funds, Decimal(form.TOTAL_WEIGHT), "weight")
        result.findings.append(TableFinding("total", finding))


def _block_finding(result: TableResult, rules: Profile, number: int, label: str, added: Decimal,
                   points: Decimal, least: Decimal, most: Decimal | None) -> None:
    least, most = (None if v is None else round_half_up(v, rules.decimals) for v in (least, most))
    if not added and least == most:   # (no row read under its label)
        message = f"“{label}”下没有读到计分的指标，其{fmt(points)}分没有计入"
    elif least == most == added:
        message = f"“{label}”的指标均已完成，得分合计应为{fmt(points)}分，填报合计为{fmt(added)}分"
    else:
        implied = f"为{fmt(least)}" if least == most else f"为{fmt(least)}至{fmt(most)}" if most is not None \
            else f"不少于{fmt(least)}"
        message = (f"“{label}”各指标得分合计{fmt(added)}分，按完成比例推算的分值合计{implied}分，"
                   f"与目标分值{fmt(points)}分不符")
    result.findings.append(TableFinding("block", Finding("weights_sum", message, added, points), number))


def _scored_row(ind: Indicator, rules: Profile) -> tuple[IndicatorScore | None, list[Finding]]:
    """A row with its 分值: its detail (None: it could not be scored) and its findings."""
    try:
        detail = score_detail(ind.nature, ind.target, ind.actual, ind.weight, rules, ind.unit,
                              (ind.level1, ind.level2))
    except PerfError as err:
        return None, [unreadable(err)]
    detail = settled(detail, ind.score, ind.reason, rules)   # (a reduction 'as appropriate' stands in the total)
    return detail, check_scored(detail, ind.score, ind.reason, rules)


def evaluate_table(table: Table, profile: object = None, scores_reported: bool = True) -> TableResult:
    """Re-score a whole table and list every inconsistency with what it reports.

    ``scores_reported=False`` is for tables whose score cells were never calculated (a template
    saved by a program that does not compute formulas): missing scores are then not findings.
    """
    rules = get_profile(profile if profile is not None else table.profile)
    result = TableResult(table, rules.id)
    _funds(table, result, rules)
    _funds_sources(table, result)
    rows_read = []   # (rows of blocks, see _implied_row)
    for row, ind in enumerate(table.indicators, start=1):
        if table.blocks:
            detail, findings, read = _implied_row(ind, rules)
            rows_read.append(read)
        elif ind.level1 in table.judged:
            detail, findings = check_judged(ind.weight, ind.score, ind.reason, rules)
        else:
            detail, findings = _scored_row(ind, rules)
        result.indicators.append(detail)
        result.findings.extend(TableFinding("indicator", f, row) for f in findings)
    if table.blocks:
        _blocks(table, result, rules, rows_read)
    else:
        _weights(table, result, rules)
    scores = [d.score for d in result.indicators if d is not None]
    if result.funds_score is not None and len(scores) == len(table.indicators):
        result.total = result.funds_score + sum(scores, Decimal(0))
        try:
            result.grade = grade_of(result.total, rules)
        except PerfError:
            pass  # a total above 100: its 分值 do not add up, which is already a finding
    _total_and_grade(table, result, rules)
    if not scores_reported:
        result.findings = [f for f in result.findings if f.finding.kind != "score_missing"]
    return result


def as_computed(table: Table, result: TableResult, cells: Collection[tuple] | None = None,
                errors: Collection[tuple] = (), outside: Collection[int] = ()) -> Table:
    """``table`` with every cell a template computes (row scores but judged ones, the funds rate
    and score, the total and the grade) as the add-in would have shown it, for a template filled
    where its formulas were not computed: its other findings are then those of the same file
    computed in Excel. ``cells``: only these, named as :class:`ReadTable` names them
    (``("indicator", n, "score")`` 1-based, ``("funds", "rate")``, ``("funds", "score")``,
    ``("total", "score")``, ``("grade", "grade")``); a value the unit typed over a formula stays.
    ``errors``: the score cells (a row's, the funds'; so named) that showed an error value of the
    unit's own (read as empty): SUM passes it on, the template's total is an error too: no total.
    ``outside``: the rows (1-based) the template's SUM leaves out (a row added below its range,
    which neither Excel nor LibreOffice takes in): the total shown is short of them."""
    def wanted(*key) -> bool:
        return cells is None or key in cells

    indicators = [replace(ind, score=detail.score)
                  if detail is not None and detail.nature != JUDGED and wanted("indicator", n, "score") else ind
                  for n, (ind, detail) in enumerate(zip(table.indicators, result.indicators), start=1)]
    rate = None if result.funds_rate is None else f"{result.funds_rate * 100}%"   # (as shown: 3 is 300%)
    funds = replace(table.funds, rate=rate if wanted("funds", "rate") else table.funds.rate)
    if not _unscored_funds(table.funds) and wanted("funds", "score"):
        funds.score = result.funds_score
    computed = replace(table, indicators=indicators, funds=funds)
    if wanted("total", "score"):   # the template's SUM of the scores shown (typed ones too)
        computed.total_score = _summed(computed, outside) if result.total is not None and not errors else None
        computed.total_stated = computed.total_score is not None   # (else an error the template shows: said at its cause)
    if wanted("grade", "grade"):   # and its grade
        try:
            computed.grade = grade_of(computed.total_score, result.profile)
        except PerfError:
            computed.grade = None
    return computed


def _summed(table: Table, outside: Collection[int] = ()) -> Decimal | None:
    """What the template's 总分 formula shows: ``SUM`` of the score column plus the funds score.
    SUM adds the numbers and leaves a text out (a score typed as ``10分`` over its formula makes a
    total 10 short: the finding Excel's file gives); ``+`` takes a number written as text and
    fails on any other (#VALUE!: no total, ``None``), as on a number beyond what is computed. (An
    error value among the scores is the caller's: see :func:`as_computed`; so are the rows
    ``outside`` the SUM's range.)"""
    try:
        funds = Decimal(0)
        if not _unscored_funds(table.funds) and not is_blank(table.funds.score):
            funds = to_decimal(table.funds.score, "资金得分")
        numbers = [ind.score for n, ind in enumerate(table.indicators, start=1) if n not in outside
                   and isinstance(ind.score, (int, float, Decimal)) and not isinstance(ind.score, bool)]
        return funds + sum((to_decimal(score, "得分") for score in numbers), Decimal(0))
    except PerfError:
        return None


def _added(table: Table) -> Decimal | None:
    """The reported row scores (and the funds score, where it counts) added up; ``None`` when
    one is not a number."""
    parts = [] if _unscored_funds(table.funds) else [table.funds.score]
    parts += [ind.score for ind in table.indicators]
    try:
        return sum((read_score(p) for p in parts), Decimal(0))
    except PerfError:
        return None


def _total_and_grade(table: Table, result: TableResult, rules: Profile) -> None:
    """The reported 总分 must add up the reported row scores, and be there where the form has one;
    a reported grade must fit it."""
    reported_total = result.reported_total
    if reported_total is None and not is_blank(table.total_score):   # filled in, but not a number
        try:
            read_score(table.total_score, "总分")
        except PerfError as err:
            result.findings.append(TableFinding("total", unreadable(err, table.total_score, field="score")))
    if table.total_stated and is_blank(table.total_score) and result.total is not None:
        expected = round_half_up(result.total, rules.decimals)
        result.findings.append(TableFinding("total", Finding("score_missing", f"总分未填写，应为{fmt(expected)}",
                                                             None, expected)))
    added = _added(table)
    if reported_total is not None and added is not None:
        added = round_half_up(added, rules.decimals)
        if round_half_up(reported_total, rules.decimals) != added:
            message = f"总分填报为{fmt(reported_total)}，但各项得分合计为{fmt(added)}"
            finding = Finding("total_mismatch", message, reported_total, added)
            result.findings.append(TableFinding("total", finding))
    if not is_blank(table.grade) and result.grade is not None:
        if written_grade(table.grade) != result.grade:
            message = f"按重新计算的总分{result.total}，等级应为“{result.grade}”，填报为“{table.grade}”"
            finding = Finding("grade_mismatch", message, str(table.grade), result.grade, "grade")
            result.findings.append(TableFinding("grade", finding))
