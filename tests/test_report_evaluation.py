"""``perfbook report write`` on a framework evaluation (评价指标体系评分表, the Yueyang sample) and
on a multi-year evaluation (yearly budget tables, the Qinhuangdao sample): the national outline,
no unrendered tags, a score table that adds up to the total, every figure recomputed, golden
snapshots, LibreOffice opens them."""

import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from addin.engine.frameworks import blank_form, evaluate_form, fill, get_framework
from tests.test_evaluation_workbook import VARIANT
from workbook_builder.cli import main
from workbook_builder.forms import evaluation_layout as E
from workbook_builder.forms.evaluation import EvaluationHeader, write_evaluation
from workbook_builder.reports.framework import FrameworkReportData
from workbook_builder.reports.model import placeholder
from workbook_builder.reports.multiyear import MultiYearReportData
from workbook_builder.reports.write import write_reports

from test_report_write import OUTLINE, TAG, all_text, score_table, snapshot_text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "samples"))
from make_evaluation_samples import write_qinhuangdao, write_yueyang  # noqa: E402

YUEYANG = ROOT / "samples" / "yueyang-2020" / "附件3-2_评价指标体系_自评.xlsx"
YUEYANG_NARRATIVE = ROOT / "samples" / "yueyang-2020" / "narrative.toml"
QINHUANGDAO = ROOT / "samples" / "qinhuangdao-2020-2022" / "年度预算及支出情况.xlsx"
QINHUANGDAO_NARRATIVE = ROOT / "samples" / "qinhuangdao-2020-2022" / "narrative.toml"
SNAPSHOTS = ROOT / "tests" / "data" / "snapshots"


def paragraphs(path: Path) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in Document(str(path)).paragraphs]


def body(path: Path) -> str:
    return "\n".join(text for _, text in paragraphs(path))


def check_outline_and_tags(path: Path) -> None:
    document = Document(str(path))
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == OUTLINE
    assert not [t for t in all_text(document) if TAG.search(t)]
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert "PAGE" in section.footer.paragraphs[0]._p.xml


def section_of(path: Path, heading: str) -> list[tuple[str, str]]:
    """The paragraphs under the Heading 1 ``heading`` up to the next Heading 1."""
    items = paragraphs(path)
    start = items.index(("Heading 1", heading)) + 1
    end = next((i for i in range(start, len(items)) if items[i][0] == "Heading 1"), len(items))
    return items[start:end]


# --- framework evaluation --------------------------------------------------------------------


def test_framework_report_outline_score_table_and_grade(tmp_path):
    [report] = write_reports(YUEYANG, tmp_path / "r.docx").reports
    assert isinstance(report.data, FrameworkReportData)
    check_outline_and_tags(report.path)
    rows = score_table(Document(str(report.path)))
    assert [r[0] for r in rows] == ["评价内容", "项目决策", "项目管理", "项目绩效", "总计"]
    for column in (1, 2):
        assert sum(Decimal(r[column]) for r in rows[1:-1]) == Decimal(rows[-1][column])
    assert rows[-1][1:] == ["100.00", "98.00"]
    assert rows[1][1:] == ["20.00", "18.00"]    # 分配结果 3 of 5
    assert "经评价，本项目综合得分98分，评价等级为“优”" in body(report.path)


def test_framework_first_levels_are_the_subsections_of_analysis_with_every_item(tmp_path):
    [report] = write_reports(YUEYANG, tmp_path / "r.docx").reports
    part = section_of(report.path, "四、绩效评价指标分析")
    framework = get_framework("yueyang-2020")
    subsections = [text for style, text in part if style == "Heading 2"]
    assert [re.sub(r"^（.）|（.*$", "", s) for s in subsections] == [l1.name for l1 in framework.levels]
    assert subsections[0] == "（一）项目决策（分值20分，得分18分）"
    seconds = [text for style, text in part if style == "Heading 3"]
    assert len(seconds) == sum(len(l1.children) for l1 in framework.levels)
    lines = [text for style, text in part if style == "Normal"]
    for _, _, item in framework.rows():
        [line] = [t for t in lines if re.match(rf"（\d+）{item.name}：", t)]
        assert f"分值{item.points}分" in line and "评价标准：" in line and "得分" in line
    [deducted] = [t for t in lines if t.startswith("（2）分配结果：")]
    assert "得分3分" in deducted and "扣2分，评分表未写明扣分原因" in deducted


def with_reasons(path: Path, reasons: dict[str, str]) -> Path:
    """The sample with a 扣分原因 column typed beside 自评得分."""
    wb = load_workbook(path)
    ws = wb.active
    ws.cell(3, 10, "扣分原因")
    for row in range(4, ws.max_row + 1):
        if ws.cell(row, 5).value in reasons:
            ws.cell(row, 10, reasons[ws.cell(row, 5).value])
    wb.save(path)
    return path


def test_framework_report_states_the_reason_for_a_deduction(tmp_path):
    book = with_reasons(write_yueyang(tmp_path / "y.xlsx"), {"分配结果": "未附资金分配方案。"})
    [report] = write_reports(book, tmp_path / "r.docx").reports
    text = body(report.path)
    assert "扣2分，扣分原因：未附资金分配方案。" in text
    assert "分配结果（分值5分，得分3分，扣分原因：未附资金分配方案）" in text
    assert report.data.corrections == []          # the reason is given: nothing to correct
    assert "复核说明" not in text


def test_framework_report_states_recomputed_figures_and_the_corrections(tmp_path):
    """Typed 6 for 分配结果 (分值5) and a total of 99: the report states 5 and 100, and why."""
    scores = [4, 4, 4, 3, 6, 3, 2, 7, 3, 1, 1, 3, 5, 5, 4, 3, 3, 8, 8, 8, 8, 8]
    book = write_yueyang(tmp_path / "y.xlsx", scores=scores, total=99)
    [report] = write_reports(book, tmp_path / "r.docx").reports
    text = body(report.path)
    assert "本项目综合得分100分" in text
    assert "评分表填报总分为99分，按评价标准重新计算为100分" in text
    assert "I8单元格（三级指标“分配结果”的自评得分）：自评得分6超过分值5" in text
    assert "（2）分配结果：分值5分，得分5分。" in text
    assert score_table(Document(str(report.path)))[-1][2] == "100.00"


def test_framework_report_without_narrative_asks_for_the_goals(tmp_path):
    [plain] = write_reports(YUEYANG, tmp_path / "a.docx").reports
    assert placeholder("项目绩效目标") in body(plain.path)
    [filled] = write_reports(YUEYANG, tmp_path / "b.docx", YUEYANG_NARRATIVE).reports
    text = body(filled.path)
    assert "【待填写" not in text and "满足雪亮工程及其他新增应用对外网带宽的升级需求" in text
    table = ROOT / "samples" / "chaoyang-2024" / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx"
    [own] = write_reports(table, tmp_path / "c.docx").reports      # a 自评表 states its goals
    assert placeholder("项目绩效目标") not in body(own.path)


def test_framework_report_of_a_template_filled_but_not_calculated(tmp_path):
    """perfbook's own 评分表, inputs typed and saved without calculation: the report scores every
    item from its inputs (达成项, 实际值/计划值, 扣分) and states them."""
    book = write_evaluation("yueyang-2020", tmp_path / "t.xlsx", EvaluationHeader("示例项目", "示例单位", "评价组", "2020"))
    framework = get_framework("yueyang-2020")
    lay = E.Layout(22, 3)
    wb = load_workbook(book)
    for index, (_, _, item) in enumerate(framework.rows()):
        for key, value in VARIANT[item.name].items():
            wb[E.SHEET][lay.item_cell(key, index)] = value
    wb.save(book)
    [report] = write_reports(book, tmp_path / "r.docx").reports
    expected = evaluate_form(fill(blank_form(framework), VARIANT))
    assert report.data.total == expected.total and report.data.grade == expected.grade
    rows = score_table(Document(str(report.path)))
    assert [Decimal(r[2]) for r in rows[1:-1]] == list(expected.subtotals.values())
    assert sum(Decimal(r[2]) for r in rows[1:-1]) == Decimal(rows[-1][2])
    text = body(report.path)
    assert "（1）目标内容：分值4分，得分3分。" in text and "评价依据：达成项①②④。扣1分，评分表未写明扣分原因。" in text
    assert "到位率：分值3分，得分1.68分。" in text and "评价依据：实际值207，计划值369。" in text
    assert "（1）经济效益：分值8分，得分6.5分。" in text
    assert "“岳阳市 2020 项目支出绩效评价指标体系（参考样表）”" in text
    # who and when, as typed above the table (they had appeared nowhere in the report)
    assert "开展绩效评价，项目单位为示例单位，评价机构为评价组，评价年度为2020年度。" in text


def test_a_project_name_typed_on_a_templates_sheet_is_the_project(tmp_path):
    """A template made without --project, its name typed on the sheet: that is the project (it had
    been none, the hidden sheet's blank name winning)."""
    book = write_evaluation("yueyang-2020", tmp_path / "t.xlsx")
    wb = load_workbook(book)
    long = "某市" + "电子政务外网扩容改造及配套基础设施建设" * 4 + "项目"   # (71 characters: not cut at 60)
    wb[E.SHEET]["C2"], wb[E.SHEET]["K3"] = long, 2020.0
    wb[E.SHEET][E.Layout(22, 3).item_cell("score", 0)] = 3
    wb.save(book)
    [report] = write_reports(book, tmp_path / "r.docx").reports
    assert report.data.project == long and report.data.header == {"评价年度": "2020"}


def test_a_blank_form_gets_no_report_but_one_filled_in_part_states_no_total(tmp_path, capsys):
    """A 评分表 nothing is typed in gets no report (as a 自评表 not filled in; it had written a
    report of 未填写 rows), said as a 评分表's; one with a single item scored gets a report with
    no total, the others 未填写."""
    from workbook_builder.reports.write import ReportError

    book = write_evaluation("mof-2020", tmp_path / "t.xlsx", EvaluationHeader("示例项目", "", "", "2020"))
    with pytest.raises(ReportError, match="的评分表（工作表“评价指标体系评分表”）尚未填写（没有得分）"):
        write_reports(book, tmp_path / "r.docx")
    assert not (tmp_path / "r.docx").exists()
    wb = load_workbook(book)
    wb[E.SHEET][E.Layout(20, 4).item_cell("score", 0)] = 3
    wb.save(book)
    [report] = write_reports(book, tmp_path / "r.docx").reports
    assert report.data.total is None and report.data.grade is None
    rows = score_table(Document(str(report.path)))
    assert rows[-1] == ["总计", "100.00", "—"]
    text = body(report.path)
    assert "评价等级为" not in text and "未填写。评价标准" in text and "示例项目" in text
    assert "（分值20分，得分无法计算）" in text and "得分—分" not in text   # (“—分” had read as a slip)


def test_framework_report_of_a_blank_template_names_no_label_as_the_project(tmp_path):
    book = write_evaluation("yueyang-2020", tmp_path / "t.xlsx")     # 项目名称 left blank
    wb = load_workbook(book)
    wb[E.SHEET][E.Layout(22, 3).item_cell("score", 0)] = 3   # (one item scored: a blank form gets no report)
    wb.save(book)
    [report] = write_reports(book, tmp_path / "r.docx").reports
    assert report.data.project == "" and "项目单位" not in body(report.path).split("一、基本情况")[0]


# --- multi-year evaluation -------------------------------------------------------------------


def test_multiyear_report_yearly_tables_rates_inconsistencies_average_and_grade(tmp_path):
    [report] = write_reports(QINHUANGDAO, tmp_path / "r.docx").reports
    assert isinstance(report.data, MultiYearReportData)
    check_outline_and_tags(report.path)
    document = Document(str(report.path))
    yearly = [t for t in document.tables if t.rows[0].cells[0].text == "项目及明细"]
    assert len(yearly) == 3
    assert [c.text for c in yearly[0].rows[1].cells] == ["1、电子政务外网服务费", "160.00", "150.10", "160.00", "2019年的费用"]
    assert [c.text for c in yearly[2].rows[2].cells][:4] == ["1.1.联通电子政务外网网络接入服务项目", "148.00", "148.00", "148.00"]
    [execution] = [t for t in document.tables if [c.text for c in t.rows[0].cells][-1] == "执行率"]
    rates = {row.cells[0].text: row.cells[-1].text for row in execution.rows[1:]}
    assert rates == {"2020年": "106.60%", "2021年": "100.00%", "2022年": "100.00%", "合计": "101.99%"}   # (two decimals in every row)
    amounts = [[Decimal(c.text) for c in row.cells[1:4]] for row in execution.rows[1:]]
    assert [sum(column) for column in zip(*amounts[:-1])] == amounts[-1]
    text = body(report.path)
    assert "C6单元格（2020年合计行的预算数（调整后））：2020年明细行预算数（调整后）合计160.00万元，与合计行150.10万元不一致" in text
    assert "D6单元格（2020年合计行的实际支出）：2020年实际支出160.00万元超过调整后预算150.10万元（执行率106.60%）" in text
    assert "经评价，2020-2022年度平均得分为87.79分，评价等级为“良”。各年度得分未单独公布" in text
    rows = [[c.text for c in row.cells] for row in document.tables[[t.rows[0].cells[0].text for t in document.tables].index("年度")].rows]
    assert rows == [["年度", "评价得分"], ["2020年度", "未公布"], ["2021年度", "未公布"], ["2022年度", "未公布"],
                    ["平均得分", "87.79"]]


def test_multiyear_report_averages_published_yearly_scores(tmp_path):
    """With yearly scores the average is computed (87.83) and the typed one (87.79) corrected."""
    book = write_qinhuangdao(tmp_path / "q.xlsx", scores={2020: 85, 2021: 88.5, 2022: 90})
    [report] = write_reports(book, tmp_path / "r.docx").reports
    document = Document(str(report.path))
    [table] = [t for t in document.tables if t.rows[0].cells[0].text == "年度" and len(t.columns) == 2]
    rows = [[c.text for c in row.cells] for row in table.rows]
    scores = [Decimal(r[1]) for r in rows[1:-1]]
    assert rows[-1] == ["平均得分", "87.83"]
    assert (sum(scores) / len(scores)).quantize(Decimal("0.01")) == Decimal(rows[-1][1])
    text = body(report.path)
    assert "评价表填报平均得分为87.79分，按各年度得分重新计算为87.83分" in text
    assert "2020年度得分：85分。" in text and "（各年度得分的平均）" in text


def test_multiyear_report_with_a_year_left_blank_says_it_is_not_filled_and_states_no_average(tmp_path):
    """A year blank beside scored ones is 未填写 (未公布 is seed 004's, where no year's is given),
    and no 2020-2022 average is stated from two years."""
    book = write_qinhuangdao(tmp_path / "q.xlsx", scores={2020: 85, 2022: 90}, average=87.5, grade="良")
    [report] = write_reports(book, tmp_path / "r.docx").reports
    text = body(report.path)
    assert "2021年度得分：未填写。" in text and "未公布" not in text
    assert "各年度得分不全或有误（见存在的问题），综合得分无法计算。" in text
    assert "平均得分87.5" not in text and "平均得分为87.5" not in text


# --- one command, the right kind -------------------------------------------------------------


def test_report_write_picks_the_kind_from_the_workbook(tmp_path, capsys):
    assert main(["report", "write", str(YUEYANG), "-o", str(tmp_path / "a.docx")]) == 0
    assert main(["report", "write", str(QINHUANGDAO), "-o", str(tmp_path / "b.docx")]) == 0
    out = capsys.readouterr().out
    assert "总分 98.00（优）" in out and "总分 87.79（良）" in out
    assert "评价指标体系" in body(tmp_path / "a.docx") and "项目明细及预算分配" in body(tmp_path / "b.docx")
    assert main(["report", "write", str(YUEYANG), "-o", str(tmp_path / "c.docx"), "--sheet", "没有"]) == 2
    assert "没有工作表“没有”上的评价指标体系评分表；有评价指标体系评分表的工作表：附件3-2" in capsys.readouterr().err
    assert main(["report", "write", str(QINHUANGDAO), "-o", str(tmp_path / "d.docx"),
                 "--sheet", "年度预算及支出情况"]) == 0


@pytest.mark.parametrize("book, narrative, snapshot", [
    (YUEYANG, YUEYANG_NARRATIVE, "report_yueyang.txt"),
    (QINHUANGDAO, QINHUANGDAO_NARRATIVE, "report_qinhuangdao.txt"),
])
def test_golden_reports(tmp_path, book, narrative, snapshot):
    [report] = write_reports(book, tmp_path / "r.docx", narrative).reports
    text = snapshot_text(report.path)
    if os.environ.get("PERFBOOK_UPDATE_SNAPSHOTS"):
        (SNAPSHOTS / snapshot).write_text(text, encoding="utf-8")
    assert text == (SNAPSHOTS / snapshot).read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_both_reports_to_pdf(tmp_path):
    paths = [write_reports(YUEYANG, tmp_path / "framework.docx", YUEYANG_NARRATIVE).reports[0].path,
             write_reports(QINHUANGDAO, tmp_path / "multiyear.docx", QINHUANGDAO_NARRATIVE).reports[0].path]
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, paths)],
                          capture_output=True, text=True, timeout=240)
    for path in paths:
        pdf = path.with_suffix(".pdf")
        assert pdf.exists(), done.stderr
        assert pdf.read_bytes().startswith(b"%PDF")
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
            compact = re.sub(r"\s+", "", text)
            assert all(heading in compact for heading in OUTLINE)
            assert "【待填写" not in compact


# --- report check on a framework evaluation's report ----------------------------------------

from report_pairs import edit  # noqa: E402
from test_report_check import edit_cell  # noqa: E402
from workbook_builder.reports.check import check_report  # noqa: E402
from workbook_builder.reports.write import ReportError  # noqa: E402


def test_check_agrees_with_written_framework_reports(tmp_path):
    for book in (YUEYANG, write_yueyang(tmp_path / "y.xlsx", scores=[4, 4, 4, 3, 6] + [3] * 3 + [3] * 14, total=99)):
        [written] = write_reports(book, tmp_path / f"{book.stem}.docx", YUEYANG_NARRATIVE).reports
        checked = check_report(written.path, book)
        assert checked.discrepancies == [], [d.message for d in checked.discrepancies]
        assert checked.checked >= 2 * 4 + 2 * 22 + 2   # score table, every item's 分值 and 得分, total, grade


# Figures of a written framework report retyped by hand: (old, new, report value, table value)
FRAMEWORK_EDITS = [
    ("本项目综合得分98分", "本项目综合得分96分", "96分", "98分"),
    ("评价等级为“优”", "评价等级为“良”", "良", "优"),
    ("（2）分配结果：分值5分，得分3分。", "（2）分配结果：分值5分，得分4分。", "4分", "3分"),
    ("（1）到位率：分值3分，得分3分。", "（1）到位率：分值2分，得分3分。", "2分", "3分"),
    # the 一级 and 二级 headings (their 得分 had gone unchecked: a clause of its own, no name in it)
    ("（一）项目决策（分值20分，得分18分）", "（一）项目决策（分值20分，得分20分）", "20分", "18分"),
    ("3. 资金分配（分值8分，得分6分）", "3. 资金分配（分值8分，得分8分）", "8分", "6分"),
    ("1. 项目目标（分值4分，得分4分）", "1. 项目目标（分值5分，得分4分）", "5分", "4分"),
]


@pytest.mark.parametrize("old, new, reported, table", FRAMEWORK_EDITS, ids=[e[1] for e in FRAMEWORK_EDITS])
def test_check_finds_a_retyped_figure_of_a_framework_report(tmp_path, old, new, reported, table):
    [written] = write_reports(YUEYANG, tmp_path / "r.docx").reports
    found = check_report(edit(written.path, old, new), YUEYANG).discrepancies
    assert [(d.report_value, d.table_value) for d in found] == [(reported, table)], [d.message for d in found]
    assert "评分表为" in found[0].message or "按评分表重新计算" in found[0].message


@pytest.mark.parametrize("row, column, new, table", [
    ("项目决策", "评估得分", "20.00", "18"), ("总计", "满分值", "90.00", "100"), ("项目绩效", "满分值", "50", "55"),
])
def test_check_finds_a_retyped_cell_of_the_framework_score_table(tmp_path, row, column, new, table):
    [written] = write_reports(YUEYANG, tmp_path / "r.docx").reports
    found = check_report(edit_cell(written.path, "评价内容", row, column, new), YUEYANG).discrepancies
    assert [(d.report_value, d.table_value) for d in found] == [(new, table)]
    assert f"“{row}”的“{column}”" in found[0].where


def test_check_reads_a_hand_typed_framework_report(tmp_path):
    """Typed in seed 001's words, not by perfbook: 分值 | 得分 table, 合计, 优秀."""
    document = Document()
    document.add_paragraph("岳阳市政务服务中心电子政务外网扩容改造（含雪亮工程政务网线路）项目自评报告", style="Title")
    document.add_paragraph("四、综合评价情况及评价结论", style="Heading 1")
    document.add_paragraph("项目建设对照投标合同，已达到原来的建设目标。绩效自评综合得分98分，评价等级为优秀。")
    rows = [["一级指标", "分值", "自评得分"], ["项目决策", "20", "18"], ["项目管理", "25", "25"], ["项目绩效", "55", "55"],
            ["合计", "100", "98"]]
    table = document.add_table(rows=len(rows), cols=3)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    document.add_paragraph("五、项目主要绩效情况分析", style="Heading 1")
    document.add_paragraph("服务对象满意度：评价标准：满意率达90%(含)以上的得8分,80%(含)-90%得6分。单位满意率96%，得8分。")
    path = tmp_path / "typed.docx"
    document.save(str(path))
    result = check_report(path, YUEYANG)
    assert result.discrepancies == [] and result.checked >= 10
    found = check_report(edit(path, "评价等级为优秀", "评价等级为良好"), YUEYANG).discrepancies
    assert [(d.report_value, d.table_value) for d in found] == [("良好", "优")]
    document = Document(str(path))
    document.tables[0].cell(2, 2).text = "24"
    document.save(str(path))
    found = check_report(path, YUEYANG).discrepancies
    assert sorted((d.report_value, d.table_value) for d in found) == [("24", "25"), ("良好", "优")]


def test_check_of_a_multiyear_workbook_is_a_clear_error(tmp_path, capsys):
    [written] = write_reports(QINHUANGDAO, tmp_path / "r.docx").reports
    with pytest.raises(ReportError, match="多年度评价"):
        check_report(written.path, QINHUANGDAO)
    assert main(["report", "check", str(written.path), str(QINHUANGDAO)]) == 2


def test_a_multiyear_report_whose_rate_cannot_be_held_is_still_written(tmp_path):
    """Adjusted budgets of 1e-15 against real spending (the reader takes them): no rate can be
    held; the report says so and is written (it had stopped with a sentence naming nothing)."""
    import openpyxl

    book = openpyxl.load_workbook(QINHUANGDAO)
    sheet = book.active
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.column_letter in "BC" and isinstance(cell.value, (int, float)):
                cell.value = 0.000000000000001
            elif cell.column_letter == "D" and isinstance(cell.value, (int, float)):
                cell.value = 99999999999999
    book.save(tmp_path / "tiny.xlsx")
    [report] = write_reports(tmp_path / "tiny.xlsx", tmp_path / "r.docx").reports
    assert "总体执行率无法计算" in body(report.path)


def test_a_multiyear_report_of_one_year_states_no_average(tmp_path):
    """One year's table: 覆盖2021年度 and its 得分 (it had said 覆盖2021年共1个年度 and 平均得分)."""
    from samples.make_evaluation_samples import QINHUANGDAO as SEED_004_YEARS

    book = write_qinhuangdao(tmp_path / "q.xlsx", years=[y for y in SEED_004_YEARS if y[0] == 2021], scores={2021: 88},
                             average=88, grade="良")
    [report] = write_reports(book, tmp_path / "r.docx").reports
    text = body(report.path)
    assert "覆盖2021年度。" in text and "共1个年度" not in text
    assert "经评价，2021年度得分为88分" in text and "平均得分为" not in text
