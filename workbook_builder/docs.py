"""README sections generated from the code: the function table, the profile and framework
tables, CLI help.

``python -m workbook_builder.docs`` rewrites the marked sections of README.md; the test suite
fails when they are stale, so docstrings, profiles and ``--help`` stay the single source.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from collections import Counter
from pathlib import Path

from addin.engine import DEFAULT_PROFILE_ID, KINDS, list_profiles
from addin.engine.frameworks import list_frameworks
from addin.udfs import FUNCTIONS, signature

from .cli import build_parser

README = Path(__file__).resolve().parent.parent / "README.md"


def functions_section() -> str:
    rows = ["| 函数 | 说明 | 参数 |", "| --- | --- | --- |"]
    for function in FUNCTIONS:
        args = "<br>".join(f"`{n}`：{h}" for n, h in function.argument_help.items())
        rows.append(f"| `{signature(function)}` | {inspect.getdoc(function)} | {args} |")
    return "\n".join(rows)


def profiles_section() -> str:
    rows = ["| 规则编号 | 名称 | 依据 | 局限与解读 | 测试 |", "| --- | --- | --- | --- | --- |"]
    for p in list_profiles():
        default = "（默认）" if p.id == DEFAULT_PROFILE_ID else ""
        test = f"tests/test_profile_{p.id.replace('-', '_')}.py"
        limits = "<br>".join(f"{n}. {text}" for n, text in enumerate(p.limitations, start=1))
        rows.append(f"| `{p.id}`{default} | {p.name} | {p.source} | {limits} | `{test}` |")
    return "\n".join(rows)


def forms_section() -> str:
    from addin.engine.forms import DEFAULT_FORM_ID, list_forms

    rows = ["| 表样编号 | 名称 | 适用 | 指标列 | 金额单位 | 默认规则 | 依据 | 局限与解读 | 测试 |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for f in list_forms():
        default = "（默认）" if f.id == DEFAULT_FORM_ID else ""
        columns = " \\| ".join(f.label("indicators", c) for c in f.indicator_columns)
        limits = "<br>".join(f"{n}. {text}" for n, text in enumerate(f.limitations, start=1))
        test = f"tests/test_form_{f.id.replace('-', '_')}.py"
        rows.append(f"| `{f.id}`{default} | {f.name} | {f.jurisdiction} | {columns} | {f.money_unit} | "
                    f"`{f.profile}` | {f.source} | {limits} | `{test}` |")
    return "\n".join(rows)


def frameworks_section() -> str:
    rows = ["| 编号 | 名称 | 一级指标（分值） | 三级指标的计分方法 | 依据 | 局限与解读 | 测试 |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for f in list_frameworks():
        weights = "、".join(f"{l1.name} {l1.points}" for l1 in f.levels)
        methods = "、".join(f"{label} {n}" for label, n in f.method_counts().items())
        limits = "<br>".join(f"{n}. {text}" for n, text in enumerate(f.limitations, start=1))
        test = f"tests/test_framework_{f.id.replace('-', '_')}.py"
        rows.append(f"| `{f.id}` | {f.name} | {weights} | {methods} | {f.source} | {limits} | `{test}` |")
    return "\n".join(rows)


def _subcommands(parser, prefix: str) -> list[str]:
    """``--help`` of every sub-command, nested ones included, in order."""
    parts = []
    if parser._subparsers is None:
        return parts
    for action in parser._subparsers._group_actions:
        for name, sub in action.choices.items():
            parts.append(f"$ {prefix} {name} --help\n{sub.format_help()}")
            parts += _subcommands(sub, f"{prefix} {name}")
    return parts


def cli_section() -> str:
    os.environ["COLUMNS"] = "100"  # argparse wraps to the terminal; fix it for a stable README
    parser = build_parser()
    parts = [parser.format_help(), *_subcommands(parser, "perfbook")]
    return "```text\n$ perfbook --help\n" + "\n".join(parts).rstrip() + "\n```"


def kinds_section() -> str:
    rows = ["| kind | 中文名 |", "| --- | --- |"]
    rows += [f"| `{kind}` | {label} |" for kind, label in KINDS.items()]
    return "\n".join(rows)


def targets_example_section() -> str:
    """What ``perfbook targets check`` finds in the sample project list, counted by a run."""
    from .targets.run import check_targets

    result = check_targets([str(README.parent / "samples" / "chaoyang-2024" / "project_list.xlsx")])
    projects = [p for p in result.projects if not p.is_total]
    kinds = Counter(f.kind for p in projects for f in p.findings)
    lacking = sum(1 for p in projects if any(f.kind == "groups" for f in p.findings))
    others = sum(kinds.values()) - kinds["cost_over_budget"] - kinds["groups"]
    return (f"{len(projects)} 个项目共 {sum(kinds.values())} 处问题（{kinds['cost_over_budget']} 处成本指标超过全年预算数，"
            f"如首款、合同金额写在成本指标中而全年预算数只是当年的一部分；{lacking} 个项目缺少规则要求的指标类别（如质量、时效指标）"
            + (f"；其他问题 {others} 处" if others else "") + f"），{sum(p.grade == '优' for p in projects)} 个项目为优。")


SECTIONS = {
    "functions": functions_section,
    "profiles": profiles_section,
    "forms": forms_section,
    "frameworks": frameworks_section,
    "cli": cli_section,
    "kinds": kinds_section,
    "targets_example": targets_example_section,
}


def render(text: str) -> str:
    """``text`` with every ``<!-- BEGIN name -->…<!-- END name -->`` section regenerated (a
    section the code does not know is an error: it would never be checked)."""
    unknown = set(re.findall(r"<!-- BEGIN (\w+) -->", text)) - set(SECTIONS)
    if unknown:
        raise ValueError(f"README has sections no code writes: {sorted(unknown)}")
    for name, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- BEGIN {name} -->\n)(?:.*?\n)?(<!-- END {name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"README has no section {name!r}")
        body = make()
        text = pattern.sub(lambda m, body=body: m.group(1) + body + "\n" + m.group(2), text)
    return text


def main() -> int:
    README.write_text(render(README.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
