"""Project lists as exported by the budget system: one row per indicator, read into tables.

Columns are found by their header (any order, extra columns ignored); project-level cells may
be blank on continuation rows, and blank 一级/二级 labels carry down as on the merged form.
Every problem is collected with its row number and raised together as
:class:`ProjectListError`, before anything is written.
"""

from __future__ import annotations

import typing

import zipfile
from pathlib import Path

if typing.TYPE_CHECKING:
    import pandas as pd

from addin.engine import PerfError, UserError, form, get_profile, parse_nature, parse_weight, read_value
from addin.engine.natures import QUALITATIVE
from addin.engine.numbers import to_decimal
from addin.engine.qualitative import find_scale
from addin.engine.table import Funds, Indicator, Table, weights_problem

PROJECT, DEPARTMENT, IMPLEMENTER = form.PROJECT, form.DEPARTMENT, form.IMPLEMENTER
INITIAL, ANNUAL = form.FUNDS_FIELDS["initial"], form.FUNDS_FIELDS["annual"]
PROJECT_COLUMNS = (PROJECT, DEPARTMENT, IMPLEMENTER, INITIAL, ANNUAL, form.GOAL)
# The indicator columns of the list, by field of Indicator (the list has no actuals or scores).
LIST_FIELDS = ("level1", "level2", "level3", "nature", "target", "unit", "weight")
INDICATOR_COLUMNS = tuple(form.INDICATOR_FIELDS[f] for f in LIST_FIELDS)
COLUMNS = PROJECT_COLUMNS + INDICATOR_COLUMNS
SPREADSHEETS = {".xlsx", ".xlsm", ".csv"}


class ProjectListError(UserError):
    """A project list that cannot be used; ``problems`` are Chinese sentences with row numbers."""

    def __init__(self, path: Path, problems: list[str], sheet: str | None = None):
        self.path, self.problems = path, problems
        where = f"{path}（工作表“{sheet}”）" if sheet else str(path)
        super().__init__(f"项目清单 {where} 有 {len(problems)} 处问题：\n" + "\n".join(problems))


def _frame(path: Path) -> tuple[pd.DataFrame, str | None]:
    """The list's rows as text, and the name of the sheet they come from (xlsx)."""
    import pandas as pd  # not at module level: the CLI imports this module for its columns
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
    level1_label, level2_label = form.INDICATOR_FIELDS["level1"], form.INDICATOR_FIELDS["level2"]
    for number, row in enumerate(records, start=2):
        if not any(_text(row, c) for c in COLUMNS):
            continue
        name = _text(row, PROJECT) or current.get(PROJECT, "")
        if not name:
            problems.append(f"第 {number} 行：缺少{PROJECT}")
            continue
        if name != current.get(PROJECT):
            if name in first_rows:
                problems.append(f"第 {number} 行：{PROJECT}“{name}”重复（第 {first_rows[name]} 行已出现）")
            first_rows.setdefault(name, number)
            current = {c: _text(row, c) for c in PROJECT_COLUMNS}
            current[PROJECT] = name
            tables.append(_new_table(current, number, year, problems))
            spans.append([])
        continuing = bool(tables[-1].indicators)
        level1 = _text(row, level1_label) or (current.get(level1_label, "") if continuing else "")
        level2 = _text(row, level2_label) or (current.get(level2_label, "") if continuing else "")
        current[level1_label], current[level2_label] = level1, level2
        values = {f: _text(row, form.INDICATOR_FIELDS[f]) for f in LIST_FIELDS}
        indicator = Indicator(**{**values, "level1": level1, "level2": level2, "actual": None})
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
        annual = to_decimal(project[ANNUAL], ANNUAL)
        if annual <= 0:
            raise PerfError(f"{ANNUAL}应大于 0（{project[ANNUAL]}）")
    except PerfError as err:
        problems.append(f"第 {number} 行：项目“{project[PROJECT]}”的{err}")
        annual = None
    initial = project[INITIAL] or None
    if initial is not None:
        try:
            to_decimal(initial, INITIAL)
        except PerfError as err:
            problems.append(f"第 {number} 行：{err}")
    return Table(
        project=project[PROJECT],
        department=project[DEPARTMENT],
        implementer=project[IMPLEMENTER],
        year=year,
        goal_expected=project[form.GOAL],
        funds=Funds(annual=annual, executed=None, initial=initial),
        indicators=[],
    )


def _indicator_problems(ind: Indicator, rules) -> list[str]:
    if not ind.level3:
        return [f"缺少{form.INDICATOR_FIELDS['level3']}名称"]
    try:
        nature = parse_nature(ind.nature)
        parse_weight(ind.weight)
        if nature == QUALITATIVE:
            find_scale(ind.target, rules)
        else:
            read_value(ind.target, ind.unit, form.INDICATOR_FIELDS["target"])
    except PerfError as err:
        return [f"“{ind.level3}”：{err}"]
    return []


def _weight_problems(table: Table, rows: list[int], rules) -> list[str]:
    try:
        weights = [parse_weight(i.weight) for i in table.indicators]
    except PerfError:
        return []  # already reported per row
    problem = weights_problem(weights, rules.funds_weight)
    return [f"第 {rows[0]}–{rows[-1]} 行：项目“{table.project}”的{problem}"] if problem else []
