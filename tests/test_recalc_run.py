"""recalc() orchestration: --no-copies, Ctrl+C writing what is done, labels relative to the folder
given, .xlsm copies staying .xlsm."""

import json
import re
import os
import shutil
import time

import pytest
from openpyxl import load_workbook

from tests.conftest import ROOT
from workbook_builder.cli import main
from workbook_builder.recalc.run import recalc

SUBMITTED = ROOT / "samples" / "chaoyang-2024" / "submitted"


def test_no_copies_writes_only_summary_and_json(tmp_path):
    out = tmp_path / "out"
    code = main(["recalc", str(SUBMITTED), "-o", str(out), "--json", str(tmp_path / "r.json"), "--jobs", "1",
                 "--no-copies"])
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["复核汇总.xlsx"]
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert len(data["tables"]) == 30 and all(t["annotated"] is None for t in data["tables"])
    assert data["tables"][0]["file"].startswith("submitted/") and data["partial"] is False


@pytest.mark.parametrize("jobs", [1, 2])
def test_interrupted_run_writes_summary_and_json_for_the_files_done(tmp_path, jobs):
    done = []

    def progress(n):
        done.append(n)
        if len(done) == 9:
            raise KeyboardInterrupt

    result = recalc([str(SUBMITTED)], tmp_path / "out", json_path=tmp_path / "r.json", jobs=jobs,
                    progress=progress, copies=False)
    assert result.partial
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    files = {t["file"] for t in data["tables"]} | {u["file"] for u in data["unreadable"]}
    # one process stops after the 9th file; two finish the files already running
    assert data["partial"] is True and (len(files) == 9 if jobs == 1 else 9 <= len(files) < 26)
    summary = load_workbook(tmp_path / "out" / "复核汇总.xlsx")
    assert summary.sheetnames[0] == "说明" and f"{len(files)} 个文件" in summary["说明"]["A2"].value


def test_xlsm_copy_stays_xlsm(tmp_path):
    """A macro-enabled workbook (by its content type) gets an .xlsm copy."""
    from tests.test_annotate import _typed

    macro = tmp_path / "in" / "宏.xlsm"
    macro.parent.mkdir()
    _typed(macro, "xlsm")
    result = recalc([str(macro.parent)], tmp_path / "out", jobs=1)
    [report] = result.reports
    assert report.annotated == "宏_复核.xlsm" and (tmp_path / "out" / "宏_复核.xlsm").exists()
    assert report.file == "in/宏.xlsm"


def test_a_part_that_fails_its_checksum_is_unreadable(tmp_path):
    """The container check no longer decompresses every part a second time (zipfile.testzip):
    the reader verifies each part's CRC-32 as it reads it."""
    import zipfile

    from workbook_builder.readers.container import UnreadableFile
    from workbook_builder.readers.tables import read_tables

    source = next(SUBMITTED.glob("26_*.xlsx"))
    stored = tmp_path / "stored.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info))
    data = bytearray(stored.read_bytes())
    data[data.find(b"141.116")] = ord("9")  # still valid XML, wrong checksum
    stored.write_bytes(bytes(data))
    with pytest.raises(UnreadableFile):
        read_tables(stored)


def test_ctrl_c_on_the_command_line_writes_partial_outputs(tmp_path):
    """A real SIGINT to a running ``perfbook recalc`` on two processes: exit 130, no traceback,
    the summary and the JSON written for the files done and marked partial."""
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    folder = tmp_path / "in"
    folder.mkdir()
    sources = sorted(SUBMITTED.glob("*.xlsx"))
    # Enough files that the run is still going when the signal arrives on a busy machine (it
    # stops within a chunk of the signal, so the size costs little).
    for n in range(6000):
        shutil.copy(sources[n % len(sources)], folder / f"{n:04d}.xlsx")
    out = tmp_path / "out"
    perfbook = Path(sys.executable).with_name("perfbook")
    process = subprocess.Popen([str(perfbook), "recalc", str(folder), "-o", str(out), "--json",
                                str(tmp_path / "r.json"), "--jobs", "2"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (out.exists() and len(list(out.glob("*_复核.xlsx"))) >= 20) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "复核已中断" in stderr
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["partial"] is True and 0 < len(data["tables"]) < 6000
    assert load_workbook(out / "复核汇总.xlsx").sheetnames[0] == "说明"


def test_json_holds_to_dict_one_table_per_line(tmp_path):
    """The JSON file is ``to_dict()`` exactly, with each table and each unreadable file on a line
    of its own (readable, diffable), also with no table at all."""
    (tmp_path / "in").mkdir()
    for source in sorted(SUBMITTED.glob("*.xlsx"))[:3]:
        shutil.copy(source, tmp_path / "in" / source.name)
    (tmp_path / "in" / "坏.xlsx").write_bytes(b"not a workbook")
    result = recalc([str(tmp_path / "in")], tmp_path / "out", json_path=tmp_path / "r.json", jobs=1, copies=False)
    text = (tmp_path / "r.json").read_text(encoding="utf-8")
    assert json.loads(text) == json.loads(json.dumps(result.to_dict()))
    lines = text.splitlines()
    assert sum(line.startswith('  {"file"') for line in lines) == len(result.reports) + len(result.failures) == 4
    result.reports, result.failures = [], []
    assert json.loads(result.to_json()) == json.loads(json.dumps(result.to_dict()))


def test_summary_line_counts_tables_of_every_kind(tmp_path, capsys):
    """The closing line counts 自评表, 评分表 and yearly budget tables alike, and calls none of
    them what it is not."""
    sources = [ROOT / "samples" / "yueyang-2020" / "附件3-2_评价指标体系_自评.xlsx", SUBMITTED / sorted(
        p.name for p in SUBMITTED.glob("*.xlsx"))[0]]
    code = main(["recalc", *map(str, sources), "-o", str(tmp_path / "out"), "--jobs", "1", "--no-copies"])
    out = capsys.readouterr().out
    assert code in (0, 1) and "复核完成：2 个文件，2 张表（自评表、评分表或年度预算表）" in out
    assert "张自评表" not in out


def _sheets(path):
    """Every sheet's cell values and links, as a reader sees them."""
    book = load_workbook(path)
    return {ws.title: [[(c.value, c.hyperlink.target if c.hyperlink else None,
                         c.hyperlink.location if c.hyperlink else None) for c in row] for row in ws.iter_rows()]
            for ws in book.worksheets}


@pytest.mark.parametrize("jobs", [1, 2])
def test_summary_written_during_the_run_is_the_summary_of_the_result(tmp_path, jobs):
    """recalc writes 复核汇总.xlsx while the workers read (rows in job order, whichever worker
    finishes first); it holds exactly what write_summary makes of the returned result."""
    from workbook_builder.recalc.summary import write_summary

    folders = [str(SUBMITTED), str(SUBMITTED.parent / "submitted-templates")]
    result = recalc(folders, tmp_path / "out", jobs=jobs, copies=False)
    again = write_summary(result, tmp_path / "again" / "复核汇总.xlsx")
    streamed, written = _sheets(tmp_path / "out" / "复核汇总.xlsx"), _sheets(again)
    assert len(streamed["项目"]) == len(result.reports) + 1 > 30
    assert streamed == written


def _summary_failing_at(monkeypatch, row: int) -> None:
    """The summary's streaming fails once, on its ``row``-th row (then it is written again)."""
    from workbook_builder.recalc import summary

    add, calls = summary.SummaryStream.add, []

    def add_once_failing(self, report):
        calls.append(report)
        if len(calls) == row:
            raise ValueError("boom")
        add(self, report)

    monkeypatch.setattr(summary.SummaryStream, "add", add_once_failing)


def test_summary_that_fails_while_streaming_is_written_again_at_the_end(tmp_path, monkeypatch, caplog):
    _summary_failing_at(monkeypatch, 5)
    result = recalc([str(SUBMITTED)], tmp_path / "out", json_path=tmp_path / "r.json", jobs=2, copies=False)
    assert "写汇总表时出现意外错误" in caplog.text and "boom" in caplog.text
    rows = list(load_workbook(tmp_path / "out" / "复核汇总.xlsx")["项目"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [r.file for r in result.reports] and len(rows) == 30


def test_files_in_the_output_folder_are_accounted_for_and_an_input_folder_is_never_the_output(tmp_path):
    """A second run with the output inside the folder read: the first run's outputs are listed
    as not read, never dropped silently. A file there that no run wrote (a submission kept in
    the folder chosen for the output, or a copy changed after the summary: a unit's corrected
    copy) makes the run refuse before anything is written: it would be neither read nor safe.
    An output folder that is the folder read, or holds it, is refused too."""
    folder = tmp_path / "收到"
    folder.mkdir()
    shutil.copy(SUBMITTED / "26_朝阳区政府网站功能和监测服务项目.xlsx", folder)
    out = folder / "复核结果"
    assert main(["recalc", str(folder), "-o", str(out), "--jobs", "1"]) == 0
    result = recalc([str(folder)], out, jobs=1)
    assert len(result.reports) == 1
    assert sorted((f.file, f.message) for f in result.failures) == [
        (f"收到/复核结果/{name}", "未读取：位于输出目录中（本工具写出的复核副本和汇总所在处），未复核")
        for name in sorted(["26_朝阳区政府网站功能和监测服务项目_复核.xlsx", "复核汇总.xlsx"])]
    assert all(f.skipped for f in result.failures)
    older = out / "上次" / "复核汇总.xlsx"   # named like an output, but in a folder of its own
    older.parent.mkdir()
    shutil.copy(out / "复核汇总.xlsx", older)
    with pytest.raises(Exception, match="其中有不是本工具上次写出的文件（复核汇总.xlsx）"):
        recalc([str(folder)], out, jobs=1)
    shutil.rmtree(older.parent)
    kept = out / "05_朝阳区“城市管理大脑”（一期）.xlsx"
    shutil.copy(SUBMITTED / kept.name, kept)
    copy = out / "26_朝阳区政府网站功能和监测服务项目_复核.xlsx"
    corrected = copy.read_bytes() + b"\0"   # (changed after the summary was written)
    os.utime(out / "复核汇总.xlsx", ns=(1, 1))
    before = {p: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(Exception, match="其中有不是本工具上次写出的文件（05_朝阳区“城市管理大脑”（一期）.xlsx、"
                                        "26_朝阳区政府网站功能和监测服务项目_复核.xlsx）"):
        recalc([str(folder)], out, jobs=1)
    assert {p: p.read_bytes() for p in out.iterdir()} == before and corrected[:-1] == before[copy]
    for output in (folder, tmp_path):
        with pytest.raises(Exception, match="是要复核的文件夹 .* 本身或其上级"):
            recalc([str(folder)], output, jobs=1)
    assert sorted(p.name for p in folder.iterdir()) == ["26_朝阳区政府网站功能和监测服务项目.xlsx", "复核结果"]


def test_outputs_never_land_on_the_files_read(tmp_path, capsys):
    """--json naming a file to read, or an existing file that is not JSON, and files named one by
    one inside the output folder are refused before anything is written (exit 2): the JSON would
    have replaced the workbook, and the copies and summary would mix with the originals. A JSON
    an earlier run wrote is replaced, and files found by walking a folder that holds the output
    folder are still only listed (above)."""
    folder = tmp_path / "收到"
    folder.mkdir()
    table = folder / "26_朝阳区政府网站功能和监测服务项目.xlsx"
    shutil.copy(SUBMITTED / table.name, table)
    note = tmp_path / "说明.txt"
    note.write_text("不是 JSON", encoding="utf-8")
    before = {p: p.read_bytes() for p in (table, note)}
    for args, message in (
            ([str(table), "-o", str(tmp_path / "out"), "--json", str(table)], "是要读取的文件之一"),
            ([str(folder), "-o", str(tmp_path / "out"), "--json", str(table)], "是要读取的文件之一"),
            ([str(table), "-o", str(tmp_path / "out"), "--json", str(note)], "已有一个不是 JSON 的文件"),
            ([str(table), "-o", str(folder)], "在输出目录 .* 中"),
            ([str(folder / "*.xlsx"), "-o", str(folder)], "在输出目录 .* 中")):
        assert main(["recalc", *args, "--jobs", "1"]) == 2
        assert re.search(message, capsys.readouterr().err), args
    assert {p: p.read_bytes() for p in before} == before
    assert sorted(p.name for p in folder.iterdir()) == [table.name]
    earlier = tmp_path / "r.json"
    earlier.write_text(' \n{"tables": []}', encoding="utf-8")
    assert main(["recalc", str(table), "-o", str(tmp_path / "out"), "--json", str(earlier), "--jobs", "1"]) == 0
    assert json.loads(earlier.read_text(encoding="utf-8"))["tables"]


def test_a_run_writes_over_no_file_but_an_earlier_runs(tmp_path, capsys):
    """Outputs land only where nothing of the user's is (a hostile probe: --json naming the
    summary or a copy lost the other; a user's file named like a copy was replaced; --json
    naming a device replaced the device): a file named like the summary or a copy that no
    earlier run wrote, and --json naming this run's summary or copy are refused before anything
    is written; the outputs of an earlier run are written over. --json naming a pipe is written
    into, and one naming a link writes the JSON it links to, the link kept."""
    table = tmp_path / "26_朝阳区政府网站功能和监测服务项目.xlsx"
    shutil.copy(SUBMITTED / table.name, table)
    out = tmp_path / "out"
    out.mkdir()
    users = out / "26_朝阳区政府网站功能和监测服务项目_复核.xlsx"
    users.write_bytes(b"the user's")
    pipe = tmp_path / "管道"
    os.mkfifo(pipe)
    link = tmp_path / "链接.json"
    (tmp_path / "目标.json").write_text("{}", encoding="utf-8")
    link.symlink_to(tmp_path / "目标.json")
    for args, message in (
            ([], "输出目录 .* 中已有同名的文件（26_朝阳区政府网站功能和监测服务项目_复核.xlsx），不是本工具上次写出的"),
            (["--no-copies", "--json", str(out / "复核汇总.xlsx")], "与本次写出的复核汇总或复核副本同名")):
        assert main(["recalc", str(table), "-o", str(out), "--jobs", "1", *args]) == 2, args
        assert re.search(message, capsys.readouterr().err), args
    assert users.read_bytes() == b"the user's" and sorted(p.name for p in out.iterdir()) == [users.name]
    users.unlink()
    for _ in range(2):   # the second run writes over the first's summary and copy
        assert main(["recalc", str(table), "-o", str(out), "--jobs", "1"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["26_朝阳区政府网站功能和监测服务项目_复核.xlsx", "复核汇总.xlsx"]
    users.unlink()   # (were it there, it is no JSON: refused as such)
    capsys.readouterr()
    assert main(["recalc", str(table), "-o", str(out), "--jobs", "1", "--json", str(users)]) == 2
    assert "与本次写出的复核汇总或复核副本同名" in capsys.readouterr().err
    import threading

    got = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_bytes()), daemon=True)
    reader.start()
    assert main(["recalc", str(table), "-o", str(out), "--jobs", "1", "--json", str(pipe)]) == 0
    reader.join(30)
    assert json.loads(got[0])["tables"][0]["computed_total"] == 94 and not pipe.is_file()
    assert main(["recalc", str(table), "-o", str(out), "--jobs", "1", "--json", str(link)]) == 0
    assert link.is_symlink() and json.loads((tmp_path / "目标.json").read_text(encoding="utf-8"))["tables"]


@pytest.mark.parametrize("how", ["openpyxl", "excel"])
def test_a_summary_saved_again_after_the_run_is_kept(tmp_path, capsys, how):
    """A reviewer's notes typed into 复核汇总.xlsx and saved: the next run keeps that file under
    another name, said on the terminal and in the JSON, and writes its own (it had replaced it,
    notes and all; then refused to run at all, naming every copy). The copies the kept summary
    lists are still known as the run's by when it was written; a copy changed since is still
    refused. openpyxl, LibreOffice and WPS date the parts when they save; Excel keeps
    XlsxWriter's 1980 dates but sets the modified property."""
    import zipfile

    table = tmp_path / "26_朝阳区政府网站功能和监测服务项目.xlsx"
    shutil.copy(SUBMITTED / table.name, table)
    out = tmp_path / "out"
    assert main(["recalc", str(table), "-o", str(out), "--jobs", "1"]) == 0
    summary, copy = out / "复核汇总.xlsx", out / "26_朝阳区政府网站功能和监测服务项目_复核.xlsx"
    if how == "openpyxl":
        book = load_workbook(summary)
        book["项目"]["Z2"] = "我的处理意见"
        book.save(summary)
    else:
        with zipfile.ZipFile(summary) as source:
            parts = [(info, source.read(info)) for info in source.infolist()]
        with zipfile.ZipFile(summary, "w", zipfile.ZIP_DEFLATED) as target:
            for info, data in parts:
                if info.filename == "docProps/core.xml":
                    data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2099-01-01T00:00:00Z", data)
                target.writestr(info, data)
    os.utime(summary, ns=(copy.stat().st_mtime_ns + 5 * 10**9,) * 2)   # (saved a few seconds after the run)
    edited = summary.read_bytes()
    capsys.readouterr()
    assert main(["recalc", str(table), "-o", str(out), "--jobs", "1", "--json", str(tmp_path / "r.json")]) == 0
    [kept] = [p for p in out.iterdir() if p.name.startswith("复核汇总（改动过 ")]
    assert kept.read_bytes() == edited and summary.read_bytes() != edited
    assert f"已改名保留为 {kept.name}" in capsys.readouterr().out
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["summary_kept"] == str(kept)
    assert sorted(p.name for p in out.iterdir()) == sorted([kept.name, summary.name, copy.name])
    shutil.copy(summary, out / "复核汇总.xlsx.bak")
    book = load_workbook(summary)
    book["项目"]["Z2"] = "又改了"
    book.save(summary)   # (saved again, and the copy changed after it was written: the unit's now)
    os.utime(copy, ns=(copy.stat().st_mtime_ns + 10 * 10**9,) * 2)
    os.utime(summary, ns=(copy.stat().st_mtime_ns + 10 * 10**9,) * 2)
    assert main(["recalc", str(table), "-o", str(out), "--jobs", "1"]) == 2
    assert "已有同名的文件（26_朝阳区政府网站功能和监测服务项目_复核.xlsx），不是本工具上次写出的" in capsys.readouterr().err
    assert [p.name for p in out.iterdir() if p.name.startswith("复核汇总（")] == [kept.name]


@pytest.mark.parametrize("stamp, expected", [
    ("2026-12-07T10:39:23Z", 1796639964), ("2026-12-07T10:39:23.870Z", 1796639964),
    ("2026-12-07T18:39:23+08:00", 1796639964), ("2026-12-07T10:39:23", 1796639964 - 14 * 3600), ("昨天", None)])
def test_when_a_summary_was_written_is_read_as_other_programs_write_it_back(tmp_path, monkeypatch, stamp, expected):
    """The created property perfbook wrote (whole seconds, Z), as a suite may write it back on
    saving (a fraction, an offset; no zone: the earliest a local time can be, UTC+14, whatever the
    machine's zone, so that a copy changed since is never taken for the run's), a second later;
    None when it does not read."""
    import time
    import zipfile

    from workbook_builder.recalc.outputs import _created

    path = tmp_path / "s.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("docProps/core.xml", f'<cp:coreProperties><dcterms:created xsi:type="dcterms:W3CDTF">'
                                              f'{stamp}</dcterms:created></cp:coreProperties>')
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert _created(path) == (None if expected is None else expected * 10**9)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_copies_are_not_known_by_a_summary_saved_again_that_says_not_when_it_was_written(tmp_path):
    """A summary saved again whose created property does not read: nothing in the folder is
    known as the run's (a copy may have been changed since), so nothing is written over."""
    import zipfile

    from workbook_builder.recalc.outputs import earlier_outputs

    table = tmp_path / "26_朝阳区政府网站功能和监测服务项目.xlsx"
    shutil.copy(SUBMITTED / table.name, table)
    out = tmp_path / "out"
    assert main(["recalc", str(table), "-o", str(out), "--jobs", "1"]) == 0
    assert len(earlier_outputs(out)) == 2
    summary = out / "复核汇总.xlsx"
    with zipfile.ZipFile(summary) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(summary, "w") as target:
        for info, data in parts:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:created[^>]*>)[^<]*", rb"\g<1>2026", data)
            target.writestr(info, data)
    assert earlier_outputs(out) == set()
    (out / "复核汇总（改动过 2026-12-07 1038）.xlsx").write_bytes(b"kept")   # (keep_edited's: never written over)
    assert earlier_outputs(out) == {"复核汇总（改动过 2026-12-07 1038）.xlsx"}


def test_a_summary_kept_aside_never_takes_an_earlier_ones_name(tmp_path):
    """Two summaries saved again in the same minute are kept under two names, (2) the second."""
    from openpyxl import Workbook

    from workbook_builder.recalc.outputs import keep_edited

    summary = tmp_path / "复核汇总.xlsx"
    kept = []
    for _ in range(2):
        Workbook().save(summary)   # (openpyxl dates the parts: saved again after perfbook)
        os.utime(summary, (1_800_000_000, 1_800_000_000))
        kept.append(keep_edited(summary))
    assert kept[1].name == kept[0].stem + "（2）.xlsx" and not summary.exists()


@pytest.mark.parametrize("lock", ["~$复核汇总.xlsx", ".~lock.复核汇总.xlsx#", "~$_朝阳区政府网站功能和监测服务项目_复核.xlsx",
                                  "~$6_朝阳区政府网站功能和监测服务项目_复核.xlsx"])
def test_outputs_open_in_an_office_suite_stop_the_run_before_any_work(tmp_path, capsys, lock):
    """An earlier run's summary or copy open in Excel or WPS (their ~$ owner file; Word-style
    without the name's first two characters) or LibreOffice (.~lock.…#): the run stops before
    writing anything, saying which file is open (on Windows replacing it failed at the end,
    after the copies, which the next run then refused as changed after the summary)."""
    table = tmp_path / "26_朝阳区政府网站功能和监测服务项目.xlsx"
    shutil.copy(SUBMITTED / table.name, table)
    out = tmp_path / "out"
    assert main(["recalc", str(table), "-o", str(out), "--jobs", "1"]) == 0
    (out / lock).write_bytes(b"owner")
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    capsys.readouterr()
    assert main(["recalc", str(table), "-o", str(out), "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert "正在 Excel、WPS 或 LibreOffice 中打开" in err and lock in err
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
    (out / lock).unlink()
    assert main(["recalc", str(table), "-o", str(out), "--jobs", "1"]) == 0


def test_a_summary_that_cannot_be_replaced_says_it_may_be_open(tmp_path, capsys, monkeypatch):
    """Replacing 复核汇总.xlsx refused by the system (Windows: open in Excel with no lock file
    seen, or read-only): the error names the file and says to close it."""
    from tests.conftest import refuse_replacing

    table = tmp_path / "26_朝阳区政府网站功能和监测服务项目.xlsx"
    shutil.copy(SUBMITTED / table.name, table)
    refuse_replacing(monkeypatch, "复核汇总.xlsx")
    assert main(["recalc", str(table), "-o", str(tmp_path / "out"), "--jobs", "1", "--no-copies"]) == 2
    err = capsys.readouterr().err
    assert "复核汇总.xlsx（没有访问权限；如果它正在 Excel 或 WPS 中打开，请关闭后重试）" in err


def test_the_index_batch_writes_beside_its_templates_is_skipped_not_unreadable(tmp_path):
    """A folder of templates ``perfbook batch`` wrote holds its 00_索引.xlsx: said to be the index
    and skipped (``--strict`` does not fail on it), while a workbook merely named like it and
    holding no table is still unreadable."""
    from workbook_builder.forms.batch import INDEX_NAME, write_batch
    from workbook_builder.readers.project_list import read_project_list

    tables = read_project_list(ROOT / "samples" / "chaoyang-2024" / "project_list.xlsx", year=2024)[:2]
    folder = tmp_path / "模板"
    write_batch(tables, folder, year=2024)
    result = recalc([str(folder)], tmp_path / "out", jobs=1, copies=False)
    assert len(result.reports) == 2
    assert [(f.file, f.message, f.skipped) for f in result.failures] == [
        (f"模板/{INDEX_NAME}", "未读取：perfbook batch 生成的模板索引，不是自评表，已跳过", True)]
    book = load_workbook(folder / INDEX_NAME)
    book.active["C2"] = "部门"   # no longer the index's header
    book.save(folder / INDEX_NAME)
    result = recalc([str(folder)], tmp_path / "again", jobs=1, copies=False)
    assert [f.skipped for f in result.failures] == [False]


def test_findings_name_their_indicator_on_the_terminal_in_the_summary_and_the_copy(tmp_path, capsys):
    """A finding says which indicator it is about (its 三级指标; 年度资金总额 for the funds block),
    not only its cell: the terminal line, 问题's and 复核结果's 指标 columns, the JSON."""
    folder = tmp_path / "收到"
    folder.mkdir()
    for prefix in ("05", "26"):
        shutil.copy(next(SUBMITTED.glob(f"{prefix}_*.xlsx")), folder)
    assert main(["recalc", str(folder), "-o", str(tmp_path / "out"), "--json", str(tmp_path / "r.json")]) == 0
    out = capsys.readouterr().out
    assert "[自评表!J14] 朝阳区政府网站功能和监…（指标2：项目总结报告）：实际完成值超出" in out
    assert "[自评表!H6] 朝阳区“城市管理大脑”（…（年度资金总额）：资金得分应为执行率99.97%" in out
    problems = load_workbook(tmp_path / "out" / "复核汇总.xlsx")["问题"]
    header = [c.value for c in problems[1]]
    rows = {r[header.index("单元格")]: r[header.index("指标")] for r in problems.iter_rows(min_row=2, values_only=True)}
    assert rows == {"H6": "年度资金总额", "J14": "指标2：项目总结报告"}
    [copy] = (tmp_path / "out").glob("26_*_复核.xlsx")
    review = load_workbook(copy)["复核结果"]
    assert [(r[2], r[3]) for r in review.iter_rows(min_row=2, values_only=True)] == [("J14", "指标2：项目总结报告"),
                                                                                    ("J20", "总分")]
    tables = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["tables"]
    assert {f["indicator"] for t in tables for f in t["findings"]} == {"年度资金总额", "指标2：项目总结报告"}


def test_a_funds_sub_rows_finding_names_the_sub_row():
    from addin.engine import Finding, TableFinding
    from workbook_builder.readers.tables import read_tables
    from workbook_builder.recalc.run import _concerns

    [read] = read_tables(next(SUBMITTED.glob("05_*.xlsx")))
    finding = Finding("unreadable", "当年财政拨款的全年预算数“约100”不是数值")
    assert _concerns(read, TableFinding("source", finding, "当年财政拨款")) == "当年财政拨款"
    assert _concerns(read, TableFinding("total", finding)) == ""


def test_a_reading_problem_at_an_indicator_cell_names_the_indicator(tmp_path):
    """An error value in an indicator row (said by the reader, not the engine) names the row's
    三级指标 too, one in the funds block 年度资金总额, one elsewhere nothing."""
    from workbook_builder.readers.tables import read_tables
    from workbook_builder.recalc.run import report_table

    book = load_workbook(SUBMITTED / "26_朝阳区政府网站功能和监测服务项目.xlsx")
    book["自评表"]["H15"] = book["自评表"]["E6"] = book["自评表"]["A3"] = "#DIV/0!"
    book.save(tmp_path / "26.xlsx")
    [read] = read_tables(tmp_path / "26.xlsx")
    report, _ = report_table(read, None, "26.xlsx")
    said = {f.cell: f.indicator for f in report.findings if f.kind == "unreadable"}
    assert said == {"H15": read.table.indicators[2].level3, "E6": "年度资金总额", "A3": ""}
    assert said["H15"].startswith("指标1")


def test_what_the_findings_come_to_is_said_at_the_total(tmp_path, capsys):
    """A table whose recalculated total differs says by how much, and a grade that changes says
    so (填报 优, 计算 良): on the terminal at the total cell, in 项目's 说明, in the JSON."""
    import openpyxl

    folder = tmp_path / "收到"
    folder.mkdir()
    book = openpyxl.load_workbook(next(SUBMITTED.glob("26_*.xlsx")))
    book.active["H18"] = "中（部分达到）"   # a 定性 row at 中 still scored 30 of 30: 97 reported, 82 computed
    book.save(folder / "26_改.xlsx")
    shutil.copy(next(SUBMITTED.glob("01_*.xlsx")), folder)   # nothing changes
    assert main(["recalc", str(folder), "-o", str(tmp_path / "out"), "--json", str(tmp_path / "r.json")]) == 0
    out = capsys.readouterr().out
    assert "[自评表!J20] 朝阳区政府网站功能和监…：复核结果：计算总分比填报总分低 15 分；等级由“优”变为“良”" in out
    assert "标“复核结果”的一行是这些问题对总分和等级的影响或重复报送的提示，不另计为问题" in out
    assert out.count("计算总分比填报总分") == 1
    projects = load_workbook(tmp_path / "out" / "复核汇总.xlsx")["项目"]
    said = {row[0]: row[12] for row in projects.iter_rows(min_row=2, values_only=True)}
    assert said == {"收到/26_改.xlsx": "计算总分比填报总分低 15 分；等级由“优”变为“良”",
                    f"收到/{next(SUBMITTED.glob('01_*.xlsx')).name}": None}
    tables = {t["file"]: t for t in json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["tables"]}
    assert (tables["收到/26_改.xlsx"]["reported_grade"], tables["收到/26_改.xlsx"]["grade"]) == ("优", "良")
    assert tables["收到/26_改.xlsx"]["total_cell"] == "J20"


@pytest.mark.parametrize("streaming", ["fails", "works"])
def test_a_project_sent_twice_is_said_on_its_second_table(tmp_path, capsys, monkeypatch, streaming):
    """The same project and department met again in a run (a file sent twice, in two folders or
    a zip) is said on the later table: in 项目's 说明, on the terminal, as ``same_as`` in the JSON
    (and in a summary written again after its streaming failed)."""
    if streaming == "fails":
        _summary_failing_at(monkeypatch, 1)
    sample = next(SUBMITTED.glob("26_*.xlsx"))
    for folder, name in (("单位A", sample.name), ("单位B", "再次报送.xlsx")):
        (tmp_path / "收到" / folder).mkdir(parents=True)
        shutil.copy(sample, tmp_path / "收到" / folder / name)
    shutil.copy(next(SUBMITTED.glob("01_*.xlsx")), tmp_path / "收到" / "单位B")
    assert main(["recalc", str(tmp_path / "收到"), "-o", str(tmp_path / "out"), "--json", str(tmp_path / "r.json")]) == 0
    first = f"收到/单位A/{sample.name}［自评表］"
    said = f"与 {first} 的项目名称和主管部门相同，可能重复报送"
    printed = capsys.readouterr().out
    assert f"收到/单位B/再次报送.xlsx [自评表!J20] 朝阳区政府网站功能和监…：复核结果：计算总分比填报总分低 3 分；{said}" in printed
    assert "3 张表（自评表、评分表或年度预算表，其中 1 张可能重复报送）" in printed   # (counted, and said so)
    tables = {t["file"]: t["same_as"] for t in json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["tables"]}
    assert sorted(tables.values()) == ["", "", first]
    projects = load_workbook(tmp_path / "out" / "复核汇总.xlsx")["项目"]
    notes = {row[0]: row[12] for row in projects.iter_rows(min_row=2, values_only=True)}
    assert notes["收到/单位B/再次报送.xlsx"] == f"计算总分比填报总分低 3 分；{said}"


def test_a_table_unfilled_or_without_a_project_name_is_no_repeat():
    """Nor one without a 主管部门 that reports another total (two units' 办公经费); a table named
    after its project on a sheet of that name is one like any other."""
    from workbook_builder.readers.tables import NO_PROJECT
    from workbook_builder.recalc.result import FindingRow, TableReport, mark_repeat

    def report(file, project="项目", sheet="自评表", status="", department="部门", total=90.0, unnamed=False):
        findings = [FindingRow("A3", "unreadable", "无法读取的值", f"{NO_PROJECT}，以“自评表”代替", None, None)] if unnamed else []
        return TableReport(file, sheet, project, department, "p", False, total, None, None, status=status,
                           findings=findings)

    firsts = {}
    tables = [report("a"), report("b", project=" 项目 "), report("c", status="未填写"),
              report("d", project="自评表", unnamed=True), report("e", project="自评表", unnamed=True),
              report("f", department="另一部门"), report("g", project="项目", sheet="项目"),
              report("h", project="办公经费", department=""), report("i", project="办公经费", department="", total=80.0),
              report("j", project="办公经费", department="")]
    for table in tables + tables:   # (again: nothing changes)
        mark_repeat(table, firsts)
    assert [t.same_as for t in tables] == ["", "a［自评表］", "", "", "", "", "a［自评表］", "", "", "h［自评表］"]


def test_copies_of_an_earlier_run_in_the_folder_are_passed_over(tmp_path):
    """An earlier run's output folder inside the folder recalculated: the copies its summary
    lists are skipped by rule (one had been scored again, a second submission of the project);
    a copy changed since the run (a unit corrected its table in it) is read."""
    from workbook_builder.recalc.run import EARLIER_COPY

    inbox = tmp_path / "收到"
    inbox.mkdir()
    shutil.copy(ROOT / "samples" / "chaoyang-2024" / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx", inbox)
    first = recalc([str(inbox)], inbox / "复核结果")
    copy = inbox / "复核结果" / first.reports[0].annotated
    second = recalc([str(inbox)], tmp_path / "复核2")
    assert [r.file for r in second.reports] == ["收到/26_朝阳区政府网站功能和监测服务项目.xlsx"]
    assert [(f.file, f.message, f.skipped) for f in second.failures if EARLIER_COPY in f.message] == [
        (f"收到/复核结果/{copy.name}", f"未读取：{EARLIER_COPY}", True)]
    later = copy.stat().st_mtime_ns + 10**9
    os.utime(copy, ns=(later, later))
    third = recalc([str(inbox)], tmp_path / "复核3")
    assert len(third.reports) == 2 and third.reports[1].same_as


def test_copies_of_long_chinese_names_fit_a_names_bytes(tmp_path):
    """Two units' folders of 40 Chinese characters, each holding a table named with 80: the
    copies' names (folder and name, cut by characters) had been 285 bytes, over the 255 of
    Linux and macOS, and no copy was written."""
    for unit in ("甲", "乙"):
        folder = tmp_path / "in" / (unit + "单位" * 19 + "部")
        folder.mkdir(parents=True)
        shutil.copy(ROOT / "samples" / "chaoyang-2024" / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx",
                    folder / ("长" * 80 + ".xlsx"))
    result = recalc([str(tmp_path / "in")], tmp_path / "out")
    names = [r.annotated for r in result.reports]
    assert all(names) and [r.annotation_error for r in result.reports] == [None, None]
    assert len(set(names)) == 2 and all(len(n.encode()) <= 255 and n.endswith("长_复核.xlsx") for n in names)
    assert {n[0] for n in names} == {"甲", "乙"}


def test_copies_leave_out_invisible_characters_of_the_originals_name(tmp_path):
    """A name with a left-to-right mark or a zero-width joiner gives a copy named without them,
    not with their escapes (左到右\\u200e had given _u200e左到右_复核.xlsx)."""
    (tmp_path / "in").mkdir()
    shutil.copy(ROOT / "samples" / "chaoyang-2024" / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx",
                tmp_path / "in" / "\u200e左到右\u200d表.xlsx")
    [report] = recalc([str(tmp_path / "in")], tmp_path / "out").reports
    assert report.annotated == "左到右表_复核.xlsx" and "\\u200e" in report.file


def test_an_originals_copy_is_passed_over_whatever_the_original_is_called(tmp_path):
    """An original named like the summary (复核汇总说明表.xlsx): its copy of an earlier run is an
    earlier copy like any other (only the summary and the summaries kept aside are not copies)."""
    from workbook_builder.recalc.run import EARLIER_COPY

    inbox = tmp_path / "收到"
    inbox.mkdir()
    shutil.copy(ROOT / "samples" / "chaoyang-2024" / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx",
                inbox / "复核汇总说明表.xlsx")
    recalc([str(inbox)], inbox / "复核结果")
    second = recalc([str(inbox)], tmp_path / "复核2")
    assert [r.file for r in second.reports] == ["收到/复核汇总说明表.xlsx"]
    assert [f.file for f in second.failures if EARLIER_COPY in f.message] == ["收到/复核结果/复核汇总说明表_复核.xlsx"]


def test_a_project_list_given_to_recalc_is_skipped_with_the_command_to_use(tmp_path, capsys):
    """The year's project list among the submissions is no 自评表: skipped by rule, with the
    command that reviews it (it had been 文件无法读取：没有找到自评表)."""
    (tmp_path / "in").mkdir()
    shutil.copy(ROOT / "samples" / "chaoyang-2024" / "project_list.xlsx", tmp_path / "in")
    result = recalc([str(tmp_path / "in")], tmp_path / "out")
    [(message, skipped)] = [(f.message, f.skipped) for f in result.failures]
    assert message.endswith("是项目绩效目标清单，不是自评表，已跳过；审核绩效目标请用 perfbook targets check") and skipped


def test_a_workbook_named_as_a_lock_file_is_read_a_lock_file_is_not(tmp_path):
    """Office's ~$ owner files hold a user's name (165 bytes); a unit's table that kept such a
    name (a copy of it, renamed) is a whole workbook: it is read, in a folder, in a .zip and named
    alone (it had been skipped as a lock file)."""
    import zipfile

    source = SUBMITTED / "26_朝阳区政府网站功能和监测服务项目.xlsx"
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(source, folder / "~$26_表.xlsx")
    (folder / "~$锁.xlsx").write_bytes(b"\x05owner" + b" " * 159)
    with zipfile.ZipFile(tmp_path / "报送.zip", "w") as archive:
        archive.write(source, "~$表26.xlsx")
        archive.writestr("~$锁.xlsx", b"\x05owner" + b" " * 159)
    for given, lock in ((folder, "in/~$锁.xlsx"), (tmp_path / "报送.zip", "报送.zip/~$锁.xlsx"), (folder / "~$26_表.xlsx", None)):
        result = recalc([str(given)], tmp_path / f"out-{given.name}", jobs=1)
        assert len(result.reports) == 1, given
        assert [(f.file, f.skipped) for f in result.failures] == ([(lock, True)] if lock else [])


def _far_summary(path) -> None:
    """A workbook named 复核汇总.xlsx whose 项目 sheet reaches XFD1048576 (calamine would ask for
    512 GiB loading it)."""
    import zipfile

    p = "http://schemas.openxmlformats.org/"
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{p}package/2006/content-types"><Default Extension="rels" ContentType='
        '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{p}package/2006/relationships"><Relationship Id="rId1" Type="{p}'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{p}spreadsheetml/2006/main" xmlns:r="{p}officeDocument/2006/relationships">'
        '<sheets><sheet name="项目" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{p}package/2006/relationships"><Relationship Id="rId1" '
        f'Type="{p}officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{p}spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" '
        't="inlineStr"><is><t>复核副本</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
        '</sheetData></worksheet>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)


def test_a_hostile_file_named_like_the_summary_is_read_as_a_submission_is(tmp_path, capsys):
    """A 复核汇总.xlsx among the tables, or in the output folder, is read through the container
    checks in a guarded worker when its copies are looked for: it had been opened directly in
    the main process, and one reaching XFD1048576 aborted the whole run (no summary, no JSON)."""
    inbox = tmp_path / "收到"
    (inbox / "单位A").mkdir(parents=True)
    shutil.copy(SUBMITTED / "26_朝阳区政府网站功能和监测服务项目.xlsx", inbox)
    _far_summary(inbox / "单位A" / "复核汇总.xlsx")
    assert main(["recalc", str(inbox), "-o", str(tmp_path / "out"), "--json", str(tmp_path / "out" / "r.json")]) == 0
    data = json.loads((tmp_path / "out" / "r.json").read_text(encoding="utf-8"))
    assert len(data["tables"]) == 1 and [f["file"] for f in data["unreadable"]] == ["收到/单位A/复核汇总.xlsx"]
    (tmp_path / "out2").mkdir()
    _far_summary(tmp_path / "out2" / "复核汇总.xlsx")
    assert main(["recalc", str(inbox), "-o", str(tmp_path / "out2")]) == 2
    assert "不是本工具上次写出的" in capsys.readouterr().err


@pytest.mark.parametrize("linked", ["copy", "summary"])
def test_an_output_name_that_is_a_link_is_never_written_through(tmp_path, capsys, linked):
    """An earlier run's copy (or summary) replaced by a link to the original: the run refuses,
    as for any file that is not its own; it had written through the link, replacing the
    original submission with the annotated copy."""
    inbox = tmp_path / "收到"
    inbox.mkdir()
    original = inbox / "good.xlsx"
    shutil.copy(SUBMITTED / "26_朝阳区政府网站功能和监测服务项目.xlsx", original)
    assert main(["recalc", str(inbox), "-o", str(tmp_path / "out")]) == 0
    before = original.read_bytes()
    summary = tmp_path / "out" / "复核汇总.xlsx"
    if linked == "copy":   # (the link itself dated before the summary, as a sync tool may leave it)
        name, target = tmp_path / "out" / "good_复核.xlsx", original
        name.unlink()
        name.symlink_to(target)
        old = summary.stat().st_mtime_ns - 10**9
        os.utime(name, ns=(old, old), follow_symlinks=False)
    else:   # the summary moved elsewhere and linked: its copies would be trusted, and it written through
        name, target = summary, tmp_path / "elsewhere.xlsx"
        summary.rename(target)
        name.symlink_to(target)
    kept = target.read_bytes()
    assert main(["recalc", str(inbox), "-o", str(tmp_path / "out")]) == 2
    assert "不是本工具上次写出的" in capsys.readouterr().err
    assert original.read_bytes() == before and target.read_bytes() == kept and name.is_symlink()


def test_batches_sent_one_after_another_to_one_output_folder(tmp_path, capsys):
    """Department A's tables, then B's, then A's again, all into 复核结果 (as a clerk does): the
    third run had been refused, A's copies from the first run being listed by no summary. B's
    summary lists them on a hidden sheet; one a unit changed since is still theirs."""
    a, b = tmp_path / "甲", tmp_path / "乙"
    for folder, name in ((a, "26_朝阳区政府网站功能和监测服务项目.xlsx"), (b, "12_朝阳区公共信用信息服务平台.xlsx")):
        folder.mkdir()
        shutil.copy(SUBMITTED / name, folder)
    out = tmp_path / "复核结果"
    for folder in (a, b, a, b):
        assert main(["recalc", str(folder), "-o", str(out)]) == 0
    summary = load_workbook(out / "复核汇总.xlsx")
    assert summary["此前副本"].sheet_state == "hidden"
    assert [c.value for c in summary["此前副本"]["A"]] == ["复核副本", "26_朝阳区政府网站功能和监测服务项目_复核.xlsx"]
    copy = out / "26_朝阳区政府网站功能和监测服务项目_复核.xlsx"
    later = (out / "复核汇总.xlsx").stat().st_mtime_ns + 10**9
    os.utime(copy, ns=(later, later))   # (a unit's corrections saved into it)
    assert main(["recalc", str(a), "-o", str(out)]) == 2
    assert "不是本工具上次写出的" in capsys.readouterr().err
    copy.unlink()   # (a copy gone is listed no longer)
    assert main(["recalc", str(b), "-o", str(out)]) == 0
    assert "此前副本" not in load_workbook(out / "复核汇总.xlsx").sheetnames


def test_a_copy_stopped_mid_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    """Ctrl+C while a copy is written (a worker stopped mid-copy): the run's finish removes the
    temporary file atomic_save had begun (.…_复核.xxxxxxxx.tmp.xlsx had stayed in the output
    folder); a file of the user's named alike, or one older than the run, stays."""
    from workbook_builder.recalc import copies

    out = tmp_path / "out"
    out.mkdir()
    stem = "26_朝阳区政府网站功能和监测服务项目_复核"[:20]   # (as atomic_save names the copy's temporary)
    theirs = [out / f".{stem}.abcdefgh.tmp.xlsx", out / ".其他.abcdefgh.tmp.xlsx"]   # (older than the run; another's)
    for path in theirs:
        path.write_bytes(b"theirs")
    os.utime(theirs[0], (1, 1))
    later = time.time() + 100
    os.utime(theirs[1], (later, later))   # (another file's: not this run's, whenever written)

    def stopped(data, fmt, grids, dest, reads, pairs):
        (dest.parent / f".{dest.stem[:20]}.x1y2z3w4.tmp{dest.suffix}").write_bytes(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(copies, "write_copy", stopped)
    monkeypatch.setenv("PERFBOOK_DEBUG", "1")   # (one process: the patched writer runs)
    inbox = tmp_path / "收到"
    inbox.mkdir()
    shutil.copy(SUBMITTED / "26_朝阳区政府网站功能和监测服务项目.xlsx", inbox)
    with pytest.raises(KeyboardInterrupt):
        recalc([str(inbox)], out)
    assert sorted(p.name for p in out.iterdir() if ".tmp" in p.name) == sorted(p.name for p in theirs)


def test_a_sheet_named_past_excels_limit_gets_its_values_copy_and_links(tmp_path):
    """An .ods sheet named with more than 31 characters (LibreOffice allows it): its values copy
    is written, the sheet named as Excel allows, and the summary links to that name (no copy had
    been written: 找不到工作表)."""
    import zipfile

    long = "朝阳区政府网站功能和监测服务项目2024年度项目支出绩效自评表（数据局报送）"
    source = ROOT / "tests" / "data" / "formats" / "26_website.ods"
    (tmp_path / "in").mkdir()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(tmp_path / "in" / "long.ods", "w") as renamed:
        for info in original.infolist():
            data = original.read(info)
            if info.filename in ("content.xml", "settings.xml"):
                data = data.replace("自评表".encode(), long.encode())
            renamed.writestr(info, data)
    result = recalc([str(tmp_path / "in")], tmp_path / "out")
    [report] = result.reports
    assert report.sheet == long and report.annotated == "long_复核.xlsx" and report.annotation_error is None
    copy = load_workbook(tmp_path / "out" / "long_复核.xlsx")
    [title] = [name for name in copy.sheetnames if name.startswith("朝阳区")]
    assert len(title) <= 31 and copy[title]["J14"].comment is not None
    projects = load_workbook(tmp_path / "out" / "复核汇总.xlsx")["问题"]
    assert projects.cell(2, 4).hyperlink.location == f"'{title}'!J14"


def _first_copy(tmp_path, back: str):
    """Table 26 recalculated into out1 (its copy 26_复核.xlsx), and the empty folder ``back`` it is sent back in."""
    first = tmp_path / "第一次"
    first.mkdir()
    shutil.copy(SUBMITTED / "26_朝阳区政府网站功能和监测服务项目.xlsx", first / "26.xlsx")
    recalc([str(first)], tmp_path / "out1")
    (tmp_path / back).mkdir()
    return tmp_path / back


def test_a_copy_corrected_and_sent_back_is_marked_afresh(tmp_path):
    """A unit corrects its annotated copy (J14 from 10 to 7, the total from 97 to 94) and sends it
    back: the new copy has one 复核结果 sheet (the earlier one replaced, not a 复核结果_ beside it),
    the earlier notes taken out (a comment of the unit's own kept), the corrected cell's mark let
    go and said to be cleared, and the computed values where they were (not a second column)."""
    back = _first_copy(tmp_path, "改正后")
    book = load_workbook(tmp_path / "out1" / "26_复核.xlsx")
    assert book["自评表"]["J14"].comment is not None and book["自评表"]["J14"].fill.fgColor.rgb == "FFFF9999"
    computed = next(c.column_letter for row in book["自评表"].iter_rows() for c in row if c.value == "复核计算值")
    from openpyxl.comments import Comment

    book["自评表"]["J14"], book["自评表"]["J20"] = 7, 94
    note = book["自评表"]["J14"].comment.text
    book["自评表"]["J14"].comment = Comment("单位说明：已按复核意见改正\n" + note, "填报人")   # (the unit's line added)
    book.save(back / "26_改.xlsx")
    again = recalc([str(back)], tmp_path / "out2")
    copy = load_workbook(tmp_path / "out2" / "26_改_复核.xlsx")
    assert [n for n in copy.sheetnames if n.startswith("复核结果")] == ["复核结果"]
    results = [row for row in copy["复核结果"].iter_rows(min_row=2, values_only=True)]
    assert {r[2] for r in results if r[2]} == {f.cell for f in again.reports[0].findings}
    cell = copy["自评表"]["J14"]
    assert cell.fill.fgColor.rgb != "FFFF9999" and cell.comment.text.endswith("上次复核在此标出的问题，本次复核未再发现")
    assert "得分应为7.00" not in cell.comment.text and cell.comment.text.startswith("单位说明：已按复核意见改正")
    headed = [c.column_letter for row in copy["自评表"].iter_rows() for c in row if c.value == "复核计算值"]
    assert set(headed) == {computed}   # (headed above the funds row and the indicators: the one column)


def test_a_copy_sent_back_unchanged_gets_each_note_once(tmp_path):
    """The annotated copy itself sent back as it is (perfbook's own runs in its comments): each
    note once, not the earlier one and the new one stacked."""
    back = _first_copy(tmp_path, "原样")
    shutil.copy(tmp_path / "out1" / "26_复核.xlsx", back / "26_复核.xlsx")
    recalc([str(back)], tmp_path / "out2")
    before = load_workbook(tmp_path / "out1" / "26_复核.xlsx")["自评表"]["J14"].comment.text
    after = load_workbook(tmp_path / "out2" / "26_复核_复核.xlsx")["自评表"]["J14"].comment.text
    assert after == before and after.count("perfbook 复核") == 1


@pytest.mark.parametrize("hide", ["row", "column"])
def test_a_finding_on_a_hidden_row_or_column_is_shown(tmp_path, hide):
    """The 得分 row, or column, hidden in the submitted table: the copy shows it (its red mark and
    note had been there but out of sight); the other hidden rows stay hidden."""
    (tmp_path / "in").mkdir()
    book = load_workbook(SUBMITTED / "26_朝阳区政府网站功能和监测服务项目.xlsx")
    sheet = book["自评表"]
    if hide == "row":
        sheet.row_dimensions[14].hidden = sheet.row_dimensions[15].hidden = True
    else:
        sheet.column_dimensions["J"].hidden = True
    book.save(tmp_path / "in" / "26.xlsx")
    recalc([str(tmp_path / "in")], tmp_path / "out")
    copy = load_workbook(tmp_path / "out" / "26_复核.xlsx")["自评表"]
    assert copy["J14"].comment is not None
    if hide == "row":
        assert not copy.row_dimensions[14].hidden and copy.row_dimensions[15].hidden
    else:
        assert not copy.column_dimensions["J"].hidden


def test_a_copy_written_before_a_stop_whose_outcome_never_came_is_listed(tmp_path, monkeypatch):
    """Ctrl+C while a worker's outcome is on its way: its copy is written but the run never hears
    of it. The partial summary lists it on the hidden 此前副本 sheet, so the next run into the folder
    replaces it (it had refused: 不是本工具上次写出的)."""
    from workbook_builder.recalc import run as recalc_run

    real = recalc_run.run

    def one_lost(jobs, workers, progress=None, each=None):
        done, _ = real(jobs, workers, progress, each)
        done.pop(max(done))   # (the last file's outcome lost to the stop)
        return done, False

    inbox = tmp_path / "收到"
    inbox.mkdir()
    for name in ("05_朝阳区“城市管理大脑”（一期）.xlsx", "26_朝阳区政府网站功能和监测服务项目.xlsx"):
        shutil.copy(SUBMITTED / name, inbox)
    monkeypatch.setattr(recalc_run, "run", one_lost)
    result = recalc([str(inbox)], tmp_path / "out")
    assert result.partial and len(result.reports) == 1
    hidden = load_workbook(tmp_path / "out" / "复核汇总.xlsx")["此前副本"]
    assert [c.value for c in hidden["A"]] == ["复核副本", "26_朝阳区政府网站功能和监测服务项目_复核.xlsx"]
    monkeypatch.setattr(recalc_run, "run", real)
    assert len(recalc([str(inbox)], tmp_path / "out").reports) == 2
