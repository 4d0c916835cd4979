"""The five scoring methods of an evaluation indicator system, looked up by name in :data:`METHODS`.

Each method is a pure function of a parsed :class:`~.criteria.Criterion` and the evaluator's
inputs, returning points in [0, 分值] rounded to two decimals like Excel ``ROUND``; and each can
say which hand-typed scores it allows (``allows``), so that a workbook typed without inputs can
still be checked. Inputs a method cannot use raise :class:`PerfError` with a Chinese message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations

from ..errors import PerfError
from ..numbers import normalize_text, quoted, read_quantity, round_half_up, to_decimal
from ..units import convert, is_money, unit_at, unit_in
from .criteria import BAND, CHECKLIST, CIRCLED, DEDUCTION, JUDGEMENT, RATIO, Criterion


class NotAllowed(PerfError):
    """Inputs read as written that the criterion does not allow: an item it does not list (⑨ of
    four), two choices of exclusive tiers, a deduction outside its item's range, a value in no band."""


DECIMALS = 2
_ZERO, _ONE = Decimal(0), Decimal(1)
_ALL = {"全部", "全选", "所有", "全部达成", "全部满足", "all"}
_NONE = {"无", "0", "没有", "均未达成", "都未达成", "none"}
_NO_DEDUCTION = {"无", "不扣分", "未扣分", "没有", "无扣分"}   # 扣分 written as words for none


def _round(value: Decimal) -> Decimal:
    return round_half_up(value, DECIMALS)


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def chosen_items(criterion: Criterion, met: object) -> tuple[int, ...]:
    """The item numbers written in a 达成项 cell: ``①②④``, ``1,2,4``, ``全部``; ``无`` or empty for none."""
    numbers = [i.number for i in criterion.items]
    if _empty(met):
        return ()
    if isinstance(met, (int, float, Decimal)) and not isinstance(met, bool):
        number = Decimal(str(met))
        if number == 0:
            return ()
        if not number.is_finite() or number != number.to_integral_value() or number < 1:
            raise PerfError(f"达成项“{quoted(met)}”不是评分标准中的项目编号（应为1至{len(numbers)}的整数）", "met")
        picked = [int(number)]
    else:
        text = str(met).strip()
        if normalize_text(text).lower() in _NONE:
            return ()
        if normalize_text(text).lower() in _ALL:
            if criterion.alternatives:
                raise NotAllowed("该评分标准各项为互斥的档次，只能选择一项，不能填“全部”", "met")
            return tuple(numbers)
        picked = [CIRCLED.index(ch) + 1 for ch in text if ch in CIRCLED]
        rest = "".join(ch for ch in text if ch not in CIRCLED)
        rest = normalize_text(rest)
        if re.fullmatch(r"[\d\s,，、;；/和及]*", rest) is None:
            raise PerfError(f"达成项“{quoted(met)}”应写成 ①②④、1,2,4 或 全部", "met")
        written = re.findall(r"\d+", rest)
        unknown = sorted({n.lstrip("0") or "0" for n in written} - {str(n) for n in numbers}, key=lambda n: (len(n), n))
        if unknown:   # (compared as text: Python's int() refuses thousands of digits)
            raise NotAllowed(f"达成项“{quoted(met)}”中的第{quoted('、'.join(unknown))}项不在评分标准中"
                            f"（共{len(numbers)}项）", "met")
        picked += [int(n) for n in written]
    unknown = sorted({n for n in picked if n not in numbers})
    if unknown:
        raise NotAllowed(f"达成项“{quoted(met)}”中的第{quoted('、'.join(map(str, unknown)))}项不在评分标准中"
                        f"（共{len(numbers)}项）", "met")
    if len(set(picked)) != len(picked):
        raise NotAllowed(f"达成项“{quoted(met)}”中有重复的项", "met")
    if criterion.alternatives and len(picked) > 1:
        raise NotAllowed("该评分标准各项为互斥的档次，只能选择一项", "met")
    return tuple(sorted(picked))


def checklist(criterion: Criterion, met: object) -> Decimal:
    """The sum of the points of the items met (or the points of the one chosen alternative)."""
    chosen = set(chosen_items(criterion, met))
    return _round(sum((i.high for i in criterion.items if i.number in chosen), _ZERO))


def _checklist_allows(criterion: Criterion, score: Decimal) -> bool:
    points = [i.high for i in criterion.items]
    if criterion.alternatives:
        return score == 0 or score in points
    return any(sum(c, _ZERO) == score for n in range(len(points) + 1) for c in combinations(points, n))


# A bare number up to this (200%) is a fraction for a % band: what a %-formatted cell holds.
FRACTION_LIMIT = Decimal(2)


def band_value(criterion: Criterion, value: object) -> Decimal:
    """The value to place in a band, in the criterion's unit.

    A value written with a unit is converted to the criterion's unit when both measure the same
    quantity (``180分钟`` → 3 for a band in 小时, ``2天`` → 48) and refused otherwise (``85%`` for a
    band in 小时); a bare number (a number cell or a text without unit) is taken in the criterion's
    unit. For a % band a bare number from 0 to 2 is a fraction, as a %-formatted cell holds it
    (0.85 → 85, 1.05 → 105), and a larger one is already in % (85 → 85); ``85%`` is 85. When the
    band's own boundaries lie from 0 to 2% (``差错率1%以内``) and the two readings score
    differently, the number is refused rather than guessed: it should then be written ``0.5%``.
    """
    if _empty(value):
        raise PerfError("实际值为空", "value")
    number, after = read_quantity(value, criterion.unit or None, "实际值")
    unit = (unit_in(after, criterion.unit) if criterion.unit else "") or unit_at(after)   # (1.2万人: 万人)
    if unit and criterion.unit:
        converted = convert(number, unit, criterion.unit)
        if converted is None:
            raise PerfError(f"实际值“{value}”的单位是{unit}，评分标准的单位是{criterion.unit}，"
                            f"两者无法换算，请按{criterion.unit}填写", "value")
        return converted
    if not unit and criterion.unit == "%" and after.lstrip().startswith("分"):   # 4.5分: a score, not a rate
        raise PerfError(f"实际值“{quoted(value)}”是分数，评分标准按百分比分档，请填写百分比（如 85%）", "value")
    if unit or criterion.unit != "%" or not _ZERO <= number <= FRACTION_LIMIT:
        return number
    fraction = number * 100
    small = [b for band_ in criterion.bands for b in (band_.low, band_.high)
             if b is not None and _ZERO < b <= FRACTION_LIMIT]
    if small and _band_points(criterion, fraction) != _band_points(criterion, number):
        as_fraction, as_percent = f"{fraction.normalize():f}%", f"{number.normalize():f}%"
        raise PerfError(f"实际值{value}可读作{as_fraction}（百分比格式的单元格）或{as_percent}，两者得分不同，"
                        f"请写成带%的文字，如“{as_fraction}”或“{as_percent}”", "value")
    return fraction


def _band_points(criterion: Criterion, number: Decimal) -> Decimal | None:
    return next((b.points for b in criterion.bands if b.contains(number)), None)


# Rates that are a share of one whole and cannot pass 100% (完成率, 执行率 and 到位率 can)
_SHARE_OF_WHOLE = re.compile(r"满意[率度]|合格率|达标率|覆盖率|知晓率|准确率|正确率|通过率|及格率|参与率|入学率|出勤率|"
                             r"好评率|响应率")


def share_of_whole(criterion: Criterion) -> str:
    """The rate a % band places (满意率 of ``满意率达90%（含）以上的得8分…``) when it is a share of one
    whole that cannot pass 100%; '' for any other band."""
    found = _SHARE_OF_WHOLE.search(criterion.text) if criterion.unit == "%" else None
    return found.group() if found else ""


def band(criterion: Criterion, value: object) -> Decimal:
    """The points of the band the value falls in. A share of a whole (满意率, 合格率 …) above 100%
    is no value a survey or a check gives (120%, or 2 of a %-formatted cell: 200%): refused."""
    number = band_value(criterion, value)
    if number > 100 and (share := share_of_whole(criterion)):
        shown = f"{number.normalize():f}%"
        read_as = "" if quoted(value).replace(" ", "") == shown else f"即{shown}"
        raise NotAllowed(f"实际值{quoted(value)}{read_as}，{share}不会超过100%，请核实", "value")
    points = _band_points(criterion, number)
    if points is not None:
        return _round(points)
    raise NotAllowed(f"实际值{number}{criterion.unit}不在评分标准的任何一档内", "value")


def _band_allows(criterion: Criterion, score: Decimal) -> bool:
    return score in {b.points for b in criterion.bands}


def ratio(criterion: Criterion, actual: object, planned: object) -> Decimal:
    """min(实际 ÷ 计划, 1) × 分值; for costs (``按超支比例扣减``) 分值 × (1 − 超支比例). Amounts in
    two money units are converted; one with a money unit beside a bare number is refused."""
    a, a_after = read_quantity(actual, None, "实际值")
    p, p_after = read_quantity(planned, None, "计划值")
    have, want = unit_at(a_after), unit_at(p_after)
    if bool(have) != bool(want) and is_money(have or want):   # 950000 of 100万元: 元 or 万元?
        bare, label = (planned, "计划值") if have else (actual, "实际值")
        raise PerfError(f"{'实际值' if have else '计划值'}写的是{have or want}，{label}“{quoted(bare)}”没有写单位；"
                        f"请都写上单位", "planned" if have else "value")
    if have and want and have != want:   # 2,070,000元 of 369万元 is 207万元 of it
        converted = convert(a, have, want)
        if converted is None:
            raise PerfError(f"实际值“{quoted(actual)}”的单位是{have}，计划值的单位是{want}，两者无法换算", "value")
        a = converted
    if p <= 0:
        raise PerfError(f"计划值为{p}，无法计算比例", "planned")
    if a < 0:
        raise PerfError(f"实际值不能为负数（{a}）", "value")
    share = _ONE - max(a - p, _ZERO) / p if criterion.overspend else a / p
    return _round(min(max(share, _ZERO), _ONE) * criterion.points)


def _ratio_allows(criterion: Criterion, score: Decimal) -> bool:
    return _ZERO <= score <= criterion.points


def read_deductions(value: object) -> tuple[tuple[int | None, Decimal], ...]:
    """扣分 as typed: ``3``, ``2,3``, ``扣2分`` or ``①4③3`` → ((item number or None, amount), …)."""
    if _empty(value):
        return ()
    if isinstance(value, (int, float, Decimal)):   # (TRUE is refused as a logical value)
        amount = to_decimal(value, "扣分")
        return () if amount == 0 else ((None, amount),)
    if normalize_text(str(value)).replace(" ", "") in _NO_DEDUCTION:
        return ()
    text = re.sub("[扣分]", "", str(value)).strip()   # 扣2分, ①扣4分: the words around the amounts
    named = re.findall(f"([{CIRCLED}])\\s*([0-9.]+)", text)
    if named:
        rest = re.sub(f"[{CIRCLED}]\\s*[0-9.]+", "", text)
        if re.search(r"\d", normalize_text(rest)):   # ①4,2: which item deducts the 2?
            raise PerfError(f"扣分“{quoted(value)}”中有未写编号的扣分，请每项都写明编号（如①4②2）", "deductions")
        return tuple((CIRCLED.index(n) + 1, to_decimal(a, "扣分")) for n, a in named)
    parts = [p for p in re.split(r"[,，、;；\s+]+", normalize_text(text)) if p]
    try:
        amounts = tuple((None, to_decimal(p, "扣分")) for p in parts)
    except PerfError:   # (quoting what was typed, not what is left once 扣 and 分 are off)
        raise PerfError(f"扣分“{quoted(value)}”不是数值（应写成 2、2,3、扣2分 或 ①4③3）", "deductions") from None
    return tuple(a for a in amounts if a[1] != 0)


def _fits(items, amounts) -> bool:
    """Each amount can be given by a distinct item within the item's range: a matching of the
    amounts to the items, each amount placed by an augmenting path (Kuhn's algorithm). Trying
    every order of the items had taken seconds for 11 items, hours for a few more."""
    holder: dict[int, int] = {}   # item index -> the amount it gives

    def place(amount: int, tried: set[int]) -> bool:
        for index, item in enumerate(items):
            if index not in tried and item.low <= amounts[amount] <= item.high:
                tried.add(index)
                if index not in holder or place(holder[index], tried):
                    holder[index] = amount
                    return True
        return False

    return all(place(amount, set()) for amount in range(len(amounts)))


def deduction(criterion: Criterion | Decimal, deductions: object) -> Decimal:
    """分值 minus the deductions, floored at 0; with a criterion, each deduction must lie in the
    range its item allows (``扣4-7分``) or be 0 (``①0``: the item deducts nothing), and each item
    deducts at most once."""
    entries = read_deductions(deductions)
    if any(amount < 0 for _, amount in entries):
        raise PerfError("扣分不能为负数", "deductions")
    points = criterion.points if isinstance(criterion, Criterion) else criterion
    if isinstance(criterion, Criterion) and criterion.items and entries:
        by_number = {i.number: i for i in criterion.items}
        for number, amount in entries:
            item = by_number.get(number) if number is not None else None
            if number is not None and item is None:
                raise NotAllowed(f"评分标准中没有第{number}项扣分", "deductions")
            if item is not None and amount != 0 and not item.low <= amount <= item.high:   # ①0 deducts nothing
                raise NotAllowed(f"第{number}项“{item.label}”应扣{_span(item)}分，填报扣{amount}分", "deductions")
        named = [n for n, _ in entries if n is not None]
        if len(set(named)) != len(named):
            raise NotAllowed("同一扣分项只能扣一次", "deductions")
        free = [a for n, a in entries if n is None]
        rest = [i for i in criterion.items if i.number not in named]
        if len(free) > len(rest) or not _fits(rest, free):
            allowed = "；".join(f"{i.label}扣{_span(i)}分" for i in criterion.items)
            raise NotAllowed(f"扣分{'、'.join(map(str, free))}与评分标准的扣分项不符（{allowed}）", "deductions")
    total = sum((a for _, a in entries), _ZERO)
    return _round(max(points - total, _ZERO))


def _span(item) -> str:
    return f"{item.low}" if item.low == item.high else f"{item.low}–{item.high}"


def _deduction_allows(criterion: Criterion, score: Decimal) -> bool:
    if not _ZERO <= score <= criterion.points:
        return False
    needed = criterion.points - score
    if needed == 0:
        return True
    items = criterion.items
    for n in range(1, len(items) + 1):
        for subset in combinations(items, n):
            low, high = sum(i.low for i in subset), sum(i.high for i in subset)
            if low <= needed <= high or (score == 0 and high >= needed):
                return True
    return False


def judgement(criterion: Criterion, score: object) -> Decimal:
    """The evaluator's score, which must lie within [0, 分值]."""
    value = to_decimal(score, "自评得分")
    if not _ZERO <= value <= criterion.points:
        raise PerfError(f"自评得分{value}应在0–{criterion.points}分之间", "score")
    return _round(value)


@dataclass(frozen=True)
class Inputs:
    """What an evaluator fills in for an item, by the workbook's input columns."""

    met: object = None          # 达成项
    value: object = None        # 实际值
    planned: object = None      # 计划值
    deductions: object = None   # 扣分
    score: object = None        # 自评得分 (judgement)


@dataclass(frozen=True)
class Method:
    name: str
    label: str                                   # the Chinese name shown to users
    inputs: tuple[str, ...]                      # fields of Inputs it needs
    score: Callable[[Criterion, Inputs], Decimal]
    allows: Callable[[Criterion, Decimal], bool]


METHODS = {
    m.name: m
    for m in (
        Method(CHECKLIST, "逐项计分", ("met",), lambda c, i: checklist(c, i.met), _checklist_allows),
        Method(BAND, "分档计分", ("value",), lambda c, i: band(c, i.value), _band_allows),
        Method(RATIO, "比例计分", ("value", "planned"), lambda c, i: ratio(c, i.value, i.planned),
               _ratio_allows),
        Method(DEDUCTION, "扣分制", ("deductions",), lambda c, i: deduction(c, i.deductions),
               _deduction_allows),
        Method(JUDGEMENT, "酌情评分", ("score",), lambda c, i: judgement(c, i.score), _ratio_allows),
    )
}
