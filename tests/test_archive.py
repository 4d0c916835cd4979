"""Zip archives given to recalc (readers/archive.py): their tables read under names that say
where they came from, whatever made the archive (Chinese Windows' GBK names, macOS's
__MACOSX), and nothing an archive holds can stop the batch or write outside its folder."""

from __future__ import annotations

import errno
import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbook_builder.readers import archive
from workbook_builder.recalc.run import recalc

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "chaoyang-2024" / "submitted"
TABLE = SAMPLES / "05_朝阳区“城市管理大脑”（一期）.xlsx"   # one finding: its funds score (H6)
OTHER = SAMPLES / "12_朝阳区公共信用信息服务平台.xlsx"        # two findings


def build_zip(members: list[tuple[bytes | str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of (name, data); a name given as bytes is written as those bytes without the UTF-8
    flag (as Windows' compressed folders write GBK names), a str as zipfile writes it."""
    buffer = io.BytesIO()
    raw_names = {}
    with zipfile.ZipFile(buffer, "w", method) as book:
        for number, (name, data) in enumerate(members):
            if isinstance(name, bytes):
                placeholder = chr(ord("A") + number) * len(name)   # found nowhere else in the zip
                raw_names[placeholder.encode()] = name
                name = placeholder
            book.writestr(name, data)
    data = buffer.getvalue()
    for placeholder, raw in raw_names.items():
        data = data.replace(placeholder, raw)
    return data


def run(tmp_path: Path, *paths: Path, copies: bool = False) -> tuple[object, dict]:
    out = tmp_path / "out"
    result = recalc([str(p) for p in paths], out, json_path=out / "r.json", jobs=1, copies=copies)
    return result, json.loads((out / "r.json").read_text(encoding="utf-8"))


def test_gbk_names_from_chinese_windows_are_decoded(tmp_path):
    zipped = tmp_path / "部门A.zip"
    zipped.write_bytes(build_zip([("单位甲/表5.xlsx".encode("gbk"), TABLE.read_bytes()),
                                  ("单位乙/表12.xlsx".encode("utf-8"), OTHER.read_bytes())]))
    result, data = run(tmp_path, zipped)
    assert sorted(r.file for r in result.reports) == ["部门A.zip/单位乙/表12.xlsx", "部门A.zip/单位甲/表5.xlsx"]
    tables = {t["member"]: t for t in data["tables"]}
    assert set(tables) == {"单位甲/表5.xlsx", "单位乙/表12.xlsx"}
    assert {t["uri"] for t in tables.values()} == {zipped.absolute().as_uri()}
    assert [f["cell"] for f in tables["单位甲/表5.xlsx"]["findings"]] == ["H6"]
    assert len(tables["单位乙/表12.xlsx"]["findings"]) == 2
    assert data["unreadable"] == []


def test_names_no_encoding_decodes_are_escaped(tmp_path):
    zipped = tmp_path / "a.zip"
    zipped.write_bytes(build_zip([(b"\xff\xfe\x1b.xlsx", TABLE.read_bytes())]))
    result, _ = run(tmp_path, zipped)
    assert [r.file for r in result.reports] == ["a.zip/\\xff\\xfe\\x1b.xlsx"]


def test_what_is_no_table_is_skipped_and_said(tmp_path):
    zipped = tmp_path / "收到.zip"
    zipped.write_bytes(build_zip([
        ("表5.xlsx", TABLE.read_bytes()), ("__MACOSX/._表5.xlsx", b"\x00\x05\x16\x07"),
        ("__MACOSX/单位/._表6.xlsx", b"\x00\x05\x16\x07"), ("._表7.xlsx", b"\x00\x05\x16\x07"),
        ("说明.txt", b"x"), ("另一批.rar", b"Rar!"), ("~$表5.xlsx", b"lock"), ("目录/", b"")]))
    result, data = run(tmp_path, zipped)
    assert [r.file for r in result.reports] == ["收到.zip/表5.xlsx"]
    passed = {f["member"]: f for f in data["unreadable"]}
    assert set(passed) == {"__MACOSX", "._表7.xlsx", "说明.txt", "另一批.rar", "~$表5.xlsx"}
    assert all(f["skipped"] for f in passed.values())
    assert "（2 个文件）" in passed["__MACOSX"]["message"]
    assert "RAR 压缩包无法直接读取" in passed["另一批.rar"]["message"]
    assert data["summary"]["skipped_files"] == 5 and data["summary"]["unreadable_files"] == 0


def test_archives_inside_archives_are_read_to_a_depth(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MAX_DEPTH", 2)
    innermost = build_zip([("表12.xlsx", OTHER.read_bytes())])
    inner = build_zip([("表5.xlsx", TABLE.read_bytes()), ("更深.zip", innermost)])
    zipped = tmp_path / "部门.zip"
    zipped.write_bytes(build_zip([("单位乙.zip", inner)]))
    result, data = run(tmp_path, zipped)
    assert [r.file for r in result.reports] == ["部门.zip/单位乙.zip/表5.xlsx"]
    [deep] = data["unreadable"]
    assert deep["member"] == "单位乙.zip/更深.zip" and not deep["skipped"]
    assert "嵌套超过 2 层" in deep["message"]
    into = tmp_path / "into"
    into.mkdir()
    archive.unpack(str(zipped), str(into))
    assert os.listdir(into) == ["00001.xlsx"]   # the inner archive removed once unpacked


def test_members_packed_by_a_method_zipfile_cannot_read(tmp_path):
    data = bytearray(build_zip([("表5.xlsx", TABLE.read_bytes()), ("表12.xlsx", OTHER.read_bytes())]))
    for header, at in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):   # the first member's method: 99
        data[data.index(header) + at] = 99
    path = tmp_path / "x.zip"
    path.write_bytes(bytes(data))
    (tmp_path / "into").mkdir()
    unpacked = archive.unpack(str(path), str(tmp_path / "into"))
    assert [m.name for m in unpacked.members] == ["表12.xlsx"]
    assert "不支持的压缩方式" in unpacked.passed[0][1]


def _corrupt_crc(data: bytes) -> bytes:
    """The first member's CRC (in both headers) changed: its bytes no longer match it."""
    info = zipfile.ZipFile(io.BytesIO(data)).infolist()[0]
    crc = info.CRC.to_bytes(4, "little")
    return data.replace(crc, bytes(b ^ 0xFF for b in crc))


def test_damaged_members_and_archives_are_failures_the_batch_goes_on(tmp_path):
    damaged = tmp_path / "坏成员.zip"
    damaged.write_bytes(_corrupt_crc(build_zip([("表5.xlsx", TABLE.read_bytes()), ("表12.xlsx", OTHER.read_bytes())])))
    encrypted = tmp_path / "加密.zip"
    data = bytearray(build_zip([("表5.xlsx", TABLE.read_bytes())]))
    for header in (b"PK\x03\x04", b"PK\x01\x02"):   # the "encrypted" flag in both headers
        at = data.index(header)
        flag = at + (6 if header == b"PK\x03\x04" else 8)
        data[flag] |= 1
    encrypted.write_bytes(bytes(data))
    not_zip = tmp_path / "不是压缩包.zip"
    not_zip.write_bytes(b"this is not a zip archive")
    result, data = run(tmp_path, damaged, encrypted, not_zip, OTHER)
    assert sorted(r.file for r in result.reports) == ["12_朝阳区公共信用信息服务平台.xlsx", "坏成员.zip/表12.xlsx"]
    messages = {f["file"]: f["message"] for f in data["unreadable"]}
    assert "已损坏（解压或校验失败）" in messages["坏成员.zip/表5.xlsx"]
    assert "设置了密码" in messages["加密.zip/表5.xlsx"]
    assert messages["不是压缩包.zip"].startswith("压缩包无法读取：不是 zip 压缩包")
    assert data["summary"]["unreadable_files"] == 3


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_damaged_bz2_and_lzma_members_are_damaged(tmp_path, method):
    good = build_zip([("表5.xlsx", TABLE.read_bytes())], method)
    info = zipfile.ZipFile(io.BytesIO(good)).infolist()[0]
    start = info.header_offset + 30 + len(info.filename) + 40
    bad = good[:start] + bytes(64) + good[start + 64:]
    path = tmp_path / "x.zip"
    path.write_bytes(bad)
    unpacked = archive.unpack(str(path), str(tmp_path))
    assert unpacked.members == []
    [(name, message, skipped)] = unpacked.passed
    assert name == "表5.xlsx" and "已损坏" in message and not skipped
    path.write_bytes(good)   # and undamaged, such a member is read
    (tmp_path / "good").mkdir()
    assert [m.name for m in archive.unpack(str(path), str(tmp_path / "good")).members] == ["表5.xlsx"]


def test_member_names_never_write_outside_the_folder(tmp_path):
    zipped = tmp_path / "a.zip"
    zipped.write_bytes(build_zip([("../../逃逸.xlsx", TABLE.read_bytes()), ("/etc/表.xlsx", OTHER.read_bytes()),
                                  ("..\\..\\反斜杠.xlsx", TABLE.read_bytes()), ("单位\\表.xlsx", OTHER.read_bytes()),
                                  ("./单位/./表2.xlsx", OTHER.read_bytes())]))
    into = tmp_path / "into"
    into.mkdir()
    unpacked = archive.unpack(str(zipped), str(into))
    assert [m.name for m in unpacked.members] == ["../../逃逸.xlsx", "etc/表.xlsx", "../../反斜杠.xlsx", "单位/表.xlsx",
                                                  "单位/表2.xlsx"]
    assert sorted(os.listdir(into)) == [f"0000{n}.xlsx" for n in range(5)]
    assert sorted(os.listdir(tmp_path)) == ["a.zip", "into"]


def test_duplicate_names_and_links_are_skipped(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("表.xlsx", TABLE.read_bytes())
        with pytest.warns(UserWarning):   # zipfile: "Duplicate name"
            book.writestr("表.xlsx", OTHER.read_bytes())
        book.writestr("表.XLSX", OTHER.read_bytes())
        link = zipfile.ZipInfo("链接.xlsx")
        link.external_attr = (0o120777 << 16)
        book.writestr(link, "/etc/passwd")
    zipped = tmp_path / "a.zip"
    zipped.write_bytes(buffer.getvalue())
    into = tmp_path / "into"
    into.mkdir()
    unpacked = archive.unpack(str(zipped), str(into))
    assert [m.name for m in unpacked.members] == ["表.xlsx"]
    assert [(n, skipped) for n, _, skipped in unpacked.passed] == [("表.xlsx", True), ("表.XLSX", True),
                                                                  ("链接.xlsx", True)]
    assert "同名" in unpacked.passed[1][1] and "符号链接" in unpacked.passed[2][1]


def test_bombs_are_refused_by_declared_and_by_real_size(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MAX_FILE_BYTES", 1000)
    zipped = tmp_path / "bomb.zip"
    zipped.write_bytes(build_zip([("大.xlsx", bytes(5000)), ("小.xlsx", bytes(10))]))
    into = tmp_path / "into"
    into.mkdir()
    unpacked = archive.unpack(str(zipped), str(into))
    assert [m.name for m in unpacked.members] == ["小.xlsx"]
    assert "文件过大（0 MB，上限 0 MB）" in unpacked.passed[0][1]   # by its declared size, before unpacking
    # a header that understates the size: zipfile stops at it, and the CRC no longer matches
    data = build_zip([("大.xlsx", bytes(5000))])
    lying = data.replace((5000).to_bytes(4, "little"), (500).to_bytes(4, "little"))
    zipped.write_bytes(lying)
    (tmp_path / "again").mkdir()
    unpacked = archive.unpack(str(zipped), str(tmp_path / "again"))
    assert unpacked.members == [] and "已损坏" in unpacked.passed[0][1]
    assert os.listdir(tmp_path / "again") == []   # nothing left of a refused member


def test_a_member_compressed_like_a_bomb_is_refused(tmp_path):
    zipped = tmp_path / "bomb.zip"
    zipped.write_bytes(build_zip([("炸弹.xlsx", bytes(2_000_000)), ("表5.xlsx", TABLE.read_bytes())]))
    (tmp_path / "into").mkdir()
    unpacked = archive.unpack(str(zipped), str(tmp_path / "into"))
    assert [m.name for m in unpacked.members] == ["表5.xlsx"]
    assert "疑似压缩炸弹" in unpacked.passed[0][1] and os.listdir(tmp_path / "into") == ["00000.xlsx"]


def test_too_many_files_in_one_archive(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MAX_MEMBERS", 2)
    zipped = tmp_path / "a.zip"
    zipped.write_bytes(build_zip([(f"表{n}.xlsx", TABLE.read_bytes()) for n in range(4)]))
    into = tmp_path / "into"
    into.mkdir()
    unpacked = archive.unpack(str(zipped), str(into))
    assert len(unpacked.members) == 2
    assert [n for n, _, _ in unpacked.passed] == ["表2.xlsx", "表3.xlsx"]
    assert all("文件过多" in m for _, m, _ in unpacked.passed)


def test_folders_holding_archives_macos_files_and_the_temporary_folder(tmp_path, monkeypatch):
    folder = tmp_path / "收到的材料"
    (folder / "__MACOSX").mkdir(parents=True)
    (folder / "__MACOSX" / "._a.xlsx").write_bytes(b"\x00\x05\x16\x07")
    (folder / "._表5.xlsx").write_bytes(b"\x00\x05\x16\x07")
    (folder / "部门.zip").write_bytes(build_zip([("表5.xlsx", TABLE.read_bytes())]))
    (folder / "部门2.zip").write_bytes(build_zip([("表12.xlsx", OTHER.read_bytes())]))   # (its own folder)
    (folder / "表12.xlsx").write_bytes(OTHER.read_bytes())
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    result, data = run(tmp_path, folder, copies=True)
    assert sorted(r.file for r in result.reports) == ["收到的材料/表12.xlsx", "收到的材料/部门.zip/表5.xlsx",
                                                      "收到的材料/部门2.zip/表12.xlsx"]
    projects = {r.file.rsplit("/", 1)[-1]: r.project for r in result.reports}   # each archive's own file read
    assert projects["表5.xlsx"] != projects["表12.xlsx"]
    assert sorted((f["file"], f["skipped"]) for f in data["unreadable"]) == [
        ("收到的材料/._表5.xlsx", True), ("收到的材料/__MACOSX", True)]
    assert not list(temporary.glob("perfbook-zip-*"))   # the unpacked files removed at the end
    assert sorted(p.name for p in (tmp_path / "out").glob("*_复核*.xlsx")) == [
        "表12（xlsx）_复核.xlsx", "表12（xlsx）_复核（2）.xlsx", "表5_复核.xlsx"]


def test_summary_links_a_table_read_from_an_archive_to_the_archive(tmp_path):
    zipped = tmp_path / "部门.zip"
    zipped.write_bytes(build_zip([("单位/表5.xlsx", TABLE.read_bytes())]))
    run(tmp_path, zipped)
    sheet = load_workbook(tmp_path / "out" / "复核汇总.xlsx")["项目"]
    cell = sheet["A2"]
    assert cell.value == "部门.zip/单位/表5.xlsx"
    assert cell.hyperlink.target == "../部门.zip"


def test_last_years_result_read_from_an_archive_is_found_again(tmp_path, capsys):
    """``targets check --last-year`` with a recalc JSON whose tables came from a .zip: each is
    read again from the archive by its uri and member (there are no copies to fall back on)."""
    from workbook_builder.cli import main

    data = Path(__file__).resolve().parent / "data" / "targets"
    zipped = tmp_path / "上年.zip"
    last_year = next((data / "last-year").glob("*.xlsx"))
    zipped.write_bytes(build_zip([(f"单位/{last_year.name}".encode("gbk"), last_year.read_bytes())]))
    result, _ = run(tmp_path, zipped)
    assert [r.file for r in result.reports] == [f"上年.zip/单位/{last_year.name}"]
    main(["targets", "check", str(data / "planted.xlsx"), "-o", str(tmp_path / "t"), "--json", str(tmp_path / "t.json"),
          "--last-year", str(tmp_path / "out" / "r.json")])
    checked = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    below = [f for p in checked["projects"] for f in p["findings"] if f["kind"] == "below_last_year"]
    assert [(f["value"], f["limit"]) for f in below] == [(10, 12)]
    assert not any("上年" in note for note in checked.get("notes", []))


def test_a_full_disk_while_unpacking_is_the_members_failure(tmp_path, monkeypatch):
    class Full(io.BytesIO):
        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    def full(path, mode="r"):
        Path(path).touch()   # made, then filling it fails
        return Full()

    monkeypatch.setattr(archive, "open", full, raising=False)
    zipped = tmp_path / "a.zip"
    zipped.write_bytes(build_zip([("表5.xlsx", TABLE.read_bytes())]))
    (tmp_path / "into").mkdir()
    unpacked = archive.unpack(str(zipped), str(tmp_path / "into"))
    assert unpacked.members == []
    assert unpacked.passed == [("表5.xlsx", "文件无法读取：解压时无法写出（磁盘空间不足）", False)]
    assert os.listdir(tmp_path / "into") == []


def test_an_unexpected_error_unpacking_is_that_archives_failure_and_logged(tmp_path, monkeypatch, caplog):
    def broken(*args):
        raise KeyError("a bug")

    monkeypatch.setattr(archive, "unpack", broken)
    zipped = tmp_path / "a.zip"
    zipped.write_bytes(build_zip([("表5.xlsx", TABLE.read_bytes())]))
    with caplog.at_level("ERROR"):
        result, data = run(tmp_path, zipped, OTHER)
    assert [r.file for r in result.reports] == [OTHER.name]
    [failure] = data["unreadable"]
    assert failure["file"] == "a.zip" and failure["message"].startswith("压缩包无法读取：读取时出现意外错误")
    assert "KeyError: 'a bug'" in caplog.text   # its traceback, in the log


@pytest.mark.parametrize(("name", "says"), [
    ("表.pdf", "PDF 文件无法复核：请单位报送 Excel"), ("表.OFD", "OFD 文件无法复核"), ("扫描.JPG", "图片（扫描件或照片）无法复核"),
    ("表.wps", "另存为 .docx"), ("批.7z", "7Z 压缩包无法直接读取"), ("说明.txt", "不是表格或 Word 文件（扩展名“.txt”）"),
    ("无扩展名", "扩展名“无”")])
def test_what_units_send_instead_of_tables_is_named(name, says):
    assert says in archive.skip_reason(name)
