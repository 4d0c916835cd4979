"""The labels of the official 项目支出绩效自评表, defined once.

Templates write these labels, readers look for them, project lists use them as column headers
and messages quote them, so each Chinese label lives here and nowhere else (DOMAIN.md §2).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

TITLE = "项目支出绩效自评表"
PROJECT, DEPARTMENT, IMPLEMENTER = "项目名称", "主管部门", "实施单位"
GOAL, GOAL_EXPECTED, GOAL_ACTUAL = "年度总体目标", "预期目标", "实际完成情况"
TOTAL, GRADE, RULE = "总分", "自评等级", "计分规则"

# The funds block: columns (field of Funds → label) and rows.
FUNDS_FIELDS = {
    "initial": "年初预算数",
    "annual": "全年预算数",
    "executed": "全年执行数",
    "weight": "分值",
    "rate": "执行率",
    "score": "得分",
}
AMOUNT_FIELDS = ("initial", "annual", "executed")   # the columns the sub-rows break down
FUNDS_TOTAL = "年度资金总额"
FUNDS_SOURCES = ("当年财政拨款", "上年结转资金", "其他资金")   # the sub-rows
FUNDS_SOURCE_PREFIX = "其中："                                   # written before the first sub-row

# The indicator block: columns (field of Indicator → label), in the form's order.
INDICATOR_FIELDS = {
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "nature": "绩效指标性质",
    "target": "年度指标值",
    "unit": "绩效度量单位",
    "actual": "实际完成值",
    "weight": "分值",
    "score": "得分",
    "reason": "偏差原因分析及改进措施",
}
LEVEL1 = ("产出指标", "成本指标", "效益指标", "满意度指标")
LEVEL2_TO_LEVEL1 = {
    "数量指标": "产出指标", "质量指标": "产出指标", "时效指标": "产出指标",
    "经济成本指标": "成本指标", "社会成本指标": "成本指标", "生态环境成本指标": "成本指标",
    "生态成本指标": "成本指标",
    "经济效益指标": "效益指标", "社会效益指标": "效益指标", "生态效益指标": "效益指标",
    "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标", "满意度指标": "满意度指标",
}
TOTAL_WEIGHT = 100   # the 分值 of a whole table: funds row plus every indicator row
# A level's points written after its name (产出指标(50分), 成本指标（20）)
_LEVEL_POINTS = re.compile(r"[(（]\s*\d+(?:\.\d+)?\s*分?\s*[)）]$")


def level_label(value: object) -> str:
    """A 一级 or 二级指标 label as compared: without whitespace or a point count (成本指标（20分）)."""
    return _LEVEL_POINTS.sub("", "".join(str(value).split())) if value is not None else ""


def carry_levels(rows: Iterable[tuple[object, object]]) -> list[tuple[str, str]]:
    """The (一级, 二级) of each row as the table means them: a blank cell takes the label above
    (merged cells); a 二级 label in the 一级 column moves over; a new 一级 with its 二级 blank has
    none; a row whose 一级 is blank and whose 二级 names another standard 一级 takes that one
    (经济成本指标: 成本指标; a form's own 一级 words, such as 项目产出, are kept)."""
    level1 = level2 = ""
    carried = []
    for first, second in rows:
        one, two = level_label(first), level_label(second)
        if one in LEVEL2_TO_LEVEL1 and one not in LEVEL1 and not two:
            one, two = "", one
        if two:
            level2 = two
        elif one and one != level1:
            level2 = ""   # a new 一级 with its 二级 blank: the 二级 above belongs to the other 一级
        if one:
            level1 = one
        implied = LEVEL2_TO_LEVEL1.get(level2)
        if implied and not one and implied != level1 and (level1 in LEVEL1 or not level1):
            level1 = implied
        carried.append((level1, level2))
    return carried
