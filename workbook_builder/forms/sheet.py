"""What every perfbook form sheet shares: the defined name of its rule cell, protection that
still lets users resize rows and columns, and A4 landscape printing one page wide."""

from __future__ import annotations

import datetime as dt

from openpyxl.utils import quote_sheetname
from openpyxl.workbook.defined_name import DefinedName


def finish_sheet(wb, ws, rule_name: str, rule_cell: str, title_row: int, print_area: str) -> None:
    """Name ``rule_cell`` as ``rule_name`` (formulas pass the profile through it), protect ``ws``
    and set its print layout, repeating ``title_row`` on every page."""
    column = rule_cell.rstrip("0123456789")
    wb.defined_names[rule_name] = DefinedName(
        rule_name, attr_text=f"{quote_sheetname(ws.title)}!${column}${rule_cell[len(column):]}")
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{title_row}:{title_row}"
    ws.print_area = print_area


def generated_at(now: dt.datetime) -> str:
    """When a workbook was generated, as its hidden sheet records it: ``2025-01-01 09:30:00``.
    Not ISO's ``T`` form, which xlwings Server takes for a date sent by Excel and fails to read."""
    return now.isoformat(sep=" ", timespec="seconds")
