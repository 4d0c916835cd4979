"""The report commands read as safely as recalc: a hostile report (.docx) or workbook ends in one
Chinese sentence and exit code 2 — no traceback, no library text, no abort, in bounded time and
memory (container checks, then a guarded worker)."""

import re
import time
import zipfile

import pytest

from tests.conftest import ROOT
from tests.hostile_corpus import damaged, patch
from tests.office_formats import to_docx
from workbook_builder.cli import main

GOOD = ROOT / "samples/chaoyang-2024/submitted/26_朝阳区政府网站功能和监测服务项目.xlsx"
LIBRARY_TEXT = ("Traceback", "Package not found", "XMLSyntaxError", "KeyError", "There is no item named",
                "NotImplementedError", "content type", "MemoryError")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    damaged(folder)
    report = folder / "好的.docx"
    to_docx(GOOD, report)
    with zipfile.ZipFile(report) as z:
        document = z.read("word/document.xml")
    patch(report, folder / "巨大合并.docx", {"word/document.xml": re.sub(
        rb"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="2147483647"/>', document, count=3)})
    patch(report, folder / "合并非数.docx", {"word/document.xml": re.sub(
        rb"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="abc"/>', document, count=3)})
    patch(report, folder / "首行续合并.docx", {"word/document.xml": re.sub(
        rb"<w:tcPr>", b'<w:tcPr><w:vMerge/>', document, count=1)})
    utf7 = ('<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE d +AFs-+ADw-!ENTITY x "y"+AD4-+AF0-+AD4-'
            '<w:document/>').encode()
    patch(report, folder / "UTF7实体.docx", {"word/document.xml": utf7})
    return folder, report


NAMES = ("炸弹.docx", "文本.docx", "加密.docx", "巨大合并.docx", "合并非数.docx", "首行续合并.docx", "UTF7实体.docx")


@pytest.mark.parametrize("name", NAMES)
def test_a_hostile_report_is_one_sentence(hostile, name, capsys):
    folder, _ = hostile
    start = time.monotonic()
    code = main(["report", "check", str(folder / name), str(GOOD)])
    out, err = capsys.readouterr()
    assert time.monotonic() - start < 60
    assert not any(text in out + err for text in LIBRARY_TEXT), err
    if code == 2:
        assert err.startswith("错误：报告") and "无法读取" in err
    else:   # read all the same (a span clamped, a merge read as a start): then checked
        assert code in (0, 1) and "核对：" in out


@pytest.mark.parametrize("name", ("炸弹.xlsx", "炸弹.docx", "坏的.xls", "截断.xls", "加密.xlsx"))
def test_a_hostile_workbook_for_report_write_is_one_sentence(hostile, name, tmp_path, capsys):
    folder, _ = hostile
    code = main(["report", "write", str(folder / name), "-o", str(tmp_path / "报告.docx")])
    err = capsys.readouterr().err
    assert code == 2 and "无法读取" in err
    assert not any(text in err for text in LIBRARY_TEXT), err
    assert not (tmp_path / "报告.docx").exists()


def test_spans_in_a_report_are_read_as_recalc_reads_them(hostile, capsys):
    """A report's tables are read from the XML as recalc reads a Word 自评表: a span of
    2147483647 columns is clamped and the report checked (python-docx's grid had spent 11 s on
    it before the guard refused the report); a span that is no number is refused naming its cell."""
    folder, _ = hostile
    assert main(["report", "check", str(folder / "巨大合并.docx"), str(GOOD)]) in (0, 1)
    assert "核对：" in capsys.readouterr().out
    assert main(["report", "check", str(folder / "合并非数.docx"), str(GOOD)]) == 2
    assert "表格1第1行第1个单元格的合并列数“abc”不是数字" in capsys.readouterr().err


def test_a_project_named_with_a_direction_mark_is_printed_escaped(tmp_path, capsys):
    """A right-to-left override in the project's name would turn the rest of the terminal line
    round: printed as \\u202e, as every other command prints it."""
    import openpyxl

    book = openpyxl.load_workbook(ROOT / "samples" / "chaoyang-2024" / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx")
    book["自评表"]["C3"] = "网站\u202e项目"
    book.save(tmp_path / "表.xlsx")
    assert main(["report", "write", str(tmp_path / "表.xlsx"), "-o", str(tmp_path / "报告.docx")]) == 0
    out = capsys.readouterr().out
    assert "网站\\u202e项目" in out and "\u202e" not in out


@pytest.mark.parametrize(("typed", "shown"), [
    ("故障响应时间<1小时，系统可用率>99.9%", "故障响应时间<1小时，系统可用率>99.9%"),   # comparison signs kept
    ("实施方案数量<10份，但>计划的1份", "实施方案数量<10份，但>计划的1份"),
    ("完成<br/>验收", "完成 验收"), ('<p class="x">按期完成</p>', "按期完成")])   # tags pasted from web systems
def test_a_cells_text_keeps_its_comparison_signs_and_drops_html_tags(typed, shown):
    """Text between < and > had been cut out of the report (故障响应时间 99.9%), and report check
    found nothing wrong."""
    from workbook_builder.reports.model import cell_text

    assert cell_text(typed) == shown
