"""复核汇总.xlsx is made for people: page setup, links, formats, department sheets, charts; text
from submitted files stays text; LibreOffice prints every sheet one page wide."""

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbook_builder.recalc.result import FileFailure, FindingRow, RecalcResult, TableReport
from workbook_builder.recalc.summary import write_summary

HOSTILE = '=HYPERLINK("http://example.invalid","点我")'


def _report(file, project, department, total, findings=(), annotated=None, amount=120.5):
    return TableReport(file=file, sheet="自评表", project=project, department=department,
                       profile="beijing-chaoyang-2024", template=False, reported_total=total,
                       computed_total=total, grade="优" if total >= 90 else "良", amount=amount,
                       findings=list(findings), annotated=annotated)


def _result(tmp_path: Path, copies: bool = True) -> RecalcResult:
    finding = FindingRow("J14", "penalty_not_applied", "未按超额规则扣分", "得分应为7.00，填报为10\x0b第二行", 10.0, 7.0)
    hostile = FindingRow("C3", "unreadable", "无法读取", "@SUM(A1)" + "长" * 3000, "-1+2", float("nan"))
    reports = [
        _report("收到/单位A/表1.xlsx", "朝阳区政府网站功能和监测服务项目", "北京市朝阳区数据局", 94.0, [finding],
                "表1_复核.xlsx" if copies else None),
        _report("收到/单位B/表2.xlsx", HOSTILE, "北京市朝阳区[财政]局", 85.5, [hostile],
                "表2_复核.xlsx" if copies else None, amount="未填"),
        _report("收到/单位B/表3.xlsx", "某项目", "北京市朝阳区数据局", 100.0, (), "表3_复核.xlsx" if copies else None),
    ]
    sources = {r.file: tmp_path / r.file for r in reports}
    return RecalcResult(files=4, reports=reports, failures=[FileFailure("收到/坏.xlsx", "文件无法读取：+cmd|x")],
                        sources=sources)


def _cells(book):
    return [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def test_every_sheet_is_set_up_for_reading_and_printing(tmp_path):
    path = write_summary(_result(tmp_path), tmp_path / "out" / "复核汇总.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["项目", "问题", "等级分布", "问题类型", "金额与得分", "无法读取", "部门",
                               "北京市朝阳区数据局", "北京市朝阳区_财政_局"]   # departments as they first appear
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}", ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
        setup = ws.page_setup
        fit_width = 1 if setup.fitToWidth is None else setup.fitToWidth   # absent: 1, ECMA-376 18.3.1.63
        assert (setup.paperSize, setup.orientation, fit_width, setup.fitToHeight) == (9, "landscape", 1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert all(c.font.b for c in ws[1]), ws.title
    projects = book["项目"]
    header = [c.value for c in projects[1]]
    name = header.index("项目名称") + 1
    assert projects.column_dimensions[projects.cell(1, name).column_letter].width >= 2 * len("朝阳区政府网站功能和监测服务项目")
    total = projects.cell(2, header.index("计算总分") + 1)
    assert total.value == 94.0 and total.number_format == "0.00"
    count = projects.cell(2, header.index("问题数") + 1)   # numbers a character in from the right edge, counts too
    assert [(c.alignment.horizontal, c.alignment.indent) for c in (total, count)] == [("right", 1), ("right", 1)]
    assert projects.cell(2, name).alignment.horizontal is None   # (text as it is)
    assert projects.cell(2, 1).fill.fgColor.rgb.endswith("FFC7CE")      # a table with findings
    assert not projects.cell(4, 1).fill.fgColor.rgb.endswith("FFC7CE")  # one without
    for ws in (book["等级分布"], book["问题类型"], book["金额与得分"]):
        assert ws._charts, ws.title
    departments = [list(r) for r in book["部门"].iter_rows(min_row=2, values_only=True)]
    assert [d[0] for d in departments] == ["北京市朝阳区[财政]局", "北京市朝阳区数据局"]   # the overview: by name
    assert ["北京市朝阳区数据局", 2, 97.0, 1, 1, "北京市朝阳区数据局"] in departments
    assert book["北京市朝阳区数据局"].max_row == 4  # header, two tables, the average line


def test_tables_that_may_repeat_a_project_are_said_under_the_grades(tmp_path):
    """A table of a project met before (same_as) is counted in 等级分布 and said there, below the
    chart's rows; a batch without one has no such line."""
    result = _result(tmp_path)
    assert [r[0] for r in load_workbook(write_summary(result, tmp_path / "a.xlsx"))["等级分布"].iter_rows(
        values_only=True)] == ["等级", "优", "良", "中", "差"]
    result.reports[2].same_as = "收到/单位A/表1.xlsx［自评表］"
    grades = load_workbook(write_summary(result, tmp_path / "b.xlsx"))["等级分布"]
    assert [r[:2] for r in grades.iter_rows(min_row=2, max_row=5, values_only=True)] == [
        ("优", 2), ("良", 1), ("中", 0), ("差", 0)]
    assert (grades.cell(6, 1).value, grades.cell(6, 2).value) == ("其中可能重复报送", 1)


def test_links_go_to_the_copies_and_cells_by_relative_paths(tmp_path):
    book = load_workbook(write_summary(_result(tmp_path), tmp_path / "out" / "复核汇总.xlsx"))
    projects = book["项目"]
    copy = projects.cell(2, projects.max_column)
    assert copy.value == "表1_复核.xlsx" and copy.hyperlink.target == "表1_复核.xlsx"
    problems = book["问题"]
    cell = problems.cell(2, 4)
    assert cell.value == "J14" and cell.hyperlink.target == "表1_复核.xlsx"
    assert cell.hyperlink.location == "'自评表'!J14"
    department = book["部门"].cell(2, 6).hyperlink
    assert department.location.startswith("'北京市朝阳区")


def test_without_copies_links_go_to_the_originals(tmp_path):
    book = load_workbook(write_summary(_result(tmp_path, copies=False), tmp_path / "out" / "复核汇总.xlsx"))
    assert book["项目"].cell(2, 1).hyperlink.target == "../收到/单位A/表1.xlsx"
    assert book["问题"].cell(2, 4).hyperlink.target == "../收到/单位A/表1.xlsx"


def test_text_from_submitted_files_stays_text(tmp_path):
    book = load_workbook(write_summary(_result(tmp_path), tmp_path / "out" / "复核汇总.xlsx"))
    cells = _cells(book)
    assert not [f"{c.parent.title}!{c.coordinate}" for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert HOSTILE in texts and "-1+2" in texts and "文件无法读取：+cmd|x" in texts and "nan" in texts
    assert "得分应为7.00，填报为10\n第二行" in texts
    assert max(len(t) for t in texts) <= 1000
    assert any(t.startswith("@SUM(A1)长") and t.endswith("…") for t in texts)


def test_partial_run_says_so(tmp_path):
    result = _result(tmp_path)
    result.partial = True
    book = load_workbook(write_summary(result, tmp_path / "复核汇总.xlsx"))
    assert book.sheetnames[0] == "说明" and "中断" in book["说明"]["A2"].value


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="pdfinfo (poppler-utils) is not installed")
def test_libreoffice_prints_each_sheet_one_page_wide(tmp_path):
    result = _result(tmp_path)
    result.reports *= 2  # a few rows per sheet: one page tall, so pages == sheets only if one page wide
    path = write_summary(result, tmp_path / "summary.xlsx")
    sheets = len(load_workbook(path).sheetnames)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=240)
    info = subprocess.run(["pdfinfo", str(tmp_path / "summary.pdf")], check=True, capture_output=True,
                          text=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    width, height = (float(x) for x in fields["Page size"].split()[0:3:2])
    assert int(fields["Pages"]) == sheets
    assert width > height and abs(width - 841.89) < 1  # A4 landscape


def test_links_excel_cannot_hold_become_plain_cells(tmp_path, monkeypatch):
    """Excel holds 65,530 links a sheet and 2,079 characters a target: past either, the cell keeps
    its text without a link (the workbook must still open); a long tooltip is left out."""
    from workbook_builder.recalc import sheets

    monkeypatch.setattr(sheets, "MAX_LINKS", 2)
    result = _result(tmp_path)
    result.reports[1].annotated = "长" * 300 + ".xlsx"      # a 300-character target: tooltip too long, link kept
    book = load_workbook(write_summary(result, tmp_path / "out" / "复核汇总.xlsx"))
    projects = book["项目"]
    column = projects.max_column
    assert projects.cell(2, column).hyperlink is not None
    assert projects.cell(3, column).hyperlink.target == "长" * 300 + ".xlsx"
    assert projects.cell(4, column).value == "表3_复核.xlsx" and projects.cell(4, column).hyperlink is None

    monkeypatch.setattr(sheets, "MAX_LINKS", 65_530)
    result.reports[0].annotated = "长" * 2100 + ".xlsx"
    book = load_workbook(write_summary(result, tmp_path / "out" / "复核汇总.xlsx"))
    cell = book["项目"].cell(2, column)
    assert cell.value.startswith("长长") and cell.hyperlink is None


def test_a_department_sheet_ends_with_its_average_under_计算总分(tmp_path):
    book = load_workbook(write_summary(_result(tmp_path), tmp_path / "out" / "复核汇总.xlsx"))
    rows = list(book["北京市朝阳区数据局"].iter_rows(values_only=True))
    average = dict(zip(rows[0], rows[-1]))
    assert average["文件"] == "平均" and average["项目名称"] == "北京市朝阳区数据局：2 张表，1 处问题"
    assert average["计算总分"] == 97 and average["全年预算数\n（万元）"] is None and average["填报总分"] is None


def test_a_headers_bracketed_unit_is_a_line_of_its_own(tmp_path):
    """全年预算数（万元） is shown over two lines (the header row two lines high), so that its label
    does not make the column of amounts twice as wide as they are."""
    projects = load_workbook(write_summary(_result(tmp_path), tmp_path / "out" / "复核汇总.xlsx"))["项目"]
    header = [c.value for c in projects[1]]
    column = projects.cell(1, header.index("全年预算数\n（万元）") + 1).column_letter
    assert projects.column_dimensions[column].width < 2 * len("全年预算数（万元）")
    assert projects.row_dimensions[1].height == 30


def test_department_sheet_names_excel_accepts(tmp_path):
    """Excel counts a sheet name's length in UTF-16 units (31 at most) and keeps "History"."""
    result = _result(tmp_path)
    result.reports[0].department = "𠀀" * 20          # characters outside the BMP: two units each
    result.reports[1].department = "History"
    book = load_workbook(write_summary(result, tmp_path / "out" / "复核汇总.xlsx"))
    titles = book.sheetnames[7:]
    assert "History" not in titles and any(t.startswith("History") for t in titles)
    astral = next(t for t in titles if t.startswith("𠀀"))
    assert len(astral.encode("utf-16-le")) // 2 <= 31


def test_half_characters_cannot_stop_the_summary(tmp_path):
    """A lone surrogate (an undecoded byte of a file name, or half of a character) cannot be
    written as UTF-8: it is shown as \\xff or �, and the summary is written."""
    result = _result(tmp_path)
    result.reports[0].project = "项目\udcff名"
    result.failures[0].message = "文件无法读取：\ud800"
    book = load_workbook(write_summary(result, tmp_path / "out" / "复核汇总.xlsx"))
    assert book["项目"].cell(2, 4).value == "项目\\xff名"
    assert book["无法读取"].cell(2, 3).value == "文件无法读取：\ufffd"


def test_a_sheet_that_fills_excel_rows_goes_on_in_a_continued_sheet(tmp_path, monkeypatch):
    """Excel holds 1,048,576 rows a sheet: past them the rows go on in 问题（续）, none lost."""
    from workbook_builder.recalc import sheets

    monkeypatch.setattr(sheets, "MAX_ROWS", 3)   # the header and two rows a sheet
    result = _result(tmp_path)
    result.reports[2].department = "项目（续）"     # a department named like a continued sheet
    result.reports[0].findings *= 5
    book = load_workbook(write_summary(result, tmp_path / "out" / "复核汇总.xlsx"))
    problems = [ws for ws in book.worksheets if ws.title.startswith("问题") and ws.title != "问题类型"]
    assert [ws.title for ws in problems] == ["问题", "问题（续）", "问题（续2）"]
    rows = [r for ws in problems for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 6 and all(ws.max_row <= 3 for ws in problems)
    assert all(ws.auto_filter.ref and ws.freeze_panes == "A2" for ws in problems)
    assert len({title.lower() for title in book.sheetnames}) == len(book.sheetnames)


def test_text_shaped_like_xml_stays_that_text(tmp_path):
    """XlsxWriter copies a string shaped like a rich string (<r>…</r>) into the XML unescaped in
    constant-memory mode: such text must come back as typed, and never as a formula."""
    injected = '<r><t>某项目</t></r></is></c><c r="D3"><f>HYPERLINK("http://x","y")</f><v>0</v></c><c><is><r>'
    result = _result(tmp_path)
    result.reports[0].project = "<r>a & b</r>"
    result.reports[1].project = injected
    result.reports[0].findings[0].message = "<r><t>看似正常</t></r>"
    book = load_workbook(write_summary(result, tmp_path / "out" / "复核汇总.xlsx"))
    texts = {c.value for c in _cells(book) if isinstance(c.value, str)}
    assert {"<r>a & b</r>", injected, "<r><t>看似正常</t></r>"} <= texts
    assert not [c.coordinate for c in _cells(book) if c.data_type == "f"]


def test_empty_values_are_blank_cells(tmp_path):
    book = load_workbook(write_summary(_result(tmp_path), tmp_path / "out" / "复核汇总.xlsx"))
    projects = book["项目"]
    header = [c.value for c in projects[1]]
    note = projects.cell(2, header.index("说明") + 1)
    assert note.value is None and note.data_type == "n"    # no empty text: COUNTA and 定位空值 see a blank
    assert note.fill.fgColor.rgb.endswith("FFC7CE")        # still highlighted with its row


@pytest.mark.parametrize("name", ["a#1.xlsx", "a%20b.xlsx", "100%.xlsx", "a b [1].xlsx", "a?b.xlsx", "a{b}^`|.xlsx"])
def test_links_are_uris_that_name_the_file(tmp_path, name):
    """Excel and LibreOffice read a link target as a URI: # starts a fragment and %20 is a space,
    so a file called so must be linked with them encoded."""
    from urllib.parse import unquote

    result = _result(tmp_path, copies=False)
    result.reports[0].file = f"收到/{name}"
    result.sources = {r.file: tmp_path / r.file for r in result.reports}
    book = load_workbook(write_summary(result, tmp_path / "out" / "复核汇总.xlsx"))
    link = book["问题"].cell(2, 4).hyperlink
    assert not set("#? []{}^`|") & set(link.target) and unquote(link.target) == f"../收到/{name}"
    assert link.location == "'自评表'!J14"
    result = _result(tmp_path)
    result.reports[0].annotated = name.replace(".xlsx", "_复核.xlsx")
    copy = load_workbook(write_summary(result, tmp_path / "out" / "复核汇总.xlsx"))["项目"].cell(2, 14).hyperlink
    assert unquote(copy.target) == result.reports[0].annotated


def test_a_summary_not_finished_leaves_no_temporary_files(tmp_path, monkeypatch):
    import tempfile

    from workbook_builder.recalc.summary import SummaryStream

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    result = _result(tmp_path)
    stream = SummaryStream(result, tmp_path / "out" / "复核汇总.xlsx")
    for report in result.reports:
        stream.add(report)
    assert list((tmp_path / "tmp").iterdir())            # the rows wait in temporary files
    stream.discard()
    write_summary(result, tmp_path / "out" / "复核汇总.xlsx")
    assert not list((tmp_path / "tmp").iterdir())


def test_departments_past_the_limit_are_listed_without_a_sheet(tmp_path, monkeypatch):
    """Each sheet being written holds a file open: past MAX_DEPARTMENT_SHEETS departments (a
    hostile batch may name thousands), a department has its line in 部门 but no sheet."""
    from workbook_builder.recalc import sheets

    monkeypatch.setattr(sheets, "MAX_DEPARTMENT_SHEETS", 1)
    book = load_workbook(write_summary(_result(tmp_path), tmp_path / "out" / "复核汇总.xlsx"))
    assert book.sheetnames[7:] == ["北京市朝阳区数据局"]
    overview = {r[0]: r for r in book["部门"].iter_rows(min_row=2, values_only=True)}
    assert overview["北京市朝阳区[财政]局"][1] == 1 and overview["北京市朝阳区[财政]局"][5] == "（主管部门超过 1 个，未单独成表）"
    assert overview["北京市朝阳区数据局"][5] == "北京市朝阳区数据局"


def test_characters_xml_cannot_hold_cannot_spoil_the_summary(tmp_path):
    """U+FFFE and U+FFFF are valid in a Linux file name and in .xls strings but not in XML: every
    part of the summary must still be well-formed (openpyxl refuses the file otherwise)."""
    import zipfile

    from lxml import etree

    result = _result(tmp_path, copies=False)
    result.reports[0].project = "项目\uffff名\ufffe"
    result.reports[0].file = "收到/表\uffff.xlsx"
    result.reports[0].sheet = "自评\uffff表"
    result.sources = {r.file: tmp_path / r.file for r in result.reports}
    path = write_summary(result, tmp_path / "out" / "复核汇总.xlsx")
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(package.read(name))
    book = load_workbook(path)
    assert book["项目"].cell(2, 4).value == "项目\ufffd名\ufffd"
    assert book["项目"].cell(2, 1).hyperlink.target == "../%E6%94%B6%E5%88%B0/%E8%A1%A8%EF%BF%BF.xlsx"


def test_the_scatter_chart_stays_on_its_sheet(tmp_path, monkeypatch):
    """金额与得分 that goes on in a （续） sheet: the chart covers the rows of its own sheet only."""
    import re
    import zipfile

    from workbook_builder.recalc import sheets

    monkeypatch.setattr(sheets, "MAX_ROWS", 3)
    result = _result(tmp_path)
    result.reports *= 3   # 6 points with an amount: 2 on 金额与得分, the rest in （续） sheets
    path = write_summary(result, tmp_path / "out" / "复核汇总.xlsx")
    with zipfile.ZipFile(path) as package:
        charts = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/charts/chart")]
    ranges = [r for chart in charts for r in re.findall(r"<c:f>([^<]*金额与得分[^<]*)</c:f>", chart)]
    assert ranges and all(r.endswith("$3") for r in ranges), ranges


def test_a_continued_sheet_of_a_long_title_says_so(tmp_path, monkeypatch):
    from workbook_builder.recalc import sheets

    monkeypatch.setattr(sheets, "MAX_ROWS", 2)
    result = _result(tmp_path)
    long_name = "北京市朝阳区第一中学后勤管理处财务科预算执行组甲乙丙丁戊己"   # 30 characters
    result.reports[0].department = result.reports[1].department = long_name
    titles = load_workbook(write_summary(result, tmp_path / "out" / "复核汇总.xlsx")).sheetnames
    continued = [t for t in titles if t.startswith(long_name[:10]) and "续" in t]
    assert [t[t.index("（"):] for t in continued] == ["（续）", "（续2）"] and all(len(t) <= 31 for t in continued)


def test_linked_text_shaped_like_xml_is_written_without_its_link(tmp_path):
    from workbook_builder.recalc.sheets import SummaryBook

    book = SummaryBook()
    writer = book.sheet("表", ["文件"])
    writer.row(["<r><t>x</t></r>"], links={0: ("a.xlsx", None)})
    writer.finish()
    cell = load_workbook(book.save(tmp_path / "s.xlsx"))["表"]["A2"]
    assert cell.value == "<r><t>x</t></r>" and cell.data_type == "s" and cell.hyperlink is None


def test_an_original_on_another_drive_is_linked_by_its_file_uri(tmp_path, monkeypatch):
    """On Windows, a file on another drive than the summary has no relative path."""
    from workbook_builder.recalc import sheets

    def other_drive(path, start=None):
        raise ValueError("path is on mount 'D:', start on mount 'C:'")

    monkeypatch.setattr(sheets.os.path, "relpath", other_drive)
    book = load_workbook(write_summary(_result(tmp_path, copies=False), tmp_path / "out" / "复核汇总.xlsx"))
    assert book["项目"].cell(2, 1).hyperlink.target == (tmp_path / "收到/单位A/表1.xlsx").as_uri()


def test_rates_in_findings_are_shown_as_percentages(tmp_path):
    """A rate finding's values (0.9998 for 99.98%) show as percentages in 问题 and in the copy's
    复核结果 sheet, not as 1.00 next to 1.00; other findings' values keep two decimals."""
    from workbook_builder.recalc.annotate import write_annotated
    from workbook_builder.readers.tables import read_tables
    from workbook_builder.recalc.run import report_table
    from tests.conftest import ROOT

    result = _result(tmp_path)
    rate = FindingRow("G6", "exec_rate_mismatch", "执行率不一致", "执行率应为99.99%，填报为99.98%", 0.9998, 0.9999)
    result.reports[2].findings.append(rate)
    book = load_workbook(write_summary(result, tmp_path / "复核汇总.xlsx"))
    formats = {row[3].value: (row[7].number_format, row[8].number_format) for row in book["问题"].iter_rows(min_row=2)}
    assert formats["G6"] == ("0.00%", "0.00%") and formats["J14"] == ("0.00", "0.00")

    [source] = (ROOT / "samples" / "chaoyang-2024" / "submitted").glob("12_*.xlsx")
    reads = read_tables(source)
    pairs = [report_table(r, None, source.name) for r in reads]
    assert any(f.kind == "exec_rate_mismatch" for report, _ in pairs for f in report.findings)
    copy = load_workbook(write_annotated(source, tmp_path / "copy.xlsx", reads, pairs))
    shown = {row[2].value: (row[6].number_format, row[7].number_format) for row in copy["复核结果"].iter_rows(min_row=2)}
    assert shown["G6"] == ("0.00%", "0.00%") and shown["H6"] == ("General", "General")


def test_a_rate_finding_shown_as_text_is_a_percentage():
    """Where a table holds text (the Word copy's 复核结果, the add-in's review), a rate's 填报值 and
    应为 read 99.98% and 99.99%; other values stay as they are."""
    from workbook_builder.recalc.result import shown_values

    rate = FindingRow("G6", "exec_rate_mismatch", "执行率不一致", "执行率应为99.99%，填报为99.98%", 0.9998, 0.9999)
    assert shown_values(rate) == ("99.98%", "99.99%")
    assert shown_values(FindingRow("J14", "score_mismatch", "得分不一致", "", 10.0, 7.0)) == (10.0, 7.0)


@pytest.mark.parametrize("reported, computed, grades, said", [
    (90.0, 95.5, ("优", "优"), "计算总分比填报总分高 5.5 分"),
    (92.0, 88.0, ("优", "良"), "计算总分比填报总分低 4 分；等级由“优”变为“良”"),
    (92.0, 92.004, ("优", "优"), ""),            # (to the cent)
    (None, 88.0, (None, "良"), ""),               # no total reported: nothing to compare
    (88.0, None, ("良", None), "有不能计分的项（见问题），计算总分无法得出，未定等级"),   # a row that cannot be scored
    (88.0, 88.0, ("优", "良"), "等级由“优”变为“良”"),   # a 等级 cell the total does not give
])
def test_what_recalculating_changed_of_a_tables_result(reported, computed, grades, said):
    report = _report("a.xlsx", "项目", "部门", 0.0, findings=[FindingRow("H19", "unreadable", "无法读取的值", "…", None, None)])
    report.reported_total, report.computed_total = reported, computed
    report.reported_grade, report.grade = grades
    assert report.change == said
    if computed is None:   # (a blank 评分表: nothing to see in 问题, so nothing said)
        report.findings = []
        assert report.change == ""


def test_a_tables_own_grade_is_its_grade_cell_or_that_of_its_total():
    from addin.engine import Funds, Indicator, Table, evaluate_table

    row = Indicator("产出指标", "数量指标", "报告", "≥", 1, "份", 1, 90, 90)
    table = Table("项目", Funds(annual=100, executed=100, weight=10, score=10, rate=1), [row], total_score=85)
    assert TableReport.of(evaluate_table(table), "a.xlsx", "自评表", False, []).reported_grade == "良"
    table.grade = " 优 "
    assert TableReport.of(evaluate_table(table), "a.xlsx", "自评表", False, []).reported_grade == "优"
    table.grade, table.total_score = None, 120   # (no grade above full marks)
    assert TableReport.of(evaluate_table(table), "a.xlsx", "自评表", False, []).reported_grade is None


def test_tables_without_a_grade_are_counted_in_the_grade_sheet(tmp_path):
    """Every table is in 等级分布: one whose total cannot be computed under 无法计算 (said in its
    说明), one never filled in under 未填写; a run where every table has a grade has no such rows."""
    result = _result(tmp_path)
    plain = load_workbook(write_summary(result, tmp_path / "a" / "复核汇总.xlsx"))
    assert [r[0] for r in plain["等级分布"].iter_rows(min_row=2, values_only=True)] == ["优", "良", "中", "差"]
    result.reports[0].computed_total = result.reports[0].grade = None
    result.reports[1].grade, result.reports[1].status = None, "未填写"
    book = load_workbook(write_summary(result, tmp_path / "b" / "复核汇总.xlsx"))
    counts = dict(book["等级分布"].iter_rows(min_row=2, values_only=True))
    assert counts == {"优": 1, "良": 0, "中": 0, "差": 0, "无法计算": 1, "未填写": 1}
    said = [row[12] for row in book["项目"].iter_rows(min_row=2, values_only=True)]
    assert said[:2] == ["有不能计分的项（见问题），计算总分无法得出，未定等级", None]



def test_a_sheet_too_wide_for_one_page_prints_readable_across_pages(tmp_path):
    """Fitted to one page's width, the 项目 sheet of long file and project names had printed in
    4-point text: past what fits at 65%, it prints at 65% across pages, the page's rows then the
    same rows' other columns, each page led by the file column; narrow sheets still fit one page."""
    result = _result(tmp_path)
    for number, report in enumerate(result.reports):
        report.file = f"收到的自评表/某某区某某局/{number:02d}_" + "某某区政务信息化系统运行维护服务项目" * 2 + ".xlsx"
        report.project = "某某区政务信息化系统运行维护服务项目（二期）" * 2
        report.department = "某某区某某委员会办公室" * 2
    path = write_summary(result, tmp_path / "summary.xlsx")
    book = load_workbook(path)
    wide, narrow = book["项目"], book["等级分布"]
    assert (wide.page_setup.scale, wide.page_setup.pageOrder, wide.print_title_cols) == (65, "overThenDown", "$A:$A")
    assert not wide.sheet_properties.pageSetUpPr.fitToPage
    assert narrow.sheet_properties.pageSetUpPr.fitToPage and narrow.print_title_cols is None
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=240)
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "2", "-layout", str(tmp_path / "summary.pdf"), "-"],
                           check=True, capture_output=True, text=True).stdout
    page1, page2 = first.split("\f")[:2]
    assert "项目名称" in page1 and "计算总分" not in page1   # (the 项目 sheet's left columns, then its right ones)
    assert "计算总分" in page2 and "文件" in page2


def test_a_rate_fits_its_column_as_shown(tmp_path):
    """应为 0.9999 shows as 99.99% (and a number cell's indent): its column had been fitted to
    1.00 and LibreOffice showed ###."""
    result = _result(tmp_path)
    result.reports[0].findings = [FindingRow("G6", "exec_rate_mismatch", "执行率不一致", "执行率应为99.99%，填报为99.98%",
                                             0.9998, 0.9999)]
    problems = load_workbook(write_summary(result, tmp_path / "summary.xlsx"))["问题"]
    index = [c.value for c in problems[1]].index("应为") + 1
    # (XlsxWriter writes columns of one width as one <col min max>: openpyxl keys it by its first)
    [width] = [d.width for d in problems.column_dimensions.values() if d.min <= index <= d.max]
    assert width >= len("99.99%") + 1 + 2
