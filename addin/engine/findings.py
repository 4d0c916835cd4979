"""Findings: what a reviewer would write in the margin of a reported table.

Each problem is a :class:`Finding` with a machine-readable ``kind`` (one of :data:`KINDS`), one
Chinese sentence and the ``field`` of the form it concerns, so that a reader can point at the
cell. :func:`check_scored` compares one reported indicator row with its score (computed once,
by :func:`scoring.score_detail`); :func:`check_indicator` does both for ``PERF_CHECK``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from .errors import PerfError
from .natures import EQUAL, parse_weight
from .numbers import ERROR_VALUE, fmt, is_blank, normalize_text, read_score, round_half_up
from .profiles import Profile, get_profile
from .scoring import IndicatorScore, score_detail

# 偏差原因 cells that say nothing.
EMPTY_REASONS = {"", "无", "无偏差", "/", "—", "-", "无。", "暂无"}

KINDS = {
    "unreadable": "无法读取的值",
    "score_missing": "未填写得分",
    "score_mismatch": "得分不一致",
    "penalty_not_applied": "未按超额规则扣分",
    "penalty_misapplied": "不应扣分却扣分",
    "band_violation": "定性得分超出等级区间",
    "missing_reason": "缺少偏差或扣分原因",   # (自评表 偏差原因, 评分表 扣分原因)
    "over_target": "超额完成需说明",
    "equal_mismatch": "未达到“=”指标值",
    "exec_rate_mismatch": "执行率不一致",
    "exec_score_mismatch": "资金得分不一致",
    "weights_sum": "分值合计不符",
    "total_mismatch": "总分不一致",
    "grade_mismatch": "等级不一致",
    "funds_sum": "资金构成不一致",
    "score_above_weight": "得分超过分值",
    "score_not_allowed": "得分不符合评分标准",
    "input_not_allowed": "填报内容不符合评分标准",
    "budget_rows_sum": "明细合计不符",
    "over_budget": "实际支出超过预算",
    "funds_reason_missing": "执行率偏低未说明原因",
    "nature_conflict": "性质与指标值不符",
    "score_as_text": "得分写成文字",
}
# Kinds whose reported and expected values are rates (0.9998 for 99.98%): shown as percentages.
RATE_KINDS = frozenset({"exec_rate_mismatch", "funds_reason_missing"})


@dataclass(frozen=True)
class Finding:
    kind: str                        # one of KINDS
    message: str                     # one Chinese sentence
    reported: Decimal | str | None = None
    expected: Decimal | str | None = None
    field: str = "score"             # the input it concerns: score, reason, actual, target, …

    @property
    def label(self) -> str:
        return KINDS[self.kind]


def unreadable(err: PerfError, reported: object = None, expected: Decimal | None = None,
               field: str = "actual") -> Finding:
    """A value the engine could not use, at the field the error names."""
    shown = None if reported is None else str(reported)
    return Finding("unreadable", str(err), shown, expected, err.field or field)


def pct(value: Decimal) -> str:
    return fmt(round_half_up(value * 100, 2)) + "%"


def is_blank_reason(reason: object) -> bool:
    """A 偏差原因 that says nothing: empty, 无 and the like, or a formula's error value (#N/A
    stored as text, as xlwings Server and Lite pass an error cell), which states no reason."""
    if reason is None:
        return True
    text = normalize_text(str(reason))
    return text in EMPTY_REASONS or ERROR_VALUE.fullmatch(text) is not None


def _band_finding(detail: IndicatorScore, reported: Decimal, decimals: int) -> Finding | None:
    low, high = detail.grade.band  # type: ignore[union-attr]
    lo = round_half_up(low * detail.weight, decimals)
    hi = round_half_up(high * detail.weight, decimals)
    inside = lo <= reported <= hi if high == 1 else lo <= reported < hi
    if inside:
        return None
    upper = "" if high == 1 else "（不含）"
    return Finding(
        "band_violation",
        f"定性等级为“{detail.grade.name}”，得分应在{fmt(lo)}–{fmt(hi)}分{upper}之间，填报为{fmt(reported)}",  # type: ignore[union-attr]
        reported,
        detail.score,
    )


def _score_finding(detail: IndicatorScore, reported: Decimal, profile) -> Finding | None:
    if detail.grade is not None and detail.grade.band[0] != detail.grade.band[1]:
        return _band_finding(detail, reported, profile.decimals)
    expected = detail.score
    if reported == expected:
        return None
    converted = f"（{detail.converted}）" if detail.converted else ""
    if reported > detail.weight:   # (said as such first: no reading of the rules gives more than 分值)
        return Finding("score_above_weight", f"得分{fmt(reported)}超过分值{fmt(detail.weight)}，得分应为{expected}"
                       f"{converted}{_readings(detail, reported, profile)}", reported, expected)
    if detail.deduction and reported == detail.base:
        deducted = round_half_up(detail.deduction * detail.weight, profile.decimals)
        return Finding(
            "penalty_not_applied",
            f"实际完成值超出年度指标值{pct(detail.over)}，按规则应扣减分值的{pct(detail.deduction)}"
            f"（{fmt(deducted)}分），得分应为{expected}，填报为{fmt(reported)}",
            reported,
            expected,
        )
    wrongly_deducted = {   # (a deduction where the ladder cannot apply, on a ≤ row, is no ladder's)
        round_half_up(detail.base - s.deduct * detail.weight, profile.decimals)
        for s in profile.ladder
        if s.deduct != detail.deduction
    } if detail.nature in profile.over_target_applies_to else set()
    if reported in wrongly_deducted and reported < expected:
        return Finding(
            "penalty_misapplied",
            f"未达到超额扣分条件或扣分档次不对，得分应为{expected}，填报为{fmt(reported)}",
            reported,
            expected,
        )
    return Finding("score_mismatch",
                   f"得分应为{expected}{converted}，填报为{fmt(reported)}{_readings(detail, reported, profile)}",
                   reported, expected)


def _readings(detail: IndicatorScore, reported: Decimal, profile) -> str:
    """What a hand-scorer may have done instead, tried on a quantitative row: the other
    direction, no cap at 分值, digits cut instead of rounded. Names the reading the reported
    score matches, or says that none does; full marks for a target not met are said as such."""
    a, b, w = detail.target, detail.actual, detail.weight
    if a is None or b is None:
        return ""
    if reported == w and detail.stated is None:
        # (a full-marks mismatch is a target not met: a deduction not applied is said before;
        # full marks match the other direction's capped reading by chance, except where the
        # target states the other direction than 性质: that reading is the question there)
        return "（填报为满分，但未达成年度指标值）"
    d = profile.decimals
    readings = []
    if a > 0:
        readings.append(("按正向（实际值÷指标值）", round_half_up(min(b / a, 1) * w, d)))
        readings.append(("按正向且不以分值封顶", round_half_up(b / a * w, d)))
    if b > 0:
        readings.append(("按反向（指标值÷实际值）", round_half_up(min(a / b, 1) * w, d)))
    exact = min(b / a, 1) * w if a > 0 and detail.nature != "≤" else min(a / b, 1) * w if b > 0 else None
    if exact is not None:
        readings.append(("截去小数而不四舍五入", exact.quantize(Decimal(1).scaleb(-d), rounding="ROUND_DOWN")))
    readings = [(name, value) for name, value in readings if value != detail.score]
    # fewer decimals than the rule keeps: named when they match, not listed among the readings tried
    coarser = _coarser(exact, d) if exact is not None else []
    match = next((name for name, value in [*readings, *coarser] if value == reported), None)
    if match:
        return f"（填报值是{match}计算的结果）"
    tried = "、".join(f"{name}计为{fmt(value)}" for name, value in dict(readings).items())
    return f"（另试{tried}，均不是{fmt(reported)}）" if tried else ""


# The readings an explanation lists as tried (above): a reviewer's aid, left out of formal reports
TRIED_READINGS = re.compile(r"（另试.*，均不是[^（）]*）")


def _coarser(exact: Decimal, decimals: int) -> list[tuple[str, Decimal]]:
    """The exact score kept to fewer decimals than the rule's, rounded or cut: a hand-scorer's
    1.9 or 1.8 for 1.946, 7 for 6.67."""
    readings = []
    for n in range(decimals - 1, -1, -1):
        step = Decimal(1).scaleb(-n)
        readings.append((f"保留{n}位小数" if n else "取整数", exact.quantize(step, rounding="ROUND_HALF_UP")))
        readings.append((f"截去到{n}位小数" if n else "截去小数取整", exact.quantize(step, rounding="ROUND_DOWN")))
    return readings


def settled(detail: IndicatorScore, reported_score: object, reason: object, rules: Profile) -> IndicatorScore:
    """``detail``, with the reported score as the row's score where that stands: a row far over
    a target set too low, reduced 'as appropriate' below its score with its reason given
    (财预〔2020〕10号, mof-2020: no fixed ladder, see ``over_flagged``). The row is then checked
    against it (:func:`check_scored`) and the table's total adds it."""
    if not detail.over_flagged or is_blank_reason(reason):
        return detail
    try:
        reported = round_half_up(read_score(reported_score), rules.decimals)
    except PerfError:
        return detail   # (said by check_scored)
    return replace(detail, score=reported) if 0 <= reported < detail.score else detail


def check_scored(detail: IndicatorScore, reported_score: object, reason: object,
                 rules: Profile) -> list[Finding]:
    """Everything inconsistent between a scored row and what it reports; empty when consistent."""
    findings = [] if detail.stated is None else [Finding(
        "nature_conflict", f"绩效指标性质为“{detail.nature}”，年度指标值写的却是“{detail.stated}”；已按性质计分，请核对",
        detail.nature, None, "nature")]   # (which of the two is meant, the reviewer decides)
    if is_blank(reported_score):
        return findings + [Finding("score_missing", f"未填写得分，应为{detail.score}", None, detail.score)]
    try:
        reported = round_half_up(read_score(reported_score), rules.decimals)
    except PerfError as err:
        return findings + [unreadable(err, reported_score, detail.score, "score")]
    mismatch = _score_finding(detail, reported, rules)
    if mismatch:
        findings.append(mismatch)
    if not is_blank_reason(reason):
        return findings
    if reported < detail.weight:
        findings.append(
            Finding("missing_reason", "得分低于分值，未填写偏差原因分析及改进措施", reported,
                    field="reason")
        )
    elif detail.over_flagged:
        findings.append(
            Finding(
                "over_target",
                f"实际完成值超出年度指标值{pct(detail.over)}，指标值可能设定偏低，应在偏差原因中说明",
                detail.actual,
                detail.target,
                "reason",
            )
        )
    elif detail.nature == EQUAL and detail.actual != detail.target:
        findings.append(
            Finding(
                "equal_mismatch",
                f"性质为“=”，实际完成值{fmt(detail.actual)}与年度指标值{fmt(detail.target)}不一致，应说明偏差原因",  # type: ignore[arg-type]
                detail.actual,
                detail.target,
                "reason",
            )
        )
    return findings


JUDGED = "评判"   # the nature of a row scored by judgement (see :func:`check_judged`)


def check_judged(weight: object, reported_score: object, reason: object,
                 rules: Profile) -> tuple[IndicatorScore | None, list[Finding]]:
    """A row scored by judgement, with no target to compute from (项目决策 and 项目管理 rows of
    forms that score them: 完整性, 相关性, 财务管理制度有效性 …): its reported 得分 is its score, a
    number from 0 to its 分值; below the 分值 it needs a reason. Returns the row's score (None
    when it has none) and the findings."""
    try:
        points = parse_weight(weight)
    except PerfError as err:
        return None, [unreadable(err, weight, field="weight")]
    if is_blank(reported_score):
        return None, [Finding("score_missing", f"未填写得分（评判计分，0 至 {fmt(points)} 分）", None, None)]
    try:
        reported = round_half_up(read_score(reported_score), rules.decimals)
    except PerfError as err:
        return None, [unreadable(err, reported_score, None, "score")]
    if not 0 <= reported <= points:
        return None, [Finding("score_above_weight", f"得分{fmt(reported)}应在 0 至分值 {fmt(points)} 之间",
                              reported, points)]
    detail = IndicatorScore(JUDGED, points, reported, reported)
    if reported < points and is_blank_reason(reason):
        return detail, [Finding("missing_reason", "得分低于分值，未填写扣分原因（或未完成原因分析）", reported,
                                field="reason")]
    return detail, []


def check_indicator(
    nature: object,
    target: object,
    actual: object,
    weight: object,
    reported_score: object,
    reason: object = None,
    profile: object = None,
    unit: object = None,
    levels: object = None,
) -> list[Finding]:
    """Everything inconsistent in one reported row; an empty list when the row is consistent
    (``levels``: the row's 一级 and 二级指标, which say how a bare-number target is read)."""
    rules = get_profile(profile)
    try:
        detail = score_detail(nature, target, actual, weight, rules, unit, levels)
    except PerfError as err:
        return [unreadable(err)]
    return check_scored(settled(detail, reported_score, reason, rules), reported_score, reason, rules)
