"""Targets that carry their own nature and unit (forms without a 绩效指标性质 column).

The central 8-column form and its provincial copies have no 性质 and no 度量单位 column: the
operator and the unit sit inside the 年度指标值 (``≥50个``, ``≤90万元``, ``>=90%``, ``═100``,
``≥100百分比``, ``95%以上``, ``2小时以内``), and a qualitative target is a statement (``及时``,
``效果明显``, ``符合相关规定``). :func:`split_target` reads such a cell into the nature, the number
and the unit the engine scores with. A bare number with no operator anywhere is never guessed:
the profile's ``[targets]`` table says how it is read (and its limitations say so), otherwise it
is an error for that row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import PerfError
from .natures import EQUAL, POSITIVE, QUALITATIVE, REVERSE
from .numbers import BLANK_MARKS, normalize_text, quoted

# Operators written before the number, longest spelling first (after NFKC: ＞＝ is >=, ＝ is =).
# A strict > or < is read as ≥ or ≤: the forms score "not below" and "not above" the same way.
BEFORE = (
    (">=", POSITIVE), ("=>", POSITIVE), ("≥", POSITIVE), ("≧", POSITIVE), ("⩾", POSITIVE),
    ("大于等于", POSITIVE), ("大于或等于", POSITIVE), ("不低于", POSITIVE), ("不少于", POSITIVE),
    ("不小于", POSITIVE), ("达到", POSITIVE), ("大于", POSITIVE), ("高于", POSITIVE), ("超过", POSITIVE),
    (">", POSITIVE),
    ("<=", REVERSE), ("=<", REVERSE), ("≤", REVERSE), ("≦", REVERSE), ("⩽", REVERSE),
    ("小于等于", REVERSE), ("小于或等于", REVERSE), ("不高于", REVERSE), ("不超过", REVERSE),
    ("不多于", REVERSE), ("不大于", REVERSE), ("控制在", REVERSE), ("小于", REVERSE), ("低于", REVERSE),
    ("少于", REVERSE), ("<", REVERSE),
    ("==", EQUAL), ("═", EQUAL), ("=", EQUAL), ("等于", EQUAL),
)
# 不得低于, 不能超过 …: a rule's "must not" before the comparison (合格率不得低于95% is ≥95%)
_MUST = ("不得", "不能", "不应", "不可", "不宜")
BEFORE += tuple((must + word, POSITIVE) for must in _MUST for word in ("低于", "少于", "小于"))
BEFORE += tuple((must + word, REVERSE) for must in _MUST for word in ("高于", "超过", "多于", "大于"))
BEFORE = tuple(sorted(BEFORE, key=lambda pair: len(pair[0]), reverse=True))
# Operators written after the number and its unit.
_DEADLINE = ("前", "之前", "以前")   # 9月前: by the end of a period
AFTER = (("以上", POSITIVE), ("及以上", POSITIVE), ("以下", REVERSE), ("及以下", REVERSE),
          ("以内", REVERSE), ("之内", REVERSE), ("内", REVERSE), *((word, REVERSE) for word in _DEADLINE))
AFTER = tuple(sorted(AFTER, key=lambda pair: len(pair[0]), reverse=True))
# What makes a lead before a number no indicator's name (see _named): a negation just before the
# operator (未达到90%), a change against a base (较上年提高5%以上), a second clause or a remark
# (完成建设,收入达到5亿元; 优（满意度≥90%）).
_NEGATION = r"[不未没非无][得能应可宜会]?"
_NEGATED = re.compile(_NEGATION + "$")
_RELATIVE = ("较", "同比", "环比", "相比", "上年", "去年", "基期", "增长", "增幅", "提高", "提升", "增加", "下降",
             "降低", "减少", "节约", "节省")
_CLAUSE = re.compile(r"[，,；;。！!？?（）()【】\[\]]")
_TRAILING = "。．；;，,、！!"   # punctuation closing a target cell
# Any operator, before or after the number: what a target that states its nature contains.
_ANY_OPERATOR = re.compile("|".join(re.escape(word) for word, _ in (*BEFORE, *AFTER)))
# A number with at most a short unit after it: the whole of a quantitative target.
_QUANTITY = re.compile(r"(-?\d+(?:\.\d+)?)\s*([^\d\s]{0,8})")
# Whether the bound itself counts, written after the number (95%（含）以上, ≥95%(含)): not the unit;
# a strict bound is read as the other (see BEFORE)
_INCLUSIVE = re.compile(r"\((?:不)?含\)")
# A second bound after the first (≥50%且≤80%, ≥3天,≤5天): a range, no one number to score against
_OPERATOR = "|".join(re.escape(word) for word, _ in BEFORE)
_BOUND = r"(?P<op{0}>" + _OPERATOR + r")?(?P<number{0}>-?\d+(?:\.\d+)?)(?P<unit{0}>[^\d,，、;；且和及与]{{0,8}}?)"
_NATURE_OF = dict(BEFORE)
_TWO_NUMBERS = re.compile(r"\d[^\d.]+\d")   # (99.9 is one number)
_TWO_BOUNDS = re.compile(r"(?P<lead>[^\d]{0,12}?)" + _BOUND.format(1)
                         + r"(?:[,，、;；]?(?:且|并且|而且|和|及|与)|[,，、;；])" + _BOUND.format(2))
# Spellings of units inside targets that the rest of the engine knows by another name.
_UNIT_NAMES = {"百分比": "%", "％": "%", "百分点": "%"}


@dataclass(frozen=True)
class Target:
    """A 年度指标值 split into what the engine scores: ``nature`` (≥ ≤ = 定性), the number (as
    text, for :func:`numbers.read_value`) and its unit ('' when none); ``stated`` says whether
    the nature was written in the cell (False: taken from the profile's ``[targets]``)."""

    nature: str
    value: str
    unit: str
    stated: bool = True


def _unit(text: str) -> str:
    text = _INCLUSIVE.sub("", text)
    for after, _ in AFTER:
        if text.endswith(after):
            text = text[: -len(after)]
            break
    return _UNIT_NAMES.get(text, text)


def _after_nature(rest: str) -> str | None:
    return next((nature for word, nature in AFTER if rest.endswith(word)), None)


def split_target(target: object, bare: str | None = None) -> Target:
    """The nature, number and unit written in a target cell.

    ``bare``: the nature a bare number (no operator before or after it) is read with, as the
    profile states for the row; ``None`` makes a bare number an error. A target without any
    number is qualitative (定性). Raises :class:`PerfError` (field ``target``) for an empty cell,
    an operator without a number, or a bare number the profile does not read.
    """
    if target is not None and not isinstance(target, str):
        if bare is None:
            raise PerfError(f"年度指标值“{quoted(target)}”只有数值，没有写明“≥”“≤”“=”，无法判断是正向还是反向指标",
                            "target")
        return Target(bare, str(target), "", stated=False)
    text = normalize_text(target or "").replace(" ", "")
    text = text.rstrip(_TRAILING) or text
    if text in BLANK_MARKS:
        raise PerfError("年度指标值为空", "target")
    if _range_end(text) is not None:   # (a statement: the targets check says it is a range, the engine grades no number)
        return Target(QUALITATIVE, text, "")
    for word, nature in BEFORE:
        if text.startswith(word):
            rest = text[len(word):]
            match = _QUANTITY.fullmatch(rest.replace(",", ""))
            if match is None:
                if re.search(r"\d", rest):
                    return Target(nature, rest, "")   # a number inside a longer text: read as written
                if word.isascii() or word in "≥≧⩾≤≦⩽═":
                    raise PerfError(f"年度指标值“{quoted(target)}”写了“{word}”却没有数值", "target")
                break   # 达到预期, 高于同类: a statement, not an operator
            return Target(nature, match.group(1), _unit(match.group(2)))
    match = _QUANTITY.fullmatch(text.replace(",", ""))
    if match is not None:
        after = _after_nature(match.group(2))
        if after is not None:
            return Target(after, match.group(1), _unit(match.group(2)))
        if bare is None:
            raise PerfError(f"年度指标值“{quoted(target)}”只有数值，没有写明“≥”“≤”“=”，无法判断是正向还是反向指标",
                            "target")
        return Target(bare, match.group(1), _unit(match.group(2)), stated=False)
    return _named(text) or Target(QUALITATIVE, text, "")


def _named(text: str) -> Target | None:
    """A quantitative target led by the indicator's name: ``采购的原原种合格率≥90%`` (宁夏原州区),
    ``满意度95%以上``, ``合格率不得低于95%``, ``成本控制在90万元``. Only a lead without digits, a
    negation, a change against a base, a second clause or a remark, then an operator and the
    whole rest a number with its unit; anything else (``11月底完成100%``, ``较上年提高5%以上``,
    ``未达到90%``) stays a statement, and so does a deadline with a lead (``完成时间9月前``)."""
    first = re.search(r"\d", text)
    if first is None:
        return None
    lead, match = text[:first.start()], _QUANTITY.fullmatch(text, first.start())
    if match is None or _CLAUSE.search(lead) or any(word in lead for word in _RELATIVE):
        return None
    word, nature = next(((word, nature) for word, nature in BEFORE if lead.endswith(word)), ("", None))
    if nature is None and not match.group(2).endswith(_DEADLINE):
        nature = _after_nature(match.group(2))
    if nature is None or _NEGATED.search(lead[:len(lead) - len(word)]):
        return None
    return Target(nature, match.group(1), _unit(match.group(2)))


def two_bounds(target: object) -> str | None:
    """What to say of a target stating two bounds (≥50%且≤80%: a range, no one number to score
    against), naming the first as one to keep; None when it states no second one."""
    text = normalize_text(str(target or "")).replace(" ", "")
    end = _range_end(text)
    if end is None:
        return None
    return f"年度指标值“{quoted(target)}”写了两个界限，是一个区间，年终无法按一个数计分；请只写一个，如“{text[:end]}”"


def _range_end(text: str) -> int | None:
    """Where the first of two bounds ends in a target that is a range: a lower and an upper bound
    (≥50%且≤80%, ≥3天,≤5天; the first without its operator beside a 性质 column: 50%且≤80%) of one
    unit; None for anything else (两个指标值 ≥10000人，≥95%, ≥90%，≤100元/人, 培训2期，≥1000人次)."""
    found = _TWO_BOUNDS.fullmatch(text) if _TWO_NUMBERS.search(text) else None   # (most targets: one number)
    if found is None or found["op2"] is None or (found["lead"] and not found["op1"]):   # (培训2期，≥1000人次)
        return None
    natures = {_NATURE_OF[found["op2"]], *([_NATURE_OF[found["op1"]]] if found["op1"] else [])}
    if (found["op1"] and natures != {POSITIVE, REVERSE}) or (not found["op1"] and _NATURE_OF[found["op2"]] == EQUAL):
        return None
    first, second = _unit(found["unit1"]), _unit(found["unit2"])   # (天 and 天完成, 万元 and 万: one unit)
    if first and second and not (first.startswith(second) or second.startswith(first)):
        return None
    return found.end("unit1")


def stated_target(target: object) -> Target | None:
    """The nature and unit a quantitative target states with its operator (≥ and 人 of
    ``≥10000人``), for a row whose 性质 is filled in; None for a target that states no operator (a
    bare number: most rows, told apart without reading the whole target) or no number."""
    if not isinstance(target, str) or not _ANY_OPERATOR.search(normalize_text(target).replace(" ", "")):
        return None
    try:
        split = split_target(target)
    except PerfError:
        return None
    return split if split.nature != QUALITATIVE else None


# What an actual says when it names the bound it missed (未达到10个, 低于95%, 超过2小时) rather
# than what was done: words before its first number, and after it (95%以下, 2小时以上)
_SHORT_BEFORE = {POSITIVE: ("未达到", "没有达到", "没达到", "未达", "不到", "不足", "未满", "低于", "少于", "小于"),
                 REVERSE: ("超过", "超出", "高于", "多于", "大于")}
_SHORT_AFTER = {POSITIVE: re.compile(r"[\d.]+[^\d，,；;。（）()]{0,6}?(?:及|或)?(以下|以内|之内)"),
                REVERSE: re.compile(r"[\d.]+[^\d，,；;。（）()]{0,6}?(?:及|或)?(以上)")}


_YEAR_WORD = re.compile(r"\d{4}年度?")   # (2024年完成未达到10个: the year is no bound)
_A_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_KEPT = re.compile(f"(?:{_NEGATION}|没有)$")   # 不低于, 没有超过: the bound kept


def says_short(actual: object, nature: str) -> str | None:
    """The word by which a text actual says it fell short of its bound on a row of ``nature``
    (低于 of ``低于95%`` on a ≥ row, 以上 of ``2小时以上`` on a ≤ row; either way on an = row), or
    None: read as it stands, its number would be scored as done (a ≥ row's 未达到10个 as 10).
    A negated word (不低于, 没有超过) says the bound was kept; a text of several numbers (years
    aside) is left to the scorer, which reads the one in the row's unit."""
    if not isinstance(actual, str) or nature not in (POSITIVE, REVERSE, EQUAL):
        return None
    text = _YEAR_WORD.sub("", normalize_text(actual).replace(" ", ""))
    numbers = list(_A_NUMBER.finditer(text))
    if len(numbers) != 1:   # (3岁以下儿童接种率98%, 超过90%的工单在2小时内办结: the bound is no number's)
        return None
    first = numbers[0]
    lead = text[:first.start()]
    sides = (POSITIVE, REVERSE) if nature == EQUAL else (nature,)
    for side in sides:
        word = next((w for w in _SHORT_BEFORE[side] if lead.endswith(w)), None)
        if word and (word.startswith(("未", "没", "不")) or not _KEPT.search(lead[:len(lead) - len(word)])):
            return word
        if after := _SHORT_AFTER[side].match(text, first.start()):
            return after.group(1)
    return None
