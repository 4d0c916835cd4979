"""Unexpected errors are visible: logged with their traceback (a worker's comes back through the
pipe), ``--debug`` lets them propagate, and no sample file is a read failure or a copy that
could not be written."""

import shutil

import pytest

from tests.conftest import ROOT
from workbook_builder.cli import main
from workbook_builder.recalc import run

GOOD = ROOT / "samples/chaoyang-2024/submitted/26_朝阳区政府网站功能和监测服务项目.xlsx"


def failing_on(name: str):
    real = run.report_table

    def report_table(read, profile, label):
        if name in label:
            raise ZeroDivisionError("programming error planted by the test")
        return real(read, profile, label)

    return report_table


@pytest.fixture()
def folder(tmp_path):
    folder = tmp_path / "收到"
    folder.mkdir()
    for name in ("好的.xlsx", "出错的.xlsx"):
        shutil.copy(GOOD, folder / name)
    return folder


def test_an_unexpected_error_in_a_worker_is_logged_with_its_traceback(folder, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PERFBOOK_DEBUG", "0")
    monkeypatch.setattr(run, "report_table", failing_on("出错的"))
    assert main(["recalc", str(folder), "-o", str(tmp_path / "out"), "--jobs", "2"]) == 0
    err = capsys.readouterr().err
    assert "意外错误（收到/出错的.xlsx）" in err and "Traceback" in err
    assert "ZeroDivisionError: programming error planted by the test" in err
    assert (tmp_path / "out" / "复核汇总.xlsx").is_file()


def test_debug_lets_the_error_propagate(folder, tmp_path, monkeypatch):
    monkeypatch.setenv("PERFBOOK_DEBUG", "0")
    monkeypatch.setattr(run, "report_table", failing_on("出错的"))
    with pytest.raises(ZeroDivisionError):
        main(["--debug", "recalc", str(folder), "-o", str(tmp_path / "out")])


def test_no_sample_is_a_read_failure_or_an_annotation_error(tmp_path):
    from workbook_builder.recalc.run import recalc

    folders = ("submitted", "submitted-templates", "yueyang-2020", "qinhuangdao-2020-2022")
    workbooks = [p for p in (ROOT / "samples").rglob("*") if p.suffix in (".xlsx", ".docx")
                 and p.parent.name in folders]
    result = recalc([str(p) for p in workbooks], tmp_path / "out", jobs=2)
    assert len(workbooks) >= 30
    assert result.failures == []
    assert [r.annotation_error for r in result.reports if r.annotation_error] == []


def test_a_bug_outside_the_stages_is_the_files_failure_logged_by_its_label(folder, tmp_path, monkeypatch, caplog):
    """A task that raises in the guarded worker (not inside a stage) is that file's failure, with
    the advice for workbooks, and its traceback is logged under the file's label, not the path
    it was read from (an archive's member is read from a temporary file)."""
    from workbook_builder.recalc.run import recalc

    def broken(*args):
        raise KeyError("planted")

    monkeypatch.setenv("PERFBOOK_DEBUG", "0")
    monkeypatch.setattr(run, "check_file", broken)
    monkeypatch.setattr(run, "check_files", broken)
    with caplog.at_level("ERROR", logger="perfbook"):
        result = recalc([str(folder / "出错的.xlsx")], tmp_path / "out", jobs=1)
    [failure] = result.failures
    assert failure.message == "文件无法读取：读取时出现意外错误（已记入日志），已跳过；请用 Excel 或 WPS 打开后另存为 .xlsx 再试"
    assert "意外错误（出错的.xlsx）" in caplog.text and "KeyError: 'planted'" in caplog.text
