"""The rules of the targets review (addin/engine/target_review.py), one by one.

Each rule has an example project with one defect whose findings are exactly that rule's finding
at its cell; replacing the rule's entry in the registry by one that finds nothing fails the
example (the rule cannot be deleted unnoticed). The profile's [targets_review] settings are
parsed and refused as profiles.py promises.
"""

from dataclasses import replace
from decimal import Decimal

import pytest

from addin.engine import target_review as tr
from addin.engine.profiles import ProfileDefinitionError, get_profile, list_profiles, load_profiles, profile_texts
from addin.engine.target_review import (RULES, Amount, AmountSum, LastYear, TargetProject, TargetRow, key,
                                        review_project, settings_of)

CHAOYANG = "beijing-chaoyang-2024"
# A clean project in the list layout (一级 G, 二级 H, 三级 I, 性质 J, 指标值 K, 单位 L, 分值 M).
BASE = [
    ("产出指标", "数量指标", "运维报告", "≥", "12", "份", 20),
    ("产出指标", "质量指标", "网络可用率", "≥", "99.9", "%", 20),
    ("产出指标", "时效指标", "故障响应时间", "≤", "2", "小时", 10),
    ("成本指标", "经济成本指标", "运维费用", "≤", "100", "万元", 10),
    ("效益指标", "社会效益指标", "保障各单位业务", "定性", "优良中低差", "项", 20),
    ("满意度指标", "服务对象满意度指标", "用户满意度", "≥", "90", "%", 10),
]
COLUMNS = dict(zip(("level1", "level2", "level3", "nature", "target", "unit", "weight"), "GHIJKLM"))


def make(rows=BASE, annual="100", **kw) -> TargetProject:
    present = kw.get("columns", frozenset(COLUMNS))
    built = [TargetRow(*r, cells={f: f"{c}{n}" for f, c in COLUMNS.items() if f in present}, row=n)
             for n, r in enumerate(rows, start=2)]
    return TargetProject("示例项目", rows=built, annual=Amount("全年预算数", annual, "E2"),
                         cells={"project": "A2"}, department="示例局", **kw)


def with_row(index, **changes):
    rows = [list(r) for r in BASE]
    fields = ("level1", "level2", "level3", "nature", "target", "unit", "weight")
    for name, value in changes.items():
        rows[index][fields.index(name)] = value
    return [tuple(r) for r in rows]


def found(project, profile=CHAOYANG, last_year=None):
    return [(f.kind, f.cell) for f in review_project(project, profile, last_year).findings]


LAST = {(key("示例项目"), key("运维报告")): [LastYear("14份", "份", "上年 表.xlsx 自评表!H13")]}

# rule → (project with one defect, last year's actuals or None, the one expected finding)
EXAMPLES = {
    "nature": (make(with_row(0, nature="")), None, ("nature", "J2")),
    "number": (make(with_row(2, target="及时")), None, ("number", "K4")),
    "unit": (make(with_row(0, target="12个")), None, ("unit", "L2")),
    "scale": (make(with_row(4, target="显著提升")), None, ("scale", "K6")),
    "groups": (make([r for r in BASE if r[1] != "时效指标"][:1] + [("产出指标", "数量指标", "巡检次数", "≥", "4", "次", 10)]
                    + [r for r in BASE if r[1] != "时效指标"][1:]), None, ("groups", "A2")),
    "weights": (make(with_row(0, weight=25)), None, ("weights", "M2")),
    "duplicate": (make(BASE[:5] + [("满意度指标", "服务对象满意度指标", "指标1：用户满意度", "≥", "90", "%", 5),
                                   ("满意度指标", "服务对象满意度指标", "指标2：用户满意度", "≥", "95", "%", 5)]),
                  None, ("duplicate", "I8")),
    "name_is_value": (make(with_row(4, level3="优良中低差")), None, ("name_is_value", "I6")),
    "input_as_target": (make(with_row(1, level3="预算资金拨款率")), None, ("input_as_target", "I3")),
    "cost_over_budget": (make(with_row(3, target="1000001", unit="元")), None, ("cost_over_budget", "K5")),
    "amounts": (make(sums=[AmountSum(Amount("全年预算数", "100", "E2"),
                                     [Amount("当年财政拨款", "80", "N2"), Amount("上年结转资金", "10", "O2")])]),
                None, ("amounts", "E2")),
    "satisfaction_floor": (make(with_row(5, target="80")), None, ("satisfaction_floor", "K7")),
    "direction": (make(with_row(1, level3="差错率")), None, ("direction", "J3")),
    "below_last_year": (make(), LAST, ("below_last_year", "K2")),
}


def test_the_clean_project_has_no_finding():
    review = review_project(make(), CHAOYANG)
    assert (review.findings, review.score, review.grade, review.consequence) == ([], Decimal(100), "优", "进入预算")


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_rule_finds_its_defect_and_nothing_else(name):
    project, last_year, expected = EXAMPLES[name]
    assert found(project, last_year=last_year) == [expected]


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_deleting_a_rule_fails_its_example(name, monkeypatch):
    monkeypatch.setitem(RULES, name, lambda ctx: iter(()))
    project, last_year, expected = EXAMPLES[name]
    assert expected not in found(project, last_year=last_year)


def test_every_rule_has_an_example_and_every_profile_names_known_rules():
    assert set(RULES) == set(EXAMPLES)
    for profile in list_profiles():
        assert set(settings_of(profile).rules) <= set(RULES) | {tr.UNREADABLE}


# scorable ------------------------------------------------------------------------------------


def test_nature_read_from_the_target_when_the_cell_is_blank():
    assert found(make(with_row(0, nature="", target="≥12"))) == []
    assert found(make(with_row(4, nature=""))) == []          # 优良中低差: 定性


def test_nature_refused_spellings_and_contradictions():
    assert found(make(with_row(0, nature="大约"))) == [("nature", "J2")]
    assert found(make(with_row(0, target="≤12"))) == [("nature", "J2")]       # ≥ in the column, ≤ in the value
    assert found(make(with_row(4, target="95"))) == [("nature", "J6")]        # 定性 with a number
    assert found(make(with_row(4, target="≥95%"))) == [("nature", "J6")]


def test_a_list_without_a_nature_column_reads_bare_numbers_as_the_profile_says():
    rows = [(a, b, c, None, t if n in (0, 4) else d + t, u, w) for n, (a, b, c, d, t, u, w) in enumerate(BASE)]
    project = make(rows, columns=frozenset(COLUMNS) - {"nature"})
    assert found(project) == [("nature", "K2")]        # Chaoyang reads no bare number
    assert found(project, "mof-2020") == []             # mof-2020: a bare number is ≥


def test_number_missing_or_unusable():
    assert found(make(with_row(0, target=""))) == [("number", "K2")]
    assert found(make(with_row(0, target="≥"))) == [("number", "K2")]
    assert found(make(with_row(0, target="0"))) == [("number", "K2")]   # ≥ 0 cannot be scored B/A


def test_a_row_without_a_name_is_named_by_its_row_never_none():
    """A template's rows not filled in have no 三级指标: messages name the row, not “None”."""
    [finding] = review_project(make(with_row(0, level3=None, target="")), CHAOYANG).findings
    assert finding.message == "第 2 行未命名指标的年度指标值为空，年终无法计分" and finding.indicator == ""
    unnumbered = replace(make(with_row(0, level3=None, target="")).rows[0], row=None)
    assert unnumbered.named == "未命名指标"


def test_unit_missing_and_shares_over_100():
    assert found(make(with_row(0, unit=""))) == [("unit", "L2")]
    assert found(make(with_row(0, unit="/", target="12份"))) == []
    assert found(make(with_row(1, target="999"))) == [("unit", "K3")]
    assert found(make(with_row(0, level3="访问量增长率", target="150", unit="%"))) == []
    assert found(make(with_row(2, unit="时"))) == []     # 时 is 小时
    assert found(make(with_row(2, target="≤1日", unit="天"))) == []   # 日 is 天 (one of each is one of the other)
    assert found(make(with_row(2, target="≤1天", unit="小时"))) == [("unit", "L4")]   # (a day is no hour)
    assert found(make(with_row(2, target="12月底前", unit="月"))) == []   # a deadline in months
    assert found(make(with_row(2, target="10日前完成", unit="日"))) == []
    assert found(make(with_row(2, target="12月底前", unit="天"))) == [("unit", "L4")]
    assert found(make(with_row(0, unit="", level3="开展修复工程(个)"))) == []   # the unit closing the name (秀屿)
    assert found(make(with_row(0, unit="", level3="培训人次（人次）"))) == []
    assert found(make(with_row(0, unit="", level3="道路硬化面积（平方公里）"))) == []   # a unit of the table, longer
    assert found(make(with_row(0, unit="", level3="修复工程（含续建）"))) == [("unit", "L2")]   # (no unit)
    assert found(make(with_row(0, unit="", level3="修复工程(1期)"))) == [("unit", "L2")]
    assert found(make(with_row(0, unit="", level3="培训人次(试行)"))) == [("unit", "L2")]   # (two characters, no unit)


def test_scale_of_the_profile():
    assert found(make(with_row(4, target="按时完成"))) == [("scale", "K6")]
    assert found(make(with_row(4, target="按时完成")), "mof-2020") == []   # mof-2020: a statement is 达成/未达成


# complete ------------------------------------------------------------------------------------


def test_groups_named_by_their_words():
    rows = with_row(0, level1="项目产出", level2="产出数量")
    assert found(make(rows)) == []
    no_satisfaction = make(BASE[:5] + [("效益指标", "社会效益指标", "社会影响", "定性", "好坏", "项", 10)])
    assert found(no_satisfaction) == [("groups", "A2")]


def test_weights_unreadable_and_group_weights_of_yichun():
    assert found(make(with_row(0, weight="二十"))) == [("weights", "M2")]
    yichun = found(make(), "yichun-2022")   # 产出+成本 60, 效益 25, 满意度 5: here 60, 20, 10
    assert yichun == [("weights", "M2"), ("weights", "M2")]


def test_weights_not_reviewed_without_a_weight_column():
    assert found(make(with_row(0, weight=None), columns=frozenset(COLUMNS) - {"weight"})) == []


# money ---------------------------------------------------------------------------------------


def test_direction_of_rates_to_raise_and_of_costs():
    """A rate of what should happen written ≤, a cost in money written ≥: the wrong way round,
    where the unit wrote it (a bare number is the profile's reading: never said)."""
    assert found(make(with_row(1, level3="道路保洁达标率", nature="≤", target="95"))) == [("direction", "J3")]
    assert found(make(with_row(1, level3="不合格率", nature="≤", target="5"))) == []
    assert found(make(with_row(5, nature="≤", target="95"))) == [("satisfaction_floor", "J7")]   # (满意度: the floor's)
    assert found(make(with_row(5, level3="投诉处理及时率", nature="≤", target="95"))) == [("satisfaction_floor", "J7")]
    assert found(make(with_row(3, nature="≥", target="90"))) == [("direction", "J5")]
    assert found(make(with_row(3, nature="≥", target="90", unit="台"))) == []   # not money
    assert found(make(with_row(3, level3="成本节约额", nature="≥", target="10"))) == []   # money saved: the more the better
    assert found(make(with_row(2, level3="故障响应及时率", nature="≤", target="2", unit="小时"))) == []   # a time limit
    bare = make(with_row(3, level1="产出指标", level2="成本指标", nature="", target="90"),
                columns=frozenset(COLUMNS) - {"nature"})   # (mof-2020 reads it ≥: 成本指标 is no 一级 here)
    assert found(bare, "mof-2020") == []


def test_cost_converted_rounded_as_written_and_totals_exempt():
    assert found(make(with_row(3, target="1000000", unit="元"))) == []                   # = 100 万元
    assert found(make(with_row(3, target="100.01")), ) == [("cost_over_budget", "K5")]
    assert found(make(with_row(3, target="100.12"), annual="100.116")) == []              # as precisely as written
    assert found(make(with_row(3, level3="项目总金额", target="300"))) == []               # a multi-year total
    assert found(make(with_row(3, target="350", unit="万元/年"))) == [("cost_over_budget", "K5")]   # the year's amount
    assert found(make(with_row(3, target="3500000", unit="元每年"))) == [("cost_over_budget", "K5")]
    assert found(make(with_row(3, target="350", unit="元/人"))) == []                   # a unit cost: not the budget's
    assert found(make(with_row(3, target="150"), money_unit="万元", annual="1500000")) == []
    in_yuan = make(with_row(3, target="150"), annual="1000000", money_unit="元")
    review = review_project(in_yuan, CHAOYANG)
    assert [(f.kind, f.value, f.limit) for f in review.findings] == [("cost_over_budget", Decimal("150"), Decimal("100"))]


def test_seven_million_yuan_against_738_wan():
    project = make(with_row(3, level3="24年支出金额", target="7578290", unit="元"), annual=738.62892)
    (finding,) = review_project(project, CHAOYANG).findings
    assert (finding.kind, finding.cell, finding.value, finding.limit) == ("cost_over_budget", "K5", Decimal(7578290),
                                                                          Decimal("7386289.2"))
    assert "738.62892 万元" in finding.message and "757.829 万元" in finding.message


def test_amounts_of_a_total_row_and_repeated_amounts():
    total = TargetProject("合计", is_total=True, cells={"project": "A20"},
                          sums=[AmountSum(Amount("合计行的全年预算数", 250, "E20"), [Amount("甲", 100), Amount("乙", 140)])])
    review = review_project(total, CHAOYANG)
    assert [(f.kind, f.cell, f.value, f.limit) for f in review.findings] == [("amounts", "E20", Decimal(240), Decimal(250))]
    repeated = make(repeats=[(Amount("全年预算数", 100, "E2"), Amount("全年预算数", 90.0, "E5"))])
    assert found(repeated) == [("amounts", "E5")]


# ambitious enough -----------------------------------------------------------------------------


def test_a_date_for_a_target_is_said_to_be_one():
    """A 定性 target that is a date or a period is no grade, and is said to be a date (a grade
    word that is none is said as before)."""
    project = make(with_row(4, target="2024年6月"))
    [finding] = review_project(project, CHAOYANG).findings
    assert (finding.kind, finding.cell) == ("scale", "K6") and "是日期或时间段" in finding.message
    [finding] = review_project(make(with_row(4, target="显著提升")), CHAOYANG).findings
    assert "是日期" not in finding.message and "年终无法评定等级" in finding.message


@pytest.mark.parametrize("target, suggested", [("95%-98%", "≥95%"), ("3~5天", "≤5天"), ("90 至 95", "≥90"),
                                               ("2-4小时", "≤4小时")])   # (a time by its upper bound)
def test_a_range_for_a_target_is_said_to_be_one(target, suggested):
    """A range (95%-98%) read as a 定性 target is said to be a range, with a bound to write
    instead (it had been said to be no grade of the scale)."""
    [finding] = review_project(make(with_row(1, nature="", target=target), columns=frozenset(COLUMNS) - {"nature"}),
                               "mof-2020").findings
    assert finding.kind == "scale" and f"是一个区间，年终无法按一个数计分；请写出下限或上限，如“{suggested}”" in finding.message


def test_two_bounds_for_a_target_are_said_to_be_a_range():
    [finding] = review_project(make(with_row(1, nature="", target="≥ 50%且≤80%"), columns=frozenset(COLUMNS) - {"nature"}),
                               "mof-2020").findings
    assert finding.kind == "scale" and finding.message.endswith("写了两个界限，是一个区间，年终无法按一个数计分；请只写一个，如“≥50%”")


def test_money_put_in_is_no_target_work_and_subsidies_paid_are():
    """预算执行率, 资金到位率 as an 产出 or 效益 target are inputs (鄂州's published table lists
    预算执行率 100% and 预算资金拨款率 100% as 数量指标); 巡检计划执行率 is work done, a subsidy
    paid out (补助资金发放到位率) what the project delivers, and a 成本指标 is about money."""
    assert found(make(with_row(4, level3="预算执行率"))) == [("input_as_target", "I6")]
    assert found(make(with_row(0, level3="资金到位率"))) == [("input_as_target", "I2")]
    for name in ("巡检计划执行率", "补助资金发放到位率"):
        assert found(make(with_row(0, level3=name))) == []
    assert found(make(with_row(3, level3="预算执行率"))) == []
    assert found(make(with_row(3, level1="产出指标", level2="成本指标", level3="预算执行率"))) == []   # (central form)
    managed = found(make(with_row(3, level1="项目管理", level2="资金管理", level3="预算执行率")))   # (宁夏's form)
    assert "input_as_target" not in {kind for kind, _ in managed}


def test_satisfaction_reverse_and_fractions():
    assert found(make(with_row(5, nature="≤"))) == [("satisfaction_floor", "J7")]
    assert found(make(with_row(5, nature="="))) == [("satisfaction_floor", "J7")]   # 100% would lose points
    assert found(make(with_row(5, target="0.9"))) == [("satisfaction_floor", "K7")]
    assert found(make(with_row(5, target="85"))) == []


def test_satisfaction_in_points_and_without_a_unit_is_said_in_its_own_terms():
    """A 满意度 of ≥4.5分 is on a scale of 5 points: no floor in %; 80分 (of 100) is held to it, said
    in 分; a bare 0.95 is said as it is written, with what it may mean (it had been 0.95%)."""
    assert found(make(with_row(5, target="4.5", unit="分"))) == []
    [reverse] = review_project(make(with_row(5, nature="≤", target="4.5", unit="分")), CHAOYANG).findings
    assert "（满意度不高于 4.5分）" in reverse.message
    [points] = review_project(make(with_row(5, target="80", unit="分")), CHAOYANG).findings
    assert "年度指标值 80分低于规则“beijing-chaoyang-2024”的下限 85分" in points.message
    bare = [f for f in review_project(make(with_row(5, target="0.95", unit="")), CHAOYANG).findings
            if f.kind == "satisfaction_floor"]
    assert bare[0].message.startswith("满意度指标“用户满意度”的年度指标值 0.95（没有单位，按百分数读；如指 95%，请写“≥95%”）低于")


def test_last_year_only_for_the_over_target_natures_and_in_the_same_unit():
    last = {(key("示例项目"), key("故障响应时间")): [LastYear(1, "小时", "上年")],
            (key("示例项目"), key("运维费用")): [LastYear(90, "万元", "上年")],
            (key("示例项目"), key("网络可用率")): [LastYear("99.9%", "%", "上年")]}
    assert found(make(), last_year=last) == []             # ≤ rows and an equal ≥ row: nothing
    money = {(key("示例项目"), key("运维报告")): [LastYear(13, "份", "上年")]}
    assert found(make(), last_year=money) == [("below_last_year", "K2")]
    yuan = {(key("示例项目"), key("运维费用")): [LastYear(1500000, "元", "上年")]}
    assert found(make(with_row(3, nature="≥")), last_year=yuan) == [("direction", "J5"), ("below_last_year", "K5")]
    (finding,) = review_project(make(), CHAOYANG, LAST).findings
    assert (finding.value, finding.limit) == (Decimal(12), Decimal(14)) and "上年 表.xlsx" in finding.message
    survey = {(key("示例项目"), key("用户满意度")): [LastYear("100%", "%", "上年")]}
    assert found(make(), last_year=survey) == []   # (a 满意度 target is held to the floor, 85%, not to last year's)
    forms = make(BASE + [("满意度指标", "服务对象满意度指标", "有效问卷数", "≥", "500", "份", 0)])
    counted = {(key("示例项目"), key("有效问卷数")): [LastYear("800份", "份", "上年")]}
    assert found(forms, last_year=counted) == [("below_last_year", "K8")]   # (a count: no floor holds it)


# grades and settings ---------------------------------------------------------------------------


def test_grades_and_consequences_from_the_profile():
    settings = get_profile(CHAOYANG).targets_review
    assert [(g.grade, g.consequence) for g in settings.grades] == [
        ("优", "进入预算"), ("良", "协商完善"), ("中", "修改后重新报送"), ("差", "不得进入下一步")]
    assert review_project(make(with_row(0, unit="")), CHAOYANG).grade == "良"             # 100 - 10
    review = review_project(EXAMPLES["cost_over_budget"][0], CHAOYANG)
    assert (review.score, review.grade, review.consequence) == (Decimal(75), "中", "修改后重新报送")
    many = make([("产出指标", "数量指标", f"报告{n}", "", "12", "份", 15) for n in range(6)])
    assert review_project(many, CHAOYANG).grade == "差"


def _texts_with(profile_id: str, table: str) -> dict[str, str]:
    texts = profile_texts()
    name = profile_id + ".toml"
    text = texts[name]
    return {**texts, name: text[: text.index("[targets_review]")] + table}


@pytest.mark.parametrize("table,message", [
    ('[targets_review]\ngrades = [{ grade = "优", min = 90, consequence = "进入预算" }]\n[targets_review.rules]\nnature = 10\n',
     "down to 0"),
    ('[targets_review]\nrequired_groups = ["产出"]\ngrades = [{ grade = "优", min = 0, consequence = "进入预算" }]\n'
     '[targets_review.rules]\nnature = 10\n', "unknown 一级/二级"),
    ('[targets_review]\nsatisfaction_floor = 120\ngrades = [{ grade = "优", min = 0, consequence = "x" }]\n'
     '[targets_review.rules]\nnature = 10\n', "percentage"),
    ('[targets_review]\ngrades = [{ grade = "优", min = 0, consequence = "x" }]\n[targets_review.rules]\nnature = 200\n',
     "deduct between"),
])
def test_bad_settings_refused_when_the_profile_is_loaded(table, message):
    with pytest.raises(ProfileDefinitionError, match=message):
        load_profiles(_texts_with("mof-2020", table))


def test_unknown_rule_names_and_profiles_without_a_review():
    profiles = load_profiles(_texts_with("mof-2020", '[targets_review]\ngrades = [{ grade = "优", min = 0, '
                                                      'consequence = "x" }]\n[targets_review.rules]\nno_such_rule = 10\n'))
    with pytest.raises(ProfileDefinitionError, match="no_such_rule"):
        settings_of(profiles["mof-2020"])
    bare = replace(get_profile(CHAOYANG), targets_review=None)
    with pytest.raises(tr.PerfError, match="没有绩效目标审核"):
        settings_of(bare)


@pytest.mark.parametrize("level3, nature, target, said", [
    ("逾期发放率", "≥", "100", True),          # 南岳区's published 申报表
    ("安全事故发生次数", "≥", "1", True),
    ("群众投诉率", ">", "5", True),
    ("逾期发放率", "≤", "5", False),           # the right way round
    ("安全事故发生次数", "≥", "0", False),      # (asks for nothing)
    ("投诉处理率", "≥", "95", False),           # what was done about the complaints
    ("故障修复率", "≥", "99", False),
    ("事故发生率降低", "≥", "10", False),       # a fall, not the rate
    ("设备故障停机时长", "≥", "2", False),      # neither a rate nor a count
    ("系统故障次数", "≥", "3", True),
    ("安全生产无事故率", "≥", "100", False),    # the absence of it
    ("零投诉率", "≥", "95", False),
    ("差错更正率", "≥", "95", False),           # what was done about it
    ("辍学学生劝返率", "≥", "95", False),
    ("不合格产品检出率", "≥", "95", False),
    ("事故上报及时率", "≥", "95", False),
    ("违纪案件立案数", "≥", "2", False),
    ("损失鉴定完成数", "≥", "2", False),
    ("差错率", "定性", "优良中低差", False),
])
def test_direction_is_said_only_for_what_should_not_happen(level3, nature, target, said):
    project = make(with_row(1, level3=level3, nature=nature, target=target))
    assert (("direction", "J3") in found(project)) is said


def test_a_target_with_braces_is_said_as_typed():
    """达到{优}: the engine's message quotes it; it had been taken for a format field (KeyError: the
    whole file unreadable)."""
    review = review_project(make(with_row(4, target="达到{优}")), "mof-2020")
    assert all("{" not in f.message or "达到{优}" in f.message for f in review.findings)
    review = review_project(make(with_row(4, target="2023年1月至12月{}")), "mof-2020")
    assert [f.message for f in review.findings if f.kind == "scale"] == [
        "“保障各单位业务”：年度指标值“2023年1月至12月{}”是日期或时间段，没有写明年终可衡量的要求（如 按期完成率 ≥100%、≤12月底前完成）"]


@pytest.mark.parametrize("target, said", [
    ("2020年1月--2020年11月", True), ("2023.07-2024.01", True), ("2023年1月至12月", True),
    ("2024年6月底前完成", False), ("按合同约定完成", False),
])
def test_a_period_is_no_statement_even_where_any_words_are(target, said):
    """mof-2020 takes any words for a 定性 statement, but not a period (a district's 抗疫 申报表:
    各项费用使用周期 2020年1月--2020年11月)."""
    project = make(with_row(4, target=target))
    assert (("scale", "K6") in found(project, "mof-2020")) is said


@pytest.mark.parametrize("floor", ["", "satisfaction_floor = 85\n"])
def test_a_satisfaction_target_is_compared_with_last_year_where_no_floor_checks_it(floor):
    """A profile without a 满意度 floor, or whose rules leave the floor out, holds 满意度 targets
    to last year's results like others."""
    table = (f'[targets_review]\n{floor}grades = [{{ grade = "优", min = 0, consequence = "x" }}]\n'
             '[targets_review.rules]\nbelow_last_year = 10\n')
    profile = load_profiles(_texts_with("mof-2020", table))["mof-2020"]
    survey = {(key("示例项目"), key("用户满意度")): [LastYear("100%", "%", "上年")]}
    assert [f.kind for f in review_project(make(), profile, survey).findings] == ["below_last_year"]


def test_last_years_results_are_matched_without_the_year_a_name_begins_with():
    from addin.engine.target_review import project_key

    assert project_key("2025年朝阳区5G建设及应用项目") == project_key("2024年度朝阳区5G建设及应用项目") \
        == project_key("朝阳区5G建设及应用项目")
    assert project_key("2024-2025年朝阳区互联网接入服务") == project_key("2022—2023年朝阳区互联网接入服务")
    assert project_key("5G建设及应用项目") != project_key("朝阳区5G建设及应用项目")   # (only a year, only at the start)
