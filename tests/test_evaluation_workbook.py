"""The 评价指标体系评分表: laid out like seed 001's table, and, filled in, computed by the ``formulas``
engine (PERF_* registered) to the engine's own scores, subtotals, total and grade."""

import pytest
from openpyxl import load_workbook

from addin.engine.frameworks import blank_form, evaluate_form, fill, get_framework
from tests.formula_engine import Evaluated
from tests.test_framework_yueyang_2020 import SEED
from workbook_builder.cli import main
from workbook_builder.forms import evaluation_layout as E
from workbook_builder.forms.evaluation import EvaluationHeader, write_evaluation

# Another way through every method: partial checklists, a tier, deductions, ratios below 1, bands.
VARIANT = {
    "目标内容": {"met": "①②④"}, "决策依据": {"met": "无"}, "决策程序": {"met": "1,3"}, "分配办法": {"met": "全部"},
    "分配结果": {"met": "①"}, "到位率": {"value": 207, "planned": 369}, "到位时效": {"met": "③"},
    "资金使用": {"deductions": "2,3"}, "财务管理": {"met": "①③"}, "组织机构": {"met": "无"}, "支撑条件": {"met": "①"},
    "项目实施": {"met": "全部"}, "管理制度": {"met": "②"}, "产出数量": {"value": 45, "planned": 50},
    "产出质量": {"value": 0.9, "planned": 1}, "产出时效": {"deductions": "3"}, "产出成本": {"value": 110, "planned": 100},
    "经济效益": {"score": 6.5}, "社会效益": {"score": 8}, "环境效益": {"score": 7}, "可持续影响": {"score": 8},
    "服务对象满意度": {"value": 0.85},
}


def _entries(seed: dict) -> dict:
    """SEED's inputs, judgement scores included, without the reported scores."""
    out = {}
    for name, values in seed.items():
        values = dict(values)
        reported = values.pop("reported", None)
        values.pop("reason", None)
        if not any(values.get(k) is not None for k in ("met", "value", "planned", "deductions")):
            values["score"] = values.get("score", reported)
        out[name] = {k: v for k, v in values.items() if v is not None}
    return out


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("evaluation") / "岳阳.xlsx"
    return write_evaluation("yueyang-2020", path, EvaluationHeader("示例项目", "示例单位", "评价组", "2020"))


def test_laid_out_like_seed_001(workbook):
    ws = load_workbook(workbook)[E.SHEET]
    assert [ws[f"{c}{E.HEADER_ROW}"].value for c in "ABCDEFGHI"] == [
        "一级指标", "分值", "二级指标", "分值", "三级指标", "分值", "具体指标", "评价标准", "自评得分"]
    assert [ws[f"{c}{E.HEADER_ROW}"].value for c in "JKLMNO"] == ["计分方法", "达成项", "实际值", "计划值", "扣分", "扣分原因"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A5:A9", "B5:B9", "C6:C7", "A10:A17", "A18:A26"} <= merged
    lay = E.Layout(22, 3)
    assert ws[lay.item_cell("score", 0)].value == '=IF(K5="","",PERF_CHECKLIST(H5,K5))'
    assert ws[lay.item_cell("score", 17)].value is None                 # 经济效益: judgement, typed
    assert ws[f"A{lay.total_row}"].value == "总分" and ws[f"A{lay.grade_row}"].value == "评价等级"
    assert ws[lay.rule_cell].value == "mof-2020"
    assert ws["C2"].value == "示例项目"
    # a criterion's lines each get 15 points of height and room around them (LibreOffice had
    # clipped the first and last of 决策依据's five lines at 13.5 a line)
    assert ws.row_dimensions[6].height >= 15 * 5 + 6


@pytest.mark.parametrize("entries", [_entries(SEED), VARIANT], ids=["seed", "variant"])
def test_formulas_compute_the_engine_scores(workbook, entries):
    framework = get_framework("yueyang-2020")
    lay = E.Layout(22, 3)
    inputs = {}
    for index, (_, _, item) in enumerate(framework.rows()):
        for field, value in entries[item.name].items():
            inputs[lay.item_cell(field, index)] = value
    model = Evaluated(workbook)
    solution = model.calculate(E.SHEET, inputs)
    expected = evaluate_form(fill(blank_form(framework), entries))
    scores = [model.value(solution, E.SHEET, lay.item_cell("score", i)) for i in range(22)]
    assert scores == [float(item.score) for item in expected.items]
    subtotals = [model.value(solution, E.SHEET, f"I{lay.subtotal_row(n)}") for n in range(3)]
    assert subtotals == [float(v) for v in expected.subtotals.values()]
    assert model.value(solution, E.SHEET, lay.total_score_cell) == pytest.approx(float(expected.total))
    assert model.value(solution, E.SHEET, lay.grade_cell) == expected.grade
    assert model.value(solution, E.SHEET, lay.total_points_cell) == 100


def test_seed_total_in_the_workbook(workbook):
    lay = E.Layout(22, 3)
    framework = get_framework("yueyang-2020")
    inputs = {lay.item_cell(f, i): v for i, (_, _, item) in enumerate(framework.rows())
              for f, v in _entries(SEED)[item.name].items()}
    model = Evaluated(workbook)
    solution = model.calculate(E.SHEET, inputs)
    assert model.value(solution, E.SHEET, lay.total_score_cell) == 98
    assert model.value(solution, E.SHEET, lay.grade_cell) == "优"


def test_cli_lists_and_writes(tmp_path, capsys):
    assert main(["evaluation", "frameworks"]) == 0
    out = capsys.readouterr().out
    assert "yueyang-2020" in out and "mof-2020" in out and "依据" in out
    target = tmp_path / "评分表.xlsx"
    assert main(["evaluation", "new", "--framework", "mof-2020", "-o", str(target), "--project", "宜春示例"]) == 0
    assert load_workbook(target)[E.SHEET]["C2"].value == "宜春示例"
    assert main(["evaluation", "new", "--framework", "mof-2020", "-o", str(target)]) == 2
    assert main(["evaluation", "new", "--framework", "无此体系", "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "未知的评价指标体系" in capsys.readouterr().err


@pytest.mark.parametrize("framework", ["yueyang-2020", "mof-2020"])
def test_every_framework_builds_with_its_functions(framework):
    """PERF_CHECKLIST and PERF_BAND read each criterion without 分值 exactly as the framework does."""
    from workbook_builder.forms.evaluation import build_evaluation_workbook

    ws = build_evaluation_workbook(framework)[E.SHEET]
    rows = get_framework(framework).rows()
    formulas = [ws[E.Layout(len(rows), 0).item_cell("score", i)].value for i in range(len(rows))]
    assert sum(f is None for f in formulas) == sum(item.criterion.method == "judgement" for _, _, item in rows)


def test_the_criterion_can_be_edited_where_the_add_in_reads_it(tmp_path):
    """The guide asks to change the points in the 评价标准 with a 分值: with the add-in the
    criterion is read from its cell (unlocked under the sheet's protection); a portable sheet
    compiled it into its formulas (locked, as its guide says)."""
    lay = E.Layout(22, 3)
    for portable, locked in ((False, False), (True, True)):
        ws = load_workbook(write_evaluation("yueyang-2020", tmp_path / f"{portable}.xlsx", portable=portable))[E.SHEET]
        assert ws.protection.sheet and ws[lay.item_cell("criterion", 4)].protection.locked is locked
        assert ws[lay.item_cell("points", 4)].protection.locked is False


def test_the_reason_column_keeps_what_is_typed_as_text(tmp_path):
    """扣分原因 is a text column: 85% typed there stays 85% (LibreOffice had stored 0.85, and the
    report printed 扣分原因：0.85)."""
    lay = E.Layout(22, 3)
    for portable in (False, True):
        ws = load_workbook(write_evaluation("yueyang-2020", tmp_path / f"{portable}.xlsx", portable=portable))[E.SHEET]
        assert {ws[lay.item_cell("reason", i)].number_format for i in range(22)} == {"@"}
