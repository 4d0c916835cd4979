"""Tables from the parsed-table JSON (the format of ``samples/chaoyang-2024/tables_1-30.json``)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from addin.engine import UserError
from addin.engine.table import Funds, Indicator, Table


class TableFileError(UserError):
    """A parsed-table JSON file that cannot be read."""


class JsonFileError(UserError):
    """A JSON input (parsed tables, a recalc result) that cannot be read; the message is a
    Chinese sentence naming the file."""


# What Python's JSON decoder says (its ``msg``, before the position), in Chinese.
_JSON_REASONS = (
    ("Expecting value", "缺少值，或有多余的逗号"),
    ("Expecting property name", "应为用英文双引号括起的键名，或有多余的逗号"),
    ("Expecting ','", "缺少逗号"),
    ("Expecting ':'", "缺少冒号"),
    ("Unterminated string", "开始的文字没有结束的引号"),
    ("Invalid control character", "有控制字符（文字中的换行应写成 \\n）"),
    ("Invalid \\", "的反斜杠转义无效（文字中的 \\ 应写成 \\\\）"),
    ("Extra data", "有多余的内容（JSON 已在此前结束）"),
)


def read_json(path: str | Path, instead: str = "") -> object:
    """The JSON value of the file ``path``: a regular file of bounded size (never a pipe or a
    folder, which could block), UTF-8 with or without a BOM, or GB18030 as Notepad saves "ANSI"
    on Chinese Windows. Raises :class:`JsonFileError` in Chinese, with the line and column of a
    syntax error (Python's own texts are English); a workbook or Word file given instead is said
    to be one, with ``instead`` (what to do with it)."""
    from ..files import decoded
    from .container import OLE, UnreadableFile, read_regular, reason_of_one

    if not os.path.lexists(path):
        raise JsonFileError(f"找不到文件：{path}")
    try:
        raw = read_regular(path)
    except UnreadableFile as err:   # (the container's reason, said of a file skipped in a batch)
        raise JsonFileError(f"无法读取 {path}：{reason_of_one(err)}") from None
    if raw.startswith((b"PK\x03\x04", OLE)):   # (a zip or OLE file: xlsx, xls, ods, docx …)
        raise JsonFileError(f"{path} 是表格、Word 文件或压缩包，不是 JSON" + (f"：{instead}" if instead else ""))
    text = None if b"\x00" in raw else decoded(raw, ("utf-8-sig", "gb18030"))
    if text is None:
        raise JsonFileError(f"{path} 不是文本文件，不是 JSON（应为 UTF-8 编码的文本）")
    try:
        value = json.loads(text)
        return _without_surrogates(value) if _SURROGATE_ESCAPE.search(text) else value   # (only a \\uD8xx… makes one)
    except json.JSONDecodeError as err:
        reason = next((zh for en, zh in _JSON_REASONS if err.msg.startswith(en)), "格式不对")
        raise JsonFileError(f"{path} 不是有效的 JSON：第 {err.lineno} 行第 {err.colno} 列处{reason}") from None
    except RecursionError:
        raise JsonFileError(f"{path} 不是有效的 JSON：括号嵌套层数过多") from None
    except ValueError:   # an integer of thousands of digits (int_max_str_digits)
        raise JsonFileError(f"{path} 不是有效的 JSON：有位数过多的数字") from None


_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")   # how a JSON text writes one


def _without_surrogates(value: object) -> object:
    """``value`` with each lone surrogate of its texts (``"\\udcff"`` in a JSON written by hand or
    by another program) written out as its escape: no XML can hold one (a Word report had been cut
    off at it, silently), nor can a terminal."""
    if isinstance(value, str):
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", value) if _SURROGATE.search(value) else value
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


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
    """Every table in a parsed-table JSON file, in file order. Raises :class:`TableFileError`
    naming the file and, for a table not of the format, its number and project."""
    try:
        items = read_json(path, "复核报送的表格请用 perfbook recalc")
    except JsonFileError as err:
        raise TableFileError(str(err)) from None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise TableFileError(f"无法读取 {path}：不是自评表 JSON（应为每张表一个对象的列表）")
    tables = []
    for number, item in enumerate(items, start=1):
        name = item.get("project")
        where = f"第 {number} 张表" + (f"（{name}）" if isinstance(name, str) and name else "")
        indicators = item.get("indicators", [])
        try:
            if not isinstance(item.get("budget", {}), dict):
                raise ValueError("budget 应为资金对象（含 annual、executed）")
            if not isinstance(indicators, list) or not all(isinstance(i, dict) for i in indicators):
                raise ValueError("indicators 应为指标对象的列表")
            tables.append(table_from_dict(item))
        except KeyError as err:
            raise TableFileError(f"无法读取 {path}：不是自评表 JSON（{where}缺少 {err.args[0]}）") from None
        except (ValueError, TypeError, AttributeError) as err:
            detail = err if isinstance(err, ValueError) else "内容不是自评表的格式"
            raise TableFileError(f"无法读取 {path}：不是自评表 JSON（{where}：{detail}）") from None
    return tables
