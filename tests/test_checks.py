"""check_indicator: the sentences PERF_CHECK shows and recalculation lists."""

from addin.engine.findings import check_indicator


def kinds(*args, **kwargs):
    return [f.kind for f in check_indicator(*args, **kwargs)]


def test_consistent_row_has_no_finding():
    assert check_indicator("≥", "90", "用户满意度100%", 10, 10, "") == []
    assert check_indicator("≥", "1", "提供实施方案7份", 10, 7, "根据实际工作需求，提供了7份实施方案") == []


def test_penalty_not_applied_names_rule_and_expected_value():
    [finding] = check_indicator("≥", "1", "按照既定目标提供项目总结报告7份", 10, 10, "")
    assert finding.kind == "penalty_not_applied"
    assert finding.message == (
        "实际完成值超出年度指标值600%，按规则应扣减分值的30%（3分），得分应为7.00，填报为10"
    )
    assert (finding.reported, finding.expected) == (10, 7)


def test_penalty_in_the_wrong_rung_or_where_none_is_due():
    assert kinds("≥", "1", "4", 10, 7, "原因") == ["penalty_misapplied"]
    assert kinds("≥", "1", "2", 10, 9, "原因") == ["penalty_misapplied"]


def test_wrong_score_and_missing_reason():
    findings = check_indicator("≥", "90", "45", 10, 6, None)
    assert [f.kind for f in findings] == ["score_mismatch", "missing_reason"]
    assert findings[0].message.startswith("得分应为5.00，填报为6（")
    assert kinds("≥", "90", "45", 10, 5, "无") == ["missing_reason"]  # 无 is no reason
    # a formula's error value (as xlwings Server and Lite pass an error cell) states no reason
    assert kinds("≥", "90", "45", 10, 5, "#N/A") == ["missing_reason"]
    assert kinds("≥", "90", "45", 10, 5, " #VALUE! ") == ["missing_reason"]
    assert kinds("≥", "90", "45", 10, 5, "原因：#N/A 数据未到") == []


def test_equal_mismatch_needs_a_reason():
    [finding] = check_indicator("=", "100", "100.01", 10, 10, "")
    assert finding.kind == "equal_mismatch" and finding.field == "reason"
    assert finding.message == "性质为“=”，实际完成值100.01与年度指标值100不一致，应说明偏差原因"
    assert kinds("=", "100", "100.01", 10, 10, "按合同调整") == []
    assert kinds("=", "4", "5", 10, 8, "需求变更") == []
    assert kinds("=", "4", "4份", 10, 10, "") == []


def test_scores_and_weights_written_with_their_unit():
    assert check_indicator("≥", "1", "7份", "10分", "7分", "原因") == []
    assert kinds("≥", "90", "45", "10分", "6分", "原因") == ["score_mismatch"]


def test_unreadable_and_missing_score():
    [finding] = check_indicator("≥", "90", "待定", 10, 10, "")
    assert finding.kind == "unreadable" and finding.message == "实际完成值“待定”中没有可用的数值"
    [finding] = check_indicator("≥", "90", "95", 10, None, "")
    assert finding.kind == "score_missing" and finding.message == "未填写得分，应为10.00"
    assert kinds("≥", "90", "95", 10, "满分", "") == ["unreadable"]


def test_a_table_scoring_above_100_has_no_grade_and_no_crash():
    from addin.engine import evaluate_table
    from tests.finding_examples import row, table

    over = table(row(weight=50, score=50), row(weight=50, score=50), grade="优")  # 10 + 100 points
    result = evaluate_table(over)
    assert result.total == 110 and result.grade is None
    kinds = {f.finding.kind for f in result.findings}
    assert "weights_sum" in kinds and "grade_mismatch" not in kinds


def test_a_mismatched_score_names_the_reading_it_matches_or_the_readings_tried():
    from addin.engine import check_indicator

    [wrong_way] = check_indicator("≤", "90", "100", 10, 11.11, "原因")
    assert wrong_way.message.endswith("（填报值是按正向且不以分值封顶计算的结果）")
    [full] = check_indicator("≤", "90", "100", 10, 10, "原因")   # (not: 按正向计算, capped at full marks)
    assert full.message.endswith("（填报为满分，但未达成年度指标值）")
    [cut] = check_indicator("≥", "3", "2.999", 10, 9.99, "原因")
    assert cut.message.endswith("（填报值是截去小数而不四舍五入计算的结果）")
    [none] = check_indicator("≥", "90", "45", 10, 6, "原因")
    assert none.message == "得分应为5.00，填报为6（另试按反向（指标值÷实际值）计为10，均不是6）"


def test_a_nature_the_target_contradicts_is_said_and_the_row_scored_by_its_nature():
    """性质 ≥ beside a target written ≤2小时 (the targets check refuses it before the year; a table
    that kept it is scored by its 性质, and the contradiction said at the 性质 cell)."""
    conflict, mismatch = check_indicator("≥", "≤2小时", "1.5小时", 10, 10, "")
    assert (conflict.kind, conflict.field) == ("nature_conflict", "nature")
    assert conflict.message == "绩效指标性质为“≥”，年度指标值写的却是“≤”；已按性质计分，请核对"
    assert mismatch.message == "得分应为7.50，填报为10（填报值是按反向（指标值÷实际值）计算的结果）"
    assert kinds("≤", "≥5个", "6个", 10, None, "") == ["nature_conflict", "score_missing"]
    assert kinds("≤", "≥5个", "6个", 10, "满分", "") == ["nature_conflict", "unreadable"]
    # the same direction, = beside ≥ (they score a met target alike), a bare target: nothing to say
    assert kinds("≤", "≤2小时", "1.5小时", 10, 10, "") == []
    assert kinds("≥", "=100%", "100%", 10, 10, "") == []
    assert kinds("=", "≥100%", "100%", 10, 10, "") == []
    # … but where they score it differently: = beside ≤3天 met in 2天 (6.67 by =, 10 by ≤)
    assert kinds("=", "≤3天", "2天", 10, 6.67, "原因") == ["nature_conflict"]
    assert kinds("≥", "=100%", "110%", 10, 10, "") == ["nature_conflict"]
    assert kinds("≥", "95", "96", 10, 10, "") == []


def test_a_target_set_too_low_may_be_reduced_with_a_reason_under_mof_2020():
    """财预〔2020〕10号 (mof-2020): an actual far over a target set too low is reduced 'as
    appropriate' (no fixed ladder): a lower score with its reason stands; without a reason, or
    below 0, or under a target not clearly exceeded (50% over, under the 100% mark), it is a mismatch."""
    from addin.engine import check_indicator

    assert check_indicator("≥", "1", "7", 10, 7, "根据实际需求提供7份", "mof-2020") == []
    assert check_indicator("≥", "1", "2", 10, 0, "目标偏低", "mof-2020") == []   # (exactly 100% over)
    assert [f.kind for f in check_indicator("≥", "1", "7", 10, 7, "", "mof-2020")] == ["score_mismatch", "missing_reason"]
    assert [f.kind for f in check_indicator("≥", "1", "1.5", 10, 7, "原因", "mof-2020")] == ["score_mismatch"]
    assert [f.kind for f in check_indicator("≥", "1", "7", 10, 11, "原因", "mof-2020")] == ["score_above_weight"]
    assert [f.kind for f in check_indicator("≥", "1", "7", 10, -1, "原因", "mof-2020")] == ["score_mismatch"]


def test_a_reduction_as_appropriate_stands_in_the_tables_total():
    """The reduced score stands in the total too: no 总分 or 等级 finding follows from it."""
    from addin.engine import Funds, Indicator, Table, evaluate_table

    rows = [Indicator("产出指标", "数量指标", "方案", "≥", "1", "份", "7", 40, 29, "目标设定偏低，酌情扣分"),
            Indicator("效益指标", "社会效益指标", "覆盖率", "≥", "90", "%", "95", 50, 50)]
    table = Table("项目", Funds(annual=100, executed=100, weight=10, score=10, rate="100%"), rows,
                  total_weight=100, total_score=89, grade="良")
    result = evaluate_table(table, "mof-2020")
    assert result.findings == [] and (result.total, result.grade) == (89, "良")
    rows[0].reason = ""   # without its reason: a mismatch, and full marks in the total
    result = evaluate_table(table, "mof-2020")
    assert {f.finding.kind for f in result.findings} >= {"score_mismatch", "missing_reason"} and result.total == 100
    rows[0].score = "满分"   # a score that is no number: said, full marks in the total
    result = evaluate_table(table, "mof-2020")
    assert "unreadable" in {f.finding.kind for f in result.findings} and result.total == 100


def test_a_grade_written_as_reports_write_it_is_that_grade():
    """优秀 on a form whose 总分 row carries the grade (云南) is 优, not a wrong grade."""
    from addin.engine import evaluate_table
    from tests.finding_examples import row, table

    for written, wrong in (("优秀", False), ("优", False), ("良好", True)):
        result = evaluate_table(table(row(weight=90, score=90), grade=written))
        assert result.grade == "优"
        assert ("grade_mismatch" in {f.finding.kind for f in result.findings}) is wrong
