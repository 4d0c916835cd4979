"""Annotated copies are faithful: every part of the original package is in the copy, unchanged
except the parts the marks must change; and nothing from the input becomes a formula."""

import re
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from tests.conftest import ROOT
from workbook_builder.recalc.run import check_file
from workbook_builder.recalc import textsize

SAMPLE = ROOT / "samples" / "chaoyang-2024" / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx"
VBA = b"\xd0\xcf\x11\xe0 not really a VBA project, but bytes that must survive \x00\x01\x02"
# The parts the marks must change: the marked sheet and its relationships (comments), styles
# (highlight formats), the workbook (new first sheet, print titles), its relationships and the
# content types.
MAY_CHANGE = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
              "xl/worksheets/sheet1.xml", "xl/worksheets/_rels/sheet1.xml.rels"}


def _png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


def _rich_workbook(tmp_path: Path) -> Path:
    """The sample with a chart, an image, data validation, a defined name, widths, print setup
    and a VBA project, saved as .xlsm."""
    wb = load_workbook(SAMPLE)
    ws = wb["自评表"]
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=6, min_row=13, max_row=16))
    ws.add_chart(chart, "M2")
    validation = DataValidation(type="list", formula1='"优,良,中,差"', allow_blank=True)
    ws.add_data_validation(validation)
    validation.add("L13:L16")
    wb.defined_names["预算数"] = DefinedName("预算数", attr_text="'自评表'!$D$6")
    ws.column_dimensions["B"].width = 33
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", 9
    ws.print_title_rows = "1:2"
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    rich = tmp_path / "rich.xlsm"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(rich, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                data = data.replace(b"<Default ", b'<Default Extension="bin" ContentType="application/vnd.ms-office.'
                                    b'vbaProject"/><Default Extension="png" ContentType="image/png"/><Default ', 1)
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft'
                                    b'.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/>'
                                    b"</Relationships>")
            elif info.filename == "xl/drawings/drawing1.xml":
                pic = (b'<xdr:oneCellAnchor><xdr:from><xdr:col>14</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>20'
                       b'</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="952500" cy="952500"/><xdr:pic>'
                       b'<xdr:nvPicPr><xdr:cNvPr id="9" name="Picture 9"/><xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill>'
                       b'<a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
                       b'r:embed="rIdImg"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr><a:prstGeom '
                       b'prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/></xdr:oneCellAnchor>')
                data = data.replace(b"</xdr:wsDr>", pic + b"</xdr:wsDr>")
            elif info.filename == "xl/drawings/_rels/drawing1.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdImg" Type="http://schemas.openxml'
                                    b'formats.org/officeDocument/2006/relationships/image" '
                                    b'Target="../media/image1.png"/></Relationships>')
            out.writestr(info.filename, data)
        out.writestr("xl/vbaProject.bin", VBA)
        out.writestr("xl/media/image1.png", _png())
    return rich


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_copy_keeps_every_part_it_does_not_need_to_change(tmp_path):
    rich = _rich_workbook(tmp_path)
    before = rich.read_bytes()
    [report] = check_file(str(rich), None, str(tmp_path), "copy.xlsm", "rich.xlsm")
    assert report.annotated == "copy.xlsm" and report.findings
    assert rich.read_bytes() == before
    original, copy = _parts(rich), _parts(tmp_path / "copy.xlsm")
    assert {"xl/vbaProject.bin", "xl/media/image1.png", "xl/charts/chart1.xml", "xl/drawings/drawing1.xml"} <= set(original)
    missing = sorted(set(original) - set(copy))
    changed = sorted(name for name in original if name in copy and copy[name] != original[name])
    assert missing == [], f"parts lost in the copy: {missing}"
    assert set(changed) <= MAY_CHANGE, f"parts changed that the marks do not need: {sorted(set(changed) - MAY_CHANGE)}"
    added = set(copy) - set(original)
    assert any(name.startswith("xl/comments") for name in added)
    assert any(name.endswith(".vml") for name in added)

    sheet = copy["xl/worksheets/sheet1.xml"]
    assert b"dataValidation" in sheet and b'orientation="landscape"' in sheet and b"<drawing " in sheet
    assert b"ms-excel.sheet.macroEnabled.main+xml" in copy["[Content_Types].xml"]
    book = load_workbook(tmp_path / "copy.xlsm", keep_vba=True)
    assert book.sheetnames == ["复核结果", "自评表"] and book.active.title == "复核结果"
    assert book.vba_archive.read("xl/vbaProject.bin") == VBA
    assert book["自评表"].column_dimensions["B"].width == 33
    assert book["自评表"].print_title_rows == "$1:$2"          # sheet-local name moved with its sheet
    assert book["复核结果"].print_title_rows == "$1:$1"
    assert book.defined_names["预算数"].attr_text == "'自评表'!$D$6"
    flagged = book["自评表"]["J14"]
    assert "得分应为7.00" in flagged.comment.text and flagged.fill.fgColor.rgb.endswith("FF9999")
    review = book["复核结果"]
    assert review.freeze_panes == "A2" and review.auto_filter.ref == "A1:H3"   # a finding, then the total
    assert review.page_setup.orientation == "landscape" and review.page_setup.fitToWidth == 1
    assert review.sheet_properties.pageSetUpPr.fitToPage
    assert review["C2"].hyperlink.location == "'自评表'!J14"
    assert {c.alignment.vertical for row in review.iter_rows(min_row=2) for c in row if c.value is not None} == {"top"}
    assert review["C3"].hyperlink.location == f"'自评表'!{report.total_cell}" and report.total_cell


def test_existing_comments_are_kept_and_extended(tmp_path):
    from openpyxl.comments import Comment

    wb = load_workbook(SAMPLE)
    wb["自评表"]["J14"].comment = Comment("单位说明：已按合同执行", "填报人")
    wb["自评表"]["B3"].comment = Comment("另一条批注", "填报人")
    path = tmp_path / "commented.xlsx"
    wb.save(path)
    check_file(str(path), None, str(tmp_path), "copy.xlsx", "commented.xlsx")
    book = load_workbook(tmp_path / "copy.xlsx")
    text = book["自评表"]["J14"].comment.text
    assert text.startswith("单位说明：已按合同执行") and "得分应为7.00" in text
    assert book["自评表"]["B3"].comment.text == "另一条批注"


def test_findings_on_two_sheets_are_marked_on_both(tmp_path):
    """Two sheets with findings each get their own comments part (both had been given
    comments1.xml, and one sheet's comments were lost or shown on the other)."""
    wb = load_workbook(SAMPLE)
    wb.copy_worksheet(wb["自评表"]).title = "自评表2"
    path = tmp_path / "two.xlsx"
    wb.save(path)
    reports = check_file(str(path), None, str(tmp_path), "copy.xlsx", "two.xlsx")
    assert [(r.sheet, [f.cell for f in r.findings]) for r in reports] == [("自评表", ["J14"]), ("自评表2", ["J14"])]
    book = load_workbook(tmp_path / "copy.xlsx")
    assert all("得分应为7.00" in book[sheet]["J14"].comment.text for sheet in ("自评表", "自评表2"))
    with zipfile.ZipFile(tmp_path / "copy.xlsx") as z:
        assert len([n for n in z.namelist() if n.startswith("xl/comments")]) == 2


def _rewritten(source: Path, dest: Path, change) -> Path:
    """``source`` with each part's bytes passed through ``change(name, data)``."""
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            out.writestr(info.filename, change(info.filename, z.read(info)))
    return dest


def _selected(path: Path) -> list[str]:
    import re

    with zipfile.ZipFile(path) as z:
        return [n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")
                and re.search(rb"""tabSelected\s*=\s*["'](?:1|true)["']""", z.read(n))]


def test_only_the_review_sheet_is_selected_whatever_wrote_the_file(tmp_path):
    """A sheet without findings that was selected, as LibreOffice writes it (tabSelected="true"),
    is no longer selected in the copy: two selected sheets open grouped in Excel, and typing in
    复核结果 would write into the other one too."""
    wb = load_workbook(SAMPLE)
    wb.create_sheet("说明", 0)["A1"] = "封面"
    wb.active = 0
    wb["说明"].sheet_view.tabSelected = True
    wb.save(tmp_path / "excel.xlsx")
    path = _rewritten(tmp_path / "excel.xlsx", tmp_path / "lo.xlsx",
                      lambda name, data: data.replace(b'tabSelected="1"', b'tabSelected="true"'))
    assert len(_selected(path)) == 1
    check_file(str(path), None, str(tmp_path), "copy.xlsx", "lo.xlsx")
    assert _selected(tmp_path / "copy.xlsx") == ["xl/worksheets/perfbook_review1.xml"]


def test_notes_added_to_a_drawing_parse_and_have_ids_of_their_own(tmp_path):
    """Shapes added to a sheet's comment drawing declare their namespaces (openpyxl's drawing
    declares none, and the drawing was no longer XML) and take ids after those it has (a copy
    checked again after a change gave its new note the id of the first run's note)."""
    import re

    from lxml import etree
    from openpyxl.comments import Comment

    wb = load_workbook(SAMPLE)
    wb["自评表"]["A1"].comment = Comment("填报说明", "填报人")
    wb.save(tmp_path / "commented.xlsx")
    check_file(str(tmp_path / "commented.xlsx"), None, str(tmp_path), "copy.xlsx", "commented.xlsx")
    again = _rewritten(tmp_path / "copy.xlsx", tmp_path / "again.xlsx", lambda name, data: re.sub(
        rb'(<c r="J20"[^>]*>)(?:<f>[^<]*</f>)?<v>[^<]*</v>', rb"\g<1><v>50</v>", data)
        if name == "xl/worksheets/sheet1.xml" else data)   # the unit changes the copy's 总分, sends it back
    reports = check_file(str(again), None, str(tmp_path), "copy2.xlsx", "again.xlsx")
    assert {f.cell for r in reports for f in r.findings} == {"J14", "J20"}
    for copy in ("copy.xlsx", "copy2.xlsx"):
        with zipfile.ZipFile(tmp_path / copy) as z:
            [drawing] = [n for n in z.namelist() if n.endswith(".vml")]
            shapes = etree.fromstring(z.read(drawing)).findall(".//{urn:schemas-microsoft-com:vml}shape")
        ids = [shape.get("id") for shape in shapes]
        assert len(ids) == len(set(ids)) == (2 if copy == "copy.xlsx" else 3)


def test_computed_values_are_seen_beside_each_table(tmp_path):
    """Two tables side by side on one sheet get a computed column each (the second had written
    over the first's); a column the sheet hides (a template hiding L:XFD) is shown where the
    computed values and the grade go, the rest stays hidden; a range merged right of the table
    over columns with no cells is passed (the values had been written under it)."""
    wb = load_workbook(SAMPLE)
    ws = wb["自评表"]
    for row in ws.iter_rows(min_row=1, max_row=20, max_col=11):
        for cell in row:
            if cell.value is not None:
                ws.cell(cell.row, cell.column + 12).value = cell.value
    ws["O3"], ws["T14"] = "项目乙", "按照既定目标提供项目总结报告1份"   # table 2's actual meets its target
    wb.save(tmp_path / "side.xlsx")
    reports = check_file(str(tmp_path / "side.xlsx"), None, str(tmp_path), "side_copy.xlsx", "side.xlsx")
    assert [r.computed_total for r in reports] == [94, 97]
    copy = load_workbook(tmp_path / "side_copy.xlsx")["自评表"]
    assert (copy["X14"].value, copy["X20"].value, copy["Y20"].value) == (7, 94, "等级：优")
    assert copy["X14"].number_format == "0.00"   # (as scores are reported: 7.00 beside a reported 10.00)
    assert (copy["Z14"].value, copy["Z20"].value, copy["AA20"].value) == (10, 97, "等级：优")

    for cols in (b'<col min="12" max="16384" width="9" hidden="1" customWidth="1"/>',
                 b'<col min="12" max="20" width="0" customWidth="1"/>'):   # hidden, or 0 wide
        hidden = _rewritten(SAMPLE, tmp_path / "hidden.xlsx", lambda name, data: data.replace(
            b"<sheetData", b"<cols>" + cols + b"</cols><sheetData", 1) if name == "xl/worksheets/sheet1.xml" else data)
        check_file(str(hidden), None, str(tmp_path), "hidden_copy.xlsx", "hidden.xlsx")
        dims = load_workbook(tmp_path / "hidden_copy.xlsx")["自评表"].column_dimensions
        assert [(dims[c].hidden, dims[c].width) for c in "LM"] == [(False, 14), (False, 10)]
        assert dims["N"].hidden or dims["N"].width == 0

    for ranges, column in ((b'<mergeCell ref="K12:M20"/>', "N"),            # over L:M, which hold no cells
                           (b'<mergeCell ref="M20:N20"/>', "O"),            # over the grade's column
                           (b'<mergeCell ref="L40:P40"/>', "L")):           # below the table: no matter
        merged = _rewritten(SAMPLE, tmp_path / "merged.xlsx", lambda name, data: data.replace(
            b"</sheetData>", b"</sheetData><mergeCells>" + ranges + b"</mergeCells>")
            if name == "xl/worksheets/sheet1.xml" else data)
        check_file(str(merged), None, str(tmp_path), "merged_copy.xlsx", "merged.xlsx")
        copy = load_workbook(tmp_path / "merged_copy.xlsx")["自评表"]
        grade = chr(ord(column) + 1)
        assert (copy[f"{column}14"].value, copy[f"{column}20"].value, copy[f"{grade}20"].value) == (7, 94, "等级：优")


def test_new_parts_take_names_no_part_or_content_type_has(tmp_path):
    """A content type left for a part that is gone (/xl/comments1.xml) and a part whose name
    differs only in case (xl/Comments2.xml) are names taken: the package format compares names
    ignoring case, and two Overrides for one part make a package Excel refuses."""
    import collections

    def stale(name, data):
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", b'<Override PartName="/xl/comments1.xml" ContentType="application/'
                                b'vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/></Types>')
        return data
    path = _rewritten(SAMPLE, tmp_path / "stale.xlsx", stale)
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/Comments2.xml", b"<comments/>")
    check_file(str(path), None, str(tmp_path), "copy.xlsx", "stale.xlsx")
    with zipfile.ZipFile(tmp_path / "copy.xlsx") as z:
        names = z.namelist()
        types = z.read("[Content_Types].xml").decode()
    assert "xl/comments3.xml" in names and len({n.lower() for n in names}) == len(names)
    overrides = collections.Counter(re.findall(r'PartName="([^"]+)"', types))
    assert max(overrides.values()) == 1 and overrides["/xl/comments3.xml"] == 1
    assert load_workbook(tmp_path / "copy.xlsx")["自评表"]["J14"].comment is not None


def test_a_cell_in_the_last_column_leaves_no_room_and_breaks_nothing(tmp_path):
    """A stray value in XFD, a sheet's last column: the finding is marked, and no computed value
    is written past XFD (a column Excel does not have: it would call the copy damaged)."""
    wb = load_workbook(SAMPLE)
    wb["自评表"]["XFD5"] = "备注"
    wb.save(tmp_path / "far.xlsx")
    check_file(str(tmp_path / "far.xlsx"), None, str(tmp_path), "copy.xlsx", "far.xlsx")
    with zipfile.ZipFile(tmp_path / "copy.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert not re.search(r'r="XF[E-Z]\d+"|min="1638[5-9]"|:XF[E-Z]\d', sheet)
    assert load_workbook(tmp_path / "copy.xlsx")["自评表"]["J14"].comment is not None


def test_a_finding_inside_a_merged_range_is_marked_where_it_shows(tmp_path):
    """A finding cell inside a merged range but not its top-left (J14 of i14:j14) is marked and
    noted on the cell that shows it (I14): a mark on a hidden cell is seen by no one."""
    path = _rewritten(SAMPLE, tmp_path / "merged.xlsx", lambda name, data: data.replace(   # (as Excel reads it)
        b"</sheetData>", b'</sheetData><mergeCells count="2"><mergeCell ref="A1"/><mergeCell ref="i14:j14"/>'
        b'</mergeCells>') if name == "xl/worksheets/sheet1.xml" else data)
    [report] = check_file(str(path), None, str(tmp_path), "copy.xlsx", "merged.xlsx")
    assert [f.cell for f in report.findings] == ["J14"]
    sheet = load_workbook(tmp_path / "copy.xlsx")["自评表"]
    assert "得分应为7.00" in sheet["I14"].comment.text and sheet["I14"].fill.fgColor.rgb.endswith("FF9999")


def test_hostile_text_stays_text_in_the_copy(tmp_path):
    wb = load_workbook(SAMPLE)
    ws = wb["自评表"]
    ws["C3"] = '=HYPERLINK("http://example.invalid","点我")'
    ws["C3"].data_type = "s"
    ws["K14"] = "原因_x000B_第二行" + "长" * 5000
    path = tmp_path / "hostile.xlsx"
    wb.save(path)
    shutil.copy(path, tmp_path / "original.xlsx")
    [report] = check_file(str(path), None, str(tmp_path), "copy.xlsx", "hostile.xlsx")
    book = load_workbook(tmp_path / "copy.xlsx")
    review = book["复核结果"]
    cells = [c for row in review.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(c.value == report.project for c in cells) and report.project.startswith("=HYPERLINK")
    assert all(len(str(c.value)) <= 1000 for c in cells)


def test_strict_ooxml_package_is_annotated(tmp_path):
    """Strict OOXML uses other namespaces for the sheet XML and r:id; the copy still gets its marks."""
    strict = tmp_path / "strict.xlsx"
    with zipfile.ZipFile(SAMPLE) as src, zipfile.ZipFile(strict, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/") and info.filename.endswith(".xml"):
                data = data.replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                                    b"http://purl.oclc.org/ooxml/spreadsheetml/main")
                data = data.replace(b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                                    b"http://purl.oclc.org/ooxml/officeDocument/relationships")
            out.writestr(info.filename, data)
    from workbook_builder.readers.tables import read_tables
    from workbook_builder.recalc.annotate import write_annotated
    from workbook_builder.recalc.run import report_table

    reads = read_tables(SAMPLE)  # the reader's own Strict support is not under test here
    write_annotated(strict, tmp_path / "copy.xlsx", reads, [report_table(r, None, "x") for r in reads])
    copy = _parts(tmp_path / "copy.xlsx")
    sheet = copy["xl/worksheets/sheet1.xml"].decode()
    assert "purl.oclc.org/ooxml/spreadsheetml/main" in sheet and "复核计算值" in sheet
    assert b'name="\xe5\xa4\x8d\xe6\xa0\xb8\xe7\xbb\x93\xe6\x9e\x9c"' in copy["xl/workbook.xml"]  # 复核结果


def test_non_finite_numbers_are_written_as_text(tmp_path):
    from workbook_builder.readers.tables import read_tables
    from workbook_builder.recalc.annotate import write_annotated
    from workbook_builder.recalc.run import report_table

    reads = read_tables(SAMPLE)
    pairs = [report_table(r, None, "x") for r in reads]
    pairs[0][0].findings[0].reported = float("nan")
    pairs[0][0].findings[0].expected = float("inf")
    write_annotated(SAMPLE, tmp_path / "copy.xlsx", reads, pairs)
    review = load_workbook(tmp_path / "copy.xlsx")["复核结果"]
    assert (review["G2"].value, review["H2"].value) == ("nan", "inf")


WORKBOOK_TYPES = {   # the workbook part's content type, by what the package is
    "xlsx": b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "xltx": b"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "xlsm": b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "xltm": b"application/vnd.ms-excel.template.macroEnabled.main+xml",
}


def _typed(dest: Path, kind: str) -> None:
    """The sample with its workbook typed as ``kind`` (a template, a macro-enabled workbook)."""
    with zipfile.ZipFile(SAMPLE) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(WORKBOOK_TYPES["xlsx"], WORKBOOK_TYPES[kind])
            out.writestr(info.filename, data)


def test_templates_and_renamed_workbooks_are_read_and_copied_as_excel_opens_them(tmp_path):
    """Templates (.xltx, .xltm, .xlt, WPS .ett) and Word templates in a folder are read like the
    files they hold. A workbook's format is its content type, not its name: an .xlsm renamed
    .xlsx is xlsm and gets an .xlsm copy, an .xlsx renamed .xlsm an .xlsx copy; a template's copy
    is typed as a workbook. (Excel refuses a copy whose content type disagrees with its suffix.)"""
    from tests.office_formats import to_docx
    from workbook_builder.cli import main

    folder = tmp_path / "收到"
    folder.mkdir()
    _typed(folder / "t.xltx", "xltx")
    _typed(folder / "m.xltm", "xltm")
    _typed(folder / "renamed.xlsx", "xlsm")
    shutil.copy(SAMPLE, folder / "plain.xlsm")
    for name in ("old.xlt", "wps.ett"):
        shutil.copy(ROOT / "tests" / "data" / "formats" / "26_website.xls", folder / name)
    to_docx(SAMPLE, folder / "w.dotx")
    assert main(["recalc", str(folder), "-o", str(tmp_path / "out"), "--json", str(tmp_path / "r.json"),
                 "--jobs", "1"]) == 0
    import json

    tables = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["tables"]
    assert {t["file"]: (t["format"], t["annotated"]) for t in tables} == {
        "收到/m.xltm": ("xlsm", "m_复核.xlsm"), "收到/old.xlt": ("xls", "old_复核.xlsx"),
        "收到/plain.xlsm": ("xlsx", "plain_复核.xlsx"), "收到/renamed.xlsx": ("xlsm", "renamed_复核.xlsm"),
        "收到/t.xltx": ("xlsx", "t_复核.xlsx"), "收到/w.dotx": ("docx", "w_复核.docx"),
        "收到/wps.ett": ("et", "wps_复核.xlsx")}
    assert {t["computed_total"] for t in tables} == {94.0}
    for t in tables:
        if t["annotated"].endswith((".xlsx", ".xlsm")):
            types = _parts(tmp_path / "out" / t["annotated"])["[Content_Types].xml"]
            assert WORKBOOK_TYPES[t["annotated"][-4:]] in types and b".template." not in types, t["file"]


def test_the_review_sheets_rows_are_as_tall_as_their_wrapped_text(tmp_path):
    """LibreOffice and WPS do not fit a row to wrapped text on opening a file: a finding whose
    说明 takes three lines of its 60-wide column gets a row three lines tall, so that it prints whole."""
    source = ROOT / "samples" / "chaoyang-2024" / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx"
    book = load_workbook(source)
    book["自评表"]["J13"] = 1.67   # 得分应为7.00，填报为1.67（另试按…计为…，均不是1.67）: 93 characters
    book.save(tmp_path / "26.xlsx")
    check_file(str(tmp_path / "26.xlsx"), None, str(tmp_path), "copy.xlsx", "26.xlsx")
    review = load_workbook(tmp_path / "copy.xlsx")["复核结果"]
    messages = {row[2].value: (row[5].value, review.row_dimensions[row[0].row].height)
                for row in review.iter_rows(min_row=2)}
    long, height = messages["J13"]
    assert len(long) == 93 and height == 3 * textsize.LINE_HEIGHT
    assert messages["J14"][1] == 2 * textsize.LINE_HEIGHT   # 实际完成值超出…，按规则…，得分应为7.00，填报为10
    assert review.row_dimensions[1].height is None            # the header: one line


def test_a_tables_note_is_in_the_review_sheet_with_or_without_findings(tmp_path):
    """Why perfbook computed a table's scores (a template filled without the add-in) is said in
    复核结果: in the 无问题 row of a table without findings, in a 说明 row before the findings
    of one with them."""
    from workbook_builder.readers.tables import read_tables
    from workbook_builder.recalc.annotate import write_annotated
    from workbook_builder.recalc.run import report_table

    reads = read_tables(SAMPLE)
    pairs = [report_table(r, None, SAMPLE.name) for r in reads]
    pairs[0][0].note = "计分由本工具计算"
    write_annotated(SAMPLE, tmp_path / "with.xlsx", reads, pairs)
    rows = list(load_workbook(tmp_path / "with.xlsx")["复核结果"].iter_rows(min_row=2, values_only=True))
    assert [(r[4], r[5]) for r in rows][:1] == [("说明", "计分由本工具计算")] and len(rows) == 1 + len(pairs[0][0].findings) + 1
    assert rows[-1][2:] == ("J20", "总分", "复核结果", "计算总分比填报总分低 3 分；等级仍为“优”", 97, 94)   # what they come to
    from dataclasses import replace

    ungraded = [(replace(pairs[0][0], computed_total=None, grade=None, reported_grade=None), pairs[0][1]), *pairs[1:]]
    write_annotated(SAMPLE, tmp_path / "none.xlsx", reads, ungraded)
    rows = list(load_workbook(tmp_path / "none.xlsx")["复核结果"].iter_rows(min_row=2, values_only=True))
    assert rows[-1][5] == "有不能计分的项（见问题），计算总分无法得出，未定等级"
    pairs[0][0].findings = []
    write_annotated(SAMPLE, tmp_path / "without.xlsx", reads, pairs)
    [row] = load_workbook(tmp_path / "without.xlsx")["复核结果"].iter_rows(min_row=2, values_only=True)
    assert row[4] == "无问题" and row[5] == "计算总分 94.0，等级 优；计分由本工具计算"


@pytest.mark.parametrize("stray, widened", [(None, True), ("AZ1", False), ("XFD1", False)])
def test_the_print_area_takes_in_the_computed_values_beside_the_table(tmp_path, stray, widened):
    """A sheet's print area is taken right to the computed values standing beside the table; not
    to values pushed far right by a stray cell (the printout would shrink to forty columns), nor
    past the sheet's last column (a name Excel would have to repair)."""
    book = load_workbook(SAMPLE)
    sheet = book["自评表"]
    sheet.print_area = "A1:K25"
    if stray:
        sheet[stray] = "备注"
    book.save(tmp_path / "26.xlsx")
    check_file(str(tmp_path / "26.xlsx"), None, str(tmp_path), "copy.xlsx", "26.xlsx")
    copy = load_workbook(tmp_path / "copy.xlsx")["自评表"]
    computed = next(c.column_letter for row in copy.iter_rows() for c in row if c.value == "复核计算值") if widened else "K"
    grade = next((c.column_letter for row in copy.iter_rows() for c in row if str(c.value).startswith("等级：")), computed)
    assert copy.print_area == f"'自评表'!$A$1:${grade if widened else 'K'}$25"


def test_rates_in_the_findings_sheet_are_percentages_aligned_with_their_row(tmp_path):
    """复核结果's 填报值 and 应为 of a rate (执行率) read as percentages, at the top of their row as
    the sentence beside them (a figure had sat at the bottom of a row of three lines)."""
    from workbook_builder.recalc.run import recalc

    source = next((ROOT / "samples" / "chaoyang-2024" / "submitted").glob("12_*.xlsx"))
    [report] = recalc([str(source)], tmp_path / "out", jobs=1).reports
    review = load_workbook(tmp_path / "out" / report.annotated)["复核结果"]
    [row] = [r for r in review.iter_rows(min_row=2) if r[4].value == "执行率不一致"]
    assert [(c.number_format, c.alignment.vertical) for c in row[6:8]] == [("0.00%", "top")] * 2
