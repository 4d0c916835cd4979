"""Writing Word reports: a docxtpl template from ``templates/`` rendered with a report's data.

:func:`render_docx` is the one place a template becomes a .docx (atomically, failing loudly on a
tag the data does not fill); :func:`write_reports` reads a workbook the way ``recalc`` does and
writes one evaluation report per table it holds, of the kind the table is.

A report kind is a template plus a data adapter whose ``context()`` fills it: the 自评表 report
is ``report_table.docx`` + :func:`.model.table_report_data`, a framework evaluation (评价指标体系
评分表) ``report_framework.docx`` + :func:`.framework.framework_report_data`, a multi-year
evaluation (yearly budget tables) ``report_multiyear.docx`` + :func:`.multiyear.multiyear_report_data`
(:data:`EVALUATION_KINDS`, by the reader's type), the batch summary ``report_portfolio.docx`` +
:func:`.portfolio.portfolio_data`. The narrative sections (:data:`.model.NARRATIVE_SECTIONS`)
follow the same national outline in every kind.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from addin.engine import UserError

from .. import templates_dir
from ..files import atomic_save, read_by_this_run, safe_stem, shown_path, some_of, unique_names
from ..readers.evaluation import ReadEvaluation
from ..readers.multiyear import ReadYears
from . import REPORT_CATEGORY
from .framework import FrameworkReportData, framework_report_data
from .model import PLACEHOLDER, TableReportData, narrative_context, placeholders_in, read_narrative, table_report_data
from .multiyear import MultiYearReportData, multiyear_report_data

ReportData = TableReportData | FrameworkReportData | MultiYearReportData
# What recalc reads besides 自评表 (reader's type) → the data adapter of its report.
EVALUATION_KINDS = {ReadEvaluation: framework_report_data, ReadYears: multiyear_report_data}


class ReportError(UserError):
    """A report that cannot be written or checked (unreadable input, no such sheet …)."""


def _properties(document) -> None:
    """The report's document properties (Word's 文件 → 信息): its title (the first line), written
    now by perfbook, and the category by which recalc knows a report (not a 自评表), instead of
    the template's (python-docx, 2013)."""
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
    props = document.core_properties
    props.title = next((p.text.strip() for p in document.paragraphs if p.text.strip()), "")[:100]
    props.author, props.comments, props.last_modified_by, props.revision = "perfbook", "", "perfbook", 1
    props.created = props.modified = now
    props.category = REPORT_CATEGORY   # (so that recalc knows it for a report)


def _mark_placeholders(document) -> None:
    """Each 【待填写：…】 of a rendered report highlighted in yellow, in a run of its own (the rest
    of its paragraph as it was): what is left to write is seen at a glance, not read for."""
    from copy import deepcopy

    from docx.enum.text import WD_COLOR_INDEX
    from docx.text.run import Run

    paragraphs = [*document.paragraphs, *(p for t in document.tables for row in t.rows for c in row.cells
                                           for p in c.paragraphs)]
    for paragraph in paragraphs:
        if "【待填写" not in paragraph.text:
            continue
        for run in list(paragraph.runs):
            texts = re.split(f"({PLACEHOLDER.pattern})", run.text)   # (text, placeholder, text, …)
            if len(texts) == 1:
                continue
            at = run._r
            for n, text in enumerate(texts):
                if not text:
                    continue
                piece = Run(deepcopy(run._r), paragraph)
                piece.text = text
                if n % 2:
                    piece.font.highlight_color = WD_COLOR_INDEX.YELLOW
                at.addnext(piece._r)
                at = piece._r
            run._r.getparent().remove(run._r)


def render_docx(template: str, context: dict, path: str | Path,
                finish: Callable[[object], None] | None = None) -> Path:
    """Render ``templates/<template>`` with ``context`` into ``path``. ``finish(document)`` may
    change the rendered python-docx document before it is saved (e.g. insert a chart)."""
    import jinja2
    from docxtpl import DocxTemplate

    doc = DocxTemplate(str(templates_dir() / template))
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    doc.render(context, env)
    _properties(doc.docx)
    _mark_placeholders(doc.docx)
    if finish:
        finish(doc.docx)
    return atomic_save(lambda tmp: doc.save(tmp), path)


class Scored(NamedTuple):
    """One table of a workbook as recalc sees it: its report (located findings), the engine's
    result and what was read (cell addresses)."""

    report: object   # recalc.result.TableReport
    result: object   # addin.engine.TableResult (recalc.evaluation.AnnotatedView for the others)
    read: object     # readers.tables.ReadTable, readers.evaluation.ReadEvaluation or readers.multiyear.ReadYears


def _grids(path: Path) -> list:
    """The grids of ``path``, read as recalc reads every file: container checks first, then the
    reader in a guarded worker (memory, time), so that a hostile file ends in a sentence."""
    from ..readers.container import UnreadableFile, reason_of_one
    from ..readers.source import read_grids  # calamine and Word, as recalc reads them
    from ..recalc.guard import GuardedFailure, call_guarded

    if not path.exists():
        raise ReportError(f"找不到文件 {shown_path(str(path))}")
    try:   # a folder, a pipe or a device is refused by the container checks, with the reason
        return call_guarded(read_grids, (str(path),))
    except (UnreadableFile, GuardedFailure) as err:
        raise ReportError(f"{shown_path(str(path))} 无法读取：{reason_of_one(err)}") from None


def _on_sheet(path: Path, reads: list, sheet: str | None, what: str, sheet_of=lambda read: read.sheet) -> list:
    """The reads on ``sheet`` (all of them without one); a clear error when there are none."""
    if sheet is None:
        return reads
    chosen = [r for r in reads if sheet_of(r) == sheet]
    if not chosen:
        sheets = "、".join(dict.fromkeys(sheet_of(r) for r in reads))
        raise ReportError(f"{path} 中没有工作表“{sheet}”上的{what}；有{what}的工作表：{sheets}")
    return chosen


def _tables(path: Path, grids: list, sheet: str | None, profile: str | None) -> list[Scored]:
    from ..readers.tables import NoTable, tables_in
    from ..recalc.run import report_table

    try:
        reads = tables_in(grids, str(path))
    except NoTable as err:
        raise ReportError(f"{path} 无法读取：{err}") from None
    return [Scored(*report_table(read, profile, str(path)), read) for read in _on_sheet(path, reads, sheet, "自评表")]


def read_workbook(workbook: str | Path, sheet: str | None = None, profile: str | None = None) -> list[Scored]:
    """Every 自评表 of ``workbook`` (any file ``recalc`` reads), re-scored; only those on
    ``sheet`` when it is given."""
    path = Path(workbook)
    return _tables(path, _grids(path), sheet, profile)


@dataclass
class WrittenReport:
    path: Path
    data: ReportData
    placeholders: int = 0   # 【待填写：…】 left in it (sections the narrative file did not give)


@dataclass
class ReportWriteResult:
    workbook: Path
    reports: list[WrittenReport] = field(default_factory=list)
    blank: list[str] = field(default_factory=list)   # tables not filled in, no report written: 自评表“工作表”（项目）


def output_paths(output: str | Path, projects: list[str]) -> list[Path]:
    """``output`` itself for one table; for several, ``<stem>_<n>_<project>.docx`` beside it."""
    output = Path(output)
    if len(projects) == 1:
        return [output]
    stems = [f"{output.stem}_{n}_{safe_stem(p, 40)}" for n, p in enumerate(projects, start=1)]
    return [output.with_name(name) for name in unique_names(stems, ".docx")]


def read_scored(workbook: str | Path, sheet: str | None = None, profile: str | None = None) -> list[Scored]:
    """Every table of ``workbook`` re-scored as ``recalc`` does (only those on ``sheet`` when it is
    given): its 评价指标体系评分表 or its yearly budget tables when it holds them (``result`` is
    then the view recalc annotates; a 自评表 beside them only when ``sheet`` names its sheet, so
    that an evaluator's workbook gives the evaluation's report unless asked), else its 自评表."""
    from ..recalc.evaluation import evaluation_reports, tables_beside
    from ..recalc.run import report_table

    path = Path(workbook)
    grids = _grids(path)
    found = evaluation_reports(grids, str(path), profile, str(path))
    if not found:
        return _tables(path, grids, sheet, profile)
    reads, pairs = found
    what = "评价指标体系评分表" if isinstance(reads[0], ReadEvaluation) else "年度预算及支出表"
    scored = [Scored(report, view, read) for read, (report, view) in zip(reads, pairs)]
    beside = [Scored(*report_table(read, profile, str(path)), read)
              for read in (tables_beside(reads, grids, str(path)) if sheet is not None else ())]
    return _on_sheet(path, scored + beside, sheet, f"{what}或自评表" if beside else what, lambda s: s.read.sheet)


def report_data(scored: Scored, narrative: dict[str, list[str]]) -> ReportData:
    """The data of one table's report, of the kind the table is."""
    adapter = EVALUATION_KINDS.get(type(scored.read))
    if adapter is not None:
        return adapter(scored.read, scored.report, narrative)
    return table_report_data(scored.result, scored.report, narrative, scored.read.all_cells(),
                             scored.read.money_unit)


_NOTHING = {"自评表": "没有实际完成值和得分", "评分表": "没有得分"}   # what a table not filled in lacks, by kind


def _kind(scored: Scored) -> str:
    """What a table is called in a message: 评分表 (a 评价指标体系评分表) or 自评表."""
    return "评分表" if isinstance(scored.read, ReadEvaluation) else "自评表"


def refuse_existing(paths: list[Path], overwrite: bool) -> None:
    """A report already written may have been edited by hand since: none of ``paths`` is
    replaced unless ``overwrite`` (``--force``), and nothing is written when one exists."""
    folders = [p for p in paths if p.is_dir()]   # (said first: --force would not help)
    if folders:
        raise ReportError(f"输出路径 {shown_path(str(folders[0]))} 是文件夹，不能写成报告；请给出 .docx 文件名")
    existing = [p for p in paths if p.exists()]
    if existing and not overwrite:
        raise ReportError(f"文件已存在：{some_of([str(p) for p in existing], 3)}（报告可能已手工修改过；如确需覆盖，请加 --force）")


def write_reports(workbook: str | Path, output: str | Path, narrative: str | Path | None = None,
                  sheet: str | None = None, profile: str | None = None, overwrite: bool = False) -> ReportWriteResult:
    """One evaluation report per table in ``workbook`` (or on ``sheet``): a 自评表's, a framework
    evaluation's or a multi-year evaluation's, numbers recomputed, narrative from the TOML file
    ``narrative`` (placeholders without it). A 自评表 not filled in gets none (listed in
    ``blank``); a workbook with nothing else is refused. An existing report is replaced only with
    ``overwrite``."""
    if Path(output).suffix.lower() != ".docx":
        raise ReportError(f"输出文件应为 .docx：{output}")
    sections = read_narrative(narrative) if narrative else narrative_context(None)
    scored = read_scored(workbook, sheet, profile)
    blank = [s for s in scored if s.report.status]   # 未填写: a report of it would say only that nothing was filled
    if len(blank) == len(scored):
        sheets = "、".join(dict.fromkeys(f"“{s.report.sheet}”" for s in blank))
        kinds = "、".join(dict.fromkeys(_kind(s) for s in blank))
        where = "" if Path(workbook).suffix.lower() in (".docx", ".doc") else "工作表"   # (a Word table: 表格1)
        lacking = _NOTHING.get(kinds, "没有填写内容")
        raise ReportError(f"{workbook} 的{kinds}（{where}{sheets}）尚未填写（{lacking}），无法生成评价报告：请填写后再生成")
    result = ReportWriteResult(Path(workbook),
                               blank=[f"{_kind(s)}“{s.report.sheet}”（{s.report.project}）" for s in blank])
    # (named by each table's place among all, so that a table filled in later never renames the others')
    named = [(path, s) for path, s in zip(output_paths(output, [s.report.project for s in scored]), scored)
             if not s.report.status]
    paths = [path for path, _ in named]
    datas = [report_data(s, sections) for _, s in named]
    if clash := read_by_this_run(paths, [workbook, narrative]):
        raise ReportError(f"要写出的报告 {clash[0]} 就是要读取的文件，写出会覆盖它：请另选输出路径（-o）")
    refuse_existing(paths, overwrite)
    for path, data in zip(paths, datas):
        context = data.context()
        render_docx(data.TEMPLATE, context, path)
        result.reports.append(WrittenReport(path, data, placeholders_in(context)))
    return result
