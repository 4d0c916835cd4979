"""The cell layout of the 评价指标体系评分表 sheet, defined once: written by
:mod:`.evaluation`, read back by :mod:`workbook_builder.readers.evaluation`.

The columns follow seed 001's table (一级指标 | 分值 | 二级指标 | 分值 | 三级指标 | 分值 | 具体指标 |
评价标准 | 自评得分), then 计分方法 and the inputs the methods use (达成项, 实际值, 计划值, 扣分) and
扣分原因. After the item rows come one 小计 row per 一级指标, the 总分 row, the 评价等级 row and the
计分规则 row.
"""

from __future__ import annotations

from dataclasses import dataclass

SHEET = "评价指标体系评分表"
META_SHEET = "_perfbook"
META_TITLE = "perfbook 评价指标体系评分表"
RULE_NAME = "评价规则"            # defined name of the cell holding the grades profile id
TEMPLATE_VERSION = "1"
TITLE = "项目支出绩效评价指标体系评分表"

TITLE_ROW, PROJECT_ROW, UNIT_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3, 4, 5

# field → (column, header label); labels are what readers look for in hand-typed sheets too.
COLUMNS = {
    "level1": ("A", "一级指标"),
    "level1_points": ("B", "分值"),
    "level2": ("C", "二级指标"),
    "level2_points": ("D", "分值"),
    "name": ("E", "三级指标"),
    "points": ("F", "分值"),
    "explanation": ("G", "具体指标"),
    "criterion": ("H", "评价标准"),
    "score": ("I", "自评得分"),
    "method": ("J", "计分方法"),
    "met": ("K", "达成项"),
    "value": ("L", "实际值"),
    "planned": ("M", "计划值"),
    "deductions": ("N", "扣分"),
    "reason": ("O", "扣分原因"),
}
INPUT_FIELDS = ("met", "value", "planned", "deductions")
WIDTHS = {"A": 9, "B": 6, "C": 10, "D": 6, "E": 10, "F": 6, "G": 30, "H": 40, "I": 8, "J": 9,
          "K": 9, "L": 9, "M": 9, "N": 8, "O": 24}
LAST_COLUMN = "O"
SUBTOTAL, TOTAL, GRADE, RULE = "小计", "总分", "评价等级", "计分规则"
PROMPT = "请"   # every prompt a portable template's score shows begins so (see .evaluation_portable)
# Header fields above the table: label → (label cells, value cells).
HEADER_FIELDS = {
    "项目名称": (f"A{PROJECT_ROW}:B{PROJECT_ROW}", f"C{PROJECT_ROW}:H{PROJECT_ROW}"),
    "项目单位": (f"I{PROJECT_ROW}:J{PROJECT_ROW}", f"K{PROJECT_ROW}:O{PROJECT_ROW}"),
    "评价机构": (f"A{UNIT_ROW}:B{UNIT_ROW}", f"C{UNIT_ROW}:H{UNIT_ROW}"),
    "评价年度": (f"I{UNIT_ROW}:J{UNIT_ROW}", f"K{UNIT_ROW}:O{UNIT_ROW}"),
}


def column(field: str) -> str:
    return COLUMNS[field][0]


@dataclass(frozen=True)
class Layout:
    """Row numbers of a sheet with ``items`` third-level rows and ``groups`` 一级 groups."""

    items: int
    groups: int

    @property
    def last_row(self) -> int:
        return FIRST_ROW + self.items - 1

    def item_cell(self, field: str, index: int) -> str:
        """The cell of ``field`` on the ``index``-th item row (0-based)."""
        return f"{column(field)}{FIRST_ROW + index}"

    def subtotal_row(self, group: int) -> int:
        return self.last_row + 1 + group

    @property
    def total_row(self) -> int:
        return self.last_row + self.groups + 1

    @property
    def grade_row(self) -> int:
        return self.total_row + 1

    @property
    def rule_row(self) -> int:
        return self.grade_row + 1

    @property
    def total_score_cell(self) -> str:
        return f"{column('score')}{self.total_row}"

    @property
    def total_points_cell(self) -> str:
        return f"{column('level1_points')}{self.total_row}"

    @property
    def grade_cell(self) -> str:
        return f"{column('score')}{self.grade_row}"

    @property
    def rule_cell(self) -> str:
        return f"C{self.rule_row}"
