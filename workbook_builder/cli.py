"""The ``perfbook`` command: parse arguments, call one library function, print its result.

Each command is a thin adapter: the work and its result object live in the library (``forms``,
``recalc``, ``deploy``). Every error a user can cause is a :class:`UserError`, printed as
``错误：…`` with exit code 2 (never a traceback). Each sub-command's help text is what the README
shows. Modules that need pandas, openpyxl or xlwings are imported by the commands that use them,
so ``perfbook --help`` starts fast.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import logging
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from addin.engine import DEFAULT_PROFILE_ID, TableFinding, UserError, get_profile, list_profiles
from addin.engine.form import FUNDS_TOTAL, GRADE, TOTAL
from addin.engine.forms import DEFAULT_FORM_ID, get_form
from addin.engine.table import Funds, Indicator, Table

from .console import clip, render
from .console import width as display_width
from .files import machine_error, os_reason, shown_path
from .readers.project_list import COLUMNS as LIST_COLUMNS


# --profile of the commands that read filled tables: the table's form decides when neither is given
BY_FORM_HELP = ("工作簿未声明规则时使用的计分规则（默认按识别出的表样：朝阳表样为 " + DEFAULT_PROFILE_ID
                + "，中央 8 列表样为 mof-2020，各表样的默认规则见 perfbook forms）")


class CliError(UserError):
    """A problem with the command line itself."""


def _where(finding: TableFinding) -> str:
    if finding.part == "indicator":
        return f"指标{finding.row}"
    return {"funds": FUNDS_TOTAL, "total": TOTAL, "grade": GRADE}[finding.part]


def _print_grounds(source: str, limitations) -> None:
    """The source a profile or framework cites and what it does not cover, as users read them."""
    print(f"  依据：{source}")
    print("  局限与解读：")
    for limitation in limitations:
        print(f"  - {limitation}")
    print()


def cmd_profiles(args: argparse.Namespace) -> int:
    for profile in list_profiles():
        default = " （默认）" if profile.id == DEFAULT_PROFILE_ID else ""
        print(f"{profile.id}{default}　{profile.name}")
        _print_grounds(profile.source, profile.limitations)
    return 0


def cmd_forms(args: argparse.Namespace) -> int:
    from addin.engine.forms import list_forms

    for found in list_forms():
        default = " （默认）" if found.id == DEFAULT_FORM_ID else ""
        print(f"{found.id}{default}　{found.name}")
        print(f"  适用：{found.jurisdiction}；金额单位：{found.money_unit}；默认规则：{found.profile}")
        print(f"  指标列：{' | '.join(found.label('indicators', f) for f in found.indicator_columns)}")
        _print_grounds(found.source, found.limitations)
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from .recalc.tables import score_tables

    result = score_tables(args.tables, args.profile)
    rows, details = [], []
    for scored in result.tables:
        r, number, project = scored.result, scored.number, scored.result.table.project
        computed = "无法计算" if r.total is None else str(r.total)
        reported = "" if r.reported_total is None else f"{r.reported_total:.2f}"
        mark = "总分不同" if r.findings and reported != computed else ""
        project = shown_path(str(project))   # (control characters and bidi overrides escaped)
        rows.append([str(number), clip(project, 40), reported, computed, r.grade or "",
                     str(len(r.findings)) if r.findings else "", mark])
        details += [f"  #{number} {clip(project, 24)} {_where(f)}：{f.finding.message}" for f in r.findings]
    print(f"规则：{result.profile}　文件：{result.source}　自评表：{len(result.tables)} 张")
    print(render(["序号", "项目名称", "填报总分", "计算总分", "等级", "问题", "说明"], rows, {0, 2, 3, 5}))
    print(f"\n共 {len(result.tables)} 张表，发现 {len(details)} 处问题" + ("：" if details else "。"))
    print("\n".join(details))
    return EXIT_FINDINGS if args.strict and details else 0


def cmd_evaluation_frameworks(args: argparse.Namespace) -> int:
    from addin.engine.frameworks import list_frameworks

    for framework in list_frameworks():
        weights = " / ".join(f"{l1.name} {l1.points}" for l1 in framework.levels)
        methods = "、".join(f"{k} {v}" for k, v in framework.method_counts().items())
        print(f"{framework.id}　{framework.name}")
        print(f"  一级指标：{weights}；三级指标 {len(framework.rows())} 项（{methods}）；"
              f"等级规则 {framework.grades_profile}")
        _print_grounds(framework.source, framework.limitations)
    return 0


def cmd_evaluation_new(args: argparse.Namespace) -> int:
    from .forms.evaluation import EvaluationHeader, write_evaluation

    header = EvaluationHeader(args.project or "", args.unit or "", args.evaluator or "", args.year or "")
    path = write_evaluation(args.framework, args.output, header, overwrite=args.force, portable=args.portable)
    kind = "，通用公式" if args.portable else ""
    print(f"已生成：{shown_path(str(path))}（评价指标体系 {args.framework}{kind}）")
    return 0


# argparse's own messages, in Chinese (pattern → replacement); anything else is shown as it is.
_ARGPARSE_MESSAGES = (
    (r"the following arguments are required: (.+)", r"缺少必需的参数：\1"),
    (r"argument (\S+): invalid choice: (.+?) \(choose from (.+)\)", r"参数 \1 的取值 \2 无效，可选：\3"),
    (r"argument (\S+): invalid int value: (.+)", r"参数 \1 应为整数，收到的是 \2"),
    (r"argument (\S+): invalid float value: (.+)", r"参数 \1 应为数值，收到的是 \2"),
    (r"argument (\S+): expected one argument", r"参数 \1 后面需要给出一个值"),
    (r"unrecognized arguments: (.+)", r"无法识别的参数：\1"),
    (r"argument (\S+): ignored explicit argument (.+)", r"参数 \1 不接受值 \2"),
    (r"ambiguous option: (\S+) could match (.+)", r"选项 \1 不明确，可能是：\2"),
    (r"argument (\S+): (?=[^\x00-\x7f])(.+)", r"参数 \1 \2"),   # a type's own message, in Chinese
)


class _Formatter(argparse.HelpFormatter):
    """Help in Chinese, wrapped by display width: argparse counts a Chinese character as one
    column, so its lines ran twice as wide as the terminal."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def _format_usage(self, usage, actions, groups, prefix):
        wider = display_width(prefix or "") - len(prefix or "")   # (用法： takes six columns, not three)
        self._width -= wider
        try:
            return super()._format_usage(usage, actions, groups, prefix)
        finally:
            self._width += wider

    def _split_lines(self, text, width):
        return wrap_wide(self._whitespace_matcher.sub(" ", text).strip(), width)

    def _fill_text(self, text, width, indent):
        return "\n".join(indent + line for line in wrap_wide(self._whitespace_matcher.sub(" ", text).strip(), width))


# what may not begin a line (kept with the text before it, a little past the width)
_NO_LINE_START = set("，。、；：？！）》」』】,.;:?!)%")


def wrap_wide(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` display columns (a Chinese character takes two), an
    ASCII word (an option, a profile id) never split, no punctuation at a line's start."""
    lines, line, used = [], [], 0   # (the current line's tokens, and the columns they take)
    for token in re.findall(r"[!-~]+|\s|.", text):
        size = display_width(token)
        if used + size > width and "".join(line).strip():
            carried = []
            if token in _NO_LINE_START and len(line) > 1 and not line[-1].isspace():   # (its character goes down with it)
                carried = [line.pop()]
            lines.append("".join(line).rstrip())
            line, used = carried, sum(map(display_width, carried))
            if token.isspace() and not line:
                continue
        line.append(token)
        used += size
    return [*lines, "".join(line).rstrip()] if "".join(line).strip() else lines


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser that says its usage and its errors in Chinese (exit code 2)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str):
        for pattern, replacement in _ARGPARSE_MESSAGES:
            if re.fullmatch(pattern, message):
                message = re.sub(pattern, replacement, message)
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"错误：{message}（运行 {self.prog} -h 查看帮助）\n")


def _chinese(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Chinese section titles and -h help for a parser made with ``add_help=False``."""
    parser._positionals.title = "参数"
    parser._optionals.title = "选项"
    parser.add_argument("-h", "--help", action="help", help="显示帮助并退出 (show this help)")
    return parser


MAX_NEW_ROWS = 500   # indicator rows of a blank table (a real one has a few dozen; 20,000 took minutes)


def _blank_table(args: argparse.Namespace) -> Table:
    if not (args.name or "").strip():
        raise CliError("请用 --name 给出项目名称（不能只有空格），或用 --spec 给出只含一个项目的项目清单")
    if not 1 <= args.rows <= MAX_NEW_ROWS:
        raise CliError(f"--rows 应为 1 到 {MAX_NEW_ROWS} 之间的整数（一张自评表的指标不过几十行）")
    annual = _amount("--annual", args.annual, positive=True)
    initial = _amount("--initial", args.initial, positive=False)
    return Table(
        project=args.name.strip(),
        department=args.department or "",
        implementer=args.implementer or "",
        year=args.year,
        goal_expected=args.goal or "",
        funds=Funds(annual=annual, executed=None, initial=initial),
        indicators=[Indicator("", "", "", "", "", "", None, "") for _ in range(args.rows)],
    )


def _amount(option: str, value: str | None, positive: bool):
    """An amount option of ``perfbook new`` (万元) as a number, read as a project list's column is
    (``141.116``, ``1,234.5``, ``150万元``; see :func:`~.readers.project_list.list_amount`): not
    negative, above 0 where ``positive`` (全年预算数), else a usage error (a template had been
    written with the text as given, which its formulas cannot use)."""
    from .readers.project_list import list_amount

    if value is None:
        return None
    try:
        amount = list_amount(value, option)
    except UserError:
        raise CliError(f"{option} 应为以万元计的数值（如 141.116 或 141.116万元），收到的是 {value!r}") from None
    if amount < 0 or (positive and amount == 0):
        raise CliError(f"{option} 应{'大于' if positive else '不小于'} 0，收到的是 {value}")
    return amount


def cmd_new(args: argparse.Namespace) -> int:
    from .forms.batch import write_template
    from .readers.project_list import read_project_list

    found = get_form(args.form)
    profile = args.profile or found.profile
    if args.spec:
        tables = read_project_list(args.spec, profile, args.year, funds_scored=bool(found.funds_weight))
        if len(tables) != 1:
            raise CliError(f"{args.spec} 含 {len(tables)} 个项目；生成多个工作簿请用 perfbook batch")
        table = tables[0]
    else:
        table = _blank_table(args)
    path = write_template(table, args.output, profile, args.year, overwrite=args.force,
                          portable=args.portable, form_id=found)
    print(f"已生成：{shown_path(str(path))}（表样 {found.id}，{len(table.indicators)} 行指标，规则 {profile}）")
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from .forms.batch import INDEX_NAME, INTERRUPTED, refuse_outputs, write_batch
    from .readers.project_list import read_projects

    found = get_form(args.form)
    profile = args.profile or found.profile
    if not os.path.lexists(args.list) or os.path.isdir(args.list):   # (said as the list, not as targets to review)
        raise CliError(f"项目清单 {shown_path(args.list)} {'是文件夹，请给出清单文件' if os.path.isdir(args.list) else '不存在'}")
    review = _review_list(args.list, profile)
    if any(u.message.startswith(("文件无法读取：", "未读取：")) for u in review.unreadable):
        _print_targets(review, brief=True)
        return EXIT_USER   # refused by the guarded reader (a pipe, a bomb): never opened here
    listed = read_projects(args.list, profile, args.year, funds_scored=bool(found.funds_weight))
    tables = listed.tables
    refused = {n: "清单中这个项目有问题：" + "；".join(listed.of(n)) for n in range(len(tables)) if listed.of(n)}
    if len(refused) == len(tables):   # (nothing to write: the list's problems, all of them)
        listed.refuse()
    refuse_outputs(tables, args.output, args.force, args.list)   # (before the review is printed: nothing would be written)
    if args.portable:
        from .forms.portable import check_portable

        check_portable(get_profile(profile))
    _print_targets(review, brief=True)
    bar = _progress("生成模板", len(tables), "个项目")
    try:
        result = write_batch(tables, args.output, profile, args.year, overwrite=args.force,
                             portable=args.portable, form_id=found, progress=bar.update, source=args.list,
                             refused=refused)
    finally:
        bar.close()
    for problem in listed.loose:   # (rows of no project: not written, said)
        print(f"未生成：{shown_path(problem)}", file=sys.stderr)
    failed = [w for w in result.failed if w.error != INTERRUPTED]
    for written in failed:
        print(f"未生成：{shown_path(written.table.project)}：{shown_path(written.error)}", file=sys.stderr)
    made = len(result.written) - len(result.failed)
    if result.index is None:
        print(f"已在 {shown_path(args.output)} 生成 {made} 个自评表模板" + (f"，{len(failed)} 个失败" if failed else "")
              + f"；索引 {INDEX_NAME} 无法写出（{result.index_error}）", file=sys.stderr)
        return 130 if result.interrupted else EXIT_USER
    print(f"已在 {shown_path(args.output)} 生成 {made} 个自评表模板和索引 {INDEX_NAME}"
          + (f"，{len(failed)} 个失败" if failed else ""))
    if result.interrupted:
        print(f"生成已中断：其余 {len(result.failed) - len(failed)} 个项目未生成（已列在索引中），"
              "重新运行时加 --force 覆盖已生成的文件。", file=sys.stderr)
        return 130
    if any(n not in refused for n, w in enumerate(result.written) if w.error):   # (a template that could not be written)
        return EXIT_USER
    return EXIT_FINDINGS if refused or listed.loose else 0   # (projects left out for the list's problems)


def _review_list(path: str, profile: str | None):
    """The targets review of the list ``perfbook batch`` is given (nothing written)."""
    from .targets.run import check_targets

    return check_targets([path], None, profile)


def _say_kept(kept: Path | None, run: str) -> None:
    """That the last summary, saved again after its run, was kept under another name."""
    if kept:
        print(f"  上次的{run}汇总在写出后被改动过（可能有批注），已改名保留为 {shown_path(kept.name)}")


def _print_targets(result, brief: bool = False) -> None:
    """A targets review as users read it: counts, one line per project with findings (its grade
    and what follows), then every finding at its cell; text from the lists shown escaped (a
    control character in a project name does not act on the terminal)."""
    s = shown_path
    projects = [p for p in result.projects if not p.is_total]
    flagged = [p for p in result.projects if p.findings]
    head = "绩效目标审核" if brief else "审核完成"
    print(f"{head}：{len(projects)} 个项目，{len(flagged)} 个项目共发现 {result.findings} 处问题"
          + (f"；{len(result.failed)} 个文件无法读取" if result.failed else "")
          + (f"，{len(result.unreadable) - len(result.failed)} 个不是表格的文件已跳过"
             if len(result.unreadable) > len(result.failed) else "")
          + (f"。汇总：{s(str(result.summary_path))}" if result.summary_path else "。"))
    _say_kept(result.summary_kept, "审核")
    for failure in result.unreadable:
        print(f"  {s(failure.file)}：{s(failure.message)}")
    for file, message in result.annotation_errors.items():
        print(f"  {s(file)}：{s(message)}")
    for note in [*result.notes, *filter(None, [result.last_year_matched])]:
        print(f"  {s(note)}")
    if flagged:
        rows = [[clip(s(p.project), 40), p.grade or "—", p.consequence, str(len(p.findings))] for p in flagged]
        print(render(["项目名称", "等级", "处理", "问题"], rows, {3}))
    for p in flagged:
        for f in p.findings:
            print(f"  {s(p.file)} [{s(p.sheet)}!{f.cell}] {clip(s(p.project), 24)}：{s(f.message)}")
    if brief and result.findings:
        print("（除清单中无法生成模板的项目外，模板照常生成；建议在下发前改正上述绩效目标后重新生成。"
              "perfbook targets check 写出审核汇总和带批注的清单副本）")


def cmd_targets_check(args: argparse.Namespace) -> int:
    from .targets.run import check_targets

    result = check_targets(args.lists, args.output, args.profile, args.json, args.last_year)
    _print_targets(result)
    return 1 if result.has_problems else 0


# A progress bar (tqdm) on standard error: items done, items/s and the time left.
PROGRESS_FORMAT = ("{desc} {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} {unit} "
                   "[已用 {elapsed}，剩余 {remaining}，{rate_fmt}]")


def _progress(description: str, total: int, unit: str):
    """A progress bar of ``total`` ``unit`` (shown only on a terminal; none when standard error
    is closed)."""
    from tqdm import tqdm

    return tqdm(total=total, desc=description, unit=unit, disable=None if sys.stderr else True, file=sys.stderr,
                bar_format=PROGRESS_FORMAT)


def _among(*parts: str) -> str:
    """The closing line's remark on the tables counted: ``，其中 2 张尚未填写、1 张可能重复报送``."""
    said = "、".join(filter(None, parts))
    return f"，其中 {said}" if said else ""


def cmd_recalc(args: argparse.Namespace) -> int:
    from .recalc.run import recalc

    bar = _progress("复核", 0, "个文件")

    def start(total: int) -> None:
        bar.set_description("复核", refresh=False)
        bar.total = total
        bar.refresh()

    def unpacking(archives: int) -> None:
        bar.set_description(f"解压 {archives} 个压缩包")

    try:
        result = recalc(args.paths, args.output, args.profile, args.json, args.jobs, bar.update, start,
                        copies=not args.no_copies, on_unpack=unpacking)
    finally:
        bar.close()
    for line in failure_lines(result.failures, args.json is not None):
        print(line)
    for report in result.reports:
        if report.annotation_error:
            print(f"{report.file}：{report.annotation_error}")
    counts = result.counts
    print(
        ("复核已中断，以下只含已完成的文件：共找到 " if result.partial else "复核完成：")
        + f"{result.files} 个文件，{counts['tables']} 张表（自评表、评分表或年度预算表"
        + _among(f"{counts['not_filled']} 张尚未填写" if counts["not_filled"] else "",
                 f"{result.repeats} 张可能重复报送" if result.repeats else "") + "）；"
        f"{counts['tables_with_findings']} 张表共发现 {counts['findings']} 处问题；"
        f"{counts['unreadable_files']} 个文件无法读取"
        + (f"，{counts['skipped_files']} 个不是自评表的文件已跳过" if counts["skipped_files"] else "")
        + f"。汇总：{shown_path(str(result.summary_path))}"
    )
    _say_kept(result.summary_kept, "复核")
    if any(report.change or report.repeat for report in result.reports):
        print(f"（每张表的问题之后，标“{RESULT_LINE}”的一行是这些问题对总分和等级的影响或重复报送的提示，不另计为问题）")
    for report in result.reports:
        if report.note:   # (a template filled without the add-in: its scores are perfbook's)
            print(f"  {report.file} [{shown_path(report.sheet)}] {clip(shown_path(report.project), 24)}：说明：{report.note}")
        for f in report.findings:
            where = f"{shown_path(report.sheet)}!{f.cell}" if f.cell else shown_path(report.sheet)   # (a sum: no cell)
            about = f"（{clip(shown_path(f.indicator), 20)}）" if f.indicator else ""
            print(f"  {report.file} [{where}] {clip(shown_path(report.project), 24)}{about}："
                  f"{shown_path(f.message)}")
        if report.change or report.repeat:   # (what the findings above come to; a table met before)
            total = f"!{report.total_cell}" if report.total_cell and report.change else ""
            print(f"  {report.file} [{shown_path(report.sheet)}{total}] {clip(shown_path(report.project), 24)}："
                  + f"{RESULT_LINE}：" + "；".join(filter(None, (report.change, shown_path(report.repeat)))))
    if result.partial:
        print(f"复核已中断：汇总与 JSON 只含已完成的文件（共找到 {result.files} 个）。", file=sys.stderr)
        return 130
    if result.stopped:   # (Ctrl+C or kill while the outputs were written: they are complete)
        print("已中断：复核已全部完成，汇总与 JSON 已写出。", file=sys.stderr)
        return 128 + result.stopped
    return EXIT_FINDINGS if args.strict and result.has_problems else 0


RESULT_LINE = "复核结果"   # what marks a table's closing line in recalc's printout (as in the copies)
SKIPPED_SHOWN = 3   # files of a folder passed over for the same reason that the printout names


def failure_lines(failures, json_written: bool = False) -> list[str]:
    """recalc's printout of the files not read: each unreadable one; of the files a folder (or
    archive) holds that were passed over for the same reason (10,000 .txt in one .zip), the first
    :data:`SKIPPED_SHOWN` and a count of the others, which 复核汇总.xlsx (and the JSON) list."""
    groups: dict[tuple[str, str], int] = {}
    lines = []
    for failure in failures:
        if failure.skipped:
            key = (failure.file.rpartition("/")[0], failure.message)
            groups[key] = groups.get(key, 0) + 1
            if groups[key] > SKIPPED_SHOWN:
                continue
        lines.append(f"{failure.file}：{failure.message}")
    for (folder, message), count in groups.items():
        if count > SKIPPED_SHOWN:
            why = message.removeprefix("未读取：")
            listed = "复核汇总.xlsx 的“无法读取”表" + ("和 JSON " if json_written else "")
            lines.append(f"{folder or '.'}：另有 {count - SKIPPED_SHOWN} 个文件同样未读取（{why}），全部列在{listed}中")
    return lines


def cmd_report_write(args: argparse.Namespace) -> int:
    from .reports.write import write_reports

    result = write_reports(args.workbook, args.output, args.narrative, args.sheet, args.profile, overwrite=args.force)
    for written in result.reports:
        data = written.data
        total = "无法计算" if data.total is None else f"{data.total}（{data.grade or '无法定等级'}）"
        fixes = f"，复核发现 {len(data.corrections)} 处问题已在报告中说明" if data.corrections else ""
        todo = f"；有 {written.placeholders} 处【待填写】（黄色标出，可用 --narrative 给出）" if written.placeholders else ""
        print(f"已生成：{shown_path(str(written.path))}　{clip(shown_path(data.project), 30)}　总分 {total}{fixes}{todo}")
    for table in result.blank:
        print(f"未生成：{shown_path(table)}尚未填写")
    if args.narrative and len(result.reports) > 1:   # (one project's words would be in every report)
        print(f"注意：{len(result.reports)} 份报告用了同一份叙述文件 {shown_path(args.narrative)}；"
              "各项目的叙述不同时，请用 --sheet 逐表生成，每次给出该项目的叙述文件")
    return 0


def cmd_report_check(args: argparse.Namespace) -> int:
    from .recalc.run import refuse_json_over
    from .reports.check import check_report

    if args.json not in (None, "-"):   # (a user's file: refused before any work, as recalc and targets check do)
        refuse_json_over(args.json, [], CliError)
    result = check_report(args.report, args.workbook, args.sheet, args.profile)
    if args.json:
        result.save_json(args.json)
    print(f"核对：{shown_path(args.report)} ↔ {shown_path(result.table_label)}；核对了 {result.checked} 处数字，"
          f"发现 {len(result.discrepancies)} 处不一致" + ("：" if result.discrepancies else "。"))
    for number, d in enumerate(result.discrepancies, start=1):
        print(f"  {number}. {d.message}")
    if result.unwritten:
        print(f"报告中还有 {len(result.unwritten)} 处待填写的内容，请补充后再报送：")
        for where in result.unwritten:
            print(f"  {where}")
    return EXIT_FINDINGS if result.discrepancies or result.unwritten else 0   # (a report not ready to send)


def cmd_report_portfolio(args: argparse.Namespace) -> int:
    from .reports.portfolio import write_portfolio_report

    path, data = write_portfolio_report(args.result, args.output, overwrite=args.force)
    flagged = sum(1 for t in data.tables if t.get("findings"))
    print(f"已生成：{shown_path(str(path))}　{len(data.tables)} 张自评表，{flagged} 张发现问题")
    for note in data.notes:   # entries of the result that could not be used
        print(f"  {shown_path(note)}")
    return 0


def cmd_addin(args: argparse.Namespace) -> int:
    from .deploy import classic

    if args.action == "status":
        print("\n".join(classic.status()))
    else:
        action = classic.install if args.action == "install" else classic.uninstall
        print("\n".join(action()))
    classic.require_windows()
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .deploy import server

    if bool(args.ssl_keyfile) != bool(args.ssl_certfile):
        raise CliError("--ssl-keyfile 和 --ssl-certfile 需要同时给出")
    for option, path in (("--ssl-keyfile", args.ssl_keyfile), ("--ssl-certfile", args.ssl_certfile)):
        if path and not os.path.isfile(path):   # (the server had started, then ended in uvicorn's traceback)
            raise CliError(f"{option} 给出的文件 {shown_path(path)} 不存在或不是文件：HTTPS 需要证书的私钥和证书文件"
                           "（由单位的证书机构签发；只在本机试用时可用 mkcert 生成）")
    token = server.access_token(args.host, args.token)  # refused before anything is printed
    server.require_installed()
    project = Path(args.project_dir) if args.project_dir else Path.home() / ".perfbook" / "xlwings-server"
    scheme = "https" if args.ssl_certfile else "http"
    shown = f"https://{args.hostname}" if args.hostname else f"{scheme}://{args.host}:{args.port}"
    print(f"xlwings Server 启动中：{shown}/manifest.xml 为加载项清单；"
          f"{'已启用访问令牌；' if token else ''}按 Ctrl+C 停止。")
    return server.serve(args.host, args.port, project, args.ssl_keyfile, args.ssl_certfile, args.hostname, token)


def cmd_setup(args: argparse.Namespace) -> int:
    from . import texts

    print(texts.render("setup_guide", host="127.0.0.1", port=8000,
                       manifest="https://localhost:8000/manifest.xml"))
    return 0


def cmd_lite(args: argparse.Namespace) -> int:
    from .deploy.lite import write_lite

    written = write_lite(args.output, overwrite=args.force)
    print("已生成：" + "、".join(shown_path(str(p)) for p in written))
    print("把 main.py 和 requirements.txt 的内容分别粘贴到 xlwings Lite 编辑器中的同名文件即可。")
    return 0


def _template_options(parser: argparse.ArgumentParser, force_help: str) -> None:
    parser.add_argument("--year", type=_year, help="年度（默认上一年）")
    parser.add_argument("--form", help=f"表样编号（默认 {DEFAULT_FORM_ID}；可用的表样见 perfbook forms）")
    parser.add_argument("--profile", help="计分规则编号（默认为表样的默认规则）")
    parser.add_argument("--force", action="store_true", help=force_help)
    parser.add_argument("--portable", action="store_true",
                        help="通用公式模板：得分、执行率、总分、等级用 Excel、WPS、LibreOffice 通用的公式计算，"
                        "无需安装加载项（实际完成值须填数值，定性指标从下拉列表选等级）")


def build_parser() -> argparse.ArgumentParser:
    parser = _chinese(
        ChineseParser(
            prog="perfbook",
            add_help=False,
            description="项目支出绩效自评表计分工具 (perfbook: scoring of project-expenditure self-evaluations)",
        )
    )
    parser.add_argument("--debug", action="store_true",
                        help="显示调试信息；出现意外错误时停止并显示完整的错误追踪（也可设环境变量 PERFBOOK_DEBUG=1） (debug)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令", title="命令")

    def command(name: str, help: str, **kwargs) -> argparse.ArgumentParser:
        return _chinese(sub.add_parser(name, help=help, add_help=False, **kwargs))

    p = command("profiles", "列出可用的计分规则 (list rule profiles)",
                description="列出 perfbook 带有的计分规则：编号、名称、依据的文件、局限与解读。")
    p.set_defaults(run=cmd_profiles)
    p = command("forms", "列出能读取的各地自评表表样 (list supported forms)",
                description="列出 perfbook 能识别、计分的各地自评表表样：适用地区、指标列、金额单位、默认计分规则、依据和局限。")
    p.set_defaults(run=cmd_forms)
    p = command(
        "score",
        "按规则重新计算已解析的自评表并对比填报总分 (score parsed tables)",
        description="读取已解析的自评表 JSON，逐表重新计分，打印填报总分与计算总分的对比及发现的问题。",
    )
    p.add_argument("tables", help="自评表 JSON 文件，如 samples/chaoyang-2024/tables_1-30.json")
    p.add_argument("--profile", help=f"计分规则编号（默认 {DEFAULT_PROFILE_ID}）")
    p.add_argument("--strict", action="store_true", help="发现任何问题时以退出码 1 结束")
    p.set_defaults(run=cmd_score)

    p = command(
        "new",
        "生成一个项目的空白自评表模板 (one blank template)",
        description="按命令行选项（或只含一个项目的项目清单 --spec）生成一个项目支出绩效自评表模板。",
    )
    p.add_argument("-o", "--output", required=True, help="输出文件，如 自评表.xlsx")
    p.add_argument("--spec", help="项目清单 .xlsx/.xls/.ods/.csv（只含一个项目），给出后忽略以下项目选项")
    p.add_argument("--name", help="项目名称（不用 --spec 时必填）")
    p.add_argument("--department", help="主管部门")
    p.add_argument("--implementer", help="实施单位")
    p.add_argument("--initial", help="年初预算数（万元）")
    p.add_argument("--annual", help="全年预算数（万元）")
    p.add_argument("--goal", help="年度总体目标（预期目标）")
    p.add_argument("--rows", type=int, default=8, help="空白指标行数（默认 8）")
    _template_options(p, "覆盖已存在的文件")
    p.set_defaults(run=cmd_new, reads=("spec",), writes=("output",))

    p = command(
        "batch",
        "按项目清单批量生成自评表模板 (templates for a project list)",
        description="读取预算系统导出的项目绩效目标清单（每行一个指标），为每个项目生成一个自评表模板，"
        "并生成索引 00_索引.xlsx。清单中有问题的项目（分值合计不为 100、性质或指标值无法读取等）列出问题（含行号）、不生成模板，在索引中标为未生成，其余项目照常生成（退出码 1）；所有项目都有问题或清单本身无法使用（缺少列）时不写任何文件（退出码 2）。",
    )
    p.add_argument("list", help="项目清单 .xlsx、.xls、.ods 或 .csv，列：" + "、".join(LIST_COLUMNS))
    p.add_argument("-o", "--output", required=True, help="输出目录")
    _template_options(p, "覆盖输出目录中的同名文件")
    p.set_defaults(run=cmd_batch, reads=("list",), writes=("output",))

    p = command(
        "targets",
        "绩效目标审核：年初审核项目绩效目标清单或申报表 (review declared targets)",
        description="年初审核绩效目标（绩效目标审核）：检查每个项目的指标能否在年终计分、是否完整、是否与预算金额一致、"
        "目标是否偏低，按规则给出审核等级（优/良/中/差）及处理。",
    )
    targets = p.add_subparsers(dest="targets_command", required=True, metavar="子命令", title="子命令")
    q = _chinese(targets.add_parser(
        "check", help="审核项目绩效目标清单或绩效目标申报表 (check target lists)", add_help=False,
        description="读取预算系统导出的项目绩效目标清单（perfbook batch 读取的格式，.xlsx/.csv 等）或绩效目标申报表"
        "（每个工作表或文件一个项目，一个工作表中上下排列的几张申报表各为一个项目），逐个项目审核：能否计分（性质、数值、单位、定性等级）、是否完整（规定的指标类别、"
        "分值合计、重复指标、指标名称即指标值、投入不是目标）、是否与金额一致（成本指标不超过全年预算数，金额与合计一致）、目标是否偏低"
        "（满意度下限；给出 --last-year 时低于上年实际完成值），按规则的扣分和分界给出审核等级及处理。在输出目录写出"
        "目标审核汇总.xlsx 和带批注的清单副本（原文件不会被修改；输出目录中的同名文件只在是上次审核写出的时才被替换，否则报错；上次的审核汇总写出后被改动过时改名保留；其中的文件正在 Excel、WPS 或 LibreOffice 中打开时在审核前报错）。退出码：0 未发现问题，1 发现问题或有无法读取的文件，"
        "2 用法错误（找不到文件、未知规则、上年结果无法使用）。"))
    q.add_argument("lists", nargs="+", metavar="LIST", help="绩效目标清单或申报表：文件、文件夹（递归查找）或通配符")
    q.add_argument("-o", "--output", default="目标审核结果", help="输出目录（默认 目标审核结果）")
    q.add_argument("--json", help="另存一份 JSON 结果（格式见 README；写作 - 时输出到标准输出）")
    q.add_argument("--profile", help="计分规则编号（默认按表样，项目清单为 " + DEFAULT_PROFILE_ID + "）")
    q.add_argument("--last-year", metavar="RESULT.json|FOLDER",
                   help="上年结果：perfbook recalc --json 写出的 JSON，或上年已填报的自评表所在文件夹（或其 .zip 压缩包）；"
                   "指标值低于上年实际完成值的指标列为问题")
    q.set_defaults(run=cmd_targets_check, reads=("lists", "last_year"), writes=("json", "output"))

    p = command(
        "recalc",
        "复核已填报的自评表：重新计分、标出问题并汇总 (recalculate submitted workbooks)",
        description="读取已填报的自评表（perfbook 模板或其他来源的标准格式表格；.xlsx、.xlsm、.xls、.xlsb、"
        ".ods、WPS .et 工作簿（也包括存成模板的 .xltx、.xltm、.xlt、.ett），Word .docx 文档中的表格（旧版 .doc 在本机装有 LibreOffice 时转换后读取），以及实为网页或 Excel 2003 XML 的 .xls；.zip 压缩包中的这些文件不用先解压），按规则重新计分，与填报值逐项比对；在输出目录写出"
        "带批注的复核副本（工作簿为 .xlsx，Word 文档为 .docx）和复核汇总.xlsx。原文件不会被修改；"
        "输出目录中的同名文件只在是上次复核写出的（且之后未改动）时才被替换，否则在复核前报错；上次的复核汇总写出后被改动过（如加了批注）时改名保留，不被覆盖；要替换的文件正在 Excel、WPS 或 LibreOffice 中打开时在复核前报错；"
        "无法读取或未读取的文件逐个列出原因。"
        "计分规则取自工作簿的“计分规则”单元格，没有时用 --profile，再没有时用所识别表样的默认规则。",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="文件、文件夹（递归查找）、.zip 压缩包或通配符，如 收到的自评表/*.xlsx")
    p.add_argument("-o", "--output", required=True, help="输出目录（复核副本与复核汇总.xlsx）")
    p.add_argument("--profile", help=BY_FORM_HELP)
    p.add_argument("--json", help="另存一份 JSON 结果（格式见 README；写作 - 时输出到标准输出）")
    p.add_argument("--strict", action="store_true", help="发现任何问题或无法读取的文件时以退出码 1 结束")
    p.add_argument("--jobs", type=_jobs, help="并行进程数（默认为 CPU 核数，至多 8；最多为 CPU 核数的 4 倍）")
    p.add_argument("--no-copies", action="store_true",
                   help="不写复核副本，只写复核汇总.xlsx 与 JSON（更快） (no annotated copies)")
    p.set_defaults(run=cmd_recalc)

    p = command(
        "report",
        "绩效评价报告：由自评表或评价表生成 Word 报告、核对手写报告、批次汇总报告 (Word reports)",
        description="由自评表、评价指标体系评分表或多年度预算表生成绩效评价报告（Word）、核对手写报告中的数字，"
        "或为一批复核结果生成汇总报告。",
    )
    reports = p.add_subparsers(dest="report_command", required=True, metavar="子命令", title="子命令")

    def report_command(name: str, help: str, **kwargs) -> argparse.ArgumentParser:
        return _chinese(reports.add_parser(name, help=help, add_help=False, **kwargs))

    r = report_command(
        "write",
        "由自评表、评价指标体系评分表或年度预算表生成绩效评价报告 (write the report of a table)",
        description="读取 recalc 能读的任何工作簿，按规则重新计分，按全国通用的报告提纲写出 Word 报告。报告的种类取决于"
        "工作簿中的表：自评表写出基本情况、绩效目标、综合评价（得分表）、指标分析；评价指标体系评分表写出按一级指标"
        "的得分表，并在“四、绩效评价指标分析”中按一级指标逐项写出三级指标的评价标准、得分和扣分原因；多年度评价的"
        "年度预算及支出表写出各年度预算表、执行率、发现的不一致、各年度得分、平均得分和等级。各处数字均取自重新计算的结果，"
        "并列出复核发现的问题；背景、经验、问题、建议等叙述取自 --narrative 文件，未给出时留有【待填写】标记。"
        "一个工作簿含多张表时每张表写一份报告（文件名加序号和项目名称），或用 --sheet 选择工作表。",
    )
    r.add_argument("workbook", metavar="WORKBOOK", help="自评表、评价指标体系评分表或年度预算及支出表的工作簿")
    r.add_argument("-o", "--output", required=True, help="输出的 .docx 文件，如 报告.docx")
    r.add_argument("--narrative", help="叙述文件（TOML，按章节给出文字；示例见 samples/narrative.toml）")
    r.add_argument("--sheet", help="只写这个工作表上的表")
    r.add_argument("--profile", help=BY_FORM_HELP)
    r.add_argument("--force", action="store_true", help="覆盖已存在的报告（报告可能已手工修改过，默认不覆盖）")
    r.set_defaults(run=cmd_report_write, reads=("workbook", "narrative"), writes=("output",))

    r = report_command(
        "check",
        "核对手写的绩效评价报告与自评表 (check a report against its table)",
        description="读取手写的 Word 报告（标题、段落、表格），把其中关于项目的数字——金额、指标值与实际完成值、"
        "执行率、得分表与总分、等级——与自评表（按规则重新计算）逐一核对，每处不一致写成一句话，"
        "说明两边的数值和报告中的位置。评价指标体系的报告与评分表核对：按一级指标的得分表、三级指标的分值和得分、"
        "总分和等级。退出码：0 一致且没有待填写处，1 有不一致或还有【待填写】，2 输入无法使用。",
    )
    r.add_argument("report", metavar="REPORT", help="报告 .docx")
    r.add_argument("workbook", metavar="WORKBOOK", help="对应的自评表或评价指标体系评分表工作簿")
    r.add_argument("--json", help="另存 JSON：{\"discrepancies\": [{message, report_value, table_value, where}], "
                   "\"unwritten\": [待填写处]}（写作 - 时输出到标准输出）")
    r.add_argument("--sheet", help="工作簿含多张表时，用这个工作表上的表")
    r.add_argument("--profile", help=BY_FORM_HELP)
    r.set_defaults(run=cmd_report_check, reads=("report", "workbook"), writes=("json",))

    r = report_command(
        "portfolio",
        "由复核结果生成批次汇总报告 (portfolio report of a recalc)",
        description="读取 perfbook recalc --json 写出的复核结果，生成给财政部门的 Word 汇总报告："
        "自评表张数、复核等级分布（按重新计算的总分，图表）、发现问题的自评表及问题明细。",
    )
    r.add_argument("result", metavar="RESULT.json", help="perfbook recalc --json 写出的 JSON 文件")
    r.add_argument("-o", "--output", required=True, help="输出的 .docx 文件，如 复核情况报告.docx")
    r.add_argument("--force", action="store_true", help="覆盖已存在的报告（报告可能已手工修改过，默认不覆盖）")
    r.set_defaults(run=cmd_report_portfolio, reads=("result",), writes=("output",))

    p = command(
        "addin",
        "Windows 桌面版 Excel 的传统加载项：安装、卸载、查看状态 (classic add-in)",
        description="安装 xlwings 加载项并把 PERF_* 函数所在模块 addin.udfs 写入 ~/.xlwings/xlwings.conf。"
        "只适用于装有本地 Python 的 Windows 桌面版 Excel；在其他系统上说明原因并以退出码 2 结束。",
    )
    p.add_argument("action", choices=["install", "uninstall", "status"], help="install 安装、uninstall 卸载、status 查看状态")
    p.set_defaults(run=cmd_addin, xlwings=True)

    p = command(
        "lite",
        "生成 xlwings Lite 使用的 main.py 和 requirements.txt (code for xlwings Lite)",
        description="生成自包含的 main.py（内含计分引擎和全部计分规则）和 requirements.txt，"
        "粘贴到 xlwings Lite 编辑器后即可使用 PERF_* 函数，除 xlwings 外无需下载任何东西。",
    )
    p.add_argument("-o", "--output", required=True, help="输出目录")
    p.add_argument("--force", action="store_true", help="覆盖输出目录中不是 perfbook 写出的 main.py、requirements.txt")
    p.set_defaults(run=cmd_lite, xlwings=True)

    p = command(
        "serve",
        "运行 xlwings Server，供 Excel 网页版、Mac 版使用 PERF_* 函数 (xlwings Server)",
        description="运行 xlwings Server（需在 perfbook 源代码目录中 pip install \".[server]\"），提供加载项清单 /manifest.xml 和 "
        "PERF_* 自定义函数；函数名不带命名空间，与模板中的公式一致。许可：PolyForm Noncommercial（政府机构可用）"
        "或商业许可，通过环境变量 XLWINGS_LICENSE_KEY 设置。",
    )
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    p.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    p.add_argument("--ssl-keyfile", help="HTTPS 私钥文件（Office 加载项需要 HTTPS）")
    p.add_argument("--ssl-certfile", help="HTTPS 证书文件")
    p.add_argument("--hostname", help="对外的主机名，清单中的地址将使用 https://主机名（不是 443 端口时带上端口，如 主机名:8000）")
    p.add_argument("--project-dir", help="xlwings Server 项目目录（默认 ~/.perfbook/xlwings-server）")
    p.add_argument("--token", help="访问令牌：用户在加载项任务窗格中填写同一令牌后才能调用函数，监听本机以外的地址时必须设置；"
                   "命令行对本机其他用户可见，建议改用环境变量 PERFBOOK_SERVER_TOKEN")
    p.set_defaults(run=cmd_serve, xlwings=True)

    p = command(
        "evaluation",
        "评价指标体系：列出指标体系、生成评分表 (evaluation frameworks)",
        description="评价指标体系（一级、二级、三级指标及评分标准）的评分表。复核已填写的评分表请用 perfbook recalc。",
    )
    evaluation = p.add_subparsers(dest="evaluation_command", required=True, metavar="子命令", title="子命令")
    q = _chinese(evaluation.add_parser(
        "frameworks", help="列出可用的评价指标体系 (list frameworks)", add_help=False,
        description="列出 perfbook 带有的评价指标体系：编号、名称、一级指标及分值、三级指标数和各评分方法的项数、所用等级规则。"))
    q.set_defaults(run=cmd_evaluation_frameworks)
    q = _chinese(evaluation.add_parser(
        "new", help="生成评价指标体系评分表 (a blank scoring workbook)", add_help=False,
        description="按评价指标体系生成评分表：一级、二级指标合并单元格，自评得分单元格按评分方法"
        "使用 PERF_CHECKLIST、PERF_BAND、PERF_RATIO、PERF_DEDUCT 计算，并有小计、总分和评价等级；"
        "加 --portable 时改用通用公式，无需加载项。"))
    q.add_argument("--framework", required=True, help="评价指标体系编号，如 yueyang-2020（见 perfbook evaluation frameworks）")
    q.add_argument("-o", "--output", required=True, help="输出文件，如 评分表.xlsx")
    q.add_argument("--project", help="项目名称")
    q.add_argument("--unit", help="项目单位")
    q.add_argument("--evaluator", help="评价机构")
    q.add_argument("--year", type=_evaluation_year, help="评价年度，如 2020、2020年度或 2020-2022")
    q.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    q.add_argument("--portable", action="store_true",
                   help="用通用公式计分（WPS、LibreOffice 或未装加载项的 Excel 中直接计算；评价标准的分值写入公式）")
    q.set_defaults(run=cmd_evaluation_new, writes=("output",))

    p = command("setup", "说明如何在各种 Excel 中使用 PERF_* 函数 (how to load the functions)",
                description="打印在 Windows 桌面版 Excel（传统加载项）、Excel 网页版和 Mac 版（xlwings Server）、"
                "xlwings Lite 中使用 PERF_* 函数的步骤。")
    p.set_defaults(run=cmd_setup)
    return parser


# Exit codes, one meaning each (README): 0 done and nothing found, 1 findings or discrepancies
# (score and recalc only with --strict), 2 the user's error or an input that cannot be read, 3 perfbook's own.
EXIT_FINDINGS, EXIT_USER, EXIT_INTERNAL = 1, 2, 3


def _names_chinese() -> bool:
    """Whether this process can name a file in Chinese (its file-system encoding)."""
    try:
        "复核汇总".encode(sys.getfilesystemencoding())
    except (UnicodeEncodeError, LookupError):
        return False
    return True


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP (``kill``, a closed terminal or SSH session): the command stops as on
    Ctrl+C (recalc writes the summary and the JSON of the files done), and exits with 128 + the
    signal's number."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


@contextlib.contextmanager
def _stop_on_signals():
    """While a command runs, SIGTERM and SIGHUP raise :class:`Stopped` where the program is, as
    Ctrl+C raises KeyboardInterrupt, so that what is done is kept and the temporary files
    (unpacked archives, the summary's rows) are removed on the way out; a second one ends the
    process at once, as the signal does by default (a stop that blocks, writing to a pipe no one
    reads, or waiting for a worker, can always be ended). Yields a list that gets the signal's
    number. The handlers before are put back after."""
    import signal
    import threading

    received: list[int] = []

    def stop(number: int, frame) -> None:
        if received:   # the second: the default action, now
            signal.signal(number, signal.SIG_DFL)
            os.kill(os.getpid(), number)
            return
        received.append(number)
        raise Stopped(number)

    names = [n for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    if threading.current_thread() is not threading.main_thread():   # (only there can Python catch signals)
        names = []
    before = {name: signal.signal(getattr(signal, name), stop) for name in names}
    try:
        yield received
    finally:
        for name, handler in before.items():
            signal.signal(getattr(signal, name), handler)


def _not_over_inputs(args: argparse.Namespace) -> None:
    """Stop before any work when a file the command would write (its ``writes`` options) is a
    file it reads (its ``reads``): ``--json 清单.xlsx`` or ``-o`` naming the input would replace
    the user's file. (recalc checks the files it finds, see :func:`.recalc.run.refuse_overwrites`.)"""
    def named(names: tuple[str, ...]) -> list[str]:
        values = [getattr(args, name, None) for name in names]
        return [str(v) for value in values for v in (value if isinstance(value, list) else [value]) if v]

    from .files import read_by_this_run

    reads = named(getattr(args, "reads", ()))
    for option in getattr(args, "writes", ()):   # (the option named: --json 清单.xlsx, -o 清单.xlsx)
        if clash := read_by_this_run([Path(p) for p in named((option,))], reads):
            flag = "-o" if option == "output" else f"--{option.replace('_', '-')}"
            raise CliError(f"{flag} 的路径 {shown_path(str(clash[0]))} 就是要读取的文件，写出会覆盖它：请另选 {flag} 的路径")


def _json_to_stdout(args: argparse.Namespace) -> int:
    """``--json -``: the command's JSON on standard output (for a script to read) and what it
    prints for people on standard error. The JSON is written as with a path, to a temporary
    file, then copied out, also when the command ends in an error or a stop after writing it
    (a summary that could not be written; a kill held until both outputs were written)."""
    if sys.stdout is None or getattr(sys.stdout, "closed", False):
        raise CliError("--json -：标准输出已关闭，无法写出 JSON；请给出 JSON 文件的路径")
    with tempfile.TemporaryDirectory(prefix="perfbook-json-") as folder:
        args.json = os.path.join(folder, "result.json")
        try:
            with contextlib.redirect_stdout(sys.stderr):
                return args.run(args)
        finally:
            if os.path.exists(args.json):   # (its bytes, UTF-8 whatever the console's encoding)
                sys.stdout.flush()
                with open(args.json, "rb") as handle:
                    if hasattr(sys.stdout, "buffer"):
                        shutil.copyfileobj(handle, sys.stdout.buffer)
                    else:   # (a text stream without bytes beneath)
                        sys.stdout.write(handle.read().decode("utf-8"))
                sys.stdout.flush()


def _no_file_as_option(parser: argparse.ArgumentParser, argv: list[str]) -> None:
    """Stop when a word that starts with "-" is the name of a file here: a file called
    ``-o.xlsx`` that the shell's ``*`` put on the command line would be read as ``-o .xlsx``
    (and the file left out without a word)."""
    for word in argv:
        if word == "--":
            return
        if word.startswith("-") and len(word) > 1 and os.path.lexists(word):
            parser.error(f"“{shown_path(word)}”是一个文件，却会被当作选项：文件名以“-”开头时请写成 ./{shown_path(word)}")


def _whole_number(text: str, low: int, high: int, what: str, note: str = "") -> int:
    """An option's whole number from ``low`` to ``high``, else argparse's error in Chinese."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为{what}，收到的是 {text!r}") from None
    if not low <= number <= high:
        raise argparse.ArgumentTypeError(f"应为 {low} 到 {high} 之间的{what}，收到的是 {number}{note}")
    return number


def _year(text: str) -> int:
    """``--year``: a budget year (2000 to 2100): -1 or 99999 had headed templates "(-1年度)"."""
    return _whole_number(text, 2000, 2100, "年份")


def _evaluation_year(text: str) -> str:
    """``evaluation new --year``: a year (2000 to 2100) or a span of them, as the 评价年度 cell
    shows it (2020, 2020年度, 2020-2022); abc or 99999 had been written into the template."""
    found = re.fullmatch(r"\s*(\d{4})(?:年度?)?(?:\s*[-—–~至]\s*(\d{4}))?\s*(?:年度?)?\s*", text)
    if not found or not all(2000 <= int(y) <= 2100 for y in found.groups() if y) \
            or (found.group(2) and int(found.group(2)) < int(found.group(1))):
        raise argparse.ArgumentTypeError(f"应为 2000 至 2100 之间的年份或年份区间（如 2020、2020-2022），收到的是 {text}")
    return text.strip()


def _jobs(text: str) -> int:
    """``--jobs``: from 1 to 4 processes a core (each holds a worker's memory: a number of files
    given by mistake had started a process per file and exhausted the machine's memory)."""
    cores = os.cpu_count() or 1
    return _whole_number(text, 1, 4 * cores, "整数", f"（本机 {cores} 个 CPU 核，每核最多 4 个进程）")


class _Output:
    """Standard output that a reader may stop reading (``perfbook batch … | head``): from then
    on what is printed is dropped and the work goes on (templates, copies and summaries are the
    command's work; a broken pipe had ended it before anything was written, with exit code 0)."""

    def __init__(self, stream):
        self._stream, self._gone = stream, False

    def _guarded(self, call, *args):
        if not self._gone:
            try:
                return call(*args)
            except BrokenPipeError:
                self._gone = True
                with contextlib.suppress(OSError, ValueError):   # (Python's own flush at exit, into nothing)
                    os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())
        return None

    def write(self, text: str) -> int:
        self._guarded(self._stream.write, text)
        return len(text)

    def flush(self) -> None:
        self._guarded(self._stream.flush)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _xlwings_config_readable() -> None:
    """xlwings reads its user config as it is imported, in the default encoding: one saved in
    another (GBK, by Notepad on Chinese Windows) had ended addin, lite and serve with an internal
    error. Said with the file and what to do instead."""
    import locale

    home = os.path.expanduser("~")
    path = (os.path.join(home, "Library", "Containers", "com.microsoft.Excel", "Data", "xlwings.conf")
            if sys.platform.startswith("darwin") else os.path.join(home, ".xlwings", "xlwings.conf"))
    encoding = locale.getpreferredencoding(False)
    try:
        with open(path, encoding=encoding) as config:
            config.read()
    except UnicodeDecodeError:
        raise CliError(f"xlwings 的配置文件 {shown_path(path)} 不是 {encoding} 编码，xlwings 无法读取："
                       f"请用记事本等另存为 {encoding} 编码后再试") from None
    except (OSError, ValueError):   # (none, or unreadable: xlwings says what it says)
        return


def _unraisable(unraisable) -> None:
    """What Python cannot raise (an exception in a ``__del__`` or a generator's close). After a
    write failed (a full disk, a file size limit), openpyxl's XML stream and zip file fail again
    as they are let go: logged for ``--debug``, the write's own failure being said where it was
    caught. Anything else is a warning with its traceback."""
    from .logs import logger

    level = logging.DEBUG if machine_error(unraisable.exc_value) is not None else logging.WARNING
    logger.log(level, "%s", unraisable.err_msg or "清理对象时出错",
               exc_info=(unraisable.exc_type, unraisable.exc_value, unraisable.exc_traceback))


_OFFICE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".docx", ".doc")   # files an office suite may hold open


def main(argv: list[str] | None = None) -> int:
    from .logs import configure

    if argv is None and not sys.flags.utf8_mode and not _names_chinese():
        # LC_ALL=C with Python's UTF-8 mode off: no Chinese file name could be written; run again
        # in UTF-8 mode
        os.execv(sys.executable, [sys.executable, "-X", "utf8", "-m", "workbook_builder.cli", *sys.argv[1:]])
    for stream in (sys.stdout, sys.stderr):   # a console that cannot show a character escapes it
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    _no_file_as_option(parser, sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    configure(args.debug)
    previous, sys.unraisablehook = sys.unraisablehook, _unraisable
    stdout = sys.stdout
    if stdout is not None:   # (None: started with its descriptor closed, said where it is needed)
        sys.stdout = _Output(stdout)
    code = EXIT_INTERNAL
    try:
        code = _run(args)
        return code
    finally:
        if code:   # what a failed write left in reference cycles fails again when collected: now, under the hook
            gc.collect()
        if sys.stdout is not stdout:   # (what is still buffered, flushed through the wrapper: not at exit, outside it)
            sys.stdout.flush()
        sys.unraisablehook, sys.stdout = previous, stdout


def _run(args: argparse.Namespace) -> int:
    """The command ``args`` names, its errors said in Chinese with their exit codes."""
    from .logs import debugging, logger

    received: list[int] = []   # (the signal that stopped the command: its exit code, see _stop_on_signals)
    try:
        with _stop_on_signals() as received:
            _not_over_inputs(args)
            if getattr(args, "xlwings", False):
                _xlwings_config_readable()
            code = _json_to_stdout(args) if getattr(args, "json", None) == "-" else args.run(args)
        return 128 + received[0] if received else code   # (recalc stopped by a signal: as on Ctrl+C, but its code)
    except KeyboardInterrupt:   # Ctrl+C where no partial result can be written (recalc writes one)
        print("已中断。", file=sys.stderr)
        return 128 + received[0] if received else 130
    except UserError as err:
        print("错误：" + "\n".join(map(shown_path, str(err).split("\n"))), file=sys.stderr)
        return EXIT_USER
    except BrokenPipeError:  # output piped into a reader that stopped early (| head): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as raised:
        if debugging():
            raise
        err = machine_error(raised)
        if err is not None:   # the machine's, not perfbook's: no permission, disk full, a path taken
            logger.debug("读写文件失败", exc_info=True)
            where = f" {shown_path(str(err.filename))}" if err.filename else ""
            reason = os_reason(err)
            if not err.filename and err.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):   # which disk: not said
                reason += f"：输出目录，或临时文件夹 {shown_path(tempfile.gettempdir())}（可用环境变量 TMPDIR 另指）"
            elif err.errno in (errno.EACCES, errno.EPERM) and str(err.filename).lower().endswith(_OFFICE_SUFFIXES):
                office = "Word" if str(err.filename).lower().endswith((".docx", ".doc")) else "Excel"
                reason += f"；如果它正在 {office} 或 WPS 中打开，请关闭后重试"
            print(f"错误：无法读写{where}（{reason}）", file=sys.stderr)
            return EXIT_USER
        logger.error("内部错误", exc_info=True)
        print("错误：perfbook 内部错误（不是输入文件的问题），错误追踪见上；请把它发给维护者。加 --debug 可在出错处停止。",
              file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
