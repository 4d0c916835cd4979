"""Reading tables out of submitted workbooks in the standard layout, with the noise of real tables."""

import pytest

from tests.conftest import ROOT
from workbook_builder.readers.tables import read_tables

SUBMITTED = ROOT / "samples" / "chaoyang-2024" / "submitted"


def one(name):
    [path] = SUBMITTED.glob(f"{name}_*.xlsx")
    return read_tables(path)


@pytest.fixture(scope="module")
def everything(chaoyang_tables):
    reads = [r for p in sorted(SUBMITTED.glob("*.xlsx")) for r in read_tables(p)]
    return {r.table.project: r for r in reads}


def test_every_sample_value_is_read_back(everything, chaoyang_tables):
    assert len(everything) == 30
    for sample in chaoyang_tables:
        read = everything[sample.project].table
        assert read.department == sample.department and read.year == 2024
        assert len(read.indicators) == len(sample.indicators)
        for got, want in zip(read.indicators, sample.indicators):
            assert (got.level1, got.level2, got.level3, got.nature, got.unit) == (
                want.level1, want.level2, want.level3, want.nature, None if want.unit in ("", "/") else want.unit)
            assert float(got.score) == float(want.score)
        assert float(read.funds.annual) == float(sample.funds.annual)
        assert float(read.funds.score) == float(sample.funds.score)
        assert float(read.total_score) == float(sample.total_score)


def test_shifted_last_row_and_missing_level1():
    [read] = one("01")
    last = read.table.indicators[-1]
    assert (last.level1, last.level3, last.score) == ("满意度指标", "用户满意度", 10.0)
    assert read.cell(("indicator", 6, "score"))[0] == "I"  # one column left of J
    assert read.table.indicators[4].level1 == "效益指标"  # inferred from 社会效益指标
    cells = read.all_cells()   # every cell, the indicator cells worked out as cell() works them out
    assert cells[("indicator", 6, "score")][0] == "I" and cells[("indicator", 1, "level3")]
    assert sum(key[0] == "indicator" for key in cells) == 6 * len(read.columns)
    assert all(read.cell(key) == address for key, address in cells.items())
    assert read.cell(("indicator", 7, "score")) == "" and read.cell(("indicator", 1, "nothing")) == ""


def test_funds_header_with_gaps_and_inline_header_words():
    [gaps] = one("02")
    assert (gaps.table.funds.annual, gaps.table.funds.executed, gaps.table.funds.score) == (246.768, 246.768, 10.0)
    [inline] = one("20")
    assert inline.table.funds.rate == "100%" and inline.cells[("funds", "score")].startswith("N")


def test_level2_label_in_the_level1_column(chaoyang_tables):
    [read] = one("07")  # row 2's 质量指标 stands in the 一级 column
    expected = [(i.level1, i.level2) for i in chaoyang_tables[6].indicators]
    assert [(i.level1, i.level2) for i in read.table.indicators] == expected


def test_two_tables_on_one_sheet_and_a_sheet_per_table():
    pair = read_tables(next(SUBMITTED.glob("18-19_*.xlsx")))
    assert [r.sheet for r in pair] == ["自评表", "自评表"]
    assert pair[1].cells[("funds", "score")] != pair[0].cells[("funds", "score")]
    four = read_tables(next(SUBMITTED.glob("27-30_*.xlsx")))
    assert [r.sheet for r in four] == ["表27", "表28", "表29", "表30"]


def test_a_row_of_stray_numbers_is_a_problem_a_label_row_is_not():
    """A row inside the indicator block with numbers outside the indicator columns is not counted
    and is named; a row of text only (a placeholder such as 指标1：) and an empty row are passed
    over silently."""
    from workbook_builder.readers.source import read_grids
    from workbook_builder.readers.tables import tables_in

    [path] = SUBMITTED.glob("05_*.xlsx")
    [grid] = [g for g in read_grids(path) if not g.hidden]
    from addin.engine import form

    total = next(i for i, row in enumerate(grid.rows) if form.TOTAL in [str(v).strip() for v in row])
    width = len(grid.rows[total])
    grid.rows[total:total] = [[""] * width, ["", "", 12.5, 3.0] + [""] * (width - 4),
                              ["", "", "另附说明"] + [""] * (width - 3)]
    [read] = tables_in([grid], str(path))
    rows = [int("".join(ch for ch in cell if ch.isdigit())) for cell, message in read.problems
            if message == "这一行的数值不在年度指标值、实际完成值、分值、得分列中，未计入"]
    assert rows == [grid.top + total + 2]
    assert len(read.table.indicators) == len(read_tables(path)[0].table.indicators)


def test_every_amount_of_the_funds_block_is_read_in_the_tables_money_unit():
    """年初预算数, 全年预算数, 全年执行数, 实际到位资金 and the sources' amounts; not 执行率 or 分值."""
    from addin.engine.table import Funds, FundsSource
    from workbook_builder.readers.tables import _in_money_unit

    funds = Funds(annual="1.5万元", executed="12,000元", initial="2万元", received="20000 元", rate="100%",
                  weight="10", sources={"当年财政拨款": FundsSource(initial="1万元", annual="10000元", executed=None)})
    _in_money_unit(funds, "万元")
    assert (funds.initial, funds.annual, funds.executed, funds.received, funds.rate, funds.weight) == (
        2.0, 1.5, 1.2, 2.0, "100%", "10")
    assert vars(funds.sources["当年财政拨款"]) == {"initial": 1.0, "annual": 1.0, "executed": None}


@pytest.mark.parametrize("executed, cell, says", [
    ("全年执行", "B6", "“年度资金总额”一行的表头中找不到“全年执行数”列，资金部分未复核"),   # (a real table, 新洲区 2020)
    ("above", "B6", "“年度资金总额”一行的表头中“全年预算数”“全年执行数”不在同一行，资金部分未复核"),
    (None, "A12", "没有找到“年度资金总额”一行或其表头"),   # no funds total row at all
])
def test_a_funds_block_not_read_is_said_once_at_its_row(executed, cell, says):
    """A funds header perfbook does not know (全年执行 without 数) is said at the 年度资金总额 row,
    with the column its header lacks; the funds findings that would follow from amounts not read
    (全年预算数为空, a funds score) are not also given. The indicators are still checked."""
    from workbook_builder.readers.source import read_grids
    from workbook_builder.readers.tables import tables_in
    from workbook_builder.recalc.run import report_table

    [path] = SUBMITTED.glob("05_*.xlsx")
    [grid] = [g for g in read_grids(path) if not g.hidden]
    if executed == "above":   # 全年执行数 written a row higher (merged down into the header row)
        column = grid.rows[4].index("全年执行数")
        grid.rows[3][column], grid.rows[4][column] = "全年执行数", None
    elif executed:
        grid.rows[4] = [executed if v == "全年执行数" else v for v in grid.rows[4]]
    else:
        grid.rows[5] = [None if v == "年度资金总额" else v for v in grid.rows[5]]
    [read] = tables_in([grid], str(path))
    report, _ = report_table(read, None, path.name)
    assert [(f.cell, f.kind, f.message) for f in report.findings if f.kind == "unreadable"] == [(cell, "unreadable", says)]
    assert [f.cell for f in report.findings if f.cell[:1] in "CDEFGH" and f.cell[1:] == "6"] == []
    assert len(read.table.indicators) == len(read_tables(path)[0].table.indicators)


def test_a_header_cell_that_only_begins_with_a_label_gives_way_to_the_label_itself():
    """Beijing's 2016 form has 得分计算方法 before 得分: the 得分 column is the one that says 得分
    (or 得分（分）), not the first that begins with it; a first cell that is the label stays."""
    from workbook_builder.readers.tables import _fields

    header = ("一级指标", "三级指标", "分值", "年度指标值(A)", "全年实际值(B)", "得分计算方法", "得分", "未完成原因分析")
    assert dict(_fields(header, "indicators"))["score"] == 6
    assert dict(_fields(header[:6] + ("得分（分）",), "indicators"))["score"] == 6
    assert dict(_fields(header[:5] + ("得分", "得分计算方法"), "indicators"))["score"] == 5
    assert dict(_fields(header[:6], "indicators"))["score"] == 5   # the only one: still read


@pytest.mark.parametrize("rate, says", [
    ("执行率（B/A）", None),
    ("执行率", "“年度资金总额”一行的表头中找不到“全年预算数”列，资金部分未复核"),
])
def test_a_form_whose_rate_is_on_its_initial_budget(rate, says):
    """A funds header without 全年预算数 whose 执行率(B/A) is on 年初预算数(A) (Beijing's 2016
    form) is checked on 年初预算数; without the form saying so, 年初预算数 is not taken for
    全年预算数 (the funds block is said not read)."""
    from workbook_builder.readers.source import read_grids
    from workbook_builder.readers.tables import tables_in
    from workbook_builder.recalc.run import report_table

    [path] = SUBMITTED.glob("05_*.xlsx")
    [grid] = [g for g in read_grids(path) if not g.hidden]
    header = {"年初预算数": "年初预算数(A)", "全年预算数": "", "全年执行数": "全年执行数(B)", "执行率": rate}
    grid.rows[4] = [header.get(v, v) for v in grid.rows[4]]
    grid.rows[5][2] = 700.0   # 695.82 / 700 is 99.40%, reported 99.97%
    [read] = tables_in([grid], str(path))
    report, _ = report_table(read, None, path.name)
    funds = [(f.cell, f.kind, f.message) for f in report.findings if f.cell[1:] == "6"]
    if says:
        assert funds == [("B6", "unreadable", says)]
    else:
        assert read.table.funds.annual == 700.0
        assert ("G6", "exec_rate_mismatch", "执行率应为99.4%，填报为99.97%") in funds


def test_a_new_level1_with_its_level2_blank_does_not_take_the_level2_above():
    """Blank level cells take the label above (merged cells), but a row opening a new 一级 with its
    二级 left blank does not inherit the 二级 of the other 一级 (效益指标 is no 成本指标)."""
    from addin.engine.table import Indicator
    from workbook_builder.readers.tables import _carry_levels

    rows = [Indicator(one, two, "指标", "≥", 1, None, 1, 10) for one, two in (
        ("产出指标", "成本指标"), ("", ""), ("效益指标", ""), ("", "社会效益指标"), ("", ""), ("效益指标", ""))]
    _carry_levels(rows)
    assert [(i.level1, i.level2) for i in rows] == [
        ("产出指标", "成本指标"), ("产出指标", "成本指标"), ("效益指标", ""), ("效益指标", "社会效益指标"),
        ("效益指标", "社会效益指标"), ("效益指标", "社会效益指标")]


@pytest.mark.parametrize("blank, says", [
    ({"项目名称"}, [("A3", "未填写项目名称，以“自评表”代替")]),
    ({"项目名称", "主管部门"}, [("A3", "未填写项目名称，以“自评表”代替")]),   # (as published tables leave 主管部门)
    (set(), []),
])
def test_a_blank_project_name_is_said_at_its_label(blank, says):
    """A table without its 项目名称 is listed under its sheet's name: said, not passed over."""
    from workbook_builder.readers.source import read_grids
    from workbook_builder.readers.tables import tables_in

    [path] = SUBMITTED.glob("26_*.xlsx")
    [grid] = [g for g in read_grids(path) if not g.hidden]
    for r, row in enumerate(grid.rows[:6]):
        if any(label in row for label in blank):   # the label's value: the first text right of it
            at = next(c for c, v in enumerate(row) if v in blank)
            value = next(c for c in range(at + 1, len(row)) if row[c] not in (None, ""))
            grid.rows[r][value] = None
    [read] = tables_in([grid], str(path))
    assert [p for p in read.problems if p[1].startswith("未填写")] == says
    assert read.table.project == ("自评表" if blank else "朝阳区政府网站功能和监测服务项目")


@pytest.mark.parametrize("label", ["总分", "自评总分", "总分合计", "合计"])
def test_the_total_row_under_the_names_units_give_it(label):
    """A total row relabelled 自评总分 ends the indicators as 总分 does (it had been read as an
    indicator: 性质为空, 分值合计 190)."""
    from workbook_builder.readers.source import read_grids
    from workbook_builder.readers.tables import tables_in

    [path] = SUBMITTED.glob("26_*.xlsx")
    [grid] = [g for g in read_grids(path) if not g.hidden]
    [row] = [row for row in grid.rows if row and row[0] == "总分"]
    row[0] = label
    [read] = tables_in([grid], str(path))
    assert len(read.table.indicators) == 7 and (read.table.total_weight, read.table.total_score) == (100, 97)


def test_a_table_kept_on_a_hidden_sheet_beside_a_visible_one_is_said_not_read():
    """A hidden sheet holding another table (an old version, another project) is not reviewed
    when a visible sheet holds one, but said in the visible table's note; perfbook's own hidden
    sheet and a hidden sheet whose table cannot be read say nothing."""
    import copy
    from dataclasses import replace

    from workbook_builder.forms import layout
    from workbook_builder.readers.source import read_grids
    from workbook_builder.readers.tables import tables_in

    [path] = SUBMITTED.glob("26_*.xlsx")
    [grid] = [g for g in read_grids(path) if not g.hidden]
    old = replace(grid, name="旧版", hidden=True, rows=copy.deepcopy(grid.rows))
    old.rows[2] = ["另一个项目B" if v == "朝阳区政府网站功能和监测服务项目" else v for v in old.rows[2]]
    blank = replace(grid, name="说明", hidden=True, rows=[["项目名称", "甲"], ["一级指标", "二级指标", "三级指标", "年度指标值"]])
    own = replace(old, name=layout.META_SHEET)
    [read] = tables_in([grid, blank, own, old], str(path))
    assert read.table.project == "朝阳区政府网站功能和监测服务项目"
    assert read.note == "隐藏的工作表“旧版”（另一个项目B）中也有自评表，未复核；如需复核请取消隐藏"
    [read] = tables_in([grid, blank, own], str(path))
    assert read.note == ""


def _with_rows_copied(source, rows, before, out):
    """``source``'s first sheet with its rows ``rows`` copied in again above row ``before``."""
    from openpyxl import load_workbook

    book = load_workbook(source)
    sheet = book.worksheets[0]
    copied = [[sheet.cell(r, c).value for c in range(1, sheet.max_column + 1)] for r in rows]
    sheet.insert_rows(before, len(copied))
    for offset, values in enumerate(copied):
        for c, value in enumerate(values, start=1):
            sheet.cell(before + offset, c).value = value
    book.save(out)
    return out


def _findings(path):
    from workbook_builder.recalc.run import report_table

    return [[(f.kind, f.cell) for f in report_table(read, None, "t")[0].findings] for read in read_tables(path)]


def test_a_header_printed_again_on_the_next_page_goes_on_with_the_same_table(tmp_path):
    """A table converted from a PDF, or copied page by page, repeats its indicator header on
    each page: the rows after it are still the one table's (they had been read as a second
    table, with neither funds block nor weights adding up)."""
    source = next(SUBMITTED.glob("26_*.xlsx"))
    [original] = read_tables(source)
    [read] = read_tables(_with_rows_copied(source, [12], 17, tmp_path / "again.xlsx"))
    assert [i.level3 for i in read.table.indicators] == [i.level3 for i in original.table.indicators]
    assert _findings(tmp_path / "again.xlsx") == _findings(source) == [[("penalty_not_applied", "J14")]]


def _table_below(tmp_path, between: dict, last: int):
    """Sample 26's sheet with its header and rows 13 to ``last`` copied again from row 22, and
    ``between`` written above them (its 总分 row cleared unless copied)."""
    from openpyxl import load_workbook

    book = load_workbook(next(SUBMITTED.glob("26_*.xlsx")))
    sheet = book.worksheets[0]
    rows = [[sheet.cell(r, c).value for c in range(1, 12)] for r in range(12, last + 1)]
    if last < 20:
        for c in range(1, 12):
            sheet.cell(20, c).value = None   # no 总分 row
    for cell, value in between.items():
        sheet[cell] = value
    for offset, values in enumerate(rows):
        for c, value in enumerate(values, start=1):
            sheet.cell(22 + offset, c).value = value
    book.save(tmp_path / "two.xlsx")
    return read_tables(tmp_path / "two.xlsx")


def test_a_header_after_a_total_row_still_begins_another_table(tmp_path):
    """The same header below a table's 总分 row is another table's (two tables on one sheet
    without 项目名称 rows between them), not the first one's next page."""
    assert len(_table_below(tmp_path, {}, 20)) == 2


@pytest.mark.parametrize("between, second", [
    ({"A21": "项目名称", "C21": "另一个项目"}, "另一个项目"),
    ({"A21": "项目名称：", "C21": "另一个项目"}, "另一个项目"), ({"A21": "项目名称：另一个项目"}, None),   # (with its colon)
    ({"A21": "项目支出绩效自评表"}, None),   # (the next table's title)
    ({"B21": "年度资金总额", "D21": 10, "E21": 10}, None),   # (its funds block)
    ({"A21": "其他需要说明事项", "C21": "无"}, None),   # (what closes a table)
])
def test_a_header_after_what_begins_or_ends_a_table_begins_another(tmp_path, between, second):
    """The same header below another project's name (even with no 总分 row or funds block between:
    a sheet of tables listing only their indicators), a title, a funds block or what closes a
    table is another table, not the first one's next page."""
    reads = _table_below(tmp_path, between, 19)
    assert len(reads) == 2 and (second is None or reads[1].table.project == second)


@pytest.mark.parametrize("cell, text", [("H14", "已按时报送绩效自评表"), ("D14", "项目名称规范性")])
def test_an_indicator_row_s_words_do_not_end_a_table_before_its_header_printed_again(tmp_path, cell, text):
    """An actual value ending 自评表 or an indicator named 项目名称… between a header and the same
    header printed again is no title and no project's name: the table stays one."""
    from openpyxl import load_workbook

    source = next(SUBMITTED.glob("26_*.xlsx"))
    book = load_workbook(source)
    book.worksheets[0][cell] = text
    book.save(tmp_path / "words.xlsx")
    assert len(read_tables(_with_rows_copied(tmp_path / "words.xlsx", [12], 17, tmp_path / "again.xlsx"))) == 1


def test_a_header_after_a_continued_title_goes_on_with_the_same_table(tmp_path):
    source = next(SUBMITTED.glob("26_*.xlsx"))
    path = _with_rows_copied(source, [12], 17, tmp_path / "again.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(path)
    book.worksheets[0].insert_rows(17)
    book.worksheets[0]["A17"] = "项目支出绩效自评表（续）"
    book.save(path)
    assert len(read_tables(path)) == 1


@pytest.mark.parametrize("cells, project, department", [
    ({"A3": "项目名称："}, "朝阳区政府网站功能和监测服务项目", "北京市朝阳区数据局"),
    ({"A3": "项目名称:", "A4": "主管部门："}, "朝阳区政府网站功能和监测服务项目", "北京市朝阳区数据局"),
    ({"A3": "项目名称：朝阳区某项目", "C3": None, "A4": "主管部门：某局", "C4": None}, "朝阳区某项目", "某局"),
    ({"A3": "项目名称：（必填）", "A4": "主管部门：（盖章）"}, "朝阳区政府网站功能和监测服务项目", "北京市朝阳区数据局"),   # (a note)
])
def test_a_label_written_with_its_colon_or_its_value(tmp_path, cells, project, department):
    """项目名称： (a table copied from a document) had not been found: the project was named after
    its sheet (自评表) without a word; the value may also follow the colon in the label's cell."""
    from openpyxl import load_workbook

    book = load_workbook(next(SUBMITTED.glob("26_*.xlsx")))
    for cell, value in cells.items():
        book.worksheets[0][cell] = value
    book.save(tmp_path / "colon.xlsx")
    [read] = read_tables(tmp_path / "colon.xlsx")
    assert (read.table.project, read.table.department) == (project, department) and read.problems == []


def test_a_label_is_the_label_alone_or_with_its_colon():
    from workbook_builder.readers.tables import _is_label

    assert _is_label("项目名称", "项目名称") and _is_label("项目名称：某项目", "项目名称") and _is_label("项目名称:", "项目名称")
    assert not _is_label("项目名称变更说明", "项目名称") and not _is_label("项目", "项目名称")


def test_a_name_with_its_colon_ends_the_table_above(tmp_path):
    """Two tables one below the other, the first without a 总分 row, the second's name written
    项目名称：: the second's head (its funds block) is not read into the first's rows."""
    from openpyxl import load_workbook

    book = load_workbook(next(SUBMITTED.glob("26_*.xlsx")))
    sheet = book.worksheets[0]
    rows = [[sheet.cell(r, c).value for c in range(1, 12)] for r in range(1, 20)]   # all but the 总分 row
    for c in range(1, 12):
        sheet.cell(20, c).value = None
    rows[2][0], rows[2][2] = "项目名称：", "另一个项目"
    for offset, values in enumerate(rows):
        for c, value in enumerate(values, start=1):
            sheet.cell(21 + offset, c).value = value
    book.save(tmp_path / "two.xlsx")
    first, second = read_tables(tmp_path / "two.xlsx")
    assert len(first.table.indicators) == len(second.table.indicators) == 7 and second.table.project == "另一个项目"
