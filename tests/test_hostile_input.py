"""No file may sink a batch: ``perfbook recalc`` over the whole hostile corpus (tests/hostile_corpus.py)
exits normally, accounts for every path, writes the summary and the JSON, leaves the originals as
they were; the guarded workers survive crashes, aborts, hangs and memory exhaustion."""

import hashlib
import json
import os
import re
import shutil
import stat
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.hostile_corpus import GOOD, build
from workbook_builder.cli import main
from workbook_builder.recalc.guard import run_guarded
from workbook_builder.recalc.run import _label, collect

LIBRARY_TEXT = ("Error", "Exception", "Traceback", "<class", "ZipInfo", "errno")


def digests(folder: Path) -> dict[str, str]:
    found = {}
    for top, _, files in os.walk(folder):
        for name in files:
            path = Path(top) / name
            if path.is_file() and not path.is_symlink():
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    kinds = build(root / "corpus")
    before = digests(root / "corpus")
    cwd = os.getcwd()
    os.chdir(root)
    try:
        from io import StringIO
        from contextlib import redirect_stderr, redirect_stdout

        out, err = StringIO(), StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["recalc", "corpus", "-o", "out", "--json", "result.json", "--jobs", "2"])
        labels = {name: _label(Path("corpus") / name, [Path("corpus").absolute()]) for name in kinds}
    finally:
        os.chdir(cwd)
    data = json.loads((root / "result.json").read_text(encoding="utf-8"))
    return root, kinds, before, code, out.getvalue() + err.getvalue(), data, labels


def test_corpus_is_large_and_varied(corpus_run):
    _, kinds, *_ = corpus_run
    assert len(kinds) >= 150
    assert {"good", "table", "unreadable", "dtd", "skipped"} <= set(kinds.values())


def test_whole_corpus_in_one_run(corpus_run):
    root, kinds, before, code, printed, data, labels = corpus_run
    assert code == 0 and "Traceback" not in printed
    assert (root / "out" / "复核汇总.xlsx").is_file()
    tables: dict[str, list[dict]] = {}
    for table in data["tables"]:
        tables.setdefault(table["file"], []).append(table)
    failures = {f["file"]: f["message"] for f in data["unreadable"]}
    for name, kind in kinds.items():
        label = labels[name]
        assert (label in tables) != (label in failures), (name, "accounted for exactly once")
        if kind == "good":
            assert label in tables, name
        elif kind == "table":
            assert label in tables and all(t["computed_total"] is not None for t in tables[label]), name
        elif kind in ("unreadable", "dtd"):
            assert failures.get(label, "").startswith("文件无法读取："), name
            assert kind != "dtd" or "DTD/实体声明" in failures[label], name
        elif kind == "skipped":
            assert failures.get(label, "").startswith("未读取："), name
    assert len(failures) + len(tables) == len(kinds)
    for message in failures.values():
        assert not any(text in message for text in LIBRARY_TEXT), message
    for table in data["tables"]:
        for finding in table["findings"]:
            assert not any(text in finding["message"] for text in LIBRARY_TEXT), finding
            assert len(finding["message"]) < 5000
    assert digests(root / "corpus") == before
    summary = load_workbook(root / "out" / "复核汇总.xlsx")
    assert summary["无法读取"].max_row == 1 + len(failures)


REASONS = {
    "管道.xlsx": "不是普通文件（是设备、管道或其他特殊文件）",
    "零设备.xlsx": "不是普通文件（是设备、管道或其他特殊文件）",
    "断开的链接.xlsx": "文件不存在",
    "范围_XFD1048576.xlsx": "数据区域过大（到 XFD1048576 单元格",
    "范围_XFD4000.xlsx": "数据区域过大（到 XFD4000 单元格",
    "伪造模板_一亿行.xlsx": "指标行数“100000000.0”",
    "伪造模板_非数.xlsx": "指标行数“很多”",
    "炸弹.xlsx": "疑似压缩炸弹",
    "炸弹.docx": "疑似压缩炸弹",
    "加密.xlsx": "文件已加密",
    "加密.docx": "文件已加密",
    "zip加密.xlsx": "文件已加密",
    "旧版.doc": "旧版 Word 文档",
    "坏的.xls": "已损坏或被截断",
    "部件大小写.xlsx": "部件名称不规范",
    "空文件.xlsx": "0 字节",
    "Word_无表格.docx": "没有表格",
    "Word_其他表格.docx": "没有找到自评表",
    "Word_列太少.docx": "缺少“实际完成值”“分值”“得分”列",
    "~$26_朝阳区政府网站功能和监测服务项目.xlsx": "锁定文件",
    ".~lock.26_朝阳区政府网站功能和监测服务项目.xlsx#": "锁定文件",
    "说明.pdf": "PDF 文件无法读取：请报送 Excel（.xlsx）或 Word（.docx）版的表格",
    "循环/自己": "循环",
}


def test_each_family_gets_its_own_reason(corpus_run):
    _, kinds, *_, data, labels = corpus_run
    failures = {f["file"]: f["message"] for f in data["unreadable"]}
    for name, reason in REASONS.items():
        assert name in kinds and reason in failures[labels[name]], (name, failures[labels[name]])


def test_hostile_cells_are_named_and_contained(corpus_run):
    root, kinds, before, code, printed, data, labels = corpus_run
    by_file = {t["file"]: t for t in data["tables"]}
    errors = by_file[labels["错误值_0.xlsx"]]["findings"]
    assert errors[0]["cell"] == "J14" and "Excel 错误值 #DIV/0!（除数为零）" in errors[0]["message"]
    assert not [f for f in errors if "填报为0" in f["message"]]  # no number read out of #DIV/0!
    hidden = by_file[labels["隐藏工作表.xlsx"]]
    assert "隐藏的工作表" in hidden["findings"][0]["message"]
    beside = [t for t in data["tables"] if t["file"] == labels["并排两表.xlsx"]]
    assert len(beside) == 2 and {f["cell"] for t in beside for f in t["findings"]} == {"J14", "V14"}
    assert "\x0b" not in by_file[labels["控制字符_项目名称.xlsx"]]["project"]
    nan = by_file[labels["NaN.xlsx"]]["findings"][0]   # a number cell holding NaN: said as #NUM!, not as empty
    assert nan["cell"] == "J13" and "Excel 错误值 #NUM!（数值无效）" in nan["message"]
    for name in ("合并单元格.xlsx", "无ContentTypes.xlsx", "NaN.xlsx", "注入_项目名称.xlsx", "控制字符_项目名称.xlsx"):
        table = by_file[labels[name]]
        assert table["annotated"] and table["annotation_error"] is None, name
        assert (root / "out" / table["annotated"]).is_file()


def test_outputs_are_readable_by_colleagues(corpus_run):
    root = corpus_run[0]
    mask = os.umask(0o022)
    os.umask(mask)
    for path in (root / "out" / "复核汇总.xlsx", root / "result.json"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_values_copies_hold_no_formula_from_the_input(corpus_run, tmp_path):
    """An .xls/.ods copy is built from cell values: text that looks like a formula stays text."""
    from workbook_builder.readers.container import Grid
    from workbook_builder.recalc.copies import values_workbook

    grids = [Grid("自评表", [['=HYPERLINK("http://example.invalid/")', "+1", "@SUM(1)", "-2+3", 5.0]], 0, 0)]
    values_workbook(grids, tmp_path / "v.xlsx")
    row = next(load_workbook(tmp_path / "v.xlsx")["自评表"].iter_rows())
    assert [c.data_type for c in row] == ["s", "s", "s", "s", "n"]
    assert row[0].value.startswith("=HYPERLINK")


# collecting paths ---------------------------------------------------------------------------


def test_every_named_path_is_accounted_for(tmp_path):
    good = tmp_path / "表[1].xlsx"
    good.write_bytes(b"x")
    (tmp_path / "~$锁.xlsx").write_bytes(b"x")
    found, skipped = collect([str(good), str(tmp_path / "没有.xlsx"), str(tmp_path / "无匹配*.xlsx"),
                              str(tmp_path / "~$锁.xlsx")])
    assert found == [good]
    reasons = {p.name: r for p, r in skipped}
    assert reasons == {"没有.xlsx": "文件不存在", "无匹配*.xlsx": "没有与之匹配的文件",
                       "~$锁.xlsx": "Office/WPS 的临时锁定文件（文件正被打开时产生），已跳过"}


def test_unreadable_subfolder_is_reported(tmp_path, monkeypatch):
    (tmp_path / "a.xlsx").write_bytes(b"x")
    (tmp_path / "锁住的").mkdir()
    (tmp_path / "锁住的" / "b.xlsx").write_bytes(b"x")
    real_scandir = os.scandir

    def scandir(top):   # (the tests run as root, who may read any folder)
        if Path(top).name == "锁住的":
            raise PermissionError(13, "Permission denied", str(top))
        return real_scandir(top)

    monkeypatch.setattr(os, "scandir", scandir)
    found, skipped = collect([str(tmp_path)])
    assert [p.name for p in found] == ["a.xlsx"]
    assert [(p.name, r) for p, r in skipped] == [("锁住的", "无法读取文件夹（没有访问权限）")]


def test_a_folder_1200_levels_deep_is_walked(tmp_path):
    """A hostile probe's tree: a table at the top and one 1,200 folders down (Python 3.11's
    recursive os.walk stopped the whole run with a RecursionError); both are found, in order,
    with the files of each folder before its subfolders."""
    (tmp_path / "顶层.xlsx").write_bytes(b"x")
    deep = tmp_path
    for _ in range(1200):   # (one by one: pathlib's mkdir(parents=True) recurses too)
        deep = deep / "d"
        os.mkdir(deep)
    (deep / "底层.xlsx").write_bytes(b"x")
    (tmp_path / "z.xlsx").write_bytes(b"x")
    try:
        found, skipped = collect([str(tmp_path)])
        assert [p.name for p in found] == ["z.xlsx", "顶层.xlsx", "底层.xlsx"] and skipped == []
        assert found[2] == deep / "底层.xlsx"
    finally:   # removed bottom up: pytest's own clean-up of old temporary folders recurses
        (deep / "底层.xlsx").unlink()
        while deep != tmp_path:
            os.rmdir(deep)
            deep = deep.parent


# guarded workers ----------------------------------------------------------------------------


def _task(kind: str) -> str:
    if kind == "abort":
        os.abort()
    if kind == "exit":
        os._exit(3)
    if kind == "hang":
        import time

        time.sleep(60)

    if kind == "memory":
        blocks = [bytearray(256 * 2**20) for _ in range(64)]  # 16 GB, far above the limit
        return str(len(blocks))
    if kind == "raise":
        raise ValueError("library text that must not reach the user")
    if kind == "shout":   # as a Rust reader does when an allocation fails
        os.write(2, b"memory allocation of 549755813888 bytes failed\n")
        os.abort()
    return f"done {kind}"


@pytest.mark.skipif(sys.platform == "win32", reason="abort and address-space limits are POSIX")
def test_guarded_workers_survive_every_kind_of_death():
    jobs = [("a",), ("abort",), ("b",), ("hang",), ("memory",), ("exit",), ("raise",), ("c",)]
    done = dict(run_guarded(_task, jobs, 2, lambda job, reason: f"失败 {job[0]}：{reason}", timeout=3,
                            memory=512 * 2**20))
    results = [done[i] for i in range(len(jobs))]
    assert results[0] == "done a" and results[2] == "done b" and results[7] == "done c"
    assert results[1].startswith("失败 abort：") and "异常中止" in results[1]
    assert results[3].startswith("失败 hang：") and "超过 3 秒" in results[3]
    assert results[4].startswith("失败 memory：") and "内存" in results[4]
    assert results[5].startswith("失败 exit：") and "意外退出" in results[5]
    assert results[6].startswith("失败 raise：") and "library text" not in results[6]


@pytest.mark.skipif(sys.platform == "win32", reason="abort and address-space limits are POSIX")
def test_a_death_inside_a_chunk_costs_only_its_file():
    """Files go to workers in chunks; when a worker dies or overruns inside a chunk, every other
    file of that chunk is still read and only the file at fault gets a reason."""
    from workbook_builder.recalc import guard

    kinds = {5: "abort", 40: "exit", 77: "hang", 90: "raise", 120: "memory"}
    jobs = [(kinds.get(n, f"ok{n}"),) for n in range(8 * guard.CHUNK + 40)]
    assert len(jobs) // (4 * 2) >= guard.CHUNK   # chunks of CHUNK files
    done = dict(run_guarded(_task, jobs, 2, lambda job, reason: f"失败 {job[0]}：{reason}", timeout=3,
                            memory=512 * 2**20))
    assert sorted(done) == list(range(len(jobs)))
    for n, (kind,) in enumerate(jobs):
        if n in kinds:
            assert done[n].startswith(f"失败 {kind}："), (n, done[n])
        else:
            assert done[n] == f"done {kind}", (n, done[n])
    assert "超过 3 秒" in done[77] and "异常中止" in done[5]


# bounds checked before loading --------------------------------------------------------------


def test_file_size_is_bounded_before_reading(monkeypatch):
    from tests.hostile_corpus import GOOD
    from workbook_builder.readers import container
    from workbook_builder.readers.source import read_source

    monkeypatch.setattr(container, "MAX_FILE_BYTES", 1000)
    with pytest.raises(container.UnreadableFile, match="文件过大"):
        read_source(GOOD)


def test_rows_without_addresses_count_towards_the_extent(monkeypatch, tmp_path):
    from tests.hostile_corpus import GOOD, patch, sheet_xml
    from workbook_builder.readers import container
    from workbook_builder.readers.source import read_source

    patch(GOOD, tmp_path / "rows.xlsx", {"xl/worksheets/sheet1.xml": sheet_xml("<row><c><v>1</v></c></row>" * 101)})
    assert read_source(tmp_path / "rows.xlsx")[1][0].rows[100] == [1.0]
    monkeypatch.setattr(container, "MAX_CELLS", 100)
    with pytest.raises(container.UnreadableFile, match="101 行 × 1 列"):
        read_source(tmp_path / "rows.xlsx")


def test_opendocument_text_is_told_apart(tmp_path):
    import zipfile

    from workbook_builder.readers.container import UnreadableFile, detect_format

    with zipfile.ZipFile(tmp_path / "x.ods", "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        package.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(UnreadableFile, match="OpenDocument 文字文档"):
        detect_format(tmp_path / "x.ods")


def test_no_output_cell_holds_a_formula_from_the_input(corpus_run):
    """Text such as ``=HYPERLINK(…)`` typed into a cell stays text in the summary, in every copy's
    复核结果 sheet and in the values copies; formulas in a copy are only the original's own."""
    root, kinds, *_ = corpus_run
    out = root / "out"
    summary = load_workbook(out / "复核汇总.xlsx")
    assert not [c.coordinate for ws in summary for row in ws.iter_rows() for c in row if c.data_type == "f"]
    import re
    import zipfile

    from workbook_builder.readers.container import _Package, _sheet_names

    checked = 0
    for copy in [p for p in out.glob("*.xls[xm]") if p.name != "复核汇总.xlsx"]:  # read as XML (NaN kept)
        [part] = [p for p, name in _sheet_names(_Package(copy.read_bytes()), {}).items() if name.startswith("复核结果")]
        with zipfile.ZipFile(copy) as package:
            assert not re.search(rb"<(\w+:)?f[ >]", package.read(part)), copy.name
        checked += 1
    assert checked > 50
    injected = load_workbook(next(out.glob("注入_项目名称_复核.xlsx")))
    texts = [c.value for row in injected["复核结果"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any("HYPERLINK" in t for t in texts)


def _batch_that_fails(jobs: list[tuple]) -> list[str]:
    if any(kind == "raise" for kind, in jobs):
        raise ValueError("one job of the chunk spoils the chunk")
    return [f"batched {kind}" for kind, in jobs]


def test_a_batch_that_raises_is_done_again_job_by_job():
    """With ``batch``, a chunk is done in one call; when that call raises, the chunk is done again
    job by job, so only the job at fault gets a reason."""
    from workbook_builder.recalc import guard

    jobs = [("raise" if n == 3 else f"ok{n}",) for n in range(4 * 2 * guard.CHUNK)]
    done = dict(run_guarded(_task, jobs, 2, lambda job, reason: f"失败 {job[0]}：{reason}",
                            batch=_batch_that_fails))
    assert done[3].startswith("失败 raise：")
    assert all(done[n] == f"done ok{n}" for n in range(guard.CHUNK) if n != 3)   # the first chunk, job by job
    assert sum(done[n] == f"batched ok{n}" for n in done) >= len(jobs) // 2


def test_files_checked_stage_by_stage_as_one_by_one(tmp_path):
    """recalc's workers check a chunk of files stage by stage (:func:`check_files`); every file of
    the hostile corpus gets exactly what :func:`check_file` gives it alone, good or broken, and a
    broken file does not change what its neighbours get."""
    from workbook_builder.recalc.run import check_file, check_files

    kinds = build(tmp_path / "corpus")
    paths = [tmp_path / "corpus" / name for name, kind in sorted(kinds.items())
             if kind != "skipped" and (tmp_path / "corpus" / name).is_file()]
    jobs = [(str(p), None, None, None, p.name) for p in paths]
    assert len(jobs) >= 100
    assert check_files(jobs) == [check_file(*job) for job in jobs]


@pytest.mark.skipif(sys.platform == "win32", reason="address-space limits are POSIX")
def test_large_files_in_one_chunk_do_not_fail_each_other(tmp_path):
    """A chunk of large workbooks (30 MB each, a picture say) under a tight memory limit: each
    is read; none fails because the others of its chunk are held at the same time."""
    import zipfile

    from tests.hostile_corpus import GOOD
    from workbook_builder.recalc.run import check_file, check_files

    paths = []
    for n in range(3):
        path = tmp_path / f"大文件{n}.xlsx"
        with zipfile.ZipFile(GOOD) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for item in src.infolist():
                out.writestr(item.filename, src.read(item))
            out.writestr("xl/media/image1.png", os.urandom(30 * 2**20), zipfile.ZIP_STORED)
        paths.append(path)
    jobs = [(str(p), None, None, None, p.name) for p in paths * 8]
    done = dict(run_guarded(check_file, jobs, 1, lambda job, reason: reason, memory=150 * 2**20, batch=check_files))
    assert all(isinstance(done[n], list) and done[n] for n in range(len(jobs))), done


@pytest.mark.skipif(sys.platform == "win32", reason="abort is POSIX")
def test_a_worker_that_dies_shouting_writes_nothing_to_the_terminal(capfd):
    jobs = [("a",), ("shout",), ("b",)]
    done = dict(run_guarded(_task, jobs, 1, lambda job, reason: f"失败 {job[0]}：{reason}", timeout=10))
    assert done[0] == "done a" and done[2] == "done b" and done[1].startswith("失败 shout：")
    assert "memory allocation" not in capfd.readouterr().err


def test_a_chunk_finishes_a_large_file_before_checking_the_next(tmp_path, monkeypatch):
    """A file over LARGE goes through every stage as soon as it is checked, so a chunk never
    holds the bytes and cells of many large files at once."""
    import shutil

    from tests.hostile_corpus import GOOD
    from workbook_builder.recalc import run as R

    small, large = tmp_path / "小.xlsx", tmp_path / "大.xlsx"
    shutil.copy(GOOD, small)
    shutil.copy(GOOD, large)
    monkeypatch.setattr(R, "LARGE", small.stat().st_size - 1)   # both count as large
    order = []
    for stage in ("_check", "_load"):
        real = getattr(R, stage)
        monkeypatch.setattr(R, stage, lambda file, real=real, stage=stage: (order.append((stage, file.label)), real(file)))
    monkeypatch.setattr(R, "_AFTER_CHECK", (R._load, R._find, R._score))
    outcomes = R.check_files([(str(p), None, None, None, p.name) for p in (small, large)])
    assert all(isinstance(o, list) and o for o in outcomes)
    assert order == [("_check", "小.xlsx"), ("_load", "小.xlsx"), ("_check", "大.xlsx"), ("_load", "大.xlsx")]


def test_memory_running_out_in_a_chunk_is_no_files_fault(tmp_path, monkeypatch):
    """Memory running out while a chunk is held raises (the guard then reads the chunk file by
    file); a file read alone gets the reason itself. The same for writing its copy."""
    import shutil

    from tests.hostile_corpus import GOOD
    from workbook_builder.readers.container import OutOfMemory
    from workbook_builder.recalc import copies
    from workbook_builder.recalc import run as R

    shutil.copy(GOOD, tmp_path / "a.xlsx")
    jobs = [(str(tmp_path / "a.xlsx"), None, None, None, "a.xlsx")] * 2

    def out_of_memory(*args):
        raise OutOfMemory("读取所需内存超过上限（工作表数据区域过大），已拒绝读取")

    with monkeypatch.context() as patch:
        patch.setattr("workbook_builder.readers.source.read_checked", out_of_memory)
        with pytest.raises(MemoryError):
            R.check_files(jobs)
        [alone] = R.check_files(jobs[:1])
        assert "内存超过上限" in alone.message

    def no_memory(*args):
        raise MemoryError

    monkeypatch.setattr(copies, "write_copy", no_memory)
    copy_jobs = [(job[0], None, str(tmp_path / "out"), "a_复核", "a.xlsx") for job in jobs]
    with pytest.raises(MemoryError):
        R.check_files(copy_jobs)
    [reports] = R.check_files(copy_jobs[:1])
    assert "内存超过上限" in reports[0].annotation_error


HOSTILE_NAMES = ["控制\x01字符.xlsx", "换行\n名称.xlsx", "ESC\x1b[31m红.xlsx", "反向\u202excod.xlsx",
                 "制表\t符.xlsx", "CON.xlsx", "-rf.xlsx", "=HYPERLINK(1).xlsx", "C1\x9b31m.xlsx",
                 "行\u2028分隔.xlsx", "零宽\u200b\ufeff.xlsx", "标记\u200f.xlsx"]
UNSAFE = r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]"


@pytest.mark.parametrize("copies", (True, False), ids=("copies", "no-copies"))
def test_every_name_is_shown_safely_and_maps_back_to_its_file(tmp_path, copies):
    """Names with controls, bidi overrides, GBK bytes (a zip from Chinese Windows unpacked on
    Linux) or bytes that are no text at all: the summary and the JSON are written, every shown
    name is printable, a GBK name is decoded and says so, every JSON ``uri`` and every summary
    link leads back to its file, copies get safe names."""
    from urllib.parse import unquote_to_bytes, urlparse

    folder = tmp_path / "收到"
    folder.mkdir()
    names = [os.fsencode(n) for n in HOSTILE_NAMES] + ["项目自评表.xlsx".encode("gbk"), b"\xff\xfe\x80bad.xlsx"]
    for name in names:
        shutil.copy(GOOD, os.path.join(os.fsencode(folder), name))
    (folder / "坏的.xlsx").write_bytes(b"PK\x03\x04 broken")
    args = ["recalc", str(folder), "-o", str(tmp_path / "out"), "--json", str(tmp_path / "r.json")]
    assert main(args + ([] if copies else ["--no-copies"])) == 0
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    entries = data["tables"] + data["unreadable"]
    assert len(entries) == len(names) + 1
    for entry in entries:
        assert not re.search(UNSAFE, entry["file"]), entry["file"]
        assert Path(os.fsdecode(unquote_to_bytes(urlparse(entry["uri"]).path))).is_file(), entry
    assert "收到/项目自评表.xlsx（文件名按 GBK 解码）" in {t["file"] for t in data["tables"]}
    assert "收到/\\xff\\xfe\\x80bad.xlsx" in {t["file"] for t in data["tables"]}
    out = tmp_path / "out"
    for copy in out.iterdir():
        assert not re.search(UNSAFE, copy.name) and not re.search(r"[\\/:*?\"<>|]", copy.name), copy.name
    summary = load_workbook(out / "复核汇总.xlsx")
    targets = [c.hyperlink.target for row in summary["项目"].iter_rows(min_row=2) for c in row if c.hyperlink]
    assert len(targets) == len(names)
    for target in targets:
        assert (out / os.fsdecode(unquote_to_bytes(target))).resolve().is_file(), target


@pytest.mark.parametrize("link", [os.symlink, os.link])
def test_two_links_to_one_file_are_both_accounted_for(tmp_path, link):
    """Two symbolic (or hard) links to the same workbook: read once, the other listed as skipped
    with the first one's name (not silently dropped, not counted as unreadable)."""
    folder = tmp_path / "收到"
    folder.mkdir()
    shutil.copy(GOOD, tmp_path / "原件.xlsx")
    for name in ("链接甲.xlsx", "链接乙.xlsx"):
        link(tmp_path / "原件.xlsx", folder / name)
    assert main(["recalc", str(folder), "-o", str(tmp_path / "out"), "--json", str(tmp_path / "r.json")]) == 0
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    first, second = sorted(("链接甲.xlsx", "链接乙.xlsx"))   # a folder is walked in name order
    assert [t["file"] for t in data["tables"]] == [f"收到/{first}"]
    [skipped] = data["unreadable"]
    assert skipped["file"] == f"收到/{second}" and skipped["skipped"] and first in skipped["message"]


def test_one_path_spelled_two_ways_is_named_once(tmp_path, monkeypatch):
    """A file and a folder each named twice, relatively and absolutely, or through ``..``: the
    same path, read once and listed once (it had been listed again as a link to itself)."""
    folder = tmp_path / "收到"
    (folder / "单位").mkdir(parents=True)
    shutil.copy(GOOD, folder / "表.xlsx")
    shutil.copy(GOOD, folder / "单位" / "表2.xlsx")
    monkeypatch.chdir(tmp_path)
    args = ["收到/表.xlsx", str(folder / "表.xlsx"), "收到/单位/../表.xlsx", "收到/单位", str(folder / "单位")]
    assert main(["recalc", *args, "-o", str(tmp_path / "out"), "--json", str(tmp_path / "r.json")]) == 0
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert sorted(t["file"] for t in data["tables"]) == ["单位/表2.xlsx", "表.xlsx"] and data["unreadable"] == []


def test_folder_links_are_followed_only_within_the_folder_given(tmp_path):
    """A link to a folder inside the folder given is walked (once); a link out of it (a hostile
    probe's to /usr/share read 70,000 files) is listed with where it leads, not followed."""
    folder = tmp_path / "收到"
    (folder / "单位A").mkdir(parents=True)
    (folder / "单位A" / "a.xlsx").write_bytes(b"x")
    outside = tmp_path / "别处"
    outside.mkdir()
    (outside / "b.xlsx").write_bytes(b"x")
    os.symlink(folder / "单位A", folder / "链接到单位A")
    os.symlink(outside, folder / "链接到别处")
    found, skipped = collect([str(folder)])
    assert [p.name for p in found] == ["a.xlsx"]
    assert [(p.name, r) for p, r in skipped] == [
        ("链接到别处", f"是指向所选文件夹以外的文件夹链接（{outside}），未进入；如需复核，请直接给出该文件夹"),
        ("链接到单位A", "是指向已读取文件夹的链接（重复或循环），未再次进入")]
    found, skipped = collect([str(outside)])   # named itself: read
    assert [p.name for p in found] == ["b.xlsx"] and skipped == []
    from workbook_builder.recalc.run import recalc

    result = recalc([str(folder)], tmp_path / "out", jobs=1)   # listed as skipped, not as unreadable
    assert {f.file: f.skipped for f in result.failures}["收到/链接到别处"] is True


def test_a_folder_and_a_file_are_read_by_their_own_names_not_a_links(tmp_path):
    """A link that sorts before the folder it leads to (a_link → z_real), and a link to a file
    placed above the file itself: each read once under its own path, the links listed as passed
    over (the real folder had been said as a looping link and counted as unreadable, which
    fails --strict), a link back to the folder given too."""
    folder = tmp_path / "收到"
    (folder / "z_real" / "sub").mkdir(parents=True)
    shutil.copy(GOOD, folder / "z_real" / "sub" / "t.xlsx")
    os.symlink(folder / "z_real", folder / "a_link")
    os.symlink(folder / "z_real" / "sub" / "t.xlsx", folder / "file_link.xlsx")
    os.symlink(folder, folder / "z_real" / "up")
    assert main(["recalc", str(folder), "-o", str(tmp_path / "out"), "--json", str(tmp_path / "r.json")]) == 0
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [t["file"] for t in data["tables"]] == ["收到/z_real/sub/t.xlsx"] and data["summary"]["unreadable_files"] == 0
    assert sorted((u["file"], u["skipped"]) for u in data["unreadable"]) == [
        ("收到/a_link", True), ("收到/file_link.xlsx", True), ("收到/z_real/up", True)]
    [up] = [u for u in data["unreadable"] if u["file"].endswith("up")]
    assert "指向已读取文件夹的链接" in up["message"]   # (the folder given itself: not a link out of it)


@pytest.mark.parametrize("cell, text", [("J12", "得\u200b分"), ("J12", "\ufeff得分"), ("D12", "\u200b三级指标"),
                                        ("A20", "总\u200b分"), ("H5", "得\u2060分"), ("A3", "项目\u200c名称"),
                                        ("D12", "三级\u00ad指标")])   # (a soft hyphen, shown only at a line's end)
def test_zero_width_characters_pasted_into_labels_are_not_seen(tmp_path, cell, text):
    """Characters that show nothing (zero-width spaces, joiners, a byte order mark), pasted from web
    pages into a template's labels: the table reads as it shows (they had hidden the 得分 column or
    the whole table, made the 总分 row an indicator, or the project name the sheet's)."""
    from workbook_builder.recalc.run import check_file

    book = load_workbook(GOOD)
    book.active[cell] = text
    path = tmp_path / "零宽.xlsx"
    book.save(path)
    [want], [got] = (check_file(str(p), None, None, None, p.name) for p in (GOOD, path))
    assert (got.project, got.computed_total, [(f.cell, f.kind) for f in got.findings]) == (
        want.project, want.computed_total, [(f.cell, f.kind) for f in want.findings])


def _slow(log: str) -> str:
    """A file that takes 0.4 s (a .doc being converted), each run logged."""
    import time

    with open(log, "a") as out:
        out.write("run\n")
    time.sleep(0.4)
    return "done"


def _slow_chunk(jobs: list[tuple]) -> list[str]:
    return [_slow(*job) for job in jobs]


@pytest.mark.skipif(sys.platform == "win32", reason="fork")
def test_a_chunk_of_slow_files_gets_their_time_too(tmp_path):
    """A chunk's time is the guard's plus each job's ``extra`` (a .doc's conversion): chunks of
    four files of 0.4 s under a 1 s limit are done, each file once (without the extra time a
    chunk overran, was killed, and its files were done again alone)."""
    log = tmp_path / "runs.log"
    jobs = [(str(log),)] * 16   # (one worker: chunks of 16 // 4 = 4 files)
    done = dict(run_guarded(_slow, jobs, 1, lambda job, reason: f"失败：{reason}", timeout=1, batch=_slow_chunk,
                            extra=lambda job: 1.0))
    assert [done[i] for i in range(16)] == ["done"] * 16 and log.read_text().count("run") == 16
