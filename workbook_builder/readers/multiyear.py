"""Multi-year budget tables (seed 004) read out of workbooks, with the cell of every value.

A sheet holds them when a row has the headers 项目及明细, 预算数（调整前）, 预算数（调整后） and
实际支出 (line breaks ignored). Each such header starts one year's table: its year is read from
the title above it (``2020年…预算及支出情况``), its first row is the total, the rows up to the next
blank row are its details. Below the tables, rows ``2020年 | 得分`` give the yearly scores (blank
when not published), ``平均得分`` the reported average and ``评价等级`` the grade.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from addin.engine.frameworks import BudgetLine, YearBudget

from .container import Grid, address
from .evaluation import GRADE_LABELS
from .tables import cell_texts, has_text, money_in, norm

HEADERS = {"name": "项目及明细", "before": "预算数(调整前)", "after": "预算数(调整后)", "actual": "实际支出",
           "note": "备注"}
_YEAR = re.compile(r"((?:19|20)\d{2})年")
_UNIT_NOTE = re.compile(r"(?:金额)?单位[:：]")


@dataclass
class ReadYears:
    """Yearly tables and where their values are: ``cells`` maps ('year', year, row, field) (row 0
    the total, then the details), ('year', year, 'score'), ('summary', 'score'|'grade') and
    ('total', 'score'), the average again, where the annotated copy writes the recomputed one."""

    years: list[YearBudget]
    file: str
    sheet: str
    project: str = ""
    average: object = None
    grade: object = None
    cells: dict[tuple, str] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)   # (cell, message): a year's table not read


def _label(value: object) -> str:
    return norm(value).replace("（", "(").replace("）", ")")


def _header_columns(grid: Grid, row: int) -> dict[str, int]:
    found = {}
    for c in range(grid.left, grid.right):
        text = _label(grid.value(row, c))
        for key, label in HEADERS.items():
            if key not in found and text.startswith(label):
                found[key] = c
    return found


def _is_header(grid: Grid, row: int) -> bool:
    return {"name", "before", "after", "actual"} <= set(_header_columns(grid, row))


def _year_above(grid: Grid, row: int) -> tuple[int | None, str]:
    """The year in the title of the table headed at ``row``: the nearest row above it that holds
    text other than a unit note (``单位：万元`` on a line of its own), up to three (not the
    项目名称 row further up, whose name may hold another year), and that title's cell."""
    for r in range(row - 1, max(grid.top, row - 3) - 1, -1):
        filled = [(c, text) for c in range(grid.left, grid.right)
                  if (text := norm(grid.value(r, c))) and not _UNIT_NOTE.match(text)]
        if filled:
            found = next(((c, m) for c, text in filled if (m := _YEAR.search(text))), None)
            return (int(found[1].group(1)), address(r, found[0])) if found else (None, address(r, filled[0][0]))
    return None, address(row, grid.left)


def _read_sheet(grid: Grid, file: str) -> ReadYears | None:
    if not has_text(grid, HEADERS["name"]):
        return None
    headers = [r for r, texts in enumerate(cell_texts(grid), grid.top)
               if any(t.startswith(HEADERS["name"]) for t in texts) and _is_header(grid, r)]
    if not headers:
        return None
    read = ReadYears([], file, grid.name)
    end = grid.bottom
    for number, header in enumerate(headers):
        cols = _header_columns(grid, header)
        year, title = _year_above(grid, header)
        if year is None or year in {y.year for y in read.years}:   # (its cells would be another year's)
            said = (f"{year}年的预算表出现了不止一次" if year is not None
                    else "预算表上方的标题中没有年份（应写作“2020年…预算及支出情况”）")
            read.problems.append((title, f"{said}，这张表未计入多年度评价"))
            continue
        lines, r = [], header + 1
        stop = headers[number + 1] if number + 1 < len(headers) else end
        while r < stop and norm(grid.value(r, cols["name"])):
            if _YEAR.search(norm(grid.value(r, cols["name"]))) and "预算" in norm(grid.value(r, cols["name"])):
                break
            values = {k: money_in(grid.value(r, c), "万元") for k, c in cols.items()}   # (a year's table is in 万元)
            for key, c in cols.items():
                read.cells[("year", year, len(lines), key)] = address(r, c)
            lines.append(BudgetLine(str(values["name"]).strip(), values["before"], values["after"],
                                    values["actual"], str(values.get("note") or "")))
            r += 1
        if lines:
            read.years.append(YearBudget(year, lines[0], lines[1:]))
    read.years.sort(key=lambda y: y.year)   # (tables in any order: 2020–2022, not 2022-2020)
    by_year = {y.year: y for y in read.years}
    for r in range(headers[-1] + 1, grid.bottom):
        first = norm(grid.value(r, grid.left))
        value, c = _value_right(grid, r)
        found = _YEAR.fullmatch(first)
        if found and int(found.group(1)) in by_year:
            by_year[int(found.group(1))].score = value
            read.cells[("year", int(found.group(1)), "score")] = address(r, c if c is not None else grid.left + 1)
        elif first == "平均得分":
            read.average, read.cells[("summary", "score")] = value, address(r, c if c is not None else grid.left + 1)
            read.cells[("total", "score")] = read.cells[("summary", "score")]   # where the copy shows the average
        elif first in GRADE_LABELS:
            read.grade, read.cells[("summary", "grade")] = value, address(r, c if c is not None else grid.left + 1)
    for r in range(grid.top, headers[0]):
        if norm(grid.value(r, grid.left)) == "项目名称":
            read.project = str(_value_right(grid, r)[0] or "")
    return read


def _value_right(grid: Grid, row: int) -> tuple[object, int | None]:
    for c in range(grid.left + 1, grid.right):
        if grid.value(row, c) not in (None, ""):
            return grid.value(row, c), c
    return None, None


def read_years(grids: list[Grid], file: str) -> list[ReadYears]:
    """Every sheet of yearly budget tables in the workbook (an empty list when there is none)."""
    return [read for grid in grids if not grid.hidden for read in [_read_sheet(grid, file)] if read]
