"""sichuan-2023: 预算执行情况 (调整后预算数, 预算执行数, 权重, 原因) and 绩效指标 with 指标性质 and
权重; an unfilled table is one status."""

from form_cases import read_real


def test_funds_columns_and_sub_rows(tmp_path):
    read, report, _ = read_real("sichuan2023_daying_1", tmp_path, None)
    funds = read.table.funds
    assert (funds.initial, funds.annual, funds.executed, funds.weight) == (0.0, 3.36, 3.36, 10)
    assert set(funds.sources) == {"财政资金", "财政专户管理资金", "单位资金", "其他资金"}
    assert report.profile == "sichuan-2023"
    assert read.cell(("source", "单位资金", "annual")) == "D11"


def test_an_unfilled_table_is_one_status(tmp_path):
    read, report, _ = read_real("sichuan2023_qingshen_1", tmp_path, None)
    assert read.status == "未填写" and report.status == "未填写" and report.findings == []
    assert read.table.total_weight == 100 and len(read.table.indicators) == 2   # 评价结论 is no indicator
