"""Portable templates (``--portable``): native formulas compiled from the profile compute what the
engine computes, in LibreOffice (headless, a real spreadsheet application) and in ``formulas``.

The portable template of each of the 30 Chaoyang projects gets the sample's values typed in the
strict form portable templates ask for: the number the engine reads from each quantitative
实际完成值 (in % rows alternately as ``99.9`` and ``99.9%``), the grade it reads from each 定性
one, and the reasons as written.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import formulas
import pytest
from openpyxl import load_workbook

from addin.engine import exec_rate, exec_score, grade_of, score_indicator
from addin.engine.findings import check_indicator
from addin.engine.methods import FUNDS, QUANTITATIVE
from addin.engine.natures import QUALITATIVE, parse_nature
from addin.engine.numbers import read_value
from addin.engine.profiles import OVER_TARGET_MODES
from addin.engine.scoring import score_detail
from tests import libreoffice
from tests.conftest import ROOT
from tests.formula_engine import Evaluated
from workbook_builder.forms import portable
from workbook_builder.forms.batch import write_batch, write_template
from workbook_builder.forms.layout import META_SHEET, SHEET, Layout
from workbook_builder.readers.project_list import read_project_list

PROFILES = ("beijing-chaoyang-2024", "mof-2020")
needs_soffice = pytest.mark.skipif(libreoffice.SOFFICE is None, reason=libreoffice.MISSING)


def typed_actual(ind, index: int) -> str:
    """What a user types in a portable template for the sample's 实际完成值."""
    if parse_nature(ind.nature) == QUALITATIVE:
        return score_detail(ind.nature, ind.target, ind.actual, ind.weight, None, ind.unit).grade.name
    value = format(read_value(ind.actual, ind.unit), "f")
    return value + "%" if str(ind.unit).strip() == "%" and index % 2 else value


def inputs_for(sample) -> dict[str, object]:
    lay = Layout(len(sample.indicators))
    cells = {lay.funds_cell("executed"): float(sample.funds.executed)}
    for index, ind in enumerate(sample.indicators):
        cells[lay.indicator_cell("actual", index)] = typed_actual(ind, index)
        if ind.reason:
            cells[lay.indicator_cell("reason", index)] = ind.reason
    return cells


def expected_for(sample, profile: str) -> dict[str, object]:
    """Cell → the value the engine gives, for every score, rate, total, grade and check."""
    lay = Layout(len(sample.indicators))
    scores = [score_indicator(i.nature, i.target, i.actual, i.weight, profile, i.unit)
              for i in sample.indicators]
    funds = exec_score(sample.funds.annual, sample.funds.executed, 10, profile)
    total = funds + sum(scores)
    cells = {
        lay.funds_cell("score"): float(funds),
        lay.funds_cell("rate"): float(exec_rate(sample.funds.annual, sample.funds.executed, profile)),
        lay.total_score_cell: float(total),
        lay.total_weight_cell: 100,
        lay.grade_cell: grade_of(total, profile),
    }
    for index, (ind, score) in enumerate(zip(sample.indicators, scores)):
        cells[lay.indicator_cell("score", index)] = float(score)
        found = check_indicator(ind.nature, ind.target, ind.actual, ind.weight, score, ind.reason,
                                profile, ind.unit)
        cells[lay.indicator_cell("check", index)] = "；".join(f.message for f in found)
    return cells


def filled(path, inputs, folder):
    """A copy of the template at ``path`` with ``inputs`` typed in (as a user saves it)."""
    book = load_workbook(path)
    for ref, value in inputs.items():
        book[SHEET][ref] = value
    target = folder / path.name
    book.save(target)
    return target


@pytest.fixture(scope="module")
def tables():
    return read_project_list(ROOT / "samples/chaoyang-2024/project_list.xlsx", PROFILES[0], 2024)


@pytest.fixture(scope="module")
def templates(tables, tmp_path_factory):
    """profile → the 30 portable templates."""
    return {
        profile: write_batch(tables, tmp_path_factory.mktemp(profile), profile, 2024, portable=True).written
        for profile in PROFILES
    }


@pytest.fixture(scope="module")
def recalculated(templates, chaoyang_tables, tmp_path_factory):
    """profile → the 30 filled templates as LibreOffice recalculated them (one soffice call)."""
    if libreoffice.SOFFICE is None:
        pytest.skip(libreoffice.MISSING)
    paths = {}
    for profile, written in templates.items():
        folder = tmp_path_factory.mktemp(f"filled-{profile}")
        paths[profile] = [filled(w.path, inputs_for(s), folder) for w, s in zip(written, chaoyang_tables)]
    out = tmp_path_factory.mktemp("libreoffice")
    return {profile: libreoffice.recalculate(ps, out / profile) for profile, ps in paths.items()}


def _compare(got: dict, expected: dict) -> dict:
    """The cells where ``got`` differs from ``expected`` (numbers to 1e-9)."""
    wrong = {}
    for ref, want in expected.items():
        value = got.get(ref, "")
        if isinstance(want, float) and isinstance(value, (int, float)):
            if abs(value - want) > 1e-9:
                wrong[ref] = (value, want)
        elif value != want:
            wrong[ref] = (value, want)
    return wrong


@needs_soffice
@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("number", range(1, 31))
def test_libreoffice_computes_like_the_engine(recalculated, chaoyang_tables, profile, number):
    sample = chaoyang_tables[number - 1]
    path = recalculated[profile][number - 1]
    cells = libreoffice.values(path, SHEET)
    assert _compare(cells, expected_for(sample, profile)) == {}
    errors = {ref: v for ref, v in cells.items() if isinstance(v, str) and v.startswith("#")}
    assert errors == {}


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("number", range(1, 31))
def test_formulas_engine_computes_like_the_engine(templates, chaoyang_tables, profile, number):
    sample = chaoyang_tables[number - 1]
    book = Evaluated(templates[profile][number - 1].path)
    solution = book.calculate(SHEET, inputs_for(sample))
    expected = expected_for(sample, profile)
    got = {ref: book.value(solution, SHEET, ref) for ref in expected}
    assert _compare(got, expected) == {}
