"""ningxia-2021: 项目决策 and 项目管理 scored by judgement, a funds block worth no points, 参考分值
before the target, 二级 labels carrying their weight, and 自评得分 written in the header."""

import pytest
from form_cases import read_real


def test_judged_rows_unscored_funds_and_the_total_above_the_table(tmp_path):
    read, report, result = read_real("ningxia_yinchuan_1", tmp_path)
    assert read.form == "ningxia-2021" and read.form_exact
    assert read.table.judged == ("项目决策", "项目管理")
    assert [d.nature for d in result.indicators[:8]] == ["评判"] * 8
    assert [d.score for d in result.indicators[:8]] == [4, 2, 2, 2, 9, 7, 2, 6]   # as reported
    assert result.funds_score == 0 and not any(f.cell.startswith(("C5", "D5", "E5", "F5")) for f in report.findings)
    assert read.table.indicators[8].level2 == "数量指标"                         # 数量指标(10分)
    assert {i.level1 for i in read.table.indicators[8:]} == {"项目产出", "项目效益"}  # the form's own 一级 words
    assert [d.nature for d in result.indicators[11:14]] == ["≤", "≤", "≤"]       # 15万元 … under 成本指标(10分)
    assert result.indicators[10].score == 5                                      # 2021年12月完成: a statement, met
    assert read.cell(("total", "score")) == "E3" and read.table.total_score == 98
    kinds = {(f.cell, f.kind) for f in report.findings}
    assert ("H13", "missing_reason") in kinds and ("E3", "total_mismatch") in kinds


@pytest.mark.parametrize("portable", (False, True), ids=("addin", "portable"))
def test_template_types_judged_scores_and_checks_them(tmp_path, portable):
    """The form's template for this very table: the 项目决策/项目管理 scores are typed, their 检查
    cells test them as the engine does, the other rows are computed, the total adds both."""
    from addin.engine.forms import get_form
    from addin.engine.table import evaluate_table
    from tests.formula_engine import Evaluated
    from tests.test_form_templates import typed_actual
    from workbook_builder.forms.layout import SHEET, Layout
    from workbook_builder.forms.template import build_workbook

    read, _, result = read_real("ningxia_yinchuan_1", tmp_path)
    table = read.table
    path = tmp_path / "t.xlsx"
    build_workbook(table, "mof-2020", 2021, portable=portable, form_id="ningxia-2021").save(path)
    lay = Layout(len(table.indicators), get_form("ningxia-2021"))
    inputs = {lay.funds_cell("executed"): 64.8}
    for index, ind in enumerate(table.indicators):
        if ind.level1 not in table.judged:
            inputs[lay.indicator_cell("actual", index)] = typed_actual(ind, ind, "mof-2020", portable)
    book = Evaluated(path)
    solution = book.calculate(SHEET, inputs)
    value = lambda ref: book.value(solution, SHEET, ref)  # noqa: E731
    assert value(lay.indicator_cell("check", 4)) == "得分低于分值，未填写扣分原因（或未完成原因分析）"   # 预算执行率 9 of 10
    assert value(lay.indicator_cell("check", 0)) == ""
    computed = [value(lay.indicator_cell("score", i)) for i in range(8, len(table.indicators))]
    assert computed == [float(d.score) for d in result.indicators[8:]]
    assert value(lay.total_score_cell) == float(evaluate_table(table, "mof-2020").total) == 89
    assert value(lay.total_weight_cell) == 90   # the truncated 满意度 row is missing
