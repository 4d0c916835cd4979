"""Summary workbooks (复核汇总.xlsx, 目标审核汇总.xlsx) streamed with XlsxWriter in constant-memory
mode: rows go to disk as they are written, so memory stays flat on a large batch and a cell costs
a few microseconds (openpyxl's write-only mode took about 14).

:class:`SummaryBook` holds the workbook and its few cell formats; :class:`SheetWriter` writes one
sheet: header, rows, widths fitted to the first rows, autofilter, frozen header repeated on each
printed page, A4 landscape one page wide (or at 65% across pages). Text is always written as a string cell (never a
formula, see :mod:`.inert`); control characters and literal ``_xHHHH_`` are escaped as XlsxWriter
escapes them. The rows go through :class:`_RowSheet`, which writes a whole row's XML at once.
"""

from __future__ import annotations

import functools
import io
import math
import os
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote

import xlsxwriter
from xlsxwriter.url import Url
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from ..files import atomic_save
from .inert import cell_text, is_formula_like
from .textsize import row_height, text_width, wrapped_lines

NUMBER_FORMAT = "0.00"
GENERAL = "General"   # a number's format in a column of other things (counts: 问题数)
PERCENT_FORMAT = "0.00%"
HEADER_FILL = "#DDEBF7"
FINDING_FILL = "#FFC7CE"
LINK_COLOR = "#0563C1"
MAX_WIDTH = 50
A4 = 9  # paperSize code of A4 (ECMA-376 18.3.1.63)
A4_WIDE = 148  # column-width units printed across A4 landscape at 100% (the margins below; 11-point text)
MIN_PRINT_SCALE = 65  # the smallest scale a sheet is shrunk to for one page's width (7-point text)
WIDTH_ROWS = 1000  # column widths are fitted to the first rows
MAX_ROWS = 1_048_576  # Excel's rows on one worksheet; a sheet that fills up goes on in a （续） sheet
MAX_LINKS = 65_530  # Excel's limit of hyperlinks on one worksheet; later rows get none
MAX_URL = 2_079  # Excel's limit on a hyperlink's target and on its location
MAX_TIP = 255
NUMERIC = {"全年预算数（万元）", "填报总分", "计算总分", "平均计算总分", "填报值", "应为", "值", "限值", "数值", "审核得分"}
WRAPPED = {"说明", "原因"}  # columns of sentences
# Departments that get a sheet of their own; past them, only their line in 部门 (a workbook of
# thousands of sheets is of no use, and each sheet holds a file open until the book is saved)
MAX_DEPARTMENT_SHEETS = 200
# A summary's hidden sheet listing the copies of earlier runs left in its folder (another batch
# sent to the same folder): the next run still knows them as perfbook's (see .outputs.earlier_copies)
CARRIED_SHEET = "此前副本"
_SHEET_NAME = re.compile(r"[\[\]:*?/\\']")
_RESERVED = {"history"}  # Excel keeps this sheet name for itself


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _cut16(text: str, units: int) -> str:
    """``text`` cut to at most ``units`` UTF-16 code units (Excel counts sheet names so)."""
    while _utf16(text) > units:
        text = text[:-1]
    return text


def sheet_title(name: str, taken: set[str]) -> str:
    """A sheet title for ``name`` that Excel accepts and no other sheet has (case ignored); adds
    it to ``taken``."""
    base = _SHEET_NAME.sub("_", cell_text(name, 200)).replace("\n", " ").strip() or "未填主管部门"
    base = _cut16(base, 28)
    title, n = base, 1
    while title.lower() in taken or title.lower() in _RESERVED:
        n += 1
        title = f"{_cut16(base, 26)}（{n}）"
    taken.add(title.lower())
    return title


def _header(label: str) -> str:
    """A header label as shown: a bracketed unit on a line of its own (全年预算数 over （万元）), so
    that it does not set its column's width."""
    return re.sub(r"(?<=.)(?=[（(])", "\n", label, count=1)


def _shown_width(number: float | int, fmt: str) -> int:
    """The width a number takes as its format shows it (0.9999 as 99.99%), with the indent of
    one character every number cell has (a column fitted to 1.00 had shown ### for 99.99%)."""
    shown = f"{number:.2%}" if fmt == PERCENT_FORMAT else f"{number:.2f}" if fmt == NUMBER_FORMAT else f"{number:.16G}"
    return len(shown) + 1


def no_sheet() -> str:
    """What 部门 says of a department past :data:`MAX_DEPARTMENT_SHEETS`."""
    return f"（主管部门超过 {MAX_DEPARTMENT_SHEETS} 个，未单独成表）"


def _value(value: object) -> object:
    """A cell value: finite numbers as numbers, everything else as inert text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return value
    return cell_text(value)


_NOT_IN_XML = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# Characters a URI may not hold as they are (RFC 3986), and % ? # which would be read as an
# escape, a query or a fragment: encoded in a link's path
_URI_ESCAPES = {ord(c): f"%{ord(c):02X}" for c in '%#? "<>[]\\^`{|}'}


def link_target(relative: str) -> str:
    """A relative path as a link target, which Excel and LibreOffice read as a URI: ``%``, ``#``,
    ``?``, spaces and the other characters a URI may not hold encoded (``a#1.xlsx`` is not ``a``
    at fragment ``1.xlsx``, ``a%20b.xlsx`` not ``a b.xlsx``); a name with a control character,
    a character XML cannot hold or bytes that are not UTF-8 (kept as surrogates) percent-encoded
    byte for byte, so that the link still opens that file and the XML can hold it."""
    if _NOT_IN_XML.search(relative):
        return quote(os.fsencode(relative), safe="/")
    return relative.translate(_URI_ESCAPES)


class Links:
    """Relative link targets from a summary's folder to the annotated copies or, without copies,
    to the originals (``result.sources``); rows carry ``file``, ``sheet`` and ``annotated``."""

    def __init__(self, result, folder: Path) -> None:
        self.result, self.folder = result, folder.absolute()
        self.relative: dict[str, str | None] = {}

    def file(self, row) -> str | None:
        if row.annotated:
            return link_target(row.annotated)
        if row.file not in self.relative:
            source = self.result.sources.get(row.file)
            self.relative[row.file] = None if source is None else self._original(Path(source).absolute())
        return self.relative[row.file]

    def _original(self, source: Path) -> str:
        try:
            return link_target(Path(os.path.relpath(source, self.folder)).as_posix())
        except ValueError:   # on Windows, another drive than the summary's: no relative path
            return source.as_uri()

    def cell(self, row, cell: str) -> tuple[str | None, str | None]:
        target = self.file(row)
        inside = not row.annotated and row.file in getattr(self.result, "members", {})   # (the link opens the .zip)
        sheet = (row.annotated and getattr(row, "copy_sheet", "")) or row.sheet   # (a values copy may rename it)
        if not target or not cell or inside or _NOT_IN_XML.search(sheet):   # a sheet name XML cannot hold
            return target, None
        return target, f"'{sheet.replace(chr(39), chr(39) * 2)}'!{cell}"


def _rich_like(text: str) -> bool:
    """Text XlsxWriter would copy into the XML unescaped, as a rich string, in constant-memory
    mode (``<r>…</r>``): written as two runs instead, which it escapes."""
    return text.startswith("<r>") and text.endswith("</r>")


_EXTERNAL = vars(Url("external:link"))   # the fields of a parsed external link


class _FileLink(Url):
    """A link to a file by a relative path, with an optional cell location. XlsxWriter's own
    parsing of ``external:`` links turns ``/`` into ``\\`` (which only Windows Excel resolves)
    and re-escapes the path; the path given here is already what the relationship must hold."""

    def __init__(self, target: str, location: str | None) -> None:
        vars(self).update(_EXTERNAL)   # (copied: parsing one costs as much as a row's other cells)
        self._link = self._relationship_link = target
        self._anchor = location or ""


# What XlsxWriter changes in an inline string: control characters and U+FFFE/U+FFFF (written as
# _xHHHH_), a literal _xHHHH_ (written as _x005F_xHHHH_) and & < > (XML-escaped)
_ESCAPED = re.compile(r"[\x00-\x08\x0b-\x1f&<>\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_column_name = functools.cache(xl_col_to_name)   # A, B, …


class _RowSheet(Worksheet):
    """A constant-memory worksheet that also takes a whole row of plain cells at once
    (:meth:`add_row`) and writes its XML itself: the same XML as XlsxWriter's ``write_string``,
    ``write_number``, ``write_blank`` and ``write_url`` for those cells, at a fraction of the cost
    (a summary has about a hundred thousand cells). XlsxWriter's bookkeeping is kept: the
    dimensions, the hyperlinks (written with the relationships at close) and the row written out
    only when the next one begins, as XlsxWriter writes its own, so the formats get their style
    indices in the same order. tests/test_summary_rows.py compares the two."""

    def __init__(self) -> None:
        super().__init__()
        # the last row, not yet written out: (row, [(column, format, the cell's XML after its r and s)])
        self._pending: tuple[int, list[tuple[int, object, str]]] | None = None

    def add_row(self, row: int, cells: list[tuple[int, object, object, Url | None]]) -> None:
        """Write row ``row``, below every row written so far, of ``cells``: (column, value, format,
        hyperlink or None) in column order; a value is a finite number or text that is not
        rich-like (see :func:`_rich_like`), ``""`` without a link a blank cell (none without a
        format). The sheet has no row or column formats (XlsxWriter gives them to the cells
        without a format of their own) and its rows no heights; a row given here takes no other
        cell afterwards (one written to it through ``write_*`` would be lost)."""
        xml = []
        for column, value, fmt, url in cells:
            if url is None and value == "":
                if fmt is None:
                    continue
                rest = "/>"
            elif value.__class__ is str:
                rest = self._inline(value)
            else:
                rest = f"><v>{value:.16G}</v></c>"
            xml.append((column, fmt, rest))
            if url is not None:
                self.hlink_count += 1
                self.hyperlinks[row][column] = url
        if not xml:
            return
        self._check_dimensions(row, xml[0][0])   # (the dimensions keep only the first and last)
        self._check_dimensions(row, xml[-1][0])
        if row > self.previous_row:
            self._write_single_row(row)
        self._pending = (row, xml)

    def _inline(self, text: str) -> str:
        """The rest of an inline string cell after its ``r`` and ``s`` attributes, escaped as
        XlsxWriter escapes it (strings are at most :data:`.inert.MAX_TEXT` characters, far from
        XlsxWriter's limit)."""
        if _ESCAPED.search(text):
            text = self._escape_data(self._escape_control_characters(text))
        # XlsxWriter's _preserve_whitespace (^\s or \s$), without the two regular expressions
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        return f' t="inlineStr"><is><t{space}>{text}</t></is></c>'

    def _write_single_row(self, current_row_num: int = 0) -> None:
        """XlsxWriter's: write out the last row (a :meth:`add_row` one here) and start
        ``current_row_num``."""
        if self._pending is None:   # (a row written cell by cell: XlsxWriter's own, then its height let go)
            row = self.previous_row
            super()._write_single_row(current_row_num)
            self.row_info.pop(row, None)
            self.row_sizes.pop(row, None)
            return
        row, xml = self._pending
        self._pending = None
        self.previous_row = current_row_num
        self.row_sizes.pop(row, None)   # (set_row's, for images: none here; kept no longer than the row)
        self._write_row(row, None, self.row_info.pop(row, None))
        number = row + 1
        self.fh.write("".join(
            f'<c r="{_column_name(column)}{number}" s="{fmt._get_xf_index()}"{rest}' if fmt
            else f'<c r="{_column_name(column)}{number}"{rest}' for column, fmt, rest in xml))
        self._xml_end_tag("row")


class _Buffer(io.BytesIO):
    """A buffer left open when collected, so that a ZipFile collected with it can still close."""

    def __del__(self) -> None:
        pass


class SummaryBook:
    """One summary workbook being written; :meth:`save` writes it to its path atomically."""

    def __init__(self) -> None:
        self.tmpdir = tempfile.mkdtemp(prefix="perfbook-summary-")   # the rows, one file a sheet
        self.book = xlsxwriter.Workbook(None, {"constant_memory": True, "strings_to_numbers": False,
                                               "strings_to_formulas": False, "strings_to_urls": False,
                                               "tmpdir": self.tmpdir})
        self.header = self.book.add_format({"bold": True, "bg_color": HEADER_FILL, "valign": "vcenter",
                                            "text_wrap": True})
        self.formats: dict[tuple, object] = {}
        self.run = self.book.add_format()   # a run of a rich string, in the cell's own font (see _rich_like)
        self.taken: set[str] = set()   # the sheets' titles, lower-cased (Excel ignores case)

    def format(self, key: tuple) -> object:
        """The cell format for a style key (quote prefix, number format or None for text, wrapped,
        highlighted, link, blank): every cell but a blank one is aligned to the top, as the wrapped ones, so that
        a row taller than a line reads from its top."""
        if key not in self.formats:
            quote, numeric, wrapped, highlight, linked, blank = key
            spec: dict[str, object] = {} if blank else {"valign": "top"}
            if quote:
                spec["quote_prefix"] = True
            if numeric:   # (right-aligned a character in from the edge: no number runs into the next column's text)
                spec.update(align="right", indent=1)
                if numeric != GENERAL:
                    spec["num_format"] = numeric
            if wrapped:
                spec["text_wrap"] = True
            if highlight:
                spec["bg_color"] = FINDING_FILL
            if linked:
                spec.update(font_color=LINK_COLOR, underline=1)
            self.formats[key] = self.book.add_format(spec) if spec else None
        return self.formats[key]

    def sheet(self, title: str, columns: list[str]) -> "SheetWriter":
        """A new sheet with a header row of ``columns``; numbers in the columns named in
        :data:`NUMERIC` get two decimals, the columns in :data:`WRAPPED` wrap."""
        if title.lower() in self.taken:   # e.g. a department called like a continued sheet
            title = sheet_title(title, self.taken)
        self.taken.add(title.lower())
        return SheetWriter(self, title, columns)

    def continued(self, full: "SheetWriter") -> "SheetWriter":
        """The sheet that goes on where ``full`` has no rows left: 问题（续）, 问题（续2）, …"""
        part, base = full.part + 1, full.base   # part 2 is the first continuation
        suffix = f"（续{'' if part == 2 else part - 1}）"
        writer = self.sheet(_cut16(base, 28 - _utf16(suffix)) + suffix, full.columns)   # (numbered if taken)
        writer.base, writer.part = base, part
        return writer

    def carried(self, names: list[str], column: str) -> None:
        """The hidden :data:`CARRIED_SHEET` listing ``names`` under ``column`` (none without names)."""
        if names:
            writer = self.sheet(CARRIED_SHEET, [column])
            for name in names:
                writer.row([name])
            writer.finish()
            writer.sheet.hide()

    def chart(self, options: dict) -> object:
        return self.book.add_chart(options)

    def save(self, path: Path) -> Path:
        def write(tmp: str) -> None:
            # zipped in memory, then written: XlsxWriter leaves its ZipFile open when writing
            # fails (a full disk); collected later, it closes into the buffer, not into a file
            # that fails again (a second error printed at exit)
            buffer = _Buffer()
            self.book.filename = buffer
            self.book.close()
            Path(tmp).write_bytes(buffer.getbuffer())
        try:
            return atomic_save(write, path)
        finally:
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    def discard(self) -> None:
        """Let go of a book that will not be saved: the sheets' temporary files closed, removed."""
        for sheet in self.book.worksheets():
            handle = getattr(sheet, "row_data_fh", None)   # XlsxWriter's constant-memory row file
            if handle is not None and not handle.closed:
                try:
                    handle.close()
                except OSError:   # its buffer not flushed (a full disk): the file goes anyway
                    pass
        shutil.rmtree(self.tmpdir, ignore_errors=True)


class SheetWriter:
    """One summary sheet, streamed row by row."""

    def __init__(self, book: SummaryBook, title: str, columns: list[str]) -> None:
        self.book, self.title, self.columns = book, title, columns
        self.sheet = sheet = book.book.add_worksheet(title, worksheet_class=_RowSheet)
        self.numeric = [c in NUMERIC for c in columns]
        self.wrapped = [c in WRAPPED for c in columns]
        shown = [_header(c) for c in columns]
        self.widths = [text_width(c) for c in shown]
        self.rows = 1
        self.links = 0
        self.more: SheetWriter | None = None   # the （续） sheet, once this one is full
        self.base, self.part = title, 1
        sheet.freeze_panes(1, 0)
        sheet.repeat_rows(0)
        sheet.set_paper(A4)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.set_margins(left=0.4, right=0.4)
        for index, name in enumerate(shown):
            sheet.write_string(0, index, name, book.header)
        if any("\n" in name for name in shown):
            sheet.set_row(0, row_height(2))

    def _link(self, text: str, link: tuple[str | None, str | None]) -> Url | None:
        """A hyperlink showing ``text``, to a file (and cell) or to a cell of this workbook; None
        when Excel could not hold the link (too long, too many), for a plain cell instead."""
        target, location = link
        if (self.links >= MAX_LINKS or _utf16(target or "") > MAX_URL or _utf16(location or "") > MAX_URL
                or _rich_like(text)):   # XlsxWriter writes a link's text as it is: see _rich_like
            return None
        if target:
            url = _FileLink(target, location)
        else:
            url = Url("internal:" + location)
        tip = "打开" + (location or target)
        if _utf16(tip) <= MAX_TIP:
            url.tip = tip
        url.text = text
        self.links += 1
        return url

    def row(self, values: list[object], highlight: bool = False, mark: int | None = None,
            links: dict[int, tuple[str | None, str | None]] | None = None, percent: bool = False) -> None:
        """Append a row; ``highlight`` colours all of it, ``mark`` one column; ``links`` maps a
        column to (file target, cell location); ``percent`` shows its numbers as percentages
        (rates, 0.9998 as 99.98%)."""
        if self.rows >= MAX_ROWS:
            if self.more is None:
                self.more = self.book.continued(self)
            self.more.row(values, highlight, mark, links, percent)
            return
        numeric = PERCENT_FORMAT if percent else NUMBER_FORMAT
        number = self.rows
        self.rows += 1
        fitting, cells, plain, lines = number < WIDTH_ROWS, [], True, 1
        for index, value in enumerate(values):
            value = _value(value)
            text = value.__class__ is str
            if text and self.wrapped[index]:
                lines = max(lines, self._lines(value, fitting, index))
            link = links.get(index) if links else None
            linked = bool(link and (link[0] or link[1]))
            key = (text and is_formula_like(value), None if text else numeric if self.numeric[index] else GENERAL,
                   self.wrapped[index],
                   highlight or index == mark, linked, value == "" and not linked)
            fmt = self.book.format(key)
            # (a cell_text is at most two cells a character wide: one that cannot widen the column is not measured)
            if fitting and not text:   # a number as shown (99.99%, 738.63), and its indent
                self.widths[index] = max(self.widths[index], _shown_width(value, numeric if self.numeric[index] else GENERAL))
            elif fitting and 2 * len(value) > self.widths[index]:
                self.widths[index] = max(self.widths[index], text_width(value))
            if linked:
                url = self._link(str(value), link)
                if url is not None:
                    cells.append((index, url.text, fmt, url))
                    continue
                fmt = self.book.format(key[:4] + (False, value == ""))
            if text and _rich_like(value):
                plain = False
            cells.append((index, value, fmt, None))
        height = row_height(lines)
        if height:
            self.sheet.set_row(number, height)
        if plain:
            self.sheet.add_row(number, cells)
        else:
            self._write_cell_by_cell(number, cells)

    def _lines(self, text: str, fitting: bool, index: int) -> int:
        """The lines of ``text`` in wrapped column ``index``: a row among the first
        :data:`WIDTH_ROWS` widens its column up to :data:`MAX_WIDTH`, so only what is wider
        wraps; a later row meets the width already fitted (see :meth:`finish`)."""
        width = MAX_WIDTH if fitting else self._width(index)
        if "\n" not in text and 2 * len(text) < width:   # (two cells a character at most: it fits)
            return 1
        return wrapped_lines(text, width)

    def _write_cell_by_cell(self, number: int, cells: list[tuple[int, object, object, Url | None]]) -> None:
        """Write a row with rich-like text cell by cell through XlsxWriter (as two runs, see
        :func:`_rich_like`); ``cells`` as for :meth:`_RowSheet.add_row`."""
        sheet = self.sheet
        for index, value, fmt, url in cells:
            if url is not None:
                sheet.write_url(number, index, url, fmt)
            elif value == "":
                sheet.write_blank(number, index, None, fmt)   # a blank cell (none without a format)
            elif value.__class__ is not str:
                sheet.write_number(number, index, value, fmt)
            elif _rich_like(value):
                sheet.write_rich_string(number, index, value[:1], self.book.run, value[1:], *([fmt] if fmt else []))
            else:
                sheet.write_string(number, index, value, fmt)

    def _width(self, index: int) -> int:
        """Column ``index``'s width as set: its widest text fitted, with room, up to :data:`MAX_WIDTH`."""
        return min(self.widths[index] + 2, MAX_WIDTH)

    def finish(self) -> None:
        """Set the fitted widths and the autofilter over what was written; a sheet too wide to
        read when shrunk to one page's width prints at :data:`MIN_PRINT_SCALE` across pages."""
        for index in range(len(self.widths)):
            self.sheet.set_column(index, index, self._width(index))
        if sum(map(self._width, range(len(self.widths)))) * MIN_PRINT_SCALE / 100 > A4_WIDE:
            self.sheet.set_print_scale(MIN_PRINT_SCALE)   # (fitted to one page, 14 columns had printed in 4-point text)
            self.sheet.print_across()   # (a page's rows, then the same rows' other columns)
            self.sheet.repeat_columns(0)   # (their first column on each page: which file or project a row is)
        self.sheet.autofilter(0, 0, self.rows - 1, len(self.columns) - 1)
        if self.more is not None:
            self.more.finish()
