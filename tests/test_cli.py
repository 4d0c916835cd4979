"""The perfbook command: what a user sees for each sub-command, and its exit codes."""

import re
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.conftest import ROOT, SAMPLE_TABLES
from workbook_builder.deploy import server
from workbook_builder.cli import main
from workbook_builder.readers.project_list import read_project_list


def test_profiles(capsys):
    assert main(["profiles"]) == 0
    out = capsys.readouterr().out
    assert "beijing-chaoyang-2024 （默认）" in out and "mof-2020" in out
    from addin.engine import list_profiles

    for profile in list_profiles():  # users see what each profile does not cover
        assert f"依据：{profile.source}" in out
        assert all(f"- {text}" in out for text in profile.limitations)


def test_score_json_that_is_not_a_table_file(capsys, tmp_path):
    path = tmp_path / "x.json"
    path.write_text('[{"project": "甲"}]', encoding="utf-8")
    assert main(["score", str(path)]) == 2
    assert "不是自评表 JSON" in capsys.readouterr().err


def test_score_prints_totals_and_the_anomalies(capsys):
    assert main(["score", str(SAMPLE_TABLES)]) == 0
    out = capsys.readouterr().out
    assert "共 30 张表，发现 4 处问题" in out
    assert "指标2：实际完成值超出年度指标值600%" in out
    rows = [line.split() for line in out.splitlines() if line.strip()[:2] in ("5 ", "12", "26", "1 ")]
    assert [r[-1] for r in rows if r[0] in ("5", "12", "26")] == ["总分不同"] * 3   # a labelled column, no bare ≠
    assert out.splitlines()[1].split()[-1] == "说明"
    assert main(["score", str(SAMPLE_TABLES), "--strict"]) == 1   # problems found (README's exit codes)


def test_a_workbook_given_to_score_or_portfolio_is_said_to_be_one(capsys, tmp_path):
    """A submitted workbook (or a Word file) is no JSON: the user is told which command reads it,
    not where a JSON parser stumbled in its bytes."""
    workbook = ROOT / "samples/chaoyang-2024/submitted/26_朝阳区政府网站功能和监测服务项目.xlsx"
    assert main(["score", str(workbook)]) == 2
    assert capsys.readouterr().err.strip() == f"错误：{workbook} 是表格、Word 文件或压缩包，不是 JSON：复核报送的表格请用 perfbook recalc"
    (tmp_path / "old.xls").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504))
    assert main(["report", "portfolio", str(tmp_path / "old.xls"), "-o", str(tmp_path / "p.docx")]) == 2
    assert "old.xls 是表格、Word 文件或压缩包，不是 JSON：应为 perfbook recalc --json 写出的结果文件" in capsys.readouterr().err


def test_score_missing_file(capsys, tmp_path):
    assert main(["score", str(tmp_path / "none.json")]) == 2
    assert "错误：找不到文件" in capsys.readouterr().err


def test_new_from_a_one_project_spec(tmp_path, capsys):
    tables = read_project_list(ROOT / "samples/chaoyang-2024/project_list.xlsx")
    frame = pd.read_excel(ROOT / "samples/chaoyang-2024/project_list.xlsx", dtype=str, keep_default_na=False,
                          engine="calamine")
    spec = tmp_path / "spec.csv"
    frame.iloc[:6].to_csv(spec, index=False)
    out = tmp_path / "one.xlsx"
    assert main(["new", "-o", str(out), "--spec", str(spec), "--year", "2024"]) == 0
    assert load_workbook(out)["自评表"]["C3"].value == tables[0].project
    both = tmp_path / "two.csv"
    frame.iloc[:12].to_csv(both, index=False)
    assert main(["new", "-o", str(tmp_path / "x.xlsx"), "--spec", str(both)]) == 2
    assert "含 2 个项目；生成多个工作簿请用 perfbook batch" in capsys.readouterr().err


def test_new_needs_a_name(tmp_path, capsys):
    assert main(["new", "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "请用 --name 给出项目名称" in capsys.readouterr().err
    assert main(["new", "-o", str(tmp_path / "x.xlsx"), "--name", "   "]) == 2   # (a template of no name)
    assert "不能只有空格" in capsys.readouterr().err and not (tmp_path / "x.xlsx").exists()
    assert main(["new", "-o", str(tmp_path / "x.xlsx"), "--name", "  项目甲 "]) == 0
    from workbook_builder.readers.tables import read_tables

    assert read_tables(tmp_path / "x.xlsx")[0].table.project == "项目甲"   # (without the spaces around it)


@pytest.mark.parametrize("option, value, said", [
    ("--annual", "约100万元", "应为以万元计的数值"), ("--annual", "-5", "应大于 0"), ("--annual", "0", "应大于 0"),
    ("--initial", "-1", "应不小于 0"), ("--initial", "一百", "应为以万元计的数值"), ("--annual", "50%", "应为以万元计的数值"),
    ("--annual", "50％", "应为以万元计的数值")])
def test_new_takes_amounts_as_a_project_list_does(tmp_path, capsys, option, value, said):
    """An amount the template's formulas cannot use is refused, nothing written (it had been
    written as the text given); 0 as 年初预算数 and 1,234.5 are amounts."""
    out = tmp_path / "x.xlsx"
    assert main(["new", "-o", str(out), "--name", "项目", option, value]) == 2
    assert f"{option} {said}" in capsys.readouterr().err and not out.exists()
    assert main(["new", "-o", str(out), "--name", "项目", "--annual", "1,234.5", "--initial", "0"]) == 0
    assert [load_workbook(out)["自评表"][ref].value for ref in ("C6", "D6")] == [0, 1234.5]


@pytest.mark.parametrize("annual, initial, cells", [
    ("150万元", "120万", [120, 150]), ("1,500,000元", "1200000 元", [120, 150]), ("１５０万元", "0", [0, 150])])
def test_new_takes_amounts_written_with_their_money_unit(tmp_path, annual, initial, cells):
    """``--annual 150万元`` (the help asks for 万元) is 150, and an amount in 元 is converted;
    the template gets numbers its formulas can use."""
    out = tmp_path / "x.xlsx"
    assert main(["new", "-o", str(out), "--name", "项目", "--annual", annual, "--initial", initial]) == 0
    assert [load_workbook(out)["自评表"][ref].value for ref in ("C6", "D6")] == cells


def test_batch_refuses_to_overwrite_without_force(tmp_path, capsys):
    target = tmp_path / "out"
    args = ["batch", str(ROOT / "samples/chaoyang-2024/project_list.xlsx"), "-o", str(target)]
    assert main(args) == 0
    assert "模板照常生成" in capsys.readouterr().out   # the review's findings do not stop the templates
    first = (target / "00_索引.xlsx").read_bytes()
    assert main(args) == 2
    said = capsys.readouterr()
    assert "已有同名文件" in said.err and said.out == ""   # refused before the review is printed
    assert (target / "00_索引.xlsx").read_bytes() == first
    assert main([*args, "--force"]) == 0
    index = list(load_workbook(target / "00_索引.xlsx")["项目清单"].iter_rows(values_only=True))
    assert len(index) == 2 + 30 and index[2][6] == "01_2022-2023年朝阳区互联网接入服务.xlsx"


def test_batch_names_a_missing_list_as_its_project_list(tmp_path, capsys):
    """A list that is not there, or a folder given for it: said of the project list (it had said
    that no target list to review was found, the review's words)."""
    for given, said in ((tmp_path / "没有.xlsx", "项目清单 .*没有.xlsx 不存在"), (tmp_path, "是文件夹，请给出清单文件")):
        assert main(["batch", str(given), "-o", str(tmp_path / "out")]) == 2
        err = capsys.readouterr().err
        assert re.search(said, err) and "绩效目标" not in err
    assert not (tmp_path / "out").exists()


def test_batch_interrupted_still_writes_its_index(tmp_path, capsys, monkeypatch):
    """Ctrl+C in the fifth template: the four written stay, the index lists them and the 26
    not reached (未生成), and the command says so with exit code 130."""
    from workbook_builder.forms import batch

    real, calls = batch.write_template, []

    def stopped(*args, **kwargs):
        calls.append(1)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "write_template", stopped)
    target = tmp_path / "out"
    assert main(["batch", str(ROOT / "samples/chaoyang-2024/project_list.xlsx"), "-o", str(target)]) == 130
    captured = capsys.readouterr()
    assert "生成 4 个自评表模板" in captured.out and "其余 26 个项目未生成" in captured.err
    assert "未生成：" not in captured.err   # (not 26 failures, one line)
    index = list(load_workbook(target / "00_索引.xlsx")["项目清单"].iter_rows(values_only=True))[2:]
    assert len(index) == 30 and all(row[6].endswith(".xlsx") for row in index[:4])
    assert all(row[6] == f"未生成：{batch.INTERRUPTED}" for row in index[4:])
    assert len(list(target.glob("*.xlsx"))) == 5
    sheet = load_workbook(target / "00_索引.xlsx")["项目清单"]   # printed one page wide, header on each page
    assert (sheet.page_setup.orientation, sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == ("landscape", 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows == "$1:$2"


def test_setup_describes_three_routes(capsys):
    assert main(["setup"]) == 0
    out = capsys.readouterr().out
    assert all(route in out for route in ("perfbook addin install", "perfbook serve", "perfbook lite"))


def test_serve_without_the_server_extra(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(server.importlib.util, "find_spec", lambda name: None)
    assert main(["serve", "--project-dir", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert '在 perfbook 源代码目录中运行 pip install ".[server]"' in captured.err
    assert "启动中" not in captured.out   # (said before it had seemed to start)


@pytest.mark.parametrize("args", [["--ssl-keyfile", "k.pem"], ["--ssl-certfile", "c.pem"]])
def test_serve_needs_key_and_certificate_together(args, capsys):
    assert main(["serve", *args]) == 2
    assert "需要同时给出" in capsys.readouterr().err


@pytest.mark.parametrize("argv,expected", [
    (["recalc"], "错误：缺少必需的参数：PATH, -o/--output"),
    (["nosuch"], "错误：参数 命令 的取值 'nosuch' 无效"),
    (["recalc", "x", "-o", "y", "--jobs", "abc"], "错误：参数 --jobs 应为整数，收到的是 'abc'"),
    # a process a file, given by mistake, had exhausted the machine's memory: at most 4 a core
    (["recalc", "x", "-o", "y", "--jobs", str(4 * (os.cpu_count() or 1) + 1)], "错误：参数 --jobs 应为 1 到"),
    (["recalc", "x", "-o", "y", "--jobs", "0"], "错误：参数 --jobs 应为 1 到"),
    (["batch", "x", "-o", "y", "--year", "-1"], "错误：参数 --year 应为 2000 到 2100 之间的年份"),   # (templates headed "(-1年度)")
    (["batch", "x", "-o", "y", "--year", "二〇二四"], "错误：参数 --year 应为年份"),
    (["profiles", "--zzz"], "错误：无法识别的参数：--zzz"),
    (["report"], "错误：缺少必需的参数：子命令"),
    (["recalc", "x", "-o", "y", "--j", "1"], "错误：选项 --j 不明确，可能是：--json, --jobs"),
])
def test_usage_errors_are_chinese(argv, expected, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and expected in err
    assert err.startswith("用法：") and "error:" not in err and "usage:" not in err


def test_output_into_a_closed_pipe_is_not_an_error():
    """``perfbook score … | head -1``: the reader goes away; no traceback, exit 0."""
    import os
    import subprocess
    import sys

    perfbook = Path(sys.executable).with_name("perfbook")
    read, write = os.pipe()
    os.close(read)  # nobody reads: the first write fails with EPIPE
    done = subprocess.run([str(perfbook), "score", str(SAMPLE_TABLES)], stdout=write, stderr=subprocess.PIPE,
                          text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}, timeout=60)
    os.close(write)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr


def test_progress_shows_rate_and_time_left():
    from tqdm import tqdm

    from workbook_builder.cli import PROGRESS_FORMAT

    line = tqdm.format_meter(250, 1000, 5.0, prefix="复核", unit="个文件", bar_format=PROGRESS_FORMAT, ncols=100)
    assert "250/1000 个文件" in line and "50.00个文件/s" in line and "剩余 00:15" in line


def test_batch_shows_its_progress(tmp_path, monkeypatch):
    """A list of thousands of projects takes minutes: the bar counts the templates written."""
    from workbook_builder import cli

    bars = []

    class Bar:
        def __init__(self, description, total, unit):
            self.done, self.total, self.unit = 0, total, unit
            bars.append(self)

        def update(self, n):
            self.done += n

        def close(self):
            self.closed = True

    monkeypatch.setattr(cli, "_progress", Bar)
    assert main(["batch", str(ROOT / "samples/chaoyang-2024/project_list.xlsx"), "-o", str(tmp_path / "out")]) == 0
    [bar] = bars
    assert (bar.done, bar.total, bar.unit, bar.closed) == (30, 30, "个项目", True)   # (tables 1-30)


@pytest.mark.parametrize("content, reason", [
    ('[{"project": null, "budget": {"annual": 1, "executed": 1}, "indicators": []}]', "project 应为项目名称文字"),
    ('{"project": "甲"}', "应为每张表一个对象的列表"),
    ("[" * 100_000 + "]" * 100_000, "嵌套层数过多"),
    ('[{"project": "甲"}]', "缺少 budget"),
])
def test_score_json_of_another_shape(capsys, tmp_path, content, reason):
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    assert main(["score", str(path)]) == 2
    assert reason in capsys.readouterr().err


def test_a_finding_without_a_cell_is_printed_with_its_sheet_alone(tmp_path, capsys):
    """A sum over the table (分值合计) has no cell: printed [自评表], not [自评表!]."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "自评表"
    for row in (["一级指标", "二级指标", "三级指标", "自评分", "评价标准"],
                ["项目决策(20分)", "项目目标(4分)", "目标内容(4分)", 4, "设有目标(2分) 目标明确(2分)"]):
        book.active.append(row)
    book.save(tmp_path / "计分表.xlsx")
    main(["recalc", str(tmp_path / "计分表.xlsx"), "-o", str(tmp_path / "out"), "--no-copies"])
    out = capsys.readouterr().out
    assert "[自评表] " in out and "[自评表!]" not in out and "[自评表!A2]" in out


def test_an_output_folder_named_with_a_line_break_is_shown_escaped(tmp_path, capsys):
    out = tmp_path / "复核\n结果"
    assert main(["recalc", str(ROOT / "samples/chaoyang-2024/submitted/26_朝阳区政府网站功能和监测服务项目.xlsx"),
                 "-o", str(out), "--no-copies"]) == 0
    [done] = [line for line in capsys.readouterr().out.splitlines() if line.startswith("复核完成")]
    assert done.endswith("复核\\x0a结果/复核汇总.xlsx")


def test_a_blank_table_of_thousands_of_rows_is_refused(tmp_path, capsys):
    """A real table has a few dozen indicator rows: 20,000 had taken minutes, 1,048,570 crashed."""
    assert main(["new", "-o", str(tmp_path / "x.xlsx"), "--name", "项目", "--rows", "20000"]) == 2
    assert "--rows 应为 1 到 500" in capsys.readouterr().err and not (tmp_path / "x.xlsx").exists()


def test_score_shows_project_names_escaped(tmp_path, capsys):
    """A project name holding a line break, a right-to-left override and a terminal escape is
    printed escaped, as recalc and batch print names (it had reached the terminal raw)."""
    import json

    data = json.loads(SAMPLE_TABLES.read_text(encoding="utf-8"))
    tables = data["tables"] if isinstance(data, dict) else data
    tables[0]["project"] = "换行\n\u202e\x1b[31m项目"
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    main(["score", str(path)])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "换行\\x0a" in out


@pytest.mark.parametrize("command", ["recalc", "targets"])
def test_json_to_standard_output(tmp_path, command):
    """``--json -``: the JSON on standard output, whole and alone (a script reads it), what is
    printed for people on standard error; no file named ``-``."""
    import subprocess
    import sys

    if command == "recalc":
        args = ["recalc", str(ROOT / "samples/chaoyang-2024/submitted"), "-o", str(tmp_path / "out"), "--no-copies"]
    else:
        args = ["targets", "check", str(ROOT / "samples/chaoyang-2024/project_list.xlsx"), "-o", str(tmp_path / "out")]
    done = subprocess.run([sys.executable, "-m", "workbook_builder.cli", *args, "--json", "-"], cwd=tmp_path,
                          capture_output=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "gbk"})   # (a Chinese console's)
    done.stdout, done.stderr = done.stdout.decode("utf-8"), done.stderr.decode("gbk", "replace")   # JSON: UTF-8 bytes
    assert done.returncode in (0, 1), done.stderr
    data = json.loads(done.stdout)
    assert (len(data["tables"]) == 30) if command == "recalc" else bool(data["projects"])
    assert ("复核完成" if command == "recalc" else "审核完成") in done.stderr and not (tmp_path / "-").exists()


def test_json_to_a_closed_standard_output_is_refused(tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "workbook_builder.cli", "recalc", str(ROOT / "samples/chaoyang-2024/submitted"),
                           "-o", str(tmp_path / "out"), "--json", "-"], cwd=tmp_path, capture_output=False,
                          stderr=subprocess.PIPE, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          preexec_fn=lambda: os.close(1))
    assert done.returncode == 2 and "标准输出已关闭" in done.stderr.decode("utf-8") and not (tmp_path / "out").exists()


def test_a_signal_stops_any_command_with_its_code(monkeypatch, capsys):
    """A command that turns the signal into a plain KeyboardInterrupt on its way out (as the
    guarded workers' runner does) still exits 128 + the signal's number."""
    import signal

    from workbook_builder import cli

    def interrupted(args):
        try:
            os.kill(os.getpid(), signal.SIGTERM)
        except cli.Stopped:
            raise KeyboardInterrupt from None

    monkeypatch.setattr(cli, "cmd_profiles", interrupted)
    assert main(["profiles"]) == 128 + signal.SIGTERM and "已中断" in capsys.readouterr().err


def test_json_to_a_text_standard_output(tmp_path, monkeypatch):
    """Called in-process with standard output a text stream alone (no bytes beneath it)."""
    import io
    import sys

    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["recalc", str(ROOT / "samples/chaoyang-2024/submitted"), "-o", str(tmp_path / "o"), "--no-copies",
                 "--jobs", "1", "--json", "-"]) in (0, 1)
    assert len(json.loads(out.getvalue())["tables"]) == 30


@pytest.mark.parametrize("name", ["00_索引.xlsx", "01_2022-2023年朝阳区互联网接入服务.xlsx"])
def test_batch_never_writes_over_the_list_it_reads(tmp_path, capsys, name):
    """A project list kept in the output folder under the index's or a template's name is not
    replaced, not even with --force; nothing is printed of the review first."""
    listed = tmp_path / name
    shutil.copy(ROOT / "samples/chaoyang-2024/project_list.xlsx", listed)
    before = listed.read_bytes()
    for extra in ([], ["--force"]):
        assert main(["batch", str(listed), "-o", str(tmp_path), *extra]) == 2
        said = capsys.readouterr()
        assert "就是要读取的项目清单，写出会覆盖它" in said.err and said.out == ""
    assert listed.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == [name]


def test_batch_portable_with_a_profile_it_cannot_compile_prints_no_review_first(tmp_path, capsys, monkeypatch):
    """A profile the portable formulas cannot express is refused before the review's lines (which
    end by saying the templates are generated)."""
    from workbook_builder.forms import portable

    monkeypatch.setattr(portable, "FUNDS_BUILDERS", {})
    args = ["batch", str(ROOT / "samples/chaoyang-2024/project_list.xlsx"), "-o", str(tmp_path / "t"), "--portable"]
    assert main(args) == 2
    said = capsys.readouterr()
    assert "资金得分方法" in said.err and said.out == "" and not (tmp_path / "t").exists()


def test_every_command_says_what_it_does_in_its_help():
    """``perfbook X -h`` opens with a description for every command and subcommand (setup and
    evaluation frameworks had only their usage line)."""
    import argparse

    from workbook_builder.cli import build_parser

    def commands(parser, path=()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield (*path, name), sub
                    yield from commands(sub, (*path, name))

    missing = [" ".join(path) for path, sub in commands(build_parser()) if not (sub.description or "").strip()
               and not any(isinstance(a, argparse._SubParsersAction) for a in sub._actions)]
    assert missing == []


def test_batch_into_a_file_is_refused_before_any_template(tmp_path, capsys):
    """-o naming a file: one message and exit 2 (each of 30 templates had failed, 路径中有一段不是文件夹)."""
    target = tmp_path / "notes.txt"
    target.write_text("x")
    assert main(["batch", str(ROOT / "samples/chaoyang-2024/project_list.xlsx"), "-o", str(target)]) == 2
    said = capsys.readouterr()
    assert "notes.txt 是一个文件，不是文件夹：请另选输出目录（-o）" in said.err and "未生成" not in said.err
    assert target.read_text() == "x"


@pytest.mark.parametrize(("year", "ok"), [("2020", True), ("2020年度", True), ("2020-2022", True), ("2020年-2022年", True),
                                          ("2020年至2022年", True), ("abc", False),
                                          ("99999", False), ("-1", False), ("2022-2020", False)])
def test_evaluation_new_takes_a_year_or_a_span_of_years(tmp_path, capsys, year, ok):
    """评价年度: abc, -1 or 99999 had been written into the template as given."""
    path = tmp_path / "评分表.xlsx"
    if ok:
        assert main(["evaluation", "new", "--framework", "mof-2020", "-o", str(path), "--year", year]) == 0
        assert path.exists()
    else:
        with pytest.raises(SystemExit) as stop:
            main(["evaluation", "new", "--framework", "mof-2020", "-o", str(path), "--year", year])
        assert stop.value.code == 2 and "应为 2000 至 2100 之间的年份" in capsys.readouterr().err
        assert not path.exists()


def test_an_output_that_is_a_folder_is_said_to_be_one_before_force(tmp_path, capsys):
    """report write / evaluation new -o 报告.docx where that is a folder: 是文件夹 at once (it had
    said 文件已存在…请加 --force, and only then that it was a folder)."""
    (tmp_path / "报告.docx").mkdir()
    (tmp_path / "评分表.xlsx").mkdir()
    sample = next((ROOT / "samples" / "chaoyang-2024" / "submitted").glob("26_*.xlsx"))
    assert main(["report", "write", str(sample), "-o", str(tmp_path / "报告.docx")]) == 2
    assert main(["evaluation", "new", "--framework", "mof-2020", "-o", str(tmp_path / "评分表.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "报告.docx 是文件夹，不能写成报告" in err and "评分表.xlsx 是文件夹，不能写成工作簿" in err
    assert "--force" not in err


def test_a_report_that_cannot_be_replaced_says_it_may_be_open_in_word(tmp_path, capsys, monkeypatch):
    """A .docx the system refuses to replace (open in Word on Windows): Word, not Excel, is named."""
    from tests.conftest import refuse_replacing

    refuse_replacing(monkeypatch, "报告.docx")
    sample = next((ROOT / "samples" / "chaoyang-2024" / "submitted").glob("26_*.xlsx"))
    assert main(["report", "write", str(sample), "-o", str(tmp_path / "报告.docx")]) == 2
    assert "报告.docx（没有访问权限；如果它正在 Word 或 WPS 中打开，请关闭后重试）" in capsys.readouterr().err


def test_help_fits_the_terminal_by_display_width(monkeypatch):
    """argparse counts a Chinese character as one column: help in an 80-column terminal had run
    to 150 columns. Every line of every command's help fits (an ASCII word is never split)."""
    import argparse

    from workbook_builder.cli import build_parser
    from workbook_builder.console import width

    def parsers(parser, name):   # (every command, the nested ones too: targets check, report write …)
        yield name, parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub_name, sub in action.choices.items():
                    yield from parsers(sub, f"{name} {sub_name}")

    for columns in (70, 80, 120):
        monkeypatch.setenv("COLUMNS", str(columns))
        for name, parser in parsers(build_parser(), "perfbook"):
            for line in parser.format_help().splitlines():
                assert width(line) <= columns or " " not in line.strip(), (columns, name, line)


def test_wrapped_help_never_begins_a_line_with_punctuation():
    from workbook_builder.cli import wrap_wide

    assert wrap_wide("一二三四，五六", 8) == ["一二三", "四，五六"]   # (the comma goes down with 四)
    assert wrap_wide("见 perfbook forms 中的表样", 12) == ["见 perfbook", "forms 中的表", "样"]   # (ASCII words whole)
