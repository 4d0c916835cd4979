"""Scoring methods, looked up by the names the profiles use.

A quantitative method turns the 年度指标值 A and the 实际完成值 B of a row into the share of
分值 earned before the cap at 1; a funds method does the same for the budget and the amount
executed. Each entry says which 绩效指标性质 it may serve, so a profile that names a method for
the wrong nature is refused when it is loaded, not silently ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from .errors import PerfError
from .natures import EQUAL, POSITIVE, REVERSE

_ZERO, _ONE = Decimal(0), Decimal(1)


@dataclass(frozen=True)
class Method:
    """A named formula: ``share(a, b)`` is the share of 分值 before the cap."""

    name: str
    natures: tuple[str, ...]
    share: Callable[[Decimal, Decimal], Decimal]
    description: str


def _ratio(a: Decimal, b: Decimal) -> Decimal:
    if a <= 0:
        raise PerfError(f"正向指标的年度指标值为{a}，无法按“实际完成值/年度指标值”计分", "target")
    return b / a


def _inverse_ratio(a: Decimal, b: Decimal) -> Decimal:
    if a < 0 or b < 0:
        raise PerfError("反向指标的年度指标值和实际完成值不能为负数", "actual" if a >= 0 else "target")
    if b <= a:
        return _ONE
    return _ZERO if a == 0 else a / b


def _linear_to_double(a: Decimal, b: Decimal) -> Decimal:
    if a < 0 or b < 0:
        raise PerfError("反向指标的年度指标值和实际完成值不能为负数", "actual" if a >= 0 else "target")
    if b <= a:
        return _ONE
    return _ZERO if a == 0 else _ONE - (b - a) / a


def _min_ratio(a: Decimal, b: Decimal) -> Decimal:
    if b == a:
        return _ONE
    if a <= 0 or b <= 0:
        return _ZERO
    return min(a / b, b / a)


def _all_or_nothing(a: Decimal, b: Decimal) -> Decimal:
    return _ONE if b == a else _ZERO


QUANTITATIVE = {
    m.name: m
    for m in (
        Method("ratio_capped", (POSITIVE,), _ratio, "min(B/A, 1) × 分值"),
        Method("inverse_ratio_capped", (REVERSE,), _inverse_ratio, "min(A/B, 1) × 分值；B = 0 得满分"),
        Method("linear_to_double", (REVERSE,), _linear_to_double,
               "B ≤ A 满分；A < B < 2A 按 (1 − (B−A)/A) × 分值；B ≥ 2A 不得分"),
        Method("min_ratio", (EQUAL,), _min_ratio, "B = A 满分，否则 min(A/B, B/A) × 分值"),
        Method("all_or_nothing", (EQUAL,), _all_or_nothing, "B = A 满分，否则不得分"),
    )
}


def _rate_capped(budget: Decimal, executed: Decimal) -> Decimal:
    return executed / budget


FUNDS = {
    m.name: m
    for m in (Method("rate_capped", (), _rate_capped, "min(全年执行数/全年预算数, 1) × 分值"),)
}


def over_share(nature: str, a: Decimal, b: Decimal) -> Decimal | None:
    """How far B went beyond A in the favourable direction: (B − A)/A for ≥, (A − B)/B for ≤;
    ``None`` when it did not (or the ratio is undefined)."""
    if nature == POSITIVE and b > a > 0:
        return (b - a) / a
    if nature == REVERSE and a > b > 0:
        return (a - b) / b
    return None


OVER_TARGET_NATURES = (POSITIVE, REVERSE)  # natures for which over_share is defined
