"""The ``perfbook`` command: parse arguments, call the library, print results.

Usage errors exit with 2, engine errors are printed as their Chinese message (never a
traceback). Each sub-command's help text is what the README shows.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from addin import PerfError, list_profiles
from addin.profile import DEFAULT_PROFILE_ID
from addin.table import TableFinding, evaluate_table

from .jsonfile import load_tables
from .textreport import clip, render


class CliError(Exception):
    """A problem the user can fix; printed as ``错误：…`` with exit code 2."""


def _where(finding: TableFinding) -> str:
    if finding.part == "indicator":
        return f"指标{finding.row}"
    return {"funds": "年度资金总额", "total": "总分", "grade": "等级"}[finding.part]


def cmd_profiles(args: argparse.Namespace) -> int:
    rows = [
        [p.id + (" （默认）" if p.id == DEFAULT_PROFILE_ID else ""), p.name, clip(p.source, 60)]
        for p in list_profiles()
    ]
    print(render(["规则编号", "名称", "依据"], rows))
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    path = Path(args.tables)
    if not path.is_file():
        raise CliError(f"找不到文件：{path}")
    try:
        tables = load_tables(path)
    except (ValueError, KeyError) as err:
        raise CliError(f"无法读取 {path}：{err}") from None
    rows, details = [], []
    for number, table in enumerate(tables, start=1):
        result = evaluate_table(table, args.profile)
        computed = "无法计算" if result.total is None else str(result.total)
        reported = "" if result.reported_total is None else f"{result.reported_total:.2f}"
        mark = "" if not result.findings else "≠" if reported != computed else "!"
        rows.append(
            [
                str(number),
                clip(table.project, 40),
                reported,
                computed,
                result.grade or "",
                str(len(result.findings)) if result.findings else "",
                mark,
            ]
        )
        for f in result.findings:
            details.append(f"  #{number} {clip(table.project, 24)} {_where(f)}：{f.finding.message}")
    profile_id = args.profile or DEFAULT_PROFILE_ID
    print(f"规则：{profile_id}　文件：{path}　自评表：{len(tables)} 张")
    print(render(["序号", "项目名称", "填报总分", "计算总分", "等级", "问题", ""], rows, {0, 2, 3, 5}))
    n_findings = len(details)
    print(f"\n共 {len(tables)} 张表，发现 {n_findings} 处问题" + ("：" if details else "。"))
    print("\n".join(details))
    return 0


def _chinese(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Chinese section titles and -h help for a parser made with ``add_help=False``."""
    parser._positionals.title = "参数"
    parser._optionals.title = "选项"
    parser.add_argument("-h", "--help", action="help", help="显示帮助并退出 (show this help)")
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = _chinese(
        argparse.ArgumentParser(
            prog="perfbook",
            add_help=False,
            description="项目支出绩效自评表计分工具 (perfbook: scoring of project-expenditure self-evaluations)",
        )
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令", title="命令")

    def command(name: str, help: str, **kwargs) -> argparse.ArgumentParser:
        return _chinese(sub.add_parser(name, help=help, add_help=False, **kwargs))

    p = command("profiles", "列出可用的计分规则 (list rule profiles)")
    p.set_defaults(run=cmd_profiles)
    p = command(
        "score",
        "按规则重新计算已解析的自评表并对比填报总分 (score parsed tables)",
        description="读取已解析的自评表 JSON，逐表重新计分，打印填报总分与计算总分的对比及发现的问题。",
    )
    p.add_argument("tables", help="自评表 JSON 文件，如 samples/chaoyang-2024/tables_1-30.json")
    p.add_argument("--profile", help=f"计分规则编号（默认 {DEFAULT_PROFILE_ID}）")
    p.set_defaults(run=cmd_score)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (CliError, PerfError) as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
