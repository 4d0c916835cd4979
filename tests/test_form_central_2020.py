"""central-2020: the 8-column form without 性质 and 度量单位 columns (Anhui 池州, Hebei 廊坊)."""

from decimal import Decimal

from form_cases import read_real


def test_nature_and_unit_read_from_the_target(tmp_path):
    read, report, result = read_real("central_anhui_tangxi_2", tmp_path)
    assert read.form == "central-2020" and "nature" not in read.columns
    natures = [d.nature for d in result.indicators]
    assert natures[:2] == ["=", "="] and natures[5] == "≤"       # =8个, =42个, ≤202.6万元
    assert result.indicators[2].grade.name == "达成"               # 合规 / 达成预期指标
    assert report.profile == "mof-2020"                            # the form's default profile


def test_a_zero_total_row_beside_filled_sub_rows(tmp_path):
    _, report, _ = read_real("central_anhui_tangxi_1", tmp_path)
    kinds = {(f.cell, f.kind) for f in report.findings}
    assert {("C6", "funds_sum"), ("D6", "funds_sum"), ("E6", "funds_sum"), ("D6", "unreadable")} <= kinds


def test_a_bare_number_target_is_read_as_the_profile_says(tmp_path):
    _, report, result = read_real("central_hebei_langfang_1", tmp_path)
    first = result.indicators[0]
    assert (first.nature, first.score) == ("≥", Decimal("8.62"))   # 43.2, actual 37.24
    assert ("H13", "score_mismatch") in {(f.cell, f.kind) for f in report.findings}
    _, report, _ = read_real("central_hebei_langfang_1", tmp_path, "beijing-chaoyang-2024")
    [bare] = [f for f in report.findings if f.cell == "E13"]
    assert "没有写明“≥”“≤”“=”" in bare.message   # a profile without [targets] does not guess
