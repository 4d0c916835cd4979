"""The cell layout of the 自评表 sheet, defined once: used to write templates and to read them back.

The sheet mirrors the form it is laid out for (``addin/forms/<id>.toml``, DOMAIN.md §2.1): title,
project lines, the funds block (its total row and the form's sub-rows, its columns in the form's
order), 年度总体目标, the 绩效指标 block (the form's columns in its order, then perfbook's 检查
column), the total row, perfbook's 自评等级 line, the form's closing blocks (评价结论 …), then
perfbook's 计分规则 line and the 填报注意事项.
The number of indicator rows and the form vary; :class:`Layout` turns them into cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from addin.engine import form as labels
from addin.engine.forms import Form, get_form, strip_source

SHEET = "自评表"
META_SHEET = "_perfbook"           # hidden: template version, profile, form, project
META_TITLE = "perfbook 项目支出绩效自评表"   # its first value (an evaluation form's names itself apart)
RULE_NAME = "规则"                  # defined name of the cell holding the profile id
TEMPLATE_VERSION = "1"
# A portable template's hidden sheet records its mode so (a 评分表's too: see readers.evaluation)
MODE_LABEL, MODE_VALUE = "公式", "通用公式（无需加载项）"
FORM_LABEL = "表样"                 # the row of the hidden sheet naming the form

TITLE_ROW, YEAR_ROW, PROJECT_ROW, DEPARTMENT_ROW = 1, 2, 3, 4
FUNDS_HEADER_ROW = 5
FUNDS_TOTAL_ROW = 6
FUNDS_TOTAL = labels.FUNDS_TOTAL    # the key of the funds total row, whatever the form prints

CHECK = "check"
CHECK_HEADER = "检查"
# Column widths by field (the funds block shares the sheet's columns with the indicators).
WIDTHS = {"level1": 17, "level2": 15, "level3": 28, "nature": 9, "target": 12, "unit": 10,
          "actual": 30, "weight": 7, "score": 8, "reason": 30, CHECK: 28}
WIDE_TARGET = 16                    # a target that carries its operator and unit: ≥50个
AMOUNT_WIDTH = 11                   # a funds amount column is at least this wide (全年执行数(B))


# What a portable template's score, rate, total and grade cells show instead of a value when an
# input cannot be used (forms.portable writes these messages): the message's start -> the field
# of the row (or funds block) to correct; "" for the total and grade, which only repeat that a
# score above could not be computed. recalc reads such a cell as not computed, not as a score.
PROMPTS = (("请从下拉列表中选择等级", "actual"), ("实际完成值", "actual"), ("正向指标的年度指标值", "target"),
           ("反向指标的年度指标值", "target"), ("年度指标值", "target"), ("分值应填写数值", "weight"),
           ("绩效指标性质", "nature"), ("全年预算数", "annual"), ("全年执行数", "executed"),
           ("有得分未能计算", ""), ("总分", ""))


def prompt_field(value: object) -> str | None:
    """The field a portable template's prompt (see :data:`PROMPTS`) asks to correct, "" for one
    about the total; ``None`` for a value that is no prompt."""
    if isinstance(value, str):
        return next((field for start, field in PROMPTS if value.startswith(start)), None)
    return None


def letter(index: int) -> str:
    """The column letter of a 1-based column index (A … Z; a form has fewer columns)."""
    return chr(64 + index)


def index_of(column: str) -> int:
    return ord(column) - 64


@dataclass(frozen=True)
class Layout:
    """The cells of a sheet of ``form`` with ``indicators`` indicator rows."""

    indicators: int
    form: Form = field(default_factory=get_form)

    # columns

    @cached_property
    def columns(self) -> dict[str, str]:
        """Indicator block: field → column letter, from B in the form's order, 检查 last."""
        return {f: letter(2 + i) for i, f in enumerate((*self.form.indicator_columns, CHECK))}

    @cached_property
    def funds_columns(self) -> dict[str, str]:
        """Funds block: field → column letter, from C in the form's order (B holds the row labels)."""
        return {f: letter(3 + i) for i, f in enumerate(self.form.funds_columns)}

    @property
    def last_column(self) -> str:
        """The form's last column (perfbook's 检查 column comes after it)."""
        return self.columns[self.form.indicator_columns[-1]]

    @property
    def check_column(self) -> str:
        return self.columns[CHECK]

    @property
    def defining_field(self) -> str:
        """The field that says a row is defined: its 性质, or its target when the form has none."""
        return "nature" if self.form.has_nature else "target"

    def has(self, field: str) -> bool:
        return field in self.columns

    @property
    def funds_scored(self) -> bool:
        """Whether the funds block has a 分值 and a 得分 (Ningxia's scores 执行率 among the indicators)."""
        return "score" in self.funds_columns

    @cached_property
    def column_widths(self) -> dict[str, float]:
        widths = {"A": 9}
        for name, column in self.columns.items():
            wide = name == "target" and not self.form.has_nature
            widths[column] = WIDE_TARGET if wide else WIDTHS[name]
        for name in ("initial", "annual", "executed"):
            if name in self.funds_columns:
                column = self.funds_columns[name]
                widths[column] = max(widths[column], AMOUNT_WIDTH)
        return widths

    # rows

    @cached_property
    def source_names(self) -> tuple[str, ...]:
        """The funds sub-rows, by name without 其中 (当年财政拨款, 上年结转资金 …)."""
        return tuple(strip_source(names[0]) for names in self.form.funds_sources)

    @cached_property
    def funds_rows(self) -> dict[str, int]:
        return {FUNDS_TOTAL: FUNDS_TOTAL_ROW,
                **{name: FUNDS_TOTAL_ROW + 1 + i for i, name in enumerate(self.source_names)}}

    @property
    def last_funds_row(self) -> int:
        return FUNDS_TOTAL_ROW + len(self.source_names)

    @property
    def goal_header_row(self) -> int:
        return self.last_funds_row + 1

    @property
    def goal_row(self) -> int:
        return self.goal_header_row + 1

    @property
    def indicator_header_row(self) -> int:
        return self.goal_row + 1

    @property
    def first_indicator_row(self) -> int:
        return self.indicator_header_row + 1

    @property
    def last_indicator_row(self) -> int:
        return self.first_indicator_row + self.indicators - 1

    @property
    def total_row(self) -> int:
        return self.last_indicator_row + 1

    @property
    def grade_row(self) -> int:
        return self.total_row + 1

    @property
    def closing_rows(self) -> dict[str, int]:
        """The form's closing blocks (评价结论, 存在问题, 改进措施), one row each after 自评等级."""
        return {name: self.grade_row + 1 + i for i, name in enumerate(self.form.closing)}

    @property
    def rule_row(self) -> int:
        return self.grade_row + 1 + len(self.form.closing)

    @property
    def notes_row(self) -> int:
        return self.rule_row + 2

    # cells

    def indicator_cell(self, field: str, index: int) -> str:
        """The cell of ``field`` on the ``index``-th indicator row (0-based)."""
        return f"{self.columns[field]}{self.first_indicator_row + index}"

    def column_down(self, field: str, index: int) -> str:
        """``field``'s cells from the first indicator row down to the ``index``-th ($B$13:B15):
        what a row's label carried down from the rows above is looked up in."""
        return f"${self.columns[field]}${self.first_indicator_row}:{self.indicator_cell(field, index)}"

    def indicator_range(self, field: str) -> str:
        """``field``'s cells over every indicator row (F13:F20)."""
        column = self.columns[field]
        return f"{column}{self.first_indicator_row}:{column}{self.last_indicator_row}"

    def funds_cell(self, field: str, row: str = FUNDS_TOTAL) -> str:
        """The cell of a funds ``field`` ('annual', 'score', …) on ``row`` (the total or a sub-row)."""
        return f"{self.funds_columns[field]}{self.funds_rows[row]}"

    @property
    def funds_check_cell(self) -> str:
        return f"{self.check_column}{FUNDS_TOTAL_ROW}"

    @property
    def total_weight_cell(self) -> str:
        return f"{self.columns['weight']}{self.total_row}"

    @property
    def total_score_cell(self) -> str:
        return f"{self.columns['score']}{self.total_row}"

    @property
    def grade_cell(self) -> str:
        return f"{self.columns['score']}{self.grade_row}"

    @property
    def rule_cell(self) -> str:
        return f"C{self.rule_row}"

    # the project and goal lines: C … last column split between 主管部门 and 实施单位

    @cached_property
    def department_split(self) -> tuple[str, str, str]:
        """(last column of 主管部门's value, first and last column of the 实施单位 label)."""
        last = index_of(self.last_column)
        value_width = last - index_of("C") + 1 - 2
        end = index_of("C") + (value_width + 1) // 2 - 1
        return letter(end), letter(end + 1), letter(end + 2)

    project_cell = f"C{PROJECT_ROW}"
    department_cell = f"C{DEPARTMENT_ROW}"

    @property
    def implementer_cell(self) -> str:
        return f"{letter(index_of(self.department_split[2]) + 1)}{DEPARTMENT_ROW}"

    @property
    def goal_split(self) -> str:
        """The last column of 预期目标 (实际完成情况 takes the rest up to the last column)."""
        width = index_of(self.last_column) - index_of("B") + 1
        return letter(index_of("B") + (width + 1) // 2 - 1)

    @property
    def goal_expected_cell(self) -> str:
        return f"B{self.goal_row}"

    @property
    def goal_actual_cell(self) -> str:
        return f"{letter(index_of(self.goal_split) + 1)}{self.goal_row}"
