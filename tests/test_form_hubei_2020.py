"""hubei-2020: Hubei's 财政项目绩效自评表 — 预算执行情况（万元）（20分） with 得分(20分*执行率), and
年度绩效目标 blocks whose rows carry no 分值 (their points in the block's label); a table of two
blocks is one table."""

import json

import pytest

from form_cases import read_real
from real_tables import REAL, load, workbook
from workbook_builder.readers.tables import NoTable, read_tables
from workbook_builder.recalc.run import report_table


def test_one_block_and_the_funds_points_are_read_from_their_labels(tmp_path):
    read, report, result = read_real("hubei_changjiang_1", tmp_path, None)
    assert read.form == "hubei-2020" and report.profile == "hubei-2020"
    assert read.table.blocks == ((1, "80", "年度绩效目标1(80分)"),)
    assert read.table.funds.weight == "20" and read.cell(("block", 1, "score")) == "A10"
    assert report.findings == [] and result.total == 100
    assert [d.weight for d in result.indicators] == [20, 10, 10, 40]


def _two_blocks(tmp_path, satisfaction=40):
    """长江禁捕's table split as 黄冈's is: 年度绩效目标1（40分） of three 产出 rows, 年度绩效目标2（40分）
    of the 满意度 row."""
    data = load(REAL / "hubei_changjiang_1.json")
    rows = data["rows"]
    rows[9][0] = "年度绩效目标1(40分)"
    second = ["年度绩效目标2(40分)", *rows[9][1:]]
    rows[14][6] = satisfaction
    data["rows"] = [*rows[:13], second, *rows[14:]]   # (in place of the empty 效益指标 row)
    data["merges"] = [m for m in data["merges"] if m != "A10:A15"] + ["A10:A13", "A14:A15"]
    source = tmp_path / "two.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return read_tables(workbook(source, tmp_path / "two.xlsx"))


def test_two_blocks_are_one_table_each_block_at_its_label(tmp_path):
    [read] = _two_blocks(tmp_path)
    assert read.table.blocks == ((1, "40", "年度绩效目标1(40分)"), (4, "40", "年度绩效目标2(40分)"))
    assert (read.cell(("block", 1, "score")), read.cell(("block", 2, "score"))) == ("A10", "A14")
    assert [i.level3 for i in read.table.indicators][-1] == "退捕渔民抽样调查满意度"
    report, _ = report_table(read, None, "two.xlsx")
    assert report.findings == []
    [read] = _two_blocks(tmp_path, satisfaction=39)
    report, _ = report_table(read, None, "two.xlsx")
    assert [(f.cell, f.kind) for f in report.findings] == [("A14", "weights_sum"), ("G16", "total_mismatch")]
    assert report.findings[0].indicator == "年度绩效目标2(40分)"   # (the summary's 指标 column)


def test_a_header_without_a_block_label_still_needs_its_points(tmp_path):
    """Without 年度绩效目标（80分） nothing says what the rows are worth: refused, naming 分值."""
    data = load(REAL / "hubei_changjiang_1.json")
    data["rows"][9][0] = None
    source = tmp_path / "bare.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(NoTable, match="分值"):
        read_tables(workbook(source, tmp_path / "bare.xlsx"))


def test_a_single_block_without_its_points_is_worth_the_forms_80(tmp_path):
    data = load(REAL / "hubei_changjiang_1.json")
    data["rows"][9][0] = "年度绩效目标"
    source = tmp_path / "plain.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    [read] = read_tables(workbook(source, tmp_path / "plain.xlsx"))
    assert read.table.blocks == ((1, 80, "年度绩效目标"),)
    assert report_table(read, None, "plain.xlsx")[0].findings == []


def test_two_projects_one_under_the_other_are_two_tables(tmp_path):
    """A block header after another project's 项目名称 begins that project's table, not a block."""
    data = load(REAL / "hubei_changjiang_1.json")
    rows = data["rows"][:16]
    data["rows"] = [*rows, *rows]
    data["merges"] = []
    source = tmp_path / "two_projects.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    reads = read_tables(workbook(source, tmp_path / "two_projects.xlsx"))
    assert [len(r.table.indicators) for r in reads] == [4, 4]
    assert [r.cell(("block", 1, "score")) for r in reads] == ["A10", "A26"]


def test_the_template_fits_the_funds_labels(tmp_path):
    """预算执行情况（万元）（20分） over one row and 得分(20分*执行率) in a narrow column: the rows are
    as tall as the wrapped labels (they had spilled over the rows above)."""
    from addin.engine import Funds, Indicator, Table
    from workbook_builder.forms import layout as L
    from addin.engine.forms import get_form
    from workbook_builder.forms.template import _fit_funds, build_workbook

    table = Table("水土保持监测", Funds(annual=10, executed=None),
                  [Indicator("产出指标", "质量指标", "合格率", None, "100%", None, None, 80)])
    ws = build_workbook(table, "hubei-2020", 2020, form_id="hubei-2020")[L.SHEET]
    header = L.FUNDS_HEADER_ROW
    assert ws.row_dimensions[header].height >= 13.5 * 3   # 得分(20分*执行率): three lines
    label = ws.row_dimensions[header].height + (ws.row_dimensions[header + 1].height or 15)
    assert label >= 13.5 * 4 + 4   # 预算执行情况 / （万元）（20分） in column A: four lines
    lay = L.Layout(1, get_form("hubei-2020"))
    ws[f"{lay.funds_columns['score']}{header}"] = "得分"   # (short labels: the funds row grows instead)
    _fit_funds(ws, lay)
    assert ws.row_dimensions[header].height == 18
    assert ws.row_dimensions[header].height + ws.row_dimensions[header + 1].height >= 13.5 * 4 + 4
