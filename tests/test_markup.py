"""Web pages and Excel 2003 XML spreadsheets saved as .xls (what many budget systems export):
read as Excel lays them out when it opens them, so the 30 samples give the snapshot's findings
at the same cells; what cannot be read is refused with the reason and the way out."""

import json
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from openpyxl import load_workbook

from tests.conftest import ROOT
from workbook_builder.cli import main
from workbook_builder.readers.container import MAX_ROWS, UnreadableFile
from workbook_builder.readers.container import sniff_markup as sniff
from workbook_builder.readers.markup import read_markup_grids

SUBMITTED = ROOT / "samples" / "chaoyang-2024" / "submitted"
SNAPSHOT = json.loads((ROOT / "tests" / "data" / "snapshots" / "recalc_submitted.json").read_text(encoding="utf-8"))
SAME = ("project", "department", "profile", "template", "reported_total", "computed_total", "grade", "findings")
GOOD = SUBMITTED / "26_朝阳区政府网站功能和监测服务项目.xlsx"


def recalc(folder: Path, out: Path) -> dict:
    result = out.with_suffix(".json")
    assert main(["recalc", str(folder), "-o", str(out), "--json", str(result), "--jobs", "2"]) == 0
    return json.loads(result.read_text(encoding="utf-8"))


def _merges(ws) -> tuple[dict[tuple[int, int], tuple[int, int]], set[tuple[int, int]]]:
    """Top-left cell → (columns across, rows down) of each merged range, and the cells covered."""
    spans, covered = {}, set()
    for merged in ws.merged_cells.ranges:
        spans[(merged.min_row, merged.min_col)] = (merged.max_col - merged.min_col, merged.max_row - merged.min_row)
        covered |= {(r, c) for r in range(merged.min_row, merged.max_row + 1)
                    for c in range(merged.min_col, merged.max_col + 1)} - {(merged.min_row, merged.min_col)}
    return spans, covered


def spreadsheet_xml(source: Path, encoding: str = "utf-8") -> bytes:
    """``source`` as Excel 2003 writes an XML spreadsheet: empty rows and cells skipped with
    ``ss:Index``, merged ranges as ``ss:MergeAcross``/``ss:MergeDown``."""
    book = load_workbook(source)
    out = [f'<?xml version="1.0" encoding="{encoding}"?>\n<?mso-application progid="Excel.Sheet"?>\n'
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" xmlns:x="urn:schemas-microsoft-com:office:excel">']
    for ws in book.worksheets:
        spans, covered = _merges(ws)
        out.append(f"<Worksheet ss:Name={quoteattr(ws.title)}><Table>")
        last_row = 0
        for row in ws.iter_rows():
            cells, last_col = [], 0
            for cell in row:
                r, c = cell.row, cell.column
                if cell.value is None or (r, c) in covered:
                    continue
                attrs = f' ss:Index="{c}"' if c != last_col + 1 else ""
                across, down = spans.get((r, c), (0, 0))
                attrs += f' ss:MergeAcross="{across}"' * bool(across) + f' ss:MergeDown="{down}"' * bool(down)
                kind = "Number" if isinstance(cell.value, (int, float)) else "String"
                cells.append(f'<Cell{attrs}><Data ss:Type="{kind}">{escape(str(cell.value))}</Data></Cell>')
                last_col = c + across
            if cells:
                r = row[0].row
                out.append(f'<Row{f" ss:Index={chr(34)}{r}{chr(34)}" if r != last_row + 1 else ""}>{"".join(cells)}</Row>')
                last_row = r
        out.append("</Table></Worksheet>")
    out.append("</Workbook>")
    return "".join(out).encode({"gb2312": "gb18030"}.get(encoding, encoding))   # GB2312 declared, GBK written


def excel_page(source: Path) -> bytes:
    """The first sheet of ``source`` as Excel's 另存为网页 writes it: GB2312, the sheet named in
    a conditional comment, numbers with ``x:num``, merged ranges as colspan/rowspan."""
    ws = load_workbook(source).worksheets[0]
    spans, covered = _merges(ws)
    rows = []
    for r in range(1, ws.max_row + 1):
        cells = []
        for c in range(1, ws.max_column + 1):
            if (r, c) in covered:
                continue
            value = ws.cell(r, c).value
            across, down = spans.get((r, c), (0, 0))
            attrs = f" colspan={across + 1}" * bool(across) + f" rowspan={down + 1}" * bool(down)
            if isinstance(value, (int, float)):
                cells.append(f'<td class=xl66{attrs} x:num="{value}">{value:g}</td>')
            else:
                cells.append(f"<td class=xl65{attrs}>{escape(str(value or ''))}</td>")
        rows.append(f" <tr height=19>\n  {''.join(cells)}\n </tr>")
    page = (f'<html xmlns:x="urn:schemas-microsoft-com:office:excel">\n<head>\n'
            '<meta http-equiv=Content-Type content="text/html; charset=gb2312">\n<meta name=ProgId content=Excel.Sheet>\n'
            f'<!--[if gte mso 9]><xml><x:ExcelWorkbook><x:ExcelWorksheets><x:ExcelWorksheet><x:Name>{ws.title}'
            '</x:Name></x:ExcelWorksheet></x:ExcelWorksheets></x:ExcelWorkbook></xml><![endif]-->\n'
            "<style>td {mso-number-format:General;}</style>\n</head>\n<body>\n<table border=0>\n"
            + "\n".join(rows) + "\n <![if supportMisalignedColumns]>\n <tr height=0 style='display:none'><td></td></tr>\n"
            " <![endif]>\n</table>\n</body>\n</html>")
    return page.encode("gb18030")


def _compare(data: dict, sheet_of) -> None:
    got = {t["project"]: t for t in data["tables"]}
    want = {t["project"]: t for t in SNAPSHOT["tables"]}
    assert len(got) == len(want) == 30 and data["unreadable"] == []
    for project, table in want.items():
        mine = got[project]
        assert {k: mine[k] for k in SAME} == {k: table[k] for k in SAME}, project
        assert mine["sheet"] == sheet_of(table), project


def test_xml_spreadsheets_give_the_snapshot_findings(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for n, source in enumerate(sorted(SUBMITTED.glob("*.xlsx"))):
        encoding = ("utf-8", "gb2312", "utf-16")[n % 3]   # as declared in each file
        (folder / f"{source.stem}.xls").write_bytes(spreadsheet_xml(source, encoding))
    data = recalc(folder, tmp_path / "out")
    _compare(data, lambda table: table["sheet"])
    assert {t["format"] for t in data["tables"]} == {"xml2003"}
    copy = load_workbook(tmp_path / "out" / "26_朝阳区政府网站功能和监测服务项目_复核.xlsx")
    assert "得分应为7.00" in copy["自评表"]["J14"].comment.text


def test_excel_web_pages_give_the_snapshot_findings(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    single = [s for s in sorted(SUBMITTED.glob("*.xlsx")) if len(load_workbook(s, read_only=True).sheetnames) == 1]
    for source in single:
        (folder / f"{source.stem}.xls").write_bytes(excel_page(source))
    data = recalc(folder, tmp_path / "out")
    got = {t["project"]: t for t in data["tables"]}
    assert data["unreadable"] == [] and len(got) >= 20
    for table in SNAPSHOT["tables"]:
        if table["project"] in got:
            mine = got[table["project"]]
            assert {k: mine[k] for k in SAME} == {k: table[k] for k in SAME} and mine["sheet"] == table["sheet"]
            assert mine["format"] == "html"


@pytest.fixture(scope="module")
def libreoffice_pages(tmp_path_factory):
    from tests.office_formats import SOFFICE, convert

    if not SOFFICE:
        pytest.skip("LibreOffice (soffice) is not installed: web pages cannot be made")
    root = tmp_path_factory.mktemp("pages")
    folder = root / "in"
    for page in convert(sorted(SUBMITTED.glob("*.xlsx")), "html", root / "html", root / "profile"):
        folder.mkdir(exist_ok=True)
        page.rename(folder / f"{page.stem}.xls")   # as a system exports it
    return folder


def test_libreoffice_web_pages_give_the_snapshot_findings(libreoffice_pages, tmp_path):
    """LibreOffice's pages (numbers in ``sdval``, several sheets one after another) of all 30
    tables: the findings and cells of the snapshot, on a sheet named after the file."""
    data = recalc(libreoffice_pages, tmp_path / "out")
    _compare(data, lambda table: Path(table["file"]).stem)


def _page(body: str, charset: str = "utf-8", head: str = "") -> bytes:
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">{head}</head>'
            f"<body>{body}</body></html>").encode("gb18030" if charset == "gb2312" else charset)


def test_page_cells_are_placed_as_excel_opens_them():
    body = ("<h2>项目支出绩效自评表</h2>（2024年度）<br>单位：万元"
            "<table><tr><td colspan=2 rowspan=2>合并</td><td x:num='0.9998'>99.98%</td></tr>"
            "<tr><td sdval='0.5' sdnum='1033;0;0%'>50％</td><td x:num='1.23E-05'>0.00%</td></tr>"
            "<tr><td x:str=\"'001\">001</td><td>1,234.5</td><td>多<br>行  文本</td><td>85%</td></tr></table>")
    [grid] = read_markup_grids(_page(body, "gb2312", "<title>绩效表</title>"), "html", "文件名")
    assert grid.name == "绩效表" and (grid.top, grid.left) == (0, 0)
    assert grid.rows == [["项目支出绩效自评表", "", "", ""], ["（2024年度）", "", "", ""], ["单位：万元", "", "", ""],
                         ["合并", "", 0.9998, ""], ["", "", 0.5, 1.23e-05], ["001", 1234.5, "多\n行 文本", "85%"]]
    assert grid.percent == {(3, 2), (4, 2), (4, 3)}   # the numbers shown with %
    assert (grid.shown(3, 2), grid.shown(4, 3), grid.shown(5, 1)) == ("99.98%", "0.00123%", 1234.5)


def test_page_names_its_sheet_and_decodes_by_its_mark():
    page = "<html><body><table><tr><td>指标</td></tr></table></body></html>"
    [utf16] = read_markup_grids(b"\xff\xfe" + page.encode("utf-16-le"), "html", "表26")
    assert utf16.name == "表26" and utf16.rows == [["指标"]]
    assert read_markup_grids(b"\xef\xbb\xbf" + page.encode("utf-8"), "html", "a")[0].rows == [["指标"]]
    gbk = "<html><body><table><tr><td>年度指标值</td></tr></table></body></html>".encode("gbk")
    assert read_markup_grids(gbk, "html", "a")[0].rows == [["年度指标值"]]   # no charset: not UTF-8, so GB18030


def test_spreadsheet_cells_by_index_type_and_merge():
    xml = ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" xmlns:x="urn:schemas-microsoft-com:office:excel">'
           '<Worksheet ss:Name="隐藏"><Table><Row><Cell><Data ss:Type="String">x</Data></Cell></Row></Table>'
           '<WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel"><Visible>SheetHidden</Visible></WorksheetOptions>'
           '</Worksheet><Worksheet ss:Name="自评表"><Table>'
           '<Row ss:Index="2"><Cell ss:MergeAcross="1"><Data ss:Type="String">合并</Data></Cell>'
           '<Cell><Data ss:Type="Number">10</Data></Cell><Cell ss:Index="5" ss:Formula="=PERF_SCORE(A1)">'
           '<Data ss:Type="Error">#NAME?</Data></Cell></Row>'
           '<Row><Cell><Data ss:Type="Boolean">1</Data></Cell><Cell><Data ss:Type="DateTime">2024-12-31T00:00:00.000</Data></Cell>'
           '<Cell><ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40"><B>粗</B>体</ss:Data></Cell>'
           '<Cell><Data ss:Type="Number">abc</Data></Cell></Row></Table></Worksheet></Workbook>')
    hidden, sheet = read_markup_grids(xml.encode(), "xml2003", "a")
    assert hidden.hidden and not sheet.hidden and sheet.name == "自评表"
    from datetime import datetime
    assert sheet.rows == [["", "", "", "", ""], ["合并", "", 10.0, "", "#NAME?"],
                          [True, datetime(2024, 12, 31), "粗体", "abc", ""]]


def test_percentages_in_a_spreadsheet_are_read_as_shown():
    """Excel stores 100% typed into a cell as 1: a cell whose style shows a percentage (the named
    Percent format or a code with %) is shown as the percentage (Grid.shown), others as stored."""
    xml = ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Styles>'
           '<Style ss:ID="pct"><NumberFormat ss:Format="Percent"/></Style>'
           '<Style ss:ID="pct2"><Alignment ss:Vertical="Center"/><NumberFormat ss:Format="0.00%"/></Style>'
           '<Style ss:ID="num"><NumberFormat ss:Format="Fixed"/></Style>'
           '<Style ss:ID="lit"><NumberFormat ss:Format="0&quot;%&quot;"/></Style>'
           '<Style><NumberFormat ss:Format="Percent"/></Style></Styles>'   # (no ss:ID: no style)
           '<Worksheet ss:Name="表"><Table><Row>'
           '<Cell ss:StyleID="pct"><Data ss:Type="Number">1</Data></Cell>'
           '<Cell ss:StyleID="pct2"><Data ss:Type="Number">0.9997</Data></Cell>'
           '<Cell ss:StyleID="num"><Data ss:Type="Number">1</Data></Cell>'
           '<Cell ss:StyleID="lit"><Data ss:Type="Number">90</Data></Cell>'
           '<Cell ss:StyleID="pct"><Data ss:Type="String">满意度100%</Data></Cell>'
           '<Cell><Data ss:Type="Number">1</Data></Cell></Row></Table></Worksheet></Workbook>')
    [sheet] = read_markup_grids(xml.encode(), "xml2003", "a")
    assert sheet.rows == [[1.0, 0.9997, 1.0, 90.0, "满意度100%", 1.0]]
    assert [sheet.shown(0, c) for c in range(6)] == ["100%", "99.97%", 1.0, 90.0, "满意度100%", 1.0]


@pytest.mark.parametrize("name, content, reason", [
    ("实体.xls", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Workbook xmlns="urn:schemas-microsoft-com:office:'
                b'spreadsheet"><Worksheet><Table><Row><Cell><Data>&a;</Data></Cell></Row></Table></Worksheet></Workbook>',
     "DTD 或实体声明"),
    ("文档类型.xls", b'<?xml version="1.0"?><!DOCTYPE Workbook><Workbook xmlns="urn:schemas-microsoft-com:office:'
                  b'spreadsheet"><Worksheet><Table><Row><Cell><Data>1</Data></Cell></Row></Table></Worksheet></Workbook>',
     "DTD 或实体声明"),
    ("倒序.xls", '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
                'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="表A"><Table>'
                '<Row ss:Index="5"/><Row ss:Index="3"/></Table></Worksheet></Workbook>'.encode(),
     "工作表“表A”中行位置（ss:Index=\"3\"）无效"),
    ("截断.xls", b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet>',
     "XML 表格结构已损坏"),
    ("单个文件网页.xls", b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"x\"\r\n\r\n--x\r\n",
     "单个文件网页"),
    ("空网页.xls", b"<!DOCTYPE html><html><body><p>no table</p></body></html>", "其中没有表格"),
])
def test_pages_that_cannot_be_read_say_why(tmp_path, name, content, reason):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / name).write_bytes(content)
    (folder / "good.xlsx").write_bytes(GOOD.read_bytes())
    result = tmp_path / "r.json"
    assert main(["recalc", str(folder), "-o", str(tmp_path / "out"), "--json", str(result)]) in (0, 1)
    data = json.loads(result.read_text(encoding="utf-8"))
    [failure] = data["unreadable"]
    assert failure["file"].endswith(name) and reason in failure["message"], failure
    assert len(data["tables"]) == 1


def test_spans_and_indexes_are_bounded():
    """A rowspan, colspan or ss:Index as large as Excel allows is clamped, never allocated."""
    import tracemalloc

    page = _page("<table>" + "<tr><td rowspan=65534 colspan=16384>x</td><td>y</td></tr>" * 50 + "</table>")
    tracemalloc.start()
    [grid] = read_markup_grids(page, "html", "a")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert grid.rows == [["x"]] and peak < 2**20   # y is pushed past the last column read
    rows = "".join(f"<tr><td>{n}</td></tr>" for n in range(MAX_ROWS + 5000))
    rest = "<table><tr><td>x</td></tr></table><title>之后</title>" * 20_000   # never parsed
    [long] = read_markup_grids(_page(f"<table>{rows}</table>{rest}"), "html", "a")
    assert long.truncated and len(long.rows) == MAX_ROWS and long.name == "a"
    far = ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="s"><Table>'
           '<Row><Cell ss:Index="16384"><Data ss:Type="String">x</Data></Cell></Row>'
           '<Row ss:Index="1048576"><Cell><Data ss:Type="String">y</Data></Cell></Row></Table></Worksheet></Workbook>')
    [sheet] = read_markup_grids(far.encode(), "xml2003", "a")
    assert sheet.truncated and sheet.rows == []


def test_sniffed_by_content_not_by_name():
    assert sniff(excel_page(GOOD)) == "html" and sniff(spreadsheet_xml(GOOD, "utf-16")) == "xml2003"
    assert sniff(b"\xef\xbb\xbf  <!-- export --><table><tr><td>1</td></tr></table>") == "html"
    assert sniff(b"project,score\n1,2\n") is None and sniff(b"<?xml version='1.0'?><note/>") is None
    with pytest.raises(UnreadableFile, match="单个文件网页"):
        read_markup_grids(b"MIME-Version: 1.0\r\n", sniff(b"MIME-Version: 1.0\r\n"), "a")


def test_an_odd_charset_or_sheet_name_is_no_error(tmp_path):
    """A charset that is no page encoding (idna, undefined, EBCDIC) is passed over; a control character
    or non-character in the sheet's name is dropped, so the values copy can be written."""
    folder = tmp_path / "in"
    folder.mkdir()
    page = excel_page(GOOD).decode("gb18030")
    for charset in ("idna", "undefined", "rot13", "cp037"):
        (folder / f"{charset}.xls").write_bytes(page.replace("charset=gb2312", f"charset={charset}").encode("utf-8"))
    (folder / "名称.xls").write_bytes(page.replace("<x:Name>自评表", "<x:Name>自\x01评\ufffe表").encode("gb18030"))
    (folder / "空白.xls").write_bytes(b" \r\n" * 3000 + excel_page(GOOD))
    data = recalc(folder, tmp_path / "out")
    assert data["unreadable"] == [] and len(data["tables"]) == 6
    assert {t["sheet"] for t in data["tables"]} == {"自评表"} and all(t["annotation_error"] is None for t in data["tables"])
    assert all([(f["cell"], f["kind"]) for f in t["findings"]] == [("J14", "penalty_not_applied")] for t in data["tables"])


def test_a_large_xml_spreadsheet_is_read_as_a_stream():
    """Each row is let go once read: memory follows the rows kept, not the file (a whole tree of
    this 2.7 MB file takes over 35 MB; a 64 MB one, gigabytes)."""
    import tracemalloc

    row = "<Row>" + '<Cell><Data ss:Type="Number">1</Data></Cell>' * 20 + "</Row>"
    xml = ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="s"><Table>'
           + row * 3000 + "</Table></Worksheet></Workbook>").encode()
    tracemalloc.start()
    [sheet] = read_markup_grids(xml, "xml2003", "a")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(sheet.rows) == 3000 and peak < 20 * 2**20


def test_an_xml_spreadsheet_lets_go_of_what_it_has_read_anywhere():
    """Elements outside the rows (millions of siblings of the worksheets, or of the cells in
    one row) are let go as they end, like the rows; names used twice are told apart."""
    import tracemalloc

    head = ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">')
    cells = '<Cell><Data ss:Type="Number">1</Data></Cell>' * 60_000
    xml = (head + "<a/>" * 200_000 + '<Worksheet ss:Name="表"><Table><Row>' + cells + "</Row></Table></Worksheet>"
           '<Worksheet ss:Name="表"><Table><Row><Cell><Data ss:Type="String">x</Data></Cell></Row></Table>'
           "</Worksheet></Workbook>").encode()
    tracemalloc.start()
    first, second = read_markup_grids(xml, "xml2003", "a")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert first.rows == [[1.0] * 64] and second.rows == [["x"]] and peak < 35 * 2**20   # a tree: 56 MB
    assert (first.name, second.name) == ("表", "表 (2)")


def test_an_error_cell_without_a_value_leaves_the_next_cell_alone(tmp_path):
    from tests.test_container_checks import _with_sheet, SHEET
    from workbook_builder.readers.source import read_source
    import zipfile

    with zipfile.ZipFile(GOOD) as package:
        sheet = package.read(SHEET)
    cells = ('<row r="30"><c r="M30" t="e"/><c r="N30" t="str"><f>1+84</f><v>85</v></c></row>'
             '<row r="31"><c r="M31" t="e"><v>#SPILL!</v></c><c r="N31"><v>7</v></c></row></sheetData>')
    path = _with_sheet(tmp_path, "e.xlsx", sheet.replace(b"</sheetData>", cells.encode()))
    grid = read_source(path)[1][0]
    assert (grid.value(29, 13), grid.value(30, 12), grid.value(30, 13)) == ("85", "#SPILL!", 7.0)


def test_a_less_than_sign_that_opens_no_tag_is_text():
    """``指标<5``: text, as a browser shows it (html.parser would take ``<5`` for text but ``<b``
    for a tag that swallows what follows, and rescans such a tag from every later one)."""
    page = _page("<table><tr><td>故障率<b次</td><td>c</td></tr></table>" + "<b" * 50)
    [grid] = read_markup_grids(page, "html", "a")
    assert grid.rows[0] == ["故障率<b次", "c"]


def test_formatted_text_in_an_xml_cell_is_read_whole():
    """Excel writes a cell with bold or coloured parts as HTML inside ss:Data: every part."""
    xml = ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" xmlns:html="http://www.w3.org/TR/REC-html40">'
           '<Worksheet ss:Name="自评表"><Table><Row>'
           '<Cell><ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40"><B><Font html:Color="#FF0000">'
           '三级</Font></B><Font>指标</Font></ss:Data></Cell>'
           '<Cell><ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40"><U><B><Font>年度</Font></B></U>'
           '指标值</ss:Data></Cell></Row></Table></Worksheet></Workbook>')
    assert read_markup_grids(xml.encode(), "xml2003", "a")[0].rows == [["三级指标", "年度指标值"]]


@pytest.mark.parametrize("make", [
    lambda page: b"<div class='grid'>" + page + b"</div>",             # an ASP.NET GridView export
    lambda page: b"<style>td {}</style>" + page,
    lambda page: b"<!--" + b"x" * 5000 + b"-->" + page,                 # a long comment first
    lambda page: page.decode("gb18030").encode("utf-16-le"),            # UTF-16 without its mark
])
def test_pages_however_they_begin(make):
    page = excel_page(GOOD)
    assert sniff(make(page)) == "html"


def test_xml_spreadsheets_however_they_begin():
    xml = spreadsheet_xml(GOOD).split(b"?>", 1)[1]   # no <?xml …?> line: <?mso-application …?> first
    assert sniff(xml) == "xml2003"
    assert sniff(b"<?xml version='1.0'?><!--" + b"x" * 5000 + b"-->" + xml) == "xml2003"


def test_many_sheets_of_one_name_and_pages_of_one_huge_row_are_read_in_time():
    """Names told apart without counting from 2 each time (20,000 sheets named S took 40 s);
    a page stops after the cells a grid can hold; a cell or the text outside the tables keeps
    no more characters than a cell (a 60 MB paragraph took 1.2 GB)."""
    import time
    import tracemalloc

    from workbook_builder.readers.markup import MAX_CELLS

    sheets = '<Worksheet ss:Name="S"><Table><Row><Cell><Data ss:Type="String">x</Data></Cell></Row></Table></Worksheet>'
    xml = ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">' + sheets * 20_000 + "</Workbook>").encode()
    start = time.process_time()
    grids = read_markup_grids(xml, "xml2003", "a")
    assert time.process_time() - start < 15 and grids[-1].name == "S (20000)" and len({g.name for g in grids}) == 20_000
    [wide] = read_markup_grids(_page("<table><tr>" + "<td>1</td>" * (MAX_CELLS + 20_000) + "</tr></table><title>后</title>"),
                               "html", "a")
    assert wide.truncated and wide.name == "a"
    for body, most in (("<p>" + "字 " * 3_000_000 + "</p><table><tr><td>1</td></tr></table>", 100),   # was 275 MB
                       ("<table><tr><td><table>" + "<tr><td>字</td></tr>" * 100_000 + "</table></td></tr></table>", 12)):
        tracemalloc.start()
        [long] = read_markup_grids(_page(body), "html", "a")
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert len(long.rows[0][0]) <= 4001 and peak < most * 2**20


def test_the_values_copy_names_each_sheet_as_excel_accepts_and_says_how(tmp_path):
    """A sheet name Excel refuses (a control character from a crafted package, a colon) is
    changed in the values copy, and the copy says to what (targets marks its cells by it)."""
    from openpyxl import load_workbook as load

    from workbook_builder.readers.container import Grid
    from workbook_builder.recalc.copies import values_workbook

    grids = [Grid("a:b", [[1.0]], 0, 0), Grid("\x01表", [["x"]], 0, 0), Grid("A_B", [[2.0]], 0, 0),
             Grid("'引号'", [[3.0]], 0, 0)]
    titles = values_workbook(grids, tmp_path / "v.xlsx")
    assert titles == {"a:b": "a_b", "\x01表": "表", "A_B": "A_B_2", "'引号'": "引号"}
    assert load(tmp_path / "v.xlsx").sheetnames == ["a_b", "表", "A_B_2", "引号"]


def test_the_values_copy_keeps_each_kind_of_value_and_the_hidden_sheets(tmp_path):
    """The values copy is streamed (XlsxWriter): dates, times, logical values and numbers keep
    their kind and a date format, text stays text, and a hidden first sheet stays hidden (the
    active sheet is the first visible one)."""
    import datetime as dt

    from openpyxl import load_workbook as load

    from workbook_builder.readers.container import Grid
    from workbook_builder.recalc.copies import values_workbook

    row = [dt.datetime(2024, 3, 1, 8, 30), dt.date(2024, 3, 2), dt.time(8, 15), True, 3, "=1+1", None, ""]
    values_workbook([Grid("隐藏", [[1.0]], 0, 0, hidden=True), Grid("表", [row], 2, 1)], tmp_path / "v.xlsx")
    book = load(tmp_path / "v.xlsx")
    assert [(ws.title, ws.sheet_state) for ws in book.worksheets] == [("隐藏", "hidden"), ("表", "visible")]
    cells = {c.coordinate: c for c in book["表"][3] if c.value is not None}
    assert {ref: (c.value, c.number_format) for ref, c in cells.items()} == {
        "B3": (dt.datetime(2024, 3, 1, 8, 30), "yyyy-mm-dd h:mm:ss"), "C3": (dt.datetime(2024, 3, 2), "yyyy-mm-dd"),
        "D3": (dt.time(8, 15), "h:mm:ss"), "E3": (True, "General"), "F3": (3, "General"), "G3": ("=1+1", "General")}
    assert cells["G3"].data_type == "s"
    widths = book["表"].column_dimensions["B"]   # (B to I in one <col>: 14 characters and the padding)
    assert (widths.min, widths.max, round(widths.width)) == (2, 9, 15)


def test_text_struck_through_in_a_page_cell_is_not_read():
    """A value corrected by hand in a web form (<s>10</s>7, <del>, <strike>): the 7 is the cell's
    value (it had read as 107); an <s> left open ends with its cell."""
    body = ("<table><tr><td><s>10</s>7</td><td><strike>9</strike> 8</td><td><del>5</del>6</td>"
            "<td><s>未闭合</td><td>4</td></tr></table>")
    [grid] = read_markup_grids(_page(body), "html", "表")
    assert grid.rows == [[7.0, 8.0, 6.0, "", 4.0]]


def test_the_values_copy_carries_marks_on_empty_cells_and_dates_too(tmp_path):
    """Marks written with the values (a target list's copy): a flagged empty cell is filled and
    commented, a flagged date keeps its date format, a note alone leaves its cell unfilled."""
    import datetime as dt

    from openpyxl import load_workbook as load

    from workbook_builder.readers.container import Grid
    from workbook_builder.recalc.copies import values_workbook

    grid = Grid("清单", [["项目", None, dt.date(2024, 3, 1)]], 0, 0)
    marks = {"清单": {"B1": ("\n缺少指标值", True), "C1": ("日期", True), "A1": ("审核等级 良", False), "D3": ("下方", True)}}
    values_workbook([grid], tmp_path / "v.xlsx", marks, "perfbook 目标审核")
    ws = load(tmp_path / "v.xlsx")["清单"]
    assert (ws["B1"].value, ws["B1"].fill.fgColor.rgb, ws["B1"].comment.text) == (None, "FFFF9999", "缺少指标值")
    assert ws["C1"].number_format == "yyyy-mm-dd" and ws["C1"].fill.fgColor.rgb == "FFFF9999"
    assert ws["A1"].fill.fgColor.rgb != "FFFF9999" and ws["A1"].comment.author == "perfbook 目标审核"
    assert ws["D3"].comment.text == "下方"   # (a mark below the values read)
