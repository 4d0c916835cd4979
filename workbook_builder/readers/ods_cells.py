"""What calamine does not tell of an OpenDocument spreadsheet (.ods) that a table's reading
needs, as :func:`.container.check_package` finds it in an .xlsx's XML:

* the cells whose value is a percentage (``office:value-type="percentage"``): calamine gives
  their stored number (1 for 100%), the same trap as Excel's percent-formatted cells (see
  :func:`.container.percent_text`);
* the error values (``calcext:value-type="error"``, their text ``#NAME?``, ``#DIV/0!``,
  ``Err:508``), which calamine gives as empty cells: a PERF_* template filled in LibreOffice,
  where the add-in is not installed, shows #NAME? in its computed cells, as its .xlsx does;
* the cells whose formula calls a PERF_* function (:data:`.container.OWN_FORMULA`);
* LibreOffice's logical values: 1 and 0 shown as TRUE and FALSE (as it saves an .xlsx's TRUE),
  which calamine gives as numbers: TRUE in a 得分 cell had read as a score of 1
  (:data:`.container.LOGICAL`; a boolean cell calamine gives as True, as an .xlsx's).

Each cell is placed as calamine places it: rows and cells counted with their
``number-…-repeated``, a covered (merged) cell counting as a cell. The package was checked whole
before (no DTD, bounded size, CRCs) by :func:`.container.check_package`."""

from __future__ import annotations

import io
import re
import zipfile

from addin.engine.numbers import ERROR_VALUE

from .container import FALSE_NOTE, MAX_COLUMNS, MAX_PERCENT_CELLS, MAX_ROWS, OWN_FORMULA, PERCENT, TRUE_NOTE, ErrorValue

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")
_OWN_CALL = re.compile(r"(?<![A-Za-z0-9_])perf_[A-Za-z_]*\s*\(", re.IGNORECASE)   # (as container's, in text)
# what a content.xml holds when a cell needs noting: without any, it is not parsed
_MARKS = (b"percentage", b'value-type="error"', b">TRUE</", b">FALSE</")


def noted_cells(package: bytes, max_rows: int = MAX_ROWS) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet name -> 0-based (row, col) -> :data:`.container.PERCENT`, :data:`.container.OWN_FORMULA`,
    an error value's text or a logical value's note (:data:`.container.LOGICAL`), for the cells of
    the first ``max_rows`` rows of each sheet (some :data:`.container.MAX_PERCENT_CELLS` at most).
    A file without percentages, error values or logical values is not parsed: its PERF_* formulas
    matter only where an error value shows the add-in missing."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        content = archive.read("content.xml")
    if not any(mark in content for mark in _MARKS):
        return {}   # (nearly every file: no parse)
    from lxml import etree   # here: not imported by every worker that reads no .ods

    found: dict[str, dict[tuple[int, int], str]] = {}
    sheet: dict[tuple[int, int], str] = {}
    row = col = 0
    in_row: dict[int, str] = {}   # the noted columns of the row being read
    events = etree.iterparse(io.BytesIO(content), events=("start", "end"), resolve_entities=False, no_network=True,
                             tag=(f"{_TABLE}table", f"{_TABLE}table-row", *_CELLS))
    for event, element in events:
        tag = element.tag
        if event == "start":
            if tag == f"{_TABLE}table":
                sheet, row = found.setdefault(element.get(f"{_TABLE}name", ""), {}), 0
            elif tag == f"{_TABLE}table-row":
                col, in_row = 0, {}
            continue
        if tag in _CELLS:
            repeated = _repeat(element, "number-columns-repeated")
            note = _note(element)
            if note:
                in_row.update(dict.fromkeys(range(col, min(col + repeated, MAX_COLUMNS)), note))
            col += repeated
        elif tag == f"{_TABLE}table-row":
            repeated = _repeat(element, "number-rows-repeated")
            for r in range(row, min(row + repeated, max_rows)) if in_row else ():
                if len(sheet) >= MAX_PERCENT_CELLS:   # (a few hundred bytes can repeat a row of notes 5,000 times)
                    break
                sheet.update(((r, c), note) for c, note in in_row.items())
            row += repeated
        element.clear()
    return {name: cells for name, cells in found.items() if cells}


def _note(cell) -> str | None:
    """What is noted of a cell (see :func:`noted_cells`), or ``None``."""
    if cell.get(f"{_CALCEXT}value-type") == "error":
        shown = ERROR_VALUE.fullmatch("".join(cell.itertext()).strip())   # (as Excel's or LibreOffice's)
        if shown:
            return ErrorValue(shown.group(0), cell.get(f"{_TABLE}formula") or "")
    if _OWN_CALL.search(cell.get(f"{_TABLE}formula") or ""):   # (before its % format, as in an .xlsx)
        return OWN_FORMULA
    kind = cell.get(f"{_OFFICE}value-type")
    if kind == "percentage":
        return PERCENT
    if kind == "float" and cell.get(f"{_OFFICE}value") in ("0", "1"):   # (a boolean cell: calamine's bool)
        return {"TRUE": TRUE_NOTE, "FALSE": FALSE_NOTE}.get("".join(cell.itertext()).strip())
    return None


def _repeat(element, attribute: str) -> int:
    try:
        return max(1, int(element.get(f"{_TABLE}{attribute}", "1")))
    except ValueError:
        return 1
