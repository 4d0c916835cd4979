"""Values written in another unit than their indicator's (addin/engine/units.py): converted
when the two units measure the same quantity at a fixed ratio, never guessed otherwise."""

from __future__ import annotations

from decimal import Decimal

import pytest

from addin.engine import score_indicator
from addin.engine.findings import check_scored
from addin.engine.frameworks.criteria import parse_criterion
from addin.engine.frameworks.methods import band_value
from addin.engine import PerfError, exec_rate
from addin.engine.numbers import amount_unit, money_unit, read_amount, read_measure, read_quantity, read_value
from addin.engine.profiles import get_profile
from addin.engine.scoring import score_detail
from addin.engine.target_review import money_factor
from addin.engine.units import UNITS, convert

# Facts of the world, one per spelling the engine knows: "1 <a> is <n> <b>" ("=": two spellings
# of one unit, read as written).
FACTS = [
    ("%", "10", "‰"), ("‰", "0.1", "%"),
    ("分钟", "60", "秒"), ("min", "60", "秒"), ("秒", "1/60", "分钟"), ("小时", "60", "分钟"), ("时", "60", "分钟"),
    ("h", "60", "分钟"), ("天", "24", "小时"), ("日", "24", "小时"),
    ("年", "12", "个月"), ("月", "1", "个月"), ("个月", "1", "月"),
    ("万元", "10000", "元"), ("千元", "1000", "元"), ("百万元", "100", "万元"), ("亿元", "10000", "万元"),
    ("元", "0.001", "千元"),
    ("米", "100", "厘米"), ("厘米", "10", "毫米"), ("cm", "10", "mm"), ("mm", "0.1", "厘米"),
    ("千米", "1000", "米"), ("公里", "1000", "米"), ("km", "1", "公里"),
    ("公顷", "15", "亩"), ("亩", "2000/3", "平米"), ("平方公里", "100", "公顷"), ("平方千米", "1", "km2"),
    ("平方米", "3/2000", "亩"), ("平米", "=", "平方米"), ("m2", "0.0001", "公顷"), ("km2", "1500", "亩"),
    ("千克", "2", "斤"), ("公斤", "1000", "克"), ("kg", "1", "千克"), ("吨", "2000", "斤"), ("斤", "500", "克"),
    ("次", "=", "次"), ("个", "=", "个"), ("项", "=", "项"), ("人", "0.0001", "万人"),
    ("KB", "1/1000", "MB"), ("MB", "1000", "KB"), ("GB", "1000", "MB"), ("TB", "1000", "GB"),
    ("PB", "1000", "TB"),   # storage as disks are sold (decimal: 1TB met by 1000GB)
    ("kb", "=", "KB"), ("mb", "=", "MB"), ("gb", "1", "GB"), ("tb", "1000", "gb"), ("pb", "1", "PB"),
    ("Kbps", "1", "kbps"), ("kbps", "1/1000", "Mbps"), ("Mbps", "1000", "Kbps"), ("Gbps", "1000", "Mbps"),
    ("Tbps", "1000", "Gbps"), ("mbps", "1", "Mbps"), ("gbps", "1000", "mbps"), ("tbps", "1", "Tbps"),
]


def test_every_unit_has_a_fact():
    assert {u for a, _, b in FACTS for u in (a, b)} - {"万人"} == set(UNITS)


@pytest.mark.parametrize("have, number, want", FACTS)
def test_one_unit_converts_to_another_of_its_quantity(have, number, want):
    numerator, _, denominator = ("1" if number == "=" else number).partition("/")
    assert convert(Decimal(1), have, want) == Decimal(numerator) / Decimal(denominator or 1)


@pytest.mark.parametrize("text, unit, expected", [
    ("30分钟", "小时", "0.5"), ("约30分钟内响应", "小时", "0.5"), ("2天", "小时", "48"),
    ("1.5万元", "元", "15000"), ("480000元", "万元", "48"), ("3亿元", "万元", "30000"),
    ("1.2万人", "人", "12000"), ("3万册", "册", "30000"), ("12000人次", "万人次", "1.2"), ("2亿次", "万次", "20000"),
    ("12000册", "（万册）", "1.2"),   # the unit cell's word inside its brackets
    ("12000人/年", "万人/年", "1.2"),   # a rate in tens of thousands of the same rate
    ("受益群众2万余人", "人", "20000"), ("30余万人", "人", "300000"), ("1.2万多人次", "人次", "12000"),
    ("覆盖5个乡镇，惠及2万人", "人", "20000"),   # past a first number of another quantity
    ("100%在2天内完成", "小时", "48"),
    ("150万", "元", "1500000"), ("1.5亿", "万元", "15000"), ("约150万，已支付", "元", "1500000"),   # 万 of an amount
])
def test_texts_in_another_unit_are_read_in_the_rows_unit(text, unit, expected):
    assert read_value(text, unit) == Decimal(expected)


@pytest.mark.parametrize("text, unit, expected", [
    ("1小时，即60分钟", "分钟", "60"),                     # a number in the row's unit is taken first
    ("5吨/天", "千克", "5"), ("50元/人", "万元", "50"),      # a rate is not its first word
    ("12000人次", "人次/年", "12000"), ("3次每年", "次/年", "3"),
    ("12个工作日", "天", "12"),                            # working days are not days
    ("30分钟", "分", "30"),                               # 分 alone is also points: read as written
    ("2天", "个月", "2"), ("85%", "小时", "85"),           # no fixed ratio, or another quantity
    ("30", "小时", "30"),                                 # a bare number is in the row's unit
    ("30分钟", None, "30"), ("30分钟", "/", "30"),
    # never past a bare first number: it is in the row's unit
    ("人均1150，合计11.5万元", "元", "1150"), ("平均1.5，最长不超过30分钟", "小时", "1.5"),
    ("全年开放300，每天开放8小时", "天", "300"),
    # the calendar's 月, 日, 时 are no durations; a unit of the same size is no conversion
    ("10月完成", "年", "10"), ("17时前办结", "天", "17"), ("15日前报送", "小时", "15"), ("1-12月", "个月", "1"),
    ("项目于10月完成", "个月", "10"), ("2万余人", "万人", "2"),
    ("150万人", "元", "150"), ("150万/年", "元", "150"), ("150万", "万元", "150"),   # 万 before a word, a rate
])
def test_values_that_do_not_convert_are_read_as_written(text, unit, expected):
    assert read_measure(text, unit) == (Decimal(expected), "")


def test_read_quantity_keeps_the_number_as_written():
    """Bands convert for themselves from the unit after the number."""
    assert read_quantity("30分钟", "小时") == (30, "分钟")


def test_a_converted_value_beyond_the_engines_range_is_refused():
    with pytest.raises(Exception, match="超出可计算的范围"):
        read_value("90000000亿元", "元")


def test_a_target_in_hours_met_in_minutes_scores_full():
    assert score_indicator(None, "≤2小时", "30分钟", 10) == Decimal("10.00")
    assert score_indicator("≥", 50, "480000元", 10, None, "万元") == Decimal("9.60")
    assert score_indicator("≤", "500000元", "48万元", 10, None, "万元") == Decimal("10.00")


def test_the_finding_says_how_a_value_was_converted():
    detail = score_detail(None, "≤2小时", "30分钟", 10)
    assert detail.actual == Decimal("0.5") and detail.target == 2
    assert detail.converted == "实际完成值“30分钟”按0.5小时计"
    finding = check_scored(detail, 1.67, "", get_profile(None))[0]
    assert finding.kind == "score_mismatch"
    assert finding.message.startswith("得分应为10.00（实际完成值“30分钟”按0.5小时计），填报为1.67")
    assert score_detail("≥", "5000人", "0.6万人", 10, None, "万人").converted == "年度指标值“5000人”按0.5万人计"
    assert score_detail("≥", "5000人", "6000人", 10, None, "万人").converted == (
        "年度指标值“5000人”按0.5万人计，实际完成值“6000人”按0.6万人计")


def test_a_converted_value_is_said_to_four_decimals_or_four_significant_digits():
    assert score_detail(None, "≤1分钟", "1秒", 10).converted == "实际完成值“1秒”按0.01667分钟计"
    assert score_detail(None, "≤1天", "1秒", 10).converted == "实际完成值“1秒”按0.00001157天计"   # not 0天
    assert score_detail(None, "≥1亩", "100000平方米", 10).converted == "实际完成值“100000平方米”按150亩计"
    assert score_detail(None, "≥1平方米", "1亩", 10).converted == "实际完成值“1亩”按666.6667平方米计"


def test_a_value_in_the_rows_unit_says_nothing():
    assert score_detail(None, "≤2小时", "1.5小时", 10).converted == ""
    finding = check_scored(score_detail(None, "≤2小时", "3小时", 10), 1, "x", get_profile(None))[0]
    assert "按" not in finding.message.split("，")[0]


def test_a_unit_written_in_the_target_is_the_rows_when_the_nature_is_filled_in():
    """A row with its 性质 filled in and no 度量单位 (as Chaoyang's and Sichuan's rows leave it):
    the unit written in the target converts the actual, as on a form without a 性质 column."""
    assert score_indicator("≥", "≥10000人", "1.2万人", 5) == Decimal("5.00")
    assert score_indicator("≤", "≤2小时", "30分钟", 10) == Decimal("10.00")
    assert score_indicator("≥", "95", "96", 10) == Decimal("10.00")   # a bare target: no unit
    assert score_indicator("≥", "大 于 1 万人", "8000人", 10) == Decimal("8.00")   # spaces in the operator
    assert score_detail("定性", "优良中低差", "优", 10).grade.name == "优"


def test_bands_convert_with_the_same_table():
    criterion = parse_criterion("2小时以内得5分，2-4小时得3分，4小时以上得0分", 5)
    assert criterion.unit == "小时"
    assert band_value(criterion, "90分钟") == Decimal("1.5")
    assert band_value(criterion, "1天") == 24
    people = parse_criterion("服务人数达10000人以上得5分，5000-10000人得3分，5000人以下得0分", 5)
    assert band_value(people, "1.2万人") == 12000 and band_value(people, "8000人") == 8000


@pytest.mark.parametrize("unit, factor", [("元", "0.0001"), ("千元", "0.1"), ("万元", "1"), ("百万元", "100"),
                                          ("亿元", "10000"), (" 万 元 ", "1"), ("小时", None), ("", None)])
def test_money_factor_is_in_wan_yuan(unit, factor):
    assert money_factor(unit) == (None if factor is None else Decimal(factor))


def test_read_quantity_takes_the_first_number_when_none_is_in_the_unit():
    assert read_quantity("平均1.5，最长30分钟", "个") == (Decimal("1.5"), ",最长30分钟")   # (NFKC: ， is ,)


@pytest.mark.parametrize("value, unit, expected", [
    ("141.116万元", "元", "1411160"), ("1,411,160元", None, "141.116"), ("150万", "元", "1500000"),
    ("0.5亿", "", "5000"), ("150万", "万", "150"), ("1411.16千元", "（万元）", "141.116"), (150, "元", "150"),
    ("150", None, "150"),
])
def test_amounts_are_read_in_the_money_unit(value, unit, expected):
    """Amounts in 万元 unless told (金额单位); 万 alone is 万元, as in 150万."""
    assert read_amount(value, unit) == Decimal(expected)


def test_money_units():
    assert [money_unit(u) for u in (None, "", "元", "万", "亿", "（元）", "千元")] == ["万元", "万元", "元", "万元", "亿元", "元", "千元"]
    assert [amount_unit(v) for v in ("150万", "1,411,160元", "0.5亿", 150, "150", "150万人")] == ["万元", "元", "亿元", "", "", ""]
    with pytest.raises(PerfError, match="金额单位“美元”不是金额的单位") as err:
        money_unit("美元")
    assert err.value.field == "unit"


def test_a_bare_amount_beside_one_with_its_unit_is_refused_without_a_money_unit():
    with pytest.raises(PerfError, match="全年执行数写的是元，全年预算数“1500000”没有写单位") as err:
        exec_rate(1500000, "1411160元")
    assert err.value.field == "annual"
    assert exec_rate(1500000, "1411160元", None, None, "元") == exec_rate(150, 141.116)
    assert exec_rate("150万元", "141.116万元") == exec_rate("1500000元", "1,411,160元") == exec_rate(150, 141.116)
    with pytest.raises(PerfError, match="全年执行数写的是万元，全年预算数“150”没有写单位"):
        exec_rate(150, "141.116万元")   # (1411160 beside 150万元 had been a rate of 9407)


@pytest.mark.parametrize("target, actual, unit, written", [
    ("≥95%", "3小时", None, "小时"),          # a time against a rate: 3 is not 3%
    ("≤30天", "2个月", None, "个月"),          # months and days: no fixed ratio
    ("≤1个月", "20天", None, "天"),
    ("≥95%", "完成5个乡镇", None, "个"),   # (个 before a noun: a count)
    ("≥95%", "3个小时", None, "小时"),     # (个 before a unit word: that unit)
    (95, "3小时", "%", "小时"),                # the unit cell's unit when the target has none
])
def test_an_actual_in_a_unit_of_another_quantity_is_refused(target, actual, unit, written):
    apart = "之间没有固定的换算比例" if written in ("个月", "天") else "不是同一种量"   # (months and days: a month is 28 to 31 days)
    with pytest.raises(PerfError, match=f"单位是“{written}”.*{apart}") as caught:
        score_indicator("正向", target, actual, 10, None, unit)
    assert caught.value.field == "actual"


@pytest.mark.parametrize("target, actual, unit", [
    ("≥800次", "1000人次", None),    # counted units are not told apart (人 of 人次)
    ("≥50个", "60件", None),         # a unit the table does not know
    ("≥50件", "60个", None),
    ("≥95%", "96分", None),          # 分 alone (points) is not a unit of the table
    ("≥95%", "5个乡镇，覆盖率98%", None),   # a number in the target's unit further on
    ("≥95%", "98%", "个"),           # the target's own unit agrees though the unit cell does not
    ("≤2小时", "30分钟", None),      # converted
    ("≤4小时", "2个小时", None),     # the classifier 个 before the unit word
    ("≤24小时", "24个小时内", None),
    ("≤4小时", "1个半小时", None),
    ("≤2小时", "2个钟头", None),
    ("≤5天", "3个工作日", None),     # a unit the table does not know, after 个
    ("≤5天", "3个自然日", None),
    ("≥2%", "提高3个百分点", None),
    ("≤3个月", "1个季度", None),
])
def test_an_actual_in_a_unit_that_compares_is_scored(target, actual, unit):
    assert score_indicator("正向", target, actual, 10, None, unit) >= 0
