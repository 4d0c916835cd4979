"""The names of a run's outputs, and what an earlier run wrote in an output folder, so that a
run writes over nothing else.

A run writes 复核汇总.xlsx last, after the annotated copies, and lists each copy in its 项目
sheet (复核副本). The files an earlier run left in an output folder are therefore that summary
and the copies it lists that have not changed since it was written (so too for ``targets
check``'s 目标审核汇总.xlsx and its 审核副本). A summary saved again after the run (a reviewer's
notes typed into it) is the reviewer's: the next run keeps it under another name
(:func:`keep_edited`) before writing its own, and still knows the copies it lists by the time
it was written (its created property, which Excel, WPS and LibreOffice keep). Any other file
there is the user's (a unit's corrected copy sent back under the name perfbook gave it, a
submission kept in the folder chosen for the output): a run refuses to write over it, and
``perfbook recalc`` refuses an output folder inside a folder it reads when such a file is in it
(it would be neither read nor safe), before any work; so too when an output is open in Excel,
WPS or LibreOffice (:func:`open_in_office`), which would make writing it fail at the end.
"""

from __future__ import annotations

import glob
import os
import re
import stat
import time
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..files import shown_path, some_of


def carried_copies(earlier: set[str], summary_name: str, written: list[str]) -> list[str]:
    """The outputs of earlier runs in an output folder (:func:`earlier_outputs`) that a run
    writing ``written`` leaves there, but for summaries: the copies its summary lists in
    :data:`.sheets.CARRIED_SHEET`."""
    stem, written = Path(summary_name).stem, set(written)
    return sorted(n for n in earlier if n not in written and n != summary_name and not n.startswith(f"{stem}（改动过 "))


def unlisted_copies(outdir: Path, names: list[str], listed: set[str], since: float) -> list[str]:
    """Of the copies a run meant to write (``names``), those written (from ``since`` on) that no
    row of its summary lists: a run stopped right after a copy was written. Its summary lists them
    with the earlier ones (:func:`carried_copies`), so that the next run may replace them."""
    written = []
    for name in names:
        try:
            if name not in listed and not (outdir / name).is_symlink() and (outdir / name).stat().st_mtime >= since:
                written.append(name)
        except OSError:
            pass
    return written


def copy_name(name: str, fmt: str) -> str:
    """The annotated copy's file name for a file of format ``fmt`` (``name`` ends in .xlsx):
    Word documents get a .docx copy, .xlsm workbooks an .xlsm copy, every other workbook .xlsx."""
    from ..readers.container import WORD_FORMATS

    return str(Path(name).with_suffix(".docx" if fmt in WORD_FORMATS else ".xlsm" if fmt == "xlsm" else ".xlsx"))


def earlier_outputs(outdir: Path, summary_name: str | None = None, copies_column: str = "复核副本") -> set[str]:
    """The names of the files in ``outdir`` that an earlier run wrote: its summary (复核汇总.xlsx,
    or ``summary_name``: 目标审核汇总.xlsx) when perfbook can read it as one, and the copies
    it lists (:func:`earlier_copies`); and the summaries kept aside by :func:`keep_edited`,
    which no run writes over."""
    from .summary import SUMMARY_NAME   # (XlsxWriter: not for the workers, which name copies)

    summary = outdir / (summary_name or SUMMARY_NAME)
    kept = {p.name for p in outdir.glob(f"{glob.escape(summary.stem)}（改动过 *{summary.suffix}")}   # (keep_edited's)
    copies = earlier_copies(outdir, summary.name, copies_column)
    return kept if copies is None else {summary.name, *kept, *copies}


def earlier_copies(outdir: Path, summary_name: str | None = None, copies_column: str = "复核副本") -> set[str] | None:
    """The copies an earlier run wrote into ``outdir``, as its summary there lists them in its
    项目 sheet's ``copies_column``, not changed after the summary was written (by its created
    property when it was saved again after the run: see :func:`keep_edited`); ``None`` when
    there is no summary perfbook can read as one (nothing is known to be a run's). A later
    recalc over a folder holding that output folder passes them over (a copy read again had
    counted as a second submission)."""
    from .summary import SUMMARY_NAME

    summary = outdir / (summary_name or SUMMARY_NAME)
    try:   # (a link is never a run's: it would have the run write into the file it names)
        if summary.is_symlink():
            return None
        written = summary.stat().st_mtime_ns
    except OSError:
        return None
    from addin.engine import UserError

    from .guard import call_guarded

    try:   # (read as a submission is: checked, in a guarded worker; a hostile file named so is no summary)
        listed = call_guarded(_listed, (str(summary), copies_column))
    except UserError:   # (its worker crashed or ran out of memory)
        return None
    if listed is None:
        return None
    if _edited(summary):   # (a reviewer's notes typed into it: kept aside, its copies known by when it was written)
        created = _created(summary)
        if created is None:
            return None
        written = min(written, created)
    copies = set()
    for name in listed:   # (a name with a folder never matches a file of the output folder)
        try:
            found = (outdir / name).lstat()
        except OSError:
            continue
        if found.st_mtime_ns <= written and not stat.S_ISLNK(found.st_mode):   # (a link is never a run's copy)
            copies.add(name)
    return copies


def _listed(summary: str, column: str) -> list[str] | None:
    """The names in ``column`` of a summary's 项目 sheet and of its :data:`.sheets.CARRIED_SHEET`, read
    through the container checks every submitted file passes (:func:`..readers.source.read_source`);
    None when it has no 项目 sheet with that column, or cannot be read."""
    from ..readers.container import MAX_LIST_ROWS, UnreadableFile
    from ..readers.source import read_source
    from .sheets import CARRIED_SHEET

    try:
        _, grids = read_source(summary, MAX_LIST_ROWS)
    except UnreadableFile:
        return None
    names = {g.name: _column(g, column) for g in grids if g.name in ("项目", CARRIED_SHEET)}
    if names.get("项目") is None:
        return None
    return names["项目"] + (names.get(CARRIED_SHEET) or [])


def _column(grid, column: str) -> list[str] | None:
    """The texts under the header ``column`` of a grid's first row; None when it has none."""
    if grid.bottom <= grid.top:
        return None
    header = [grid.value(grid.top, c) for c in range(grid.left, grid.right)]
    if column not in header:
        return None
    at = grid.left + header.index(column)
    return [str(value) for r in range(grid.top + 1, grid.bottom) if (value := grid.value(r, at)) not in (None, "")]


_STAMP = re.compile(rb"<dcterms:(created|modified)\b[^>]*>([^<]*)</dcterms:\1>")


def _stamps(summary: Path) -> tuple[bool, dict[bytes, bytes]]:
    """Whether a package's parts are dated after 1980, and its created and modified properties."""
    with zipfile.ZipFile(summary) as package:
        dated = any(info.date_time[0] != 1980 for info in package.infolist())
        core = package.open("docProps/core.xml").read(1 << 16)
    return dated, {key: value.strip() for key, value in _STAMP.findall(core)}


def _edited(summary: Path) -> bool:
    """Whether a summary was saved again after perfbook wrote it. perfbook (XlsxWriter) writes
    the same time as its created and modified properties and dates its parts in 1980, as Excel
    does; Excel sets modified to when it saves, openpyxl, LibreOffice and WPS date the parts then.
    A file that is no package is not known to be edited."""
    try:
        dated, stamps = _stamps(summary)
    except (OSError, KeyError, zipfile.BadZipFile, ValueError, RuntimeError):
        return False
    return dated or stamps.get(b"created", b"") != stamps.get(b"modified", b"")


def _created(summary: Path) -> int | None:
    """When perfbook wrote a summary, as a file time (ns), from its created property (UTC, whole
    seconds as perfbook writes it, with a fraction or an offset as other programs may write it
    back; without a zone, the earliest that local time can be), a second later (the copies were
    written before it); None when it has none that reads."""
    try:
        stamp = datetime.fromisoformat(_stamps(summary)[1][b"created"].decode("ascii"))
    except (OSError, KeyError, zipfile.BadZipFile, ValueError, RuntimeError, UnicodeDecodeError):
        return None
    if stamp.tzinfo is None:   # (a local time of some zone: the earliest it can be, so that doubt refuses)
        stamp = stamp.replace(tzinfo=timezone(timedelta(hours=14)))
    return (int(stamp.timestamp()) + 1) * 1_000_000_000


def keep_edited(summary: Path) -> Path | None:
    """A summary saved again after the run that wrote it (a reviewer's notes) renamed
    ``复核汇总（改动过 2026-12-07 1038）.xlsx`` (the time it was saved), before the run writes its own
    there; returns the new path, or None when there was nothing to keep."""
    if not _edited(summary):
        return None
    try:
        saved = time.strftime("%Y-%m-%d %H%M", time.localtime(summary.stat().st_mtime))
    except OSError:
        return None
    stem, number = f"{summary.stem}（改动过 {saved}）", 1
    kept = summary.with_name(stem + summary.suffix)
    while os.path.lexists(kept):
        number += 1
        kept = summary.with_name(f"{stem}（{number}）{summary.suffix}")
    os.rename(summary, kept)
    return kept


def refuse_writing_over(outdir: Path, names: list[str], earlier: set[str], error: type[Exception],
                        run: str = "复核") -> None:
    """Raise ``error`` before any work when a run writing ``names`` into ``outdir`` would write
    over a file there that is not in ``earlier`` (:func:`earlier_outputs`): the user's; or over
    one open in Excel, WPS or LibreOffice (:func:`open_in_office`: on Windows, replacing it
    would fail once everything else is written, leaving copies newer than the summary that lists
    them)."""
    theirs = [name for name in names if name not in earlier and os.path.lexists(outdir / name)]
    if theirs:
        raise error(f"输出目录 {shown_path(str(outdir))} 中已有同名的文件（{some_of(theirs)}），不是本工具上次写出的"
                    "（或写出后又改动过），"
                    f"{run}会覆盖它们：请另选输出目录，或把这些文件移出")
    locked = [(name, lock) for name in names if os.path.lexists(outdir / name)
              if (lock := open_in_office(outdir, name))]
    if locked:
        files = some_of([name for name, _ in locked])
        locks = some_of([lock for _, lock in locked])
        raise error(f"输出目录 {shown_path(str(outdir))} 中的 {files} 正在 Excel、WPS 或 LibreOffice 中打开（有锁定文件 "
                    f"{locks}），{run}无法替换它：请关闭后重试，或另选输出目录；如果并没有打开，请删除锁定文件")


def open_in_office(folder: Path, name: str) -> str | None:
    """The lock file that says ``name`` in ``folder`` is open in an office suite: Excel's and
    WPS's ``~$`` owner file (the name whole, or without its first one or two characters, as Word
    names it by the name's length) or LibreOffice's ``.~lock.<name>#``; None when there is none."""
    for lock in (f"~${name}", f"~${name[2:]}", f"~${name[1:]}", f".~lock.{name}#"):
        if os.path.lexists(folder / lock):
            return lock
    return None
