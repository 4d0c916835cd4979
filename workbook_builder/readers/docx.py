"""Self-evaluation tables in Word documents, read as the same grids workbooks give.

Budget units often return the 自评表 as a Word table. Each table of the document body becomes a
:class:`WordGrid`, so the header-anchored reader of :mod:`.tables` reads it as it reads a sheet:

* a merged cell is read once, at its top-left grid position (python-docx repeats a merged cell
  across every grid position it covers; the XML's ``gridSpan``/``vMerge`` are read instead);
* the paragraphs above a table (the title, the ``(2024年度)`` line) are rows above it;
* a table without its own 项目名称 that follows a 自评表 with as many columns continues it (a
  table split at a page break), a repeated header row dropped;
* numbers typed as text (``97``, ``141.116万元``, ``1,200``) are numbers, as Excel stores them;
* tables, rows and cells in content controls (``w:sdt``) or custom XML are read as they show,
  and so are the tables a one-cell layout table frames.

The file has already been checked by :func:`.container.check_container` (bounded size, no
DTD or entity declaration in any part); python-docx never follows an external relationship.
Tables are read defensively, straight from the XML (never through python-docx's grid, which
allocates every span and walks merges row by row): a ``gridSpan``/``gridBefore`` is clamped to
:data:`MAX_COLUMNS`, a ``vMerge`` continuing nothing (in the first row, or under no cell) is a
cell of its own, a value that is not a number or a merge kind is refused with the cell named;
at most :data:`MAX_ROWS` rows of a table, :data:`MAX_TABLES` tables (nested ones included),
:data:`MAX_NESTING` levels of tables in tables and :data:`~.container.MAX_CELLS` grid cells in
all. A macro-enabled document or a template (``.docm``, ``.dotx``, ``.dotm``) is read as the
document it holds (its content type fixed in memory; nothing in it runs).
Cells are addressed as a Word user finds them: ``第6行第8列`` (of the grid's table) or
``表格2第3行第8列`` (a continuation table).
"""

from __future__ import annotations

import io
import itertools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from addin.engine import form

from .container import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, MAX_TEXT, NUMBER, Grid, OutOfMemory, UnreadableFile, clean_value
from ..logs import logger

_NUMBER = re.compile(NUMBER)
PARAGRAPHS_ABOVE = 4   # paragraphs kept above a table (title, year line, notes)
PARAGRAPHS_LOOKED_AT = 1000   # paragraphs looked at, upwards from a table, for those
MAX_TABLES = 1000      # tables in one document, nested ones included
MAX_NESTING = 8        # tables within a table's cell, within a cell… (a form uses one or two)

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TBL, _TR, _TC, _P, _T = (f"{{{_W}}}{tag}" for tag in ("tbl", "tr", "tc", "p", "t"))
_TCPR, _TRPR, _GRID_SPAN, _GRID_BEFORE, _VMERGE, _VAL = (
    f"{{{_W}}}{tag}" for tag in ("tcPr", "trPr", "gridSpan", "gridBefore", "vMerge", "val"))
_INTEGER = re.compile(r"[+-]?\d+")
# Elements that only wrap the blocks, rows or cells they hold: content controls (government
# templates wrap the rows or cells to be filled in them) and custom XML
_SDT, _SDT_CONTENT, _CUSTOM_XML = (f"{{{_W}}}{tag}" for tag in ("sdt", "sdtContent", "customXml"))


def children(element, *tags: str) -> Iterator:
    """The children of ``element`` with one of ``tags``, in order, those wrapped in content
    controls (``w:sdt``/``w:sdtContent``) or ``w:customXml``, or framed by a one-cell layout
    table, included, as Word shows them: a row or cell in a content control is a row or cell of
    its table (wrappers within wrappers, however deep: a list of those being read, no recursion)."""
    waiting = [iter(element)]
    while waiting:
        for child in waiting[-1]:
            inner = _wrapped(child)
            if inner is not None:
                waiting.append(iter(inner))
                break
            if child.tag in tags:
                yield child
        else:
            waiting.pop()


def _wrapped(element):
    """What ``element`` only wraps: a content control's content, a custom XML element's children,
    the one cell of a one-row, one-cell table that holds tables (a frame drawn around a form);
    else ``None``."""
    if element.tag == _SDT:
        return element.find(_SDT_CONTENT)
    if element.tag == _CUSTOM_XML:
        return element
    if element.tag == _TBL:
        rows = list(itertools.islice(children(element, _TR), 2))
        cells = list(itertools.islice(children(rows[0], _TC), 2)) if len(rows) == 1 else []
        return cells[0] if len(cells) == 1 and _holds_table(cells[0]) else None
    return None


def _holds_table(cell) -> bool:
    """Whether a cell holds a table, itself or in content controls or custom XML. (A table in it
    is not looked into: a frame within a frame is found as the walk reaches it, so that frames
    nested deep cost each one look, not twice the look of the one inside.)"""
    waiting = [iter(cell)]
    while waiting:
        for child in waiting[-1]:
            if child.tag == _TBL:
                return True
            inner = child.find(_SDT_CONTENT) if child.tag == _SDT else child if child.tag == _CUSTOM_XML else None
            if inner is not None:
                waiting.append(iter(inner))
                break
        else:
            waiting.pop()
    return False


def body_tables(body) -> list:
    """The tables of a document's body in order (those in content controls too), numbered from
    1 as :func:`read_docx_grids` numbers them."""
    return list(children(body, _TBL))

# Main-part content types of Word packages: a document, a macro-enabled document, a template and
# a macro-enabled template; all are read (and copied) as a plain document.
DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_TYPES = {"application/vnd.ms-word.document.macroEnabled.main+xml",
               "application/vnd.ms-word.template.macroEnabledTemplate.main+xml"}
WORD_TYPES = {DOCUMENT_TYPE, "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
              *MACRO_TYPES}


def typed(text: str) -> object:
    """A Word cell's text as the value Excel would store: a plain number (with thousands
    separators) as a float, anything else as the text (an amount with its unit, ``696.02万元``,
    is converted by the table reader, which knows the table's money unit)."""
    value = text.strip()
    if len(value) <= 400 and _NUMBER.fullmatch(value):
        number = float(value.replace(",", ""))
        if math.isfinite(number):
            return number
    return clean_value(text.strip()) if text.strip() else None


@dataclass
class WordGrid(Grid):
    """A Word table (and the paragraphs above it) as a grid. Rows above ``0`` are paragraphs;
    ``origins[i]`` is the (table number, table row) of grid row ``i`` (both 1-based)."""

    number: int = 1
    origins: list[tuple[int, int]] = field(default_factory=list)
    KIND: ClassVar[str] = "Word 文档的"

    def address(self, row: int, col: int) -> str:
        if row < 0:
            return f"表格{self.number}上方第{row - self.top + 1}段"
        table, tr = self.origins[row] if row < len(self.origins) else (self.number, row + 1)
        prefix = "" if table == self.number else f"表格{table}"
        return f"{prefix}第{tr}行第{col + 1}列"

    def locate(self, row: int) -> tuple[int, int] | None:
        """(table number, table row) of a grid row, 1-based; ``None`` for a paragraph."""
        return self.origins[row] if 0 <= row < len(self.origins) else None


_STRICT = "purl.oclc.org/ooxml/officeDocument/relationships"   # a Strict Open XML package's relationship types


def open_document(data: bytes):
    """The python-docx ``Document`` of a Word package's bytes. A macro-enabled document or a
    template is opened as the plain document it holds (its main part's content type fixed in
    memory, the bytes untouched). Raises ``UnreadableFile`` for a package whose main part is not
    a Word document; python-docx's own errors for a broken package go on."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.part import PartFactory
    from docx.package import Package
    from docx.parts.document import DocumentPart

    for content_type in WORD_TYPES:   # python-docx itself maps only the plain document's type
        PartFactory.part_type_for.setdefault(content_type, DocumentPart)
    package = Package.open(io.BytesIO(data))
    try:
        part = package.part_related_by(RT.OFFICE_DOCUMENT)
    except (KeyError, ValueError):
        if any(_STRICT in rel.reltype for rel in package.rels.values()):   # (Strict's types: python-docx knows none)
            raise UnreadableFile("是“Strict Open XML”格式的 Word 文档，无法读取；请在 Word 中另存为“Word 文档(*.docx)”"
                                 "后再试") from None
        raise UnreadableFile("Word 文档缺少正文部件（或有多个），无法读取") from None
    if part.content_type not in WORD_TYPES or not isinstance(part, DocumentPart):
        raise UnreadableFile("不是 Word 文档（正文部件的类型不是 Word 文档），请用 Word 或 WPS 另存为 .docx")
    part._content_type = DOCUMENT_TYPE
    return part.document


def _shown(value: str) -> str:
    value = re.sub(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]", "?", value)
    return value if len(value) <= 20 else value[:19] + "…"


def _integer(element, default: int, what: str, where: str) -> int:
    """The ``w:val`` of a span element as an int: ``default`` when absent or negative, at most
    10**9 (a longer number is clamped, never converted); ``UnreadableFile`` naming ``where``
    when it is not a number."""
    if element is None:
        return default
    value = (element.get(_VAL) or "").strip()
    if not _INTEGER.fullmatch(value):
        raise UnreadableFile(f"{where}的{what}“{_shown(value)}”不是数字，无法读取表格；请在 Word 中修复后另存为 .docx")
    if value.startswith("-"):
        return default
    digits = value.lstrip("+").lstrip("0")
    return int(digits or 0) if len(digits) <= 9 else 10**9


def _merge(tc, where: str) -> str | None:
    """``restart``, ``continue`` or ``None`` (no vertical merge) for a ``w:tc``."""
    tc_pr = tc.find(_TCPR)
    merge = tc_pr.find(_VMERGE) if tc_pr is not None else None
    if merge is None:
        return None
    value = merge.get(_VAL)
    if value is None or value.strip() == "continue":
        return "continue"
    if value.strip() == "restart":
        return "restart"
    raise UnreadableFile(f"{where}的纵向合并标记“{_shown(value)}”无法识别，无法读取表格；请在 Word 中修复后另存为 .docx")


def grid_before(tr, where: str = "表格") -> int:
    """The empty grid columns before a ``w:tr``'s first cell, at most :data:`MAX_COLUMNS`."""
    tr_pr = tr.find(_TRPR)
    return min(_integer(tr_pr.find(_GRID_BEFORE) if tr_pr is not None else None, 0, "前置空列数", where), MAX_COLUMNS)


def row_cells(tr, where: str = "表格") -> Iterator[tuple[int, int, object]]:
    """(first grid column, columns spanned, ``w:tc``) of each cell of a ``w:tr``, spans clamped
    so that no cell goes past :data:`MAX_COLUMNS`; ``where`` names the row in a refusal."""
    column = grid_before(tr, where)
    for n, tc in enumerate(children(tr, _TC), 1):
        if column >= MAX_COLUMNS:
            return
        tc_pr = tc.find(_TCPR)
        span = _integer(tc_pr.find(_GRID_SPAN) if tc_pr is not None else None, 1, "合并列数", f"{where}第{n}个单元格")
        span = max(1, min(span, MAX_COLUMNS - column))
        yield column, span, tc
        column += span


def cell_at(tr, column: int):
    """The ``w:tc`` of a ``w:tr`` that covers grid ``column`` (as :func:`row_cells` places them:
    a cell merged across columns covers them all), or ``None``."""
    try:
        for start, span, tc in row_cells(tr):
            if start <= column < start + span:
                return tc
            if start > column:
                break
    except UnreadableFile:
        pass
    return None


def table_rows(tbl, number: int = 1, budget: list[int] | None = None) -> tuple[list[list[str | None]], bool]:
    """A ``w:tbl`` element's rows as text per grid column, each merged cell once (at its first
    row and column), at most :data:`MAX_ROWS` rows of :data:`MAX_COLUMNS` columns; and whether
    rows were left out. ``budget`` (a one-item list) is the grid cells the document may still
    fill; ``UnreadableFile`` when they run out or a span or merge is nonsense."""
    budget = budget if budget is not None else [MAX_CELLS]
    rows: list[list[str | None]] = []
    above: set[int] = set()   # grid columns where a cell starts in the row above
    truncated = False
    for index, tr in enumerate(children(tbl, _TR)):
        if index >= MAX_ROWS:
            truncated = True
            break
        where = f"表格{number}第{index + 1}行"
        row: list[str | None] = [None] * grid_before(tr, where)
        starts = set()
        for column, span, tc in row_cells(tr, where):
            merged_above = _merge(tc, f"{where}第{len(starts) + 1}个单元格") == "continue" and column in above
            row.append(None if merged_above else cell_text(tc))
            row.extend([None] * (span - 1))
            starts.add(column)
        budget[0] -= max(len(row), 1)
        if budget[0] < 0:
            raise UnreadableFile(f"Word 文档中的表格过大（单元格超过 {MAX_CELLS} 个），已拒绝读取")
        above = starts
        rows.append(row)
    return rows, truncated


def cells_once(tbl, number: int = 1) -> list[list[str]]:
    """A ``w:tbl`` element's rows as the text of each cell once, in order (a cell merged across
    columns once; one continuing a merge down repeats the text of the cell it continues), at
    most :data:`MAX_ROWS` rows, spans clamped as :func:`row_cells` clamps them: what
    python-docx's ``row.cells`` give, without its grid (a ``gridSpan`` of 2147483647 had taken
    it 11 s to refuse)."""
    rows: list[list[str]] = []
    above: dict[int, str] = {}   # grid column → the text of the cell there in the row above
    for index, tr in enumerate(itertools.islice(children(tbl, _TR), MAX_ROWS)):
        where = f"表格{number}第{index + 1}行"
        here = {}
        for n, (column, _, tc) in enumerate(row_cells(tr, where), 1):
            continued = _merge(tc, f"{where}第{n}个单元格") == "continue" and column in above
            here[column] = above[column] if continued else cell_text(tc)
        rows.append(list(here.values()))
        above = here
    return rows


_R, _RPR, _MOVE_FROM = (f"{{{_W}}}{tag}" for tag in ("r", "rPr", "moveFrom"))
# A run's properties that take its text out of the cell's value: hidden, or struck through (a
# value corrected by hand, 10 struck beside 7: the 7 is the value)
_NOT_READ = tuple(f"{{{_W}}}{tag}" for tag in ("vanish", "strike", "dstrike"))
# The other rendering of a drawing or text box Word writes beside the one it shows (for older
# readers): never read, or a 7 in a text box reads as 77
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_OFF = {"0", "false", "off"}


def _shown_text(t, p) -> bool:
    """Whether Word shows a ``w:t`` of paragraph ``p`` as that paragraph's own: not in a run
    formatted as hidden or struck through (:data:`_NOT_READ`), nor in text a tracked move took
    away (``w:moveFrom``; deleted text is ``w:delText``, never read), nor in an ``mc:Fallback``,
    nor in a paragraph inside it (a text box's, read as a line of its own). A hidden or struck
    10 before a shown 7 had read as 107."""
    parent = t.getparent()
    properties = parent.find(_RPR) if parent is not None and parent.tag == _R else None
    for flag in properties if properties is not None else ():
        if flag.tag in _NOT_READ and flag.get(_VAL, "true").lower() not in _OFF:
            return False
    while parent is not None and parent is not p:
        if parent.tag in (_MOVE_FROM, _FALLBACK, _P):
            return False
        parent = parent.getparent()
    return True


def _in_fallback(p, tc) -> bool:
    """Whether paragraph ``p`` of cell ``tc`` is in an ``mc:Fallback`` (a text box's other rendering)."""
    for above in p.iterancestors():
        if above is tc:
            return False
        if above.tag == _FALLBACK:
            return True
    return False


def cell_text(tc) -> str:
    """The text of a ``w:tc``: its paragraphs (a text box's, nested tables') joined by line
    breaks, no more than :data:`~.container.MAX_TEXT` characters of it gathered (the reader keeps no more)."""
    lines, size = [], 0
    for p in tc.iter(_P):
        if _in_fallback(p, tc):
            continue
        line = "".join(t.text or "" for t in p.iter(_T) if _shown_text(t, p))
        lines.append(line)
        size += len(line) + 1
        if size > MAX_TEXT + 1:
            break
    return "\n".join(lines).strip()


def _check_tables(body) -> None:
    """Refuse a document with too many tables or tables nested too deep, before reading any."""
    count = 0
    for tbl in body.iter(_TBL):
        count += 1
        if count > MAX_TABLES:
            raise UnreadableFile(f"Word 文档中的表格过多（超过 {MAX_TABLES} 个，含嵌套的表格），已拒绝读取")
        depth = sum(1 for _ in tbl.iterancestors(_TBL))
        if depth >= MAX_NESTING:
            outer = list(tbl.iterancestors(_TBL))[-1]
            number = sum(1 for t in outer.itersiblings(_TBL, preceding=True)) + 1 if outer.getparent() is body else None
            where = f"表格{number}中" if number else ""
            raise UnreadableFile(f"Word 文档{where}嵌套的表格层数过多（超过 {MAX_NESTING} 层），已拒绝读取")


def _labels(rows: list[list[object]]) -> set[str]:
    return {re.sub(r"\s+", "", str(v)) for row in rows for v in row if isinstance(v, str)}


def _is_header(row: list[object]) -> bool:
    texts = {re.sub(r"\s+", "", str(v)) for v in row if isinstance(v, str)}
    return {form.INDICATOR_FIELDS["level3"], form.INDICATOR_FIELDS["nature"]} <= texts


def _paragraphs_above(since: list) -> list[str]:
    """The last :data:`PARAGRAPHS_ABOVE` non-empty paragraphs of ``since`` (the ``w:p`` since
    the previous table), looking at no more than :data:`PARAGRAPHS_LOOKED_AT` of them."""
    found: list[str] = []
    for p in reversed(since[-PARAGRAPHS_LOOKED_AT:]):
        text = p.text.strip()
        if text:
            found.append(clean_value(text))
            if len(found) == PARAGRAPHS_ABOVE:
                break
    return found[::-1]


def read_docx_grids(source: Path | bytes) -> list[WordGrid]:
    """Every table of a Word document's body (a path, or the bytes already checked) as a
    :class:`WordGrid` (a continued table joined to the one it continues). Raises
    ``UnreadableFile`` for a document python-docx cannot open, or whose tables are
    nonsense or beyond the bounds."""
    try:
        document = open_document(source if isinstance(source, bytes) else Path(source).read_bytes())
        body = document.element.body
        _check_tables(body)
        budget = [MAX_CELLS]
        since: list = []
        grids: list[WordGrid] = []
        number = 0
        for block in children(body, _P, _TBL):
            if block.tag == _P:
                since.append(block)
                continue
            number += 1
            text_rows, truncated = table_rows(block, number, budget)
            rows = [[typed(v) if v is not None else None for v in row] for row in text_rows]
            origins = [(number, i + 1) for i in range(len(rows))]
            previous = grids[-1] if grids else None
            width = max((len(r) for r in rows), default=0)
            if (previous is not None and form.PROJECT not in _labels(rows)
                    and any(_is_header(r) for r in previous.rows) and width == previous.right - previous.left):
                keep = [i for i, r in enumerate(rows) if not _is_header(r)]
                room = MAX_ROWS - len(previous.origins)
                if len(keep) > room or truncated:
                    keep, previous.truncated = keep[:max(room, 0)], True
                previous.rows.extend(rows[i] for i in keep)
                previous.origins.extend(origins[i] for i in keep)
                previous.__dict__.pop("right", None)
                since = []
                continue
            above = [[p] for p in _paragraphs_above(since)]
            grids.append(WordGrid(f"表格{number}", above + rows, -len(above), 0,
                                  truncated=truncated, number=number, origins=origins))
            since = []
    except UnreadableFile:
        raise
    except MemoryError:
        raise OutOfMemory("读取所需内存超过上限，已拒绝读取") from None
    except RecursionError:
        raise UnreadableFile("Word 文档结构嵌套过深，已拒绝读取") from None
    except Exception:  # python-docx / lxml raise their own types for a broken part
        logger.debug("Word 文档无法解析", exc_info=True)
        raise UnreadableFile("Word 文档内容无法解析（结构已损坏），请用 Word 或 WPS 打开后另存为 .docx") from None
    if not grids:
        raise UnreadableFile("Word 文档中没有表格，没有找到自评表")
    return grids
