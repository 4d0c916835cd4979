"""split_target: the nature and unit written inside a 年度指标值 (forms without a 性质 column)."""

import pytest

from addin.engine import PerfError
from addin.engine.targets import split_target


@pytest.mark.parametrize("text,expected", [
    ("≥50个", ("≥", "50", "个")), ("≤90万元", ("≤", "90", "万元")), (">=90%", ("≥", "90", "%")),
    ("＞＝90%", ("≥", "90", "%")), ("≧95", ("≥", "95", "")), ("═100", ("=", "100", "")),
    ("﹦72890", ("=", "72890", "")), ("=8个", ("=", "8", "个")), ("≥100百分比", ("≥", "100", "%")),
    ("不低于1,000人", ("≥", "1000", "人")), ("<3天", ("≤", "3", "天")),
    ("95%以上", ("≥", "95", "%")), ("2小时以内", ("≤", "2", "小时")), ("30天内", ("≤", "30", "天")),
    ("及时", ("定性", "及时", "")), ("达到预期", ("定性", "达到预期", "")),
    ("在2022年12月前完成", ("定性", "在2022年12月前完成", "")),
    ("9月前", ("≤", "9", "月")), ("10月之前", ("≤", "10", "月")),
    ("采购的原原种合格率≥90%", ("≥", "90", "%")), ("满意度95%以上", ("≥", "95", "%")),
    ("成本控制在90万元", ("≤", "90", "万元")), ("合格率=100%", ("=", "100", "%")),
    ("11月底完成100%", ("定性", "11月底完成100%", "")), ("按时完成率100%", ("定性", "按时完成率100%", "")),
    ("不低于上年", ("定性", "不低于上年", "")),
    ("合格率不得低于95%", ("≥", "95", "%")), ("成本不得超过100万元", ("≤", "100", "万元")),
    ("不能少于50人", ("≥", "50", "人")), ("可用率：不低于99.9%；", ("≥", "99.9", "%")),
    ("预算执行率未达到90%", ("定性", "预算执行率未达到90%", "")),   # (a negation: not ≥90%)
    ("较上年提高5%以上", ("定性", "较上年提高5%以上", "")),   # (a change against last year)
    ("完成建设,收入达到5亿元", ("定性", "完成建设,收入达到5亿元", "")),   # (two clauses)
    ("优（满意度≥90%）", ("定性", "优(满意度≥90%)", "")),   # (a grade and its remark)
    ("完成时间9月前", ("定性", "完成时间9月前", "")),   # (a deadline with a lead stays a statement)
    ("100%（含）以上", ("≥", "100", "%")), ("≥95%(含)", ("≥", "95", "%")),   # (whether the bound counts: no unit)
    ("≥95%（不含）", ("≥", "95", "%")),
    ("≥ 50%且≤80%", ("定性", "≥50%且≤80%", "")), ("≥3天,≤5天", ("定性", "≥3天,≤5天", "")),   # (two bounds: a range)
])
def test_nature_number_and_unit(text, expected):
    found = split_target(text)
    assert (found.nature, found.value, found.unit) == expected and found.stated


def test_a_bare_number_is_read_only_as_told():
    with pytest.raises(PerfError, match="没有写明“≥”“≤”“=”") as err:
        split_target("43.2")
    assert err.value.field == "target"
    found = split_target("43.2", "≤")
    assert (found.nature, found.value, found.stated) == ("≤", "43.2", False)
    assert split_target(100, "≥").nature == "≥"
    with pytest.raises(PerfError, match="没有写明"):
        split_target(100)


@pytest.mark.parametrize("text,complaint", [("≥", "却没有数值"), (">=优", "却没有数值"), ("—", "为空"), (None, "为空")])
def test_unusable_targets_are_refused(text, complaint):
    with pytest.raises(PerfError, match=complaint):
        split_target(text)


def test_two_bounds_are_said_to_be_a_range_wherever_the_target_is_read():
    """≥50%且≤80% had been read as ≥50% (the second bound dropped: 95% got full marks): the list
    review, the engine reading the row as 定性 and PERF_SCORE beside a 性质 all say it is a range."""
    from addin.engine import check_indicator, score_detail
    from addin.engine.targets import two_bounds

    said = "年度指标值“≥50%且≤80%”写了两个界限，是一个区间，年终无法按一个数计分；请只写一个，如“≥50%”"
    assert two_bounds("≥50%且≤80%") == said and two_bounds("≥50%") is None
    for other in ("完成率≥90%，满意度≥95%", "≥10000人，≥95%", "≥90%，≤100元/人", "培训2期，≥1000人次",
                  "12月31日前完成，≥95%", "第1季度，≥30%", "≥90%，≥95%", "3个，=5个", "完成率90%，≤100%"):   # (two targets, two units, a lead: no range)
        assert two_bounds(other) is None, other
    assert two_bounds("≤80%，≥50%").endswith("如“≤80%”") and two_bounds("50%且≤80%").endswith("如“50%”")
    for written, first in (("≥50%，且≤80%", "≥50%"), ("≥3天且≤5天完成", "≥3天"), ("≥1000万元且≤1200万", "≥1000万元"),
                           ("合格率≥95%且≤100%", "合格率≥95%")):   # (a separator with 且, words around, 万元 and 万)
        assert two_bounds(written).endswith(f"如“{first}”"), written
    assert len(two_bounds("≥50%且≤" + "8" * 6000 + "%")) < 200   # (the target quoted short)
    [finding] = check_indicator("", "≥50%且≤80%", "60%", 10, 10, "")
    assert (finding.kind, finding.message) == ("unreadable", said)
    with pytest.raises(PerfError, match="写了两个界限") as err:
        score_detail("≥", "50%且≤80%", "95%", 20)
    assert err.value.field == "target"


@pytest.mark.parametrize(("actual", "nature", "word"), [
    ("未达到10个", "≥", "未达到"), ("满意度低于95%", "≥", "低于"), ("95%以下", "≥", "以下"), ("95%及以下", "≥", "以下"),
    ("超过2小时", "≤", "超过"), ("2小时以上", "≤", "以上"), ("少于10个", "=", "少于"), ("10个以上", "=", "以上"),
    ("不低于95%", "≥", None), ("满意度不得低于95%", "≥", None), ("未超过2小时", "≤", None), ("不超过2小时", "≤", None),
    ("超过95%", "≥", None), ("2小时以内", "≤", None), ("达到95%", "≥", None), ("低于2小时", "≤", None),
    ("完成10个", "=", None), ("已完成", "≥", None), (95, "≥", None), ("低于10个", "定性", None),
    ("超过10个", "=", "超过"), ("未达到 10个", "≥", "未达到"), ("2024年完成未达到10个", "≥", "未达到"),
    ("没有超过5天", "≤", None), ("没有低于95%", "≥", None),   # 没有 keeps the bound
    # a bound that is no number of the actual's own: the scorer reads the number in the row's unit
    ("3岁以下儿童接种率98%", "≥", None), ("60岁以上老人投诉率2%", "≤", None),
    ("超过90%的工单在2小时内办结", "≤", None), ("24小时以内响应率98%", "≥", None),
])
def test_an_actual_naming_the_bound_it_missed(actual, nature, word):
    from addin.engine.natures import parse_nature
    from addin.engine.targets import says_short

    assert says_short(actual, parse_nature(nature)) == word
