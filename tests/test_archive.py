"""Zip archives given to recalc (readers/archive.py): their tables read under names that say
where they came from, whatever made the archive (Chinese Windows' GBK names, macOS's
__MACOSX), and nothing an archive holds can stop the batch or write outside its folder."""

from __future__ import annotations

import errno
import io
import json
import os
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

import pytest
import shutil
from openpyxl import load_workbook

from workbook_builder.cli import main
from workbook_builder.readers import archive
from workbook_builder.readers.container import RATIO_FROM, UnreadableFile
from workbook_builder.recalc.run import recalc
from tests.test_zip_differential import write_zip

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


def stored_zip(members: list[tuple[bytes, bytes]]) -> bytes:
    """A zip of (raw name, data), stored, written byte by byte: names zipfile will not write
    (an empty one)."""
    out, directory = bytearray(), bytearray()
    for name, data in members:
        crc, offset = zlib.crc32(data), len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0x21, crc, len(data), len(data), len(name), 0)
        out += name + data
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x314, 20, 0, 0, 0, 0x21, crc, len(data), len(data),
                                 len(name), 0, 0, 0, 0, 0, offset) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(out), 0)
    return bytes(out + directory + end)


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
    assert deep["member"] == "单位乙.zip/更深.zip" and not deep["skipped"] and deep["format"] == "zip"
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
def test_bz2_and_lzma_members_are_refused_unread(tmp_path, method):
    """zipfile unpacks these without an output limit (a few KB to gigabytes in memory)."""
    path = tmp_path / "x.zip"
    path.write_bytes(build_zip([("表5.xlsx", TABLE.read_bytes())], method))
    unpacked = archive.unpack(str(path), str(tmp_path))
    assert unpacked.members == [] and os.listdir(tmp_path) == ["x.zip"]
    [(name, message, skipped, entry)] = unpacked.passed
    assert name == entry == "表5.xlsx" and "无法安全解压" in message and not skipped


@pytest.mark.parametrize("damage", ["deflate data", "local name length", "local extra length"])
def test_damaged_members_are_each_that_members_failure(tmp_path, damage):
    good = build_zip([("表5.xlsx", TABLE.read_bytes()), ("表12.xlsx", OTHER.read_bytes())])
    info = zipfile.ZipFile(io.BytesIO(good)).infolist()[1]   # (the last: past it, the end of the file)
    data = bytearray(good)
    if damage == "deflate data":    # zlib refuses it
        start = info.header_offset + 30 + len(info.filename.encode()) + 40
        data[start:start + 64] = bytes([0xFF] * 64)
    elif damage == "local name length":   # a name cut inside a character: not UTF-8 (ValueError)
        data[info.header_offset + 26] -= 1
    else:                           # data beyond the end of the file (EOFError)
        data[info.header_offset + 28:info.header_offset + 30] = (0xF000).to_bytes(2, "little")
    path = tmp_path / "x.zip"
    path.write_bytes(bytes(data))
    (tmp_path / "into").mkdir()
    unpacked = archive.unpack(str(path), str(tmp_path / "into"))
    assert [m.name for m in unpacked.members] == ["表5.xlsx"]
    assert unpacked.passed == [("表12.xlsx", "文件无法读取：压缩包中的这个文件已损坏（解压或校验失败）", False, "表12.xlsx")]


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
    assert [(n, skipped, entry) for n, _, skipped, entry in unpacked.passed] == [
        ("表（2）.xlsx", False, "表.xlsx"), ("表.XLSX", False, "表.XLSX"), ("链接.xlsx", True, "链接.xlsx")]   # (tables not read)
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


def test_a_member_declared_compressed_to_nothing_is_refused(tmp_path):
    """A directory entry stating 20 MB packed into 0 bytes: refused as a bomb (it had divided by
    zero in saying so, and the whole archive was lost)."""
    data = bytearray(build_zip([("表5.xlsx", TABLE.read_bytes()), ("表.xlsx", b"x")], zipfile.ZIP_STORED))
    central = data.rindex(b"PK\x01\x02")   # (the last entry: 表.xlsx)
    data[central + 20:central + 28] = struct.pack("<LL", 0, 20 * 2**20)   # compressed, uncompressed sizes
    (tmp_path / "a.zip").write_bytes(bytes(data))
    (tmp_path / "into").mkdir()
    unpacked = archive.unpack(str(tmp_path / "a.zip"), str(tmp_path / "into"))
    assert [m.name for m in unpacked.members] == ["表5.xlsx"] and "压缩炸弹" in unpacked.passed[0][1]


def test_a_member_compressed_like_a_bomb_is_refused(tmp_path):
    """A large member compressed like a bomb is refused unpacked; a small one (an .xls of empty
    sectors) is unpacked, and read or not as the file it is."""
    zipped = tmp_path / "bomb.zip"
    zipped.write_bytes(build_zip([("炸弹.xlsx", bytes(RATIO_FROM)), ("表5.xlsx", TABLE.read_bytes()),
                                  ("稀疏.xls", bytes(RATIO_FROM - 1))]))
    (tmp_path / "into").mkdir()
    unpacked = archive.unpack(str(zipped), str(tmp_path / "into"))
    assert [m.name for m in unpacked.members] == ["表5.xlsx", "稀疏.xls"]
    assert "压缩炸弹" in unpacked.passed[0][1] and sorted(os.listdir(tmp_path / "into")) == ["00000.xlsx", "00001.xls"]


def test_too_many_files_in_the_archives_of_one_run(tmp_path, monkeypatch):
    """Every file counts (tables or not), across the archives of a run: the lines kept are bounded."""
    monkeypatch.setattr(archive, "MAX_ENTRIES", 3)
    first = tmp_path / "a.zip"
    first.write_bytes(build_zip([("说明.txt", b"x"), ("表5.xlsx", TABLE.read_bytes())]))
    second = tmp_path / "b.zip"
    second.write_bytes(build_zip([(f"表{n}.xlsx", TABLE.read_bytes()) for n in range(4)]))
    (tmp_path / "into").mkdir()
    [one, two] = archive.unpack_all([str(first), str(second)], str(tmp_path / "into"))
    assert [m.name for m in one.members] == ["表5.xlsx"] and [m.name for m in two.members] == ["表0.xlsx"]
    [(name, message, skipped, entry)] = two.passed
    assert name == entry == "" and "已达上限（合计 3 个），这个压缩包中还有 3 个文件未读取" in message and not skipped


def test_unpacked_bytes_are_bounded_across_the_archives_of_one_run(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MAX_UNPACKED", TABLE.stat().st_size + OTHER.stat().st_size)
    first = tmp_path / "a.zip"
    first.write_bytes(build_zip([("表5.xlsx", TABLE.read_bytes())]))
    second = tmp_path / "b.zip"
    second.write_bytes(build_zip([("表12.xlsx", OTHER.read_bytes()), ("表5.xlsx", TABLE.read_bytes())]))
    (tmp_path / "into").mkdir()
    [one, two] = archive.unpack_all([str(first), str(second)], str(tmp_path / "into"))
    assert [m.name for m in one.members] == ["表5.xlsx"] and [m.name for m in two.members] == ["表12.xlsx"]
    assert [(n, "解压后过大" in m) for n, m, _, _ in two.passed] == [("表5.xlsx", True)]


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
    assert list(temporary.iterdir()) == []   # the unpacked files (and every other temporary file) removed
    assert sorted(p.name for p in (tmp_path / "out").glob("*_复核*.xlsx")) == [
        "收到的材料_表12_复核.xlsx", "表5_复核.xlsx", "部门2_表12_复核.xlsx"]   # (where each 表12 came from)


def test_summary_links_a_table_read_from_an_archive_to_the_archive(tmp_path):
    zipped = tmp_path / "部门.zip"
    zipped.write_bytes(build_zip([("单位/表5.xlsx", TABLE.read_bytes())]))
    run(tmp_path, zipped)
    book = load_workbook(tmp_path / "out" / "复核汇总.xlsx")
    cell = book["项目"]["A2"]
    assert cell.value == "部门.zip/单位/表5.xlsx"
    assert cell.hyperlink.target == "../部门.zip"
    finding = book["问题"]["D2"]   # its cell: no address inside the .zip (Excel could not open one)
    assert finding.value == "H6" and finding.hyperlink.target == "../部门.zip" and not finding.hyperlink.location


def _below_last_year(tmp_path: Path, result_json: Path, name: str) -> tuple[list, list]:
    from workbook_builder.targets.run import check_targets

    data = Path(__file__).resolve().parent / "data" / "targets"
    checked = check_targets([str(data / "planted.xlsx")], tmp_path / name, last_year=result_json)
    below = [(f.value, f.limit) for p in checked.projects for f in p.findings if f.kind == "below_last_year"]
    return below, checked.notes


def test_last_years_result_read_from_an_archive_is_found_again(tmp_path):
    """``targets check --last-year`` with a recalc JSON whose tables came from a .zip: each is
    read again from the archive by its uri and member; when the archive is gone, from its
    annotated copy beside the JSON; with neither, a note says so."""
    data = Path(__file__).resolve().parent / "data" / "targets"
    zipped = tmp_path / "上年.zip"
    last_year = next((data / "last-year").glob("*.xlsx"))
    zipped.write_bytes(build_zip([(f"单位/{last_year.name}".encode("gbk"), last_year.read_bytes()),
                                  (f"另一单位/{last_year.name}".encode("gbk"), last_year.read_bytes())]))
    result, _ = run(tmp_path, zipped, copies=True)
    assert sorted(r.file for r in result.reports) == [f"上年.zip/单位/{last_year.name}",
                                                      f"上年.zip/另一单位/{last_year.name}"]
    result_json = tmp_path / "out" / "r.json"
    copies = sorted((tmp_path / "out").glob("*_复核*.xlsx"))
    (tmp_path / "away").mkdir()
    for copy in copies:
        copy.rename(tmp_path / "away" / copy.name)
    assert _below_last_year(tmp_path, result_json, "a") == ([(10, 12)], [])   # from the archive
    zipped.rename(tmp_path / "away" / zipped.name)
    with pytest.raises(Exception, match="没有读到任何实际完成值"):   # from nowhere
        _below_last_year(tmp_path, result_json, "b")
    for copy in copies:
        (tmp_path / "away" / copy.name).rename(copy)
    assert _below_last_year(tmp_path, result_json, "c") == ([(10, 12)], [])   # from the copies


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
    assert unpacked.passed == [("表5.xlsx", "文件无法读取：解压时无法写出（磁盘空间不足）", False, "表5.xlsx")]
    assert os.listdir(tmp_path / "into") == []


def test_an_unexpected_error_unpacking_is_that_archives_failure_and_logged(tmp_path, monkeypatch, caplog):
    """A bug met in one archive is that archive's line (its traceback logged); the others are
    read, and the count goes on from one archive to the next."""
    real = archive.unpack

    def broken(path, *args, **kwargs):
        if path.endswith("a.zip"):
            raise KeyError("a bug")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(archive, "unpack", broken)   # (the workers are forked: they see it)
    monkeypatch.setattr(archive, "MAX_ENTRIES", 3)
    for name in ("a.zip", "b.zip", "c.zip"):
        (tmp_path / name).write_bytes(build_zip([("表5.xlsx", TABLE.read_bytes()), ("表12.xlsx", OTHER.read_bytes())]))
    with caplog.at_level("ERROR"):
        result, data = run(tmp_path, tmp_path / "b.zip", tmp_path / "a.zip", tmp_path / "c.zip", OTHER)
    assert sorted(r.file for r in result.reports) == [OTHER.name, "b.zip/表12.xlsx", "b.zip/表5.xlsx", "c.zip/表5.xlsx"]
    [failure, more] = data["unreadable"]
    assert failure["file"] == "a.zip" and failure["message"] == "压缩包无法读取：解压时出现意外错误（已记入日志），已跳过"
    assert more["file"] == "c.zip" and "还有 1 个文件未读取" in more["message"]
    assert "KeyError: 'a bug'" in caplog.text and "a.zip" in caplog.text


def test_an_archive_that_kills_its_worker_fails_alone(tmp_path, monkeypatch):
    """The archives share one worker; when one kills it, each is unpacked again in its own worker
    (the count carried on), so that only the culprit fails."""
    real = archive.unpack

    def crash(path, *args, **kwargs):
        if path.endswith("a.zip"):
            os._exit(1)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(archive, "unpack", crash)
    monkeypatch.setattr(archive, "MAX_ENTRIES", 3)
    for name in ("a.zip", "b.zip", "c.zip"):
        (tmp_path / name).write_bytes(build_zip([("表5.xlsx", TABLE.read_bytes()), ("表12.xlsx", OTHER.read_bytes())]))
    result, data = run(tmp_path, tmp_path / "b.zip", tmp_path / "a.zip", tmp_path / "c.zip")
    assert sorted(r.file for r in result.reports) == ["b.zip/表12.xlsx", "b.zip/表5.xlsx", "c.zip/表5.xlsx"]
    [failure, more] = data["unreadable"]
    assert failure["file"] == "a.zip" and failure["message"] == "压缩包无法读取：读取时进程意外退出，已跳过"
    assert more["file"] == "c.zip" and "还有 1 个文件未读取" in more["message"]


@pytest.mark.parametrize(("name", "says"), [
    ("表.pdf", "PDF 文件无法读取：请报送 Excel"), ("表.OFD", "OFD 文件无法读取"), ("扫描.JPG", "图片（扫描件或照片）无法读取"),
    ("表.wps", "另存为 .docx"), ("批.7z", "7Z 压缩包无法直接读取"), ("说明.txt", "不是表格或 Word 文件（扩展名“.txt”）"),
    ("无扩展名", "扩展名“无”"), ("表.numbers", "导出为 Excel"), ("表.fods", "另存为 .ods 或 .xlsx"),
    ("导出.CSV", "已跳过；如果它是导出的自评表，请用 Excel 或 WPS 打开后另存为 .xlsx"),
    ("批.tar.gz", "GZ 压缩包无法直接读取，请解压"), ("批.tgz", "TGZ 压缩包"), ("网页.mht", "单个文件网页（.mht）无法直接读取")])
def test_what_units_send_instead_of_tables_is_named(name, says):
    assert says in archive.skip_reason(name)


def test_sigterm_ends_the_run_and_removes_the_unpacked_files(tmp_path):
    """``kill`` (or a closed terminal) during a run: the command ends with 128 + the signal's
    number, and its temporary folders (unpacked members, the summary's rows) are removed."""
    import signal
    import subprocess
    import sys
    import time

    zipped = tmp_path / "many.zip"
    zipped.write_bytes(build_zip([(f"单位{n}/表5.xlsx", TABLE.read_bytes()) for n in range(1500)]))
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    perfbook = Path(sys.executable).with_name("perfbook")
    process = subprocess.Popen([str(perfbook), "recalc", str(zipped), "-o", str(tmp_path / "out")],
                               env={**os.environ, "TMPDIR": str(temporary)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not list(temporary.glob("perfbook-run-*/*/*.xlsx")) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)   # (once: a second one ends the process at once)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, err.decode()
    assert list(temporary.iterdir()) == []


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_signal_keeps_what_was_done_as_ctrl_c_does(tmp_path, name):
    """``kill`` or a closed terminal in the middle of a run: the summary and the JSON of the files
    done are written (partial), as on Ctrl+C, and the code is 128 + the signal's number."""
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "收到"
    folder.mkdir()
    for n in range(3000):
        shutil.copy(TABLE, folder / f"{n:04d}.xlsx")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    perfbook = Path(sys.executable).with_name("perfbook")
    out = tmp_path / "out"
    process = subprocess.Popen([str(perfbook), "recalc", str(folder), "-o", str(out), "--json", str(out / "r.json"),
                                "--no-copies"], env={**os.environ, "TMPDIR": str(temporary)},
                               stdout=(tmp_path / "out.txt").open("wb"), stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    def written() -> int:   # the summary's rows so far: files are being done
        try:
            return sum(p.stat().st_size for p in temporary.glob("perfbook-run-*/perfbook-summary-*/*"))
        except FileNotFoundError:   # (removed as it was looked at)
            return 0

    while written() < 20_000 and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(getattr(signal, name))
    _, err = process.communicate(timeout=120)
    assert process.returncode == 128 + getattr(signal, name), err.decode()
    data = json.loads((out / "r.json").read_text(encoding="utf-8"))
    assert data["partial"] is True and 0 < len(data["tables"]) < 3000 and "复核已中断" in err.decode()
    assert (tmp_path / "out.txt").read_text(encoding="utf-8").startswith("复核已中断，以下只含已完成的文件：共找到 3000 个文件")
    assert load_workbook(out / "复核汇总.xlsx", read_only=True).sheetnames[0] == "说明"
    assert list(temporary.iterdir()) == []


def test_gbk_names_whose_second_byte_is_a_backslash(tmp_path):
    """In GBK, 0x5C (\\) is also the second byte of 誠, 衆, 運 …: the name is decoded before a
    backslash is read as a folder separator."""
    zipped = tmp_path / "a.zip"
    zipped.write_bytes(build_zip([("網站運維誠信.xlsx".encode("gbk"), TABLE.read_bytes()),
                                  ("單位\\衆創.xlsx".encode("gbk"), OTHER.read_bytes())]))
    (tmp_path / "into").mkdir()
    unpacked = archive.unpack(str(zipped), str(tmp_path / "into"))
    assert [m.name for m in unpacked.members] == ["網站運維誠信.xlsx", "單位/衆創.xlsx"]


def test_empty_archives_and_special_files_named_zip(tmp_path):
    empty = tmp_path / "空.zip"
    empty.write_bytes(build_zip([]))
    folders = tmp_path / "只有文件夹.zip"
    folders.write_bytes(build_zip([("单位/", b"")]))
    fifo = tmp_path / "管道.zip"
    os.mkfifo(fifo)
    result, data = run(tmp_path, empty, folders, fifo, OTHER)
    assert [r.file for r in result.reports] == [OTHER.name]
    messages = {f["file"]: (f["message"], f["skipped"]) for f in data["unreadable"]}
    assert messages == {"空.zip": ("压缩包无法读取：压缩包中没有文件", False),
                        "只有文件夹.zip": ("压缩包无法读取：压缩包中没有文件", False),
                        "管道.zip": ("压缩包无法读取：不是普通文件（是设备、管道或其他特殊文件）", False)}


def test_an_office_document_named_zip_is_read_as_it_is(tmp_path):
    renamed = tmp_path / "表5.zip"
    renamed.write_bytes(TABLE.read_bytes())
    holder = tmp_path / "部门.zip"
    holder.write_bytes(build_zip([("表12.zip", OTHER.read_bytes())]))
    result, data = run(tmp_path, renamed, holder)
    assert sorted((r.file, len(r.findings)) for r in result.reports) == [("表5.zip", 1), ("部门.zip/表12.zip", 2)]
    assert data["unreadable"] == []


def test_files_of_one_name_in_two_places_keep_their_own_names_and_uris(tmp_path, monkeypatch):
    for folder, source in (("甲", TABLE), ("乙", OTHER)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "自评表.zip").write_bytes(build_zip([("表.xlsx", source.read_bytes())]))
        shutil.copy(source, tmp_path / folder / "表.xlsx")
    monkeypatch.chdir(tmp_path)
    result, data = run(tmp_path, *(Path(f) / n for f in ("甲", "乙") for n in ("自评表.zip", "表.xlsx")))
    files = {t["file"]: t for t in data["tables"]}
    assert sorted(files) == ["乙/自评表.zip/表.xlsx", "乙/表.xlsx", "甲/自评表.zip/表.xlsx", "甲/表.xlsx"]
    for folder, findings in (("甲", 1), ("乙", 2)):
        table = files[f"{folder}/自评表.zip/表.xlsx"]
        assert table["uri"] == (tmp_path / folder / "自评表.zip").as_uri() and len(table["findings"]) == findings
        assert files[f"{folder}/表.xlsx"]["uri"] == (tmp_path / folder / "表.xlsx").as_uri()


def test_labels_shared_even_as_given_are_numbered(tmp_path, monkeypatch):
    """A name whose bytes are not UTF-8 is shown escaped (\\xff): a file really called \\xff is
    shown alike; the second is numbered, so that each label names one file."""
    weird = Path(os.fsdecode(bytes(tmp_path) + b"/\xff.xlsx"))   # the byte 0xFF: no UTF-8
    shutil.copy(TABLE, weird)
    shutil.copy(OTHER, tmp_path / "\\xff.xlsx")
    monkeypatch.chdir(tmp_path)
    result, data = run(tmp_path, Path(weird.name), Path("\\xff.xlsx"))
    assert sorted(t["file"] for t in data["tables"]) == ["\\xff.xlsx", "\\xff（2）.xlsx"]
    assert len({t["uri"] for t in data["tables"]}) == 2


def test_a_path_inside_an_archive_and_an_inner_archive_of_one_name(tmp_path):
    zipped = tmp_path / "a.zip"
    zipped.write_bytes(build_zip([("inner.zip/t.xlsx", TABLE.read_bytes()),
                                  ("inner.zip", build_zip([("t.xlsx", OTHER.read_bytes())]))]))
    result, data = run(tmp_path, zipped)
    assert sorted(r.file for r in result.reports) == ["a.zip/inner.zip/t.xlsx", "a.zip/inner.zip/t（2）.xlsx"]
    # (member is the path as the archives write it: here the same, of a folder and of an inner archive)
    assert sorted(t["member"] for t in data["tables"]) == ["inner.zip/t.xlsx", "inner.zip/t.xlsx"]
    assert sorted(p.name for p in (tmp_path / "out").glob("*_复核*")) == []   # (no copies asked)
    assert {t["format"] for t in data["tables"]} == {"xlsx"}


def test_named_files_that_never_hold_a_table_say_what_to_send(tmp_path):
    """A .rar or a .pdf named on the command line: said what to send instead, and counted as not
    read (the user meant it to be read; only such files found in a folder are passed over by rule)."""
    rar = tmp_path / "收到.rar"
    rar.write_bytes(b"Rar!\x1a\x07\x00")
    pdf = tmp_path / "表.pdf"
    pdf.write_bytes(b"%PDF-1.7")
    result, data = run(tmp_path, rar, pdf, OTHER)
    messages = {f["file"]: (f["message"], f["skipped"]) for f in data["unreadable"]}
    assert messages == {"收到.rar": ("未读取：RAR 压缩包无法直接读取，请解压（或改用 .zip 压缩）后再试", False),
                        "表.pdf": ("未读取：PDF 文件无法读取：请报送 Excel（.xlsx）或 Word（.docx）版的表格", False)}
    (tmp_path / "收到").mkdir()   # the same in a folder: passed over by rule
    pdf.rename(tmp_path / "收到" / "表.pdf")
    _, data = run(tmp_path, tmp_path / "收到")
    assert [(f["file"], f["skipped"]) for f in data["unreadable"]] == [("收到/表.pdf", True)]


def test_ctrl_c_while_unpacking_writes_a_partial_summary(tmp_path, monkeypatch):
    from workbook_builder.recalc import run as recalc_run

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(recalc_run, "unpack_archives", interrupted)
    zipped = tmp_path / "a.zip"
    zipped.write_bytes(build_zip([("表5.xlsx", TABLE.read_bytes())]))
    result, data = run(tmp_path, zipped, OTHER)
    assert result.partial and data["partial"] and data["tables"] == []
    assert load_workbook(tmp_path / "out" / "复核汇总.xlsx").sheetnames[0] == "说明"


def test_a_temporary_file_that_cannot_be_removed_is_logged(tmp_path, monkeypatch, caplog):
    from workbook_builder.recalc.run import _remove_folder

    folder = tmp_path / "perfbook-zip-x"
    folder.mkdir()
    (folder / "00000.xlsx").write_bytes(b"x")
    real = os.unlink

    def refuse(path, *args, **kwargs):
        if str(path).endswith(".xlsx"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", refuse)
    with caplog.at_level("WARNING", logger="perfbook"):
        _remove_folder(str(folder))
    assert "无法删除" in caplog.text and "PermissionError" in caplog.text


def test_an_archive_whose_directory_zipfile_refuses(tmp_path):
    data = bytearray(build_zip([("表.xlsx".encode("gbk"), TABLE.read_bytes())]))
    data[data.index(b"PK\x01\x02") + 6] = 99   # version needed to extract: 9.9
    path = tmp_path / "a.zip"
    path.write_bytes(bytes(data))
    with pytest.raises(UnreadableFile, match="目录已损坏或使用了不支持的格式"):
        archive.unpack(str(path), str(tmp_path))


@pytest.mark.parametrize("how", ["plain", "prepended", "zip64"])
def test_gbk_names_flagged_utf8_are_read(tmp_path, how):
    """Some zip tools on Chinese Windows set the UTF-8 flag on GBK names: zipfile refuses the whole
    archive; each such name is read as the bytes it is (the flags cleared as read, the file untouched),
    beside a name that is UTF-8 as flagged; also after a self-extracting stub, and in a zip64 archive
    (its directory found through the zip64 end record, its local headers' offsets in extra fields)."""
    gbk = {letter * 15: f"单位{unit}/表{n}.xlsx".encode("gbk") for letter, unit, n in (("A", "甲", 5), ("B", "丙", 2))}
    members = [("单位乙/表7.xlsx", OTHER.read_bytes(), zipfile.ZIP_DEFLATED, False),
               *((placeholder, TABLE.read_bytes(), zipfile.ZIP_DEFLATED, False) for placeholder in gbk)]
    data = (b"MZ" + bytes(500) if how == "prepended" else b"") + write_zip(members, "zip64" if how == "zip64" else "plain")
    for placeholder, name in gbk.items():
        data = data.replace(placeholder.encode(), name)
        data = bytearray(data)
        data[data.index(name) - 30 + 7] |= 0x08    # bit 11 (0x800): "UTF-8", in the local header
        data[data.rindex(name) - 46 + 9] |= 0x08   # and in the directory
        data = bytes(data)
    path = tmp_path / "a.zip"
    path.write_bytes(data)
    with pytest.raises(UnicodeDecodeError):
        zipfile.ZipFile(path)
    (tmp_path / "out").mkdir()
    done = archive.unpack(str(path), str(tmp_path / "out"))
    assert [m.name for m in done.members] == ["单位乙/表7.xlsx", "单位甲/表5.xlsx", "单位丙/表2.xlsx"]
    assert done.passed == []
    assert [Path(m.path).read_bytes() for m in done.members] == [OTHER.read_bytes(), TABLE.read_bytes(), TABLE.read_bytes()]
    assert path.read_bytes() == data


def test_damaged_archives_of_every_kind_are_unreadable_files_never_errors(tmp_path):
    """A few thousand random corruptions of an archive's members and directory: each comes back
    as what was unpacked and what was not (with a reason), or as an UnreadableFile."""
    import random

    good = build_zip([("表5.xlsx", TABLE.read_bytes()), ("单位/表12.xlsx", OTHER.read_bytes())])
    rng = random.Random(19)
    path = tmp_path / "x.zip"
    kinds = set()
    for number in range(2500):
        data = bytearray(good)
        for _ in range(rng.randint(1, 3)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path.write_bytes(bytes(data))
        into = tmp_path / f"into{number}"
        into.mkdir()
        try:
            unpacked = archive.unpack(str(path), str(into))
        except UnreadableFile as err:
            kinds.add(str(err))
            continue
        assert len(unpacked.members) + len(unpacked.passed) >= 1
        assert sorted(os.listdir(into)) == sorted(Path(m.path).name for m in unpacked.members)
        kinds.update(reason for _, reason, _, _ in unpacked.passed)
    assert any("已损坏（解压或校验失败）" in k for k in kinds) and any("目录已损坏" in k for k in kinds)


def test_every_file_of_an_archive_has_a_shown_name_of_its_own(tmp_path):
    """Names that read alike (a GBK name and its UTF-8 twin, \\ for /), entries without a name,
    a file called __MACOSX beside the folder, __MACOSX found as a folder anywhere in a path."""
    inner = stored_zip([(b"", b"x"), ("表.xlsx".encode(), TABLE.read_bytes())])
    zipped = tmp_path / "a.zip"
    zipped.write_bytes(stored_zip([
        ("单位/表5.xlsx".encode("gbk"), TABLE.read_bytes()), ("单位/表5.xlsx".encode(), OTHER.read_bytes()),
        ("单位\\表5.xlsx".encode(), OTHER.read_bytes()), (b"", b"x"), (b".", b"y"), (b"__MACOSX", b"z"),
        (b"__MACOSX/._a", b"m"), (b"a__MACOSX_b/__MACOSX/._c", b"m"), (b"in.zip", inner),
        ("表\u00e9.xlsx".encode(), TABLE.read_bytes()), ("表e\u0301.xlsx".encode(), OTHER.read_bytes())]))
    (tmp_path / "into").mkdir()
    unpacked = archive.unpack(str(zipped), str(tmp_path / "into"))
    names = [m.name for m in unpacked.members] + [n for n, _, _, _ in unpacked.passed]
    assert len(names) == len(set(names))
    assert sorted(names) == sorted([
        "单位/表5.xlsx", "单位/表5（2）.xlsx", "单位/表5（3）.xlsx", "（没有文件名）", "（没有文件名）（2）",
        "__MACOSX", "__MACOSX（2）", "a__MACOSX_b/__MACOSX", "in.zip/（没有文件名）", "in.zip/表.xlsx",
        "表\u00e9.xlsx", "表e\u0301（2）.xlsx"])   # (é as one character, then as e and an accent)
    assert dict((n, r) for n, r, _, _ in unpacked.passed)["a__MACOSX_b/__MACOSX"].startswith("macOS")
    # the path each has in the archive, as written there (never numbered: the JSON's member)
    assert sorted([m.entry for m in unpacked.members] + [e for _, _, _, e in unpacked.passed]) == sorted([
        "单位/表5.xlsx", "单位/表5.xlsx", "单位/表5.xlsx", "", "", "__MACOSX", "__MACOSX", "a__MACOSX_b/__MACOSX",
        "in.zip/", "in.zip/表.xlsx", "表\u00e9.xlsx", "表e\u0301.xlsx"])


def test_an_archive_that_only_looks_like_a_workbook_is_unpacked(tmp_path):
    zipped = tmp_path / "a.zip"
    zipped.write_bytes(build_zip([("[Content_Types].xml", b"<Types/>"), ("xl/说明.txt", b"x"),
                                  ("单位A/表5.xlsx", TABLE.read_bytes())]))
    result, _ = run(tmp_path, zipped)
    assert [r.file for r in result.reports] == ["a.zip/单位A/表5.xlsx"]


def test_an_ods_or_xls_named_zip_is_read_as_it_is(tmp_path):
    formats = Path(__file__).resolve().parent / "data" / "formats"
    for source in formats.glob("26_website.*"):
        shutil.copy(source, tmp_path / f"{source.suffix[1:]}表.zip")
    result, data = run(tmp_path, tmp_path / "ods表.zip", tmp_path / "xls表.zip")
    assert sorted((r.file, r.format) for r in result.reports) == [("ods表.zip", "ods"), ("xls表.zip", "xls")]
    assert data["unreadable"] == []


def test_skipped_files_in_folders_of_one_name_keep_their_own_names(tmp_path, monkeypatch):
    for side in ("A", "B"):
        (tmp_path / side / "d").mkdir(parents=True)
        (tmp_path / side / "d" / "readme.txt").write_text("x")
        shutil.copy(TABLE, tmp_path / side / "d" / "表.xlsx")
    (tmp_path / "A" / "d" / "链接.xlsx").symlink_to(tmp_path / "A" / "d" / "表.xlsx")
    monkeypatch.chdir(tmp_path)
    result, data = run(tmp_path, Path("A/d"), Path("B/d"), Path("A/d"))   # (A/d twice: its lines once)
    assert sorted(f["file"] for f in data["unreadable"]) == ["A/d/readme.txt", "B/d/readme.txt", "d/链接.xlsx"]
    assert sorted(t["file"] for t in data["tables"]) == ["A/d/表.xlsx", "B/d/表.xlsx"]


def test_an_archive_whose_directory_is_too_large_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MAX_DIRECTORY", 200)
    zipped = tmp_path / "a.zip"
    zipped.write_bytes(build_zip([(f"表{n}.xlsx", TABLE.read_bytes()) for n in range(5)]))
    with pytest.raises(UnreadableFile, match="条目过多"):
        archive.unpack(str(zipped), str(tmp_path))


def test_last_years_folder_of_archives_is_read(tmp_path):
    data = Path(__file__).resolve().parent / "data" / "targets"
    last_year = next((data / "last-year").glob("*.xlsx"))
    folder = tmp_path / "上年"
    folder.mkdir()
    (folder / "部门.zip").write_bytes(build_zip([(f"单位/{last_year.name}".encode("gbk"), last_year.read_bytes())]))
    assert _below_last_year(tmp_path, folder, "a") == ([(10, 12)], [])


def test_the_sample_archive_as_windows_makes_it(tmp_path, monkeypatch):
    """samples/chaoyang-2024/zipped/区数据局报送.zip is what make_zipped.py builds (GBK names, no
    UTF-8 flag), and recalc reads its three tables under their Chinese names with the findings
    the same tables give unpacked."""
    import importlib.util

    samples = Path(__file__).resolve().parent.parent / "samples" / "chaoyang-2024"
    sample = samples / "zipped" / "区数据局报送.zip"
    spec = importlib.util.spec_from_file_location("make_zipped", samples / "make_zipped.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", tmp_path)
    monkeypatch.setattr(module, "SUBMITTED", samples / "submitted")
    (tmp_path / "zipped").mkdir()
    module.main()
    assert (tmp_path / "zipped" / sample.name).read_bytes() == sample.read_bytes()
    assert all(not info.flag_bits & 0x800 for info in zipfile.ZipFile(sample).infolist())
    result, _ = run(tmp_path, sample)
    found = sorted((r.file.split("/")[2], f.cell) for r in result.reports for f in r.findings)
    assert found == [("单位A_数据中心", "H6"), ("单位B_信用办", "G6"), ("单位B_信用办", "H6"), ("单位C_网站中心", "J14")]


def test_signal_handlers_are_the_commands_own(tmp_path):
    """main() puts back the handlers it found; off the main thread it installs none (Python only
    catches signals there); a guarded worker just ends on SIGTERM, as before."""
    import signal
    import threading

    from workbook_builder.recalc.guard import run_guarded

    before = signal.getsignal(signal.SIGTERM)
    assert main(["profiles"]) == 0
    assert signal.getsignal(signal.SIGTERM) is before
    codes = []
    thread = threading.Thread(target=lambda: codes.append(main(["profiles"])))
    thread.start()
    thread.join()
    assert codes == [0]

    from workbook_builder.cli import Stopped

    def stop(number, frame):
        raise Stopped(number)

    signal.signal(signal.SIGTERM, stop)   # as main() sets it, inherited by the forked workers
    try:
        [(_, outcome)] = list(run_guarded(_kill_self, [()], 1, lambda job, reason: reason))
    finally:
        signal.signal(signal.SIGTERM, before)
    assert outcome == "读取时进程意外退出，已跳过"


def test_a_second_signal_ends_the_stop_at_once():
    """The first SIGTERM stops the command where it is (Stopped, what is done is kept); a second
    one, while that stop goes on (blocked writing to a pipe no one reads, or waiting for a
    worker), ends the process as the signal does by default."""
    import signal
    import subprocess
    import sys

    script = ("import os, signal\n"
              "from workbook_builder.cli import Stopped, _stop_on_signals\n"
              "with _stop_on_signals() as received:\n"
              "    try:\n"
              "        os.kill(os.getpid(), signal.SIGTERM)\n"
              "    except Stopped:\n"
              "        print('stopped', received, flush=True)\n"
              "        os.kill(os.getpid(), signal.SIGHUP)\n"
              "        print('still running')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == -signal.SIGHUP and done.stdout == f"stopped [{int(signal.SIGTERM)}]\n", done.stderr


def _kill_self():
    import signal

    os.kill(os.getpid(), signal.SIGTERM)


def test_a_web_page_or_a_truncated_zip64_named_zip(tmp_path):
    page = tmp_path / "网页.zip"
    page.write_bytes("<html><body><table><tr><td>项目名称</td></tr></table></body></html>".encode("gbk"))
    (tmp_path / "into").mkdir()
    assert archive.unpack(str(page), str(tmp_path / "into")).as_file   # read as the page it is
    cut = tmp_path / "截断.zip"   # a zip64 locator and an end record, nothing else
    cut.write_bytes(struct.pack("<IIQI", 0x07064B50, 0, 0, 1) + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, 46, 0, 0))
    with pytest.raises(UnreadableFile, match="不是 zip 压缩包"):
        archive.unpack(str(cut), str(tmp_path / "into"))


def test_a_failed_members_file_that_cannot_be_removed_is_logged(tmp_path, monkeypatch, caplog):
    zipped = tmp_path / "a.zip"
    zipped.write_bytes(_corrupt_crc(build_zip([("表5.xlsx", TABLE.read_bytes())])))
    (tmp_path / "into").mkdir()

    def refuse(path):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(os, "remove", refuse)
    with caplog.at_level("DEBUG", logger="perfbook"):
        unpacked = archive.unpack(str(zipped), str(tmp_path / "into"))
    assert "已损坏" in unpacked.passed[0][1]
    assert "无法删除" in caplog.text and "PermissionError" in caplog.text


def test_a_folder_named_zip_beside_an_archive_and_a_file_named_twice(tmp_path):
    (tmp_path / "d1").mkdir()
    (tmp_path / "d1" / "收到.zip").write_bytes(build_zip([("单位A/表1.xlsx", TABLE.read_bytes())]))
    (tmp_path / "d2" / "收到.zip" / "单位A").mkdir(parents=True)
    shutil.copy(OTHER, tmp_path / "d2" / "收到.zip" / "单位A" / "表1.xlsx")
    (tmp_path / "d3").mkdir()
    shutil.copy(OTHER, tmp_path / "d3" / "表.txt")   # a workbook named .txt: read when named
    result, data = run(tmp_path, tmp_path / "d1" / "收到.zip", tmp_path / "d2" / "收到.zip", tmp_path / "d3",
                       tmp_path / "d3" / "表.txt")
    files = sorted(t["file"] for t in data["tables"])
    assert len(files) == len(set(files)) == 3
    by_uri = {t["uri"]: t for t in data["tables"]}
    assert by_uri[(tmp_path / "d1" / "收到.zip").as_uri()]["member"] == "单位A/表1.xlsx"
    assert data["unreadable"] == []   # 表.txt read (named), not also skipped (in its folder)


def test_the_runs_temporary_files_are_in_one_folder_removed_at_the_end(tmp_path, monkeypatch):
    """The workers' own temporary files (a copy written from values) go in the run's folder, so
    that a worker killed in the middle of one leaves nothing behind; the caller's is put back."""
    from workbook_builder.recalc import copies

    seen = tmp_path / "seen.txt"

    def record(*args, **kwargs):
        seen.write_text(tempfile.gettempdir(), encoding="utf-8")
        raise OSError(28, "No space left on device")

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(copies, "write_copy", record)
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    result, _ = run(tmp_path, OTHER, copies=True)
    used = Path(seen.read_text(encoding="utf-8"))
    assert used.parent == temporary and used.name.startswith("perfbook-run-")
    assert "磁盘空间不足" in result.reports[0].annotation_error
    assert tempfile.tempdir == str(temporary) and list(temporary.iterdir()) == []


def _mask() -> set:
    import signal

    return set(signal.pthread_sigmask(signal.SIG_BLOCK, []))


def test_stop_signals_are_held_while_a_worker_is_forked(monkeypatch):
    """A SIGTERM that lands inside fork's own callbacks would be lost (Python ignores what its
    handler raises there): the parent holds SIGTERM/SIGHUP back while it forks, and the worker
    takes them again."""
    import multiprocessing.process
    import signal

    from workbook_builder.recalc.guard import run_guarded

    during = []
    real = multiprocessing.process.BaseProcess.start

    def start(self):
        during.append(_mask())
        return real(self)

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", start)
    [(_, in_worker)] = list(run_guarded(_mask, [()], 1, lambda job, reason: reason))
    assert signal.SIGTERM in during[0] and signal.SIGHUP in during[0]
    assert signal.SIGTERM not in _mask() and signal.SIGTERM not in in_worker


def test_a_worker_dies_with_its_killed_parent(tmp_path):
    """A run killed outright (SIGKILL, or a signal lost while forking) leaves no worker waiting
    on forever: the kernel ends it with its parent."""
    import signal
    import subprocess
    import sys
    import time

    pid_file = tmp_path / "worker.pid"
    script = (
        "import os, sys, time\n"
        "from workbook_builder.recalc.guard import run_guarded\n"
        "def work(path):\n"
        "    open(path, 'w').write(str(os.getpid()))\n"
        "    time.sleep(60)\n"
        f"list(run_guarded(work, [({str(pid_file)!r},)], 1, lambda job, reason: reason))\n")
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).resolve().parent.parent)
    deadline = time.monotonic() + 30
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    worker = int(pid_file.read_text())
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(worker, signal.SIGKILL)
    raise AssertionError("the worker outlived its parent")


def _ends_if_orphaned():
    from workbook_builder.recalc.guard import _die_with

    _die_with(-1)   # a parent that is not this process's: it is gone already
    os._exit(7)


def test_a_worker_whose_parent_is_already_gone_ends_at_once():
    import multiprocessing

    process = multiprocessing.get_context("fork").Process(target=_ends_if_orphaned)
    process.start()
    process.join(10)
    assert process.exitcode == 0


def test_an_earlier_runs_summary_among_the_tables_is_skipped_and_said(tmp_path):
    folder = tmp_path / "收到"
    folder.mkdir()
    shutil.copy(OTHER, folder / "表12.xlsx")
    run(tmp_path, folder)   # its 复核汇总.xlsx, put back among the tables
    shutil.copy(tmp_path / "out" / "复核汇总.xlsx", folder / "复核汇总.xlsx")
    shutil.rmtree(tmp_path / "out")
    result, data = run(tmp_path, folder)
    assert [r.file for r in result.reports] == ["收到/表12.xlsx"]
    assert data["unreadable"] == [{"file": "收到/复核汇总.xlsx", "message": "未读取：perfbook 写出的复核汇总，不是自评表，已跳过",
                                   "format": "xlsx", "skipped": True, "uri": (folder / "复核汇总.xlsx").as_uri(),
                                   "member": ""}]


def test_a_table_added_to_the_summary_a_unit_was_sent_is_read(tmp_path):
    """A unit sends back the 复核汇总.xlsx it received with its corrected table added as a sheet:
    the table is read (the summary's own sheets are not)."""
    from openpyxl import load_workbook

    folder = tmp_path / "收到"
    folder.mkdir()
    shutil.copy(OTHER, folder / "表12.xlsx")
    run(tmp_path, folder)
    book = load_workbook(tmp_path / "out" / "复核汇总.xlsx")
    added = book.create_sheet("改正后的自评表")
    for row in load_workbook(OTHER)["自评表"].iter_rows(values_only=True):
        added.append(row)
    (folder / "表12.xlsx").unlink()
    book.save(folder / "复核汇总.xlsx")
    shutil.rmtree(tmp_path / "out")
    result, data = run(tmp_path, folder)
    assert [(r.file, r.sheet) for r in result.reports] == [("收到/复核汇总.xlsx", "改正后的自评表")]
    assert data["unreadable"] == [] and result.reports[0].findings


def test_the_progress_says_when_archives_are_being_unpacked(tmp_path):
    zipped = tmp_path / "a.zip"
    zipped.write_bytes(build_zip([("表5.xlsx", TABLE.read_bytes()), ("表12.xlsx", OTHER.read_bytes())]))
    told = []
    recalc([str(zipped), str(OTHER)], tmp_path / "out", jobs=1, copies=False,
           on_unpack=lambda n: told.append(("unpack", n)), on_start=lambda n: told.append(("start", n)))
    assert told == [("unpack", 1), ("start", 3)]
    told.clear()
    recalc([str(OTHER)], tmp_path / "out2", jobs=1, copies=False, on_unpack=told.append)
    assert told == []   # no archive: nothing to say


def test_an_archive_may_be_larger_than_one_table_may(tmp_path, monkeypatch):
    """An archive is opened as a regular file, but neither its size nor an empty file is judged
    as a table's would be: a zip of many tables exceeds what one table may weigh."""
    from workbook_builder.readers import container

    zipped = tmp_path / "a.zip"
    zipped.write_bytes(build_zip([("表5.xlsx", TABLE.read_bytes())]))
    monkeypatch.setattr(container, "MAX_FILE_BYTES", zipped.stat().st_size - 1)
    (tmp_path / "into").mkdir()
    assert [m.name for m in archive.unpack(str(zipped), str(tmp_path / "into")).members] == ["表5.xlsx"]
    empty = tmp_path / "空.zip"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableFile, match="不是 zip 压缩包"):
        archive.unpack(str(empty), str(tmp_path / "into"))


def test_many_members_of_one_name_are_numbered_in_linear_time(tmp_path, monkeypatch):
    """An archive of 3,000 files all called 表.txt: each is shown numbered (表（2）.txt …), the numbers
    going on from the last one given (a hostile probe's 20,000 表.xlsx took 50 s when each was
    counted from 2 again): the names compared grow with the members, not with their square."""
    import unicodedata

    looks = []

    def counted(form, text):
        looks.append(text)
        return unicodedata.normalize(form, text)

    monkeypatch.setattr(archive, "unicodedata", type("U", (), {"normalize": staticmethod(counted)}))
    path = tmp_path / "a.zip"
    path.write_bytes(stored_zip([("单位/表.txt".encode(), b"")] * 3000))
    (tmp_path / "out").mkdir()
    done = archive.unpack(str(path), str(tmp_path / "out"))
    shown = [name for name, _, _, _ in done.passed]
    assert shown[:3] == ["单位/表.txt", "单位/表（2）.txt", "单位/表（3）.txt"] and len(set(shown)) == 3000
    assert len(looks) < 10 * 3000


def test_a_unicode_path_field_names_the_member_when_it_is_its_names(tmp_path):
    """Beside a name in the local code page (or in ``?`` where it has no character), some Windows
    zip tools write the name in UTF-8 in an Info-ZIP Unicode Path field (0x7075) with the CRC-32 of
    the name it stands for: that name is shown; a field whose CRC is another name's is not."""
    def unicode_path(raw: bytes, name: str, crc_of: bytes) -> bytes:
        field = struct.pack("<BL", 1, zlib.crc32(crc_of)) + name.encode()
        return struct.pack("<HH", 0x7075, len(field)) + field

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for raw, name, crc_of in ((b"???.xlsx", "自评表.xlsx", b"???.xlsx"), (b"a.xlsx", "假名.xlsx", b"b.xlsx")):
            info = zipfile.ZipInfo(raw.decode())
            info.extra = unicode_path(raw, name, crc_of)
            book.writestr(info, TABLE.read_bytes())
    path = tmp_path / "a.zip"
    path.write_bytes(buffer.getvalue())
    (tmp_path / "out").mkdir()
    assert [m.name for m in archive.unpack(str(path), str(tmp_path / "out")).members] == ["自评表.xlsx", "a.xlsx"]


def test_a_split_archive_reads_its_last_volume_and_names_the_rest(tmp_path):
    """A split archive (分卷.zip + 分卷.z01, as zip -s and WinRAR make them): the members in the
    .zip (the last volume) are read, each in another volume is named with what to do, and a
    .z01 is said to be a volume, not "no table"."""
    data = bytearray(build_zip([("甲.xlsx", TABLE.read_bytes()), ("乙.xlsx", OTHER.read_bytes())]))
    second = data.index(b"PK\x01\x02", data.index(b"PK\x01\x02") + 4)
    data[second + 34:second + 36] = struct.pack("<H", 1)   # 乙 starts on disk 1, this file; 甲 on disk 0
    end = data.rindex(b"PK\x05\x06")
    data[end + 4:end + 8] = struct.pack("<HH", 1, 1)   # the end record: this is disk 1, and so is the directory
    folder = tmp_path / "收到"
    folder.mkdir()
    (folder / "分卷.zip").write_bytes(bytes(data))
    (folder / "分卷.z01").write_bytes(b"PK\x07\x08" + bytes(100))
    data[second + 34:second + 36] = struct.pack("<H", 0)   # as zip -s makes it: every member begun before
    (folder / "尾卷.zip").write_bytes(bytes(data))
    assert main(["recalc", str(folder), "-o", str(tmp_path / "out"), "--json", str(tmp_path / "r.json")]) in (0, 1)
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [t["file"] for t in result["tables"]] == ["收到/分卷.zip/乙.xlsx"]
    reasons = {u["file"]: u["message"] for u in result["unreadable"]}
    assert "在分卷压缩包的另一卷" in reasons["收到/分卷.zip/甲.xlsx"] and "分卷压缩包的一卷" in reasons["收到/分卷.z01"]
    assert all("在分卷压缩包的另一卷" in reasons[f"收到/尾卷.zip/{name}.xlsx"] for name in "甲乙")


def test_a_members_extra_field_running_past_its_end_loses_only_that_field(tmp_path):
    """One member whose extra field's last record claims 100 bytes and has 4: zipfile refuses the
    whole directory for it (unzip reads every member); the record is cut to what there is, as it is
    read, and all three members are read (the file itself untouched)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for name in ("甲.xlsx", "乙.xlsx", "丙.xlsx"):
            info = zipfile.ZipInfo(name)
            if name == "乙.xlsx":
                info.extra = struct.pack("<HH", 0x5455, 100) + b"\x01\x00\x00\x00"
            book.writestr(info, TABLE.read_bytes())
    path = tmp_path / "a.zip"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(zipfile.BadZipFile, match="Corrupt extra field"):
        zipfile.ZipFile(path)
    (tmp_path / "out").mkdir()
    done = archive.unpack(str(path), str(tmp_path / "out"))
    assert [m.name for m in done.members] == ["甲.xlsx", "乙.xlsx", "丙.xlsx"] and done.passed == []
    assert path.read_bytes() == buffer.getvalue()


def test_a_misflagged_name_in_a_directory_cut_short_is_read_as_zipfile_reads_it(tmp_path):
    """A GBK name flagged UTF-8 whose directory entry claims an extra field longer than the
    directory: read as zipfile reads such an entry (its extra field what there is), not an
    unexpected error in looking for what to set right."""
    data = bytearray(build_zip([("单位甲/表5.xlsx".encode("gbk"), TABLE.read_bytes())]))
    central = data.rindex(b"PK\x01\x02")
    data[central + 9] |= 0x08
    data[central + 30:central + 32] = struct.pack("<H", 1000)   # its extra field: past the directory's end
    path = tmp_path / "a.zip"
    path.write_bytes(bytes(data))
    (tmp_path / "out").mkdir()
    assert [m.name for m in archive.unpack(str(path), str(tmp_path / "out")).members] == ["单位甲/表5.xlsx"]


def test_the_json_member_is_the_path_written_in_the_archive(tmp_path):
    """Where names collide, ``file`` is numbered but ``member`` stays the member's own path: the
    real 表（2）.xlsx had been given member 表（2）（2）.xlsx (in no archive), and the duplicate
    表.xlsx the member 表（2）.xlsx (another file's)."""
    zipped = tmp_path / "报送.zip"
    zipped.write_bytes(stored_zip([("表.xlsx".encode(), TABLE.read_bytes()), ("表.xlsx".encode(), OTHER.read_bytes()),
                                   ("表（2）.xlsx".encode(), OTHER.read_bytes())]))
    _, data = run(tmp_path, zipped)
    files = {t["file"]: t["member"] for t in data["tables"] + data["unreadable"]}
    assert files == {"报送.zip/表.xlsx": "表.xlsx", "报送.zip/表（2）.xlsx": "表.xlsx",   # (the duplicate, not read)
                     "报送.zip/表（2）（2）.xlsx": "表（2）.xlsx"}


def test_many_files_passed_over_alike_are_counted_in_the_printout(tmp_path, capsys):
    """10,000 .txt files in one archive: three named, the others counted (the printout had been
    10,000 lines); every one is still in the JSON, and the table among them is read."""
    zipped = tmp_path / "in" / "杂.zip"
    zipped.parent.mkdir()
    zipped.write_bytes(build_zip([(f"杂/{n}.txt", b"x") for n in range(50)] + [("表.xlsx", TABLE.read_bytes())]))
    assert main(["recalc", str(zipped.parent), "-o", str(tmp_path / "out"), "--no-copies",
                 "--json", str(tmp_path / "r.json")]) == 0
    out = capsys.readouterr().out
    assert out.count(".txt：未读取") == 3
    assert "杂.zip/杂：另有 47 个文件同样未读取（不是表格或 Word 文件" in out
    assert "全部列在复核汇总.xlsx 的“无法读取”表和 JSON 中" in out
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert len([u for u in data["unreadable"] if u["skipped"]]) == 50 and len(data["tables"]) == 1


def test_an_end_record_claiming_a_directory_larger_than_the_file_is_said_damaged(tmp_path):
    """A fake end record (in a comment) whose directory is larger than the whole file: damaged,
    not 条目过多（目录 1618 MB）."""
    import struct

    zipped = tmp_path / "坏.zip"
    fake = b"PK\x05\x06" + struct.pack("<HHHHLLH", 0, 0, 1, 1, 1_700_000_000, 0, 0)
    zipped.write_bytes(build_zip([("表.xlsx", TABLE.read_bytes())])[:-2] + struct.pack("<H", len(fake)) + fake)
    with pytest.raises(UnreadableFile, match="压缩包已损坏（目录记录的大小超过文件本身）"):
        archive.unpack(str(zipped), str(tmp_path / "out"))
