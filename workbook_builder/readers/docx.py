"""Self-evaluation tables in Word documents, read as the same grids workbooks give.

Budget units often return the 自评表 as a Word table. Each table of the document body becomes a
:class:`WordGrid`, so the header-anchored reader of :mod:`.tables` reads it as it reads a sheet:

* a merged cell is read once, at its top-left grid position (python-docx repeats a merged cell
  across every grid position it covers; the XML's ``gridSpan``/``vMerge`` are read instead);
* the paragraphs above a table (the title, the ``(2024年度)`` line) are rows above it;
* a table without its own 项目名称 that follows a 自评表 with as many columns continues it (a
  table split at a page break), a repeated header row dropped;
* numbers typed as text (``97``, ``141.116万元``, ``1,200``) are numbers, as Excel stores them.

The file has already been checked by :func:`.container.check_container` (bounded size, no
DTD or entity declaration in any part); python-docx never follows an external relationship.
Cells are addressed as a Word user finds them: ``第6行第8列`` (of the grid's table) or
``表格2第3行第8列`` (a continuation table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from addin.engine import form

from .container import MAX_COLUMNS, MAX_ROWS, Grid, OutOfMemory, UnreadableFile, clean_value
from ..logs import logger

_NUMBER = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_MONEY = ("万元", "元")
PARAGRAPHS_ABOVE = 4  # paragraphs kept above a table (title, year line, notes)


def typed(text: str) -> object:
    """A Word cell's text as the value Excel would store: a plain number (with thousands
    separators or a 万元/元 unit) as a float, anything else as the text."""
    value = text.strip()
    for unit in _MONEY:
        if value.endswith(unit):
            value = value[: -len(unit)].strip()
            break
    if _NUMBER.fullmatch(value):
        return float(value.replace(",", ""))
    return clean_value(text.strip()) if text.strip() else None


@dataclass
class WordGrid(Grid):
    """A Word table (and the paragraphs above it) as a grid. Rows above ``0`` are paragraphs;
    ``origins[i]`` is the (table number, table row) of grid row ``i`` (both 1-based)."""

    number: int = 1
    origins: list[tuple[int, int]] = field(default_factory=list)

    def address(self, row: int, col: int) -> str:
        if row < 0:
            return f"表格{self.number}上方第{row - self.top + 1}段"
        table, tr = self.origins[row] if row < len(self.origins) else (self.number, row + 1)
        prefix = "" if table == self.number else f"表格{table}"
        return f"{prefix}第{tr}行第{col + 1}列"

    def locate(self, row: int) -> tuple[int, int] | None:
        """(table number, table row) of a grid row, 1-based; ``None`` for a paragraph."""
        return self.origins[row] if 0 <= row < len(self.origins) else None


def table_rows(tbl) -> list[list[str | None]]:
    """A ``w:tbl`` element's rows as text per grid column, each merged cell once (at its first
    row and column), at most :data:`MAX_ROWS` rows of :data:`MAX_COLUMNS` columns."""
    rows = []
    for tr in tbl.tr_lst[:MAX_ROWS]:
        row: list[str | None] = [None] * min(tr.grid_before, MAX_COLUMNS)
        for tc in tr.tc_lst:
            if len(row) >= MAX_COLUMNS:
                break
            span = max(1, min(tc.grid_span, MAX_COLUMNS - len(row)))
            merged_above = tc.vMerge == "continue"
            text = None if merged_above else cell_text(tc)
            row.extend([text] + [None] * (span - 1))
        rows.append(row)
    return rows


def cell_text(tc) -> str:
    """The text of a ``w:tc``: its paragraphs (and nested tables' text) joined by line breaks."""
    lines = []
    for p in tc.iter(_qn("w:p")):
        lines.append("".join(t.text or "" for t in p.iter(_qn("w:t"), _qn("w:tab")) if t.tag == _qn("w:t")))
    return "\n".join(lines).strip()


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _labels(rows: list[list[object]]) -> set[str]:
    return {re.sub(r"\s+", "", str(v)) for row in rows for v in row if isinstance(v, str)}


def _is_header(row: list[object]) -> bool:
    texts = {re.sub(r"\s+", "", str(v)) for v in row if isinstance(v, str)}
    return {form.INDICATOR_FIELDS["level3"], form.INDICATOR_FIELDS["nature"]} <= texts


def read_docx_grids(source: Path | bytes) -> list[WordGrid]:
    """Every table of a Word document's body (a path, or the bytes already checked) as a
    :class:`WordGrid` (a continued table joined to the one it continues). Raises
    ``UnreadableFile`` for a document python-docx cannot open."""
    import io

    import docx
    from docx.table import Table as DocxTable

    try:
        document = docx.Document(io.BytesIO(source) if isinstance(source, bytes) else str(source))
        paragraphs: list[str] = []
        grids: list[WordGrid] = []
        number = 0
        for block in document.iter_inner_content():
            if not isinstance(block, DocxTable):
                text = block.text.strip()
                if text:
                    paragraphs = (paragraphs + [clean_value(text)])[-PARAGRAPHS_ABOVE:]
                continue
            number += 1
            rows = [[typed(v) if v is not None else None for v in row] for row in table_rows(block._tbl)]
            origins = [(number, i + 1) for i in range(len(rows))]
            previous = grids[-1] if grids else None
            width = max((len(r) for r in rows), default=0)
            if (previous is not None and form.PROJECT not in _labels(rows)
                    and any(_is_header(r) for r in previous.rows) and width == previous.right - previous.left):
                keep = [i for i, r in enumerate(rows) if not _is_header(r)]
                previous.rows.extend(rows[i] for i in keep)
                previous.origins.extend(origins[i] for i in keep)
                previous.__dict__.pop("right", None)
                paragraphs = []
                continue
            above = [[p] for p in paragraphs]
            grids.append(WordGrid(f"表格{number}", above + rows, -len(above), 0,
                                  truncated=len(block._tbl.tr_lst) > MAX_ROWS, number=number, origins=origins))
            paragraphs = []
    except UnreadableFile:
        raise
    except MemoryError:
        raise OutOfMemory("读取所需内存超过上限，已拒绝读取") from None
    except Exception:  # python-docx / lxml raise their own types for a broken part
        logger.debug("Word 文档无法解析", exc_info=True)
        raise UnreadableFile("Word 文档内容无法解析（结构已损坏），请用 Word 或 WPS 打开后另存为 .docx") from None
    if not grids:
        raise UnreadableFile("Word 文档中没有表格，没有找到自评表")
    return grids
