"""A comparable description of a workbook: what a reference-file test should notice.

Values, formulas, styles that carry meaning (number format, lock, fill, bold), merged ranges,
validations, conditional formats, defined names, protection, column widths and print setup.
Volatile parts (generation time, perfbook version, document timestamps) are normalised.
"""

from __future__ import annotations

from openpyxl import load_workbook

VOLATILE_META = {"生成时间", "perfbook 版本"}


def describe(path) -> dict:
    wb = load_workbook(path)
    out = {"sheets": [(ws.title, ws.sheet_state) for ws in wb.worksheets]}
    out["defined_names"] = {name: dn.attr_text for name, dn in wb.defined_names.items()}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                value = c.value
                if ws.title == "_perfbook" and c.column == 2 and ws.cell(c.row, 1).value in VOLATILE_META:
                    value = "<volatile>"
                cells[c.coordinate] = (
                    value,
                    c.number_format,
                    c.protection.locked,
                    c.fill.fgColor.rgb if c.fill.fill_type else None,
                    bool(c.font.bold),
                )
        out[ws.title] = {
            "cells": {k: v for k, v in cells.items() if v[0] is not None or v[3] or not v[2]},
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted(
                (str(dv.sqref), dv.type, dv.formula1, dv.showErrorMessage)
                for dv in ws.data_validations.dataValidation
            ),
            "conditional": sorted(
                (str(rng.sqref), tuple(r.formula)) for rng in ws.conditional_formatting for r in rng.rules
            ),
            "protection": (ws.protection.sheet, ws.protection.password),
            "widths": {k: d.width for k, d in sorted(ws.column_dimensions.items())},
            "print": (
                ws.page_setup.orientation,
                ws.page_setup.paperSize,
                ws.page_setup.fitToWidth,
                ws.page_setup.fitToHeight,
                ws.print_title_rows,
                ws.print_area,
            ),
        }
    return out
