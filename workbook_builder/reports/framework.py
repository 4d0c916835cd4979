"""The data of a framework evaluation's report (评价指标体系评分表), built from its recalculation.

:func:`framework_report_data` turns one read 评分表 (:class:`~..readers.evaluation.ReadEvaluation`)
and its recalc report into a :class:`FrameworkReportData`, whose :meth:`~FrameworkReportData.context`
fills ``templates/report_framework.docx``: the national outline, with the 一级指标 as the
subsections of 四、绩效评价指标分析 and in each every 三级指标 with its 评价标准, recomputed
score and 扣分原因; the score table by 一级 (满分值, 评估得分, 总计), the total and the grade. Every
score is the one the framework's methods give (see :func:`addin.engine.frameworks.evaluate_form`);
what the recalculation corrected is listed with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import ClassVar

from addin.engine import PerfError, get_profile
from addin.engine.findings import fmt, is_blank_reason
from addin.engine.frameworks import METHODS, evaluate_form
from addin.engine.natures import parse_weight

from ..readers.evaluation import ReadEvaluation, framework_of
from ..recalc.result import TableReport
from .model import (NUMERALS, ScoreRow, bands_text, cell_text, corrections_of, narrative_context, require,
                    scored_sections)

# What a column of the 评分表 holds, for saying where a correction stands.
FIELD_LABELS = {"score": "自评得分", "reason": "扣分原因", "points": "分值", "weight": "分值", "criterion": "评价标准",
                "met": "达成项", "value": "实际值", "planned": "计划值", "deductions": "扣分", "name": "三级指标"}


@dataclass
class ItemLine:
    """One 三级指标 as the report states it (score recomputed)."""

    level1: str
    level2: str
    name: str
    points: Decimal | None
    score: Decimal | None
    criterion: str
    method: str          # 逐项计分 …, "" when the points cannot be read
    basis: str           # the inputs the score rests on: 达成项①②④, 实际值…/计划值…, 扣分…
    reason: str
    filled: bool = True  # False: nothing typed in the row (no score, no inputs)

    @property
    def lost(self) -> Decimal | None:
        if self.points is None or self.score is None:
            return None
        return self.points - self.score

    def line(self) -> str:
        weight = "—" if self.points is None else fmt(self.points)
        score = f"得分{fmt(self.score)}分" if self.score is not None else "无法计分" if self.filled else "未填写"
        text = f"{self.name}：分值{weight}分，{score}。"
        if self.criterion:
            text += f"评价标准：{self.criterion.rstrip('.。；;，,')}。"
        if self.basis:
            text += f"评价依据：{self.basis}。"
        if self.lost:
            if is_blank_reason(self.reason):
                text += f"扣{fmt(self.lost)}分，评分表未写明扣分原因。"
            else:
                text += f"扣{fmt(self.lost)}分，扣分原因：{self.reason}"
        return text


@dataclass
class FrameworkReportData:
    """Everything a framework evaluation's report states, all scores recomputed."""

    TEMPLATE: ClassVar[str] = "report_framework.docx"

    project: str
    framework: str          # the framework's name, or how the sheet names it
    framework_source: str
    profile: str
    profile_name: str
    bands: str
    items: list[ItemLine]
    score_rows: list[ScoreRow]
    total: Decimal | None     # None when an item cannot be scored
    grade: str | None
    reported_total: Decimal | None
    corrections: list[dict[str, str]] = field(default_factory=list)
    narrative: dict[str, list[str]] = field(default_factory=dict)
    filled: bool = True       # False: nothing typed in the 评分表 yet (a blank template)
    header: dict[str, str] = field(default_factory=dict)   # 项目单位, 评价机构, 评价年度 … as the sheet states them

    @property
    def total_weight(self) -> Decimal | None:
        weights = [s.weight for s in self.score_rows]
        return None if None in weights else sum(weights, Decimal(0))

    def context(self) -> dict:
        level2 = list(dict.fromkeys((i.level1, i.level2) for i in self.items))
        counts = {}
        for item in self.items:
            if item.method:
                counts[item.method] = counts.get(item.method, 0) + 1
        methods = "、".join(f"{name}{n}项" for name, n in counts.items())
        first = "、".join(f"{s.name}{_points(s.weight)}分" for s in self.score_rows)
        stated = "，".join(f"{label}为{text}年度" if label == "评价年度" and text.isdigit() else f"{label}为{text}"
                          for label, text in self.header.items())
        overview = (f"{self.project or '本项目'}按{self.framework}开展绩效评价" + (f"，{stated}" if stated else "")
                    + "。指标体系设一级指标"
                    f"{len(self.score_rows)}个（{first}）、二级指标{len(level2)}个、三级指标{len(self.items)}个，"
                    f"满分{_points(self.total_weight)}分。")
        method = (f"本次评价采用{self.framework}" + (f"（依据：{self.framework_source}）" if self.framework_source else "")
                  + f"。各三级指标按其评价标准计分（{methods}），一级指标得分为所属三级指标得分之和；"
                  f"总分按“{self.profile_name}”的等级区间评定等级：{self.bands}。")
        return {
            "project": self.project or "—",
            "framework": self.framework,
            "overview": overview,
            "method": method,
            "conclusion": self.conclusion,
            **scored_sections(self),
            "footnote": "本报告中的得分按评价指标体系的评价标准从评分表重新计算。",
        }

    @property
    def conclusion(self) -> str:
        if not self.filled:
            return "评分表尚未填写（各三级指标均未填写自评得分或计分依据），综合得分和评价等级无法评定，各一级指标分值如下："
        if self.total is None:
            return "评分表中有无法计分的三级指标（见下文复核说明），综合得分无法计算，各一级指标得分如下："
        return f"经评价，本项目综合得分{fmt(self.total)}分，评价等级为“{self.grade}”。各一级指标得分如下："

    @property
    def corrections_intro(self) -> str:
        if self.reported_total is not None and self.total is not None and self.reported_total != self.total:
            return (f"复核说明：评分表填报总分为{fmt(self.reported_total)}分，按评价标准重新计算为"
                    f"{fmt(self.total)}分，本报告采用重新计算的得分。复核发现以下问题：")
        return "复核说明：按评价标准重新计算，评分表中有以下问题（本报告采用重新计算的得分）："

    @property
    def analysis(self) -> list[dict]:
        """One group per 一级指标: its score, then per 二级指标 every 三级 item's line."""
        groups = []
        for ordinal, row in zip(NUMERALS, self.score_rows):
            members = [i for i in self.items if i.level1 == row.name]
            seconds = []
            for number, name in enumerate(dict.fromkeys(i.level2 for i in members), start=1):
                items = [i for i in members if i.level2 == name]
                weights, scores = [i.points for i in items], [i.score for i in items]
                weight = _points(None if None in weights else sum(weights, Decimal(0)))
                score = None if None in scores else sum(scores, Decimal(0))
                seconds.append({
                    "title": f"{number}. {name or '（未写二级指标）'}（分值{weight}分，{_scored(score)}）",
                    "lines": [f"（{n}）{i.line()}" for n, i in enumerate(items, start=1)]})
            groups.append({"ordinal": ordinal,
                           "title": f"{row.name}（分值{_points(row.weight)}分，{_scored(row.score)}）",
                           "seconds": seconds})
        return groups

    @property
    def shortfalls(self) -> list[str]:
        if not self.filled:
            return ["评分表尚未填写，无法分析各项三级指标的得分情况。"]
        short = [i for i in self.items if i.lost or i.score is None]
        if not short:
            return ["各项三级指标均得满分。"]
        parts = []
        for i in short:
            if i.score is None:
                parts.append(f"{i.name}（{'无法计分' if i.filled else '未填写'}）")
                continue
            why = "扣分原因未写明" if is_blank_reason(i.reason) else f"扣分原因：{i.reason.rstrip('。；;')}"
            parts.append(f"{i.name}（分值{fmt(i.points)}分，得分{fmt(i.score)}分，{why}）")
        return ["以下三级指标未得满分：" + "；".join(parts) + "。"]


def _scored(score: Decimal | None) -> str:
    """得分N分 in a heading, or why there is none (a “得分—分” had read as a typing slip)."""
    return "得分无法计算" if score is None else f"得分{fmt(score)}分"


def _points(value: Decimal | None) -> str:
    """分值 or 得分 in prose: 20, 18.5; — when unknown."""
    return "—" if value is None else fmt(value)


def _criterion(text: object) -> str:
    """评价标准 as one paragraph: its lines joined (①…②… run on; other lines with ；)."""
    lines = [line.strip() for line in str(text or "").splitlines() if line.strip()]
    out = ""
    for line in lines:
        if out and not out.endswith(("。", "；", ";", "）", ")")) and line[0] not in "①②③④⑤⑥⑦⑧⑨⑩":
            out += "；"
        out += line
    return cell_text(out)


def _basis(inputs) -> str:
    parts = []
    for key, label in (("met", "达成项"), ("value", "实际值"), ("planned", "计划值"), ("deductions", "扣分")):
        value = cell_text(getattr(inputs, key))
        if value:
            parts.append(f"{label}{value}")
    return "，".join(parts)


def _weight(value: object) -> Decimal | None:
    try:
        return parse_weight(value)
    except PerfError:
        return None


def _places(read: ReadEvaluation) -> dict[str, str]:
    """Cell address → what it holds (三级指标“分配结果”的自评得分, 总分 …)."""
    rows = read.form.rows
    places = {}
    for key, address in read.cells.items():
        if not address:
            continue
        if key[0] == "indicator" and 0 < key[1] <= len(rows):
            places[address] = f"三级指标“{cell_text(rows[key[1] - 1].name)}”的{FIELD_LABELS.get(key[2], key[2])}"
        elif key[0] in ("level1", "level2") and 0 < key[1] <= len(rows):
            row = rows[key[1] - 1]
            name = row.level1 if key[0] == "level1" else row.level2
            what = "分值" if key[2] == "points" else "小计"
            places.setdefault(address, f"{'一' if key[0] == 'level1' else '二'}级指标“{cell_text(name)}”的{what}")
        elif key[0] == "total":
            places[address] = "总分的" + ("分值" if key[1] == "points" else "得分")
        elif key[0] == "grade":
            places[address] = "评价等级"
        elif key[0] == "rule":
            places[address] = "计分规则"
    return places


def framework_report_data(read: ReadEvaluation, report: TableReport,
                          narrative: Mapping[str, list[str]] | None = None) -> FrameworkReportData:
    """The report's data for one 评分表 recalculated with :func:`~..recalc.evaluation.report_evaluation`
    (``report`` holds its located findings and the rule profile that grades it)."""
    form = replace(read.form, grades_profile=report.profile)
    result = evaluate_form(form)
    items = []
    for row, item in zip(form.rows, result.items):
        items.append(ItemLine(
            cell_text(row.level1) or "其他指标", cell_text(row.level2), cell_text(row.name), _weight(row.points), item.score,
            _criterion(row.criterion), METHODS[item.method].label if item.method else "", _basis(row.inputs),
            cell_text(row.reason), row.filled))
    score_rows = []
    for name in dict.fromkeys(i.level1 for i in items):
        first = next(r for r in form.rows if (cell_text(r.level1) or "其他指标") == name)
        members = [i for i in items if i.level1 == name]
        stated = _weight(first.level1_points)
        weights = [i.points for i in members]
        weight = stated if stated is not None else (None if None in weights else sum(weights, Decimal(0)))
        known = all(i.score is not None for i in members)
        score_rows.append(ScoreRow(name, weight, result.subtotals[first.level1] if known else None))
    framework = framework_of(read)
    profile = get_profile(report.profile)
    places = _places(read)
    return FrameworkReportData(
        project=cell_text(form.project),
        framework=f"“{framework.name}”" if framework else "评分表所列的评价指标体系",
        framework_source=framework.source if framework else "",
        profile=profile.id, profile_name=profile.name, bands=bands_text(profile),
        items=items, score_rows=score_rows, total=result.total, grade=result.grade,
        reported_total=None if report.reported_total is None else Decimal(str(report.reported_total)),
        corrections=corrections_of(report, places),
        narrative=require(narrative or narrative_context(None), "goals"),
        filled=form.filled, header={label: cell_text(text) for label, text in read.header.items()},
    )
