"""A corpus of bad files (generated here): one clear line each, never a traceback, and the batch
goes on to the good files (in every format)."""

import json
import re
import shutil
import zipfile

import docx
import pytest
from openpyxl import Workbook

from tests.conftest import ROOT
from workbook_builder.cli import main

GOOD = ROOT / "samples" / "chaoyang-2024" / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx"
GOOD_XLS = ROOT / "tests" / "data" / "formats" / "26_website.xls"
GOOD_ODS = ROOT / "tests" / "data" / "formats" / "26_website.ods"


def ole(*streams: str) -> bytes:
    """An OLE file header followed by directory entries naming ``streams`` (UTF-16, as OLE
    stores them); enough for the format to be told by its content."""
    return bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504 + b"".join(
        s.encode("utf-16-le").ljust(128, b"\x00") for s in streams) + b"\x00" * 2048


def word(path, rows, *, doctype=False, paragraphs=("项目支出绩效自评表", "(2024年度)")):
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if rows:
        table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                table.cell(i, j).text = str(value)
    document.save(path)
    if doctype:
        patched = path.with_suffix(".tmp")
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w") as target:
            for item in source.infolist():
                content = source.read(item)
                if item.filename == "word/document.xml":
                    content = content.replace(b"<w:document", b'<!DOCTYPE d [<!ENTITY x "x">]><w:document', 1)
                target.writestr(item, content)
        patched.replace(path)


def make_corpus(folder):
    folder.mkdir()
    shutil.copy(GOOD, folder / "good.xlsx")
    shutil.copy(GOOD, folder / "macro.xlsm")  # .xlsm is read too (an .xlsx renamed: its copy is .xlsx)
    (folder / "not_a_spreadsheet.xlsx").write_text("项目名称,得分\n示例,10\n", encoding="utf-8")
    (folder / "tab_export.xls").write_bytes("项目名称\t得分\r\n示例\t10\r\n".encode("utf-16"))   # with its BOM
    (folder / "rtf.doc").write_bytes(b"{\\rtf1\\ansi \\b \\'cf\\'ee\\b0}")
    (folder / "sylk.xls").write_bytes(b"ID;PWXL;N;E\r\nC;Y1;X1;K1\r\nE\r\n")
    (folder / "binary.xlsx").write_bytes(b"\x00\x9f,\xfe\x01\n" * 40)   # commas and lines, but not text
    (folder / "prose.xlsx").write_text("这不是表格，只是一段说明文字。\n", encoding="utf-8")
    (folder / "empty.xlsx").write_bytes(b"")
    data = GOOD.read_bytes()
    (folder / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    corrupt = bytearray(data)
    corrupt[len(corrupt) // 3: len(corrupt) // 3 + 200] = b"\x00" * 200
    (folder / "corrupt.xlsx").write_bytes(bytes(corrupt))
    (folder / "encrypted.xlsx").write_bytes(ole("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    wb = Workbook()
    wb.active["A1"] = "本表只有说明文字"
    wb.save(folder / "no_table.xlsx")
    wb = Workbook(write_only=True)  # an enormous sheet: read in bounded time and memory
    ws = wb.create_sheet("数据")
    for n in range(30000):
        ws.append([n, "行", n * 2])
    wb.save(folder / "enormous.xlsx")
    with zipfile.ZipFile(GOOD) as source, zipfile.ZipFile(folder / "entities.xlsx", "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/workbook.xml":  # a "billion laughs" style entity declaration
                content = content.replace(
                    b"<workbook", b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><workbook', 1)
                assert b"<!DOCTYPE" in content
            target.writestr(item, content)
    with zipfile.ZipFile(folder / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("xl/workbook.xml", "<workbook/>")
        bomb.writestr("xl/worksheets/sheet1.xml", b"\x00" * (30 * 2**20))
    (folder / "old.xls").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 512)
    shutil.copy(GOOD_XLS, folder / "good.xls")
    shutil.copy(GOOD_ODS, folder / "good.ods")
    shutil.copy(GOOD_XLS, folder / "real.et")          # WPS .et in the Excel 97 format
    shutil.copy(GOOD_ODS, folder / "misnamed.xlsx")    # an .ods saved under an .xlsx name
    (folder / "cut.xls").write_bytes(GOOD_XLS.read_bytes()[:4000])
    (folder / "legacy.doc").write_bytes(ole("Root Entry", "WordDocument", "1Table"))
    (folder / "wps.et").write_bytes(ole("Root Entry", "Workbook") + b"\x00" * 4096)
    word(folder / "dtd.docx", [["项目名称", "示例"]], doctype=True)
    word(folder / "no_table.docx", [])
    word(folder / "other_table.docx", [["序号", "设备名称", "数量"], ["1", "服务器", "2"]])
    word(folder / "few_columns.docx", [["项目名称", "示例项目"], ["一级指标", "三级指标", "绩效指标性质", "年度指标值"],
                                       ["产出指标", "指标1", "≥", "1"]])


def test_bad_files_give_one_line_each(tmp_path, capsys):
    corpus = tmp_path / "in"
    make_corpus(corpus)
    before = {p.name: p.read_bytes() for p in corpus.iterdir()}
    out, result = tmp_path / "out", tmp_path / "r.json"
    code = main(["recalc", str(corpus), "-o", str(out), "--json", str(result)])
    printed = capsys.readouterr()
    assert code == 0
    assert "Traceback" not in printed.out + printed.err
    data = json.loads(result.read_text(encoding="utf-8"))
    reasons = {item["file"].split("/")[-1]: item["message"] for item in data["unreadable"]}
    assert set(reasons) == {
        "not_a_spreadsheet.xlsx", "tab_export.xls", "rtf.doc", "sylk.xls", "prose.xlsx", "binary.xlsx",
        "empty.xlsx", "truncated.xlsx", "corrupt.xlsx", "encrypted.xlsx",
        "no_table.xlsx", "enormous.xlsx", "entities.xlsx", "bomb.xlsx", "old.xls", "cut.xls",
        "legacy.doc", "wps.et", "dtd.docx", "no_table.docx", "other_table.docx", "few_columns.docx",
    }
    assert all(m.startswith(("文件无法读取：", "未读取：")) for m in reasons.values())
    assert not [m for m in reasons.values() if re.search(r"Error|Exception|Traceback|ZipInfo|<class", m)]
    for name in ("not_a_spreadsheet.xlsx", "tab_export.xls"):   # what Excel opens, said as what it is
        assert "是文本文件（CSV 或制表符分隔的导出）" in reasons[name] and "另存为 .xlsx" in reasons[name]
    assert "是 RTF 文档" in reasons["rtf.doc"] and "是 SYLK 文本表格" in reasons["sylk.xls"]
    assert "是文本文件，不是 Excel 工作簿或 Word 文档" in reasons["prose.xlsx"]   # (prose: said as text, not as damaged)
    assert "不是 zip 格式" in reasons["binary.xlsx"]
    assert "0 字节" in reasons["empty.xlsx"]
    assert "已加密" in reasons["encrypted.xlsx"]
    assert "没有找到自评表（工作表“Sheet”中未找到含“三级指标”" in reasons["no_table.xlsx"]   # (the sheets looked at)
    assert "只读了前 5000 行" in reasons["enormous.xlsx"]
    assert "DTD" in reasons["entities.xlsx"]
    assert "压缩" in reasons["bomb.xlsx"]
    assert "已损坏或被截断" in reasons["old.xls"] and "已损坏或被截断" in reasons["cut.xls"]
    assert "旧版 Word 文档" in reasons["legacy.doc"]
    assert "另存为 .xlsx" in reasons["wps.et"]
    assert "DTD" in reasons["dtd.docx"]
    assert "没有表格" in reasons["no_table.docx"]
    assert "没有找到自评表（Word 文档的“表格1”中未找到" in reasons["other_table.docx"]   # (no 工作表 in Word)
    assert "缺少“实际完成值”“分值”“得分”列" in reasons["few_columns.docx"]
    for name in reasons:
        assert sum(line.count(name) for line in printed.out.splitlines()) == 1, name
    assert {t["file"].split("/")[-1]: t["format"] for t in data["tables"]} == {
        "good.xlsx": "xlsx", "macro.xlsm": "xlsx", "good.xls": "xls", "good.ods": "ods", "real.et": "et",
        "misnamed.xlsx": "ods"}
    assert {t["annotated"] for t in data["tables"]} == {
        "good（xlsx）_复核.xlsx", "macro_复核.xlsx", "good（xls）_复核.xlsx", "good（ods）_复核.xlsx", "real_复核.xlsx",
        "misnamed_复核.xlsx"}
    assert {t["computed_total"] for t in data["tables"]} == {94.0}
    assert {p.name: p.read_bytes() for p in corpus.iterdir()} == before
    unreadable = list(__import__("openpyxl").load_workbook(out / "复核汇总.xlsx")["无法读取"].iter_rows(values_only=True))
    assert len(unreadable) == 1 + len(reasons)


@pytest.mark.parametrize("name", ["26_website_password.xls", "26_website_password.ods", "26_website_password.doc"])
def test_an_xls_ods_or_doc_with_a_password_to_open_says_so(name):
    """Sample 26 saved by LibreOffice with a password to open (password "pw"): an .xls begins its
    workbook with FILEPASS, an .ods's manifest lists each part's encryption, a .doc's FIB has its
    fEncrypted bit; the reason says the file is encrypted (calamine's own says only that it cannot
    be parsed: 结构已损坏; LibreOffice only failed to convert the .doc, said as a damaged file)."""
    from workbook_builder.readers.container import UnreadableFile, check_container

    with pytest.raises(UnreadableFile, match="文件已加密"):
        check_container(ROOT / "tests" / "data" / "formats" / name)
    plain = ROOT / "tests" / "data" / "formats" / name.replace("_password", "")
    assert check_container(plain).format == name.rsplit(".", 1)[1]


def test_only_a_password_on_the_sheets_is_an_encrypted_file(tmp_path):
    """An .ods whose macro library alone is password-protected (its manifest lists encryption for
    that part only) is read; an .xls whose bytes hold a BOF-like run before the workbook's own is
    still seen to begin with FILEPASS."""
    from workbook_builder.readers.container import _encrypted_biff, check_container

    plain = ROOT / "tests" / "data" / "formats" / "26_website.ods"
    path = tmp_path / "宏加密.ods"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "META-INF/manifest.xml":
                data = data.replace(b"</manifest:manifest>", b'<manifest:file-entry manifest:full-path="Basic/Standard/Module1.xml">'
                                    b"<manifest:encryption-data/></manifest:file-entry></manifest:manifest>")
            out.writestr(item, data)
    assert check_container(path).format == "ods"
    encrypted = (ROOT / "tests" / "data" / "formats" / "26_website_password.xls").read_bytes()
    assert _encrypted_biff(b"\x09\x08\x10\x00\x00\x06\x05\x00" + bytes(40) + encrypted)


def test_a_json_file_given_for_a_table_is_said_to_be_json(tmp_path, capsys):
    """recalc's own JSON given to ``report write`` (meant for ``report portfolio``) is said to be
    JSON, not a damaged workbook; prose that merely opens with a brace is not."""
    (tmp_path / "r.json").write_text('{\n  "tables": [],\n  "unreadable": []\n}', encoding="utf-8")
    assert main(["report", "write", str(tmp_path / "r.json"), "-o", str(tmp_path / "r.docx")]) == 2
    assert "是 JSON 文本文件，不是 Excel 工作簿或 Word 文档（由复核结果 JSON 生成批次报告请用 perfbook report portfolio）" \
        in capsys.readouterr().err
    (tmp_path / "note.xlsx").write_text("{说明} 这不是表格", encoding="utf-8")
    assert main(["report", "write", str(tmp_path / "note.xlsx"), "-o", str(tmp_path / "n.docx")]) == 2
    assert "JSON" not in capsys.readouterr().err


def test_a_worksheet_calamine_cannot_parse_is_named(tmp_path):
    """A cell of an unknown type (t="zz") in 自评表's XML: the file is unreadable, said at the
    worksheet it was reading (it had been only 文件内容无法解析)."""
    from tests.hostile_corpus import GOOD, patch
    from workbook_builder.recalc.run import check_file

    with zipfile.ZipFile(GOOD) as book:
        sheet = book.read("xl/worksheets/sheet1.xml")
    patch(GOOD, tmp_path / "坏.xlsx", {"xl/worksheets/sheet1.xml": re.sub(
        rb'<c r="J13"([^>]*?)(/>|>)', rb'<c r="J13" t="zz"\2', sheet, count=1)})
    outcome = check_file(str(tmp_path / "坏.xlsx"), None, None, None, "坏.xlsx")
    assert "工作表“自评表”的内容无法解析" in outcome.message, outcome


def test_an_xls_whose_workbook_stream_is_named_in_capitals_is_read(tmp_path):
    """OLE stream names are compared ignoring case: a generator's WORKBOOK (calamine's test file
    capitalized_wbook_stream.xls) is Excel's Workbook, not a damaged file."""
    from workbook_builder.readers.tables import read_tables

    data = GOOD_XLS.read_bytes()
    name = "Workbook".encode("utf-16-le") + b"\x00\x00"
    assert data.count(name) == 1
    path = tmp_path / "大写流名.xls"
    path.write_bytes(data.replace(name, "WORKBOOK".encode("utf-16-le") + b"\x00\x00"))
    assert [r.table.project for r in read_tables(path)] == [r.table.project for r in read_tables(GOOD_XLS)]


def test_a_logical_value_in_an_ods_is_read_as_one_not_as_a_number(tmp_path):
    """TRUE typed in an .ods (a boolean cell) and LibreOffice's own TRUE (a 1 shown as TRUE, as it
    saves an .xlsx's TRUE) are logical values, as an .xlsx's: calamine gives 1, which in a 得分
    cell had read as a score of 1."""
    from workbook_builder.readers.source import read_source

    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"')
    cells = ('<table:table-cell office:value-type="boolean" office:boolean-value="true"><text:p>TRUE</text:p></table:table-cell>'
             '<table:table-cell table:formula="of:=FALSE()" office:value-type="float" office:value="0"><text:p>FALSE</text:p>'
             '</table:table-cell><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns}><office:body><office:spreadsheet>'
               f'<table:table table:name="表1"><table:table-row>{cells}</table:table-row></table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    path = tmp_path / "逻辑值.ods"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        package.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                         'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                         '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
                         'opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
                         'manifest:media-type="text/xml"/></manifest:manifest>')
        package.writestr("content.xml", content)
    fmt, [grid] = read_source(path)
    assert fmt == "ods" and [type(v) for v in grid.rows[0]] == [bool, bool, float] and grid.rows[0][:2] == [True, False]


@pytest.mark.parametrize("name, start, said", [
    ("扫描件.xlsx", b"%PDF-1.4\n", "是 PDF 文件，不是 Excel 工作簿或 Word 文档：请提供 Excel 或 Word 原文件"),
    ("表.xls", b"Rar!\x1a\x07\x00", "是 RAR 压缩包，请解压后复核其中的文件"),
    ("表.docx", b"\x89PNG\r\n\x1a\n", "是 PNG 图片，不是 Excel 工作簿或 Word 文档"),
    ("收到.zip", b"7z\xbc\xaf\x27\x1c\x00\x04", "是 7z 压缩包，不是 zip 压缩包：请解压后复核其中的文件"),
    ("收到2.zip", b"PK-not-a-zip", "不是 zip 压缩包，或压缩包已损坏"), ("收到3.zip", b"%PDF-1.7\n", "是 PDF 文件，不是 zip 压缩包"),
])
def test_a_file_of_another_kind_is_named_not_called_damaged(tmp_path, capsys, name, start, said):
    """A PDF, an image or an archive of another kind under a table's (or a .zip's) name is said
    for what it is, with what to send: it had been 不是 zip 格式，可能已损坏或被截断."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / name).write_bytes(start + b"\x00" * 64)
    main(["recalc", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert said in capsys.readouterr().out


def test_a_workbook_whose_part_names_use_backslashes_is_read_and_copied(tmp_path):
    """Part names written with \\ (xl\\worksheets\\sheet1.xml: a Chinese attendance system's export,
    calamine's issue_530.xlsx) are read as zipfile reads them on Windows, on every system: the
    workbook had been refused on Linux (zip 包中没有工作簿或文档) and read on Windows."""
    data = (ROOT / "samples" / "chaoyang-2024" / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx").read_bytes()
    assert data.count(b"xl/worksheets/sheet") >= 2   # (each in the local header and the directory)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "反斜杠.xlsx").write_bytes(data.replace(b"xl/worksheets/sheet", b"xl\\worksheets\\sheet"))
    out = tmp_path / "out"
    assert main(["recalc", str(tmp_path / "in"), "-o", str(out), "--json", str(out / "r.json")]) in (0, 1)
    [table] = json.loads((out / "r.json").read_text(encoding="utf-8"))["tables"]
    assert table["computed_total"] == 94.0 and table["annotated"] == "反斜杠_复核.xlsx"
    assert "自评表" in load_workbook_names(out / table["annotated"])


def load_workbook_names(path):
    from openpyxl import load_workbook

    return load_workbook(path, read_only=True).sheetnames
