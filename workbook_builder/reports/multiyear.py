"""The data of a multi-year evaluation's report (seed 004), built from its recalculation.

:func:`multiyear_report_data` turns one sheet of yearly budget tables
(:class:`~..readers.multiyear.ReadYears`) and its recalc report into a :class:`MultiYearReportData`,
whose :meth:`~MultiYearReportData.context` fills ``templates/report_multiyear.docx``: the national
outline with each year's budget table (预算数（调整前/调整后）, 实际支出, 备注) and 执行率, the
inconsistencies found in them, the yearly scores, their average and its grade. Figures are
recomputed by :func:`addin.engine.frameworks.evaluate_years`; when the yearly scores are not
published (seed 004) the average is the reported one and the report says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from addin.engine import PerfError, get_profile
from addin.engine.findings import fmt
from addin.engine.frameworks import evaluate_years
from addin.engine.frameworks.multiyear import COLUMNS, amount_text, rate_text
from addin.engine.numbers import round_half_up, to_decimal

from ..readers.multiyear import ReadYears
from ..recalc.result import TableReport
from .model import NUMERALS, bands_text, cell_text, corrections_of, narrative_context, points, require

UNPUBLISHED = "未公布"   # no year's score published (seed 004): the average is the table's
UNFILLED = "未填写"     # a year left blank beside scored ones


def money(value: object) -> str:
    """An amount in 万元 as budget tables write it: two decimals (150.10), more when typed."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "—"
    try:
        number = to_decimal(value, "金额")
    except PerfError:
        return cell_text(value)
    return amount_text(number)


def _decimal(value: object) -> Decimal | None:
    try:
        return to_decimal(value, "金额")
    except PerfError:
        return None


@dataclass
class YearBlock:
    """One year: its budget table as typed, 执行率 and score (None: not published)."""

    year: int
    rows: list[dict[str, str]]          # name, before, after, actual, note; the total first
    before: Decimal | None
    after: Decimal | None
    actual: Decimal | None
    rate: Decimal | None                # 实际支出 ÷ 预算数（调整后）
    score: Decimal | None
    findings: list[str] = field(default_factory=list)
    unsettled: bool = False             # its detail rows disagree with its total: the total is in doubt

    @property
    def rate_shown(self) -> str:
        return "—" if self.rate is None else rate_text(self.rate)

    @property
    def execution(self) -> str:
        """The year's 执行 sentence."""
        if self.after is None or self.actual is None:
            return f"{self.year}年预算或实际支出未填写，执行率无法计算。"
        text = (f"{self.year}年预算数（调整前）{money(self.before)}万元，预算数（调整后）{money(self.after)}万元，"
                f"实际支出{money(self.actual)}万元，执行率{self.rate_shown}")
        if self.rate is not None and self.rate > 1:
            text += "，实际支出超过调整后预算"
            if self.unsettled:   # (seed 004's 2020: its 150.10 is not what its rows add up to)
                text += "（该年明细行与合计行不一致，合计数待核实，超支情况以核实后的数据为准）"
        elif self.rate is not None and self.rate < 1:
            text += f"，{money(self.after - self.actual)}万元未执行"
        note = self.rows[0]["note"] if self.rows else ""
        return text + (f"（备注：{note}）" if note else "") + "。"


@dataclass
class MultiYearReportData:
    """Everything a multi-year evaluation's report states, all figures recomputed."""

    TEMPLATE: ClassVar[str] = "report_multiyear.docx"

    project: str
    profile: str
    profile_name: str
    bands: str
    years: list[YearBlock]
    total: Decimal | None               # the average score
    grade: str | None
    reported_total: Decimal | None
    corrections: list[dict[str, str]] = field(default_factory=list)
    narrative: dict[str, list[str]] = field(default_factory=dict)

    @property
    def span(self) -> str:
        years = [y.year for y in self.years]   # (in order: see readers.multiyear)
        if not years:
            return "评价期间"
        if years != list(range(years[0], years[-1] + 1)):   # (a year missing between: 2020、2022年)
            return "、".join(map(str, years)) + "年"
        return f"{years[0]}年" if len(years) == 1 else f"{years[0]}-{years[-1]}年"

    @property
    def published(self) -> bool:
        """Whether the yearly scores are given (then the average is computed from them)."""
        return any(y.score is not None for y in self.years)

    @property
    def no_score(self) -> str:
        """What a year without a score shows: 未公布 where no year's is given, else 未填写."""
        return UNFILLED if self.published else UNPUBLISHED

    def _sum(self, attr: str) -> Decimal | None:
        values = [getattr(y, attr) for y in self.years]
        return None if not values or None in values else sum(values, Decimal(0))

    def context(self) -> dict:
        after, actual = self._sum("after"), self._sum("actual")
        try:
            rate = round_half_up(actual / after, 4) if after and actual is not None else None
        except PerfError:   # (a total budget of 1e-15 against a real amount: no rate to state)
            rate = None
        one = len(self.years) == 1   # (a multi-year sheet filled for one year: no 共1个年度, no average)
        covered = f"{self.span}度" if one else f"{self.span}共{len(self.years)}个年度"
        overview = f"{self.project or '本项目'}的绩效评价覆盖{covered}。"
        if after is not None and actual is not None:
            overview += (f"各年度预算数（调整后）合计{money(after)}万元，实际支出合计{money(actual)}万元，"
                         + (f"总体执行率{rate_text(rate)}。" if rate is not None else "总体执行率无法计算。"))
        method = (f"本次评价覆盖{covered}：逐年核对预算及支出表（明细行之和应与合计行一致，"
                  f"执行率=实际支出÷预算数（调整后）），以各年度评价得分的平均分作为综合得分，"
                  f"按“{self.profile_name}”的等级区间评定等级：{self.bands}。")
        if self.total is None and self.published:   # (a year blank or out of range: see the problems)
            conclusion = "各年度得分不全或有误（见存在的问题），综合得分无法计算。"
        elif self.total is None:
            conclusion = "评价表未给出各年度得分和平均得分，综合得分无法计算。"
        else:
            conclusion = f"经评价，{self.span}度{'' if one else '平均'}得分为{fmt(self.total)}分，评价等级为“{self.grade}”。"
            if not self.published:
                conclusion += "各年度得分未单独公布，平均得分取自评价表。"
        score_rows = [{"name": f"{y.year}年度", "score": self.no_score if y.score is None else points(y.score)}
                      for y in self.years]
        return {
            "project": self.project or "—",
            "span": self.span,
            "overview": overview,
            "years": [{"title": f"{y.year}年预算及支出情况", "rows": y.rows, "rate": y.rate_shown,
                       "execution": y.execution} for y in self.years],
            "method": method,
            "conclusion": conclusion,
            "score_rows": score_rows,
            "average": points(self.total),
            "execution_rows": [{"year": f"{y.year}年", "before": money(y.before), "after": money(y.after),
                                "actual": money(y.actual), "rate": y.rate_shown} for y in self.years],
            "execution_total": {"before": money(self._sum("before")), "after": money(after),
                                "actual": money(actual), "rate": "—" if rate is None else rate_text(rate)},
            "corrections": [dict(c, number=n) for n, c in enumerate(self.corrections, start=1)],
            "corrections_intro": self.corrections_intro,
            "analysis": self.analysis,
            "shortfalls": self.shortfalls,
            "narrative": self.narrative,
            "footnote": "本报告中的数字从各年度预算及支出表重新核算。",
        }

    @property
    def corrections_intro(self) -> str:
        if self.reported_total is not None and self.total is not None and self.reported_total != self.total:
            return (f"复核说明：评价表填报平均得分为{fmt(self.reported_total)}分，按各年度得分重新计算为"
                    f"{fmt(self.total)}分，本报告采用重新计算的得分。复核发现以下问题：")
        return "复核说明：核对各年度预算及支出表，发现以下不一致（本报告如实列出表中数字）："

    @property
    def analysis(self) -> list[dict]:
        """(一) the yearly execution, (二) the yearly scores and the average."""
        scores = [f"{y.year}年度得分：{self.no_score if y.score is None else fmt(y.score) + '分'}。" for y in self.years]
        if self.total is not None:
            how = "各年度得分的平均" if self.published else "评价表给出的平均得分"
            scores.append(f"{self.span}度平均得分{fmt(self.total)}分（{how}），评价等级为“{self.grade}”。")
        groups = [{"title": "各年度预算执行情况", "lines": [y.execution for y in self.years], "table": True},
                  {"title": "各年度评价得分", "lines": scores, "table": False}]
        for ordinal, group in zip(NUMERALS, groups):
            group["ordinal"] = ordinal
        return groups

    @property
    def shortfalls(self) -> list[str]:
        lines = [f"{y.year}年：" + "；".join(y.findings) + "。" for y in self.years if y.findings]
        return lines or ["各年度预算及支出表未发现不一致。"]


def _places(read: ReadYears) -> dict[str, str]:
    """Cell address → what it holds (2020年合计行的预算数（调整后）, 平均得分 …)."""
    labels = {**COLUMNS, "name": "项目及明细", "note": "备注"}
    by_year = {y.year: y for y in read.years}
    places = {}
    for key, address in read.cells.items():
        if key[0] == "year" and len(key) == 4 and key[1] in by_year:
            year = by_year[key[1]]
            line = "合计行" if key[2] == 0 else f"“{cell_text(year.details[key[2] - 1].name)}”"
            places[address] = f"{key[1]}年{line}的{labels.get(key[3], key[3])}"
        elif key[0] == "year" and len(key) == 3:
            places[address] = f"{key[1]}年度得分"
        elif key == ("summary", "score"):
            places[address] = "平均得分"
        elif key == ("summary", "grade"):
            places[address] = "评价等级"
    return places


def multiyear_report_data(read: ReadYears, report: TableReport,
                          narrative: Mapping[str, list[str]] | None = None) -> MultiYearReportData:
    """The report's data for one sheet of yearly budget tables recalculated with
    :func:`~..recalc.evaluation.report_years` (``report``: its located findings and profile)."""
    result = evaluate_years(read.years, read.average, read.grade, report.profile)
    places = _places(read)
    corrections = corrections_of(report, places)
    problems: dict[int, list[str]] = {}
    unsettled = {f.year for f in result.findings if f.finding.kind == "budget_rows_sum"}
    for f in result.findings:
        if f.year is not None:
            problems.setdefault(f.year, []).append(f.finding.message.removeprefix(f"{f.year}年"))
    blocks = []
    for year, computed in zip(read.years, result.years):
        lines = [year.total, *year.details]
        rows = [{"name": cell_text(line.name), "before": money(line.before), "after": money(line.after),
                 "actual": money(line.actual), "note": cell_text(line.note)} for line in lines]
        blocks.append(YearBlock(
            year.year, rows, _decimal(year.total.before), _decimal(year.total.after), _decimal(year.total.actual),
            computed.exec_rate, None if year.score in (None, "") else _decimal(year.score),
            problems.get(year.year, []), year.year in unsettled))
    profile = get_profile(report.profile)
    return MultiYearReportData(
        project=cell_text(read.project), profile=profile.id, profile_name=profile.name, bands=bands_text(profile),
        years=blocks, total=result.average, grade=result.grade,
        reported_total=None if report.reported_total is None else Decimal(str(report.reported_total)),
        corrections=corrections, narrative=require(narrative or narrative_context(None), "goals"),
    )
