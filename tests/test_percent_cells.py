"""Numbers shown as percentages: Excel stores ``100%`` typed into a cell as 1 in a cell formatted
0%, so a unit that typed 100% as the 实际完成值 of a ``%`` indicator (or the 执行率) sent 1. Read as
a number, that was 1% of the indicator: 得分应为0.11 where the unit was right. .xlsx cells whose
style shows a percentage are read as the text the unit saw (``100%``, ``99.97%``)."""

from __future__ import annotations

import logging
import math
import re
import zipfile
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.office_formats import SOFFICE, convert
from workbook_builder.logs import logger
from workbook_builder.readers.container import percent_text
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
    return grid.value(ref.row - 1, ref.column - 1)


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


@pytest.mark.parametrize("value", ["100%", None, True])
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
    assert (grid.value(18, 7), grid.value(5, 6)) == ("100%", "100%")   # H19, G6
    assert _findings(path) == _findings(SAMPLE)


def test_a_literal_percent_sign_in_an_xls_file(xls_files):
    assert read_grids(xls_files["literal"])[0].value(18, 7) == 100


@pytest.mark.parametrize("error", [ValueError("bad record"), __import__("xlrd").XLRDError("unsupported")])
def test_xls_formats_that_cannot_be_read_leave_the_numbers(xls_files, monkeypatch, error):
    """xlrd failing on a file calamine reads: the numbers as stored, the file still read (a
    damaged record is logged with its traceback, an unsupported version only in debug)."""
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
    assert grid.value(18, 7) == 1
    [record] = records
    assert record.exc_info and record.levelname == ("DEBUG" if isinstance(error, xlrd.XLRDError) else "WARNING")


def test_xls_formats_failing_under_debug_raise(xls_files, monkeypatch):
    import xlrd

    def refuse(*args, **kwargs):
        raise ValueError("bad record")

    monkeypatch.setattr(xlrd, "open_workbook", refuse)
    monkeypatch.setenv("PERFBOOK_DEBUG", "1")
    with pytest.raises(ValueError, match="bad record"):
        read_grids(xls_files["pct"])


def test_a_large_xls_is_not_given_to_xlrd(xls_files, monkeypatch):
    import xlrd

    from workbook_builder.readers import xls_styles

    calls = []
    monkeypatch.setattr(xlrd, "open_workbook", lambda *args, **kwargs: calls.append(args))
    monkeypatch.setattr(xls_styles, "MAX_BYTES", xls_files["pct"].stat().st_size - 1)
    assert read_grids(xls_files["pct"])[0].value(18, 7) == 1
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
    assert (grid.value(18, 7), grid.value(5, 6)) == ("100%", "100%")   # H19, G6
    assert _findings(ods_files["pct"]) == _findings(SAMPLE)


@pytest.mark.parametrize("name", ["placed", "repeated"])
def test_ods_percentages_are_found_where_calamine_puts_them(ods_files, name):
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    grid = read_grids(ods_files[name])[0]
    for ref, value in PLACED.items():
        letters, row = coordinate_from_string(ref)
        shown = percent_text(value) if isinstance(value, float) else value
        assert grid.value(row - 1, column_index_from_string(letters) - 1) == shown, ref
    assert (grid.value(8, 7), grid.value(8, 3)) == (0.5, 0.75)   # H9, D9
    assert read_grids(ods_files[name])[1].value(1, 1) == "30%"   # B2 of the second sheet


def test_ods_repeats_that_are_not_numbers_count_once(tmp_path):
    from workbook_builder.readers.ods_styles import percent_cells as ods_percent_cells

    table = ('<table:table table:name="表"><table:table-row table:number-rows-repeated="两">'
             '<table:table-cell table:number-columns-repeated="x"/><table:table-cell office:value-type="percentage" '
             'office:value="1"/></table:table-row></table:table>')
    content = ('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>'
               f'{table}</office:spreadsheet></office:body></office:document-content>')
    path = tmp_path / "x.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("content.xml", content)
    assert ods_percent_cells(path.read_bytes()) == {"表": {(0, 1): "%"}}
