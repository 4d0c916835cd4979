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
from addin.table import Funds, Indicator, Table, TableFinding, evaluate_table

from .generate import OutputExistsError, write_batch, write_template
from .jsonfile import load_tables
from .project_list import COLUMNS as LIST_COLUMNS
from .project_list import ProjectListError, read_project_list
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


def _blank_table(args: argparse.Namespace) -> Table:
    if not args.name:
        raise CliError("请用 --name 给出项目名称，或用 --spec 给出只含一个项目的项目清单")
    if args.rows < 1:
        raise CliError("--rows 至少为 1")
    return Table(
        project=args.name,
        department=args.department or "",
        implementer=args.implementer or "",
        year=args.year,
        goal_expected=args.goal or "",
        funds=Funds(annual=args.annual, executed=None, initial=args.initial),
        indicators=[Indicator("", "", "", "", "", "", None, "") for _ in range(args.rows)],
    )


def cmd_new(args: argparse.Namespace) -> int:
    if args.spec:
        tables = read_project_list(args.spec, args.profile, args.year)
        if len(tables) != 1:
            raise CliError(f"{args.spec} 含 {len(tables)} 个项目；生成多个工作簿请用 perfbook batch")
        table = tables[0]
    else:
        table = _blank_table(args)
    path = write_template(table, args.output, args.profile, args.year, overwrite=args.force)
    print(f"已生成：{path}（{len(table.indicators)} 行指标，规则 {args.profile or DEFAULT_PROFILE_ID}）")
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    tables = read_project_list(args.list, args.profile, args.year)
    results = write_batch(tables, args.output, args.profile, args.year, overwrite=args.force)
    failed = [w for w in results if w.error]
    for written in failed:
        print(f"未生成：{written.table.project}：{written.error}", file=sys.stderr)
    print(f"已在 {args.output} 生成 {len(results) - len(failed)} 个自评表模板和索引 00_索引.xlsx"
          + (f"，{len(failed)} 个失败" if failed else ""))
    return 1 if failed else 0


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

    p = command(
        "new",
        "生成一个项目的空白自评表模板 (one blank template)",
        description="按命令行选项（或只含一个项目的项目清单 --spec）生成一个项目支出绩效自评表模板。",
    )
    p.add_argument("-o", "--output", required=True, help="输出文件，如 自评表.xlsx")
    p.add_argument("--spec", help="项目清单 .xlsx/.csv（只含一个项目），给出后忽略以下项目选项")
    p.add_argument("--name", help="项目名称")
    p.add_argument("--department", help="主管部门")
    p.add_argument("--implementer", help="实施单位")
    p.add_argument("--initial", help="年初预算数（万元）")
    p.add_argument("--annual", help="全年预算数（万元）")
    p.add_argument("--goal", help="年度总体目标（预期目标）")
    p.add_argument("--rows", type=int, default=8, help="空白指标行数（默认 8）")
    p.add_argument("--year", type=int, help="年度（默认上一年）")
    p.add_argument("--profile", help=f"计分规则编号（默认 {DEFAULT_PROFILE_ID}）")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    p.set_defaults(run=cmd_new)

    p = command(
        "batch",
        "按项目清单批量生成自评表模板 (templates for a project list)",
        description="读取预算系统导出的项目绩效目标清单（每行一个指标），为每个项目生成一个自评表模板，"
        "并生成索引 00_索引.xlsx。清单有问题时列出所有问题（含行号），不写任何文件。",
    )
    p.add_argument("list", help="项目清单 .xlsx 或 .csv，列：" + "、".join(LIST_COLUMNS))
    p.add_argument("-o", "--output", required=True, help="输出目录")
    p.add_argument("--year", type=int, help="年度（默认上一年）")
    p.add_argument("--profile", help=f"计分规则编号（默认 {DEFAULT_PROFILE_ID}）")
    p.add_argument("--force", action="store_true", help="覆盖输出目录中的同名文件")
    p.set_defaults(run=cmd_batch)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (CliError, PerfError, ProjectListError, OutputExistsError) as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
