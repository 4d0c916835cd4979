"""Tables from the parsed-table JSON (the format of ``samples/chaoyang-2024/tables_1-30.json``)."""

from __future__ import annotations

import json
from pathlib import Path

from addin.engine import UserError
from addin.engine.table import Funds, Indicator, Table


class TableFileError(UserError):
    """A parsed-table JSON file that cannot be read."""


def table_from_dict(data: dict) -> Table:
    if not isinstance(data.get("project"), str):
        raise ValueError("project 应为项目名称文字")
    budget = data["budget"]
    return Table(
        project=data["project"],
        department=data.get("department", ""),
        implementer=data.get("implementer", ""),
        year=data.get("year"),
        goal_expected=data.get("goal_expected", ""),
        goal_actual=data.get("goal_actual", ""),
        funds=Funds(
            annual=budget["annual"],
            executed=budget["executed"],
            initial=budget.get("initial"),
            weight=budget.get("weight"),
            rate=budget.get("rate_reported"),
            score=budget.get("score_reported"),
        ),
        indicators=[
            Indicator(
                level1=i["level1"],
                level2=i["level2"],
                level3=i["level3"],
                nature=i["op"],
                target=i["target"],
                unit=i["unit"],
                actual=i["actual"],
                weight=i["weight"],
                score=i.get("score_reported"),
                reason=i.get("note"),
            )
            for i in data["indicators"]
        ],
        total_weight=data.get("total_weight"),
        total_score=data.get("total_reported"),
    )


def load_tables(path: str | Path) -> list[Table]:
    """Every table in a parsed-table JSON file, in file order."""
    path = Path(path)
    if not path.is_file():
        raise TableFileError(f"找不到文件：{path}")
    try:
        items = json.loads(path.read_text(encoding="utf-8-sig"))   # a BOM: saved by Notepad
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise ValueError("应为每张表一个对象的列表")
        return [table_from_dict(item) for item in items]
    except RecursionError:
        raise TableFileError(f"无法读取 {path}：不是自评表 JSON（嵌套层数过多）") from None
    except KeyError as err:
        raise TableFileError(f"无法读取 {path}：不是自评表 JSON（缺少 {err.args[0]}）") from None
    except (ValueError, TypeError, AttributeError) as err:
        raise TableFileError(f"无法读取 {path}：不是自评表 JSON（{err}）") from None
