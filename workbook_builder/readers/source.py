"""Which reader a submitted file gets: its format is told by its content (:mod:`.container`),
then a workbook is read by calamine, a Word document by :mod:`.docx` and a web page or XML
spreadsheet saved as .xls by :mod:`.markup`, all as grids."""

from __future__ import annotations

from pathlib import Path

from .container import MAX_COLUMNS, MAX_ROWS, WORD_FORMATS, Checked, Grid, check_container, read_workbook_grids
from .docx import read_docx_grids
from .markup import MARKUP_FORMATS, read_markup_grids
from .ods_cells import noted_cells as ods_noted_cells
from .xls_cells import noted_cells as xls_noted_cells


def read_checked(path: str | Path, checked: Checked, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS) -> list[Grid]:
    """The grids of a file that passed :func:`check_container`, read from the bytes checked (at
    most ``max_rows`` rows of a worksheet). Raises ``UnreadableFile``."""
    if checked.format in WORD_FORMATS:
        return read_docx_grids(checked.data)
    if checked.format in MARKUP_FORMATS:
        return read_markup_grids(checked.data, checked.format, Path(path).stem)
    path = path if isinstance(path, Path) else Path(path)
    # the cells of an .xls (.et) or .ods that show percentages, their error values and an .ods's
    # PERF_* formulas, which calamine does not tell (check_package finds them in an .xlsx's XML)
    errors = checked.errors
    if checked.format in ("xls", "et"):
        errors = xls_noted_cells(checked.data, path.name, max_rows)
    elif checked.format == "ods":
        errors = ods_noted_cells(checked.stored or checked.data, max_rows)
    return read_workbook_grids(path, checked.format, errors, checked.stored or checked.data, max_rows, max_columns)


def read_source(path: str | Path, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS) -> tuple[str, list[Grid]]:
    """The format of ``path`` and its grids (sheets, or Word tables; at most ``max_rows`` rows
    of a worksheet). Raises ``UnreadableFile``."""
    checked = check_container(Path(path))
    return checked.format, read_checked(path, checked, max_rows, max_columns)


def read_grids(path: str | Path) -> list[Grid]:
    """Every worksheet of a workbook, or every table of a Word document, as a grid."""
    return read_source(path)[1]
