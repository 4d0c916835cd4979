"""Word copies that cannot act: what a sender put into a document to run, fetch or link is taken
out of the annotated copy before it is written; the text and the tables stay.

A reviewer opens the copy in Word, so nothing in it may reach out or run. :func:`neutralise`
works on the python-docx ``Document`` opened from the checked bytes (every part reachable from
the package, not only the body: headers, footers, footnotes, endnotes, comments, the glossary,
settings) and returns what it removed, by kind:

* ``field`` — complex fields (``w:fldChar``/``w:instrText``: DDEAUTO, INCLUDETEXT,
  INCLUDEPICTURE, HYPERLINK "file:…", form fields …) and simple fields (``w:fldSimple``): the
  instruction goes, the result the field displayed stays as plain runs;
* ``altchunk`` — ``w:altChunk`` (HTML, RTF, MHT or another document merged in when Word opens
  it) and its ``aFChunk`` relationship, internal or external;
* ``object`` — embedded and linked objects: ``w:object``, ``o:OLEObject``, ActiveX
  ``w:control``, their ``oleObject``/``package``/``control`` relationships and parts;
* ``external`` — every relationship with ``TargetMode="External"`` except an http(s) hyperlink
  (linked images through ``a:blip r:link`` or VML, file:, UNC ``\\\\server`` paths,
  javascript:, mail-merge data sources, sub-documents, frames, web add-ins, online videos), the
  element using it removed or unwrapped (a hyperlink keeps its text);
* ``template`` — ``w:attachedTemplate`` and its relationship (a remote template is fetched when
  the document opens);
* ``macro`` — ``vbaProject``/``vbaData``, key-map and ribbon customisations; the copy's main
  part is a plain document (``.docm``/``.dotm`` content types are fixed when it is opened, see
  :func:`..readers.docx.open_document`);
* ``other`` — any other part that is neither XML nor an image or a font.

Every XML part that is kept is parsed (again, with entities never resolved) and written back
by lxml, so every part of the copy is well-formed; :func:`verify` checks the saved package.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
O = "urn:schemas-microsoft-com:office:office"  # noqa: E741
V = "urn:schemas-microsoft-com:vml"
WP15 = "http://schemas.microsoft.com/office/word/2012/wordprocessingDrawing"
R_NAMESPACES = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                "http://purl.oclc.org/ooxml/officeDocument/relationships")


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_R, _P, _RPR, _TC, _TBL = _w("r"), _w("p"), _w("rPr"), _w("tc"), _w("tbl")
_FLD_CHAR, _INSTR, _DEL_INSTR, _FLD_SIMPLE, _FLD_DATA = (
    _w("fldChar"), _w("instrText"), _w("delInstrText"), _w("fldSimple"), _w("fldData"))
_FIELD_TAGS = (_FLD_CHAR, _INSTR, _DEL_INSTR)
_HYPERLINK = _w("hyperlink")
_BLIP = f"{{{A}}}blip"
_O_HREF, _O_RELID = f"{{{O}}}href", f"{{{O}}}relid"
# Elements removed wherever they are, with the kind they count as (None: not counted).
_REMOVED = {
    _w("altChunk"): "altchunk",
    _w("object"): "object", f"{{{O}}}OLEObject": "object", _w("control"): "object",
    _w("subDoc"): "external", f"{{{WP15}}}webVideoPr": "external",
    _w("attachedTemplate"): "template",
    _w("mailMerge"): "external", _w("frameset"): "external",
    _FLD_DATA: None, _w("linkStyles"): None, _w("saveThroughXslt"): None, _w("updateFields"): None,
}
# A reference to a removed relationship takes these with it (the nearest one around it)…
_CONTAINERS = {_w("drawing"), _w("pict"), _w("object"), _w("background")}
# …except on these, which go alone.
_ALONE = {f"{{{A}}}hlinkClick", f"{{{A}}}hlinkHover", f"{{{A}}}hlinkMouseOver",
          _w("headerReference"), _w("footerReference")}
# Containers that must keep a paragraph (a table cell without one is a damaged document).
_NEEDS_PARAGRAPH = {_TC, _w("txbxContent"), _w("hdr"), _w("ftr"), _w("footnote"), _w("endnote"),
                    _w("comment"), _w("docPartBody")}

# Relationship types by their last path segment (transitional, strict and Microsoft's alike).
_MACRO_RELS = {"vbaproject", "wordvbadata", "vbadata", "keymapcustomizations", "extensibility",
               "vbaprojectsignature", "vbaprojectsignatureagile", "vbaprojectsignaturev3"}
_OBJECT_RELS = {"oleobject", "package", "control", "activexcontrolbinary"}
_EXTERNAL_RELS = {"subdocument", "frame", "mailmergesource", "mailmergeheadersource", "recipientdata",
                  "mailmergerecipientdata", "webextension", "webextensiontaskpanes", "transform"}
# dropped without a word: digital signatures (no longer valid for a changed copy), printer settings
_SILENT_RELS = {"origin", "signature", "printersettings"}
_BINARY_TYPES = ("image/", "application/vnd.openxmlformats-officedocument.obfuscatedfont",
                 "application/x-font", "application/vnd.ms-opentype", "font/")
_WEB = re.compile(r"https?://[A-Za-z0-9\[][^\s\\\x00-\x1f\x7f]*", re.IGNORECASE)
# Every attribute naming a relationship (r:id, r:embed, r:link, … in either namespace, o:relid).
# Name tests, not namespace-uri() predicates: on a large styles.xml this is about six times faster.
_REFERENCES = etree.XPath("//@r1:* | //@r2:* | //@o:relid",
                          namespaces={"r1": R_NAMESPACES[0], "r2": R_NAMESPACES[1], "o": O})


def _referring(root) -> list:
    """The elements with an attribute naming a relationship, in document order."""
    return list(dict.fromkeys(attribute.getparent() for attribute in _REFERENCES(root)))


_DECLARATION = re.compile(rb"<!(?i:doctype|entity)")

KINDS = ("field", "altchunk", "object", "external", "template", "other", "macro")
LABELS = {"field": "域代码", "altchunk": "嵌入的外部内容块", "object": "嵌入对象（OLE/ActiveX 控件）",
          "external": "外部链接", "template": "附加模板", "other": "其他活动部件", "macro": "宏"}


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def is_web_link(target: str) -> bool:
    """An http(s) address with a host, nothing Windows could take for a path or a share."""
    return bool(_WEB.fullmatch(target.strip()))


def _is_xml(part) -> bool:
    content_type = (part.content_type or "").lower()
    return content_type.endswith("+xml") or content_type.endswith("/xml") or str(part.partname).lower().endswith(
        (".xml", ".rels", ".vml"))


def _part_kind(part) -> str | None:
    """What a part is dropped as by its content type, ``None`` to keep it."""
    content_type = (part.content_type or "").lower()
    if "vba" in content_type or "macroenabled" in content_type or "keymapcustomizations" in content_type:
        return "macro"
    if "oleobject" in content_type or "activex" in content_type:
        return "object"
    if _is_xml(part) or content_type.startswith(_BINARY_TYPES):
        return None
    return "other"


def _rel_kind(rel) -> str | None:
    """What a relationship is dropped as, ``None`` to keep it (``""``: dropped, not counted)."""
    tail = rel.reltype.rstrip("/").rsplit("/", 1)[-1].lower()
    if tail in _MACRO_RELS:
        return "macro"
    if tail in _OBJECT_RELS:
        return "object"
    if tail == "afchunk":
        return "altchunk"
    if tail == "attachedtemplate":
        return "template"
    if tail in _SILENT_RELS:
        return ""
    if rel.is_external:
        return None if tail == "hyperlink" and is_web_link(rel.target_ref) else "external"
    if tail in _EXTERNAL_RELS:
        return "external"
    return None


# lxml's own text accessor: python-docx's element classes (w:p, w:r, w:hyperlink …) override
# ``.text`` with the text they show.
_TEXT = etree._Element.text


def _remove(node) -> None:
    """Take ``node`` out of its tree, keeping the text that follows it."""
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            _TEXT.__set__(parent, (_TEXT.__get__(parent) or "") + node.tail)
    parent.remove(node)


def _unwrap(node) -> None:
    """Put ``node``'s children (and text) where it is, without it."""
    parent = node.getparent()
    if parent is None:
        return
    index = parent.index(node)
    for offset, child in enumerate(list(node)):
        parent.insert(index + offset, child)
    _TEXT.__set__(node, None)   # text between WordprocessingML elements is never shown
    _remove(node)


def _attached(node, root) -> bool:
    while node is not None:
        if node is root:
            return True
        node = node.getparent()
    return False


class _Cleaner:
    """One XML part made inert: ``valid`` are the relationship ids it keeps."""

    def __init__(self, root, valid: set[str]):
        self.root, self.valid = root, valid
        self.counts: Counter[str] = Counter()
        self.touched: set = set()
        self.detached = False   # an element holding runs was removed (runs found later may be gone)

    def drop(self, node) -> None:
        parent = node.getparent()
        if parent is None:
            return
        self.touched.add(parent)
        if not self.detached and next(node.iterdescendants(_R), None) is not None:
            self.detached = True
        _remove(node)
        if parent.tag == _R and all(child.tag == _RPR for child in parent):
            self.drop(parent)   # a run left with nothing to show

    def run(self) -> Counter[str]:
        for node in list(self.root.iter(etree.Entity, etree.ProcessingInstruction, etree.Comment)):
            _remove(node)   # an entity reference would be written back undefined
        self.simple_fields()
        self.complex_fields()
        self.elements()
        self.references()
        self.mend()
        return self.counts

    def simple_fields(self) -> None:
        for node in list(self.root.iter(_FLD_SIMPLE)):
            if node.getparent() is None:
                continue
            for data in node.findall(_FLD_DATA):
                node.remove(data)
            self.counts["field"] += 1
            _unwrap(node)

    def complex_fields(self) -> None:
        """Each field's instruction (and everything shown as part of it) goes; its result stays.
        An instruction never runs past its paragraph (a field left open there shows the rest)."""
        if next(self.root.iter(*_FIELD_TAGS), None) is None:
            return
        stack: list[bool] = []   # per open field: still in its instruction
        paragraph = None
        for run in list(self.root.iter(_R)):
            has_field = any(child.tag in _FIELD_TAGS for child in run)
            if not has_field and not stack:
                continue
            if self.detached and not _attached(run, self.root):
                continue
            here = next(run.iterancestors(_P), None)
            if here is not paragraph:
                paragraph, stack = here, [False] * len(stack)
            if not has_field and not any(stack):
                continue
            for child in list(run):
                if child.tag == _FLD_CHAR:
                    kind = child.get(_w("fldCharType"))
                    if kind == "begin":
                        stack.append(True)
                        self.counts["field"] += 1
                    elif kind == "separate" and stack:
                        stack[-1] = False
                    elif kind == "end" and stack:
                        stack.pop()
                elif child.tag not in (_INSTR, _DEL_INSTR) and (child.tag == _RPR or not any(stack)):
                    continue
                self.drop(child)
        for node in list(self.root.iter(*_FIELD_TAGS)):   # any outside a run
            self.drop(node)

    def elements(self) -> None:
        for node in list(self.root.iter(*_REMOVED)):
            if node.getparent() is None or not _attached(node, self.root):
                continue
            kind = _REMOVED[node.tag]
            if kind:
                self.counts[kind] += 1
            self.drop(node)
        for node in self.root.iter(f"{{{V}}}imagedata"):
            node.attrib.pop(_O_HREF, None)   # the linked file's name, never wanted in a copy

    def references(self) -> None:
        """Every element using a relationship the copy does not keep: a hyperlink keeps its
        text, a picture linked and embedded keeps the embedded one, the rest go."""
        prefixes = tuple(f"{{{ns}}}" for ns in R_NAMESPACES)
        for node in _referring(self.root):
            bad = [name for name, value in node.attrib.items()
                   if (name.startswith(prefixes) or name == _O_RELID) and value not in self.valid]
            if not bad or node.getparent() is None or not _attached(node, self.root):
                continue
            if node.tag == _HYPERLINK:
                self.touched.add(node.getparent())
                _unwrap(node)
            elif node.tag == _BLIP:
                for name in bad:
                    del node.attrib[name]
                if not any(name.endswith("}embed") for name in node.attrib):
                    self.drop(self.container(node))
            elif node.tag in _ALONE:
                self.drop(node)
            else:
                self.drop(self.container(node))

    def container(self, node):
        found = node
        for ancestor in node.iterancestors():
            if ancestor.tag in _CONTAINERS:
                found = ancestor
                break
        return found

    def mend(self) -> None:
        """A cell, text box, header … that lost its last paragraph gets an empty one."""
        for parent in self.touched:
            if parent.tag in _NEEDS_PARAGRAPH and _attached(parent, self.root):
                blocks = [child for child in parent if child.tag in (_P, _TBL)]
                if not blocks or blocks[-1].tag == _TBL:
                    parent.append(parent.makeelement(_P, {}))


def _drop_rel(rels, r_id: str) -> None:
    rels.pop(r_id, None)
    getattr(rels, "_target_parts_by_rId", {}).pop(r_id, None)


def neutralise(document) -> Counter[str]:
    """Take out of ``document`` (a python-docx ``Document``) everything that could act when the
    copy is opened; the counts of what was removed, by kind (see the module's description)."""
    from docx.opc.part import XmlPart

    package = document.part.package
    counts: Counter[str] = Counter()
    elements: dict = {}   # part -> its root element (None: XML that does not parse)
    order: list = []
    dropped_by: dict = {}

    def root_of(part):
        if part not in elements:
            if isinstance(part, XmlPart):
                elements[part] = part.element
            elif _is_xml(part):
                try:
                    tree = etree.parse(io.BytesIO(part.blob), _parser())
                    elements[part] = None if tree.docinfo.doctype else tree.getroot()
                except (etree.XMLSyntaxError, ValueError):
                    elements[part] = None
            else:
                elements[part] = False   # binary: kept as it is
        return elements[part]

    queue, seen = [package], {id(package)}
    while queue:
        source = queue.pop(0)
        dropped: dict[str, str] = {}
        for r_id, rel in list(source.rels.items()):
            kind = _rel_kind(rel)
            target = None if rel.is_external else rel.target_part
            if kind is None and target is not None:
                kind = _part_kind(target)
                if kind is None and root_of(target) is None:
                    kind = "other"   # XML that does not parse: not written into the copy
            if kind is not None:
                dropped[r_id] = kind
            elif target is not None and id(target) not in seen:
                seen.add(id(target))
                queue.append(target)
        if source is package:
            for r_id, kind in dropped.items():
                if kind:
                    counts[kind] += 1
                _drop_rel(source.rels, r_id)
        else:
            order.append(source)
            dropped_by[source] = dropped
    for part in order:
        dropped = dropped_by[part]
        root = root_of(part)
        found: Counter[str] = Counter()
        if root is not None and root is not False:
            valid = {r_id for r_id in part.rels if r_id not in dropped}
            found = _Cleaner(root, valid).run()
        by_rel = Counter(kind for kind in dropped.values() if kind)
        for kind in set(found) | set(by_rel):
            counts[kind] += max(found[kind], by_rel[kind])
        for r_id in dropped:
            _drop_rel(part.rels, r_id)
        if root is not None and root is not False:
            used = set(_REFERENCES(root))
            for r_id, rel in list(part.rels.items()):   # a picture or a link only removed content used
                if r_id not in used and rel.reltype.rsplit("/", 1)[-1] in ("image", "hyperlink"):
                    _drop_rel(part.rels, r_id)
        if root is not None and root is not False and not isinstance(part, XmlPart):
            part._blob = etree.tostring(root, encoding="UTF-8", xml_declaration=True, standalone=True)
    return +counts


def removal_note(counts: Counter[str]) -> str | None:
    """What was removed, as the copy's 复核结果 says it; ``None`` when nothing was."""
    items = [f"{LABELS[kind]} {counts[kind]} 处" for kind in KINDS if kind != "macro" and counts.get(kind)]
    if counts.get("macro"):
        items.append(LABELS["macro"])
    if not items:
        return None
    kept = "（域代码只保留显示的文字）" if counts.get("field") else ""
    return f"原文件中的{'、'.join(items)}已删除{kept}，副本只保留文字和表格"


def verify(data: bytes) -> str | None:
    """The first problem of a saved copy (a part that is not well-formed XML or declares a DTD,
    a relationship leading outside other than an http(s) hyperlink, a macro, object or
    macro-enabled content type), or ``None``."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        types = etree.fromstring(package.read("[Content_Types].xml"), _parser())
        xml_extensions = {"xml", "rels", "vml"}
        for item in types:
            content_type = (item.get("ContentType") or "").lower()
            if any(word in content_type for word in ("vba", "macroenabled", "oleobject", "activex")):
                return f"[Content_Types].xml 含有 {content_type}"
            if item.get("Extension") and (content_type.endswith(("+xml", "/xml"))):
                xml_extensions.add(item.get("Extension").lower())
        xml_parts = {(item.get("PartName") or "").lstrip("/") for item in types
                     if (item.get("ContentType") or "").lower().endswith(("+xml", "/xml"))}
        for name in package.namelist():
            if name not in xml_parts and name.rsplit(".", 1)[-1].lower() not in xml_extensions:
                continue
            part = package.read(name)
            if _DECLARATION.search(part):
                return f"{name} 含有 DTD 声明"
            try:
                root = etree.fromstring(part, _parser())
            except etree.XMLSyntaxError:
                return f"{name} 不是有效的 XML"
            if name.lower().endswith(".rels"):
                for rel in root:
                    if rel.get("TargetMode") == "External" and not (
                            rel.get("Type", "").endswith("/hyperlink") and is_web_link(rel.get("Target", ""))):
                        return f"{name} 含有外部链接"
    return None
