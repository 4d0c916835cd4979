"""Which annotated copy a submitted file gets, by its format.

* .xlsx/.xlsm: the workbook itself, marked up (:mod:`.annotate`); when that copy cannot be made
  (a package that cannot be patched: parts missing or not XML), a copy of its cell
  values is marked up instead, so no copy is lost to an unusual package;
* .xls, .xlsb, .ods, .et, web pages and XML spreadsheets (which openpyxl cannot write): an
  .xlsx of the cell values read,
  marked up the same way;
* .docx: the document, marked up in Word (:mod:`.annotate_docx`).

The original is never touched; every copy is written atomically.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import replace
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from ..files import inert_text
from ..readers.container import WORD_FORMATS, Grid, excel_sheet_name
from .annotate import write_annotated
from ..logs import logger

def values_workbook(grids: list[Grid], path: str | Path) -> dict[str, str]:
    """An .xlsx holding the cell values of ``grids`` at their own addresses (sheets kept, hidden
    ones hidden); every text is stored as text, even one that starts like a formula. Returns
    each grid's sheet title in it (a name Excel refuses is changed)."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    titles: dict[str, str] = {}
    for grid in grids:
        title = excel_sheet_name(grid.name)[:31] or "Sheet"
        while title.lower() in used:
            title = title[:29] + "_" + str(len(used))
        used.add(title.lower())
        titles.setdefault(grid.name, title)
        ws = wb.create_sheet(title)
        if grid.hidden:
            ws.sheet_state = "hidden"
        for r, row in enumerate(grid.rows):
            for c, value in enumerate(row):
                if value in (None, ""):
                    continue
                cell = ws.cell(row=grid.top + r + 1, column=grid.left + c + 1)
                if isinstance(value, str):
                    cell.value = inert_text(value, 32767)
                    cell.data_type = "s"   # never a formula, whatever it starts with
                else:
                    cell.value = value
        for column in range(grid.left + 1, grid.right + 1):  # the source's widths are not in its values
            ws.column_dimensions[get_column_letter(column)].width = 14
    if not wb.worksheets:
        wb.create_sheet("Sheet")
    wb.save(path)
    return titles


def write_copy(data: bytes, fmt: str, grids: list[Grid], dest: Path, reads, pairs) -> Path:
    """The annotated copy at ``dest`` of the file whose checked bytes are ``data`` (format
    ``fmt``, read as ``grids``): built from the bytes read and checked, never from the file opened
    again by its name (which another file may have replaced since). Returns the path written (an
    .xlsm whose package cannot be patched gets a values copy as .xlsx)."""
    if fmt in WORD_FORMATS:
        from .annotate_docx import write_annotated_docx

        return write_annotated_docx(data, dest, grids, reads, pairs)
    if fmt in ("xlsx", "xlsm"):
        try:
            return write_annotated(io.BytesIO(data), dest, reads, pairs)
        except Exception:  # an unusual package: annotate the values
            logger.debug("无法在原文件结构上标注 %s，改为标注数值副本", dest.name, exc_info=True)
    with tempfile.TemporaryDirectory(prefix="perfbook-") as tmp:
        values = Path(tmp) / "values.xlsx"
        titles = values_workbook(grids, values)
        if any(title != name for name, title in titles.items()):   # (an .ods sheet named past Excel's 31 characters)
            for report, _ in pairs:   # (the summary's links go to the copy's sheet)
                report.copy_sheet = titles.get(report.sheet, "")
            reads = [replace(read, sheet=titles.get(read.sheet, read.sheet)) for read in reads]
            pairs = [(replace(report, sheet=titles.get(report.sheet, report.sheet)), result) for report, result in pairs]
        return write_annotated(values, dest.with_suffix(".xlsx"), reads, pairs)
