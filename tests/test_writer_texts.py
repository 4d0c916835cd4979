"""Text from a project list or the command line reaches the template, scoring and index
workbooks as text: control characters (a line break pasted from Word) never stop a write, text
starting with ``=`` is never a formula, and file names made from project names hold no
bidirectional controls."""

import csv
import unicodedata
import xml.etree.ElementTree as ET
import zipfile

import pytest
from openpyxl import load_workbook

from addin.engine.table import Funds, Indicator, Table
from workbook_builder.forms.batch import INDEX_NAME, file_names, write_batch, write_template
from workbook_builder.forms.evaluation import EvaluationHeader, write_evaluation
from workbook_builder.forms.layout import SHEET, Layout
from workbook_builder.forms.sheet import cell_text
from workbook_builder.readers.project_list import COLUMNS, read_project_list

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
INJECTED = '=HYPERLINK("http://example.invalid/x","打开附件")'


def write_list(path, projects):
    """A CSV project list (UTF-8 with BOM, as Excel saves it): per project a dict of the
    first row's fields over a two-indicator default."""
    rows = []
    for fields in projects:
        first = {"项目名称": "示例项目", "主管部门": "北京市朝阳区数据局", "实施单位": "北京市朝阳区数据局",
                 "年初预算数": "100", "全年预算数": "100", "年度总体目标": "保障系统稳定运行",
                 "一级指标": "产出指标", "二级指标": "数量指标", "三级指标": "服务报告", "绩效指标性质": "≥",
                 "年度指标值": "12", "绩效度量单位": "份", "分值": "45"} | fields
        second = {c: "" for c in COLUMNS} | {
            "一级指标": "满意度指标", "二级指标": "服务对象满意度指标", "三级指标": "用户满意度",
            "绩效指标性质": "≥", "年度指标值": "90", "绩效度量单位": "%", "分值": "45"}
        rows += [first, second]
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.DictWriter(f, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return path


def formulas(path, part="xl/worksheets/sheet1.xml") -> dict[str, str]:
    """The cells of a saved worksheet that hold a formula (``<f>``), by reference."""
    root = ET.fromstring(zipfile.ZipFile(path).read(part))
    return {c.get("r"): c.find(f"{MAIN}f").text or "" for c in root.iter(f"{MAIN}c")
            if c.find(f"{MAIN}f") is not None}


def table(project="示例项目", **fields) -> Table:
    return Table(project=project, funds=Funds(annual=fields.pop("annual", 100), executed=None),
                 indicators=[Indicator("", "", "", "", "", "", None, "") for _ in range(3)], **fields)


# 1. Control characters


@pytest.mark.parametrize("text, written", [
    ("第一段\x0b第二段", "第一段\n第二段"),      # Word's manual line break
    ("第一页\x0c第二页", "第一页\n第二页"),      # Word's page break
    ("甲\r\n乙\r丙", "甲\n乙\n丙"),
    ("项目\x01\x07\x1f名称", "项目名称"),        # invisible where it was copied from: removed
    ("列\t值", "列\t值"),                         # XML holds a tab
    ("名称\udcb5", "名称\ufffd"),                 # a byte of a name that was not UTF-8
])
def test_cell_text(text, written):
    assert cell_text(text) == written


def test_batch_with_control_characters_completes(tmp_path):
    """A control character in one project used to stop the batch: later templates and the
    index were never written."""
    path = write_list(tmp_path / "list.csv", [
        {"项目名称": "项目\x01甲", "年度总体目标": "第一段\x0b第二段", "三级指标": "服务\x0c报告"},
        {"项目名称": "项目乙", "主管部门": "数据局\x02"}])
    result = write_batch(read_project_list(path, year=2024), tmp_path / "out")
    assert not result.failed and (tmp_path / "out" / INDEX_NAME).exists()
    assert [w.path.name for w in result.written] == ["1_项目_甲.xlsx", "2_项目乙.xlsx"]
    lay = Layout(2)
    ws = load_workbook(result.written[0].path)[SHEET]
    assert ws[lay.project_cell].value == "项目甲"
    assert ws[lay.goal_expected_cell].value == "第一段\n第二段"
    assert ws[lay.indicator_cell("level3", 0)].value == "服务\n报告"
    index = load_workbook(result.index).active
    assert [index["B3"].value, index["C4"].value] == ["项目甲", "数据局"]


def test_new_and_evaluation_new_with_control_characters(tmp_path):
    path = write_template(table("项目\x0b一", goal_expected="目标\x01", department="部门\x0c"), tmp_path / "t.xlsx")
    ws = load_workbook(path)[SHEET]
    assert ws["C3"].value == "项目\n一"
    path = write_evaluation("yueyang-2020", tmp_path / "e.xlsx", EvaluationHeader(project="项目\x01", unit="单位\x0b"))
    workbook = load_workbook(path)
    assert (workbook.active["C2"].value, workbook.active["K2"].value) == ("项目", "单位\n")
    assert workbook.properties.title == "项目 评价指标体系评分表"


# 2. Text that looks like a formula


@pytest.mark.parametrize("portable", [False, True])
def test_batch_user_text_is_never_a_formula(tmp_path, portable):
    """Text starting with = (or an error value such as #N/A) is written as text in the
    template and the index; perfbook's own formulas stay formulas, in the same cells as for an
    ordinary project."""
    hostile = {"项目名称": INJECTED, "主管部门": "=1+1", "实施单位": "#N/A", "年度总体目标": "=2+2",
               "三级指标": '=HYPERLINK("x","y")'}
    ordinary = write_list(tmp_path / "ordinary.csv", [{}])
    path = write_list(tmp_path / "list.csv", [hostile])
    expected = formulas(write_batch(read_project_list(ordinary, year=2024), tmp_path / "a",
                                    portable=portable).written[0].path)
    result = write_batch(read_project_list(path, year=2024), tmp_path / "b", portable=portable)
    template = result.written[0].path
    assert formulas(template).keys() == expected.keys()
    assert not any("HYPERLINK" in f or "1+1" in f for f in formulas(template).values())
    lay = Layout(2)
    ws = load_workbook(template)[SHEET]
    for ref, value in [(lay.project_cell, INJECTED), (lay.department_cell, "=1+1"), (lay.implementer_cell, "#N/A"),
                       (lay.goal_expected_cell, "=2+2"), (lay.indicator_cell("level3", 0), '=HYPERLINK("x","y")')]:
        assert (ws[ref].data_type, ws[ref].value) == ("s", value), ref
    assert load_workbook(template)["_perfbook"]["B6"].value == INJECTED
    assert formulas(result.index) == {}
    index = load_workbook(result.index).active
    assert (index["B3"].value, index["C3"].value, index["D3"].value) == (INJECTED, "=1+1", "#N/A")


def test_new_user_text_is_never_a_formula(tmp_path):
    """``perfbook new --name … --annual …``: options are text as typed, an amount that is no
    number included."""
    path = write_template(table(INJECTED, annual="=3+3", goal_expected="@SUM(1)"), tmp_path / "t.xlsx")
    assert not any("HYPERLINK" in f or "3+3" in f for f in formulas(path).values())
    lay = Layout(3)
    ws = load_workbook(path)[SHEET]
    assert [ws[lay.project_cell].value, ws[lay.funds_cell("annual")].value] == [INJECTED, "=3+3"]


def test_evaluation_project_is_never_a_formula(tmp_path):
    path = write_evaluation("yueyang-2020", tmp_path / "e.xlsx",
                            EvaluationHeader(project=INJECTED, unit="=1+1", evaluator="@SUM(1)", year="=2024"))
    found = formulas(path)
    assert found and not any("HYPERLINK" in f or "1+1" in f or "2024" in f for f in found.values())
    assert not any(ref in found for ref in ("C2", "K2", "C3", "K3"))
    ws = load_workbook(path).active
    assert (ws["C2"].value, ws["K3"].value) == (INJECTED, "=2024")
    assert formulas(path, "xl/worksheets/sheet2.xml") == {}   # the hidden sheet names the project


# 3. File names


def test_batch_file_names_hold_no_bidirectional_controls():
    """A RIGHT-TO-LEFT OVERRIDE (U+202E) before ``xcod.exe`` makes 01_项目…xcod.exe.xlsx display as
    01_项目xslx.exe.docx: the name must read as it is, so bidirectional and zero-width marks go.
    Made by ``workbook_builder.files.safe_stem``."""
    names = file_names([table("项目\u202excod.exe"), table("\u2066隔离\u2069\u200f标记\u200b")])
    assert not [ch for name in names for ch in name if unicodedata.category(ch) == "Cf"]   # format controls
    assert names == ["1_项目xcod.exe.xlsx", "2_隔离标记.xlsx"]
