"""``perfbook report check``: hand-made discrepancies are found exactly, agreeing figures never.

The reports checked here are typed in seed 000's style by tests/report_pairs.py (not by the report
writer), from the 30 sample tables; then one figure is changed by hand.
"""

import json
from pathlib import Path

import pytest
from docx import Document

from addin.engine import Funds, Indicator, Table, evaluate_table
from report_pairs import edit, seed_style_report
from workbook_builder.cli import main
from workbook_builder.recalc.result import TableReport
from workbook_builder.reports.check import check_blocks, check_report, read_blocks
from workbook_builder.reports.model import table_report_data
from workbook_builder.reports.write import ReportError, read_workbook

SUBMITTED = Path(__file__).resolve().parent.parent / "samples" / "chaoyang-2024" / "submitted"
WORKBOOKS = sorted(SUBMITTED.glob("*.xlsx"))


def workbook(prefix: str) -> Path:
    return next(p for p in WORKBOOKS if p.name.startswith(prefix + "_"))


def seed_report(prefix: str, tmp_path: Path) -> tuple[Path, Path]:
    book = workbook(prefix)
    [(_, result, _)] = read_workbook(book)
    return seed_style_report(result, tmp_path / f"{prefix}.docx"), book


@pytest.mark.parametrize("book", WORKBOOKS, ids=lambda p: p.name[:5])
def test_reports_typed_from_the_sample_tables_agree(book, tmp_path):
    for n, (_, result, _) in enumerate(read_workbook(book)):
        path = seed_style_report(result, tmp_path / f"{n}.docx")
        checked = check_report(path, book)   # several tables: the report's title says which
        assert checked.discrepancies == [], [d.message for d in checked.discrepancies]
        assert checked.checked >= 15   # the figures were read and compared, not skipped


# (workbook, text as typed, text changed by hand, report value, table value, heading of the place)
HAND_MADE = [
    ("01", "总带宽数量：不低于6000Mbps", "总带宽数量：不低于6500Mbps", "6500Mbps", "6000Mbps", "项目具体绩效指标"),
    ("26", "2024年末实际完成7份", "2024年末实际完成8份", "8份", "7份", "项目产出情况"),
    ("22", "实际支付471.32万元", "实际支付417.32万元", "417.32万元", "471.32万元", "产出成本情况"),
    ("26", "34.00", "40.00", "40.00", "34", "总体结论"),
    ("01", "自评得分100分", "自评得分98分", "98分", "100分", "总体结论"),
    ("01", "评价等级为“优”", "评价等级为“良”", "良", "优", "总体结论"),
    ("22", "预算执行率100%", "预算执行率98%", "98%", "100%", "项目概况"),
    ("05", "预算执行率99.97%", "预算执行率100%", "100%", "99.97%", "项目概况"),   # 100% is full execution only
    ("22", "2024年底共有100%", "2024年底共有96%", "96%", "100%", "项目产出情况"),
    ("01", "区级互联网专线整体全年可用率99.9%", "区级互联网专线整体全年可用率99.5%", "99.5%", "99.9%", "项目产出情况"),
    ("14", "系统故障修复响应时间：不超过2小时", "系统故障修复响应时间：不超过3小时", "3小时", "2小时", "项目具体绩效指标"),
    ("22", "实际支付471.32万元", "实际支付４１７．３２万元", "417.32万元", "471.32万元", "产出成本情况"),  # full width
]


@pytest.mark.parametrize("prefix, old, new, reported, table, heading", HAND_MADE, ids=[h[2] for h in HAND_MADE])
def test_a_figure_changed_by_hand_is_found_exactly(prefix, old, new, reported, table, heading, tmp_path):
    path, book = seed_report(prefix, tmp_path)
    assert check_report(path, book).discrepancies == []
    result = check_report(edit(path, old, new), book)
    assert len(result.discrepancies) == 1, [d.message for d in result.discrepancies]
    found = result.discrepancies[0]
    assert found.report_value == reported
    assert table in found.table_value
    assert heading in found.where
    assert reported in found.message and table.rstrip("分") in found.message


def test_a_report_copying_a_wrong_table_score_is_flagged_against_the_recomputed_score(tmp_path):
    """#26 reports 10 for an indicator that scores 7: a report stating the table's 97 is wrong."""
    path, book = seed_report("26", tmp_path)
    result = check_report(edit(path, "自评得分94分", "自评得分97分"), book)
    assert [(d.report_value, d.table_value) for d in result.discrepancies] == [("97分", "94分")]
    # (not "自评表为94分": the table says 97; 94 is what the rules give)
    assert "报告写总分为97分，自评表按计分规则重新计算为94分" in result.discrepancies[0].message
    changed = check_report(edit(path, "34.00", "40.00"), book)   # a score in the report's table: computed too
    assert any("得分为40.00，自评表按计分规则重新计算为34" in d.message for d in changed.discrepancies)
    amount = check_report(edit(seed_report("22", tmp_path)[0], "实际支付471.32万元", "实际支付417.32万元"),
                          workbook("22"))   # a figure of the table's own is the table's
    assert [d.message.rsplit("：", 1)[1] for d in amount.discrepancies] == ["报告写全年执行数为417.32万元，自评表为471.32万元"]


# Seed 000 (the report of a Chaoyang table outside tables 1–30), in its own words.
SEED_000 = [
    ("Heading 2", "项目绩效目标。"),
    ("Heading 3", "项目具体绩效指标"),
    ("Normal", "产出数量指标"),
    ("Normal", "提供区级政务专线数量：不低于750条，按实际需求调整；"),
    ("Normal", "提供社区（村）级线路数量：不低于400条，按实际需求调整。"),
    ("Normal", "提供金财网专线线路数量：不低于300条，按实际需求调整；"),
    ("Normal", "政务专网专线，单条专线可用率：不低于99.9%；"),
    ("Normal", "产出时效指标"),
    ("Normal", "故障修复时间小于2小时"),
    ("Normal", "2024年支出总金额：4564.7413万元（其中，朝阳园支付2064.79272万元，朝阳区数据局支付2499.94858万元）。"),
    ("Normal", "专线用户对专线满意率：大于90%。"),
    ("Heading 1", "综合评价情况及评价结论"),
    ("Normal", "经自评估，项目具有政策、职能、需求的相关性。综上，本项目自评得分100分，具体情况如下："),
    ("Heading 1", "绩效评价指标分析"),
    ("Heading 2", "项目产出情况。"),
    ("Normal", "产出数量情况："),
    ("Normal", "（1）提供区政务专网专线数量不低于750条。项目2024年初共有专线863条，年末专线908条，全年使用情况良好，符合项目初始绩效目标。"),
    ("Normal", "（2）提供金财网专线数量不低于300条。2024年底项目共有专线370条，符合项目初始绩效目标。"),
    ("Normal", "产出质量情况："),
    ("Normal", "政务专网专线，单条专线可用率99.9%。2024年全年，所有专线稳定运行，全年共记录运营商相关故障124次，涉及141条专线，"
               "其中全年可用率低于99.9%的，均已按照合同中相关条款扣除其相关费用。"),
    ("Normal", "产出成本情况："),
    ("Normal", "本项目所有专线单价按照项目中标价格确定，项目根据实际情况，实际支付4564.7413万元。项目全年费用使用情况良好。"),
    ("Normal", "本项目为支付每年度线路租费，所有线路从2004年开始逐步建成，各专线为各接入单位提供7*24小时的不间断服务。"),
]
SEED_000_SCORES = [["评价内容", "满分值", "评估得分"], ["项目年度预算执行情况", "10.00", "10.00"],
                   ["项目产出指标", "45.00", "45.00"], ["项目经济性", "5.00", "5.00"],
                   ["项目效益性", "30.00", "30.00"], ["项目满意度", "10.00", "10.00"], ["总计", "100.00", "100.00"]]


def seed_000_table(**changes) -> Table:
    rows = {
        "区级政务专线数量": ("产出指标", "数量指标", "≥", "750", "条", "908", 10),
        "金财网专线线路数量": ("产出指标", "数量指标", "≥", "300", "条", "370", 5),
        "社区（村）级线路数量": ("产出指标", "数量指标", "≥", "400", "条", "556", 5),
        "政务专网专线单条专线可用率": ("产出指标", "质量指标", "≥", "99.9", "%", "99.9", 15),
        "故障修复时间": ("产出指标", "时效指标", "≤", "2", "小时", "2", 10),
        "2024年支出总金额": ("成本指标", "经济成本指标", "≤", "4564.7413", "万元", "4564.7413", 5),
        "保障区内各政务接入节点互联互通": ("效益指标", "社会效益指标", "定性", "优良中低差", "", "优", 30),
        "专线用户对专线满意率": ("满意度指标", "服务对象满意度指标", "≥", "90", "%", "100", 10),
    }
    for name, change in changes.items():
        row = list(rows[name])
        for field, value in change if isinstance(change, list) else [change]:
            row[{"target": 3, "actual": 5}[field]] = value
        rows[name] = tuple(row)
    indicators = [Indicator(l1, l2, name, nature, target, unit, actual, weight, None)
                  for name, (l1, l2, nature, target, unit, actual, weight) in rows.items()]
    funds = Funds(annual="4564.7413", executed="4564.7413", weight=10)
    return Table("朝阳政务专网专线、光纤租用费（政府采购）", funds, indicators, "北京市朝阳区数据局", year=2024)


def check_seed_000(tmp_path: Path, table: Table):
    document = Document()
    for style, text in SEED_000:
        document.add_paragraph(text, style=style)
        if text.startswith("经自评估"):
            grid = document.add_table(rows=len(SEED_000_SCORES), cols=3)
            for r, row in enumerate(SEED_000_SCORES):
                for c, value in enumerate(row):
                    grid.cell(r, c).text = value
    path = tmp_path / "seed000.docx"
    document.save(str(path))
    result = evaluate_table(table, "beijing-chaoyang-2024", scores_reported=False)
    report = TableReport.of(result, "", "自评表", False, [])
    return check_blocks(read_blocks(path), result, table_report_data(result, report))


def test_seed_000s_own_writing_agrees_with_its_table(tmp_path):
    checked, found = check_seed_000(tmp_path, seed_000_table())
    assert found == [], [d.message for d in found]
    assert checked >= 15


@pytest.mark.parametrize("change, reported, table, count", [
    ({"区级政务专线数量": ("target", "800")}, "750条", "800条", 2),      # 不低于750条, in 一 and in 四
    ({"区级政务专线数量": ("actual", "900")}, "908条", "900条", 1),      # 年末专线908条, carried from the sentence before
    ({"金财网专线线路数量": ("actual", "360")}, "370条", "360条", 1),    # 2024年底项目共有专线370条
    ({"2024年支出总金额": ("target", "4600")}, "4564.7413万元", "4600万元", 1),
    ({"政务专网专线单条专线可用率": [("target", "99.95"), ("actual", "99.95")],
      "故障修复时间": [("target", "1"), ("actual", "1")]}, None, None, 3),
    ({"专线用户对专线满意率": ("target", "95")}, "90%", "95%", 1),
])
def test_seed_000_discrepancies_are_found_exactly(tmp_path, change, reported, table, count):
    checked, found = check_seed_000(tmp_path, seed_000_table(**change))
    assert len(found) == count, [d.message for d in found]
    if reported:
        assert {d.report_value for d in found} == {reported}
        assert all(table in d.table_value for d in found)


def test_seed_000_amount_paid_is_the_execution(tmp_path):
    table = seed_000_table(**{"2024年支出总金额": [("target", "4500"), ("actual", "4500")]})
    table.funds.annual = table.funds.executed = "4500"
    checked, found = check_seed_000(tmp_path, table)
    assert [(d.report_value, d.table_value) for d in found] == [("4564.7413万元", "4500万元")] * 2
    assert "项目具体绩效指标" in found[0].where    # the target, in 一（二）
    assert "项目产出情况" in found[1].where       # 实际支付…万元 in 四: the execution
    assert "全年执行数" in found[1].message


def test_the_cli_exit_codes_and_json(tmp_path, capsys):
    path, book = seed_report("01", tmp_path)
    assert main(["report", "check", str(path), str(book)]) == 0
    edit(path, "自评得分100分", "自评得分98分")
    out = tmp_path / "check.json"
    assert main(["report", "check", str(path), str(book), "--json", str(out)]) == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    [d] = data["discrepancies"]
    assert set(d) == {"message", "report_value", "table_value", "where"}
    assert d["report_value"] == "98分" and d["table_value"] == "100分"
    assert "98" in capsys.readouterr().out
    (tmp_path / "bad.docx").write_bytes(b"not a zip")
    assert main(["report", "check", str(tmp_path / "bad.docx"), str(book)]) == 2
    assert "无法读取：是文本文件，不是 Excel 工作簿或 Word 文档" in capsys.readouterr().err
    assert main(["report", "check", str(path), str(tmp_path / "missing.xlsx")]) == 2


def test_a_workbook_with_several_tables_needs_the_report_title_or_sheet(tmp_path):
    book = workbook("27-30")
    scored = read_workbook(book)
    assert len(scored) == 4
    result = scored[2].result
    path = seed_style_report(result, tmp_path / "r.docx")
    assert check_report(path, book).table_label.endswith(f"{result.table.project}）")
    document = Document(str(path))
    for paragraph in document.paragraphs:
        if result.table.project in paragraph.text:
            paragraph.text = "报告"
    document.save(str(path))
    with pytest.raises(ReportError, match="--sheet"):
        check_report(path, book)


def edit_cell(path: Path, header: str, row_label: str, column: str, new: str) -> Path:
    """Retype one cell of the table whose first header is ``header``, in the row starting with
    ``row_label`` (or containing it) and the column headed ``column``."""
    document = Document(str(path))
    [table] = [t for t in document.tables if t.rows[0].cells[0].text == header]
    col = [c.text for c in table.rows[0].cells].index(column)
    [row] = [r for r in table.rows[1:] if row_label in r.cells[0].text or row_label in r.cells[2].text]
    paragraph = row.cells[col].paragraphs[0]
    for run in paragraph.runs[1:]:
        run._r.getparent().remove(run._r)
    paragraph.runs[0].text = new
    document.save(str(path))
    return path


# Tables of a report written by perfbook, retyped by hand: (header, row, column, new, report, table)
WRITTEN_TABLE_EDITS = [
    ("一级指标", "支出金额", "年度指标值", "≤150万元", "≤150万元", "141.12万元"),
    ("一级指标", "用户满意度", "实际完成值", "用户满意度为98%", "用户满意度为98%", "100%"),
    ("一级指标", "用户满意度", "得分", "9.00", "9.00", "10"),
    ("资金", "年度资金总额", "全年执行数（万元）", "140.116", "140.116", "141.116"),
    ("资金", "年度资金总额", "执行率", "99%", "99%", "100%"),
    ("评价内容", "效益指标", "满分值", "20.00", "20.00", "30"),
]


@pytest.mark.parametrize("header, row, column, new, reported, table", WRITTEN_TABLE_EDITS,
                         ids=[f"{e[1]}-{e[2]}" for e in WRITTEN_TABLE_EDITS])
def test_retyped_cells_of_a_written_report_are_found(header, row, column, new, reported, table, tmp_path):
    from workbook_builder.reports.write import write_reports

    book = workbook("26")
    [written] = write_reports(book, tmp_path / "r.docx").reports
    assert check_report(written.path, book).discrepancies == []
    found = check_report(edit_cell(written.path, header, row, column, new), book).discrepancies
    assert len(found) == 1, [d.message for d in found]
    assert found[0].report_value.startswith(reported.rstrip("%")) and table in found[0].table_value
    assert column in found[0].where


def test_a_report_of_another_project_says_so_first(tmp_path):
    from tests.conftest import ROOT
    from workbook_builder.reports.check import check_report
    from workbook_builder.reports.write import write_reports

    submitted = ROOT / "samples" / "chaoyang-2024" / "submitted"
    [written] = [r.path for r in write_reports(next(submitted.glob("26_*.xlsx")), tmp_path / "报告.docx").reports]
    other = next(submitted.glob("01_*.xlsx"))
    result = check_report(written, other)
    assert result.discrepancies[0].where == "全文"
    assert "报告与表格可能不是同一个项目" in result.discrepancies[0].message
    assert not any(d.where == "全文" for d in check_report(written, next(submitted.glob("26_*.xlsx"))).discrepancies)


def test_full_width_figures_that_agree_are_no_discrepancy(tmp_path):
    path, book = seed_report("22", tmp_path)
    assert check_report(edit(path, "实际支付471.32万元", "实际支付４７１．３２万元"), book).discrepancies == []


def test_a_pipe_or_folder_is_named_as_such_not_missing(tmp_path, capsys):
    import os

    from workbook_builder.cli import main

    os.mkfifo(tmp_path / "管道.docx")
    (tmp_path / "文件夹.xlsx").mkdir()
    book = workbook("26")
    assert main(["report", "check", str(tmp_path / "管道.docx"), str(book)]) == 2
    assert main(["report", "write", str(tmp_path / "文件夹.xlsx"), "-o", str(tmp_path / "r.docx")]) == 2
    err = capsys.readouterr().err
    assert "管道.docx 无法读取：不是普通文件（是设备、管道" in err and "文件夹.xlsx 无法读取：不是普通文件（是文件夹）" in err
    assert "已跳过" not in err   # (what a batch says of a file it goes on without; one file's command stops)


def test_a_report_with_no_figure_of_the_table_is_not_passed(tmp_path, capsys):
    """A document naming the project but holding none of its figures (the batch's notice, a
    wrong file) was "0 处数字，0 处不一致" and exit 0; it is said that nothing could be checked."""
    book = workbook("05")
    document = Document()
    document.add_paragraph("复核情况报告")
    document.add_paragraph("本批次复核的自评表中有朝阳区“城市管理大脑”（一期），详见汇总表。")
    document.save(tmp_path / "notice.docx")
    assert main(["report", "check", str(tmp_path / "notice.docx"), str(book)]) == 1
    out = capsys.readouterr().out
    assert "核对了 0 处数字，发现 1 处不一致" in out and "报告中没有找到可与表格核对的数字" in out


def test_a_table_row_without_cells_is_passed_over(tmp_path):
    """A row with no cells (<w:tr/>, as some converters write) shows nothing: it is passed over,
    and the figures of the table are still checked (it had ended the check with a traceback)."""
    import copy

    from docx.oxml.ns import qn

    path, book = seed_report("26", tmp_path)
    document = Document(str(path))
    for table in document.tables:
        row = table._tbl.tr_lst[1]
        empty = copy.deepcopy(row)
        for cell in empty.findall(qn("w:tc")):
            empty.remove(cell)
        row.addprevious(empty)
    document.save(str(path))
    result = check_report(path, book)
    assert result.discrepancies == [] and result.checked >= 15


@pytest.mark.parametrize("suffix, content_type", [
    ("docm", "application/vnd.ms-word.document.macroEnabled.main+xml"),
    ("dotx", "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"),
])
def test_a_report_saved_as_docm_or_a_template_is_checked(tmp_path, suffix, content_type):
    """A report Word saved macro-enabled or as a template is read as the document it holds (as
    recalc reads such files), not called damaged."""
    import zipfile

    path, book = seed_report("26", tmp_path)
    saved = tmp_path / f"report.{suffix}"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                                    content_type.encode())
            out.writestr(item, data)
    result = check_report(saved, book)
    assert result.discrepancies == [] and result.checked >= 15


_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_MC_NS = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
WRONG = "经评价，本项目综合得分为55.00分。"
WRAPPED = {   # the wrong total where python-docx's paragraph text does not reach
    "content control": f'<w:sdt {_W_NS}><w:sdtContent><w:p><w:r><w:t>{WRONG}</w:t></w:r></w:p></w:sdtContent></w:sdt>',
    "tracked insertion": f'<w:p {_W_NS}><w:ins w:id="1" w:author="a"><w:r><w:t>{WRONG}</w:t></w:r></w:ins>'
                         f'<w:del w:id="2" w:author="a"><w:r><w:delText>综合得分为80分</w:delText></w:r></w:del></w:p>',
    "simple field": f'<w:p {_W_NS}><w:fldSimple w:instr="QUOTE"><w:r><w:t>{WRONG}</w:t></w:r></w:fldSimple></w:p>',
    "text box": f'<w:p {_W_NS} {_MC_NS}><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:pict><w:txbxContent>'
                f'<w:p><w:r><w:t>{WRONG}</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Choice><mc:Fallback><w:pict>'
                f'<w:txbxContent><w:p><w:r><w:t>{WRONG}</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>'
                f'</mc:AlternateContent></w:r></w:p>',
}


@pytest.mark.parametrize("kind", WRAPPED)
def test_figures_wherever_word_shows_them_are_checked(tmp_path, kind):
    """A total in a content control, a tracked insertion, a field or a text box is read as Word
    shows it (once: a drawing's fallback copy is not read again; deleted text not at all)."""
    from docx.oxml import parse_xml

    path, book = seed_report("26", tmp_path)
    document = Document(str(path))
    body = document.element.body
    body.insert(len(body) - 1, parse_xml(WRAPPED[kind]))
    document.save(str(path))
    found = [d for d in check_report(path, book).discrepancies]
    assert [(d.report_value, d.table_value) for d in found] == [("55.00分", "94分")]


def test_a_figure_written_with_forty_decimals_is_compared_not_a_stop(tmp_path):
    """A figure with more decimals than decimal rounds to (a paste from a calculator) is compared
    exactly: a discrepancy at its paragraph, not the whole check ended by a sentence naming
    nothing."""
    path, book = seed_report("26", tmp_path)
    result = check_report(edit(path, "自评得分94分", "自评得分94." + "0" * 39 + "1分"), book)
    assert [d.table_value for d in result.discrepancies] == ["94分"] and result.checked >= 15
    again = check_report(edit(path, "94." + "0" * 39 + "1分", "94." + "0" * 40 + "分"), book)
    assert again.discrepancies == []


def test_paragraph_text_is_what_word_shows():
    """Text-box paragraphs on lines of their own (94 and 5分 are not 945分), moved-away text and a
    ruby's guide text left out, a table in a text box not run into the text, a non-breaking
    hyphen kept (偏差率为-5%)."""
    from docx.oxml import parse_xml
    from docx.text.paragraph import Paragraph

    from workbook_builder.reports.check import _paragraph_text

    def text(inner: str) -> str:
        return _paragraph_text(Paragraph(parse_xml(f"<w:p {_W_NS}>{inner}</w:p>"), None))

    box = "<w:r><w:pict><w:txbxContent><w:p><w:r><w:t>综合得分为94</w:t></w:r></w:p><w:p><w:r><w:t>5分</w:t></w:r></w:p>" \
          "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>100</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:txbxContent></w:pict></w:r>"
    assert text(box) == "\n综合得分为94\n5分"
    assert text('<w:moveFrom w:id="1" w:author="a"><w:r><w:t>得分为90分</w:t></w:r></w:moveFrom>'
                '<w:moveTo w:id="2" w:author="a"><w:r><w:t>得分为94分</w:t></w:r></w:moveTo>') == "得分为94分"
    assert text("<w:r><w:ruby><w:rt><w:r><w:t>9</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>94</w:t></w:r></w:rubyBase>"
                "</w:ruby></w:r><w:r><w:t>分</w:t></w:r>") == "94分"
    assert text("<w:r><w:t>偏差率为</w:t><w:noBreakHyphen/><w:t>5%</w:t></w:r>") == "偏差率为-5%"


def test_the_count_of_indicators_is_checked(tmp_path):
    """项目共设7个三级指标 retyped as 8 is found (it had passed: the count was no figure checked)."""
    from tests.conftest import ROOT
    from workbook_builder.reports.write import write_reports

    table = next((ROOT / "samples" / "chaoyang-2024" / "submitted").glob("26_*.xlsx"))
    [written] = [r.path for r in write_reports(table, tmp_path / "报告.docx").reports]
    assert not any("三级指标" in d.message for d in check_report(written, table).discrepancies)
    found = check_report(edit(written, "项目共设7个三级指标", "项目共设8个三级指标"), table).discrepancies
    assert [(d.report_value, d.table_value) for d in found] == [("8", "7")] and "报告写共有8个三级指标，自评表中有7个" in found[0].message


def test_the_recomputed_total_in_a_written_reports_review_note_is_checked(tmp_path):
    """The 复核说明 of a report perfbook wrote (自评表填报总分为97分，按计分规则重新计算为94分): the
    recomputed figure is a claim, checked (its sentence had been skipped whole for the reported
    value beside it); so is the reported value, against the 总分 the table reports."""
    from workbook_builder.reports.write import write_reports

    book = workbook("26")
    [written] = write_reports(book, tmp_path / "r.docx").reports
    assert check_report(written.path, book).discrepancies == []
    quoted = check_report(edit(written.path, "自评表填报总分为97分", "自评表填报总分为95分"), book).discrepancies
    assert [(d.report_value, d.table_value) for d in quoted] == [("95分", "97分")]   # (the table's as typed)
    assert "自评表填报的总分" in quoted[0].message
    edit(written.path, "自评表填报总分为95分", "自评表填报总分为97分")
    assert check_report(edit(written.path, "自评表填报总分为97分，按", "自评表填报总分97分经按"), book).discrepancies == []
    changed = check_report(edit(written.path, "经按计分规则重新计算为94分", "经按计分规则重新计算为97分"), book)   # (edited in place)
    assert [(d.report_value, d.table_value) for d in changed.discrepancies] == [("97分", "94分")]


def test_the_funds_score_of_a_written_report_is_checked(tmp_path):
    """预算执行率100%，得分10分（分值10分）: the 得分 is the funds row's (its clause names nothing;
    the sentence names the funds only), and had passed when edited."""
    from workbook_builder.reports.write import write_reports

    book = workbook("26")
    [written] = write_reports(book, tmp_path / "r.docx").reports
    changed = check_report(edit(written.path, "预算执行率100%，得分10分（分值10分）", "预算执行率100%，得分8分（分值10分）"), book)
    assert [(d.report_value, d.table_value) for d in changed.discrepancies] == [("8分", "10分")]
    assert "项目资金执行情况" in changed.discrepancies[0].where


def test_a_report_whose_tables_were_deleted_is_not_passed(tmp_path):
    """Every table taken out of a report perfbook wrote: its scores went unchecked, and the check
    had said 0 处不一致 (exit 0); it says the tables are missing. A report written by hand in
    prose only is checked as before."""
    from workbook_builder.reports.write import write_reports

    book = workbook("26")
    [written] = [r.path for r in write_reports(book, tmp_path / "报告.docx").reports]
    assert not [d for d in check_report(written, book).discrepancies if "没有表格" in d.message]
    document = Document(written)
    for table in list(document.tables):
        table._element.getparent().remove(table._element)
    document.save(tmp_path / "无表.docx")
    [said] = [d for d in check_report(tmp_path / "无表.docx", book).discrepancies if d.where == "全文"]
    assert said.message.startswith("报告中没有表格（得分表、指标完成情况表），各项得分未能核对")
    document.core_properties.category = ""   # (the same text as a report of the unit's own)
    document.save(tmp_path / "手写.docx")
    assert not [d for d in check_report(tmp_path / "手写.docx", book).discrepancies if d.where == "全文"]


def test_an_amount_too_large_to_round_is_compared_not_a_stop(tmp_path):
    """全年执行数 1e30 (E6): the written report is checked (it had stopped with 计算结果超出可计算的范围,
    naming neither the file nor the cell)."""
    from openpyxl import load_workbook

    from workbook_builder.reports.write import write_reports

    book = load_workbook(workbook("26"))
    book["自评表"]["E6"] = 1e30
    path = tmp_path / "大额.xlsx"
    book.save(path)
    [written] = [r.path for r in write_reports(path, tmp_path / "报告.docx").reports]
    assert check_report(written, path).checked > 10


def test_a_paragraph_joined_to_its_heading_is_still_checked(tmp_path):
    """Delete pressed at a heading's end joins the paragraph below to it, in the heading's style:
    its figures are checked (a changed 综合得分 had gone unnoticed, 0 处不一致)."""
    from workbook_builder.reports.write import write_reports

    book = workbook("26")
    [written] = [r.path for r in write_reports(book, tmp_path / "报告.docx").reports]
    document = Document(written)
    paragraphs = document.paragraphs
    at = next(n for n, p in enumerate(paragraphs) if p.text == "三、综合评价情况及评价结论")
    heading, body = paragraphs[at], paragraphs[at + 1]
    assert "综合得分94分" in body.text
    heading.add_run(body.text.replace("综合得分94分", "综合得分99分"))
    body._p.getparent().remove(body._p)
    document.save(tmp_path / "合并.docx")
    [found] = check_report(tmp_path / "合并.docx", book).discrepancies
    assert "报告写总分为99分，自评表按计分规则重新计算为94分" in found.message
