"""A corpus of broken and hostile submissions, built on the fly (nothing binary is committed).

:func:`build` writes every family into a folder and returns what each file is; the test runs
``perfbook recalc`` over the folder and checks that the batch survives. Families:

* good tables in every format the tests can make (.xlsx, .xls/.ods copies, .docx);
* damaged packages: truncated, corrupted, empty, random bytes, text, zip bombs, encrypted,
  legacy .doc, broken OLE files, a package with a part name in the wrong case;
* entity/DTD declarations: in workbook.xml, after a 3 KB comment, in a UTF-16 part, in a part
  named ``.dat``, in sharedStrings, in a Word document;
* enormous extents: cells at A1 and XFD1048576, A1 and XFD4000, a million rows;
* hostile cells: formulas as text (``=HYPERLINK``, ``=WEBSERVICE``), control characters, a
  1 MB cell, Excel error values in the scores, NaN, a table on a hidden sheet, a second table
  beside the first, a finding cell inside a merged range, no ``[Content_Types].xml``;
* forged perfbook templates (指标行数 100000000, or not a number);
* Word documents: no table, not a 自评表, too few columns, truncated, a huge gridSpan, an
  external relationship;
* the file system: a FIFO and a link to /dev/zero named .xlsx, a symbolic-link loop, a dangling
  link, lock files, a file name that is not UTF-8, control characters and glob characters in
  names, files that are not tables.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook

from tests.conftest import ROOT

SUBMITTED = ROOT / "samples" / "chaoyang-2024" / "submitted"
TEMPLATES = ROOT / "samples" / "chaoyang-2024" / "submitted-templates"
GOOD = SUBMITTED / "26_朝阳区政府网站功能和监测服务项目.xlsx"
FORMATS = ROOT / "tests" / "data" / "formats"


def patch(source: Path, dest: Path, parts: dict[str, bytes | None], extra: dict[str, bytes] | None = None,
          transform=None) -> None:
    """Copy a package, replacing (or with ``None`` dropping) parts, adding ``extra`` ones, or
    passing each part through ``transform(name, data)``."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename in parts:
                if parts[item.filename] is None:
                    continue
                data = parts[item.filename]
            if transform:
                data = transform(item.filename, data)
            out.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            out.writestr(name, data)


def encrypted_zip(source: Path, dest: Path) -> None:
    """A copy of a package with the "encrypted" flag set on its members (as a zip tool that
    password-protects the parts writes them; the data itself is left as it is)."""
    data = bytearray(source.read_bytes())
    for header, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(header)
        while at >= 0:
            data[at + offset] |= 1
            at = data.find(header, at + 4)
    dest.write_bytes(bytes(data))


def sheet_xml(cells: str) -> bytes:
    return ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<sheetData>{cells}</sheetData></worksheet>").encode()


def _read(name: str) -> bytes:
    with zipfile.ZipFile(GOOD) as z:
        return z.read(name)


def _standard(path: Path, edit) -> None:
    """A copy of the good sample with ``edit(ws)`` applied through openpyxl."""
    wb = load_workbook(GOOD)
    edit(wb["自评表"])
    wb.save(path)


def good_files(folder: Path) -> dict[str, str]:
    kinds = {}
    for source in sorted(SUBMITTED.glob("*.xlsx")):
        shutil.copy(source, folder / source.name)
        kinds[source.name] = "good"
    for source in sorted(TEMPLATES.glob("*.xlsx")):
        shutil.copy(source, folder / f"模板_{source.name}")
        kinds[f"模板_{source.name}"] = "good"
    for source in sorted(FORMATS.iterdir()):   # (those with a password to open: said to be encrypted)
        shutil.copy(source, folder / source.name)
        kinds[source.name] = "unreadable" if "password" in source.name else "good"
    from tests.office_formats import to_docx

    for source in sorted(SUBMITTED.glob("*.xlsx")):
        to_docx(source, folder / f"{source.stem}.docx")
        kinds[f"{source.stem}.docx"] = "good"
    return kinds


def damaged(folder: Path) -> dict[str, str]:
    kinds = {}
    data = GOOD.read_bytes()
    rng = random.Random(14)
    for n, cut in enumerate((10, 100, 1000, 3000, 6000, 9000, len(data) // 2, len(data) - 30)):
        (folder / f"截断_{n}.xlsx").write_bytes(data[:cut])
        kinds[f"截断_{n}.xlsx"] = "any"   # zip readers may recover what a cut leaves whole
    for n in range(8):
        corrupt = bytearray(data)
        start = rng.randrange(40, len(data) - 300)
        corrupt[start:start + 200] = bytes(rng.randrange(256) for _ in range(200))
        (folder / f"损坏_{n}.xlsx").write_bytes(bytes(corrupt))
        kinds[f"损坏_{n}.xlsx"] = "any"   # the damage may miss every part read
    for n in range(8):
        (folder / f"随机_{n}.xlsx").write_bytes(bytes(rng.randrange(256) for _ in range(2000)))
        kinds[f"随机_{n}.xlsx"] = "unreadable"
    (folder / "空文件.xlsx").write_bytes(b"")
    (folder / "文本.xlsx").write_text("项目名称,得分\n示例,10\n", encoding="utf-8")
    (folder / "文本.docx").write_text("项目支出绩效自评表", encoding="utf-8")
    with zipfile.ZipFile(folder / "炸弹.xlsx", "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("xl/workbook.xml", "<workbook/>")
        bomb.writestr("xl/worksheets/sheet1.xml", b"\x00" * (30 * 2**20))
    with zipfile.ZipFile(folder / "炸弹.docx", "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("word/document.xml", b" " * (40 * 2**20))
    ole = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504
    names = lambda *n: b"".join(s.encode("utf-16-le").ljust(128, b"\x00") for s in n)  # noqa: E731
    (folder / "加密.xlsx").write_bytes(ole + names("Root Entry", "EncryptionInfo", "EncryptedPackage") + b"\x00" * 2048)
    (folder / "加密.docx").write_bytes(ole + names("Root Entry", "EncryptedPackage", "EncryptionInfo") + b"\x00" * 2048)
    (folder / "旧版.doc").write_bytes(ole + names("Root Entry", "WordDocument") + b"\x00" * 2048)
    (folder / "坏的.xls").write_bytes(ole + b"\x00" * 2048)
    (folder / "伪装.xls").write_bytes(ole + names("Root Entry", "Workbook") + b"\xff" * 4096)
    (folder / "截断.xls").write_bytes((FORMATS / "26_website.xls").read_bytes()[:3000])
    encrypted_zip(GOOD, folder / "zip加密.xlsx")
    kinds["zip加密.xlsx"] = "unreadable"
    patch(GOOD, folder / "部件大小写.xlsx", {"xl/workbook.xml": None}, {"XL/Workbook.xml": _read("xl/workbook.xml")})
    for name in ("截断_0.xlsx", "空文件.xlsx", "文本.xlsx", "文本.docx", "炸弹.xlsx", "炸弹.docx", "加密.xlsx",
                 "加密.docx", "旧版.doc", "坏的.xls", "伪装.xls", "截断.xls", "部件大小写.xlsx"):
        kinds.setdefault(name, "unreadable")
    return kinds


def entities(folder: Path) -> dict[str, str]:
    kinds = {}
    doctype = b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    book = _read("xl/workbook.xml")
    sheet = _read("xl/worksheets/sheet1.xml")
    variants = {
        "实体_工作簿.xlsx": {"xl/workbook.xml": book.replace(b"<workbook", doctype + b"<workbook", 1)},
        "实体_注释之后.xlsx": {"xl/workbook.xml": book.replace(
            b"<workbook", b"<!--" + b"x" * 3000 + b"-->" + doctype + b"<workbook", 1)},
        "实体_UTF16.xlsx": {"xl/worksheets/sheet1.xml": (
            '<?xml version="1.0" encoding="UTF-16"?>'.encode("utf-16")
            + (doctype + sheet.split(b"?>", 1)[-1]).decode().encode("utf-16-le"))},
        "实体_小写.xlsx": {"xl/workbook.xml": book.replace(b"<workbook", doctype.lower() + b"<workbook", 1)},
        "实体_工作表末尾.xlsx": {"xl/worksheets/sheet1.xml": sheet + b"<!ENTITY late 'x'>"},
        "实体_UTF16混合大小写.xlsx": {"xl/workbook.xml": (b"<!DocType w>" + book.split(b"?>", 1)[-1]).decode().encode("utf-16")},
    }
    for name, parts in variants.items():
        patch(GOOD, folder / name, parts)
        kinds[name] = "dtd"
    patch(GOOD, folder / "实体_dat部件.xlsx", {}, {"xl/worksheets/extra.dat": doctype + b"<x/>"})
    kinds["实体_dat部件.xlsx"] = "dtd"
    patch(GOOD, folder / "实体_共享字符串.xlsx", {}, {"xl/sharedStrings.xml": doctype + b"<sst/>"})
    kinds["实体_共享字符串.xlsx"] = "dtd"
    docx_source = folder / "26_朝阳区政府网站功能和监测服务项目.docx"
    if not docx_source.exists():
        from tests.office_formats import to_docx

        to_docx(GOOD, docx_source)
    with zipfile.ZipFile(docx_source) as z:
        document = z.read("word/document.xml")
    patch(docx_source, folder / "实体_Word.docx",
          {"word/document.xml": document.replace(b"<w:document", doctype + b"<w:document", 1)})
    kinds["实体_Word.docx"] = "dtd"
    return kinds


def extents(folder: Path) -> dict[str, str]:
    kinds = {}
    far = {
        "范围_XFD1048576.xlsx": '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
        "范围_XFD4000.xlsx": '<row r="1"><c r="A1"><v>1</v></c></row><row r="4000"><c r="XFD4000"><v>1</v></c></row>',
        "范围_无地址百万行.xlsx": "<row><c><v>1</v></c></row>" * 1_000_001,
    }
    for name, cells in far.items():
        patch(GOOD, folder / name, {"xl/worksheets/sheet1.xml": sheet_xml(cells)})
        kinds[name] = "unreadable"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    for n in range(12000):
        ws.append([n, "行", n * 2])
    wb.save(folder / "超长工作表.xlsx")
    kinds["超长工作表.xlsx"] = "unreadable"
    return kinds


def bloated_styles() -> bytes:
    """The sample's styles.xml with 64,000 identical cell formats more (Excel's most), as copying
    from other workbooks piles them up: 5 MB that compress some 280 times."""
    styles = _read("xl/styles.xml").decode("utf-8")
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S)
    first = re.match(r"<xf\b[^>]*?(?:/>|>.*?</xf>)", xfs.group(1), re.S).group(0)
    return (styles[:xfs.end(1)] + first * 64_000 + styles[xfs.end(1):]).encode("utf-8")


def hostile_cells(folder: Path) -> dict[str, str]:
    kinds = {}

    def cell(ref, value):
        def edit(ws):
            ws[ref] = value
            if isinstance(value, str) and value.startswith("="):
                ws[ref].data_type = "s"   # typed as text by a user: a string cell, not a formula
        return edit

    edits = {
        "注入_项目名称.xlsx": cell("C3", '=HYPERLINK("http://example.invalid/","点击")'),
        "注入_得分.xlsx": cell("J14", '=WEBSERVICE("http://example.invalid/")'),
        "注入_加号.xlsx": cell("I4", "+1+cmd|' /C calc'!A0"),
        "注入_at.xlsx": cell("C4", "@SUM(1)"),
        "超长单元格.xlsx": cell("J13", "长" * 1_000_000),
        "超长项目名称.xlsx": cell("C3", "项" * 50_000),
    }
    for name, edit in edits.items():
        _standard(folder / name, edit)
        kinds[name] = "table"
    for n, error in enumerate(("#DIV/0!", "#REF!", "#N/A", "#VALUE!")):
        sheet = _read("xl/worksheets/sheet1.xml")
        patched = re.sub(rb'<c r="J14"[^>]*>.*?</c>', f'<c r="J14" t="e"><v>{error}</v></c>'.encode(), sheet, count=1)
        assert patched != sheet
        patch(GOOD, folder / f"错误值_{n}.xlsx", {"xl/worksheets/sheet1.xml": patched})
        kinds[f"错误值_{n}.xlsx"] = "table"
    sheet = _read("xl/worksheets/sheet1.xml")
    for name, ref in (("控制字符_项目名称.xlsx", "C3"), ("控制字符_偏差原因.xlsx", "K13")):
        patched = re.sub(rf'<c r="{ref}"[^>]*>.*?</c>'.encode(),
                         f'<c r="{ref}" t="inlineStr"><is><t>项目_x000B_名称_x0001_\x1f</t></is></c>'.encode(), sheet, count=1)
        patch(GOOD, folder / name, {"xl/worksheets/sheet1.xml": patched})
        kinds[name] = "table"
    patch(GOOD, folder / "NaN.xlsx", {"xl/worksheets/sheet1.xml": re.sub(
        rb'<c r="J13"[^>]*>.*?</c>', b'<c r="J13"><v>NaN</v></c>', sheet, count=1)})
    kinds["NaN.xlsx"] = "table"

    def hidden(path):
        wb = load_workbook(GOOD)
        wb["自评表"].sheet_state = "hidden"
        wb.create_sheet("说明")["A1"] = "见隐藏工作表"
        wb.active = 1
        wb.save(path)

    hidden(folder / "隐藏工作表.xlsx")
    kinds["隐藏工作表.xlsx"] = "table"

    def beside(ws):
        for row in list(ws.iter_rows(min_row=1, max_row=20, max_col=11)):
            for c in row:
                if c.value is not None:
                    ws.cell(c.row, c.column + 12, c.value)

    _standard(folder / "并排两表.xlsx", beside)
    kinds["并排两表.xlsx"] = "table"
    _standard(folder / "合并单元格.xlsx", lambda ws: ws.merge_cells("I14:J14"))
    kinds["合并单元格.xlsx"] = "table"
    _standard(folder / "零宽字符_表头.xlsx", cell("J12", "得\u200b分"))   # pasted from a web page: shows 得分
    kinds["零宽字符_表头.xlsx"] = "good"
    patch(GOOD, folder / "样式膨胀.xlsx", {"xl/styles.xml": bloated_styles()})
    kinds["样式膨胀.xlsx"] = "good"
    patch(GOOD, folder / "无ContentTypes.xlsx", {"[Content_Types].xml": None})
    kinds["无ContentTypes.xlsx"] = "any"
    return kinds


def forged_templates(folder: Path) -> dict[str, str]:
    kinds = {}
    source = next(TEMPLATES.glob("4_*.xlsx"))
    for name, value in (("伪造模板_一亿行.xlsx", 100_000_000), ("伪造模板_非数.xlsx", "很多"),
                        ("伪造模板_负数.xlsx", -5), ("伪造模板_巨大.xlsx", 1e300)):
        wb = load_workbook(source)
        meta = wb["_perfbook"]
        for row in meta.iter_rows():
            if row[0].value == "指标行数":
                row[1].value = value
        wb.save(folder / name)
        kinds[name] = "unreadable"
    return kinds


def word_documents(folder: Path) -> dict[str, str]:
    import docx

    kinds = {}

    def word(name, rows):
        document = docx.Document()
        document.add_paragraph("项目支出绩效自评表")
        if rows:
            table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for i, row in enumerate(rows):
                for j, value in enumerate(row):
                    table.cell(i, j).text = str(value)
        document.save(folder / name)
        kinds[name] = "unreadable"

    word("Word_无表格.docx", [])
    word("Word_其他表格.docx", [["序号", "设备"], ["1", "服务器"]])
    word("Word_列太少.docx", [["项目名称", "示例"], ["三级指标", "绩效指标性质", "年度指标值"], ["指标1", "≥", "1"]])
    source = folder / "26_朝阳区政府网站功能和监测服务项目.docx"
    data = source.read_bytes()
    for n, cut in enumerate((len(data) // 2, 200, len(data) - 100, 40)):
        (folder / f"Word_截断_{n}.docx").write_bytes(data[:cut])
        kinds[f"Word_截断_{n}.docx"] = "unreadable"
    with zipfile.ZipFile(source) as z:
        document = z.read("word/document.xml")
        rels = z.read("word/_rels/document.xml.rels")
    patch(source, folder / "Word_巨大合并.docx", {"word/document.xml": re.sub(
        rb"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="2000000000"/>', document, count=3)})
    kinds["Word_巨大合并.docx"] = "table"   # the span is clamped to the grid, never allocated
    patch(source, folder / "Word_外部链接.docx", {"word/_rels/document.xml.rels": rels.replace(
        b"</Relationships>", b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/image" Target="http://example.invalid/x.png" TargetMode="External"/></Relationships>')})
    kinds["Word_外部链接.docx"] = "table"
    return kinds


def file_system(folder: Path) -> dict[str, str]:
    kinds = {}
    os.mkfifo(folder / "管道.xlsx")
    kinds["管道.xlsx"] = "unreadable"
    os.symlink("/dev/zero", folder / "零设备.xlsx")
    kinds["零设备.xlsx"] = "unreadable"
    os.symlink(folder / "不存在.xlsx", folder / "断开的链接.xlsx")
    kinds["断开的链接.xlsx"] = "unreadable"
    loop = folder / "循环"
    loop.mkdir()
    os.symlink(loop, loop / "自己")
    os.symlink(folder / "循环2", folder / "循环1")
    os.symlink(folder / "循环1", folder / "循环2")
    kinds["循环/自己"] = "skipped"
    kinds["循环1"] = "skipped"
    kinds["循环2"] = "skipped"
    for name in ("~$26_朝阳区政府网站功能和监测服务项目.xlsx", ".~lock.26_朝阳区政府网站功能和监测服务项目.xlsx#"):
        (folder / name).write_bytes(b"lock")
        kinds[name] = "skipped"
    for name in ("说明.pdf", "Thumbs.db", "清单.csv"):
        (folder / name).write_bytes(b"not a table")
        kinds[name] = "skipped"
    weird = os.fsdecode(b"\xff\xfe\xe9_\xd5\xfb.xlsx")
    shutil.copy(GOOD, folder / weird)
    kinds[weird] = "good"
    for name in ("换行\n名称.xlsx", "制表\t符.xlsx", "控制\x01字符.xlsx", "表[1].xlsx", "星号*问号?.xlsx",
                 "=HYPERLINK(1).xlsx"):
        shutil.copy(GOOD, folder / name)
        kinds[name] = "good"
    sub = folder / "子文件夹" / "更深"
    sub.mkdir(parents=True)
    shutil.copy(GOOD, sub / "深处.xlsx")
    kinds["子文件夹/更深/深处.xlsx"] = "good"
    return kinds


def build(folder: Path) -> dict[str, str]:
    """Write the corpus into ``folder``; return {path relative to folder: expectation}, where the
    expectation is ``good`` (read, same findings as the sample), ``table`` (read), ``unreadable``
    (one line in 无法读取), ``dtd`` (refused for its declarations), ``skipped`` (accounted for as
    not read) or ``any`` (read or refused, but accounted for)."""
    folder.mkdir(parents=True, exist_ok=True)
    kinds = {}
    for family in (good_files, damaged, entities, extents, hostile_cells, forged_templates, word_documents,
                   file_system):
        kinds.update(family(folder))
    return kinds
