"""mof-2020: national default; over-target is a finding, qualitative bands are validated."""

from decimal import Decimal

from addin.engine import get_profile, score_detail, score_indicator
from addin.engine.findings import check_indicator

ID = "mof-2020"


def test_states_source_and_limitations():
    profile = get_profile(ID)
    assert "财预〔2020〕10号" in profile.source
    assert any("二手资料" in text for text in profile.limitations)


def test_no_ladder_but_a_finding():
    detail = score_detail("≥", "1", "7", 10, ID)
    assert detail.score == Decimal("10.00") and detail.deduction == 0 and detail.over_flagged
    [finding] = check_indicator("≥", "1", "7", 10, 10, "", ID)
    assert finding.kind == "over_target" and "指标值可能设定偏低" in finding.message
    assert check_indicator("≥", "1", "7", 10, 10, "需求增加，已调整下年指标值", ID) == []
    assert not score_detail("≥", "1", "1.99", 10, ID).over_flagged


def test_qualitative_bands_are_validated():
    assert check_indicator("定性", "达成/部分达成/未达成", "达成", 10, 8, "部分功能待优化", ID) == []
    assert check_indicator("定性", "达成/部分达成/未达成", "部分达成", 10, 6.5, "原因", ID) == []
    [finding] = check_indicator("定性", "达成/部分达成/未达成", "部分达成", 10, 8, "原因", ID)
    assert finding.kind == "band_violation"
    assert finding.message == "定性等级为“部分达成”，得分应在6–8分（不含）之间，填报为8"
    [finding] = check_indicator("定性", "达成/部分达成/未达成", "未达成", 10, 6, "原因", ID)
    assert finding.kind == "band_violation"


def test_default_qualitative_scores():
    assert score_indicator("定性", "达成/部分达成/未达成", "部分达成", 10, ID) == Decimal("7.00")
    assert score_indicator("定性", "优良中低差", "优", 30, ID) == Decimal("30.00")
