"""A corpus of bad files (generated here): one clear line each, never a traceback, and the batch
goes on to the good file."""

import json
import shutil
import zipfile

from openpyxl import Workbook

from tests.conftest import ROOT
from workbook_builder.cli import main

GOOD = ROOT / "samples" / "chaoyang-2024" / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx"


def make_corpus(folder):
    folder.mkdir()
    shutil.copy(GOOD, folder / "good.xlsx")
    shutil.copy(GOOD, folder / "macro.xlsm")  # .xlsm is read too; no macro ever runs
    (folder / "not_a_spreadsheet.xlsx").write_text("项目名称,得分\n示例,10\n", encoding="utf-8")
    (folder / "empty.xlsx").write_bytes(b"")
    data = GOOD.read_bytes()
    (folder / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    corrupt = bytearray(data)
    corrupt[len(corrupt) // 3: len(corrupt) // 3 + 200] = b"\x00" * 200
    (folder / "corrupt.xlsx").write_bytes(bytes(corrupt))
    (folder / "encrypted.xlsx").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 4096)
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


def test_bad_files_give_one_line_each(tmp_path, capsys):
    corpus = tmp_path / "in"
    make_corpus(corpus)
    before = {p.name: p.read_bytes() for p in corpus.iterdir()}
    out, result = tmp_path / "out", tmp_path / "r.json"
    code = main(["recalc", str(corpus), str(corpus / "old.xls"), "-o", str(out), "--json", str(result)])
    printed = capsys.readouterr()
    assert code == 0
    assert "Traceback" not in printed.out + printed.err
    data = json.loads(result.read_text(encoding="utf-8"))
    reasons = {item["file"].split("/")[-1]: item["message"] for item in data["unreadable"]}
    assert set(reasons) == {
        "not_a_spreadsheet.xlsx", "empty.xlsx", "truncated.xlsx", "corrupt.xlsx", "encrypted.xlsx",
        "no_table.xlsx", "enormous.xlsx", "entities.xlsx", "bomb.xlsx", "old.xls",
    }
    assert all(m.startswith("文件无法读取：") for m in reasons.values())
    assert "不是 zip 格式" in reasons["not_a_spreadsheet.xlsx"]
    assert "0 字节" in reasons["empty.xlsx"]
    assert "已加密" in reasons["encrypted.xlsx"]
    assert "没有找到自评表" in reasons["no_table.xlsx"]
    assert "只读了前 5000 行" in reasons["enormous.xlsx"]
    assert "DTD" in reasons["entities.xlsx"]
    assert "压缩" in reasons["bomb.xlsx"]
    assert "扩展名" in reasons["old.xls"]
    for name in reasons:
        assert sum(line.count(name) for line in printed.out.splitlines()) == 1, name
    assert {t["file"].split("/")[-1] for t in data["tables"]} == {"good.xlsx", "macro.xlsm"}
    assert {p.name: p.read_bytes() for p in corpus.iterdir()} == before
    unreadable = list(__import__("openpyxl").load_workbook(out / "复核汇总.xlsx")["无法读取"].iter_rows(values_only=True))
    assert len(unreadable) == 1 + len(reasons)
