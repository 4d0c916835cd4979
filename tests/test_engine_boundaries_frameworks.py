"""Boundaries of evaluation frameworks (评价指标体系) and multi-year evaluations that an evaluator
relies on: who owns a band's boundary, which units convert into which, which hand-typed scores a
method allows, and what a multi-year table reports. Each edge is tested on both sides."""

from collections import Counter
from decimal import Decimal

import pytest

from addin.engine import PerfError
from addin.engine.frameworks import (METHODS, BudgetLine, YearBudget, band, blank_form, checklist, deduction,
                                     evaluate_form, evaluate_years, fill, get_framework, judgement,
                                     parse_criterion, ratio)

D = Decimal
SATISFACTION = "满意率达90%（含）以上的得8分，80%（含）-90%得6分，70%（含）-80%得4分，60%（含）-70%得2分，60%以下不得分。"
REPAIR = "故障修复时间2小时（含）以内得5分，2-4小时（含）得3分，4小时以上不得分"
FUNDS_USE = "①虚列套取扣4-7分 ②依据不合规扣2分 ③截留、挤占、挪用扣3-6分 ④超标准开支扣2-5分 ⑤超预算扣2-5分"
GOALS = "①设有目标（1分）②目标明确（1分）③目标细化（1分）④目标量化（1分）"
TIMELY = "①到位及时（2分）②不及时但未影响项目进度（1分）③不及时并影响项目进度（0.5分）"


# --- bands: who owns a boundary ---------------------------------------------------------------------

def test_without_marks_以内_and_以上_own_their_number_and_a_range_its_start():
    criterion = parse_criterion("故障修复2小时以内得5分，2-4小时得3分，4小时以上不得分", 5)
    assert [band(criterion, v) for v in ("2小时", "3小时", "4小时", "1.5小时")] == [5, 3, 0, 5]


@pytest.mark.parametrize("text, value, points", [
    ("满意率80%（不含）以上得6分，80%以下得2分", "80%", 2),    # （不含） on the upper band
    ("满意率80%（不含）以上得6分，80%以下得2分", "80.5%", 6),
    ("满意率80%-90%（不含）得4分，90%以上得6分", "90%", 6),    # （不含） on the lower band
    ("满意率80%-90%（不含）得4分，90%以上得6分", "89.9%", 4),
])
def test_a_boundary_marked_on_one_side_belongs_to_the_other(text, value, points):
    assert band(parse_criterion(text, 6), value) == points


@pytest.mark.parametrize("text", [
    "安全事故0次得5分，0-2次（含）得3分，2次以上不得分",
    "安全事故0-2次（含）得3分，0次得5分，2次以上不得分",     # the single value written second
])
def test_a_single_value_is_a_band_of_its_own_wherever_it_is_written(text):
    criterion = parse_criterion(text, 5)
    assert [band(criterion, v) for v in (0, "1次", "2次", 3)] == [5, 3, 3, 0]


def test_a_single_value_at_the_top_is_it_and_above():
    shared = parse_criterion("完成率60%（含）以下不得分，60%-100%得3分，100%得5分", 5)
    assert [band(shared, v) for v in ("60%", "80%", "100%", "105%")] == [0, 3, 5, 5]


def test_a_top_range_is_not_extended_above_its_end():
    criterion = parse_criterion("完成率90%（含）-100%（含）得8分，80%（含）-90%得6分，80%以下不得分", 8)
    assert band(criterion, "100%") == 8
    with pytest.raises(PerfError, match="不在评分标准的任何一档内"):
        band(criterion, "105%")


TOP_RANGE = "满意率90%（含）-100%得8分，80%（含）-90%得6分，80%以下不得分"
BOTTOM_RANGE = "满意率80-100%得5分，60-80%得3分，0-60%得0分"


@pytest.mark.parametrize("text, value, points", [
    (TOP_RANGE, "100%", 8),        # the end of the top range, which no band starts at
    (TOP_RANGE, 1, 8),             # … typed in a %-formatted cell
    (TOP_RANGE, "90%", 8),         # the shared boundaries as before
    (TOP_RANGE, "89.99%", 6),
    (TOP_RANGE, "80%", 6),
    (BOTTOM_RANGE, "0%", 0),       # the start of the bottom range
    (BOTTOM_RANGE, "100%", 5),
    (BOTTOM_RANGE, "80%", 5),
    (BOTTOM_RANGE, "79.9%", 3),
])
def test_an_outer_end_that_no_other_band_shares_includes_its_number(text, value, points):
    assert band(parse_criterion(text, 8 if text == TOP_RANGE else 5), value) == points


@pytest.mark.parametrize("text, value", [
    (TOP_RANGE.replace("满意率", "完成率"), "100.01%"),   # (满意率 100.01% is refused as such)
    (BOTTOM_RANGE, "-0.01%"),
    ("满意率90%（含）-100%（不含）得8分，80%（含）-90%得6分，80%以下不得分", "100%"),   # （不含） says so
    ("满意率80-100%得5分，60-80%得3分，0（不含）-60%得1分", "0"),
])
def test_an_outer_end_is_left_open_only_where_the_text_says_so_and_nothing_lies_beyond(text, value):
    with pytest.raises(PerfError, match="不在评分标准的任何一档内"):
        band(parse_criterion(text, 8 if "8分" in text else 5), value)


@pytest.mark.parametrize("text, complaint", [
    ("完成率60%以下不得分，60%-100%（含）得3分，100%得5分", "同时属于相邻两档"),
    ("故障修复2小时以内得5分，2-4天得3分，4天以上不得分", "单位不一致"),
    ("①未按时提交扣0分", "扣分范围“扣0分”不成立"),
    ("①虚列套取扣9分", "扣分“扣9分”超过该指标分值7分"),
    ("按规定使用得8分，虚列套取扣4-7分", "满分写为8分，与该指标分值7分不符"),
])
def test_a_criterion_that_contradicts_itself_is_refused_with_its_reason(text, complaint):
    with pytest.raises(PerfError, match=complaint):
        parse_criterion(text, 7 if "扣" in text else 5)


def test_a_value_below_the_lowest_band_is_in_none():
    with pytest.raises(PerfError, match="不在评分标准的任何一档内"):
        band(parse_criterion(REPAIR, 5), "-0.5小时")
    lowest_open = parse_criterion("满意率80%（不含）-90%（含）得3分，90%以上得5分", 5)
    with pytest.raises(PerfError, match="不在评分标准的任何一档内"):
        band(lowest_open, "80%")
    assert band(lowest_open, "80.5%") == 3


@pytest.mark.parametrize("text", [
    "满意率80-100%得5分，60-80%得3分，0-60%得0分",     # unit after the end of each range
    "满意率80%-100得5分，60%-80得3分，0%-60得0分",     # … or after its start
    "满意率80%以上得5分，60-80得3分，60以下不得分",     # written once, on 以上
    "满意率60%以下不得分，60-80得3分，80以上得5分",     # … on 以下
])
def test_a_unit_written_once_makes_the_whole_band_a_percent_band(text):
    criterion = parse_criterion(text, 5)
    assert criterion.unit == "%" and band(criterion, 0.85) == 5 and band(criterion, 0.7) == 3


def test_a_bare_number_in_a_percent_band_is_a_fraction_up_to_2_only():
    criterion = parse_criterion(SATISFACTION.replace("满意率", "完成率"), 8)
    assert band(criterion, 2) == 8 and band(criterion, "2.5") == 0    # 2.5 is 2.5%


def test_a_bare_number_in_a_band_of_hours_is_hours():
    assert band(parse_criterion(REPAIR, 5), 1.5) == 5


def test_a_text_value_is_read_in_the_band_unit():
    assert band(parse_criterion(SATISFACTION, 8), "回收问卷80份，满意率95%") == 8


def test_small_percent_bands_refuse_an_ambiguous_bare_number_from_their_own_edge():
    errors = parse_criterion("差错率2%（含）以内得5分，2%-5%得3分，5%以上不得分", 5)
    with pytest.raises(PerfError, match="可读作150%"):
        band(errors, 1.5)
    zero = parse_criterion("差错率0%得5分，0-5%得3分，5%以上不得分", 5)
    assert band(zero, 0.5) == 0                    # no boundary from 0 to 2%: 0.5 is 50%


# --- units converted to the band's unit -------------------------------------------------------------

BANDS = {   # unit → (boundary, criterion owning the boundary below, criterion owning it above)
    "小时": ("2", "修复2小时（含）以内得5分，2-4小时得3分，4小时以上不得分",
             "修复2小时（不含）以内得5分，2-4小时得3分，4小时以上不得分"),
    "天": ("2", "办结2天（含）以内得5分，2-5天得3分，5天以上不得分",
          "办结2天（不含）以内得5分，2-5天得3分，5天以上不得分"),
    "个月": ("12", "建设期12个月（含）以内得5分，12-24个月得3分，24个月以上不得分",
            "建设期12个月（不含）以内得5分，12-24个月得3分，24个月以上不得分"),
    "万元": ("10", "成本10万元（含）以内得5分，10-20万元得3分，20万元以上不得分",
            "成本10万元（不含）以内得5分，10-20万元得3分，20万元以上不得分"),
}


@pytest.mark.parametrize("unit, value", [
    ("小时", "120分钟"), ("小时", "120min"), ("小时", "2时"), ("小时", "2h"), ("小时", "2小时"),
    ("天", "48小时"), ("天", "2日"), ("天", "2880分钟"),
    ("个月", "1年"), ("个月", "12月"), ("个月", "12个月"),
    ("万元", "100000元"), ("万元", "10万元"),
])
def test_a_value_on_a_boundary_in_another_unit_of_the_same_quantity_stays_on_it(unit, value):
    boundary, below, above = BANDS[unit]
    assert band(parse_criterion(below, 5), value) == 5
    assert band(parse_criterion(above, 5), value) == 3


@pytest.mark.parametrize("text, value, points", [
    ("安全事故0次得5分，0-2次（含）得3分，2次以上不得分", "1次", 3),
    ("培训10个（含）以上得5分，10个以下得2分", "12个", 5),
    ("完成10项（含）以上得5分，10项以下得2分", "12项", 5),
    ("培训100人（含）以上得5分，100人以下得2分", "120人", 5),
])
def test_a_value_in_the_band_own_unit_is_taken_as_written(text, value, points):
    assert band(parse_criterion(text, 5), value) == points


# --- checklists -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, points, alternatives", [
    (TIMELY, 2, True),                                                   # lesser tiers of the first
    ("①到位及时（2分）②不及时（1分）", 2, True),
    ("①设有目标（1分）", 1, False),
    ("①方案完整（3分）②内容详实（2分）③格式规范（1分）", 6, False),      # no tier words: added
    ("①全部完成（3分）②按期提交（2分）③部分完成（1分）", 6, False),      # one item no lesser tier
    ("①按时完成（3分）②基本按时（1分）③部分按时（2分）", 6, False),      # points not decreasing
    ("①按时（1分）②基本按时（1分）", 2, False),
    (GOALS, 4, False),
])
def test_a_checklist_without_points_reads_tiers_or_items_to_add(text, points, alternatives):
    for given in (None, " "):
        criterion = parse_criterion(text, given)
        assert (criterion.method, criterion.points, criterion.alternatives) == ("checklist", points, alternatives)


def test_a_single_item_checklist_scores_all_of_it():
    assert checklist(parse_criterion("①设有目标（1分）"), "全部") == 1


@pytest.mark.parametrize("met, points", [(0, 0), (1, 1), (3.0, 1), (D(2), 1)])
def test_items_met_typed_as_numbers(met, points):
    assert checklist(parse_criterion(GOALS, 4), met) == points


@pytest.mark.parametrize("met", [1.5, D("2.5"), -2, D("-1"), float("nan"), float("inf")])
def test_an_item_number_that_is_no_whole_number_from_1_is_refused_naming_it(met):
    with pytest.raises(PerfError) as err:
        checklist(parse_criterion(GOALS, 4), met)
    assert str(err.value) == f"达成项“{met}”不是评分标准中的项目编号（应为1至4的整数）"
    assert err.value.field == "met"


def test_an_item_number_beyond_the_items_is_refused_naming_it():
    with pytest.raises(PerfError) as err:
        checklist(parse_criterion(GOALS, 4), 5)
    assert str(err.value) == "达成项“5”中的第5项不在评分标准中（共4项）"


def test_which_checklist_scores_a_hand_typed_score_may_be():
    allows = METHODS["checklist"].allows
    timely, goals = parse_criterion(TIMELY, 2), parse_criterion(GOALS, 4)
    assert [allows(timely, D(s)) for s in ("0", "0.5", "1", "2", "1.5", "2.5")] == [True] * 4 + [False] * 2
    assert [allows(goals, D(s)) for s in ("0", "1", "2", "3", "4", "0.5", "5")] == [True] * 5 + [False] * 2


# --- deductions -------------------------------------------------------------------------------------

def test_deduction_items_keep_their_labels_numbered_or_not():
    with pytest.raises(PerfError, match="第2项“依据不合规”应扣2分，填报扣3分"):
        deduction(parse_criterion(FUNDS_USE, 7), "②3")
    unnumbered = parse_criterion("虚列套取扣4-7分，依据不合规扣2分", 7)
    assert [i.label for i in unnumbered.items] == ["虚列套取", "依据不合规"]
    with pytest.raises(PerfError, match="第2项“依据不合规”应扣2分"):
        deduction(unnumbered, "②3")


@pytest.mark.parametrize("deductions, score", [("7", 0), ("0,2", 5), (D("0.5"), D("6.5")), ("2,3", 2)])
def test_deductions_within_their_item_ranges(deductions, score):
    assert deduction(parse_criterion(FUNDS_USE, 7) if deductions != D("0.5") else D(7), deductions) == score


def test_a_negative_deduction_is_refused():
    with pytest.raises(PerfError, match="扣分不能为负数"):
        deduction(D(7), "-0.5")


@pytest.mark.parametrize("deductions, score", [("0", 7), ("①0", 7), ("① 0", 7), ("①0.0", 7), ("①0②2", 5),
                                               ("②2①0", 5)])
def test_a_zero_deduction_on_a_numbered_item_deducts_nothing_as_0_does(deductions, score):
    assert deduction(parse_criterion(FUNDS_USE, 7), deductions) == score


@pytest.mark.parametrize("deductions", ["①4,2", "①0，4", "②2 3分"])
def test_a_deduction_without_its_item_number_beside_numbered_ones_is_refused(deductions):
    with pytest.raises(PerfError, match="有未写编号的扣分"):
        deduction(parse_criterion(FUNDS_USE, 7), deductions)


@pytest.mark.parametrize("deductions, score", [("①4，②2", 1), ("①4分 ②2分", 1), ("①4、②2", 1)])
def test_numbered_deductions_with_separators_and_units(deductions, score):
    assert deduction(parse_criterion(FUNDS_USE, 7), deductions) == score


def test_a_zero_deduction_still_names_an_item_of_the_criterion_once():
    with pytest.raises(PerfError, match="评分标准中没有第6项扣分"):
        deduction(parse_criterion(FUNDS_USE, 7), "⑥0")
    with pytest.raises(PerfError, match="同一扣分项只能扣一次"):
        deduction(parse_criterion(FUNDS_USE, 7), "①0①5")


def test_which_deduction_scores_a_hand_typed_score_may_be():
    allows = METHODS["deduction"].allows
    funds_use = parse_criterion(FUNDS_USE, 7)
    assert [allows(funds_use, D(s)) for s in ("7", "5", "0", "6", "-1", "7.5")] == [True, True, True, False, False,
                                                                                      False]
    twos = parse_criterion("①依据不合规扣2分 ②超标准开支扣2分", 3)   # two deductions of 2 floor at 0
    assert [allows(twos, D(s)) for s in ("3", "1", "0", "2")] == [True, True, True, False]
    two_one = parse_criterion("①依据不合规扣2分 ②超标准开支扣1分", 3)
    assert [allows(two_one, D(s)) for s in ("1", "2", "0")] == [True, True, True]
    small = parse_criterion("①未按时扣1分 ②未归档扣1分", 5)          # at most 2 of 5 can be deducted
    assert [allows(small, D(s)) for s in ("3", "4", "0")] == [True, True, False]


# --- ratios and judgement ---------------------------------------------------------------------------

def test_ratio_reads_amounts_from_text_and_refuses_a_negative_actual():
    criterion = parse_criterion("根据项目资金的实际到位率计算得分", "3")
    assert criterion.method == "ratio" and criterion.points == 3
    assert ratio(criterion, "实际到位369万元", "计划369万元") == 3
    with pytest.raises(PerfError, match="实际值不能为负数"):
        ratio(criterion, D("-0.5"), 369)


def test_ratio_and_judgement_allow_any_score_from_0_to_the_points():
    for method, text in (("ratio", "根据项目资金的实际到位率计算得分"), ("judgement", "按完成情况酌情扣分")):
        criterion = parse_criterion(text, 3)
        assert [METHODS[method].allows(criterion, D(s)) for s in ("0", "3", "1.5", "3.01", "-0.01")] == [
            True, True, True, False, False]
    assert judgement(parse_criterion("按完成情况酌情扣分", 8), 8) == 8


@pytest.mark.parametrize("text, method", [
    ("未完成的按完成情况酌情扣分，最多扣5分", "judgement"),
    ("按时提交报告得5分", "judgement"),
    ("满意率达到90%", "judgement"),
])
def test_what_is_judgement(text, method):
    assert parse_criterion(text, 5).method == method


def test_a_criterion_needs_points_unless_it_states_them():
    with pytest.raises(PerfError, match="需要给出分值"):
        parse_criterion("根据实际情况综合评价")
    with pytest.raises(PerfError, match="分值应大于0"):
        parse_criterion(GOALS, 0)


def test_an_unreadable_criterion_is_quoted_whole_or_cut_where_a_whole_one_would_end():
    def quote(text):
        with pytest.raises(PerfError) as err:
            parse_criterion(text, 5)
        return str(err.value).split("“", 1)[1].split("”", 1)[0]
    def text(n):
        return "①" + "甲" * (n - 4) + "扣9分"
    whole = [n for n in range(10, 80) if quote(text(n)) == text(n)]
    longest = max(whole)
    assert whole == list(range(10, longest + 1)) and longest >= 20
    for n in (longest + 1, longest + 5, 79):
        assert quote(text(n)) == text(n)[:longest] + "…"


# --- a filled form ----------------------------------------------------------------------------------

SEED_INPUTS = {"到位率": {"value": "待定", "planned": 369}}


def test_an_unreadable_input_is_found_at_the_input_the_method_reads_first():
    form = fill(blank_form(get_framework("yueyang-2020")), SEED_INPUTS)
    found = [(f.finding.kind, f.finding.field, f.row) for f in evaluate_form(form).findings if f.part == "item"]
    assert ("unreadable", "value", 6) in found


def test_a_judged_score_above_its_points_counts_as_the_points():
    form = fill(blank_form(get_framework("yueyang-2020")), {"经济效益": {"reported": 9}})
    result = evaluate_form(form)
    row = [r.name for r in form.rows].index("经济效益")
    assert result.items[row].score == 8
    assert ("score_above_weight", row + 1) in [(f.finding.kind, f.row) for f in result.findings]


@pytest.mark.parametrize("typed", [-1, -0.5])
def test_a_negative_judged_score_is_found_and_counts_as_0(typed):
    """酌情扣分 takes off at most the item's 分值: −1 of 8 is no score (it had given a total of 91,
    优, with no finding, and a report saying 扣9分)."""
    form = fill(blank_form(get_framework("yueyang-2020")), {"经济效益": {"reported": typed, "reason": "原因"}})
    result = evaluate_form(form)
    row = [r.name for r in form.rows].index("经济效益")
    assert result.items[row].score == 0
    [found] = [f.finding for f in result.findings if f.row == row + 1]
    assert (found.kind, found.message, found.expected) == ("score_not_allowed", f"自评得分{typed:g}应在 0 至分值 8 之间", 0)


def test_a_negative_score_on_a_computed_row_is_a_mismatch_with_its_right_value():
    """满意度 88% scores 6 by its bands: −6 typed there is said as 应为6.00 (the below-0 check had
    come first and said 应在 0 至分值 8 之间, with 0 as the right value)."""
    form = fill(blank_form(get_framework("yueyang-2020")), {"服务对象满意度": {"value": "88%", "reported": -6,
                                                                          "reason": "原因"}})
    row = [r.name for r in form.rows].index("服务对象满意度")
    [found] = [f.finding for f in evaluate_form(form).findings if f.row == row + 1]
    assert (found.kind, found.expected) == ("score_mismatch", 6)


def test_group_findings_point_at_the_first_row_of_the_group():
    blank = blank_form(get_framework("yueyang-2020"))
    form = fill(blank, {r.name: {"reported": r.points, "reason": "原因"} for r in blank.rows})   # (every 小计 known)
    form.rows[0].level1_points = 21                         # 项目决策 stated 21, its 二级 add up to 20
    form.subtotals = {"项目管理": 24}
    first_of_management = next(i for i, r in enumerate(form.rows, start=1) if r.level1 == "项目管理")
    found = {(f.part, f.row) for f in evaluate_form(form).findings if f.part == "level1"}
    assert found == {("level1", 1), ("level1", first_of_management)}


def test_method_counts_cover_every_item_once():
    framework = get_framework("yueyang-2020")
    counts = framework.method_counts()
    assert sum(counts.values()) == len(framework.rows()) == 22
    assert counts == dict(Counter(METHODS[i.criterion.method].label for _, _, i in framework.rows()))


# --- multi-year tables --------------------------------------------------------------------------------

def year(after, actual, before=None, details=None, year_=2021, score=None):
    lines = details if details is not None else [BudgetLine("明细", before, after, actual)]
    return YearBudget(year_, BudgetLine("合计", before, after, actual), lines, score)


def test_the_rate_of_a_year_is_kept_to_four_decimals():
    assert evaluate_years([year(D("157.90"), D("156.88"))]).years[0].exec_rate == D("0.9935")


def test_a_small_adjusted_budget_still_gives_a_rate():
    assert evaluate_years([year(D("0.5"), D("0.5"))]).years[0].exec_rate == 1


def test_spending_beyond_a_small_adjusted_budget_states_its_rate():
    [found] = evaluate_years([year(D("0.5"), D("0.6"))]).findings
    assert found.finding.message == "2021年实际支出0.60万元超过调整后预算0.50万元（执行率120.00%）"


def test_a_year_without_actual_spending_has_no_rate_and_no_finding():
    result = evaluate_years([year(100, None)])
    assert result.years[0].exec_rate is None and result.findings == []


def test_a_column_whose_detail_rows_are_blank_is_not_summed():
    result = evaluate_years([year(100, 100, before=120, details=[BudgetLine("明细", None, 100, 100)])])
    assert result.findings == []


def test_an_unreadable_total_is_found_on_the_total_row():
    result = evaluate_years([YearBudget(2021, BudgetLine("合计", None, "若干", 100),
                                        [BudgetLine("明细", None, None, 100)])])
    assert [(f.finding.kind, f.row) for f in result.findings] == [("unreadable", 0)]


def test_an_unreadable_detail_amount_is_found_at_its_own_row_and_its_column_is_not_summed():
    details = [BudgetLine("联通", None, 60, "待定"), BudgetLine("电信", None, "若干", 40)]
    result = evaluate_years([YearBudget(2021, BudgetLine("合计", None, 100, 100), details)])
    assert [(f.finding.kind, f.finding.field, f.row, f.finding.reported) for f in result.findings] == [
        ("unreadable", "after", 2, "若干"), ("unreadable", "actual", 1, "待定")]
    assert "2021年“电信”的预算数（调整后）" in result.findings[0].finding.message
    assert result.years[0].exec_rate == 1          # the total row still gives the rate


def test_spending_against_an_adjusted_budget_of_0_is_over_budget_without_a_rate():
    result = evaluate_years([year(0, D("12.50"))])
    assert [(f.finding.kind, f.finding.field, f.row) for f in result.findings] == [("over_budget", "actual", 0)]
    assert result.findings[0].finding.message == "2021年调整后预算为0.00万元，实际支出12.50万元，超出预算（无法计算执行率）"
    assert (result.findings[0].finding.reported, result.findings[0].finding.expected) == (D("12.50"), 0)
    assert result.years[0].exec_rate is None
    assert evaluate_years([year(0, 0)]).findings == []
    tiny = evaluate_years([year(D("1e-15"), D("99999999999999"))])   # a rate too large to hold: said without it
    assert [f.finding.message for f in tiny.findings] == [
        "2021年调整后预算为0.000000000000001万元，实际支出99999999999999.00万元，超出预算（无法计算执行率）"]
    assert tiny.years[0].exec_rate is None


def test_averages_are_compared_to_two_decimals():
    scores = [year(100, 100, year_=y, score=s) for y, s in ((2020, 85), (2021, 88), (2022, 90))]
    result = evaluate_years(scores, "87.666")
    assert result.average == D("87.67") and result.findings == []


def test_a_grade_without_any_score_is_not_checked():
    result = evaluate_years([year(100, 100)], None, "良")
    assert result.grade is None and result.findings == []


def test_a_single_value_band_keeps_its_unit():
    """故障0次 is a band of its own: its unit counts like any band's (次 against 天 is refused)."""
    with pytest.raises(PerfError, match="单位不一致（天、次）"):
        parse_criterion("故障0次得5分，1-2天得3分，3天以上不得分", 5)


def test_a_deduction_typed_as_a_huge_number_is_refused_as_too_large():
    """A number cell is read as the number it is (1e16 is beyond what is computed), not as its
    text (which would read "1e+16" as two amounts)."""
    with pytest.raises(PerfError, match="超出可计算的范围"):
        deduction(D(7), 1e16)


@pytest.mark.parametrize("deductions, score", [("4，7", 0), ("7，4", 0), ("6，5，5，5", 0), ("2，2，2", 1)])
def test_unnumbered_deductions_are_matched_to_distinct_items(deductions, score):
    """Each unnumbered deduction is given by a distinct item whose range holds it, whatever the
    order written: 4 then 7 fits (7 only by ①, so 4 by ③, ④ or ⑤)."""
    assert deduction(parse_criterion(FUNDS_USE, 7), deductions) == score


@pytest.mark.parametrize("deductions", ["7，7", "2，2，2，2，2，2", "1", "8"])
def test_unnumbered_deductions_no_items_can_give_are_refused(deductions):
    with pytest.raises(PerfError, match="与评分标准的扣分项不符"):
        deduction(parse_criterion(FUNDS_USE, 7), deductions)


def test_a_criterion_past_its_length_is_refused_not_parsed():
    """A 评分标准 of 1,000 characters is read; one longer (a run of 2,000 digits had taken
    0.2 s, 30,000 digits 38 s) is refused in Chinese before any pattern runs over it."""
    from addin.engine.frameworks.criteria import MAX_CRITERION

    head, tail = "满意率80%以上得5分，", "80%以下不得分"
    padded = head + " " * (MAX_CRITERION - len(head) - len(tail)) + tail   # (spaces: read as none)
    assert len(padded) == MAX_CRITERION and parse_criterion(padded, 5).points == 5
    digits = "%以上得5分，1%以下不得分"
    with pytest.raises(PerfError, match=f"评分标准过长（{MAX_CRITERION + 1} 个字符，至多 {MAX_CRITERION} 个）"):
        parse_criterion("1" * (MAX_CRITERION + 1 - len(digits)) + digits, 5)


@pytest.mark.parametrize("met, says", [
    ("9" * 5000, "项不在评分标准中（共4项）"),        # (Python refuses int() of over 4,300 digits: no traceback)
    ("1," * 15000, "中有重复的项"), (1e308, "项不在评分标准中（共4项）"), ("0005", "中的第5项不在评分标准中")])
def test_items_met_written_beyond_reason_are_said_briefly(met, says):
    """A 达成项 of thousands of digits or items is refused in Chinese, its text cut short."""
    with pytest.raises(PerfError, match=says) as err:
        checklist(parse_criterion(GOALS, 4), met)
    assert len(str(err.value)) < 200


def test_items_met_with_leading_zeros():
    assert checklist(parse_criterion(GOALS, 4), "0001,0002") == 2


@pytest.mark.parametrize("reported", [-3, -0.5])
def test_a_negative_score_without_a_reason_counts_as_0_and_asks_for_one(reported):
    """A 自评得分 below 0 with no 扣分原因 (seed 001 as typed, I5 = -3): the score counts as 0 and
    the reason is asked for (it had stopped report write, report check and recalc: int 0 has no
    decimal form)."""
    from tests.finding_examples import _form, item

    found = evaluate_form(_form((item(points=4, criterion="按完成情况酌情扣分", score=reported),), {})).findings
    messages = [f.finding.message for f in found if f.row == 1]
    assert f"自评得分{reported}应在 0 至分值 4 之间" in messages and "得分0低于分值4，未填写扣分原因" in messages
