"""Regenerate the submitted-workbook samples of the 30 Chaoyang tables (run from the repo root):

* ``submitted/``: workbooks in the standard layout as circulated (not perfbook templates), with
  the scores as their authors typed them and some of the layout noise seen in real tables:
  rows shifted by a column, a missing 一级 label, a 二级 label in the 一级 column, line breaks
  inside header labels, a funds header with blank columns, header words inside the 年度资金总额
  line, HTML fragments in cells, two tables on one sheet, several sheets in one workbook;
* ``submitted-templates/``: a few perfbook templates filled in: actual values typed, and the
  scores typed over the formulas (an author without the add-in), or never calculated.

.venv/bin/python samples/make_submitted.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook, load_workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from addin.engine import form  # noqa: E402
from addin.engine.table import Table  # noqa: E402
from workbook_builder.forms.batch import file_names, write_batch  # noqa: E402
from workbook_builder.readers.jsonfile import load_tables  # noqa: E402
from workbook_builder.forms.layout import SHEET, Layout  # noqa: E402
from workbook_builder.readers.project_list import read_project_list  # noqa: E402

HERE = Path(__file__).resolve().parent / "chaoyang-2024"
HEADERS = list(form.INDICATOR_FIELDS.values())
BROKEN_HEADERS = ["一级指标", "二级指标", "三级指标", "绩效指标性质", "年度\n指标值", "绩效度\n量单位",
                  "实际\n完成值", "分值", "得分", "偏差原因分析\n及改进措施"]


def typed(value):
    """A value as an author types it into Excel: numbers become numbers."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def write_standard(ws, table: Table, top: int = 1, *, noise: set[str] = frozenset()) -> int:
    """Write ``table`` in the circulated layout from row ``top``; return the next free row."""
    r = top
    ws.cell(r, 1, "项目支出绩效自评表"); r += 1
    ws.cell(r, 1, f"({table.year or 2024}年度)"); r += 1
    ws.cell(r, 1, "项目名称"); ws.cell(r, 3, table.project); r += 1
    ws.cell(r, 1, "主管部门"); ws.cell(r, 3, table.department)
    ws.cell(r, 7, "实施单位"); ws.cell(r, 9, table.implementer); r += 1
    f = table.funds
    if "funds-gaps" in noise:  # labels over merged pairs of columns, values in between
        labels = dict(zip((3, 5, 7, 9, 10, 11), form.FUNDS_FIELDS.values()))
        values = {4: f.initial, 5: f.annual, 7: f.executed, 9: f.weight, 10: f.rate, 11: f.score}
    else:
        labels = dict(zip((3, 4, 5, 6, 7, 8), form.FUNDS_FIELDS.values()))
        values = dict(zip(labels, (f.initial, f.annual, f.executed, f.weight, f.rate, f.score)))
    ws.cell(r, 1, "项目资金 (万元)")
    if "funds-inline" in noise:  # header words inside the 年度资金总额 line, each before its value
        ws.cell(r, 2, "年度资金总额")
        row = [(label, getattr(f, field)) for field, label in form.FUNDS_FIELDS.items()]
        for n, (label, value) in enumerate(row):
            ws.cell(r, 3 + 2 * n, label)
            ws.cell(r, 4 + 2 * n, typed(value))
        r += 1
    else:
        for col, label in labels.items():
            ws.cell(r, col, label)
        r += 1
        ws.cell(r, 2, "年度资金总额")
        for col, value in values.items():
            ws.cell(r, col, typed(value))
        r += 1
    for name in form.FUNDS_SOURCES:
        label = form.FUNDS_SOURCE_PREFIX + name if name == form.FUNDS_SOURCES[0] else name
        ws.cell(r, 2, label)
        ws.cell(r, 6 if "funds-gaps" not in noise else 9, "—")
        ws.cell(r, 8 if "funds-gaps" not in noise else 11, "—")
        r += 1
    ws.cell(r, 1, "年度总体目标"); ws.cell(r, 2, "预期目标"); ws.cell(r, 7, "实际完成情况"); r += 1
    ws.cell(r, 2, table.goal_expected); ws.cell(r, 7, table.goal_actual); r += 1
    ws.cell(r, 1, "绩效指标")
    for col, label in enumerate(BROKEN_HEADERS if "header-breaks" in noise else HEADERS, start=2):
        ws.cell(r, col, label)
    r += 1
    previous = ("", "")
    for index, ind in enumerate(table.indicators):
        level1 = "" if ind.level1 == previous[0] else ind.level1
        level2 = "" if (ind.level1, ind.level2) == previous else ind.level2
        previous = (ind.level1, ind.level2)
        if "level2-in-level1" in noise and index == 1 and not level1:
            level1, level2 = level2, ""
        if "missing-level1" in noise and index == len(table.indicators) - 2:
            level1 = ""
        actual = typed(ind.actual)
        if "html" in noise and isinstance(actual, str):  # pasted from a web system
            actual = f"<p>{actual}</p>"
        row = [level1, level2, ind.level3, ind.nature, typed(ind.target), ind.unit, actual,
               typed(ind.weight), typed(ind.score), ind.reason or None]
        start = 1 if ("shift-last" in noise and index == len(table.indicators) - 1) else 2
        for col, value in enumerate(row, start=start):
            ws.cell(r, col, value)
        r += 1
    ws.cell(r, 1, "总分"); ws.cell(r, 9, typed(table.total_weight)); ws.cell(r, 10, typed(table.total_score))
    return r + 3


NOISE = {
    1: {"shift-last", "missing-level1"},
    2: {"funds-gaps", "shift-last"},
    3: {"header-breaks"},
    7: {"level2-in-level1"},
    13: {"header-breaks", "funds-gaps"},
    20: {"funds-inline", "shift-last"},
    24: {"html"},
}


def make_standard(tables: list[Table]) -> None:
    folder = HERE / "submitted"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.xlsx"):
        old.unlink()
    names = file_names(tables)
    singles = [n for n in range(1, 31) if n not in (18, 19, 27, 28, 29, 30)]
    for n in singles:
        wb = Workbook()
        wb.active.title = "自评表"
        write_standard(wb.active, tables[n - 1], noise=NOISE.get(n, set()))
        wb.save(folder / names[n - 1])
    wb = Workbook()  # two tables on one sheet
    wb.active.title = "自评表"
    below = write_standard(wb.active, tables[17])
    write_standard(wb.active, tables[18], top=below)
    wb.save(folder / "18-19_信息化项目管理平台两个项目.xlsx")
    wb = Workbook()  # one workbook, a sheet per project
    wb.remove(wb.active)
    for n in (27, 28, 29, 30):
        write_standard(wb.create_sheet(f"表{n}"), tables[n - 1])
    wb.save(folder / "27-30_政府网站运维项目.xlsx")


def fill_template(path: Path, table: Table, typed_scores: bool = True) -> None:
    """Type a table's values into a perfbook template, as its author would."""
    wb = load_workbook(path)
    ws = wb[SHEET]
    lay = Layout(len(table.indicators))
    ws[lay.funds_cell("executed")] = typed(table.funds.executed)
    ws[lay.goal_actual_cell] = table.goal_actual
    for index, ind in enumerate(table.indicators):
        ws[lay.indicator_cell("actual", index)] = typed(ind.actual)
        ws[lay.indicator_cell("reason", index)] = ind.reason or None
        if typed_scores:
            ws[lay.indicator_cell("score", index)] = typed(ind.score)
    if typed_scores:
        ws[lay.funds_cell("rate")] = typed(table.funds.rate)
        ws[lay.funds_cell("score")] = typed(table.funds.score)
        ws[lay.total_score_cell] = typed(table.total_score)
    wb.save(path)


def make_templates(tables: list[Table], folder: Path, numbers, uncalculated=()) -> None:
    """Filled perfbook templates for the tables ``numbers`` (1-based) in ``folder``."""
    specs = read_project_list(HERE / "project_list.xlsx", year=2024)
    written = write_batch([specs[n - 1] for n in numbers], folder, year=2024, overwrite=True).written
    (folder / "00_索引.xlsx").unlink()
    for n, result in zip(numbers, written):
        fill_template(result.path, tables[n - 1], typed_scores=n not in uncalculated)


if __name__ == "__main__":
    samples = load_tables(HERE / "tables_1-30.json")
    for t in samples:
        t.year = 2024
    make_standard(samples)
    folder = HERE / "submitted-templates"
    for old in folder.glob("*.xlsx"):
        old.unlink()
    make_templates(samples, folder, (1, 5, 12, 26), uncalculated=(1,))
    print(f"wrote {HERE / 'submitted'} and {folder}")
