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

import datetime as dt
import io
import tempfile
from dataclasses import replace
from pathlib import Path

import xlsxwriter
from openpyxl.utils.cell import coordinate_to_tuple

from ..files import inert_text
from ..readers.container import WORD_FORMATS, Grid, excel_sheet_name
from .annotate import FLAG_FILL, write_annotated
from .textsize import wrapped_lines
from ..logs import logger

FLAG_COLOR = "#" + FLAG_FILL[2:]   # the fill of a flagged cell, as the patched copies have it
NOTE_WIDTH = 40   # characters a line of a comment holds (its box: 2.5 times XlsxWriter's default width)


def values_workbook(grids: list[Grid], path: str | Path, marks: dict | None = None, author: str = "perfbook"
                    ) -> dict[str, str]:
    """An .xlsx holding the cell values of ``grids`` at their own addresses (sheets kept, hidden
    ones hidden); every text is stored as text, even one that starts like a formula. Returns
    each grid's sheet title in it (a name Excel refuses is changed). Streamed row by row
    (XlsxWriter's constant-memory mode): a list of 100,000 rows had taken 1.6 GB as an openpyxl
    workbook. ``marks``: sheet name (as the grids name it) → cell (A1) → (note, flagged), written
    with the values: a flagged cell filled, a note a comment by ``author`` (a target list's copy,
    whose marks had been patched in afterwards, holding the sheet's whole XML tree: 1.3 GB)."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False, "strings_to_urls": False,
                                           "nan_inf_to_errors": True})   # (its row files: the system's temporary folder)
    formats: dict[tuple[str, bool], object] = {}

    def style(kind: str, flagged: bool) -> object:   # (a date's number format, a flag's fill)
        if (kind, flagged) not in formats:
            spec = {"num_format": _DATE_FORMATS[kind]} if kind in _DATE_FORMATS else {}
            formats[kind, flagged] = book.add_format({**spec, **({"bg_color": FLAG_COLOR} if flagged else {})})
        return formats[kind, flagged]

    used: set[str] = set()
    titles: dict[str, str] = {}
    for grid in grids:
        title = excel_sheet_name(grid.name)[:31].strip("'") or "Sheet"   # (Excel refuses a name begun or ended by ')
        while title.lower() in used or title.lower() == "history":   # (Excel keeps History for itself)
            title = title[:29] + "_" + str(len(used))
        used.add(title.lower())
        titles.setdefault(grid.name, title)
        ws = book.add_worksheet(title)
        if grid.hidden:
            ws.hide()
        if grid.right > grid.left:   # (the source's widths are not in its values)
            ws.set_column(grid.left, grid.right - 1, 14)
        marked = {(row - 1, col - 1): mark for ref, mark in ((marks or {}).get(grid.name) or {}).items()
                  for row, col in [coordinate_to_tuple(ref)]}
        by_row: dict[int, list[int]] = {}
        for r, c in marked:
            by_row.setdefault(r, []).append(c)
        for r in range(grid.top, max(grid.bottom, max(by_row, default=-1) + 1)):
            row = grid.rows[r - grid.top] if grid.top <= r < grid.bottom else []
            filled = [c for c, value in enumerate(row, start=grid.left) if value is not None and value != ""]
            for c in sorted(set(filled) | set(by_row.get(r, ()))) if r in by_row else filled:
                value = row[c - grid.left] if 0 <= c - grid.left < len(row) else None
                note, flagged = marked.get((r, c), ("", False))
                _write(ws, r, c, value, style, flagged)
                if note.strip():   # (a box tall enough for its lines: four fit the default height)
                    lines = wrapped_lines(note.strip(), NOTE_WIDTH)
                    ws.write_comment(r, c, note.strip(), {"author": author, "x_scale": 2.5, "y_scale": max(1, lines / 4)})
    if not grids:
        book.add_worksheet("Sheet")
    shown = [ws for ws, grid in zip(book.worksheets(), grids) if not grid.hidden]
    if shown:   # (XlsxWriter keeps the active sheet shown: the first visible one is active)
        shown[0].activate()
    book.close()
    return titles


def _write(ws, r: int, c: int, value: object, style, flagged: bool) -> None:
    """One cell of a values copy: text as text (never a formula, whatever it starts with)."""
    fmt = style("", flagged) if flagged else None
    if value is None or value == "":
        if flagged:
            ws.write_blank(r, c, None, fmt)
    elif isinstance(value, str):
        ws.write_string(r, c, inert_text(value, 32767), fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value, fmt)
    elif isinstance(value, _DATE_KINDS):
        ws.write_datetime(r, c, value, style(_date_kind(value), flagged))
    else:
        ws.write_string(r, c, inert_text(str(value), 32767), fmt)


# Date and time values as openpyxl had shown them
_DATE_FORMATS = {"datetime": "yyyy-mm-dd h:mm:ss", "date": "yyyy-mm-dd", "time": "h:mm:ss", "timedelta": "[h]:mm:ss"}
_DATE_KINDS = (dt.datetime, dt.date, dt.time, dt.timedelta)


def _date_kind(value: object) -> str:
    return next(kind for kind, type_ in zip(_DATE_FORMATS, _DATE_KINDS) if isinstance(value, type_))


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
