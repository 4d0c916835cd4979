"""Annotated copies of submitted workbooks: the original untouched, the copy marked up.

In the copy, every cell with a finding is highlighted and carries a comment with the Chinese
explanation; the recomputed values stand in a new column right of each table (复核计算值),
and a first sheet 复核结果 lists the findings, linked to their cells, printable on A4 landscape.

The copy is made by patching the zip package, not by loading and saving it with a workbook
library: only the parts the marks must change are rewritten (the marked sheets, ``styles.xml``,
``workbook.xml`` and its relationships, ``[Content_Types].xml``, the comment parts and the new
sheet); every other part — images, charts, data validation, defined names, the VBA project of an
``.xlsm``, column widths, print setup — is copied byte for byte. That is faithful, and several
times faster than an openpyxl round trip. Parts are parsed with lxml without entities, DTDs or
network access (the container check has already refused DTDs).
"""

from __future__ import annotations

import copy
import math
import posixpath
import re
import zipfile
from collections import defaultdict
from copy import deepcopy
from functools import cached_property, lru_cache
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from addin.engine import as_float
from addin.engine.findings import RATE_KINDS

from ..files import atomic_save
from ..readers.tables import all_cells
from .inert import cell_text, xml_text
from .result import NOT_FILLED
from .textsize import row_height, wrapped_lines

FLAG_FILL = "FFFF9999"
COMPUTED_FILL = "FFE2EFDA"
COMPUTED_HEADER = "复核计算值"
COMPUTED_COLOR = "FF1F4E79"
AUTHOR = "perfbook"
EARLIER_NOTE = "perfbook 复核"   # how every note of a review begins (an earlier one's is taken out)
CLEARED = f"{EARLIER_NOTE}：上次复核在此标出的问题，本次复核未再发现"
FINDINGS_SHEET = "复核结果"
FINDINGS_HEADER = ["工作表", "项目名称", "单元格", "指标", "问题类型", "说明", "填报值", "应为"]
PERCENT = 10   # the built-in number format 0.00% (ECMA-376 18.8.30)
TWO_DECIMALS = 2   # the built-in number format 0.00: a computed score as scores are reported (7.00)

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_WORKSHEET = R_NS + "/worksheet"
REL_COMMENTS = R_NS + "/comments"
REL_VML = R_NS + "/vmlDrawing"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=False)
_REF = re.compile(r"([A-Z]+)(\d+)")
# CT_Worksheet child order: a new element goes before the first present of those after it.
_AFTER_COLS = ("sheetData",)
_AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                 "webPublishItems", "tableParts", "extLst")


class AnnotationError(Exception):
    """A package that cannot be annotated; ``str()`` is the Chinese reason."""


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _column_letters(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@lru_cache(maxsize=65536)
def _split(ref: str) -> tuple[int, int]:
    match = _REF.fullmatch(ref.replace("$", ""))
    if not match:
        raise AnnotationError(f"单元格地址“{ref}”无法识别")
    return _column_number(match.group(1)), int(match.group(2))


def _rid(element: etree._Element) -> str | None:
    """The relationship id of ``element`` (``r:id``, in the transitional or the Strict namespace)."""
    for name, value in element.attrib.items():
        if name.startswith("{") and name.endswith("}id") and "relationships" in name:
            return value
    return None


def _number(value: object) -> bool:
    """A value written as a number cell: finite ints and floats (NaN and inf become text)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _target(source_part: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


class Package:
    """A workbook zip opened for patching: XML parts parsed on demand, changed parts replaced
    when the copy is written, every other part copied as it is."""

    def __init__(self, path: str | Path | BinaryIO) -> None:
        self.zip = zipfile.ZipFile(path)
        self.names = {info.filename for info in self.zip.infolist()}
        self.trees: dict[str, etree._Element] = {}
        self.changed: set[str] = set()          # parsed parts the copy rewrites
        self.raw: dict[str, bytes] = {}

    def edit(self, name: str) -> etree._Element:
        """Part ``name`` parsed, to be written back changed."""
        self.changed.add(name)
        return self.xml(name)

    def xml(self, name: str) -> etree._Element:
        if name not in self.trees:
            try:
                self.trees[name] = etree.fromstring(self.zip.read(name), _PARSER)
            except KeyError:
                raise AnnotationError(f"缺少 {name}") from None
            except etree.XMLSyntaxError as err:
                raise AnnotationError(f"{name} 不是有效的 XML（第 {err.lineno} 行）") from None
        return self.trees[name]

    def rels(self, part: str) -> etree._Element:
        name = _rels_name(part)
        if name not in self.names and name not in self.trees:
            self.trees[name] = etree.Element(f"{{{PKG_RELS}}}Relationships", nsmap={None: PKG_RELS})
        return self.xml(name)

    def add_rel(self, part: str, rel_type: str, target: str) -> str:
        rels = self.rels(part)
        self.changed.add(_rels_name(part))
        used = {r.get("Id") for r in rels}
        n = len(used) + 1
        while f"rId{n}" in used:
            n += 1
        etree.SubElement(rels, f"{{{PKG_RELS}}}Relationship", Id=f"rId{n}", Type=rel_type,
                         Target=posixpath.relpath(target, posixpath.dirname(part)))
        return f"rId{n}"

    def related(self, part: str, rel_type: str) -> list[tuple[str, str]]:
        """(id, part name) of ``part``'s relationships of ``rel_type``."""
        if _rels_name(part) not in self.names:
            return []
        return [(r.get("Id"), _target(part, r.get("Target"))) for r in self.rels(part)
                if r.get("Type", "").endswith(rel_type.rsplit("/", 1)[1]) and r.get("TargetMode") != "External"]

    def new_name(self, pattern: str) -> str:
        """The first name of ``pattern`` no part has, in the file or added to the copy (two sheets'
        new comments had both been given comments1.xml, and one sheet's were lost), nor a
        content type names; part names are compared ignoring case, as the package format does."""
        taken = {name.lower() for names in (self.names, self.raw, self.trees) for name in names}
        taken |= {(o.get("PartName") or "").lstrip("/").lower()
                  for o in self.xml("[Content_Types].xml").iter("{*}Override")}
        n = 1
        while pattern.format(n).lower() in taken:
            n += 1
        return pattern.format(n)

    def content_type(self, part: str, content_type: str) -> None:
        types = self.edit("[Content_Types].xml")
        ns = types.nsmap.get(None, CT_NS)
        etree.SubElement(types, f"{{{ns}}}Override", PartName="/" + part, ContentType=content_type)

    def default_type(self, extension: str, content_type: str) -> None:
        types = self.xml("[Content_Types].xml")
        ns = types.nsmap.get(None, CT_NS)
        if not any(d.get("Extension", "").lower() == extension for d in types.iter(f"{{{ns}}}Default")):
            default = etree.Element(f"{{{ns}}}Default", Extension=extension, ContentType=content_type)
            self.edit("[Content_Types].xml").insert(0, default)

    def write(self, dest: str) -> None:
        changed = {name: etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
                   for name, tree in self.trees.items() if name in self.changed}
        changed.update(self.raw)
        with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
            for info in self.zip.infolist():
                data = changed.pop(info.filename, None)
                copy = zipfile.ZipInfo(info.filename, info.date_time)
                copy.compress_type, copy.external_attr = info.compress_type, info.external_attr
                out.writestr(copy, self.zip.read(info) if data is None else data)
            for name, data in changed.items():
                out.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


class Styles:
    """New cell formats in ``styles.xml``, each made once: an existing format with a fill (and a
    font) added, so a highlighted cell keeps its number format, borders and alignment."""

    def __init__(self, package: Package, part: str) -> None:
        self.root = package.xml(part)
        self.package, self.part = package, part
        self.ns = "{%s}" % etree.QName(self.root).namespace
        self.cache: dict[tuple, int] = {}

    def _list(self, tag: str) -> etree._Element:
        found = self.root.find(self.ns + tag)
        if found is None:
            raise AnnotationError(f"styles.xml 缺少 {tag}")
        return found

    def _append(self, tag: str, element: etree._Element) -> int:
        container = self._list(tag)
        self.package.changed.add(self.part)
        container.append(element)
        container.set("count", str(len(container)))
        return len(container) - 1

    def _fill(self, rgb: str) -> int:
        fill = etree.Element(self.ns + "fill")
        pattern = etree.SubElement(fill, self.ns + "patternFill", patternType="solid")
        etree.SubElement(pattern, self.ns + "fgColor", rgb=rgb)
        etree.SubElement(pattern, self.ns + "bgColor", indexed="64")
        return self._append("fills", fill)

    def _font(self, base: int, rgb: str | None) -> int:
        fonts = self._list("fonts")
        font = deepcopy(fonts[base]) if base < len(fonts) else etree.Element(self.ns + "font")
        for old in font.findall(self.ns + "b") + (font.findall(self.ns + "color") if rgb else []):
            font.remove(old)
        font.insert(0, etree.Element(self.ns + "b"))
        if rgb:
            color = etree.Element(self.ns + "color", rgb=rgb)
            anchor = next((c for c in font if etree.QName(c).localname in ("name", "family", "charset", "scheme")), None)
            if anchor is None:
                font.append(color)
            else:
                anchor.addprevious(color)
        return self._append("fonts", font)

    def unflagged(self, base: int) -> int:
        """Format ``base`` without the fill an earlier review flagged its cell with (:data:`FLAG_FILL`),
        or ``base`` itself when its fill is another."""
        xfs, fills = self._list("cellXfs"), self._list("fills")
        if base >= len(xfs):
            return base
        fill = int(xfs[base].get("fillId", "0"))
        colour = fills[fill].find(f"{self.ns}patternFill/{self.ns}fgColor") if fill < len(fills) else None
        if colour is None or (colour.get("rgb") or "").upper() != FLAG_FILL:
            return base
        if ("unflagged", base) not in self.cache:
            xf = deepcopy(xfs[base])
            xf.set("fillId", "0")
            xf.attrib.pop("applyFill", None)
            self.cache[("unflagged", base)] = self._append("cellXfs", xf)
        return self.cache[("unflagged", base)]

    def style(self, base: int, fill: str | None = None, bold: bool = False, color: str | None = None,
              wrap: bool = False, number_format: int | None = None, top: bool = False) -> int:
        """An existing format ``base`` with a fill, bold or coloured font, wrapped text aligned to
        the top, text aligned to the top (``top``), or a built-in number format (``PERCENT``) added."""
        key = (base, fill, bold, color, wrap, number_format, top)
        if key not in self.cache:
            xfs = self._list("cellXfs")
            xf = deepcopy(xfs[base]) if base < len(xfs) else etree.Element(self.ns + "xf", numFmtId="0",
                                                                           fontId="0", fillId="0", borderId="0")
            if fill:
                xf.set("fillId", str(self._fill(fill)))
                xf.set("applyFill", "1")
            if bold or color:
                xf.set("fontId", str(self._font(int(xf.get("fontId", "0")), color)))
                xf.set("applyFont", "1")
            if number_format is not None:
                xf.set("numFmtId", str(number_format))
                xf.set("applyNumberFormat", "1")
            if wrap or top:
                for old in xf.findall(self.ns + "alignment"):
                    xf.remove(old)
                aligned = {"wrapText": "1", "vertical": "top"} if wrap else {"vertical": "top"}
                xf.insert(0, etree.Element(self.ns + "alignment", aligned))
                xf.set("applyAlignment", "1")
            self.cache[key] = self._append("cellXfs", xf)
        return self.cache[key]


def _text_of(cell: etree._Element, shared: list[str]) -> str:
    """A cell's text: inline, or from the shared strings ``shared``."""
    if cell.get("t") == "inlineStr":
        return "".join(t.text or "" for t in cell.iter("{*}t"))
    value = cell.find("{*}v")
    if cell.get("t") == "s" and value is not None and (value.text or "").strip().isdigit():
        index = int(value.text)
        return shared[index] if index < len(shared) else ""
    return value.text or "" if value is not None else ""


class Sheet:
    """One worksheet part: cells found or created in order, comments added."""

    def __init__(self, package: Package, part: str) -> None:
        self.package, self.part = package, part
        self.root = package.edit(part)
        self.ns = "{%s}" % etree.QName(self.root).namespace
        self.data = self.root.find(self.ns + "sheetData")
        if self.data is None:
            raise AnnotationError(f"{part} 缺少 sheetData")
        self.rows: dict[int, etree._Element] = {}
        self.max_column = 0
        number = 0
        for row in self.data.iterchildren(self.ns + "row"):
            number = int(row.get("r") or number + 1)
            row.set("r", str(number))
            self.rows[number] = row
            cells = row.findall(self.ns + "c")
            if cells:  # cells are in column order: the last one is the rightmost
                ref = cells[-1].get("r")
                self.max_column = max(self.max_column, _split(ref)[0] if ref else len(cells))

    @cached_property
    def merges(self) -> list[tuple[int, int, int, int]]:
        """The merged ranges of the sheet as (left, top, right, bottom), read once (the copy
        merges nothing)."""
        found = self.root.find(self.ns + "mergeCells")
        ranges = []
        for merge in found.iterchildren(self.ns + "mergeCell") if found is not None else ():
            first, _, last = (merge.get("ref") or "").upper().partition(":")   # (i14:j14 read as I14:J14)
            (left, top), (right, bottom) = _split(first), _split(last or first)
            ranges.append((left, top, right, bottom))
        return ranges

    def shown_at(self, ref: str) -> str:
        """The cell that shows ``ref``: the top-left cell of a merged range ``ref`` is inside (a
        mark or a note on another cell of the range is hidden, and dropped by some programs)."""
        column, row = _split(ref)
        for left, top, right, bottom in self.merges:
            if left <= column <= right and top <= row <= bottom:
                return f"{_column_letters(left)}{top}"
        return ref

    def free_column(self, column: int, top: int, bottom: int) -> int:
        """The first column from ``column`` where it and the next (a computed value and its
        grade) are under no merged range of rows ``top`` to ``bottom`` (a range merged right of
        a table, over columns with no cells, would cover the values written there)."""
        merges = [m for m in self.merges if m[1] <= bottom and top <= m[3]]
        moved = True
        while moved:
            moved = False
            for left, _, right, _ in merges:
                if left <= column + 1 and column <= right:
                    column, moved = right + 1, True
        return column

    def _row(self, number: int) -> etree._Element:
        if number not in self.rows:
            row = etree.Element(self.ns + "row", r=str(number))
            after = [n for n in self.rows if n < number]
            if after:
                self.rows[max(after)].addnext(row)
            else:
                self.data.insert(0, row)
            self.rows[number] = row
        return self.rows[number]

    def cell(self, ref: str) -> etree._Element:
        column, number = _split(ref)
        row = self._row(number)
        row.attrib.pop("spans", None)
        previous = 0
        for cell in row.iterchildren(self.ns + "c"):
            at = _split(cell.get("r"))[0] if cell.get("r") else previous + 1
            cell.set("r", f"{_column_letters(at)}{number}")
            if at == column:
                return cell
            if at > column:
                new = etree.Element(self.ns + "c", r=f"{_column_letters(column)}{number}")
                cell.addprevious(new)
                return new
            previous = at
        new = etree.SubElement(row, self.ns + "c", r=f"{_column_letters(column)}{number}")
        self.max_column = max(self.max_column, column)
        return new

    def put(self, ref: str, value: object, style: int) -> None:
        cell = self.cell(ref)
        for child in list(cell):
            cell.remove(child)
        cell.attrib.pop("t", None)
        cell.set("s", str(style))
        if _number(value):
            etree.SubElement(cell, self.ns + "v").text = repr(float(value))
        else:
            cell.set("t", "inlineStr")
            t = etree.SubElement(etree.SubElement(cell, self.ns + "is"), self.ns + "t")
            t.text = xml_text(cell_text(value))
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

    def show(self, ref: str) -> None:
        """Unhide the row and the column of cell ``ref`` (a finding there would not be seen); a
        column shown gets a width of its own only if it had none but 0."""
        column, number = _split(ref)
        row = self._row(number)
        if row.get("hidden") in ("1", "true"):
            row.attrib.pop("hidden")
        cols = self.root.find(self.ns + "cols")
        covering = next((c for c in cols if int(c.get("min", 0)) <= column <= int(c.get("max", 0))), None) \
            if cols is not None else None
        if covering is not None and (covering.get("hidden") in ("1", "true")
                                     or _ZERO.fullmatch(covering.get("width") or "") is not None):
            self.width(column, 12)

    def width(self, column: int, width: float) -> None:
        """Give ``column`` ``width`` unless the sheet sets its width already; a column the sheet
        hides (templates hide the unused columns right of the form) is shown, split out of its
        range, since the computed values go there."""
        cols = self.root.find(self.ns + "cols")
        if cols is None:
            cols = etree.Element(self.ns + "cols")
            self._place(cols, _AFTER_COLS)
        covering = next((c for c in cols if int(c.get("min", 0)) <= column <= int(c.get("max", 0))), None)
        if covering is not None:
            if covering.get("hidden") not in ("1", "true") and _ZERO.fullmatch(covering.get("width") or "") is None:
                return   # (a width of 0 hides a column as well)
            low, high = int(covering.get("min")), int(covering.get("max"))
            for first, last in ((low, column - 1), (column + 1, high)):
                if first <= last:
                    rest = copy.deepcopy(covering)
                    rest.set("min", str(first))
                    rest.set("max", str(last))
                    cols.append(rest)
            cols.remove(covering)
        etree.SubElement(cols, self.ns + "col", min=str(column), max=str(column), width=str(width), customWidth="1")
        ordered = sorted(cols, key=lambda c: int(c.get("min", 0)))
        cols[:] = ordered

    def _place(self, element: etree._Element, before: tuple[str, ...]) -> None:
        for child in self.root:
            if isinstance(child.tag, str) and etree.QName(child).localname in before:
                child.addprevious(element)
                return
        self.root.append(element)

    def extend_dimension(self) -> None:
        dimension = self.root.find(self.ns + "dimension")
        if dimension is not None and self.rows:
            dimension.set("ref", f"A1:{_column_letters(max(self.max_column, 1))}{max(self.rows)}")

    def forget_earlier_notes(self) -> set[str]:
        """Take an earlier review's lines (``perfbook 复核…``) out of the sheet's comments (a copy
        corrected and sent back is checked again: its old notes would stand beside the new ones);
        returns the cells that had them."""
        found = self.package.related(self.part, REL_COMMENTS)
        if not found:
            return set()
        root = self.package.xml(found[0][1])
        had = set()
        for comment in root.iter("{*}comment"):
            for run in list(comment.iter("{*}r")):   # (as perfbook writes a note: a run of its own)
                if "".join(t.text or "" for t in run.iter("{*}t")).lstrip().startswith(EARLIER_NOTE):
                    run.getparent().remove(run)
                    had.add(comment.get("ref"))
            for text in comment.iterfind("{*}text/{*}t"):   # (as openpyxl and others write it back: one text)
                lines = (text.text or "").split("\n")
                kept = [line for line in lines if not line.lstrip().startswith(EARLIER_NOTE)]
                if len(kept) < len(lines):
                    text.text = "\n".join(kept).rstrip("\n")
                    had.add(comment.get("ref"))
        if had:
            self.package.changed.add(found[0][1])
        return had

    def column_headed(self, text: str, shared: list[str]) -> int | None:
        """The column of the first cell holding ``text`` (an earlier review's 复核计算值), or None."""
        for row in self.rows.values():
            for cell in row.iterchildren(self.ns + "c"):
                if cell.get("r") and _text_of(cell, shared) == text:
                    return _split(cell.get("r"))[0]
        return None

    def comments(self, notes: dict[str, str], shape_base: int) -> None:
        """Add ``notes`` (cell → text) as comments, appended to a comment the cell already has."""
        package = self.package
        existing = package.related(self.part, REL_COMMENTS)
        if existing:
            part = existing[0][1]
            root = package.edit(part)
        else:
            part = package.new_name("xl/comments{}.xml")
            root = etree.Element(f"{self.ns}comments", nsmap={None: self.ns[1:-1]})
            etree.SubElement(root, self.ns + "authors")
            etree.SubElement(root, self.ns + "commentList")
            package.trees[part] = root
            package.changed.add(part)
            package.add_rel(self.part, REL_COMMENTS, part)
            package.content_type(part, CT_COMMENTS)
        ns = "{%s}" % etree.QName(root).namespace
        authors, comment_list = root.find(ns + "authors"), root.find(ns + "commentList")
        names = [a.text for a in authors]
        if AUTHOR not in names:
            etree.SubElement(authors, ns + "author").text = AUTHOR
            names.append(AUTHOR)
        by_ref = {c.get("ref"): c for c in comment_list}
        new_shapes = []
        for ref, text in notes.items():
            comment = by_ref.get(ref)
            if comment is None:
                comment = etree.SubElement(comment_list, ns + "comment", ref=ref, authorId=str(names.index(AUTHOR)))
                etree.SubElement(comment, ns + "text")
                new_shapes.append(ref)
            if not "".join(t.text or "" for t in comment.iter(ns + "t")).strip():   # (new, or an earlier review's only)
                text = text.lstrip("\n")
            run = etree.SubElement(comment.find(ns + "text"), ns + "r")
            t = etree.SubElement(run, ns + "t")
            t.text = xml_text(cell_text(text, 2000))
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        if new_shapes:
            self._vml(new_shapes, shape_base)

    def _vml(self, refs: list[str], shape_base: int) -> None:
        package = self.package
        legacy = self.root.find(self.ns + "legacyDrawing")
        if legacy is not None:
            rid = _rid(legacy)
            target = next((r.get("Target") for r in package.rels(self.part) if r.get("Id") == rid), None)
            if target is None:
                raise AnnotationError(f"{self.part} 的批注绘图（{rid}）找不到")
            part = _target(self.part, target)
            text = package.raw.get(part) or package.zip.read(part)
            text = text.decode("utf-8", "replace")
        else:
            part = package.new_name("xl/drawings/vmlDrawing_perfbook{}.vml")
            text = (f'<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
                    f'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
                    f'<o:idmap v:ext="edit" data="{shape_base}"/></o:shapelayout></xml>')
            rid = package.add_rel(self.part, REL_VML, part)
            legacy = etree.Element(self.ns + "legacyDrawing")
            legacy.set(f"{{{R_NS}}}id", rid)
            self._place(legacy, _AFTER_LEGACY)
            package.default_type("vml", CT_VML)
        if "_x0000_t202" not in text:
            refs_text = (f'<v:shapetype {_VML_NAMESPACES} id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
                         'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
                         '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')
        else:
            refs_text = ""
        # after every shape the drawing holds (a copy checked again has perfbook's notes already)
        first = max([shape_base * 1024, *map(int, re.findall(r"_x0000_s(\d{1,9})\b", text))])
        for n, ref in enumerate(refs, start=1):
            column, row = _split(ref)
            refs_text += (
                f'<v:shape {_VML_NAMESPACES} id="_x0000_s{first + n}" type="#_x0000_t202" '
                'style="position:absolute;margin-left:60pt;margin-top:2pt;width:240pt;height:90pt;'
                'z-index:1;visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">'
                '<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/>'
                '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto">'
                '<div style="text-align:left"></div></v:textbox>'
                '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
                f'<x:Anchor>{column}, 15, {max(row - 2, 0)}, 10, {column + 4}, 15, {row + 4}, 4</x:Anchor>'
                f'<x:AutoFill>False</x:AutoFill><x:Row>{row - 1}</x:Row><x:Column>{column - 1}</x:Column>'
                '</x:ClientData></v:shape>')
        end = text.rfind("</xml>")
        if end < 0:
            raise AnnotationError(f"{part} 无法识别")
        package.raw[part] = (text[:end] + refs_text + text[end:]).encode("utf-8")


# Declared on each shape added to a drawing: a drawing may declare them under other prefixes, or
# not at all (openpyxl's), and the shapes must parse all the same.
_VML_NAMESPACES = ('xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
                   'xmlns:x="urn:schemas-microsoft-com:office:excel"')


def _findings_sheet_xml(pairs, styles: Styles, ns: str) -> str:
    """The 复核结果 worksheet: findings with links to their cells, frozen header, autofilter,
    A4 landscape one page wide."""
    header = FINDINGS_HEADER
    widths = (12, 30, 8, 20, 14, 60, 10, 10)
    # every cell of a row aligned to its top, as the wrapped ones (a cell, a figure beside a
    # sentence of three lines had sat at the row's bottom)
    bold, wrap, top = styles.style(0, bold=True), styles.style(0, wrap=True), styles.style(0, top=True)
    percent = styles.style(0, number_format=PERCENT, top=True)
    rows = [[(h, bold) for h in header]]
    links = []
    for report, _ in pairs:
        if report.note and report.findings:   # (said in the 无问题 row otherwise)
            rows.append([(report.sheet, wrap), (report.project, wrap), ("", top), ("", top), ("说明", top),
                         (report.note, wrap), ("", top), ("", top)])
        for f in report.findings:
            if f.cell:
                links.append((f"C{len(rows) + 1}", f"'{report.sheet.replace(chr(39), chr(39) * 2)}'!{f.cell}"))
            value_style = percent if f.kind in RATE_KINDS else top
            rows.append([(report.sheet, wrap), (report.project, wrap), (f.cell, top), (f.indicator, wrap),
                         (f.label, wrap), (f.message, wrap), (f.reported, value_style), (f.expected, value_style)])
        if report.findings and report.change:   # what the findings come to, at the total
            if report.total_cell:
                links.append((f"C{len(rows) + 1}", f"'{report.sheet.replace(chr(39), chr(39) * 2)}'!{report.total_cell}"))
            rows.append([(report.sheet, wrap), (report.project, wrap), (report.total_cell, top), ("总分", top),
                         ("复核结果", top), (report.change + (f"；等级仍为“{report.grade}”" if report.grade
                                                           and report.reported_grade == report.grade else ""), wrap),
                         (report.reported_total, top), (report.computed_total, top)])
        if not report.findings:
            said = NOT_FILLED if report.status else (
                f"计算总分 {'无法计算' if report.computed_total is None else report.computed_total}，等级 {report.grade or '无'}")
            rows.append([(report.sheet, wrap), (report.project, wrap), ("", top), ("", top),
                         (report.status or "无问题", top), (said + (f"；{report.note}" if report.note else ""), wrap),
                         ("", top), ("", top)])
    out = [f'<worksheet xmlns="{ns}" xmlns:r="{R_NS}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
           f'<dimension ref="A1:H{len(rows)}"/><sheetViews><sheetView tabSelected="1" workbookViewId="0">'
           '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>',
           "<cols>" + "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                              for i, w in enumerate(widths, start=1)) + "</cols><sheetData>"]
    for number, row in enumerate(rows, start=1):
        lines = max((wrapped_lines(cell_text(value), w) for (value, style), w in zip(row, widths) if style == wrap),
                    default=1)
        height = row_height(lines)
        out.append(f'<row r="{number}" ht="{height}" customHeight="1">' if height else f'<row r="{number}">')
        for column, (value, style) in enumerate(row, start=1):
            ref = f"{_column_letters(column)}{number}"
            if value is None or value == "":
                continue
            if _number(value):
                out.append(f'<c r="{ref}" s="{style}"><v>{float(value)!r}</v></c>')
            else:
                text = escape(xml_text(cell_text(value)))
                out.append(f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
        out.append("</row>")
    out.append(f'</sheetData><autoFilter ref="A1:H{len(rows)}"/>')
    if links:
        out.append("<hyperlinks>" + "".join(
            f'<hyperlink ref="{ref}" location={quoteattr(location)} display={quoteattr(location)}/>'
            for ref, location in links) + "</hyperlinks>")
    out.append('<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
               '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>')
    return "".join(out)


class Workbook:
    """The workbook part of a package: its sheets by name, and the new 复核结果 sheet."""

    def __init__(self, package: Package) -> None:
        self.package = package
        office = [r for r in package.xml("_rels/.rels") if r.get("Type", "").endswith("/officeDocument")]
        if not office:
            raise AnnotationError("缺少工作簿主体（_rels/.rels 中没有 officeDocument）")
        self.part = _target("", office[0].get("Target"))
        self.root = package.edit(self.part)
        self._not_a_template()
        self.ns = "{%s}" % etree.QName(self.root).namespace
        targets = {r.get("Id"): _target(self.part, r.get("Target")) for r in package.rels(self.part)}
        self.sheets = {s.get("name"): targets.get(_rid(s)) for s in self._sheets()}
        styles = [t for r, t in package.related(self.part, "/styles")]
        if not styles:
            raise AnnotationError("缺少 styles.xml")
        self.styles_part = styles[0]

    def _not_a_template(self) -> None:
        """A template's workbook (.xltx, .xltm) typed as a workbook's: the copy is an .xlsx (or an
        .xlsm), which Excel refuses to open when its content type says template."""
        types = self.package.xml("[Content_Types].xml")
        for override in types.iter("{*}Override"):
            kind = override.get("ContentType", "")
            if override.get("PartName", "").lstrip("/") == self.part and ".template." in kind:
                self.package.edit("[Content_Types].xml")
                override.set("ContentType", kind.replace(".template.", ".sheet."))

    def _sheets(self) -> etree._Element:
        sheets = self.root.find(self.ns + "sheets")
        if sheets is None:
            raise AnnotationError("workbook.xml 缺少 sheets")
        return sheets

    def widen_print_area(self, name: str, column: int) -> None:
        """Sheet ``name``'s print area (a single range, as Excel and WPS set it) taken right to
        ``column``, so that the computed values print beside the table they check; not when
        they stand far from it (past a stray cell: the printout would take in the columns
        between, shrunk to fit)."""
        names = self.root.find(self.ns + "definedNames")
        index = next((i for i, s in enumerate(self._sheets()) if s.get("name") == name), None)
        for defined in names if names is not None and index is not None else ():
            if defined.get("name") == "_xlnm.Print_Area" and defined.get("localSheetId") == str(index):
                area = _PRINT_AREA.fullmatch((defined.text or "").strip())
                if area and 0 < column - _column_number(area.group(2)) <= _NEAR_PRINT_AREA:
                    defined.text = f"{area.group(1)}{_column_letters(column)}{area.group(3)}"

    @cached_property
    def shared(self) -> list[str]:
        """The workbook's shared strings, as texts (read only for a copy sent back: see
        :meth:`earlier_findings_sheet`)."""
        found = [t for _, t in self.package.related(self.part, "/sharedStrings")]
        if not found:
            return []
        return ["".join(t.text or "" for t in si.iter("{*}t")) for si in self.package.xml(found[0]).iter("{*}si")]

    def earlier_findings_sheet(self) -> str | None:
        """The part of an earlier review's 复核结果 sheet (the copy sent back corrected): a sheet of
        that name whose first row is its header; None when there is none."""
        part = self.sheets.get(FINDINGS_SHEET)
        if part is None or part not in self.package.names:
            return None
        first = next(self.package.xml(part).iter("{*}row"), None)
        texts = [_text_of(c, self.shared) for c in first.iterfind("{*}c")] if first is not None else []
        return part if texts == FINDINGS_HEADER else None

    def add_findings_sheet(self, pairs, styles: Styles, earlier: str | None = None) -> None:
        package, sheets = self.package, self._sheets()
        if earlier is not None:   # (an earlier review's, replaced where it stands)
            package.raw[earlier] = _findings_sheet_xml(pairs, styles, self.ns[1:-1]).encode("utf-8")
            return
        title = FINDINGS_SHEET
        while title in self.sheets:
            title += "_"
        part = package.new_name("xl/worksheets/perfbook_review{}.xml")
        package.raw[part] = _findings_sheet_xml(pairs, styles, self.ns[1:-1]).encode("utf-8")
        rid = package.add_rel(self.part, REL_WORKSHEET, part)
        package.content_type(part, CT_WORKSHEET)
        ids = [int(s.get("sheetId", 0)) for s in sheets]
        sheet = etree.Element(self.ns + "sheet", name=title, sheetId=str(max(ids, default=0) + 1))
        sheet.set(f"{{{R_NS}}}id", rid)
        sheets.insert(0, sheet)
        names = self.root.find(self.ns + "definedNames")
        if names is None:
            names = etree.Element(self.ns + "definedNames")
            anchor = sheets
            for tag in ("functionGroups", "externalReferences"):
                found = self.root.find(self.ns + tag)
                anchor = found if found is not None else anchor
            anchor.addnext(names)
        for name in names:  # sheet-local names follow their sheet, now one position later
            if name.get("localSheetId") is not None:
                name.set("localSheetId", str(int(name.get("localSheetId")) + 1))
        titles = etree.Element(self.ns + "definedName", name="_xlnm.Print_Titles", localSheetId="0")
        titles.text = f"'{title}'!$1:$1"
        names.insert(0, titles)
        for view in self.root.iter(self.ns + "workbookView"):
            view.set("activeTab", "0")
            view.set("firstSheet", "0")
        for name, part in self.sheets.items():  # only the new sheet is selected when the copy opens
            if part in package.changed:
                for view in package.trees[part].iter("{*}sheetView"):
                    view.attrib.pop("tabSelected", None)
            elif part in package.names:   # (as Excel writes it, "1", or as LibreOffice does, "true")
                data = package.zip.read(part)
                if b"tabSelected" in data:
                    package.raw[part] = _SELECTED.sub(b'tabSelected="0"', data)


MAX_COLUMN = 16384   # XFD, a sheet's last column
_NEAR_PRINT_AREA = 4   # columns right of a print area that computed values may take it to
# a print area of one range: its start and the sheet ('自评表'!$A$1:$), the end's column (K) and row ($31)
_PRINT_AREA = re.compile(r"((?:'(?:[^']|'')+'|[^'!,]+)!\$?[A-Za-z]{1,3}\$?\d+:\$?)([A-Za-z]{1,3})(\$?\d+)")
_ZERO = re.compile(r"\s*\+?(?:0+\.?0*|\.0+)\s*")   # a width of 0 (0, 0.0, .0)

_SELECTED = re.compile(rb"""tabSelected\s*=\s*(["'])\s*(?:1|true)\s*\1""")


def write_annotated(source: str | Path | BinaryIO, dest: Path, reads, pairs) -> Path:
    """Write the marked-up copy of ``source`` (a path, or the bytes read) to ``dest`` (``pairs``
    are (report, result)).
    Raises :class:`AnnotationError` (Chinese reason) for a package that cannot be patched."""
    package = Package(source)
    try:
        workbook = Workbook(package)
        styles = Styles(package, workbook.styles_part)
        earlier = workbook.earlier_findings_sheet()   # (a copy corrected and sent back)
        by_sheet = defaultdict(list)
        for read, (report, result) in zip(reads, pairs):
            by_sheet[read.sheet].append((read, report, result))
        for number, (name, tables) in enumerate(by_sheet.items(), start=1):
            part = workbook.sheets.get(name)
            if part is None:
                raise AnnotationError(f"找不到工作表“{name}”")
            sheet = Sheet(package, part)
            cleared = sheet.forget_earlier_notes() if earlier else set()
            # (the computed values where an earlier review put them, written over)
            column = (sheet.column_headed(COMPUTED_HEADER, workbook.shared) if earlier else None) or sheet.max_column + 1
            spans: list[tuple[int, int]] = []   # rows of the tables whose values are in ``column``
            notes: dict[str, str] = {}
            rightmost = 0
            for read, report, result in tables:
                cells = all_cells(read)
                rows = [_split(cell)[1] for cell in cells.values() if cell]
                span = (min(rows, default=0), max(rows, default=0))
                if any(top <= span[1] and span[0] <= bottom for top, bottom in spans):
                    column, spans = column + 2, []   # tables side by side: the next one's values further right
                if (free := sheet.free_column(column, *span)) != column:
                    column, spans = free, []
                spans.append(span)
                _computed_column(sheet, styles, column, cells, result)
                rightmost = max(rightmost, column + 1 if result.grade else column)   # (a far one is not printed)
                for finding in report.findings:
                    if finding.cell:
                        shown = sheet.shown_at(finding.cell)
                        sheet.show(shown)
                        cell = sheet.cell(shown)
                        cell.set("s", str(styles.style(int(cell.get("s", "0")), fill=FLAG_FILL)))
                        note = f"perfbook 复核（{finding.label}）：{finding.message}"
                        notes[shown] = notes.get(shown, "") + "\n" + note
            for ref in cleared - set(notes):   # an earlier finding no longer found: its mark let go, said
                cell = sheet.cell(ref)
                cell.set("s", str(styles.unflagged(int(cell.get("s", "0")))))
                notes[ref] = "\n" + CLEARED
            sheet.extend_dimension()
            workbook.widen_print_area(name, rightmost)
            if notes:
                sheet.comments(notes, 1000 + number)
        workbook.add_findings_sheet(pairs, styles, earlier)
        return atomic_save(package.write, dest)
    finally:
        package.zip.close()


def _computed_column(sheet: Sheet, styles: Styles, column: int, cells: dict, result) -> None:
    """The computed values of a table (its ``cells``: :func:`all_cells`) in ``column``."""
    if column + 1 > MAX_COLUMN:   # a cell in the sheet's last columns: no room right of it (the marks stay)
        return
    letters = _column_letters(column)
    computed = styles.style(0, fill=COMPUTED_FILL, bold=True, color=COMPUTED_COLOR, number_format=TWO_DECIMALS)

    def put(cell: str, value) -> None:
        sheet.put(f"{letters}{_split(cell)[1]}", value, computed)

    for cell in (cells.get(("funds", "score")), cells.get(("indicator", 1, "score"))):   # headed as the table's rows
        header = f"{letters}{_split(cell)[1] - 1}" if cell else ""
        if header and sheet.shown_at(header) == header:   # (not under a merged range)
            sheet.put(header, COMPUTED_HEADER, styles.style(0, bold=True))
            sheet.width(column, 14)
    unscored = getattr(result, "unscored", "无法计算")   # an AnnotatedView of a blank 评分表: 未填写
    for index, detail in enumerate(result.indicators, start=1):
        cell = cells.get(("indicator", index, "score"))
        if cell:
            put(cell, as_float(detail.score) if detail else unscored)
    if cells.get(("funds", "score")) and result.funds_score is not None:
        put(cells[("funds", "score")], as_float(result.funds_score))
    if cells.get(("total", "score")):
        cell = cells[("total", "score")]
        put(cell, as_float(result.total) if result.total is not None else unscored)
        if result.grade:
            sheet.put(f"{_column_letters(column + 1)}{_split(cell)[1]}", f"等级：{result.grade}", computed)
            sheet.width(column + 1, 10)
