"""Property tests: bounds and monotonicity of indicator scores, for every profile; any input at all
gives a bounded result or a PerfError, never another exception.

The tests that take hostile input mix it with cells holding a usable number, written as real
tables write them (int, float, Decimal, text with a unit, a percent sign, thousands separators,
full-width digits, a Unicode minus): those must give a value, equal to the number written, and
most generated inputs must be of that kind, so that a test cannot pass by every input being
refused."""

from collections import Counter
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from addin.engine import (PerfError, exec_rate, exec_score, get_profile, grade_of, list_profiles, read_value,
                          round_half_up, score_indicator)

PROFILES = [p.id for p in list_profiles()]
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000"), places=2)
actuals = st.decimals(min_value=Decimal("0"), max_value=Decimal("10000000"), places=2)
weights = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2)
natures = st.sampled_from(["≥", "≤", "="])
profiles = st.sampled_from(PROFILES)


@given(natures, amounts, actuals, weights, profiles)
def test_score_within_zero_and_weight(nature, target, actual, weight, profile):
    score = score_indicator(nature, target, actual, weight, profile)
    assert Decimal(0) <= score <= weight


@given(st.data(), weights, profiles)
def test_qualitative_within_bounds(data, weight, profile):
    rules = get_profile(profile)
    scale = data.draw(st.sampled_from(rules.scales))
    grade = data.draw(st.sampled_from(scale.grades))
    actual = data.draw(st.sampled_from([grade.name, f"{grade.name}（按合同完成）", f"验收结果为{grade.name}"]))
    score = score_indicator("定性", scale.name, actual, weight, profile)
    assert Decimal(0) <= score <= weight
    assert score == round_half_up(grade.share * weight, rules.decimals)


@settings(max_examples=200)
@given(amounts, st.data(), weights, profiles)
def test_positive_never_decreases_up_to_target(target, data, weight, profile):
    low = data.draw(st.decimals(min_value=Decimal(0), max_value=target, places=2))
    high = data.draw(st.decimals(min_value=low, max_value=target, places=2))
    assert score_indicator("≥", target, low, weight, profile) <= score_indicator(
        "≥", target, high, weight, profile
    )


@settings(max_examples=200)
@given(amounts, actuals, actuals, weights, profiles)
def test_reverse_never_increases_as_actual_grows(target, a, b, weight, profile):
    low, high = min(a, b), max(a, b)
    assert score_indicator("≤", target, low, weight, profile) >= score_indicator(
        "≤", target, high, weight, profile
    )


@given(
    st.decimals(min_value=Decimal("0"), max_value=Decimal("99999999"), places=4),
    st.sampled_from(["万元", "元", "份", "小时", "%", "个", "年"]),
    st.sampled_from(["", "项目总金额", "用户满意度为", "提交报告"]),
    st.sampled_from(["", "，2024年支出3万元", "（2023年度）", "内"]),
)
def test_the_number_written_in_the_unit_is_read(value, unit, before, after):
    text = f"{before}{value}{unit}{after}"
    assert read_value(text, unit) == value


# Anything a cell can hold, including the hostile: texts with numbers, signs, exponents, dates and
# Unicode minus signs mixed in, huge and tiny numbers, inf and nan.
_FRAGMENTS = st.sampled_from(["−", "-", "e", "E", "+", ".", ",", "%", "年", "月", "日", "万元", "已",
                              "1e999999", "9" * 40, "0.", "×10³", "2024-12-31", "/", "^"])
cell_texts = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(_FRAGMENTS, st.text(alphabet="0123456789", min_size=1, max_size=30)),
             max_size=8).map("".join),
)
cell_values = st.one_of(
    cell_texts, st.none(), st.booleans(), st.integers(min_value=-(10 ** 40), max_value=10 ** 40),
    st.floats(allow_nan=True, allow_infinity=True), st.decimals(allow_nan=True, allow_infinity=True),
)

_FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")
_BEFORE = ["", "项目总金额", "用户满意度为", "提交报告", "约"]
_AFTER = ["", "，2024年支出3万元", "（2023年度）", "内", "。"]
CELL_UNITS = ["万元", "元", "份", "小时", "%", "个"]


@st.composite
def number_cells(draw, low: str = "-1000000000", high: str = "1000000000", unit: str | None = None,
                 plain: bool = False):
    """(cell, unit, number): a cell holding ``number`` as a table may write it, read with ``unit``;
    ``plain``: a text holds the number alone (an amount or a total, read without a unit)."""
    places = draw(st.integers(min_value=0, max_value=4))
    number = draw(st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=places))
    unit = draw(st.sampled_from(CELL_UNITS)) if unit is None else unit
    form = draw(st.sampled_from(["int", "float", "decimal", "text", "grouped", "full-width"]))
    if form == "int" and number == number.to_integral_value():
        return int(number), unit, number
    if form == "float":   # at most 14 significant digits: the float shows exactly the number
        return float(number), unit, number
    if form == "decimal":
        return number, unit, number
    digits = format(abs(number), ",f" if form == "grouped" else "f")
    if form == "full-width":
        digits = digits.translate(_FULL_WIDTH)
    sign = draw(st.sampled_from(["-", "−", "－"])) if number < 0 else ""
    if plain:
        return f"{sign}{digits}", unit, number
    written = f"{draw(st.sampled_from(_BEFORE))}{sign}{digits}{unit}{draw(st.sampled_from(_AFTER))}"
    return written, unit, number


def hostile_or_number(number_strategy):
    """Mostly cells holding a usable number ((cell, unit, number)), the others anything at all
    ((cell, unit, None)): one draw in four, fewer as Hypothesis favours the first branch."""
    hostile = st.tuples(cell_values, st.one_of(st.none(), st.sampled_from(["万元", "%", "份", "小时"])),
                        st.none())
    return st.integers(min_value=0, max_value=3).flatmap(lambda i: hostile if i == 3 else number_strategy)


def assert_mostly_values(outcomes: Counter) -> None:
    """Most generated inputs gave a value; the hostile ones were exercised too."""
    total = sum(outcomes.values())
    assert outcomes["value"] >= total / 2, outcomes
    assert outcomes["refused"] > 0, outcomes


def test_any_value_reads_as_a_bounded_number_or_a_perf_error():
    outcomes = Counter()

    @settings(max_examples=400, database=None, deadline=None)
    @given(hostile_or_number(number_cells()))
    def read(case):
        cell, unit, number = case
        try:
            value = read_value(cell, unit)
        except PerfError:
            assert number is None, f"{cell!r} holds {number} but was refused"
            outcomes["refused"] += 1
            return
        outcomes["value"] += 1
        assert value.is_finite() and (value == 0 or -15 <= value.adjusted() < 15)
        if number is not None:
            assert value == number, cell

    read()
    assert_mostly_values(outcomes)


# A row the engine can score: a nature as tables spell it, a target it can divide by (> 0 for ≥),
# an actual value not below 0, a 分值 from 0 to 100; each cell in any of the forms above.
_SPELLED = {"≥": ["≥", ">=", "不低于"], "≤": ["≤", "<=", "不超过"], "=": ["=", "等于"]}


@st.composite
def scorable_rows(draw):
    nature = draw(st.sampled_from(sorted(_SPELLED)))
    unit = draw(st.sampled_from(CELL_UNITS))
    target = draw(number_cells("0.0001" if nature == "≥" else "0", "100000000", unit))
    actual = draw(number_cells("0", "100000000", unit))
    weight = draw(number_cells("0", "100", ""))
    return draw(st.sampled_from(_SPELLED[nature])), target[0], actual[0], weight[0], unit, weight[2]


@st.composite
def hostile_rows(draw):
    nature = draw(st.sampled_from(["≥", "≤", "=", "定性", "−"]))
    return nature, draw(cell_values), draw(cell_values), draw(cell_values), None, None


def test_scoring_anything_gives_a_score_or_a_perf_error():
    outcomes = Counter()

    @settings(max_examples=300, database=None, deadline=None)
    @given(st.integers(min_value=0, max_value=3).flatmap(lambda i: hostile_rows() if i == 3 else scorable_rows()),
           profiles)
    def score(row, profile):
        nature, target, actual, weight, unit, points = row
        try:
            result = score_indicator(nature, target, actual, weight, profile, unit)
        except PerfError as err:
            assert points is None, f"{row!r} is a scorable row but was refused: {err}"
            outcomes["refused"] += 1
            return
        outcomes["value"] += 1
        # 分值 itself shown at the profile's decimals: a 分值 of 0.125 gives full marks 0.13.
        assert Decimal(0) <= result <= round_half_up(read_value(weight), get_profile(profile).decimals)

    score()
    assert_mostly_values(outcomes)


@st.composite
def funds_cases(draw):
    budget = draw(number_cells("0.01", "100000000", "", plain=True))
    executed = draw(number_cells("0", "200000000", "", plain=True))
    total = draw(number_cells("0", "100", "", plain=True))
    return budget[0], executed[0], total[0], (budget[2], executed[2], total[2])


def test_funds_and_grade_give_a_result_or_a_perf_error():
    outcomes = Counter()
    hostile = st.tuples(cell_values, cell_values, cell_values, st.none())

    @settings(max_examples=200, database=None, deadline=None)
    @given(st.integers(min_value=0, max_value=3).flatmap(lambda i: hostile if i == 3 else funds_cases()),
           profiles)
    def check(case, profile):
        budget, executed, total, numbers = case
        rules = get_profile(profile)
        # received = budget: profiles that measure 执行率 against 实际到位资金 get the same amount
        calls = {"rate": lambda: exec_rate(budget, executed, profile, budget),
                 "score": lambda: exec_score(budget, executed, 10, profile, budget),
                 "grade": lambda: grade_of(total, profile)}
        results = {}
        for name, call in calls.items():
            try:
                results[name] = call()
            except PerfError:
                assert numbers is None, f"{case!r}: {name} refused"
                outcomes["refused"] += 1
            else:
                outcomes["value"] += 1
        if "rate" in results:
            assert results["rate"] >= 0
        if "score" in results:
            assert Decimal(0) <= results["score"] <= 10
        if "grade" in results:
            assert results["grade"] in rules.grades
        if numbers is not None:
            b, e, t = numbers
            assert results["rate"] == round_half_up(e / b, rules.rate_decimals)
            assert results["score"] == round_half_up(min(e / b, Decimal(1)) * 10, rules.decimals)
            if e >= b:
                assert results["score"] == 10
            # the grade is the first band, highest first, whose minimum the total reaches
            assert results["grade"] == next(grade for grade, low in rules.grade_bands if t >= low)

    check()
    assert_mostly_values(outcomes)


@given(st.decimals(min_value=0, max_value=100, places=2), st.decimals(min_value=0, max_value=100, places=2),
       profiles)
def test_a_higher_total_never_gets_a_lower_grade(a, b, profile):
    grades = get_profile(profile).grades   # best first
    low, high = min(a, b), max(a, b)
    assert grades.index(grade_of(high, profile)) <= grades.index(grade_of(low, profile))
