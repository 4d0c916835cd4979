"""yichun-2022: weights 10/60/25/5 and 执行率 = 实际支出 ÷ 实际到位资金 (seed 002), honoured or refused."""

from decimal import Decimal

import pytest

from addin import udfs
from addin.engine import Funds, Indicator, PerfError, Table, evaluate_table, exec_rate, exec_score, get_profile

ID = "yichun-2022"


def test_states_source_and_limitations():
    profile = get_profile(ID)
    assert "宜春" in profile.source and "实际到位" in profile.source
    assert any("实际到位资金" in text for text in profile.limitations)


def test_exec_rate_against_the_funds_received():
    assert exec_rate(219.91, 219.91, ID, 219.91) == 1
    assert exec_rate(300, 200, ID, 250) == Decimal("0.8000")       # ÷ 实际到位, not ÷ 全年预算数
    assert exec_score(300, 200, None, ID, 250) == Decimal("8.00")
    assert exec_score(300, 200, None, "mof-2020", 250) == Decimal("6.67")
    assert udfs.PERF_EXEC_SCORE(300, 200, None, ID, 250) == 8.0
    assert udfs.PERF_EXEC_RATE(300, 200, ID, 250) == 0.8


def test_without_the_funds_received_it_refuses():
    with pytest.raises(PerfError, match="缺少实际到位资金") as err:
        exec_score(219.91, 219.91, None, ID)
    assert err.value.field == "received"


def _table(产出=60, 效益=25, 满意度=5, received=219.91) -> Table:
    rows = [Indicator(level1, "二级", "指标", "≥", 1, "项", 1, weight, weight, "")
            for level1, weight in (("产出指标", 产出 - 10), ("成本指标", 10), ("效益指标", 效益), ("满意度指标", 满意度))]
    funds = Funds(annual=219.91, executed=219.91, weight=10, score=10, received=received)
    return Table("宜春示例", funds, rows)


def test_level1_weights_are_honoured():
    assert evaluate_table(_table(), ID).findings == []
    产出, 效益 = evaluate_table(_table(产出=55, 效益=30), ID).findings
    assert 产出.finding.kind == 效益.finding.kind == "weights_sum"
    assert "规定产出为 60" in 产出.finding.message and "规定效益为 25" in 效益.finding.message
    assert evaluate_table(_table(产出=55, 效益=30), "mof-2020").findings == []   # mof fixes no 一级 weights


def test_a_table_without_the_funds_received_is_a_finding_not_a_guess():
    [finding] = [f for f in evaluate_table(_table(received=None), ID).findings if f.part == "funds"]
    assert finding.finding.kind == "unreadable" and finding.field == "received"


def test_targets_read_as_mof_2020_reads_them_as_its_limitations_say():
    """A bare-number target (≥, ≤ under 成本指标) and a target that states what is expected (及时)
    are read as mof-2020 reads them; they had been refused (no [targets], no default scale)."""
    for profile in (ID, "mof-2020"):
        assert udfs.PERF_SCORE(None, "及时", "及时", 10, profile) == 10.0
        assert udfs.PERF_SCORE(None, "50", "60", 10, profile, None, "产出指标") == 10.0
        assert udfs.PERF_SCORE(None, "50", "60", 10, profile, None, "成本指标") == 8.33
    assert get_profile(ID).default_scale.name == "达成/部分达成/未达成"
