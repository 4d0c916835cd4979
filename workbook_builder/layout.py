"""The cell layout of the 自评表 sheet, defined once: used to write templates and to read them back.

The sheet mirrors the official form (DOMAIN.md §2): title, project lines, the funds block
(年度资金总额 and its three sub-rows), 年度总体目标, the 绩效指标 block, 总分, then perfbook's
自评等级 and 计分规则 lines and the 填报注意事项. Only the number of indicator rows varies;
:class:`Layout` turns it into row numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

SHEET = "自评表"
META_SHEET = "_perfbook"           # hidden: template version, profile, project
RULE_NAME = "规则"                  # defined name of the cell holding the profile id
TEMPLATE_VERSION = "1"

TITLE_ROW, YEAR_ROW, PROJECT_ROW, DEPARTMENT_ROW = 1, 2, 3, 4
FUNDS_HEADER_ROW = 5
FUNDS_ROWS = {"年度资金总额": 6, "其中：当年财政拨款": 7, "上年结转资金": 8, "其他资金": 9}
FUNDS_TOTAL_ROW = FUNDS_ROWS["年度资金总额"]
GOAL_HEADER_ROW, GOAL_ROW = 10, 11
INDICATOR_HEADER_ROW = 12
FIRST_INDICATOR_ROW = 13

# Funds block columns (header row 5).
FUNDS_COLUMNS = {
    "年初预算数": "C",
    "全年预算数": "D",
    "全年执行数": "E",
    "分值": "F",
    "执行率": "G",
    "得分": "H",
}
# Indicator block columns (header row 12), by field of addin.table.Indicator.
INDICATOR_COLUMNS = {
    "level1": "B",
    "level2": "C",
    "level3": "D",
    "nature": "E",
    "target": "F",
    "unit": "G",
    "actual": "H",
    "weight": "I",
    "score": "J",
    "reason": "K",
    "check": "L",
}
INDICATOR_HEADERS = {
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
    "check": "检查",
}
COLUMN_WIDTHS = {
    "A": 9, "B": 17, "C": 15, "D": 28, "E": 9, "F": 12,
    "G": 10, "H": 30, "I": 7, "J": 8, "K": 30, "L": 28,
}


@dataclass(frozen=True)
class Layout:
    """Row numbers of a sheet with ``indicators`` indicator rows."""

    indicators: int

    @property
    def last_indicator_row(self) -> int:
        return FIRST_INDICATOR_ROW + self.indicators - 1

    @property
    def total_row(self) -> int:
        return self.last_indicator_row + 1

    @property
    def grade_row(self) -> int:
        return self.total_row + 1

    @property
    def rule_row(self) -> int:
        return self.grade_row + 1

    @property
    def notes_row(self) -> int:
        return self.rule_row + 2

    def indicator_cell(self, field: str, index: int) -> str:
        """The cell of ``field`` on the ``index``-th indicator row (0-based)."""
        return f"{INDICATOR_COLUMNS[field]}{FIRST_INDICATOR_ROW + index}"

    def funds_cell(self, column: str, row: str = "年度资金总额") -> str:
        return f"{FUNDS_COLUMNS[column]}{FUNDS_ROWS[row]}"

    @property
    def total_weight_cell(self) -> str:
        return f"{INDICATOR_COLUMNS['weight']}{self.total_row}"

    @property
    def total_score_cell(self) -> str:
        return f"{INDICATOR_COLUMNS['score']}{self.total_row}"

    @property
    def grade_cell(self) -> str:
        return f"{INDICATOR_COLUMNS['score']}{self.grade_row}"

    @property
    def rule_cell(self) -> str:
        return f"C{self.rule_row}"

    # Project and goal cells.
    project_cell = f"C{PROJECT_ROW}"
    department_cell = f"C{DEPARTMENT_ROW}"
    implementer_cell = f"I{DEPARTMENT_ROW}"
    goal_expected_cell = f"B{GOAL_ROW}"
    goal_actual_cell = f"G{GOAL_ROW}"
