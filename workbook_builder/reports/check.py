"""Checking a hand-written Word report against its 自评表 (or 评价指标体系评分表): every figure it
states about the project compared with the table (re-scored), each difference one Chinese sentence.

A report is read as a sequence of blocks (headings, paragraphs, tables, in document order). Each
figure is attributed only when the text says what it is about, so that agreeing figures and
figures about something else are never flagged (a check that cries wolf is worse than none):

* the score table (a table whose header has 得分 and 满分值/分值): rows by 评价内容 (预算执行, 产出,
  成本/经济性, 效益, 满意度, 总计), columns 满分值 and 得分; an indicator table (header 三级指标):
  rows by indicator name, columns 年度指标值, 实际完成值, 分值, 得分; a funds table (header
  全年预算数 …): rows 年度资金总额 and its sources;
* sentences: a figure belongs to the indicator whose name the sentence contains (the best match
  by shared character pairs, of a compatible unit), or, without a name, to the indicator of an
  earlier sentence in the same paragraph when a word such as 年末/实际 marks it as the actual
  value; words before it (不低于, 小于, ≥ … → 年度指标值; 实际, 年末, 年底, 共有 … → 实际完成值;
  年初, 上年, 增长 … → not a figure of the table) say which value it states; in the 绩效目标
  section a figure without such a word is the target, elsewhere it may be either, or any figure
  the table's cells quote for that indicator. Amounts in 万元/元 with 预算/执行/支出/支付 are the
  funds; 执行率 … % the execution rate; 得分/总分 … 分 scores; 等级为… the grade.

A framework evaluation's report (:class:`FrameworkChecker`) is checked the same way against its
评分表: the score table's rows by 一级指标 name, 分值 and 得分 of the 三级指标 a sentence or table
names, the total and the grade; quoted 评价标准 are skipped.

Figures are compared at the precision the report writes them (4564.74万元 agrees with
4564.7413), in the report's unit (万元 and 元 convert). Sentences that quote the table's own
reported values (填报…) or state a correction (…应为…, 不可能得…) are not claims and are skipped.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from addin.engine import PerfError, read_value
from addin.engine.findings import fmt
from addin.engine.numbers import round_half_up

from ..files import atomic_save, shown_path
from . import REPORT_CATEGORY
from .framework import FrameworkReportData
from .model import FUNDS_ROW, ScoreRow, TableReportData
from .write import ReportError, read_scored
from ..logs import logger

# --- words -----------------------------------------------------------------------------------

TARGET_CUES = ("不低于", "不少于", "不高于", "不超过", "不大于", "不小于", "大于等于", "小于等于", "大于",
               "小于", "高于", "低于", "少于", "多于", "超过", "≥", "≤", ">=", "<=", ">", "<", "＞", "＜",
               "目标值", "指标值", "计划", "预期", "控制在")
TARGET_AFTER = ("以上", "以内", "以下", "内")
ACTUAL_CUES = ("实际", "年末", "年底", "截至", "截止", "共有", "共计", "累计", "实现", "完成", "达到", "达")
SKIP_CUES = ("年初", "上年", "去年", "同比", "增长", "增加", "超出", "减少", "下降", "提高", "提升", "尾款", "首款",
             "单价", "其中")
NOT_CLAIMS = ("填报", "应为", "不可能")
GRADE_WORDS = {"优秀": "优", "良好": "良", "中等": "中", "较差": "差", "优": "优", "良": "良", "中": "中", "差": "差"}
UNITS = ("万元", "亿元", "元", "个百分点", "%", "％", "小时", "分钟", "Mbps", "TB", "GB", "平方米", "平米",
         "人/年", "次/年", "个", "条", "份", "项", "次", "天", "年", "月", "套", "台", "人", "张", "时", "分")
MONEY = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
SAME_UNIT = {"时": "小时", "h": "小时", "％": "%", "平方米": "平米"}
NUMBER = re.compile(r"(?<![\d.A-Za-z])(\d+(?:,\d{3})*(?:\.\d+)?)\s*(" + "|".join(map(re.escape, UNITS)) + ")?")
SENTENCE_END = re.compile(r"[。；;！？!?\n]")
CLAUSE_END = re.compile(r"[，,。；;！？!?\n]")
OUTLINE = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
# Rules quoted in a report, not claims: a 评价标准, the grade bands (90分（含）以上为优 …).
RULES = re.compile(r"评价标准[:：][^。]*。?|\d+(?:\.\d+)?分(?:[（(]含[）)])?(?:以上|以下|至\d+(?:\.\d+)?分)")
NAME_PREFIX = re.compile(r"^\s*指标\s*\d+\s*[:：]\s*")
GRADE_CLAIM = re.compile(r"(?:等级|评级|评价结果|评价结论|结论)\s*(?:为|是|：|:)?\s*[“\"「『]?\s*(优秀|良好|中等|较差|优|良|中|差)")
INDICATOR_COUNT = re.compile(r"共(?:设|有|设置)?\s*(\d+)\s*个三级指标")   # 项目共设7个三级指标
REPORTED_TOTAL = re.compile(r"填报(?:的)?总分(?:为|是)?\s*(\d+(?:\.\d+)?)\s*分")   # (自评表填报总分为97分)
RECOMPUTED = "重新计算为"   # how a report states a figure computed again (复核说明：…按计分规则重新计算为94分)
TOTAL_WORDS = ("总分", "综合得分", "自评得分", "评价得分", "总得分", "综合评分", "得分合计")
GROUP_WORDS = (("满意", "满意度指标"), ("成本", "成本指标"), ("经济性", "成本指标"), ("效益", "效益指标"),
               ("产出", "产出指标"), ("预算执行", FUNDS_ROW), ("资金", FUNDS_ROW))
FUNDS_CUES = (("年初预算", "initial"), ("预算", "annual"), ("执行数", "executed"), ("执行", "executed"),
              ("支出", "executed"), ("支付", "executed"), ("使用", "executed"), ("拨付", "executed"))
FUNDS_LABELS = {"initial": "年初预算数", "annual": "全年预算数", "executed": "全年执行数"}


@dataclass
class Discrepancy:
    message: str
    report_value: str
    table_value: str
    where: str


@dataclass
class CheckResult:
    report: str
    table_label: str
    checked: int = 0
    discrepancies: list[Discrepancy] = field(default_factory=list)
    unwritten: list[str] = field(default_factory=list)   # 【待填写：…】 still in it: where, what

    def to_dict(self) -> dict:
        """The result as JSON data: paths shown as people can read them (:func:`shown_path`), and
        the report's exact path as a ``file:`` URI."""
        return {"report": shown_path(self.report), "report_uri": Path(self.report).absolute().as_uri(),
                "table": shown_path(self.table_label), "checked": self.checked,
                "discrepancies": [asdict(d) for d in self.discrepancies], "unwritten": self.unwritten}

    def save_json(self, path: str | Path) -> Path:
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=1, allow_nan=False)
        return atomic_save(lambda tmp: Path(tmp).write_text(text, encoding="utf-8"), path)


# --- the report as blocks ----------------------------------------------------------------------


@dataclass
class Block:
    kind: str                     # heading, paragraph, table
    text: str = ""
    level: int = 9                # of a heading: 0 title, 1 一、, 2 （一）, 3 … (by style or numbering)
    rows: list[list[str]] = field(default_factory=list)
    where: str = ""               # e.g. “项目产出情况”第2段, 表2


class Blocks(list):
    """A report's blocks, and whether perfbook wrote the report (its category, in the document's
    properties: such a report has its score tables)."""

    by_perfbook: bool = False


def _heading_level(paragraph, text: str) -> int | None:
    """The outline level of a heading paragraph, None for body text."""
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style.startswith("Title"):
        return 0
    if match := re.match(r"(?:Heading|标题)\s*(\d)", style):
        return int(match.group(1))
    if len(text) <= 40 and not text.endswith("。") and (match := OUTLINE.match(text)):
        return 1 if match.group(0).endswith("、") else 2
    return None


def read_blocks(path: str | Path) -> Blocks:
    """Headings, paragraphs and tables of a .docx, in order, each with a description of where it
    stands (the heading above it and its number under that heading). The report is read as
    recalc reads every file: container checks (size, compression ratio, DTD/entities in any
    part), then python-docx in a guarded worker (memory, time)."""
    from ..readers.container import UnreadableFile, reason_of_one
    from ..recalc.guard import GuardedFailure, call_guarded

    path = Path(path)
    shown = shown_path(str(path))
    if not path.exists():
        raise ReportError(f"找不到报告 {shown}")
    try:   # a folder, a pipe or a device is refused by the container checks, with the reason
        return call_guarded(_read_blocks, (str(path),))
    except (UnreadableFile, GuardedFailure) as err:
        raise ReportError(f"报告 {shown} 无法读取：{reason_of_one(err)}") from None


def _read_blocks(source: str) -> list[Block]:
    """:func:`read_blocks` in the guarded worker."""
    from ..readers.container import WORD_FORMATS, UnreadableFile, check_container
    from ..readers.docx import open_document

    checked = check_container(Path(source))
    if checked.format not in WORD_FORMATS:
        raise UnreadableFile(f"不是 Word 文档（.docx），而是 {checked.format} 文件；报告请另存为 .docx")
    try:   # (a .docm or a template as the document it holds, as recalc reads them)
        document = open_document(checked.data)
    except UnreadableFile:
        raise
    except Exception:  # python-docx / lxml raise their own types for a broken part: no library text
        logger.debug("报告 %s 无法解析", source, exc_info=True)
        raise UnreadableFile("Word 文档内容无法解析（结构已损坏），请用 Word 或 WPS 打开后另存为 .docx") from None
    blocks = Blocks(_blocks(document))   # (a span that is no number is refused naming its table, row and cell)
    blocks.by_perfbook = document.core_properties.category == REPORT_CATEGORY
    return blocks


# Full-width digits, point and percent sign as ASCII (１４１．１１６ is 141.116); the full-width
# comma stays: it separates clauses, not thousands.
_HALF_WIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# what Word does not show as the paragraph's text: a drawing's fallback copy, text moved away (its
# new place is read), a ruby's guide text, a table in a text box (not read as run-on text)
_NOT_SHOWN = {"{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback", _W + "moveFrom", _W + "rt",
              _W + "tbl"}
_SPACES = {_W + "tab", _W + "br", _W + "cr", _W + "ptab"}


def _paragraph_text(paragraph) -> str:
    """A paragraph's text as Word shows it: its runs wherever they stand (in tracked insertions,
    fields, smart tags, content controls, text boxes; not deleted or moved-away text, nor a
    drawing's fallback copy), tabs and breaks as spaces, a text box's paragraphs on lines of
    their own (94 and 5分 in two of them are not 945分)."""
    parts, skipped = [], None
    for element in paragraph._p.iter():
        if skipped is not None:
            if element is skipped or skipped in element.iterancestors():
                continue
            skipped = None
        tag = element.tag
        if tag in _NOT_SHOWN:
            skipped = element
        elif tag == _W + "t":
            parts.append(element.text or "")
        elif tag in _SPACES:
            parts.append(" ")
        elif tag == _W + "noBreakHyphen":
            parts.append("-")
        elif tag == _W + "p" and element is not paragraph._p:
            parts.append("\n")
    return "".join(parts)


def _blocks(document) -> list[Block]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from ..readers.docx import cells_once, children

    blocks: list[Block] = []
    heading, number, tables = "", 0, 0
    body = document._body   # (paragraphs and tables in content controls too, as Word shows them)
    for element in children(document.element.body, _W + "p", _W + "tbl"):
        if element.tag == _W + "tbl":
            tables += 1
            rows = [[" ".join(text.translate(_HALF_WIDTH).split()) for text in row]
                    for row in cells_once(Table(element, body)._tbl, tables) if row]   # (a row of no cells shows nothing)
            place = f"“{heading}”下的" if heading else ""
            blocks.append(Block("table", rows=rows, where=f"{place}表{tables}"))
            continue
        item = Paragraph(element, body)
        text = _paragraph_text(item).translate(_HALF_WIDTH).strip()
        if not text:
            continue
        level = _heading_level(item, text)
        if level is not None:
            heading, number = text.rstrip("。."), 0
            blocks.append(Block("heading", text, level=level, where=f"标题“{heading}”"))
        else:
            number += 1
            where = f"“{heading}”下第{number}段" if heading else f"第{number}段"
            blocks.append(Block("paragraph", text, where=where))
    return blocks


# --- the table's facts -------------------------------------------------------------------------


def _dec(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None


def _unit(unit: str | None) -> str | None:
    if not unit:
        return None
    unit = unit.strip()
    return SAME_UNIT.get(unit, unit) or None


def _clean_name(name: str) -> str:
    return re.sub(r"[\s《》“”\"'：:，,、。（）()]", "", NAME_PREFIX.sub("", name))


def _pairs(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


@dataclass
class IndicatorFact:
    name: str
    unit: str | None
    target: Decimal | None
    actual: Decimal | None
    weight: Decimal | None
    score: Decimal | None
    quoted: set[Decimal]          # every number the row's cells write (target, actual, reason)

    def value(self, role: str) -> Decimal | None:
        return {"target": self.target, "actual": self.actual, "weight": self.weight, "score": self.score}[role]


ROLE_LABELS = {"target": "年度指标值", "actual": "实际完成值", "weight": "分值", "score": "得分"}


def _numbers_in(text: object) -> set[Decimal]:
    return {_dec(m.group(1)) for m in NUMBER.finditer(str(text or ""))} - {None}


def indicator_facts(result, data: TableReportData) -> list[IndicatorFact]:
    facts = []
    for ind, detail, row in zip(result.table.indicators, result.indicators, data.indicators):
        target = actual = None
        if detail is not None and detail.target is not None:
            target, actual = detail.target, detail.actual
        quoted = _numbers_in(ind.target) | _numbers_in(ind.actual) | _numbers_in(ind.reason)
        facts.append(IndicatorFact(_clean_name(row.level3), _unit(str(ind.unit or "")), target, actual,
                                   row.weight, row.score, quoted))
    return facts


# --- comparing ---------------------------------------------------------------------------------


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _agrees(stated: str, value: Decimal, factor: Decimal = Decimal(1)) -> bool:
    """``stated`` (as the report writes it) agrees with ``value`` given in a unit ``factor``
    times the report's unit, at the report's precision."""
    written = _dec(stated)
    if written is None:
        return True
    places = _decimals(stated.replace(",", ""))
    if places > 12:   # (no report writes so many: compared exactly, not rounded past what decimal holds)
        return value * factor == written
    try:
        return round_half_up(value * factor, places) == written
    except PerfError:   # (an amount of 1e30 has no room for its decimals: compared exactly)
        return value * factor == written


def _factor(report_unit: str | None, table_unit: str | None) -> Decimal | None:
    """How many report units one table unit is; None when the units are not comparable."""
    report_unit, table_unit = _unit(report_unit), _unit(table_unit)
    if report_unit is None or table_unit is None or table_unit == "/":
        return Decimal(1)
    if report_unit in MONEY and table_unit in MONEY:
        return MONEY[table_unit] / MONEY[report_unit]
    return Decimal(1) if report_unit == table_unit else None


class Checker:
    """The figures of a 自评表's report (see the module docstring)."""

    source = "自评表"   # what the report is compared with, as messages name it

    @property
    def indicator_count(self) -> int:
        """The 三级指标 the table has (a report says 项目共设N个三级指标)."""
        return len(self.data.indicators)
    # how a score perfbook computed from it is named (a 自评表's scores are computed by the rules,
    # whatever the table reports: "自评表为94分" beside its 总分 97 would read as a misprint)
    computed = "自评表按计分规则重新计算为"

    def __init__(self, result, data: TableReportData, money_unit: str = "万元"):
        self.data = data
        self.facts = indicator_facts(result, data)
        funds = result.table.funds
        per_wan = MONEY[money_unit] / MONEY["万元"]   # the report states amounts in 万元

        def amount(value: object) -> Decimal | None:
            found = _dec(_plain(value))
            return None if found is None else found * per_wan

        self.funds = {k: amount(getattr(funds, k)) for k in FUNDS_LABELS}
        self.rate = result.funds_rate
        self.groups = {s.name: s for s in data.score_rows}
        self.amounts = {v for v in self.funds.values() if v is not None}
        for source in funds.sources.values():
            self.amounts |= {amount(getattr(source, k)) for k in FUNDS_LABELS} - {None}
        self.money_facts = [(f, MONEY[f.unit]) for f in self.facts if f.unit in MONEY]
        for fact, unit in self.money_facts:
            self.amounts |= {(v * unit / 10000) for v in fact.quoted | {fact.target, fact.actual} if v is not None}
        self.checked = 0
        self.found: list[Discrepancy] = []

    # one comparison
    def compare(self, stated: str, unit: str | None, value: Decimal | None, factor: Decimal, what: str,
                where: str, computed: bool = False) -> None:
        if value is None:
            return
        self.checked += 1
        if _agrees(stated, value, factor):
            return
        shown_unit = unit or ""
        table_shown = fmt(value * factor) if factor != 1 else fmt(value)
        table = self.computed if computed else f"{self.source}为"
        message = f"{where}：报告写{what}为{stated}{shown_unit}，{table}{table_shown}{shown_unit}"
        self.found.append(Discrepancy(message, f"{stated}{shown_unit}", f"{table_shown}{shown_unit}", where))

    # tables
    def table(self, block: Block) -> None:
        if not block.rows:
            return
        header = block.rows[0]
        has = lambda *words: next((i for i, h in enumerate(header) if any(w in h for w in words)), None)  # noqa: E731
        if has("三级指标") is not None:
            self._indicator_table(block, has)
        elif has("得分") is not None and has("满分", "分值") is not None:
            self._score_table(block, has("满分", "分值"), has("得分"))
        elif has("全年预算数", "全年执行数") is not None:
            self._funds_table(block, has)

    def _cell_where(self, block: Block, r: int, c: int) -> str:
        return f"{block.where}第{r + 1}行“{block.rows[r][0]}”的“{block.rows[0][c]}”"

    def _score_table(self, block: Block, weight_col: int, score_col: int) -> None:
        for r, row in enumerate(block.rows[1:], start=1):
            label = row[0]
            if any(w in label for w in ("总计", "合计", "总分")):
                weight, score = self.data.total_weight, self.data.total
            else:
                group = self.group(label)
                if group is None:
                    continue
                weight, score = group.weight, group.score
            for col, value, what in ((weight_col, weight, "满分值"), (score_col, score, "得分")):
                if col < len(row) and (m := NUMBER.fullmatch(row[col].replace("分", "").strip())):
                    self.compare(m.group(1), None, value, Decimal(1), f"{label}的{what}", self._cell_where(block, r, col),
                                 computed=what == "得分")

    def _indicator_table(self, block: Block, has) -> None:
        name_col = has("三级指标")
        columns = [(has("年度指标值"), "target"), (has("实际完成值"), "actual"), (has("分值"), "weight"),
                   (has("得分"), "score")]
        for r, row in enumerate(block.rows[1:], start=1):
            facts = self.match(row[name_col] if name_col < len(row) else "", None)
            if len(facts) != 1:
                continue
            fact = facts[0]
            for col, role in columns:
                if col is None or col >= len(row) or not row[col]:
                    continue
                value = fact.value(role)
                if role in ("weight", "score"):
                    m = NUMBER.fullmatch(row[col].strip())
                    if m:
                        self.compare(m.group(1), None, value, Decimal(1), f"“{fact.name}”的{ROLE_LABELS[role]}",
                                     self._cell_where(block, r, col), computed=role == "score")
                    continue
                try:
                    stated = read_value(row[col], fact.unit, ROLE_LABELS[role])
                except PerfError:
                    continue
                if value is not None and stated not in fact.quoted | {value}:
                    self.checked += 1
                    where = self._cell_where(block, r, col)
                    self.found.append(Discrepancy(
                        f"{where}：报告写“{fact.name}”的{ROLE_LABELS[role]}为{row[col]}，{self.source}为{fmt(value)}{fact.unit or ''}",
                        row[col], f"{fmt(value)}{fact.unit or ''}", where))
                elif value is not None:
                    self.checked += 1

    def _funds_table(self, block: Block, has) -> None:
        columns = [(has(label), key) for key, label in FUNDS_LABELS.items()]
        rate_col = has("执行率")
        for r, row in enumerate(block.rows[1:], start=1):
            if "年度资金总额" not in row[0]:
                continue
            for col, key in columns:
                if col is not None and col < len(row) and (m := NUMBER.fullmatch(row[col].strip())):
                    self.compare(m.group(1), None, self.funds[key], Decimal(1), FUNDS_LABELS[key], self._cell_where(block, r, col))
            if rate_col is not None and rate_col < len(row) and (m := NUMBER.fullmatch(row[rate_col].strip())):
                self._rate(m.group(1), self._cell_where(block, r, rate_col))

    def _rate(self, stated: str, where: str) -> None:
        if self.rate is None:
            return
        # a rate written as 100% must be exactly full execution
        if _dec(stated) == 100 and self.rate < 1:
            self.checked += 1
            message = f"{where}：报告写预算执行率为100%，自评表为{fmt(round_half_up(self.rate * 100, 2))}%"
            self.found.append(Discrepancy(message, "100%", f"{fmt(round_half_up(self.rate * 100, 2))}%", where))
            return
        self.compare(stated, "%", self.rate, Decimal(100), "预算执行率", where)

    def group(self, text: str):
        """The score table's row (评价内容) that ``text`` speaks of: 产出 → 产出指标 …"""
        return self.groups.get(next((g for w, g in GROUP_WORDS if w in text), None))

    # sentences
    def match(self, sentence: str, unit: str | None) -> list[IndicatorFact]:
        """The indicators ``sentence`` names (several when it names them equally well)."""
        text = _clean_name(sentence)
        pairs = _pairs(text)
        scored = []
        for fact in self.facts:
            if unit is not None and _factor(unit, fact.unit) is None:
                continue
            own = _pairs(fact.name)
            if len(own) < 2:
                continue
            shared = len(own & pairs)
            coverage = shared / len(own)
            if fact.name in text:
                coverage = 1.0 + len(fact.name) / 100  # a literal name wins, the longest first
            if shared >= 2 and coverage >= 0.6:
                scored.append((coverage, fact))
        if not scored:
            return []
        best = max(c for c, _ in scored)
        return [f for c, f in scored if best - c < 0.05]

    def paragraph(self, block: Block, in_goals: bool) -> None:
        block = replace(block, text=RULES.sub("", block.text))
        carried: list[IndicatorFact] = []
        for grade in GRADE_CLAIM.finditer(block.text):
            if self.data.grade and not any(w in _sentence_at(block.text, grade.start()) for w in NOT_CLAIMS):
                self.checked += 1
                stated = GRADE_WORDS[grade.group(1)]
                if stated != self.data.grade:
                    self.found.append(Discrepancy(
                        f"{block.where}：报告写评价等级为“{grade.group(1)}”，按{self.source}重新计算的总分{fmt(self.data.total)}分，"
                        f"等级为“{self.data.grade}”", grade.group(1), self.data.grade, block.where))
        for count in INDICATOR_COUNT.finditer(block.text):   # 项目共设7个三级指标
            self.checked += 1
            if int(count.group(1)) != self.indicator_count:
                self.found.append(Discrepancy(
                    f"{block.where}：报告写共有{count.group(1)}个三级指标，{self.source}中有{self.indicator_count}个",
                    count.group(1), str(self.indicator_count), block.where))
        start = 0
        for end_match in list(SENTENCE_END.finditer(block.text)) + [None]:
            end = end_match.start() if end_match else len(block.text)
            sentence = block.text[start:end]
            start = end + 1
            if not sentence.strip():
                continue
            self._reported_total(sentence, block.where)
            if any(w in sentence for w in NOT_CLAIMS):   # (a reported value or a correction: no claim)
                if RECOMPUTED not in sentence:
                    continue
                sentence = _only_recomputed(sentence)   # 填报总分为97分，按计分规则重新计算为94分: the 94
            named = self.match(sentence, None)
            if named:
                carried = named
            self._sentence(sentence, block.where, in_goals, named, carried)

    def _reported_total(self, sentence: str, where: str) -> None:
        """自评表填报总分为97分: a claim about the 总分 the table reports (as typed, not recomputed)."""
        found = REPORTED_TOTAL.search(sentence)
        reported = self.data.reported_total
        if found and reported is not None:
            self.compare(found.group(1), "分", Decimal(str(reported)), Decimal(1), f"{self.source}填报的总分", where)

    def _sentence(self, sentence: str, where: str, in_goals: bool, named, carried) -> None:
        masked = sentence
        for fact in self.facts:  # numbers inside an indicator's own name are not figures
            for raw in {fact.name} | set(re.findall(re.escape(fact.name), sentence)):
                masked = masked.replace(raw, "＃" * len(raw))
        masked = _mask_breakdowns(masked)
        for m in NUMBER.finditer(masked):
            stated, unit = m.group(1), m.group(2)
            after = masked[m.end():m.end() + 2]
            before = masked[max(0, m.start() - 1):m.start()]
            if before in ("*", "×", "x", "X", "第") or (unit is None and after[:1] in ("：", ":", "、", ".", "）", ")")):
                continue  # 7*24小时, 第3季度, list numbers and labels (指标1：)
            if unit is None and after[:1].isascii() and after[:1].isalpha():
                continue  # 5G, 100M: part of a name
            if unit in ("年",) and len(stated) == 4 or (unit is None and after[:1] in ("年",)):
                continue
            clause = masked[_clause_start(masked, m.start()):m.start()]
            self._figure(stated, unit, clause, after, sentence, where, in_goals, named, carried)

    def _figure(self, stated, unit, clause, after, sentence, where, in_goals, named, carried) -> None:
        if unit == "分":
            self._score_claim(stated, clause, sentence, where, named)
            return
        if unit in ("%", "％") and "执行率" in clause:
            self._rate(stated, where)
            return
        if any(w in clause for w in SKIP_CUES):
            return
        role = _role(clause, after)
        facts = [f for f in named if _factor(unit, f.unit) is not None]
        if not facts and role == "actual" and any(w in clause for w in ("年末", "年底", "实际", "截至", "截止")):
            facts = [f for f in carried if _factor(unit, f.unit) is not None]
            if unit is None:
                return
        if facts:
            self._indicator_claim(stated, unit, role or ("target" if in_goals else None), facts, where)
        elif unit in MONEY:
            self._amount_claim(stated, unit, clause, where)

    def _indicator_claim(self, stated, unit, role, facts, where) -> None:
        values = []
        for fact in facts:
            factor = _factor(unit, fact.unit)
            roles = [role] if role else ["target", "actual"]
            wanted = [fact.value(r) * factor for r in roles if fact.value(r) is not None]
            if not wanted:
                continue
            values.append((fact, factor, roles, wanted))
        if not values:
            return
        self.checked += 1
        for fact, factor, roles, wanted in values:
            if any(_agrees(stated, w, Decimal(1)) for w in wanted):
                return
            if role is None and any(_agrees(stated, q, factor) for q in fact.quoted):
                return
        fact, factor, roles, wanted = values[0]
        unit_text = unit or fact.unit or ""
        table = "、".join(f"{ROLE_LABELS[r]}为{fmt(fact.value(r) * factor)}{unit_text}" for r in roles
                         if fact.value(r) is not None)
        what = ROLE_LABELS[role] if role else "数值"
        message = f"{where}：报告写“{fact.name}”的{what}为{stated}{unit or ''}，{self.source}{table}"
        self.found.append(Discrepancy(message, f"{stated}{unit or ''}",
                                      "、".join(f"{fmt(w)}{unit_text}" for w in wanted), where))

    def _amount_claim(self, stated, unit, clause, where) -> None:
        key = next((k for w, k in _last_cue(clause, FUNDS_CUES)), None)
        if key is None or self.funds.get(key) is None:
            return
        factor = Decimal(10000) / MONEY[unit]
        self.checked += 1
        if _agrees(stated, self.funds[key], factor) or any(_agrees(stated, a, factor) for a in self.amounts):
            return
        value = self.funds[key] * factor
        message = f"{where}：报告写{FUNDS_LABELS[key]}为{stated}{unit}，自评表为{fmt(value)}{unit}"
        self.found.append(Discrepancy(message, f"{stated}{unit}", f"{fmt(value)}{unit}", where))

    def _score_claim(self, stated, clause, sentence, where, named) -> None:
        is_weight = any(w in clause for w in ("分值", "满分"))
        if (not is_weight and "得分" not in clause and "得" not in clause[-2:] and not clause.endswith(RECOMPUTED)
                and not any(w in clause for w in TOTAL_WORDS)):
            return
        role = "weight" if is_weight else "score"
        if any(w in clause for w in TOTAL_WORDS) or (not named and any(w in sentence for w in TOTAL_WORDS)):
            value = self.data.total_weight if is_weight else self.data.total
            self.compare(stated, "分", value, Decimal(1), "总分" if not is_weight else "满分", where, computed=not is_weight)
            return
        if len(named) == 1:
            fact = named[0]
            self.compare(stated, "分", fact.value(role), Decimal(1), f"“{fact.name}”的{ROLE_LABELS[role]}", where,
                         computed=not is_weight)
            return
        if named:
            return
        # the group its clause names, else the only one its sentence names: （一）项目决策（分值20分，得分18分）,
        # 全年预算数…，预算执行率100%，得分10分（分值10分）
        row = self.group(clause) or self.only_group(sentence)
        if row is not None:
            self.compare(stated, "分", row.weight if is_weight else row.score, Decimal(1),
                         f"{row.name}的{'满分值' if is_weight else '得分'}", where, computed=not is_weight)

    def only_group(self, text: str):
        """The score table's row that ``text`` names when it names exactly one, else None."""
        found = {g for w, g in GROUP_WORDS if w in text and g in self.groups}
        return self.groups[found.pop()] if len(found) == 1 else None


class FrameworkChecker(Checker):
    """The figures of a framework evaluation's report: the score table by 一级指标 (满分值, 得分,
    总计), each 三级指标's 分值 and 得分 where a sentence or an indicator table names it, the
    total and the grade. Quoted rules (“评价标准：…得8分”, “90分（含）以上为优”) are not claims."""

    source = "评分表"
    computed = "评分表为"   # (an evaluator's scores are read as given)

    @property
    def indicator_count(self) -> int:
        return len(self.data.items)

    def __init__(self, data: FrameworkReportData):
        self.data = data
        self.facts = [IndicatorFact(_clean_name(i.name), None, None, None, i.points, i.score, set()) for i in data.items]
        self.funds = dict.fromkeys(FUNDS_LABELS)
        self.rate = None
        self.groups = {_clean_name(s.name): s for s in data.score_rows}
        by_level2: dict[str, list] = {}   # 二级指标: 资金分配（分值8分，得分6分）, a name under one 一级 only
        for item in data.items:
            by_level2.setdefault(item.level2, []).append(item)
        for level2, members in by_level2.items():
            key = _clean_name(level2 or "")
            if key and key not in self.groups and len({i.level1 for i in members}) == 1:
                weights, scores = [i.points for i in members], [i.score for i in members]
                self.groups[key] = ScoreRow(level2, None if None in weights else sum(weights, Decimal(0)),
                                            None if None in scores else sum(scores, Decimal(0)))
        self.amounts, self.money_facts = set(), []
        self.checked = 0
        self.found = []

    def group(self, text: str):
        """The 一级 or 二级指标 that ``text`` names (the longest name it contains)."""
        text = _clean_name(text)
        named = [name for name in self.groups if name and name in text]
        return self.groups[max(named, key=len)] if named else None

    def only_group(self, text: str):
        """The 一级 or 二级指标 that ``text`` names when it names exactly one (a name inside a
        longer one it names is that one), else None."""
        text = _clean_name(text)
        named = [name for name in self.groups if name and name in text]
        named = [n for n in named if not any(n != m and n in m for m in named)]
        return self.groups[named[0]] if len(named) == 1 else None


def _plain(value: object) -> object:
    if isinstance(value, str):
        value = value.strip().replace(",", "")
    return value if value not in ("", None) else None


def _only_recomputed(sentence: str) -> str:
    """``sentence`` with the numbers of every clause but those stating a recomputed figure
    (…重新计算为94分) masked: beside a reported value (填报总分为97分), only that figure is a claim."""
    parts, start = [], 0
    for end in [m.start() for m in CLAUSE_END.finditer(sentence)] + [len(sentence)]:
        clause = sentence[start:end + 1]
        cut = clause.find(RECOMPUTED)   # (what comes before it in its clause too: 填报总分97分经按计分规则重新计算为94分)
        parts.append(re.sub(r"\d", "＃", clause if cut < 0 else clause[:cut]) + ("" if cut < 0 else clause[cut:]))
        start = end + 1
    return "".join(parts)


def _sentence_at(text: str, index: int) -> str:
    starts = [m.end() for m in SENTENCE_END.finditer(text, 0, index)]
    start = starts[-1] if starts else 0
    end = SENTENCE_END.search(text, index)
    return text[start:end.start() if end else len(text)]


def _clause_start(text: str, index: int) -> int:
    starts = [m.end() for m in CLAUSE_END.finditer(text, 0, index)]
    return starts[-1] if starts else 0


def _mask_breakdowns(text: str) -> str:
    """Parenthesised breakdowns (（其中…）, （含…）) state parts, not the figure itself."""
    return re.sub(r"[（(](?:其中|含|包括)[^）)]*[）)]", lambda m: "＃" * len(m.group(0)), text)


def _last_cue(clause: str, cues) -> list[tuple[str, str]]:
    found = [(clause.rfind(w), w, k) for w, k in cues if w in clause]
    return [(w, k) for _, w, k in sorted(found, reverse=True)]


def _role(clause: str, after: str) -> str | None:
    """target or actual by the cue word nearest before the figure (or 以上/以内 after it)."""
    target = max((clause.rfind(w) for w in TARGET_CUES), default=-1)
    actual = max((clause.rfind(w) for w in ACTUAL_CUES), default=-1)
    if target > actual:
        return "target"
    if actual > target:
        return "actual"
    if after.startswith(TARGET_AFTER):
        return "target"
    return None


def check_blocks(blocks: list[Block], result, data: TableReportData,
                 money_unit: str = "万元") -> tuple[int, list[Discrepancy]]:
    """Every discrepancy between the report's blocks and the re-scored 自评表 (whose amounts
    are in ``money_unit``; the report's in the units it writes)."""
    return _walk(blocks, Checker(result, data, money_unit))


_SENTENCE = re.compile(r"[，。；]")   # what a heading never holds and a paragraph's sentences do


def _walk(blocks: list[Block], checker: Checker) -> tuple[int, list[Discrepancy]]:
    """Feed the report's blocks to ``checker`` in order, telling it when it is in 绩效目标."""
    goals_level = None   # inside the 绩效目标 section (and its subsections) when set
    for block in blocks:
        in_goals = goals_level is not None
        if block.kind == "heading":
            if "目标" in block.text and "评价" not in block.text:
                goals_level = block.level if goals_level is None else min(goals_level, block.level)
            elif goals_level is not None and block.level <= goals_level:
                goals_level = None
            if _SENTENCE.search(block.text):   # a paragraph joined to its heading (Delete at the heading's end)
                checker.paragraph(block, goals_level is not None)
        elif block.kind == "table":
            checker.table(block)
        else:
            checker.paragraph(block, in_goals)
    return checker.checked, checker.found


def _choose(scored, blocks: list[Block], report: Path):
    if len(scored) == 1:
        return scored[0]
    text = "".join(b.text for b in blocks[:8])
    named = [s for s in scored if s.report.project and s.report.project.strip() in text]
    if len(named) == 1:
        return named[0]
    names = "、".join(f"{s.report.sheet}：{s.report.project}" for s in scored)
    raise ReportError(f"工作簿中有 {len(scored)} 张表（{names}），无法从报告 {report.name} 的标题判断是哪一张；请用 --sheet 指定")


def check_report(report: str | Path, workbook: str | Path, sheet: str | None = None,
                 profile: str | None = None) -> CheckResult:
    """Compare the figures of the Word report ``report`` with the table in ``workbook``: a
    自评表, or a 评价指标体系评分表 (its score table, item scores, total and grade)."""
    from ..readers.evaluation import ReadEvaluation
    from ..readers.multiyear import ReadYears
    from .framework import framework_report_data
    from .model import table_report_data

    report = Path(report)
    blocks = read_blocks(report)
    scored = read_scored(workbook, sheet, profile)
    if isinstance(scored[0].read, ReadYears):
        raise ReportError(f"{workbook} 是多年度评价的年度预算及支出表；report check 目前核对自评表和评价指标体系评分表的报告")
    table_report, result, read = _choose(scored, blocks, report)
    if isinstance(read, ReadEvaluation):
        data = framework_report_data(read, table_report)
        checked, found = _walk(blocks, FrameworkChecker(data))
    else:
        data = table_report_data(result, table_report, cells=read.all_cells(), money_unit=read.money_unit)
        checked, found = check_blocks(blocks, result, data, read.money_unit)
    found = _project_named(blocks, data.project) + list(found)
    if blocks.by_perfbook and not any(b.kind == "table" for b in blocks):   # (its tables deleted)
        found.append(Discrepancy("报告中没有表格（得分表、指标完成情况表），各项得分未能核对；请确认报告完整",
                                 "（没有表格）", data.project, "全文"))
    if not checked:   # (the batch's 复核情况报告, a notice: nothing in it is this table's)
        found.append(Discrepancy("报告中没有找到可与表格核对的数字（总分、得分、金额、指标值），未能核对；"
                                 "请确认这是该项目的评价报告", "（没有可核对的数字）", data.project, "全文"))
    label = f"{Path(workbook).name}（工作表“{table_report.sheet}”：{data.project}）"
    return CheckResult(str(report), label, checked, found, _placeholders(blocks))


def _placeholders(blocks: list[Block]) -> list[str]:
    """The 【待填写：…】 a written report still holds (its narrative not given), where each is: no
    figure to check, but no report to send either."""
    from .model import PLACEHOLDER

    texts = [(b.where, t) for b in blocks for t in ([b.text] if b.kind != "table" else [c for r in b.rows for c in r])]
    return [f"{where}：{mark}" for where, text in texts for mark in PLACEHOLDER.findall(text)]


def _project_named(blocks: list[Block], project: str) -> list[Discrepancy]:
    """A report that never names the table's project is most likely about another project: say
    so first, since every other figure will differ too."""
    name = re.sub(r"\s+", "", project or "")
    text = re.sub(r"\s+", "", "".join(b.text for b in blocks))
    if not name or name in text:
        return []
    return [Discrepancy(f"报告中没有出现表格的项目名称“{project}”，报告与表格可能不是同一个项目", "（未出现）",
                        project, "全文")]
