"""The JSON an Office.js client (xlwings Server, xlwings Lite) sends for a workbook, built from a
workbook file: what Excel would send with the workbook open (cached cell values, anchored at A1,
each sheet's used range and visibility)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import xlwings

from workbook_builder.readers.container import address
from workbook_builder.readers.source import read_grids


def book_payload(path: Path) -> dict:
    sheets = []
    for grid in read_grids(path):
        width = grid.right
        values = [["" if grid.value(r, c) is None else grid.value(r, c) for c in range(width)]
                  for r in range(grid.bottom)] or [[""]]
        used = f"{address(grid.top, grid.left)}:{address(grid.bottom - 1, width - 1)}" if grid.rows else ""
        sheets.append({"name": grid.name, "values": values, "pictures": [], "tables": [],
                       "visibility": "Hidden" if grid.hidden else "Visible",
                       "used_range_address": used})
    return {
        "client": "Office.js", "version": xlwings.__version__,
        "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
        "names": [], "sheets": sheets,
    }


def written_values(actions: list[dict], sheet_position: int) -> dict[str, object]:
    """Cell → value of every ``setValues`` action on the sheet at ``sheet_position``."""
    cells = {}
    for action in actions:
        if action["func"] == "setValues" and action["sheet_position"] == sheet_position:
            for r, row in enumerate(action["values"]):
                for c, value in enumerate(row):
                    cells[address(action["start_row"] + r, action["start_column"] + c)] = value
    return cells


def review_findings(actions: list[dict], sheets: int) -> tuple[list[tuple], set[tuple[int, str]]]:
    """What the review script wrote: the finding rows of its 复核结果 sheet (added after the
    workbook's ``sheets`` sheets) as (sheet, cell, indicator, label, message, reported, expected),
    and the (sheet position, cell) of every highlighted cell."""
    cells = written_values(actions, sheets)
    assert cells.get("A1") == "工作表", "no 复核结果 sheet was written"
    rows = []
    for r in range(2, 10_000):
        if f"A{r}" not in cells:
            break
        sheet, link, _, indicator, label, message, reported, expected = (cells[f"{c}{r}"] for c in "ABCDEFGH")
        cell = re.search(r',"([A-Z]+\d+)"\)$', link).group(1) if link else ""
        if label and label != "复核结果":  # (a table's closing row: no finding); an empty cell comes back as "" from Excel
            rows.append((sheet, cell, indicator, label, message, None if reported == "" else reported,
                         None if expected == "" else expected))
    colored = {(a["sheet_position"], address(a["start_row"], a["start_column"]))
               for a in actions if a["func"] == "setRangeColor"}
    return rows, colored


def recalc_findings(path: Path) -> tuple[list[tuple], set[tuple[int, str]]]:
    """The same, as ``perfbook recalc`` finds it for the file (a rate's values as the review
    shows them: 99.98%)."""
    from workbook_builder.recalc.result import shown_values
    from workbook_builder.recalc.run import check_file

    names = [g.name for g in read_grids(path)]
    rows, cells = [], set()
    for report in check_file(str(path), None, None, None, path.name):
        for f in report.findings:
            rows.append((report.sheet, f.cell, f.indicator, f.label, f.message, *shown_values(f)))
            if f.cell:
                cells.add((names.index(report.sheet), f.cell))
    return rows, cells


LITE_RUNNER = textwrap.dedent(
    """
    import asyncio, json, sys
    import xlwings as xw
    import xlwings.server as server
    import main
    out = []
    for payload in json.loads(sys.stdin.read()):
        book = xw.Book(json=payload)
        # Called as xlwings calls a script: the book injected by its type hint.
        asyncio.run(server.custom_scripts_call(main, "复核本工作簿", typehint_to_value={xw.Book: book}))
        out.append(book.json()["actions"])
    print(json.dumps(out, ensure_ascii=False))
    """
)


def run_in_lite(folder: Path, payloads: list[dict]) -> list[list[dict]]:
    """The actions 复核本工作簿 sends back for each payload, run as xlwings Lite runs it: the
    generated main.py in an interpreter where nothing but xlwings is importable."""
    from workbook_builder.cli import main

    out = folder / "lite"
    assert main(["lite", "-o", str(out)]) == 0
    only_xlwings = folder / "only-xlwings"
    only_xlwings.mkdir()
    (only_xlwings / "xlwings").symlink_to(Path(xlwings.__file__).parent)
    script = f"import sys; sys.path[:0] = [{str(only_xlwings)!r}, {str(out)!r}]\n" + LITE_RUNNER
    env = {"PATH": os.environ.get("PATH", ""), "XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"}
    done = subprocess.run([sys.executable, "-I", "-S", "-c", script],
                          input=json.dumps(payloads, ensure_ascii=False, default=str),
                          capture_output=True, text=True, cwd=folder, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)
