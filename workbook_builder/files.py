"""Writing outputs safely: atomic saves and file names that work on Windows."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}
MAX_STEM = 80  # characters; keeps full paths well under Windows' 260


def safe_stem(name: str, limit: int = MAX_STEM) -> str:
    """``name`` as a Windows-safe file name stem: no ``\\/:*?"<>|``, no trailing dot or space,
    no reserved device name, at most ``limit`` characters."""
    stem = _FORBIDDEN.sub("_", re.sub(r"\s+", " ", name))
    stem = stem.strip(" .")[:limit].rstrip(" .")
    if not stem:
        stem = "未命名"
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    return stem


def unique_names(stems: list[str], suffix: str) -> list[str]:
    """File names for ``stems``, made unique (case-insensitively, as on Windows) with （2）, （3）…"""
    seen: set[str] = set()
    names = []
    for stem in stems:
        candidate, n = f"{stem}{suffix}", 1
        while candidate.lower() in seen:
            n += 1
            candidate = f"{stem}（{n}）{suffix}"
        seen.add(candidate.lower())
        names.append(candidate)
    return names


def atomic_save(save, path: str | Path) -> Path:
    """Call ``save(temporary_path)`` and rename the result to ``path``: readers never see a
    half-written file and an existing file is replaced only by a complete one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem[:20]}.", suffix=f".tmp{path.suffix}", dir=path.parent)
    os.close(fd)
    try:
        save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
