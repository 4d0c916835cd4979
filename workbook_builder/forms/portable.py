"""Portable templates: the rule profile compiled into native spreadsheet formulas.

Where the add-in is not installed (Excel without Python, WPS Office, LibreOffice) every PERF_*
cell shows ``#NAME?``. A portable template writes each score, rate, total and grade cell as a
formula made only of functions that Excel 2010+, WPS and LibreOffice share (IF, AND, OR, NOT,
ISNUMBER, ISTEXT, ISNA, ISERROR, IFERROR, VALUE, SUBSTITUTE, TRIM, LEFT, RIGHT, MID, LEN, FIND, SEARCH, REPT,
CHAR, ROUND, ABS, MIN, MAX, INDEX, MATCH, LOOKUP, COUNT, COUNTA, SUM, SUMPRODUCT).

A blank template of a form without a 性质 column has helper cells on the hidden sheet that read
the target each row's unit types (:func:`target_helpers`): those use LOOKUP and SUMPRODUCT over
array constants, as Excel, WPS and LibreOffice evaluate them without array entry.

The formulas are compiled from the profile, never written by hand for one jurisdiction: each
setting of a profile is looked up in a registry of formula builders keyed by the names the
engine uses (:data:`addin.engine.methods.QUANTITATIVE`, :data:`~addin.engine.methods.FUNDS`, the
over-target modes of :mod:`addin.engine.profiles`). A setting without a builder is refused with
:class:`NotPortable` when the template is generated, so no template ever holds a formula that
scores differently from the engine. The shares of the qualitative grades are written to the
hidden ``_perfbook`` sheet and looked up with INDEX/MATCH.

Inputs are strict where formulas need them: a quantitative 实际完成值 is a plain number in the
row's unit (``99.95`` and ``99.95%`` score the same), a 定性 one a grade of its scale; anything
else shows a Chinese message in the score cell instead of ``#VALUE!``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from addin.engine import UserError, form
from addin.engine.findings import EMPTY_REASONS
from addin.engine.natures import EQUAL, POSITIVE, QUALITATIVE, REVERSE
from addin.engine.numbers import BLANK_MARKS, read_value
from addin.engine.profiles import FUNDS_BASES, Profile, Scale
from addin.engine.scoring import DECIMAL_NATURES, DECIMAL_PERCENT_FROM, PERCENT_WORDS
from addin.engine.errors import PerfError
from addin.engine.qualitative import find_scale, name_key, read_grade
from addin.engine.targets import AFTER, BEFORE, Target

from . import layout as L

# the spellings of a unit cell in % a formula knows: the engine's words, bracketed (（%）) or
# after another (百分比（%）, %(百分比)), as the engine's unit_word reads the last word of a unit
_PERCENT = (*sorted(PERCENT_WORDS), "％")
DECIMAL_PERCENT_UNITS = sorted({w for word in _PERCENT for w in (word, f"({word})", f"（{word}）")}
                               | {f"{first}{left}{word}{right}" for first in _PERCENT for word in _PERCENT
                                  if first != word for left, right in (("(", ")"), ("（", "）"))})

# Where the grade shares live on the hidden sheet: key column, share column, first row.
SHARES_KEY_COLUMN, SHARES_VALUE_COLUMN, SHARES_FIRST_ROW = "D", "E", 2
SHARES_HEADER = ("等级键（规则|等级）", "得分比例")


class NotPortable(UserError):
    """A profile setting that no native formula can apply (a rule only Python can apply)."""


@dataclass(frozen=True)
class Share:
    """A compiled scoring method: ``value`` is the share of 分值 before the cap, valid once each
    ``(condition, message)`` guard, tested in order, is false."""

    value: str
    guards: tuple[tuple[str, str], ...] = ()


# Quantitative methods, by the names of addin.engine.methods.QUANTITATIVE: (A, B) -> Share.
def _ratio(a: str, b: str) -> Share:
    return Share(f"{b}/{a}", ((f"{a}<=0", f'"正向指标的年度指标值为"&{a}&"，无法按“实际完成值/年度指标值”计分"'),))


_NEGATIVE = ("OR({a}<0,{b}<0)", '"反向指标的年度指标值和实际完成值不能为负数"')


def _inverse_ratio(a: str, b: str) -> Share:
    guard = (_NEGATIVE[0].format(a=a, b=b), _NEGATIVE[1])
    return Share(f"IF({b}<={a},1,IF({a}=0,0,{a}/{b}))", (guard,))


def _linear_to_double(a: str, b: str) -> Share:
    guard = (_NEGATIVE[0].format(a=a, b=b), _NEGATIVE[1])
    return Share(f"IF({b}<={a},1,IF({a}=0,0,1-({b}-{a})/{a}))", (guard,))


def _min_ratio(a: str, b: str) -> Share:
    return Share(f"IF({b}={a},1,IF(OR({a}<=0,{b}<=0),0,MIN({a}/{b},{b}/{a})))")


def _all_or_nothing(a: str, b: str) -> Share:
    return Share(f"IF({b}={a},1,0)")


QUANTITATIVE_BUILDERS: dict[str, Callable[[str, str], Share]] = {
    "ratio_capped": _ratio,
    "inverse_ratio_capped": _inverse_ratio,
    "linear_to_double": _linear_to_double,
    "min_ratio": _min_ratio,
    "all_or_nothing": _all_or_nothing,
}


# Funds methods, by the names of addin.engine.methods.FUNDS: (budget, executed) -> Share.
def _rate_capped(budget: str, executed: str) -> Share:
    return Share(f"{executed}/{budget}")


FUNDS_BUILDERS: dict[str, Callable[[str, str], Share]] = {"rate_capped": _rate_capped}


def _over(nature: str, a: str, b: str, start: str) -> str:
    """The condition "B went beyond A by at least ``start``" in the favourable direction: the
    engine's ``over_share(nature, A, B) >= start``, the share's binary noise removed at 12
    decimals (an absolute B − A − start × A rounded at 9 had taken 2.9999999999 for 3 × 1); the
    division only where its divisor is above 0 (IF: AND computes every part)."""
    if nature == POSITIVE:
        return f"AND({b}>{a},{a}>0,IF({a}>0,ROUND({b}/{a}-1-{start},12)>=0,FALSE))"
    return f"AND({a}>{b},{b}>0,IF({b}>0,ROUND({a}/{b}-1-{start},12)>=0,FALSE))"


@dataclass(frozen=True)
class OverTarget:
    """A compiled over-target rule for one nature: ``deduction`` is the share of 分值 taken off
    ("0" for none); ``flag`` the condition for the 超额完成需说明 check (``None`` for none)."""

    deduction: str = "0"
    flag: str | None = None


def _ladder(profile: Profile, nature: str, a: str, b: str) -> OverTarget:
    steps = ",".join(f"IF({_over(nature, a, b, str(s.start))},{s.deduct},0)" for s in profile.ladder)
    return OverTarget(deduction=f"MAX(0,{steps})")


def _finding(profile: Profile, nature: str, a: str, b: str) -> OverTarget:
    return OverTarget(flag=_over(nature, a, b, str(profile.finding_from)))


def _none(profile: Profile, nature: str, a: str, b: str) -> OverTarget:
    return OverTarget()


OVER_TARGET_BUILDERS: dict[str, Callable[[Profile, str, str, str], OverTarget]] = {
    "ladder": _ladder,
    "finding": _finding,
    "none": _none,
}


def check_portable(profile: Profile) -> None:
    """Refuse a profile with a setting no builder compiles: before any cell is written."""
    missing = [f"{nature} 指标的计分方法“{name}”" for nature, name in profile.methods.items()
               if name not in QUANTITATIVE_BUILDERS]
    if profile.funds_method not in FUNDS_BUILDERS:
        missing.append(f"资金得分方法“{profile.funds_method}”")
    if profile.over_target_mode not in OVER_TARGET_BUILDERS:
        missing.append(f"超额完成规则“{profile.over_target_mode}”")
    if profile.funds_basis != "budget":   # (执行率 ÷ 实际到位资金: a column no form's template has)
        missing.append(f"执行率口径（全年执行数 ÷ {FUNDS_BASES[profile.funds_basis]}）")
    if missing:
        raise NotPortable(
            f"规则 {profile.id} 的{'、'.join(missing)}无法写成通用公式，不能生成 --portable 模板；"
            "请不加 --portable 生成使用 PERF_* 函数的模板"
        )


def number(ref: str) -> str:
    """The number a strict input cell holds: the number itself, or a typed text such as
    ``99.95%``, ``99.95``, ``1,200`` read as a number (an error value when it is none)."""
    text = f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(TRIM({ref}),"％",""),"%",""),",","")'
    return f"IF(ISTEXT({ref}),VALUE({text}),{ref})"


def _guarded(guards: list[tuple[str, str]], value: str) -> str:
    """``IF(c1,m1,IF(c2,m2,…value))``: the first true guard's message, else ``value``."""
    formula = value
    for condition, message in reversed(guards):
        formula = f"IF({condition},{message},{formula})"
    return formula


def _round(expression: str, decimals: int) -> str:
    """``expression`` rounded half up to ``decimals`` as the engine rounds its exact decimal:
    binary noise (far below 1e-12 for a score or a rate) removed first, no more (removed at 9
    decimals, 1.8649999998 had become 1.865, then 1.87 where the engine gives 1.86)."""
    return f"ROUND(ROUND({expression},12),{decimals})"


def _text(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def grade_formula(profile: Profile, total: str) -> str:
    """The 评价等级 of the 总分 at ``total`` by the profile's grade bands, as PERF_GRADE gives it
    ("" for no total; a total above the full marks refused as PERF_GRADE refuses it)."""
    bands = _text(profile.grade_bands[-1][0])
    for grade, minimum in reversed(profile.grade_bands[:-1]):
        bands = f"IF({total}>={minimum},{_text(grade)},{bands})"
    over = f'"总分"&{total}&"超过满分{form.TOTAL_WEIGHT}分，无法确定等级"'
    return f'=IF(ISNUMBER({total}),IF({total}>{form.TOTAL_WEIGHT},{over},{bands}),"")'


def _need_number(ref: str, label: str, unit: str | None = None) -> tuple[str, str]:
    """Guard: ``ref`` must hold a number; the message names the field (and the row's unit)."""
    message = f'"{label}应填写数值"'
    if unit:
        message = f'"{label}应填写数值"&IF(TRIM({unit})="","","（单位："&{unit}&"）")'
    return f"NOT(ISNUMBER({number(ref)}))", message


def _weight_guards(weight: str) -> list[tuple[str, str]]:
    """A 分值 must be a number, not below 0 (the engine refuses −5; a formula had scored it 0)."""
    return [(f"NOT(ISNUMBER({weight}))", '"分值应填写数值"'), (f"{weight}<0", '"分值应填写数值，不能为负数"')]


def judged_check(row: Row) -> str:
    """The 检查 cell of a row scored by judgement (its 得分 typed): the engine's
    :func:`~addin.engine.findings.check_judged`, as a native formula for either kind of template."""
    score, weight = row.score, row.weight
    above = f'"得分"&{score}&"应在 0 至分值 "&{weight}&" 之间"'
    reason = _text("得分低于分值，未填写扣分原因（或未完成原因分析）")
    checks = [(f"OR({score}<0,{score}>{weight})", above),
              (f"AND({score}<{weight},{reason_blank(row.reason)})", reason)]
    return f'=IF(OR(NOT(ISNUMBER({score})),NOT(ISNUMBER({weight}))),"",{_guarded(checks, _text(""))})'


def reason_blank(ref: str) -> str:
    """A 偏差原因 cell that says nothing (the engine's ``is_blank_reason``): blank once the
    spaces TRIM leaves are off too (a full-width or non-breaking space, a line break, a tab)."""
    words = ",".join(_text(w) for w in sorted(EMPTY_REASONS) if w)
    text = ref
    for space in ('"\u3000"', '"\u00a0"', "CHAR(10)", "CHAR(13)", "CHAR(9)"):
        text = f'SUBSTITUTE({text},{space}," ")'
    return f"OR(LEN(TRIM({text}))=0,ISNUMBER(MATCH(TRIM({text}),{{{words}}},0)))"


@dataclass(frozen=True)
class Row:
    """What the formulas of one indicator row refer to. ``defined`` is the cell that says the row
    is defined (its 性质, or its target on a form without a 性质 column). On such a form a
    portable template reads the target when it is written: ``nature``, ``target`` (the number)
    and ``unit`` are then literals (``"≥"``, ``50``, ``"个"``) and ``literal`` is true; with the
    add-in the nature is ``""`` and PERF_* read the target cell themselves. In a blank portable
    template of such a form the unit types the target: ``nature``, ``target``, ``unit`` and
    ``scale`` are then the helper cells that read it (:func:`target_helpers`) and ``derived`` is
    true."""

    defined: str
    nature: str
    target: str
    unit: str | None
    actual: str
    weight: str
    score: str
    reason: str
    literal: bool = False
    derived: bool = False
    scale: str = ""
    levels: tuple[str, str] | None = None   # an add-in template's typed row: its 一级 and 二级 cells

    @classmethod
    def at(cls, index: int, lay: L.Layout, split: Target | None = None) -> "Row":
        def cell(name: str) -> str:
            return lay.indicator_cell(name, index)

        rest = (cell("actual"), cell("weight"), cell("score"), cell("reason"))
        unit = cell("unit") if lay.has("unit") else None
        if lay.form.has_nature:
            return cls(cell("nature"), cell("nature"), cell("target"), unit, *rest)
        if split is None:
            return cls(cell("target"), '""', cell("target"), unit, *rest)
        if split.nature == QUALITATIVE:
            return cls(cell("target"), _text(split.nature), cell("target"), None, *rest, literal=True)
        value = str(read_value(split.value, split.unit or None, form.INDICATOR_FIELDS["target"]))
        return cls(cell("target"), _text(split.nature), value, _text(split.unit) if split.unit else None,
                   *rest, literal=True)

    @classmethod
    def derived_at(cls, index: int, lay: L.Layout) -> "Row":
        """A row of a blank portable template of a form without a 性质 column."""
        row = lay.first_indicator_row + index
        helper = {name: f"'{L.META_SHEET}'!{column}{row}" for name, column in HELPERS.items()}
        typed = lay.indicator_cell("target", index)
        return cls(typed, helper["nature"], helper["number"], helper["unit"],
                   *(lay.indicator_cell(f, index) for f in ("actual", "weight", "score", "reason")),
                   derived=True, scale=helper["scale"])

    @property
    def clean(self) -> bool:
        """Whether ``target`` is a number once the row's nature is ≥, ≤ or = (no check needed)."""
        return self.literal or self.derived

    @property
    def target_number(self) -> str:
        """The target A as a formula operand."""
        return self.target if self.clean else number(self.target)

    @property
    def decimal_percent(self) -> str:
        """The condition that the actual is a decimal for a percentage, as the engine reads one
        (:func:`addin.engine.scoring._decimal_percent`: a number from 0 to 2 without a % in a row
        in % whose target is 50 or more): a portable template asks for the percentage instead."""
        b = number(self.actual)
        words = ",".join(f'"{word}"' for word in DECIMAL_PERCENT_UNITS)
        units = [] if self.unit is None else [f'ISNUMBER(MATCH(SUBSTITUTE({self.unit}," ",""),{{{words}}},0))']
        if not self.clean:   # (a literal or derived target's % is its unit already)
            units.append(f'OR(RIGHT(TRIM({self.target}),1)="%",RIGHT(TRIM({self.target}),1)="％")')
        if not units:
            return ""
        written = f'ISERROR(SEARCH("%",{self.actual})),ISERROR(SEARCH("％",{self.actual}))'
        return f"AND(OR({','.join(units)}),{self.target_number}>={DECIMAL_PERCENT_FROM},ABS({b}-1)<=1,{b}<>0,{written})"


# Helper cells of a blank portable template of a form without a 性质 column, on the hidden sheet
# in the indicator row's own row: what :func:`target_helpers` reads from the target typed.
HELPERS = dict(zip(("text", "before", "after", "rest", "number", "digits", "unit", "nature", "scale"),
                   "GHIJKLMNO"))
TARGET_FORMAT = "年度指标值请写成 ≥50个、≤30天、=100% 这样的运算符和数值，或评价等级（如 优良中低差）"
TARGET_BARE = "年度指标值请写明 ≥、≤ 或 =（如 ≥50个）"
TARGET_PROMPT = "写明运算符、数值和单位，如 ≥50个、≤30天、=100%、95%以上；定性指标写评价等级，如 优良中低差"
_FULL_WIDTH = str.maketrans("<>=", "＜＞＝")   # typed in a Chinese input method (NFKC reads them as <>=)
_DIGITS = "{" + ",".join([str(d) for d in range(10)] + [f'"{chr(0xFF10 + d)}"' for d in range(10)]) + "}"
_PLACES = 15   # the longest number a target is read with, in characters
_SEQUENCE = "{" + ",".join(str(i) for i in range(1, _PLACES + 1)) + "}"
_QUALITATIVE_SEPARATORS = "/、;；|"   # (spaces and commas are off already) as find_scale compares names
# What the text helper reads a typed target as, as the engine's normalize_text (NFKC) and
# split_target do: no spaces, breaks, tabs or thousands commas; full-width digits, points and
# slashes as ASCII
_TARGET_SPELLINGS = (*((_text(c), "") for c in (" ", "\u3000", ",", "，")),
                     *((f"CHAR({code})", "") for code in (9, 10, 13)),
                     *((_text(chr(0xFF10 + d)), str(d)) for d in range(10)),
                     (_text("．"), "."), (_text("／"), "/"))


def _array(values) -> str:
    return "{" + ",".join(_text(v) for v in values) + "}"


def _operators(pairs) -> dict[str, str]:
    """The engine's operator spellings (and their full-width forms) → nature."""
    found = {}
    for word, nature in pairs:
        found.setdefault(word, nature)
        found.setdefault(word.translate(_FULL_WIDTH), nature)
    return found


_BEFORE_WORDS, _AFTER_WORDS = _operators(BEFORE), _operators(AFTER)


def _longest(side: str, ref: str, words) -> str:
    """The longest of ``words`` that ``ref`` starts (``LEFT``) or ends (``RIGHT``) with, else "".
    (MATCH reads ? * ~ as wildcards: the nature cell refuses a target holding one first.)"""
    formula = '""'
    for length in sorted({len(w) for w in words}):
        part = f"{side}({ref},{length})"
        formula = f"IF({_one_of(part, [w for w in words if len(w) == length])},{part},{formula})"
    return formula


def _lookup(value: str, mapping: dict[str, str]) -> str:
    return f"INDEX({_array(mapping.values())},MATCH({value},{_array(mapping)},0))"


def _one_of(ref: str, words) -> str:
    return f"ISNUMBER(MATCH({ref},{_array(words)},0))"


def _symbols(words) -> list[str]:
    """The operators written as symbols (≥, >=, ＞＝), never a statement's start as 达到 is."""
    return [w for w in words if not any("\u4e00" <= c <= "\u9fff" for c in w)]


def _has_digit(ref: str) -> str:
    return f"SUMPRODUCT(--ISNUMBER(FIND({_DIGITS},{ref})))>0"


@cache
def _scale_names(profile: Profile) -> dict[str, str]:
    """What a 定性 target may say (a scale's name or alias, or a single grade, as compared) → the
    scale :func:`~addin.engine.qualitative.find_scale` finds for it."""
    words = {name_key(word) for scale in profile.scales
             for word in (scale.name, *scale.aliases, *(w for grade in scale.grades for w in grade.words))}
    return {word: find_scale(word, profile).name for word in sorted(words) if word}


def _bare(profile: Profile, lay: L.Layout, index: int) -> str:
    """The nature of a bare-number target (no operator), as :meth:`Profile.bare_nature` reads it
    from the row's 一级 and 二级指标 as recalc carries them down (:func:`~..readers.tables._carry_levels`):
    a blank cell takes the label above, a new 一级 with a blank 二级 has none, and a row whose 一级
    is blank takes the 一级 its 二级 names (经济成本指标: 成本指标; 质量指标: 产出指标); labels are
    compared without spaces or a point count such as （20分）. The message asking for an operator
    where the profile reads none."""
    levels = {word: nature for word, nature in profile.bare_targets.items() if word}
    fallback = profile.bare_targets.get("", TARGET_BARE)
    if not levels:
        return _text(fallback)

    def carried(field: str) -> str:
        return _carried(lay, field, index)

    def label(text: str) -> str:   # (as form.level_label: no whitespace, no point count)
        for space in ('" "', '"\u3000"', "CHAR(9)", "CHAR(10)", "CHAR(13)"):
            text = f'SUBSTITUTE({text},{space},"")'
        return f'LEFT({text},MIN(FIND("(",{text}&"("),FIND("（",{text}&"（"))-1)'

    own1, own2 = (f"'{L.SHEET}'!{lay.indicator_cell(f, index)}" for f in ("level1", "level2"))
    one = label(carried("level1"))
    # a new 一级 (its cell filled, other than the label above) with its 二级 blank: no 二级
    two = label(f'IF(AND({own2}="",{own1}<>"",{own1}<>IFERROR({_carried(lay, "level1", index - 1)},"")),"",{carried("level2")})') \
        if index else label(own2)
    implied = {two_: levels.get(one_, fallback) for two_, one_ in form.LEVEL2_TO_LEVEL1.items()}
    formula = f"IF({_one_of(one, levels)},{_lookup(one, levels)},{_text(fallback)})"
    # (a form's own 一级 words above, such as Ningxia's 项目产出, are kept, as carry_levels keeps them)
    formula = (f'IF(AND({own1}="",{_one_of(two, implied)},OR(ISNA({carried("level1")}),{_one_of(one, form.LEVEL1)})),'
               f"{_lookup(two, implied)},{formula})")
    return f"IF({_one_of(two, levels)},{_lookup(two, levels)},{formula})"


def _carried(lay: L.Layout, field: str, index: int) -> str:
    """The label of ``field`` on row ``index``, else the nearest filled one above it (merged or
    blank cells); #N/A when there is none from the first row down."""
    column = f"'{L.SHEET}'!{lay.column_down(field, index)}"
    return f'LOOKUP(2,1/({column}<>""),{column})'


def _unclosed(text: str, closing: str) -> str:
    """``text`` without one closing punctuation mark (。 ； ！ …) at its end, as split_target strips them."""
    return f'IF(ISNUMBER(FIND(RIGHT({text},1),{closing})),LEFT({text},LEN({text})-1),{text})'


def _unit_read(unit: str) -> str:
    """A unit as the engine reads it for percentages: 百分点 is %, and an inclusion mark after it
    (90%（含）) is no part of it."""
    for written, read in (("百分点", "%"), ("（含）", ""), ("(含)", "")):
        unit = f"SUBSTITUTE({unit},{_text(written)},{_text(read)})"
    return unit


def target_helpers(profile: Profile, lay: L.Layout, index: int) -> dict[str, str]:
    """Column → formula of the helper cells that read the target a unit types in a blank portable
    template of a form without a 性质 column, as :func:`~addin.engine.targets.split_target`
    reads it, for what a formula can read: an operator before (``≥50个``, ``不低于90%``) or after
    (``95%以上``) a plain number with a unit without digits, or a bare number
    as the profile reads one; a target without a digit is 定性, on the scale it names (else the
    profile's default scale). The ``nature`` cell holds ≥, ≤, = or 定性, or the message asking
    for a target written so."""
    row = lay.first_indicator_row + index
    at = {name: f"{column}{row}" for name, column in HELPERS.items()}
    typed = f"'{L.SHEET}'!{lay.indicator_cell('target', index)}"
    text, before, after, rest, value, digits, unit, nature = (at[k] for k in (
        "text", "before", "after", "rest", "number", "digits", "unit", "nature"))
    spaceless = f"TRIM({typed})"
    for typed_as, read_as in _TARGET_SPELLINGS:
        spaceless = f"SUBSTITUTE({spaceless},{typed_as},{_text(read_as)})"
    closing = _text("".join(sorted(set("。．；;，、！!"))))
    bare = f'SUBSTITUTE(SUBSTITUTE({rest},"%",""),"％","")'
    numeral = f"LEFT({bare},{digits})"
    before_words, after_words = _BEFORE_WORDS, _AFTER_WORDS
    # a plain number: a digit first, digits and at most one point after an optional minus (a prefix
    # VALUE reads as a date or a time, 1/2, 2024-12-31, 2024.12.31 in Chinese Excel, or .5, is no
    # number of a target to the engine)
    unsigned = f'IF(LEFT({numeral},1)="-",MID({numeral},2,{_PLACES}),{numeral})'
    plain = f'SUBSTITUTE({unsigned},".","",1)'
    malformed = [f'ISERROR(FIND(LEFT({unsigned},1),"0123456789"))',
                 f'SUMPRODUCT(--ISERROR(FIND(MID({plain}&REPT("0",{_PLACES}),{_SEQUENCE},1),"0123456789")))>0',
                 _has_digit(unit)]
    wildcard = "OR(" + ",".join(f'ISNUMBER(FIND("{c}",{text}))' for c in "?*~") + ")"
    stated = (f'IF({before}<>"",{_lookup(before, before_words)},'
              f'IF({after}<>"",{_lookup(after, after_words)},{_bare(profile, lay, index)}))')
    scale_key = text
    for separator in _QUALITATIVE_SEPARATORS:
        scale_key = f'SUBSTITUTE({scale_key},{_text(separator)},"")'
    names = _scale_names(profile)
    default = _text(profile.default_scale.name) if profile.default_scale is not None else '""'
    formulas = {
        "text": f'=IF({spaceless}="","",{_unclosed(_unclosed(spaceless, closing), closing)})',   # (≥90%。。)
        "before": f"={_longest('LEFT', text, before_words)}",
        "after": f"={_longest('RIGHT', text, after_words)}",   # (≥90%以上: both, the unit is %)
        "rest": f"=MID({text},LEN({before})+1,LEN({text})-LEN({before})-LEN({after}))",
        "number": f"=LOOKUP(9.9E+307,--LEFT({bare},{_SEQUENCE}))",
        "digits": f"=MIN(LOOKUP(9.9E+307,--LEFT({bare},{_SEQUENCE}),{_SEQUENCE}),LEN({bare}))",
        "unit": f'=IF(ISNA({value}),"",{_unit_read(f"MID({rest},{digits}+1,99)")})',
        "nature": "=" + _guarded([(f'{text}=""', '""'), (wildcard, _text(TARGET_FORMAT)),
                            (_one_of(text, sorted(BLANK_MARKS - {""})), _text(TARGET_FORMAT)),   # /, 无: none
                            (f"AND(NOT({_has_digit(text)}),{_one_of(before, _symbols(before_words))})",
                             _text(TARGET_FORMAT)),   # ≥ without a number (达到预期 is a statement)
                            (f"NOT({_has_digit(text)})", _text(QUALITATIVE)),
                            (f"ISNA({value})", _text(TARGET_FORMAT)),
                            (f"OR({','.join(malformed)})", _text(TARGET_FORMAT))], stated),
        "scale": f'=IF({nature}<>{_text(QUALITATIVE)},"",IF({_one_of(scale_key, names)},'
                 f"{_lookup(scale_key, names)},{default}))",
    }
    return {HELPERS[name]: formula for name, formula in formulas.items()}


@cache
def _share_rows(profile: Profile) -> list[tuple[str, float]]:
    """(scale|grade, share) of each grade word of the profile on each of its scales where
    :func:`~addin.engine.qualitative.read_grade` reads it (不合格 on 达成/部分达成/未达成 is 未达成),
    so the template and the engine agree; once per profile (a batch builds many templates)."""
    rows = {}
    words = list(dict.fromkeys(word for scale in profile.scales for grade in scale.grades for word in grade.words))
    for scale in profile.scales:
        for word in words:
            try:
                share = float(read_grade(word, scale, profile).share)
            except PerfError:
                continue
            for name in (scale.name, *scale.aliases):
                rows.setdefault(f"{name}|{word}", share)
    return list(rows.items())


class PortableFormulas:
    """The formulas of a portable template for one profile (see the module docstring)."""

    portable = True

    def __init__(self, profile: Profile):
        check_portable(profile)
        self.profile = profile
        self.keys = self.shares = ""
        rows = len(self.share_rows())
        last = SHARES_FIRST_ROW + rows - 1
        sheet = f"'{L.META_SHEET}'"
        self.keys = f"{sheet}!${SHARES_KEY_COLUMN}${SHARES_FIRST_ROW}:${SHARES_KEY_COLUMN}${last}"
        self.shares = f"{sheet}!${SHARES_VALUE_COLUMN}${SHARES_FIRST_ROW}:${SHARES_VALUE_COLUMN}${last}"

    def share_rows(self) -> list[tuple[str, float]]:
        """(scale|grade, share) for every spelling of every scale and grade of the profile, and
        for the grades of other scales the engine maps onto it (:func:`_share_rows`)."""
        return _share_rows(self.profile)

    # funds block

    def _funds_guards(self, budget: str, executed: str) -> list[tuple[str, str]]:
        return [
            (f"NOT(ISNUMBER({budget}))", '"全年预算数应填写数值"'),
            (f"NOT(ISNUMBER({executed}))", '"全年执行数应填写数值"'),
            (f"{budget}<=0", f'"全年预算数为"&{budget}&"，无法计算执行率"'),
            (f"{executed}<0", f'"全年执行数不能为负数（"&{executed}&"）"'),
        ]

    def funds_rate(self, lay: L.Layout) -> str:
        budget, executed = lay.funds_cell("annual"), lay.funds_cell("executed")
        rate = _round(f"{executed}/{budget}", self.profile.rate_decimals)
        return f'=IF(OR({budget}="",{executed}=""),"",{_guarded(self._funds_guards(budget, executed), rate)})'

    def funds_score(self, lay: L.Layout) -> str:
        budget, executed, weight = (lay.funds_cell(f) for f in ("annual", "executed", "weight"))
        share = FUNDS_BUILDERS[self.profile.funds_method](budget, executed)
        guards = self._funds_guards(budget, executed) + list(share.guards)
        guards += _weight_guards(weight)
        score = _round(f"MIN(MAX({share.value},0),1)*{weight}", self.profile.decimals)
        return f'=IF(OR({budget}="",{executed}=""),"",{_guarded(guards, score)})'

    # indicator rows

    def _quantitative(self, nature: str, row: Row) -> str:
        a, b, w = row.target_number, number(row.actual), row.weight
        share = QUANTITATIVE_BUILDERS[self.profile.methods[nature]](a, b)
        over = self._over_target(nature, a, b)
        guards = [] if row.clean else [_need_number(row.target, form.INDICATOR_FIELDS["target"])]
        guards.append(_need_number(row.actual, form.INDICATOR_FIELDS["actual"], row.unit))
        if nature in DECIMAL_NATURES and row.decimal_percent:   # 0.95 for 95%: asked for as written
            guards.append((row.decimal_percent, _text("实际完成值请写成百分数（如 95%），不要写成小数（0.95；粘贴来的百分数也是小数，请重新输入）")))
        guards += [*_weight_guards(w), *share.guards]
        score = f"MAX(MIN(MAX({share.value},0),1)*{w}-{over.deduction}*{w},0)"
        return _guarded(guards, _round(score, self.profile.decimals))

    def _over_target(self, nature: str, a: str, b: str) -> OverTarget:
        if nature not in self.profile.over_target_applies_to:
            return OverTarget()
        return OVER_TARGET_BUILDERS[self.profile.over_target_mode](self.profile, nature, a, b)

    def _qualitative(self, row: Row, scale: Scale | None) -> str:
        scale_guards = []
        if scale is not None:
            key = f'{_text(scale.name + "|")}&TRIM({row.actual})'
            names = "、".join(g.name for g in scale.grades)
            message = _text(f"请从下拉列表中选择等级（{names}）")
        elif row.derived:   # the scale its target names, found by the helper cell
            key = f'{row.scale}&"|"&TRIM({row.actual})'
            message = f'"实际完成值应为“"&{row.scale}&"”中的一个等级"'
            scale_guards.append((f'{row.scale}=""', _text(TARGET_FORMAT)))
        else:
            key = f'TRIM({row.target})&"|"&TRIM({row.actual})'
            message = _text("年度指标值应为评价等级（如 优良中低差），实际完成值应为其中一个等级（如 优）")
        found = f"MATCH({key},{self.keys},0)"
        score = _round(f"INDEX({self.shares},{found})*{row.weight}", self.profile.decimals)
        typed = [row.actual] if scale is not None or row.derived else [row.target, row.actual]   # (MATCH reads ? * ~ as wildcards)
        wildcard = "OR(" + ",".join(f'ISNUMBER(FIND("{c}",{ref}))' for ref in typed for c in "?*~") + ")"
        guards = [*scale_guards, (wildcard, message), (f"ISNA({found})", message),
                  *_weight_guards(row.weight)]
        return _guarded(guards, score)

    def indicator_score(self, row: Row, nature: str | None, scale: Scale | None) -> str:
        """The 得分 cell; ``nature`` (and a 定性 row's ``scale``) as known when the table defines
        its rows, ``None`` for rows the user fills in (the nature cell then chooses)."""
        blank = f'OR({row.defined}="",{row.actual}="")'
        if nature == QUALITATIVE:
            body = self._qualitative(row, scale)
        elif nature is not None:
            body = self._quantitative(nature, row)
        else:
            body = row.nature if row.derived else _text("绩效指标性质应为 ≥、≤、= 或 定性")   # (a derived one says why)
            for each in (EQUAL, REVERSE, POSITIVE):
                body = f'IF({row.nature}="{each}",{self._quantitative(each, row)},{body})'
            body = f'IF({row.nature}="{QUALITATIVE}",{self._qualitative(row, None)},{body})'
        return f'=IF({blank},"",{body})'

    def indicator_check(self, row: Row, nature: str | None) -> str:
        """The 检查 cell: the checks a formula can make once the score is computed."""
        silent = reason_blank(row.reason)
        checks = [(f"AND({row.score}<{row.weight},{silent})", _text("得分低于分值，未填写偏差原因分析及改进措施"))]
        a, b = row.target_number, number(row.actual)

        def when(each: str, *conditions: str) -> str:
            """The ``conditions`` of a row of nature ``each``: on rows the user fills in, the
            nature cell decides first (IF, not AND: a 定性 row's grade is no number to compare)."""
            condition = f"AND({','.join(conditions)})"
            return condition if nature == each else f'IF({row.nature}="{each}",{condition},FALSE)'

        for each in (POSITIVE, REVERSE):
            flag = self._over_target(each, a, b).flag
            if flag and nature in (each, None):
                over = f"({b}-{a})/{a}" if each == POSITIVE else f"({a}-{b})/{b}"
                message = (f'"实际完成值超出年度指标值"&ROUND({over}*100,2)&"%，指标值可能设定偏低，'
                           f'应在偏差原因中说明"')
                checks.append((when(each, flag, silent), message))
        if nature in (EQUAL, None):
            message = f'"性质为“=”，实际完成值"&{b}&"与年度指标值"&{a}&"不一致，应说明偏差原因"'
            checks.append((when(EQUAL, f"{b}<>{a}", silent), message))
        return f'=IF(NOT(ISNUMBER({row.score})),"",{_guarded(checks, _text(""))})'

    # total and grade

    def total_score(self, lay: L.Layout) -> str:
        defined, actuals, scores = (lay.indicator_range(f) for f in (lay.defining_field, "actual", "score"))
        if lay.funds_scored:
            funds = lay.funds_cell("score")
            total = _round(f"SUM({scores})+{funds}", self.profile.decimals)
            incomplete = f"COUNT({scores})+COUNT({funds})<COUNTA({defined})+1"
            blank = f'OR({funds}="",COUNTA({defined})>COUNTA({actuals}))'
        else:   # a funds block worth no points
            total = _round(f"SUM({scores})", self.profile.decimals)
            incomplete = f"COUNT({scores})<COUNTA({defined})"
            blank = f"COUNTA({defined})>COUNTA({actuals})"
        return f'=IF({blank},"",IF({incomplete},"有得分未能计算，见上方提示",{total}))'

    def grade(self, lay: L.Layout) -> str:
        return grade_formula(self.profile, lay.total_score_cell)
