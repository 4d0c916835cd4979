"""The 30 submitted samples as units really send them: .xls and .ods (saved by LibreOffice) and
Word .docx (merged cells, several tables in one document, 万元 in money cells) give exactly the
findings of the .xlsx snapshot, and each gets its annotated copy."""

import json
import zipfile
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from tests.conftest import ROOT
from tests.office_formats import SOFFICE, convert, docx_cell, to_docx
from workbook_builder.cli import main

SUBMITTED = ROOT / "samples" / "chaoyang-2024" / "submitted"
SNAPSHOT = json.loads((ROOT / "tests" / "data" / "snapshots" / "recalc_submitted.json").read_text(encoding="utf-8"))
SAME = ("project", "department", "profile", "template", "reported_total", "computed_total", "grade")


def recalc(folder: Path, out: Path) -> dict:
    result = out.with_suffix(".json")
    assert main(["recalc", str(folder), "-o", str(out), "--json", str(result), "--jobs", "2"]) == 0
    return json.loads(result.read_text(encoding="utf-8"))


def by_project(data: dict) -> dict[str, dict]:
    tables = {t["project"]: t for t in data["tables"]}
    assert len(tables) == len(data["tables"]) == 30 and data["unreadable"] == []
    return tables


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    if not SOFFICE:
        pytest.skip("LibreOffice (soffice) is not installed: .xls/.ods samples cannot be made")
    root = tmp_path_factory.mktemp("formats")
    sources = sorted(SUBMITTED.glob("*.xlsx"))
    return {fmt: convert(sources, fmt, root / fmt, root / "profile") and root / fmt for fmt in ("xls", "ods")}


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_workbook_formats_give_the_snapshot_findings(converted, fmt, tmp_path):
    data = recalc(converted[fmt], tmp_path / "out")
    got, want = by_project(data), by_project(SNAPSHOT)
    for project, table in want.items():
        mine = got[project]
        assert {k: mine[k] for k in (*SAME, "sheet", "findings")} == {k: table[k] for k in (*SAME, "sheet", "findings")}
        assert mine["format"] == fmt and Path(mine["file"]).stem == Path(table["file"]).stem
        assert mine["annotated"] == table["annotated"] and mine["annotation_error"] is None
    copy = load_workbook(tmp_path / "out" / got["朝阳区政府网站功能和监测服务项目"]["annotated"])
    assert copy.sheetnames == ["复核结果", "自评表"]
    assert "得分应为7.00" in copy["自评表"]["J14"].comment.text
    assert copy["自评表"]["C3"].value == "朝阳区政府网站功能和监测服务项目"


@pytest.fixture(scope="module")
def word_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docx")
    placed = {}
    for source in sorted(SUBMITTED.glob("*.xlsx")):
        placed[source.stem] = to_docx(source, folder / f"{source.stem}.docx")
    return folder, placed


def test_word_documents_give_the_snapshot_findings(word_folder, tmp_path):
    folder, placed = word_folder
    data = recalc(folder, tmp_path / "out")
    got, want = by_project(data), by_project(SNAPSHOT)
    for project, table in want.items():
        mine, stem = got[project], Path(table["file"]).stem
        assert {k: mine[k] for k in SAME} == {k: table[k] for k in SAME}
        tables = placed[stem][table["sheet"]]
        expected = []
        for f in table["findings"]:
            sheet, cell = docx_cell(f["cell"], tables)
            expected.append({**f, "cell": cell})
            assert mine["sheet"] == sheet
        assert mine["findings"] == expected
        assert mine["format"] == "docx" and mine["annotated"] == f"{stem}_复核.docx"
    assert sum(1 for t in data["tables"] if Path(t["file"]).stem.startswith("27-30")) == 4


def test_a_word_copys_results_show_a_rate_as_a_percentage(word_folder, tmp_path):
    folder, _ = word_folder
    data = recalc(folder / "12_朝阳区公共信用信息服务平台.docx", tmp_path / "out")
    copy = docx.Document(str(tmp_path / "out" / data["tables"][0]["annotated"]))
    rows = [[c.text for c in row.cells] for row in copy.tables[-1].rows]
    [rate] = [r for r in rows if r[4] == "执行率不一致"]
    assert rate[3] == "年度资金总额" and rate[6:] == ["99.98%", "99.99%"]


def test_word_copy_has_shading_comments_and_results_table(word_folder, tmp_path):
    folder, _ = word_folder
    source = folder / "26_朝阳区政府网站功能和监测服务项目.docx"
    before = source.read_bytes()
    data = recalc(source, tmp_path / "out")
    [table] = data["tables"]
    [finding] = table["findings"]
    assert finding["cell"] == "第12行第10列" and table["sheet"] == "表格1"
    copy = docx.Document(str(tmp_path / "out" / table["annotated"]))
    [comment] = list(copy.comments)
    assert "得分应为7.00" in comment.text and comment.author == "perfbook"
    cell = copy.tables[0].cell(11, 9)
    assert cell.text == "10" and 'w:fill="FF9999"' in cell._tc.xml
    results = copy.tables[-1]
    assert [c.text for c in results.rows[0].cells][:3] == ["表格", "项目名称", "位置"]
    assert results.rows[1].cells[2].text == "第12行第10列" and "得分应为7.00" in results.rows[1].cells[5].text
    assert results.rows[0].cells[3].text == "指标" and results.rows[1].cells[3].text.startswith("指标2")
    assert results.rows[2].cells[5].text == "计算总分 94，等级 优（计算总分比填报总分低 3 分）"   # what it comes to
    assert source.read_bytes() == before
    with zipfile.ZipFile(tmp_path / "out" / table["annotated"]) as package:
        assert "word/comments.xml" in package.namelist()


def test_word_table_continued_after_a_page_break(tmp_path):
    """A 自评表 split into two Word tables (the second repeating the header row) is one table."""
    folder = tmp_path / "in"
    folder.mkdir()
    source = SUBMITTED / "26_朝阳区政府网站功能和监测服务项目.xlsx"
    to_docx(source, folder / "whole.docx")
    document = docx.Document(str(folder / "whole.docx"))
    table = document.tables[0]
    rows = table._tbl.tr_lst
    header = next(i for i, r in enumerate(table.rows) if "三级指标" in [c.text for c in r.cells])
    split = header + 2  # the flagged row (index 11) goes to the second table
    second = document.add_table(rows=0, cols=len(table.columns))
    second._tbl.append(__import__("copy").deepcopy(rows[header]))
    for tr in rows[split:]:
        second._tbl.append(tr)
    table._tbl.addnext(second._tbl)
    breaker = document.add_paragraph()
    breaker.add_run().add_break(__import__("docx").enum.text.WD_BREAK.PAGE)
    table._tbl.addnext(breaker._p)
    document.save(folder / "split.docx")
    (folder / "whole.docx").unlink()
    data = recalc(folder, tmp_path / "out")
    [read] = data["tables"]
    [finding] = read["findings"]
    assert read["computed_total"] == 94.0 and finding["kind"] == "penalty_not_applied"
    assert finding["cell"] == f"表格2第{11 - split + 2}行第10列"
    copy = docx.Document(str(tmp_path / "out" / read["annotated"]))
    assert 'w:fill="FF9999"' in copy.tables[1].rows[12 - split].cells[9]._tc.xml
