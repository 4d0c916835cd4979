"""The portfolio report of one recalc batch, for a finance bureau: how many tables, the grade
distribution (a native Word chart), the tables with findings and what was found.

It is written from the recalc's JSON (``perfbook recalc … --json result.json``, i.e.
:meth:`RecalcResult.to_dict`), so a batch checked once can be reported on later.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from addin.engine.numbers import round_half_up

from ..readers.tables import UNFILLED
from .model import report_sentence
from .write import ReportError, refuse_existing, render_docx

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
    notes: list[str] = field(default_factory=list)   # entries of the result left out, and why
    positions: list[int] | None = None   # each table's number in the result (default 1, 2 …)

    @property
    def grade_counts(self) -> dict[str, int]:
        counts = Counter(t.get("grade") or (UNFILLED if _not_filled(t) else NO_GRADE) for t in self.tables)
        order = list(GRADES) + sorted(g for g in counts if g not in GRADES and g != NO_GRADE) + [NO_GRADE]
        return {g: counts.get(g, 0) for g in order if g in GRADES or counts.get(g)}

    def _repeats(self, numbers: dict[int, int]) -> str:
        """What the overview says of tables of a project met before in the result (``same_as``):
        counted in every figure, so said with their numbers, to be checked."""
        first: dict[str, int] = {}   # (the first table of a sheet: same_as names a file and sheet)
        for t in self.tables:
            first.setdefault(f"{t.get('file', '')}［{t.get('sheet', '')}］", numbers[id(t)])
        pairs = [(numbers[id(t)], first.get(t["same_as"])) for t in self.tables if t.get("same_as")]
        if not pairs:
            return ""
        said = "、".join(f"#{n}与#{m}" if m else f"#{n}" for n, m in pairs)
        return (f"其中有{len(pairs)}张表与前面的表项目名称和主管部门相同，可能重复报送（{said}），"
                "本报告的各项统计都计入了这些表，请核实后剔除重复的表。")

    def context(self) -> dict:
        n = len(self.tables)
        flagged = [t for t in self.tables if t.get("findings")]
        blank = [t for t in self.tables if _not_filled(t)]
        findings = sum(len(t["findings"]) for t in flagged)
        changed = [t for t in self.tables if t.get("reported_total") is not None and t.get("computed_total") is not None
                   and round(float(t["reported_total"]), 2) != round(float(t["computed_total"]), 2)]
        counts = self.grade_counts
        share = lambda c: f"{round_half_up(Decimal(c) * 100 / n, 1):.1f}%" if n else "—"  # noqa: E731  (21.25% is 21.3%)
        kinds: dict[str, dict] = {}
        numbers = {id(t): i for t, i in zip(self.tables, self.positions or range(1, n + 1))}
        for t in flagged:
            for f in t["findings"]:
                k = kinds.setdefault(f["kind"], {"label": f.get("label") or f["kind"], "count": 0, "tables": []})
                k["count"] += 1
                if numbers[id(t)] not in k["tables"]:
                    k["tables"].append(numbers[id(t)])
        failed = sum(1 for u in self.unreadable if not u.get("skipped"))   # (not the lock files, PDFs …)
        files = len({t.get("file") for t in self.tables}) + failed
        skipped = len(self.unreadable) - failed
        # a batch with 评分表 or yearly tables (their JSON names a framework) is not all 自评表
        noun = "自评表" if not any(t.get("framework") for t in self.tables) else "表"
        overview = (f"本次共复核{files}个文件中的{n}张{noun}"
                    + (f"（另有{failed}个文件无法读取）" if failed else "")
                    + (f"；另有{skipped}个文件按规则未复核（如锁定文件、不是表格的文件、perfbook 的输出）" if skipped else "")
                    + "。" + (f"有{len(blank)}张表尚未填写（{'、'.join(f'#{numbers[id(t)]}' for t in blank)}），未计分；"
                              f"已填写的{n - len(blank)}张表中，{len(flagged)}张发现问题，共{findings}处；"
                              if blank else f"其中{len(flagged)}张表发现问题，共{findings}处；" if flagged
                              else "各表均未发现问题；")
                    + (f"{len(changed)}张表按计分规则重新计算后的总分与填报总分不同。" if changed
                       else "没有表按计分规则重新计算后的总分与填报总分不同。")
                    + (f"复核结果中另有{len(self.notes)}项无法使用，未计入本报告（见“无法读取的文件”）。"
                       if self.notes else "")
                    + self._repeats(numbers))
        distribution = "按重新计算的总分，" + "，".join(f"“{g}”{c}张" for g, c in counts.items()) + "。"
        return {
            "subtitle": f"依据复核结果 {self.source}" if self.source else "复核结果",
            "overview": overview,
            "distribution_text": distribution,
            "chart": CHART_MARK,
            "tables": n,
            "grades": [{"grade": g, "count": c, "share": share(c)} for g, c in counts.items()],
            "findings_text": (f"以下{len(flagged)}张{noun}发现问题（序号为复核顺序，与复核汇总.xlsx“项目”表中的行序一致）："
                              if flagged
                              else f"所有{noun}均未发现问题。"),
            "flagged": [
                {"number": numbers[id(t)], "ordinal": _ordinal(k), "project": t.get("project") or t.get("file", ""),
                 "reported": _score(t.get("reported_total")), "computed": _score(t.get("computed_total")),
                 "grade": t.get("grade") or NO_GRADE, "count": len(t["findings"]),
                 "where": f"文件：{t.get('file', '')}" + (f"（工作表“{t['sheet']}”）" if t.get("sheet") else ""),
                 "findings": [f"{t.get('sheet', '')}!{f['cell']}：{report_sentence(f['message'])}" if f.get("cell")
                              else report_sentence(f["message"]) for f in t["findings"]]}
                for k, t in enumerate(flagged, start=1)
            ],
            "kinds": [{"label": k["label"], "count": k["count"], "tables": "、".join(f"#{x}" for x in k["tables"])}
                      for k in sorted(kinds.values(), key=lambda k: -k["count"])],
            "unreadable": [f"{u['file']}：{u['message']}" for u in self.unreadable] + self.notes,
            "footnote": "本报告依据复核结果编写；各表问题详见复核汇总.xlsx 和带批注的复核副本。",
        }


def _not_filled(table: dict) -> bool:
    return table.get("status") == UNFILLED


def portfolio_data(result: dict, source: str = "") -> PortfolioData:
    """The portfolio's data from a recalc result dict (:meth:`RecalcResult.to_dict`). An entry not
    as recalc writes it (a total edited to 九十, findings that are not a list) is left out and
    said in ``notes``, as ``targets check --last-year`` does: one edit does not cost the report.
    Raises :class:`ReportError` when there are no ``tables``, when no entry is usable, or when
    there is nothing to report (no table and no file left unread)."""
    name = source or "输入"
    if isinstance(result, dict) and isinstance(result.get("projects"), list) and "tables" not in result:
        raise ReportError(f"{name} 是 perfbook targets check（绩效目标审核）的结果，不是复核结果："
                          "批次汇总报告读取 perfbook recalc --json 写出的 JSON")
    if not isinstance(result, dict) or not isinstance(result.get("tables"), list):
        raise ReportError(f"{name} 不是 perfbook recalc 的 JSON 结果（缺少 tables，即各张表的复核结果）")
    tables, positions, unreadable, problems = [], [], [], []
    for n, table in enumerate(result["tables"], start=1):
        problem = _table_problem(table)
        if problem:
            label = (table.get("project") or table.get("file")) if isinstance(table, dict) else None
            shown = f"（{label}）" if isinstance(label, str) and label else ""
            problems.append(f"tables 第 {n} 项{shown}{problem}")
        else:
            tables.append(table)
            positions.append(n)
    listed = result.get("unreadable") or []
    if not isinstance(listed, list):
        problems.append("unreadable 不是无法读取的文件列表")
        listed = []
    for n, entry in enumerate(listed, start=1):
        if isinstance(entry, dict) and isinstance(entry.get("file"), str) and isinstance(entry.get("message"), str):
            unreadable.append(entry)
        else:
            problems.append(f"unreadable 第 {n} 项不是无法读取的文件（应有文字 file 和 message）")
    if problems and not tables and not unreadable:
        raise ReportError(f"{name} 不是 perfbook recalc 的 JSON 结果（{problems[0]}）")
    if not tables and not unreadable:   # (a recalc of a folder with nothing in it: no batch to report on)
        raise ReportError(f"{name} 中没有复核过的表，也没有无法读取的文件，没有可写入批次汇总报告的内容")
    notes = [f"{name} 中 {p}，未计入本报告" for p in problems]
    return PortfolioData(source, tables, unreadable, notes, positions)


def _table_problem(table: object) -> str:
    """What in one ``tables`` entry is not as :meth:`RecalcResult.to_dict` writes it ('' if nothing)."""
    def number(value: object) -> bool:
        if value is None:
            return True
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        try:
            return math.isfinite(float(value))
        except OverflowError:   # an integer of hundreds of digits
            return False

    if not isinstance(table, dict):
        return "不是对象"
    findings = table.get("findings") or []
    if not isinstance(findings, list) or not all(isinstance(f, dict) and isinstance(f.get("kind"), str)
                                                  and isinstance(f.get("message"), str) for f in findings):
        return "的 findings 不是问题列表"
    if not all(isinstance(table.get(k), (str, type(None))) for k in ("grade", "file", "project", "sheet", "same_as")):
        return "的项目、文件、工作表或等级不是文字"
    if not (number(table.get("reported_total")) and number(table.get("computed_total"))):
        return "的总分不是数值"
    return ""


def load_result(path: str | Path) -> dict:
    """The recalc result JSON at ``path`` (see :func:`..readers.jsonfile.read_json`)."""
    from ..readers.jsonfile import JsonFileError, read_json

    try:
        return read_json(path, "应为 perfbook recalc --json 写出的结果文件")
    except JsonFileError as err:
        raise ReportError(str(err)) from None


def write_portfolio_report(result_json: str | Path, output: str | Path,
                           overwrite: bool = False) -> tuple[Path, PortfolioData]:
    """The portfolio report of the recalc result ``result_json`` written to ``output`` (an
    existing one replaced only with ``overwrite``)."""
    if Path(output).suffix.lower() != ".docx":
        raise ReportError(f"输出文件应为 .docx：{output}")
    refuse_existing([Path(output)], overwrite)
    data = portfolio_data(load_result(result_json), Path(result_json).name)
    counts = data.grade_counts

    def chart(document) -> None:
        from .chart import add_column_chart

        paragraph = next(p for p in document.paragraphs if p.text == CHART_MARK)
        add_column_chart(paragraph, "复核等级分布", "张数", list(counts), [float(c) for c in counts.values()])

    return render_docx(PORTFOLIO_TEMPLATE, data.context(), output, chart), data
