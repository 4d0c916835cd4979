"""Numbers shown as percentages: Excel stores ``100%`` typed into a cell as 1 in a cell formatted
0%, so a unit that typed 100% as the 实际完成值 of a ``%`` indicator (or the 执行率) sent 1. Read as
a number, that was 1% of the indicator: 得分应为0.11 where the unit was right. .xlsx cells whose
style shows a percentage are read as the text the unit saw (``100%``, ``99.97%``)."""

from __future__ import annotations

import logging
import math
import re
import struct
import zipfile
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.office_formats import SOFFICE, convert
from workbook_builder.logs import logger
from workbook_builder.readers.container import percent_text, shows_percent
from workbook_builder.readers.source import read_grids
from workbook_builder.recalc.run import check_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "chaoyang-2024" / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx"
# H19: 实际完成值 of 用户满意度 (≥ 90 %), written 用户满意度为100%; G6: the 执行率 100%; both given 10 points
SATISFACTION, RATE = "H19", "G6"


def _findings(path: Path) -> list[tuple[str, str, str]]:
    reports = check_file(str(path), None, None, None, path.name)
    return sorted((f.cell, f.kind, f.message) for r in reports for f in r.findings)


def _sheet_value(path: Path, cell: str) -> object:
    grid = read_grids(path)[0]
    ref = load_workbook(path, read_only=True).active[cell]
    return grid.shown(ref.row - 1, ref.column - 1)


def _variant(tmp_path: Path, name: str, cells: dict[str, tuple[object, str]]) -> Path:
    book = load_workbook(SAMPLE)
    sheet = book.active
    for cell, (value, number_format) in cells.items():
        sheet[cell] = value
        sheet[cell].number_format = number_format
    path = tmp_path / name
    book.save(path)
    return path


@pytest.mark.parametrize("number_format", ["0%", "0.00%", "0.0%", "[Red]0%;-0%", '"满意度"0%'])
def test_percent_typed_into_a_cell_is_read_as_shown(tmp_path, number_format):
    path = _variant(tmp_path, "pct.xlsx", {SATISFACTION: (1, number_format), RATE: (1, number_format)})
    assert _sheet_value(path, SATISFACTION) == "100%"
    assert _sheet_value(path, RATE) == "100%"
    assert _findings(path) == _findings(SAMPLE)   # the sample's own finding (J14), nothing more


def test_a_percentage_keeps_its_precision(tmp_path):
    path = _variant(tmp_path, "pct.xlsx", {SATISFACTION: (0.9997, "0%")})
    assert _sheet_value(path, SATISFACTION) == "99.97%"   # shown as 100%, read as what it is


@pytest.mark.parametrize("number_format", ['0"%"', "0\\%", "General", "0.00", "[$-804]0_%", "0*%"])
def test_a_percent_sign_that_is_only_text_is_not_a_percentage(tmp_path, number_format):
    path = _variant(tmp_path, "literal.xlsx", {SATISFACTION: (100, number_format)})
    assert _sheet_value(path, SATISFACTION) == 100
    assert _findings(path) == _findings(SAMPLE)


def test_text_in_a_percentage_cell_stays_text(tmp_path):
    path = _variant(tmp_path, "text.xlsx", {SATISFACTION: ("用户满意度为100%", "0%")})
    assert _sheet_value(path, SATISFACTION) == "用户满意度为100%"


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice not installed")
def test_percentages_in_a_file_saved_by_libreoffice(tmp_path):
    (tmp_path / "in").mkdir()
    source = _variant(tmp_path / "in", "pct.xlsx", {SATISFACTION: (1, "0%")})
    [ods] = convert([source], "ods", tmp_path / "ods", tmp_path / "profile")
    [back] = convert([ods], "xlsx", tmp_path / "xlsx", tmp_path / "profile")
    assert _sheet_value(back, SATISFACTION) == "100%"
    renamed = shutil.copy(back, tmp_path / SAMPLE.name)
    assert _findings(Path(renamed)) == _findings(SAMPLE)


@pytest.mark.parametrize("value, shown", [(1, "100%"), (1.0, "100%"), (0.9997, "99.97%"), (-0.05, "-5%"),
                                          (0, "0%"), (12.5, "1250%"), (1234.5678, "123456.78%")])
def test_percent_text(value, shown):
    assert percent_text(value) == shown


@pytest.mark.parametrize("value", ["100%", None, True, 1e307])   # (1e307 × 100 is no number: inf)
def test_percent_text_leaves_what_is_not_a_number(value):
    assert percent_text(value) is value


def test_percent_text_leaves_nan():
    assert math.isnan(percent_text(math.nan))


@pytest.fixture(scope="module")
def xls_files(tmp_path_factory):
    """Sample 26 with 100% typed as a percentage (and as 100 under a literal %), saved as .xls by
    LibreOffice."""
    if not SOFFICE:
        pytest.skip("LibreOffice not installed")
    tmp = tmp_path_factory.mktemp("xls")
    sources = [_variant(tmp, "pct.xlsx", {SATISFACTION: (1, "0%"), RATE: (1, "0.00%")}),
               _variant(tmp, "literal.xlsx", {SATISFACTION: (100, '0"%"')})]
    return dict(zip(("pct", "literal"), convert(sources, "xls", tmp / "xls", tmp / "profile")))


def test_percentages_in_an_xls_file(xls_files):
    path = xls_files["pct"]
    grid = read_grids(path)[0]
    assert (grid.shown(18, 7), grid.shown(5, 6)) == ("100%", "100%")   # H19, G6
    assert _findings(path) == _findings(SAMPLE)


def test_a_literal_percent_sign_in_an_xls_file(xls_files):
    assert read_grids(xls_files["literal"])[0].shown(18, 7) == 100


@pytest.fixture(scope="module")
def xls_errors(tmp_path_factory):
    """Sample 26 with formulas that give error values in the 执行率 (0%) and a score, saved by
    LibreOffice as .xls and as .xlsx (which keeps them as error cells calamine reads)."""
    if not SOFFICE:
        pytest.skip("LibreOffice not installed")
    tmp = tmp_path_factory.mktemp("xls-errors")
    source = _variant(tmp, "errors.xlsx", {RATE: ("=1/0", "0%"), "J15": ("=NA()", "General")})
    two = load_workbook(source)
    two.copy_worksheet(two.active).title = "副本"
    two.save(tmp / "two.xlsx")
    found = {fmt: convert([source], fmt, tmp / fmt, tmp / "profile")[0] for fmt in ("xls", "xlsx")}
    [found["two"]] = convert([tmp / "two.xlsx"], "xls", tmp / "two", tmp / "profile")
    return found


def test_error_values_in_an_xls_file(xls_errors):
    """calamine gives an .xls's error values as empty cells: they are read as in the .xlsx, a
    finding at their cells (an empty 执行率 or score would be computed, or 未填写得分)."""
    grid = read_grids(xls_errors["xls"])[0]
    assert (grid.value(5, 6), grid.value(14, 9)) == ("#DIV/0!", "#N/A")   # G6, J15
    found = _findings(xls_errors["xls"])
    assert found == _findings(xls_errors["xlsx"]) and {"G6", "J15"} <= {cell for cell, *_ in found}


def test_the_sheets_of_an_xls_are_found_once_for_all_its_error_values(xls_errors, monkeypatch):
    """Each sheet's error values get their formulas from its own substream; where the sheets
    begin is read once a file (once a sheet had made a file of many sheets quadratic)."""
    from workbook_builder.readers import xls_cells

    calls = []
    found = xls_cells._sheet_offsets
    monkeypatch.setattr(xls_cells, "_sheet_offsets", lambda *args: calls.append(args) or found(*args))
    grids = read_grids(xls_errors["two"])
    assert [(g.name, g.value(5, 6), g.value(14, 9)) for g in grids] == [
        ("自评表", "#DIV/0!", "#N/A"), ("副本", "#DIV/0!", "#N/A")] and len(calls) == 1


def _typed_error(data: bytes, row: int, col: int, code: int, error: bool = True) -> bytes:
    """An .xls's NUMBER record at 0-based (row, col) made a BOOLERR of the error ``code``, as Excel
    writes an error value typed into a cell (the record is 6 bytes shorter: an unknown record
    of 2 bytes fills them, which readers skip); not ``error``: a BOOLERR of a boolean (TRUE for 1)."""
    match = re.search(re.escape(struct.pack("<HHHH", 0x0203, 14, row, col)), data)
    assert match, "the NUMBER record is not in one piece in the file"
    xf = data[match.end():match.end() + 2]
    record = struct.pack("<HHHH", 0x0205, 8, row, col) + xf + bytes([code, error]) + struct.pack("<HHH", 0x7FFF, 2, 0)
    return data[:match.start()] + record + data[match.start() + 18:]


def test_an_error_value_typed_into_an_xls_cell(xls_files, tmp_path):
    """A typed #N/A (a BOOLERR record, not a formula's result) in a file with no other error value."""
    path = tmp_path / "typed.xls"
    path.write_bytes(_typed_error(xls_files["literal"].read_bytes(), 5, 4, 0x2A))   # E6, the 全年执行数
    assert read_grids(path)[0].value(5, 4) == "#N/A"
    assert "E6" in {cell for cell, *_ in _findings(path)}


def test_which_xls_streams_may_hold_error_values(xls_files, xls_errors, tmp_path):
    """The sheets of an .xls are looked at for error values only where a record may hold one:
    never a false "none" (a formula's error, a typed one), and none in a file without either."""
    import xlrd

    from workbook_builder.readers.xls_cells import may_hold_errors

    def stream(data: bytes) -> bytes:
        return xlrd.open_workbook(file_contents=data, on_demand=True).mem

    literal = xls_files["literal"].read_bytes()
    assert may_hold_errors(stream(xls_errors["xls"].read_bytes()))
    assert may_hold_errors(stream(_typed_error(literal, 5, 4, 0x07)))
    assert not may_hold_errors(stream(literal)) and may_hold_errors(None)
    assert not may_hold_errors(stream(_typed_error(literal, 5, 4, 1, error=False)))   # TRUE is no error


@pytest.mark.parametrize("error", [ValueError("bad record"), __import__("xlrd").XLRDError("unsupported")])
def test_xls_formats_that_cannot_be_read_leave_the_numbers(xls_files, monkeypatch, error):
    """xlrd failing on a file calamine reads (25 of 94 fuzzed .xls did): the numbers as stored,
    the file still read, the reason in the debug log (a damaged file, not perfbook's error)."""
    import xlrd

    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr(xlrd, "open_workbook", refuse)
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    monkeypatch.setattr(logger, "handlers", [handler])
    level = logger.level
    logger.setLevel(logging.DEBUG)   # (setLevel: the logger caches whether a level is enabled)
    try:
        grid = read_grids(xls_files["pct"])[0]
    finally:
        logger.setLevel(level)
    assert grid.shown(18, 7) == 1
    [record] = records
    assert record.exc_info and record.levelname == "DEBUG"


def test_a_large_xls_is_not_given_to_xlrd(xls_files, monkeypatch):
    import xlrd

    from workbook_builder.readers import xls_cells

    calls = []
    monkeypatch.setattr(xlrd, "open_workbook", lambda *args, **kwargs: calls.append(args))
    monkeypatch.setattr(xls_cells, "MAX_BYTES", xls_files["pct"].stat().st_size - 1)
    assert read_grids(xls_files["pct"])[0].shown(18, 7) == 1
    assert calls == []


@pytest.fixture(scope="module")
def ods_files(tmp_path_factory):
    """Sample 26 with 100% typed as a percentage, and a sheet of percentages placed after merged
    cells, empty columns and identical rows (which .ods stores as repeated cells and rows), both
    saved as .ods by LibreOffice."""
    if not SOFFICE:
        pytest.skip("LibreOffice not installed")
    from openpyxl import Workbook

    tmp = tmp_path_factory.mktemp("ods")
    sample = _variant(tmp, "pct.xlsx", {SATISFACTION: (1, "0%"), RATE: (1, "0.00%")})
    book = Workbook()
    sheet = book.active
    sheet.title = "位置"
    sheet.merge_cells("A1:C1")
    sheet["A1"] = "合并"
    for ref, value in PLACED.items():
        sheet[ref] = value
        if isinstance(value, float):
            sheet[ref].number_format = "0%"
    sheet["H9"], sheet["D9"] = 0.5, 0.75   # plain numbers beside them, D9 under percentages
    second = book.create_sheet("第二张")
    second["B2"] = 0.3
    second["B2"].number_format = "0%"
    book.save(tmp / "placed.xlsx")
    files = dict(zip(("pct", "placed"), convert([sample, tmp / "placed.xlsx"], "ods", tmp / "ods", tmp / "profile")))
    files["repeated"] = _rows_repeated(files["placed"], tmp / "repeated.ods")
    return files


def _rows_repeated(source: Path, target: Path) -> Path:
    """``source`` with its three identical rows 3–5 stored as one row repeated three times (as
    LibreOffice stores identical rows of a longer sheet)."""
    with zipfile.ZipFile(source) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(target, "w") as archive:
        for info, part in parts:
            if info.filename == "content.xml":
                row = re.search(rb"<table:table-row [^>]*>(?:(?!</table:table-row>).)*?0\.25.*?</table:table-row>",
                                part, re.S).group()
                assert part.count(row) == 3
                part = part.replace(row * 3, row.replace(b"<table:table-row ", b'<table:table-row table:number-rows-repeated="3" ', 1))
            archive.writestr(info, part)
    return target


PLACED = {"D1": 0.5, **{f"{c}{r}": 0.25 for c in "BCD" for r in (3, 4, 5)}, "F7": 1.0, "G9": 2.0, "A9": "文字"}


def test_percentages_in_an_ods_file(ods_files):
    grid = read_grids(ods_files["pct"])[0]
    assert (grid.shown(18, 7), grid.shown(5, 6)) == ("100%", "100%")   # H19, G6
    assert _findings(ods_files["pct"]) == _findings(SAMPLE)


@pytest.mark.parametrize("name", ["placed", "repeated"])
def test_ods_percentages_are_found_where_calamine_puts_them(ods_files, name):
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    grid = read_grids(ods_files[name])[0]
    for ref, value in PLACED.items():
        letters, row = coordinate_from_string(ref)
        shown = percent_text(value) if isinstance(value, float) else value
        assert grid.shown(row - 1, column_index_from_string(letters) - 1) == shown, ref
    assert (grid.shown(8, 7), grid.shown(8, 3)) == (0.5, 0.75)   # H9, D9
    assert read_grids(ods_files[name])[1].shown(1, 1) == "30%"   # B2 of the second sheet


def test_ods_repeats_that_are_not_numbers_count_once(tmp_path):
    from workbook_builder.readers.ods_cells import noted_cells

    table = ('<table:table table:name="表"><table:table-row table:number-rows-repeated="两">'
             '<table:table-cell table:number-columns-repeated="x"/><table:table-cell office:value-type="percentage" '
             'office:value="1"/></table:table-row></table:table>')
    content = ('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>'
               f'{table}</office:spreadsheet></office:body></office:document-content>')
    path = tmp_path / "x.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("content.xml", content)
    assert noted_cells(path.read_bytes()) == {"表": {(0, 1): "%"}}


def test_an_xls_format_xlrd_knows_by_number_only(xls_files, tmp_path):
    """A cell format using Excel's built-in Chinese date format 31 (yyyy"年"m"月"d"日"), which
    Excel writes without its text: xlrd gives it no text, which is no percentage (it raised
    TypeError, and every percentage of the file was lost)."""
    data = bytearray(xls_files["pct"].read_bytes())
    xfs = [m.start() for m in re.finditer(rb"\xe0\x00\x14\x00", data)]   # XF records (the 2nd word: the format)
    struct.pack_into("<H", data, xfs[16] + 6, 31)
    path = tmp_path / "cjk.xls"
    path.write_bytes(bytes(data))
    assert read_grids(path)[0].shown(18, 7) == "100%"


@pytest.mark.parametrize("code, shown", [("0%", True), ("0.00%;-0.00%", True), ("0.00;-0.00%", False),
                                         ("0;-0;0;@%", False), (None, False), ('"%"0', False)])
def test_shows_percent_reads_the_positive_section(code, shown):
    assert shows_percent(code) is shown


def _styles_patched(path: Path, target: Path, patch) -> Path:
    with zipfile.ZipFile(path) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, part in parts:
            archive.writestr(info, patch(part) if info.filename == "xl/styles.xml" else part)
    return target


def test_a_redefined_built_in_format_and_conditional_formats(tmp_path):
    """Built-in id 9 given the file's own format 0.00 is no percentage (LibreOffice shows 1.00);
    a conditional format's numFmt reusing an id does not change the cells' format."""
    plain = _variant(tmp_path, "plain.xlsx", {SATISFACTION: (1, "0%")})   # id 9
    redefined = _styles_patched(plain, tmp_path / "redefined.xlsx", lambda xml: re.sub(
        rb"(<styleSheet[^>]*>)", rb'\1<numFmts count="1"><numFmt numFmtId="9" formatCode="0.00"/></numFmts>', xml, 1))
    assert _sheet_value(redefined, SATISFACTION) == 1
    custom = _variant(tmp_path, "custom.xlsx", {SATISFACTION: (1, "0.000")})   # id 164
    dxfs = b'<dxfs count="1"><dxf><numFmt numFmtId="164" formatCode="0%"/></dxf></dxfs>'
    conditional = _styles_patched(custom, tmp_path / "conditional.xlsx",
                                  lambda xml: xml.replace(b"</cellStyles>", b"</cellStyles>" + dxfs, 1))
    assert dxfs in zipfile.ZipFile(conditional).read("xl/styles.xml")
    assert _sheet_value(conditional, SATISFACTION) == 1


def test_large_styles_and_large_sheets(tmp_path):
    """A styles.xml over 1 MB (styles copied in from other workbooks) and a worksheet read in
    chunks (a long project list, a sheet with a large formatted area) keep their percentages."""
    path = _variant(tmp_path, "pct.xlsx", {SATISFACTION: (1, "0%")})
    large_styles = _styles_patched(path, tmp_path / "styles.xlsx", lambda xml: xml.replace(
        b"<cellXfs", b"<!--" + b" ".join(b"%d" % n for n in range(300_000)) + b"--><cellXfs", 1))
    assert _sheet_value(large_styles, SATISFACTION) == "100%"
    book = load_workbook(path)
    for row in range(30, 12_030):
        book.active.append([None] * 12 + [row, row * 2, "填充"])
    book.save(tmp_path / "long.xlsx")
    with zipfile.ZipFile(tmp_path / "long.xlsx") as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 1 << 20
    assert _sheet_value(tmp_path / "long.xlsx", SATISFACTION) == "100%"


def test_percentages_in_a_wps_et_file(xls_files, tmp_path):
    """WPS 表格's .et (a BIFF workbook like .xls) is read the same way."""
    path = tmp_path / "pct.et"
    path.write_bytes(xls_files["pct"].read_bytes())
    assert read_grids(path)[0].shown(18, 7) == "100%"


def _plain_sheet() -> bytes:
    cells = ('<c r="A1" s="9"><v>1</v></c><c r="B1" t="n" s=\'9\'><v>0.5</v></c><c r="C1" s="3"><v>2</v></c>'
             '<c r="D1" t="inlineStr"><is><t> s="9" 文字</t></is></c><c r="E1" s="19"><v>3</v></c>')
    return (b'<worksheet><sheetData><row r="1">' + cells.encode() + b'</row><row r="2"><c r="Z2" s="9"/></row>'
            b"</sheetData></worksheet>")


@pytest.mark.parametrize("styles", [frozenset({9}), frozenset({9, *range(100, 120)})])   # found one by one, tag by tag
def test_percentage_cells_of_a_plain_sheet(styles):
    from workbook_builder.readers.container import _Extent, _plainly_small

    part = _plain_sheet()
    assert _plainly_small(part) is not None
    extent = _Extent(styles)
    extent.feed(part, whole=True)
    assert set(extent.percent) == {(0, 0), (0, 1), (1, 25)}   # A1, B1, Z2 (empty: left as it is)


def test_a_percent_format_on_scores_weights_amounts_or_other_units_is_a_copied_style(tmp_path):
    """A percent format left by a copied style on 得分 (J), 分值 (I), the amounts (C6:E6) or the
    年度指标值 of an indicator in 份 (F13) is not what the unit meant: those are read as stored
    (a score of 10 is not 1000, 141.116 万元 not 14111.6)."""
    cells = {f"{col}{row}": (load_workbook(SAMPLE).active[f"{col}{row}"].value, "0%")
             for col in "IJ" for row in range(13, 20)}
    cells.update({f"{col}6": (141.116, "0.00%") for col in "CDE"})
    cells["F13"] = (1, "0%")
    path = _variant(tmp_path, "styles.xlsx", cells)
    assert _findings(path) == _findings(SAMPLE)
    [report] = check_file(str(path), None, None, None, path.name)
    assert report.amount == 141.116


def test_a_project_list_target_typed_as_a_percentage(tmp_path):
    """In a project list, a 年度指标值 of a % indicator typed as 99.9% (stored 0.999) is 99.9; ones
    in Mbps and 时, and the 全年预算数, keep their numbers whatever their format."""
    from workbook_builder.readers.project_list import read_project_list

    source = ROOT / "samples" / "chaoyang-2024" / "project_list.xlsx"
    book = load_workbook(source)
    sheet = book.active
    sheet["K3"], sheet["K3"].number_format = 0.999, "0.0%"   # 全年可用率, unit %
    sheet["K2"], sheet["K2"].number_format = 6000, "0%"      # 总带宽数量, unit Mbps
    sheet["K4"], sheet["K4"].number_format = 2, "0%"         # 故障到达现场时间, unit 时
    sheet["E2"].number_format = "0.00%"                      # 全年预算数
    book.save(tmp_path / "list.xlsx")
    before, after = read_project_list(source, year=2024)[0], read_project_list(tmp_path / "list.xlsx", year=2024)[0]
    assert [i.target for i in after.indicators[:3]] == ["6000", "99.9%", "2"]
    assert after.funds.annual == before.funds.annual


def test_framework_inputs_typed_as_percentages(tmp_path):
    """An evaluation form's 实际值 and 计划值 typed as percentages (到位率 95% of 100%, stored
    0.95 and 1) are read as the percentages shown."""
    from workbook_builder.forms.evaluation import write_evaluation
    from workbook_builder.readers.evaluation import read_evaluations

    path = write_evaluation("yueyang-2020", tmp_path / "评分表.xlsx")
    book = load_workbook(path)
    sheet = book.worksheets[0]
    row = next(c.row for c in sheet["E"] if c.value == "到位率")
    header = next(r for r in sheet.iter_rows(max_row=row) if any(c.value == "实际值" for c in r))
    value, planned = (next(c.column_letter for c in header if c.value == label) for label in ("实际值", "计划值"))
    for letter, number in ((value, 0.95), (planned, 1)):
        sheet[f"{letter}{row}"], sheet[f"{letter}{row}"].number_format = number, "0%"
    book.save(path)
    [read] = read_evaluations(read_grids(path), str(path))
    [entry] = [e for e in read.form.rows if e.name == "到位率"]
    assert (entry.inputs.value, entry.inputs.planned) == ("95%", "100%")


def test_a_template_filled_with_a_percentage(tmp_path):
    """A perfbook template whose 实际完成值 cell a unit re-formatted and typed 100% into (stored
    1) is read as 100% for a % indicator; values in Mbps and 时 keep their numbers."""
    from workbook_builder.forms.batch import write_template
    from workbook_builder.readers.project_list import read_project_list
    from workbook_builder.readers.tables import read_tables

    table = read_project_list(ROOT / "samples" / "chaoyang-2024" / "project_list.xlsx", year=2024)[0]
    path = write_template(table, tmp_path / "模板.xlsx", year=2024)
    book = load_workbook(path)
    sheet = book.worksheets[0]
    names = ("总带宽数量", "区级互联网专线整体全年可用率", "故障到达现场时间")   # in Mbps, %, 时
    rows = {c.value: c.row for c in sheet["D"] if c.value in names}
    actual = next(c.column_letter for r in sheet.iter_rows(max_row=min(rows.values())) for c in r if c.value == "实际完成值")
    for name, number in zip(names, (6000, 1, 2)):
        cell = sheet[f"{actual}{rows[name]}"]
        cell.value, cell.number_format = number, "0%"
    book.save(path)
    [read] = read_tables(path)
    assert [i.actual for i in read.table.indicators[:3]] == [6000, "100%", 2]


def test_a_number_pasted_into_a_percentage_cell_is_already_the_percentage(tmp_path):
    """90 in a 0% cell (pasted, or written by a program: Excel turns 90 typed there into 0.9)
    shows 9000%; it is read as 90, as the frameworks read a number over 2 under a % criterion."""
    path = _variant(tmp_path, "pasted.xlsx", {"F19": (90, "0%"), SATISFACTION: (2, "0%")})
    assert (_sheet_value(path, "F19"), _sheet_value(path, SATISFACTION)) == (90, "200%")
    assert [cell for cell, *_ in _findings(path)] == ["J14"]


def test_an_error_value_in_a_percentage_cell_stays_an_error(tmp_path):
    """A #DIV/0! in a cell formatted 0% (an 执行率 whose budget is 0) is the error value, not
    an empty cell: the error note wins over the percentage note."""
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"], book.active["A1"].number_format = 0.5, "0%"
    book.active["B1"] = 0.5
    book.save(tmp_path / "plain.xlsx")
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(tmp_path / "error.xlsx", "w") as archive:
        for info, part in parts:
            if info.filename == "xl/worksheets/sheet1.xml":
                part = re.sub(rb'(<c r="A1"[^>]*?)(?: t="n")?>.*?</c>', rb'\1 t="e"><f>1/0</f><v>#DIV/0!</v></c>', part, 1)
                assert b"#DIV/0!" in part
            archive.writestr(info, part)
    grid = read_grids(tmp_path / "error.xlsx")[0]
    assert (grid.value(0, 0), grid.shown(0, 1)) == ("#DIV/0!", 0.5)


def test_percentages_are_noted_in_the_rows_read(xls_files, ods_files):
    """Only the rows a reader reads (``max_rows``: a table's 5,000, a project list's 100,000)."""
    from workbook_builder.readers.ods_cells import noted_cells
    from workbook_builder.readers.xls_cells import noted_cells as xls_noted_cells

    xls, ods = xls_files["pct"].read_bytes(), ods_files["pct"].read_bytes()
    for rows in (18, 19):   # H19 is row 18, 0-based
        noted = [(18, 7) in next(iter(found.values()), {})
                 for found in (xls_noted_cells(xls, "x", rows), noted_cells(ods, rows))]
        assert noted == [rows == 19] * 2


def test_the_cells_noted_on_a_sheet_are_bounded(tmp_path, monkeypatch):
    """A sheet of a million percentage cells, error values or PERF_* formulas notes at most so many
    of each (the bounds lowered here: 4 of the 10 on one row), never one entry per cell without end."""
    import xlsxwriter

    from workbook_builder.readers import container

    monkeypatch.setattr(container, "MAX_PERCENT_CELLS", 4)
    monkeypatch.setattr(container, "MAX_ROWS", 4)   # (error values and PERF_* cells are bounded by it)
    path = tmp_path / "many.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("表")
    percent = book.add_format({"num_format": "0%"})
    for col in range(10):
        sheet.write_number(0, col, 0.5, percent)
        sheet.write_formula(1, col, "=PERF_SCORE(1,2)", None, 0)
        sheet.write_formula(2, col, "=1/0", None, "#DIV/0!")
    book.close()
    grid = read_grids(path)[0]
    assert len(grid.percent) == 4 and len(grid.own_formulas) == 4
    assert sum(1 for col in range(10) if grid.value(2, col) == "#DIV/0!") == 4


def test_the_percentage_cells_noted_on_an_xls_sheet_are_bounded(xls_files, monkeypatch):
    from workbook_builder.readers import xls_cells

    monkeypatch.setattr(xls_cells, "MAX_PERCENT_CELLS", 1)
    grid = read_grids(xls_files["pct"])[0]
    assert len(grid.percent) == 1 and grid.shown(5, 6) == "100%"   # G6 comes first; H19 left a number
    assert grid.shown(18, 7) == 1


def _ods_of_one_row(folder: Path, cells: str, repeated: int) -> Path:
    """An .ods (its content.xml alone) whose sheet 表 is one row of ``cells``, ``repeated`` times."""
    content = ('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"><office:body>'
               f'<office:spreadsheet><table:table table:name="表"><table:table-row table:number-rows-repeated="{repeated}">'
               f'{cells}</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>')
    path = folder / "x.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("content.xml", content)
    return path


def test_ods_error_values_and_perf_formulas_are_noted(tmp_path):
    """An .ods keeps an error value as its text (calamine gives an empty cell) and a formula as
    written: #NAME? and Err:508 are the cells' values, a PERF_* call is noted, a function that only
    ends in perf_ or a text that is no error is not."""
    from workbook_builder.readers.container import OWN_FORMULA
    from workbook_builder.readers.ods_cells import noted_cells

    error = '<table:table-cell table:formula="{}" office:value-type="string" calcext:value-type="error"><text:p>{}</text:p></table:table-cell>'
    cells = (error.format("of:=perf_score([.A1])", "#NAME?") + error.format("of:=1/0", "Err:508")
             + error.format("of:=X", "出错") + '<table:table-cell table:formula="of:=PERF_GRADE(90)" office:value-type="float" office:value="0"/>'
             + '<table:table-cell table:formula="of:=XPERF_SCORE(1)" office:value-type="float" office:value="1"/>'
             + error.format("of:=Y", "Err:123")   # (no error LibreOffice has: a text)
             + '<table:table-cell table:formula="of:=perf_exec_rate(1;2)" office:value-type="percentage" office:value="0.5"/>')
    path = _ods_of_one_row(tmp_path, cells, 2)
    row = {0: "#NAME?", 1: "Err:508", 3: OWN_FORMULA, 6: OWN_FORMULA}   # (a PERF_* cell shown as % too: as in .xlsx)
    assert noted_cells(path.read_bytes()) == {"表": {(r, c): note for r in (0, 1) for c, note in row.items()}}


def test_the_cells_noted_on_an_ods_sheet_are_bounded(tmp_path, monkeypatch):
    """A few hundred bytes of .ods can repeat a row of error cells thousands of times: the notes of
    a sheet stop near the bound (a row more at most), never one per cell without end."""
    from workbook_builder.readers import ods_cells

    monkeypatch.setattr(ods_cells, "MAX_PERCENT_CELLS", 100)
    cell = ('<table:table-cell table:number-columns-repeated="40" office:value-type="string" calcext:value-type="error">'
            '<text:p>#NAME?</text:p></table:table-cell>')
    path = _ods_of_one_row(tmp_path, cell, 5000)
    assert 100 <= len(ods_cells.noted_cells(path.read_bytes())["表"]) <= 140
