"""Every finding kind of the README's table has an example that finds it, at the right field."""

import pytest

from addin.engine import KINDS
from tests.finding_examples import EXAMPLES, failures


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_example_finds_its_kind(name):
    run, expected = EXAMPLES[name]
    assert expected in run()


def test_every_kind_has_an_example():
    kinds = {expected[1] for _, expected in EXAMPLES.values() if isinstance(expected, tuple)}
    assert kinds == set(KINDS)


def test_examples_report_no_failure():
    assert failures() == []
