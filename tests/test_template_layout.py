"""What a finance user sees in a generated template: the form, its inputs and protections."""

import datetime as dt
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from addin.engine import get_profile
from addin.engine.table import Funds, Indicator, Table
from workbook_builder.forms import layout as L
from workbook_builder.cli import main
from workbook_builder.forms.template import build_workbook

TABLE = Table(
    project="朝阳区政府网站功能和监测服务项目",
    department="北京市朝阳区数据局",
    implementer="北京市朝阳区数据局",
    year=2024,
    funds=Funds(annual="141.116", executed=None, initial="141.116"),
    indicators=[
        Indicator("产出指标", "数量指标", "实施方案", "≥", "1", "份", None, "10"),
        Indicator("产出指标", "数量指标", "项目总结报告", "≥", "1", "份", None, "10"),
        Indicator("产出指标", "质量指标", "运维服务", "定性", "优良中低差", "项", None, "20"),
        Indicator("成本指标", "经济成本指标", "支出金额", "≤", "141.12", "万元", None, "10"),
        Indicator("效益指标", "社会效益指标", "普查达标", "定性", "好坏", "项", None, "30"),
        Indicator("满意度指标", "服务对象满意度指标", "用户满意度", "≥", "90", "%", None, "10"),
    ],
)


@pytest.fixture(scope="module")
def sheet(tmp_path_factory):
    path = tmp_path_factory.mktemp("layout") / "t.xlsx"
    build_workbook(TABLE, "beijing-chaoyang-2024", 2024, dt.datetime(2025, 1, 1)).save(path)
    return load_workbook(path)


def test_labels_verbatim(sheet):
    ws = sheet[L.SHEET]
    assert ws["A1"].value == "项目支出绩效自评表" and ws["A2"].value == "(2024年度)"
    assert [ws[f"{c}5"].value for c in "CDEFGH"] == ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    assert [ws[f"B{r}"].value for r in range(6, 10)] == ["年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金"]
    assert ws["L5"].value == "检查" and ws["L6"].value.startswith("=")
    assert [ws[f"{c}{r}"].value for r in (7, 8, 9) for c in "FH"] == ["—"] * 6
    header = [ws[f"{c}12"].value for c in "BCDEFGHIJK"]
    assert header == ["一级指标", "二级指标", "三级指标", "绩效指标性质", "年度指标值", "绩效度量单位",
                      "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    lay = L.Layout(6)
    assert ws[f"A{lay.total_row}"].value == "总分"
    assert ws[f"A{lay.notes_row}"].value == "填报注意事项："
    assert ws[f"A{lay.notes_row + 7}"].value.startswith("7. 定量指标若为正向指标")


def test_merged_level_cells(sheet):
    merged = {str(r) for r in sheet[L.SHEET].merged_cells.ranges}
    assert {"B13:B15", "C13:C14", "A12:A18"} <= merged
    assert not any(r.startswith("C16") or r.startswith("B16:") for r in merged)


def test_formulas_use_the_rule_name(sheet):
    ws = sheet[L.SHEET]
    assert ws["J13"].value == '=IF(OR(E13="",H13=""),"",PERF_SCORE(E13,F13,H13,I13,规则,G13))'
    assert ws["G6"].value == '=IF(OR(D6="",E6=""),"",PERF_EXEC_RATE(D6,E6,规则,,"万元"))'
    assert ws["H6"].value == '=IF(OR(D6="",E6=""),"",PERF_EXEC_SCORE(D6,E6,F6,规则,,"万元"))'
    assert ws["J20"].value == '=IF(J19="","",PERF_GRADE(J19,规则))'
    assert "PERF_CHECK(E13,F13,H13,I13,J13,K13,规则,G13)" in ws["L13"].value
    assert sheet.defined_names["规则"].attr_text == "'自评表'!$C$21"
    assert ws["C21"].value == "beijing-chaoyang-2024"


def test_inputs_unlocked_and_marked_the_rest_protected(sheet):
    ws = sheet[L.SHEET]
    assert ws.protection.sheet and not ws.protection.password
    for ref in ("E6", "H13", "K13", "H18", "G11"):
        assert not ws[ref].protection.locked and ws[ref].fill.fgColor.rgb == "00FFF2CC", ref
    for ref in ("J13", "I13", "E13", "F13", "H6", "C21", "C3"):
        assert ws[ref].protection.locked, ref
    # A typed "100%" must stay text: in a General cell Excel would store the fraction 1.
    assert {ws[f"H{r}"].number_format for r in range(13, 19)} == {"@"}


def test_validations_from_the_profile(sheet):
    ws = sheet[L.SHEET]
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    scale = get_profile("beijing-chaoyang-2024")
    assert lists == {"H15": '"优,良,中,低,差"', "H17": '"好,坏"'}
    assert scale.id == ws["C21"].value


def test_blank_template_has_choice_lists(tmp_path):
    path = tmp_path / "blank.xlsx"
    assert main(["new", "-o", str(path), "--name", "新项目", "--annual", "50", "--rows", "5"]) == 0
    ws = load_workbook(path)[L.SHEET]
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"≥,≤,=,定性"' in lists and '"产出指标,成本指标,效益指标,满意度指标"' in lists
    assert not ws["E13"].protection.locked and not ws["I17"].protection.locked


def test_print_setup_and_meta(sheet):
    ws = sheet[L.SHEET]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$12:$12"
    meta = sheet[L.META_SHEET]
    assert meta.sheet_state == "hidden"
    values = {r[0]: r[1] for r in meta.iter_rows(values_only=True)}
    assert values["模板版本"] == L.TEMPLATE_VERSION and values["规则"] == "beijing-chaoyang-2024"
    assert values["项目名称"] == TABLE.project and values["指标行数"] == 6


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_renders_without_repair(tmp_path):
    path = tmp_path / "t.xlsx"
    build_workbook(TABLE, None, 2024).save(path)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "t.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


def test_the_missing_reason_highlight_takes_a_reason_of_wu_for_none(tmp_path):
    """The orange row of a score below its 分值 with no 偏差原因: a reason that says nothing (无, /)
    is none, as the 检查 cell and the engine read it (only an empty cell had been); its fill is
    given as Excel paints a conditional fill (bgColor) and LibreOffice (fgColor)."""
    from openpyxl import load_workbook

    from workbook_builder.cli import main
    from workbook_builder.forms.portable import reason_blank

    path = tmp_path / "t.xlsx"
    assert main(["new", "-o", str(path), "--name", "项目", "--rows", "3"]) == 0
    ws = load_workbook(path)["自评表"]
    [rule] = [r for rng in ws.conditional_formatting for r in rng.rules if "ISNUMBER" in r.formula[0]]
    assert rule.formula[0].endswith(f",{reason_blank('$K13')})") and '"无"' in rule.formula[0]
    assert rule.dxf.fill.fgColor.rgb[-6:] == rule.dxf.fill.bgColor.rgb[-6:] == "F8CBAD"
