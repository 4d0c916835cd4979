"""The portfolio report of one recalc batch, for a finance bureau: how many tables, the grade
distribution (a native Word chart), the tables with findings and what was found.

It is written from the recalc's JSON (``perfbook recalc … --json result.json``, i.e.
:meth:`RecalcResult.to_dict`), so a batch checked once can be reported on later.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .write import ReportError, render_docx

PORTFOLIO_TEMPLATE = "report_portfolio.docx"
GRADES = ("优", "良", "中", "差")
NO_GRADE = "无法计算"
CHART_MARK = "〔等级分布图〕"
NUMERALS = "一二三四五六七八九十"


def _ordinal(n: int) -> str:
    """一, 二 … 十一 … 九十九 for the subsections; plain digits from 100 on."""
    if n >= 100:
        return str(n)
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def _score(value: object) -> str:
    return "—" if value is None else f"{float(value):.2f}"


@dataclass
class PortfolioData:
    source: str
    tables: list[dict]
    unreadable: list[dict] = field(default_factory=list)

    @property
    def grade_counts(self) -> dict[str, int]:
        counts = Counter(t.get("grade") or NO_GRADE for t in self.tables)
        order = list(GRADES) + sorted(g for g in counts if g not in GRADES and g != NO_GRADE) + [NO_GRADE]
        return {g: counts.get(g, 0) for g in order if g in GRADES or counts.get(g)}

    def context(self) -> dict:
        n = len(self.tables)
        flagged = [t for t in self.tables if t.get("findings")]
        findings = sum(len(t["findings"]) for t in flagged)
        changed = [t for t in self.tables if t.get("reported_total") is not None and t.get("computed_total") is not None
                   and round(float(t["reported_total"]), 2) != round(float(t["computed_total"]), 2)]
        counts = self.grade_counts
        share = lambda c: f"{c / n * 100:.1f}%" if n else "—"  # noqa: E731
        kinds: dict[str, dict] = {}
        numbers = {id(t): i for i, t in enumerate(self.tables, start=1)}
        for t in flagged:
            for f in t["findings"]:
                k = kinds.setdefault(f["kind"], {"label": f.get("label") or f["kind"], "count": 0, "tables": []})
                k["count"] += 1
                if numbers[id(t)] not in k["tables"]:
                    k["tables"].append(numbers[id(t)])
        failed = sum(1 for u in self.unreadable if not u.get("skipped"))   # (not the lock files, PDFs …)
        files = len({t.get("file") for t in self.tables}) + failed
        overview = (f"本次共复核{files}个文件中的{n}张自评表"
                    + (f"（另有{failed}个文件无法读取）" if failed else "")
                    + f"。其中{len(flagged)}张表发现问题，共{findings}处；"
                    + f"{len(changed)}张表按计分规则重新计算后的总分与填报总分不同。")
        distribution = "按重新计算的总分，" + "，".join(f"“{g}”{c}张" for g, c in counts.items()) + "。"
        return {
            "subtitle": f"依据 {self.source}" if self.source else "复核结果",
            "overview": overview,
            "distribution_text": distribution,
            "chart": CHART_MARK,
            "tables": n,
            "grades": [{"grade": g, "count": c, "share": share(c)} for g, c in counts.items()],
            "findings_text": (f"以下{len(flagged)}张自评表发现问题（序号为复核顺序）：" if flagged
                              else "所有自评表均未发现问题。"),
            "flagged": [
                {"number": numbers[id(t)], "ordinal": _ordinal(k), "project": t.get("project") or t.get("file", ""),
                 "reported": _score(t.get("reported_total")), "computed": _score(t.get("computed_total")),
                 "grade": t.get("grade") or NO_GRADE, "count": len(t["findings"]),
                 "findings": [f"{t.get('sheet', '')}!{f['cell']}：{f['message']}" if f.get("cell") else f["message"]
                              for f in t["findings"]]}
                for k, t in enumerate(flagged, start=1)
            ],
            "kinds": [{"label": k["label"], "count": k["count"], "tables": "、".join(f"#{x}" for x in k["tables"])}
                      for k in sorted(kinds.values(), key=lambda k: -k["count"])],
            "unreadable": [f"{u['file']}：{u['message']}" for u in self.unreadable],
            "footnote": "本报告由 perfbook 依据复核结果生成；各表问题详见复核汇总.xlsx 和带批注的复核副本。",
        }


def portfolio_data(result: dict, source: str = "") -> PortfolioData:
    """The portfolio's data from a recalc result dict (:meth:`RecalcResult.to_dict`)."""
    if not isinstance(result, dict) or not isinstance(result.get("tables"), list):
        raise ReportError(f"{source or '输入'} 不是 perfbook recalc 的 JSON 结果（缺少 tables）")
    problem = _shape_problem(result["tables"], result.get("unreadable") or [])
    if problem:
        raise ReportError(f"{source or '输入'} 不是 perfbook recalc 的 JSON 结果（{problem}）")
    return PortfolioData(source, result["tables"], result.get("unreadable") or [])


def _shape_problem(tables: object, unreadable: object) -> str:
    """What in a recalc result is not as :meth:`RecalcResult.to_dict` writes it ('' if nothing)."""
    def number(value: object) -> bool:
        return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))

    for n, table in enumerate(tables, start=1):
        if not isinstance(table, dict):
            return f"tables 第 {n} 项不是对象"
        findings = table.get("findings") or []
        if not isinstance(findings, list) or not all(isinstance(f, dict) and isinstance(f.get("kind"), str)
                                                      and isinstance(f.get("message"), str) for f in findings):
            return f"tables 第 {n} 项的 findings 不是问题列表"
        if not all(isinstance(table.get(k), (str, type(None))) for k in ("grade", "file", "project", "sheet")):
            return f"tables 第 {n} 项的项目、文件、工作表或等级不是文字"
        if not (number(table.get("reported_total")) and number(table.get("computed_total"))):
            return f"tables 第 {n} 项的总分不是数值"
    if not isinstance(unreadable, list) or not all(isinstance(u, dict) and "file" in u and "message" in u
                                                   for u in unreadable):
        return "unreadable 不是无法读取的文件列表"
    return ""


def load_result(path: str | Path) -> dict:
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))   # a BOM: saved by Notepad
    except OSError as err:
        raise ReportError(f"无法打开 {path}：{err.strerror or err}") from None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as err:
        raise ReportError(f"{path} 不是有效的 JSON：{type(err).__name__}") from None


def write_portfolio_report(result_json: str | Path, output: str | Path) -> tuple[Path, PortfolioData]:
    """The portfolio report of the recalc result ``result_json`` written to ``output``."""
    if Path(output).suffix.lower() != ".docx":
        raise ReportError(f"输出文件应为 .docx：{output}")
    data = portfolio_data(load_result(result_json), Path(result_json).name)
    counts = data.grade_counts

    def chart(document) -> None:
        from .chart import add_column_chart

        paragraph = next(p for p in document.paragraphs if p.text == CHART_MARK)
        add_column_chart(paragraph, "自评等级分布", "张数", list(counts), [float(c) for c in counts.values()])

    return render_docx(PORTFOLIO_TEMPLATE, data.context(), output, chart), data
