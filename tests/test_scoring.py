"""Indicator formulas, rounding, the funds row and grades (profile-independent behaviour)."""

from decimal import Decimal

import pytest

from addin.engine import PerfError, exec_rate, exec_score, grade_of, parse_nature, score_indicator
from addin.engine.numbers import round_half_up


@pytest.mark.parametrize(
    "spelling, nature",
    [
        ("≥", "≥"), (">=", "≥"), ("≧", "≥"), ("＞＝", "≥"), ("大于等于", "≥"),
        ("≤", "≤"), ("<=", "≤"), ("≦", "≤"), ("＜＝", "≤"), ("小于等于", "≤"),
        ("=", "="), ("＝", "="), ("定性", "定性"), (" ≥ ", "≥"),
    ],
)
def test_nature_spellings(spelling, nature):
    assert parse_nature(spelling) == nature


@pytest.mark.parametrize(
    "value, expected",
    [("2.675", "2.68"), ("2.665", "2.67"), ("-2.675", "-2.68"), ("9.995", "10.00"), ("0.005", "0.01")],
)
def test_round_half_up_like_excel(value, expected):
    assert round_half_up(Decimal(value), 2) == Decimal(expected)


def test_float_inputs_are_read_as_shown():
    # 1.005 is 1.00499999… as a binary float; Excel shows and rounds 1.005.
    assert score_indicator("≥", 100, 100.5, 1) == Decimal("1.00")
    assert score_indicator("=", 1, 1.0, 2.675) == Decimal("2.68")


def test_positive_reverse_equal():
    assert score_indicator("≥", "90", "45", 10) == Decimal("5.00")
    assert score_indicator("≥", "99.90%", "99.9", 15) == Decimal("15.00")
    assert score_indicator("≤", "2", "4", 10) == Decimal("5.00")
    assert score_indicator("≤", "2", "1", 10) == Decimal("10.00")
    assert score_indicator("≤", "2", "0", 10) == Decimal("10.00")  # zero faults: full marks
    assert score_indicator("≤", "0", "0", 10) == Decimal("10.00")
    assert score_indicator("≤", "0", "1", 10) == Decimal("0.00")
    assert score_indicator("=", "12", "12份", 10) == Decimal("10.00")
    assert score_indicator("=", "12", "10", 10) == Decimal("8.33")
    assert score_indicator("=", "10", "12", 10) == Decimal("8.33")
    assert score_indicator("≥", "3", "1", 10) == Decimal("3.33")
    assert score_indicator("≥", "10", "-5", 10) == Decimal("0.00")


def test_funds_row():
    assert exec_rate(696.02, 695.82) == Decimal("0.9997")
    assert exec_score(696.02, 695.82, 10) == Decimal("10.00")
    assert exec_score(160.349, 160.329) == Decimal("10.00")  # 分值 defaults to 10
    assert exec_score(100, 85.555, 10) == Decimal("8.56")
    assert exec_score(100, 120, 10) == Decimal("10.00")  # capped at 分值
    assert exec_rate(100, 120) == Decimal("1.2000")
    assert exec_score("100", "0", 10) == Decimal("0.00")


@pytest.mark.parametrize(
    "total, grade",
    [(100, "优"), (90, "优"), ("89.99", "良"), (80, "良"), (79.99, "中"), (60, "中"), (59.99, "差"), (0, "差")],
)
def test_grade_bands(total, grade):
    assert grade_of(total) == grade


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: score_indicator("≥", "90", None, 10), "实际完成值为空"),
        (lambda: score_indicator("≥", "90", "待定", 10), "实际完成值“待定”中没有可用的数值"),
        (lambda: score_indicator("≥", None, "90", 10), "年度指标值为空"),
        (lambda: score_indicator("约", "90", "90", 10), "未知的绩效指标性质“约”"),
        (lambda: score_indicator("", "90", "90", 10), "绩效指标性质为空"),
        (lambda: score_indicator("≥", "90", "90", -5), r"分值不能为负数（-5）"),
        (lambda: score_indicator("≥", "90", "90", None), "分值为空"),
        (lambda: score_indicator("≥", "90", "90", "十"), "分值“十”中没有可用的数值"),
        (lambda: score_indicator("≥", "0", "5", 10), "正向指标的年度指标值为0"),
        (lambda: score_indicator("≥", "90", "90", 10, "no-such-rule"), "未知的规则“no-such-rule”"),
        (lambda: score_indicator("定性", "优良中低差", "待评估", 10), "没有找到评价等级"),
        (lambda: score_indicator("定性", "很好", "优", 10), "不是规则认可的评价等级"),
        (lambda: exec_score(0, 10, 10), "全年预算数为0，无法计算执行率"),
        (lambda: exec_score(100, -1, 10), "全年执行数不能为负数"),
        (lambda: exec_rate(None, 1), "全年预算数为空"),
        (lambda: grade_of(-1), "总分不能为负数"),
        (lambda: grade_of("优秀"), "总分“优秀”中没有可用的数值"),
        (lambda: grade_of(1000), "总分1000超过满分100分，无法确定等级"),
        (lambda: grade_of("100.01"), "总分100.01超过满分100分"),
        (lambda: score_indicator("≥", "90", "90", "−10"), "分值不能为负数（−10）"),  # U+2212
        (lambda: score_indicator("≥", "90", "90", "－10"), "分值不能为负数（－10）"),
        (lambda: exec_score(100, 90, "−10"), "分值不能为负数"),
        (lambda: score_indicator("≥", "90", "90", 1e26), r"分值“1e\+26”超出可计算的范围"),
        (lambda: score_indicator("≥", "90", "90", "1e26"), "分值“1e26”超出可计算的范围"),
        (lambda: score_indicator("≥", "90", "90", 10 ** 30), "分值“1000000000000000000000000000000”超出可计算的范围"),
        (lambda: score_indicator("≥", "1e-15", "1e14", 99), None),  # scores (capped); no overflow
        (lambda: exec_rate("1e-15", "1e14"), "计算结果超出可计算的范围"),
        (lambda: exec_score(1e300, 1, 10), r"全年预算数“1e\+300”超出可计算的范围"),
        (lambda: score_indicator("≥", "90", "2024年12月31日", 10), "实际完成值“2024年12月31日”是日期，不是数值"),
        (lambda: grade_of("2024-12-31"), "总分“2024-12-31”是日期，不是数值"),
    ],
)
def test_bad_inputs_give_clear_messages(call, message):
    if message is None:
        call()
        return
    with pytest.raises(PerfError, match=message):
        call()


@pytest.mark.parametrize(
    "target, actual, score",
    [("1e5", "1.5e5", "10.00"), ("1e5", "5e4", "5.00"), ("1.5e3", "1500", "10.00"), ("100", "−5", "0.00")],
)
def test_scientific_notation_and_minus_signs_score_as_written(target, actual, score):
    # 1e5 read as 1 would make 1.5e5 an over-target of 14999900% and deduct 30%
    assert str(score_indicator("≥", target, actual, 10)) == score


@pytest.mark.parametrize(("nature", "target", "actual", "unit", "expected"), [
    ("≥", "12万元", "120000元", None, "10"),       # the target's own unit: the actual converted to it
    ("≤", "2小时", "180分钟", None, "6.67"),
    ("≥", "12万元", "100000元", "元", "8.33"),     # a 单位 given is the row's unit: both read in 元
    ("≥", "10", "计划10个，实际完成8个", "个", "8"),   # the plan first: what was done is the actual
    ("≥", "10", "完成8个，计划10个", "个", "8"),
    ("=", "10", "计划10个以上，实际12个", "个", "8.33"),   # (the plan's 以上 is no shortfall of the actual)
    ("≥", "≥1TB", "1000GB", None, "10"), ("≥", "≥10TB", "10240gb", None, "10"),   # decimal, any case
])
def test_the_units_and_numbers_an_actual_is_read_in(nature, target, actual, unit, expected):
    assert score_indicator(nature, target, actual, 10, "mof-2020", unit) == Decimal(expected)


def test_a_bare_target_in_a_longer_word_than_a_unit_is_not_converted_to():
    """3个工作日: 个 of a longer word, no unit; 1个月 against it is still refused (another quantity)."""
    with pytest.raises(PerfError, match="不是同一种量"):
        score_indicator("≤", "3个工作日", "1个月", 10, "mof-2020")
    with pytest.raises(PerfError, match="数字中间有空格"):
        score_indicator("≥", "≥1000万元", "1 234.56万元", 10, "mof-2020")
