"""Regenerate the evaluation samples (run from the repo root):

* ``yueyang-2020/附件3-2_评价指标体系_自评.xlsx``: seed 001's 《项目支出绩效评价指标体系（参考样表）》
  typed by hand as the seed shows it: header labels with line breaks, merged 一级/二级 cells, the
  header repeated where the seed's page breaks (with 项目管理 written again), plain numbers as
  自评得分, 总分 98 and 评价等次 优秀. No personal data (the seed's contact person is left out).
* ``qinhuangdao-2020-2022/年度预算及支出情况.xlsx``: seed 004's three yearly budget tables
  (``项目及明细 | 预算数（调整前）| 预算数（调整后）| 实际支出 | 备注``) and its result, the average
  of the yearly scores 87.79 → 良 (the yearly scores are not published, so they are left blank).

.venv/bin/python samples/make_evaluation_samples.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from addin.engine.frameworks import get_framework  # noqa: E402

HERE = Path(__file__).resolve().parent
PROJECT = "岳阳市政务服务中心电子政务外网扩容改造（含雪亮工程政务网线路）项目"
HEADERS = ["一级\n指标", "分值", "二级\n指标", "分值", "三级\n指标", "分值", "具体指标", "评价标准", "自评\n\n得分"]
SEED_SCORES = [4, 4, 4, 3, 3, 3, 2, 7, 3, 1, 1, 3, 5, 5, 4, 3, 3, 8, 8, 8, 8, 8]   # seed 001, table order
PAGE_BREAK_BEFORE = {"组织实施": "项目管理", "项目产出": None}   # where the seed repeats its header


def write_yueyang(path: Path, scores: list | None = None, total=98, grade="优秀", changes: dict | None = None) -> Path:
    """Seed 001's table as typed by hand; ``changes`` maps (item name, column index) → value."""
    scores = list(SEED_SCORES if scores is None else scores)
    changes = changes or {}
    wb = Workbook()
    ws = wb.active
    ws.title = "附件3-2"
    ws.append(["项目支出绩效评价指标体系（参考样表）"])
    ws.append(["项目名称", PROJECT])
    ws.append(HEADERS)
    framework = get_framework("yueyang-2020")
    row = 4
    for l1 in framework.levels:
        l1_top = row
        for l2 in l1.children:
            l2_top = row
            if l2.name in PAGE_BREAK_BEFORE:
                if PAGE_BREAK_BEFORE[l2.name] is None:
                    ws.append(HEADERS)
                    row += 1
                    l1_top = l2_top = row
                else:   # the seed starts a new page inside 项目管理 and writes the 一级 cell again
                    ws.merge_cells(f"A{l1_top}:A{row - 1}")
                    ws.merge_cells(f"B{l1_top}:B{row - 1}")
                    l1_top = row
                    ws.cell(row, 1, l1.name)
                    ws.cell(row, 2, float(l1.points))
            for item in l2.children:
                index = [r[2].name for r in framework.rows()].index(item.name)
                values = [None, None, None, None, item.name, float(item.points), item.explanation,
                          item.criterion.text, scores[index]]
                if row == l1_top:
                    values[0:2] = [l1.name, float(l1.points)]
                if row == l2_top:
                    values[2:4] = [l2.name, float(l2.points)]
                for (name, column), value in changes.items():
                    if name == item.name:
                        values[column] = value
                for column, value in enumerate(values, start=1):
                    if value is not None:
                        ws.cell(row, column, value)
                row += 1
            if row - 1 > l2_top:
                ws.merge_cells(f"C{l2_top}:C{row - 1}")
                ws.merge_cells(f"D{l2_top}:D{row - 1}")
        if row - 1 > l1_top:
            ws.merge_cells(f"A{l1_top}:A{row - 1}")
            ws.merge_cells(f"B{l1_top}:B{row - 1}")
    ws.append(["总分", 100, None, 100, None, 100, None, None, total])
    ws.append(["评价等次", grade])
    for column, width in zip("ABCDEFGHI", (8, 6, 10, 6, 8, 6, 30, 40, 8)):
        ws.column_dimensions[column].width = width
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


# Seed 004: (year, [(name, before, after, actual, note)]), the total row first.
QINHUANGDAO = [
    (2020, [("1、电子政务外网服务费", 160.00, 150.10, 160.00, "2019年的费用"),
            ("1.1.联通电子政务外网网络接入服务项目", 150.10, 150.10, 150.10, ""),
            ("1.2.电信电子政务外网网络服务费", 9.90, 9.90, 9.90, "")]),
    (2021, [("1、电子政务外网服务费", 194.8, 191.68, 191.68, "24.90万是2019年的费用，148.00万是2020年费用"),
            ("1.1.联通电子政务外网网络接入服务项目", 176.02, 172.90, 172.90, ""),
            ("1.2.电信电子政务外网网络服务费", 18.78, 18.78, 18.78, "2020年费用9.90万2021年费用8.88万")]),
    (2022, [("1、电子政务外网服务费", 157.90, 156.88, 156.88, ""),
            ("1.1.联通电子政务外网网络接入服务项目", 148.00, 148.00, 148.00, "2021年的费用"),
            ("1.2.电信电子政务外网网络服务费", 9.90, 8.88, 8.88, "2022年费用")]),
]
BUDGET_HEADERS = ["项目及明细", "预算数\n（调整前）", "预算数\n（调整后）", "实际支出", "备注"]


def write_qinhuangdao(path: Path, years=QINHUANGDAO, scores: dict | None = None, average=87.79, grade="良",
                      unit_line: bool = False) -> Path:
    """Seed 004's yearly budget tables, then the yearly scores (blank: not published), their
    average and the grade; ``unit_line``: each table's 单位：万元 on a line of its own."""
    wb = Workbook()
    ws = wb.active
    ws.title = "年度预算及支出情况"
    ws.append(["秦皇岛市2020-2022年度电子政务外网服务费项目支出绩效评价"])
    ws.append(["项目名称", "2020-2022年度电子政务外网服务项目"])
    for year, lines in years:
        ws.append([])
        if unit_line:
            ws.append([f"{year}年电子政务外网服务费预算及支出情况"])
            ws.append([None, None, None, None, "单位：万元"])
        else:
            ws.append([f"{year}年电子政务外网服务费预算及支出情况", None, None, None, "单位：万元"])
        ws.append(BUDGET_HEADERS)
        for line in lines:
            ws.append(list(line))
    ws.append([])
    ws.append(["年度", "得分"])
    for year, _ in years:
        ws.append([f"{year}年", (scores or {}).get(year)])
    ws.append(["平均得分", average])
    ws.append(["评价等级", grade])
    for column, width in zip("ABCDE", (40, 12, 12, 12, 40)):
        ws.column_dimensions[column].width = width
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


if __name__ == "__main__":
    print(write_yueyang(HERE / "yueyang-2020" / "附件3-2_评价指标体系_自评.xlsx"))
    print(write_qinhuangdao(HERE / "qinhuangdao-2020-2022" / "年度预算及支出情况.xlsx"))
