"""Numbers for scoring: exact decimals, Excel-style rounding, and numbers read out of free text.

Scores are computed with :mod:`decimal` so that ``ROUND(x, 2)`` in the engine gives what Excel's
``ROUND`` gives (half away from zero on the decimal value the user sees, not on a binary float).
Real 实际完成值 cells are often sentences (``项目总金额993.5559万元，2024年支出695.82万元``); the
number is read out of them guided by the indicator's unit, and a year such as ``2024年`` is never
taken for the value, nor is any part of a date (``2024年12月31日``, ``2024-12-31``).

Every number the engine accepts is finite and bounded (:func:`bounded`), so that no later
computation can overflow :mod:`decimal`; a number outside it is a :class:`PerfError`, like any
other input the engine cannot use. The minus sign may be written as ``-`` or as any Unicode
minus (``−`` U+2212, ``－``, ``﹣`` …); scientific notation (``1.5e3``) is read whole.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from typing import NamedTuple
from functools import lru_cache
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import PerfError
from .units import MONEY_SHORT, MONEY_SPELLINGS, convert, is_money, unit_at, unit_in

# Units written in several ways in real tables; each group reads as one unit.
_UNIT_ALIASES = (
    ("小时", "时", "h"),
    ("平米", "平方米", "㎡", "m2"),
    ("分钟", "分"),
    ("%", "％"),
)
# What real tables write in a cell for "nothing" (besides leaving it empty): after NFKC and
# without spaces. Readers treat such cells as blank; a unit cell may also say 其他.
BLANK_MARKS = frozenset({"", "/", "无", "—", "——", "-", "\\"})
_NO_UNIT = BLANK_MARKS | {"其他"}


def is_blank(value: object) -> bool:
    """An empty cell: nothing, or text of spaces only."""
    return value is None or (isinstance(value, str) and not value.strip())


def has_unit(unit: object) -> bool:
    """Whether a 度量单位 cell names a unit (not empty, /, 无, 其他 …)."""
    return unit is not None and normalize_text(str(unit)).replace(" ", "") not in _NO_UNIT

# Inputs must be smaller than this in magnitude: far above any amount, score or count in a
# self-evaluation table (Excel itself keeps 15 significant digits), and small enough that no
# product or quotient the engine forms can exceed decimal's default precision.
LIMIT_DIGITS = 15   # |x| < 10**15
TINY_DIGITS = -15   # nonzero |x| >= 10**-15
# Characters that mean minus, beyond ASCII "-" (NFKC already maps － and ﹣ to "-", ⁻ and ₋ to −):
# MINUS SIGN, HEAVY MINUS SIGN, HYPHEN, NON-BREAKING HYPHEN. En and em dashes stay dashes
# (ranges such as 2022—2023年).
_MINUS = str.maketrans({"\u2212": "-", "\u2796": "-", "\u2010": "-", "\u2011": "-"})
# How many characters of a cell an error message quotes.
_QUOTE_LIMIT = 60

_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_NUMBER = re.compile(r"(?<![\d.])(-?)(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)")
# Dates written in a text: 2024年12月31日, 2024年12月, 12月31日, 2024-12-31, 2024/12/31, 2024.12.31, 次年3月,
# and times of day (12:30, 2024-06-30 12:30:00): no part of either is a value.
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?"
_DATE = re.compile(
    r"(?<!\d)(?:(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?"
    r"|\d{1,2}\s*月\s*\d{1,2}\s*[日号]|(?<=[次下翌明今本当上去]年)\s*\d{1,2}\s*月"
    rf"|(?:19|20)\d{{2}}([-/.])\d{{1,2}}\1\d{{1,2}}|{_CLOCK})(?!\d)"
)
_ONLY_CLOCK = re.compile(rf"\s*{_CLOCK}\s*")
# A formula's error value stored as text: Excel's (#DIV/0!, #N/A, #VALUE! …) or LibreOffice's
# Err:502 … Err:539; read as a number, Err:508 was 508
LIBREOFFICE_ERROR = re.compile(r"Err:5\d\d")
ERROR_VALUE = re.compile(rf"#(?:N/A|GETTING_DATA|[A-Z0-9/]{{2,8}}[!?])|{LIBREOFFICE_ERROR.pattern}")
# Powers of ten written out (1.5×10³, 2*10^5, 3×10的4次方): refused rather than read as their
# first number.
_POWER_OF_TEN = re.compile(r"\d\s*[×xX*]\s*10\s*(?:\^|\*\*|[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]|的)")
_THOUSANDS = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+)(?![\d,])")
_MAY_BE_DATE = re.compile(r"月|:|[-/.].*[-/.]", re.S)   # what every match of _DATE contains
_YEAR = re.compile(r"(?:19|20)\d{2}")
_BRACKETS = re.compile(r"\(.*?\)")
_YEAR_AFTER = re.compile(r"^(?:年|-\d{4}年|—\d{4}年|至\d{4}年|\.\d{1,2}\.\d{1,2})")


def normalize_text(value: str) -> str:
    """Full-width digits, letters, ``％`` and punctuation to their ASCII forms; HTML fragments
    pasted from web systems (``<br/>``, ``&nbsp;``) removed; outer spaces off."""
    text = _HTML_TAG.sub(" ", html.unescape(value)) if ("<" in value or "&" in value) else value
    return unicodedata.normalize("NFKC", text).translate(_MINUS).strip()


def quoted(value: object) -> str:
    """A cell's value as an error message quotes it, as Excel shows it (``TRUE``; ``2024-12-31``
    and ``02:00`` for a date and a time cell; ``5`` for 5.0,
    ``-0.0000001`` for -1e-07, ``0`` for -0.0; a number beyond those as Python writes it, 1e+26):
    at most :data:`_QUOTE_LIMIT` characters."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.date, dt.time)):   # a date or time cell (a datetime is a date)
        return _date_text(value)
    if value.__class__ is float and (1e-9 <= abs(value) < 1e15 or not value):
        value = format(Decimal(repr(value)).normalize(), "f") if value else "0"
    elif value.__class__ is float:   # beyond: 1e+26, as Excel's 1E+26 (and nan, inf)
        value = format(value, ".15g")
    try:
        text = str(value)
    except ValueError:  # an int beyond Python's str() digit limit
        return "位数过多的整数"
    return text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 1] + "…"


def _date_text(value: dt.date | dt.time) -> str:
    """A date or time cell as Excel shows it: 2024-12-31, 2024-12-31 08:30, 02:00 (its seconds
    where it has any)."""
    if isinstance(value, dt.datetime) and value.time() != dt.time():
        return value.isoformat(" ", "seconds" if value.second else "minutes")
    if isinstance(value, dt.time):
        return value.isoformat("seconds" if value.second else "minutes")
    return (value.date() if isinstance(value, dt.datetime) else value).isoformat()


def fmt(value: Decimal) -> str:
    """A decimal as people write it: no exponent, no trailing zeros (600% → ``6``), no minus on a
    zero (−0.0, which a cell may hold, is shown 0 as in Excel)."""
    return format((value if value else abs(value)).normalize(), "f")


def bounded(number: Decimal, value: object, label: str) -> Decimal:
    """``number`` (read from ``value``) if it is finite, below 10¹⁵ and, unless zero, not
    below 10⁻¹⁵ in magnitude: within these bounds no quotient or product the engine
    forms leaves decimal's range."""
    if not number.is_finite():
        raise PerfError(f"{label}“{quoted(value)}”不是有限的数值")
    if number:
        digits = number.adjusted()   # no context, cannot overflow
        if digits >= LIMIT_DIGITS:
            raise PerfError(f"{label}“{quoted(value)}”超出可计算的范围（绝对值应小于10的15次方）")
        if digits < TINY_DIGITS:
            raise PerfError(f"{label}“{quoted(value)}”超出可计算的范围（非零数值的绝对值应不小于10的-15次方）")
    return number


def _decimal(text: str) -> Decimal | None:
    """``Decimal(text)``, or ``None`` when it is no number or its exponent is beyond what
    :mod:`decimal` can hold (``1e9999999999999999999``)."""
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


@lru_cache(maxsize=4096)
def _float_decimal(value: float) -> Decimal:
    """A float as the Decimal Excel shows, to 15 significant digits: the sum 16.6 + 13.41 + …
    that Excel holds as 89.99999999999999 and shows as 90 is 90 (graded 优, not 良); 0.1 stays
    0.1. (Cached with :func:`_bounded_float`: a batch repeats the same weights and scores.)"""
    return Decimal(format(value, ".15g"))


@lru_cache(maxsize=4096)
def _bounded_float(value: float) -> Decimal | None:
    """:func:`_float_decimal` when it is within :func:`bounded`'s limits, else ``None`` (cached
    with it: the check is a pure function of the float)."""
    number = _float_decimal(value)
    try:
        return bounded(number, value, "")
    except PerfError:
        return None


def to_decimal(value: object, label: str) -> Decimal:
    """A number typed by a user (int, float, Decimal or a plain numeric text) as a Decimal.

    Floats are read to the 15 significant digits Excel shows, so that 0.1 stays 0.1. ``label`` names the
    field in the error message.
    """
    if value.__class__ is float and value:   # the common case first (not -0.0, see below)
        return _bounded_float(value) or bounded(_float_decimal(value), value, label)
    if isinstance(value, bool):
        raise PerfError(f"{label}应为数值，收到的是逻辑值“{quoted(value)}”")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = _float_decimal(value) if value else Decimal(str(value))   # -0.0 kept apart from 0.0
    elif isinstance(value, str):
        text = normalize_text(value).replace(",", "")
        percent = text.endswith("%")
        if percent:
            text = text[:-1].strip()
        if not text:
            raise PerfError(f"{label}为空")
        if "_" in text or _DATE.fullmatch(text):  # Decimal("1_000") is 1000; a date is no number
            raise PerfError(f"{label}“{quoted(value)}”不是数值")
        result = _decimal(text)
        if result is None and _NUMBER.fullmatch(text):
            raise PerfError(f"{label}“{quoted(value)}”超出可计算的范围（绝对值应小于10的15次方）")
        if result is None:
            raise PerfError(f"{label}“{quoted(value)}”不是数值")
    elif value is None:
        raise PerfError(f"{label}为空")
    else:
        raise PerfError(f"{label}应为数值，收到的是“{quoted(value)}”")
    return bounded(result, value, label)


def as_float(value: object) -> object:
    """A Decimal as the float Excel, JSON and pandas take; anything else as it is. The engine
    computes in Decimal; this is the one place results leave it."""
    return float(value) if isinstance(value, Decimal) else value


_QUANTA: dict[int, Decimal] = {}   # 10**-decimals by decimals, made once


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    """Round like Excel ``ROUND``: half away from zero, to ``decimals`` places. A result too
    large to hold that many places (a rate over a budget of 1e-20) is a :class:`PerfError`."""
    quantum = _QUANTA.get(decimals)
    if quantum is None:
        quantum = _QUANTA[decimals] = Decimal(1).scaleb(-decimals)
    try:
        return value.quantize(quantum, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise PerfError("计算结果超出可计算的范围，请检查输入的数值是否过大或过小") from None


class _Token(NamedTuple):   # a tuple: made for every number in every text cell
    value: Decimal | None  # None: an exponent beyond what decimal can hold
    after: str  # the text right after the number (its unit, if any)
    is_date: bool  # a year (2024年) or any part of a date (2024年12月31日)


@lru_cache(maxsize=1024)
def unit_word(unit: str | None) -> str:
    """The word a unit cell names, as written after numbers ('' for none): units like "个(单位:)
    TB" give their last word, a unit all in brackets, （万元） or (%), the word inside them."""
    if unit is None:
        return ""
    text = normalize_text(str(unit))
    if text in _NO_UNIT:
        return ""
    words = _BRACKETS.sub(" ", text).split() or text.strip("() ").split()
    return words[-1] if words else text


@lru_cache(maxsize=1024)
def _unit_forms(unit: str | None) -> tuple[str, ...]:
    """The spellings that count as ``unit`` when they follow a number, longest first (cached:
    units are a small vocabulary, 万元 % 个 次 …, met on most rows)."""
    text = unit_word(unit)
    if not text:
        return ()
    forms = {text}
    for group in _UNIT_ALIASES:
        if text in group:
            forms.update(group)
    return tuple(sorted(forms, key=len, reverse=True))


def _tokens(text: str) -> list[_Token]:
    if "," in text:
        text = _THOUSANDS.sub(lambda m: m.group(1).replace(",", ""), text)
    # a date has 年…月, 月…日 or two of - / . between its numbers: most texts have none
    dates = [m.span() for m in _DATE.finditer(text)] if _MAY_BE_DATE.search(text) else []
    tokens = []
    for match in _NUMBER.finditer(text):
        sign, digits = match.groups()
        after = text[match.end():]
        is_date = (dates and any(start <= match.start(2) < end for start, end in dates)) or (
            not sign
            and _YEAR.fullmatch(digits) is not None
            and _YEAR_AFTER.match(after) is not None
        )
        tokens.append(_Token(_decimal(sign + digits), after.lstrip(), is_date))
    return tokens


# An amount written with its money unit: 141.116万元, 1,411,160元, 150万, 0.5亿
AMOUNT = re.compile(r"(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(" + "|".join(MONEY_SPELLINGS) + ")")


def money_unit(unit: object) -> str:
    """A 金额单位 as amounts are converted to: 万元 when blank (the central form's), 万 and 亿 as
    万元 and 亿元, a unit cell's word (（元） is 元). Raises :class:`PerfError` (field ``unit``) for
    a unit that is no money unit."""
    if unit is None or unit == "":
        return "万元"
    word = unit_word(str(unit))
    word = MONEY_SHORT.get(word, word)
    if not is_money(word):
        raise PerfError(f"金额单位“{quoted(unit)}”不是金额的单位，应为 元 或 万元", "unit")
    return word


def _amount(value: object) -> tuple[str, str] | None:
    """(number, money unit) of an amount written with its unit (``150万``: ('150', '万元')), or None."""
    if isinstance(value, str) and (match := AMOUNT.fullmatch(normalize_text(value))):
        return match.group(1).replace(",", ""), MONEY_SHORT.get(match.group(2), match.group(2))
    return None


def amount_unit(value: object) -> str:
    """The money unit an amount is written in (万元 of ``150万``), '' when it is written without
    one (a number, a bare numeric text) or is no amount."""
    written = _amount(value)
    return written[1] if written else ""


def amount_in(value: object, unit: str, label: str = "金额") -> Decimal | None:
    """An amount written with its money unit (``141.116万元``, ``1,411,160元``, ``150万``) in money
    ``unit`` (as :func:`money_unit` gives it; ``1,411,160元`` in 万元 is 141.116); None for
    anything else (a number, a bare numeric text, words)."""
    written = _amount(value)
    if written is None:
        return None
    return bounded(convert(to_decimal(written[0], label), written[1], unit), value, label)


def read_amount(value: object, unit: object = None, label: str = "金额") -> Decimal:
    """An amount in money ``unit`` (see :func:`money_unit`): a number as it is, a text with its
    money unit converted (:func:`amount_in`); a percentage (``95%``) is refused, not read as 95."""
    converted = amount_in(value, money_unit(unit), label)
    if converted is None and isinstance(value, str) and "%" in normalize_text(value):
        raise PerfError(f"{label}“{quoted(value)}”是百分比，不是金额；请填写金额")
    return to_decimal(value, label) if converted is None else converted


def read_value(value: object, unit: object = None, label: str = "实际完成值") -> Decimal:
    """The number a cell stands for, in ``unit``: the cell itself if numeric, else read out of its text.

    In a text, the first number written in the indicator's ``unit`` wins (``…993.5559万元，2024年
    支出695.82万元`` with unit 万元 is 993.5559); without such a number, the first written in a unit
    that converts to it (``30分钟`` for 小时 is 0.5, see :mod:`.units`); without either, the first
    number that is not a year. ``99.90%`` reads as 99.90. A text with no usable number raises
    :class:`PerfError`.
    """
    if value.__class__ is float or value is None or isinstance(value, (bool, int, float, Decimal)):
        return to_decimal(value, label)   # (a float first: the common case)
    return read_measure(value, unit, label)[0]


_SECOND_POINT = re.compile(r"\d\.\d+\.\d")   # 7.5.1: no one number
_LETTER = re.compile(r"\d[A-Za-z]|[A-Za-z]\d")   # a letter against a digit
_DEDUCTED = re.compile(r"扣\s*\d")
_EXPONENT = re.compile(r"(?<=\d)[eE][+-]?(?=\d)")   # 1.5e3, read as a number


def read_score(value: object, label: str = "得分") -> Decimal:
    """A score (or total) as reported: a number, or a text holding one number (``7分``, ``约7分``).
    A text with more (``10分中得7分``, ``7-8``, ``7/10``, ``7.5.1``), with a letter typed for a
    digit (``7O``, ``l0``) or stating a deduction (``扣3分``) states no score to check: it raises
    :class:`PerfError` rather than taking its first number, as :func:`read_value` does for an
    actual value."""
    number = read_value(value, None, label)   # (its own refusals first: a formula's error, 1.5×10^3 …)
    if isinstance(value, str):
        text = normalize_text(value)
        if len([t for t in _tokens(text) if not t.is_date]) > 1 or _SECOND_POINT.search(text):
            raise PerfError(f"{label}“{quoted(value)}”中有不止一个数值，无法确定填报的{label}；请只填写一个数值")
        if _LETTER.search(_EXPONENT.sub("", text)):   # 7O, l0: a letter typed for a digit (not 90（A级）)
            raise PerfError(f"{label}“{quoted(value)}”中有字母，无法确定填报的{label}；请只填写数值")
        if _DEDUCTED.search(text):   # 扣3分: the points taken off, not the score left (not 10（不扣分）)
            raise PerfError(f"{label}“{quoted(value)}”写的是扣分，不是{label}；请填写扣分后的{label}")
    return number


_SPACED_GROUPS = re.compile(r"(?<![\d.])\d{1,3}(?: \d{3})+(?!\d)")   # digits grouped by spaces (1 234 567)


def _candidates(value: object, label: str) -> list[_Token]:
    """The numbers of a text cell that may be its value (not dates), in the order written."""
    if not isinstance(value, str):
        raise PerfError(f"{label}应为数值或文字，收到的是“{quoted(value)}”")
    if ERROR_VALUE.fullmatch(value.strip()):
        raise PerfError(f"{label}“{quoted(value.strip())}”是公式的错误值，不是数值；请改正公式或填入数值")
    if "10" in value and _POWER_OF_TEN.search(value):   # (the pattern writes 10 itself)
        raise PerfError(f"{label}“{quoted(value)}”用乘方表示数值，请直接写出数值（如 1500 或 1.5e3）")
    text = normalize_text(value)
    if not text:
        raise PerfError(f"{label}为空")
    if " " in text and _SPACED_GROUPS.search(text):   # 1 234: one number or two?
        raise PerfError(f"{label}“{quoted(value)}”的数字中间有空格，看不出是一个数还是几个数；请去掉空格（千分位可写逗号）")
    candidates = [t for t in _tokens(text) if not t.is_date]
    if not candidates:
        if _DATE.search(text):
            kind = "时间或比值" if _ONLY_CLOCK.fullmatch(text) else "日期"   # (12:30, 1:15)
            raise PerfError(f"{label}“{quoted(value)}”是{kind}，不是数值")
        raise PerfError(f"{label}“{quoted(value)}”中没有可用的数值")
    return candidates


def _number(token: _Token, value: object, label: str) -> Decimal:
    if token.value is None:
        raise PerfError(f"{label}“{quoted(value)}”超出可计算的范围（绝对值应小于10的15次方）")
    return bounded(token.value, value, label)


def _in_unit(candidates: list[_Token], unit: object) -> _Token | None:
    """The first number written in ``unit`` (any of its spellings), or None."""
    forms = _unit_forms(unit if isinstance(unit, str) else None)
    return next((t for f in forms for t in candidates if t.after.startswith(f)), None)


def read_quantity(value: object, unit: object = None, label: str = "实际完成值") -> tuple[Decimal, str]:
    """The number of a cell as written, with the text written right after it in a text
    (``180分钟`` → (180, '分钟')): the first number in ``unit``, else the first that is not a year;
    a number cell has no text after it (''). Whoever knows the units (a band criterion)
    decides what that text means."""
    if value is None or isinstance(value, (bool, int, float, Decimal)):
        return to_decimal(value, label), ""
    candidates = _candidates(value, label)
    chosen = _in_unit(candidates, unit) or candidates[0]
    return _number(chosen, value, label), chosen.after


def read_measure(value: object, unit: object = None, label: str = "实际完成值") -> tuple[Decimal, str]:
    """The number :func:`read_value` reads, in ``unit``, and the unit it was written in when it
    was converted (``30分钟`` for 小时: (0.5, '分钟')); '' when it was not."""
    if value is None or isinstance(value, (bool, int, float, Decimal)):
        return to_decimal(value, label), ""
    candidates = _candidates(value, label)
    chosen = _in_unit(candidates, unit)
    want = unit_word(unit if isinstance(unit, str) else None)
    if chosen is None and want:
        # the first number, in a unit that converts; past it only when its own unit is another
        # quantity's (5个乡镇，惠及2万人 for 人), never past a bare one (平均1.5，最长30分钟 is 1.5)
        tried = candidates if unit_at(candidates[0].after) else candidates[:1]
        for token in tried:
            have = unit_in(token.after, want)
            if have:
                return bounded(convert(_number(token, value, label), have, want), value, label), have
    return _number(chosen or candidates[0], value, label), ""
