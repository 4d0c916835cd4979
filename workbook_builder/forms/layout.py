"""The cell layout of the 自评表 sheet, defined once: used to write templates and to read them back.

The sheet mirrors the official form (DOMAIN.md §2): title, project lines, the funds block
(年度资金总额 and its three sub-rows), 年度总体目标, the 绩效指标 block, 总分, then perfbook's
自评等级 and 计分规则 lines and the 填报注意事项. Only the number of indicator rows varies;
:class:`Layout` turns it into row numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from addin.engine import form

SHEET = "自评表"
META_SHEET = "_perfbook"           # hidden: template version, profile, project
RULE_NAME = "规则"                  # defined name of the cell holding the profile id
TEMPLATE_VERSION = "1"

TITLE_ROW, YEAR_ROW, PROJECT_ROW, DEPARTMENT_ROW = 1, 2, 3, 4
FUNDS_HEADER_ROW = 5
FUNDS_TOTAL_ROW = 6
FUNDS_ROWS = {form.FUNDS_TOTAL: FUNDS_TOTAL_ROW,
              **{name: FUNDS_TOTAL_ROW + 1 + i for i, name in enumerate(form.FUNDS_SOURCES)}}
GOAL_HEADER_ROW, GOAL_ROW = 10, 11
INDICATOR_HEADER_ROW = 12
FIRST_INDICATOR_ROW = 13

# Funds block columns (header row 5), by field of addin.engine.table.Funds.
FUNDS_COLUMNS = {"initial": "C", "annual": "D", "executed": "E", "weight": "F", "rate": "G", "score": "H"}
FUNDS_CHECK_COLUMN = "L"   # the 检查 column, as for the indicator rows
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
CHECK_HEADER = "检查"
INDICATOR_HEADERS = {**form.INDICATOR_FIELDS, "check": CHECK_HEADER}
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

    def funds_cell(self, field: str, row: str = form.FUNDS_TOTAL) -> str:
        """The cell of a funds ``field`` ('annual', 'score', …) on ``row`` (年度资金总额 or a source)."""
        return f"{FUNDS_COLUMNS[field]}{FUNDS_ROWS[row]}"

    @property
    def funds_check_cell(self) -> str:
        return f"{FUNDS_CHECK_COLUMN}{FUNDS_TOTAL_ROW}"

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
