"""Regenerate samples/chaoyang-2024/project_list.xlsx from the parsed tables (targets and weights,
no actuals), in the layout of the budget system's project performance export.

Run from the repository root: .venv/bin/python samples/make_project_list.py
"""

from pathlib import Path

import pandas as pd

from workbook_builder.readers.jsonfile import load_tables
from addin.engine import form
from workbook_builder.readers.project_list import COLUMNS, LIST_FIELDS, PROJECT_COLUMNS

HERE = Path(__file__).resolve().parent / "chaoyang-2024"


def rows():
    for table in load_tables(HERE / "tables_1-30.json"):
        for index, ind in enumerate(table.indicators):
            first = index == 0  # project-level cells only on a project's first row, as exported
            project = (table.project, table.department, table.implementer, table.funds.initial,
                       table.funds.annual, table.goal_expected)
            row = dict(zip(PROJECT_COLUMNS, project if first else [""] * len(project)))
            row.update({form.INDICATOR_FIELDS[f]: getattr(ind, f) for f in LIST_FIELDS})
            yield row


if __name__ == "__main__":
    frame = pd.DataFrame(list(rows()), columns=list(COLUMNS))
    frame.to_excel(HERE / "project_list.xlsx", sheet_name="项目绩效目标", index=False)
    print(f"wrote {HERE / 'project_list.xlsx'}: {len(frame)} rows")
