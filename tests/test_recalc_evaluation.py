"""perfbook recalc on evaluation workbooks: seed 001 typed by hand, perfbook's own template filled
in, and seed 004's yearly budget tables; every finding at its cell, in the JSON and the copy."""

import json
import sys

import pytest
from openpyxl import load_workbook

from addin.engine.frameworks import get_framework
from tests import libreoffice
from tests.conftest import ROOT
from workbook_builder.cli import main
from workbook_builder.recalc.result import NOT_FILLED
from workbook_builder.forms import evaluation_layout as E
from workbook_builder.forms.evaluation import EvaluationHeader, write_evaluation
from workbook_builder.recalc.run import recalc

sys.path.insert(0, str(ROOT / "samples"))
import make_evaluation_samples as samples  # noqa: E402


def _findings(result) -> list[tuple[str, str]]:
    return [(f.cell, f.kind) for report in result.reports for f in report.findings]


def test_seed_001_as_typed_recomputes_to_98(tmp_path):
    result = recalc([str(ROOT / "samples/yueyang-2020")], tmp_path / "out", jobs=1)
    [report] = result.reports
    assert (report.reported_total, report.computed_total, report.grade) == (98, 98, "优")
    # 分配结果 is 3 of 5 and the seed gives no reason, but its sheet has no 扣分原因 column to fill
    assert _findings(result) == []


def test_hand_typed_mistakes_are_found_at_their_cells(tmp_path):
    path = samples.write_yueyang(
        tmp_path / "in" / "岳阳.xlsx", total=97, grade="良",
        changes={("分配结果", 8): 6,            # above its 分值 5
                 ("到位时效", 8): 1.5,          # not one of the tiers 2 / 1 / 0.5
                 ("资金使用", 8): 6,            # 7 − 1: no item deducts 1
                 ("决策依据", 3): 9})           # 决策过程 stated as 9, its items add up to 8
    result = recalc([str(path)], tmp_path / "out", jobs=1)
    found = _findings(result)
    assert ("I8", "score_above_weight") in found
    assert ("I10", "score_not_allowed") in found and ("I11", "score_not_allowed") in found
    assert ("D5", "weights_sum") in found and ("B4", "weights_sum") in found   # 二级, then 一级 20 ≠ 21
    assert len(found) == 5   # no missing reasons: the sheet has no 扣分原因 column
    [report] = result.reports
    # 1.5 and 6 are scores no rule gives: which was meant is not known, nor the total and grade
    # (they had been summed into a total of 96.5, said as recomputed)
    assert report.computed_total is None and report.grade is None
    copy = load_workbook(tmp_path / "out" / report.annotated)
    assert "得分超过分值" in copy["附件3-2"]["I8"].comment.text
    assert "复核结果" in copy.sheetnames


def test_filled_template_is_recalculated(tmp_path):
    path = write_evaluation("yueyang-2020", tmp_path / "in" / "评分表.xlsx")
    wb = load_workbook(path)
    ws = wb[E.SHEET]
    lay = E.Layout(22, 3)
    rows = {item.name: i for i, (_, _, item) in enumerate(get_framework("yueyang-2020").rows())}
    for name, values in {"目标内容": {"met": "全部"}, "到位率": {"value": 207, "planned": 369},
                         "经济效益": {"score": 7, "reason": "部分效益未显现"}}.items():
        for field, value in values.items():
            ws[lay.item_cell(field, rows[name])] = value
    ws[lay.item_cell("score", rows["到位时效"])] = 2   # typed over the formula, no 达成项: checked as allowed
    wb.save(path)
    result = recalc([str(path)], tmp_path / "out", jobs=1)
    [report] = result.reports
    assert report.template
    found = _findings(result)
    assert (lay.item_cell("reason", rows["到位率"]), "missing_reason") in found       # 1.68 of 3
    missing = {cell for cell, kind in found if kind == "score_missing"}
    typed = {"目标内容", "到位率", "经济效益", "到位时效"}   # never calculated, computed here: not a finding
    assert missing == {lay.item_cell("score", n) for name, n in rows.items() if name not in typed}   # the rest: 未填写
    assert report.computed_total is None and report.grade is None   # (18 items not scored: no total, as report write)


def test_blank_template_is_not_reported_as_22_missing_scores(tmp_path):
    """A never-filled 评分表 claims no total (0) nor grade (差), and its empty rows are no findings."""
    path = write_evaluation("yueyang-2020", tmp_path / "in" / "评分表.xlsx")
    out = tmp_path / "out"
    assert main(["recalc", str(path), "-o", str(out), "--json", str(out / "r.json")]) == 0
    [table] = json.loads((out / "r.json").read_text(encoding="utf-8"))["tables"]
    assert (table["findings"], table["computed_total"], table["grade"]) == ([], None, None)
    assert table["project"] == ""                       # not the 项目单位 label next to a blank 项目名称
    assert table["status"] == "未填写"                   # (as a 自评表 never filled in: counted apart, no report)
    copy = load_workbook(out / table["annotated"])
    assert [copy["复核结果"][ref].value for ref in ("E2", "F2")] == ["未填写", NOT_FILLED]
    computed = [c.value for c in copy[E.SHEET]["P"] if c.value not in (None, "复核计算值")]
    assert computed == ["未填写"] * 23                   # 22 rows and the total
    book = load_workbook(path)   # an unknown 评价规则 in a blank form: still one status, no finding
    book[E.SHEET][E.Layout(22, 3).rule_cell] = "不存在的规则"
    book.save(path)
    assert main(["recalc", str(path), "-o", str(tmp_path / "out2"), "--json", str(tmp_path / "r2.json")]) == 0
    [table] = json.loads((tmp_path / "r2.json").read_text(encoding="utf-8"))["tables"]
    assert (table["status"], table["findings"]) == ("未填写", [])


def test_partly_filled_template_still_reports_its_empty_rows(tmp_path):
    path = write_evaluation("yueyang-2020", tmp_path / "in" / "评分表.xlsx")
    wb = load_workbook(path)
    lay = E.Layout(22, 3)
    wb[E.SHEET][lay.item_cell("score", 20)] = 8       # 可持续影响 (judgement) typed, the rest blank
    wb.save(path)
    result = recalc([str(path)], tmp_path / "out", jobs=1)
    [report] = result.reports
    assert sum(kind == "score_missing" for _, kind in _findings(result)) == 21
    assert report.computed_total is None and report.grade is None   # (no 差 for 8 of 100 scored: not known)


def test_template_with_a_wrong_typed_score(tmp_path):
    path = write_evaluation("mof-2020", tmp_path / "in" / "评分表.xlsx")
    wb = load_workbook(path)
    ws = wb[E.SHEET]
    lay = E.Layout(20, 4)
    ws[lay.item_cell("met", 0)] = "①②"
    ws[lay.item_cell("score", 0)] = 3              # the checklist gives 2
    ws[lay.item_cell("reason", 0)] = "原因"
    wb.save(path)
    result = recalc([str(path)], tmp_path / "out", jobs=1)
    assert (lay.item_cell("score", 0), "score_mismatch") in _findings(result)
    [found] = [f for r in result.reports for f in r.findings if f.kind == "score_mismatch"]
    assert found.indicator == ws[lay.item_cell("name", 0)].value   # the item it is about


def test_seed_004_yearly_tables(tmp_path):
    out = tmp_path / "out"
    assert main(["recalc", str(ROOT / "samples/qinhuangdao-2020-2022"), "-o", str(out), "--json",
                 str(out / "r.json")]) == 0
    [table] = json.loads((out / "r.json").read_text(encoding="utf-8"))["tables"]
    assert (table["computed_total"], table["grade"]) == (87.79, "良")
    assert [(f["cell"], f["kind"]) for f in table["findings"]] == [("C6", "budget_rows_sum"), ("D6", "over_budget")]
    assert "150.1" in table["findings"][0]["message"] and "160" in table["findings"][0]["message"]


def test_yearly_scores_are_averaged_and_graded(tmp_path):
    path = samples.write_qinhuangdao(tmp_path / "in" / "多年度.xlsx", scores={2020: 85, 2021: 88, 2022: 90.37},
                                     average=87.79, grade="优")
    result = recalc([str(path)], tmp_path / "out", jobs=1)
    [report] = result.reports
    assert report.computed_total == 87.79 and report.grade == "良"
    assert ("B27", "grade_mismatch") in _findings(result)


def test_points_written_in_the_labels_and_a_self_score_column(tmp_path):
    """A 计分表 without 分值 columns (Hunan's), its criteria headed 评价标准及依据 (Hubei's): each
    level's points are read from its label
    (项目决策(10分)), the label without them, the scores from 自评分; an item whose label states
    no points is said at that label's cell; a bracket worth more than the level above it is a
    target the name states (考核平均成绩(80分) under 产出质量(10分)), not points."""
    from openpyxl import Workbook

    from workbook_builder.readers.evaluation import read_evaluations
    from workbook_builder.readers.source import read_grids
    from workbook_builder.recalc.run import check_file

    book = Workbook()
    ws = book.active
    for row in (["一级指标", "二级指标", "三级指标", "自评分", "评价标准及依据"],   # (Hubei's label)
                ["项目决策(10分)", "项目目标（6分）", "目标内容(4分)", 3, "设有目标(2分) 目标明确(2分)"],
                [None, None, "绩效指标(2分)", 2, "按完成情况酌情扣分"],
                [None, "决策依据(4分)", "依据充分", 4, "按完成情况酌情扣分"],
                ["产出(10分)", "产出质量(10分)", "考核平均成绩(80分)", 10, "按完成情况酌情扣分"],   # a target, not points
                ["效益(10分)", "满意度(90分)", "群众满意度(5分)", 5, "按完成情况酌情扣分"]):
        ws.append(row)
    path = tmp_path / "计分表.xlsx"
    book.save(path)
    [read] = read_evaluations(read_grids(path), path.name)
    assert [(r.level1, r.level1_points, r.level2, r.level2_points, r.name, r.points, r.score)
            for r in read.form.rows] == [("项目决策", 10.0, "项目目标", 6.0, "目标内容", 4.0, 3),
                                         ("项目决策", 10.0, "项目目标", 6.0, "绩效指标", 2.0, 2),
                                         ("项目决策", 10.0, "决策依据", 4.0, "依据充分", None, 4),
                                         ("产出", 10.0, "产出质量", 10.0, "考核平均成绩(80分)", None, 10),
                                         ("效益", 10.0, "满意度(90分)", None, "群众满意度", 5.0, 5)]
    assert [read.cells[("indicator", n, "weight")] for n in (1, 2, 3)] == ["C2", "C3", "C4"]
    assert read.cells[("level2", 3, "points")] == "B4" and read.cells[("level1", 1, "points")] == "A2"
    [report] = check_file(str(path), None, None, None, path.name)
    assert ("C4", "unreadable") in {(f.cell, f.kind) for f in report.findings}


def _score_sheet(ws, header=("一级指标", "分值", "二级指标", "分值", "三级指标", "分值", "得分")):
    for row in (header,
                ["项目决策", 20, "项目目标", 4, "目标内容", 4, 4],
                header,   # repeated at the top of the next page
                [None, None, "决策过程", 8, "决策依据", 3, 3],
                [None, None, None, None, "决策程序", 6, 7]):   # 3 + 6 is not 8; 7 is over its 6
        ws.append(list(row))


def test_a_score_sheet_without_criteria_is_an_evaluation_form(tmp_path):
    """Hainan's 评分表 (一级指标 | 分值 | 二级指标 | 分值 | 三级指标 | 分值 | 得分, no 评价标准) is
    checked as an evaluation form: each level's 分值 against those below it, 得分 within 分值."""
    from openpyxl import Workbook

    from workbook_builder.readers.evaluation import is_header
    from workbook_builder.recalc.run import check_file

    assert not is_header({"一级指标", "二级指标", "三级指标", "分值", "得分"})   # (not where a 自评表 may be)
    assert not is_header({"一级指标", "二级指标", "三级指标", "得分"}, bare=True)
    book = Workbook()
    _score_sheet(book.active)
    path = tmp_path / "评分表.xlsx"
    book.save(path)
    [report] = check_file(str(path), None, None, None, path.name)
    assert {(f.cell, f.kind) for f in report.findings} >= {("D4", "weights_sum"), ("G5", "score_above_weight")}
    assert not [f for f in report.findings if f.cell.endswith("3")]   # the repeated header is no item


@pytest.mark.parametrize("case", ["note", "other columns", "sheet beside"])
def test_a_self_evaluation_is_never_read_as_a_score_sheet(case, tmp_path):
    """A 自评表 stays one: with 评分标准 said in a note on its sheet (its header has 年度指标值);
    with its target and actual headed in words perfbook does not know (目标值 | 实际值: refused
    as a 自评表 naming the column it lacks, not scored as a 评分表); beside a score sheet without
    criteria in the same workbook (the 自评表 is checked, not set aside)."""
    from openpyxl import Workbook, load_workbook

    from workbook_builder.recalc.result import FileFailure
    from workbook_builder.recalc.run import check_file

    path = tmp_path / "自评表.xlsx"
    if case == "other columns":
        book = Workbook()
        _score_sheet(book.active, ("一级指标", "二级指标", "三级指标", "目标值", "实际值", "分值", "得分"))
        book.save(path)
        refused = check_file(str(path), None, None, None, path.name)
        assert isinstance(refused, FileFailure) and "没有“年度指标值”列" in refused.message
        return
    [sample] = (ROOT / "samples" / "chaoyang-2024" / "submitted").glob("05_*.xlsx")
    book = load_workbook(sample)
    if case == "note":
        book["自评表"].cell(book["自评表"].max_row + 2, 1, "备注：得分依据评分标准确定。")
    else:   # (its note names 评分标准, as the sheets with criteria columns do)
        _score_sheet(book.create_sheet("指标得分"))
        book["指标得分"].append(["注：评分标准见附件"])
    book.save(path)
    reports = check_file(str(path), None, None, None, path.name)
    assert [r.form for r in reports] == ["beijing-chaoyang-2024"]
    assert ("H6", "exec_score_mismatch") in {(f.cell, f.kind) for f in reports[0].findings}


def test_a_self_evaluation_beside_an_evaluation_form_is_checked_too(tmp_path):
    """An evaluator's workbook holding the unit's 自评表 and the 评分表 (criteria column): both
    are checked, by recalc (its copy marks both) and by the add-in's review (the 自评表 had been
    set aside without a word); report write and check take the 评分表 unless --sheet names the
    自评表's sheet."""
    from openpyxl import load_workbook

    from workbook_builder.deploy.review import review_grids
    from workbook_builder.readers.source import read_grids
    from workbook_builder.reports.write import read_scored

    [sample] = (ROOT / "samples" / "chaoyang-2024" / "submitted").glob("05_*.xlsx")
    book = load_workbook(sample)
    ws = book.create_sheet("评分表")
    for row in (["一级指标", "二级指标", "三级指标", "分值", "评价标准", "得分"],
                ["项目决策", "项目目标", "目标内容", 4, "设有目标(2分) 目标明确(2分)", 5]):   # 5 is over its 4
        ws.append(row)
    path = tmp_path / "in" / "评价.xlsx"
    path.parent.mkdir()
    book.save(path)
    result = recalc([str(path)], tmp_path / "out", jobs=1)
    found = {(r.sheet, f.cell, f.kind) for r in result.reports for f in r.findings}
    assert [r.sheet for r in result.reports] == ["评分表", "自评表"]
    assert {("自评表", "H6", "exec_score_mismatch"), ("评分表", "F2", "score_above_weight")} <= found
    assert all(r.annotated for r in result.reports)
    copy = load_workbook(tmp_path / "out" / result.reports[0].annotated)
    assert copy["自评表"]["H6"].comment is not None and copy["评分表"]["F2"].comment is not None
    assert [s.read.sheet for s in read_scored(path)] == ["评分表"]   # (the report an evaluator writes)
    assert [s.read.sheet for s in read_scored(path, sheet="自评表")] == ["自评表"]
    assert [r.sheet for r in review_grids(read_grids(path), path.name)] == ["评分表", "自评表"]


def test_a_self_evaluation_beside_perfbooks_evaluation_template_is_read_as_typed(tmp_path):
    """perfbook's evaluation template (its hidden _perfbook sheet names the framework) with a
    unit's 自评表 pasted on a sheet beside it: the 自评表 is read as any 自评表, all its checks
    made (it had been taken for a perfbook 自评表 template, its 分值 total left unchecked)."""
    from openpyxl import load_workbook

    [sample] = (ROOT / "samples" / "chaoyang-2024" / "submitted").glob("26_*.xlsx")
    template = tmp_path / "评分表.xlsx"
    assert main(["evaluation", "new", "--framework", "yueyang-2020", "-o", str(template), "--project", "项目"]) == 0
    book, unit = load_workbook(template), load_workbook(sample)["自评表"]
    ws = book.create_sheet("自评表")
    for row in unit.iter_rows():
        for cell in row:
            if cell.value is not None:
                ws[cell.coordinate] = cell.value
    for merged in unit.merged_cells.ranges:
        ws.merge_cells(str(merged))
    ws["I20"] = 105   # the 分值 total
    path = tmp_path / "in" / "评价.xlsx"
    path.parent.mkdir()
    book.save(path)
    result = recalc([str(path)], tmp_path / "out", jobs=1)
    [unit_report] = [r for r in result.reports if r.sheet == "自评表"]
    assert {(f.cell, f.kind) for f in unit_report.findings} >= {("J14", "penalty_not_applied"), ("I20", "weights_sum")}


def test_a_total_written_with_more_numbers_states_none(tmp_path):
    """总分 “100分中得98分”: no total to compare or show (it had been shown as 100 in the summary)."""
    path = samples.write_yueyang(tmp_path / "in" / "岳阳.xlsx", total="100分中得98分", grade="优")
    [report] = recalc([str(path)], tmp_path / "out", jobs=1).reports
    assert report.reported_total is None and report.computed_total == 98


def test_an_average_written_with_more_numbers_states_none(tmp_path):
    path = samples.write_qinhuangdao(tmp_path / "in" / "多年度.xlsx", scores={2020: 85, 2021: 88, 2022: 90.37},
                                     average="三年平均87.79（满分100）", grade="良")
    [report] = recalc([str(path)], tmp_path / "out", jobs=1).reports
    assert report.reported_total is None and report.computed_total == 87.79


# An evaluator's 岳阳 评分表 filled in full (a helper's review): items met, values, deductions,
# judged scores, reasons, and their mistakes (a deduction without a reason, a score above its
# 分值, a total and a grade typed wrongly)
FILLED_YUEYANG = {
    "K5": "①②③", "O5": "部分绩效指标未量化", "K6": "全部", "K7": "①②", "K8": "1,2,3", "K9": "①", "O9": "未附资金分配方案",
    "L10": 340, "M10": 369, "O10": "资金到位340万元，未全额到位", "K11": "②", "O11": "资金到位不及时",
    "N12": "⑤3", "O12": "部分支出超预算", "K13": "全部", "K14": "全部", "K15": "全部", "K16": "①②",
    "O16": "未按计划完工，延期1个月", "K17": "全部", "L18": "95%", "M18": "100%", "O18": "1个点位未完成",
    "L19": 1, "M19": 1, "N20": 3, "O20": "竣工验收延期", "L21": 380, "M21": 369, "O21": "实际成本超出预算",
    "I22": 9, "I23": 7, "O23": "部分社会效益尚未显现", "I24": 6, "I25": 8, "L26": "88%", "I30": 84.42, "I31": "优",
}


@pytest.mark.skipif(libreoffice.SOFFICE is None, reason=libreoffice.MISSING)
def test_template_filled_without_the_addin_finds_what_it_finds_when_computed(tmp_path):
    """Filled where the add-in is not installed and saved (LibreOffice, as WPS or Excel without
    it), every PERF_* score shows #NAME?: those scores are computed as the add-in would, with one
    note; the findings are those of the same sheet whose scores were never computed (it had been
    17 findings 公式的错误值, no total, and the real mistakes lost). A score typed over a formula
    among uncomputed ones is the evaluator's (the others had each been 未填写自评得分)."""
    from workbook_builder.readers.tables import NOTE_NO_ADDIN, NOTE_NOT_COMPUTED

    path = write_evaluation("yueyang-2020", tmp_path / "in" / "评分表.xlsx")
    wb = load_workbook(path)
    for ref, value in FILLED_YUEYANG.items():
        wb[E.SHEET][ref] = value
    wb[E.SHEET]["I6"] = 4   # 绩效目标 目标内容, all met: 4, typed over its formula
    wb.save(path)
    [saved] = libreoffice.convert([path], tmp_path / "saved", "xlsx")
    assert load_workbook(saved, data_only=True)[E.SHEET]["I10"].value == "#NAME?"
    computed = recalc([str(path)], tmp_path / "out1", jobs=1)
    without = recalc([str(saved)], tmp_path / "out2", jobs=1)
    [one], [two] = computed.reports, without.reports
    assert (one.note, two.note) == (NOTE_NOT_COMPUTED, NOTE_NO_ADDIN)
    assert one.computed_total == two.computed_total == 81.42 and one.grade == two.grade == "良"
    assert sorted(_findings(computed)) == sorted(_findings(without)) == sorted([
        ("O7", "missing_reason"), ("I22", "score_above_weight"), ("O24", "missing_reason"),
        ("O26", "missing_reason"), ("I30", "total_mismatch"), ("I31", "grade_mismatch")])


def test_the_summary_names_the_framework_or_the_kind_of_each_evaluation_workbook(tmp_path):
    """The 表样 column had been empty for 评分表 and yearly tables (and 计分规则 mof-2020 the only
    trace of a Yueyang sheet): it names the framework, 评分表 for one of no shipped framework,
    and 年度预算表."""
    hand = samples.write_yueyang(tmp_path / "in" / "岳阳.xlsx")
    other = samples.write_yueyang(tmp_path / "in" / "改名.xlsx", changes={("目标内容", 4): "另一个指标"})
    years = ROOT / "samples" / "qinhuangdao-2020-2022" / "年度预算及支出情况.xlsx"
    result = recalc([str(hand), str(other), str(years)], tmp_path / "out", jobs=1)
    assert sorted(r.framework for r in result.reports) == ["yueyang-2020", "年度预算表", "评分表"]
    sheet = load_workbook(tmp_path / "out" / "复核汇总.xlsx").worksheets[0]
    header = [c.value for c in sheet[1]]
    column = header.index("表样") + 1
    assert sorted(sheet.cell(r, column).value for r in range(2, 5)) == ["yueyang-2020", "年度预算表", "评分表"]


def test_template_whose_formulas_were_lost_is_computed_with_its_note(tmp_path):
    """Saved as .xls without the add-in and back, a PERF_* cell shows #N/A: computed, one note."""
    from workbook_builder.readers.tables import NOTE_LOST

    path = write_evaluation("yueyang-2020", tmp_path / "in" / "评分表.xlsx")
    wb = load_workbook(path)
    for ref, value in FILLED_YUEYANG.items():
        wb[E.SHEET][ref] = value
    for row in range(5, 27):   # (the rows with inputs: their scores lost)
        if any(wb[E.SHEET][f"{c}{row}"].value not in (None, "") for c in "KLN"):
            wb[E.SHEET][f"I{row}"] = "#N/A"
    wb.save(path)
    [report] = recalc([str(path)], tmp_path / "out", jobs=1).reports
    assert report.note == NOTE_LOST and report.computed_total == 81.42
    assert not [f for f in report.findings if "#N/A" in f.message]


@pytest.mark.skipif(libreoffice.SOFFICE is None, reason=libreoffice.MISSING)
@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_a_renamed_template_filled_without_the_addin_in_each_format(tmp_path, fmt):
    """The sheet renamed, one item left blank, the 总分 typed over its formula and the 评价等级
    left to it, saved by LibreOffice without the add-in as .xlsx, .ods and .xls: the same findings
    as the sheet never computed. The renamed sheet had given a #NAME? finding per score; the
    #NAME? grade had been read as the evaluator's (等级为“良”，填报为“#NAME?”); an .xls, which
    keeps a formula's "" as 0, had given 小计应为…，填报为0 and 得分0低于分值 on the blank item."""
    from workbook_builder.readers.tables import NOTE_NO_ADDIN, NOTE_NOT_COMPUTED

    path = write_evaluation("yueyang-2020", tmp_path / "in" / "评分表.xlsx")
    wb = load_workbook(path)
    for ref, value in FILLED_YUEYANG.items():
        if ref not in ("K17", "I31"):   # 项目实施 left blank; the grade left to its formula
            wb[E.SHEET][ref] = value
    wb[E.SHEET].title = "评分"
    wb.save(path)
    [saved] = libreoffice.convert([path], tmp_path / "saved", fmt)
    computed = recalc([str(path)], tmp_path / "out1", jobs=1)
    without = recalc([str(saved)], tmp_path / "out2", jobs=1)
    [one], [two] = computed.reports, without.reports
    assert (one.note, two.note) == (NOTE_NOT_COMPUTED, NOTE_NO_ADDIN) and two.sheet == "评分"
    assert sorted(_findings(computed)) == sorted(_findings(without)) == sorted([
        ("O7", "missing_reason"), ("I17", "score_missing"), ("I22", "score_above_weight"),
        ("O24", "missing_reason"), ("O26", "missing_reason")])


@pytest.mark.skipif(libreoffice.SOFFICE is None, reason=libreoffice.MISSING)
def test_a_grade_left_to_its_formula_under_a_typed_total_is_computed(tmp_path):
    """Filled without the add-in, the 总分 typed over its formula: the 评价等级 still shows #NAME?,
    which is the template's formula, not a grade the evaluator wrote (it had been 等级为“良”，
    填报为“#NAME?”). A judged score of 0 is the evaluator's, not a formula's blank."""
    path = write_evaluation("yueyang-2020", tmp_path / "in" / "评分表.xlsx")
    wb = load_workbook(path)
    for ref, value in {**FILLED_YUEYANG, "I30": 100, "I24": 0}.items():
        if ref != "I31":   # (its formula kept)
            wb[E.SHEET][ref] = value
    wb.save(path)
    [saved] = libreoffice.convert([path], tmp_path / "saved", "xlsx")
    assert load_workbook(saved, data_only=True)[E.SHEET]["I31"].value == "#NAME?"
    [report] = recalc([str(saved)], tmp_path / "out", jobs=1).reports
    assert {("I30", "total_mismatch"), ("O24", "missing_reason")} <= _findings_of(report)
    assert not {("I31", "grade_mismatch"), ("I24", "score_missing")} & _findings_of(report)
    assert (report.computed_total, report.grade) == (75.42, "中")


def _findings_of(report) -> set[tuple[str, str]]:
    return {(f.cell, f.kind) for f in report.findings}


def test_inputs_the_addin_refused_are_said_at_the_input(tmp_path):
    """In Excel the add-in refuses ①② on an item of exclusive tiers and the score shows #VALUE!:
    the finding is the engine's, at the 达成项 (as from a file saved where nothing was computed),
    not 自评得分“#VALUE!”是公式的错误值."""
    path = write_evaluation("yueyang-2020", tmp_path / "in" / "评分表.xlsx")
    wb = load_workbook(path)
    for ref, value in FILLED_YUEYANG.items():
        wb[E.SHEET][ref] = value
    wb[E.SHEET]["K11"], wb[E.SHEET]["I11"] = "①②", "#VALUE!"
    wb.save(path)
    [report] = recalc([str(path)], tmp_path / "out", jobs=1).reports
    assert ("K11", "input_not_allowed") in _findings_of(report)
    assert not [f for f in report.findings if "#VALUE!" in f.message]


def test_a_yearly_table_without_its_year_or_twice_the_same_is_said_not_guessed(tmp_path):
    """A year's table titled 0年… (the 项目名称 above holds 2020-2022年度) or a second 2020年 table:
    said at its title and left out (the first had been labelled 2022 from the name, a second 2020
    had overwritten the first's cells); tables in any order are read in the years' order."""
    import docx

    qh = samples.QINHUANGDAO
    odd = samples.write_qinhuangdao(tmp_path / "in" / "年份.xlsx", years=[qh[0], ("0", qh[1][1]), (2020, qh[2][1])])
    [report] = recalc([str(odd)], tmp_path / "out", jobs=1).reports
    said = {f.cell: f.message for f in report.findings if f.kind == "unreadable"}
    assert said == {"A10": "预算表上方的标题中没有年份（应写作“2020年…预算及支出情况”），这张表未计入多年度评价",
                    "A16": "2020年的预算表出现了不止一次，这张表未计入多年度评价"}
    assert ("C6", "budget_rows_sum") in {(f.cell, f.kind) for f in report.findings}   # (2020's own cell)
    backwards = samples.write_qinhuangdao(tmp_path / "in2" / "倒序.xlsx", years=list(reversed(qh)))
    gap = samples.write_qinhuangdao(tmp_path / "in3" / "缺年.xlsx", years=[qh[0], qh[2]])
    from workbook_builder.readers.multiyear import read_years
    from workbook_builder.readers.source import read_grids

    assert [y.year for y in read_years(read_grids(backwards), "倒序.xlsx")[0].years] == [2020, 2021, 2022]
    unit = samples.write_qinhuangdao(tmp_path / "in4" / "单位行.xlsx", unit_line=True)   # (单位：万元 between)
    [read] = read_years(read_grids(unit), "单位行.xlsx")
    assert [y.year for y in read.years] == [2020, 2021, 2022] and read.problems == []
    for path, span in ((backwards, "覆盖2020-2022年共3个年度"), (gap, "覆盖2020、2022年共2个年度")):
        out = tmp_path / f"{path.stem}.docx"
        assert main(["report", "write", str(path), "-o", str(out)]) == 0
        assert span in "\n".join(p.text for p in docx.Document(out).paragraphs)


def test_a_zero_typed_over_a_blank_items_formula_is_the_evaluators(tmp_path):
    """In an .xlsx a 0 typed over a score formula, its inputs left blank, is the evaluator's score
    (with its reason: no finding); only an .xls stands its formulas' "" as 0."""
    path = write_evaluation("yueyang-2020", tmp_path / "in" / "评分表.xlsx")
    wb = load_workbook(path)
    for ref, value in {**FILLED_YUEYANG, "K17": None, "I17": 0, "O17": "未实施"}.items():
        wb[E.SHEET][ref] = value
    wb.save(path)
    [report] = recalc([str(path)], tmp_path / "out", jobs=1).reports
    assert not [f for f in report.findings if f.cell.endswith("17")] and report.computed_total == 76.42


def test_a_template_sheet_copied_for_another_project_is_that_projects(tmp_path):
    """The evaluator copied the 评分表 sheet and typed another project's name above it: each sheet
    is reported under its own name (the copy had taken the template's, from its hidden sheet)."""
    path = write_evaluation("yueyang-2020", tmp_path / "in" / "评分表.xlsx", EvaluationHeader(project="甲项目"))
    wb = load_workbook(path)
    for ref, value in FILLED_YUEYANG.items():
        wb[E.SHEET][ref] = value
    copy = wb.copy_worksheet(wb[E.SHEET])
    copy.title, copy["C2"] = "乙", "乙项目"
    wb.save(path)
    reports = recalc([str(path)], tmp_path / "out", jobs=1).reports
    assert sorted((r.sheet, r.project) for r in reports) == [("乙", "乙项目"), (E.SHEET, "甲项目")]


@pytest.mark.skipif(libreoffice.SOFFICE is None, reason=libreoffice.MISSING)
def test_a_total_left_to_its_formula_saved_as_xls_without_the_addin(tmp_path):
    """The 总分 and 评价等级 left to their formulas, saved by LibreOffice as .xls without the add-in:
    the 总分's "" is kept as 0 (as the 小计's are), not the evaluator's 0 (it had given 总分应为…，
    填报为0 and 计算总分比填报总分高)."""
    from workbook_builder.readers.tables import NOTE_NO_ADDIN

    path = write_evaluation("yueyang-2020", tmp_path / "in" / "评分表.xlsx")
    wb = load_workbook(path)
    for ref, value in FILLED_YUEYANG.items():
        if ref not in ("I30", "I31"):
            wb[E.SHEET][ref] = value
    wb.save(path)
    [saved] = libreoffice.convert([path], tmp_path / "saved", "xls")
    [report] = recalc([str(saved)], tmp_path / "out", jobs=1).reports
    assert report.note == NOTE_NO_ADDIN and report.computed_total == 81.42 and report.reported_total is None
    assert not [f for f in _findings_of(report) if f[1] == "total_mismatch"]
