"""yunnan-county-14: a two-row header (年度指标值 over 指标性质 | 指标值 | 度量单位, 一级/二级/三级 in
the second row, 实际完成值 | 分值 | 得分 merged down from the first) and ﹦ as the nature."""

from form_cases import read_real


def test_two_row_header_and_full_width_operators(tmp_path):
    read, report, result = read_real("yunnan14_lijiang_gucheng_1", tmp_path)
    assert read.form == "yunnan-county-14"
    assert {k: read.columns[k] for k in ("nature", "target", "unit", "actual", "score")} == {
        "nature": 3, "target": 4, "unit": 5, "actual": 6, "score": 8}
    assert [d.nature for d in result.indicators] == ["=", "=", "=", "≥", "≥"]
    assert read.cell(("indicator", 1, "score")) == "I13"
    assert sum(f.kind == "missing_reason" for f in report.findings) == 4
