"""Docs from code: the README's generated sections must match the code that they describe."""

import inspect

from addin.udfs import ARGUMENT_HELP, FUNCTIONS
from workbook_builder import docs
from workbook_builder.cli import build_parser


def test_readme_sections_are_current():
    text = docs.README.read_text(encoding="utf-8")
    assert docs.render(text) == text, "README 已过期：运行 python -m workbook_builder.docs"


def test_every_function_and_argument_has_chinese_help():
    for function in FUNCTIONS:
        assert inspect.getdoc(function), function.__name__
        params = list(inspect.signature(function).parameters)
        assert list(function.argument_help) == params
        assert all(function.argument_help[p] for p in params)
    assert all(text.strip() for text in ARGUMENT_HELP.values())


def test_every_command_has_help():
    parser = build_parser()
    [commands] = parser._subparsers._group_actions
    assert commands.choices
    helps = {a.dest: a.help for a in commands._choices_actions}
    for name, sub in commands.choices.items():
        assert helps.get(name), name
        assert sub.format_help()


def test_layout_section_lists_every_package():
    import re

    from tests.conftest import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## 目录"):]
    listed = set(re.findall(r"^\s*([a-z_]+/)", section, re.M))
    packages = {p.parent.name + "/" for p in ROOT.glob("*/*/__init__.py") if p.parent.parent.name in ("addin", "workbook_builder")}
    top = {"addin/", "workbook_builder/", "templates/", "tests/", "samples/"}
    assert packages | top <= listed
    assert all((ROOT / name).is_dir() or any(ROOT.glob(f"*/{name}")) for name in listed)
