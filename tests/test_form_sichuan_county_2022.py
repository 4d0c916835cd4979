"""sichuan-county-2022: 分值 before the target, 全年实际值 and 全年预算数(A)/全年执行数(B)."""

from form_cases import read_real


def test_weight_before_target_and_weights_that_exceed_100(tmp_path):
    read, report, result = read_real("sichuancounty_zhongjiang_1", tmp_path)
    assert read.form == "sichuan-county-2022"
    assert read.columns["weight"] < read.columns["target"]
    assert [d.nature for d in result.indicators][:3] == ["≥", "≥", "≥"]   # ≥266米, ≥50厘米, 100%
    assert result.indicators[5].nature == "≤"                              # 20万元 under 成本指标
    assert {(f.cell, f.kind) for f in report.findings} == {("E22", "weights_sum"), ("H22", "total_mismatch")}
