"""The number cells of an Excel 97-2003 workbook (.xls) formatted as a percentage, read with
xlrd's formatting records: calamine gives cell values only, and Excel stores ``100%`` typed into
a cell as 1 (see :func:`.container.percent_text`). For .xlsx the same cells are found in the
package's XML (:func:`.container.check_package`)."""

from __future__ import annotations

from ..logs import debugging, logger
from .container import MAX_COLUMNS, MAX_ROWS, PERCENT, shows_percent


# xlrd holds a whole sheet in Python objects (about 16 times the file's size): past this, a file
# is no self-evaluation table, and its numbers are read as stored
MAX_BYTES = 8 * 2**20


def percent_cells(data: bytes, label: str) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet name -> 0-based (row, col) -> :data:`.container.PERCENT` for the number cells whose
    format shows a percentage (the first :data:`.container.MAX_ROWS` rows). A file whose formats
    xlrd cannot read, or larger than :data:`MAX_BYTES`, gets none: its numbers are read as they
    are stored."""
    import xlrd

    if len(data) > MAX_BYTES:
        logger.debug("%s：文件大于 %d MB，不读单元格格式", label, MAX_BYTES // 2**20)
        return {}
    try:
        return _percent_cells(xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True,
                                                 logfile=_Quiet(), ragged_rows=True))
    except xlrd.XLRDError:   # a BIFF version or structure xlrd does not read: calamine did
        logger.debug("%s：xlrd 读不出单元格格式", label, exc_info=True)
    except Exception:   # xlrd on a damaged file: its values are read by calamine all the same
        if debugging():
            raise
        logger.warning("%s：单元格格式读不出，百分比格式的数字按存储的数值读取", label, exc_info=True)
    return {}


def _percent_cells(book) -> dict[str, dict[tuple[int, int], str]]:
    try:
        percent_xfs = {index for index, xf in enumerate(book.xf_list)
                       if xf.format_key in book.format_map and shows_percent(book.format_map[xf.format_key].format_str)}
        found: dict[str, dict[tuple[int, int], str]] = {}
        for index in range(book.nsheets if percent_xfs else 0):
            sheet = book.sheet_by_index(index)
            cells = {}
            for row in range(min(sheet.nrows, MAX_ROWS)):
                for col in range(min(sheet.row_len(row), MAX_COLUMNS)):
                    if sheet.cell_xf_index(row, col) in percent_xfs:   # (text stays text: see percent_text)
                        cells[(row, col)] = PERCENT
            if cells:
                found[sheet.name] = cells
            book.unload_sheet(index)
        return found
    finally:
        book.release_resources()


class _Quiet:
    """xlrd's log (warnings about the file's records): not for the user."""

    def write(self, text: str) -> None:
        pass
