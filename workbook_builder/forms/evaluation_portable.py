"""Portable 评价指标体系评分表: each item's criterion compiled into native spreadsheet formulas.

Where the add-in is not installed (WPS Office, LibreOffice, Excel without Python) a 评分表 wired
with PERF_CHECKLIST / PERF_BAND / PERF_RATIO / PERF_DEDUCT shows ``#NAME?`` in every score. A
portable one writes each score as a formula of functions Excel 2010+, WPS and LibreOffice share
(:data:`FUNCTIONS`), compiled when the template is generated from
the criterion the framework states: the formula builders are looked up by the method names of
:data:`addin.engine.frameworks.METHODS`.

The inputs a formula takes are a strict part of what the engine reads, so that a score it shows
is always the engine's (``tests/test_evaluation_portable.py`` types thousands of inputs into
LibreOffice and compares): 达成项 as ①②④, 1,2,4 (、，；/ 和 及 or spaces between), 全部 or 无;
实际值 and 计划值 as numbers or percentages (96, 96%); 扣分 as a number, 扣3分, 无, or each amount
after its item's number (①4③3). Anything else (another unit, 01, an amount without its item's
number among several, more than six decimals, an error or logical value) shows a prompt beginning
with 请 in the score cell instead of a score; recalc reads the file's inputs itself and says what
it finds there. Limitations: a date typed in an input cell (1/2 read as 2 January) is a number to
the formulas, which the engine refuses; LibreOffice compares numbers within about 1e-14 of each
other as equal (a computed 89.9999999999999 against the band boundary 90); a formula typed in an
input cell takes the format LibreOffice gives its result, not the one saved. recalc, which reads
the file as saved, finds each of these.

Helper cells in hidden columns of the score sheet (from :data:`HELPER_COLUMN`, on each item's
row) hold each 达成项 and 扣分 text reduced to what the formula compares and the numbers read
from 实际值 and 计划值: written once, they keep the score formulas short (Excel refuses a formula
over 8,192 characters); on the sheet itself, so that a copy of the sheet (for another project)
computes from its own inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from openpyxl.utils import column_index_from_string, get_column_letter

from addin.engine.frameworks import BAND, CHECKLIST, DEDUCTION, RATIO
from addin.engine.frameworks.criteria import CIRCLED, Criterion
from addin.engine.frameworks.methods import FRACTION_LIMIT, _ALL, _NO_DEDUCTION, _NONE, share_of_whole

from ..readers.container import MAX_TEXT
from .portable import NotPortable, _round, _text

# Every function the formulas call (tests/test_evaluation_portable.py checks that no other appears)
FUNCTIONS = frozenset({"IF", "AND", "OR", "NOT", "ISNUMBER", "ISTEXT", "ISERROR", "ISLOGICAL", "IFERROR", "VALUE",
                       "SUBSTITUTE", "TRIM", "LOWER", "LEFT", "RIGHT", "MID", "LEN", "FIND", "MATCH", "CHOOSE",
                       "INT", "ABS", "CHAR", "CELL", "ROUND", "MAX", "MIN", "SUM", "COUNT"})
HELPER_COLUMN = "P"   # the first hidden column of helper cells: right of the sheet's last (evaluation_layout)
# The helper cells of an item row, by name, in column order from HELPER_COLUMN: the piece of
# 扣分 after each item's number follow (扣分第1项 …)
HELPERS = {"tokens": "达成项（规整）", "circled": "达成项中的圈码数", "marked": "扣分（规整）",
           "value_text": "实际值（规整）", "value_body": "实际值（数字部分）", "value_read": "实际值（读数）",
           "value": "实际值（分档用）", "planned_text": "计划值（规整）", "planned_body": "计划值（数字部分）",
           "planned_read": "计划值（读数）"}
MAX_DECIMALS = 6   # a number typed with more (89.99999999999999) is asked again: LibreOffice compares
                   # numbers 1e-14 apart as equal, the engine exactly


# The prompts a score shows instead of a number: each begins with evaluation_layout.PROMPT (请)
CHECKLIST_PROMPT = '"请改写达成项（如①②④、1,2,4、全部、无）"'   # (short: shown in a narrow cell)
ONE_TIER_PROMPT = '"请只填一项（各档互斥）"'
VALUE_PROMPT = '"请改写实际值（如96或96%）"'
NO_BAND_PROMPT = '"请核对实际值（不在任何一档）"'
OVER_WHOLE_PROMPT = '"请核对实际值（不会超过100%）"'   # (满意率 120%)
RATIO_PROMPT = '"请改写实际值、计划值（数值或百分比，计划值大于0）"'
DEDUCTION_PROMPT = '"请改写扣分（如3、无、①4③3，在扣分范围内）"'

# Spaces and separators a 达成项 may hold between item numbers (the engine's [\s,，、;；/和及],
# full-width forms too: the engine reads them through NFKC)
_SEPARATORS = (" ", "\u3000", "\u00a0", "CHAR(9)", "CHAR(10)", "CHAR(13)", ",", "，", "、", ";", "；", "/", "／",
               "和", "及")
_FULL_DIGITS = tuple((chr(0xFF10 + d), str(d)) for d in range(10))
# ideographic and no-break spaces (spaces to NFKC), tabs and line breaks: spaces, which TRIM takes
# off the ends as the engine strips its whitespace
_WIDE_SPACES = (("\u3000", " "), ("\u00a0", " "), ("CHAR(9)", " "), ("CHAR(10)", " "), ("CHAR(13)", " "))


def _literal(text: str) -> str:
    return text if text.startswith("CHAR(") else _text(text)


def _substituted(ref: str, pairs) -> str:
    formula = ref
    for old, new in pairs:
        formula = f"SUBSTITUTE({formula},{_literal(old)},{_literal(new)})"
    return formula


def _one_of(ref: str, words) -> str:
    listed = ",".join(_text(w) for w in sorted(words))
    return f"ISNUMBER(MATCH({ref},{{{listed}}},0))"


def _occurrences(ref: str, piece: str) -> str:
    """How many times the text ``piece`` occurs in the text at ``ref``."""
    return f"(LEN({ref})-LEN(SUBSTITUTE({ref},{_text(piece)},\"\")))/{len(piece)}"


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _plain_number(ref: str) -> str:
    """Whether the text at ``ref`` is digits with at most one point between them and at most
    :data:`MAX_DECIMALS` decimals (what VALUE reads as the engine does: no sign, no thousands, no
    currency or accounting brackets, no .5)."""
    rest = _substituted(ref, [(str(d), "") for d in range(10)])
    ends = f'AND(LEFT({ref},1)<>".",RIGHT({ref},1)<>".")'
    decimals = f'LEN({ref})-IFERROR(FIND(".",{ref}),LEN({ref}))<={MAX_DECIMALS}'
    return f'AND(LEN({rest})<LEN({ref}),{_occurrences(ref, ".")}<=1,SUBSTITUTE({rest},".","")="",{ends},{decimals})'


def _unusable(ref: str) -> str:
    """Whether an input cell holds what no method reads (the engine refuses each): an error value
    or a logical value (a number to LibreOffice's ISNUMBER). (A date is a number to every
    spreadsheet, and LibreOffice's CELL("format") calls it G: it cannot be told apart.)"""
    return f"OR(ISERROR({ref}),ISLOGICAL({ref}))"


def _too_long(ref: str) -> str:
    """Whether an input cell's text is longer than recalc reads (it keeps a cell's first
    :data:`~workbook_builder.readers.container.MAX_TEXT` characters, and the engine then refuses)."""
    return f"LEN({ref})>{MAX_TEXT}"


def _bounded(number: str) -> str:
    """``number`` where the engine reads it (an absolute value below 10^15 and, unless 0, not
    below 10^-15), else ""."""
    return (f'IF(ISNUMBER({number}),IF(OR(ABS({number})>=1E+15,AND({number}<>0,ABS({number})<1E-15)),"",'
            f'{number}),"")')


def text_helper(ref: str) -> str:
    """A 实际值 or 计划值 text as the engine reads it through NFKC: full-width digits, point and %
    as ASCII, ideographic and no-break spaces as spaces, outer spaces off, ``96 %`` as ``96%``
    ("" for a number or a blank)."""
    text = _substituted(ref, [*_FULL_DIGITS, ("．", "."), ("％", "%"), *_WIDE_SPACES])
    return f'=IF(ISTEXT({ref}),SUBSTITUTE(TRIM({text})," %","%"),"")'


def _percent_number(ref: str, text: str, body: str) -> str:
    """The number a 实际值 or 计划值 cell holds in the engine's reading: a number as it is, a number
    in a %-formatted cell as the percentage it shows (0.96 shown 96% is 96, to the reader's ten
    decimals, see :func:`_shown_percent`), a text of digits with or without a last % (``96%`` is
    96; ``text`` and ``body``: its helpers, :func:`text_helper` and the text without its last %);
    "" where it is none of those."""
    read = _bounded(f'IF({_plain_number(body)},VALUE({body}),"")')
    number = _bounded(f"IF({_shown_percent(ref)},ROUND({ref}*100,10),{ref})")
    return f'IF(OR({_unusable(ref)},{_too_long(ref)}),"",IF(ISNUMBER({ref}),{number},IF(ISTEXT({ref}),{read},"")))'


def _body(text: str) -> str:
    return f'=IF(RIGHT({text},1)="%",LEFT({text},LEN({text})-1),{text})'


def _shown_percent(ref: str) -> str:
    """Whether the number cell at ``ref`` is read as the percentage it shows: formatted as one and
    from -2 to 2 (recalc's Grid.shown: a larger one there was written as the percentage itself)."""
    return f'AND(LEFT(CELL("format",{ref}),1)="P",ABS({ref})<=2)'


def helper_column(key: object) -> str:
    """The hidden column of the helper cell ``key`` (a name of :data:`HELPERS`, or
    ("piece", n) for item n's piece of 扣分)."""
    first = column_index_from_string(HELPER_COLUMN)
    offset = list(HELPERS).index(key) if key in HELPERS else len(HELPERS) + key[1] - 1
    return get_column_letter(first + offset)


def helper_label(key: object) -> str:
    return HELPERS[key] if key in HELPERS else f"扣分第{key[1]}项（读数）"


def _checklist_helpers(criterion: Criterion, c: Callable[[str], str], helper: Callable[[object], str]) -> dict:
    """A 逐项计分 row's 达成项: its item numbers written with digits, each between two commas
    (``,1,,2,``: the circled ones taken out), and the count of its circled numbers."""
    met = c("met")
    digits = _substituted(met, [*((ch, "") for ch in CIRCLED), *((sep, ",") for sep in _SEPARATORS), *_FULL_DIGITS])
    circled = f"LEN({met})-LEN({_substituted(met, [(ch, '') for ch in CIRCLED])})"
    return {"tokens": f'=IF(ISTEXT({met}),","&SUBSTITUTE({digits},",",",,")&",","")',
            "circled": f"=IF(ISTEXT({met}),{circled},0)"}


def _deduction_helpers(criterion: Criterion, c: Callable[[str], str], helper: Callable[[object], str]) -> dict:
    """A 扣分制 row's 扣分 marked (:func:`deduction_helper`), and the amount after each item's
    number: a number, "x" where it is none, "" where the item is not named."""
    marked = helper("marked")
    found = {"marked": deduction_helper(c("deductions"))}
    for i in criterion.items:
        at = f"FIND(CHAR(1)&{_text(CIRCLED[i.number - 1])},{marked})"
        end = f"IFERROR(FIND(CHAR(1),{marked},{at}+2),LEN({marked})+1)"
        piece = f"TRIM(MID({marked},{at}+2,{end}-{at}-2))"
        amount = _bounded(f"VALUE({piece})")
        found[("piece", i.number)] = (f'=IF(ISNUMBER({at}),IF({_plain_number(piece)},IF(ISNUMBER({amount}),'
                                      f'{amount},"x"),"x"),"")')
    return found


def _read_helpers(c: Callable[[str], str], helper: Callable[[object], str], field: str) -> dict:
    """The 实际值 or 计划值 (``field``) as the engine reads it: its text made plain
    (:func:`text_helper`), that text without its last %, and the number (:func:`_percent_number`)."""
    return {f"{field}_text": text_helper(c(field)), f"{field}_body": _body(helper(f"{field}_text")),
            f"{field}_read": "=" + _percent_number(c(field), helper(f"{field}_text"), helper(f"{field}_body"))}


def _band_helpers(criterion: Criterion, c: Callable[[str], str], helper: Callable[[object], str]) -> dict:
    """A 分档计分 row's 实际值 read (:func:`_read_helpers`), then placed in the criterion's unit."""
    return {**_read_helpers(c, helper, "value"),
            "value": "=" + _band_number(criterion, c("value"), helper("value_text"), helper("value_read"))}


def _ratio_helpers(criterion: Criterion, c: Callable[[str], str], helper: Callable[[object], str]) -> dict:
    """A 比例计分 row's 实际值 and 计划值 read (:func:`_read_helpers`)."""
    return {**_read_helpers(c, helper, "value"), **_read_helpers(c, helper, "planned")}


def helpers(criterion: Criterion, c: Callable[[str], str], helper: Callable[[object], str]) -> dict[object, str]:
    """The helper cells' formulas of an item row scored by ``criterion`` (``c``: the row's cells
    on the score sheet, ``helper``: a helper cell by name), by its method (:data:`HELPER_FORMULAS`;
    a judged row has none)."""
    build = HELPER_FORMULAS.get(criterion.method)
    return build(criterion, c, helper) if build else {}


def _checklist(criterion: Criterion, c: Callable[[str], str], helper: Callable[[object], str]) -> str:
    met, tokens, circled = c("met"), helper("tokens"), helper("circled")
    items = criterion.items
    circled_of = [_occurrences(met, CIRCLED[i.number - 1]) for i in items]
    counts = [f"({_occurrences(tokens, f',{i.number},')}+{ring})" for i, ring in zip(items, circled_of)]
    rest = _substituted(tokens, [(f",{i.number},", "") for i in items])
    unknown = f'OR(SUBSTITUTE({rest},",","")<>"",{circled}<>{"+".join(circled_of)})'
    twice = "OR(" + ",".join(f"{n}>1" for n in counts) + ")"
    chosen = "+".join(f"({n}>0)" for n in counts)
    score = _round("+".join(f"({n}>0)*{_number(i.high)}" for n, i in zip(counts, items)), 2)
    word = f"LOWER(TRIM({_substituted(met, _WIDE_SPACES)}))"
    total = _number(sum((i.high for i in items), Decimal(0)))
    everything = ONE_TIER_PROMPT if criterion.alternatives else total
    one = f"CHOOSE({met},{','.join(_number(i.high) for i in items)})"
    number = (f"IF({met}=0,0,IF(AND({met}=INT({met}),{met}>=1,{met}<={len(items)}),{one},{CHECKLIST_PROMPT}))")
    text = (f"IF({_one_of(word, _NONE | {chr(0xFF10)})},0,IF({_one_of(word, _ALL)},{everything},"
            f"IF(OR({unknown},{twice}),{CHECKLIST_PROMPT},"
            + (f"IF({chosen}>1,{ONE_TIER_PROMPT},{score}))))" if criterion.alternatives else f"{score})))"))
    return (f'=IF(ISERROR({met}),{CHECKLIST_PROMPT},IF({met}="","",IF({_too_long(met)},{CHECKLIST_PROMPT},'
            f"IF(ISNUMBER({met}),{number},IF(ISTEXT({met}),{text},{CHECKLIST_PROMPT})))))")   # (a logical value: neither)


def _band_number(criterion: Criterion, value: str, text: str, read: str) -> str:
    """The number a 分档计分 row's 实际值 is placed by, in the criterion's unit ("" where the
    formula cannot read it as the engine does)."""
    number = read
    if criterion.unit == "%":   # a bare number from 0 to 2 is a fraction, as a %-formatted cell holds it
        bare = f'IF(ISTEXT({value}),RIGHT({text},1)<>"%",NOT({_shown_percent(value)}))'
        number = (f'IF(NOT(ISNUMBER({number})),"",IF(AND({bare},{number}>=0,{number}<={_number(FRACTION_LIMIT)}),'
                  f"{number}*100,{number}))")
    return number


def _band(criterion: Criterion, c: Callable[[str], str], helper: Callable[[object], str]) -> str:
    if criterion.unit not in ("%", ""):   # (the engine converts 180分钟 to 3小时)
        raise NotPortable(f"分档计分的单位“{criterion.unit}”无法写成通用公式")
    small = [b for band in criterion.bands for b in (band.low, band.high) if b is not None and 0 < b <= FRACTION_LIMIT]
    if small:
        raise NotPortable("分档计分的档位在 0 至 2% 之间，百分比格式与数值的读法无法由公式区分")
    value, number = c("value"), helper("value")
    bands = NO_BAND_PROMPT
    for band in reversed(criterion.bands):
        conditions = []
        if band.low is not None:
            conditions.append(f"{number}{'>=' if band.low_closed else '>'}{_number(band.low)}")
        if band.high is not None:
            conditions.append(f"{number}{'<=' if band.high_closed else '<'}{_number(band.high)}")
        test = f"AND({','.join(conditions)})" if conditions else "TRUE"
        bands = f"IF({test},{_number(band.points)},{bands})"
    if share_of_whole(criterion):
        bands = f"IF({number}>100,{OVER_WHOLE_PROMPT},{bands})"
    return f'=IF(ISERROR({value}),{VALUE_PROMPT},IF({value}="","",IF(NOT(ISNUMBER({number})),{VALUE_PROMPT},{bands})))'


def _ratio(criterion: Criterion, c: Callable[[str], str], helper: Callable[[object], str]) -> str:
    value, planned, points = c("value"), c("planned"), c("points")
    a, p = helper("value_read"), helper("planned_read")
    if criterion.overspend:   # 分值 × (1 − 超支比例)
        share = f"1-MAX({a}-{p},0)/{p}"
    else:
        share = f"{a}/{p}"
    score = _round(f"MIN(MAX({share},0),1)*{points}", 2)
    bad = f"OR(NOT(ISNUMBER({a})),NOT(ISNUMBER({p})),NOT(ISNUMBER({points})))"
    return (f'=IF(OR(ISERROR({value}),ISERROR({planned})),{RATIO_PROMPT},IF(OR({value}="",{planned}=""),"",'
            f"IF({bad},{RATIO_PROMPT},IF(OR({p}<=0,{a}<0),{RATIO_PROMPT},{score}))))")


def deduction_helper(deductions: str) -> str:
    """The helper cell of a 扣分制 row: its 扣分 text without 扣 and 分, each item number marked by
    CHAR(1) before it, a space or separator just before an item number or at the end taken out
    (``①4，③3，`` is CHAR(1)①4CHAR(1)③3, as the engine passes over the separators), outer spaces
    off; "" for a number or a blank."""
    text = _substituted(f"{deductions}&CHAR(1)", [("扣", ""), ("分", ""), *_WIDE_SPACES])   # (a mark at the end)
    for circled in CIRCLED:
        text = f"SUBSTITUTE({text},{_text(circled)},CHAR(1)&{_text(circled)})"
    for separator in (" ", ",", "，", "、", ";", "；"):
        text = f"SUBSTITUTE({text},{_text(separator)}&CHAR(1),CHAR(1))"
    return f'=IF(ISTEXT({deductions}),TRIM(LEFT({text},LEN({text})-1)),"")'


def _deduction(criterion: Criterion, c: Callable[[str], str], helper: Callable[[object], str]) -> str:
    deductions, points, marked = c("deductions"), c("points"), helper("marked")
    items = criterion.items

    def fits(amount: str) -> str:   # one amount without its item's number: within some item's range
        if not items:
            return "TRUE"
        ranges = ",".join(f"AND({amount}>={_number(i.low)},{amount}<={_number(i.high)})" for i in items)
        return f"OR({amount}=0,{ranges})"

    def left(amounts: str) -> str:
        return _round(f"MAX({points}-({amounts}),0)", 2)

    number = (f"IF(OR({deductions}<0,NOT(ISNUMBER({_bounded(deductions)})),NOT({fits(deductions)})),"
              f"{DEDUCTION_PROMPT},{left(deductions)})")
    one = f"VALUE({marked})"
    plain = (f"IF({_plain_number(marked)},IF(AND(ISNUMBER({_bounded(one)}),{fits(one)}),{left(one)},{DEDUCTION_PROMPT}),"
             f"{DEDUCTION_PROMPT})")
    amounts, wrong = [], []   # each item's amount: the number after its item's number ("x": none, see helpers)
    for i in items:
        piece = helper(("piece", i.number))
        amounts.append(f"IF(ISNUMBER({piece}),{piece},0)")
        in_range = f"OR({piece}=0,AND({piece}>={_number(i.low)},{piece}<={_number(i.high)}))"
        wrong.append(f'IF({piece}="x",TRUE,IF(ISNUMBER({piece}),NOT({in_range}),FALSE))')
    # (an item named twice, or one the criterion has not, makes more marks than items found)
    known = "+".join(f"ISNUMBER(FIND(CHAR(1)&{_text(CIRCLED[i.number - 1])},{marked}))" for i in items) or "0"
    marks = f'(LEN({marked})-LEN(SUBSTITUTE({marked},CHAR(1),"")))'
    broken = f'OR(LEFT({marked},1)<>CHAR(1),{marks}<>{known},{",".join(wrong) or "FALSE"})'
    named = f"IF({broken},{DEDUCTION_PROMPT},{left('+'.join(amounts) or '0')})"
    none = _one_of(f'SUBSTITUTE(TRIM({_substituted(deductions, _WIDE_SPACES)})," ","")', _NO_DEDUCTION)
    text = f"IF({none},{left('0')},IF(ISNUMBER(FIND(CHAR(1),{marked})),{named},{plain}))"
    return (f'=IF(ISERROR({deductions}),{DEDUCTION_PROMPT},IF({deductions}="","",'
            f"IF(OR(NOT(ISNUMBER({points})),{_too_long(deductions)}),{DEDUCTION_PROMPT},"
            f"IF(ISNUMBER({deductions}),{number},IF(ISTEXT({deductions}),{text},{DEDUCTION_PROMPT})))))")


# The formula of an item's 自评得分 by its criterion's method (judgement: typed, no formula), and
# the formulas of its helper cells
FORMULAS: dict[str, Callable] = {CHECKLIST: _checklist, BAND: _band, RATIO: _ratio, DEDUCTION: _deduction}
HELPER_FORMULAS: dict[str, Callable] = {CHECKLIST: _checklist_helpers, BAND: _band_helpers, RATIO: _ratio_helpers,
                                        DEDUCTION: _deduction_helpers}
