"""Real published 自评表 of other jurisdictions, transcribed cell by cell into
``tests/data/forms/real/*.json`` (each names its source page), turned into workbooks for the
readers. Each file's ``expected`` lists the findings a reviewer found by hand: (cell, kind)."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import Workbook

REAL = Path(__file__).parent / "data" / "forms" / "real"


def real_files() -> list[Path]:
    return sorted(REAL.glob("*.json"))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def workbook(path: Path, out: Path) -> Path:
    """The transcription at ``path`` as an .xlsx (values and merged ranges) at ``out``."""
    data = load(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "自评表"
    for r, row in enumerate(data["rows"], start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                cell = ws.cell(r, c, value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"   # =100% is a target as typed, not a formula
    for merged in data.get("merges", ()):
        ws.merge_cells(merged)
    wb.save(out)
    return out
