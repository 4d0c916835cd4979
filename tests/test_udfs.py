"""The PERF_* Excel functions called in-process, as the add-in calls them."""

import pytest

from addin.engine import PerfError
from addin import udfs


def test_functions_and_their_chinese_help():
    names = [f.__name__ for f in udfs.FUNCTIONS]
    assert names == [
        "PERF_SCORE", "PERF_EXEC_RATE", "PERF_EXEC_SCORE", "PERF_GRADE", "PERF_VALUE", "PERF_CHECK",
    ]
    for function in udfs.FUNCTIONS:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in function.__doc__)


def test_values_like_excel_passes_them():
    assert udfs.PERF_SCORE("≥", 1.0, "提供实施方案7份", 10.0) == 7.0
    assert udfs.PERF_SCORE([["≥"]], [[1.0]], [["7份"]], [[10.0]], [[None]]) == 7.0  # 1×1 ranges
    assert udfs.PERF_SCORE("≥", 1.0, "7份", 10.0, "mof-2020") == 10.0
    assert udfs.PERF_SCORE("≥", 1.0, "7份", 10.0, "") == 7.0  # empty 规则 cell: default
    assert udfs.PERF_SCORE("≤", 994.32, "项目总金额993.5559万元，2024年支出695.82万元", 10, None, "万元") == 10.0
    assert udfs.PERF_EXEC_RATE(696.02, 695.82) == 0.9997
    assert udfs.PERF_EXEC_SCORE(696.02, 695.82, 10) == 10.0
    assert udfs.PERF_EXEC_SCORE(696.02, 695.82) == 10.0
    assert udfs.PERF_GRADE(89.99) == "良"
    assert udfs.PERF_VALUE("服务响应时间2小时内", "小时") == 2.0
    assert udfs.PERF_CHECK("≥", 1, "7份", 10, 7, "") == "得分低于分值，未填写偏差原因分析及改进措施"
    assert udfs.PERF_CHECK("≥", 90, "100", 10, 10, None) == ""


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: udfs.PERF_SCORE("≥", 90, "待定", 10), "实际完成值“待定”中没有可用的数值"),
        (lambda: udfs.PERF_SCORE("≥", 90, [[1, 2]], 10), "参数“实际完成值”应为单个单元格"),
        (lambda: udfs.PERF_GRADE(95, "beijing"), "未知的规则“beijing”"),
        (lambda: udfs.PERF_EXEC_RATE(0, 5), "全年预算数为0"),
    ],
)
def test_errors_carry_only_the_chinese_message(call, message):
    with pytest.raises(PerfError) as err:
        call()
    assert message in str(err.value)
    assert err.value.__cause__ is None and err.value.__suppress_context__
