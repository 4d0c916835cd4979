"""Project lists as exported by the budget system: one row per indicator, read into tables.

Columns are found by their header (any order, extra columns ignored); project-level cells may
be blank on continuation rows, and blank 一级/二级 labels carry down as on the merged form.
Every problem is collected with its row number and raised together as
:class:`ProjectListError`, before anything is written.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from addin import PerfError, get_profile, parse_nature, read_value
from addin.numbers import to_decimal
from addin.qualitative import find_scale
from addin.scoring import QUALITATIVE
from addin.table import Funds, Indicator, Table

PROJECT_COLUMNS = ("项目名称", "主管部门", "实施单位", "年初预算数", "全年预算数", "年度总体目标")
INDICATOR_COLUMNS = ("一级指标", "二级指标", "三级指标", "绩效指标性质", "年度指标值", "绩效度量单位", "分值")
COLUMNS = PROJECT_COLUMNS + INDICATOR_COLUMNS
SPREADSHEETS = {".xlsx", ".xlsm", ".csv"}


class ProjectListError(Exception):
    """A project list that cannot be used; ``problems`` are Chinese sentences with row numbers."""

    def __init__(self, path: Path, problems: list[str], sheet: str | None = None):
        self.path, self.problems = path, problems
        where = f"{path}（工作表“{sheet}”）" if sheet else str(path)
        super().__init__(f"项目清单 {where} 有 {len(problems)} 处问题：\n" + "\n".join(problems))


def _frame(path: Path) -> tuple[pd.DataFrame, str | None]:
    """The list's rows as text, and the name of the sheet they come from (xlsx)."""
    suffix = path.suffix.lower()
    if suffix not in SPREADSHEETS:
        raise ProjectListError(path, [f"不是 .xlsx 或 .csv 文件（扩展名为“{path.suffix}”）"])
    try:
        sheet = None
        if suffix == ".csv":
            try:
                frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            except UnicodeDecodeError:  # exports from Chinese Windows are often GBK
                frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="gb18030")
        else:
            with pd.ExcelFile(path, engine="openpyxl") as book:
                sheet = book.sheet_names[0]
                frame = pd.read_excel(book, sheet_name=sheet, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise ProjectListError(path, ["文件不存在"]) from None
    except pd.errors.EmptyDataError:
        raise ProjectListError(path, ["文件是空的"]) from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise ProjectListError(path, [f"无法作为表格读取（{type(err).__name__}）"]) from None
    frame.columns = [str(c).replace("\n", "").replace(" ", "").strip() for c in frame.columns]
    return frame, sheet


def _text(row: dict, column: str) -> str:
    return str(row.get(column, "")).strip()


def read_project_list(path: str | Path, profile: object = None, year: int | None = None) -> list[Table]:
    """The tables (targets and weights, no actuals) of every project in a project list."""
    path = Path(path)
    rules = get_profile(profile)
    frame, sheet = _frame(path)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ProjectListError(path, [f"缺少列：{'、'.join(missing)}（表头应在第 1 行）"], sheet)
    records = frame.to_dict("records")
    if not any(any(_text(r, c) for c in COLUMNS) for r in records):
        raise ProjectListError(path, ["没有任何数据行"], sheet)
    problems: list[str] = []
    tables: list[Table] = []
    spans: list[list[int]] = []  # the list's row numbers of each table
    first_rows: dict[str, int] = {}
    current: dict[str, str] = {}
    for number, row in enumerate(records, start=2):
        if not any(_text(row, c) for c in COLUMNS):
            continue
        name = _text(row, "项目名称") or current.get("项目名称", "")
        if not name:
            problems.append(f"第 {number} 行：缺少项目名称")
            continue
        if name != current.get("项目名称"):
            if name in first_rows:
                problems.append(f"第 {number} 行：项目名称“{name}”重复（第 {first_rows[name]} 行已出现）")
            first_rows.setdefault(name, number)
            current = {c: _text(row, c) for c in PROJECT_COLUMNS}
            current["项目名称"] = name
            tables.append(_new_table(current, number, year, problems))
            spans.append([])
        level1 = _text(row, "一级指标") or (current.get("一级指标", "") if tables[-1].indicators else "")
        level2 = _text(row, "二级指标") or (current.get("二级指标", "") if tables[-1].indicators else "")
        current["一级指标"], current["二级指标"] = level1, level2
        indicator = Indicator(
            level1=level1,
            level2=level2,
            level3=_text(row, "三级指标"),
            nature=_text(row, "绩效指标性质"),
            target=_text(row, "年度指标值"),
            unit=_text(row, "绩效度量单位"),
            actual=None,
            weight=_text(row, "分值"),
        )
        problems.extend(f"第 {number} 行：{p}" for p in _indicator_problems(indicator, rules))
        tables[-1].indicators.append(indicator)
        spans[-1].append(number)
    for table, span in zip(tables, spans):
        problems.extend(_weight_problems(table, span, rules))
    if problems:
        raise ProjectListError(path, problems, sheet)
    return tables


def _new_table(project: dict[str, str], number: int, year: int | None, problems: list[str]) -> Table:
    try:
        annual = to_decimal(project["全年预算数"], "全年预算数")
        if annual <= 0:
            raise PerfError(f"全年预算数应大于 0（{project['全年预算数']}）")
    except PerfError as err:
        problems.append(f"第 {number} 行：项目“{project['项目名称']}”的{err}")
        annual = None
    initial = project["年初预算数"] or None
    if initial is not None:
        try:
            to_decimal(initial, "年初预算数")
        except PerfError as err:
            problems.append(f"第 {number} 行：{err}")
    return Table(
        project=project["项目名称"],
        department=project["主管部门"],
        implementer=project["实施单位"],
        year=year,
        goal_expected=project["年度总体目标"],
        funds=Funds(annual=annual, executed=None, initial=initial),
        indicators=[],
    )


def _indicator_problems(ind: Indicator, rules) -> list[str]:
    if not ind.level3:
        return ["缺少三级指标名称"]
    try:
        nature = parse_nature(ind.nature)
        weight = to_decimal(ind.weight, "分值")
        if weight < 0:
            return [f"分值不能为负数（{ind.weight}）"]
        if nature == QUALITATIVE:
            find_scale(ind.target, rules)
        else:
            read_value(ind.target, ind.unit, "年度指标值")
    except PerfError as err:
        return [f"“{ind.level3}”：{err}"]
    return []


def _weight_problems(table: Table, rows: list[int], rules) -> list[str]:
    try:
        weights = sum(to_decimal(i.weight, "分值") for i in table.indicators)
    except PerfError:
        return []  # already reported per row
    total = weights + rules.funds_weight
    if total == 100:
        return []
    return [
        f"第 {rows[0]}–{rows[-1]} 行：项目“{table.project}”的指标分值合计 {weights:f}，"
        f"加上年度资金总额分值 {rules.funds_weight:f} 为 {total:f}，应为 100"
    ]
