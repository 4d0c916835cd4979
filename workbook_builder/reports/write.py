"""Writing Word reports: a docxtpl template from ``templates/`` rendered with a report's data.

:func:`render_docx` is the one place a template becomes a .docx (atomically, failing loudly on a
tag the data does not fill); :func:`write_table_reports` reads a workbook the way ``recalc``
does and writes one evaluation report per 自评表.

A report kind is a template plus a data adapter whose ``context()`` fills it: the 自评表 report
is ``report_table.docx`` + :func:`.model.table_report_data`, the batch summary
``report_portfolio.docx`` + :func:`.portfolio.portfolio_data`. A framework (评价指标体系) or
multi-year report is one more of each, rendered by :func:`render_docx`; the narrative sections
(:data:`.model.NARRATIVE_SECTIONS`) follow the same national outline and can be shared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from addin.engine import UserError

from .. import templates_dir
from ..files import atomic_save, safe_stem, unique_names
from .model import TableReportData, narrative_context, read_narrative, table_report_data

TABLE_TEMPLATE = "report_table.docx"


class ReportError(UserError):
    """A report that cannot be written or checked (unreadable input, no such sheet …)."""


def render_docx(template: str, context: dict, path: str | Path,
                finish: Callable[[object], None] | None = None) -> Path:
    """Render ``templates/<template>`` with ``context`` into ``path``. ``finish(document)`` may
    change the rendered python-docx document before it is saved (e.g. insert a chart)."""
    import jinja2
    from docxtpl import DocxTemplate

    doc = DocxTemplate(str(templates_dir() / template))
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    doc.render(context, env)
    if finish:
        finish(doc.docx)
    return atomic_save(lambda tmp: doc.save(tmp), path)


class Scored(NamedTuple):
    """One table of a workbook as recalc sees it: its report (located findings), the engine's
    result and what was read (cell addresses)."""

    report: object   # recalc.result.TableReport
    result: object   # addin.engine.TableResult
    read: object     # readers.tables.ReadTable


def read_workbook(workbook: str | Path, sheet: str | None = None, profile: str | None = None) -> list[Scored]:
    """Every table of ``workbook`` (any file ``recalc`` reads), re-scored; only those on
    ``sheet`` when it is given."""
    from ..readers.container import UnreadableFile
    from ..readers.tables import NoTable, read_tables
    from ..recalc.run import report_table

    path = Path(workbook)
    if not path.is_file():
        raise ReportError(f"找不到文件 {path}")
    try:
        reads = read_tables(path)
    except (UnreadableFile, NoTable) as err:
        raise ReportError(f"{path} 无法读取：{err}") from None
    if sheet is not None:
        chosen = [r for r in reads if r.sheet == sheet]
        if not chosen:
            sheets = "、".join(dict.fromkeys(r.sheet for r in reads))
            raise ReportError(f"{path} 中没有工作表“{sheet}”上的自评表；有自评表的工作表：{sheets}")
        reads = chosen
    return [Scored(*report_table(read, profile, str(path)), read) for read in reads]


@dataclass
class WrittenReport:
    path: Path
    data: TableReportData


@dataclass
class ReportWriteResult:
    workbook: Path
    reports: list[WrittenReport] = field(default_factory=list)


def output_paths(output: str | Path, projects: list[str]) -> list[Path]:
    """``output`` itself for one table; for several, ``<stem>_<n>_<project>.docx`` beside it."""
    output = Path(output)
    if len(projects) == 1:
        return [output]
    stems = [f"{output.stem}_{n}_{safe_stem(p, 40)}" for n, p in enumerate(projects, start=1)]
    return [output.with_name(name) for name in unique_names(stems, ".docx")]


def write_table_reports(workbook: str | Path, output: str | Path, narrative: str | Path | None = None,
                        sheet: str | None = None, profile: str | None = None) -> ReportWriteResult:
    """One evaluation report per 自评表 in ``workbook`` (or on ``sheet``), numbers recomputed,
    narrative from the TOML file ``narrative`` (placeholders without it)."""
    if Path(output).suffix.lower() != ".docx":
        raise ReportError(f"输出文件应为 .docx：{output}")
    sections = read_narrative(narrative) if narrative else narrative_context(None)
    scored = read_workbook(workbook, sheet, profile)
    result = ReportWriteResult(Path(workbook))
    datas = [table_report_data(s.result, s.report, sections, s.read.cells) for s in scored]
    for path, data in zip(output_paths(output, [d.project for d in datas]), datas):
        render_docx(TABLE_TEMPLATE, data.context(), path)
        result.reports.append(WrittenReport(path, data))
    return result
