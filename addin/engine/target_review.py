"""Review of declared performance targets (绩效目标审核), before the year starts.

A finance bureau reviews each project's targets for 完整性、相关性、适当性、可行性 and grades the
project 优/良/中/差 (《中央部门预算绩效目标管理办法》: 优 enters the budget, 良 after consultation,
中 is revised and resubmitted, 差 does not proceed). This module does the part of that review a
rule can decide, on the targets as declared (:class:`TargetProject`, read by the workbook side
from a budget system's project list or a 绩效目标申报表):

* **scorable** — each row can be scored at year end under the profile: a nature, a number where
  one is needed, a unit, a qualitative scale the profile knows;
* **complete** — the profile's required groups, weights adding up as the form requires, no
  duplicate indicator, no indicator named by its own value;
* **consistent with the money** — a 成本指标 in money within the project's annual budget, amounts
  that add up to their totals;
* **ambitious enough** — a 满意度 target not below the profile's floor, no target below last
  year's actual (the pre-year form of the over-target rule).

Each rule is an entry of :data:`RULES`, keyed by the name the profile's ``[targets_review.rules]``
uses; the profile lists the rules it applies and what one finding of each deducts from 100, and
the review score's grade (with its consequence) comes from the profile's thresholds. Every rule
reads the rows through one :class:`RowReading` made once per row, so that one defect is one
finding of one rule. Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from . import form
from .errors import PerfError
from .methods import QUANTITATIVE
from .natures import EQUAL, POSITIVE, QUALITATIVE, REVERSE, parse_nature, parse_weight
from .numbers import (BLANK_MARKS, _unit_forms, fmt, has_unit, normalize_text, quoted, read_value, round_half_up,
                      to_decimal, unit_word)
from .profiles import Profile, ProfileDefinitionError, TargetsReview, get_profile
from .qualitative import find_scale
from .table import weights_problem
from .targets import split_target, two_bounds
from .units import MONEY_SHORT, UNITS, convert, unit_at

UNREADABLE = "unreadable"   # reading problems: not a rule, but deducted as the profile says
_PREFIX = re.compile(r"^(?:指标\s*\d+\s*[:：.、]?|\d+\s*[.、:：]|[（(]\d+[)）])\s*")
_PUNCTUATION = re.compile(r"[\s。，,；;：:、．.·\"“”'‘’（）()【】\[\]]+")
# Names of rates that are a share of a whole (may not pass 100%); growth is not one.
_GROWTH = ("增长", "增幅", "提高", "提升", "增加", "下降", "降低", "减少", "节约")


@dataclass
class TargetRow:
    """One indicator as declared: values as typed, and the cell of each (field → A1 address)."""

    level1: str
    level2: str
    level3: str
    nature: object
    target: object
    unit: object
    weight: object
    cells: dict[str, str] = field(default_factory=dict)
    row: int | None = None          # the sheet row (1-based), for messages

    @property
    def named(self) -> str:
        """How a message names the indicator: “its 三级指标”, or its row when that is blank (a
        template's rows not filled in), never “None”."""
        name = str(self.level3 or "").strip()
        return f"“{name}”" if name else f"第 {self.row} 行未命名指标" if self.row else "未命名指标"


@dataclass
class Amount:
    """An amount as typed, what it is (its label) and where it is."""

    label: str
    value: object
    cell: str = ""


@dataclass
class AmountSum:
    """Amounts that must add up to a total (其中 parts of 年度资金总额, the projects of a 合计 row)."""

    total: Amount
    parts: list[Amount]


@dataclass
class TargetProject:
    """One project's declared targets. ``columns`` names the indicator columns the layout has
    (``nature``, ``unit``, ``weight`` …): a rule about a column the layout lacks is not applied.
    ``problems`` are reading problems (cell, Chinese message); ``repeats`` pairs of the same
    project-level amount stated twice (first, later)."""

    project: str
    rows: list[TargetRow] = field(default_factory=list)
    department: str = ""
    implementer: str = ""
    annual: Amount | None = None              # 全年预算数 / 年度资金总额
    money_unit: str = "万元"                   # unit of ``annual`` and the other amounts
    columns: frozenset[str] = frozenset({"level1", "level2", "level3", "nature", "target", "unit", "weight"})
    funds_weight: Decimal | None = None       # the form's funds 分值; None: the profile's
    cells: dict[str, str] = field(default_factory=dict)   # project, department, annual …
    sums: list[AmountSum] = field(default_factory=list)
    repeats: list[tuple[Amount, Amount]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    is_total: bool = False                    # a 合计 row of a list, not a project
    profile: str | None = None                # the profile the layout's form suggests, if any
    first_row: int | None = None              # 0-based sheet row of a list project's first row
    sheet: str = ""                           # the sheet (or Word table) it was read from
    # cells holding formulas saved without their results (said among the problems): no rule
    # speaks of them (a blank 分值 is not added up either)
    unread: frozenset[str] = frozenset()


@dataclass(frozen=True)
class LastYear:
    """Last year's actual of one indicator of one project, and where it was read."""

    actual: object
    unit: object
    source: str


@dataclass(frozen=True)
class TargetFinding:
    kind: str                       # a rule name (a key of RULES) or "unreadable"
    cell: str
    indicator: str                  # the 三级指标 concerned ('' for the project as a whole)
    message: str                    # one Chinese sentence
    value: Decimal | str | None = None
    limit: Decimal | str | None = None

    @property
    def label(self) -> str:
        return LABELS[self.kind]


@dataclass
class ProjectReview:
    project: TargetProject
    findings: list[TargetFinding]
    score: Decimal
    grade: str
    consequence: str


@dataclass
class RowReading:
    """What the engine makes of one row at year end, read once for every rule: the nature (or
    why there is none), the number and unit (or why not), the scale of a 定性 row."""

    row: TargetRow
    nature: str | None = None
    nature_problem: str | None = None
    value: Decimal | None = None
    value_problem: str | None = None
    unit: str = ""                  # the unit the value is in ('' when none is stated)
    unit_column: str = ""           # the 度量单位 cell, when it names a unit
    target_unit: str = ""           # the unit written inside the target
    blank_target: bool = False
    stated: bool = False            # the nature written (性质, or an operator in the target), not the profile's for a bare number


@dataclass
class Context:
    """What a rule sees: the project, its rows as read, the profile and its review settings,
    and last year's actuals (project key, indicator key) → :class:`LastYear`."""

    project: TargetProject
    readings: list[RowReading]
    profile: Profile
    settings: TargetsReview
    last_year: dict[tuple[str, str], list[LastYear]] | None = None


Rule = Callable[[Context], Iterator[TargetFinding]]
RULES: dict[str, Rule] = {}
LABELS: dict[str, str] = {UNREADABLE: "无法读取的值"}


def rule(name: str, label: str) -> Callable[[Rule], Rule]:
    """Register a rule under the name profiles use for it."""
    def register(check: Rule) -> Rule:
        RULES[name] = check
        LABELS[name] = label
        return check
    return register


# reading -------------------------------------------------------------------------------------


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and normalize_text(value).replace(" ", "") in BLANK_MARKS)


def key(name: object) -> str:
    """A project or indicator name as compared: NFKC, no spaces or punctuation, no numbering
    (指标1：, 1.)."""
    text = normalize_text(str(name or ""))
    text = _PREFIX.sub("", text)
    return _PUNCTUATION.sub("", text)


# The year a recurring project's name begins with (2024年…, 2024年度…, 2022-2023年…): next year's
# list names the same project 2025年…, which its results must still be found under
_YEAR_LEAD = re.compile(r"^(?:19|20)\d{2}(?:\s*[-—–~～至到]\s*(?:(?:19|20)?\d{2}))?\s*年度?")


def project_key(name: object) -> str:
    """A project's name as last year's results are matched by: :func:`key`, without the year it
    begins with."""
    return key(_YEAR_LEAD.sub("", normalize_text(str(name or "")).strip()))


def _unit_text(unit: object) -> str:
    forms = _unit_forms(str(unit)) if has_unit(unit) else ()
    return forms[-1] if forms else ""


def same_unit(a: str, b: str) -> bool:
    """Whether two unit spellings name the same unit (小时/时, %/％, 平米/平方米, 天/日: one of
    each is one of the other, see :mod:`.units`)."""
    return bool(set(_unit_forms(a)) & set(_unit_forms(b))) or convert(Decimal(1), unit_word(a), unit_word(b)) == 1


# A deadline's unit as a target writes it (12月底前, 6月末, 10日前完成): the month's or day's number
_DEADLINE = re.compile(r"(月|日)(?:底|末|初)?(?:以?前|之前)?(?:完成)?")


def _written_unit(unit: str) -> str:
    """The unit a target writes, without what makes it a deadline (月底 is 月)."""
    deadline = _DEADLINE.fullmatch(unit)
    return deadline.group(1) if deadline else unit


def money_factor(unit: str) -> Decimal | None:
    """万元 per one of ``unit`` (万 alone is 万元, as in ``≤260万``), or None for a unit that is no
    amount of money (it does not convert to 万元)."""
    if not unit:
        return None
    written = normalize_text(unit).replace(" ", "")
    return convert(Decimal(1), MONEY_SHORT.get(written, written), "万元")


# A unit in brackets closing an indicator's name (开展修复工程(个), 满意度（%）): one of the units the
# engine converts, or a measure word (not 试行, 一期, 含税)
MEASURE_WORDS = frozenset(("人次", "户", "台", "套", "台套", "家", "所", "座", "篇", "份", "件", "条", "处", "辆", "场",
                           "批", "名", "册", "本", "张", "间", "棵", "株", "头", "只", "门", "课时", "期次"))
_NAME_UNIT = re.compile(r"[(（]\s*([^()（）\s]{1,4})\s*[)）]\s*$")


def name_unit(name: str) -> str:
    """The unit an indicator's name closes on in brackets (秀屿's 开展修复工程(个)): a unit the
    engine knows, or one of :data:`MEASURE_WORDS`; '' when it names none."""
    found = _NAME_UNIT.search(normalize_text(str(name or "")))
    if not found:
        return ""
    text = found.group(1)
    return text if unit_at(text) == text or text in MEASURE_WORDS else ""


def read_row(row: TargetRow, project: TargetProject, profile: Profile) -> RowReading:
    """How the engine will read the row at year end (see :func:`addin.engine.scoring.score_detail`)."""
    reading = RowReading(row)
    if blank(row.target):
        reading.blank_target = True
    if "unit" in project.columns and has_unit(row.unit):
        reading.unit_column = normalize_text(str(row.unit)).strip()
    levels = (row.level1, row.level2)
    stated = None if "nature" not in project.columns or blank(row.nature) else row.nature
    if stated is not None:
        try:
            reading.nature = parse_nature(stated)
        except PerfError as err:
            reading.nature_problem = str(err)
            return reading
    if reading.blank_target:
        return reading
    try:
        split = split_target(row.target, reading.nature if reading.nature else profile.bare_nature(levels))
    except PerfError as err:
        if "没有数值" in str(err):
            reading.nature = reading.nature or _operator_nature(row.target)
            reading.value_problem = str(err)
        else:
            prefix = "绩效指标性质为空，且" if "nature" in project.columns else ""
            reading.nature_problem = prefix + str(err)
        return reading
    reading.stated = stated is not None or split.stated
    if reading.nature is None:
        reading.nature = split.nature
    elif split.stated and split.nature not in (reading.nature, QUALITATIVE) and reading.nature != QUALITATIVE:
        reading.nature_problem = (f"绩效指标性质为“{reading.nature}”，年度指标值“{quoted(row.target)}”"
                                  f"写的却是“{split.nature}”")
        return reading
    if reading.nature == QUALITATIVE:
        if _numeric_target(row.target):
            reading.nature_problem = (f"绩效指标性质为“定性”，年度指标值“{quoted(row.target)}”却是数值"
                                      "（定性指标应填写评价等级，如“优良中低差”）")
        return reading
    reading.target_unit = split.unit if split.nature != QUALITATIVE else ""
    reading.unit = reading.unit_column or reading.target_unit or name_unit(row.level3)
    text = split.value if split.nature != QUALITATIVE else row.target
    try:
        reading.value = read_value(text if isinstance(row.target, str) else row.target, reading.unit or None,
                                   "年度指标值")
    except PerfError as err:
        reading.value_problem = str(err)
        return reading
    try:   # the profile's method must be able to score against this target (≥ 0 cannot be divided by)
        QUANTITATIVE[profile.methods[reading.nature]].share(reading.value, reading.value)
    except PerfError as err:
        reading.value_problem = str(err)
    return reading


def _numeric_target(target: object) -> bool:
    """Whether a target is a number (with or without an operator), not a grade scale."""
    try:
        return split_target(target, POSITIVE).nature != QUALITATIVE
    except PerfError:
        return True   # an operator without a number: no scale either


def _operator_nature(target: object) -> str | None:
    text = normalize_text(str(target)).replace(" ", "")
    try:
        return parse_nature(re.sub(r"[^<>=≥≤≧≦═]", "", text)) if text else None
    except PerfError:
        return None


def _cell(row: TargetRow, *fields: str) -> str:
    return next((row.cells[f] for f in fields if row.cells.get(f)), "")


def _finding(kind: str, row: TargetRow | None, message: str, *fields: str, value=None, limit=None,
             project: TargetProject | None = None) -> TargetFinding:
    cell = _cell(row, *fields) if row is not None else ""
    if not cell and project is not None:
        cell = project.cells.get("project", "")
    return TargetFinding(kind, cell, str(row.level3 or "") if row is not None else "", message, value, limit)


def _shown(value: object) -> object:
    return value if isinstance(value, (Decimal, int, float)) or value is None else str(value)


# Words of a level label and the form's group they name (产出数量 is 数量指标, 项目效益 效益指标).
_GROUP_WORDS = (("数量", "数量指标"), ("质量", "质量指标"), ("时效", "时效指标"), ("成本", "成本指标"),
                ("效益", "效益指标"), ("满意", "满意度指标"), ("产出", "产出指标"))


def _group_of(row: TargetRow) -> set[str]:
    """The form's labels a row belongs to: its 一级 and 二级, the 一级 its 二级 implies, and the
    groups their words name (产出数量 → 数量指标; 经济成本指标 → 成本指标)."""
    labels = {form_label(row.level1), form_label(row.level2)}
    implied = form.LEVEL2_TO_LEVEL1.get(form_label(row.level2))
    if implied:
        labels.add(implied)
    for text in (form_label(row.level1), form_label(row.level2)):
        labels.update(group for word, group in _GROUP_WORDS if word in text)
    return labels - {""}


def form_label(text: object) -> str:
    """A level label as the form prints it: no spaces, no weight (产出指标(50分) → 产出指标)."""
    plain = "".join(normalize_text(str(text or "")).split())
    return re.sub(r"[(（]\s*\d+(?:\.\d+)?\s*分?\s*[)）]$", "", plain)


# scorable ------------------------------------------------------------------------------------


@rule("nature", "性质不明")
def _nature(ctx: Context) -> Iterator[TargetFinding]:
    """A row the engine cannot tell ≥ ≤ = or 定性 for (nor read from its target)."""
    for reading in ctx.readings:
        if reading.nature_problem:
            yield _finding("nature", reading.row, reading.nature_problem, "nature", "target",
                           value=_shown(reading.row.nature if not blank(reading.row.nature) else reading.row.target))


@rule("number", "缺少数值")
def _number(ctx: Context) -> Iterator[TargetFinding]:
    """A quantitative row without a usable number (an empty target is this rule's too)."""
    for reading in ctx.readings:
        row = reading.row
        if reading.nature_problem:
            continue
        if reading.blank_target:
            yield _finding("number", row, f"{row.named}的年度指标值为空，年终无法计分", "target")
        elif reading.nature != QUALITATIVE and reading.value_problem:
            yield _finding("number", row, f"{row.named}：{reading.value_problem}，年终无法计分", "target",
                           value=_shown(row.target))


@rule("unit", "单位不一致")
def _unit(ctx: Context) -> Iterator[TargetFinding]:
    """A quantitative row with no unit anywhere, a unit in the target that is not the 度量单位,
    or a share (满意度, …率) of more than 100%."""
    for reading in ctx.readings:
        row = reading.row
        if reading.nature in (None, QUALITATIVE) or reading.nature_problem or reading.value is None:
            continue
        if reading.unit_column and reading.target_unit and not same_unit(reading.unit_column, _written_unit(reading.target_unit)):
            yield _finding("unit", row, f"{row.named}的年度指标值“{quoted(row.target)}”的单位是"
                           f"“{reading.target_unit}”，绩效度量单位却是“{reading.unit_column}”", "unit", "target",
                           value=reading.target_unit, limit=reading.unit_column)
        elif not reading.unit:
            where = "绩效度量单位为空，年度指标值中也没有单位" if "unit" in ctx.project.columns else "年度指标值中没有单位"
            yield _finding("unit", row, f"{row.named}的{where}，年终无法核对实际完成值", "unit", "target",
                           value=_shown(row.target))
        elif same_unit(reading.unit, "%") and reading.value > 100 and _is_share(row.level3):
            yield _finding("unit", row, f"{row.named}是比率，年度指标值 {fmt(reading.value)}% 超过 100%",
                           "target", value=reading.value, limit=Decimal(100))


def _is_share(name: str) -> bool:
    text = key(name)
    return ("满意" in text or text.endswith("率")) and not any(word in text for word in _GROWTH)


# A date or a period written as a target (2023.07-2024.01, 2024年6月): no limit to measure against
_DATES = re.compile(r"(?:19|20)\d\d\s*[.．/年-]\s*\d{1,2}")
# a period from one date to another (2020年1月--2020年11月, 2023.07-2024.01, 2023年1月至12月)
_PERIOD = re.compile(_DATES.pattern + r"\D{0,3}?\s*(?:[-—–－~～]+|至|到)\s*(?:(?:19|20)\d\d\s*[.．/年-]\s*)?\d{1,2}\s*[月.．/]?")
_DATES_SAID = "年度指标值“{}”是日期或时间段，没有写明年终可衡量的要求（如 按期完成率 ≥100%、≤12月底前完成）"
# a range of values (95%-98%, 3~5天): no one number to score against
_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*([^\d\s.]{0,4}?)\s*(?:-|~|～|—|–|－|至|到)\s*(\d+(?:\.\d+)?)\s*([^\d\s.]{0,4})")


@rule("scale", "定性等级不明")
def _scale(ctx: Context) -> Iterator[TargetFinding]:
    """A 定性 row whose target names no grade scale the profile knows; one whose target is a
    date or a period (湘潭's published 申报表: 服务周期 2023.07-2024.01) is said to be so."""
    for reading in ctx.readings:
        if reading.nature != QUALITATIVE or reading.nature_problem or reading.blank_target:
            continue
        row, text = reading.row, normalize_text(str(reading.row.target))
        try:
            find_scale(row.target, ctx.profile)
        except PerfError as err:
            span = _RANGE.fullmatch(text.replace(" ", ""))
            if _DATES.search(text):
                why = _DATES_SAID.format(row.target)
            elif said := two_bounds(row.target):   # ≥50%且≤80%
                why = said
            elif span:   # (a time limit by its upper bound: 3~5天 is ≤5天; anything else by its lower)
                unit = span.group(2) or span.group(4)
                bound = (f"≤{span.group(3)}" if UNITS.get(unit_at(unit), ("",))[0] in ("时间", "月数")
                         else f"≥{span.group(1)}")
                why = (f"年度指标值“{row.target}”是一个区间，年终无法按一个数计分；请写出下限或上限，"
                       f"如“{bound}{unit}”")
            else:
                why = f"{err}，年终无法评定等级"
        else:   # (a profile taking any words as a statement still takes no period for one)
            why = _DATES_SAID.format(row.target) if _PERIOD.search(text) else None
        if why:   # (the target's own braces stay as typed: 达到{优})
            yield _finding("scale", row, f"{row.named}：{why}", "target", value=_shown(row.target))


# complete ------------------------------------------------------------------------------------


@rule("groups", "缺少指标类别")
def _groups(ctx: Context) -> Iterator[TargetFinding]:
    """Every group the profile requires (数量, 质量, 时效, 成本, 效益, 满意度 …) has a row."""
    if not ctx.project.rows:   # (one finding, not one per group: a table read wrong had been graded 差)
        yield _finding("groups", None, f"项目“{ctx.project.project}”没有读到任何绩效指标（三级指标和指标值都为空），"
                       "未审核指标类别", project=ctx.project, value="")
        return
    present = set().union(*(_group_of(r) for r in ctx.project.rows))
    for group in ctx.settings.required_groups:
        if group not in present:
            yield _finding("groups", None, f"项目“{ctx.project.project}”没有“{group}”，规则“{ctx.profile.id}”"
                           "要求每个项目都设置", project=ctx.project, value=group)


@rule("weights", "分值合计不符")
def _weights(ctx: Context) -> Iterator[TargetFinding]:
    """The rows' 分值 and the funds row's add up to 100 (and to the profile's group weights)."""
    project = ctx.project
    if "weight" not in project.columns or not project.rows:
        return
    weights, broken = [], False
    for row in project.rows:
        try:
            weights.append(parse_weight(row.weight))
        except PerfError as err:
            broken = True
            yield _finding("weights", row, f"{row.named}的{err}", "weight", value=_shown(row.weight))
    if broken:
        return
    funds = project.funds_weight if project.funds_weight is not None else ctx.profile.funds_weight
    first = project.rows[0]
    problem = weights_problem(weights, funds)
    if problem:
        yield _finding("weights", first, f"项目“{project.project}”的{problem}", "weight",
                       value=sum(weights, funds), limit=Decimal(form.TOTAL_WEIGHT))
    for group in ctx.profile.weight_groups:
        added = sum((w for w, r in zip(weights, project.rows) if _group_of(r) & set(group.level1)), Decimal(0))
        if added != group.weight:
            yield _finding("weights", first, f"项目“{project.project}”的{'、'.join(group.level1)}分值合计 "
                           f"{fmt(added)}，规则“{ctx.profile.id}”规定{group.name}为 {fmt(group.weight)}", "weight",
                           value=added, limit=group.weight)


@rule("duplicate", "重复指标")
def _duplicate(ctx: Context) -> Iterator[TargetFinding]:
    """The same 三级指标 twice in one project (numbering such as 指标1： ignored)."""
    seen: dict[str, TargetRow] = {}
    for row in ctx.project.rows:
        name = key(row.level3)
        if not name:
            continue
        if name in seen:
            first = seen[name]
            where = f"（{_cell(first, 'level3')}）" if _cell(first, "level3") else ""
            yield _finding("duplicate", row, f"三级指标“{row.level3}”与前面的“{first.level3}”{where}重复", "level3",
                           value=row.level3)
        else:
            seen[name] = row


@rule("name_is_value", "指标名称即指标值")
def _name_is_value(ctx: Context) -> Iterator[TargetFinding]:
    """An indicator whose name is its own target (三级指标“优良中低差”, “≥90%”)."""
    for reading in ctx.readings:
        row = reading.row
        name = key(row.level3)
        if not name or reading.blank_target:
            continue
        values = {key(row.target), key(f"{row.nature or ''}{row.target}"), key(f"{row.target}{row.unit or ''}"),
                  key(f"{row.nature or ''}{row.target}{row.unit or ''}")}
        if name in values:
            yield _finding("name_is_value", row, f"三级指标名称“{row.level3}”就是它的指标值，没有说明考核什么",
                           "level3", value=row.level3)


# Money put in: a budget or fund (预算, 资金, 经费) and how much of it was spent or passed on. Not
# 计划执行率 (work done), nor 补助资金发放率 (what a subsidy project delivers is the money paid out).
_INPUT = re.compile(r"(?:预算|资金|经费).*?(执行率|拨付率|到位率|拨款率|支付率)")
# Where a target must be an output or an outcome (宁夏's form scores 预算执行率 under 项目管理, by design)
_OUTCOMES = {"产出指标", "数量指标", "质量指标", "时效指标", "效益指标", "满意度指标"}


@rule("input_as_target", "投入不是目标")
def _input_as_target(ctx: Context) -> Iterator[TargetFinding]:
    """An 产出, 效益 or 满意度 indicator (not 成本指标) that measures money put in (预算执行率,
    资金拨付率, 到位率 …, 鄂州's published table lists 预算执行率 and 预算资金拨款率 as 数量指标):
    inputs are no targets (DOMAIN §2.2), and 执行率 is already scored on the 年度资金总额 row.
    Not under 项目管理 (宁夏's form scores 预算执行率 there)."""
    for reading in ctx.readings:
        row = reading.row
        name = key(row.level3)
        money = _INPUT.search(name)
        if money is None or "发放" in name:
            continue
        groups = _group_of(row)
        if groups & _OUTCOMES and "成本指标" not in groups:
            yield _finding("input_as_target", row, f"三级指标“{row.level3}”考核的是资金投入（{money.group(1)}），不是产出或效益；"
                           "预算执行率已在年度资金总额一行计分，应改为项目的产出或效益指标", "level3", value=row.level3)


# consistent with the money -------------------------------------------------------------------


def _budget(project: TargetProject) -> Decimal | None:
    """The annual budget in 万元, when it is a positive number."""
    if project.annual is None or blank(project.annual.value):
        return None
    try:
        amount = to_decimal(project.annual.value, project.annual.label)
    except PerfError:
        return None
    factor = money_factor(project.money_unit) or Decimal(1)
    return amount * factor if amount > 0 else None


_PER_YEAR = re.compile(r"\s*(?:/|每)\s*(?:年度?|每年)$")   # a money unit per year (万元/年, 元每年)


def _year_money_factor(unit: str) -> Decimal | None:
    """:func:`money_factor` of a unit of money, also one per year (万元/年: the year's amount)."""
    return money_factor(_PER_YEAR.sub("", unit))


@rule("cost_over_budget", "成本超过预算")
def _cost_over_budget(ctx: Context) -> Iterator[TargetFinding]:
    """A 成本指标 in money above the project's annual budget (元/万元 converted). A row named as
    the project's total (项目总金额 …: the profile's ``total_words``) is a multi-year amount and
    is not compared with the annual one."""
    budget = _budget(ctx.project)
    if budget is None:
        return
    for reading in ctx.readings:
        row = reading.row
        factor = _year_money_factor(reading.unit)
        if (reading.value is None or factor is None or reading.nature not in (POSITIVE, REVERSE, EQUAL)
                or "成本指标" not in _group_of(row)):
            continue
        if any(word in key(row.level3) for word in ctx.settings.total_words):
            continue
        amount = reading.value * factor
        limit = budget / factor
        places = max(-reading.value.as_tuple().exponent, 0)   # the budget as precisely as the target is written
        if amount > budget and reading.value > round_half_up(limit, places):
            unit = ctx.project.money_unit
            shown_budget = fmt(budget / (money_factor(unit) or Decimal(1)))
            converted = "" if factor == (money_factor(unit) or 1) else f"（{fmt(amount / (money_factor(unit) or 1))} {unit}）"
            yield _finding("cost_over_budget", row,
                           f"成本指标{row.named}的年度指标值 {reading.nature} {fmt(reading.value)} {reading.unit}"
                           f"{converted}超过项目全年预算数 {shown_budget} {unit}", "target",
                           value=reading.value, limit=limit)


@rule("amounts", "金额不一致")
def _amounts(ctx: Context) -> Iterator[TargetFinding]:
    """Parts that do not add up to their total (其中 parts, a 合计 row), and one project-level
    amount stated twice with different values."""
    project = ctx.project
    for total_amount, parts in ((s.total, s.parts) for s in project.sums):
        try:
            total = to_decimal(total_amount.value, total_amount.label)
            values = [to_decimal(p.value, p.label) for p in parts if not blank(p.value)]
        except PerfError:
            continue   # an amount that is no number is a reading problem, reported as such
        added = sum(values, Decimal(0))
        if values and abs(added - total) > Decimal("0.000001"):
            terms = " + ".join(f"{p.label} {fmt(to_decimal(p.value, p.label))}" for p in parts if not blank(p.value))
            if len(values) > 4:
                terms = f"{len(values)} 个项目的{total_amount.label.rsplit('的', 1)[-1]}之和"
            yield TargetFinding("amounts", total_amount.cell, "",
                                f"{terms} = {fmt(added)}，与{total_amount.label} {fmt(total)} 不一致", added, total)
    for first, later in project.repeats:
        yield TargetFinding("amounts", later.cell, "",
                            f"项目“{project.project}”的{later.label}在这里写作 {_amount_text(later)}，"
                            f"与 {first.cell} 的 {_amount_text(first)} 不一致", _amount_value(later), _amount_value(first))


def _amount_value(amount: Amount) -> Decimal | str | None:
    try:
        return to_decimal(amount.value, amount.label)
    except PerfError:
        return _shown(amount.value)


def _amount_text(amount: Amount) -> str:
    value = _amount_value(amount)
    return fmt(value) if isinstance(value, Decimal) else quoted(value)


# ambitious enough ----------------------------------------------------------------------------


POINT_SCALES = 10   # a 满意度 in 分 up to this is on a scale of 5 or 10 points, not of 100: no floor in %


@rule("satisfaction_floor", "满意度目标偏低")
def _satisfaction_floor(ctx: Context) -> Iterator[TargetFinding]:
    """A 满意度 target below the profile's floor, or one that asks for at most (≤) or exactly (=)
    some 满意度 (甘肃's published 绩效目标表 writes =99百分比: a 满意度 above it would lose points)."""
    floor = ctx.settings.satisfaction_floor
    if floor is None:
        return
    for reading in ctx.readings:
        row = reading.row
        if reading.value is None or not _held_to_floor(reading):
            continue
        written = fmt(reading.value) + ("%" if same_unit(reading.unit, "%") else reading.unit)
        if reading.nature == REVERSE:
            yield _finding("satisfaction_floor", row, f"满意度指标{row.named}的性质为“≤”（满意度不高于 "
                           f"{written}），满意度应越高越好，性质应为“≥”", "nature", "target",
                           value=_shown(row.nature), limit=POSITIVE)
        elif reading.nature == EQUAL:
            yield _finding("satisfaction_floor", row, f"满意度指标{row.named}的性质为“=”（满意度恰好为 "
                           f"{written}，高于它也会扣分），满意度应越高越好，性质应为“≥”", "nature", "target",
                           value=_shown(row.nature) or "=", limit=POSITIVE)
        elif reading.value < floor and not (reading.unit == "分" and reading.value <= POINT_SCALES):
            hint = (f"（没有单位，按百分数读；如指 {fmt(reading.value * 100)}%，请写“≥{fmt(reading.value * 100)}%”）"
                    if not reading.unit and reading.value <= 1 else "")
            yield _finding("satisfaction_floor", row, f"满意度指标{row.named}的年度指标值 {written}{hint}"
                           f"低于规则“{ctx.profile.id}”的下限 {fmt(floor)}{'分' if reading.unit == '分' else '%'}，目标偏低",
                           "target", value=reading.value, limit=floor)


# A rate or a count of what should not happen, ending the name (逾期发放率, 安全事故发生次数, 群众投诉率);
# not what was done about it (投诉处理率, 差错更正率, 辍学学生劝返率, 不合格产品检出率), nor its absence
# (无事故率, 零投诉率)
_LOWER_IS_BETTER = re.compile(r"(?<![无零未不])(逾期|延误|差错|错误|投诉|事故|故障|违规|违纪|超标|返工|流失|损失|伤亡|"
                              r"死亡|失误|不合格|漏报|误报|辍学)(?:发生|发放|事件|问题)?(?:率|次数|起数|件数|人数|数)$")


# A rate of what should happen, ending the name (验收合格率, 道路保洁达标率, 任务完成率); not its
# failure (不合格率, 未完成率). 满意度 is the satisfaction floor's.
_HIGHER_IS_BETTER = re.compile(r"(?<![不未无])(合格|达标|完成|验收|覆盖|到位|及时|正确|准确|通过|知晓|入学|就业|"
                               r"回收|处理|办结|接通|使用|利用|普及|参保|受益)率$")


_SAVED = re.compile(r"节约|节省|节支|压减|降低|减少|下降")   # a cost indicator of money saved: the more, the better


@rule("direction", "方向相反")
def _direction(ctx: Context) -> Iterator[TargetFinding]:
    """A target that rewards the wrong way: a rate or count of what should not happen (逾期发放率,
    投诉次数) asked for at least (≥) some positive value (南岳区's published 申报表: 逾期发放率
    ≥100%); a rate of what should happen (达标率, 合格率) asked for at most (≤); a 成本指标 in
    money asked for at least (≥ 300 万元: the more spent, the better met). The last two only where
    the unit wrote the nature (a bare number is read as the profile says)."""
    for reading in ctx.readings:
        row, name = reading.row, key(reading.row.level3)
        if reading.value is None or reading.value <= 0:
            continue
        unit = reading.unit if reading.unit in ("", "%") else f" {reading.unit}"
        lower, higher = _LOWER_IS_BETTER.search(name), _HIGHER_IS_BETTER.search(name)
        if reading.nature == POSITIVE and lower:
            said, should = f"是越低越好的指标（{lower.group(1)}）", REVERSE
        elif not reading.stated:   # (a bare number: read as the profile says, not as the unit wrote it)
            continue
        elif (reading.nature == REVERSE and higher and not _is_satisfaction(row)
              and (not reading.unit or same_unit(reading.unit, "%"))):   # (及时率 ≤2小时: a time limit, not a rate)
            said, should = f"是越高越好的指标（{higher.group(1)}率）", POSITIVE
        elif (reading.nature == POSITIVE and "成本指标" in _group_of(row) and not _SAVED.search(name)
              and _year_money_factor(reading.unit)):
            said, should = "是成本指标（花费越少越好）", REVERSE
        else:
            continue
        yield _finding("direction", row, f"{row.named}{said}，年度指标值却是 {reading.nature} "
                       f"{fmt(reading.value)}{unit}，方向相反，性质应为“{should}”", "nature", "target",
                       value=_shown(row.nature) or reading.nature, limit=should)


def _is_satisfaction(row: TargetRow) -> bool:
    return "满意度指标" in _group_of(row) or "满意" in key(row.level3)


def _held_to_floor(reading: RowReading) -> bool:
    """A 满意度 rate (in %, in 分, or without a unit) that the satisfaction floor checks (not a
    count of the group, such as 有效问卷数 ≥500份)."""
    unit = reading.unit
    return _is_satisfaction(reading.row) and (not unit or same_unit(unit, "%") or unit == "分")


@rule("below_last_year", "低于上年实际")
def _below_last_year(ctx: Context) -> Iterator[TargetFinding]:
    """With last year's results: a target (of a nature the profile's over-target rule applies
    to, ≥) lower than last year's actual of the same project and indicator. A 满意度 target is
    held to the profile's floor instead (``satisfaction_floor``): a survey's result moves from
    year to year, and last year's 100% made every 95% target low."""
    if not ctx.last_year:
        return
    project = project_key(ctx.project.project)
    for reading in ctx.readings:
        row = reading.row
        if reading.value is None or reading.nature not in ctx.profile.over_target_applies_to:
            continue
        if (ctx.settings.satisfaction_floor is not None and "satisfaction_floor" in ctx.settings.rules
                and _held_to_floor(reading)):
            continue   # (held to the floor instead)
        for last in ctx.last_year.get((project, key(row.level3)), ())[:1]:
            actual = _last_actual(last, reading.unit)
            if actual is not None and reading.value < actual:
                unit = f" {reading.unit}" if reading.unit else ""
                yield _finding("below_last_year", row, f"{row.named}的年度指标值 {reading.nature} "
                               f"{fmt(reading.value)}{unit} 低于上年实际完成值 {fmt(actual)}{unit}（{last.source}）",
                               "target", value=reading.value, limit=actual)


def _last_actual(last: LastYear, unit: str) -> Decimal | None:
    """Last year's actual in this year's unit, or None when it has no number or its unit cannot
    be compared."""
    before = _unit_text(last.unit)
    try:
        actual = read_value(last.actual, before or unit or None, "上年实际完成值")
    except PerfError:
        return None
    if not before or not unit or same_unit(before, unit):
        return actual
    old, new = money_factor(before), money_factor(unit)
    return actual * old / new if old and new else None


# the review ----------------------------------------------------------------------------------


def settings_of(profile: object = None) -> TargetsReview:
    """The profile's ``[targets_review]``, its rule names checked against :data:`RULES`."""
    rules = get_profile(profile)
    if rules.targets_review is None:
        raise PerfError(f"规则“{rules.id}”没有绩效目标审核的设定（[targets_review]），请改用其他规则", "rule")
    unknown = [name for name in rules.targets_review.rules if name not in RULES and name != UNREADABLE]
    if unknown:
        raise ProfileDefinitionError(f"profile {rules.id}: [targets_review.rules] names unknown rules {unknown} "
                                     f"(one of {sorted(RULES)} or {UNREADABLE!r})")
    return rules.targets_review


def grade_of_review(score: Decimal, settings: TargetsReview) -> tuple[str, str]:
    """The grade and its consequence for a review score."""
    for grade in settings.grades:
        if score >= grade.minimum:
            return grade.grade, grade.consequence
    last = settings.grades[-1]
    return last.grade, last.consequence


def review_project(project: TargetProject, profile: object = None,
                   last_year: dict[tuple[str, str], list[LastYear]] | None = None) -> ProjectReview:
    """Review one project's targets under ``profile``: its findings, review score and grade."""
    rules = get_profile(profile)
    settings = settings_of(rules)
    findings = [TargetFinding(UNREADABLE, cell, "", message) for cell, message in project.problems]
    if project.is_total:
        checks = ["amounts"] if "amounts" in settings.rules else []
    else:
        checks = [name for name in settings.rules if name != UNREADABLE]
    readings = [read_row(row, project, rules) for row in project.rows]
    ctx = Context(project, readings, rules, settings, last_year)
    for name in checks:
        findings.extend(f for f in RULES[name](ctx) if f.cell not in project.unread)
    deducted = sum((settings.rules.get(f.kind, Decimal(0)) for f in findings), Decimal(0))
    score = max(Decimal(form.TOTAL_WEIGHT) - deducted, Decimal(0))
    grade, consequence = grade_of_review(score, settings)
    return ProjectReview(project, findings, score, grade, consequence)
