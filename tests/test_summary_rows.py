"""The summary's rows are written by :class:`workbook_builder.recalc.sheets._RowSheet`, which
renders a row's XML itself instead of going through XlsxWriter a cell at a time: the workbook
must be the very same, part for part, as XlsxWriter's own ``write_string``, ``write_number``,
``write_blank`` and ``write_url`` make it."""

import io
import math
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from workbook_builder.recalc import sheets, textsize

NUMBERS = [0, 7, -1, -0.5, 2**53 + 1, 10**20, -(10**30), 0.1 + 0.2, 1 / 3, -2.5e-7, 1e300, 123456789.123456789,
           3.0, float("nan"), float("inf"), True]
TEXTS = ["", " ", "   ", "  前导空格", "末尾空格  ", "\t制表", "\n", "第一行\n第二行", "\r单独回车",
         "回车\r\n换行", "_x0041_", "a_x005F_b_xFFFF_", "_X0041_", "_x004_", "&<>", "&amp;", '"引号"', "'单引号'",
         "]]>", "\x00\x01\x0b\x0c\x1f\x7f控制", "\ud800半个", "\udcff", "\ufffe\uffff", "\u3000全角\u3000", "\xa0",
         "\x85", "😀" * 3, "中文项目名称", "长" * 1500, "=SUM(1,2)", "+1", "-1", "@SUM(1)", "\t=1",
         "<r>富文本</r>", "<r><t>x</t></r>", "见 <r>x", "x</r>", "0042", "1e5", None]
LINKS = [("../收到/表1.xlsx", None), ("表%231.xlsx", "'自评表'!J14"), (None, "'部门'!A1"),
         ("t.xlsx", "'工作表'!C3"), ("x" * (sheets.MAX_URL + 1), None), ("t.xlsx", "'" + "s" * sheets.MAX_URL + "'!A1"),
         ("长" * 300 + ".xlsx", None), (None, None), ("", "")]
COLUMNS = ["文件", "全年预算数（万元）", "说明", "值", "项目名称", "单元格"]


def _cell_by_cell(sheet, row, cells):
    """XlsxWriter's own way: one public write call a cell."""
    for column, value, fmt, url in cells:
        if url is not None:
            sheet.write_url(row, column, url, fmt)
        elif value == "":
            sheet.write_blank(row, column, None, fmt)
        elif isinstance(value, str):
            sheet.write_string(row, column, value, fmt)
        else:
            sheet.write_number(row, column, value, fmt)


def _rows():
    """Rows over three sheets in turn, so that formats are first used at different times, with
    every number, text and link in several columns, highlighted and not."""
    values = NUMBERS + TEXTS
    rows = []
    for n in range(90):
        sheet = n % 3
        row = [values[(n * 7 + k * 5) % len(values)] for k in range(len(COLUMNS))]
        links = {k: LINKS[(n + k) % len(LINKS)] for k in (0, 3, 5) if (n + k) % 2 == 0}
        rows.append((sheet, row, n % 4 == 0, 2 if n % 5 == 0 else None, links))
    return rows


def _summary(path: Path) -> dict[str, bytes]:
    book = sheets.SummaryBook()
    writers = [book.sheet("项目", COLUMNS), book.sheet("问题", COLUMNS), book.sheet("部门", COLUMNS)]
    for sheet, values, highlight, mark, links in _rows():
        writers[sheet].row(values, highlight=highlight, mark=mark, links=links)
    for writer in writers:
        writer.finish()
        while writer is not None:   # (and its continued sheets)
            assert writer.sheet.hlink_count == writer.links   # XlsxWriter's own count of links kept
            writer = writer.more
    book.save(path)
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist() if name != "docProps/core.xml"}   # (the time)


@pytest.fixture
def small_limits(monkeypatch):
    """Few links and rows a sheet, so that rows go past both (links as plain cells, a continued sheet)."""
    monkeypatch.setattr(sheets, "MAX_LINKS", 20)
    monkeypatch.setattr(sheets, "MAX_ROWS", 25)
    monkeypatch.setattr(sheets, "WIDTH_ROWS", 10)


def test_rows_written_at_once_are_what_xlsxwriter_writes_cell_by_cell(tmp_path, monkeypatch, small_limits):
    fast = []
    add_row = sheets._RowSheet.add_row

    def counted(self, row, cells):
        fast.append(row)
        add_row(self, row, cells)

    monkeypatch.setattr(sheets._RowSheet, "add_row", counted)
    ours = _summary(tmp_path / "ours.xlsx")
    monkeypatch.setattr(sheets._RowSheet, "add_row", _cell_by_cell)
    theirs = _summary(tmp_path / "theirs.xlsx")
    assert len(fast) > 50   # (rows with rich-like text go cell by cell in both)
    assert ours.keys() == theirs.keys()
    assert "xl/worksheets/sheet4.xml" in ours   # the continued sheet
    for name in ours:
        assert ours[name] == theirs[name], name
    sheet = ours["xl/worksheets/sheet1.xml"].decode()
    for xml in ('xml:space="preserve"', "_x005F_x0041_", "_x000D_", "&amp;&lt;&gt;", "<hyperlink ", "<is><r>"):
        assert xml in sheet or xml in ours["xl/worksheets/sheet2.xml"].decode(), xml


def test_every_character_is_escaped_as_xlsxwriter_escapes_it():
    """Raw text (not through cell_text): every character but the surrogates (which no UTF-8 file
    holds) among others; alone and at either end, the first 12,544 and every white space; in
    what could be a literal _xHHHH_."""
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    texts = ["a" + "".join(chars[n:n + 256]) + "b" for n in range(0, len(chars), 256)]
    ends = [c for c in chars if ord(c) < 0x3100 or c.isspace()] + ["\ufffe", "\uffff", "\U0010ffff"]
    texts += [t for c in ends for t in (c, f"{c}x", f"x{c}")]
    texts += [f"_x{a}{b}41_" for a in "0aF_x\x01 " for b in "0fGg"] + ["_x0041_x0042_", "a_x00e9_b", "_x005F_x0041_"]

    def xml(write) -> str:
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"constant_memory": True})
        fmt = book.add_format({"bold": True})
        sheet = book.add_worksheet("s", worksheet_class=sheets._RowSheet)
        for row, text in enumerate(texts):
            write(sheet, row, [(0, text, fmt if row % 2 else None, None), (1, row, None, None)])
        book.close()
        with zipfile.ZipFile(out) as z:
            return z.read("xl/worksheets/sheet1.xml").decode()

    assert xml(sheets._RowSheet.add_row) == xml(_cell_by_cell)


def test_numbers_keep_their_precision():
    """Numbers as XlsxWriter writes them: 16 significant digits."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet("s", worksheet_class=sheets._RowSheet)
    finite = [n for n in NUMBERS if isinstance(n, (int, float)) and not isinstance(n, bool) and math.isfinite(n)]
    sheet.add_row(0, [(column, n, None, None) for column, n in enumerate(finite)])
    book.close()
    with zipfile.ZipFile(out) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="H1"><v>0.3</v></c>' in xml and '<c r="F1"><v>1E+20</v></c>' in xml
    assert '<c r="E1"><v>9007199254740992</v></c>' in xml   # (2**53 + 1, as a double)


def test_columns_are_fitted_to_wide_characters_after_narrow_ones():
    """A text of Chinese characters (two cells wide each) widens a column that a longer ASCII
    text set before it: the shortcut that skips texts which cannot widen a column counts each
    character as two cells."""
    book = sheets.SummaryBook()
    try:
        writer = book.sheet("表", ["a"])
        writer.row(["abcdefghijkl"])          # 12 cells
        writer.row(["一二三四五六七八九十"])   # 10 characters, 20 cells
        assert writer.widths == [20]
    finally:
        book.discard()


def test_rows_are_as_tall_as_their_wrapped_text(tmp_path, monkeypatch):
    """LibreOffice and WPS do not fit a row to its wrapped text on opening: a 说明 wider than the
    widest column, or of several lines, gets the lines it needs (cut at MAX_LINES), and a row
    past the fitted rows meets the width fitted by then; every other row keeps the default
    height, and the cells read from the top of their row."""
    from openpyxl import load_workbook

    monkeypatch.setattr(sheets, "WIDTH_ROWS", 6)   # (rows 1 to 5 fit the widths)
    book = sheets.SummaryBook()
    writer = book.sheet("问题", ["文件", "说明"])
    wide = "执" * ((sheets.MAX_WIDTH - 2) // 2) + "a"   # exactly as wide as the widest column holds
    texts = ["短", wide, wide + "b", "一\n二\n三", "长" * 1000,
             "十个字十个字十个字十个", "十个字十个字十个字十个字十个字十个字十个字十个字十个字十个字十"]   # (past them)
    narrow = book.sheet("原因", ["原因"])   # fitted to its header's 4 cells (and 2 padding), then 21 past the fitted rows
    for text in ["短"] * 5 + ["a" * 21]:
        narrow.row([text])
    for text in texts:
        writer.row(["a.xlsx", text])
    writer.finish()
    narrow.finish()
    book.save(tmp_path / "s.xlsx")
    sheet = load_workbook(tmp_path / "s.xlsx")["问题"]
    assert load_workbook(tmp_path / "s.xlsx")["原因"].row_dimensions[7].height == 5 * textsize.LINE_HEIGHT   # (5 a line)
    heights = [sheet.row_dimensions[n].height for n in range(2, 2 + len(texts))]
    line = textsize.LINE_HEIGHT
    assert heights == [None, None, 2 * line, 3 * line, textsize.MAX_LINES * line, None, 2 * line]
    assert int(sheet.column_dimensions["B"].width) == sheets.MAX_WIDTH
    assert {sheet[f"{c}{n}"].alignment.vertical for c in "AB" for n in range(2, 9)} == {"top"}


def test_wrapped_lines():
    assert [textsize.wrapped_lines(t, 12) for t in ("", "a" * 11, "a" * 12, "中" * 6, "a\n\nb", "中" * 12)] == [1, 1, 2, 2, 3, 3]


def test_heights_are_let_go_once_their_rows_are_written():
    """The height of each tall row is held only until the row is written out, rich-like rows
    (written through XlsxWriter's own row writer) included: memory stays flat on a long summary."""
    book = sheets.SummaryBook()
    try:
        writer = book.sheet("问题", ["文件", "说明"])
        for n in range(200):
            writer.row(["a.xlsx", ("<r>" if n % 2 else "") + "长" * 100 + ("</r>" if n % 2 else "")])
        assert len(writer.sheet.row_info) <= 2 and len(writer.sheet.row_sizes) <= 2
    finally:
        book.discard()
