"""Reading the number out of a 实际完成值 or 年度指标值 (DOMAIN.md §4)."""

from decimal import Decimal

import pytest

from addin.engine import PerfError, read_value


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
        (True, "实际完成值应为数值，收到的是逻辑值“True”"),
    ],
)
def test_unusable_values_raise_a_chinese_message(text, message):
    with pytest.raises(PerfError) as err:
        read_value(text)
    assert str(err.value) == message


def test_label_names_the_field():
    with pytest.raises(PerfError, match="年度指标值“不详”中没有可用的数值"):
        read_value("不详", label="年度指标值")
