"""The PERF_* Excel functions called in-process, as the add-in calls them."""

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin.engine import PerfError, exec_rate, exec_score
from addin import udfs
from tests.test_properties import cell_values


def test_functions_and_their_chinese_help():
    names = [f.__name__ for f in udfs.FUNCTIONS]
    assert names == [
        "PERF_SCORE", "PERF_EXEC_RATE", "PERF_EXEC_SCORE", "PERF_GRADE", "PERF_VALUE", "PERF_CHECK",
        "PERF_CHECKLIST", "PERF_BAND", "PERF_DEDUCT", "PERF_RATIO",
    ]
    for function in udfs.FUNCTIONS:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in function.__doc__)


def test_values_like_excel_passes_them():
    assert udfs.PERF_SCORE("≥", 1.0, "提供实施方案7份", 10.0) == 7.0
    assert udfs.PERF_SCORE([["≥"]], [[1.0]], [["7份"]], [[10.0]], [[None]]) == 7.0  # 1×1 ranges
    assert udfs.PERF_SCORE("≥", 1.0, "7份", 10.0, "mof-2020") == 10.0
    assert udfs.PERF_SCORE("≥", 1.0, "7份", 10.0, "") == 7.0  # empty 规则 cell: default
    assert udfs.PERF_SCORE("≤", 994.32, "项目总金额993.5559万元，2024年支出695.82万元", 10, None, "万元") == 10.0
    assert udfs.PERF_EXEC_RATE(696.02, 695.82) == 0.9997
    assert udfs.PERF_EXEC_SCORE(696.02, 695.82, 10) == 10.0
    assert udfs.PERF_EXEC_SCORE(696.02, 695.82) == 10.0
    assert udfs.PERF_GRADE(89.99) == "良"
    assert udfs.PERF_VALUE("服务响应时间2小时内", "小时") == 2.0
    assert udfs.PERF_CHECK("≥", 1, "7份", 10, 7, "") == "得分低于分值，未填写偏差原因分析及改进措施"
    assert udfs.PERF_CHECK("≥", 90, "100", 10, 10, None) == ""


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: udfs.PERF_SCORE("≥", 90, "待定", 10), "实际完成值“待定”中没有可用的数值"),
        (lambda: udfs.PERF_SCORE("≥", 90, [[1, 2]], 10), "参数“实际完成值”应为单个单元格"),
        (lambda: udfs.PERF_GRADE(95, "beijing"), "未知的规则“beijing”"),
        (lambda: udfs.PERF_EXEC_RATE(0, 5), "全年预算数为0"),
        (lambda: udfs.PERF_GRADE(95, None, "多余"), "函数PERF_GRADE需要1至2个参数，收到了3个"),
        (lambda: udfs.PERF_EXEC_RATE(100), "函数PERF_EXEC_RATE需要2至5个参数，收到了1个"),
        (lambda: udfs.PERF_SCORE("≥", 90, 95), "函数PERF_SCORE需要4至8个参数，收到了3个"),
        (lambda: udfs.PERF_CHECK("≥", 90, 95, 10, 10, None, None, None, None, None, 1), "需要6至10个参数，收到了11个"),
        (lambda: udfs.PERF_VALUE(), "函数PERF_VALUE需要1至2个参数，收到了0个"),
        (lambda: udfs.PERF_VALUE("1" * 5000), "超出可计算的范围"),
        (lambda: udfs.PERF_VALUE("2024年12月31日"), "实际完成值“2024年12月31日”是日期，不是数值"),
        (lambda: udfs.PERF_GRADE(1000), "总分1000超过满分100分"),
        (lambda: udfs.PERF_SCORE("≥", 90, 95, "−10"), "分值不能为负数（−10）"),
        (lambda: udfs.PERF_SCORE("≥", 90, 95, 1e26), "超出可计算的范围"),
        (lambda: udfs.PERF_SCORE("定性", "好坏", "已取消", 10), "没有找到评价等级"),
        (lambda: udfs.PERF_EXEC_RATE(1e-15, 1e14), "计算结果超出可计算的范围"),
    ],
)
def test_errors_carry_only_the_chinese_message(call, message):
    with pytest.raises(PerfError) as err:
        call()
    assert message in str(err.value)
    assert err.value.__cause__ is None and err.value.__suppress_context__


def test_framework_functions_like_excel_passes_them():
    goals = "①设有目标（1分）\n②目标明确（1分）\n③目标细化（1分）\n④目标量化（1分）"
    assert [udfs.PERF_CHECKLIST(goals, met) for met in ("①②④", "1,2,4", "全部", None, "", 2.0)] == [
        3.0, 3.0, 4.0, 0.0, 0.0, 1.0]
    satisfaction = "满意率达90%（含）以上的得8分，80%（含）-90%得6分，60%（含）-80%得2分，60%以下不得分"
    assert [udfs.PERF_BAND(satisfaction, v) for v in ("85%", 0.85, 0.9, "59.9%", 1)] == [6.0, 6.0, 8.0, 0.0, 8.0]
    with pytest.raises(PerfError, match="满意率不会超过100%"):
        udfs.PERF_BAND(satisfaction, 1.05)
    repair = "故障修复时间2小时（含）以内得5分，2-4小时（含）得3分，4小时以上不得分"
    assert udfs.PERF_BAND(repair, "180分钟") == 3.0
    with pytest.raises(PerfError, match="两者无法换算"):
        udfs.PERF_BAND(satisfaction, "3小时")
    assert udfs.PERF_DEDUCT(7, "2,3") == 2.0 and udfs.PERF_DEDUCT(3, 5) == 0.0 and udfs.PERF_DEDUCT(7, None) == 7.0
    assert udfs.PERF_RATIO(207, 369, 3) == 1.68 and udfs.PERF_RATIO(400, 369, 3) == 3.0
    with pytest.raises(PerfError, match="不是扣分制"):
        udfs.PERF_DEDUCT(4, 1, goals)
    with pytest.raises(PerfError, match="需要给出分值"):
        udfs.PERF_CHECKLIST("按完成情况酌情扣分", "①")


def test_numbers_are_read_whole():
    assert udfs.PERF_VALUE("完成1.5e3份") == 1500.0
    assert udfs.PERF_VALUE("增长−5%", "%") == -5.0
    assert udfs.PERF_SCORE("≥", "1e5", "1.5e5", 10) == 10.0  # not over-target from a target of 1
    assert udfs.PERF_CHECK("定性", "好坏", "已取消", 10, 10, None) == "实际完成值“已取消”中没有找到评价等级（好坏：好、坏）"


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(udfs.FUNCTIONS),
       st.lists(st.one_of(cell_values, st.lists(cell_values, max_size=2)), max_size=9))
def test_any_call_gives_a_cell_value_or_the_chinese_error(function, args):
    """What a cell can show: a finite number or a text; anything else is the Excel error."""
    try:
        value = function(*args)
    except PerfError as err:
        assert str(err) and "Traceback" not in str(err)
        return
    assert isinstance(value, str) or (isinstance(value, float) and math.isfinite(value))


def test_amounts_written_with_their_money_unit_are_converted():
    """全年预算数 and 全年执行数 typed as text with their unit (as recalc reads them): 万元 unless
    金额单位 says 元; the rate is the same whatever unit the amounts are written in."""
    rate = float(exec_rate(150, 141.116))
    assert udfs.PERF_EXEC_RATE("150万", "1,411,160元") == rate
    assert udfs.PERF_EXEC_RATE("150万元", "141.116万元") == rate
    assert udfs.PERF_EXEC_RATE("1500000元", "141.116万元") == rate
    assert udfs.PERF_EXEC_SCORE(1500000, "141.116万元", 10, None, None, "元") == float(exec_score(150, 141.116, 10))
    assert udfs.PERF_EXEC_RATE(1500000, 1411160, None, None, "元") == rate
    assert udfs.PERF_EXEC_RATE(150, "141.116万元", None, None, "万元") == rate
    assert udfs.PERF_EXEC_RATE(150, 141.116, None, None, "万") == rate   # 万 is 万元, as 150万 is
    with pytest.raises(PerfError, match="金额单位“个”不是金额的单位"):
        udfs.PERF_EXEC_RATE(150, "141万元", None, None, "个")
    with pytest.raises(PerfError, match="金额单位“美元”不是金额的单位"):
        udfs.PERF_EXEC_RATE(150, 140, None, None, "美元")   # refused even where no amount has a unit
    # without 金额单位 a bare number beside one written with its unit (元 or 万元: 1411160 beside
    # 150万元 had been a rate of 9407) is in no known unit: refused, not guessed
    with pytest.raises(PerfError, match="全年执行数写的是元，全年预算数“1500000”没有写单位"):
        udfs.PERF_EXEC_RATE(1500000, "1411160元")
    with pytest.raises(PerfError, match="全年执行数“141万个”不是数值"):
        udfs.PERF_EXEC_RATE(150, "141万个")


def test_a_total_with_excels_float_noise_is_graded_as_excel_shows_it():
    """Excel adds 16.6 + 13.41 + 6.07 + 11.75 + 17.65 + 24.52 to 89.99999999999999 and shows 90:
    PERF_GRADE reads the 15 significant digits Excel shows (it had said 良 beside a total of 90.00)."""
    total = 16.6 + 13.41 + 6.07 + 11.75 + 17.65 + 24.52
    assert total != 90 and f"{total:.15g}" == "90"
    assert udfs.PERF_GRADE(total) == "优"
    assert udfs.PERF_SCORE("≥", 90, total, 10) == 10


@pytest.mark.parametrize("call, message", [
    (lambda: udfs.PERF_EXEC_SCORE(150, 141.116, "mof-2020"),
     "参数“分值”收到的是计分规则编号“mof-2020”；PERF_EXEC_SCORE的规则是第4个参数，请检查参数的顺序"),
    (lambda: udfs.PERF_EXEC_SCORE(150, 141.116, None, 145.0),
     "参数“规则”应为计分规则编号（如 mof-2020），收到的是数值145；PERF_EXEC_SCORE的规则是第4个参数，请检查参数的顺序"),
    (lambda: udfs.PERF_RATIO(207, "mof-2020", 3), "参数“计划”收到的是计分规则编号“mof-2020”；PERF_RATIO没有规则参数"),
])
def test_arguments_in_another_functions_order_are_said_so(call, message):
    """规则 is the 3rd argument of PERF_EXEC_RATE and the 4th of PERF_EXEC_SCORE: a call copied
    from one to the other had said 分值不能为负数（mof-2020） or 未知的规则“145.0”."""
    with pytest.raises(udfs.ExcelInputError) as err:
        call()
    assert str(err.value).startswith(message)
    assert udfs.PERF_EXEC_SCORE(150, 141.116, None, "mof-2020") == 9.41


def test_the_band_example_in_the_help_is_a_band():
    """PERF_BAND's 评分标准 help had shown a checklist (①设有目标（1分）…), which it refuses."""
    help_text = udfs.PERF_BAND.argument_help["评分标准"]
    example = help_text.split("如 ", 1)[1]
    assert udfs.PERF_BAND(example, "85%") == 6 and udfs.PERF_BAND(example, "79%") == 0


@pytest.mark.parametrize("call, message", [
    (lambda: udfs.PERF_DEDUCT(7, True), "扣分应为数值，收到的是逻辑值“TRUE”"),
    (lambda: udfs.PERF_SCORE("≥", 90, dt.datetime(2024, 12, 31), 10), "实际完成值应为数值或文字，收到的是“2024-12-31”"),
    (lambda: udfs.PERF_SCORE("≥", 90, dt.datetime(2024, 12, 31, 8, 30), 10), "收到的是“2024-12-31 08:30”"),
    (lambda: udfs.PERF_SCORE("≥", 90, dt.time(2, 0), 10), "收到的是“02:00”"),
])
def test_cells_are_quoted_as_excel_shows_them(call, message):
    """A logical cell is TRUE (it had been “True”), a date or time cell as Excel shows it (it had
    been 2024-12-31 00:00:00)."""
    with pytest.raises(udfs.ExcelInputError, match=message):
        call()


def test_a_deduction_written_with_its_words_is_read():
    assert udfs.PERF_DEDUCT(7, "扣2分") == 5 and udfs.PERF_DEDUCT(7, "扣2分，扣1分") == 4


def test_perf_ratio_deducts_by_the_overspent_share_when_its_criterion_says_so():
    """README lists PERF_RATIO for 按超支比例扣减; without the criterion it had no way to know
    (110 of 100 gave full points)."""
    cost = "项目产出成本按绩效目标控制得3分，未完成的，按超支比例扣减。"
    assert udfs.PERF_RATIO(110, 100, 3) == 3 and udfs.PERF_RATIO(110, 100, 3, cost) == 2.7
    assert udfs.PERF_RATIO("2,070,000元", "369万元", 3, "根据项目资金的实际到位率计算得分（3分）") == 1.68
    with pytest.raises(udfs.ExcelInputError, match="该评分标准不是比例计分"):
        udfs.PERF_RATIO(110, 100, 3, "①设有目标（1分）②目标明确（2分）")


@pytest.mark.parametrize("typed, score", [("扣 2 分", 5), ("①扣4分", 3), ("扣2分，扣1分", 4)])
def test_deductions_written_with_their_words_are_read(typed, score):
    """(扣 2 分 had been 扣分为空, ①扣4分 扣分“1扣4”不是数值)"""
    assert udfs.PERF_DEDUCT(7, typed) == score
    assert udfs.PERF_DEDUCT(7, "①扣4分", "①虚列套取扣4-7分 ②依据不合规扣2分") == 3


def test_levels_as_columns_are_carried_and_must_match():
    """一级指标/二级指标 may be the columns from the table's first row to this one (merged cells
    above are blank): carried down as recalc reads the table; two columns of other lengths are refused."""
    assert udfs.PERF_SCORE("", "500", "520", 10, "mof-2020", None, [["成本指标"], [None]], [["经济成本指标"], [None]]) == 9.62
    assert udfs.PERF_SCORE("", "500", "520", 10, "mof-2020", None, "产出指标", "数量指标") == 10
    with pytest.raises(udfs.ExcelInputError, match="应为同样多行的两列"):
        udfs.PERF_SCORE("", "500", "520", 10, "mof-2020", None, [["成本指标"], [None]], "经济成本指标")


@pytest.mark.parametrize("typed, result", [("无", 7), ("不扣分", 7), ("共扣3分", "扣分“共扣3分”不是数值"), ("扣除2分", "扣分“扣除2分”不是数值")])
def test_deductions_of_none_and_unreadable_ones_are_said_as_typed(typed, result):
    """无 and 不扣分 deduct nothing (they had been refused); what cannot be read is quoted as typed
    (共扣3分 had been quoted as “共3”, once 扣 and 分 were taken off)."""
    if isinstance(result, str):
        with pytest.raises(udfs.ExcelInputError, match=result):
            udfs.PERF_DEDUCT(7, typed)
    else:
        assert udfs.PERF_DEDUCT(7, typed) == result


def test_perf_check_points_at_a_percentage_formatted_cell():
    """A target typed 90% in a cell formatted as a percentage reaches the function as 0.9 (it sees no
    format): against an actual of 100 the row had been scored 7 with no word on why. PERF_CHECK says
    the two are a hundredfold apart; numbers of one size, or texts with %, get no such hint."""
    hint = udfs.PERCENT_FORMAT_HINT
    assert udfs.PERF_CHECK("≥", 0.9, 100.0, 10, 7, "原因", None, "%").endswith(hint)
    assert udfs.PERF_CHECK("≤", 5.0, 0.08, 10, 10, None, None, "%") == hint
    for target, actual, unit in ((90.0, 95.0, "%"), (0.9, 0.95, "%"), ("0.9%", "95%", None), (0.9, 100.0, "个"),
                                 (3.0, 200.0, "%")):   # (3% against 200%: both read as written)
        assert hint not in udfs.PERF_CHECK("≥", target, actual, 10, 10, "原因", None, unit)


@pytest.mark.parametrize(("nature", "target", "actual", "expected"), [
    ("≥", "12万元", "120000元", 10.0),     # 单位 blank: the target's own unit, the actual converted
    ("≤", "2小时", "180分钟", 6.67),
    ("≥", "1万人", "12000人", 10.0),
    ("≥", "1000册", "0.1万册", 10.0),
    ("=", "12万元", "120000元", 10.0),
    ("≥", "≥10TB", "10240GB", 10.0),       # storage and bandwidth units convert
    ("≥", "≥500GB", "0.5TB", 10.0),
    ("≥", "≥100Mbps", "0.1Gbps", 10.0),
])
def test_a_target_written_with_its_unit_converts_the_actual(nature, target, actual, expected):
    assert udfs.PERF_SCORE(nature, target, actual, 10) == expected


@pytest.mark.parametrize(("args", "said"), [
    (("≥", 10, "未达到10个", 10, None, "个"), "写的是“未达到”"),
    (("≥", 10, "不足10个", 10, None, "个"), "写的是“不足”"),
    (("≥", "≥95%", "满意度低于95%", 10), "写的是“低于”"),
    (("≥", "≥95%", "95%以下", 10), "写的是“以下”"),
    (("≤", "≤2小时", "超过2小时", 10), "写的是“超过”"),
    (("≤", "≤2小时", "2小时以上", 10), "写的是“以上”"),
    (("=", 10, "少于10个", 10, None, "个"), "写的是“少于”"),
    (("≥", "≥100Mbps", "1GB", 10), "不是同一种量"),
    (("≥", 1000, "1 234", 10, None, "个"), "数字中间有空格"),
])
def test_an_actual_that_says_no_number_done_is_refused(args, said):
    with pytest.raises(PerfError, match=said):
        udfs.PERF_SCORE(*args)


@pytest.mark.parametrize(("args", "expected"), [
    (("≥", "≥95%", "不低于95%", 10), 10.0),      # a negated word keeps the bound
    (("≤", "≤2小时", "不超过2小时", 10), 10.0),
    (("≤", "≤2小时", "未超过2小时", 10), 10.0),
    (("≥", "≥95%", "超过95%", 10), 10.0),        # beyond a ≥ bound: done
    (("≤", "≤45", "首款支出金额低于45万元", 10, None, "万元"), 10.0),   # (朝阳 table 21)
    (("≤", "≤2小时", "2小时以内", 10), 10.0),
])
def test_an_actual_naming_its_bound_the_right_way_is_scored(args, expected):
    assert udfs.PERF_SCORE(*args) == expected


@pytest.mark.parametrize(("function", "args", "said"), [
    (udfs.PERF_EXEC_RATE, ("150万元", 1411160), "全年预算数写的是万元，全年执行数“1411160”没有写单位"),
    (udfs.PERF_EXEC_SCORE, ("150万元", 1411160), "没有写单位"),
    (udfs.PERF_EXEC_RATE, (100, "95%"), "是百分比，不是金额"),
    (udfs.PERF_RATIO, (950000, "100万元", 10), "计划值写的是万元，实际值“950000”没有写单位"),
    (udfs.PERF_RATIO, ("95万元", 100, 10), "实际值写的是万元，计划值“100”没有写单位"),
    (udfs.PERF_VALUE, ("1个月", "天"), "没有固定的换算比例"),
    (udfs.PERF_VALUE, ("95%", "小时"), "不是同一种量"),
])
def test_amounts_and_values_that_cannot_be_put_in_one_unit_are_refused(function, args, said):
    with pytest.raises(PerfError, match=said):
        function(*args)


def test_amounts_in_one_unit_or_both_written_are_read():
    assert udfs.PERF_EXEC_RATE("150万元", "1411160元") == pytest.approx(0.9408)
    assert udfs.PERF_EXEC_RATE(150, 141) == 0.94
    assert udfs.PERF_RATIO("950000元", "100万元", 10) == 9.5
    assert udfs.PERF_RATIO("95人", 100, 10) == 9.5
    assert udfs.PERF_VALUE("30分钟", "小时") == 0.5


def test_a_total_written_with_points_and_an_error_value():
    assert udfs.PERF_GRADE("90分") == "优"
    with pytest.raises(PerfError, match="是公式的错误值"):
        udfs.PERF_GRADE("#VALUE!")


def test_a_cost_label_given_as_one_cell_reads_as_in_a_column():
    """经济成本指标 as the 二级 cell (or in the 一级 cell) is a 成本指标 row: a bare target is ≤."""
    column = udfs.PERF_SCORE(None, 100, 120, 10, "mof-2020", "万元", [[None], [None]], [["经济成本指标"], [None]])
    assert column == 8.33
    assert udfs.PERF_SCORE(None, 100, 120, 10, "mof-2020", "万元", None, "经济成本指标") == column
    assert udfs.PERF_SCORE(None, 100, 120, 10, "mof-2020", "万元", "经济成本指标") == column
    assert udfs.PERF_SCORE(None, 100, 120, 10, "mof-2020", "万元", "产出指标") == 10.0


@pytest.mark.parametrize(("actual", "target", "expected"), [
    ("计划10个，实际完成8个", 10, 8.0),     # the plan's 10, read first, had scored full marks
    ("目标10个，实际8个", 10, 8.0),
    ("计划10个，实际完成8个", 8, 10.0),
    ("完成10个，计划外增加2个", 10, 10.0),   # no 实际: the first number, as before
])
def test_an_actual_stating_the_plan_first_is_read_from_what_was_done(actual, target, expected):
    assert udfs.PERF_SCORE("≥", target, actual, 10, None, "个") == expected
    assert udfs.PERF_VALUE("计划10个，实际完成8个", "个") == 8.0
