"""Numbers for scoring: exact decimals, Excel-style rounding, and numbers read out of free text.

Scores are computed with :mod:`decimal` so that ``ROUND(x, 2)`` in the engine gives what Excel's
``ROUND`` gives (half away from zero on the decimal value the user sees, not on a binary float).
Real 实际完成值 cells are often sentences (``项目总金额993.5559万元，2024年支出695.82万元``); the
number is read out of them guided by the indicator's unit, and a year such as ``2024年`` is never
taken for the value.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import PerfError

# Units written in several ways in real tables; each group reads as one unit.
_UNIT_ALIASES = (
    ("小时", "时", "h"),
    ("平米", "平方米", "㎡", "m2"),
    ("分钟", "分"),
    ("%", "％"),
)
# Unit cells that carry no unit information.
_NO_UNIT = {"", "/", "其他", "无", "—", "-"}

_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_NUMBER = re.compile(r"(?<![\d.])(-?)(\d+(?:\.\d+)?)")
_THOUSANDS = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+)(?![\d,])")
_YEAR_AFTER = re.compile(r"^(?:年|-\d{4}年|—\d{4}年|至\d{4}年|\.\d{1,2}\.\d{1,2})")


def normalize_text(value: str) -> str:
    """Full-width digits, letters, ``％`` and punctuation to their ASCII forms; HTML fragments
    pasted from web systems (``<br/>``, ``&nbsp;``) removed; outer spaces off."""
    text = _HTML_TAG.sub(" ", html.unescape(value)) if ("<" in value or "&" in value) else value
    return unicodedata.normalize("NFKC", text).strip()


def to_decimal(value: object, label: str) -> Decimal:
    """A number typed by a user (int, float, Decimal or a plain numeric text) as a Decimal.

    Floats are read through ``str`` so that 0.1 stays 0.1, as Excel shows it. ``label`` names the
    field in the error message.
    """
    if isinstance(value, bool):
        raise PerfError(f"{label}应为数值，收到的是逻辑值“{value}”")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(str(value))
    elif isinstance(value, str):
        text = normalize_text(value).replace(",", "")
        percent = text.endswith("%")
        if percent:
            text = text[:-1].strip()
        if not text:
            raise PerfError(f"{label}为空")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise PerfError(f"{label}“{value}”不是数值") from None
    elif value is None:
        raise PerfError(f"{label}为空")
    else:
        raise PerfError(f"{label}应为数值，收到的是“{value}”")
    if not result.is_finite():
        raise PerfError(f"{label}“{value}”不是有限的数值")
    return result


def as_float(value: object) -> object:
    """A Decimal as the float Excel, JSON and pandas take; anything else as it is. The engine
    computes in Decimal; this is the one place results leave it."""
    return float(value) if isinstance(value, Decimal) else value


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    """Round like Excel ``ROUND``: half away from zero, to ``decimals`` places."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class _Token:
    value: Decimal
    after: str  # the text right after the number (its unit, if any)
    is_year: bool


def _unit_forms(unit: str | None) -> tuple[str, ...]:
    """The spellings that count as ``unit`` when they follow a number, longest first."""
    if unit is None:
        return ()
    text = normalize_text(str(unit))
    if text in _NO_UNIT:
        return ()
    # Units like "个(单位:) TB": the last word is the one written after numbers.
    text = re.sub(r"\(.*?\)", " ", text).split()[-1] if text.split() else text
    forms = {text}
    for group in _UNIT_ALIASES:
        if text in group:
            forms.update(group)
    return tuple(sorted(forms, key=len, reverse=True))


def _tokens(text: str) -> list[_Token]:
    text = _THOUSANDS.sub(lambda m: m.group(1).replace(",", ""), text)
    tokens = []
    for match in _NUMBER.finditer(text):
        sign, digits = match.groups()
        after = text[match.end():]
        is_year = (
            not sign
            and re.fullmatch(r"(19|20)\d{2}", digits) is not None
            and _YEAR_AFTER.match(after) is not None
        )
        tokens.append(_Token(Decimal(sign + digits), after.lstrip(), is_year))
    return tokens


def read_value(value: object, unit: object = None, label: str = "实际完成值") -> Decimal:
    """The number a cell stands for: the cell itself if numeric, else read out of its text.

    In a text, the first number written in the indicator's ``unit`` wins (``…993.5559万元，2024年
    支出695.82万元`` with unit 万元 is 993.5559); without such a number, the first number that is
    not a year. ``99.90%`` reads as 99.90. A text with no usable number raises :class:`PerfError`.
    """
    if value is None or isinstance(value, (bool, int, float, Decimal)):
        return to_decimal(value, label)
    if not isinstance(value, str):
        raise PerfError(f"{label}应为数值或文字，收到的是“{value}”")
    text = normalize_text(value)
    if not text:
        raise PerfError(f"{label}为空")
    candidates = [t for t in _tokens(text) if not t.is_year]
    if not candidates:
        raise PerfError(f"{label}“{value}”中没有可用的数值")
    for form in _unit_forms(unit if isinstance(unit, str) else None):
        for token in candidates:
            if token.after.startswith(form):
                return token.value
    return candidates[0].value
