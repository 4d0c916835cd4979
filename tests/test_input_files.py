"""Small input files read as people make them: a narrative saved by Notepad ("ANSI" = GBK, or
UTF-8 with a BOM) or given as a .docx, a project list that is a pipe or a zip bomb, a recalc
result with one hand-edited entry, a JSON with a syntax error. Each is read, or refused with a
Chinese sentence naming the file (exit 2) — never a traceback, a hang or Python's English text."""

import csv
import json
import os
import socket
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from docx import Document

from tests.conftest import ROOT, SAMPLE_TABLES
from workbook_builder.cli import main

BOOK = ROOT / "samples/chaoyang-2024/submitted/26_朝阳区政府网站功能和监测服务项目.xlsx"
LIST = ROOT / "samples/chaoyang-2024/project_list.xlsx"
RECALC = ROOT / "tests/data/snapshots/recalc_submitted.json"
PIPES = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
ENGLISH = ("Traceback", "Error", "Invalid", "Illegal", "Expecting", "codec", "object", "at line", "Is a directory")


def english(text: str) -> list[str]:
    return [word for word in ENGLISH if word in text]


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """perfbook in its own process, so that a read that blocks (a pipe) fails the test instead of
    hanging it."""
    return subprocess.run([sys.executable, "-m", "workbook_builder.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def report_text(path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


# report write --narrative ----------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-16"])
def test_narrative_saved_by_notepad_is_read(tmp_path, capsys, encoding):
    narrative = tmp_path / "叙述.toml"
    narrative.write_text('"项目概况" = "本项目为政务网站提供监测服务。"\n', encoding=encoding)
    assert main(["report", "write", str(BOOK), "-o", str(tmp_path / "r.docx"), "--narrative", str(narrative)]) == 0
    assert "本项目为政务网站提供监测服务。" in report_text(tmp_path / "r.docx")


def test_narrative_that_is_not_text_or_a_folder_is_named_in_chinese(tmp_path, capsys):
    assert main(["report", "write", str(BOOK), "-o", str(tmp_path / "r.docx")]) == 0
    for given, said in ((tmp_path / "r.docx", "不是文本文件（是 Word、Excel 文档或压缩包）"), (tmp_path, "是文件夹")):
        capsys.readouterr()
        assert main(["report", "write", str(BOOK), "-o", str(tmp_path / "x.docx"), "--narrative", str(given)]) == 2
        err = capsys.readouterr().err
        assert f"叙述文件 {given}" in err and said in err and not english(err), err


def test_a_narrative_larger_than_a_narrative_is_refused(tmp_path, capsys):
    """A narrative is a few pages: one over MAX_NARRATIVE_BYTES (4 MB) is refused, not read."""
    from workbook_builder.reports import model

    narrative = tmp_path / "叙述.toml"
    narrative.write_text('"项目概况" = "' + "文" * (model.MAX_NARRATIVE_BYTES // 3 + 1) + '"\n', encoding="utf-8")
    assert main(["report", "write", str(BOOK), "-o", str(tmp_path / "r.docx"), "--narrative", str(narrative)]) == 2
    assert "文件过大" in capsys.readouterr().err and not (tmp_path / "r.docx").exists()


def test_narrative_syntax_error_keeps_its_position_in_chinese(tmp_path, capsys):
    narrative = tmp_path / "叙述.toml"
    narrative.write_text('"项目概况" = "第一段\n', encoding="utf-8")
    assert main(["report", "write", str(BOOK), "-o", str(tmp_path / "r.docx"), "--narrative", str(narrative)]) == 2
    err = capsys.readouterr().err
    assert "不是有效的 TOML：第 1 行第 14 列" in err and not english(err), err


@PIPES
def test_narrative_pipe_is_refused_not_waited_on(tmp_path):
    os.mkfifo(tmp_path / "叙述.toml")
    done = run("report", "write", str(BOOK), "-o", str(tmp_path / "r.docx"), "--narrative", str(tmp_path / "叙述.toml"))
    assert done.returncode == 2 and "不是普通文件" in done.stderr, done.stderr


# project lists: new --spec, batch, targets check ------------------------------------------------


def test_new_spec_reads_through_the_container_checks(tmp_path, capsys):
    bomb = tmp_path / "炸弹.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\x00" * (30 * 2**20))
    fake = tmp_path / "假的.xlsx"
    fake.write_text("not a zip", encoding="utf-8")
    for spec, reason in ((bomb, "压缩炸弹"), (fake, "是文本文件，不是 Excel 工作簿")):
        assert main(["new", "--spec", str(spec), "-o", str(tmp_path / "t.xlsx")]) == 2
        err = capsys.readouterr().err
        assert reason in err and not english(err) and "BadZipFile" not in err, err
    assert not (tmp_path / "t.xlsx").exists()


@PIPES
@pytest.mark.parametrize("command", ["new", "batch", "targets"])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_list_that_is_a_pipe_is_refused_not_waited_on(tmp_path, command, suffix):
    pipe = tmp_path / f"清单{suffix}"
    os.mkfifo(pipe)
    args = {"new": ["new", "--spec", str(pipe), "-o", str(tmp_path / "t.xlsx")],
            "batch": ["batch", str(pipe), "-o", str(tmp_path / "out")],
            "targets": ["targets", "check", str(pipe), "-o", str(tmp_path / "out")]}[command]
    done = run(*args)
    assert done.returncode in (1, 2) and "不是普通文件" in done.stdout + done.stderr, done.stdout + done.stderr


def test_the_sample_list_reads_the_same_from_xlsx_and_csv(tmp_path):
    from workbook_builder.readers.project_list import read_project_list

    rows = [["" if v is None else v for v in r] for r in openpyxl.load_workbook(LIST).active.iter_rows(values_only=True)]
    with open(tmp_path / "清单.csv", "w", newline="", encoding="gb18030") as handle:
        csv.writer(handle).writerows(rows)
    from_xlsx, from_csv = read_project_list(LIST, year=2024), read_project_list(tmp_path / "清单.csv", year=2024)
    assert len(from_xlsx) == 30 and from_xlsx == from_csv
    assert from_xlsx[0].indicators[0].weight == "15" and from_xlsx[0].indicators[0].target == "6000"


def test_csv_with_an_oversized_cell_is_said_in_chinese(tmp_path, capsys):
    path = tmp_path / "清单.csv"
    path.write_text("项目名称,年度指标值\n甲,\"" + "很" * 200_000 + "\"\n", encoding="utf-8")
    main(["targets", "check", str(path), "-o", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert "不是有效的 CSV 文件（有超过" in out and "field" not in out, out


# report portfolio --------------------------------------------------------------------------------


@pytest.mark.parametrize("edit, reason", [
    (lambda t: t.update(computed_total="九十"), "的总分不是数值"),
    (lambda t: t.update(findings="见附件"), "的 findings 不是问题列表"),
], ids=["total", "findings"])
def test_portfolio_skips_a_hand_edited_entry_and_says_so(tmp_path, capsys, edit, reason):
    data = json.loads(RECALC.read_text(encoding="utf-8"))
    edit(data["tables"][0])
    project = data["tables"][0]["project"]
    (tmp_path / "result.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["report", "portfolio", str(tmp_path / "result.json"), "-o", str(tmp_path / "p.docx")]) == 0
    out = capsys.readouterr().out
    assert f"{len(data['tables']) - 1} 张自评表" in out
    assert f"result.json 中 tables 第 1 项（{project}）{reason}，未计入本报告" in out   # printed too
    text = report_text(tmp_path / "p.docx")
    assert f"result.json 中 tables 第 1 项（{project}）{reason}，未计入本报告" in text
    assert "复核结果中另有1项无法使用" in text


def test_portfolio_keeps_the_tables_numbers_of_the_result(tmp_path):
    from workbook_builder.reports.portfolio import portfolio_data

    data = json.loads(RECALC.read_text(encoding="utf-8"))
    flagged = [n for n, t in enumerate(data["tables"], start=1) if t["findings"]]
    data["tables"][0]["computed_total"] = "九十"
    context = portfolio_data(data, "result.json").context()
    assert [t["number"] for t in context["flagged"]] == [n for n in flagged if n != 1]


@pytest.mark.parametrize("content, said", [
    (b'{"tables": [1 2]}', "第 1 行第 15 列处缺少逗号"),
    (b"[" * 100_000 + b"]" * 100_000, "嵌套层数过多"),
    (b"PK\x03\x04\x00\x00\xff\xfe", "是表格、Word 文件或压缩包，不是 JSON"),   # (a zip's first bytes)
    (b"\x00\xff\xfe{}", "不是文本文件"),
], ids=["syntax", "nested", "zip", "binary"])
def test_portfolio_json_errors_in_chinese(tmp_path, capsys, content, said):
    (tmp_path / "r.json").write_bytes(content)
    assert main(["report", "portfolio", str(tmp_path / "r.json"), "-o", str(tmp_path / "p.docx")]) == 2
    err = capsys.readouterr().err
    assert "r.json" in err and said in err and not english(err), err


def test_portfolio_result_saved_as_gbk(tmp_path, capsys):
    (tmp_path / "r.json").write_bytes(RECALC.read_text(encoding="utf-8").encode("gb18030"))
    assert main(["report", "portfolio", str(tmp_path / "r.json"), "-o", str(tmp_path / "p.docx")]) == 0


# score -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("edit, said", [
    (lambda d: d[1].update(budget=None), "第 2 张表（2022年区级政务外网网络及终端技术服务外包）：budget 应为资金对象"),
    (lambda d: d[0].update(indicators="见附件"), "第 1 张表（2022-2023年朝阳区互联网接入服务）：indicators 应为指标对象的列表"),
], ids=["budget", "indicators"])
def test_score_names_the_table_in_chinese(tmp_path, capsys, edit, said):
    data = json.loads(SAMPLE_TABLES.read_text(encoding="utf-8"))
    edit(data)
    (tmp_path / "t.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["score", str(tmp_path / "t.json")]) == 2
    err = capsys.readouterr().err
    assert said in err and not english(err), err


@pytest.mark.parametrize("content, said", [
    (b'[{"project": "\xe7\x94\xb2",}]', "第 1 行第 18 列处应为用英文双引号括起的键名"),
    (b"\x00\x01\xff", "不是文本文件"),
], ids=["syntax", "binary"])
def test_score_json_errors_in_chinese(tmp_path, capsys, content, said):
    (tmp_path / "t.json").write_bytes(content)
    assert main(["score", str(tmp_path / "t.json")]) == 2
    err = capsys.readouterr().err
    assert said in err and not english(err), err


def test_a_list_longer_than_a_table_is_read_whole_and_one_too_long_is_refused(tmp_path, capsys, monkeypatch):
    """A city's list has thousands of rows (1,500 projects ~ 9,000): read whole, not cut at the
    5,000 rows a self-evaluation table is read to (the projects past them were dropped without a
    word, the one cut in two got false findings); a list past the list limit is refused, by
    `targets check` as by `batch`."""
    import openpyxl

    from workbook_builder.readers import project_list

    source = openpyxl.load_workbook(ROOT / "samples" / "chaoyang-2024" / "project_list.xlsx").active
    rows = list(source.iter_rows(values_only=True))
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("清单")
    sheet.append(rows[0])
    copies = 5200 // (len(rows) - 1) + 1
    for n in range(copies):
        for row in rows[1:]:
            sheet.append([f"{row[0]}（{n}）" if row[0] else row[0], *row[1:]])
    book.save(tmp_path / "清单.xlsx")
    assert main(["targets", "check", str(tmp_path / "清单.xlsx"), "-o", str(tmp_path / "out"),
                 "--json", str(tmp_path / "r.json")]) in (0, 1)
    projects = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["projects"]
    names = {p["project"] for p in projects}
    assert len(names) == copies * len({r[0] for r in rows[1:] if r[0]})
    monkeypatch.setattr(project_list, "MAX_LIST_ROWS", 1000)
    capsys.readouterr()
    assert main(["targets", "check", str(tmp_path / "清单.xlsx"), "-o", str(tmp_path / "out2")]) == 1
    assert "超过 1000 行，超出读取上限：请分成几个清单" in capsys.readouterr().out


def test_a_csv_list_over_the_row_limit_is_refused_as_a_sheet_is(tmp_path, monkeypatch, capsys):
    """A .csv list had no limit: 360,000 rows took 256 s and 5 GB before anything was said."""
    from workbook_builder.readers import project_list

    monkeypatch.setattr(project_list, "MAX_LIST_ROWS", 1000)
    lines = ["项目名称,一级指标,二级指标,三级指标,年度指标值"] + [f"项目{n},产出指标,数量指标,份数,≥{n}份" for n in range(1000)]
    (tmp_path / "清单.csv").write_text("\n".join(lines), encoding="utf-8")
    assert main(["targets", "check", str(tmp_path / "清单.csv"), "-o", str(tmp_path / "out")]) == 1
    assert "超过 1000 行，超出读取上限：请分成几个清单" in capsys.readouterr().out
    (tmp_path / "清单.csv").write_text("\n".join(lines[:1000]), encoding="utf-8")
    assert project_list.csv_grid(tmp_path / "清单.csv").rows[-1][0] == "项目998"


@pytest.mark.parametrize("nested", ["a = " + "[" * 1000 + "]" * 1000, "a = " + "{b = " * 400 + "1" + "}" * 400])
def test_a_narrative_nested_a_thousand_deep_is_refused_in_chinese(tmp_path, capsys, nested):
    """tomllib parses nesting by recursion: 1,000 nested lists (or 400 inline tables) had ended
    report write with a RecursionError and 内部错误."""
    narrative = tmp_path / "叙述.toml"
    narrative.write_text(nested + "\n", encoding="utf-8")
    assert main(["report", "write", str(BOOK), "-o", str(tmp_path / "r.docx"), "--narrative", str(narrative)]) == 2
    err = capsys.readouterr().err
    assert "嵌套层数过多" in err and "Traceback" not in err and not (tmp_path / "r.docx").exists()


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets here")
def test_a_socket_named_like_a_workbook_is_said_to_be_no_file(tmp_path):
    """A Unix socket named 表.xlsx cannot be opened (ENXIO): said as no regular file, not as a
    system error."""
    folder = tmp_path / "in"
    folder.mkdir()
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(folder / "表.xlsx"))
        assert main(["recalc", str(folder), "-o", str(tmp_path / "out"), "--json", str(tmp_path / "r.json")]) in (0, 1, 2)
    finally:
        server.close()
    [failure] = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["unreadable"]
    assert "不是普通文件" in failure["message"], failure


def test_a_project_list_is_read_from_its_own_sheet_and_never_one_of_two_dropped(tmp_path):
    """batch and new --spec read one list: the visible sheet that holds it (a hidden sheet before
    it had been read, and refused by a name the user cannot see); two lists are refused, not one
    read and the other dropped without a word."""
    from workbook_builder.readers.project_list import ProjectListError, read_project_list

    source = openpyxl.load_workbook(LIST).active
    rows = [[c.value for c in row] for row in source.iter_rows(max_row=7)]
    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title, hidden.sheet_state = "旧清单", "veryHidden"   # (last year's list, kept hidden: not read)
    for row in rows:
        hidden.append(row)
    hidden["A2"] = "去年的项目"
    for title in ("清单", "第二"):
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book["第二"]["A3"] = "另一个项目"
    book.save(tmp_path / "两张.xlsx")
    with pytest.raises(ProjectListError, match="工作表“清单”“第二”中都有项目清单"):
        read_project_list(tmp_path / "两张.xlsx", year=2024)
    del book["第二"]
    book.save(tmp_path / "一张.xlsx")
    assert [t.project for t in read_project_list(tmp_path / "一张.xlsx", year=2024)] == [rows[1][0]]


def test_a_logical_value_in_a_list_is_said_as_excel_shows_it(tmp_path):
    from workbook_builder.readers.project_list import ProjectListError, read_project_list

    source = openpyxl.load_workbook(LIST)
    source.active["E2"] = True   # 全年预算数
    source.save(tmp_path / "清单.xlsx")
    with pytest.raises(ProjectListError) as caught:
        read_project_list(tmp_path / "清单.xlsx", year=2024)
    assert "“TRUE”" in str(caught.value) and "True" not in str(caught.value)
