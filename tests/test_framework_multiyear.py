"""Multi-year evaluations (seed 004): yearly budget tables checked, yearly scores averaged."""

from decimal import Decimal

from addin.engine.frameworks import BudgetLine, YearBudget, evaluate_years


def seed_004(scores=(None, None, None)) -> list[YearBudget]:
    def year(y, total, details, score):
        return YearBudget(y, BudgetLine("1、电子政务外网服务费", *total), [BudgetLine(n, *v) for n, v in details], score)

    return [
        year(2020, (160.00, 150.10, 160.00), [("1.1.联通", (150.10, 150.10, 150.10)), ("1.2.电信", (9.90, 9.90, 9.90))],
             scores[0]),
        year(2021, (194.8, 191.68, 191.68), [("1.1.联通", (176.02, 172.90, 172.90)), ("1.2.电信", (18.78, 18.78, 18.78))],
             scores[1]),
        year(2022, (157.90, 156.88, 156.88), [("1.1.联通", (148.00, 148.00, 148.00)), ("1.2.电信", (9.90, 8.88, 8.88))],
             scores[2]),
    ]


def test_the_2020_inconsistency_is_found_and_only_it():
    result = evaluate_years(seed_004(), 87.79, "良")
    found = [(f.year, f.row, f.finding.kind, f.finding.field) for f in result.findings]
    assert found == [(2020, 0, "budget_rows_sum", "after"), (2020, 0, "over_budget", "actual")]
    assert "150.1" in result.findings[0].finding.message and "160" in result.findings[0].finding.message
    assert [y.exec_rate for y in result.years] == [Decimal("1.0660"), Decimal("1.0000"), Decimal("1.0000")]


def test_reported_average_is_graded_when_yearly_scores_are_not_published():
    result = evaluate_years(seed_004(), 87.79, "良")
    assert result.average == Decimal("87.79") and result.grade == "良"


def test_yearly_scores_are_averaged():
    result = evaluate_years(seed_004((85, 88, 90.37)), None, None)
    assert result.average == Decimal("87.79") and result.grade == "良"
    wrong = evaluate_years(seed_004((85, 88, 90.37)), 88.5, "良")
    assert [f.finding.kind for f in wrong.findings if f.year is None] == ["total_mismatch"]
