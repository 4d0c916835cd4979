"""The cells of an OpenDocument spreadsheet (.ods) whose value is a percentage
(``office:value-type="percentage"``): calamine gives their stored number (1 for 100%), the
same trap as Excel's percent-formatted cells (see :func:`.container.percent_text`). Each cell
is placed as calamine places it: rows and cells counted with their ``number-…-repeated``, a
covered (merged) cell counting as a cell. The package was checked whole before (no DTD,
bounded size, CRCs) by :func:`.container.check_package`."""

from __future__ import annotations

import io
import zipfile

from .container import MAX_COLUMNS, MAX_ROWS, PERCENT

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")


def percent_cells(package: bytes, max_rows: int = MAX_ROWS) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet name -> 0-based (row, col) -> :data:`.container.PERCENT` for the percentage cells
    of the first ``max_rows`` rows of each sheet."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        content = archive.read("content.xml")
    if b"percentage" not in content:   # (nearly every file: no parse)
        return {}
    from lxml import etree   # here: not imported by every worker that reads no .ods

    found: dict[str, dict[tuple[int, int], str]] = {}
    sheet: dict[tuple[int, int], str] = {}
    row = col = 0
    in_row: list[int] = []   # the percentage columns of the row being read
    events = etree.iterparse(io.BytesIO(content), events=("start", "end"), resolve_entities=False, no_network=True,
                             tag=(f"{_TABLE}table", f"{_TABLE}table-row", *_CELLS))
    for event, element in events:
        tag = element.tag
        if event == "start":
            if tag == f"{_TABLE}table":
                sheet, row = found.setdefault(element.get(f"{_TABLE}name", ""), {}), 0
            elif tag == f"{_TABLE}table-row":
                col, in_row = 0, []
            continue
        if tag in _CELLS:
            repeated = _repeat(element, "number-columns-repeated")
            if element.get(f"{_OFFICE}value-type") == "percentage":
                in_row.extend(range(col, min(col + repeated, MAX_COLUMNS)))
            col += repeated
        elif tag == f"{_TABLE}table-row":
            repeated = _repeat(element, "number-rows-repeated")
            for r in range(row, min(row + repeated, max_rows)) if in_row else ():
                sheet.update(((r, c), PERCENT) for c in in_row)
            row += repeated
        element.clear()
    return {name: cells for name, cells in found.items() if cells}


def _repeat(element, attribute: str) -> int:
    try:
        return max(1, int(element.get(f"{_TABLE}{attribute}", "1")))
    except ValueError:
        return 1
