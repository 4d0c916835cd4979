"""Real published 自评表 of jurisdictions besides Chaoyang (tests/data/forms/real, each with its
source page), read and re-scored under mof-2020: every table read, its form recognised, and
exactly the findings a reviewer found by hand, each at its cell; a layout perfbook does not know
refused at its cell, and a checklist-scored 计分表 scored as an evaluation form."""

import pytest

from real_tables import load, real_files, workbook
from workbook_builder.readers.tables import read_tables
from workbook_builder.recalc.result import FileFailure
from workbook_builder.recalc.run import check_file, report_table

FILES = real_files()


def test_five_jurisdictions_besides_chaoyang():
    places = {load(p)["jurisdiction"].split("省")[0].split("市")[0] for p in FILES}
    assert len(places) >= 5 and len(FILES) >= 8
    assert all(load(p)["source"].startswith("http") for p in FILES)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_real_table_read_and_reviewed(path, tmp_path):
    """Each table as a user's file meets ``perfbook recalc``: a layout no form describes
    (``refused``) is refused with the reason at its cell; an evaluation form (``reader``:
    evaluation, e.g. a checklist-scored 计分表) is scored as one; a 自评表 is read in its form."""
    data = load(path)
    book = workbook(path, tmp_path / f"{path.stem}.xlsx")
    if "refused" in data or data.get("reader") == "evaluation":
        outcome = check_file(str(book), data.get("profile"), None, None, path.name)
        if "refused" in data:
            assert isinstance(outcome, FileFailure) and data["refused"] in outcome.message
            return
        [report] = outcome
        assert sorted((f.cell, f.kind) for f in report.findings) == sorted((e["cell"], e["kind"]) for e in data["expected"])
        return
    [read] = read_tables(book)
    assert read.form == data["form"]
    assert read.status == data["expected_status"]
    report, result = report_table(read, data.get("profile", "mof-2020"), path.name)
    assert report.form == data["form"] and report.status == data["expected_status"]
    found = sorted((f.cell, f.kind) for f in report.findings)
    assert found == sorted((e["cell"], e["kind"]) for e in data["expected"])
    if not data["truncated"] and not data["expected_status"]:
        assert result.total is not None   # a whole table is scored in full


def test_rows_that_only_look_odd_raise_nothing(tmp_path):
    """Placeholder rows (指标2, ……), an empty 经济效益指标 row, qualitative targets such as
    效果明显 with 达成预期指标, ≥100百分比 and ≤90万元: read, scored in full, no finding."""
    path = next(p for p in FILES if p.stem == "central_anhui_tangxi_1")
    [read] = read_tables(workbook(path, tmp_path / "t.xlsx"))
    report, result = report_table(read, "mof-2020", path.name)
    assert len(read.table.indicators) == 9   # the empty 经济效益指标 row is passed over
    assert all(d is not None and d.score == d.weight for d in result.indicators)
    assert {f.cell[:1] for f in report.findings} <= {"C", "D", "E", ""}   # funds block and total only
    langfang = next(p for p in FILES if p.stem == "central_hebei_langfang_1")
    [read] = read_tables(workbook(langfang, tmp_path / "l.xlsx"))
    assert [i.level3 for i in read.table.indicators][:2] == ["指标1工程资金金额", "指标1工程完工率"]


def test_rows_that_break_the_row_above_down_are_not_indicators(tmp_path):
    """萧县's 其中桃树种植面积 1.5亩 (no 分值, no 得分) details the weighted row above it: not read as
    an indicator (no 分值为空 finding), and the 分值 of the real rows are still added up."""
    path = next(p for p in FILES if p.stem == "anhui_xiaoxian_1")
    [read] = read_tables(workbook(path, tmp_path / "x.xlsx"))
    names = [i.level3 for i in read.table.indicators]
    assert not any(n.startswith("其中") for n in names) and len(names) == 7
    report, _ = report_table(read, "mof-2020", path.name)
    assert [(f.cell, f.kind) for f in report.findings] == [("", "weights_sum")]   # truncated: 90 of 100


def test_a_form_perfbook_does_not_know_is_refused_by_name(tmp_path):
    """A header with a column no form names (the Ningxia table with 参考分值 written 标准分) is
    refused with the columns it lacks, at its header cell, never scored half-read."""
    import json

    from workbook_builder.readers.tables import NoTable

    data = load(next(p for p in FILES if p.stem == "ningxia_yinchuan_1"))
    header = next(row for row in data["rows"] if row[0] == "一级指标")
    header[3] = "标准分"
    changed = tmp_path / "unknown.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(NoTable, match="A8 起的指标表头缺少“分值”列"):
        read_tables(workbook(changed, tmp_path / "n.xlsx"))


@pytest.mark.parametrize("total, grade, expected", [
    (96, "优", set()),
    (95, "良", {("I25", "total_mismatch"), ("J25", "grade_mismatch")}),
])
def test_a_total_below_other_matters_is_checked(tmp_path, total, grade, expected):
    """Yunnan's published 公开14表 puts 其他需要说明事项 above its 总分 row: the total and grade
    written there are read and checked (they had been left unread: a wrong total passed)."""
    import json

    source = next(p for p in FILES if p.stem == "yunnan14_yongde_1")
    data = load(source)
    assert data["rows"][23][0] == "其他需要说明事项" and data["rows"][24][0] == "总分"
    data["rows"][24][8:10] = [total, grade]   # I25, J25
    changed = tmp_path / "yongde.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    [read] = read_tables(workbook(changed, tmp_path / "yongde.xlsx"))
    assert (read.table.total_score, read.table.grade) == (total, grade)
    report, _ = report_table(read, "mof-2020", source.name)
    assert {(f.cell, f.kind) for f in report.findings if f.kind in ("total_mismatch", "grade_mismatch")} == expected


def test_amounts_written_in_wan_and_an_empty_department(tmp_path):
    """鄂州 writes its amounts 150万 under 项目资金（万元） (150 万元: the funds row is checked,
    not seven unreadable cells) and leaves 主管部门 empty beside the 实施单位 label (no department,
    not the label taken for one)."""
    path = next(p for p in FILES if p.stem == "hubei_ezhou_1")
    [read] = read_tables(workbook(path, tmp_path / "e.xlsx"))
    assert (read.table.funds.annual, read.table.funds.executed) == (150, 125.25)
    assert read.table.department == "" and read.table.implementer == ""
    assert read.table.project == "市民中心运行维护费"


def test_a_sentence_naming_the_columns_is_no_header(tmp_path):
    """A sheet of instructions that mentions 三级指标 in a sentence is not taken for a header
    lacking columns the sentence itself names: the sheets looked at are said."""
    from openpyxl import Workbook

    from workbook_builder.readers.tables import NoTable

    book = Workbook()
    book.active.title = "填表说明"
    book.active["A1"] = "填表说明：1. 请按三级指标逐项填写年度指标值和实际完成值，得分保留两位小数"
    book.save(tmp_path / "说明.xlsx")
    with pytest.raises(NoTable, match="工作表“填表说明”中未找到含“三级指标”"):
        read_tables(tmp_path / "说明.xlsx")


def test_a_two_row_header_printed_again_mid_table(tmp_path):
    """Yunnan's 公开14表 has a two-row indicator header (实际完成值 | 分值 | 得分 above, 一级 |
    二级 | 三级 | 指标性质 | 指标值 | 度量单位 below): printed again on the next page, both rows are
    passed over and the table reads and scores as before, nothing read from the header."""
    import json

    source = next(p for p in FILES if p.stem == "yunnan14_yongde_1")
    data = load(source)
    data["rows"][17:17] = [list(data["rows"][11]), list(data["rows"][12])]   # rows 12–13 again above row 18
    data["merges"] = []
    changed = tmp_path / "yongde.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    [read] = read_tables(workbook(changed, tmp_path / "yongde.xlsx"))
    [before] = read_tables(workbook(source, tmp_path / "before.xlsx"))
    assert [i.level3 for i in read.table.indicators] == [i.level3 for i in before.table.indicators]
    report, _ = report_table(read, "mof-2020", source.name)
    shifted = [(f"{c[0]}{int(c[1:]) + 2}" if int(c[1:]) >= 18 else c, k) for c, k in
               ((e["cell"], e["kind"]) for e in data["expected"])]
    assert sorted((f.cell, f.kind) for f in report.findings) == sorted(shifted)


def test_funds_points_in_the_label_of_a_block_without_a_score_column(tmp_path):
    """保山's 预算执行情况(万元)(20分) has 预算数 | 执行数 | 执行率 and no 得分 column: the block is
    worth the 20 points its label states (it had been read as worth none, and the 80 of the
    indicators said not to add up to 100), and its score is not asked for (there is no cell)."""
    import json

    source = next(p for p in FILES if p.stem == "yunnan_shidian_baozhong_1")
    data = load(source)
    scores = [8, 8, 8, 8, 8, 8, 8, 8, 6, 5, 5]
    for row, score in zip(data["rows"][9:20], scores):
        row[5], row[6] = row[4], score   # every target met, scored
    data["rows"][20][6] = 80
    changed = tmp_path / "filled.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    [read] = read_tables(workbook(changed, tmp_path / "filled.xlsx"))
    assert read.table.funds.weight == "20"
    report, result = report_table(read, "hubei-2020", source.name)
    assert report.findings == [] and result.total == 80   # 0 of 20 spent, 80 of 80
