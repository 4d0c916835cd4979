"""Every sample template, filled in like a user would, computes what the engine computes.

The template for each of the 30 Chaoyang projects is generated from the sample project list;
the sample's actual values are typed into its input cells (found through the layout), and the
workbook is evaluated by the independent formula engine ``formulas`` with perfbook's PERF_*
functions registered.
"""

import pytest

from addin.engine import exec_rate, exec_score, grade_of, score_indicator
from addin.engine.findings import check_indicator
from tests.conftest import ROOT
from tests.formula_engine import Evaluated
from workbook_builder.forms.batch import write_batch
from workbook_builder.forms.layout import SHEET, Layout
from workbook_builder.readers.project_list import read_project_list

PROFILE = "beijing-chaoyang-2024"


def typed(value):
    """What a cell holds after a user types ``value``: numbers become numbers."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    folder = tmp_path_factory.mktemp("templates")
    tables = read_project_list(ROOT / "samples/chaoyang-2024/project_list.xlsx", PROFILE, 2024)
    return write_batch(tables, folder, PROFILE, 2024).written


@pytest.mark.parametrize("number", range(1, 31))
def test_template_computes_like_the_engine(templates, chaoyang_tables, number):
    sample = chaoyang_tables[number - 1]
    written = templates[number - 1]
    assert written.table.project == sample.project
    lay = Layout(len(sample.indicators))
    inputs = {lay.funds_cell("executed"): typed(sample.funds.executed)}
    for index, ind in enumerate(sample.indicators):
        inputs[lay.indicator_cell("actual", index)] = typed(ind.actual)
        if ind.reason:
            inputs[lay.indicator_cell("reason", index)] = ind.reason
    book = Evaluated(written.path)
    solution = book.calculate(SHEET, inputs)
    cell = lambda ref: book.value(solution, SHEET, ref)  # noqa: E731

    expected_scores = [
        score_indicator(i.nature, i.target, i.actual, i.weight, PROFILE, i.unit)
        for i in sample.indicators
    ]
    scores = [cell(lay.indicator_cell("score", i)) for i in range(len(sample.indicators))]
    assert scores == [float(s) for s in expected_scores]
    funds = exec_score(sample.funds.annual, sample.funds.executed, 10, PROFILE)
    assert cell(lay.funds_cell("score")) == float(funds)
    assert cell(lay.funds_cell("rate")) == float(exec_rate(sample.funds.annual, sample.funds.executed))
    total = funds + sum(expected_scores)
    assert cell(lay.total_score_cell) == pytest.approx(float(total), abs=1e-9)
    assert cell(lay.total_weight_cell) == 100
    assert cell(lay.grade_cell) == grade_of(total, PROFILE)
    checks = [cell(lay.indicator_cell("check", i)) for i in range(len(sample.indicators))]
    expected_checks = [
        "；".join(f.message for f in check_indicator(
            i.nature, i.target, i.actual, i.weight, s, i.reason, PROFILE, i.unit))
        for i, s in zip(sample.indicators, expected_scores)
    ]
    assert checks == expected_checks
    # Table 26, indicator 2: scored 7 by the rules, and its author gave no reason.
    assert any(expected_checks) == (number == 26)


def test_blank_template_shows_nothing_until_filled(templates):
    written = templates[0]
    lay = Layout(len(written.table.indicators))
    book = Evaluated(written.path)
    solution = book.calculate(SHEET, {})
    assert book.value(solution, SHEET, lay.indicator_cell("score", 0)) == ""
    assert book.value(solution, SHEET, lay.total_score_cell) == ""
    assert book.value(solution, SHEET, lay.grade_cell) == ""


def test_unusable_actual_is_an_excel_error_that_reaches_the_total(templates):
    written = templates[0]
    lay = Layout(len(written.table.indicators))
    book = Evaluated(written.path)
    inputs = {lay.funds_cell("executed"): 1.0}
    inputs.update({lay.indicator_cell("actual", i): "100" for i in range(len(written.table.indicators))})
    inputs[lay.indicator_cell("actual", 0)] = "待定"
    solution = book.calculate(SHEET, inputs)
    assert str(book.value(solution, SHEET, lay.indicator_cell("score", 0))) == "#VALUE!"
    assert str(book.value(solution, SHEET, lay.total_score_cell)) == "#VALUE!"


def test_funds_check_cell_flags_sources_that_do_not_add_up(templates):
    written = templates[0]
    lay = Layout(len(written.table.indicators))
    book = Evaluated(written.path)
    source = lambda field, name: lay.funds_cell(field, name)  # noqa: E731
    consistent = {
        lay.funds_cell("initial"): 100.0, lay.funds_cell("executed"): 90.0,
        source("initial", "当年财政拨款"): 60.0, source("initial", "上年结转资金"): 40.0,
        source("executed", "当年财政拨款"): 90.0,
    }
    solution = book.calculate(SHEET, consistent)
    assert book.value(solution, SHEET, lay.funds_check_cell) == ""
    # The real-table error: 年度资金总额 0 while 当年财政拨款 shows 89.974.
    wrong = dict(consistent, **{lay.funds_cell("initial"): 0.0, source("initial", "当年财政拨款"): 89.974,
                               source("initial", "上年结转资金"): 0.0})
    solution = book.calculate(SHEET, wrong)
    assert book.value(solution, SHEET, lay.funds_check_cell) == "年初预算数：其中各项合计89.974，与年度资金总额0不一致；"
    blank = book.calculate(SHEET, {lay.funds_cell("executed"): 90.0})
    assert book.value(blank, SHEET, lay.funds_check_cell) == ""


def test_an_addin_template_without_a_nature_column_reads_a_bare_target_by_its_levels(tmp_path):
    """A blank central-2020 template: a bare 500 typed under 成本指标 is ≤ to mof-2020, as recalc
    reads it; PERF_SCORE had been given no level and read it as ≥ (10, where recalc says 9.62).
    The levels are carried down as recalc carries them: a 一级 left blank below (as merged), a
    blank 一级 whose 二级 names another one."""
    from addin.engine.forms import get_form
    from tests.formula_engine import Evaluated
    from workbook_builder.cli import main
    from workbook_builder.forms.layout import SHEET, Layout

    path = tmp_path / "blank.xlsx"
    levels = [("成本指标（10分）", "经济成本指标"), (None, None), ("产出指标", "数量指标"), (None, "经济成本指标")]
    assert main(["new", "-o", str(path), "--name", "测试项目", "--form", "central-2020", "--rows", str(len(levels))]) == 0
    lay = Layout(len(levels), get_form("central-2020"))
    inputs = {}
    for index, (level1, level2) in enumerate(levels):
        for field, value in zip(("level1", "level2", "target", "actual", "weight"), (level1, level2, "500", "520", 10)):
            if value is not None:
                inputs[lay.indicator_cell(field, index)] = value
    book = Evaluated(path)
    solution = book.calculate(SHEET, inputs)
    assert [book.value(solution, SHEET, lay.indicator_cell("score", i)) for i in range(4)] == [9.62, 9.62, 10, 9.62]
