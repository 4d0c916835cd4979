"""Reading rules every form shares, each tried on a real table changed the way other published
tables differ: the sub-header below the 三级指标 row, a grade on the total row, 其他需要说明事项
after the indicators, a form without the column a finding would ask for."""

import json
from decimal import Decimal

from real_tables import REAL, load, workbook
from workbook_builder.readers.tables import read_tables
from workbook_builder.recalc.run import report_table


def _variant(stem: str, tmp_path, change) -> object:
    data = load(REAL / f"{stem}.json")
    change(data["rows"])
    data["merges"] = []
    path = tmp_path / f"{stem}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    [read] = read_tables(workbook(path, tmp_path / f"{stem}.xlsx"))
    return read


def test_sub_header_below_the_level_row(tmp_path):
    """一级 | 二级 | 三级 | 年度指标值 | … in the first row, 指标性质 | 指标值 | 度量单位 below it."""
    def swap(rows):
        upper, lower = rows[10], rows[11]
        rows[10] = lower[:3] + ["年度指标值", None, None] + upper[6:]
        rows[11] = [None, None, None] + lower[3:6] + [None] * (len(lower) - 6)

    read = _variant("yunnan14_lijiang_gucheng_1", tmp_path, swap)
    assert {k: read.columns[k] for k in ("level3", "nature", "target", "unit", "actual")} == {
        "level3": 2, "nature": 3, "target": 4, "unit": 5, "actual": 6}
    assert len(read.table.indicators) == 5 and read.table.indicators[0].nature == "﹦"


def test_a_grade_on_the_total_row_is_checked(tmp_path):
    def total(rows):
        rows[-1][8] = 10
        rows.append(["总分", None, None, None, None, None, None, 100, 96, "良"])

    read = _variant("yunnan14_lijiang_gucheng_1", tmp_path, total)
    assert (read.table.total_score, read.table.grade, read.cell(("grade", "grade"))) == (96, "良", "J18")
    report, _ = report_table(read, "mof-2020", "t.xlsx")
    assert ("J18", "grade_mismatch") in {(f.cell, f.kind) for f in report.findings}   # 100 → 优


def test_reading_stops_at_what_follows_the_indicators(tmp_path):
    def notes(rows):
        del rows[-1]   # no 总分 row
        rows.append([None, "其他需要说明事项", None, None, "无", "本项目已完成", None, None, None, None])

    read = _variant("central_shanghai_putuo_1", tmp_path, notes)
    assert [i.level3 for i in read.table.indicators][-1] == "场馆开放满意度"


def test_level1_weights_in_the_label_and_amounts_in_yuan(tmp_path):
    [read] = read_tables(workbook(REAL / "central_anhui_tangxi_1.json", tmp_path / "a.xlsx"))
    assert read.table.indicators[0].level1 == "产出指标"   # 产出指标(50分)
    [read] = read_tables(workbook(REAL / "central_shanghai_putuo_1.json", tmp_path / "s.xlsx"))
    report, _ = report_table(read, None, "s.xlsx")
    assert report.amount == 25.0   # 250000 元 in the summary's 万元


def test_no_finding_asks_for_a_column_the_form_lacks(tmp_path):
    """Under sichuan-2023 an 执行率 below 90% needs a 原因; the central form's funds block has
    no 原因 column, so 廊坊's 86.2% is not reported for it."""
    [read] = read_tables(workbook(REAL / "central_hebei_langfang_1.json", tmp_path / "l.xlsx"))
    report, result = report_table(read, "sichuan-2023", "l.xlsx")
    assert "funds_reason_missing" in {f.finding.kind for f in result.findings}
    assert "funds_reason_missing" not in {f.kind for f in report.findings}


def test_a_report_of_a_table_in_yuan_states_wan_yuan(tmp_path):
    from docx import Document

    from workbook_builder.cli import main

    book = workbook(REAL / "central_shanghai_putuo_1.json", tmp_path / "s.xlsx")
    assert main(["report", "write", str(book), "-o", str(tmp_path / "r.docx")]) in (0, 1)
    text = "\n".join(p.text for p in Document(tmp_path / "r.docx").paragraphs)
    assert "全年预算数25.00万元，全年执行数21.54576万元" in text


def test_labels_of_rows_passed_over_go_to_the_next_row_read_only():
    """A label row's 一级 drops the 二级 of the rows above it (that was the other 一级's); the
    labels fill the blank cells of the next row read, and of no row after it."""
    from workbook_builder.readers.tables import PassedLabels

    passed = PassedLabels()
    passed.keep("产出指标", "数量指标")
    passed.keep("效益指标", "")
    assert passed.given("", "") == ("效益指标", "")
    assert passed.given("", "") == ("", "")
    passed.keep("", "社会效益指标")
    assert passed.given("项目效益", "") == ("项目效益", "社会效益指标")


def test_a_label_no_form_uses_names_a_column_only_where_no_form_label_does():
    """指标内容 is the 三级指标 of a header without one (坝塘's 绩效目标表), never in place of a
    form's own label beside it (三级指标名称 … 指标内容: the names stay in 三级指标名称)."""
    from workbook_builder.readers.tables import _fields

    assert dict(_fields(("一级指标", "二级指标", "三级指标名称", "指标内容", "年度指标值"), "indicators"))["level3"] == 2
    assert dict(_fields(("一级指标", "二级指标", "指标内容", "指标值"), "indicators"))["level3"] == 2


def test_a_header_naming_scores_in_other_words_is_not_called_unscored(tmp_path):
    """指标分值 | 自评得分 (words no form uses for 分值 and 得分): the table does score, so it is
    refused as missing those columns, not as a table that scores nothing."""
    import openpyxl
    import pytest

    from workbook_builder.readers.tables import NoTable, read_tables

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "自评表"
    for row in (["项目支出绩效自评表"], ["项目名称", "甲"],
                ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
                ["年度资金总额", 10, 10, 10, 10, "100%", 10],
                ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "指标分值", "自评得分", "偏差原因分析及改进措施"],
                ["产出指标", "数量指标", "报告", "≥1份", "1份", 90, 90, ""]):
        sheet.append(row)
    book.save(tmp_path / "t.xlsx")
    with pytest.raises(NoTable, match="缺少“分值”“得分”列"):
        read_tables(tmp_path / "t.xlsx")
    sheet.delete_cols(6, 2)   # 偏差原因分析及改进措施 (分析 is no score) beside no score column: scores nothing
    book.save(tmp_path / "t.xlsx")
    with pytest.raises(NoTable, match="这张表只填指标完成情况、不计分"):
        read_tables(tmp_path / "t.xlsx")


def test_a_funds_block_without_points_and_a_total_above_the_table(tmp_path):
    """原州区's 自评表 has no 分值 and no 得分 in its funds block (产出 40 + 效益 40 + 满意度 20):
    the 年度资金总额 row scores nothing, so its 分值 are not added to the indicators' 100 nor its
    得分 asked for; 项目总得分 99分 above the table is the reported total, checked. The table is
    completed here as the truncated page would go on (the 满意度 row, 指标3's 分值)."""
    def complete(rows):
        rows[12][4] = rows[12][7] = 0   # (five weighted 产出 rows of 8)
        rows[14][4] = rows[14][7] = 8
        rows[6][3] = "259.45万元"
        rows[16][5] = "≥100%"   # (11月底完成100%: a statement)
        rows[22][6:8] = ["部分达成", 6]
        rows[23][3:8] = ["种植农户满意度", 20, "≥90%", "95%", 20]

    read = _variant("ningxia_guyuan_yuanzhou_1", tmp_path, complete)
    assert read.table.funds.weight == 0 and read.table.total_score == "99分"
    report, result = report_table(read, "mof-2020", "g.xlsx")
    assert result.total == Decimal("97.6")   # 40 + 8 × 4 + 5.6 (部分达成) + 20
    assert {(f.cell, f.kind) for f in report.findings} == {("B2", "total_mismatch")}


def test_a_whole_department_table_is_named_by_its_department(tmp_path):
    """金寨's 部门整体支出绩效自评表 has a 部门 row and no 项目名称: the department is what is
    evaluated, so it names the table (not the sheet name, with no 未填写项目名称 said)."""
    [read] = read_tables(workbook(REAL / "anhui_jinzhai_bumenzhengti_1.json", tmp_path / "j.xlsx"))
    assert read.table.project == read.table.department == "金寨县茶谷和美丽乡村建设服务中心"
    assert not read.problems


def test_a_funds_block_naming_its_points_in_other_words_still_scores(tmp_path):
    """A funds header writing 分值/得分 as 权数/自评得分 (words perfbook reads in no form's funds
    block) is no block that scores nothing: its 10 points stay in the total (they had been
    dropped, giving weights of 90 and a total short of 10)."""
    def renamed(rows):
        rows[4][5], rows[4][7] = "权数", "自评得分"

    read = _variant("central_anhui_tangxi_1", tmp_path, renamed)
    assert read.table.funds.weight != 0


def test_a_blank_project_name_is_not_taken_from_a_unit_row(tmp_path):
    """A project table whose 项目名称 is left blank, with a 单位名称 row, is no 部门整体 table:
    it is named by its sheet, as the finding about the blank name says."""
    def blank_name(rows):
        rows[2][1] = None
        rows.insert(3, ["单位名称", "池州市贵池区棠溪镇人民政府"] + [None] * 8)

    read = _variant("central_anhui_tangxi_1", tmp_path, blank_name)
    assert read.table.project == "自评表" and "以“自评表”代替" in read.problems[0][1]


def test_an_error_value_under_a_header_is_that_cells_value_not_a_neighbours(tmp_path):
    """得分 showing #NAME? with a 0 further right in its span (an .xls keeps a 检查 formula's "" as 0):
    the score read is the error value at its own cell, not the 0 beside it (which had been a
    资金得分 mismatch at the 检查 cell)."""
    def error(rows):
        rows[5][7], rows[5][9] = "#NAME?", 0

    read = _variant("central_anhui_tangxi_1", tmp_path, error)
    assert (read.table.funds.score, read.cell(("funds", "score"))) == (None, "H6")   # (said as an error value)
    assert [cell for cell, _ in read.problems] == ["H6"]


def test_a_named_row_with_a_zero_score_is_an_indicator(tmp_path):
    """A row with a name, a reason and 得分 0 but no target, actual or 分值 is an indicator that
    cannot be scored (said), not a placeholder; only a row holding nothing but a 0 score is one."""
    def zero(rows):
        rows.insert(12, [None, None, "数量指标", "培训人数", None, None, None, 0, "未开展", None])
        rows.insert(13, [None, None, None, None, None, None, None, 0, None, 0])

    read = _variant("central_anhui_tangxi_1", tmp_path, zero)
    names = [i.level3 for i in read.table.indicators]
    assert "培训人数" in names and None not in names and "" not in names


def test_a_header_with_its_sub_header_printed_again(tmp_path):
    """The 三级指标 row and the 指标性质 | 指标值 | 度量单位 row below it, printed again on the
    next page: both passed over, the table read as one (the sub-header is no indicator)."""
    def swap(rows):
        upper, lower = rows[10], rows[11]
        rows[10] = lower[:3] + ["年度指标值", None, None] + upper[6:]
        rows[11] = [None, None, None] + lower[3:6] + [None] * (len(lower) - 6)

    def again(rows):
        swap(rows)
        rows[14:14] = [list(rows[10]), list(rows[11])]

    once, twice = _variant("yunnan14_lijiang_gucheng_1", tmp_path, swap), _variant("yunnan14_lijiang_gucheng_1", tmp_path, again)
    assert [i.level3 for i in twice.table.indicators] == [i.level3 for i in once.table.indicators]
    assert [i.nature for i in twice.table.indicators] == [i.nature for i in once.table.indicators]
