"""Checking a filled evaluation indicator system (评价指标体系评分表) as plain data.

An :class:`EvaluationForm` holds the rows as typed (分值 at each level, 评价标准, the inputs the
methods use, 自评得分 and 扣分原因) and the reported subtotals, total and grade; it may come from
a framework file (:func:`blank_form`) or from a workbook typed by hand. :func:`evaluate_form`
scores each item by the method its criterion names and lists every inconsistency as an
:class:`EvaluationFinding` that says which part of the form and which field it concerns.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from ..errors import PerfError
from ..findings import Finding, fmt, is_blank_reason, unreadable
from ..natures import parse_weight
from ..numbers import read_score, round_half_up
from ..scoring import grade_of, written_grade
from .criteria import JUDGEMENT, Criterion, parse_criterion
from .methods import DECIMALS, METHODS, Inputs, NotAllowed
from .model import TOTAL_POINTS, Framework

_ZERO = Decimal(0)


@dataclass
class EntryRow:
    """One third-level row as typed; 一级/二级 and their 分值 carried down from merged cells."""

    level1: str
    level1_points: object
    level2: str
    level2_points: object
    name: str
    points: object
    criterion: object
    inputs: Inputs = field(default_factory=Inputs)
    score: object = None      # 自评得分 as reported
    reason: object = None     # 扣分原因

    @property
    def filled(self) -> bool:
        """Whether anything is typed in the row: an input, the 自评得分 or the 扣分原因."""
        inputs = (getattr(self.inputs, name) for name in ("met", "value", "planned", "deductions", "score"))
        return any(not _blank(v) for v in (*inputs, self.score, self.reason))


@dataclass
class EvaluationForm:
    rows: list[EntryRow]
    project: str = ""
    subtotals: dict[str, object] = field(default_factory=dict)  # 一级 → reported 小计
    total_points: object = None
    total_score: object = None
    grade: object = None
    grades_profile: str = "mof-2020"

    @property
    def filled(self) -> bool:
        """Whether anything of an evaluation is typed: an input, a score or a 扣分原因 of a row, a
        小计, the 总分 or the 评价等级. A form with none of them (a blank template, a framework
        typed out) is not an evaluation yet: its missing scores are no findings, nor its total 0."""
        totals = (*self.subtotals.values(), self.total_score, self.grade)
        return any(row.filled for row in self.rows) or any(not _blank(v) for v in totals)


@dataclass(frozen=True)
class EvaluationFinding:
    """``part``: 'item', 'level2', 'level1', 'total' or 'grade'; ``row``: the 1-based item row
    (for a group, its first row); the finding's ``field`` names the column."""

    part: str
    finding: Finding
    row: int | None = None


@dataclass(frozen=True)
class ItemResult:
    method: str | None
    score: Decimal | None       # what 自评得分 should be (None when it cannot be known)


@dataclass(frozen=True)
class EvaluationResult:
    items: list[ItemResult]
    subtotals: dict[str, Decimal]
    total: Decimal | None       # None (and grade None) for a form nothing is filled in yet
    grade: str | None
    findings: list[EvaluationFinding]


def blank_form(framework: Framework, project: str = "") -> EvaluationForm:
    """The rows of a framework, nothing filled in."""
    rows = [EntryRow(l1.name, l1.points, l2.name, l2.points, item.name, item.points, item.criterion.text)
            for l1, l2, item in framework.rows()]
    return EvaluationForm(rows, project, grades_profile=framework.grades_profile)


def fill(form: EvaluationForm, entries: dict[str, dict]) -> EvaluationForm:
    """A copy of ``form`` with rows filled in by item name: ``{"到位率": {"value": 369, "planned":
    369, "score": 3}}`` (keys of :class:`Inputs` plus ``score`` and ``reason``)."""
    rows = []
    for row in form.rows:
        values = dict(entries.get(row.name, {}))
        reported, reason = values.pop("reported", row.score), values.pop("reason", row.reason)
        rows.append(replace(row, inputs=replace(row.inputs, **values), score=reported, reason=reason))
    return replace(form, rows=rows)


def _has_inputs(criterion: Criterion, inputs: Inputs) -> bool:
    needed = METHODS[criterion.method].inputs
    return any(not _blank(getattr(inputs, name)) for name in needed)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_score(value: object) -> Decimal:
    return round_half_up(read_score(value, "自评得分"), DECIMALS)


def _item(row: EntryRow, index: int, findings: list[EvaluationFinding], filled: bool = True) -> ItemResult:
    """Score one row; append what is inconsistent. The score counts toward the total. In a form
    not ``filled`` at all, a row without score is no finding."""
    add = lambda f: findings.append(EvaluationFinding("item", f, index))  # noqa: E731
    try:
        points = parse_weight(row.points)
    except PerfError as err:
        add(unreadable(err, row.points, None, "points"))
        return ItemResult(None, None)
    unchecked = False
    try:
        criterion = parse_criterion(row.criterion, points)
    except PerfError as err:
        add(unreadable(err, row.criterion, None, "criterion"))
        criterion, unchecked = Criterion(JUDGEMENT, points, str(row.criterion)), True
    method = METHODS[criterion.method]
    reported = typed = None
    if not _blank(row.score):
        try:
            typed = read_score(row.score, "自评得分")   # (as typed, a float's tail dropped)
            reported = round_half_up(typed, DECIMALS)
        except PerfError as err:
            add(unreadable(err, row.score, None, "score"))
            return ItemResult(criterion.method, None)
        if isinstance(row.score, str):   # 8分: read, but a sheet's SUM and COUNT leave text out (its 小计 blank)
            add(Finding("score_as_text", f"自评得分“{row.score.strip()}”写成了文字，表中的小计和总分公式不计入文字；"
                                         f"请填写数值{fmt(reported)}", row.score, reported))
    expected = None
    if criterion.method == JUDGEMENT and _blank(row.inputs.score):   # the typed score is the judgement
        if typed is not None and typed != reported:   # 7.185: 7.19 would be a guess (and may move the grade)
            shown = fmt(typed) if -typed.as_tuple().exponent <= 4 else f"{fmt(round_half_up(typed, 4))}…"   # (=10*2/3)
            add(Finding("score_not_allowed", f"自评得分{shown}应保留两位小数", typed, None))
            return ItemResult(criterion.method, None)
        if reported is not None and 0 <= reported <= points:
            expected = reported
    elif _has_inputs(criterion, row.inputs):
        try:
            expected = method.score(criterion, row.inputs)
        except NotAllowed as err:   # read, but not what the criterion allows (⑨ of four items, 扣3 of 2)
            add(Finding("input_not_allowed", str(err), None, None, err.field or method.inputs[0]))
            return ItemResult(criterion.method, None)
        except PerfError as err:
            add(unreadable(err, None, None, err.field or method.inputs[0]))
            return ItemResult(criterion.method, None)
    if reported is None and expected is None:
        if filled:
            add(Finding("score_missing", "未填写自评得分", None, None))
        return ItemResult(criterion.method, None)
    if reported is None:
        add(Finding("score_missing", f"未填写自评得分，应为{expected}", None, expected))
    elif reported > points:
        add(Finding("score_above_weight", f"自评得分{fmt(reported)}超过分值{fmt(points)}", reported, points))
    elif expected is not None and reported != expected:
        add(Finding("score_mismatch", f"按{method.label}得分应为{expected}，填报为{fmt(reported)}",
                    reported, expected))
    elif reported < 0:   # a judged one (酌情扣分 takes off at most the item's 分值); a computed one is a mismatch
        add(Finding("score_not_allowed", f"自评得分{fmt(reported)}应在 0 至分值 {fmt(points)} 之间", reported, 0))
    elif expected is None and not method.allows(criterion, reported):   # 3.5 of a checklist of whole points:
        add(Finding("score_not_allowed",                                  # which score was meant is not known
                    f"按评分标准（{method.label}）不可能得{fmt(reported)}分", reported, None))
        return ItemResult(criterion.method, None)
    if unchecked:   # (its criterion unreadable: the typed score is not known to be right)
        return ItemResult(criterion.method, None)
    score = expected if expected is not None else min(max(reported, _ZERO), points)  # type: ignore[type-var]
    if score < points and is_blank_reason(row.reason):
        add(Finding("missing_reason", f"得分{fmt(score)}低于分值{fmt(points)}，未填写扣分原因", score,
                    field="reason"))
    return ItemResult(criterion.method, score)


def _group_points(rows: list[EntryRow], attr: str) -> object:
    values = [getattr(r, attr) for r in rows if not _blank(getattr(r, attr))]
    return values[0] if values else None


def _weights(form: EvaluationForm, findings: list[EvaluationFinding]) -> None:
    """三级 → 二级 → 一级 → 100: each group's 分值 is the sum of its children's."""
    level1: dict[str, list[int]] = {}
    level2: dict[tuple[str, str], list[int]] = {}
    for index, row in enumerate(form.rows, start=1):
        level1.setdefault(row.level1, []).append(index)
        level2.setdefault((row.level1, row.level2), []).append(index)

    def points(value: object) -> Decimal | None:
        try:
            return parse_weight(value)
        except PerfError:
            return None

    def check(part: str, name: str, stated: object, children: list[Decimal | None], first: int) -> None:
        declared = points(stated)
        if declared is None or any(c is None for c in children):
            return
        total = sum(children, _ZERO)  # type: ignore[arg-type]
        if total != declared:
            findings.append(EvaluationFinding(part, Finding(
                "weights_sum", f"“{name}”的分值为{fmt(declared)}，下级分值合计{fmt(total)}", declared, total,
                "points"), first))

    level2_points = {}
    for (l1, l2), indexes in level2.items():
        rows = [form.rows[i - 1] for i in indexes]
        stated = _group_points(rows, "level2_points")
        level2_points[(l1, l2)] = points(stated)
        check("level2", l2, stated, [points(r.points) for r in rows], indexes[0])
    level1_points = []
    for l1, indexes in level1.items():
        rows = [form.rows[i - 1] for i in indexes]
        stated = _group_points(rows, "level1_points")
        level1_points.append(points(stated))
        check("level1", l1, stated, [v for (a, _), v in level2_points.items() if a == l1], indexes[0])
    if all(v is not None for v in level1_points):
        total = sum(level1_points, _ZERO)  # type: ignore[arg-type]
        if total != TOTAL_POINTS:
            findings.append(EvaluationFinding("total", Finding(
                "weights_sum", f"一级指标分值合计{fmt(total)}，应为100", total, TOTAL_POINTS, "points")))


def evaluate_form(form: EvaluationForm) -> EvaluationResult:
    """Score every row and list every inconsistency (see :class:`EvaluationFinding`). A form with
    nothing filled in (:attr:`EvaluationForm.filled`) gets only the findings on its framework
    (分值 and 评价标准), and no total or grade; so does one with an item it cannot score (not
    filled, or unreadable): its total is not known, nor the 小计 of that item's 一级指标."""
    findings: list[EvaluationFinding] = []
    filled = form.filled
    items = [_item(row, index, findings, filled) for index, row in enumerate(form.rows, start=1)]
    _weights(form, findings)
    subtotals: dict[str, Decimal] = {}
    unknown = set()   # 一级指标 with an item that has no score: their 小计, and the total, are not known
    for row, item in zip(form.rows, items):
        subtotals[row.level1] = subtotals.get(row.level1, _ZERO) + (item.score or _ZERO)
        if item.score is None:
            unknown.add(row.level1)
    for name, reported in form.subtotals.items():
        if name not in unknown:
            _compare_total("level1", f"“{name}”小计", reported, subtotals.get(name, _ZERO), findings,
                           next(i for i, r in enumerate(form.rows, start=1) if r.level1 == name))
    if not filled or unknown:
        return EvaluationResult(items, subtotals, None, None, findings)
    total = round_half_up(sum(subtotals.values(), _ZERO), DECIMALS)
    _compare_total("total", "总分", form.total_score, total, findings, None)
    grade = grade_of(total, form.grades_profile)
    if not _blank(form.grade):
        written = str(form.grade).strip()
        if written_grade(written) != grade:
            findings.append(EvaluationFinding("grade", Finding(
                "grade_mismatch", f"总分{fmt(total)}对应等级为“{grade}”，填报为“{written}”", written, grade,
                "grade")))
    return EvaluationResult(items, subtotals, total, grade, findings)


def _compare_total(part: str, label: str, reported: object, expected: Decimal,
                   findings: list[EvaluationFinding], row: int | None) -> None:
    if _blank(reported):
        return
    try:
        value = _read_score(reported)
    except PerfError as err:
        findings.append(EvaluationFinding(part, unreadable(err, reported, expected, "score"), row))
        return
    if value != expected:
        findings.append(EvaluationFinding(part, Finding(
            "total_mismatch", f"{label}应为{fmt(expected)}，填报为{fmt(value)}", value, expected), row))
