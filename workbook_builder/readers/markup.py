"""Tables that arrive as web pages or XML with an Excel suffix, read as grids.

Many budget and performance systems export "Excel" files that are not workbooks: an HTML page
(``<table>``, often with Excel's ``x:num`` attributes; Excel's 另存为网页 writes the same) or an
Excel 2003 XML spreadsheet (SpreadsheetML, ``<?mso-application progid="Excel.Sheet"?>``), saved
as ``.xls``. Excel opens both with a warning; calamine reads neither. Here each becomes grids
placed as Excel places them when it opens the file, so every address a finding names is the
cell the user sees:

* HTML: one sheet (named by Excel's ``x:Name``, else the page title, else the file name);
  every table's rows one after another, a line of text outside the tables one row in column A;
  ``rowspan``/``colspan`` leave the covered cells empty (as a merged range does); a number is
  taken from ``x:num`` (Excel) or ``sdval`` (LibreOffice), else from a cell whose text is a plain
  number (``1,234.5``);
* SpreadsheetML: one grid per ``Worksheet``, rows and cells at their ``ss:Index``, the cached
  ``Data`` of every cell (a formula's result, an error as its ``#…`` text), hidden sheets hidden.

A number shown as a percentage is noted (:attr:`.container.Grid.percent`, read as the percentage
shown where a field holds one): in a page, a cell whose number is in ``x:num``/``sdval`` and whose
text ends with %; in SpreadsheetML, a cell whose style's NumberFormat is ``Percent`` or a code
with %. Limitations: other styles, row and column styles, images and a single-file web page
(.mht, MIME) are not read; that one is refused with the way out. Text is decoded by its
byte-order mark, its declared charset, UTF-8, else GB18030.
"""

from __future__ import annotations

import io
import math
import re
from datetime import datetime
from html.parser import HTMLParser

from .container import (MAX_COLUMNS, MAX_ROWS, MAX_TEXT, SPREADSHEET_XML as _SS, Grid, UnreadableFile, clean_value,
                        decode_text, excel_sheet_name, shows_percent)

_X = "urn:schemas-microsoft-com:office:excel"
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_SPACES = re.compile(r"[\t\r\n\f\u3000]|  ")
_UNCLOSED = re.compile(r"<(?![^<>]*>)")
_FEED = 1 << 16   # characters of a page parsed at a time
MAX_CELLS = MAX_ROWS * MAX_COLUMNS   # cells of a page read at most
MARKUP_FORMATS = ("html", "xml2003", "mhtml")   # format names, as the JSON and the summary show them


def read_markup_grids(data: bytes, fmt: str, stem: str) -> list[Grid]:
    """The grids of an HTML page or an XML spreadsheet (``fmt`` from :func:`.container.sniff_markup`); ``stem``
    names the sheet of a page that names none. Raises :class:`UnreadableFile`."""
    if fmt == "mhtml":
        raise UnreadableFile("是“单个文件网页”（.mht）格式，不是 Excel 工作簿，请用 Excel 打开后另存为 .xlsx")
    text = decode_text(data)
    if fmt == "xml2003":
        return _spreadsheet_grids(text)
    parser = _Page()
    text = _UNCLOSED.sub("&lt;", text)   # a < that opens no tag is text (html.parser rescans it: quadratic)
    for start in range(0, len(text), _FEED):   # no more once the rows read are all that is kept
        parser.feed(text[start:start + _FEED])
        if parser.truncated:
            break
    parser.close()
    if not parser.tables:
        raise UnreadableFile("是网页（HTML）格式的文件，其中没有表格，请用 Excel 打开后另存为 .xlsx")
    return [_grid(_sheet_name(parser.sheet or parser.title or stem) or "Sheet1", parser.rows, parser.truncated,
                  percent=parser.percent)]


def _sheet_name(text: str) -> str:
    """A name Excel accepts for a sheet (see :func:`.container.excel_sheet_name`), without
    surrounding spaces."""
    return excel_sheet_name(text).strip()[:31]


def _grid(name: str, rows: list[dict[int, object]], truncated: bool, hidden: bool = False,
          percent: set[tuple[int, int]] = frozenset()) -> Grid:
    """A grid from rows of {column: value}, rectangular and padded with '' as calamine gives;
    ``percent``: the cells whose number is shown as a percentage (:attr:`.container.Grid.percent`)."""
    width = max((max(row) + 1 for row in rows if row), default=0)
    while rows and not rows[-1]:
        rows.pop()
    grid_rows = [[""] * width for _ in rows]
    for out, row in zip(grid_rows, rows):
        for c, value in row.items():
            out[c] = clean_value(value)
    return Grid(name, grid_rows, 0, 0, hidden, truncated, percent=frozenset(percent))


def _attribute_number(raw: str) -> float | None:
    """The number an ``x:num``/``sdval`` attribute holds (any form Python reads: 1.23E-05)."""
    try:
        value = float(raw.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _number(text: str) -> float | None:
    if _NUMBER.fullmatch(text):
        value = float(text.replace(",", ""))
        return value if math.isfinite(value) else None
    return None


_STRUCK = {"s", "strike", "del"}   # text struck through in a cell


class _Page(HTMLParser):
    """Rows of an HTML page as Excel lays them out: table rows cell by cell (spans skipped),
    and each line of text outside the tables as one row."""

    _BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "hr", "table", "title", "center"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[dict[int, object]] = []
        self.percent: set[tuple[int, int]] = set()   # (row, col) of the numbers shown as percentages
        self.truncated = False
        self.title = self.sheet = ""
        self._depth = 0           # tables open (a nested table's text goes into its cell)
        self._row: dict[int, object] | None = None
        self._below: dict[int, int] = {}   # column → the first row a rowspan from above no longer covers
        self.tables = 0
        self._col = 0
        self._cell: list[str] | None = None
        self._cell_size = self._outside_size = 0   # characters gathered (a cell keeps MAX_TEXT)
        self.cells = 0   # cells met: past MAX_CELLS the page is read no further
        self._cell_attrs: dict[str, str | None] = {}
        self._outside: list[str] = []
        self._in = ""             # "title", "style" or "script": text not shown in a cell
        self._struck = 0          # <s>, <strike>, <del> open in the cell: a value corrected by hand, not read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "title"):
            self._in = tag
            return
        if tag == "table":
            if self._depth == 0:
                self._line()
                self.tables += 1
            self._depth += 1
        elif self._depth == 1 and tag == "tr":
            self._end_row()
            self._row, self._col = {}, 0
        elif self._depth == 1 and tag in ("td", "th"):
            if self._row is None:
                self._row, self._col = {}, 0
            self._end_cell()
            self._cell, self._cell_attrs, self._cell_size = [], dict(attrs), 0
            self.cells += 1
            if self.cells > MAX_CELLS:   # a row of millions of cells: read no further
                self.truncated = True
        elif tag in _STRUCK and self._cell is not None:
            self._struck += 1
        elif tag == "br" and self._cell is not None:   # a line break in a cell (outside: a block's end)
            self._cell.append("\n")
        elif self._depth == 0 and tag in self._BLOCKS:
            self._line()

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = ""
        elif tag in _STRUCK and self._struck:
            self._struck -= 1
        elif tag == "table" and self._depth:
            self._depth -= 1
            if self._depth == 0:
                self._end_row()
                self._below = {}
        elif self._depth == 1 and tag in ("td", "th"):
            self._end_cell()
        elif self._depth == 1 and tag == "tr":
            self._end_row()
        elif self._depth == 0 and tag in self._BLOCKS:
            self._line()

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data.strip()
        elif self._in:
            return
        elif self._cell is not None:
            if self._cell_size < MAX_TEXT and not self._struck:   # no more than a cell keeps (a nested table's text too)
                self._cell.append(data)
                self._cell_size += len(data)
        elif self._depth == 0 and self._outside_size < MAX_TEXT:
            self._outside.append(data)
            self._outside_size += len(data)

    def handle_comment(self, data: str) -> None:
        # Excel's own page names its sheet: <x:ExcelWorksheet><x:Name>自评表</x:Name>
        found = re.search(r"<x:Name>([^<]{1,100})</x:Name>", data)
        if found and not self.sheet:
            self.sheet = found.group(1).strip()

    def close(self) -> None:
        super().close()
        self._end_row()
        self._line()

    def _end_cell(self) -> None:
        if self._cell is None or self._row is None:
            return
        text = "".join(self._cell)
        self._struck = 0   # (an <s> left open ends with its cell)
        if _SPACES.search(text):   # runs of spaces as one, line breaks kept (not in most cells)
            text = re.sub(r"[ \t\r\n\f\u3000]*\n[ \t\r\n\f\u3000]*", "\n", text)
            text = re.sub(r"[ \t\r\f]+", " ", text)
        text = text.strip(" \n")
        attrs, self._cell = self._cell_attrs, None
        row_index = len(self.rows)
        while self._below.get(self._col, 0) > row_index:
            self._col += 1
        across, down = _span(attrs.get("colspan"), MAX_COLUMNS), _span(attrs.get("rowspan"), MAX_ROWS)
        value: object = text
        raw = attrs.get("x:num", attrs.get("sdval", False))   # Excel's and LibreOffice's number
        if raw is not False:
            value = _attribute_number(raw) if raw else _number(text.replace(" ", "")) if text else text
            value = text if value is None else value
            if value.__class__ is float and text.endswith(("%", "％")) and self._col < MAX_COLUMNS:
                self.percent.add((row_index, self._col))   # a number shown as a percentage
        elif attrs.get("x:str", False) is False and text:
            number = _number(text)
            value = text if number is None else number
        if self._col < MAX_COLUMNS and text:
            self._row[self._col] = value
        if down > 1:
            for c in range(self._col, min(self._col + across, MAX_COLUMNS)):
                self._below[c] = row_index + down
        self._col += across

    def _end_row(self) -> None:
        self._end_cell()
        if self._row is not None:
            self._add(self._row)
            self._row = None

    def _line(self) -> None:
        text = " ".join("".join(self._outside).split())
        self._outside, self._outside_size = [], 0
        if text:
            self._add({0: text})

    def _add(self, row: dict[int, object]) -> None:
        if len(self.rows) >= MAX_ROWS:
            self.truncated = True
            return
        self.rows.append(row)


def _span(value: str | None, limit: int, least: int = 1) -> int:
    """A span attribute as a count between ``least`` and ``limit`` (a bad one as ``least``)."""
    try:
        return max(least, min(int(value or least), limit))
    except ValueError:
        return least


def _spreadsheet_grids(text: str) -> list[Grid]:
    """Every ``Worksheet`` of an Excel 2003 XML spreadsheet, read as a stream: each cell is let
    go once read, and every element once it ends (a 64 MB file never becomes a tree of millions
    of elements); rows past :data:`MAX_ROWS` are not kept. A DTD or entity is refused."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, iterparse

    # The text is decoded: without its declaration the parser reads the bytes as the UTF-8 they are
    stream = io.BytesIO(re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1).encode("utf-8", "replace"))
    grids: list[Grid] = []
    sheet: _Sheet | None = None
    path: list = []   # the elements open, the root first
    cells = 0         # cells open: nothing inside one is let go before it is read (formatted text)
    names: dict[str, int] = {}
    percent_styles: set[str] = set()   # the ss:ID of the Styles whose NumberFormat shows a percentage
    style = None   # the ss:ID of the Style being read
    try:
        for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            tag = element.tag
            if event == "start":
                path.append(element)
                cells += tag == _CELL
                if tag == _STYLE:   # (its attributes: read now, as the element is let go as its children end)
                    style = element.get(f"{{{_SS}}}ID")
                elif tag == _WORKSHEET:
                    name = _unique(_sheet_name(element.get(f"{{{_SS}}}Name") or "") or f"Sheet{len(grids) + 1}", names)
                    sheet = _Sheet(name, percent_styles)
                elif tag == _ROW and sheet is not None and len(path) >= 2 and path[-2].tag == _TABLE:
                    sheet.start_row(element)
                continue
            path.pop()
            if tag == _NUMBER_FORMAT and path and path[-1].tag == _STYLE and _percent(element.get(f"{{{_SS}}}Format")):
                percent_styles.add(style)
            if sheet is not None:
                if tag == _CELL and sheet.row is not None and path and path[-1].tag == _ROW:
                    sheet.add_cell(element)
                elif tag == _ROW and sheet.row is not None:
                    sheet.end_row()
                elif tag == f"{{{_X}}}Visible":
                    sheet.hidden = (element.text or "").strip() in ("SheetHidden", "SheetVeryHidden")
                elif tag == _WORKSHEET:
                    grids.append(_grid(sheet.name, sheet.rows, sheet.truncated, sheet.hidden, sheet.percent))
                    sheet = None
            cells -= tag == _CELL
            if path and not cells:
                path[-1].clear()   # what has ended is read: let go (a cell is read whole when it ends)
    except DefusedXmlException:
        raise UnreadableFile("XML 表格中含有 DTD 或实体声明，出于安全考虑已拒绝读取") from None
    except ParseError as err:
        raise UnreadableFile(f"XML 表格结构已损坏（第 {err.position[0]} 行），请用 Excel 打开后另存为 .xlsx") from None
    if not grids:
        raise UnreadableFile("XML 表格中没有工作表，请用 Excel 打开后另存为 .xlsx")
    return grids


_WORKSHEET, _TABLE, _ROW, _CELL, _DATA = (f"{{{_SS}}}{t}" for t in ("Worksheet", "Table", "Row", "Cell", "Data"))
_STYLE, _NUMBER_FORMAT = f"{{{_SS}}}Style", f"{{{_SS}}}NumberFormat"


def _percent(number_format: str | None) -> bool:
    """A SpreadsheetML NumberFormat showing a percentage: the named ``Percent`` or a code with %."""
    return number_format == "Percent" or shows_percent(number_format)


def _unique(name: str, taken: dict[str, int]) -> str:
    """``name``, or ``name (2)``… when a sheet of the workbook already has it (any case), within
    31 characters; ``taken``: each name used (lower case) and the last number given after it."""
    found, n = name, taken.get(name.lower(), 1)
    while found.lower() in taken:
        n += 1
        found = f"{name[:31 - len(f' ({n})')]} ({n})"
    taken[name.lower()] = n
    taken.setdefault(found.lower(), 1)
    return found


class _Sheet:
    """A ``Worksheet`` being read: its rows of {column: value}, placed by ``ss:Index``."""

    def __init__(self, name: str, percent_styles: set[str]) -> None:
        self.name, self.hidden, self.truncated = name, False, False
        self.percent_styles = percent_styles
        self.percent: set[tuple[int, int]] = set()   # (row, col) of the numbers shown as percentages
        self.rows: list[dict[int, object]] = []
        self.last = -1   # the 0-based position of the last row read
        self.row: dict[int, object] | None = None   # the cells of the row being read
        self.col = -1

    def start_row(self, row) -> None:
        if self.truncated:
            return
        self.last = _index(row, self.last, self.name, "行")
        if self.last >= MAX_ROWS:
            self.truncated = True
            return
        self.row, self.col = {}, -1

    def add_cell(self, cell) -> None:
        self.col = _index(cell, self.col, self.name, f"第 {self.last + 1} 行的单元格")
        data = cell.find(_DATA)
        if data is not None and self.col < MAX_COLUMNS:
            self.row[self.col] = value = _data(data)
            if value.__class__ is float and cell.get(f"{{{_SS}}}StyleID", "Default") in self.percent_styles:
                self.percent.add((self.last, self.col))   # (no style of its own: the Default style)
        self.col += _span(cell.get(f"{{{_SS}}}MergeAcross"), MAX_COLUMNS, 0)   # the cells merged into it

    def end_row(self) -> None:
        self.rows.extend({} for _ in range(self.last - len(self.rows)))
        self.rows.append(self.row)
        self.row = None


def _index(element, current: int, name: str, what: str) -> int:
    """The 0-based position of a Row or Cell: its ``ss:Index`` (1-based) or the one after."""
    raw = element.get(f"{{{_SS}}}Index")
    if raw is None:
        return current + 1
    try:
        index = int(raw) - 1
    except ValueError:
        index = -1
    if index <= current:
        raise UnreadableFile(f"XML 表格的工作表“{name}”中{what}位置（ss:Index=\"{raw[:20]}\"）无效，"
                             f"请用 Excel 打开后另存为 .xlsx")
    return index


def _data(data) -> object:
    """A cell's value by its ``ss:Type``; text that does not fit its type is kept as text."""
    kind = data.get(f"{{{_SS}}}Type", "String")
    text = "".join(data.itertext())
    try:
        if kind == "Number":
            value = float(text)
            return value if math.isfinite(value) else text
        if kind == "Boolean":
            return text.strip() in ("1", "true", "TRUE")
        if kind == "DateTime":
            return datetime.fromisoformat(text.strip()[:19])
    except ValueError:
        return text
    return text
