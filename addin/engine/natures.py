"""绩效指标性质 (the nature of an indicator) and 分值, read from any spelling seen in real tables."""

from __future__ import annotations

from decimal import Decimal

from .errors import PerfError
from .numbers import normalize_text, quoted, read_value

POSITIVE, REVERSE, EQUAL, QUALITATIVE = "≥", "≤", "=", "定性"
NATURES = (POSITIVE, REVERSE, EQUAL, QUALITATIVE)
QUANTITATIVE_NATURES = (POSITIVE, REVERSE, EQUAL)
_SPELLINGS = {
    POSITIVE: (">=", "≥", "≧", "=>", "大于等于", "大于或等于", "不低于", "不少于", "不小于", "正向", "正向指标", ">"),
    REVERSE: ("<=", "≤", "≦", "=<", "小于等于", "小于或等于", "不高于", "不多于", "不超过", "不大于", "反向", "反向指标",
              "负向", "负向指标", "<"),
    EQUAL: ("=", "==", "等于", "═"),
    QUALITATIVE: ("定性", "定性指标"),
}
_NATURES = {s: n for n, spellings in _SPELLINGS.items() for s in spellings}
SPELLINGS = frozenset(_NATURES)   # every spelling :func:`parse_nature` reads as written


def parse_nature(value: object) -> str:
    """The 绩效指标性质 as one of ``≥ ≤ = 定性``, from any spelling seen in real tables."""
    if value.__class__ is str and value in SPELLINGS:   # written as listed: nothing to normalise
        return _NATURES[value]
    text = normalize_text(str(value)).replace(" ", "") if value is not None else ""
    if not text:
        raise PerfError("绩效指标性质为空，应为“≥”“≤”“=”或“定性”", "nature")
    if text not in _NATURES:
        raise PerfError(f"未知的绩效指标性质“{quoted(value)}”，应为“≥”“≤”“=”或“定性”", "nature")
    return _NATURES[text]


def parse_weight(value: object, label: str = "分值") -> Decimal:
    """A 分值 as typed: ``10``, ``10.0`` or ``10分``."""
    weight = read_value(value, None, label)
    if weight < 0:
        raise PerfError(f"{label}不能为负数（{quoted(value)}）", "weight")
    return weight
