"""Reading the number out of a 实际完成值 or 年度指标值 (DOMAIN.md §4)."""

from decimal import Decimal

import pytest

from addin.engine import PerfError, get_profile, read_value


@pytest.mark.parametrize(
    "text, unit, expected",
    [
        ("用户满意度为100%", "%", "100"),
        ("服务响应时间2小时内", "小时", "2"),
        ("提交项目报告1份", "份", "1"),
        ("项目总金额993.5559万元，2024年支出695.82万元", "万元", "993.5559"),
        ("7578289.2", "元", "7578289.2"),
        ("99.90%", "%", "99.90"),
        ("１００％", "%", "100"),  # full-width digits and percent sign
        ("100TB", "个(单位:) TB", "100"),
        ("项目期限为1年", "年", "1"),
        ("2024年支付尾款9万元", "万元", "9"),  # the year is never the value
        ("2022-2023年项目，支出5万元", None, "5"),
        ("首款支出金额低于45万元,2024年支付尾款9万元", "万元", "45"),
        ("≤2小时", "小时", "2"),
        ("系统监测发现首页不连通,15分钟内完成短信提醒", "分钟", "15"),
        ("故障到达现场时间4", "时", "4"),
        ("合同金额1,234.5万元", "万元", "1234.5"),
        ("已提交项目总结报告 2份", "份", "2"),
        ("年服务费为1499.9748万元, 2024年支付项目尾款238.516万元", "万元", "1499.9748"),
        ("支出95元，另有2.5万元", "万元", "2.5"),  # the unit picks the number
        ("增长-5%", "%", "-5"),
        ("<p>用户满意度<br/>100%</p>", "%", "100"),  # HTML fragments pasted from web systems
        ("响应时间&nbsp;2小时", "小时", "2"),
        (12, None, "12"),
        (0.1, None, "0.1"),
        (Decimal("3.50"), None, "3.50"),
        ("Err:5089份", None, "5089"),   # not an error code: a number in a text
        ("编号#1!", None, "1"),
    ],
)
def test_reads_the_value(text, unit, expected):
    assert read_value(text, unit) == Decimal(expected)


@pytest.mark.parametrize(
    "text, message",
    [
        ("待定", "实际完成值“待定”中没有可用的数值"),
        ("2024年", "实际完成值“2024年”中没有可用的数值"),
        ("", "实际完成值为空"),
        (None, "实际完成值为空"),
        ("   ", "实际完成值为空"),
        (True, "实际完成值应为数值，收到的是逻辑值“TRUE”"),
        ("Err:508", "实际完成值“Err:508”是公式的错误值，不是数值；请改正公式或填入数值"),   # LibreOffice's
        (" #DIV/0! ", "实际完成值“#DIV/0!”是公式的错误值，不是数值；请改正公式或填入数值"),
        ("#N/A", "实际完成值“#N/A”是公式的错误值，不是数值；请改正公式或填入数值"),
        ("#NAME?", "实际完成值“#NAME?”是公式的错误值，不是数值；请改正公式或填入数值"),
        ("#GETTING_DATA", "实际完成值“#GETTING_DATA”是公式的错误值，不是数值；请改正公式或填入数值"),
    ],
)
def test_unusable_values_raise_a_chinese_message(text, message):
    with pytest.raises(PerfError) as err:
        read_value(text)
    assert str(err.value) == message


def test_label_names_the_field():
    with pytest.raises(PerfError, match="年度指标值“不详”中没有可用的数值"):
        read_value("不详", label="年度指标值")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("−5", "-5"),          # U+2212 MINUS SIGN
        ("增长−5%", "-5"),
        ("－5", "-5"),         # full-width hyphen-minus
        ("﹣5", "-5"),         # small hyphen-minus
        ("➖5", "-5"),         # heavy minus sign
        ("‐5", "-5"),          # U+2010 hyphen
        (" −0.5 ", "-0.5"),
        ("1.5e3", "1500"),      # scientific notation is read whole, never as 1.5
        ("1e5", "100000"),
        ("1.5E+03", "1500"),
        ("2.5e-2", "0.025"),
        ("完成1.2e4份", "12000"),
        ("１．５ｅ３", "1500"),
        ("于2024年12月完成验收，合格率100%", "100"),  # no part of a date is the value
        ("2024年12月31日前提交报告3份", "3"),
        ("12月31日前完成3项", "3"),
        ("截至2024-12-31共完成7项", "7"),
        ("12个（截至12:00）", "12"),   # nor of a time of day
        ("次年3月完成12个", "12"),   # nor a month of another year
        ("2024/12/31完成，共5份", "5"),
        ("999999999999999", "999999999999999"),
        ("0.000000000000001", "1e-15"),
        ("0", "0"),
    ],
)
def test_signs_exponents_and_dates(text, expected):
    assert read_value(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["−5", "－5", "1.5e3", "1E5", "-0.5"])
def test_to_decimal_reads_the_same_numbers(text):
    from addin.engine.numbers import to_decimal

    assert to_decimal(text, "分值") == read_value(text)


@pytest.mark.parametrize(
    "value, message",
    [
        ("2024年12月31日", "实际完成值“2024年12月31日”是日期，不是数值"),
        ("2024-12-31", "实际完成值“2024-12-31”是日期，不是数值"),
        ("2024/12/31", "实际完成值“2024/12/31”是日期，不是数值"),
        ("2024.12.31", "实际完成值“2024.12.31”是日期，不是数值"),
        ("12月31日", "实际完成值“12月31日”是日期，不是数值"),
        ("12:30", "实际完成值“12:30”是时间或比值，不是数值"),   # (it had been read as 12)
        ("2024-06-30 12:30:00", "实际完成值“2024-06-30 12:30:00”是日期，不是数值"),
        ("2024-13-45T99:99:99", "是日期，不是数值"),
        ("次年3月", "实际完成值“次年3月”是日期，不是数值"),   # (against 12月前 it had been 3 ≤ 12: in time)   # (a date cell no date: it had been read as 99)
        ("1.5×10³", "实际完成值“1.5×10³”用乘方表示数值，请直接写出数值（如 1500 或 1.5e3）"),
        ("2*10^5", "用乘方表示数值"),
        ("3×10的4次方", "用乘方表示数值"),
        ("1.5 x 10**3", "用乘方表示数值"),
        ("1" * 5000, "实际完成值“" + "1" * 59 + "…”超出可计算的范围（绝对值应小于10的15次方）"),
        ("1e26", "实际完成值“1e26”超出可计算的范围（绝对值应小于10的15次方）"),
        ("1e999999999", "超出可计算的范围"),
        (1e300, "超出可计算的范围"),
        (lambda: 10 ** 5000, "实际完成值“位数过多的整数”超出可计算的范围"),
        ("1e-20", "实际完成值“1e-20”超出可计算的范围（非零数值的绝对值应不小于10的-15次方）"),
        (1e-300, "超出可计算的范围"),
        (float("inf"), "实际完成值“inf”不是有限的数值"),
        (float("nan"), "实际完成值“nan”不是有限的数值"),
        ("待定" * 1000, "实际完成值“" + "待定" * 29 + "待…”中没有可用的数值"),
    ],
)
def test_dates_overflow_and_powers_are_refused(value, message):
    with pytest.raises(PerfError) as err:
        read_value(value() if callable(value) else value)
    assert message in str(err.value)


@pytest.mark.parametrize(
    "value, message",
    [
        ("2024年12月31日", "分值“2024年12月31日”不是数值"),
        ("2024-12-31", "分值“2024-12-31”不是数值"),
        ("1_000", "分值“1_000”不是数值"),  # Decimal() would read 1000
        ("Infinity", "分值“Infinity”不是有限的数值"),
        ("1e26", "分值“1e26”超出可计算的范围"),
    ],
)
def test_to_decimal_refuses_what_is_no_number(value, message):
    from addin.engine.numbers import to_decimal

    with pytest.raises(PerfError) as err:
        to_decimal(value, "分值")
    assert message in str(err.value)


@pytest.mark.parametrize("text, expected", [("7分", "7"), ("约7分", "7"), (" 7.5 ", "7.5"), ("１０", "10"), (7.0, "7")])
def test_a_score_written_with_one_number_is_that_number(text, expected):
    from addin.engine.numbers import read_score

    assert read_score(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["10分中得7分", "7-8", "7/10", "7,5", "7分10", "7（扣3分）", "7.5.1"])
def test_a_score_written_with_more_numbers_is_no_score_to_guess(text):
    """An actual value's text may hold several numbers (its first in the unit is read); a score's
    may not: 10分中得7分 had been read as 10 (得分应为7.00，填报为10), 7-8 and 7,5 as 7."""
    from addin.engine.findings import check_scored
    from addin.engine.numbers import read_score
    from addin.engine.scoring import score_detail

    with pytest.raises(PerfError, match="不止一个数值"):
        read_score(text)
    detail = score_detail("≥", "10", "7", 10, "beijing-chaoyang-2024", "个", ("产出指标", "数量指标"))
    [finding] = check_scored(detail, text, "", get_profile("beijing-chaoyang-2024"))
    assert finding.kind == "unreadable" and "不止一个数值" in finding.message


@pytest.mark.parametrize(("text", "says"), [("7O", "中有字母"), ("l0", "中有字母"), ("ｌ０", "中有字母"),
                                            ("扣3分", "写的是扣分，不是得分")])
def test_a_score_with_a_letter_for_a_digit_or_a_deduction_is_no_score_to_guess(text, says):
    """7O had been read as 7 (no finding), l0 as 0, 扣3分 as a score of 3; 1.5e3 and 7分 still read."""
    from addin.engine.numbers import read_score

    with pytest.raises(PerfError, match=says):
        read_score(text)
    assert (read_score("1.5e3"), read_score("约7分")) == (Decimal(1500), Decimal(7))
    for kept, number in (("10（不扣分）", 10), ("10，未扣分", 10), ("0（全扣）", 0), ("90（A级）", 90), ("8分（B）", 8),
                         ("10 pts", 10)):   # (a note beside the score, not a letter for a digit or a deduction)
        assert read_score(kept) == Decimal(number), kept


def test_funds_scores_and_totals_with_more_numbers_are_no_scores_to_guess(chaoyang_tables):
    from copy import deepcopy

    from addin.engine.table import evaluate_table

    table = deepcopy(chaoyang_tables[25])
    table.funds.score, table.total_score = "10分中得10分", "满分100得94"
    result = evaluate_table(table, "beijing-chaoyang-2024")
    found = {(f.part, f.finding.kind) for f in result.findings if "不止一个数值" in f.finding.message}
    assert found == {("funds", "unreadable"), ("total", "unreadable")}
    assert result.reported_total is None


def test_a_total_is_not_compared_with_row_scores_that_state_no_score(chaoyang_tables):
    """A row score with more numbers is that row's finding; the rows are then not added up against
    the reported 总分 (its first number, 20, had made a 总分 mismatch of 104 against 94)."""
    from copy import deepcopy

    from addin.engine.table import evaluate_table

    table = deepcopy(chaoyang_tables[25])
    row = next(i for i in table.indicators if float(i.score) == 10)
    row.score = "20分中得10分"
    kinds = [(f.part, f.finding.kind) for f in evaluate_table(table, "beijing-chaoyang-2024").findings]
    assert ("indicator", "unreadable") in kinds and not any(part == "total" for part, _ in kinds)


def test_a_score_is_refused_for_its_own_reason_first():
    from addin.engine.numbers import read_score

    with pytest.raises(PerfError, match="乘方"):
        read_score("1.5×10^3")
    with pytest.raises(PerfError, match="错误值"):
        read_score("#DIV/0!")
