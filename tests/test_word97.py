"""Word 97–2003 .doc documents: converted to .docx by LibreOffice (a real one where installed,
else a stand-in program named by PERFBOOK_SOFFICE) and reviewed as that .docx; refused with
what to do where there is none, where it fails, or where it takes too long."""

import json
import os
import shutil
import stat
import sys
import textwrap
import time
from pathlib import Path

import docx
import pytest

from tests.conftest import ROOT
from tests.office_formats import SOFFICE, convert, to_docx
from workbook_builder.cli import main
from workbook_builder.readers import container, word97
from workbook_builder.readers.container import UnreadableFile, check_container
from workbook_builder.recalc.run import CONVERTED_DOC

SUBMITTED = ROOT / "samples" / "chaoyang-2024" / "submitted"
OLE_DOC = (container.OLE + b"\x00" * 56 + "WordDocument".encode("utf-16-le").ljust(128, b"\x00") + b"\x00" * 2048)


def recalc(path: Path, out: Path, *extra: str) -> dict:
    result = out.with_suffix(".json")
    main(["recalc", str(path), "-o", str(out), "--json", str(result), "--jobs", "1", *extra])
    return json.loads(result.read_text(encoding="utf-8"))


def fake_soffice(tmp_path: Path, monkeypatch, body: str) -> Path:
    """A stand-in for soffice, named by PERFBOOK_SOFFICE: ``body`` runs with ``out`` (the folder
    it is asked to write to), ``source`` (the .doc) and ``args``; its arguments are logged."""
    program = tmp_path / "fake-soffice"
    program.write_text(f"#!{sys.executable}\n" + textwrap.dedent("""\
        import json, os, shutil, sys, time
        from pathlib import Path
        args = sys.argv[1:]
        out, source = Path(args[args.index("--outdir") + 1]), Path(args[-1])
        with open(os.environ["FAKE_LOG"], "a") as log:
            log.write(json.dumps({"args": args, "pid": os.getpid()}) + "\\n")
        out.mkdir(exist_ok=True)
    """) + textwrap.dedent(body), encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv(word97.SOFFICE_ENV, str(program))
    monkeypatch.setenv("FAKE_LOG", str(tmp_path / "calls.log"))
    return tmp_path / "calls.log"


def calls(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()]


@pytest.fixture(scope="module")
def word_sample(tmp_path_factory) -> Path:
    """The 自评表 of sample 26 (one finding: J14's score) as Word lays it out, .docx."""
    folder = tmp_path_factory.mktemp("word")
    to_docx(SUBMITTED / "26_朝阳区政府网站功能和监测服务项目.xlsx", folder / "26.docx")
    return folder / "26.docx"


def test_a_doc_is_reviewed_as_the_docx_libreoffice_makes_of_it(tmp_path, monkeypatch, word_sample):
    log = fake_soffice(tmp_path, monkeypatch, f"shutil.copy({str(word_sample)!r}, out / (source.stem + '.docx'))\n")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "26.doc").write_bytes(OLE_DOC)
    data = recalc(folder, tmp_path / "out")
    [table] = data["tables"]
    assert data["unreadable"] == [] and table["format"] == "doc" and table["note"] == CONVERTED_DOC
    assert table["computed_total"] == 94 and [f["cell"] for f in table["findings"]] == ["第12行第10列"]
    assert table["annotated"] == "26_复核.docx"
    copy = docx.Document(str(tmp_path / "out" / "26_复核.docx"))
    assert any("得分应为7.00" in c.text for c in copy.comments)
    results = [[c.text for c in row.cells] for row in copy.tables[-1].rows]
    assert results[1][4:6] == ["说明", CONVERTED_DOC] and "得分应为7.00" in results[2][5]
    assert (folder / "26.doc").read_bytes() == OLE_DOC   # the original as it was
    [call] = calls(log)
    args = call["args"]
    assert args[args.index("--convert-to") + 1].startswith("docx") and "--headless" in args
    profile = next(a for a in args if a.startswith("-env:UserInstallation="))
    work = Path(args[-1]).parent
    assert profile.endswith((work / "profile").as_uri()) and not work.exists()   # its own profile, removed after


@pytest.mark.parametrize("body, reason", [
    ("", "LibreOffice 未能转换（文件可能已损坏，或临时文件夹 .* 空间不足）"),
    ("(out / (source.stem + '.docx')).write_text('not a document')\n", "转换后不是 Word 文档"),
    ("shutil.copy(os.environ['FAKE_XLSX'], out / (source.stem + '.docx'))\n", "转换后不是 Word 文档"),
])
def test_a_conversion_that_gives_no_word_document_is_said(tmp_path, monkeypatch, body, reason):
    fake_soffice(tmp_path, monkeypatch, body)
    monkeypatch.setenv("FAKE_XLSX", str(SUBMITTED / "26_朝阳区政府网站功能和监测服务项目.xlsx"))
    (tmp_path / "a.doc").write_bytes(OLE_DOC)
    with pytest.raises(UnreadableFile, match=reason) as caught:
        check_container(tmp_path / "a.doc")
    assert str(caught.value).startswith("是旧版 Word 文档（.doc）") and "另存为 .docx" in str(caught.value)


def test_what_the_conversion_makes_is_checked_like_any_docx(tmp_path, monkeypatch):
    """A .docx that LibreOffice (or whatever PERFBOOK_SOFFICE names) writes is untrusted too."""
    from tests.test_recalc_bad_files import word

    bad = tmp_path / "dtd.docx"
    word(bad, [["项目名称", "示例"]], doctype=True)
    fake_soffice(tmp_path, monkeypatch, f"shutil.copy({str(bad)!r}, out / (source.stem + '.docx'))\n")
    (tmp_path / "a.doc").write_bytes(OLE_DOC)
    with pytest.raises(UnreadableFile, match="DTD"):
        check_container(tmp_path / "a.doc")


def test_without_libreoffice_the_doc_is_refused_with_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv(word97.SOFFICE_ENV, "")
    (tmp_path / "a.doc").write_bytes(OLE_DOC)
    with pytest.raises(UnreadableFile, match="本机没有可用于转换的 LibreOffice，请在 Word 或 WPS 中另存为 .docx"):
        check_container(tmp_path / "a.doc")
    monkeypatch.setenv(word97.SOFFICE_ENV, str(tmp_path / "nowhere" / "soffice"))
    with pytest.raises(UnreadableFile, match="无法启动 LibreOffice"):
        check_container(tmp_path / "a.doc")


def test_libreoffice_is_found_on_path(tmp_path, monkeypatch):
    monkeypatch.delenv(word97.SOFFICE_ENV, raising=False)
    program = tmp_path / "soffice"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert word97.soffice() == str(program)
    program.unlink()
    assert word97.soffice() is None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not Path(f"/proc/{pid}/stat").is_file() or Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


@pytest.mark.skipif(os.name != "posix", reason="the process group is a POSIX session")
def test_a_conversion_that_takes_too_long_is_killed_with_what_it_started(tmp_path, monkeypatch):
    log = fake_soffice(tmp_path, monkeypatch, """\
        import subprocess
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        with open(os.environ["FAKE_LOG"], "a") as log:
            log.write(json.dumps({"args": [], "pid": child.pid}) + "\\n")
        time.sleep(60)
    """)
    monkeypatch.setattr(word97, "TIMEOUT", 1)
    (tmp_path / "a.doc").write_bytes(OLE_DOC)
    started = time.monotonic()
    with pytest.raises(UnreadableFile, match="转换超过 1 秒未完成"):
        check_container(tmp_path / "a.doc")
    assert time.monotonic() - started < 30
    pids = [c["pid"] for c in calls(log)]
    assert len(pids) == 2
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in pids)


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) is not installed")
def test_doc_saved_by_libreoffice_gives_the_docx_findings(tmp_path, word_sample):
    """Independent of the stand-in: LibreOffice saves the Word layout of sample 26 as .doc, and
    recalc (converting it back with LibreOffice) finds what it finds in the .docx."""
    [doc] = convert([word_sample], "doc", tmp_path / "doc", tmp_path / "profile")
    from_docx = recalc(word_sample, tmp_path / "docx-out")["tables"]
    from_doc = recalc(doc, tmp_path / "doc-out")["tables"]
    same = ("project", "department", "reported_total", "computed_total", "grade", "sheet", "findings")
    assert [{k: t[k] for k in same} for t in from_doc] == [{k: t[k] for k in same} for t in from_docx]
    assert from_doc[0]["format"] == "doc" and (tmp_path / "doc-out" / from_doc[0]["annotated"]).is_file()
    assert len(from_doc[0]["findings"]) == 1


def test_a_report_saved_as_doc_is_checked(tmp_path, monkeypatch):
    """``report check`` reads a hand-written report sent as .doc as the .docx it converts to."""
    from report_pairs import seed_style_report
    from workbook_builder.reports.check import check_report
    from workbook_builder.reports.write import read_workbook

    book = SUBMITTED / "26_朝阳区政府网站功能和监测服务项目.xlsx"
    [(_, result, _)] = read_workbook(book)
    written = seed_style_report(result, tmp_path / "report.docx")
    fake_soffice(tmp_path, monkeypatch, f"shutil.copy({str(written)!r}, out / (source.stem + '.docx'))\n")
    (tmp_path / "报告.doc").write_bytes(OLE_DOC)
    checked = check_report(tmp_path / "报告.doc", book)
    assert checked.discrepancies == [] and checked.checked >= 15


def test_a_word_document_named_as_a_project_list_is_no_table(tmp_path, monkeypatch, word_sample):
    from workbook_builder.readers.project_list import ProjectListError, read_project_list

    fake_soffice(tmp_path, monkeypatch, f"shutil.copy({str(word_sample)!r}, out / (source.stem + '.docx'))\n")
    (tmp_path / "清单.xlsx").write_bytes(OLE_DOC)
    with pytest.raises(ProjectListError, match="不是表格（是 Word 文档或没有工作表）"):
        read_project_list(tmp_path / "清单.xlsx")


def test_a_doc_cut_short_is_said_damaged_not_a_workbook(tmp_path):
    """Stream names end with a null character in the directory: a font named Book Antiqua in
    the text of a .doc whose directory was cut off is no workbook stream (it had been called xls)."""
    (tmp_path / "cut.doc").write_bytes(container.OLE + b"\x00" * 504 + "Book Antiqua".encode("utf-16-le") + b"\x00" * 512)
    with pytest.raises(UnreadableFile, match="已损坏或被截断"):
        check_container(tmp_path / "cut.doc")


def test_targets_check_of_a_doc_says_word_documents_get_no_copy(tmp_path, monkeypatch, word_sample):
    """A .doc 自评表 given to targets check: reviewed, and its copy refused as a Word document's
    (it had gone to the workbook copy and failed with an internal error)."""
    fake_soffice(tmp_path, monkeypatch, f"shutil.copy({str(word_sample)!r}, out / (source.stem + '.docx'))\n")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "26.doc").write_bytes(OLE_DOC)
    from workbook_builder.targets.run import check_targets

    result = check_targets([str(folder)], tmp_path / "out")
    assert [p.project for p in result.projects] == ["朝阳区政府网站功能和监测服务项目"]
    assert list(result.annotation_errors.values()) == ["审核副本无法写出：Word 文档不写带批注的副本，问题见目标审核汇总.xlsx"]


def test_the_program_is_found_in_a_folder_or_a_quoted_path(tmp_path, monkeypatch):
    program = tmp_path / "LibreOffice" / "program" / "soffice"
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\n")
    monkeypatch.setenv(word97.SOFFICE_ENV, str(tmp_path / "LibreOffice"))
    assert word97.soffice() == str(program)
    monkeypatch.setenv(word97.SOFFICE_ENV, f'"{program}"')
    assert word97.soffice() == str(program)
    monkeypatch.setenv(word97.SOFFICE_ENV, str(tmp_path))   # (a folder without it: said when it cannot start)
    (tmp_path / "a.doc").write_bytes(OLE_DOC)
    with pytest.raises(UnreadableFile, match=f"{word97.SOFFICE_ENV} 指向的文件夹 .* 中没有 soffice"):
        check_container(tmp_path / "a.doc")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_conversion_dies_with_the_worker_that_started_it(tmp_path, monkeypatch):
    """A recalc worker killed for overrunning its time (SIGKILL: no cleanup) takes its
    conversion with it; LibreOffice had been left running under init."""
    import subprocess

    log = fake_soffice(tmp_path, monkeypatch, "time.sleep(60)\n")
    (tmp_path / "a.doc").write_bytes(OLE_DOC)
    worker = subprocess.Popen([sys.executable, "-c", "import sys; from pathlib import Path; "
                               "from workbook_builder.readers.container import check_container; "
                               "check_container(Path(sys.argv[1]))", str(tmp_path / "a.doc")], cwd=ROOT)
    deadline = time.monotonic() + 30
    while not (log.exists() and log.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    [call] = calls(log)
    worker.kill()
    worker.wait()
    while _alive(call["pid"]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(call["pid"])


def test_a_workbook_holding_a_word_object_is_read_as_a_workbook(tmp_path, monkeypatch):
    """Both a Workbook and a WordDocument stream (an embedded Word object): the name decides;
    an .xls is never sent to LibreOffice as a document."""
    log = fake_soffice(tmp_path, monkeypatch, "")
    both = OLE_DOC + "Workbook".encode("utf-16-le").ljust(128, b"\x00")
    (tmp_path / "表.xls").write_bytes(both)
    (tmp_path / "文.doc").write_bytes(both)
    assert check_container(tmp_path / "表.xls").format == "xls" and not log.exists()
    with pytest.raises(UnreadableFile, match="是旧版 Word 文档"):
        check_container(tmp_path / "文.doc")
    assert len(calls(log)) == 1


def test_a_conversion_larger_than_any_file_read_is_refused(tmp_path, monkeypatch, word_sample):
    fake_soffice(tmp_path, monkeypatch, f"shutil.copy({str(word_sample)!r}, out / (source.stem + '.docx'))\n")
    monkeypatch.setattr(word97, "LARGEST", 1000)
    (tmp_path / "a.doc").write_bytes(OLE_DOC)
    with pytest.raises(UnreadableFile, match="转换出的文件过大"):
        check_container(tmp_path / "a.doc")


def test_recalc_gives_a_doc_its_conversion_time(tmp_path, monkeypatch, word_sample):
    """The guard's time for a chunk holding .doc files includes their conversions."""
    from workbook_builder.recalc import guard

    fake_soffice(tmp_path, monkeypatch, f"shutil.copy({str(word_sample)!r}, out / (source.stem + '.docx'))\n")
    seen, real = [], guard.run_guarded

    def watched(task, jobs, *args, **kwargs):
        jobs = list(jobs)
        seen.extend(kwargs["extra"](job) for job in jobs)
        return real(task, jobs, *args, **kwargs)
    monkeypatch.setattr(guard, "run_guarded", watched)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "26.doc").write_bytes(OLE_DOC)
    shutil.copy(SUBMITTED / "26_朝阳区政府网站功能和监测服务项目.xlsx", folder / "26.xlsx")
    recalc(folder, tmp_path / "out", "--no-copies")
    assert sorted(seen) == [0.0, word97.TIMEOUT]


def test_the_conversion_keeps_libreoffices_cache_out_of_the_users_home(tmp_path, monkeypatch, word_sample):
    """LibreOffice's cache and settings (dconf's in ~/.cache) go to the conversion's temporary
    folder, removed with it: converting a .doc had written into the user's home."""
    fake_soffice(tmp_path, monkeypatch, f"""\
        (out.parent / "env.json").write_text(json.dumps([os.environ["XDG_CACHE_HOME"], os.environ["XDG_CONFIG_HOME"]]))
        shutil.copy(str(out.parent / "env.json"), {str(tmp_path / "env.json")!r})
        shutil.copy({str(word_sample)!r}, out / (source.stem + '.docx'))
    """)
    word97.docx_of(OLE_DOC)
    cache, config = json.loads((tmp_path / "env.json").read_text())
    assert Path(cache).parent == Path(config).parent and Path(cache).parent.name.startswith("perfbook-doc-")
    assert not Path(cache).parent.exists()   # (removed with the conversion's folder)
