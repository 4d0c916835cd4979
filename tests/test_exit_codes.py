"""Exit codes that mean one thing each (0 clean, 1 findings, 2 the user's error or an unreadable
input, 3 perfbook's own error), strict JSON, and names shown safely by the report commands."""

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_report_check import seed_report
from workbook_builder import cli
from workbook_builder.cli import main
from workbook_builder.files import machine_error
from workbook_builder.recalc.result import RecalcResult, TableReport


def test_an_internal_error_is_code_3_with_its_traceback_logged(monkeypatch, capsys):
    monkeypatch.setenv("PERFBOOK_DEBUG", "0")

    def broken(args):
        raise KeyError("a programming error planted by the test")

    monkeypatch.setattr(cli, "cmd_profiles", broken)
    assert main(["profiles"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" in err and "KeyError" in err and "perfbook 内部错误" in err


def test_ctrl_c_where_no_partial_result_is_written_is_code_130_in_chinese(monkeypatch, capsys):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_profiles", interrupted)
    assert main(["profiles"]) == 130
    err = capsys.readouterr().err
    assert err == "已中断。\n"


def test_a_users_error_is_code_2_and_findings_are_code_1(tmp_path):
    assert main(["recalc", str(tmp_path / "没有这个文件.xlsx"), "-o", str(tmp_path / "out")]) == 2
    sample = ROOT / "samples/chaoyang-2024/submitted/26_朝阳区政府网站功能和监测服务项目.xlsx"
    assert main(["recalc", str(sample), "-o", str(tmp_path / "a")]) == 0
    assert main(["recalc", str(sample), "-o", str(tmp_path / "b"), "--strict"]) == 1


def test_json_has_no_nan_or_infinity():
    result = RecalcResult(files=1)
    result.reports.append(TableReport("a.xlsx", "自评表", "项目", "", "mof-2020", False, float("inf"), float("nan"),
                                      None, amount=float("-inf")))
    data = json.loads(result.to_json(), parse_constant=lambda name: pytest.fail(f"{name} in the JSON"))
    [table] = data["tables"]
    assert table["reported_total"] == "inf" and table["computed_total"] == "nan" and table["amount"] == "-inf"


def test_report_check_with_a_gbk_or_escape_named_report(tmp_path, capsys):
    path, book = seed_report("01", tmp_path)
    for raw in ("报告.docx".encode("gbk"), "ESC\x1b[31m报告.docx".encode()):
        named = os.path.join(os.fsencode(tmp_path), raw)
        shutil.copy(path, named)
        out = tmp_path / "check.json"
        assert main(["report", "check", os.fsdecode(named), str(book), "--json", str(out)]) == 0
        printed = capsys.readouterr().out
        assert "\x1b" not in printed
        data = json.loads(out.read_text(encoding="utf-8"))
        assert data["report_uri"].startswith("file:///")
        if raw.startswith("报".encode("gbk")):
            assert data["report"].endswith("报告.docx（文件名按 GBK 解码）")
        else:
            assert "\\x1b" in data["report"] and "\\x1b" in printed


def test_a_sheet_named_with_a_control_character_does_not_stop_the_summary(tmp_path):
    """A sheet named with a control character (possible in .xls/.xlsb): the summary is written,
    its finding linked to the file without a location XML cannot hold."""
    from openpyxl import load_workbook

    from workbook_builder.recalc.result import FindingRow
    from workbook_builder.recalc.summary import write_summary

    result = RecalcResult(files=1)
    result.reports.append(TableReport("a.xlsx", "表\x01名", "项目\x1b", "部\x02门", "mof-2020", False, 1.0, 2.0, "优",
                                      findings=[FindingRow("B2", "score_mismatch", "得分不符", "说明\x03", 1, 2)],
                                      annotated="a_复核.xlsx"))
    path = write_summary(result, tmp_path / "复核汇总.xlsx")
    assert load_workbook(path)["问题"]["D2"].hyperlink.location is None


SAMPLE = ROOT / "samples/chaoyang-2024/submitted/26_朝阳区政府网站功能和监测服务项目.xlsx"


def test_an_output_folder_that_cannot_be_written_is_a_users_error(tmp_path, capsys):
    (tmp_path / "文件").write_text("x")
    os.symlink(tmp_path / "nowhere", tmp_path / "断开的链接")
    for out, reason in ((tmp_path / "文件" / "out", "路径中有一段不是文件夹"), (tmp_path / "断开的链接", "已有同名的文件或链接")):
        assert main(["recalc", str(SAMPLE), "-o", str(out)]) == 2
        assert f"输出目录 {out} 无法写入（{reason}）" in capsys.readouterr().err


def test_a_json_that_cannot_be_written_is_refused_before_any_work(tmp_path, capsys):
    """A --json path in a folder that cannot be written is said before any file is read (it
    had been found at the end, after the copies and the summary), in Chinese, without a trace."""
    (tmp_path / "文件").write_text("x")
    assert main(["recalc", str(SAMPLE), "-o", str(tmp_path / "out"), "--json", str(tmp_path / "文件" / "r.json")]) == 2
    err = capsys.readouterr().err
    assert f"错误：--json 的路径 {tmp_path / '文件' / 'r.json'} 无法写入（" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "复核汇总.xlsx").exists()


def test_a_json_that_cannot_be_written_at_the_end_leaves_the_summary(tmp_path, monkeypatch, capsys):
    """The disk full when the JSON is saved: the summary stands, the error names the JSON path."""
    import errno

    from workbook_builder.recalc import run

    save = run.atomic_save

    def full(write, path):
        if str(path).endswith(".json"):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return save(write, path)

    monkeypatch.setattr(run, "atomic_save", full)
    assert main(["recalc", str(SAMPLE), "-o", str(tmp_path / "out"), "--json", str(tmp_path / "r.json")]) == 2
    assert f"错误：无法读写 {tmp_path / 'r.json'}（磁盘空间不足）" in capsys.readouterr().err
    assert (tmp_path / "out" / "复核汇总.xlsx").exists()


def test_a_summary_that_cannot_be_written_leaves_the_json_saying_so(tmp_path, monkeypatch, capsys):
    """A full disk while the summary is saved: the JSON is written still, with why there is no
    summary (its tables all there, not called partial), and the error names the summary."""
    import errno

    from workbook_builder.recalc.sheets import SummaryBook

    def full(book, path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(SummaryBook, "save", full)
    result = tmp_path / "r.json"
    assert main(["recalc", str(SAMPLE), "-o", str(tmp_path / "out"), "--json", str(result)]) == 2
    err = capsys.readouterr().err
    assert f"错误：无法读写 {tmp_path / 'out' / '复核汇总.xlsx'}（磁盘空间不足）" in err and "Traceback" not in err
    data = json.loads(result.read_text(encoding="utf-8"))
    assert data["summary_error"] == "复核汇总.xlsx 无法写出（磁盘空间不足）" and not data["partial"] and data["tables"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_summary_saved_to_a_full_disk_leaves_nothing_open(monkeypatch):
    """XlsxWriter leaves its zip file open when writing it fails; the summary is zipped in
    memory, so the failure is one OSError, not a second one when the file is collected at exit."""
    import gc
    import sys

    from workbook_builder.recalc import sheets

    book = sheets.SummaryBook()
    book.sheet("项目", ["文件"]).row(["a.xlsx"])
    monkeypatch.setattr(sheets, "atomic_save", lambda save, path: save("/dev/full"))
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    with pytest.raises(OSError):
        book.save("复核汇总.xlsx")
    gc.collect()
    assert unraisable == []


def test_a_stop_while_the_outputs_are_written_comes_after_them(tmp_path, monkeypatch, capsys):
    """SIGTERM arriving while the summary is saved: the summary and the JSON are both written
    (the JSON had been left saying the run was complete, with no summary), the closing lines are
    printed with the stop said, and the command ends with the signal's code."""
    import signal

    from workbook_builder.recalc.summary import SummaryStream

    finish = SummaryStream.finish

    def killed(stream, result):
        os.kill(os.getpid(), signal.SIGTERM)
        return finish(stream, result)

    monkeypatch.setattr(SummaryStream, "finish", killed)
    before = {n: signal.getsignal(n) for n in (signal.SIGINT, signal.SIGTERM)}
    result = tmp_path / "r.json"
    assert main(["recalc", str(SAMPLE), "-o", str(tmp_path / "out"), "--json", str(result)]) == 128 + signal.SIGTERM
    assert (tmp_path / "out" / "复核汇总.xlsx").exists() and json.loads(result.read_text(encoding="utf-8"))["tables"]
    assert {n: signal.getsignal(n) for n in before} == before   # (the handlers put back)
    printed = capsys.readouterr()
    assert "复核完成：" in printed.out and "已中断：复核已全部完成，汇总与 JSON 已写出。" in printed.err


def test_a_stop_while_the_outputs_are_written_still_gives_the_json_on_standard_output(tmp_path, monkeypatch,
                                                                                        capsysbinary):
    """--json -: the JSON written before a held stop takes effect is still copied out."""
    import signal

    from workbook_builder.recalc.summary import SummaryStream

    finish = SummaryStream.finish

    def killed(stream, result):
        os.kill(os.getpid(), signal.SIGTERM)
        return finish(stream, result)

    monkeypatch.setattr(SummaryStream, "finish", killed)
    assert main(["recalc", str(SAMPLE), "-o", str(tmp_path / "out"), "--json", "-"]) == 128 + signal.SIGTERM
    assert json.loads(capsysbinary.readouterr().out.decode("utf-8"))["tables"]


def test_a_users_error_keeps_its_lines(monkeypatch, capsys):
    from workbook_builder.recalc import run

    def refused(*args, **kwargs):
        raise run.RecalcError("第一行\n第二行")

    monkeypatch.setattr(run, "recalc", refused)
    assert main(["recalc", "x", "-o", "y"]) == 2
    assert "错误：第一行\n第二行" in capsys.readouterr().err


@pytest.mark.parametrize("environment, shell", [({"PYTHONIOENCODING": "ascii"}, ""), ({}, " 2>&-")])
def test_a_console_that_cannot_show_chinese_or_has_no_error_stream(tmp_path, environment, shell):
    """An ASCII console gets escapes; a closed standard error costs only the progress bar."""
    import subprocess
    import sys

    perfbook = f"{sys.executable} -m workbook_builder.cli"
    folder = tmp_path / "表😀"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "表😀.xlsx")
    done = subprocess.run(f"{perfbook} recalc '{folder}' -o '{tmp_path / 'out'}'{shell}", shell=True, cwd=ROOT,
                          capture_output=not shell, stdout=subprocess.PIPE if shell else None,
                          env={**os.environ, **environment})
    assert done.returncode == 0 and (tmp_path / "out" / "复核汇总.xlsx").exists()
    if environment:
        assert b"\\U0001f600" in done.stdout


@pytest.mark.parametrize("named", [True, False])
def test_a_disk_full_while_saving_names_the_output_not_its_temporary(tmp_path, named):
    """Named by the temporary file or by none (a write to an open file names none)."""
    import errno

    from workbook_builder.files import atomic_save

    def full(tmp):
        raise OSError(errno.ENOSPC, "No space left on device", *([tmp] if named else []))

    with pytest.raises(OSError) as caught:
        atomic_save(full, tmp_path / "复核汇总.xlsx")
    assert caught.value.filename == str(tmp_path / "复核汇总.xlsx") and caught.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []


def test_a_save_error_without_a_number_keeps_its_text(tmp_path):
    """An OSError with no errno (a library's own) is not made into one saying nothing."""
    from workbook_builder.files import atomic_save

    def broken(tmp):
        raise OSError("压缩包写入失败")

    with pytest.raises(OSError, match="压缩包写入失败"):
        atomic_save(broken, tmp_path / "复核汇总.xlsx")


@pytest.mark.parametrize("budget, amount", [("1,411.16", 1411.16), ("141.116万元", 141.116), ("1.41116E2", 141.116),
                                            ("待定", None)])
def test_the_amount_is_a_number_or_null(tmp_path, budget, amount):
    from openpyxl import load_workbook

    book = load_workbook(SAMPLE)
    book["自评表"]["D6"] = budget
    book.save(tmp_path / "表.xlsx")
    assert main(["recalc", str(tmp_path / "表.xlsx"), "-o", str(tmp_path / "out"), "--json", str(tmp_path / "r.json")]) in (0, 1)
    [table] = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["tables"]
    assert table["amount"] == amount


def test_a_c_locale_without_utf8_mode_still_writes_chinese_names(tmp_path):
    """LC_ALL=POSIX with PYTHONUTF8=0 gives Python an ASCII file-system encoding: the command
    runs itself again in UTF-8 mode instead of failing on 复核汇总.xlsx."""
    import subprocess
    import sys

    perfbook = os.path.join(os.path.dirname(sys.executable), "perfbook")
    done = subprocess.run([perfbook, "recalc", str(SAMPLE), "-o", str(tmp_path / "out")], capture_output=True,
                          env={**os.environ, "LC_ALL": "POSIX", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""})
    assert done.returncode == 0, done.stderr[-500:]
    assert (tmp_path / "out" / "复核汇总.xlsx").exists()


def test_a_file_named_like_an_option_is_said_not_read_as_one(tmp_path, monkeypatch, capsys):
    """`perfbook recalc * -o 结果` in a folder holding -o.xlsx: the file would be read as `-o .xlsx`
    and left out without a word; it is a usage error that says to write ./-o.xlsx (exit 2),
    and argparse's own complaint about -h.xlsx is in Chinese too."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(ROOT / "samples" / "chaoyang-2024" / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx", "-o.xlsx")
    with pytest.raises(SystemExit) as stop:
        main(["recalc", "-o.xlsx", "-o", "结果"])
    assert stop.value.code == 2 and "文件名以“-”开头时请写成 ./-o.xlsx" in capsys.readouterr().err
    assert not os.path.exists("结果")
    assert main(["recalc", "./-o.xlsx", "-o", "结果", "--jobs", "1"]) == 0
    with pytest.raises(SystemExit):
        main(["recalc", "-h.xlsx", "-o", "结果"])   # no such file: argparse's message, in Chinese
    assert "参数 -h/--help 不接受值 '.xlsx'" in capsys.readouterr().err


@pytest.mark.parametrize("command", [
    ["targets", "check", "{list}", "-o", "{out}", "--json", "{list}"],
    ["new", "--spec", "{list}", "-o", "{list}", "--force"],
    ["report", "write", "{table}", "-o", "{table}"],
    ["report", "check", "{report}", "{table}", "--json", "{report}"],
    ["report", "portfolio", "{result}", "-o", "{result}"],
])
def test_an_output_that_is_an_input_is_refused_and_the_input_kept(tmp_path, capsys, command):
    """`--json 清单.xlsx`, `-o` naming the workbook read …: refused before any work (exit 2), the
    user's file unchanged."""
    files = {"list": tmp_path / "清单.xlsx", "table": tmp_path / "表26.xlsx", "report": tmp_path / "报告.docx",
             "result": tmp_path / "result.json"}
    shutil.copy(ROOT / "samples" / "chaoyang-2024" / "project_list.xlsx", files["list"])
    shutil.copy(ROOT / "samples" / "chaoyang-2024" / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx", files["table"])
    files["report"].write_bytes(b"PK not really a report")
    files["result"].write_text('{"tables": []}', encoding="utf-8")
    before = {p: p.read_bytes() for p in files.values()}
    argv = [a.format(out=tmp_path / "out", **files) for a in command]
    assert main(argv) == 2
    flag = "--json" if "--json" in command else "-o"   # (the option named)
    assert f"错误：{flag} 的路径 " in (said := capsys.readouterr().err) and f"就是要读取的文件，写出会覆盖它：请另选 {flag} 的路径" in said
    assert {p: p.read_bytes() for p in files.values()} == before


@pytest.mark.parametrize("command", [["new", "--name", "项目"], ["evaluation", "new", "--framework", "mof-2020"]])
@pytest.mark.parametrize("name", ["自评表.docx", "评分表.csv", "自评表"])
def test_a_new_workbook_must_be_named_xlsx(tmp_path, capsys, command, name):
    """A workbook written under another suffix opens in nothing: refused (exit 2), nothing written."""
    assert main([*command, "-o", str(tmp_path / name)]) == 2
    assert "应以 .xlsx 结尾" in capsys.readouterr().err and not list(tmp_path.iterdir())


def test_a_disk_too_small_for_the_summary_is_the_machines_error_not_perfbooks(tmp_path):
    """A limit on the size of files written (a full disk, a quota, ``ulimit -f``) that the JSON fits
    under and the summary does not: the JSON is written, then a clear error naming the disks (the
    output folder or the temporary folder, and TMPDIR), code 2, no traceback (XlsxWriter wraps the
    OSError in its own FileCreateError; the summary's streamed files fail too)."""
    import resource
    import subprocess
    import sys

    perfbook = [sys.executable, "-m", "workbook_builder.cli", "recalc", str(ROOT / "samples/chaoyang-2024/submitted"),
                "--no-copies"]
    subprocess.run([*perfbook, "-o", str(tmp_path / "free"), "--json", str(tmp_path / "free.json")], check=True,
                   capture_output=True, cwd=ROOT)
    limit = (tmp_path / "free.json").stat().st_size + 1024
    assert (tmp_path / "free" / "复核汇总.xlsx").stat().st_size > limit
    done = subprocess.run([*perfbook, "-o", str(tmp_path / "out"), "--json", str(tmp_path / "r.json")],
                          capture_output=True, text=True, cwd=ROOT,
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "文件大小超过系统限制" in done.stderr and "TMPDIR" in done.stderr
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["tables"]


def test_a_summary_whose_streamed_rows_cannot_be_flushed_is_let_go(monkeypatch):
    """The summary's rows streamed to a full disk: letting the book go (to write it again at the
    end) never raises, and its temporary files are removed."""
    from workbook_builder.recalc.sheets import SummaryBook

    book = SummaryBook()
    writer = book.sheet("项目", ["文件"])
    writer.row(["a.xlsx"])
    [handle] = [s.row_data_fh for s in book.book.worksheets()]

    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(handle, "close", full, raising=False)
    book.discard()
    assert not os.path.exists(book.tmpdir)


def test_errors_libraries_wrap_around_the_machines_are_the_machines():
    import errno

    import xlsxwriter.exceptions
    from lxml import etree

    assert machine_error(etree.SerialisationError("IO_ENOSPC")).errno == errno.ENOSPC   # openpyxl saving
    assert machine_error(etree.SerialisationError("IO_EFBIG")).errno == errno.EFBIG
    assert machine_error(xlsxwriter.exceptions.FileCreateError(OSError(errno.EDQUOT, "quota"))).errno == errno.EDQUOT
    assert machine_error(etree.SerialisationError("unknown encoding")) is None
    assert machine_error(KeyError("x")) is None


@pytest.mark.parametrize("command, words", [(["recalc"], "没有找到要复核的文件"),
                                            (["targets", "check"], "没有找到要审核的绩效目标清单或申报表")])
def test_an_empty_path_is_no_path(tmp_path, monkeypatch, capsys, command, words):
    """perfbook recalc "" (an unset shell variable) is refused, not taken for the current folder
    (Path("") is "."), which had been read whole."""
    shutil.copy(SAMPLE, tmp_path / "表.xlsx")
    monkeypatch.chdir(tmp_path)
    assert main([*command, "", "-o", str(tmp_path / "out")]) == 2
    assert f'{words}：""（路径为空）' in capsys.readouterr().err


def _limited(size: int):
    """A child process whose files cannot grow past ``size`` bytes (a full disk, as the writer
    meets it: Python ignores SIGXFSZ, so the write fails with EFBIG)."""
    import resource

    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


@pytest.mark.skipif(os.name != "posix", reason="a file size limit is POSIX")
def test_a_write_failing_on_a_full_disk_is_one_line_without_a_traceback(tmp_path):
    """openpyxl's XML stream and zip file fail again when they are let go after the write
    failed; that had printed 'Exception ignored … Traceback' under the Chinese error."""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "workbook_builder.cli", "new", "-o", str(tmp_path / "y.xlsx"),
                          "--name", "甲"], preexec_fn=_limited(4096), capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2 and not (tmp_path / "y.xlsx").exists()
    assert run.stderr.splitlines() == ["错误：无法读写（文件大小超过系统限制：输出目录，或临时文件夹 "
                                       f"{tempfile.gettempdir()}（可用环境变量 TMPDIR 另指））"]


@pytest.mark.skipif(os.name != "posix", reason="a file size limit is POSIX")
def test_batch_on_a_full_disk_says_each_template_and_the_index(tmp_path):
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "workbook_builder.cli", "batch",
                          str(ROOT / "samples" / "chaoyang-2024" / "project_list.xlsx"), "-o", str(tmp_path / "out")],
                         preexec_fn=_limited(20000), capture_output=True, text=True, cwd=ROOT)
    said = run.stderr.splitlines()
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert sum(line.startswith("未生成：") and line.endswith("：文件大小超过系统限制") for line in said) == 30
    assert said[-1].endswith("生成 0 个自评表模板，30 个失败；索引 00_索引.xlsx 无法写出（文件大小超过系统限制）")


def test_report_check_json_never_replaces_a_pipe_or_a_users_file(tmp_path, capsys):
    report, book = seed_report("26", tmp_path)
    notes = tmp_path / "notes.txt"
    notes.write_text("我的笔记", encoding="utf-8")
    assert main(["report", "check", str(report), str(book), "--json", str(notes)]) == 2
    assert notes.read_text(encoding="utf-8") == "我的笔记" and "不是 JSON 的文件" in capsys.readouterr().err
    if hasattr(os, "mkfifo"):   # (a pipe: written into, never replaced by a file)
        import threading

        os.mkfifo(tmp_path / "pipe.json")
        got = []
        reader = threading.Thread(target=lambda: got.append((tmp_path / "pipe.json").read_bytes()), daemon=True)
        reader.start()
        assert main(["report", "check", str(report), str(book), "--json", str(tmp_path / "pipe.json")]) == 0
        reader.join(30)
        assert "discrepancies" in json.loads(got[0]) and not (tmp_path / "pipe.json").is_file()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_an_output_onto_a_pipe_is_written_into_it_not_renamed_over(tmp_path):
    """``atomic_save`` onto an existing device or pipe (/dev/null, a shell's >(…)) writes the
    complete file into it; renaming over it had replaced /dev/null with a file (as root)."""
    import stat
    import threading

    from workbook_builder.files import atomic_save

    pipe = tmp_path / "pipe.xlsx"
    os.mkfifo(pipe)
    got = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_bytes()), daemon=True)
    reader.start()
    atomic_save(lambda tmp: Path(tmp).write_bytes(b"complete"), pipe)
    reader.join(10)
    assert got == [b"complete"] and stat.S_ISFIFO(os.stat(pipe).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.xlsx"]   # (no temporary left beside it)
    if os.path.isdir("/proc/self/fd"):   # a shell's >(…): /dev/fd/63, a link to "pipe:[…]", no path of its own
        read, write = os.pipe()
        (tmp_path / "fd").symlink_to(f"/proc/self/fd/{write}")
        atomic_save(lambda tmp: Path(tmp).write_bytes(b"again"), tmp_path / "fd")
        assert os.read(read, 100) == b"again" and (tmp_path / "fd").is_symlink()
        os.close(read), os.close(write)


@pytest.mark.skipif(os.name != "posix", reason="a pipe closed at its reading end")
def test_a_reader_that_stops_early_does_not_stop_the_work(tmp_path):
    """``perfbook batch … | head``: printing into a pipe nobody reads is dropped and every
    template is still written (the broken pipe had ended the command before any, exit 0)."""
    import subprocess
    import sys

    read, write = os.pipe()
    os.close(read)   # (every write fails at once: no race with head)
    try:
        run = subprocess.run([sys.executable, "-m", "workbook_builder.cli", "batch",
                              str(ROOT / "samples" / "chaoyang-2024" / "project_list.xlsx"), "-o", str(tmp_path / "out")],
                             stdout=write, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    finally:
        os.close(write)
    assert run.returncode == 0 and "Traceback" not in run.stderr and "Exception" not in run.stderr
    assert len(list((tmp_path / "out").glob("*.xlsx"))) == 31   # 30 templates and the index
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}   # (a few lines, still buffered at the end)
    read, write = os.pipe()
    os.close(read)
    try:
        run = subprocess.run([sys.executable, "-m", "workbook_builder.cli", "new", "-o", str(tmp_path / "一个.xlsx"),
                              "--name", "甲"], stdout=write, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=buffered)
    finally:
        os.close(write)
    assert run.returncode == 0 and run.stderr == "" and (tmp_path / "一个.xlsx").is_file()


@pytest.mark.skipif(sys.platform.startswith("darwin"), reason="the config sits in Excel's container on macOS")
@pytest.mark.parametrize("command", [["addin", "status"], ["lite", "-o", "out"]])
def test_an_xlwings_config_in_another_encoding_is_said(tmp_path, monkeypatch, capsys, command):
    """A ~/.xlwings/xlwings.conf saved as GBK (Notepad on Chinese Windows): xlwings cannot read
    it as it is imported; said, no longer an internal error with its traceback."""
    import locale

    if locale.getpreferredencoding(False).lower().replace("-", "") not in ("utf8",):
        pytest.skip("the default encoding here reads GBK")
    (tmp_path / ".xlwings").mkdir()
    (tmp_path / ".xlwings" / "xlwings.conf").write_bytes('"INTERPRETER_WIN","C:\\Users\\张三\\python.exe"\n'.encode("gbk"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "xlwings 的配置文件" in err and "不是 UTF-8 编码" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_an_output_through_a_link_replaces_the_file_it_names_and_keeps_the_link(tmp_path):
    """``new -o /dev/stdout`` with stdout a file: /dev/stdout is a link; renaming over it had
    replaced the link itself (as root, /dev/stdout became a file)."""
    from workbook_builder.files import atomic_save

    (tmp_path / "真的.xlsx").write_bytes(b"old")
    (tmp_path / "链接.xlsx").symlink_to(tmp_path / "真的.xlsx")
    atomic_save(lambda tmp: Path(tmp).write_bytes(b"new"), tmp_path / "链接.xlsx")
    assert (tmp_path / "链接.xlsx").is_symlink() and (tmp_path / "真的.xlsx").read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["真的.xlsx", "链接.xlsx"]
