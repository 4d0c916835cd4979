"""``perfbook report write``: a Word report per sample table, in the national outline, every
figure from the re-scored table; a golden snapshot of one report; LibreOffice opens it."""

import os
import re
import shutil
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document

from workbook_builder.cli import main
from workbook_builder.reports.check import check_report
from workbook_builder.reports.model import NARRATIVE_SECTIONS, NarrativeError, placeholder
from workbook_builder.reports.write import read_workbook, write_reports

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "chaoyang-2024"
WORKBOOKS = sorted((SAMPLES / "submitted").glob("*.xlsx")) + sorted((SAMPLES / "submitted-templates").glob("*.xlsx"))
NARRATIVE = ROOT / "samples" / "narrative.toml"
SNAPSHOT = ROOT / "tests" / "data" / "snapshots" / "report_26.txt"
OUTLINE = ["一、基本情况", "二、绩效评价工作开展情况", "三、综合评价情况及评价结论", "四、绩效评价指标分析",
           "五、主要经验及做法、存在的问题及原因分析", "六、有关建议", "七、其他需要说明的问题"]
TAG = re.compile(r"\{[{%#]|[}%#]\}")


def all_text(document) -> list[str]:
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    for section in document.sections:
        texts += [p.text for p in section.footer.paragraphs] + [p.text for p in section.header.paragraphs]
    return texts


def score_table(document) -> list[list[str]]:
    [table] = [t for t in document.tables if t.rows[0].cells[0].text == "评价内容"]
    return [[c.text for c in row.cells] for row in table.rows]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    return [(book, write_reports(book, out / f"{book.stem}.docx")) for book in WORKBOOKS]


def test_a_report_for_each_sample_table(written):
    reports = [r for _, result in written for r in result.reports]
    assert len(reports) == 34   # 30 tables in submitted/, 4 filled templates
    assert len({r.data.project for r in reports}) == 30


def test_reports_carry_the_outline_no_tags_and_a_score_table_that_adds_up(written):
    for _, result in written:
        for report in result.reports:
            document = Document(str(report.path))
            headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
            assert headings == OUTLINE, report.path
            assert not [t for t in all_text(document) if TAG.search(t)], report.path
            rows = score_table(document)
            assert rows[0] == ["评价内容", "满分值", "评估得分"] and rows[-1][0] == "总计"
            for column in (1, 2):
                parts = sum((Decimal(r[column]) for r in rows[1:-1]), Decimal(0))
                assert parts == Decimal(rows[-1][column]), (report.path, column)
            assert Decimal(rows[-1][2]) == report.data.total
            assert f"评价等级为“{report.data.grade}”" in "".join(p.text for p in document.paragraphs)
            styles = {p.style.name for p in document.paragraphs}
            assert {"Title", "Heading 1", "Heading 2"} <= styles
            section = document.sections[0]
            assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
            footer = document.sections[0].footer.paragraphs[0]._p.xml
            assert "PAGE" in footer


def test_every_report_agrees_with_its_table_by_report_check(written):
    """The writer and the checker agree: no figure of a written report is flagged."""
    for book, result in written:
        for report in result.reports:
            checked = check_report(report.path, book)
            assert checked.discrepancies == [], [d.message for d in checked.discrepancies]
            assert checked.checked > 30


def test_recomputed_figures_and_what_was_corrected(written):
    """#26: one indicator reported 10 for 7 (over-target rule): the report states 94, not 97,
    and says why."""
    [(_, result)] = [(b, r) for b, r in written if b.name.startswith("26_")]
    text = "\n".join(p.text for p in Document(str(result.reports[0].path)).paragraphs)
    assert "本项目综合得分94分" in text
    assert "自评表填报总分为97分，按计分规则重新计算为94分" in text
    assert "J14单元格（指标“项目总结报告”的得分）：实际完成值超出年度指标值600%" in text


def test_placeholders_without_narrative_and_text_with_it(tmp_path):
    book = SAMPLES / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx"
    [plain] = write_reports(book, tmp_path / "a.docx").reports
    text = "\n".join(p.text for p in Document(str(plain.path)).paragraphs)
    for label in ("项目背景、主要内容及实施情况", "主要经验及做法", "有关建议", "其他需要说明的问题"):
        assert placeholder(label) in text
    [filled] = write_reports(book, tmp_path / "b.docx", NARRATIVE).reports
    text = "\n".join(p.text for p in Document(str(filled.path)).paragraphs)
    assert "【待填写" not in text
    assert "参考以往年度的实际完成情况设定数量指标" in text
    assert "本项目为政务网站提供互动交流" in text and "项目由区数据局按照单位项目审核流程组织实施" in text


def test_bad_narrative_files_are_user_errors(tmp_path, capsys):
    book = SAMPLES / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx"
    (tmp_path / "typo.toml").write_text('"建意" = "…"\n', encoding="utf-8")
    with pytest.raises(NarrativeError, match="建意"):
        write_reports(book, tmp_path / "a.docx", tmp_path / "typo.toml")
    (tmp_path / "broken.toml").write_text('"有关建议" = \n', encoding="utf-8")
    assert main(["report", "write", str(book), "-o", str(tmp_path / "a.docx"), "--narrative", str(tmp_path / "broken.toml")]) == 2
    assert "不是有效的 TOML" in capsys.readouterr().err
    assert set(NARRATIVE_SECTIONS) >= set(__import__("tomllib").loads(NARRATIVE.read_text(encoding="utf-8")))


def test_several_tables_one_report_each_or_one_sheet(tmp_path, capsys):
    book = SAMPLES / "submitted" / "27-30_政府网站运维项目.xlsx"
    assert main(["report", "write", str(book), "-o", str(tmp_path / "报告.docx")]) == 0
    names = sorted(p.name for p in tmp_path.glob("*.docx"))
    assert len(names) == 4 and names[0].startswith("报告_1_")
    sheets = [scored.report.sheet for scored in read_workbook(book)]
    alone = next(s for s in sheets if sheets.count(s) == 1)
    assert main(["report", "write", str(book), "-o", str(tmp_path / "one.docx"), "--sheet", alone]) == 0
    assert (tmp_path / "one.docx").exists()
    assert main(["report", "write", str(book), "-o", str(tmp_path / "x.docx"), "--sheet", "没有这张表"]) == 2
    assert "没有工作表“没有这张表”" in capsys.readouterr().err
    assert main(["report", "write", str(tmp_path / "missing.xlsx"), "-o", str(tmp_path / "x.docx")]) == 2


def test_a_table_not_filled_in_gets_no_report(tmp_path, capsys):
    """A 自评表 not filled in (no 实际完成值, no 得分) gets no report, said by its sheet; a
    workbook of nothing else is refused (it had written six pages of 实际完成值未填写)."""
    from openpyxl import load_workbook

    book = tmp_path / "四张表.xlsx"
    shutil.copy(SAMPLES / "submitted" / "27-30_政府网站运维项目.xlsx", book)
    first = read_workbook(book)[0]
    cells = {ref for key, ref in first.read.all_cells().items()
             if key[-1] in ("actual", "score") and key[0] in ("indicator", "funds", "total")}
    wb = load_workbook(book)
    for ref in cells:
        wb[first.report.sheet][ref] = None
    wb.save(book)
    assert main(["report", "write", str(book), "-o", str(tmp_path / "报告.docx")]) == 0
    out = capsys.readouterr().out
    assert len(list(tmp_path.glob("报告_*.docx"))) == 3 and f"未生成：自评表“{first.report.sheet}”（" in out
    assert not list(tmp_path.glob("报告_1_*.docx"))   # (numbered by place among all: filled later, it takes _1_)
    assert main(["report", "write", str(book), "-o", str(tmp_path / "一张.docx"), "--sheet", first.report.sheet]) == 2
    assert f"的自评表（工作表“{first.report.sheet}”）尚未填写" in capsys.readouterr().err
    assert not (tmp_path / "一张.docx").exists()


def snapshot_text(path: Path) -> str:
    """The report's paragraphs (with their styles) and tables as text, for the golden file."""
    document = Document(str(path))
    lines = []
    for item in document.iter_inner_content():
        if hasattr(item, "rows"):
            lines += [" | ".join(c.text for c in row.cells) for row in item.rows]
        elif item.text.strip():
            lines.append(f"[{item.style.name}] {item.text}")
    return "\n".join(lines) + "\n"


def test_golden_report_of_table_26(tmp_path):
    book = SAMPLES / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx"
    [report] = write_reports(book, tmp_path / "r.docx", NARRATIVE).reports
    text = snapshot_text(report.path)
    if os.environ.get("PERFBOOK_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert text == SNAPSHOT.read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_a_report_to_pdf(tmp_path):
    book = SAMPLES / "submitted" / "01_2022-2023年朝阳区互联网接入服务.xlsx"
    [report] = write_reports(book, tmp_path / "r.docx", NARRATIVE).reports
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(report.path)],
                          capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "r.pdf"
    assert pdf.exists(), done.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        compact = re.sub(r"\s+", "", text)
        assert all(heading in compact for heading in OUTLINE)
        assert "【待填写" not in compact
        lines = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        assert re.search(r"^\s*产出指标\s+数量指标\s", lines, re.M)   # (a table row: neither broken over two lines)


def test_a_report_already_written_is_kept_unless_forced(tmp_path, capsys):
    """A report is edited by hand once written: writing it again needs --force, and when one of
    a workbook's several reports exists, none is written."""
    book = SAMPLES / "submitted" / "27-30_政府网站运维项目.xlsx"
    assert main(["report", "write", str(book), "-o", str(tmp_path / "报告.docx")]) == 0
    [second] = [p for p in tmp_path.glob("报告_2_*.docx")]
    second.write_bytes(b"edited by hand")
    others = {p: p.stat().st_mtime_ns for p in tmp_path.glob("*.docx") if p != second}
    assert main(["report", "write", str(book), "-o", str(tmp_path / "报告.docx")]) == 2
    err = capsys.readouterr().err
    assert "文件已存在" in err and second.name in err and "--force" in err
    assert second.read_bytes() == b"edited by hand"
    assert {p: p.stat().st_mtime_ns for p in others} == others
    assert main(["report", "write", str(book), "-o", str(tmp_path / "报告.docx"), "--force"]) == 0
    assert Document(str(second)).paragraphs
    assert main(["report", "write", str(book), "-o", str(tmp_path / "报告.docx")]) == 2   # all four there: three named
    err = capsys.readouterr().err
    assert err.count("报告_") == 3 and "等（" in err


def test_a_derived_report_name_that_is_the_workbook_read_is_refused_even_forced(tmp_path, capsys):
    """A workbook of several tables gets one report each, named after ``-o``: a unit's file that
    happens to bear one of those names is never written over, not even with --force."""
    first = read_workbook(SAMPLES / "submitted" / "27-30_政府网站运维项目.xlsx")[0].report.project
    book = tmp_path / f"报告_1_{first}.docx"   # (a .docx: the name a report of it would take)
    from tests.office_formats import to_docx

    to_docx(SAMPLES / "submitted" / "27-30_政府网站运维项目.xlsx", book)
    before = book.read_bytes()
    for extra in ([], ["--force"]):
        assert main(["report", "write", str(book), "-o", str(tmp_path / "报告.docx"), *extra]) == 2
        assert "就是要读取的文件，写出会覆盖它" in capsys.readouterr().err
    assert book.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [book.name]


def test_recalc_passes_over_a_report_perfbook_wrote(tmp_path):
    """A report ``report write`` wrote, put among the submissions, is said and skipped: its score
    table is the recomputed one, which recalc had read as a 自评表 under another rule (the central
    form's), finding '得分应为10.00，填报为7' where Chaoyang's rule gives 7."""
    from workbook_builder.recalc.run import recalc

    folder = tmp_path / "收到"
    folder.mkdir()
    [written] = write_reports(SAMPLES / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx",
                              folder / "报告.docx").reports
    result = recalc([str(folder)], tmp_path / "out", jobs=1, copies=False)
    assert [(f.file, f.message, f.skipped) for f in result.failures] == [
        ("收到/报告.docx", "未读取：perfbook report write 生成的绩效评价报告，不是自评表，已跳过", True)]
    assert result.reports == []


def test_a_budget_not_fully_executed_is_a_problem_of_the_report(tmp_path):
    """五（二） says the budget not fully executed (it had said 各项指标均得满分 of a table whose
    资金 row scored 5 of 10) and the problems recalc found; a table with neither says so."""
    from openpyxl import load_workbook

    book = tmp_path / "08.xlsx"
    shutil.copy(SAMPLES / "submitted" / "08_朝阳区大数据系统平台建设及应用服务(1).xlsx", book)
    wb = load_workbook(book)
    annual = wb["自评表"]["D6"].value
    wb["自评表"]["E6"], wb["自评表"]["G6"], wb["自评表"]["H6"] = annual / 2, None, None
    wb.save(book)
    [written] = write_reports(book, tmp_path / "r.docx").reports
    short, corrected = written.data.shortfalls   # (the 得分 and 总分 cells left blank: found, and said)
    assert corrected.startswith("复核发现自评表填报中有") and corrected.endswith("处问题，见复核说明。")
    assert short.startswith(f"预算未全部执行：全年预算数{Decimal(str(annual)):.2f}万元") and "预算执行率50%" in short
    assert short.endswith("年度资金总额得分5分（分值10分）。")
    shutil.copy(SAMPLES / "submitted" / "08_朝阳区大数据系统平台建设及应用服务(1).xlsx", book)
    [written] = write_reports(book, tmp_path / "r2.docx").reports
    assert written.data.shortfalls == ["预算全部执行，各项指标均得满分。"]
    unscored = replace(written.data, funds=dict(written.data.funds, score="—"))   # (a funds block not scored)
    assert unscored.shortfalls == ["各项指标均得满分。"]


def test_a_reports_document_properties_are_its_own(tmp_path):
    """Word's 文件 → 信息 shows the report's title, perfbook and when it was written (not the
    template's python-docx of 2013), and the category recalc knows a report by."""
    from datetime import datetime, timedelta, timezone

    from workbook_builder.reports import REPORT_CATEGORY

    [written] = write_reports(SAMPLES / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx", tmp_path / "r.docx").reports
    props = Document(str(written.path)).core_properties
    assert (props.title, props.author, props.comments, props.category) == (
        "朝阳区政府网站功能和监测服务项目", "perfbook", "", REPORT_CATEGORY)
    assert abs(props.created - datetime.now(timezone.utc)) < timedelta(minutes=5) and props.modified == props.created


def test_what_is_left_to_write_is_highlighted_counted_and_checked(tmp_path, capsys):
    """Without a narrative, each 【待填写：…】 is highlighted in a run of its own, the command says
    how many there are, and report check says each is still to be written (it had said 0 处不一致)."""
    from docx.enum.text import WD_COLOR_INDEX

    table = SAMPLES / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx"
    out = tmp_path / "r.docx"
    assert main(["report", "write", str(table), "-o", str(out)]) == 0
    document = Document(str(out))
    marked = [r.text for p in document.paragraphs for r in p.runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    left = re.findall(r"【待填写：[^】]*】", "\n".join(p.text for p in document.paragraphs))
    assert marked == left and len(left) == 7
    assert "有 7 处【待填写】（黄色标出" in capsys.readouterr().out
    assert main(["report", "check", str(out), str(table)]) == 1   # (the figures agree, but it is not ready to send)
    said = capsys.readouterr().out
    assert "报告中还有 7 处待填写的内容，请补充后再报送：" in said and "“六、有关建议”下第1段：【待填写：有关建议】" in said
    assert main(["report", "write", str(table), "-o", str(out), "--narrative", str(ROOT / "samples" / "narrative.toml"),
                 "--force"]) == 0
    assert "待填写" not in capsys.readouterr().out
    assert not [r for p in Document(str(out)).paragraphs for r in p.runs if r.font.highlight_color]


def test_one_narrative_for_several_reports_is_pointed_out(tmp_path, capsys):
    """A workbook of four tables with one --narrative: the four reports would carry one project's
    words, so the command says so and how to give each its own (--sheet)."""
    book = SAMPLES / "submitted" / "27-30_政府网站运维项目.xlsx"
    assert main(["report", "write", str(book), "-o", str(tmp_path / "r.docx"), "--narrative", str(NARRATIVE)]) == 0
    assert "注意：4 份报告用了同一份叙述文件" in capsys.readouterr().out
    assert main(["report", "write", str(book), "-o", str(tmp_path / "one.docx"), "--narrative", str(NARRATIVE),
                 "--sheet", "表27"]) == 0
    assert "注意" not in capsys.readouterr().out


def test_a_word_table_not_filled_in_is_named_as_a_table_not_a_sheet(tmp_path, monkeypatch):
    """The refusal names a Word document's table as its table (“表格1”), not as a 工作表."""
    import workbook_builder.reports.write as write
    from workbook_builder.recalc.result import TableReport

    blank = TableReport("a.docx", "表格1", "项目", "", "mof-2020", False, None, None, None, status="未填写")
    monkeypatch.setattr(write, "read_scored", lambda *args: [write.Scored(blank, None, object())])
    with pytest.raises(write.ReportError, match="a.docx 的自评表（“表格1”）尚未填写"):
        write_reports(tmp_path / "a.docx", tmp_path / "r.docx")
    with pytest.raises(write.ReportError, match="a.xlsx 的自评表（工作表“表格1”）尚未填写"):
        write_reports(tmp_path / "a.xlsx", tmp_path / "r.docx")


def test_numbers_in_report_tables_are_right_aligned(written):
    """Amounts, rates and scores line up on the right, as in official tables; names and worded
    targets stay as they were (they had all been left-aligned)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    _, result = written[0]
    document = Document(str(result.reports[0].path))
    for table in document.tables:
        headers = [c.text for c in table.rows[0].cells]
        for row in table.rows[1:]:
            for header, cell in zip(headers, row.cells):
                right = cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
                assert right == any(w in header for w in ("预算数", "执行数", "执行率", "分值", "得分")), (header, cell.text)


def test_a_total_the_unit_did_not_report_is_not_said_to_be_its_self_evaluation():
    """经自评 only where the table's 总分 is the recomputed one; a blank 总分 (every score left to
    perfbook) had been written 经自评，本项目综合得分94分."""
    from dataclasses import replace

    from workbook_builder.reports.model import table_report_data
    from workbook_builder.reports.write import read_workbook

    [(report, result, _)] = read_workbook(SAMPLES / "submitted" / "01_2022-2023年朝阳区互联网接入服务.xlsx")
    data = table_report_data(result, report)
    assert data.conclusion.startswith("经自评，本项目综合得分100分")
    assert replace(data, reported_total=None).conclusion.startswith("按计分规则复核计算，本项目综合得分100分")


def test_a_correction_in_a_report_is_a_sentence_without_the_readings_tried():
    """The readings recalc lists as tried (另试按正向（实际值÷指标值）计为10、…，均不是0) are a
    reviewer's aid, not a sentence of a formal report; each correction ends with 。."""
    from types import SimpleNamespace

    from workbook_builder.reports.model import corrections_of

    tried = "得分应为10.00，填报为0（另试按正向（实际值÷指标值）计为10、按反向（指标值÷实际值）计为1.43，均不是0）"
    report = SimpleNamespace(sheet="自评表", findings=[SimpleNamespace(cell="J15", message=tried),
                                                    SimpleNamespace(cell="", message="总分应为94，填报为97。")])
    assert [c["message"] for c in corrections_of(report, {})] == ["得分应为10.00，填报为0。", "总分应为94，填报为97。"]


def test_narrative_lines_join_as_a_reader_expects():
    """Lines of one paragraph join without a space (Chinese wraps anywhere) but English words keep
    theirs (wordsand had been written); a numbered item begins its own paragraph (1. …；2. … had
    run into one); 3.5万元 on a line of its own is no item."""
    from workbook_builder.reports.model import narrative_context

    text = "本项目于2024年\n完成建设，with English words\nand more\n1. 问题一；\n2. 问题二\n继续写\n（一）再一个预算\n3.5万元\n\n另一段"
    assert narrative_context({"存在问题": text})["problems"] == [
        "本项目于2024年完成建设，with English words and more", "1. 问题一；", "2. 问题二继续写", "（一）再一个预算3.5万元",
        "另一段"]


def test_amounts_are_written_with_two_decimals_or_as_typed():
    """万元 as budget tables write them, in every report: 120.00, 141.10 (one column had read
    120 | 141.1 | 139.875), never rounded away (738.62892 stays)."""
    from workbook_builder.reports.model import amount

    assert [amount(v) for v in (120, 141.1, 139.875, 0, 738.62892, None)] == [
        "120.00", "141.10", "139.875", "0.00", "738.62892", "—"]
    assert amount(1411160, 10000) == "141.116"


def test_a_name_wrapped_in_its_cell_is_one_name():
    """朝阳区政府网站⏎功能和监测服务项目 (Alt+Enter in its cell) had been written with a space."""
    from workbook_builder.reports.model import cell_text

    assert cell_text("朝阳区政府网站\n功能和监测服务项目") == "朝阳区政府网站功能和监测服务项目"
    assert cell_text("Office\n365 授权") == "Office 365 授权" and cell_text(6.0) == "6"
    assert cell_text("1.项目延期\n2.资金未到位") == "1.项目延期 2.资金未到位"   # (list items kept apart)
