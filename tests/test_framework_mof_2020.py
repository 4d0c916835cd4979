"""mof-2020 (framework): the national common framework's tree, default weights that can be edited."""

from addin.engine.frameworks import blank_form, evaluate_form, fill, get_framework

ID = "mof-2020"


def test_states_source_and_limitations():
    framework = get_framework(ID)
    assert "财预〔2020〕10号" in framework.source
    assert any("二手资料" in text for text in framework.limitations)
    assert any("默认设定" in text for text in framework.limitations)


def test_the_tree_of_the_national_framework():
    framework = get_framework(ID)
    tree = {l1.name: [l2.name for l2 in l1.children] for l1 in framework.levels}
    assert tree == {
        "决策": ["项目立项", "绩效目标", "资金投入"],
        "过程": ["资金管理", "组织实施"],
        "产出": ["产出数量", "产出质量", "产出时效", "产出成本"],
        "效益": ["经济效益", "社会效益", "生态效益", "可持续影响", "满意度"],
    }
    points = {l1.name: l1.points for l1 in framework.levels}
    assert points["产出"] + points["效益"] >= 60


def test_funds_rates_as_seed_002_defines_them():
    """到位率 = 实际到位 ÷ 预算资金; 执行率 = 实际支出 ÷ 实际到位 (219.91 ÷ 219.91 = 100%)."""
    rows = {item.name: item for _, _, item in get_framework(ID).rows()}
    assert rows["资金到位率"].criterion.method == "ratio"
    assert rows["预算执行率"].criterion.method == "ratio"
    assert "实际支出资金 ÷ 实际到位资金" in rows["预算执行率"].explanation
    form = fill(blank_form(get_framework(ID)), {
        "资金到位率": {"value": 219.91, "planned": 219.91, "reported": 4},
        "预算执行率": {"value": 200, "planned": 219.91, "reported": 4},
    })
    found = {(f.row, f.finding.kind) for f in evaluate_form(form).findings if f.row in (7, 8)}
    assert found == {(8, "score_mismatch"), (8, "missing_reason")}


def test_edited_weights_are_checked_not_trusted():
    form = blank_form(get_framework(ID))
    form.rows[0].points = 5   # 立项依据充分性 3 → 5: 项目立项 no longer adds up
    result = evaluate_form(form)
    assert ("level2", "weights_sum", 1) in {(f.part, f.finding.kind, f.row) for f in result.findings}
