"""The names of a run's outputs, and what an earlier run wrote in an output folder, so that a
run writes over nothing else.

A run writes 复核汇总.xlsx last, after the annotated copies, and lists each copy in its 项目
sheet (复核副本). The files an earlier run left in an output folder are therefore that summary
and the copies it lists that have not changed since it was written (so too for ``targets
check``'s 目标审核汇总.xlsx and its 审核副本). Any other file there is the user's (a unit's
corrected copy sent back under the name perfbook gave it, a submission kept in the folder chosen
for the output): a run refuses to write over it, and ``perfbook recalc`` refuses an output
folder inside a folder it reads when such a file is in it (it would be neither read nor safe),
before any work.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

from ..files import shown_path, some_of


def copy_name(name: str, fmt: str) -> str:
    """The annotated copy's file name for a file of format ``fmt`` (``name`` ends in .xlsx):
    Word documents get a .docx copy, .xlsm workbooks an .xlsm copy, every other workbook .xlsx."""
    from ..readers.container import WORD_FORMATS

    return str(Path(name).with_suffix(".docx" if fmt in WORD_FORMATS else ".xlsm" if fmt == "xlsm" else ".xlsx"))


def earlier_outputs(outdir: Path, summary_name: str | None = None, copies_column: str = "复核副本") -> set[str]:
    """The names of the files in ``outdir`` that an earlier run wrote: its summary (复核汇总.xlsx,
    or ``summary_name``: 目标审核汇总.xlsx) when perfbook can read it as one, and the copies
    listed in its 项目 sheet's ``copies_column``, not changed after it."""
    from .summary import SUMMARY_NAME   # (XlsxWriter: not for the workers, which name copies)

    summary_name = summary_name or SUMMARY_NAME
    summary = outdir / summary_name
    try:
        written = summary.stat().st_mtime_ns
    except OSError:
        return set()
    if _edited(summary):   # (a reviewer's notes typed into it: theirs now)
        return set()
    import python_calamine   # (only for a folder with a summary)

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(summary))
        rows = book.get_sheet_by_name("项目").to_python()
        column = rows[0].index(copies_column)
    except Exception:   # no summary, or not one perfbook can read: nothing is known to be a run's
        return set()
    names = {summary_name}
    for row in rows[1:]:
        name = str(row[column]) if len(row) > column and row[column] else ""
        if name:   # (a name with a folder never matches a file of the output folder)
            try:
                if (outdir / name).stat().st_mtime_ns <= written:
                    names.add(name)
            except OSError:
                pass
    return names


_STAMP = re.compile(rb"<dcterms:(created|modified)\b[^>]*>([^<]*)</dcterms:\1>")


def _edited(summary: Path) -> bool:
    """Whether a summary was saved again after perfbook wrote it. perfbook (XlsxWriter) writes
    the same time as its created and modified properties and dates its parts in 1980, as Excel
    does; Excel sets modified to when it saves, openpyxl, LibreOffice and WPS date the parts then.
    A file that is no package is not known to be edited."""
    try:
        with zipfile.ZipFile(summary) as package:
            dated = any(info.date_time[0] != 1980 for info in package.infolist())
            core = package.open("docProps/core.xml").read(1 << 16)
    except (OSError, KeyError, zipfile.BadZipFile, ValueError, RuntimeError):
        return False
    stamps = dict(_STAMP.findall(core))
    return dated or stamps.get(b"created", b"").strip() != stamps.get(b"modified", b"").strip()


def refuse_writing_over(outdir: Path, names: list[str], earlier: set[str], error: type[Exception],
                        run: str = "复核") -> None:
    """Raise ``error`` before any work when a run writing ``names`` into ``outdir`` would write
    over a file there that is not in ``earlier`` (:func:`earlier_outputs`): the user's."""
    theirs = [name for name in names if name not in earlier and os.path.lexists(outdir / name)]
    if theirs:
        raise error(f"输出目录 {shown_path(str(outdir))} 中已有同名的文件（{some_of(theirs)}），不是本工具上次写出的"
                    "（或写出后又改动过），"
                    f"{run}会覆盖它们：请另选输出目录，或把这些文件移出")
