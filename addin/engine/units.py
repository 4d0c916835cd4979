"""Units of measure a number is written in, and conversion between units of one quantity.

Real tables write a value in another unit than its indicator's: a target of ``≤2小时`` met in
``30分钟``, a budget in 万元 spent ``480000元``, ``1.2万人`` served against ``≥10000人``. A value is
converted only between units of the same quantity whose ratio is fixed (minutes and hours, 元
and 万元, 米 and 千米, 亩 and 平方米, GB and TB, Mbps and Gbps …). Not converted: ``分`` alone (it
also means points), 天 and 工作日, 月 and 天, 年 and 天 (their ratio varies). Besides the table, a
unit written with 万 or 亿 before it (``万人`` for 人, ``万册`` for 册) is that many of the unit.
"""

from __future__ import annotations

import re
from decimal import Decimal

# spelling (as :func:`.numbers.normalize_text` leaves it: ％ is %, ㎡ m2, ㎞ km) → (quantity, its
# size in a common unit of that quantity)
UNITS: dict[str, tuple[str, Decimal]] = {
    "%": ("比率", Decimal(1)), "‰": ("比率", Decimal("0.1")),
    "秒": ("时间", Decimal(1)), "分钟": ("时间", Decimal(60)), "min": ("时间", Decimal(60)),
    "小时": ("时间", Decimal(3600)), "时": ("时间", Decimal(3600)), "h": ("时间", Decimal(3600)),
    "天": ("时间", Decimal(86400)), "日": ("时间", Decimal(86400)),
    "个月": ("月数", Decimal(1)), "月": ("月数", Decimal(1)), "年": ("月数", Decimal(12)),
    "元": ("金额", Decimal(1)), "千元": ("金额", Decimal(1000)), "万元": ("金额", Decimal(10000)),
    "百万元": ("金额", Decimal(1000000)), "亿元": ("金额", Decimal(100000000)),
    "毫米": ("长度", Decimal(1)), "mm": ("长度", Decimal(1)), "厘米": ("长度", Decimal(10)),
    "cm": ("长度", Decimal(10)), "米": ("长度", Decimal(1000)), "千米": ("长度", Decimal(1000000)),
    "公里": ("长度", Decimal(1000000)), "km": ("长度", Decimal(1000000)),
    "平方米": ("面积", Decimal(3)), "平米": ("面积", Decimal(3)),
    "m2": ("面积", Decimal(3)), "亩": ("面积", Decimal(2000)), "公顷": ("面积", Decimal(30000)),
    "平方公里": ("面积", Decimal(3000000)), "平方千米": ("面积", Decimal(3000000)),
    "km2": ("面积", Decimal(3000000)),
    "克": ("重量", Decimal(1)), "斤": ("重量", Decimal(500)), "千克": ("重量", Decimal(1000)),
    "公斤": ("重量", Decimal(1000)), "kg": ("重量", Decimal(1000)), "吨": ("重量", Decimal(1000000)),
    "次": ("次数", Decimal(1)), "个": ("个数", Decimal(1)), "项": ("项数", Decimal(1)),
    "人": ("人数", Decimal(1)),
    # storage and bandwidth, in decimal multiples as disks and lines are sold (1TB met by 1000GB);
    # lower case as typed (10240gb)
    **{spelling: ("数据量", Decimal(1000) ** n) for n, unit in enumerate(("KB", "MB", "GB", "TB", "PB"))
       for spelling in (unit, unit.lower())},
    **{spelling: ("带宽", Decimal(1000) ** n) for n, unit in enumerate(("Kbps", "Mbps", "Gbps", "Tbps"))
       for spelling in (unit, unit.lower())},
}
_SPELLINGS = sorted(UNITS, key=len, reverse=True)
# 万 and 亿 alone after an amount (150万, 0.5亿): 万元 and 亿元
MONEY_SHORT = {"万": "万元", "亿": "亿元"}
# Every way an amount's unit is written, longest first
MONEY_SPELLINGS = (*(u for u in _SPELLINGS if UNITS[u][0] == "金额"), *MONEY_SHORT)
# Counted things written in tens of thousands or hundreds of millions (万人, 亿次)
_MULTIPLES = (("亿", Decimal(100000000)), ("万", Decimal(10000)))
_RATE = re.compile(r"\s*(?:/|每)")
_ROUGHLY = re.compile(r"[余多]?([万亿]?)[余多]?")
_CALENDAR = {"月", "日", "时"}
_MONEY_ALONE = re.compile(rf"[{''.join(MONEY_SHORT)}](?![\u4e00-\u9fff])")   # 万 or 亿 with no word after it


def is_money(unit: str) -> bool:
    """Whether ``unit`` (a spelling of the table) measures an amount of money."""
    return UNITS.get(unit, ("",))[0] == "金额"


def unit_at(text: str) -> str:
    """The unit of the table written at the start of ``text`` (``分钟`` of ``分钟内完成``), or ''."""
    return next((u for u in _SPELLINGS if text.startswith(u)), "")


def _sizes(have: str, want: str) -> tuple[Decimal, Decimal] | None:
    """The sizes of ``have`` and ``want`` in one common unit, or None when the two measure
    different quantities or either is unknown."""
    if have in UNITS and want in UNITS:
        (quantity, size), (wanted, wanted_size) = UNITS[have], UNITS[want]
        return (size, wanted_size) if quantity == wanted else None
    have_size, have_base = _multiple(have)
    want_size, want_base = _multiple(want)
    return (have_size, want_size) if have_base == want_base else None


def _multiple(unit: str) -> tuple[Decimal, str]:
    """(how many, of what) a counted unit is: 万人 is (10000, 人), 人 is (1, 人)."""
    for prefix, size in _MULTIPLES:
        if unit.startswith(prefix):
            return size, unit[len(prefix):]
    return Decimal(1), unit


_COUNTS = {"次数", "个数", "项数", "人数"}   # what 个, 项, 人, 次 count: a classifier, often of a longer word (人次)


def other_quantity(have: str, want: str) -> bool:
    """Whether units ``have`` and ``want`` (spellings of the table) measure different quantities:
    ``小时`` and ``%``, ``个月`` and ``天`` (whose ratio varies), ``个`` and ``%``. Counted units
    among themselves (``人`` of ``人次`` and ``次``) and units the table does not know are never
    told apart."""
    if have not in UNITS or want not in UNITS:
        return False
    (quantity, _), (wanted, _) = UNITS[have], UNITS[want]
    return quantity != wanted and not {quantity, wanted} <= _COUNTS


def convert(number: Decimal, have: str, want: str) -> Decimal | None:
    """``number`` of unit ``have`` in unit ``want`` (``30``, ``分钟``, ``小时`` → 0.5), or None when
    the units do not convert. Multiplied before it is divided, so that a whole ratio stays exact."""
    sizes = _sizes(have, want)
    return None if sizes is None else number * sizes[0] / sizes[1]


def unit_in(text: str, want: str) -> str:
    """The unit written at the start of ``text`` (what follows a number) when it converts to
    ``want`` at another ratio than one, else ''. ``余`` or ``多`` around 万 or 亿 (``2万余人``,
    ``30余万人``) is about that many; for an amount, 万 or 亿 alone is 万元 or 亿元 (``150万``).
    Not converted: a rate (``5吨/天``, ``50元/人``: its unit is more than its first word) and the
    calendar's 月, 日, 时 (``10月完成`` is October, ``17时前`` five o'clock)."""
    about = _ROUGHLY.match(text)
    text = about.group(1) + text[about.end():]
    _, base = _multiple(want)
    counted = [prefix + base for prefix, _ in (*_MULTIPLES, ("", None))]
    have = max((s for s in (unit_at(text), *counted) if s and text.startswith(s)), key=len, default="")
    written = len(have)
    if not have and (alone := _MONEY_ALONE.match(text)):   # (only an amount converts from 万元)
        have, written = MONEY_SHORT[alone.group()], 1
    if not have or have in _CALENDAR or _RATE.match(text, written):
        return ""
    sizes = _sizes(have, want)
    return have if sizes is not None and sizes[0] != sizes[1] else ""
