"""Boundaries of the scoring engine that a finance user relies on.

Each rule here has an edge written in the rules themselves (``（含）``, ``以上``, "below 10¹⁵") or
one a reviewer meets in real tables (a budget of 0, a 执行率 of 200% typed as 2, a sum off by one
分): the value on the edge is tested on both sides, so that moving the edge by one step fails a test.
"""

from dataclasses import replace
import datetime as dt
from decimal import Decimal

import pytest

from addin.engine import (Funds, FundsSource, Indicator, PerfError, Table, check_indicator, evaluate_table,
                          get_profile, list_profiles, read_value, score_detail)
from addin.engine.frameworks import BudgetLine, YearBudget, evaluate_years

D = Decimal


def kinds(findings) -> list[str]:
    return [f.kind for f in findings]


# --- over target: the ≥ of （含） ----------------------------------------------------------------

FINDING_PROFILES = [p.id for p in list_profiles() if p.over_target_mode == "finding"]


@pytest.mark.parametrize("profile", FINDING_PROFILES)
def test_over_target_finding_from_its_threshold_inclusive(profile):
    # mof-2020: 实际值超过指标值 100%（含）以上时提示“指标值可能设定偏低”
    start = get_profile(profile).finding_from
    target = D(50)
    at = target * (1 + start)
    assert kinds(check_indicator("≥", target, at, 10, 10, None, profile)) == ["over_target"]
    finding = check_indicator("≥", target, at, 10, 10, None, profile)[0]
    assert f"超出年度指标值{start * 100:.0f}%" in finding.message
    assert finding.field == "reason"
    # just below the threshold: full marks and nothing to explain
    assert check_indicator("≥", target, at - D("0.01"), 10, 10, None, profile) == []
    # a reason written: nothing to ask for
    assert check_indicator("≥", target, at, 10, 10, "指标值按上年完成数设定，今年需求激增", profile) == []


@pytest.mark.parametrize("actual, deduction, score", [
    ("2.99", "0", "10.00"),    # 199%: no deduction
    ("3", "0.1", "9.00"),      # 200%（含）: −10% of 分值
    ("3.99", "0.1", "9.00"),
    ("4", "0.2", "8.00"),      # 300%（含）: −20%
    ("5.99", "0.2", "8.00"),
    ("6", "0.3", "7.00"),      # 500%（含）: −30%
    ("7", "0.3", "7.00"),      # #26 of Chaoyang 2024: A=1, B=7 → 600% → 7
])
def test_chaoyang_over_target_ladder_starts_each_rung_at_its_own_value(actual, deduction, score):
    detail = score_detail("≥", 1, actual, 10, "beijing-chaoyang-2024")
    assert (detail.deduction, detail.score) == (D(deduction), D(score))


# --- multi-year budget tables -------------------------------------------------------------------

def one_year(after, actual, before=None):
    return YearBudget(2021, BudgetLine("合计", before, after, actual), [BudgetLine("明细", before, after, actual)])


def test_spending_above_the_adjusted_budget_states_the_rate_it_reached():
    result = evaluate_years([one_year(100, 110)], profile="mof-2020")
    [finding] = [f.finding for f in result.findings]
    assert finding.kind == "over_budget"
    assert "实际支出110.00万元超过调整后预算100.00万元（执行率110.00%）" in finding.message
    assert result.years[0].exec_rate == D("1.1000")


def test_spending_exactly_the_adjusted_budget_is_no_finding():
    result = evaluate_years([one_year(100, 100)], profile="mof-2020")
    assert result.findings == [] and result.years[0].exec_rate == D("1.0000")


def test_a_year_with_an_adjusted_budget_of_zero_and_nothing_spent_has_no_rate():
    # a budget cancelled in the adjustment: no 执行率 (no division by 0), no crash
    result = evaluate_years([one_year(0, 0, before=50)], profile="mof-2020")
    assert result.years[0].exec_rate is None
    assert result.findings == []


# --- the range of numbers the engine computes with ------------------------------------------------

def test_amounts_below_ten_to_the_fifteen_are_read_and_larger_ones_refused():
    assert read_value(10 ** 15 - 1) == D(999999999999999)
    assert read_value("999999999999999元", "元") == D(999999999999999)
    with pytest.raises(PerfError, match="绝对值应小于10的15次方"):
        read_value(10 ** 15)
    with pytest.raises(PerfError, match="绝对值应小于10的15次方"):
        read_value("1000000000000000元", "元")


def test_small_numbers_down_to_ten_to_the_minus_fifteen_are_read_and_smaller_ones_refused():
    assert read_value("1e-15") == D("1e-15")
    assert read_value(D("-1e-15")) == D("-1e-15")
    with pytest.raises(PerfError, match="不小于10的-15次方"):
        read_value(D("9.9e-16"))
    assert read_value(0) == 0 and read_value("0.000") == 0   # zero is never "too small"


# --- the funds block of a self-evaluation table -------------------------------------------------

def table_with_funds(**funds) -> Table:
    row = Indicator("产出指标", "数量指标", "报告", "≥", 1, "份", 1, 90, 90)
    return Table("项目", Funds(**funds), [row])


def funds_findings(table: Table) -> list[tuple[str, str]]:
    return [(f.finding.kind, f.field) for f in evaluate_table(table, "beijing-chaoyang-2024").findings
            if f.part in ("funds", "source")]


def test_sub_rows_are_added_to_the_fen():
    # amounts in 万元 to six decimals are exact to the 分 (0.000001 万元): a sum one 分 off is a
    # finding; less than half a 分 (floats, amounts typed beyond the 分) is not
    def funds(other):
        return dict(annual=100, executed=100, weight=10, score=10, rate=1,
                    sources={"当年财政拨款": FundsSource(annual=D("99.5")), "其他资金": FundsSource(annual=other)})
    assert funds_findings(table_with_funds(**funds(D("0.5")))) == []
    assert funds_findings(table_with_funds(**funds(D("0.499999")))) == [("funds_sum", "annual")]
    assert funds_findings(table_with_funds(**funds(D("0.5000004")))) == []
    assert funds_findings(table_with_funds(**funds(0.1 + 0.4))) == []


@pytest.mark.parametrize("reported, executed, found", [
    ("99.97%", "99.97", []),
    (D("0.9997"), "99.97", []),
    (D("99.97"), "99.97", []),       # a percentage typed without its sign
    (D("1.2"), "120", [("over_budget", "executed")]),   # 120% in a %-formatted cell (spent above the budget)
    (D(2), "200", [("over_budget", "executed")]),       # 200%, the most a fraction is read up to
    (D(2), "2", [("exec_rate_mismatch", "rate")]),   # 2 is 200%, not 2%
    (D("2.5"), "2.5", []),           # beyond 200%: a percentage
])
def test_a_reported_rate_is_a_fraction_up_to_200_percent_and_a_percentage_above(reported, executed, found):
    table = table_with_funds(annual=100, executed=executed, weight=10, rate=reported,
                             score=min(D(executed) / 100, D(1)) * 10)
    assert funds_findings(table) == found


def test_spending_above_the_budget_is_said_when_the_rate_shown_is_above_100_percent():
    """over_budget from 执行率 above 100% as the form shows it (two decimals of a percent): 738.63
    of 738.62892 is 100.00%, nothing to say; 100.005 of 100 is 100.01%."""
    def kinds(annual, executed):
        return funds_findings(table_with_funds(annual=annual, executed=executed, weight=10, rate=None, score=10))
    assert kinds(100, "100") == [] and kinds(738.62892, 738.63) == [] and kinds(100, "100.004") == []
    assert kinds(100, "100.005") == [("over_budget", "executed")]


# --- what error messages quote --------------------------------------------------------------------

def test_a_long_cell_is_quoted_cut_to_the_length_a_short_one_is_quoted_whole():
    from addin.engine.numbers import quoted
    whole = [n for n in range(1, 200) if quoted("数" * n) == "数" * n]
    longest = max(whole)
    assert whole == list(range(1, longest + 1)) and longest >= 20      # short cells whole
    for n in (longest + 1, longest + 2, 500):                            # longer ones cut, as long
        assert quoted("数" * n) == "数" * (longest - 1) + "…"


# --- reading numbers out of text --------------------------------------------------------------------

@pytest.mark.parametrize("text, unit, expected", [
    ("用户满意度为98%，投诉2次", None, "98"),                 # without a unit: the first number
    ("2小时内响应，满意度95%", "%", "95"),                     # the unit picks the number …
    ("响应时间2h，满意度95%", "小时", "2"),                     # … in any of its spellings
    ("评分90分，响应用时15分钟", "分钟", "15"),                 # 分钟, not the 分 of 90分
    ("5个节点共存储100TB", "个(单位:) TB", "100"),              # the last word of a unit cell
    ("截至2024年12月31日100%完成", "%", "100"),                # a number right after a date
    ("2023年12月-2024年12月共完成12次", "次", "12"),
])
def test_the_number_a_text_states(text, unit, expected):
    assert read_value(text, unit) == D(expected)


def test_a_range_of_months_is_a_date_not_a_negative_number():
    with pytest.raises(PerfError, match="是日期，不是数值"):
        read_value("2023年12月-2024年12月完成")


def test_a_negative_weight_is_refused_however_small():
    from addin.engine import parse_weight
    with pytest.raises(PerfError, match="分值不能为负数"):
        parse_weight("-0.5")
    assert parse_weight("0") == 0


def test_a_unit_cell_names_a_unit_unless_it_is_blank():
    from addin.engine.numbers import has_unit
    assert has_unit("万元") and has_unit("个") and not has_unit(None) and not has_unit("/")


# --- targets that carry their nature and unit ------------------------------------------------------

@pytest.mark.parametrize("target, expected", [
    ("95%及以上", ("≥", "95", "%")), ("5次及以下", ("≤", "5", "次")),
    ("50个", ("≥", "50", "个")),
])
def test_operators_after_the_number_leave_the_unit_alone(target, expected):
    from addin.engine.targets import split_target
    split = split_target(target, "≥")
    assert (split.nature, split.value, split.unit) == expected


def test_a_bare_number_target_says_its_nature_came_from_the_profile():
    from addin.engine.targets import split_target
    assert split_target(50, "≥").stated is False
    assert split_target("50个", "≥").stated is False and split_target("≥50个").stated is True


@pytest.mark.parametrize("unit_column", [None, "个"])
def test_a_target_without_nature_reads_the_actual_value_in_the_target_unit(unit_column):
    # a form without 性质 (and without 度量单位): ≥50个 gives ≥ and 个; the actual value's number
    # in 个 is the one scored, not the first number of the text
    actual = "开发3项功能，完成60个"
    target = "≥50个" if unit_column is None else "≥50"
    assert score_detail(None, target, actual, 10, "mof-2020", unit_column).score == D("10.00")


# --- scoring methods, through profiles that use them --------------------------------------------------

def profile_with(base: str, *edits: tuple[str, str]):
    """A profile like ``base`` with its file text edited (as a jurisdiction's variant would be)."""
    from addin.engine.profiles import load_profiles, profile_texts
    texts = dict(profile_texts())
    name = f"{base}.toml"
    for old, new in edits:
        assert old in texts[name], old
        texts[name] = texts[name].replace(old, new, 1)
    return load_profiles(texts)[base]


LINEAR = ('reverse = "inverse_ratio_capped"', 'reverse = "linear_to_double"')


@pytest.mark.parametrize("target, actual, score", [
    ("10", "10", "10.00"), ("10", "15", "5.00"), ("10", "20", "0.00"), ("10", "25", "0.00"),
    ("1", "1.5", "5.00"), ("0", "0", "10.00"), ("0", "1", "0.00"), ("0.5", "0.5", "10.00"),
    ("1", "0.5", "10.00"), ("1", "0", "10.00"),
])
def test_reverse_scored_linearly_down_to_zero_at_twice_the_target(target, actual, score):
    # DOMAIN 3.3: B ≤ A full; A < B < 2A → (1 − (B−A)/A) × 分值; B ≥ 2A → 0
    assert score_detail("≤", target, actual, 10, profile_with("beijing-chaoyang-2024", LINEAR)).score == D(score)


@pytest.mark.parametrize("profile", ["beijing-chaoyang-2024", "linear"])
@pytest.mark.parametrize("target, actual, field", [("0", "-1", "actual"), ("0.5", "-0.5", "actual"),
                                                   ("-0.5", "5", "target"), ("-1", "0", "target")])
def test_a_negative_reverse_value_is_refused_at_its_own_cell(profile, target, actual, field):
    rules = profile_with("beijing-chaoyang-2024", LINEAR) if profile == "linear" else profile
    [finding] = check_indicator("≤", target, actual, 10, 10, None, rules)
    assert (finding.kind, finding.field) == ("unreadable", field)
    assert "不能为负数" in finding.message


@pytest.mark.parametrize("nature, target, actual, score", [
    ("≤", "1", "2", "5.00"),        # A/B
    ("=", "1", "0.5", "5.00"), ("=", "0.5", "1", "5.00"),   # min(A/B, B/A)
    ("=", "0", "5", "0.00"),        # A = 0: only B = 0 scores
])
def test_reverse_and_equal_ratios(nature, target, actual, score):
    assert score_detail(nature, target, actual, 10).score == D(score)


REVERSE_TOO = ('applies_to = ["≥"]', 'applies_to = ["≥", "≤"]')


def test_a_reverse_row_far_below_its_ceiling_is_over_target_where_the_profile_says_so():
    # (A − B)/B for ≤: A=10, B=2 → 400% → −20%; B=0.5 → 1900% → −30%
    ladder = profile_with("beijing-chaoyang-2024", REVERSE_TOO)
    assert score_detail("≤", 10, 2, 10, ladder).score == D("8.00")
    assert score_detail("≤", 10, D("0.5"), 10, ladder).score == D("7.00")
    assert score_detail("≤", 10, 10, 10, ladder).score == D("10.00")
    # above the ceiling is not "over target" in the favourable direction: no deduction
    assert score_detail("≤", 10, 30, 10, ladder).score == D("3.33")
    finding = profile_with("mof-2020", REVERSE_TOO)
    [over] = check_indicator("≤", 10, 4, 10, 10, None, finding)
    assert over.kind == "over_target" and "超出年度指标值150%" in over.message


def test_a_profile_flagging_every_over_target_does_not_flag_a_row_that_just_meets_it():
    every = profile_with("mof-2020", REVERSE_TOO, ("finding_from = 1.0", "finding_from = 0"))
    for nature in ("≥", "≤"):
        assert check_indicator(nature, 10, 10, 10, 10, None, every) == []
    assert kinds(check_indicator("≥", 10, "10.5", 10, 10, None, every)) == ["over_target"]
    assert kinds(check_indicator("≤", 10, "9.5", 10, 10, None, every)) == ["over_target"]


def test_funds_measured_against_received_funds_read_them_from_text_too():
    from addin.engine import exec_rate
    assert exec_rate(219.91, 219.91, "yichun-2022", "219.91") == 1
    with pytest.raises(PerfError, match="缺少实际到位资金"):
        exec_rate(219.91, 219.91, "yichun-2022", "  ")


# --- findings on one row -------------------------------------------------------------------------------

def test_a_qualitative_row_in_full_needs_no_reason():
    assert check_indicator("定性", "优良中低差", "优", 10, 10, "") == []


@pytest.mark.parametrize("grade, reported, found", [
    ("达成", 10, []), ("达成", 8, []), ("达成", "7.99", ["band_violation"]),
    ("部分达成", 6, []), ("部分达成", "7.99", []), ("部分达成", 8, ["band_violation"]),
])
def test_mof_qualitative_bands_include_their_lower_end_and_only_the_top_one_its_upper(grade, reported, found):
    # 100–80%（含）, 80–60%（含）, 60–0%
    assert kinds(check_indicator("定性", "达成/部分达成/未达成", grade, 10, reported, "说明", "mof-2020")) == found


def test_a_band_violation_says_whether_the_upper_end_is_excluded():
    [top] = check_indicator("定性", "达成/部分达成/未达成", "达成", 10, 7, "说明", "mof-2020")
    assert top.message == "定性等级为“达成”，得分应在8–10分之间，填报为7"
    [middle] = check_indicator("定性", "达成/部分达成/未达成", "部分达成", 10, 9, "说明", "mof-2020")
    assert middle.message == "定性等级为“部分达成”，得分应在6–8分（不含）之间，填报为9"


def test_an_unreadable_value_reports_what_was_written_or_nothing():
    [unread] = check_indicator("≥", "90", "待定", 10, 10, "")
    assert unread.reported is None
    [score] = check_indicator("≥", "90", "95", 10, "满分", "")
    assert (score.kind, score.reported) == ("unreadable", "满分")


@pytest.mark.parametrize("args, message", [
    # the other direction: ≥ scored as A/B
    (("≥", "45", "90", 10, 5), "得分应为10.00，填报为5（填报值是按反向（指标值÷实际值）计算的结果）"),
    # full marks for a target not met: said as such (the other direction's capped reading gives them too)
    (("≥", "1", "0.5", 10, 10), "得分应为5.00，填报为10（填报为满分，但未达成年度指标值）"),
    (("≤", "0.5", "1", 10, 10), "得分应为5.00，填报为10（填报为满分，但未达成年度指标值）"),
    (("=", "100", "120", 10, 10), "得分应为8.33，填报为10（填报为满分，但未达成年度指标值）"),   # (above it: not met either)
    (("≤", "0.5", "1", 10, 9), "得分应为5.00，填报为9（另试按正向（实际值÷指标值）计为10、按正向且不以分值封顶计为20，均不是9）"),
    # nothing matches: every reading tried is listed
    (("≥", "3", "2", 10, 5), "得分应为6.67，填报为5（另试按反向（指标值÷实际值）计为10、截去小数而不四舍五入计为6.66，均不是5）"),
    (("≤", "2", "3", 10, 5),
     "得分应为6.67，填报为5（另试按正向（实际值÷指标值）计为10、按正向且不以分值封顶计为15、截去小数而不四舍五入计为6.66，均不是5）"),
    (("≤", "0.2", "0.3", 10, 5),
     "得分应为6.67，填报为5（另试按正向（实际值÷指标值）计为10、按正向且不以分值封顶计为15、截去小数而不四舍五入计为6.66，均不是5）"),
    (("≥", "2", "3", 10, "8.5"), "得分应为10.00，填报为8.5（另试按正向且不以分值封顶计为15、按反向（指标值÷实际值）计为6.67，均不是8.5）"),
    (("≤", "3", "2", 10, "8.5"), "得分应为10.00，填报为8.5（另试按正向（实际值÷指标值）计为6.67、按正向且不以分值封顶计为6.67，均不是8.5）"),
    (("≥", "0.3", "0.2", 10, 5), "得分应为6.67，填报为5（另试按反向（指标值÷实际值）计为10、截去小数而不四舍五入计为6.66，均不是5）"),
    # fewer decimals than the rule's two: rounded or cut to one, or to a whole number (named only when matched)
    (("≥", "38508", "37442", 3, "2.9"), "得分应为2.92，填报为2.9（填报值是保留1位小数计算的结果）"),
    (("≥", "1228", "770", 2, "1.2"), "得分应为1.25，填报为1.2（填报值是截去到1位小数计算的结果）"),
    (("≥", "3", "2", 10, 7), "得分应为6.67，填报为7（填报值是取整数计算的结果）"),
    (("≥", "3", "2", 10, 6), "得分应为6.67，填报为6（填报值是截去小数取整计算的结果）"),
    (("≤", "2", "3", 10, "6.7"), "得分应为6.67，填报为6.7（填报值是保留1位小数计算的结果）"),
    # an actual or a target of 0: no reading divides by it
    (("≥", "10", "0", 10, 5), "得分应为0.00，填报为5"),
    (("≤", "2", "0", 10, "8.5"), "得分应为10.00，填报为8.5（另试按正向（实际值÷指标值）计为0、按正向且不以分值封顶计为0，均不是8.5）"),
    (("≤", "0", "0", 10, "8.5"), "得分应为10.00，填报为8.5"),
    (("=", "0", "5", 10, 5), "得分应为0.00，填报为5"),
])
def test_a_mismatch_names_the_reading_the_reported_score_matches(args, message):
    [finding] = check_indicator(*args, "原因")
    assert finding.kind == "score_mismatch" and finding.message == message


def test_judged_rows_take_any_score_from_0_to_their_weight():
    from addin.engine.findings import check_judged
    rules = get_profile("mof-2020")
    for score in (0, "0.5", 4, 10):
        assert check_judged(10, score, "原因", rules)[1] == []
    assert check_judged(10, 10, None, rules)[1] == []           # full marks need no reason
    assert kinds(check_judged(10, "9.5", None, rules)[1]) == ["missing_reason"]
    for score in ("-0.5", "10.01"):
        assert kinds(check_judged(10, score, "原因", rules)[1]) == ["score_above_weight"]


# --- qualitative rows --------------------------------------------------------------------------------

def test_a_statement_target_is_met_by_the_same_statement_and_not_by_a_failure():
    assert score_detail("定性", "及时", "及时", 10, "mof-2020").score == D("10.00")
    assert score_detail("定性", "及时", "及时，已全部办结", 10, "mof-2020").score == D("10.00")
    with pytest.raises(PerfError):
        score_detail("定性", "及时", "及时率未达标", 10, "mof-2020")
    with pytest.raises(PerfError):   # another statement is not guessed to be the same
        score_detail("定性", "及时", "按时完成", 10, "mof-2020")


def test_a_target_with_a_number_in_it_is_no_statement():
    with pytest.raises(PerfError, match="不是规则认可的评价等级"):
        score_detail("定性", "完成3项", "已完成", 10, "mof-2020")


def test_a_grade_written_as_the_target_is_that_grade_not_the_best():
    assert score_detail("定性", "良", "良", 10, "mof-2020").score == D("8.00")


def test_a_stated_grade_is_read_when_text_follows_it():
    assert score_detail("定性", "优良中低差", "验收结果为优，系统运行稳定", 10).score == D("10.00")


def test_the_worst_grade_of_another_scale_is_the_worst_of_the_row_scale_only_where_that_fails():
    """差 is 0 of 好坏's 坏; on an 优良中 row the worst, 中, is 70% under mof-2020 (its band 60–80%): not a
    failure's, so 差 is asked for. Onto 未达成 (band 0–60%) it maps: a failure is one."""
    assert score_detail("定性", "好坏", "差（未按期完成）", 10, "mof-2020").grade.name == "坏"
    with pytest.raises(PerfError, match="没有找到评价等级"):
        score_detail("定性", "优良中", "差（未按期完成）", 10, "mof-2020")
    assert score_detail("定性", "及时", "不合格", 10, "mof-2020").grade.name == "未达成"   # (the default scale)


# --- profiles: settings refused when loaded -------------------------------------------------------------

def load_edited(base: str, *edits: tuple[str, str]):
    return profile_with(base, *edits)


@pytest.mark.parametrize("edit, complaint", [
    (('"差" = { share = 0.0, band = [0.0, 0.6] }', '"差" = { share = -0.5, band = [0.0, 0.6] }'), "bad share or band"),
    (('"差" = { share = 0.0, band = [0.0, 0.6] }', '"差" = { share = 0.0, band = [-0.5, 0.6] }'), "bad share or band"),
    (('"良" = { share = 0.8, band = [0.8, 1.0] }', '"良" = { share = 0.85, band = [0.9, 0.8] }'), "bad share or band"),
    (('"良" = { share = 0.8, band = [0.8, 1.0] }', '"良" = { share = 0.8, band = [0.8, 1.5] }'), "bad share or band"),
    (('"良" = { share = 0.8, band = [0.8, 1.0] }', '"良" = { share = 1.5, band = [0.8, 1.0] }'), "bad share or band"),
    (('"良" = { share = 0.8, band = [0.8, 1.0] }', '"良" = { share = 0.8, band = [0.6, 0.8, 1.0] }'), "bad share or band"),
    (('bare = "≥"', 'bare_nature = "≥"'), r"\[targets\] gives bare"),
    (('bare = "≥"', 'bare = "≥"\nbare_by_level2 = { "数量指标" = "≥" }'), r"\[targets\] gives bare"),
    (('method = "rate_capped"', 'method = "rate_capped"\nreason_below = 0'), "reason_below"),
    (('method = "rate_capped"', 'method = "rate_capped"\nreason_below = 1.5'), "reason_below"),
])
def test_a_profile_setting_out_of_range_is_refused(edit, complaint):
    from addin.engine.profiles import ProfileDefinitionError
    with pytest.raises(ProfileDefinitionError, match=complaint):
        load_edited("mof-2020", edit)


def test_an_execution_rate_of_100_percent_may_be_the_reason_threshold():
    assert load_edited("sichuan-2023", ("reason_below = 0.9", "reason_below = 1")).funds_reason_below == 1


def test_a_profile_extending_another_may_add_a_table_the_other_lacks():
    from addin.engine.profiles import load_profiles, profile_texts
    child = ('id = "test-child"\nextends = "beijing-chaoyang-2024"\nname = "测试"\nsource = "测试"\n'
             'limitations = ["测试"]\n\n[targets]\nbare = "≥"\n')
    texts = {**profile_texts(), "test-child.toml": child}
    assert load_profiles(texts)["test-child"].bare_nature() == "≥"


def test_the_second_level_label_decides_the_nature_of_a_bare_number_over_the_first():
    # older forms put 成本指标 as a 二级 under 产出指标
    profile = load_edited("mof-2020", ('bare_by_level1 = { "成本指标" = "≤" }',
                                       'bare_by_level1 = { "产出指标" = "≥", "成本指标" = "≤" }'))
    assert profile.bare_nature(("产出指标", "成本指标")) == "≤"
    assert profile.bare_nature(("产出指标", "数量指标")) == "≥"


def test_the_rules_every_call_shares_cannot_be_changed_by_one_caller():
    # profiles (and frameworks) are loaded once per process and shared by every table the add-in
    # or a batch scores: a caller changing one would change the rules for every later table
    from dataclasses import FrozenInstanceError
    from addin.engine.frameworks import METHODS as FRAMEWORK_METHODS, get_framework
    from addin.engine.methods import FUNDS, QUANTITATIVE
    profile = get_profile("beijing-chaoyang-2024")
    mof = get_profile("mof-2020")
    l1 = get_framework("yueyang-2020").levels[0]
    l2 = l1.children[0]
    item = l2.children[0]
    band_item = next(i for _, _, i in get_framework("yueyang-2020").rows() if i.criterion.bands)
    shared = [profile, profile.scales[0], profile.scales[0].grades[0], profile.ladder[0], mof.statements,
              get_profile("yichun-2022").weight_groups[0], QUANTITATIVE["ratio_capped"], FUNDS["rate_capped"],
              FRAMEWORK_METHODS["band"], get_framework("yueyang-2020"), l1, l2, item, item.criterion,
              item.criterion.items[0], band_item.criterion.bands[0]]
    for thing in shared:
        field = next(iter(thing.__dataclass_fields__))
        with pytest.raises(FrozenInstanceError):
            setattr(thing, field, getattr(thing, field))


# --- a whole table ---------------------------------------------------------------------------------------

def funds_of(table: Table) -> list:
    return [f for f in evaluate_table(table, "beijing-chaoyang-2024").findings if f.part in ("funds", "source")]


def test_a_rate_and_score_mismatch_states_the_rate_to_two_decimals_of_a_percent():
    # Chaoyang #5/#12: 99.97% typed as 100%, 10 × rate truncated instead of rounded
    [rate] = funds_of(table_with_funds(annual=696.02, executed=695.82, weight=10, rate="100%", score=10))
    assert rate.finding.message == "执行率应为99.97%，填报为100%"
    [score] = funds_of(table_with_funds(annual=100, executed="85.555", weight=10, rate="85.56%", score="8.55"))
    assert score.finding.message == "资金得分应为执行率85.56% × 分值10 = 8.56（四舍五入保留2位小数），填报为8.55"
    spent, over = funds_of(table_with_funds(annual=100, executed=105, weight=5, rate="105%", score=4.5))
    assert spent.finding.message == "全年执行数超过全年预算数（执行率105%），请核实是否超预算支出或金额填错"
    assert over.finding.message == "资金得分应为执行率105%（超过100%的按100%计） × 分值5 = 5.00（四舍五入保留2位小数），填报为4.5"
    [full] = funds_of(table_with_funds(annual=100, executed=100, weight=10, rate="100%", score=9))   # (not over it)
    assert full.finding.message == "资金得分应为执行率100% × 分值10 = 10.00（四舍五入保留2位小数），填报为9"


def test_a_blank_total_with_filled_sub_rows_is_compared_as_zero():
    """Sub-rows that add up to something under a blank total: said blank (not 与 … 0 不一致), no
    reported value; sub-rows of 0 under a blank total are nothing to say."""
    table = table_with_funds(annual=100, executed=100, weight=10, score=10, rate=1, initial=None,
                             sources={"当年财政拨款": FundsSource(initial=D("89.974"))})
    [found] = funds_of(table)
    assert (found.finding.kind, found.finding.message, found.finding.reported) == (
        "funds_sum", "年初预算数：当年财政拨款 89.974 = 89.974，但年度资金总额未填写", None)
    zero = replace(table, funds=replace(table.funds, sources={"当年财政拨款": FundsSource(initial=0)}))
    assert funds_of(zero) == []


def test_a_funds_block_worth_no_points_is_no_finding_and_not_in_the_total():
    row = Indicator("产出指标", "数量指标", "报告", "≥", 1, "份", 1, 100, 100)
    table = Table("项目", Funds(annual=100, executed=90, weight=0), [row], total_score=100)
    result = evaluate_table(table, "mof-2020")
    assert result.findings == [] and result.total == 100


def test_weights_that_do_not_add_up_are_stated():
    row = Indicator("产出指标", "数量指标", "报告", "≥", 1, "份", 1, 80, 80)
    result = evaluate_table(Table("项目", Funds(annual=100, executed=100, weight=10, score=10, rate=1), [row]))
    [found] = [f.finding for f in result.findings if f.finding.kind == "weights_sum"]
    assert found.message == "指标分值合计 80，加上年度资金总额分值 10 为 90，应为 100"
    assert (found.reported, found.expected) == (90, 100)


def test_a_funds_weight_written_in_the_table_counts_instead_of_the_profile_default():
    # 预算执行 20 × 执行率 with 年度绩效目标 80 (DOMAIN 2.1, other weightings)
    row = Indicator("产出指标", "数量指标", "报告", "≥", 1, "份", 1, 80, 80)
    result = evaluate_table(Table("项目", Funds(annual=100, executed=100, weight=20, score=20, rate=1), [row]))
    assert [f for f in result.findings if f.finding.kind == "weights_sum"] == []


def test_a_table_is_on_100_points_whatever_its_total_row_declares():
    """Rows adding up to the 120 a total row declares are no 100-point table (the grade bands
    are on 100: 102 of 120 would pass for 优); rows adding up to 100 under a total row of 90 have
    the total row's 分值 wrong."""
    row = Indicator("产出指标", "数量指标", "报告", "≥", 1, "份", 1, 110, 110)
    table = Table("项目", Funds(annual=100, executed=100, weight=10, score=10, rate=1), [row], total_weight=120)
    [found] = [f.finding for f in evaluate_table(table).findings if f.finding.kind == "weights_sum"]
    assert (found.reported, found.expected) == (120, 100) and found.message.endswith("为 120，应为 100")
    row.weight = row.score = 90
    [found] = [f.finding for f in evaluate_table(table).findings if f.finding.kind == "weights_sum"]
    assert (found.reported, found.expected) == (120, 100)
    assert found.message == "总分行的分值填报为 120，各行分值合计为 100，应为 100"
    table.total_weight = 100
    assert [f for f in evaluate_table(table).findings if f.finding.kind == "weights_sum"] == []


def test_findings_name_rows_from_1():
    rows = [Indicator("产出指标", "数量指标", "报告", "≥", 1, "份", 1, 45, 45),
            Indicator("产出指标", "数量指标", "方案", "≥", 1, "份", 1, 45, 40)]
    table = Table("项目", Funds(annual=100, executed=100, weight=10, score=10, rate=1), rows)
    assert {f.row for f in evaluate_table(table).findings if f.part == "indicator"} == {2}


def test_a_total_adds_the_funds_score_and_the_row_scores():
    rows = [Indicator("产出指标", "数量指标", "报告", "≥", 1, "份", 1, 90, 90)]
    funds = Funds(annual=100, executed=100, weight=10, score=10, rate=1)
    assert evaluate_table(Table("项目", funds, rows, total_score=100)).findings == []
    [found] = evaluate_table(Table("项目", funds, rows, total_score=90)).findings
    assert found.finding.kind == "total_mismatch"


def test_a_template_never_computed_keeps_its_findings_but_not_its_missing_scores():
    rows = [Indicator("产出指标", "数量指标", "报告", "≥", 1, "份", 1, 80, None)]
    table = Table("项目", Funds(annual=100, executed=100, weight=10), rows)
    found = {f.finding.kind for f in evaluate_table(table, scores_reported=False).findings}
    assert found == {"weights_sum"}


def test_a_table_as_computed_fills_what_the_template_computes_and_nothing_else():
    from addin.engine.table import as_computed
    judged = Indicator("项目决策", "决策", "完整性", None, None, None, None, 10, 8, "原因")
    scored = Indicator("产出指标", "数量指标", "报告", "≥", 1, "份", 1, 80, None)
    broken = Indicator("产出指标", "数量指标", "方案", "≥", 1, "份", "待定", 10, None)
    table = Table("项目", Funds(annual=100, executed=50, weight=0), [judged, scored, broken], judged=("项目决策",))
    computed = as_computed(table, evaluate_table(table, "mof-2020"))
    assert [i.score for i in computed.indicators] == [8, D("80.00"), None]
    assert computed.funds.score is None and computed.funds.rate == "50.0000%"   # as the cell shows it
    scored_funds = Table("项目", Funds(annual=100, executed=50, weight=10), [scored])
    computed = as_computed(scored_funds, evaluate_table(scored_funds, "mof-2020"))
    assert computed.funds.score == D("5.00")


def test_a_table_as_computed_cell_by_cell_keeps_what_the_unit_typed():
    """Only the cells named are computed (rows numbered from 1); the total, when named, is the
    SUM of the scores shown (a typed one too) and the grade is that total's; a total that cannot
    be computed stays blank."""
    from addin.engine.table import as_computed
    rows = [Indicator("产出指标", "数量指标", f"指标{n}", "≥", 1, "份", 1, 30, typed) for n, typed in
            ((1, 20), (2, 30), (3, None))]
    table = Table("项目", Funds(annual=100, executed=100, weight=10, score=None), rows, total_score=77, grade="差")
    result = evaluate_table(table, "mof-2020")
    computed = as_computed(table, result, {("indicator", 3, "score"), ("funds", "score")})
    assert [i.score for i in computed.indicators] == [20, 30, D("30.00")]
    assert (computed.total_score, computed.grade, computed.funds.score) == (77, "差", D("10.00"))
    computed = as_computed(table, result, {("indicator", 3, "score"), ("funds", "score"), ("total", "score"),
                                           ("grade", "grade")})
    assert (computed.total_score, computed.grade) == (D("90.00"), "优")   # 20 + 30 + 30 + 10 shown
    assert (result.total, result.grade) == (D("100.00"), "优")
    unscored = replace(table, indicators=[*rows[:2], replace(rows[2], actual="待定")])
    computed = as_computed(unscored, evaluate_table(unscored, "mof-2020"), {("total", "score"), ("grade", "grade")})
    assert computed.total_score is None and computed.grade is None


# --- [targets_review]: the review of declared targets ------------------------------------------------

REVIEW_GRADES = '''    { grade = "差", min = 0, consequence = "不得进入下一步" },'''


@pytest.mark.parametrize("edit, accepted", [
    (("satisfaction_floor = 85", "satisfaction_floor = 100"), True),      # a percentage up to 100 …
    (("satisfaction_floor = 85", "satisfaction_floor = 0.5"), True),      # … above 0
    (("satisfaction_floor = 85", "satisfaction_floor = 0"), False),
    (("satisfaction_floor = 85", "satisfaction_floor = 100.5"), False),
    (("nature = 15", "nature = 0"), True),                                # a rule deducts 0 …
    (("nature = 15", "nature = 100"), True),                              # … to 100 points
    (("nature = 15", "nature = -0.5"), False),
    (("nature = 15", "nature = 100.5"), False),
    ((REVIEW_GRADES, REVIEW_GRADES.replace("min = 0", "min = 10")), False),     # the last grade starts at 0
    ((REVIEW_GRADES, REVIEW_GRADES.replace("min = 0", "min = 90")), False),     # from the highest down
    ((REVIEW_GRADES, REVIEW_GRADES.replace('"不得进入下一步"', '" "')), False),  # each says what follows
    (("satisfaction_floor = 85", "satisfaction_floor = 85\nrule_set = 1"), False),   # an unknown key
    ("no grades", False),
])
def test_targets_review_settings_out_of_range_are_refused(edit, accepted):
    import re
    from addin.engine.profiles import ProfileDefinitionError, profile_texts
    if edit == "no grades":
        text = profile_texts()["beijing-chaoyang-2024.toml"]
        listed = re.search(r"(?m)^grades = \[\n(?:    \{ grade = .*\n)+\]", text[text.index("[targets_review]"):])
        edit = (listed.group(0), "grades = []")
    if accepted:
        assert load_edited("beijing-chaoyang-2024", edit).targets_review is not None
    else:
        with pytest.raises(ProfileDefinitionError, match="targets_review"):
            load_edited("beijing-chaoyang-2024", edit)


def test_targets_review_names_its_optional_settings_when_it_refuses_one():
    from addin.engine.profiles import ProfileDefinitionError
    with pytest.raises(ProfileDefinitionError, match=r"optionally, \['required_groups', 'satisfaction_floor', "
                                                     r"'total_words'\]"):
        load_edited("beijing-chaoyang-2024", ("satisfaction_floor = 85", "satisfaction_floor = 85\nrule_set = 1"))


def test_the_targets_review_of_a_profile_is_shared_and_read_only():
    from dataclasses import FrozenInstanceError
    review = get_profile("beijing-chaoyang-2024").targets_review
    for thing in (review, review.grades[0]):
        field = next(iter(thing.__dataclass_fields__))
        with pytest.raises(FrozenInstanceError):
            setattr(thing, field, getattr(thing, field))


@pytest.mark.parametrize("total", ["九十七", float("inf"), True, 1e20])
def test_a_total_filled_in_that_is_no_number_is_a_finding(total):
    """Not read as blank: the README's promise that an input that cannot be used is said."""
    rows = [Indicator("产出指标", "数量指标", "报告", "≥", 1, "份", 1, 90, 90)]
    table = Table("项目", Funds(annual=100, executed=100, weight=10, rate=1, score=10), rows, total_score=total)
    [found] = [f for f in evaluate_table(table, "mof-2020").findings if f.part == "total"]
    assert found.finding.kind == "unreadable" and found.field == "score" and "总分" in found.finding.message
    assert [f.part for f in evaluate_table(replace(table, total_score=" "), "mof-2020").findings] == []


@pytest.mark.parametrize("value, shown", [(D("-0"), "0"), (D("-0.00"), "0"), (D("0.00"), "0"), (D("-1.50"), "-1.5"),
                                          (D("600"), "600"), (D("6E+2"), "600")])
def test_numbers_in_messages_are_written_as_people_write_them(value, shown):
    """No exponent, no trailing zeros, and no minus on a zero (a cell may hold −0.0: 得分填报为-0)."""
    from addin.engine.findings import fmt

    assert fmt(value) == shown


@pytest.mark.parametrize("funds, scores, total", [
    (Funds(annual=100, executed=100, weight=10, score=None), (20, 30), D(50)),        # a blank funds score adds 0
    (Funds(annual=100, executed=100, weight=10, score="10"), (20, 30), D(60)),        # a number as text: +
    (Funds(annual=100, executed=100, weight=10, score="十分"), (20, 30), None),       # any other text: #VALUE!
    (Funds(annual=100, executed=100, weight=0, score=None), (20, 30), D(50)),         # a funds block worth nothing
    (Funds(annual=100, executed=100, weight=10, score=10), ("30分", 30), D(40)),      # SUM leaves a text out
    (Funds(annual=100, executed=100, weight=10, score=10), (True, 30), D(40)),        # and a TRUE
])
def test_a_templates_total_as_computed_is_its_sum_plus_the_funds_score(funds, scores, total):
    """The template's 总分 is SUM(score column) + the funds score, as Excel computes them."""
    from addin.engine.table import as_computed
    rows = [Indicator("产出指标", "数量指标", f"指标{n}", "≥", 1, "份", 1, 30, score) for n, score in enumerate(scores)]
    table = Table("项目", funds, rows)
    computed = as_computed(table, evaluate_table(table, "mof-2020"), {("total", "score")})
    assert computed.total_score == total


@pytest.mark.parametrize("outside, total, grade", [((), D(60), "中"), ((2,), D(40), "差"), ((1, 2), D(10), "差"),
                                                   ((3,), D(60), "中")])
def test_a_templates_total_as_computed_leaves_out_the_rows_outside_its_sum(outside, total, grade):
    """Rows (1-based) below the SUM's range, a row added above 总分, add nothing to the total the
    template shows (a number beyond the rows: nothing left out); the grade follows that total."""
    from addin.engine.table import as_computed
    rows = [Indicator("产出指标", "数量指标", f"指标{n}", "≥", 1, "份", 1, 45, score) for n, score in enumerate((30, 20))]
    table = Table("项目", Funds(annual=100, executed=100, weight=10, score=10), rows)
    computed = as_computed(table, evaluate_table(table, "mof-2020"), {("total", "score"), ("grade", "grade")},
                           outside=outside)
    assert (computed.total_score, computed.grade) == (total, grade)


@pytest.mark.parametrize("unit, value", [("（万元）", D("993.5559")), ("(万元)", D("993.5559")), ("(%)", D("12")),
                                         ("（%）", D("12")), ("()", D("12")), ("( )", D("12")),
                                         ("个(单位:) 万元", D("993.5559"))])
def test_a_unit_written_in_brackets(unit, value):
    """度量单位 written all in brackets, （万元） or (%), is the word inside them (an empty bracket
    is no unit): its number is taken, and nothing raises (it had been an IndexError, which made
    a whole file 读取时出现意外错误)."""
    from addin.engine.numbers import read_value

    assert read_value("共12个项目，993.5559万元", unit) == value
    detail = score_detail("≥", f"100{unit.strip('()（） ')}", "完成120", 10, get_profile("mof-2020"), unit)
    assert detail.score == 10


@pytest.mark.parametrize("written, nature", [("不小于", "≥"), ("大于或等于", "≥"), ("不大于", "≤"), ("小于或等于", "≤"),
                                             ("负向", "≤"), ("负向指标", "≤")])
def test_natures_written_as_the_targets_write_them(written, nature):
    """A 性质 cell reads the words a target may carry before its number (不小于, 不大于), and 负向
    (as some provinces call a reverse indicator); they had been unknown natures."""
    from addin.engine.natures import parse_nature

    assert parse_nature(written) == nature
    detail = score_detail(written, 90, 95, 10, get_profile("mof-2020"), "%")
    assert detail.score == (10 if nature == "≥" else D("9.47"))


@pytest.mark.parametrize("value, shown", [(5.0, "5"), (90.0, "90"), (0.1, "0.1"), (-0.0, "0"), (-1e-07, "-0.0000001"),
                                          (1e-9, "0.000000001"), (1e-10, "1e-10"), (1e26, "1e+26"), (1e15, "1e+15"), (999999999999999.0, "999999999999999"),
                                          (999999999999999.5, "999999999999999.5"),   # (just under 1e15: still whole digits)
                                          (True, "TRUE"), (False, "FALSE"), ("5.0", "5.0"), (D("5.0"), "5.0"),
                                          (dt.datetime(2024, 12, 31), "2024-12-31"), (dt.datetime(2024, 12, 31, 8, 30), "2024-12-31 08:30"),
                                          (dt.date(2024, 12, 31), "2024-12-31"), (dt.time(2, 0), "02:00"),
                                          (dt.time(2, 0, 30), "02:00:30"), (dt.datetime(2024, 12, 31, 8, 30, 15), "2024-12-31 08:30:15")])
def test_a_value_is_quoted_as_excel_shows_it(value, shown):
    """A number Excel passes as a float is quoted as the cell shows it, not as Python writes it
    (分值5.0, 逻辑值“True”, 全年预算数为-1E-7); text and decimals as they are."""
    from addin.engine.numbers import quoted

    assert quoted(value) == shown


def test_messages_quote_what_the_cell_shows():
    with pytest.raises(PerfError, match="分值不能为负数（-5）"):
        score_detail("≥", 90.0, 95.0, -5.0, get_profile("mof-2020"))
    with pytest.raises(PerfError, match="收到的是逻辑值“TRUE”"):
        score_detail("≥", 90.0, True, 10.0, get_profile("mof-2020"))
    from addin.engine.scoring import exec_rate

    with pytest.raises(PerfError, match="全年预算数为-0.0000001，无法计算执行率"):
        exec_rate(-1e-07, 5.0)
    with pytest.raises(PerfError, match="全年执行数不能为负数（-5）"):
        exec_rate(100.0, -5.0)


@pytest.mark.parametrize("nature, target, actual, unit, score, read", [
    ("≥", 90, 0.95, "%", "10.00", "95"),        # 满意度 95% typed as a decimal (or a cell formatted as a percentage)
    ("≥", 90, 0.85, "%", "9.44", "85"),
    ("≥", 90, "0.85", "百分比", "9.44", "85"),
    ("≥", 50, 0.4, "%", "8.00", "40"),          # (from a target of 50% on)
    (None, "≥90%", 0.9, None, "10.00", "90"),   # the % in the target itself
    ("≥", "90%", 0.9, None, "10.00", "90"),
    ("≥", 90, 2, "%", "10.00", "200"),          # up to 2 (200%)
    ("≥", 49, 0.4, "%", "0.08", ""),            # a smaller target: read as written (增长率 ≥5%, actual 1.2%)
    ("≥", 90, 2.1, "%", "0.23", ""),
    ("≥", 90, 0, "%", "0.00", ""),
    ("≥", 90, 0.95, "份", "0.11", ""),           # not a percentage
    ("≥", 90, "0.95%", "%", "0.11", ""),        # written with its %
    ("≥", 90, "0.9.5", "%", "0.10", ""),        # no bare number (read as its first, 0.9)
    ("=", 100, 1, "%", "10.00", "100"),
    ("≤", 60, 1, "%", "10.00", ""),             # (a guess would cost a ≤ row points: read as written)
])
def test_an_actual_in_percent_written_as_a_decimal_is_read_as_one(nature, target, actual, unit, score, read):
    detail = score_detail(nature, target, actual, 10, unit=unit)
    assert detail.score == Decimal(score)
    assert detail.converted == (f"实际完成值“{actual}”按{read}%计" if read else "")


@pytest.mark.parametrize("target, actual, said", [
    (None, None, "年度指标值和实际完成值都未填写"),
    ("  ", "", "年度指标值和实际完成值都未填写"),   # (blank text is no value either)
    (None, "95", "年度指标值为空"),
    ("≥90", None, "实际完成值为空"),
])
def test_a_row_with_neither_target_nor_actual_says_both_are_missing(target, actual, said):
    """A row with only 分值 and 得分 (天长's 水旱灾害防御 rows): both values named, not only the first."""
    [finding] = check_indicator(None, target, actual, 10, 10, "", "mof-2020")
    assert finding.kind == "unreadable" and said in finding.message and finding.field in ("target", "actual")


def test_over_budget_names_what_the_rate_is_of():
    """Against 实际到位资金 where the profile measures 执行率 so (宜春), against 全年预算数 elsewhere."""
    table = table_with_funds(annual=120, executed=100, weight=10, rate=None, score=10, received=90)
    [yichun] = [f.finding for f in evaluate_table(table, "yichun-2022").findings if f.finding.kind == "over_budget"]
    assert yichun.message == "全年执行数超过实际到位资金（执行率111.11%），请核实是否超出到位资金支出或金额填错"
    assert not [f for f in evaluate_table(table, "mof-2020").findings if f.finding.kind == "over_budget"]
