"""Reference-file test: a generated template must match the checked-in reference workbook.

After an intended layout change, regenerate the reference with
``PERFBOOK_UPDATE_REFERENCE=1 .venv/bin/python -m pytest tests/test_template_reference.py``
and review the diff of the description this test prints.
"""

import datetime as dt
import os
from pathlib import Path

from tests.workbook_snapshot import describe
from workbook_builder.readers.project_list import read_project_list
from workbook_builder.forms.template import build_workbook

REFERENCE = Path(__file__).parent / "data" / "reference" / "template_01.xlsx"
SAMPLE_LIST = Path(__file__).parent.parent / "samples" / "chaoyang-2024" / "project_list.xlsx"


def generate(path):
    table = read_project_list(SAMPLE_LIST, year=2024)[0]
    workbook = build_workbook(table, "beijing-chaoyang-2024", 2024, now=dt.datetime(2025, 1, 1))
    workbook.save(path)


def test_template_matches_reference(tmp_path):
    generated = tmp_path / "template_01.xlsx"
    generate(generated)
    if os.environ.get("PERFBOOK_UPDATE_REFERENCE"):
        REFERENCE.parent.mkdir(parents=True, exist_ok=True)
        generate(REFERENCE)
    expected, actual = describe(REFERENCE), describe(generated)
    for part in expected:
        assert actual[part] == expected[part], part
    assert actual == expected


def test_description_notices_changes(tmp_path):
    generated = tmp_path / "changed.xlsx"
    generate(generated)
    from openpyxl import load_workbook

    wb = load_workbook(generated)
    wb["自评表"]["J13"] = "=PERF_SCORE(E13,F13,H13,I13)"
    wb.save(generated)
    assert describe(generated) != describe(REFERENCE)
