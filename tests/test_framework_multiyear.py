"""Multi-year evaluations (seed 004): yearly budget tables checked, yearly scores averaged."""

from decimal import Decimal

import pytest

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


def test_a_yearly_score_outside_0_to_100_is_found_and_leaves_no_average():
    """105 for 2020 had averaged 91, 优, with no finding."""
    result = evaluate_years(seed_004((105, 80, 88)), 91, "优")
    found = [(f.year, f.finding.kind, f.finding.message) for f in result.findings if f.finding.field == "score"]
    assert found == [(2020, "score_above_weight", "2020年得分105应在 0 至 100 分之间")]
    assert result.average is None and result.grade is None
    assert evaluate_years(seed_004((100, 0, 88)), None, None).average == Decimal("62.67")   # (the bounds are scores)


def test_a_negative_yearly_score_is_not_allowed():
    result = evaluate_years(seed_004((-5, 80, 88)), None, None)
    found = [(f.year, f.finding.kind) for f in result.findings if f.finding.field == "score"]
    assert found == [(2020, "score_not_allowed")] and result.average is None


@pytest.mark.parametrize("typed", ["待定", "—", "/"])
def test_a_year_of_no_score_beside_scored_ones_leaves_no_average(typed):
    """A year written 待定 (no number) or a blank mark had been left out of the average: 85 and
    90 averaged 87.50, 良, beside a report saying the year was not filled."""
    result = evaluate_years(seed_004((85, typed, 90)), None, None)
    assert result.average is None and result.grade is None
    [found] = [f.finding.kind for f in result.findings if f.finding.field == "score"]
    assert found == ("unreadable" if typed == "待定" else "score_missing")


def test_a_yearly_score_written_with_its_unit_is_read():
    """85分 is 85, as on an evaluation form (it had been no score, and the average none)."""
    assert evaluate_years(seed_004((85, "88.5分", 90)), None, None).average == Decimal("87.83")


def test_a_year_left_blank_beside_scored_ones_is_found_and_leaves_no_average():
    """A blank 2021 had been left out: the 2020-2022 average was that of two years (87.50, 良)."""
    result = evaluate_years(seed_004((85, None, 90)), None, None)
    found = [(f.year, f.finding.kind, f.finding.message) for f in result.findings if f.finding.field == "score"]
    assert found == [(2021, "score_missing", "2021年得分未填写，各年度平均得分无法计算")]
    assert result.average is None and result.grade is None


def test_amounts_written_with_their_unit_read_as_the_numbers(tmp_path):
    """A year's table typed (or pasted from Word) with 万元 after each amount reads as the same
    numbers (the Word reader used to strip the unit; the table readers now convert it)."""
    from openpyxl import load_workbook

    from tests.conftest import ROOT
    from workbook_builder.readers.multiyear import read_years
    from workbook_builder.readers.source import read_grids

    source = ROOT / "samples" / "qinhuangdao-2020-2022" / "年度预算及支出情况.xlsx"
    book = load_workbook(source)
    changed = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool) and cell.column > 1 \
                        and not (1900 < cell.value < 2100):
                    cell.value = f"{cell.value}万元"
                    changed += 1
    book.save(tmp_path / "万元.xlsx")
    want = read_years(read_grids(source), "a")
    got = read_years(read_grids(tmp_path / "万元.xlsx"), "a")
    assert changed > 10 and [r.years for r in got] == [r.years for r in want]
