"""Every form file (addin/forms/*.toml) states its source and limitations, names a shipped
profile, has its own test file and a row in the README; broken form files are refused."""

from pathlib import Path

import pytest

from addin.engine import get_profile
from addin.engine.forms import FormDefinitionError, form_texts, get_form, list_forms, load_forms, vocabulary
from workbook_builder import docs

TESTS = Path(__file__).parent


@pytest.mark.parametrize("found", list_forms(), ids=lambda f: f.id)
def test_form_contract(found):
    assert found.source.strip() and found.limitations and found.jurisdiction
    assert get_profile(found.profile).id == found.profile
    assert (TESTS / f"test_form_{found.id.replace('-', '_')}.py").is_file()
    assert f"`{found.id}`" in docs.README.read_text(encoding="utf-8")
    assert found.funds_weight + found.indicators_weight == 100
    for field in found.indicator_columns:   # every label the form prints is read as its field
        label = found.label("indicators", field)
        assert next(f for l, f in vocabulary("indicators") if label.startswith(l)) == field, label


def _texts(form_id: str, old: str, new: str) -> dict[str, str]:
    texts = form_texts()
    name = f"{form_id}.toml"
    assert old in texts[name]
    texts[name] = texts[name].replace(old, new, 1)
    return texts


@pytest.mark.parametrize("old,new,complaint", [
    ('source = "', 'source = "" #', "source is missing"),
    ('profile = "mof-2020"', 'profile = ""', "profile is missing"),
    ('money_unit = "万元"', 'money_unit = "千元"', "money_unit"),
    ('columns = ["level1", "level2", "level3", "target"', 'columns = ["level2", "level3", "target"', "lacks"),
    ('funds = 10', 'funds = 20', "add up to 100"),
    ('"weight", "rate", "score"]', '"weight", "rate"]', "needs its weight and score columns"),
    ('funds = 10\nindicators = 90', 'funds = 0\nindicators = 100', "worth 0 has no weight or score"),
    ('reason = ["偏差原因分析及改进措施", "偏差原因"]', 'reasons = ["偏差原因"]', "unknown field"),
])
def test_broken_form_files_are_refused(old, new, complaint):
    with pytest.raises(FormDefinitionError, match=complaint):
        load_forms(_texts("central-2020", old, new))


def test_unknown_form_is_a_chinese_error():
    from addin.engine import PerfError

    with pytest.raises(PerfError, match="未知的表样"):
        get_form("no-such-form")
    assert get_form(None).id == "beijing-chaoyang-2024"


def test_perfbook_forms_lists_every_form(capsys):
    from workbook_builder.cli import main

    assert main(["forms"]) == 0
    printed = capsys.readouterr().out
    assert all(f.id in printed and f.source in printed for f in list_forms())
