"""Golden test: the 30 Chaoyang 2024 tables scored with beijing-chaoyang-2024.

Every funds row and every indicator score must equal what the authors reported, except the
real anomalies below, each with the value the rules give and why.
"""

from decimal import Decimal


from addin.engine import exec_score, score_indicator
from addin.engine.table import evaluate_table

# (table number, part, expected score, why the reported value is wrong)
ANOMALIES = {
    (5, "funds"): (
        Decimal("10.00"),
        "执行率 695.82/696.02 = 99.97%; 10 × 0.99971 rounds to 10.00, 9.99 was truncated",
    ),
    (12, "funds"): (
        Decimal("10.00"),
        "执行率 160.329/160.349 = 99.99%; 10 × 0.99988 rounds to 10.00, 9.99 was truncated",
    ),
    (26, 2): (
        Decimal("7.00"),
        "target ≥ 1 份, actual 7 份: over by 600%, rule 7 deducts 30%; indicator 1 of the same "
        "table with the same numbers was scored 7 by its author",
    ),
}


def _rows(tables):
    for number, table in enumerate(tables, start=1):
        yield number, "funds", table
        for row in range(1, len(table.indicators) + 1):
            yield number, row, table


def test_every_reported_score_matches_except_real_anomalies(chaoyang_tables):
    differences = {}
    for number, part, table in _rows(chaoyang_tables):
        if part == "funds":
            f = table.funds
            computed = exec_score(f.annual, f.executed, f.weight, "beijing-chaoyang-2024")
            reported = Decimal(str(f.score))
        else:
            ind = table.indicators[part - 1]
            computed = score_indicator(
                ind.nature, ind.target, ind.actual, ind.weight, "beijing-chaoyang-2024", ind.unit
            )
            reported = Decimal(str(ind.score))
        if computed != reported:
            differences[(number, part)] = computed
    assert differences == {key: value for key, (value, _why) in ANOMALIES.items()}


def test_thirty_tables_and_their_rows(chaoyang_tables):
    assert len(chaoyang_tables) == 30
    assert sum(len(t.indicators) for t in chaoyang_tables) == 189


def test_only_the_anomalous_tables_have_findings(chaoyang_tables):
    flagged = {
        (n, f.part, f.row, f.finding.kind)
        for n, t in enumerate(chaoyang_tables, start=1)
        for f in evaluate_table(t).findings
    }
    assert flagged == {
        (5, "funds", None, "exec_score_mismatch"),
        (12, "funds", None, "exec_score_mismatch"),
        (12, "funds", None, "exec_rate_mismatch"),  # 99.98% reported, 99.99% computed
        (26, "indicator", 2, "penalty_not_applied"),
    }


def test_totals_and_grades(chaoyang_tables):
    totals = [evaluate_table(t).total for t in chaoyang_tables]
    assert totals[25] == Decimal("94.00")
    assert all(t == Decimal("100.00") for i, t in enumerate(totals) if i != 25)
    assert {evaluate_table(t).grade for t in chaoyang_tables} == {"优"}
