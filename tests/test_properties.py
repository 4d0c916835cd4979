"""Property tests: bounds and monotonicity of indicator scores, for every profile; any input at all
gives a bounded result or a PerfError, never another exception."""

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


@settings(max_examples=400)
@given(cell_values, st.one_of(st.none(), st.sampled_from(["万元", "%", "份", "小时"])))
def test_any_value_reads_as_a_bounded_number_or_a_perf_error(value, unit):
    try:
        number = read_value(value, unit)
    except PerfError:
        return
    assert number.is_finite() and (number == 0 or -15 <= number.adjusted() < 15)


@settings(max_examples=300)
@given(st.sampled_from(["≥", "≤", "=", "定性", "−"]), cell_values, cell_values, cell_values, profiles)
def test_scoring_anything_gives_a_score_or_a_perf_error(nature, target, actual, weight, profile):
    try:
        score = score_indicator(nature, target, actual, weight, profile)
    except PerfError:
        return
    # 分值 itself shown at the profile's decimals: a 分值 of 0.125 gives full marks 0.13.
    assert Decimal(0) <= score <= round_half_up(read_value(weight), get_profile(profile).decimals)


@settings(max_examples=200)
@given(cell_values, cell_values, cell_values)
def test_funds_and_grade_give_a_result_or_a_perf_error(budget, executed, total):
    for call in (lambda: exec_rate(budget, executed), lambda: exec_score(budget, executed, 10),
                 lambda: grade_of(total)):
        try:
            call()
        except PerfError:
            pass
