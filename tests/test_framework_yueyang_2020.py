"""yueyang-2020: seed 001's 附件3-2, every criterion read to the right method and points, and the
seed's own self-scores recomputed to 18 + 25 + 55 = 98, 优 (the seed writes 优秀)."""

from decimal import Decimal

import pytest

from addin.engine.frameworks import blank_form, evaluate_form, fill, get_framework

ID = "yueyang-2020"
D = Decimal

# item → (method, item points as read; for checklists and deductions (number, low, high) per item)
EXPECTED = {
    "目标内容": ("checklist", [1, 1, 1, 1]),
    "决策依据": ("checklist", [1, 1, 1, 1]),
    "决策程序": ("checklist", [2, 1, 1]),
    "分配办法": ("checklist", [1, 1, 1]),
    "分配结果": ("checklist", [2, 3]),
    "到位率": ("ratio", []),
    "到位时效": ("checklist", [2, 1, 0.5]),
    "资金使用": ("deduction", [(4, 7), (2, 2), (3, 6), (2, 5), (2, 5)]),
    "财务管理": ("checklist", [1, 1, 1]),
    "组织机构": ("checklist", [1]),
    "支撑条件": ("checklist", [1]),
    "项目实施": ("checklist", [1, 1, 1]),
    "管理制度": ("checklist", [2, 3]),
    "产出数量": ("ratio", []),
    "产出质量": ("ratio", []),
    "产出时效": ("deduction", [(3, 3)]),
    "产出成本": ("ratio", []),
    "经济效益": ("judgement", []),
    "社会效益": ("judgement", []),
    "环境效益": ("judgement", []),
    "可持续影响": ("judgement", []),
    "服务对象满意度": ("band", [0, 2, 4, 6, 8]),
}

# The seed's self-scores, with the inputs that give them (the seed reports only the scores).
SEED = {
    "目标内容": {"met": "全部", "reported": 4},
    "决策依据": {"met": "①②③④", "reported": 4},
    "决策程序": {"met": "1,2,3", "reported": 4},
    "分配办法": {"met": "全部", "reported": 3},
    "分配结果": {"met": "②", "reported": 3, "reason": "分配方案未完全符合分配办法"},
    "到位率": {"value": 369, "planned": 369, "reported": 3},
    "到位时效": {"met": "①", "reported": 2},
    "资金使用": {"deductions": 0, "reported": 7},
    "财务管理": {"met": "全部", "reported": 3},
    "组织机构": {"met": "①", "reported": 1},
    "支撑条件": {"met": "1", "reported": 1},
    "项目实施": {"met": "全部", "reported": 3},
    "管理制度": {"met": "全部", "reported": 5},
    "产出数量": {"value": 60, "planned": 50, "reported": 5},
    "产出质量": {"value": 1, "planned": 1, "reported": 4},
    "产出时效": {"deductions": 0, "reported": 3},
    "产出成本": {"value": 369, "planned": 369, "reported": 3},
    "经济效益": {"reported": 8},
    "社会效益": {"reported": 8},
    "环境效益": {"reported": 8},
    "可持续影响": {"reported": 8},
    "服务对象满意度": {"value": "96%", "reported": 8},
}


def test_states_source_and_limitations():
    framework = get_framework(ID)
    assert "附件3-2" in framework.source and "岳阳" in framework.source
    assert any("优秀" in text for text in framework.limitations)


def test_weights_of_the_seed():
    framework = get_framework(ID)
    assert [(l1.name, l1.points) for l1 in framework.levels] == [("项目决策", 20), ("项目管理", 25), ("项目绩效", 55)]
    assert len(framework.rows()) == 22


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_criterion_reads_to_its_method_and_points(name):
    [(_, _, item)] = [r for r in get_framework(ID).rows() if r[2].name == name]
    method, points = EXPECTED[name]
    criterion = item.criterion
    assert criterion.method == method
    if method == "checklist":
        assert [i.high for i in criterion.items] == [D(str(p)) for p in points]
        assert criterion.alternatives == (name == "到位时效")
    elif method == "deduction":
        assert [(i.low, i.high) for i in criterion.items] == [(D(a), D(b)) for a, b in points]
    elif method == "band":
        assert [b.points for b in criterion.bands] == [D(p) for p in points]
        assert criterion.unit == "%"
    assert criterion.overspend == (name == "产出成本")


def test_seed_self_scores_recompute_to_98_you():
    form = fill(blank_form(get_framework(ID)), SEED)
    form.total_score, form.grade = 98, "优秀"
    result = evaluate_form(form)
    assert result.findings == []
    assert result.subtotals == {"项目决策": 18, "项目管理": 25, "项目绩效": 55}
    assert result.total == 98 and result.grade == "优"


def test_a_wrong_self_score_is_found_at_its_row():
    seed = dict(SEED, 分配结果={"met": "①②", "reported": 3})
    form = fill(blank_form(get_framework(ID)), seed)
    form.total_score, form.grade = 98, "优"
    result = evaluate_form(form)
    found = [(f.part, f.finding.kind, f.row) for f in result.findings]
    assert found == [("item", "score_mismatch", 5), ("total", "total_mismatch", None)]
    assert result.total == 100


def test_a_self_score_written_with_more_numbers_is_no_score_to_guess():
    """自评得分 “4分中得3分”: no score to take the first number of (it had been read as 4)."""
    seed = dict(SEED, 分配结果={"met": "①②", "reported": "4分中得3分"})
    result = evaluate_form(fill(blank_form(get_framework(ID)), seed))
    assert [(f.finding.kind, f.row) for f in result.findings if "不止一个数值" in f.finding.message] == [("unreadable", 5)]


def test_a_score_no_rule_gives_leaves_the_total_unknown():
    """3.5 on a checklist of whole points (or a score beside a criterion that cannot be read):
    which score was meant is not known, nor the total and grade; they had been summed as typed
    and reported as recomputed. A score above 分值 still counts as 分值 (a bound, not a guess)."""
    form = fill(blank_form(get_framework(ID)), dict(SEED, 分配结果={"reported": 3.5}))
    result = evaluate_form(form)
    assert ("score_not_allowed", 5) in [(f.finding.kind, f.row) for f in result.findings]
    assert result.total is None and result.grade is None
    form = fill(blank_form(get_framework(ID)), SEED)
    row = next(r for r in form.rows if r.name == "分配结果")
    row.points = 4   # (its criterion's items add up to 5: it cannot be read)
    result = evaluate_form(form)
    assert ("unreadable", "criterion") in [(f.finding.kind, f.finding.field) for f in result.findings]
    assert result.total is None
    assert evaluate_form(fill(blank_form(get_framework(ID)), SEED)).total == 98


def test_a_judged_score_with_three_decimals_is_not_rounded_into_the_total():
    """经济效益 7.185: the sheet's total 89.995 is 良, rounded it would be 90 and 优; which was meant
    is not known (it had been rounded to 7.19 without a word and the grade said wrong)."""
    for typed in (7.185, "7.185分"):
        result = evaluate_form(fill(blank_form(get_framework(ID)), dict(SEED, 经济效益={"reported": typed, "reason": "部分"})))
        assert ("score_not_allowed", "自评得分7.185应保留两位小数") in [(f.finding.kind, f.finding.message) for f in result.findings]
        assert result.total is None
    result = evaluate_form(fill(blank_form(get_framework(ID)), dict(SEED, 经济效益={"reported": 1.1 * 3, "reason": "部分"})))
    assert not result.findings and result.total == D("93.30")   # (3.3000000000000003: a float's tail)


def test_a_judged_score_a_formula_computed_is_shown_short():
    """=10*2/3 in 经济效益: 6.6667…, not fifteen digits."""
    result = evaluate_form(fill(blank_form(get_framework(ID)), dict(SEED, 经济效益={"reported": 10 * 2 / 3, "reason": "部分"})))
    assert [f.finding.message for f in result.findings] == ["自评得分6.6667…应保留两位小数"]


def test_a_judged_score_written_as_text_is_read_and_said():
    """经济效益 typed 8分: read as 8 (the total known), and said, since the sheet's 小计 and 总分
    formulas leave text out (LibreOffice had shown them blank, recalc nothing)."""
    result = evaluate_form(fill(blank_form(get_framework(ID)), dict(SEED, 经济效益={"reported": "8分"})))
    assert [(f.finding.kind, f.finding.message) for f in result.findings] == [
        ("score_as_text", "自评得分“8分”写成了文字，表中的小计和总分公式不计入文字；请填写数值8")]
    assert result.total == 98
