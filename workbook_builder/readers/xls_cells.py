"""What calamine does not tell of an Excel 97-2003 workbook (.xls, and WPS .et) that a table's
reading needs, read with xlrd, as :func:`.container.check_package` finds it in an .xlsx's XML:

* the number cells formatted as a percentage: calamine gives cell values only, and Excel stores
  ``100%`` typed into a cell as 1 (see :func:`.container.percent_text`);
* the error values (``#NAME?``, ``#DIV/0!`` …, a formula's cached error or a typed one), which
  calamine gives as empty cells: a PERF_* template filled in LibreOffice, where the add-in is not
  installed, and saved as .xls shows #NAME? in its computed cells, as its .xlsx does, and a
  score cleared by the unit must stay told apart from them (未填写得分)."""

from __future__ import annotations

import re
import struct

from ..logs import logger
from .container import (LOST_FUNCTION, MAX_COLUMNS, MAX_PERCENT_CELLS, MAX_ROWS, PERCENT, ErrorValue, address,
                        shows_percent)

# xlrd holds a whole sheet in Python objects (about 16 times its cell records): past this, a file
# is no self-evaluation table (unless pictures make it large), and its numbers are read as stored
MAX_BYTES = 32 * 2**20
# a record that may hold an error value (BIFF8): a FORMULA whose cached result is an error
# (its first result byte 2, the error's code, its last two bytes FFFF) or a BOOLERR of an error
_ERROR_RECORD = re.compile(rb"\x06\x00.{8}\x02\x00.\x00\x00\x00\xff\xff|\x05\x02\x08\x00.{7}\x01", re.S)


def noted_cells(data: bytes, label: str, max_rows: int = MAX_ROWS) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet name -> 0-based (row, col) -> :data:`.container.PERCENT` for the number cells whose
    format shows a percentage, or an error value's text (``#NAME?``), for the cells of the first
    ``max_rows`` rows (some :data:`.container.MAX_PERCENT_CELLS` at most a sheet). A file, or
    sheet, whose records xlrd cannot read (calamine reads more: a damaged file, a BIFF version
    xlrd does not know), or a file larger than :data:`MAX_BYTES`, gets none: its numbers are
    read as they are stored, its error values as empty cells, and the debug log says why."""
    import xlrd

    if len(data) > MAX_BYTES:
        logger.debug("%s：文件大于 %d MB，不读单元格格式和错误值", label, MAX_BYTES // 2**20)
        return {}
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True,
                                  logfile=_Quiet(), ragged_rows=True)
    except Exception:   # the file's problem, not perfbook's: xlrd raises anything on a damaged file
        logger.debug("%s：xlrd 读不出单元格格式，百分比格式的数字按存储的数值读取", label, exc_info=True)
        return {}
    try:
        percent_xfs = {index for index, xf in enumerate(book.xf_list)
                       if shows_percent(getattr(book.format_map.get(xf.format_key), "format_str", None))}
        stream, base = getattr(book, "mem", None), getattr(book, "base", 0)   # (the workbook stream xlrd read)
        errors = may_hold_errors(stream)
        offsets = None   # each sheet's substream, read once when a sheet has error values
        found: dict[str, dict[tuple[int, int], str]] = {}
        for index in range(book.nsheets if percent_xfs or errors else 0):
            try:
                sheet = book.sheet_by_index(index)
            except Exception:   # (as above: one damaged sheet)
                logger.debug("%s：xlrd 读不出第 %d 张工作表的单元格格式", label, index + 1, exc_info=True)
                continue
            cells = _sheet_notes(sheet, percent_xfs, max_rows)
            if cells:
                found[sheet.name] = cells
                if stream and any(text.startswith("#") for text in cells.values()):
                    offsets = _sheet_offsets(stream, base) if offsets is None else offsets
                    _with_formulas(cells, stream, base + offsets[sheet.name] if sheet.name in offsets else None)
            book.unload_sheet(index)
        return found
    finally:
        book.release_resources()


def may_hold_errors(stream: bytes | None) -> bool:
    """Whether a workbook stream may hold an error value (a record that may be one is in it;
    ``None``, a stream not seen, may): without one, the sheets are loaded only for percentages
    (xlrd's loading of the sheets is half its time on a small file)."""
    return stream is None or _ERROR_RECORD.search(stream) is not None


def _sheet_notes(sheet, percent_xfs: set[int], max_rows: int) -> dict[tuple[int, int], str]:
    """The noted cells of one xlrd sheet (see :func:`noted_cells`)."""
    import xlrd

    cells: dict[tuple[int, int], str] = {}
    for row in range(min(sheet.nrows, max_rows)):
        types = sheet.row_types(row, 0, MAX_COLUMNS)
        for col, kind in enumerate(types):
            if len(cells) >= MAX_PERCENT_CELLS:
                return cells
            if kind == xlrd.XL_CELL_ERROR:
                text = xlrd.error_text_from_code.get(sheet.cell_value(row, col))
                if text:
                    cells[(row, col)] = text
            elif sheet.cell_xf_index(row, col) in percent_xfs:
                cells[(row, col)] = PERCENT
    return cells


# BIFF8 records (MS-XLS 2.3): a substream begins with BOF and ends with EOF; the globals' BOUNDSHEET
# gives each sheet's name and where its substream begins; FORMULA holds a cell's parsed formula
_BOF, _EOF, _BOUNDSHEET, _FORMULA = 0x0809, 0x000A, 0x0085, 0x0006
_NA_CONSTANT = b"\x1c\x2a"   # a formula that is the error constant #N/A (PtgErr, error code 0x2A)
_RECORD = struct.Struct("<HH")
# a cell range (PtgArea, its three classes: 8 bytes, rows then columns) then the SUM of it, a
# one-argument SUM, which Excel and LibreOffice write as PtgAttrSum
_SUM_OF_AREA = re.compile(rb"[\x25\x45\x65](.{8})\x19\x10", re.S)


def _with_formulas(cells: dict[tuple[int, int], str], stream: bytes, offset: int | None) -> None:
    """The error values among ``cells`` given what their formula is, read from the FORMULA
    records of the sheet's substream at ``offset`` in ``stream`` (what xlrd read: the whole file
    when the workbook stream lies in one piece in it; ``None``: not found, as an older BIFF's
    sheet names are not): the SUM of a range, written as ``SUM(J13:J19)`` (see
    :class:`.container.ErrorValue`: a template's 总分 computed where the add-in was missing adds
    what that range holds); or, for #NAME? over a formula that is only the error constant #N/A,
    :data:`.container.LOST_FUNCTION`: LibreOffice's .xls export writes a function it does not know
    (perf_score where the add-in is missing) so, keeping the value it showed."""
    errors = {place for place, text in cells.items() if text.startswith("#")}
    for row, col, rgce in _formulas(stream, offset) if offset is not None else ():
        if (row, col) not in errors:
            continue
        found = _SUM_OF_AREA.search(rgce)
        if found:
            first, last, left, right = struct.unpack("<4H", found.group(1))   # (a column's high bits: relative)
            cells[(row, col)] = ErrorValue(cells[(row, col)],
                                           f"SUM({address(first, left & 0xFF)}:{address(last, right & 0xFF)})")
        elif rgce == _NA_CONSTANT and cells[(row, col)] == "#NAME?":
            cells[(row, col)] = ErrorValue(cells[(row, col)], LOST_FUNCTION)


def _records(stream: bytes, offset: int):
    """(type, body) of the records from ``offset`` to the end of the stream."""
    while offset + 4 <= len(stream):
        kind, size = _RECORD.unpack_from(stream, offset)
        yield kind, stream[offset + 4:offset + 4 + size]
        offset += 4 + size


def _sheet_offsets(stream: bytes, base: int) -> dict[str, int]:
    """Each sheet's name -> where its substream begins (from ``base``), from the globals' BOUNDSHEET records."""
    offsets = {}
    for kind, body in _records(stream, base):
        if kind == _EOF:
            break
        if kind == _BOUNDSHEET and len(body) >= 8:
            position, count, wide = struct.unpack_from("<L", body)[0], body[6], body[7] & 1
            text = body[8:8 + count * (2 if wide else 1)]
            offsets[text.decode("utf-16-le" if wide else "latin-1", "replace")] = position
    return offsets


def _formulas(stream: bytes, offset: int):
    """(row, col, parsed formula) of a sheet's FORMULA records (a chart's substream inside it skipped)."""
    depth = 0
    for kind, body in _records(stream, offset):
        if kind == _BOF:
            depth += 1
        elif kind == _EOF:
            depth -= 1
            if depth <= 0:
                return
        elif kind == _FORMULA and depth == 1 and len(body) >= 22:
            row, col = struct.unpack_from("<HH", body)
            yield row, col & 0xFF, body[22:22 + struct.unpack_from("<H", body, 20)[0]]


class _Quiet:
    """xlrd's log (warnings about the file's records): not for the user."""

    def write(self, text: str) -> None:
        pass
