"""The contract every evaluation framework keeps, and what a framework file may not get wrong."""

from dataclasses import replace
from pathlib import Path

import pytest

from addin.engine.frameworks import METHODS, blank_form, evaluate_form, fill, list_frameworks
from addin.engine.frameworks.model import FrameworkDefinitionError, framework_texts, load_frameworks
from addin.engine.profiles import get_profile

FRAMEWORKS = list_frameworks()
TESTS = Path(__file__).resolve().parent


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=[f.id for f in FRAMEWORKS])
def test_framework_contract(framework):
    assert framework.name.strip() and framework.source.strip()
    assert framework.limitations and all(text.strip() for text in framework.limitations)
    assert (TESTS / f"test_framework_{framework.id.replace('-', '_')}.py").is_file()
    get_profile(framework.grades_profile)
    assert sum(l1.points for l1 in framework.levels) == 100
    for l1 in framework.levels:
        assert sum(l2.points for l2 in l1.children) == l1.points
        for l2 in l1.children:
            assert sum(item.points for item in l2.children) == l2.points
    for _, _, item in framework.rows():
        assert item.criterion.method in METHODS
        assert item.criterion.points == item.points


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=[f.id for f in FRAMEWORKS])
def test_a_blank_form_claims_nothing_and_a_partly_filled_one_is_checked(framework):
    form = blank_form(framework)
    blank = evaluate_form(form)
    assert (blank.findings, blank.total, blank.grade) == ([], None, None)
    first = form.rows[0].name
    partial = evaluate_form(fill(form, {first: {"reported": 0, "reason": "未开展"}}))
    missing = [f.row for f in partial.findings if f.finding.kind == "score_missing"]
    assert missing == list(range(2, len(form.rows) + 1)) and (partial.total, partial.grade) == (None, None)
    typed_total = evaluate_form(replace(form, total_score=90))   # a total typed: no longer blank, every item missing
    missing = [f.row for f in typed_total.findings if f.finding.kind == "score_missing"]
    assert missing == list(range(1, len(form.rows) + 1)) and typed_total.total is None
    whole = evaluate_form(fill(form, {r.name: {"reported": r.points} for r in form.rows}))   # every item scored
    assert (whole.total, whole.grade) == (100, get_profile(framework.grades_profile).grades[0])


def test_shipped_texts_load():
    assert set(load_frameworks(framework_texts())) == {f.id for f in FRAMEWORKS} >= {"yueyang-2020", "mof-2020"}


def _texts(old: str, new: str) -> dict[str, str]:
    texts = dict(framework_texts())
    assert old in texts["yueyang-2020.toml"], old
    texts["yueyang-2020.toml"] = texts["yueyang-2020.toml"].replace(old, new, 1)
    return texts


@pytest.mark.parametrize("old,new,complaint", [
    ('name = "项目决策"\npoints = 20', 'name = "项目决策"\npoints = 21', "children add up to 20, not 21"),
    ('name = "项目目标"\npoints = 4', 'name = "项目目标"\npoints = 5', "children add up to"),
    ("④目标量化（1分）", "④目标量化（2分）", "无法读取"),
    ('grades_profile = "mof-2020"', 'grades_profile = "nowhere"', "grades_profile"),
    ('id = "yueyang-2020"', 'id = "yueyang"', "does not match"),
    ("limitations = [", "unused = [", "limitations"),
])
def test_a_framework_that_cannot_be_honoured_is_refused(old, new, complaint):
    with pytest.raises(FrameworkDefinitionError, match=complaint):
        load_frameworks(_texts(old, new))


def test_first_level_weights_must_add_up_to_100():
    texts = dict(framework_texts())
    text = texts["yueyang-2020.toml"]
    for old, new in [('name = "项目管理"\npoints = 25', 'name = "项目管理"\npoints = 26'),
                     ('name = "组织实施"\npoints = 10', 'name = "组织实施"\npoints = 11'),
                     ('name = "组织机构"\npoints = 1', 'name = "组织机构"\npoints = 2'),
                     ("分工明确  （1分）", "分工明确  （2分）")]:
        assert old in text, old
        text = text.replace(old, new, 1)
    texts["yueyang-2020.toml"] = text
    with pytest.raises(FrameworkDefinitionError, match="first-level weights add up to 101"):
        load_frameworks(texts)
