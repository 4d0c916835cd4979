"""Annotated copies of target lists: each cell with a finding coloured and commented, each
project's name cell commented with its review grade; the original is never touched.

An .xlsx/.xlsm list is patched as recalc patches its copies (:mod:`..recalc.annotate`: only the
marked sheets, the styles and the comment parts are rewritten, everything else copied byte for
byte); other formats (.csv, .xls, .ods …) and packages that cannot be patched get an .xlsx of
their cell values (:func:`..recalc.copies.values_workbook`), marked as the values are written
(a list of 100,000 rows in constant memory). Every copy is written atomically.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ..files import atomic_save
from ..logs import logger
from ..readers.container import WORD_FORMATS, Grid
from ..recalc.annotate import FLAG_FILL, AnnotationError, Package, Sheet, Styles, Workbook
from ..recalc.copies import values_workbook

AUTHOR_NOTE = "perfbook 目标审核"


def copy_name(stem: str, fmt: str) -> str:
    """The copy's file name: .xlsm lists stay .xlsm, every other list becomes .xlsx."""
    return stem + (".xlsm" if fmt == "xlsm" else ".xlsx")


def marks_of(rows) -> dict[str, dict[str, tuple[str, bool]]]:
    """sheet → cell → (comment, flagged) for the projects ``rows`` (:class:`.run.ProjectResult`)."""
    marks: dict[str, dict[str, tuple[str, bool]]] = defaultdict(dict)
    for row in rows:
        cells = marks[row.sheet]
        for finding in row.findings:
            if not finding.cell:
                continue
            note, _ = cells.get(finding.cell, ("", True))
            cells[finding.cell] = (note + f"\n{AUTHOR_NOTE}（{finding.label}）：{finding.message}", True)
    return marks


def _grade_notes(rows, marks) -> None:
    """A comment on each project's name cell: its grade, consequence and number of findings."""
    for row in rows:
        if not row.project_cell or row.grade is None:
            continue
        note, flagged = marks[row.sheet].get(row.project_cell, ("", False))
        text = (f"\n{AUTHOR_NOTE}：审核等级 {row.grade}（{row.consequence}），审核得分 {row.score:g}，"
                f"{len(row.findings)} 处问题")
        marks[row.sheet][row.project_cell] = (text + note, flagged)


def _patch(source: Path, dest: Path, marks: dict[str, dict[str, tuple[str, bool]]]) -> Path:
    package = Package(source)
    try:
        book = Workbook(package)
        styles = Styles(package, book.styles_part)
        for number, (name, cells) in enumerate(marks.items(), start=1):
            if not cells:
                continue
            part = book.sheets.get(name)
            if part is None:
                raise AnnotationError(f"找不到工作表“{name}”")
            sheet = Sheet(package, part)
            shown: dict[str, tuple[str, bool]] = {}   # (a cell under a merged range: marked on the one showing it)
            for ref, (note, flagged) in cells.items():
                at = sheet.shown_at(ref)
                before, was = shown.get(at, ("", False))
                shown[at] = (before + note, was or flagged)
            for ref, (_, flagged) in shown.items():
                if flagged:
                    cell = sheet.cell(ref)
                    cell.set("s", str(styles.style(int(cell.get("s", "0")), fill=FLAG_FILL)))
            sheet.extend_dimension()
            sheet.comments({ref: note for ref, (note, _) in shown.items()}, 1000 + number)
        return atomic_save(package.write, dest)
    finally:
        package.zip.close()


def write_copy(source: Path, fmt: str, grids: list[Grid], dest: Path, rows) -> Path:
    """Write the annotated copy of ``source`` (read as ``grids``) for the projects ``rows`` at
    ``dest``; returns the path written."""
    if fmt in WORD_FORMATS:   # its findings are at Word positions (第1行第1列), which no workbook copy has
        raise AnnotationError("Word 文档不写带批注的副本，问题见目标审核汇总.xlsx")
    marks = marks_of(rows)
    _grade_notes(rows, marks)
    if fmt in ("xlsx", "xlsm"):
        try:
            return _patch(source, dest, marks)
        except Exception:  # noqa: BLE001 - an unusual package: mark a copy of its values instead
            logger.debug("无法在原文件结构上标注 %s，改为标注数值副本", source, exc_info=True)
    # (marked as the values are written: patching a sheet of 100,000 rows held its whole XML tree)
    return atomic_save(lambda tmp: values_workbook(grids, tmp, marks, AUTHOR_NOTE), dest.with_suffix(".xlsx"))
