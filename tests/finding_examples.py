"""One example per finding kind and per place in the engine that emits it.

Standard library and ``addin.engine`` only: ``test_finding_kinds`` runs these examples under
pytest, and ``test_mutations`` runs them against copies of the engine with one emitting
statement deleted, in an isolated interpreter (``python -I -S``), to show that every such
statement is needed by some example.
"""

from __future__ import annotations

from addin.engine import Funds, FundsSource, Indicator, Table, check_indicator, evaluate_table
from addin.engine.frameworks import (BudgetLine, EntryRow, EvaluationForm, Inputs, YearBudget, evaluate_form,
                                     evaluate_years)


def row(nature="≥", target="90", actual="95", weight=10, score=10, reason="", unit="") -> Indicator:
    return Indicator("产出指标", "数量指标", "指标", nature, target, unit, actual, weight, score, reason)


def table(*rows: Indicator, funds: Funds | None = None, total_weight=None, total_score="auto",
          grade=None, total_stated: bool = False) -> Table:
    """A table whose weights add up to 100 (funds 10 + filler rows) unless told otherwise."""
    rows = list(rows) or [row()]
    funds = funds or Funds(annual=100, executed=100, initial=100, weight=10, rate="100%", score=10)
    filler = 90 - sum(r.weight for r in rows if isinstance(r.weight, (int, float)))
    if filler > 0:
        rows.append(row(weight=filler, score=filler))
    if total_score == "auto":
        total_score = None
    return Table("示例项目", funds, rows, total_weight=total_weight, total_score=total_score, grade=grade,
                 total_stated=total_stated)


def table_kinds(t: Table, profile: str | None = None) -> set[tuple[str, str, str]]:
    return {(f.part, f.finding.kind, f.field) for f in evaluate_table(t, profile).findings}


def row_kinds(*args, **kwargs) -> set[tuple[str, str, str]]:
    return {("indicator", f.kind, f.field) for f in check_indicator(*args, **kwargs)}


def target_says(target: object, profile: str = "beijing-chaoyang-2024") -> str:
    """What the findings of a row of a form without a 性质 column say about ``target``."""
    return "；".join(f"{f.field}:{f.message}" for f in check_indicator(None, target, "95", 10, 10, "", profile))


def _funds(**changes) -> Funds:
    values = dict(annual=100, executed=100, initial=100, weight=10, rate="100%", score=10)
    values.update(changes)
    sources = values.pop("sources", {})
    return Funds(**values, sources=sources)


def judged(weight=4, score=4, funds: Funds | None = None) -> Table:
    """A table of the Ningxia kind: a 项目决策 row scored by judgement, the funds block worth 0."""
    rows = [Indicator("项目决策", "项目目标", "完整性", None, "—", None, "目标明确", weight, score, None),
            Indicator("项目产出", "数量指标", "保障人数", None, "≥2370人", None, "2370人", 96, 96, None)]
    funds = funds or _funds(weight=0, score=None)
    return Table("示例项目", funds, rows, judged=("项目决策", "项目管理"))


GOALS = "①设有目标（1分）②目标明确（1分）"


def item(**changes) -> EntryRow:
    """A checklist row of an evaluation form worth 2, scored in full."""
    values = dict(level1="决策", level1_points=100, level2="目标", level2_points=100, name="目标内容",
                  points=2, criterion=GOALS, score=2, reason="")
    values.update(changes)
    return EntryRow(**values)


def _form(rows: tuple[EntryRow, ...], changes: dict) -> EvaluationForm:
    """A form whose rows add up to their 二级 分值 (a judgement row fills up)."""
    rows = list(rows) or [item()]
    first = rows[0]
    numeric = [r.points for r in rows if isinstance(r.points, (int, float))]
    filler = first.level2_points - sum(numeric)
    rows.append(item(name="其他", points=filler, criterion="酌情评分", score=filler,
                     level1_points=first.level1_points, level2_points=first.level2_points))
    return EvaluationForm(rows, **changes)


def form_kinds(*rows: EntryRow, **changes) -> set[tuple[str, str, str]]:
    """Findings of a form whose rows add up to their 二级 分值 (a judgement row fills up)."""
    return {(f.part, f.finding.kind, f.finding.field) for f in evaluate_form(_form(rows, changes)).findings}


def form_totals(*rows: EntryRow, **changes) -> str:
    """The total, grade and kinds of findings of such a form, as one text."""
    result = evaluate_form(_form(rows, changes))
    return f"total:{result.total} grade:{result.grade} kinds:{sorted({f.finding.kind for f in result.findings})}"


def seed_004_2020(**changes) -> YearBudget:
    total = dict(name="1、电子政务外网服务费", before=160.00, after=150.10, actual=160.00)
    total.update(changes)
    return YearBudget(2020, BudgetLine(**total), [BudgetLine("1.1.联通", 150.10, 150.10, 150.10),
                                                  BudgetLine("1.2.电信", 9.90, 9.90, 9.90)])


def year_kinds(years: list[YearBudget], average=None, grade=None) -> set[tuple[str, str, str]]:
    return {("year" if f.year is not None else "summary", f.finding.kind, f.finding.field)
            for f in evaluate_years(years, average, grade).findings}


def balanced_year(year: int, score=None) -> YearBudget:
    return YearBudget(year, BudgetLine("合计", 10, 10, 10), [BudgetLine("明细", 10, 10, 10)], score)


def blocks(*scores, points=(40,), actual="100%") -> Table:
    """A table of Hubei's kind (hubei-2020): rows without 分值 in blocks carrying their points,
    funds 20; ``scores``: the first row's, then 20-point rows met."""
    rows = [Indicator("产出指标", "质量指标", "合格率", None, "100%", None, actual, None, scores[0])]
    rows += [Indicator("产出指标", "质量指标", f"合格率{n}", None, "100%", None, "100%", None, s)
             for n, s in enumerate(scores[1:], start=2)]
    first = [(1, points[0], "年度绩效目标1")] + [(len(rows) + 1, p, f"年度绩效目标{n}") for n, p in enumerate(points[1:], 2)]
    rows += [Indicator("效益指标", "社会效益", "覆盖率", None, "100%", None, "100%", None, p) for p in points[1:]]
    funds = Funds(annual=100, executed=100, weight=20, score=20)
    return Table("示例项目", funds, rows, blocks=tuple(first), profile="hubei-2020")


# name → (what the engine found, the finding that must be among it: a (part, kind, field), or a
# piece of the message where the kind alone would not tell a deleted refusal from another one)
EXAMPLES = {
    # indicator rows, through PERF_CHECK's check_indicator
    "row unreadable actual": (lambda: row_kinds("≥", "90", "待定", 10, 10, ""), ("indicator", "unreadable", "actual")),
    "row unreadable score": (lambda: row_kinds("≥", "90", "95", 10, "满分", ""), ("indicator", "unreadable", "score")),
    "row score missing": (lambda: row_kinds("≥", "90", "95", 10, None, ""), ("indicator", "score_missing", "score")),
    "row score mismatch": (lambda: row_kinds("≥", "90", "45", 10, 6, "原因"), ("indicator", "score_mismatch", "score")),
    "row penalty not applied": (lambda: row_kinds("≥", "1", "7", 10, 10, "原因"), ("indicator", "penalty_not_applied", "score")),
    "row penalty misapplied": (lambda: row_kinds("≥", "1", "2", 10, 9, "原因"), ("indicator", "penalty_misapplied", "score")),
    "row deducted where no ladder applies": (lambda: row_kinds("≤", "1", "1", 10, 8, "原因"),
                                             ("indicator", "score_mismatch", "score")),
    "row above weight": (lambda: row_kinds("≥", "90", "45", 10, 12, "原因"), ("indicator", "score_above_weight", "score")),
    "row band violation": (lambda: row_kinds("定性", "优良中低差", "良", 10, 5, "原因", "mof-2020"),
                           ("indicator", "band_violation", "score")),
    "row missing reason": (lambda: row_kinds("≥", "90", "45", 10, 5, ""), ("indicator", "missing_reason", "reason")),
    "row over target": (lambda: row_kinds("≥", "1", "3", 10, 10, "", "mof-2020"), ("indicator", "over_target", "reason")),
    "row equal mismatch": (lambda: row_kinds("=", "100", "100.01", 10, 10, ""), ("indicator", "equal_mismatch", "reason")),
    "row nature conflict": (lambda: row_kinds("≥", "≤2小时", "1.5小时", 10, 7.5, ""), ("indicator", "nature_conflict", "nature")),
    "row nature conflict, no score": (lambda: row_kinds("≤", "≥5个", "6个", 10, None, ""),
                                      ("indicator", "nature_conflict", "nature")),
    # targets that carry their nature (forms without a 性质 column, addin.engine.targets)
    "target bare number": (lambda: target_says(90), "target:年度指标值“90”只有数值"),
    "target bare number with unit": (lambda: target_says("90个"), "target:年度指标值“90个”只有数值"),
    "target empty": (lambda: target_says("—", "mof-2020"), "target:年度指标值为空"),
    "target operator without number": (lambda: target_says("≥个"), "target:年度指标值“≥个”写了“≥”却没有数值"),
    # indicator rows inside a table
    "table row unreadable": (lambda: table_kinds(table(row(target="待定"))), ("indicator", "unreadable", "target")),
    "table row mismatch": (lambda: table_kinds(table(row(actual="45", score=6, reason="原因"))),
                           ("indicator", "score_mismatch", "score")),
    # the funds row
    "funds unreadable amount": (lambda: table_kinds(table(funds=_funds(annual="待定"))), ("funds", "unreadable", "annual")),
    "funds unreadable rate": (lambda: table_kinds(table(funds=_funds(rate="约百分百"))), ("funds", "unreadable", "rate")),
    "funds unreadable score": (lambda: table_kinds(table(funds=_funds(score="满分"))), ("funds", "unreadable", "score")),
    "funds score missing": (lambda: table_kinds(table(funds=_funds(score=None))), ("funds", "score_missing", "score")),
    "funds rate mismatch": (lambda: table_kinds(table(funds=_funds(executed=99.94, rate="100%", score=9.99))),
                            ("funds", "exec_rate_mismatch", "rate")),
    "funds score mismatch": (lambda: table_kinds(table(funds=_funds(executed=99.97, rate="99.97%", score=9.99))),
                             ("funds", "exec_score_mismatch", "score")),
    "funds sources sum": (lambda: table_kinds(table(funds=_funds(
        initial=0, sources={"当年财政拨款": FundsSource(initial=89.974)}))), ("funds", "funds_sum", "initial")),
    "funds sources unreadable": (lambda: table_kinds(table(funds=_funds(
        sources={"其他资金": FundsSource(annual="若干")}))), ("source", "unreadable", "annual")),
    "funds total unreadable beside its sub-rows": (lambda: table_kinds(table(funds=_funds(
        initial="若干", sources={"其他资金": FundsSource(initial=5)}))), ("funds", "unreadable", "initial")),
    "funds reason below the profile's share": (lambda: table_kinds(table(funds=_funds(
        annual=100, executed=80, score=8)), "sichuan-2023"), ("funds", "funds_reason_missing", "reason")),
    "funds over budget": (lambda: table_kinds(table(funds=_funds(executed=105, rate="105%"))),
                          ("funds", "over_budget", "executed")),
    "funds over the money received": (lambda: table_kinds(table(funds=_funds(received=90, rate="111.11%")),
                                                          "yichun-2022"), ("funds", "over_budget", "executed")),
    # rows scored by judgement (项目决策, 项目管理 of the forms that score them)
    "judged unreadable weight": (lambda: table_kinds(judged(weight="若干")), ("indicator", "unreadable", "weight")),
    "judged score missing": (lambda: table_kinds(judged(score=None)), ("indicator", "score_missing", "score")),
    "judged unreadable score": (lambda: table_kinds(judged(score="满分")), ("indicator", "unreadable", "score")),
    "judged above weight": (lambda: table_kinds(judged(score=5)), ("indicator", "score_above_weight", "score")),
    "judged missing reason": (lambda: table_kinds(judged(score=3)), ("indicator", "missing_reason", "reason")),
    # the whole table
    "weights sum": (lambda: table_kinds(table(row(weight=10, score=10), row(weight=90, score=90))),
                    ("total", "weights_sum", "weight")),
    "total row weight not 100": (lambda: table_kinds(table(total_weight=120)), ("total", "weights_sum", "weight")),
    "total mismatch": (lambda: table_kinds(table(total_score=99)), ("total", "total_mismatch", "score")),
    "total no number": (lambda: table_kinds(table(total_score="九十七")), ("total", "unreadable", "score")),
    "total blank": (lambda: table_kinds(table(total_score=None, total_stated=True)), ("total", "score_missing", "score")),
    "grade mismatch": (lambda: table_kinds(table(grade="良")), ("grade", "grade_mismatch", "grade")),
    "profile weight groups": (lambda: table_kinds(table(funds=_funds(received=100)), "yichun-2022"),
                              ("total", "weights_sum", "weight")),
    # rows without 分值 in blocks carrying their points (Hubei's form, table._blocks)
    "block row score missing": (lambda: table_kinds(blocks(None, 20, points=(40, 40))),
                                ("indicator", "score_missing", "score")),
    "block row unreadable score": (lambda: table_kinds(blocks("满分", 20, points=(40, 40))),
                                   ("indicator", "unreadable", "score")),
    "block row unreadable actual": (lambda: table_kinds(blocks(20, 20, points=(40, 40), actual="待定")),
                                    ("indicator", "unreadable", "actual")),
    "block row nothing achieved": (lambda: table_kinds(blocks(5, 20, points=(40, 40), actual="0%")),
                                   ("indicator", "score_mismatch", "score")),
    "block points": (lambda: table_kinds(blocks(19, 20, points=(40, 40))), ("block", "weights_sum", "score")),
    "block unreadable points": (lambda: table_kinds(blocks(20, 20, points=("四十", 40))),
                                ("block", "unreadable", "score")),
    "blocks and funds not 100": (lambda: table_kinds(blocks(20, 20, points=(40, 30))), ("total", "weights_sum", "weight")),
    # evaluation frameworks (addin.engine.frameworks.evaluation)
    "item unreadable points": (lambda: form_kinds(item(points="若干")), ("item", "unreadable", "points")),
    "item unreadable criterion": (lambda: form_kinds(item(criterion="①设有目标（1分）②目标明确（5分）")),
                                  ("item", "unreadable", "criterion")),
    "item unreadable score": (lambda: form_kinds(item(score="满分")), ("item", "unreadable", "score")),
    "item unreadable inputs": (lambda: form_kinds(item(inputs=Inputs(met="达成三项"))), ("item", "unreadable", "met")),
    "item inputs not allowed": (lambda: form_kinds(item(inputs=Inputs(met="⑨"))), ("item", "input_not_allowed", "met")),
    "item score missing": (lambda: form_kinds(item(score=None, inputs=Inputs(met="全部"))),
                           ("item", "score_missing", "score")),
    "item score missing, no inputs": (lambda: form_kinds(item(score=None)), ("item", "score_missing", "score")),
    "item above weight": (lambda: form_kinds(item(score=3)), ("item", "score_above_weight", "score")),
    "item judged below 0": (lambda: form_kinds(item(criterion="按完成情况酌情扣分", score=-1, reason="原因")),
                            ("item", "score_not_allowed", "score")),
    "item mismatch": (lambda: form_kinds(item(inputs=Inputs(met="①"), reason="原因")),
                      ("item", "score_mismatch", "score")),
    "item not allowed": (lambda: form_kinds(item(score=1.5, reason="原因")), ("item", "score_not_allowed", "score")),
    "item score as text": (lambda: form_kinds(item(score="2分")), ("item", "score_as_text", "score")),
    "item judged with 3 decimals": (lambda: form_kinds(item(criterion="按完成情况酌情扣分", score=1.555, reason="原因")),
                                    ("item", "score_not_allowed", "score")),
    "item missing reason": (lambda: form_kinds(item(score=1)), ("item", "missing_reason", "reason")),
    "level weights": (lambda: form_kinds(item(level2_points=90, level1_points=100), item(name="x", level2="y", points=10,
                                                                                       level2_points=10)),
                      ("level2", "weights_sum", "points")),
    "framework total weights": (lambda: form_kinds(item(level1_points=90, level2_points=90)),
                                ("total", "weights_sum", "points")),
    "framework total unreadable": (lambda: form_kinds(total_score="满分"), ("total", "unreadable", "score")),
    "framework total mismatch": (lambda: form_kinds(total_score=99), ("total", "total_mismatch", "score")),
    "framework total with an item not scored": (lambda: form_totals(item(score=None), total_score=99, subtotals={"决策": 99}),
                                                 "total:None grade:None kinds:['score_missing']"),
    "framework subtotal mismatch": (lambda: form_kinds(subtotals={"决策": 99}), ("level1", "total_mismatch", "score")),
    "framework grade mismatch": (lambda: form_kinds(grade="良"), ("grade", "grade_mismatch", "grade")),
    # multi-year evaluations (addin.engine.frameworks.multiyear)
    "years rows sum": (lambda: year_kinds([seed_004_2020()]), ("year", "budget_rows_sum", "after")),
    "years over budget": (lambda: year_kinds([seed_004_2020()]), ("year", "over_budget", "actual")),
    "years unreadable amount": (lambda: year_kinds([seed_004_2020(before="待定")]), ("year", "unreadable", "before")),
    "years unreadable score": (lambda: year_kinds([balanced_year(2021, "良好")]), ("year", "unreadable", "score")),
    "years score above 100": (lambda: year_kinds([balanced_year(2021, 105)]), ("year", "score_above_weight", "score")),
    "years score left blank": (lambda: year_kinds([balanced_year(2021, 80), balanced_year(2022)]),
                               ("year", "score_missing", "score")),
    "years unreadable average": (lambda: year_kinds([balanced_year(2021)], "高"), ("summary", "unreadable", "score")),
    "years average mismatch": (lambda: year_kinds([balanced_year(2021, 80), balanced_year(2022, 90)], 86),
                               ("summary", "total_mismatch", "score")),
    "years grade mismatch": (lambda: year_kinds([balanced_year(2021)], 87.79, "优"),
                             ("summary", "grade_mismatch", "grade")),
}


def failures() -> list[str]:
    """The examples whose expected finding is not found (or that raise)."""
    failed = []
    for name, (run, expected) in EXAMPLES.items():
        try:
            if expected not in run():
                failed.append(name)
        except Exception as err:  # a mutated engine may raise anything; that counts as caught
            failed.append(f"{name} ({type(err).__name__})")
    return failed


if __name__ == "__main__":
    import sys

    missing = failures()
    print("\n".join(missing))
    sys.exit(1 if missing else 0)
