"""The data of a 自评表's evaluation report, built from a recalculation (never typed by hand).

:func:`table_report_data` turns one re-scored table (the engine's
:class:`~addin.engine.table.TableResult` and the recalc's
:class:`~workbook_builder.recalc.result.TableReport`) plus an optional narrative into a
:class:`TableReportData`, whose :meth:`~TableReportData.context` is what the Word template
``templates/report_table.docx`` renders. Every figure is the recomputed one; what the
recalculation corrected is listed with the reason. Other kinds of report (an evaluation
framework, a multi-year evaluation) are one more builder of this shape and one more template.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar
from decimal import Decimal

from addin.engine import PerfError, TableResult, form, get_profile, parse_nature
from addin.engine.errors import UserError
from addin.engine.findings import TRIED_READINGS, fmt, is_blank_reason, pct
from addin.engine.natures import QUALITATIVE
from addin.engine.frameworks.multiyear import amount_text
from addin.engine.numbers import round_half_up, to_decimal

from ..recalc.result import TableReport

FUNDS_ROW = "项目年度预算执行情况"   # the 评价内容 of the funds row in the score table (seed 000)
TOTAL_ROW = "总计"
NUMERALS = "一二三四五六七八九十"

# The narrative file's sections: Chinese key → (context key, what the placeholder asks for).
NARRATIVE_SECTIONS = {
    "项目概况": ("background", "项目背景、主要内容及实施情况"),
    "绩效目标": ("goals", "项目绩效目标"),
    "评价目的": ("purpose", "绩效评价目的、对象和范围"),
    "评价方法": ("method", "绩效评价原则、指标体系、方法和标准的补充说明"),
    "工作过程": ("process", "绩效评价工作过程"),
    "评价结论": ("conclusion", "综合评价结论的补充说明"),
    "指标分析": ("analysis", "绩效指标分析的补充说明"),
    "经验做法": ("experience", "主要经验及做法"),
    "存在问题": ("problems", "存在的问题及原因分析"),
    "有关建议": ("suggestions", "有关建议"),
    "其他问题": ("other", "其他需要说明的问题"),
}
# Sections that stay empty (no placeholder) when the narrative does not fill them: the data
# already says something there (a 自评表 states its goals; reports without them ask for them).
OPTIONAL_SECTIONS = {"goals", "method", "conclusion", "analysis"}


class NarrativeError(UserError):
    """A narrative file that cannot be used (not TOML, unknown section, not text)."""


PLACEHOLDER = re.compile(r"【待填写：[^】]*】")   # what a section with nothing to say holds, to be written


def placeholder(label: str) -> str:
    return f"【待填写：{label}】"


def placeholders_in(value: object) -> int:
    """How many placeholders a report's context (strings, lists and dicts of them) holds."""
    if isinstance(value, str):
        return len(PLACEHOLDER.findall(value))
    if isinstance(value, dict):
        return sum(placeholders_in(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(placeholders_in(v) for v in value)
    return 0


def narrative_context(narrative: Mapping[str, object] | None, source: str = "叙述文件") -> dict[str, list[str]]:
    """Paragraphs per section, from a mapping of the Chinese section names to text (paragraphs
    separated by blank lines); a section left out gets a marked placeholder."""
    narrative = dict(narrative or {})
    unknown = [k for k in narrative if k not in NARRATIVE_SECTIONS]
    if unknown:
        raise NarrativeError(f"{source} 中的“{'、'.join(unknown)}”不是报告的章节；可用的章节："
                             + "、".join(NARRATIVE_SECTIONS))
    out: dict[str, list[str]] = {}
    for name, (key, label) in NARRATIVE_SECTIONS.items():
        text = narrative.get(name)
        if text is not None and not isinstance(text, str):
            raise NarrativeError(f"{source} 中“{name}”的内容应为文字")
        paragraphs = [p for block in re.split(r"\n\s*\n", text or "") for p in _paragraphs(block.splitlines())]
        out[key] = paragraphs or ([] if key in OPTIONAL_SECTIONS else [placeholder(label)])
    return out


# A line that begins an item of a list (1. 2、 （一） 一、 ① -): a paragraph of its own
_ITEM = re.compile(r"(?:\d{1,2}[.、．)）](?!\d)|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|[\u2460-\u2473]|[-•·])")


def _paragraphs(lines: list[str]) -> list[str]:
    """The paragraphs of a block of lines (between blank lines): lines joined without a space, as
    Chinese text wraps anywhere, but with one between two ASCII words (English words and more);
    a line that begins a list item (1. 问题一…) begins a paragraph."""
    paragraphs: list[str] = []
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if not paragraphs or _ITEM.match(line):
            paragraphs.append(line)
        else:
            words = _ascii_word(paragraphs[-1][-1]) and _ascii_word(line[0])
            paragraphs[-1] += (" " if words else "") + line
    return paragraphs


def _ascii_word(char: str) -> bool:
    return char.isascii() and char.isalnum()


# What tomllib says (before its position), in Chinese, with how a narrative file is written.
_TOML_REASONS = (
    ("Invalid statement", "无法识别（章节名须用英文双引号括起，如 \"项目概况\" = \"……\"）"),
    ("Expected '=' after a key", "章节名后应为 ="),
    ("Invalid value", "的文字须用英文双引号括起"),
    ("Illegal character", "有不允许的字符（多段文字须用三个英文双引号 \"\"\" 括起）"),
    ("Unterminated string", "的文字没有结束的引号"),
    ("Cannot overwrite a value", "有写了两次的章节"),
)
_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)|\(at end of document\)")
MAX_NARRATIVE_BYTES = 4 * 1024 * 1024   # a narrative is a few pages of text


def read_narrative(path) -> dict[str, list[str]]:
    """The narrative TOML file (see ``samples/narrative.toml``) as :func:`narrative_context`.
    The file is text in UTF-8 (with or without a BOM), UTF-16 with a BOM, or GB18030/GBK as
    Notepad saves "ANSI" on Chinese Windows; anything else (a .docx, a pipe, a folder) and a
    TOML syntax error are a :class:`NarrativeError` naming the file (and the line and column)."""
    import codecs
    import tomllib

    from ..files import decoded
    from ..readers.container import UnreadableFile, read_regular, reason_of_one

    source = f"叙述文件 {path}"
    try:   # a regular file only (a pipe would block), read once and bounded
        raw = read_regular(path, MAX_NARRATIVE_BYTES, empty=True)
    except UnreadableFile as err:   # (the container's reason, said of a file skipped in a batch)
        raise NarrativeError(f"{source} 无法读取：{reason_of_one(err)}") from None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):   # Notepad's "Unicode"
        text = decoded(raw, ("utf-16",))
    else:
        text = None if b"\x00" in raw else decoded(raw, ("utf-8-sig", "gb18030"))
    if text is None:
        kind = "（是 Word、Excel 文档或压缩包）" if raw.startswith(b"PK") else ""
        raise NarrativeError(f"{source} 不是文本文件{kind}：叙述文件应为 TOML 文本，可用记事本编辑；"
                             "示例见 samples/narrative.toml")
    try:
        data = tomllib.loads(text)
    except RecursionError:   # tomllib parses nested tables and arrays by recursion
        raise NarrativeError(f"{source} 中表格或列表的嵌套层数过多，不是叙述文件；示例见 samples/narrative.toml") from None
    except tomllib.TOMLDecodeError as err:
        at = _TOML_AT.search(str(err))
        where = "" if not at else f"第 {at.group(1)} 行第 {at.group(2)} 列" if at.group(1) else "文件末尾"
        reason = next((zh for en, zh in _TOML_REASONS if str(err).startswith(en)), "有语法错误")
        raise NarrativeError(f"{source} 不是有效的 TOML：{where}{reason}；示例见 samples/narrative.toml") from None
    return narrative_context(data, source)


def amount(value: object, per_wan: int = 1) -> str:
    """An amount in 万元 with two decimals, more as typed (120.00, 141.10, 738.62892: never
    rounded away), as the multi-year report writes them; blank as —. ``per_wan``: how many of
    the table's money units make one 万元 (10000 for a form in 元)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "—"
    try:
        return amount_text(to_decimal(value, "金额") / per_wan)
    except PerfError:
        return cell_text(value)


def points(value: Decimal | None) -> str:
    """A score as the score table shows it: two decimals (10.00)."""
    return "—" if value is None else f"{round_half_up(value, 2):.2f}"


# An HTML tag pasted from a web system (<br/>, <p class="x">): a name right after < (a comparison
# sign is followed by a number or a word: 故障响应时间<1小时，可用率>99.9% keeps its text)
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")


def cell_text(value: object) -> str:
    """A cell's text for prose: no HTML tags, spaces collapsed, its lines joined as a narrative's
    (a name wrapped in its cell, 朝阳区政府网站⏎功能…, is one name), 6.0 written 6."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    lines = [" ".join(line.split()) for line in _HTML_TAG.sub(" ", str(value)).splitlines()]
    return " ".join(_paragraphs(lines))   # (a list item's line begins a paragraph: 1.项目延期 2.资金未到位)


def _with_unit(value: object, unit: object) -> str:
    text, unit = cell_text(value), cell_text(unit)
    if not text or not unit or unit == "/" or unit in text or not text[-1].isdigit():
        return text
    return text + unit


@dataclass
class IndicatorRow:
    level1: str
    level2: str
    level3: str
    nature: str
    target: str        # 年度指标值 with nature and unit: ≥6000Mbps, 定性（优良中低差）
    actual: str
    weight: Decimal | None
    score: Decimal | None    # recomputed
    reason: str
    deducted: str = ""       # how an over-target deduction took the score below its base, in words
    worded: bool = False     # the 实际完成值 says more in words than a number and its unit

    @property
    def full(self) -> bool:
        return self.score is not None and self.weight is not None and self.score >= self.weight


@dataclass
class ScoreRow:
    name: str
    weight: Decimal | None
    score: Decimal | None


@dataclass
class TableReportData:
    """Everything a 自评表's report states, all figures recomputed."""

    TEMPLATE: ClassVar[str] = "report_table.docx"

    project: str
    department: str
    implementer: str
    year: int | None
    profile: str
    profile_name: str
    funds: dict[str, str]
    funds_rows: list[dict[str, str]]
    goal_expected: str
    goal_actual: str
    indicators: list[IndicatorRow]
    score_rows: list[ScoreRow]
    total: Decimal | None
    total_weight: Decimal | None
    grade: str | None
    reported_total: Decimal | None
    corrections: list[dict[str, str]] = field(default_factory=list)
    narrative: dict[str, list[str]] = field(default_factory=dict)

    def context(self) -> dict:
        """The template's context (plain strings and lists)."""
        funds = self.funds
        who = "、".join(dict.fromkeys(x for x in (self.department, self.implementer) if x))
        overview = (f"{self.project}" + (f"由{who}实施" if who else "") + "。"
                    f"{self.year_text}全年预算数{funds['annual']}万元，全年执行数{funds['executed']}万元，"
                    f"预算执行率{funds['rate']}。")
        rules = get_profile(self.profile)
        method = (f"本次评价依据项目支出绩效自评表，按“{self.profile_name}”计分规则逐项计分："
                  f"年度资金总额按预算执行率计分，定量指标按实际完成值与年度指标值之比计分，"
                  f"{ladder_text(rules)}定性指标按完成等级计分；等级按总分划分：{bands_text(rules)}。")
        return {
            "project": self.project,
            "department": self.department or "—",
            "implementer": self.implementer or "—",
            "year_text": self.year_text,
            "overview": overview,
            "funds_rows": self.funds_rows,
            "goal_expected": self.goal_expected or placeholder("年度总体目标"),
            "goal_actual": self.goal_actual,
            "indicator_count": len(self.indicators),
            "indicators": [
                {"level1": i.level1, "level2": i.level2, "level3": i.level3, "target": i.target,
                 "actual": i.actual, "weight": points(i.weight), "score": points(i.score)}
                for i in self.indicators
            ],
            "method": method,
            "conclusion": self.conclusion,
            **scored_sections(self),
            "footnote": "本报告中的数字按计分规则从自评表重新计算。",
        }

    @property
    def year_text(self) -> str:
        return f"{self.year}年度" if self.year else "本年度"

    @property
    def conclusion(self) -> str:
        if self.total is None:
            return "自评表中有无法计分的指标（见下文复核说明），综合得分无法计算，各项得分如下："
        how = "经自评" if self.reported_total == self.total else "按计分规则复核计算"   # (no 总分 reported: not the unit's)
        return f"{how}，本项目综合得分{fmt(self.total)}分，评价等级为“{self.grade}”。各项得分如下："

    @property
    def corrections_intro(self) -> str:
        if self.reported_total is not None and self.total is not None and self.reported_total != self.total:
            return (f"复核说明：自评表填报总分为{fmt(self.reported_total)}分，按计分规则重新计算为"
                    f"{fmt(self.total)}分，本报告采用重新计算的得分。复核发现以下问题：")
        return "复核说明：按计分规则重新计算，自评表中有以下问题（本报告采用重新计算的数字）："

    @property
    def analysis(self) -> list[dict]:
        f = self.funds
        groups = [{"title": "项目资金执行情况", "lines": [
            f"全年预算数{f['annual']}万元，全年执行数{f['executed']}万元，预算执行率{f['rate']}，"
            f"得分{f['score']}分（分值{f['weight']}分）。"]}]
        for name in _level1_order(self.indicators):
            lines = []
            for n, i in enumerate((i for i in self.indicators if i.level1 == name), start=1):
                score = "无法计分" if i.score is None else f"得分{fmt(i.score)}分"
                deducted = f"；{i.deducted}" if i.deducted else ""
                # (a qualitative row as a sentence says it: 定性指标（优良中低差）, not 年度指标值定性（…）)
                target = f"定性指标{i.target[len(QUALITATIVE):]}" if i.nature == QUALITATIVE else f"年度指标值{i.target}"
                line = (f"{n}. {i.level3}：{target}，实际完成值{_actual(i)}，"
                        f"{score}（分值{fmt(i.weight) if i.weight is not None else '—'}分{deducted}）。")
                if not is_blank_reason(i.reason):
                    line += f"偏差原因分析及改进措施：{sentence(i.reason)}"
                lines.append(line)
            groups.append({"title": f"{name}完成情况", "lines": lines})
        for ordinal, group in zip(NUMERALS, groups):
            group["ordinal"] = ordinal
        return groups

    @property
    def shortfalls(self) -> list[str]:
        """五（二）: the budget not fully executed, the indicators not at full marks (an
        over-target deduction said as such) and the problems recalc found in the table."""
        f, lines = self.funds, []
        if f["score"] != "—" and f["weight"] != "—" and Decimal(f["score"]) < Decimal(f["weight"]):
            lines.append(f"预算未全部执行：全年预算数{f['annual']}万元，全年执行数{f['executed']}万元，"
                         f"预算执行率{f['rate']}，年度资金总额得分{f['score']}分（分值{f['weight']}分）。")
        short = [i for i in self.indicators if i.score is not None and i.weight is not None and not i.full]
        if short:
            lines.append("以下指标未得满分：" + "；".join(
                f"{i.level3}（分值{fmt(i.weight)}分，得分{fmt(i.score)}分{'，' + i.deducted if i.deducted else ''}）"
                for i in short) + "。")
        if self.corrections:
            lines.append(f"复核发现自评表填报中有{len(self.corrections)}处问题，见复核说明。")
        if lines:
            return lines
        return ["预算全部执行，各项指标均得满分。" if f["score"] != "—" else "各项指标均得满分。"]


def scored_sections(data) -> dict:
    """The context both the 自评表 and the framework report give their templates for the score
    table (by 一级, with the total), the corrections, the analysis and the narrative."""
    return {
        "score_rows": [{"name": s.name, "weight": points(s.weight), "score": points(s.score)}
                       for s in data.score_rows],
        "total_weight": points(data.total_weight),
        "total_score": points(data.total),
        "corrections": [dict(c, number=n) for n, c in enumerate(data.corrections, start=1)],
        "corrections_intro": data.corrections_intro,
        "analysis": data.analysis,
        "shortfalls": data.shortfalls,
        "narrative": data.narrative,
    }


def sentence(text: str) -> str:
    """A text quoted as a sentence of the report: ending with 。 unless it ends with a stop already."""
    return text if not text or text[-1] in "。！？；.!?…" else text + "。"


def _actual(row: IndicatorRow) -> str:
    """实际完成值 in a sentence: a statement in words quoted (实际完成值为“提供实施方案7份”), a
    number with its unit as it is (实际完成值6000Mbps)."""
    if not row.actual:
        return "未填写"
    return f"为“{row.actual}”" if row.worded else row.actual


def _worded(actual: object, unit: object) -> bool:
    """Whether an 实际完成值 says more in words than its number and unit (提供实施方案7份, 优（按合同…）)."""
    return bool(re.search(r"[\u4e00-\u9fff]", cell_text(actual).replace(cell_text(unit) or "\0", "")))


def _deducted(detail) -> str:
    """An over-target deduction (the engine's detail of the row), in words; '' for none."""
    if detail is None or not detail.deduction:
        return ""
    return f"实际完成值超出年度指标值{pct(detail.over)}，按计分规则扣减分值的{pct(detail.deduction)}"


def ladder_text(profile) -> str:
    """A profile's over-target deductions as a clause: 超额比例达到200%、300%、500%时分别扣减分值的
    10%、20%、30%；'' for a profile without them."""
    if profile.over_target_mode != "ladder":
        return ""
    natures = "、".join(f"“{n}”" for n in profile.over_target_applies_to)
    return (f"性质为{natures}的定量指标超额完成的，超额比例达到"
            + "、".join(pct(s.start) for s in profile.ladder) + "时分别扣减分值的"
            + "、".join(pct(s.deduct) for s in profile.ladder) + "，")


def _level1_order(indicators: list[IndicatorRow]) -> list[str]:
    seen = dict.fromkeys(i.level1 for i in indicators)
    return [n for n in form.LEVEL1 if n in seen] + [n for n in seen if n not in form.LEVEL1]


def _target(ind, nature: str) -> str:
    if nature == QUALITATIVE:
        return f"定性（{cell_text(ind.target)}）" if cell_text(ind.target) else "定性"
    return nature + _with_unit(ind.target, ind.unit)


def table_report_data(result: TableResult, report: TableReport,
                      narrative: Mapping[str, list[str]] | None = None,
                      cells: Mapping[tuple, str] | None = None, money_unit: str = "万元") -> TableReportData:
    """The report's data for one re-scored table (``report`` holds its located findings;
    ``cells``, the reader's map of fields to cell addresses, lets corrections name the
    indicator and column a cell holds). The report states amounts in 万元: a table in
    ``money_unit`` 元 is converted."""
    per_wan = 10000 if money_unit == "元" else 1
    table = result.table
    profile = get_profile(result.profile)
    rows = []
    for ind, detail in zip(table.indicators, result.indicators):
        try:
            nature = parse_nature(ind.nature)
        except PerfError:
            nature = cell_text(ind.nature)
        weight = detail.weight if detail is not None else _decimal(ind.weight)
        rows.append(IndicatorRow(
            cell_text(ind.level1) or "其他指标", cell_text(ind.level2), display_name(ind.level3), nature,
            _target(ind, nature), _with_unit(ind.actual, ind.unit), weight,
            None if detail is None else detail.score, cell_text(ind.reason), _deducted(detail),
            _worded(ind.actual, ind.unit)))
    funds_weight = _decimal(table.funds.weight) or profile.funds_weight
    score_rows = [ScoreRow(FUNDS_ROW, funds_weight, result.funds_score)]
    for name in _level1_order(rows):
        members = [i for i in rows if i.level1 == name]
        weights = [i.weight for i in members]
        scores = [i.score for i in members]
        score_rows.append(ScoreRow(
            name,
            None if None in weights else sum(weights, Decimal(0)),
            None if None in scores else sum(scores, Decimal(0))))
    weights = [s.weight for s in score_rows]
    funds = table.funds
    rate = "—" if result.funds_rate is None else pct(result.funds_rate)
    funds_rows = [{"name": form.FUNDS_TOTAL, "rate": rate,
                   **{f: amount(getattr(funds, f), per_wan) for f in form.AMOUNT_FIELDS}}]
    for name, source in funds.sources.items():
        if any(cell_text(getattr(source, f)) for f in form.AMOUNT_FIELDS):
            funds_rows.append({"name": name, "rate": "",
                               **{f: amount(getattr(source, f), per_wan) for f in form.AMOUNT_FIELDS}})
    places = _places(cells or {}, rows)
    corrections = corrections_of(report, places)
    return TableReportData(
        project=cell_text(table.project), department=cell_text(table.department),
        implementer=cell_text(table.implementer), year=table.year, profile=profile.id,
        profile_name=profile.name,
        funds={"annual": amount(funds.annual, per_wan), "executed": amount(funds.executed, per_wan), "rate": rate,
               "score": "—" if result.funds_score is None else fmt(result.funds_score),
               "weight": fmt(funds_weight)},
        funds_rows=funds_rows, goal_expected=cell_text(table.goal_expected), goal_actual=cell_text(table.goal_actual),
        indicators=rows, score_rows=score_rows, total=result.total,
        total_weight=None if None in weights else sum(weights, Decimal(0)),
        grade=result.grade, reported_total=result.reported_total, corrections=corrections,
        narrative=dict(narrative or narrative_context(None)),
    )


def _places(cells: Mapping[tuple, str], rows: list[IndicatorRow]) -> dict[str, str]:
    """Cell address → what the cell holds (指标“实施方案”的得分, 年度资金总额的执行率 …)."""
    labels = {**form.INDICATOR_FIELDS, **{k: v for k, v in form.FUNDS_FIELDS.items()}}
    places = {}
    for key, address in cells.items():
        if key[0] == "indicator" and 0 < key[1] <= len(rows):
            places[address] = f"指标“{rows[key[1] - 1].level3}”的{form.INDICATOR_FIELDS.get(key[2], key[2])}"
        elif key[0] == "funds":
            places[address] = f"{form.FUNDS_TOTAL}的{labels.get(key[1], key[1])}"
        elif key[0] == "total":
            places[address] = f"{form.TOTAL}的{labels.get(key[1], key[1])}"
    return places


def corrections_of(report: TableReport, places: Mapping[str, str]) -> list[dict[str, str]]:
    """Each finding of ``report`` as the report's 复核说明 states it: where (:func:`where_of`),
    and its message as a sentence (the readings tried left out, closed by 。)."""
    return [{"where": where_of(f.cell, report, places), "message": report_sentence(f.message)} for f in report.findings]


def report_sentence(message: str) -> str:
    """A finding's message as a formal report states it: without the readings tried, closed by 。."""
    return TRIED_READINGS.sub("", message).rstrip("。") + "。"


def where_of(cell: str, report: TableReport, places: Mapping[str, str]) -> str:
    """Where a finding stands: the sheet, the cell and (from ``places``) what the cell holds."""
    if not cell:
        return f"工作表“{report.sheet}”"
    place = places.get(cell)
    return f"工作表“{report.sheet}”{cell}单元格" + (f"（{place}）" if place else "")


def bands_text(profile) -> str:
    """A profile's grade bands as a sentence: 90分（含）以上为优，80分（含）至90分为良，…"""
    bands = list(profile.grade_bands)
    parts, upper = [], None
    for grade, minimum in bands:
        if upper is None:
            parts.append(f"{fmt(minimum)}分（含）以上为{grade}")
        elif minimum > 0:
            parts.append(f"{fmt(minimum)}分（含）至{fmt(upper)}分为{grade}")
        else:
            parts.append(f"{fmt(upper)}分以下为{grade}")
        upper = minimum
    return "，".join(parts)


def require(narrative: Mapping[str, list[str]], key: str) -> dict[str, list[str]]:
    """The narrative with a placeholder in ``key`` (an optional section) when it is empty: for
    reports whose data does not say what that section holds."""
    label = next(label for k, label in NARRATIVE_SECTIONS.values() if k == key)
    return {**narrative, key: list(narrative.get(key) or [placeholder(label)])}


def display_name(level3: object) -> str:
    """A 三级指标 as prose names it: without the ``指标1：`` numbering some tables type."""
    return re.sub(r"^\s*指标\s*\d+\s*[:：]\s*", "", cell_text(level3))


def _decimal(value: object) -> Decimal | None:
    try:
        return to_decimal(value, "分值")
    except PerfError:
        return None
