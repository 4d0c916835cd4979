"""The package checks of :mod:`workbook_builder.readers.container`, each made cheap (one zlib pass
per member, a counting fast path for the sheet extent) and each still refusing what it must:
every test here fails when its check is removed or weakened."""

import re
import struct
import zipfile
from pathlib import Path

import pytest

from tests.hostile_corpus import GOOD, bloated_styles, patch, sheet_xml
from workbook_builder.readers import container
from workbook_builder.readers.container import UnreadableFile, check_container
from workbook_builder.readers.source import read_source

SHEET = "xl/worksheets/sheet1.xml"
DOCTYPE = b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>'


def _with_sheet(tmp_path: Path, name: str, xml: bytes) -> Path:
    path = tmp_path / name
    patch(GOOD, path, {SHEET: xml})
    return path


def test_the_good_sample_passes_on_the_fast_path():
    with zipfile.ZipFile(GOOD) as package:
        assert container._plainly_small(package.read(SHEET))
    checked = check_container(GOOD)
    assert checked.format == "xlsx" and checked.data == GOOD.read_bytes() and checked.errors == {}


# CRC and corruption --------------------------------------------------------------------------


def _stored_copy(dest: Path, change: bytes | None = None, crc: int | None = None) -> Path:
    """GOOD with every member stored (not compressed); ``change`` overwrites bytes inside the
    sheet's data without touching its CRC, ``crc`` replaces the CRC in the directory."""
    with zipfile.ZipFile(GOOD) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_STORED) as out:
        for item in src.infolist():
            out.writestr(item.filename, src.read(item))
    data = bytearray(dest.read_bytes())
    if change:
        at = data.index(b"<sheetData>")
        data[at:at + len(change)] = change
    if crc is not None:
        with zipfile.ZipFile(dest) as package:
            info = package.getinfo(SHEET)
        central = data.index(b"PK\x01\x02" + data[data.index(b"PK\x01\x02") + 4:][:0], 0)
        while True:   # the central directory entry of the sheet
            name_length = int.from_bytes(data[central + 28:central + 30], "little")
            if bytes(data[central + 46:central + 46 + name_length]) == SHEET.encode():
                break
            central = data.index(b"PK\x01\x02", central + 4)
        data[central + 16:central + 20] = crc.to_bytes(4, "little")
        data[info.header_offset + 14:info.header_offset + 18] = crc.to_bytes(4, "little")
    dest.write_bytes(bytes(data))
    return dest


def test_a_changed_byte_is_found_by_the_crc(tmp_path):
    assert check_container(_stored_copy(tmp_path / "stored.xlsx")).format == "xlsx"
    with pytest.raises(UnreadableFile, match="校验失败"):
        check_container(_stored_copy(tmp_path / "changed.xlsx", change=b"<sheetDATA>"))


def test_a_wrong_crc_in_the_directory_is_refused(tmp_path):
    with pytest.raises(UnreadableFile, match="校验失败"):
        check_container(_stored_copy(tmp_path / "crc.xlsx", crc=0x12345678))


def test_a_deflated_member_cut_short_is_refused(tmp_path):
    path = tmp_path / "short.xlsx"
    patch(GOOD, path, {})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as package:
        info = package.getinfo(SHEET)
    begin = info.header_offset + 30 + len(SHEET)
    data[begin:begin + info.compress_size] = b"\x00" * info.compress_size   # stored empty blocks: no data
    path.write_bytes(bytes(data))
    with pytest.raises(UnreadableFile):
        check_container(path)


# DTD and entities ----------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-32-be"])
def test_a_declaration_across_a_chunk_boundary_is_found(tmp_path, monkeypatch, encoding):
    monkeypatch.setattr(container, "_CHUNK", 64)
    with zipfile.ZipFile(GOOD) as package:
        sheet = package.read(SHEET).decode()
    for shift in range(0, 40, 3):
        text = "<!--" + "x" * (50 + shift) + "-->" + DOCTYPE.decode() + sheet.split("?>", 1)[-1]
        bom = {"utf-8": b"", "utf-16-le": b"\xff\xfe", "utf-32-be": b"\x00\x00\xfe\xff"}[encoding]
        path = _with_sheet(tmp_path, f"dtd_{encoding}_{shift}.xlsx", bom + text.encode(encoding))
        with pytest.raises(UnreadableFile, match="DTD"):
            check_container(path)


def test_a_declaration_in_any_part_is_found(tmp_path):
    path = tmp_path / "extra.xlsx"
    patch(GOOD, path, {}, {"customXml/item1.bin": b"\x00" * 5000 + DOCTYPE})
    with pytest.raises(UnreadableFile, match="customXml/item1.bin"):
        check_container(path)


# the extent of a sheet -----------------------------------------------------------------------

FAR = [
    ("single_quotes", "<row r='1'><c r='A1'><v>1</v></c></row><row r='1048576'><c r='XFD1048576'><v>1</v></c></row>"),
    ("spaces", '<row r="1"><c r = "A1"><v>1</v></c><c\n r="XFD1048576"><v>1</v></c></row>'),
    ("lower_case", '<row r="1"><c r="a1"><v>1</v></c><c r="xfd1048576"><v>1</v></c></row>'),
    ("leading_zeros", '<row r="1"><c r="A1"><v>1</v></c><c r="XFD0001048576"><v>1</v></c></row>'),
    ("character_reference", '<row r="1"><c r="A1"><v>1</v></c><c r="&#88;FD1048576"><v>1</v></c></row>'),
    ("gt_in_a_value", '<row r="1"><c s=">" r="XFD1048576"><v>1</v></c></row>'),
    ("prefixed", '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>'),
    ("row_without_cell_address", '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c><v>1</v></c>'
                                 + "<c><v>1</v></c>" * 8 + "</row>"),
    ("columns_without_address", '<row r="1">' + "".join(f"<c><v>{n}</v></c>" for n in range(5000))
                                + '</row><row r="1000"><c><v>1</v></c></row>'),
]


@pytest.mark.parametrize("name,cells", FAR, ids=[n for n, _ in FAR])
def test_a_far_cell_is_refused_before_loading(tmp_path, name, cells):
    path = _with_sheet(tmp_path, f"{name}.xlsx", sheet_xml(cells))
    with pytest.raises(UnreadableFile, match="数据区域过大"):
        check_container(path)


TRICKS = FAR + [
    ("mixed_quotes", '<row r="1"><c r=\'A1"XFD1048576\'><v>1</v></c></row>'),
    ("address_as_text", '<row r="1"><c>r="1"<v>1</v></c><c r="A99999"><v>1</v></c></row>'),
    ("single_quotes_error", "<row r='1'><c r='A1' t='e'><v>#N/A</v></c></row>"),
]


@pytest.mark.parametrize("name,cells", TRICKS, ids=[n for n, _ in TRICKS])
def test_a_far_or_unusual_cell_never_takes_the_fast_path(name, cells):
    assert not container._plainly_small(sheet_xml(cells))


NEAR = [
    ("plain", '<row r="1"><c r="A1"><v>1</v></c><c r="K19" t="n"><v>2</v></c></row>'),
]


@pytest.mark.parametrize("name,cells", NEAR, ids=[n for n, _ in NEAR])
def test_a_sheet_within_z99999_takes_the_fast_path(name, cells):
    assert container._plainly_small(sheet_xml(cells))
    assert not container._plainly_small(sheet_xml(cells.replace("<v>1</v>", "<v>#N/A</v>", 1)
                                                  .replace("<c r=\"A1\"", "<c r=\"A1\" t=\"e\"", 1)
))


def test_rows_without_cells_add_no_extent(tmp_path):
    """LibreOffice ends a sheet it saved after a row was deleted with an empty row 1048576 (and
    a dimension to it); calamine loads only the cells, and so the file is read."""
    cells = ('<row r="1"><c r="A1"><v>1</v></c><c r="L1"><v>2</v></c></row><row r="1048576" customFormat="false" '
             'ht="12.8" hidden="false"></row>' + '<row r="1048576"></row>' * 300)
    path = _with_sheet(tmp_path, "libreoffice.xlsx", sheet_xml(cells))
    check_container(path)
    assert read_source(path)[1][0].rows == [[1.0] + [""] * 10 + [2.0]]


def test_a_formatted_cell_without_a_value_adds_no_extent(tmp_path):
    """A cell with a style and no value far away (<c r="XFD1048576" s="0"/>: borders put on a
    range): calamine places no cell for it, so the sheet is read (it had been refused as
    数据区域过大); the cell after it without an address still counts from it."""
    cells = ('<row r="1"><c r="A1"><v>1</v></c><c r="L1"><v>2</v></c></row>'
             '<row r="1048576"><c r="XFD1048576" s="0"/></row>')
    path = _with_sheet(tmp_path, "formatted.xlsx", sheet_xml(cells))
    check_container(path)
    assert read_source(path)[1][0].rows == [[1.0] + [""] * 10 + [2.0]]
    far = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFC1048576" s="0"/><c><v>1</v></c></row>'
    with pytest.raises(UnreadableFile, match="数据区域过大"):
        check_container(_with_sheet(tmp_path, "after.xlsx", sheet_xml(far)))


def test_a_utf16_sheet_is_measured(tmp_path):
    cells = '<row r="1"><c r="A1"><v>1</v></c><c r="XFD1048576"><v>1</v></c></row>'
    xml = '<?xml version="1.0" encoding="UTF-16"?>' + sheet_xml(cells).decode()
    with pytest.raises(UnreadableFile, match="数据区域过大"):
        check_container(_with_sheet(tmp_path, "utf16.xlsx", xml.encode("utf-16")))


def test_a_sheet_outside_the_worksheets_folder_is_measured(tmp_path):
    """A sheet is found through workbook.xml and its relationships, not by its part name."""
    with zipfile.ZipFile(GOOD) as package:
        rels = package.read("xl/_rels/workbook.xml.rels")
    far = sheet_xml('<row r="1"><c r="A1"><v>1</v></c><c r="XFD1048576"><v>1</v></c></row>')
    path = tmp_path / "moved.xlsx"
    patch(GOOD, path, {SHEET: None, "xl/_rels/workbook.xml.rels": rels.replace(b"worksheets/sheet1.xml", b"data/s.dat")},
          {"xl/data/s.dat": far})
    with pytest.raises(UnreadableFile, match="数据区域过大"):
        check_container(path)


def test_a_big_sheet_within_the_limit_is_read(tmp_path):
    """The exact measure (a sheet larger than one chunk) places cells as calamine does: a sheet
    within the limit is read, and its error values are found."""
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="AB{n}" t="e"><v>#N/A</v></c></row>'
                   for n in range(1, 30001))
    path = _with_sheet(tmp_path, "big.xlsx", sheet_xml(rows))
    checked = check_container(path)
    assert len(checked.errors["自评表"]) == container.MAX_ROWS and checked.errors["自评表"][(0, 27)] == "#N/A"
    grids = read_source(path)[1]
    assert grids[0].value(0, 27) == "#N/A" and grids[0].truncated


def test_fast_and_exact_measures_agree_on_the_limit(tmp_path, monkeypatch):
    """A sheet the fast path lets through only because the limit allows it is measured exactly
    when the limit is lower."""
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="Z{n}"><v>1</v></c></row>' for n in range(1, 201))
    path = _with_sheet(tmp_path, "rows.xlsx", sheet_xml(rows))
    check_container(path)
    monkeypatch.setattr(container, "MAX_CELLS", 200 * 26 - 1)
    with pytest.raises(UnreadableFile, match="200 行 × 26 列"):
        check_container(path)


def test_the_checked_bytes_are_what_is_read(tmp_path, monkeypatch):
    """The reader reads the bytes the checks passed, not the file again (which could have been
    swapped in between)."""
    path = tmp_path / "t.xlsx"
    path.write_bytes(GOOD.read_bytes())
    checked = check_container(path)
    path.write_bytes(b"swapped")
    grids = container.read_workbook_grids(path, checked.format, checked.errors, checked.data)
    assert any(g.name == "自评表" for g in grids)


def test_values_cleaned_once_per_sheet():
    """NaN and infinities (possible in binary formats) become Excel's #NUM!, control characters
    are escaped, over-long texts are cut; a sheet needing none of it is kept as it is."""
    plain = [["项目名称", 1.5, "", None, True], ["用户满意度 100%", 0.0, "第一行\n第二行"]]
    assert container._cleaned(plain) is plain
    for bad, fixed in [(float("nan"), "#NUM!"), (float("-inf"), "#NUM!"), ("a\x01b", "a\\x01b"),
                       ("长" * (container.MAX_TEXT + 10), "长" * container.MAX_TEXT + "…")]:
        assert container._cleaned([["项目", 2.0], [bad, "x"]]) == [["项目", 2.0], [fixed, "x"]]


# zip packages read without zipfile ------------------------------------------------------------


def _rewrite_directory(dest: Path, change, source: Path = GOOD) -> Path:
    """``source`` with ``change(entry: bytearray)`` applied to each central directory entry."""
    data = bytearray(source.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    count, size, offset = struct.unpack_from("<HLL", data, end + 10)
    at = offset
    for _ in range(count):
        names, extras, comments = struct.unpack_from("<HHH", data, at + 28)
        entry = data[at:at + 46 + names + extras + comments]
        change(entry)
        data[at:at + len(entry)] = entry
        at += len(entry)
    dest.write_bytes(bytes(data))
    return dest


def test_a_version_zipfile_refuses_is_refused(tmp_path):
    path = _rewrite_directory(tmp_path / "v64.xlsx", lambda entry: struct.pack_into("<B", entry, 6, 64))
    assert container._directory(path.read_bytes()) is None   # left to zipfile, which refuses it
    with pytest.raises(UnreadableFile):
        check_container(path)


def test_a_corrupt_extra_field_is_refused(tmp_path):
    with zipfile.ZipFile(GOOD) as src, zipfile.ZipFile(tmp_path / "extra.xlsx", "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, item.date_time)
            info.compress_type, info.extra = zipfile.ZIP_DEFLATED, b"\x99\x99\x10\x00ab"   # says 16 bytes, has 2
            out.writestr(info, src.read(item))
    assert container._directory((tmp_path / "extra.xlsx").read_bytes()) is None
    with pytest.raises(UnreadableFile):
        check_container(tmp_path / "extra.xlsx")


def test_a_member_declared_empty_is_not_inflated_without_bound(tmp_path):
    """A deflated member that declares 0 bytes but inflates to 50 MB is refused after one byte
    (a maximum length of 0 would mean no maximum to zlib)."""
    with zipfile.ZipFile(GOOD) as src, zipfile.ZipFile(tmp_path / "zero.xlsx", "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item.filename, src.read(item))
        out.writestr("xl/media/zero.bin", b"\0" * (50 * 2**20))

    def declare_empty(entry: bytearray) -> None:
        if entry.endswith(b"xl/media/zero.bin"):
            struct.pack_into("<L", entry, 24, 0)

    data = bytearray(_rewrite_directory(tmp_path / "zero.xlsx", declare_empty, tmp_path / "zero.xlsx").read_bytes())
    package = container._Package(bytes(data))
    [member] = [m for m in package.members if m.filename == "xl/media/zero.bin"]
    assert member.file_size == 0 and member.compress_size > 0
    with pytest.raises(zipfile.BadZipFile):
        container._inflate(package, bytes(data), member)
    with pytest.raises(UnreadableFile):
        check_container(tmp_path / "zero.xlsx")


def test_a_duplicate_member_name_reads_the_last_as_zipfile_does(tmp_path):
    with pytest.warns(UserWarning), zipfile.ZipFile(tmp_path / "dup.zip", "w") as out:
        out.writestr("mimetype", b"first")
        out.writestr("mimetype", b"second")
    data = (tmp_path / "dup.zip").read_bytes()
    assert container._Package(data).read("mimetype") == zipfile.ZipFile(tmp_path / "dup.zip").read("mimetype") == b"second"


def test_a_sheet_starting_below_row_1_keeps_its_addresses(tmp_path):
    """calamine's rows start at the sheet's first used row: a table with empty rows above it is
    read at its own cells (its findings name the cells a user sees)."""
    from openpyxl import load_workbook

    from workbook_builder.recalc.run import check_file

    book = load_workbook(GOOD)
    book.active.insert_rows(1, 2)   # two empty rows above the table
    book.save(tmp_path / "lower.xlsx")
    [grid] = [g for g in read_source(tmp_path / "lower.xlsx")[1] if not g.hidden]
    assert grid.top == 2 and grid.value(2, 0) == load_workbook(GOOD).active["A1"].value
    moved = [f.cell for r in check_file(str(tmp_path / "lower.xlsx"), None, None, None, "x") for f in r.findings]
    original = [f.cell for r in check_file(str(GOOD), None, None, None, "x") for f in r.findings]
    assert original and moved == [re.sub(r"\d+", lambda m: str(int(m.group()) + 2), c) for c in original]


def test_calamine_reads_the_checked_members_stored():
    """A small workbook package is handed to calamine rebuilt from the members as checked,
    stored uncompressed: the same members, names and bytes (zipfile agrees, CRCs included), and
    calamine reads the same cells from it as from the file itself."""
    import io

    import python_calamine

    from tests.conftest import ROOT

    sources = sorted((ROOT / "samples" / "chaoyang-2024").glob("*/*.xlsx"))[:6] + [
        p for p in sorted((ROOT / "tests" / "data" / "formats").glob("*.ods")) if "password" not in p.name]
    assert len(sources) >= 6
    for source in sources:
        checked = check_container(source)
        assert checked.stored is not None, source
        with zipfile.ZipFile(io.BytesIO(checked.stored)) as stored, zipfile.ZipFile(source) as original:
            assert stored.testzip() is None
            assert stored.namelist() == original.namelist()
            assert all(stored.read(n) == original.read(n) for n in original.namelist())
            assert {i.compress_type for i in stored.infolist()} == {zipfile.ZIP_STORED}

        def cells(data: bytes) -> list:
            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            return [book.get_sheet_by_name(name).to_python() for name in book.sheet_names]

        assert cells(checked.stored) == cells(checked.data), source


def test_a_package_left_to_zipfile_is_read_as_it_is(tmp_path):
    """A package _directory does not read (bytes after its end record) is checked through
    zipfile, and calamine reads its own bytes, not a stored copy."""
    path = tmp_path / "trailing.xlsx"
    path.write_bytes(GOOD.read_bytes() + b"\0" * 64)
    assert container._directory(path.read_bytes()) is None
    checked = check_container(path)
    assert checked.format == "xlsx" and checked.stored is None


@pytest.mark.parametrize("value", ["#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BUSY!", "#BLOCKED!",
                                   "#CONNECT!", "#UNKNOWN!", "#PYTHON!", "#TIMEOUT!", "#EXTERNAL!"])
def test_newer_error_values_are_read_as_error_values(tmp_path, value):
    """calamine refuses a workbook holding an error value newer than Excel 2007's; it reads the
    stored copy with #VALUE! there, and the grid gets the real value back (a text cell that
    reads the same is left alone)."""
    with zipfile.ZipFile(GOOD) as package:
        sheet = package.read(SHEET)
    cells = (f'<row r="30"><c r="M30" s="1" t="e"><f>A1</f><v>{value}</v></c><c r="N30" t="str"><v>{value}</v></c>'
             f'<c r="O30" t="e"><v>#N/A</v></c></row></sheetData>')
    path = _with_sheet(tmp_path, "newer.xlsx", sheet.replace(b"</sheetData>", cells.encode()))
    grid = read_source(path)[1][0]
    assert (grid.value(29, 12), grid.value(29, 13), grid.value(29, 14)) == (value, value, "#N/A")
    assert grid.value(13, 9) == 10   # the table itself is read as it is


def test_parts_read_to_tell_the_format_are_bounded(tmp_path, monkeypatch):
    """The mimetype and [Content_Types].xml are read before check_package bounds what a package
    unpacks to: one declared larger than a real one could be (a bomb of 4 GB took 8.4 GB of memory)
    is not unpacked there, and the package is then refused by its size."""
    import zipfile

    from workbook_builder.readers import container

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("[Content_Types].xml", b" " * (container._SMALL_PART + 1))
        out.writestr("mimetype", b" " * (container._SMALL_PART + 1))
        out.writestr("xl/workbook.xml", b"<workbook/>")
    read = []
    real = container._Package.read
    monkeypatch.setattr(container._Package, "read", lambda self, name: read.append(name) or real(self, name))
    assert container.detect_format(path) == "xlsx" and read == []


def _never_closed(pattern: bytes, size: int = 300_000) -> bytes:
    """``pattern`` repeated to ``size`` bytes with letters sprinkled in, so that the part stays
    under the compression-ratio limit (a bomb is refused before it is scanned)."""
    import random

    body = bytearray(pattern * (size // len(pattern)))
    rng = random.Random(1)
    for _ in range(len(body) // 100):
        at = rng.randrange(len(body))
        if body[at] in b"ab":
            body[at] = rng.choice(b"cdefghijk")
    return bytes(body)


SHEET_HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'


@pytest.mark.parametrize("part,head,pattern,tail,size", [
    ("xl/worksheets/sheet1.xml", SHEET_HEAD, b"<c a ", b"", 300_000),                 # cell tags never closed
    ("xl/worksheets/sheet1.xml", SHEET_HEAD, b'<c r="A1" b="', b"", 300_000),         # a quote never closed
    ("xl/worksheets/sheet1.xml", SHEET_HEAD + b'<c r="A1" t="e"><v>#SPILL!</v></c>', b'<c t="e" a ',
     b"</row></sheetData></worksheet>", 300_000),                                      # error cells never closed
    ("xl/worksheets/sheet1.xml", SHEET_HEAD + b'<c a="1">', b"<f a perf_b ", b"", 4_000_000),   # formulas
])
def test_tags_never_closed_cost_linear_time(tmp_path, part, head, pattern, tail, size):
    """A small file whose part is tags that never close (a hostile probe): each scan gives a tag
    up at the next <, instead of searching to the end from every tag (quadratic: over 300 s for
    a 300 KB sheet, a worker's time limit for every such file). Checked in a process of its own:
    a scan gone quadratic again does not finish in the minute allowed."""
    import subprocess
    import sys

    path = tmp_path / "never_closed.xlsx"
    patch(GOOD, path, {part: head + _never_closed(pattern, size) + tail})
    code = ("import sys; from workbook_builder.recalc.run import check_file; "
            "print(type(check_file(sys.argv[1], None, None, None, 'x')).__name__)")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_package_with_parts_of_both_kinds_is_what_its_main_part_says(tmp_path):
    """A workbook carrying a stray word/document.xml (a hostile probe's; Excel opens it) is a
    workbook, and a Word document carrying a stray xl/workbook.xml a Word document: the main
    part named in _rels/.rels decides, as Excel and Word decide."""
    from tests.office_formats import to_docx

    both = tmp_path / "双重包.xlsx"
    patch(GOOD, both, {}, extra={"word/document.xml": b"<w:document/>"})
    assert check_container(both).format == "xlsx"
    word = tmp_path / "文档.docx"
    to_docx(GOOD, word)
    doubled = tmp_path / "双重文档.docx"
    patch(word, doubled, {}, extra={"xl/workbook.xml": b"<workbook/>"})
    assert check_container(doubled).format == "docx"


def test_a_styles_part_bloated_by_copying_is_no_bomb(tmp_path):
    """Formats copied in from other workbooks pile up: 64,000 identical cell formats (Excel's most)
    make a 5 MB styles.xml that compresses some 280 times. That is no bomb (it inflates to 5 MB):
    the table is read; a part that inflates past RATIO_FROM at such a ratio still is one."""
    from workbook_builder.recalc.run import check_file

    path = tmp_path / "样式膨胀.xlsx"
    patch(GOOD, path, {"xl/styles.xml": bloated_styles()})
    with zipfile.ZipFile(path) as package:
        info = package.getinfo("xl/styles.xml")
    assert info.file_size / info.compress_size > container.MAX_RATIO
    [want], [got] = (check_file(str(p), None, None, None, p.name) for p in (GOOD, path))
    assert [(f.cell, f.kind) for f in got.findings] == [(f.cell, f.kind) for f in want.findings]


@pytest.mark.parametrize("strings", [1, 40_000])   # (a part read whole, and one read in chunks: over 1 MB)
def test_a_shared_strings_part_declaring_more_than_it_holds_is_refused_naming_it(tmp_path, strings):
    """uniqueCount="2000000000" in xl/sharedStrings.xml: calamine sets aside room for them all and
    its process had ended (读取程序异常中止, no part named); the same part honestly counted is read."""
    import xlsxwriter

    path = tmp_path / "honest.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("自评表")
    for n in range(strings):
        sheet.write_string(n, 0, f"项目名称{n:08d}")
    book.close()
    read_source(path)   # (the honest one reads)
    forged = tmp_path / "forged.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(forged, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/sharedStrings.xml":
                assert (len(data) > 1 << 20) == (strings > 1)
                data = re.sub(rb'uniqueCount="\d+"', b'uniqueCount="2000000000"', data)
            target.writestr(member, data)
    with pytest.raises(UnreadableFile, match="部件 xl/sharedStrings.xml 声明有 2,000,000,000 条共享文字"):
        check_container(forged)
