"""Regenerate samples/chaoyang-2024/project_list.xlsx from the parsed tables (targets and weights,
no actuals), in the layout of the budget system's project performance export.

Run from the repository root: .venv/bin/python samples/make_project_list.py
"""

from pathlib import Path

import pandas as pd

from workbook_builder.jsonfile import load_tables
from workbook_builder.project_list import COLUMNS

HERE = Path(__file__).resolve().parent / "chaoyang-2024"


def rows():
    for table in load_tables(HERE / "tables_1-30.json"):
        for index, ind in enumerate(table.indicators):
            first = index == 0  # project-level cells only on a project's first row, as exported
            yield {
                "项目名称": table.project if first else "",
                "主管部门": table.department if first else "",
                "实施单位": table.implementer if first else "",
                "年初预算数": table.funds.initial if first else "",
                "全年预算数": table.funds.annual if first else "",
                "年度总体目标": table.goal_expected if first else "",
                "一级指标": ind.level1,
                "二级指标": ind.level2,
                "三级指标": ind.level3,
                "绩效指标性质": ind.nature,
                "年度指标值": ind.target,
                "绩效度量单位": ind.unit,
                "分值": ind.weight,
            }


if __name__ == "__main__":
    frame = pd.DataFrame(list(rows()), columns=list(COLUMNS))
    frame.to_excel(HERE / "project_list.xlsx", sheet_name="项目绩效目标", index=False)
    print(f"wrote {HERE / 'project_list.xlsx'}: {len(frame)} rows")
