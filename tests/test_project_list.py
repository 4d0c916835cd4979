"""Reading project lists, and refusing bad ones with row numbers before anything is written."""

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from addin.engine.natures import parse_weight
from workbook_builder.cli import main
from workbook_builder.readers.project_list import COLUMNS, PROJECT_COLUMNS, ProjectListError, read_project_list, read_projects

ROW = {
    "项目名称": "示例项目",
    "主管部门": "北京市朝阳区数据局",
    "实施单位": "北京市朝阳区数据局",
    "年初预算数": "100",
    "全年预算数": "100",
    "年度总体目标": "保障系统稳定运行",
    "一级指标": "产出指标",
    "二级指标": "数量指标",
    "三级指标": "服务报告",
    "绩效指标性质": "≥",
    "年度指标值": "12",
    "绩效度量单位": "份",
    "分值": "45",
}


def rows_for(name="示例项目", weights=(45, 45)):
    first = dict(ROW, 项目名称=name, 分值=str(weights[0]))
    second = {c: "" for c in COLUMNS} | {
        "三级指标": "用户满意度", "绩效指标性质": "≥", "年度指标值": "90", "绩效度量单位": "%",
        "分值": str(weights[1]), "一级指标": "满意度指标", "二级指标": "服务对象满意度指标",
    }
    return [first, second]


def write(tmp_path, rows, name="list.xlsx", columns=COLUMNS):
    path = tmp_path / name
    frame = pd.DataFrame(rows, columns=list(columns))
    if name.endswith(".csv"):
        frame.to_csv(path, index=False, encoding="gb18030")
    else:
        frame.to_excel(path, index=False)
    return path


def problems(path):
    with pytest.raises(ProjectListError) as err:
        read_project_list(path)
    return err.value.problems


def test_reads_projects_with_continuation_rows(tmp_path):
    path = write(tmp_path, rows_for("甲") + rows_for("乙", (40, 50)))
    tables = read_project_list(path, year=2024)
    assert [t.project for t in tables] == ["甲", "乙"]
    assert tables[0].indicators[1].level3 == "用户满意度"
    assert tables[1].funds.annual == 100 and tables[1].year == 2024


def test_weights_written_with_their_unit(tmp_path):
    rows = rows_for("甲")
    rows[0]["分值"], rows[1]["分值"] = "45分", "45 分"
    [table] = read_project_list(write(tmp_path, rows), year=2024)
    assert [i.weight for i in table.indicators] == ["45分", "45 分"]
    rows[1]["分值"] = "50分"
    with pytest.raises(ProjectListError, match="为 105，应为 100"):
        read_project_list(write(tmp_path, rows, "bad.xlsx"), year=2024)


def test_template_from_weights_written_with_their_unit(tmp_path):
    from openpyxl import load_workbook

    from workbook_builder.forms.layout import SHEET, Layout
    from workbook_builder.forms.template import build_workbook

    rows = rows_for("甲")
    rows[0]["分值"] = "45分"
    [table] = read_project_list(write(tmp_path, rows), year=2024)
    path = tmp_path / "t.xlsx"
    build_workbook(table).save(path)
    assert load_workbook(path)[SHEET][Layout(2).indicator_cell("weight", 0)].value == 45


def test_columns_in_any_order_and_extra_columns(tmp_path):
    columns = ["备注", *reversed(COLUMNS)]
    path = write(tmp_path, [dict(r, 备注="x") for r in rows_for()], columns=columns)
    assert len(read_project_list(path)[0].indicators) == 2


def test_gbk_csv(tmp_path):
    path = write(tmp_path, rows_for(), name="list.csv")
    assert read_project_list(path)[0].project == "示例项目"


def test_level_labels_carry_down(tmp_path):
    rows = rows_for(weights=(30, 45))
    third = dict(rows[0], 项目名称="", 一级指标="", 二级指标="", 三级指标="响应时间", 分值="15")
    tables = read_project_list(write(tmp_path, [rows[0], third, rows[1]]))
    assert (tables[0].indicators[1].level1, tables[0].indicators[1].level2) == ("产出指标", "数量指标")
    fourth = dict(third, 一级指标="效益指标", 三级指标="受益人数")   # a new 一级: no 二级 from the other 一级
    tables = read_project_list(write(tmp_path, [dict(rows[0], 分值="15"), third, fourth, rows[1]]))
    assert [(i.level1, i.level2) for i in tables[0].indicators[1:3]] == [("产出指标", "数量指标"), ("效益指标", "")]


def test_missing_column(tmp_path):
    """(绩效指标性质 and 绩效度量单位 are not required: the central layout writes them in the 年度指标值.)"""
    columns = [c for c in COLUMNS if c not in ("分值", "绩效指标性质")]
    path = write(tmp_path, rows_for(), columns=columns)
    assert problems(path) == ["缺少列：分值（表头应在前 20 行中，含“项目名称”和“三级指标”）"]


def test_bad_nature_weight_sum_and_duplicate_names(tmp_path):
    rows = rows_for("甲") + rows_for("乙", (40, 40)) + rows_for("甲")
    rows[1]["绩效指标性质"] = "约等于"
    found = problems(write(tmp_path, rows))
    assert found == [
        "第 3 行：“用户满意度”：未知的绩效指标性质“约等于”，应为“≥”“≤”“=”或“定性”",
        "第 6 行：项目名称“甲”重复（第 2 行已出现）",
        "第 4–5 行：项目“乙”的指标分值合计 80，加上年度资金总额分值 10 为 90，应为 100",
    ]


def test_unknown_scale_and_unreadable_target(tmp_path):
    rows = rows_for()
    rows[0].update(绩效指标性质="定性", 年度指标值="有效提升")
    rows[1].update(年度指标值="待定")
    found = problems(write(tmp_path, rows))
    assert found[0].startswith("第 2 行：“服务报告”：定性指标的年度指标值“有效提升”不是规则认可的评价等级")
    assert found[1] == "第 3 行：“用户满意度”：年度指标值“待定”中没有可用的数值"


def test_empty_and_not_a_spreadsheet(tmp_path):
    assert problems(write(tmp_path, [])) == ["没有任何数据行"]
    empty_csv = tmp_path / "empty.csv"
    empty_csv.write_bytes(b"")
    assert problems(empty_csv) == ["文件是空的"]
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert problems(text) == ["不是 .xlsx、.xls、.ods 或 .csv 文件（扩展名为“.txt”）：请用 Excel 或 WPS 另存为 .xlsx"]
    assert problems(tmp_path) == ["是文件夹，不是项目清单文件：请给出清单的 .xlsx、.xls、.ods 或 .csv 文件"]
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a zip")
    assert problems(fake) == ["是文本文件，不是 Excel 工作簿或 Word 文档：请提供 Excel 或 Word 原文件"]


def test_batch_writes_nothing_for_a_bad_list(tmp_path, capsys):
    rows = rows_for(weights=(45, 40))
    out = tmp_path / "out"
    assert main(["batch", str(write(tmp_path, rows)), "-o", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "错误：项目清单" in err and "（工作表“Sheet1”）" in err and "第 2–3 行" in err and "应为 100" in err


def test_batch_writes_the_projects_of_a_list_but_the_bad_one(tmp_path, capsys):
    """One project's weights off by 5 had stopped every template: the others are written, the
    bad one is said and listed in the index as not written, and the exit says a problem (1); a row
    belonging to no project (its name left blank) is said too."""
    from openpyxl import load_workbook

    nameless = rows_for("", (40, 50))
    nameless[0]["全年预算数"], nameless[0]["年度总体目标"] = "200", "另一项工作"
    odd = rows_for("丁")
    odd[1]["绩效指标性质"] = "约等于"
    rows = rows_for("甲") + rows_for("乙", (45, 40)) + rows_for("丙") + odd + nameless
    out = tmp_path / "out"
    assert main(["batch", str(write(tmp_path, rows)), "-o", str(out)]) == 1   # (done, with problems)
    assert sorted(p.name for p in out.iterdir()) == ["00_索引.xlsx", "1_甲.xlsx", "3_丙.xlsx"]
    err = capsys.readouterr().err
    assert "未生成：乙：清单中这个项目有问题：第 4–5 行：项目“乙”的指标分值合计 85" in err
    assert "未生成：丁：清单中这个项目有问题：第 9 行：“用户满意度”：未知的绩效指标性质“约等于”" in err
    assert "未生成：第 10 行：缺少项目名称（全年预算数、年度总体目标与上面的项目“丁”不同" in err
    sheet = load_workbook(out / "00_索引.xlsx").active   # (why it was not written wraps in its column, its row as tall)
    assert sheet["G4"].alignment.wrap_text and sheet.row_dimensions[4].height > 15 and not sheet["G3"].alignment.wrap_text
    index = [row for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert [(row[1], row[6][:12]) for row in index] == [
        ("甲", "1_甲.xlsx"), ("乙", "未生成：清单中这个项目有"), ("丙", "3_丙.xlsx"), ("丁", "未生成：清单中这个项目有")]
    assert main(["batch", str(write(tmp_path, rows_for("甲") + nameless, "two.xlsx")), "-o", str(tmp_path / "two")]) == 1
    assert "未生成：第 4 行：缺少项目名称" in capsys.readouterr().err   # (the project's template written, the row said)


def test_batch_never_opens_a_list_the_guarded_reader_refused(tmp_path, capsys, monkeypatch):
    """A pipe named .xlsx (which would block an open) or a sheet reaching XFD1048576 (which
    pandas would allocate): refused by the review's guarded reader, and not opened again."""
    import os

    from workbook_builder.readers import project_list

    def opened(*args, **kwargs):
        raise AssertionError("read_project_list opened a list the guarded reader refused")

    monkeypatch.setattr(project_list, "_frame", opened)
    os.mkfifo(tmp_path / "管道.xlsx")
    assert main(["batch", str(tmp_path / "管道.xlsx"), "-o", str(tmp_path / "out")]) == 2
    assert "不是普通文件" in capsys.readouterr().out and not (tmp_path / "out").exists()


@pytest.mark.parametrize("delimiter, encoding", [("\t", "utf-16"), ("\t", "utf-32"), (";", "utf-8-sig"), ("\t", "gb18030"),
                                                 (",", "utf-8")])
def test_a_csv_list_separated_otherwise(tmp_path, delimiter, encoding):
    """A list saved as Excel's Unicode text (UTF-16, tabs) and named .csv, or a CSV of
    semicolons, is read as the comma-separated one (each had been said to lack every column)."""
    path = tmp_path / "list.csv"
    pd.DataFrame(rows_for("甲,乙") + rows_for("丙"), columns=COLUMNS).to_csv(
        path, index=False, sep=delimiter, encoding=encoding)
    tables = read_project_list(path)
    assert [t.project for t in tables] == ["甲,乙", "丙"] and tables[0].indicators[1].level3 == "用户满意度"


def test_a_semicolon_list_writes_decimals_with_a_comma(tmp_path):
    """Where the semicolon separates columns, the comma is the decimal mark: 141,116 is 141.116
    (read as thousands it had been 141116, a thousand times the budget), 1.234,5 and 1234,5 are 1234.5."""
    rows = rows_for("甲") + rows_for("乙") + rows_for("丙")
    rows[0]["全年预算数"], rows[2]["全年预算数"], rows[4]["全年预算数"] = "141,116", "1.234,5", "1234,5"
    path = tmp_path / "list.csv"
    pd.DataFrame(rows, columns=COLUMNS).to_csv(path, index=False, sep=";", encoding="utf-8")
    assert [t.funds.annual for t in read_project_list(path)] == [Decimal("141.116"), Decimal("1234.5"), Decimal("1234.5")]


def test_a_header_below_a_title_or_over_two_rows(tmp_path):
    """A list as budget systems export it: a title and a 单位 line above the header, or a header
    over two rows (项目名称 … merged down beside 绩效指标 over 一级指标 …); problems keep their rows."""
    import openpyxl

    plain = write(tmp_path, rows_for("甲") + rows_for("乙", (40, 40)))
    rows = list(openpyxl.load_workbook(plain).active.iter_rows(values_only=True))
    titled = openpyxl.Workbook()
    titled.active.append(["2024年项目绩效目标清单"])
    titled.active.append(["单位：万元"])
    for row in rows:
        titled.active.append(list(row))
    titled.save(tmp_path / "titled.xlsx")
    two = openpyxl.Workbook()
    first = [c if c in PROJECT_COLUMNS else None for c in rows[0]]
    two.active.append([c or "绩效指标" for c in first])
    two.active.append([None if c in PROJECT_COLUMNS else c for c in rows[0]])
    for row in rows[1:]:
        two.active.append(list(row))
    two.save(tmp_path / "two.xlsx")
    for path, offset in ((tmp_path / "titled.xlsx", 2), (tmp_path / "two.xlsx", 1)):
        with pytest.raises(ProjectListError) as err:
            read_project_list(path)
        assert err.value.problems == [f"第 {4 + offset}–{5 + offset} 行：项目“乙”的指标分值合计 80，加上年度资金总额分值 10 为 90，应为 100"]


def test_the_lists_name_is_shown_safely_in_its_error():
    """A list named with a newline or with bytes that are not UTF-8 (a GBK name from a zip) is
    named in one line, recognisably."""
    import os

    assert str(ProjectListError(Path("收到/a\nb.xlsx"), ["x"])).startswith("项目清单 收到/a\\x0ab.xlsx 有 1 处问题")
    gbk = Path(os.fsdecode(b"\xb1\xed.xlsx"))
    assert str(ProjectListError(gbk, ["x"], "表1")).startswith("项目清单 表.xlsx（文件名按 GBK 解码）（工作表“表1”）")


def test_an_amount_written_as_a_percentage_or_a_negative_initial_budget_is_refused(tmp_path):
    """As `perfbook new` refuses them (and `targets check` says them): 全年预算数 95% is no amount,
    a 年初预算数 of -5 no budget."""
    rows = rows_for()
    rows[0].update(全年预算数="95%", 年初预算数="-5")
    assert problems(write(tmp_path, rows)) == ["第 2 行：项目“示例项目”的全年预算数“95%”是百分数，不是金额",
                                                "第 2 行：年初预算数不能为负数（-5）"]


def test_a_formula_saved_without_its_result_is_said_as_such_not_as_a_blank(tmp_path):
    """A list written by a program (openpyxl saves a formula without its result): the cells are
    said to be formulas, not read as empty (全年预算数为空) and not counted in 分值合计."""
    import openpyxl

    from workbook_builder.readers.tables import NO_RESULT

    path = write(tmp_path, rows_for())
    book = openpyxl.load_workbook(path)
    sheet = book.active
    column = {cell.value: cell.column_letter for cell in sheet[1]}
    sheet[f"{column['全年预算数']}2"] = "=50+50"
    sheet[f"{column['年初预算数']}2"] = "=50*2"
    sheet[f"{column['分值']}3"] = "=90-45"
    book.save(path)
    assert problems(path) == [f"第 2 行：年初预算数{NO_RESULT}", f"第 2 行：全年预算数{NO_RESULT}",
                              f"第 3 行：分值{NO_RESULT}"]


def test_an_amount_written_with_its_money_unit_is_read_in_wan_yuan(tmp_path):
    """The columns are 万元: ``150万元`` is 150, ``1,200,000元`` 120 (converted), and the table
    carries the numbers (a template's formulas cannot use the text)."""
    rows = rows_for()
    rows[0].update(全年预算数="150万元", 年初预算数="1,200,000元")
    (table,) = read_project_list(write(tmp_path, rows))
    assert (table.funds.annual, table.funds.initial) == (150, 120)


def test_a_list_saved_as_xls_or_ods_is_read_as_its_xlsx(tmp_path):
    """batch and new read the .xls and .ods lists targets check reads (they had been refused:
    不是 .xlsx 或 .csv 文件)."""
    from tests import libreoffice

    if libreoffice.SOFFICE is None:
        pytest.skip(libreoffice.MISSING)
    sample = Path(__file__).parent.parent / "samples" / "chaoyang-2024" / "project_list.xlsx"
    expected = [(t.project, t.funds.annual, [(i.level3, i.target) for i in t.indicators]) for t in read_project_list(sample)]
    for fmt in ("xls", "ods"):
        [converted] = libreoffice.convert([sample], tmp_path / fmt, fmt)
        got = [(t.project, t.funds.annual, [(i.level3, i.target) for i in t.indicators]) for t in read_project_list(converted)]
        assert got == expected, fmt


def test_a_list_in_the_central_layout_gives_the_same_templates(tmp_path):
    """性质 and 单位 written in the 年度指标值 (≥90%, ≤738.62892万元; the central 8-column layout,
    no 性质 and 单位 columns): read as the same list with those columns, so the central form's
    templates are the same (batch --form central-2020 had refused it: 缺少列)."""
    import datetime as dt
    import json

    import openpyxl

    from tests.workbook_snapshot import describe
    from workbook_builder.forms.template import build_workbook

    sample = Path(__file__).parent.parent / "samples" / "chaoyang-2024" / "project_list.xlsx"
    source = openpyxl.load_workbook(sample).active
    header = [c.value for c in source[1]]
    nature, unit, target = (header.index(h) for h in ("绩效指标性质", "绩效度量单位", "年度指标值"))
    book = openpyxl.Workbook()
    book.active.append([h for i, h in enumerate(header) if i not in (nature, unit)])
    for row in source.iter_rows(min_row=2, values_only=True):
        row = list(row)
        if row[nature] and row[nature] != "定性":
            row[target] = f"{row[nature]}{row[target]}{row[unit] or ''}"
        book.active.append([v for i, v in enumerate(row) if i not in (nature, unit)])
        for cell in book.active[book.active.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    central = tmp_path / "central.xlsx"
    book.save(central)
    listed, read = read_project_list(sample), read_project_list(central)
    assert [[(i.nature, i.target) for i in t.indicators] for t in read] == [
        [(i.nature, i.target) for i in t.indicators] for t in listed]
    when = dt.datetime(2025, 1, 1)
    for a, b in zip(listed, read):
        for made, table in (("a", a), ("b", b)):
            build_workbook(table, None, 2024, now=when, form_id="central-2020").save(tmp_path / f"{made}.xlsx")
        # (spaces aside: 个(单位:) TB written in a target is read as 个(单位:)TB, as the review reads it)
        shown = [json.dumps(describe(tmp_path / f"{made}.xlsx"), ensure_ascii=False, default=str).replace(" ", "")
                 for made in "ab"]
        assert shown[0] == shown[1], a.project


@pytest.mark.parametrize("suffix, annual, expected", [
    ("（万元）", "100", 100),
    ("(元)", "1500000", 150),          # a column in 元: 万元 in the template
    ("（单位：元）", "1,500,000", 150),
])
def test_an_amount_columns_label_may_write_its_unit(tmp_path, suffix, annual, expected):
    """Budget systems export 全年预算数（万元）: the column is found by its label, and a column in 元
    is read in 元."""
    rows = rows_for("甲")
    columns = [c + suffix if c in ("全年预算数", "年初预算数") else c for c in COLUMNS]
    rows = [{(c + suffix if c in ("全年预算数", "年初预算数") else c): v for c, v in row.items()} for row in rows]
    rows[0][f"全年预算数{suffix}"] = rows[0][f"年初预算数{suffix}"] = annual
    [table] = read_project_list(write(tmp_path, rows, columns=columns))
    assert table.funds.annual == expected and table.funds.initial == expected


def test_an_amount_unit_in_a_header_over_two_rows(tmp_path):
    """全年预算数（元） merged down beside 绩效指标 over 一级指标 …: read in 元 too."""
    import openpyxl

    rows = list(openpyxl.load_workbook(write(tmp_path, rows_for("甲"))).active.iter_rows(values_only=True))
    two = openpyxl.Workbook()
    two.active.append([(c + "（元）" if c == "全年预算数" else c) if c in PROJECT_COLUMNS else "绩效指标" for c in rows[0]])
    two.active.append([None if c in PROJECT_COLUMNS else c for c in rows[0]])
    annual = rows[0].index("全年预算数")
    two.active.append([2_000_000 if n == annual else v for n, v in enumerate(rows[1])])
    for row in rows[2:]:
        two.active.append(list(row))
    two.save(tmp_path / "two.xlsx")
    [table] = read_project_list(tmp_path / "two.xlsx")
    assert table.funds.annual == 200


def test_weights_add_up_to_100_without_the_funds_row_where_the_form_does_not_score_it(tmp_path, capsys):
    """ningxia-2021 does not score the 年度资金总额 row: a list whose indicators add up to 90 (with
    10 for the funds row, as in Chaoyang) would give a template of 90 points, and is refused;
    one adding up to 100 gives its templates."""
    assert main(["batch", str(write(tmp_path, rows_for("甲"))), "-o", str(tmp_path / "a"), "--form", "ningxia-2021"]) == 2
    assert "项目“甲”的指标分值合计 90，应为 100" in capsys.readouterr().err
    assert main(["batch", str(write(tmp_path, rows_for("甲", (50, 50)), "b.xlsx")), "-o", str(tmp_path / "b"),
                 "--form", "ningxia-2021"]) == 0
    assert main(["batch", str(write(tmp_path, rows_for("甲"), "c.xlsx")), "-o", str(tmp_path / "c"),
                 "--form", "central-2020"]) == 0


def test_weights_typed_into_percentage_cells_are_read_as_shown(tmp_path):
    """分值 20, 10 … shown as 20%, 10% (stored 0.2, 0.1) are read as shown, as a target typed as a
    percentage is: the template gets 20 (the list had been refused: 分值合计 0.9)."""
    import openpyxl

    path = write(tmp_path, rows_for("甲", (45, 45)))
    book = openpyxl.load_workbook(path)
    sheet = book.active
    weight = [c.value for c in sheet[1]].index("分值") + 1
    for row in (2, 3):
        cell = sheet.cell(row, weight)
        cell.value, cell.number_format = 0.45, "0%"
    book.save(path)
    [table] = read_project_list(path)
    assert [parse_weight(i.weight) for i in table.indicators] == [45, 45]


def test_a_note_under_a_label_merged_down_keeps_the_label(tmp_path, capsys):
    """A header over two rows with a note under 项目名称 （全称）: the column is still 项目名称 (the
    note had taken its place: 缺少列, and targets check's internal KeyError)."""
    import openpyxl

    rows = list(openpyxl.load_workbook(write(tmp_path, rows_for("甲"))).active.iter_rows(values_only=True))
    two = openpyxl.Workbook()
    two.active.append([c if c in PROJECT_COLUMNS else "绩效指标" for c in rows[0]])
    two.active.append(["（全称）" if c == "项目名称" else None if c in PROJECT_COLUMNS else c for c in rows[0]])
    for row in rows[1:]:
        two.active.append(list(row))
    two.save(tmp_path / "two.xlsx")
    assert [t.project for t in read_project_list(tmp_path / "two.xlsx")] == ["甲"]
    assert main(["targets", "check", str(tmp_path / "two.xlsx"), "-o", str(tmp_path / "out")]) in (0, 1)   # (its findings)
    out = capsys.readouterr().out
    assert "意外错误" not in out and "审核完成：1 个项目" in out


def test_a_list_wider_than_a_form_is_read_whole(tmp_path):
    """A budget system's export of every field: 70 columns before the list's own. Its columns past
    the 64 a form is read to are read (the list had been said to lack every column)."""
    import openpyxl

    rows = list(openpyxl.load_workbook(write(tmp_path, rows_for("甲"))).active.iter_rows(values_only=True))
    wide = openpyxl.Workbook()
    for number, row in enumerate(rows):
        wide.active.append([f"字段{n}" if number == 0 else "x" for n in range(70)] + list(row))
    wide.save(tmp_path / "wide.xlsx")
    assert [t.project for t in read_project_list(tmp_path / "wide.xlsx")] == ["甲"]


@pytest.mark.parametrize("project, level3", [("*项目名称", "三级指标"), ("项目名称（全称）", "三级指标名称"),
                                             ("项目名称(必填)", "※三级指标"), ("＊项目名称＊", "三级指标（必填）")])
def test_a_required_mark_or_a_note_on_a_columns_label(tmp_path, project, level3):
    """Budget systems mark required columns (*项目名称) or add a note (（全称）, (必填)); 三级指标名称
    is 三级指标: read as the column (a list with them had been refused for lacking 项目名称)."""
    columns = [project if c == "项目名称" else level3 if c == "三级指标" else c for c in COLUMNS]
    rows = [{columns[COLUMNS.index(c)]: v for c, v in r.items()} for r in rows_for("甲") + rows_for("乙", (40, 50))]
    tables = read_project_list(write(tmp_path, rows, columns=columns))
    assert [t.project for t in tables] == ["甲", "乙"] and tables[0].indicators[1].level3 == "用户满意度"


def test_a_column_named_twice_is_refused_naming_both(tmp_path):
    """Last year's 年度指标值 kept (hidden) beside this year's: which one the templates should
    carry is the user's to say (the first had been read without a word)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append([*COLUMNS, "年度指标值"])
    for row in rows_for():
        sheet.append([row[c] for c in COLUMNS] + ["24"])
    book.save(tmp_path / "twice.xlsx")
    assert problems(tmp_path / "twice.xlsx") == [
        "表头中有 2 列都是“年度指标值”（K1、N1），无法确定读哪一列：请删除多余的列（或改为其他列名）后再试"]


def test_an_error_value_in_a_label_or_unit_is_said(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    first, second = rows_for()
    first["三级指标"], second["绩效度量单位"] = "#REF!", "#N/A"
    for row in (first, second):
        sheet.append([row[c] for c in COLUMNS])
    book.save(tmp_path / "errors.xlsx")
    assert problems(tmp_path / "errors.xlsx") == ["第 2 行：三级指标单元格中是 Excel 错误值 #REF!（引用无效）",
                                                  "第 3 行：绩效度量单位单元格中是 Excel 错误值 #N/A（值不可用）"]


def test_a_project_whose_name_was_left_blank_is_not_taken_into_the_one_above(tmp_path):
    """A row without 项目名称 but with its own 全年预算数 and 年度总体目标 begins another project:
    said once, and its rows are not added to the project above (whose weights had been said to
    add up to 180). A goal or 实施单位 going on over several rows is no such sign."""
    second = rows_for("", (40, 50))
    second[0]["全年预算数"], second[0]["年度总体目标"] = "200", "完成另一项工作"
    assert problems(write(tmp_path, rows_for("甲") + second)) == [
        "第 4 行：缺少项目名称（全年预算数、年度总体目标与上面的项目“甲”不同，像是另一个项目的第一行）"]
    repeated = rows_for("甲")
    repeated[1].update({c: repeated[0][c] for c in ("主管部门", "实施单位", "年度总体目标")})   # (a row repeating its project's texts)
    assert [len(t.indicators) for t in read_project_list(write(tmp_path, repeated, "again.xlsx"))] == [2]
    later = rows_for("甲")
    later[0]["年初预算数"], later[1]["年初预算数"], later[1]["年度总体目标"] = "", "50", "目标写在第二行"   # (its first row left it blank)
    assert [len(t.indicators) for t in read_project_list(write(tmp_path, later, "later.xlsx"))] == [2]
    goals = rows_for("甲")
    goals[0]["年度总体目标"], goals[1]["年度总体目标"], goals[1]["实施单位"] = "目标1：运行", "目标2：维护", "另一单位"
    assert [len(t.indicators) for t in read_project_list(write(tmp_path, goals, "goals.xlsx"))] == [2]


def test_a_list_on_a_hidden_sheet_alone_is_read(tmp_path):
    """batch had looked only at the visible sheets (缺少列 of a 说明 sheet); targets check reads a
    hidden sheet's list when no visible one holds a list, and so does batch now."""
    from openpyxl import load_workbook

    path = write(tmp_path, rows_for("甲"))
    book = load_workbook(path)
    book.active.title = "清单"
    book.active.sheet_state = "hidden"
    book.create_sheet("说明", 0)["A1"] = "填表说明"
    book.active = 0
    book.save(path)
    assert [t.project for t in read_project_list(path)] == ["甲"]


def test_a_list_saved_by_wps_as_et_is_read(tmp_path):
    """.et (WPS's own format, an Excel 97 workbook inside) is read as targets check reads it; it
    had been refused by its extension."""
    from tests import libreoffice

    if libreoffice.SOFFICE is None:
        pytest.skip(libreoffice.MISSING)
    [xls] = libreoffice.convert([write(tmp_path, rows_for("甲"))], tmp_path / "xls", "xls")
    et = xls.with_suffix(".et")
    xls.rename(et)
    assert [t.project for t in read_project_list(et)] == ["甲"]


def test_a_workbook_named_csv_and_a_comma_without_quotes_are_said(tmp_path):
    renamed = tmp_path / "list.csv"
    renamed.write_bytes(write(tmp_path, rows_for("甲")).read_bytes())
    assert problems(renamed) == ["内容是 Excel 工作簿，扩展名却是 .csv：请把扩展名改为 .xlsx 后再试"]
    header = ",".join(COLUMNS)
    row = ",".join(["甲", "局", "局", "100", "100", "保障运行,按期完成", "产出指标", "数量指标", "报告", "≥", "12", "份", "90"])
    unquoted = tmp_path / "unquoted.csv"
    unquoted.write_text(f"{header}\n{row}\n", encoding="utf-8")
    assert problems(unquoted) == ["第 2 行比表头的列多：可能是单元格中的逗号没有用引号括起来，这些行各列已错位；"
                                  "请用 Excel 或 WPS 打开改正后另存"]


def test_a_csv_without_a_list_header_is_said_to_lack_its_columns(tmp_path):
    """(rows wider than the first are only counted below a list's header: a title line is no header)"""
    path = tmp_path / "other.csv"
    path.write_text("说明\n甲,乙,丙\n", encoding="utf-8")
    [said] = problems(path)
    assert said.startswith("缺少列：项目名称")


def test_batch_says_a_template_it_could_not_write_with_exit_2(tmp_path, capsys, monkeypatch):
    """A template the machine could not write (a full disk) is a failure of the run (2), not a
    problem of the list (1)."""
    import errno

    from workbook_builder.forms import batch

    written = batch.write_template

    def full_disk(table, path, *args, **kwargs):
        if table.project == "乙":
            raise OSError(errno.ENOSPC, "No space left on device")
        return written(table, path, *args, **kwargs)

    monkeypatch.setattr(batch, "write_template", full_disk)
    out = tmp_path / "out"
    assert main(["batch", str(write(tmp_path, rows_for("甲") + rows_for("乙"))), "-o", str(out)]) == 2
    assert "未生成：乙：无法写入" in capsys.readouterr().err and (out / "1_甲.xlsx").exists()


def test_a_problem_on_the_lists_last_row_is_its_projects(tmp_path):
    """(the problems of the last row are given to its project after the rows run out)"""
    last = rows_for("乙")
    last[1]["绩效指标性质"] = "约等于"
    listed = read_projects(write(tmp_path, rows_for("甲") + last))
    assert [listed.of(n) != [] for n in range(2)] == [False, True] and listed.loose == []


def test_a_csv_whose_rows_end_in_empty_fields_is_read(tmp_path):
    """Trailing delimiters (a spreadsheet's empty columns kept on export) are no extra columns."""
    header = ",".join(COLUMNS)
    row = ",".join(["甲", "局", "局", "100", "100", "目标", "产出指标", "数量指标", "报告", "≥", "12", "份", "45"])
    second = ",".join(["", "", "", "", "", "", "满意度指标", "服务对象满意度指标", "满意度", "≥", "90", "%", "45"])
    path = tmp_path / "trailing.csv"
    path.write_text(f"{header}\n{row},,,\n{second},,\n", encoding="utf-8")
    assert [t.project for t in read_project_list(path)] == ["甲"]


def test_write_batch_counts_a_project_it_left_out(tmp_path):
    from workbook_builder.forms.batch import write_batch

    tables = read_project_list(write(tmp_path, rows_for("甲") + rows_for("乙")))
    done = []
    result = write_batch(tables, tmp_path / "out", refused={1: "清单中这个项目有问题：…"}, progress=done.append)
    assert len(done) == 2 and [w.error for w in result.written] == [None, "清单中这个项目有问题：…"]


def test_a_label_with_a_unit_or_another_note_is_another_column(tmp_path):
    """Only a budget system's notes (全称, 必填 …) are taken off a label, and only where the list
    has no column of the label itself: 全年预算数（千元） is no 全年预算数 (its amounts would have
    been read as 万元), and 项目名称 beside 项目名称（全称） or （简称） is the one read."""
    noted = {"绩效指标性质": "绩效指标性质（≥、≤、=、定性）", "主管部门": "主管部门（单位）", "三级指标": "三级指标（必填项）"}
    columns = [noted.get(c, c) for c in COLUMNS]   # (a budget system's notes: the columns)
    rows = [{columns[COLUMNS.index(c)]: v for c, v in r.items()} for r in rows_for("甲")]
    assert [t.project for t in read_project_list(write(tmp_path, rows, "noted.xlsx", columns))] == ["甲"]
    columns = ["全年预算数（千元）" if c == "全年预算数" else c for c in COLUMNS]
    rows = [{columns[COLUMNS.index(c)]: v for c, v in r.items()} for r in rows_for("甲")]
    assert problems(write(tmp_path, rows, columns=columns))[0].startswith("缺少列：全年预算数")
    for extra in ("项目名称（全称）", "项目名称（简称）"):
        rows = [dict(r, **{extra: "另写的名称" if r["项目名称"] else ""}) for r in rows_for("甲")]
        assert [t.project for t in read_project_list(write(tmp_path, rows, f"{extra}.xlsx", (*COLUMNS, extra)))] == ["甲"]
