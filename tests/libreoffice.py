"""Recalculate workbooks with LibreOffice headless and read back what it computed.

One ``soffice`` call converts many files (starting LibreOffice is the slow part); each call gets
its own user profile directory so that it can run beside other LibreOffice processes.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from openpyxl import load_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
MISSING = "LibreOffice (soffice) 未安装：CI 由 .ci/run 安装 libreoffice-calc-nogui"


def convert(paths: list[Path], folder: Path, to: str) -> list[Path]:
    """``paths`` opened by LibreOffice (formulas recalculated) and saved as ``to`` (xlsx, pdf)
    into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="perfbook-lo-") as profile:
        subprocess.run(
            [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--calc",
             "--convert-to", to, "--outdir", str(folder), *map(str, paths)],
            check=True, capture_output=True, timeout=600,
        )
    converted = [folder / Path(p).with_suffix(f".{to}").name for p in paths]
    missing = [p for p in converted if not p.exists()]
    assert not missing, f"LibreOffice did not convert {missing}"
    return converted


def recalculate(paths: list[Path], folder: Path) -> list[Path]:
    """``paths`` opened, recalculated and saved as .xlsx by LibreOffice into ``folder``."""
    return convert(paths, folder, "xlsx")


def values(path: Path, sheet: str) -> dict[str, object]:
    """Cell address → cached value of every non-empty cell of ``sheet``; error values as their
    text (``#NAME?``), which python-calamine would drop."""
    book = load_workbook(path, data_only=True, read_only=True)
    try:
        return {cell.coordinate: cell.value for row in book[sheet].iter_rows() for cell in row
                if getattr(cell, "coordinate", None) and cell.value not in (None, "")}
    finally:
        book.close()
