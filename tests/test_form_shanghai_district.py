"""shanghai-district: the central layout in 元 with ASCII operators and thousand separators."""

from form_cases import read_real


def test_yuan_thousand_separators_and_ascii_operators(tmp_path):
    read, report, result = read_real("central_shanghai_putuo_1", tmp_path)
    assert (read.form, read.money_unit) == ("shanghai-district", "元")
    assert read.table.funds.executed == "215,457.6"
    assert str(result.funds_score) == "8.62" and str(result.total) == "98.62"
    assert [d.nature for d in result.indicators] == ["=", "=", "定性", "=", "≥"]   # =100%, 及时, >=90%
    assert [(f.cell, f.kind) for f in report.findings] == [("G6", "exec_rate_mismatch")]
