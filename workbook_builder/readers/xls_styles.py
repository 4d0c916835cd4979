"""The number cells of an Excel 97-2003 workbook (.xls, and WPS .et) formatted as a percentage,
read with xlrd's formatting records: calamine gives cell values only, and Excel stores ``100%``
typed into a cell as 1 (see :func:`.container.percent_text`). For .xlsx the same cells are found
in the package's XML (:func:`.container.check_package`)."""

from __future__ import annotations

from ..logs import logger
from .container import MAX_COLUMNS, MAX_PERCENT_CELLS, MAX_ROWS, PERCENT, shows_percent

# xlrd holds a whole sheet in Python objects (about 16 times its cell records): past this, a file
# is no self-evaluation table (unless pictures make it large), and its numbers are read as stored
MAX_BYTES = 32 * 2**20


def percent_cells(data: bytes, label: str, max_rows: int = MAX_ROWS) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet name -> 0-based (row, col) -> :data:`.container.PERCENT` for the cells whose format
    shows a percentage (the first ``max_rows`` rows; a text there stays text). A
    file, or sheet, whose records xlrd cannot read (calamine reads more: a damaged file, a BIFF
    version xlrd does not know), or a file larger than :data:`MAX_BYTES`, gets none: its numbers
    are read as they are stored, and the debug log says why."""
    import xlrd

    if len(data) > MAX_BYTES:
        logger.debug("%s：文件大于 %d MB，不读单元格格式", label, MAX_BYTES // 2**20)
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
        found: dict[str, dict[tuple[int, int], str]] = {}
        for index in range(book.nsheets if percent_xfs else 0):
            try:
                sheet = book.sheet_by_index(index)
            except Exception:   # (as above: one damaged sheet)
                logger.debug("%s：xlrd 读不出第 %d 张工作表的单元格格式", label, index + 1, exc_info=True)
                continue
            cells = {}
            for row in range(min(sheet.nrows, max_rows)):
                for col in range(min(sheet.row_len(row), MAX_COLUMNS)):
                    if sheet.cell_xf_index(row, col) in percent_xfs and len(cells) < MAX_PERCENT_CELLS:
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
