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
