"""``perfbook report portfolio``: the finance bureau's summary of a recalc batch, with a native
Word chart of the grade distribution."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from workbook_builder.cli import main
from workbook_builder.reports.portfolio import write_portfolio_report
from workbook_builder.reports.write import ReportError

RECALC = Path(__file__).parent / "data" / "snapshots" / "recalc_submitted.json"   # recalc of the 30 samples


def table(document, first_header: str) -> list[list[str]]:
    [found] = [t for t in document.tables if t.rows[0].cells[0].text == first_header]
    return [[c.text for c in row.cells] for row in found.rows]


def chart_values(document) -> dict[str, float]:
    [part] = [r.target_part for r in document.part.rels.values() if r.reltype == RT.CHART]
    xml = part.blob.decode("utf-8")
    cats = re.findall(r"<c:pt idx=\"\d+\"><c:v>([^<]*)</c:v>", xml.split("<c:cat>")[1].split("</c:cat>")[0])
    vals = re.findall(r"<c:pt idx=\"\d+\"><c:v>([^<]*)</c:v>", xml.split("<c:val>")[1].split("</c:val>")[0])
    return dict(zip(cats, map(float, vals)))


def varied_result(tmp_path: Path) -> Path:
    """The sample recalc with some tables graded lower and one unreadable file."""
    data = json.loads(RECALC.read_text(encoding="utf-8"))
    for t, grade, total in zip(data["tables"][:5], ["良", "良", "中", "差", None], [85.0, 81.5, 70.0, 40.0, None]):
        t["grade"], t["computed_total"] = grade, total
    data["unreadable"] = [{"file": "坏文件.xlsx", "message": "文件无法读取：不是 Excel 文件"},
                          {"file": "收到.zip/__MACOSX", "message": "未读取：macOS 附带的文件", "skipped": True}]
    path = tmp_path / "result.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_sample_batch(tmp_path):
    data = json.loads(RECALC.read_text(encoding="utf-8"))
    path, _ = write_portfolio_report(RECALC, tmp_path / "p.docx")
    document = Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    flagged = [t for t in data["tables"] if t["findings"]]
    assert f"个文件中的{len(data['tables'])}张自评表" in text
    assert f"其中{len(flagged)}张表发现问题，共{data['summary']['findings']}处" in text
    rows = table(document, "序号")[1:]
    assert [r[1] for r in rows] == [t["project"] for t in flagged]
    for t in flagged:
        for f in t["findings"]:
            assert f["message"] in text
        # each table's details say which file it is (two tables of one project are told apart)
        assert f"文件：{t['file']}（工作表“{t['sheet']}”）" in text
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    numbers = [str(n) for n, t in enumerate(data["tables"], start=1) if t["findings"]]
    assert [h.split("）", 1)[1].split(" ", 1)[0] for h in headings] == [f"#{n}" for n in numbers]
    assert [r[0] for r in rows] == numbers and "与复核汇总.xlsx“项目”表中的行序一致" in text
    kinds = table(document, "问题类型")[1:]
    assert sum(int(k[1]) for k in kinds) == data["summary"]["findings"]
    assert chart_values(document) == {"优": 30.0, "良": 0.0, "中": 0.0, "差": 0.0}
    assert not re.search(r"\{[{%]", text)


def test_tables_that_may_repeat_a_project_are_said_with_their_numbers(tmp_path):
    """Tables recalc marks as a project met before (same_as) are counted in every figure: the
    overview says which (#3与#1), so the bureau can check them (a batch of 30 projects with 4
    resubmissions had read as 34 tables, all '优', and nothing else)."""
    data = json.loads(RECALC.read_text(encoding="utf-8"))
    first, again = data["tables"][0], data["tables"][2]
    again["same_as"] = f"{first['file']}［{first['sheet']}］"
    data["tables"][4]["same_as"] = "不在结果中.xlsx［自评表］"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    document = Document(str(write_portfolio_report(path, tmp_path / "p.docx")[0]))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "其中有2张表与前面的表项目名称和主管部门相同，可能重复报送（#3与#1、#5），本报告的各项统计都计入了这些表" in text
    data["tables"][1].update(file=first["file"], sheet=first["sheet"])   # a second table on the first's sheet
    data["tables"][1]["same_as"] = again["same_as"]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    document = Document(str(write_portfolio_report(path, tmp_path / "p2.docx")[0]))
    assert "（#2与#1、#3与#1、#5）" in "\n".join(p.text for p in document.paragraphs)   # (not #2与#2)
    data["tables"][4]["same_as"] = ["x"]   # (edited by hand: left out and said, as other fields)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert write_portfolio_report(path, tmp_path / "q.docx")[1].notes


def test_tables_never_filled_in_are_said_and_counted_apart(tmp_path):
    """A table never filled in (status 未填写) is said with its number and counted as 未填写 in
    the grades, not as 无法计算 (a total that could not be computed from a filled table)."""
    data = json.loads(RECALC.read_text(encoding="utf-8"))
    for t in (data["tables"][3], data["tables"][5]):
        t.update(status="未填写", grade=None, computed_total=None, reported_total=None, findings=[])
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    document = Document(str(write_portfolio_report(path, tmp_path / "p.docx")[0]))
    assert "张自评表。有2张表尚未填写（#4、#6），未计分；已填写的28张表中，3张发现问题，共4处；" in "\n".join(
        p.text for p in document.paragraphs)
    assert chart_values(document) == {"优": 28.0, "良": 0.0, "中": 0.0, "差": 0.0, "未填写": 2.0}


def test_grades_chart_table_and_unreadable_files(tmp_path):
    path, _ = write_portfolio_report(varied_result(tmp_path), tmp_path / "p.docx")
    document = Document(str(path))
    assert chart_values(document) == {"优": 25.0, "良": 2.0, "中": 1.0, "差": 1.0, "无法计算": 1.0}
    grades = table(document, "等级")
    assert grades[-1] == ["合计", "30", "100.0%"]
    assert sum(int(r[1]) for r in grades[1:-1]) == 30
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[-1] == "六、无法读取的文件"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "坏文件.xlsx：文件无法读取" in text
    assert "共复核27个文件中的30张自评表（另有1个文件无法读取）；另有1个文件按规则未复核（如锁定文件、不是表格的文件、perfbook 的输出）。" in text
    # (a skipped file is not one that cannot be read, but it is counted: the terminal's 28 个文件)


def test_cli_and_bad_input(tmp_path, capsys):
    assert main(["report", "portfolio", str(RECALC), "-o", str(tmp_path / "p.docx")]) == 0
    assert "30 张自评表，3 张发现问题" in capsys.readouterr().out
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    assert main(["report", "portfolio", str(tmp_path / "bad.json"), "-o", str(tmp_path / "q.docx")]) == 2
    (tmp_path / "other.json").write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(ReportError, match="不是 perfbook recalc 的 JSON"):
        write_portfolio_report(tmp_path / "other.json", tmp_path / "q.docx")
    assert not (tmp_path / "q.docx").exists()
    (tmp_path / "targets.json").write_text('{"projects": [], "unreadable": []}', encoding="utf-8")
    with pytest.raises(ReportError, match="是 perfbook targets check（绩效目标审核）的结果，不是复核结果"):
        write_portfolio_report(tmp_path / "targets.json", tmp_path / "q.docx")   # (the other command's JSON)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_draws_the_chart(tmp_path):
    path, _ = write_portfolio_report(varied_result(tmp_path), tmp_path / "p.docx")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], capture_output=True, timeout=180)
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "p.pdf"), "-"], capture_output=True, text=True).stdout
        assert "复核等级分布" in text and "无法计算" in text


@pytest.mark.parametrize("content, reason", [
    ({"tables": [{"findings": [{"message": "x"}]}]}, "findings 不是问题列表"),
    ({"tables": [{"findings": "x"}]}, "findings 不是问题列表"),
    ({"tables": [{"project": "a", "findings": [{"kind": "x"}]}]}, "findings 不是问题列表"),
    ({"tables": [{"grade": ["优"]}]}, "不是文字"),
    ({"tables": [{"reported_total": "九十"}]}, "总分不是数值"),
    ({"tables": [], "unreadable": "x"}, "unreadable 不是无法读取的文件列表"),
    ({"tables": ["x"]}, "第 1 项不是对象"),
])
def test_a_result_of_another_shape_is_a_users_error(tmp_path, capsys, content, reason):
    (tmp_path / "r.json").write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    assert main(["report", "portfolio", str(tmp_path / "r.json"), "-o", str(tmp_path / "p.docx")]) == 2
    err = capsys.readouterr().err
    assert "不是 perfbook recalc 的 JSON 结果" in err and reason in err and "Traceback" not in err


def test_a_result_saved_with_a_bom_or_nested_too_deep(tmp_path, capsys):
    (tmp_path / "bom.json").write_text(RECALC.read_text(encoding="utf-8"), encoding="utf-8-sig")
    assert main(["report", "portfolio", str(tmp_path / "bom.json"), "-o", str(tmp_path / "p.docx")]) == 0
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert main(["report", "portfolio", str(tmp_path / "deep.json"), "-o", str(tmp_path / "q.docx")]) == 2
    assert "不是有效的 JSON" in capsys.readouterr().err


def test_a_portfolio_report_already_written_is_kept_unless_forced(tmp_path, capsys):
    output = tmp_path / "复核情况报告.docx"
    output.write_bytes(b"edited by hand")
    assert main(["report", "portfolio", str(RECALC), "-o", str(output)]) == 2
    assert "文件已存在" in capsys.readouterr().err and output.read_bytes() == b"edited by hand"
    assert main(["report", "portfolio", str(RECALC), "-o", str(output), "--force"]) == 0
    assert Document(str(output)).paragraphs


def test_a_lone_surrogate_in_the_result_is_written_out_not_a_report_cut_short(tmp_path):
    """A result JSON with "\\udcff" in a flagged table's project (written by hand or another
    program): the report had stopped at that cell, without its sections 四 and 五, and said 已生成."""
    data = json.loads(RECALC.read_text(encoding="utf-8"))
    flagged = next(t for t in data["tables"] if t["findings"])
    flagged["project"] = "网站\udcff项目"
    (tmp_path / "r.json").write_text(json.dumps(data), encoding="utf-8")   # (ensure_ascii: "\udcff" as typed)
    path, _ = write_portfolio_report(tmp_path / "r.json", tmp_path / "p.docx")
    document = Document(str(path))
    texts = [p.text for p in document.paragraphs]
    assert "四、问题类型" in texts and "五、问题明细" in texts
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    assert any("网站\\udcff项目" in text for text in cells)


def test_a_batch_with_evaluation_forms_calls_its_tables_tables(tmp_path):
    """A recalc of 评分表 or yearly tables beside 自评表 (their JSON names a framework) is not a
    batch of 自评表: the report says 张表."""
    data = json.loads(RECALC.read_text(encoding="utf-8"))
    data["tables"][0]["framework"] = "yueyang-2020"
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    report, _ = write_portfolio_report(path, tmp_path / "p.docx")
    text = "\n".join(p.text for p in Document(str(report)).paragraphs)
    assert f"个文件中的{len(data['tables'])}张表" in text and "张自评表" not in text


def test_a_result_with_nothing_to_report_writes_no_report(tmp_path, capsys):
    """A recalc of an empty folder (no table, no file left unread) had given a "0 张自评表" report;
    one with only unreadable files still gets its report (which lists them)."""
    empty = tmp_path / "空.json"
    empty.write_text(json.dumps({"tables": [], "unreadable": []}), encoding="utf-8")
    assert main(["report", "portfolio", str(empty), "-o", str(tmp_path / "空.docx")]) == 2
    assert "空.json 中没有复核过的表，也没有无法读取的文件" in capsys.readouterr().err
    assert not (tmp_path / "空.docx").exists()
    unread = tmp_path / "无法读取.json"
    unread.write_text(json.dumps({"tables": [], "unreadable": [{"file": "a.pdf", "message": "PDF 文件无法读取"}]}),
                      encoding="utf-8")
    assert main(["report", "portfolio", str(unread), "-o", str(tmp_path / "r.docx")]) == 0


def test_shares_are_rounded_half_up_and_a_clean_batch_has_no_empty_tables(tmp_path):
    """51 of 240 is 21.25%: 21.3% (it had been 21.2%, a float's rounding); a batch without findings
    says so under each heading instead of empty tables (两张只有表头的表, 共0处)."""
    data = json.loads(RECALC.read_text(encoding="utf-8"))
    tables = [dict(data["tables"][0], findings=[], reported_total=100.0, computed_total=100.0, grade="优")
              for _ in range(240)]
    for t in tables[:51]:
        t.update(grade="良", computed_total=85.0, reported_total=85.0)
    data.update(tables=tables, unreadable=[])
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    document = Document(str(write_portfolio_report(path, tmp_path / "p.docx")[0]))
    assert [r[2] for r in table(document, "等级")[1:3]] == ["78.8%", "21.3%"]
    assert [t.rows[0].cells[0].text for t in document.tables] == ["等级"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "各表均未发现问题；没有表按计分规则重新计算后的总分与填报总分不同。" in text and "共0处" not in text
    assert text.count("无。") == 2


def test_each_finding_in_the_details_is_a_sentence(tmp_path):
    """问题明细 lists each finding as a sentence closed by 。 (they had ended bare: …填报为9.99)."""
    document = Document(str(write_portfolio_report(RECALC, tmp_path / "p.docx")[0]))
    texts = [p.text for p in document.paragraphs]
    details = [t for t in texts[texts.index("五、问题明细"):] if re.match(r"\d+\. ", t)]
    assert len(details) == 4 and all(t.endswith("。") for t in details) and not any("另试" in t for t in details)
