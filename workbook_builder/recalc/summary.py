"""The portfolio summary workbook of a recalculation, built with pandas (and a chart)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl.chart import BarChart, Reference

from addin.engine import get_profile

from ..files import atomic_save
from .result import RecalcResult

SUMMARY_NAME = "复核汇总.xlsx"


def grades(result: RecalcResult) -> list[str]:
    """The grades of the profiles the tables were scored with, best first (the default
    profile's when there are no tables)."""
    ids = dict.fromkeys(r.profile for r in result.reports) or {get_profile(None).id: None}
    return list(dict.fromkeys(g for pid in ids for g in get_profile(pid).grades))


def frames(result: RecalcResult) -> dict[str, pd.DataFrame]:
    reports, failures = result.reports, result.failures
    projects = pd.DataFrame(
        [
            {
                "文件": r.file, "格式": r.format, "工作表": r.sheet, "项目名称": r.project,
                "主管部门": r.department, "计分规则": r.profile, "填报总分": r.reported_total, "计算总分": r.computed_total,
                "等级": r.grade, "问题数": len(r.findings), "复核副本": r.annotated,
            }
            for r in reports
        ],
        columns=["文件", "格式", "工作表", "项目名称", "主管部门", "计分规则", "填报总分", "计算总分", "等级", "问题数",
                 "复核副本"],
    )
    problems = pd.DataFrame(
        [
            {
                "文件": r.file, "工作表": r.sheet, "项目名称": r.project, "单元格": f.cell,
                "问题类型": f.label, "说明": f.message, "填报值": f.reported, "应为": f.expected,
            }
            for r in reports
            for f in r.findings
        ],
        columns=["文件", "工作表", "项目名称", "单元格", "问题类型", "说明", "填报值", "应为"],
    )
    unreadable = pd.DataFrame([{"文件": f.file, "格式": f.format, "原因": f.message} for f in failures],
                              columns=["文件", "格式", "原因"])
    counts = projects["等级"].value_counts()
    names = grades(result)
    distribution = pd.DataFrame({"等级": names, "项目数": [int(counts.get(g, 0)) for g in names]})
    return {"项目": projects, "问题": problems, "等级分布": distribution, "无法读取": unreadable}


def write_summary(result: RecalcResult, path: Path) -> Path:
    tables = frames(result)
    rows = len(tables["等级分布"])

    def save(tmp: str) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            widths = {"项目": (40, 6, 8, 40, 24, 22, 10, 10, 6, 8, 40), "问题": (40, 8, 36, 8, 16, 80, 10, 10),
                      "等级分布": (8, 8), "无法读取": (50, 6, 80)}
            for name, frame in tables.items():
                frame.to_excel(writer, sheet_name=name, index=False)
                sheet = writer.sheets[name]
                for column, width in zip("ABCDEFGHIJK", widths[name]):
                    sheet.column_dimensions[column].width = width
                sheet.freeze_panes = "A2"
            chart = BarChart()
            chart.title, chart.y_axis.title, chart.x_axis.title = "自评等级分布", "项目数", "等级"
            sheet = writer.sheets["等级分布"]
            chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=rows + 1), titles_from_data=True)
            chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=rows + 1))
            chart.legend = None
            sheet.add_chart(chart, "D2")

    return atomic_save(save, path)
