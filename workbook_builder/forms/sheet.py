"""What every perfbook form sheet shares: the defined name of its rule cell, protection that
still lets users resize rows and columns, A4 landscape printing one page wide, and the one way
a value reaches a cell (:func:`put`): user text stays text, whatever characters it holds."""

from __future__ import annotations

import datetime as dt
import re

from openpyxl.utils import quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.workbook.defined_name import DefinedName

_BREAK = re.compile(r"\r\n?|[\x0b\x0c]")
_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1f]")
_NOT_TEXT = re.compile(r"[\ud800-\udfff\ufffe\uffff]")


def validation(**options) -> DataValidation:
    """A data validation that shows what it says: its error alert where it has an error text and
    its prompt where it has one. (openpyxl's default is neither, and Excel, WPS and LibreOffice
    then accept any entry without a word and never show the prompt.)"""
    options.setdefault("showErrorMessage", bool(options.get("error")))
    options.setdefault("showInputMessage", bool(options.get("prompt")))
    return DataValidation(**options)


def cell_text(text: str) -> str:
    """``text`` as a workbook can hold it (XML 1.0 cannot hold most control characters, and
    openpyxl refuses them). A vertical tab or form feed, which Word and WPS paste for a manual
    line or page break, and a carriage return become the line break ``\\n`` the user saw. Other
    control characters are removed: they come from copying out of Word or a budget system, the
    user never saw them there, and a printed form must show the text as they saw it, not ␁
    marks. Lone surrogates (bytes of a name that were not UTF-8) and U+FFFE/U+FFFF become �,
    so that a garbled name looks garbled instead of shorter."""
    return _NOT_TEXT.sub("\ufffd", _INVISIBLE.sub("", _BREAK.sub("\n", text)))


def one_line(text: str) -> str:
    """:func:`cell_text` on one line, for a document property (the title Windows shows)."""
    return cell_text(text).replace("\n", " ")


def put(cell, value):
    """Write ``value`` into ``cell``: text (cleaned by :func:`cell_text`) always as a text cell,
    never a formula or an error value, so that a project name such as ``=HYPERLINK(…)`` or
    ``#N/A`` is shown as typed; anything else as it is. Every value a template, scoring sheet or
    index takes from a project list or the command line reaches its cell here (perfbook's own
    formulas are written by ``template._set(formula=…)``)."""
    if isinstance(value, str):
        cell.value = cell_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def put_row(ws, row: int, values) -> None:
    """Write ``values`` by :func:`put` into ``row`` from column A (``ws.append`` writes text
    starting with ``=`` as a formula)."""
    for column, value in enumerate(values, start=1):
        put(ws.cell(row=row, column=column), value)


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
