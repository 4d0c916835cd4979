"""sichuan-2023: 预算执行率 = 预算执行数 ÷ 调整后预算数, below 90% a reason is required (the rule
printed on the form); the rest as mof-2020 (extends)."""

from decimal import Decimal

from addin.engine import Funds, Indicator, Table, evaluate_table, get_profile

ID = "sichuan-2023"


def _table(executed, reason=None) -> Table:
    funds = Funds(annual=100, executed=executed, weight=10, score=float(min(executed, 100)) / 10, reason=reason)
    rows = [Indicator("产出指标", "数量指标", "覆盖率", "=", 100, "%", 100, 90, 90, "")]
    return Table("四川示例", funds, rows)


def test_states_source_and_limitations():
    profile = get_profile(ID)
    assert "510000_0013zp" in profile.source and "90%" in profile.source
    assert any("原因" in text for text in profile.limitations)


def test_below_ninety_percent_needs_a_reason():
    kinds = [f.finding.kind for f in evaluate_table(_table(85), ID).findings]
    assert kinds == ["funds_reason_missing"]
    assert not evaluate_table(_table(85, "项目延期至次年实施"), ID).findings
    assert not evaluate_table(_table(90), ID).findings           # 90% reached
    assert not evaluate_table(_table(85), "mof-2020").findings   # not a national rule


def test_the_rest_is_mof_2020():
    sichuan, mof = get_profile(ID), get_profile("mof-2020")
    assert sichuan.methods == mof.methods and sichuan.grade_bands == mof.grade_bands
    assert sichuan.funds_reason_below == Decimal("0.9") and mof.funds_reason_below is None
    assert sichuan.bare_nature("成本指标") == "≤" and sichuan.default_scale.name == "达成/部分达成/未达成"


PRINTED = ("1.预算执行率=预算执行数/调整后预算数,预算执行率未达到90%的需说明原因(100字以内);"
           "2.年中发生预算调整的(追加或调减),应单独说明理由")


def test_the_forms_printed_instruction_is_no_reason():
    """青神's 原因 cell holds the rule until it is filled: below 90% it is still asked for."""
    findings = evaluate_table(_table(79.4, PRINTED), ID).findings
    assert [f.finding.kind for f in findings] == ["funds_reason_missing"]
    assert "仍是表样印的填写说明" in findings[0].finding.message
    assert not evaluate_table(_table(79.4, "项目延期，预算执行率未达到预期"), ID).findings
    for reason in ("预算执行率=79.4%，主要原因是部分工程款未到结算期", "按要求说明（200字以内）：项目延期至次年实施"):
        assert not evaluate_table(_table(79.4, reason), ID).findings   # (a reason quoting part of the rule)


def test_a_rate_shown_as_ninety_percent_needs_no_reason():
    """89.996% is shown (and checked) as 90.00%: not said to be below 90%."""
    assert not evaluate_table(_table(89.996), ID).findings
    assert [f.finding.kind for f in evaluate_table(_table(89.99), ID).findings] == ["funds_reason_missing"]
