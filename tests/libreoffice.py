"""Recalculate workbooks with LibreOffice headless and read back what it computed.

One ``soffice`` call converts many files (starting LibreOffice is the slow part); each call gets
its own user profile directory so that it can run beside other LibreOffice processes.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from python_calamine import CalamineWorkbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
MISSING = "LibreOffice (soffice) 未安装：CI 由 .ci/run 安装 libreoffice-calc-nogui"


def recalculate(paths: list[Path], folder: Path) -> list[Path]:
    """``paths`` opened, recalculated and saved as .xlsx by LibreOffice into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="perfbook-lo-") as profile:
        subprocess.run(
            [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--calc",
             "--convert-to", "xlsx", "--outdir", str(folder), *map(str, paths)],
            check=True, capture_output=True, timeout=600,
        )
    converted = [folder / Path(p).with_suffix(".xlsx").name for p in paths]
    missing = [p for p in converted if not p.exists()]
    assert not missing, f"LibreOffice did not convert {missing}"
    return converted


def values(path: Path, sheet: str) -> dict[str, object]:
    """Cell address → cached value of every non-empty cell of ``sheet``."""
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet)
    cells = {}
    for r, row in enumerate(grid.to_python(skip_empty_area=False), start=1):
        for c, value in enumerate(row):
            if value != "":
                cells[f"{_column(c)}{r}"] = value
    return cells


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name
