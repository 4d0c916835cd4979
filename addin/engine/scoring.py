"""Scoring one self-evaluation table: indicator rows, the funds row and the grade of the total.

Pure functions on plain values. Each takes the profile id (or a :class:`Profile`) whose rules
apply; see ``addin/profiles/*.toml`` for what each profile fixes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from . import form
from .errors import PerfError, concerning
from .methods import FUNDS, QUANTITATIVE, over_share
from .natures import EQUAL, POSITIVE, QUALITATIVE, parse_nature, parse_weight
from .numbers import (amount_unit, fmt, has_unit, is_blank, quoted, read_amount, read_measure, read_quantity,
                      read_score, round_half_up, unit_word)
from .units import UNITS, other_quantity, unit_at
from .profiles import Grade, get_profile
from .qualitative import find_scale, read_grade
from .targets import says_short, split_target, stated_target, two_bounds

_ZERO, _ONE = Decimal(0), Decimal(1)


@dataclass(frozen=True)
class IndicatorScore:
    """How one indicator row was scored, for the score itself and for explaining differences."""

    nature: str
    weight: Decimal
    score: Decimal                 # rounded, what the 得分 cell should show
    base: Decimal                  # rounded score before any over-target deduction
    deduction: Decimal = _ZERO     # share of 分值 deducted for over-target (0.1, 0.2, 0.3)
    over: Decimal | None = None    # (B − A) / A when the actual exceeds the target
    over_flagged: bool = False     # over-target in a profile that reports instead of deducting
    target: Decimal | None = None  # A, for quantitative rows
    actual: Decimal | None = None  # B, for quantitative rows
    grade: Grade | None = None     # for 定性 rows
    converted: str = ""            # how a value written in another unit was read (30分钟 as 0.5小时)
    stated: str | None = None      # the nature the target's own operator states, when not 性质's
    share: Decimal | None = None   # of 分值 achieved (0 to 1) before any deduction, for 定量 rows


def score_detail(
    nature: object,
    target: object,
    actual: object,
    weight: object,
    profile: object = None,
    unit: object = None,
    levels: object = None,
) -> IndicatorScore:
    """Score one indicator row and say how: see :class:`IndicatorScore`.

    A blank ``nature`` (or ``None``: a form without a 性质 column) is read from the target
    itself (``≥50个``, ``≤90万元``, ``及时``; see :mod:`.targets`); ``levels`` are the row's 一级指标
    (or its (一级, 二级) labels), for the profile's reading of a bare-number target."""
    rules = get_profile(profile)
    if is_blank(target) and is_blank(actual):
        raise PerfError("年度指标值和实际完成值都未填写，无法计分", "target")   # (not only the first of the two)
    stated = None
    if is_blank(nature):
        kind, target, unit = _from_target(nature, target, unit, rules, levels)
    else:
        kind = parse_nature(nature)
        written = stated_target(target) if kind != QUALITATIVE else None
        if written is None and kind != QUALITATIVE and not has_unit(unit):
            unit = _bare_target_unit(target, kind) or unit
        if written is not None:
            if not has_unit(unit):
                unit = written.unit or None
            if written.nature != kind:   # (= beside ≥ or ≤: said where the two score the row differently)
                stated = written.nature
    with concerning("weight"):
        points = parse_weight(weight)
    if kind == QUALITATIVE:
        with concerning("target"):
            scale = find_scale(target, rules)
        with concerning("actual"):
            grade = read_grade(actual, scale, rules, target)
        score = round_half_up(grade.share * points, rules.decimals)
        return IndicatorScore(kind, points, score, score, grade=grade)
    with concerning("target"):
        if said := two_bounds(target):   # 50%且≤80% beside 性质 ≥: not the first number alone
            raise PerfError(said)
        a, target_unit = read_measure(target, unit, "年度指标值")
    with concerning("actual"):
        actual = _past_plan(actual)
        if word := says_short(actual, kind):
            raise PerfError(f"实际完成值“{quoted(actual)}”写的是“{word}”某个数，不是实际完成的数值，按其中的数计分会把"
                            f"未完成算作完成；请填写实际完成的数值（原因写在偏差原因中）")
        b, actual_unit = _read_actual(actual, unit, target)
    if kind in DECIMAL_NATURES and _decimal_percent(actual, unit, target, a, b):
        b, actual_unit = b * 100, _DECIMAL
    share = _share(rules, kind, a, b)
    if stated is not None and EQUAL in (stated, kind) and _share(rules, stated, a, b) == share:
        stated = None   # (= and ≥ score 100% of 100% alike: nothing to say)
    base = share * points
    over = over_share(kind, a, b)
    deduction, flagged = _ZERO, False
    if over is not None and kind in rules.over_target_applies_to:
        if rules.over_target_mode == "ladder":
            deduction = max((s.deduct for s in rules.ladder if over >= s.start), default=_ZERO)
        elif rules.over_target_mode == "finding":
            flagged = rules.finding_from is not None and over >= rules.finding_from
    score = max(base - deduction * points, _ZERO)
    return IndicatorScore(
        kind,
        points,
        round_half_up(score, rules.decimals),
        round_half_up(base, rules.decimals),
        deduction,
        over,
        flagged,
        a,
        b,
        converted=_converted((("年度指标值", target, target_unit, a), ("实际完成值", actual, actual_unit, b)), unit),
        stated=stated,
        share=share,
    )


def _bare_target_unit(target: object, kind: str) -> str | None:
    """The unit a target without an operator is written in (万元 of ``12万元`` beside 性质 ≥),
    for a row whose 单位 is blank: the actual (``120000元``) is converted to it, not compared
    with 12 as it stands."""
    if not isinstance(target, str):
        return None
    try:
        own = split_target(target, kind)
    except PerfError:
        return None
    known = unit_at(own.unit)   # (3个工作日: 个 of a longer word, no unit to convert to)
    return own.unit or None if own.nature != QUALITATIVE and (not known or known == own.unit) else None


# Unit words written after the classifier 个 that the units table does not know (时间 and 比率 by
# other names): 3个工作日 and 提高3个百分点 are no counts
_AFTER_CLASSIFIER = ("工作日", "自然日", "日历日", "百分点", "季度", "钟头", "半", "星期", "礼拜")


def _same_quantity(actual: object, target: object, unit: object) -> None:
    """Refuse an actual whose number is written in a unit of another quantity than both the
    indicator's unit and the target's (``3小时`` against ``≥95%``, ``2个月`` against ``≤30天``):
    read as it stands it would be compared as if it were in the target's unit."""
    if not isinstance(actual, str):
        return
    word = unit_word(unit if isinstance(unit, str) else None)
    if word and word in actual:   # (most rows: a number in the indicator's unit, which read_measure took)
        return
    after = read_quantity(actual, unit)[1]
    written = unit_at(after)
    if written == "个" and after[1:2]:   # a classifier before the unit word: 2个小时, 3个工作日, 提高3个百分点
        if after[1:].startswith(_AFTER_CLASSIFIER):
            return   # (a unit the table does not know: never told apart)
        written = unit_at(after[1:]) or written
    wanted = {word}
    if isinstance(target, str):
        wanted.add(unit_at(read_quantity(target, unit, "年度指标值")[1]))
    wanted.discard("")
    if written and wanted and all(other_quantity(written, w) for w in wanted):
        shown = "”或“".join(sorted(wanted))
        apart = ("之间没有固定的换算比例" if {UNITS[written][0], *(UNITS[w][0] for w in wanted if w in UNITS)} == {"时间", "月数"}
                 else "不是同一种量")   # (a month is 28 to 31 days)
        raise PerfError(f"实际完成值“{quoted(actual)}”的单位是“{written}”，与指标的单位“{shown}”{apart}，"
                        f"无法比较；请按“{shown}”填写实际完成值")


_PLAN_THEN_ACTUAL = re.compile(r"(?:计划|目标|预期|预计)[^实]*?\d.*?(实际(?:完成|实现|达到)?)\s*\D{0,6}?\d")


def _past_plan(actual: object) -> object:
    """An actual that states the plan before what was done (计划10个，实际完成8个): from 实际 on,
    whose number is the actual (the plan's 10, read first, had scored full marks)."""
    if isinstance(actual, str) and "实际" in actual and (found := _PLAN_THEN_ACTUAL.search(actual)):
        return actual[found.start(1):]
    return actual


def actual_value(actual: object, unit: object = None) -> Decimal:
    """The number the scorer reads out of an actual, in ``unit``: one written in a unit of another
    quantity (``1个月`` for 天, ``95%`` for 小时) is refused as :func:`score_detail` refuses it."""
    return _read_actual(_past_plan(actual), unit)[0]


def _read_actual(actual: object, unit: object, target: object = None) -> tuple[Decimal, str]:
    """The actual's number in ``unit`` and the unit it was converted from (see :func:`read_measure`);
    one written in a unit of another quantity than the row's and the target's is refused."""
    number, written = read_measure(actual, unit, "实际完成值")
    if not written:
        _same_quantity(actual, target, unit)
    return number, written


PERCENT_WORDS = {"%", "百分比", "百分率"}
_DECIMAL = "小数"   # how a decimal for a percentage was written (as _converted names a unit)
DECIMAL_PERCENT_FROM = Decimal(50)   # a % target from which an actual of at most 2 is a decimal
DECIMAL_NATURES = (POSITIVE, EQUAL)   # (on a ≤ row reading 1 as 100% would cost points on a guess)


def _decimal_percent(actual: object, unit: object, target: object, a: Decimal, b: Decimal) -> bool:
    """Whether the actual of a row in % is a decimal for a percentage: a bare number from 0 to
    2 (0.95; a cell formatted as a percentage passes 95% so to Excel functions) against a target
    of 50% or more (满意度 ≥90%): 0.95% of users satisfied is no reading a table means. Under a
    smaller target (故障率 ≤1%, 增长率 ≥5%) such a number is read as written."""
    percent = (unit_word(unit if isinstance(unit, str) else None) in PERCENT_WORDS
               or isinstance(target, str) and target.strip().endswith(("%", "％")))
    if not percent or a < DECIMAL_PERCENT_FROM:
        return False
    bare = actual.strip().replace(".", "", 1).isdigit() if isinstance(actual, str) else True   # (no 0.95份)
    return bare and 0 < b <= 2


def _converted(values: tuple, unit: object) -> str:
    """What the scorer says of values written in another unit than the row's: 实际完成值“30分钟”
    按0.5小时计 (to four decimals, or four significant digits for a smaller value: 1秒 is 0.00001157天),
    实际完成值“0.95”按95%计 (a decimal, see :func:`_decimal_percent`)."""
    return "，".join(f"{label}“{quoted(value)}”按{fmt(round_half_up(number, max(4, 3 - number.adjusted())))}"
                    f"{'%' if written == _DECIMAL else unit_word(unit)}计" for label, value, written, number in values
                     if written)


def _from_target(nature: object, target: object, unit: object, rules, levels: object) -> tuple[str, object, object]:
    """(nature, target, unit) read out of a target that carries them; a blank 性质 cell (not a
    form without the column) is named in the message."""
    try:
        split = split_target(target, rules.bare_nature(levels))
    except PerfError as err:
        if nature is None:
            raise
        raise PerfError(f"绩效指标性质为空，且{err}", "nature") from None
    if split.nature == QUALITATIVE:
        return split.nature, target, unit
    return split.nature, split.value, unit if has_unit(unit) else (split.unit or None)


def _share(rules, nature: str, a: Decimal, b: Decimal) -> Decimal:
    """The share of 分值 a quantitative row of ``nature`` achieves, 0 to 1."""
    return min(max(QUANTITATIVE[rules.methods[nature]].share(a, b), _ZERO), _ONE)


def score_indicator(
    nature: object,
    target: object,
    actual: object,
    weight: object,
    profile: object = None,
    unit: object = None,
    levels: object = None,
) -> Decimal:
    """The 得分 of one indicator row (rounded as the profile says); ``levels`` as :func:`score_detail`."""
    return score_detail(nature, target, actual, weight, profile, unit, levels).score


def _amounts(budget: object, executed: object, rules, received: object = None,
             unit: object = None) -> tuple[Decimal, Decimal]:
    """The denominator of 执行率 (全年预算数, or 实际到位资金 when the profile says so) and the
    amount executed, in money ``unit`` (万元 when none is given): an amount written with its unit
    (``141.116万元``, ``1,411,160元``) is converted to it, so that both are in one unit."""
    if rules.funds_basis == "received":
        if is_blank(received):
            raise PerfError(f"规则“{rules.id}”按 执行率 = 实际支出 ÷ 实际到位资金 计算，缺少实际到位资金",
                            "received")
        budget, label, field = received, "实际到位资金", "received"
    else:
        label, field = "全年预算数", "annual"
    if unit is None or unit == "":
        _one_unit(((budget, label, field), (executed, "全年执行数", "executed")))
    with concerning(field):
        b = read_amount(budget, unit, label)
        if b <= 0:
            raise PerfError(f"{label}为{quoted(budget)}，无法计算执行率")
    with concerning("executed"):
        e = read_amount(executed, unit, "全年执行数")
        if e < 0:
            raise PerfError(f"全年执行数不能为负数（{quoted(executed)}）")
    return b, e


def _one_unit(amounts: tuple[tuple[object, str, str], ...]) -> None:
    """Amounts without a 金额单位 are in 万元 by default, but one written with its unit
    (``1411160元``, ``150万元``) beside one written without any (``1500000``: 元 or 万元?) cannot be
    put in one unit, so the rate is refused rather than guessed ((value, label, field) each)."""
    written = [(value, label, field, amount_unit(value)) for value, label, field in amounts]
    bare = next((w for w in written if not w[3]), None)
    other = next((w for w in written if w[3]), None)
    if bare is not None and other is not None:
        value, label, field, _ = bare
        raise PerfError(f"{other[1]}写的是{other[3]}，{label}“{quoted(value)}”没有写单位；请都写上单位，"
                        f"或写明金额单位（元 或 万元）", field)


def funds_share(budget: object, executed: object, profile: object = None, received: object = None,
                unit: object = None) -> Decimal:
    """执行率 unrounded: 全年执行数 ÷ 全年预算数 (or ÷ 实际到位资金, by the profile)."""
    b, e = _amounts(budget, executed, get_profile(profile), received, unit)
    return e / b


def exec_rate(budget: object, executed: object, profile: object = None, received: object = None,
              unit: object = None) -> Decimal:
    """执行率 = 全年执行数 / 全年预算数 (or / 实际到位资金, by the profile), as a fraction rounded as
    the profile says (0.9997); amounts in money ``unit`` (see :func:`_amounts`)."""
    return round_half_up(funds_share(budget, executed, profile, received, unit), get_profile(profile).rate_decimals)


def exec_score(budget: object, executed: object, weight: object = None, profile: object = None,
               received: object = None, unit: object = None) -> Decimal:
    """The funds row's 得分: min(执行率, 1) × 分值 (分值 defaults to the profile's, usually 10)."""
    return exec_detail(budget, executed, weight, profile, received, unit)[1]


def exec_detail(budget: object, executed: object, weight: object = None, profile: object = None,
                received: object = None, unit: object = None) -> tuple[Decimal, Decimal]:
    """The funds row's 执行率 unrounded (as :func:`funds_share`) and its 得分 (as
    :func:`exec_score`), the amounts read once."""
    rules = get_profile(profile)
    b, e = _amounts(budget, executed, rules, received, unit)
    points = rules.funds_weight if weight is None or weight == "" else parse_weight(weight)
    share = min(max(FUNDS[rules.funds_method].share(b, e), _ZERO), _ONE)
    return e / b, round_half_up(share * points, rules.decimals)


# Grades as reports and some forms write them (评价等次 优秀), read as the grade of the bands.
GRADE_SPELLINGS = {"优秀": "优", "良好": "良", "中等": "中", "合格": "中", "较差": "差", "不合格": "差"}


def written_grade(written: object) -> str:
    """A reported grade as the bands name it (优秀 is 优), for comparing with :func:`grade_of`."""
    text = str(written).strip()
    return GRADE_SPELLINGS.get(text, text)


def grade_of(total: object, profile: object = None) -> str:
    """优/良/中/差 for a total score (0 to the form's 100), by the profile's bands."""
    value = read_score(total, "总分")   # (90分 as 分值 and 得分 are read; an error value said as such)
    if value < 0:
        raise PerfError(f"总分不能为负数（{quoted(total)}）", "total")
    if value > form.TOTAL_WEIGHT:
        raise PerfError(f"总分{quoted(total)}超过满分{form.TOTAL_WEIGHT}分，无法确定等级", "total")
    for grade, minimum in get_profile(profile).grade_bands:
        if value >= minimum:
            return grade
    raise PerfError(f"总分{quoted(total)}不在任何等级区间内")
