"""Property tests: bounds and monotonicity of indicator scores, for every profile."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from addin.engine import get_profile, list_profiles, read_value, round_half_up, score_indicator

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
