"""PERF_* templates as units really send them back: filled where the add-in is not installed
(a PERF_* cell shows #NAME?, or, in .ods/.xls, nothing), some scores typed over the formulas,
rows inserted, the sheet renamed, or never filled in. Each gives the findings Excel with the
add-in would show, with one note instead of a finding per computed cell."""

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests import libreoffice
from tests.conftest import ROOT
from tests.office_formats import convert, convert_groups
from workbook_builder.cli import main
from workbook_builder.forms.layout import META_SHEET, Layout

sys.path.insert(0, str(ROOT / "samples"))
import make_submitted  # noqa: E402

TYPED = {   # the typed scores' real anomalies (tests/test_recalc.py ANOMALIES), by table number
    5: [("H6", "exec_score_mismatch")],
    12: [("G6", "exec_rate_mismatch"), ("H6", "exec_score_mismatch")],
    26: [("J14", "penalty_not_applied")],
}


def recalc(folder: Path, out: Path) -> dict:
    result = out.with_suffix(".json")
    assert main(["recalc", str(folder), "-o", str(out), "--json", str(result), "--jobs", "1", "--no-copies"]) in (0, 1)
    return json.loads(result.read_text(encoding="utf-8"))


def findings(table: dict) -> list[tuple[str, str]]:
    return sorted((f["cell"], f["kind"]) for f in table["findings"])


def _template(tables, folder: Path, n: int, typed_scores: bool) -> Path:
    make_submitted.make_templates(tables, folder / str(n), (n,), uncalculated=() if typed_scores else (n,))
    [path] = (folder / str(n)).glob("*.xlsx")
    return path


def _six_of_eight(path: Path) -> Path:
    """perfbook new --rows 8 with six rows filled and two left blank, all points and targets met."""
    assert main(["new", "-o", str(path), "--name", "培训项目", "--annual", "100", "--rows", "8"]) == 0
    book = load_workbook(path)
    sheet = book["自评表"]
    layout = Layout(8)
    rows = [("产出指标", "数量指标", "培训场次", "≥", "10", "场", "12", 30),
            ("产出指标", "质量指标", "验收合格率", "≥", "95", "%", "98%", 20),
            ("产出指标", "时效指标", "完成时间", "≤", "12", "月", "12", 10),
            ("成本指标", "经济成本指标", "支出金额", "≤", "100", "万元", "95", 10),
            ("效益指标", "社会效益指标", "服务质量", "定性", "优良中低差", "项", "优", 10),
            ("满意度指标", "服务对象满意度指标", "满意度", "≥", "90", "%", "95", 10)]
    fields = ("level1", "level2", "level3", "nature", "target", "unit", "actual", "weight")
    for index, values in enumerate(rows):
        for field, value in zip(fields, values):
            sheet[layout.indicator_cell(field, index)] = value
    sheet[layout.funds_cell("executed")] = 100
    book.save(path)
    return path


@pytest.fixture(scope="module")
def saved_by_libreoffice(tmp_path_factory, chaoyang_tables):
    """Templates 5, 12 and 26 filled in LibreOffice's way: every score typed by the unit, or
    only table 26's 10 over the formula that gives 7; saved as .xlsx, .ods and .xls."""
    if libreoffice.SOFFICE is None:
        pytest.skip(libreoffice.MISSING)
    root = tmp_path_factory.mktemp("lo")
    filled = []
    for n in TYPED:
        filled.append(_template(chaoyang_tables, root / "typed", n, typed_scores=True))
    one = _template(chaoyang_tables, root / "one", 26, typed_scores=False)
    book = load_workbook(one)
    book["自评表"][Layout(len(chaoyang_tables[25].indicators)).indicator_cell("score", 1)] = 10
    book.save(one)
    renamed = _template(chaoyang_tables, root / "renamed", 26, typed_scores=False)
    book = load_workbook(renamed)
    book["自评表"].title = "朝阳区政府网站"
    book.save(renamed)
    half = _template(chaoyang_tables, root / "half", 26, typed_scores=False)
    book = load_workbook(half)
    lay = Layout(len(chaoyang_tables[25].indicators))
    for ref in [lay.funds_cell("executed"), *(lay.indicator_cell("actual", n) for n in (3, 4, 5, 6))]:
        book["自评表"][ref] = None   # half filled in: no 全年执行数, four rows without 实际完成值
    book.save(half)
    cleared = _template(chaoyang_tables, root / "cleared", 26, typed_scores=False)
    book = load_workbook(cleared)
    book["自评表"][lay.indicator_cell("score", 3)] = None   # the unit pressed Delete on J16's formula
    book.save(cleared)
    alone = _template(chaoyang_tables, root / "alone", 26, typed_scores=False)
    book = load_workbook(alone)
    del book[META_SHEET]   # (the unit deleted the hidden sheet, or copied the table into a book of its own)
    book.save(alone)
    moved = _template(chaoyang_tables, root / "moved", 26, typed_scores=False)
    book = load_workbook(moved)
    total = book["自评表"][lay.total_score_cell]
    total.value = re.sub(r"SUM\(J13:", "SUM(J14:", total.value)   # (the first row cut and put above the table's)
    book.save(moved)
    copied = _template(chaoyang_tables, root / "copied", 26, typed_scores=False)
    book = load_workbook(copied)
    book.copy_worksheet(book["自评表"]).title = "自评表 (2)"   # filled there, 自评表 itself left blank
    for ref in [lay.funds_cell("executed"), *(lay.indicator_cell("actual", n) for n in range(lay.indicators))]:
        book["自评表"][ref] = None
    book.save(copied)
    kinds = (("typed", filled), ("one", [one]), ("renamed", [renamed]), ("half", [half]), ("cleared", [cleared]),
             ("alone", [alone]), ("moved", [moved]), ("copied", [copied]))
    (root / "blank").mkdir()
    kinds += (("blank", [_six_of_eight(root / "blank" / "八行.xlsx")]),)
    return {fmt: {kind: paths[0].parent for kind, paths in
                  convert_groups(dict(kinds), fmt, root / fmt, root / "profile").items()}
            for fmt in ("xlsx", "ods", "xls")}


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_a_half_filled_template_gives_the_same_findings_in_every_format(saved_by_libreoffice, fmt, tmp_path):
    """The formulas' "" (an .xls keeps it as 0 to calamine): no total of 0, no 未填写得分 of 0."""
    [want] = recalc(saved_by_libreoffice["xlsx"]["half"], tmp_path / "xlsx")["tables"]
    [got] = recalc(saved_by_libreoffice[fmt]["half"], tmp_path / fmt)["tables"]
    assert (findings(got), got["reported_total"], got["computed_total"]) == (
        findings(want), want["reported_total"], want["computed_total"])
    assert ("J20", "total_mismatch") not in findings(got) and len(findings(got)) >= 5


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_scores_typed_over_the_formulas_are_the_units(saved_by_libreoffice, fmt, chaoyang_tables, tmp_path):
    """A score the unit typed is checked like one typed in Excel: the typed tables keep their
    anomalies; in the other, the 10 typed where the rules give 7 is found, and the rows left to
    the formulas are computed (no 未填写得分), under one note."""
    data = recalc(saved_by_libreoffice[fmt]["typed"], tmp_path / "typed")
    got = {t["project"]: (findings(t), t["reported_total"]) for t in data["tables"]}
    assert got == {chaoyang_tables[n - 1].project: (sorted(f), chaoyang_tables[n - 1].total_score)
                   for n, f in TYPED.items()}
    [table] = recalc(saved_by_libreoffice[fmt]["one"], tmp_path / "one")["tables"]
    assert findings(table) == [("J14", "penalty_not_applied")] and table["reported_total"] is None
    assert table["note"].startswith("填报时未安装加载项") and table["computed_total"] == 94.0


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_a_score_formula_deleted_by_the_unit_is_a_missing_score(saved_by_libreoffice, fmt, tmp_path):
    """Filled without the add-in, one score's formula deleted: the cells showing #NAME? (LibreOffice
    keeps it in an .ods and an .xls too, as an error value calamine does not give) are computed, the
    empty one is the unit's 未填写得分, as in Excel, whose SUM leaves it out of the 总分: 10 short, a
    grade too low."""
    [table] = recalc(saved_by_libreoffice[fmt]["cleared"], tmp_path / "cleared")["tables"]
    assert findings(table) == [("J16", "score_missing"), ("J21", "grade_mismatch"), ("K14", "missing_reason")]
    assert table["note"].startswith("填报时未安装加载项（计分单元格显示 #NAME?）")


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_a_renamed_sheet_saved_without_the_addin(saved_by_libreoffice, fmt, tmp_path):
    """Read by its header (the layout's sheet is gone): its #NAME? cells, the 检查 column's too,
    are not findings, and the scores are computed."""
    [table] = recalc(saved_by_libreoffice[fmt]["renamed"], tmp_path / "out")["tables"]
    assert findings(table) == [("K14", "missing_reason")] and table["sheet"] == "朝阳区政府网站"
    assert table["note"].startswith("填报时未安装加载项") and table["computed_total"] == 94.0


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_a_template_sheet_without_its_hidden_sheet_saved_without_the_addin(saved_by_libreoffice, fmt, tmp_path):
    """Its formulas still call perfbook's functions: computed under one note, as the renamed sheet
    (each #NAME? had been a finding, with the real finding lost among them). An .xls keeps no
    perf_score: LibreOffice writes a function it does not know as the constant #N/A, showing #NAME?."""
    [table] = recalc(saved_by_libreoffice[fmt]["alone"], tmp_path / "out")["tables"]
    assert findings(table) == [("K14", "missing_reason")]
    assert table["note"].startswith("填报时未安装加载项") and table["computed_total"] == 94.0


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_a_row_left_out_of_the_templates_total_is_left_out_as_excel_would(saved_by_libreoffice, fmt, tmp_path):
    """A row moved to the edge of the indicator block, out of the 总分's SUM range, with the 总分 row
    where the layout puts it: the total Excel would show is short of that row's score, which is
    a finding as in Excel (it had been added in, as if the SUM still held it)."""
    [table] = recalc(saved_by_libreoffice[fmt]["moved"], tmp_path / "out")["tables"]
    assert ("J20", "total_mismatch") in findings(table) and table["note"].startswith("填报时未安装加载项")


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_a_table_filled_on_another_sheet_of_a_template_is_read(saved_by_libreoffice, fmt, tmp_path):
    """The unit filled a copy of 自评表 and left 自评表 itself blank: both are read, the copy
    computed under one note (the filled one had been passed over in silence, the file 未填写)."""
    tables = recalc(saved_by_libreoffice[fmt]["copied"], tmp_path / "out")["tables"]
    assert [(t["sheet"], t["status"]) for t in tables] == [("自评表", "未填写"), ("自评表 (2)", "")]
    assert findings(tables[1]) == [("K14", "missing_reason")] and tables[1]["computed_total"] == 94.0


def test_template_rows_left_blank_are_passed_over(tmp_path):
    """Six of eight rows filled, saved by a program that computes nothing: the two blank rows are
    placeholders, passed over, and the total is computed (they had been two findings 年度指标值和
    实际完成值都未填写 and no total); a template not filled at all is still read by its layout."""
    from workbook_builder.readers.tables import read_tables

    assert main(["new", "-o", str(tmp_path / "空.xlsx"), "--name", "培训项目", "--rows", "8"]) == 0
    assert [t.template for t in read_tables(tmp_path / "空.xlsx")] == [True]
    (tmp_path / "in").mkdir()
    _six_of_eight(tmp_path / "in" / "八行.xlsx")
    [table] = recalc(tmp_path / "in", tmp_path / "out")["tables"]
    assert table["computed_total"] == 100 and table["findings"] == [] and table["template"]
    book = load_workbook(tmp_path / "in" / "八行.xlsx")   # a row with only its name typed is no blank row
    book["自评表"][Layout(8).indicator_cell("level3", 6)] = "培训人数"
    book.save(tmp_path / "in" / "八行.xlsx")
    [table] = recalc(tmp_path / "in", tmp_path / "out2")["tables"]
    assert findings(table) == [("F19", "unreadable")]


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls"])
def test_template_rows_left_blank_without_the_addin(saved_by_libreoffice, fmt, tmp_path):
    """The same saved by LibreOffice without the add-in: an .xls shows the blank rows' formulas as 0
    (tafia/calamine#348), still no indicator rows."""
    [table] = recalc(saved_by_libreoffice[fmt]["blank"], tmp_path / "out")["tables"]
    assert table["computed_total"] == 100 and table["findings"] == [] and table["note"]


def test_the_note_is_said_on_the_terminal_and_in_the_copy_whose_values_print(saved_by_libreoffice, tmp_path, capsys):
    """The one note of a template filled without the add-in reaches the terminal and the copy's
    复核结果 sheet (not only the summary), and the copy's print area takes in the computed values
    (headed above the funds row and the indicator rows), so a printout shows more than #NAME?."""
    folder = saved_by_libreoffice["xlsx"]["one"]
    assert main(["recalc", str(folder), "-o", str(tmp_path / "out"), "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"\[自评表\] .*：说明：填报时未安装加载项（计分单元格显示 #NAME\?），计分由本工具计算", out)
    [copy] = (tmp_path / "out").glob("*_复核.xlsx")
    book = load_workbook(copy)
    rows = list(book["复核结果"].iter_rows(min_row=2, values_only=True))
    assert [r[4] for r in rows] == ["说明", "未按超额规则扣分"] and rows[0][5].startswith("填报时未安装加载项")
    sheet = book["自评表"]
    headers = [(c.column_letter, c.row) for row in sheet.iter_rows() for c in row if c.value == "复核计算值"]
    column = headers[0][0]   # above the funds row and above the first indicator row
    assert headers == [(column, 5), (column, 12)] and sheet[f"{column}6"].value == 10
    area = re.fullmatch(r"'?自评表'?!\$A\$1:\$([A-Z]+)\$\d+", sheet.print_area)
    assert area and area.group(1) >= column and len(area.group(1)) == len(column)


@pytest.mark.parametrize("points", [None, 105])
def test_rows_inserted_into_a_template_are_read_by_its_header(tmp_path, chaoyang_tables, points):
    """A unit inserted an indicator row of 5 points: the layout no longer fits, and the table is
    read by its header instead of at the template's fixed cells (which dropped a row). Its points
    are checked against 100, also where the 总分 row's SUM took the row in (105, as Excel and
    LibreOffice extend it): the template's SUM is not a total the unit declares."""
    path = _template(chaoyang_tables, tmp_path / "in", 26, typed_scores=True)
    book = load_workbook(path)
    ws = book["自评表"]
    ws.insert_rows(15)
    for col, value in zip("DEFGHIJ", ("指标2：新增指标", "≥", 1, "次", 1, 5, 5)):
        ws[f"{col}15"] = value
    if points:
        ws["I21"] = points
    book.save(path)
    [table] = recalc(path.parent, tmp_path / "out")["tables"]
    assert ("I21", "weights_sum") in findings(table) and ("J14", "penalty_not_applied") in findings(table)
    assert not table["template"]


def test_a_renamed_sheet_is_still_computed_as_the_addin_would(tmp_path, chaoyang_tables):
    path = _template(chaoyang_tables, tmp_path / "in", 26, typed_scores=False)
    book = load_workbook(path)
    book["自评表"].title = "朝阳区政府网站"
    book.save(path)
    [table] = recalc(path.parent, tmp_path / "out")["tables"]
    assert findings(table) == [("K14", "missing_reason")] and table["sheet"] == "朝阳区政府网站"
    assert table["note"].startswith("填报时未安装加载项") and table["computed_total"] == 94.0


def test_a_template_never_filled_in_is_one_status(tmp_path, chaoyang_tables):
    from workbook_builder.forms.batch import write_batch
    from workbook_builder.readers.project_list import read_project_list

    specs = read_project_list(ROOT / "samples" / "chaoyang-2024" / "project_list.xlsx", year=2024)
    write_batch(specs[25:26], tmp_path / "in", year=2024)
    (tmp_path / "in" / "00_索引.xlsx").unlink()
    [table] = recalc(tmp_path / "in", tmp_path / "out")["tables"]
    assert table["status"] == "未填写" and table["findings"] == []


def test_tables_never_filled_in_are_said_in_the_closing_line_and_their_copies(tmp_path, capsys, chaoyang_tables):
    """Counted in the closing line (其中 1 张尚未填写) and the JSON (not_filled); the copy's 复核结果
    says 未填写, not 无问题 with a total that cannot be computed."""
    from workbook_builder.forms.batch import write_batch
    from workbook_builder.readers.project_list import read_project_list
    from workbook_builder.recalc.result import NOT_FILLED

    specs = read_project_list(ROOT / "samples" / "chaoyang-2024" / "project_list.xlsx", year=2024)
    write_batch(specs[25:26], tmp_path / "in", year=2024)
    (tmp_path / "in" / "00_索引.xlsx").unlink()
    shutil.copy(ROOT / "samples" / "chaoyang-2024" / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx", tmp_path / "in")
    out = tmp_path / "out"
    assert main(["recalc", str(tmp_path / "in"), "-o", str(out), "--json", str(out / "r.json")]) in (0, 1)
    assert "2 张表（自评表、评分表或年度预算表，其中 1 张尚未填写）" in capsys.readouterr().out
    data = json.loads((out / "r.json").read_text(encoding="utf-8"))
    assert data["summary"]["not_filled"] == 1
    [blank] = [t for t in data["tables"] if t["status"]]
    row = [c.value for c in load_workbook(out / blank["annotated"])["复核结果"][2]]
    assert row[4:6] == ["未填写", NOT_FILLED]


@pytest.mark.parametrize("renamed", [False, True])
def test_an_unknown_rule_is_one_finding_not_a_value_error_per_cell(tmp_path, chaoyang_tables, renamed):
    """With a 规则 perfbook does not know, the add-in shows #VALUE! in every PERF_* cell: the
    unknown 规则 is the finding, and the scores are computed by the default rule (the sheet
    renamed: read by its header, the same)."""
    path = _template(chaoyang_tables, tmp_path / "in", 26, typed_scores=False)
    lay = Layout(len(chaoyang_tables[25].indicators))
    book = load_workbook(path)
    ws = book["自评表"]
    ws[lay.rule_cell] = "朝阳区2024"
    for n in range(len(chaoyang_tables[25].indicators)):
        ws[lay.indicator_cell("score", n)] = ws[lay.indicator_cell("check", n)] = "#VALUE!"   # error cells
    for ref in (lay.funds_cell("rate"), lay.funds_cell("score"), lay.total_score_cell, lay.grade_cell):
        ws[ref] = "#VALUE!"
    ws[lay.indicator_cell("actual", 2)] = "#VALUE!"   # the unit's own, in an input: a finding
    if renamed:
        ws.title = "朝阳区政府网站"
    book.save(path)
    [table] = recalc(path.parent, tmp_path / "out")["tables"]
    actual = lay.indicator_cell("actual", 2)
    assert findings(table) == sorted([(lay.rule_cell, "unreadable"), ("K14", "missing_reason"), (actual, "unreadable")])
    assert "计分规则无法识别" in table["note"]
    assert [f["message"][:23] for f in table["findings"] if f["cell"] == actual] == ["单元格中是 Excel 错误值 #VALUE!"]


def test_an_error_value_is_said_once_at_its_cell(tmp_path):
    """#DIV/0! where 实际完成值 belongs: the error value is the finding, not also 实际完成值为空."""
    book = load_workbook(ROOT / "samples" / "chaoyang-2024" / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx")
    book["自评表"]["H15"] = "#DIV/0!"   # an error cell
    (tmp_path / "in").mkdir()
    book.save(tmp_path / "in" / "26.xlsx")
    [table] = recalc(tmp_path / "in", tmp_path / "out")["tables"]
    at = [f for f in table["findings"] if f["cell"] == "H15"]
    assert len(at) == 1 and "#DIV/0!" in at[0]["message"]


def _shown_in_perf_cells(path: Path, indicators: int, error: str, own: dict[str, str] | None = None) -> Layout:
    """Every PERF_* cell of the template at ``path`` showing ``error`` (as saved where the add-in
    is missing), and ``own`` cells set as given (the unit's own); returns the layout."""
    lay = Layout(indicators)
    book = load_workbook(path)
    ws = book["自评表"]
    for n in range(indicators):
        ws[lay.indicator_cell("score", n)] = ws[lay.indicator_cell("check", n)] = error
    for ref in (lay.funds_cell("rate"), lay.funds_cell("score"), lay.total_score_cell, lay.grade_cell):
        ws[ref] = error
    for ref, value in (own or {}).items():
        ws[ref] = value
    book.save(path)
    return lay


def test_formulas_lost_to_an_xls_export_are_computed_under_one_note(tmp_path, chaoyang_tables):
    """LibreOffice's .xls export writes NA() for PERF_* functions: saved as .xls and then as .xlsx
    again, every computed cell shows #N/A. Those cells are computed, under one note; no #N/A
    finding per cell (K14, the table's one real finding, stays)."""
    path = _template(chaoyang_tables, tmp_path / "in", 26, typed_scores=False)
    _shown_in_perf_cells(path, len(chaoyang_tables[25].indicators), "#N/A")
    [table] = recalc(path.parent, tmp_path / "out")["tables"]
    assert findings(table) == [("K14", "missing_reason")]
    assert table["note"].startswith("计分公式已丢失") and table["computed_total"] == 94.0


def test_an_xls_round_trip_through_libreoffice_keeps_the_findings(tmp_path, chaoyang_tables):
    """The same, made by LibreOffice itself: filled without the add-in, saved as .xls, opened and
    saved as .xlsx."""
    if libreoffice.SOFFICE is None:
        pytest.skip(libreoffice.MISSING)
    path = _template(chaoyang_tables, tmp_path / "in", 26, typed_scores=False)
    [xls] = convert([path], "xls", tmp_path / "xls", tmp_path / "profile")
    [again] = convert([xls], "xlsx", tmp_path / "again", tmp_path / "profile")
    [table] = recalc(again.parent, tmp_path / "out")["tables"]
    assert findings(table) == [("K14", "missing_reason")] and table["computed_total"] == 94.0
    assert table["note"].startswith("计分公式已丢失")


def test_an_ods_saved_again_as_xlsx_keeps_the_findings(tmp_path, chaoyang_tables):
    """Filled in LibreOffice without the add-in, saved as .ods, opened and saved as .xlsx:
    LibreOffice caches 0 in the funds score (its formula still calls perf_exec_score) and #NAME?
    elsewhere. That 0 is not the unit's: computed like the rest, no 填报为0 and no grade
    finding from a total without it."""
    if libreoffice.SOFFICE is None:
        pytest.skip(libreoffice.MISSING)
    path = _template(chaoyang_tables, tmp_path / "in", 26, typed_scores=False)
    [ods] = convert([path], "ods", tmp_path / "ods", tmp_path / "profile")
    [again] = convert([ods], "xlsx", tmp_path / "again", tmp_path / "profile")
    funds_score = Layout(len(chaoyang_tables[25].indicators)).funds_cell("score")
    assert load_workbook(again, data_only=True)["自评表"][funds_score].value == 0   # what LibreOffice caches
    [table] = recalc(again.parent, tmp_path / "out")["tables"]
    assert findings(table) == [("K14", "missing_reason")] and table["computed_total"] == 94.0
    assert table["note"].startswith("填报时未安装加载项")


def test_a_renamed_template_saved_as_ods_and_again_as_xlsx(tmp_path, chaoyang_tables):
    """The same with the sheet renamed, so that the template is read in the standard layout:
    the 0 cached in the funds score is computed too."""
    if libreoffice.SOFFICE is None:
        pytest.skip(libreoffice.MISSING)
    path = _template(chaoyang_tables, tmp_path / "in", 26, typed_scores=False)
    book = load_workbook(path)
    book["自评表"].title = "朝阳区政府网站"
    book.save(path)
    [ods] = convert([path], "ods", tmp_path / "ods", tmp_path / "profile")
    [again] = convert([ods], "xlsx", tmp_path / "again", tmp_path / "profile")
    [table] = recalc(again.parent, tmp_path / "out")["tables"]
    assert table["sheet"] == "朝阳区政府网站" and table["computed_total"] == 94.0
    assert findings(table) == [("K14", "missing_reason")] and table["note"].startswith("填报时未安装加载项")


def test_only_cells_still_calling_perf_functions_are_the_office_suites(tmp_path):
    """Where #NAME? shows the add-in was missing, the cells whose formula still calls a PERF_*
    function (as Excel or LibreOffice saves it) are known, whatever they hold; a number typed,
    or a formula of the unit's own (SUM, or a name that only ends in PERF_), is not one."""
    import xlsxwriter

    from workbook_builder.readers.source import read_grids

    path = tmp_path / "f.xlsx"
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("自评表")
    ws.write_formula("A1", "=PERF_SCORE(1,2)", None, "#NAME?")
    ws.write_formula("B2", "=perf_exec_score(1,2,3,\"x\")", None, 0)
    ws.write_formula("C3", '=IF(A1="","",_xludf.PERF_GRADE(90,"x"))', None, "良")
    ws.write_formula("D4", "=SUM(1,2)", None, 3)
    ws.write_formula("E5", "=XPERF_SCORE(1)", None, 1)
    ws.write_number("F6", 0)
    ws.write_formula("G7", '=IF(F6="","",Perf_Score (F6))', None, 5)
    excel = book.add_worksheet("Excel")   # as Excel writes them: upper case only
    excel.write_formula("A1", "=PERF_GRADE(90)", None, "#NAME?")
    excel.write_formula("B1", "=PERF_EXEC_SCORE(1,2,3)", None, 0)
    book.close()
    grid, upper = read_grids(path)
    assert grid.own_formulas == {(1, 1), (2, 2), (6, 6)} and upper.own_formulas == {(0, 1)}
    assert grid.value(0, 0) == "#NAME?" and grid.value(1, 1) == 0


def test_an_error_of_the_units_own_formula_is_still_a_finding(tmp_path, chaoyang_tables):
    """Filled without the add-in (#NAME? in the PERF_* cells), with the unit's own formula in one
    score cell that gives #VALUE!: that error is the unit's, and a finding at its cell."""
    path = _template(chaoyang_tables, tmp_path / "in", 26, typed_scores=False)
    own = Layout(len(chaoyang_tables[25].indicators)).indicator_cell("score", 2)
    _shown_in_perf_cells(path, len(chaoyang_tables[25].indicators), "#NAME?", {own: "#VALUE!"})
    [table] = recalc(path.parent, tmp_path / "out")["tables"]
    assert findings(table) == sorted([("K14", "missing_reason"), (own, "unreadable")])
    assert table["note"].startswith("填报时未安装加载项")


def test_one_score_cleared_in_a_computed_template_is_the_units(tmp_path, chaoyang_tables):
    """A template saved with its values (in Excel with the add-in) where the unit cleared one
    score: that score is missing, as in a table filled by hand; the others are not computed
    anew, and no note says the formulas were not computed."""
    path = _template(chaoyang_tables, tmp_path / "in", 26, typed_scores=True)
    cleared = Layout(len(chaoyang_tables[25].indicators)).indicator_cell("score", 2)
    book = load_workbook(path)
    book["自评表"][cleared] = None
    book.save(path)
    [table] = recalc(path.parent, tmp_path / "out")["tables"]
    assert (cleared, "score_missing") in findings(table) and not table["note"]


def test_formulas_saved_without_their_results_are_said_not_read_as_blank(tmp_path):
    """A table written by a program (openpyxl, POI, an export system) keeps formulas without
    their results; Excel would show the results, perfbook reads nothing. Each such cell is one
    finding that says so (not 未填写得分, 全年执行数为空, or a total silently left unchecked),
    also for a shared formula's cells; a formula saved with its result is read as usual."""
    import zipfile

    source = ROOT / "samples" / "chaoyang-2024" / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx"
    (tmp_path / "in").mkdir()
    book = load_workbook(source)
    ws = book["自评表"]
    ws["J20"], ws["J13"], ws["E6"] = "=SUM(J13:J18)", "=I13*0.7", "=D6"
    book.save(tmp_path / "in" / "program.xlsx")
    ws["H16"] = "#DIV/0!"   # an error value too: the sheet is read tag by tag, not by the fast path
    book.save(tmp_path / "in" / "with_error.xlsx")
    with zipfile.ZipFile(tmp_path / "in" / "program.xlsx") as src, \
            zipfile.ZipFile(tmp_path / "in" / "shared.xlsx", "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():   # J13 a shared formula's first cell (with its result), J15 one of its cells
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<f>I13*0.7</f><v></v>', b'<f t="shared" ref="J13:J15" si="0">I13*0.7</f><v>7</v>')
                data = data.replace(b'<f>D6</f><v></v>', b"<v>696.02</v>").replace(b'<f>SUM(J13:J18)</f><v></v>',
                                                                                     b"<v>94</v>")
                start = data.index(b'<c r="J15"')
                data = data[:start] + re.sub(rb'<c r="J15"([^>]*)>.*?</c>', rb'<c r="J15"\1><f t="shared" si="0"/></c>',
                                             data[start:], count=1)
            out.writestr(info, data)
    text_result = rb'<c r="J20"\1 t="str"><f>IF(1,"","")</f><v></v></c>'   # a formula whose result is ""
    for name in ("program", "with_error"):
        with zipfile.ZipFile(tmp_path / "in" / f"{name}.xlsx") as src, \
                zipfile.ZipFile(tmp_path / "in" / f"{name}_text.xlsx", "w", zipfile.ZIP_DEFLATED) as out:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == "xl/worksheets/sheet1.xml":
                    data = re.sub(rb'<c r="J20"([^>]*)><f>SUM\(J13:J18\)</f><v></v></c>', text_result, data)
                    assert b't="str"' in data
                out.writestr(info, data)
    tables = {t["file"]: t for t in recalc(tmp_path / "in", tmp_path / "out")["tables"]}
    said = "单元格是公式，文件中没有保存它的计算结果"
    for name in ("program", "with_error"):   # an empty text result is a result (plain and tag-by-tag)
        assert sorted(f["cell"] for f in tables[f"in/{name}_text.xlsx"]["findings"]
                      if f["message"].startswith(said)) == ["E6", "J13"]
    program = tables["in/program.xlsx"]
    assert sorted(f["cell"] for f in program["findings"] if f["message"].startswith(said)) == ["E6", "J13", "J20"]
    assert not [f for f in program["findings"] if f["cell"] in ("E6", "J13", "J20") and not f["message"].startswith(said)]
    with_error = tables["in/with_error.xlsx"]
    assert sorted(f["cell"] for f in with_error["findings"] if f["message"].startswith(said)) == ["E6", "J13", "J20"]
    assert [f["cell"] for f in with_error["findings"] if "#DIV/0!" in f["message"]] == ["H16"]
    shared = tables["in/shared.xlsx"]
    assert [f["cell"] for f in shared["findings"] if f["message"].startswith(said)] == ["J15"]


@pytest.mark.parametrize("quote", ['"', "'"])
def test_an_error_value_on_a_sheet_with_an_escaped_name_is_found_at_its_cell(tmp_path, quote):
    """The sheets' names come from workbook.xml as written (&amp;, either quote): the error value
    is put back on its own sheet, not lost (read as an empty 实际完成值)."""
    import zipfile

    book = load_workbook(ROOT / "samples" / "chaoyang-2024" / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx")
    book["自评表"]["H15"] = "#DIV/0!"
    book["自评表"].title = "自评表&\"甲\"" if quote == "'" else "自评表&'甲'"
    book.save(tmp_path / "made.xlsx")
    (tmp_path / "in").mkdir()
    with zipfile.ZipFile(tmp_path / "made.xlsx") as src, zipfile.ZipFile(tmp_path / "in" / "26.xlsx", "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml" and quote == "'":
                data = re.sub(rb'name="([^"]*)"', lambda m: b"name='" + m.group(1) + b"'", data)
            out.writestr(info, data)
    [table] = recalc(tmp_path / "in", tmp_path / "out")["tables"]
    at = [f for f in table["findings"] if f["cell"] == "H15"]
    assert len(at) == 1 and "#DIV/0!" in at[0]["message"]


@pytest.mark.parametrize("written, unit", [(["1,411,160元", "141.116万元", "1411160 元"], "万元"),
                                           (["141.116万元", "1411160", "1,411,160元"], "元"),
                                           (["141.116万", "0.0141116亿", "1411.16千元"], "万元")])
def test_amounts_written_with_their_unit_are_read_in_the_tables_unit(tmp_path, written, unit):
    """年初预算数, 全年预算数 and 全年执行数 typed as text with 元 or 万元 (as a Word table or a
    cell typed as text holds them) are read in the table's money unit: 1,411,160元 in a 万元
    table is 141.116 (it was 不是数值 in a workbook, and 1,411,160 万元 in a Word table)."""
    book = load_workbook(ROOT / "samples" / "chaoyang-2024" / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx")
    ws = book["自评表"]
    ws["A5"] = f"项目资金 ({unit})"
    for ref, text in zip(("C6", "D6", "E6"), written):
        ws[ref] = text
    (tmp_path / "in").mkdir()
    book.save(tmp_path / "in" / "26.xlsx")
    [table] = recalc(tmp_path / "in", tmp_path / "out")["tables"]
    assert findings(table) == [("J14", "penalty_not_applied")] and table["computed_total"] == 94.0
    assert table["amount"] == 141.116   # the summary shows 万元


def test_an_amount_with_its_unit_in_a_template_is_read_in_the_forms_unit(tmp_path, chaoyang_tables):
    path = _template(chaoyang_tables, tmp_path / "in", 26, typed_scores=True)
    lay = Layout(len(chaoyang_tables[25].indicators))
    book = load_workbook(path)
    book["自评表"][lay.funds_cell("executed")] = "1,411,160元"   # the form's unit is 万元
    book.save(path)
    [table] = recalc(path.parent, tmp_path / "out")["tables"]
    assert findings(table) == TYPED[26]


@pytest.mark.parametrize("computed_by", ["addin", "perfbook"])
def test_a_rate_over_200_percent_computed_by_the_addin_is_read_as_shown(chaoyang_tables, tmp_path, computed_by):
    """PERF_EXEC_RATE gives a fraction, shown as a percentage: 3 is 300% (a 执行数 three times the
    budget), not 3% (a bare number over 2 elsewhere is a percentage written without its sign); so
    is the rate perfbook computes for a template filled without the add-in."""
    path = _template(chaoyang_tables, tmp_path / "in", 26, typed_scores=computed_by == "addin")
    lay = Layout(len(chaoyang_tables[25].indicators))
    book = load_workbook(path)
    sheet = book["自评表"]
    sheet[lay.funds_cell("executed")] = sheet[lay.funds_cell("annual")].value * 3
    if computed_by == "addin":
        sheet[lay.funds_cell("rate")] = 3.0
    book.save(path)
    [table] = recalc(path.parent, tmp_path / "out")["tables"]
    assert lay.funds_cell("rate") not in {cell for cell, _ in findings(table)}


def test_a_total_computed_as_the_template_adds_numbers_only(chaoyang_tables):
    """The template's 总分 is SUM(score column) + the funds score: a score typed as text over its
    formula (10分) counts nothing there, as in Excel, so a template filled without the add-in gets
    the 总分 Excel would have shown (10 short) and the same total_mismatch finding."""
    from copy import deepcopy

    from addin.engine.table import as_computed, evaluate_table

    def computed_with(*scores):
        table = deepcopy(chaoyang_tables[25])
        rows = [i for i in table.indicators if float(i.score) == 10][:len(scores)]
        for row, score in zip(rows, scores):
            row.score = score
        result = evaluate_table(table, "beijing-chaoyang-2024", scores_reported=False)
        numbers = [float(i.score) for i in table.indicators if i not in rows] + [float(table.funds.score)]
        return as_computed(table, result, {("total", "score")}), sum(numbers)

    computed, numbers = computed_with("10分", True)   # (a TRUE in a range: left out by SUM too)
    assert float(computed.total_score) == pytest.approx(numbers)
    computed, numbers = computed_with("10分")
    assert float(computed.total_score) == pytest.approx(numbers)
    assert "total_mismatch" in {f.finding.kind for f in evaluate_table(computed, "beijing-chaoyang-2024").findings}


def test_a_total_computed_as_the_template_adds_the_funds_score_as_excel_does(chaoyang_tables):
    """``+`` the funds score: a number written as text counts, any other text is #VALUE! (no
    total), as is a score beyond what is computed (an ID pasted over a score formula had stopped
    the whole file with an unexpected error)."""
    from copy import deepcopy

    from addin.engine.table import as_computed, evaluate_table

    def total(funds_score, row_score=None):
        table = deepcopy(chaoyang_tables[25])
        table.funds.score = funds_score
        if row_score is not None:
            table.indicators[0].score = row_score
        result = evaluate_table(table, "beijing-chaoyang-2024", scores_reported=False)
        return as_computed(table, result, {("total", "score")}).total_score

    assert total("10") == total(10.0) and total(10.0) > 10
    assert total("10分") is None and total(10.0, row_score=1e16) is None


SAVED_BY_LIBREOFFICE = ROOT / "tests" / "data" / "libreoffice"   # (see its README.md)


@pytest.mark.parametrize("name, expected", [
    ("beijing-chaoyang-2024_row_appended.xlsx", [("I21", "weights_sum"), ("J21", "total_mismatch"), ("K14", "missing_reason")]),
    ("beijing-chaoyang-2024_row_appended.ods", [("I21", "weights_sum"), ("J21", "total_mismatch"), ("K14", "missing_reason")]),
    ("beijing-chaoyang-2024_row_appended.xls", [("I21", "weights_sum"), ("J21", "total_mismatch"), ("K14", "missing_reason")]),
    ("ningxia-2021_row_appended.xlsx", [("H18", "total_mismatch"), ("I11", "over_target")]),
])
def test_a_row_inserted_below_the_sum_is_left_out_of_the_total_as_excel_leaves_it(tmp_path, name, expected):
    """A row copied in directly above 总分 of a template filled without the add-in: the total is
    computed as the template's SUM shows it, short of that row, as in Excel (the file saved there
    gives 总分 94 against rows worth 104). The SUM's range is read from the 总分 cell's formula,
    kept with its #NAME?, in each format (an .xls's as its parsed tokens)."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAVED_BY_LIBREOFFICE / name, folder / name)
    [table] = recalc(folder, tmp_path / "out")["tables"]
    assert findings(table) == expected and table["note"].startswith("填报时未安装加载项")
    total = next(f for f in table["findings"] if f["kind"] == "total_mismatch")
    assert total["message"].startswith("总分填报为") and "但各项得分合计为" in total["message"]


@pytest.mark.parametrize("formula, outside", [
    ('IF(OR(H6="",COUNTA(E13:E19)>COUNTA(H13:H19)),"",SUM(J13:J19)+H6)', {8}),
    ('of:=IF(OR([.H6]="";COUNTA([.E13:.E19])>COUNTA([.H13:.H19]));"";SUM([.J13:.J19])+[.H6])', {8}),   # LibreOffice's
    ("SUM($J$13:$J$19)+H6", {8}), ("sum(J19:J13)", {8}), ("SUM(J13:J20)+H6", set()),
    ("SUM(I13:I19)", set()), ("SUM(J13:K19)", set()), ("SUM(J13,J14)", set()), ("", set())])
def test_the_rows_a_templates_total_leaves_out(formula, outside):
    """Read from the 总分 cell's formula: the rows whose score cell is outside its SUM's one range
    of the score column; none for any other formula (another column, two columns, a list)."""
    from workbook_builder.readers.container import Grid
    from workbook_builder.readers.tables import _outside_total

    scores = {n: f"J{12 + n}" for n in range(1, 9)}   # J13 … J20
    grid = Grid("自评表", [[None]], 0, 0, formulas={(20, 9): formula} if formula else {})   # J21
    assert _outside_total(grid, "J21", scores) == outside



def test_a_table_pasted_into_a_template_is_checked_as_its_own(tmp_path, chaoyang_tables):
    """A sheet of another table (no perfbook formulas) beside a filled template: read as it is,
    its 总分 row's 分值 a total the unit declares (95 where the rows add up to 100: said), not
    taken for the template's SUM."""
    path = _template(chaoyang_tables, tmp_path / "pasted", 26, typed_scores=True)
    source = load_workbook(ROOT / "samples/chaoyang-2024/submitted" /
                           "26_朝阳区政府网站功能和监测服务项目.xlsx")["自评表"]
    book = load_workbook(path)
    sheet = book.create_sheet("另一张表")
    for row in source.iter_rows():
        for cell in row:
            if cell.value is not None:
                sheet.cell(cell.row, cell.column, cell.value)
    total = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "总分")
    sheet.cell(total, 9).value = 95
    book.save(path)
    tables = recalc(path.parent, tmp_path / "out")["tables"]
    assert [t["sheet"] for t in tables] == ["自评表", "另一张表"]
    assert (f"I{total}", "weights_sum") in findings(tables[1])


@pytest.mark.skipif(libreoffice.SOFFICE is None, reason=libreoffice.MISSING)
def test_a_units_own_unknown_function_in_an_xls_stays_its_finding(tmp_path):
    """A unit's own 自评表 (no 检查 column) with a function LibreOffice does not know in a score
    cell, saved as .xls (written as the constant #N/A, showing #NAME?): that error is the unit's,
    a finding at its cell, not a template computed under 未安装加载项."""
    source = ROOT / "samples" / "chaoyang-2024" / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx"
    book = load_workbook(source)
    book["自评表"]["J13"] = "=MYSCORE(10)"
    book.save(tmp_path / "26.xlsx")
    [xls] = convert([tmp_path / "26.xlsx"], "xls", tmp_path / "in", tmp_path / "profile")
    [table] = recalc(xls.parent, tmp_path / "out")["tables"]
    assert ("J13", "unreadable") in findings(table) and not table["note"]


def test_formula_cells_left_among_typed_scores_are_computed_not_missing(tmp_path, chaoyang_tables):
    """Scores typed over their formulas, the funds score and the total left as formulas, saved by
    a program that computes nothing (openpyxl): those cells were never computed, not cleared by
    the unit; computed here under the note (the funds score had been 未填写得分)."""
    path = _template(chaoyang_tables, tmp_path / "in", 26, typed_scores=True)
    lay = Layout(len(chaoyang_tables[25].indicators))
    book = load_workbook(path)
    sheet = book["自评表"]
    sheet[lay.funds_cell("score")] = "=PERF_EXEC_SCORE(D6,E6,F6,规则)"
    sheet[lay.total_score_cell] = f"=SUM(J13:J18)+{lay.funds_cell('score')}"
    book.save(path)
    [table] = recalc(path.parent, tmp_path / "out")["tables"]
    assert findings(table) == [("J14", "penalty_not_applied")]
    assert table["note"].startswith("填报时未安装加载项或未计算公式") and table["computed_total"] == 94.0


def test_a_portable_template_never_computed_is_not_said_to_miss_the_add_in(tmp_path, chaoyang_tables):
    from workbook_builder.forms.batch import write_batch
    from workbook_builder.readers.project_list import read_project_list

    specs = read_project_list(ROOT / "samples" / "chaoyang-2024" / "project_list.xlsx", year=2024)
    [written] = write_batch([specs[25]], tmp_path / "in", year=2024, portable=True).written
    (tmp_path / "in" / "00_索引.xlsx").unlink()
    make_submitted.fill_template(written.path, chaoyang_tables[25], typed_scores=False)
    [table] = recalc(tmp_path / "in", tmp_path / "out")["tables"]
    assert table["note"] == "填报后未计算公式（计分单元格没有计算结果），计分由本工具计算"
