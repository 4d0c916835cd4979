"""Recalculate workbooks with LibreOffice headless and read back what it computed.

One ``soffice`` call converts many files (starting LibreOffice is the slow part); each call gets
its own user profile directory so that it can run beside other LibreOffice processes.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
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


def in_one_call(groups: dict[str, list[Path]], root: Path, to: str,
                convert_all: Callable[[list[Path], Path], list[Path]]) -> dict[str, list[Path]]:
    """Each group's files converted to ``to`` into a folder of its own (``root``/group) by one
    call of ``convert_all`` (paths, output folder) for all of them, as starting LibreOffice is the
    slow part: files of one name in two groups are told apart on the way in and keep their
    names on the way out."""
    staging = root / f"_in-{to}"
    staging.mkdir(parents=True, exist_ok=True)
    staged = {}
    for group, paths in groups.items():
        for n, path in enumerate(paths):
            copy = staging / f"{len(staged):04d}~{path.name}"
            shutil.copy(path, copy)
            staged[copy] = (group, n, path)
    done = {group: [None] * len(paths) for group, paths in groups.items()}
    for out, (group, n, path) in zip(convert_all(list(staged), root / f"_out-{to}"), staged.values()):
        (root / group).mkdir(parents=True, exist_ok=True)
        done[group][n] = out.rename(root / group / f"{path.stem}.{to}")
    return done


def values(path: Path, sheet: str) -> dict[str, object]:
    """Cell address → cached value of every non-empty cell of ``sheet``; error values as their
    text (``#NAME?``), which python-calamine would drop."""
    book = load_workbook(path, data_only=True, read_only=True)
    try:
        return {cell.coordinate: cell.value for row in book[sheet].iter_rows() for cell in row
                if getattr(cell, "coordinate", None) and cell.value not in (None, "")}
    finally:
        book.close()
