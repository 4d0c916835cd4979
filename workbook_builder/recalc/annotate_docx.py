"""Annotated copies of Word documents: the original untouched, the copy marked up in Word.

Every cell with a finding is shaded and carries a Word comment with the Chinese explanation
(python-docx >= 1.2 writes comments); a 复核结果 table at the end of the document lists the
findings and each table's recomputed total and grade. All text written is inert: control
characters escaped, long texts cut. The copy is made from the file's bytes as read and checked
by :func:`..readers.container.check_container` (never opened again by name), everything in it
that could act (fields, altChunk, external links, attached templates, macros, embedded objects)
taken out first (:mod:`.inert_docx`, said in the 复核结果 section), and written atomically as a
plain ``.docx`` once every part of it is verified well-formed.
"""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import Path

from ..files import atomic_save, inert_text
from ..readers.docx import WordGrid, body_tables, cell_at, children, open_document
from .annotate import AnnotationError
from .inert_docx import neutralise, removal_note, verify
from .result import NOT_FILLED, shown_values

FLAG_FILL = "FF9999"
AUTHOR, INITIALS = "perfbook", "PB"
COLUMNS = ("表格", "项目名称", "位置", "指标", "问题类型", "说明", "填报值", "应为")
WIDTHS = (1.3, 2.4, 1.9, 2.3, 2.1, 4.2, 1.9, 1.9)  # cm
# w:tcPr children that must follow w:shd (ECMA-376 order); shd goes before the first present
_AFTER_SHD = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
              "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")


def _locations(grid: WordGrid) -> dict[str, tuple[int, int, int]]:
    """Cell address -> (table number, table row, grid column), as the reader named them."""
    found = {}
    for row in range(0, grid.bottom):
        origin = grid.locate(row)
        if origin:
            for col in range(grid.left, grid.right):
                found[grid.address(row, col)] = (*origin, col)
    return found


def _shade(tc) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = tc.get_or_add_tcPr()
    for old in tc_pr.findall(qn("w:shd")):
        tc_pr.remove(old)
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), FLAG_FILL)
    tc_pr.insert_element_before(shd, *_AFTER_SHD)


def _element(tag: str, **attributes: str):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _lines(table) -> None:
    """The 复核结果 table's own borders (a document without the Table Grid style, as one converted
    from .doc by LibreOffice, had printed it without lines) and its header row repeated on each page."""
    from docx.oxml.ns import qn

    borders = _element("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_element(f"w:{side}", val="single", sz="4", space="0", color="auto"))
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    # (ECMA-376 order: tblBorders before shd, tblLayout, tblCellMar, tblLook …)
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                                 "w:tblDescription", "w:tblPrChange")
    table.rows[0]._tr.get_or_add_trPr().append(_element("w:tblHeader"))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return inert_text(str(value), 1000)


def write_annotated_docx(data: bytes, dest: Path, grids, reads, pairs) -> Path:
    """Write the marked-up, inert copy of the Word document whose checked bytes are ``data`` to
    ``dest``."""
    from docx.oxml.ns import qn
    from docx.table import Table, _Cell

    document = open_document(data)
    removed = neutralise(document)
    tables = body_tables(document.element.body)   # (as the reader numbers them: in content controls too)
    locations = {g.name: _locations(g) for g in grids if isinstance(g, WordGrid)}
    notes: dict[tuple[int, int, int], list[str]] = defaultdict(list)
    for read, (report, _) in zip(reads, pairs):
        where = locations.get(read.sheet, {})
        for finding in report.findings:
            if finding.cell in where:
                notes[where[finding.cell]].append(f"perfbook 复核（{finding.label}）：{finding.message}")
    rows: dict[int, list] = {}
    for (number, row, col), texts in notes.items():
        if not 0 < number <= len(tables):
            continue
        table = Table(tables[number - 1], document._body)   # (the parent of its cells)
        if number not in rows:
            rows[number] = list(children(tables[number - 1], qn("w:tr")))
        tc = cell_at(rows[number][row - 1], col) if 0 < row <= len(rows[number]) else None
        if tc is None:
            continue
        _shade(tc)
        cell = _Cell(tc, table)
        paragraph = cell.paragraphs[0] if cell.paragraphs else cell.add_paragraph()
        runs = paragraph.runs or [paragraph.add_run("")]
        document.add_comment(runs, inert_text("\n".join(texts), 2000), author=AUTHOR, initials=INITIALS)
    _findings_table(document, pairs, removal_note(removed))
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    problem = verify(data)
    if problem:
        raise AnnotationError(f"副本未通过安全检查：{problem}")
    return atomic_save(lambda tmp: Path(tmp).write_bytes(data), dest)


def _findings_table(document, pairs, removed: str | None = None) -> None:
    from docx.shared import Cm

    document.add_paragraph()
    document.add_paragraph().add_run("复核结果（perfbook）").bold = True
    if removed:
        document.add_paragraph(removed)
    document.element.body.get_or_add_sectPr()   # (optional in a document; python-docx sizes tables by it)
    table = document.add_table(rows=1, cols=len(COLUMNS))
    try:
        table.style = "Table Grid"
    except (KeyError, ValueError):  # a document without Word's built-in table styles: its own lines below
        pass
    _lines(table)
    for cell, title in zip(table.rows[0].cells, COLUMNS):
        cell.paragraphs[0].add_run(title).bold = True
    for report, _ in pairs:
        rows = [("", "", "说明", report.note, "", "")] if report.note else []   # (e.g. converted from .doc)
        rows += [(f.cell, f.indicator, f.label, f.message, *shown_values(f)) for f in report.findings]
        total = NOT_FILLED if report.status else (
            f"计算总分 {_text(report.computed_total) or '无法计算'}，等级 {report.grade or '无'}"
            + (f"（{report.change}）" if report.change else ""))
        rows.append(("", "", "复核计算值" if report.findings else report.status or "无问题", total, report.reported_total,
                     report.computed_total))
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, (report.sheet, report.project, *values)):
                cell.text = _text(value)
    for row in table.rows:   # (no row split over a page: its cells read together)
        row._tr.get_or_add_trPr().append(_element("w:cantSplit"))
    table.autofit = False
    for column, width in zip(table.columns, WIDTHS):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)
