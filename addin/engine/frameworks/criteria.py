"""评分标准 (scoring criteria written in words) read into a scoring method and its points.

An evaluation indicator system states how each third-level item is scored in a sentence:
a checklist ``①设有目标（1分）②目标明确（1分）…``, bands ``满意率达90%（含）以上的得8分，80%（含）-90%
得6分…``, a ratio ``根据项目资金的实际到位率计算得分`` / ``未完成100%的同比例扣减``, deductions
``①虚列套取扣4-7分 ②依据不合规扣2分…``, or the evaluator's judgement ``按完成情况酌情扣分``.
:func:`parse_criterion` recognises these forms and reads their points; a text in none of them is
judgement. A boundary belongs to the band whose text says ``（含）``; without it, the usual
reading: ``以上`` and ``以内`` include their number, the start of a range ``X-Y`` includes X, while
``以下`` and the end of a range that another band starts at do not. An outer end that no other band
shares (the top of ``90%（含）-100%得8分``, the bottom of ``0-60%不得分``) includes its number unless
the text says ``（不含）``. A text that has the marks of a form (points in brackets, ``扣N分``, bands
with ``得N分``) but cannot be read consistently raises :class:`PerfError` instead of scoring 0 silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from ..errors import PerfError
from ..numbers import to_decimal

CHECKLIST, BAND, RATIO, DEDUCTION, JUDGEMENT = "checklist", "band", "ratio", "deduction", "judgement"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

_PUNCT = str.maketrans({"（": "(", "）": ")", "％": "%", "－": "-", "—": "-", "～": "-", "~": "-",
                        "，": ",", "；": ";", "：": ":", "。": ".", "　": " "})
_NUM = r"(\d+(?:\.\d+)?)"
_POINTS_IN_BRACKETS = re.compile(r"\(\s*" + _NUM + r"\s*分\s*\)")
_DEDUCT = re.compile(r"扣(?:减)?\s*" + _NUM + r"(?:\s*-\s*" + _NUM + r")?\s*分")
_GAIN = re.compile(r"得\s*" + _NUM + r"\s*分")
_RATIO_WORDS = ("同比例扣减", "超支比例扣减", "率计算得分", "比例计算得分", "按比例得分")
_JUDGEMENT_WORDS = ("酌情",)
# Clause separators; a full stop between digits is a decimal point (0.5%), not one.
_CLAUSES = re.compile(r"[,;]|\.(?!\d)|(?<!\d)\.")
_INCL = r"(\((?:不)?含\))?"
_UNIT = r"(%|小时|分钟|天|日|个月|月|年|次|个|项|人|万元|元)?"


@dataclass(frozen=True)
class Item:
    """One entry of a checklist (``points`` each) or of a deduction list (``low``–``high``)."""

    number: int           # 1 for ①, …; the position when the list is not numbered
    label: str
    low: Decimal
    high: Decimal


@dataclass(frozen=True)
class Band:
    """Values from ``low`` to ``high`` (``None``: unbounded) score ``points``."""

    low: Decimal | None
    high: Decimal | None
    low_closed: bool
    high_closed: bool
    points: Decimal

    def contains(self, value: Decimal) -> bool:
        above = self.low is None or value > self.low or (self.low_closed and value == self.low)
        below = self.high is None or value < self.high or (self.high_closed and value == self.high)
        return above and below

    def describe(self, unit: str) -> str:
        low = "" if self.low is None else f"{self.low}{unit}{'（含）' if self.low_closed else ''}"
        high = "" if self.high is None else f"{self.high}{unit}{'（含）' if self.high_closed else ''}"
        span = f"{low}以上" if self.high is None else f"{high}以下" if self.low is None else f"{low}–{high}"
        return f"{span}得{self.points}分"


@dataclass(frozen=True)
class Criterion:
    """A 评分标准 as read: its method, the item's 分值 and what the method needs."""

    method: str
    points: Decimal
    text: str = ""                      # the criterion as written
    items: tuple[Item, ...] = ()        # checklist and deduction
    alternatives: bool = False          # checklist: choose one item rather than add them up
    bands: tuple[Band, ...] = ()        # band, ordered by value
    unit: str = ""                      # band: the unit its values are written in
    overspend: bool = False             # ratio: deduct by the overspent share (成本)


_NOTE_LINE = re.compile(r"^\s*(以上|此项|注)")
_EVIDENCE_NOTE = re.compile(f"(以上[{CIRCLED}、和及]*|此项)需提供[^。]*。?")


def _clean(text: str) -> str:
    """Uniform punctuation; note lines such as ``以上③需提供佐证资料。`` (not scoring rules) dropped."""
    lines = [line for line in text.splitlines() if not _NOTE_LINE.match(line)]
    text = _EVIDENCE_NOTE.sub("", " ".join(lines))
    return re.sub(r"\s+", " ", text.translate(_PUNCT)).strip()


class _Unreadable(Exception):
    """Why a criterion in the form of a method cannot be read; see :func:`parse_criterion`."""



def _numbered(text: str) -> list[tuple[int, str]]:
    """``①a②b`` → [(1, 'a'), (2, 'b')]; an unnumbered text is one entry."""
    parts = re.split(f"([{CIRCLED}])", text)
    if len(parts) == 1:
        return [(1, text)]
    return [(CIRCLED.index(parts[i]) + 1, parts[i + 1]) for i in range(1, len(parts) - 1, 2)]


_TIER_WORDS = ("不", "未", "无", "较", "基本", "部分")


def _tiers(items: list[Item]) -> bool:
    """Items read as alternative tiers when 分值 is not known: points strictly decreasing and every
    later item a lesser version of the first (``②不及时但未影响项目进度（1分）``)."""
    points = [i.high for i in items]
    decreasing = len(items) > 1 and all(a > b for a, b in zip(points, points[1:]))
    return decreasing and all(any(w in i.label for w in _TIER_WORDS) for i in items[1:])


def _listed(text: str) -> list[tuple[int, str]]:
    """:func:`_numbered`, or, for a list without ①② whose every item ends with its points
    (``设有目标(1分) 目标明确(1分)``, Hunan's 计分表), each item up to its ``(N分)``; a heading
    with its points before a colon (``目标设定(4分):设有目标(1分)…``) is no item."""
    parts = _numbered(text)
    marks = list(_POINTS_IN_BRACKETS.finditer(text))
    if any(c in CIRCLED for c in text) or not marks or text[marks[-1].end():].strip(" ,;./"):
        return parts
    if text[marks[0].end():].lstrip().startswith(":"):   # (the last mark ends the text: not the heading)
        text = text[marks[0].end():].lstrip()[1:]
        marks = list(_POINTS_IN_BRACKETS.finditer(text))
    starts = [0, *(m.end() for m in marks[:-1])]
    return [(n, text[start:m.end()].lstrip(" ,;./、")) for n, (start, m) in enumerate(zip(starts, marks), start=1)]


def _checklist(text: str, points: Decimal | None) -> Criterion:
    items = []
    for number, part in _listed(text):
        found = _POINTS_IN_BRACKETS.search(part)
        if found is None:
            raise _Unreadable(f"第{number}项没有写明分值（如“（1分）”）")
        value = Decimal(found.group(1))
        items.append(Item(number, part[: found.start()].strip(" ,;./"), value, value))
    numbers = [i.number for i in items]
    if numbers != list(range(1, len(items) + 1)):
        raise _Unreadable("各项编号不连续")
    total, best = sum(i.high for i in items), max(i.high for i in items)
    if points is None:   # PERF_CHECKLIST: no 分值 given, the text alone decides
        tiers = _tiers(items)
        return Criterion(CHECKLIST, best if tiers else total, text, tuple(items), alternatives=tiers)
    if total == points:
        return Criterion(CHECKLIST, points, text, tuple(items))
    if best == points and len(items) > 1:
        return Criterion(CHECKLIST, points, text, tuple(items), alternatives=True)
    raise _Unreadable(f"各项分值合计{total}分，与该指标分值{points}分不符")


def _deduction(text: str, points: Decimal) -> Criterion:
    items = []
    parts = _numbered(text)
    if len(parts) == 1:  # unnumbered: each clause with 扣N分 is one item
        parts = [(0, clause) for clause in _CLAUSES.split(text) if clause.strip()]
    for _, part in parts:
        for found in _DEDUCT.finditer(part):
            low = Decimal(found.group(1))
            high = Decimal(found.group(2)) if found.group(2) else low
            if not 0 < low <= high:
                raise _Unreadable(f"扣分范围“{found.group(0)}”不成立")
            if high > points:
                raise _Unreadable(f"扣分“{found.group(0)}”超过该指标分值{points}分")
            items.append(Item(len(items) + 1, part[: found.start()].strip(" ,;./的"), low, high))
        gain = _GAIN.search(part)
        if gain and Decimal(gain.group(1)) != points:
            raise _Unreadable(f"满分写为{gain.group(1)}分，与该指标分值{points}分不符")
    if not items:
        raise _Unreadable("没有找到扣分项")
    return Criterion(DEDUCTION, points, text, tuple(items))


_TO = r"\s*(?:-|至|到)\s*"   # 80%-90%, 80%至90%
_BELOW_OPS, _ABOVE_OPS = r"(<=|<|≤|⩽)", r"(>=|>|≥|⩾)"
# Bands written with comparison signs: 80%≤满意率<90%, 满意率≥90%, 满意率<80% (each says its own end)
_COMPARED = (
    re.compile(_NUM + _UNIT + r"\s*" + _BELOW_OPS + r"[^\d<>=≤≥⩽⩾]*?" + _BELOW_OPS + r"\s*" + _NUM + _UNIT),
    re.compile(_ABOVE_OPS + r"\s*" + _NUM + _UNIT),
    re.compile(_BELOW_OPS + r"\s*" + _NUM + _UNIT),
)
_BAND_FORMS = (  # (pattern, kind); the number groups are read by _band_of
    (re.compile(_NUM + _UNIT + _INCL + _TO + _NUM + _UNIT + _INCL), "range"),
    (re.compile(_NUM + _UNIT + _INCL + r"\s*(?:及)?(以上|以下|以内|之内|内)"), "open"),
    (re.compile(_NUM + _UNIT + _INCL + r"\s*(?:的|时|者)?\s*$"), "point"),   # 完成率100%得5分
)


@dataclass
class _RawBand:
    low: Decimal | None
    high: Decimal | None
    low_closed: bool | None     # None: the text does not say
    high_closed: bool | None
    low_priority: int           # who owns an unspoken boundary: 以上/以内 2, range start 1, 以下/range end 0
    high_priority: int
    points: Decimal
    unit: str


def _closed(mark: str | None) -> bool | None:
    return None if not mark else not mark.startswith("(不")


def _inclusive(op: str) -> bool:
    """Whether a comparison sign includes its number (≤ ≥ <= >=, not < >)."""
    return "=" in op or op in "≤⩽≥⩾"


def _band_of(segment: str) -> _RawBand | None:
    gain = _GAIN.search(segment)
    if gain is None and "不得分" not in segment:
        return None
    points = Decimal(gain.group(1)) if gain else Decimal(0)
    head = segment[: gain.start()] if gain else segment[: segment.index("不得分")]
    if found := _COMPARED[0].search(head):
        lo, lo_unit, lo_op, hi_op, hi, hi_unit = found.groups()
        return _RawBand(Decimal(lo), Decimal(hi), _inclusive(lo_op), _inclusive(hi_op), 1, 0, points,
                        hi_unit or lo_unit or "")
    if found := _COMPARED[1].search(head):
        op, value, unit = found.groups()
        return _RawBand(Decimal(value), None, _inclusive(op), False, 2, 0, points, unit or "")
    if found := _COMPARED[2].search(head):
        op, value, unit = found.groups()
        return _RawBand(None, Decimal(value), False, _inclusive(op), 0, 0, points, unit or "")
    found = _BAND_FORMS[0][0].search(head)
    if found:
        lo, lo_unit, lo_mark, hi, hi_unit, hi_mark = found.groups()
        return _RawBand(Decimal(lo), Decimal(hi), _closed(lo_mark), _closed(hi_mark), 1, 0, points,
                        hi_unit or lo_unit or "")
    found = _BAND_FORMS[1][0].search(head)
    if found:
        value, unit, mark, side = found.groups()
        closed = _closed(mark)
        if side == "以上":
            return _RawBand(Decimal(value), None, closed, False, 2, 0, points, unit or "")
        return _RawBand(None, Decimal(value), False, closed, 0, 0 if side == "以下" else 2, points, unit or "")
    found = _BAND_FORMS[2][0].search(head)
    if found:   # a single value: a band of its own, which owns the boundary it shares
        value, unit, _ = found.groups()
        return _RawBand(Decimal(value), Decimal(value), True, True, 3, 3, points, unit or "")
    raise _Unreadable(f"“{segment.strip()}”中没有读出数值区间")


def _band(text: str, points: Decimal | None) -> Criterion:
    raw = [b for s in _CLAUSES.split(text) if s.strip() for b in [_band_of(s)] if b]
    if len(raw) < 2:
        raise _Unreadable("分档少于两档")
    units = {b.unit for b in raw if b.unit}
    if len(units) > 1:
        raise _Unreadable(f"各档的单位不一致（{'、'.join(sorted(units))}）")
    for band in raw:   # 以内 of a time or a count starts at 0
        if band.low is None and units and units != {"%"}:
            band.low, band.low_closed = Decimal(0), True
    raw.sort(key=lambda b: (b.low is not None, b.low if b.low is not None else Decimal(0),
                            b.high is None or b.high != b.low))
    if len(raw) > 1 and raw[-1].low == raw[-1].high and raw[-1].low is not None:
        raw[-1].high, raw[-1].high_closed = None, False   # the top single value: it and above
    bands = []
    for below, above in zip(raw, raw[1:]):
        if below.high is None or above.low is None or below.high != above.low:
            raise _Unreadable("各档区间不相接（有空档或重叠）")
        if below.high_closed and above.low_closed:
            raise _Unreadable(f"{below.high}同时属于相邻两档")
        if below.high_closed is None and above.low_closed is None:
            owner_below = below.high_priority > above.low_priority
            below.high_closed, above.low_closed = owner_below, not owner_below
        else:
            below.high_closed = not above.low_closed if below.high_closed is None else below.high_closed
            above.low_closed = not below.high_closed
    # The outer ends, which no other band shares, include their number unless marked （不含）.
    if raw[0].low_closed is None:
        raw[0].low_closed = True
    if raw[-1].high_closed is None:
        raw[-1].high_closed = True
    for b in raw:
        bands.append(Band(b.low, b.high, bool(b.low_closed), bool(b.high_closed), b.points))
    values = [b.points for b in bands]
    if values != sorted(values) and values != sorted(values, reverse=True):
        raise _Unreadable("各档得分不随数值单调变化")
    if points is None:   # PERF_BAND: the top band is the 分值
        points = max(values)
    if max(values) != points:
        raise _Unreadable(f"最高一档得{max(values)}分，与该指标分值{points}分不符")
    if min(values) < 0:
        raise _Unreadable("得分不能为负数")
    return Criterion(BAND, points, text, bands=tuple(bands), unit=units.pop() if units else "")


def _looks_like_bands(text: str) -> bool:
    segments = [s for s in _CLAUSES.split(text) if _GAIN.search(s) or "不得分" in s]
    with_numbers = [s for s in segments if re.search(_NUM + _UNIT + _INCL + r"\s*(-|至|到|及?以上|及?以下|以内|之内|内)", s)
                    or any(form.search(s) for form in _COMPARED[1:])]
    return len(with_numbers) >= 2


MAX_CRITERION = 1000   # characters of one 评分标准 (the frameworks' longest is about 100)


def parse_criterion(text: object, points: object = None) -> Criterion:
    """The method and points of one 评分标准 for an item worth ``points`` (its 分值), of at most
    :data:`MAX_CRITERION` characters (a cell recalculates often: a run of thousands of digits
    had taken seconds to parse). Without ``points`` only a checklist or bands can be read
    (their points come from the text)."""
    raw = "" if text is None else str(text)
    if len(raw) > MAX_CRITERION:
        raise PerfError(f"评分标准过长（{len(raw)} 个字符，至多 {MAX_CRITERION} 个），请精简或分项写出", "criterion")
    try:
        return replace(_parse(raw, points), text=raw)   # the text as written, for workbooks and messages
    except _Unreadable as err:
        short = " ".join(raw.split())
        short = short if len(short) <= 40 else short[:40] + "…"
        raise PerfError(f"评分标准“{short}”无法读取：{err}", "criterion") from None


def _parse(raw: str, points: object) -> Criterion:
    clean = _clean(raw)
    if points is None or (isinstance(points, str) and not points.strip()):
        if _looks_like_bands(clean):
            return _band(clean, None)
        if _POINTS_IN_BRACKETS.search(clean) and not _DEDUCT.search(clean):
            return _checklist(clean, None)
        raise _Unreadable("不是逐项计分或分档计分的写法，需要给出分值")
    weight = to_decimal(points, "分值")
    if weight <= 0:
        raise PerfError(f"分值应大于0（{points}）", "weight")
    if not clean or any(word in clean for word in _JUDGEMENT_WORDS):
        return Criterion(JUDGEMENT, weight, raw)
    if any(word in clean for word in _RATIO_WORDS):
        return Criterion(RATIO, weight, raw, overspend="超支" in clean)
    if _looks_like_bands(clean):
        return _band(clean, weight)
    if _DEDUCT.search(clean):
        return _deduction(clean, weight)
    if _POINTS_IN_BRACKETS.search(clean):
        return _checklist(clean, weight)
    if _GAIN.search(clean) and re.search(r"\d\s*(%|小时|天)", clean):
        raise _Unreadable("像是分档计分，但读不出至少两档")
    return Criterion(JUDGEMENT, weight, raw)
