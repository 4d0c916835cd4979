"""Writing template workbooks: one project, or a whole project list with an index workbook."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from addin.engine import UserError, as_float, get_profile
from addin.engine.forms import get_form
from addin.engine.table import Table

from .. import texts
from ..files import atomic_save, machine_error, os_reason, read_by_this_run, safe_stem, shown_path, unique_names
from ..recalc.sheets import link_target
from ..recalc.textsize import row_height, wrapped_lines
from .portable import NotPortable, check_portable
from .sheet import put_row
from .template import build_workbook

INDEX_NAME = "00_索引.xlsx"
INDEX_SHEET = "项目清单"
INDEX_COLUMNS = ["序号", "项目名称", "主管部门", "实施单位", "全年预算数（万元）", "指标数", "文件"]
FILE_WIDTH = 52   # the 文件 column's width (a template's name, or why it was not written)


class OutputExistsError(UserError):
    """An output refused: a file there may hold a user's work, or the name is no workbook's."""


@dataclass
class Written:
    table: Table
    path: Path | None
    error: str | None = None


@dataclass
class BatchResult:
    """What ``perfbook batch`` wrote: one entry per project, and the index workbook."""

    folder: Path
    written: list[Written]
    index: Path | None
    interrupted: bool = False   # Ctrl+C: the projects not reached are listed as not written
    index_error: str = ""       # why the index could not be written (a full disk): index is None

    @property
    def failed(self) -> list[Written]:
        return [w for w in self.written if w.error]


def new_workbook_path(path: str | Path, overwrite: bool) -> Path:
    """Where a new workbook goes: a name ending in .xlsx (a workbook named 自评表.docx opens in
    nothing), and no file already there unless ``overwrite``."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise OutputExistsError(f"输出文件 {shown_path(str(path))} 应以 .xlsx 结尾：生成的是 Excel 工作簿")
    if path.is_dir():   # (said first: --force would not help)
        raise OutputExistsError(f"输出路径 {shown_path(str(path))} 是文件夹，不能写成工作簿；请给出 .xlsx 文件名")
    if path.exists() and not overwrite:
        raise OutputExistsError(f"文件已存在：{path}（如确需覆盖，请加 --force）")
    return path


def write_template(table: Table, path: str | Path, profile: object = None, year: int | None = None,
                   overwrite: bool = False, portable: bool = False, form_id: object = None) -> Path:
    """One template laid out as the form ``form_id`` (the default form when none); ``portable``
    for native formulas instead of PERF_* (see :mod:`.portable`)."""
    path = new_workbook_path(path, overwrite)
    workbook = build_workbook(table, profile, year, portable=portable, form_id=form_id)
    return atomic_save(workbook.save, path)


def file_names(tables: list[Table]) -> list[str]:
    width = len(str(len(tables)))
    stems = [f"{n:0{width}d}_{safe_stem(t.project)}" for n, t in enumerate(tables, start=1)]
    return unique_names(stems, ".xlsx")


def refuse_outputs(tables: list[Table], folder: str | Path, overwrite: bool, source: str | Path | None) -> None:
    """Raise :class:`OutputExistsError` when a file :func:`write_batch` would write for ``tables``
    in ``folder`` (a template or the index) is ``source``, the list read (whatever
    ``overwrite``), or already exists (unless ``overwrite``)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():   # (each template had failed: 路径中有一段不是文件夹)
        raise OutputExistsError(f"输出目录 {shown_path(str(folder))} 是一个文件，不是文件夹：请另选输出目录（-o）")
    paths = [folder / n for n in [*file_names(tables), INDEX_NAME]]
    if clash := read_by_this_run(paths, [source]):
        raise OutputExistsError(f"要写出的 {shown_path(str(clash[0]))} 就是要读取的项目清单，写出会覆盖它：请另选输出目录（-o）")
    clashes = [p.name for p in paths if p.exists()]
    if clashes and not overwrite:
        listed = "、".join(clashes[:5]) + ("…" if len(clashes) > 5 else "")
        raise OutputExistsError(f"输出目录 {folder} 中已有同名文件：{listed}（如确需覆盖，请加 --force）")


def write_batch(tables: list[Table], folder: str | Path, profile: object = None,
                year: int | None = None, overwrite: bool = False, portable: bool = False,
                form_id: object = None, progress: Callable[[int], object] | None = None,
                source: str | Path | None = None, refused: dict[int, str] | None = None) -> BatchResult:
    """One template per table in ``folder``, laid out as the form ``form_id``, and the index
    workbook. The profile is ``profile``, else the form's. A project whose workbook cannot be
    written is reported in its :class:`Written` and the batch goes on. A profile that cannot be
    compiled for ``portable`` templates is refused before any file is written. On Ctrl+C the
    index is still written, listing the projects not reached as not written (``interrupted``).
    ``progress(1)`` is called after each project. No file written is ``source`` (the list read),
    even with ``overwrite``. ``refused`` maps the index of a table not to be written to why (a
    project with problems in the list): listed in the index as not written, numbered in its place."""
    folder = Path(folder)
    found = get_form(form_id)
    rules = get_profile(profile or found.profile)
    if portable:
        check_portable(rules)
    names = file_names(tables)
    refuse_outputs(tables, folder, overwrite, source)
    results: list[Written] = []
    try:
        for number, (table, name) in enumerate(zip(tables, names)):
            if refused and number in refused:
                results.append(Written(table, None, refused[number]))
                if progress:
                    progress(1)
                continue
            try:
                path = write_template(table, folder / name, rules, year, overwrite=True, portable=portable,
                                      form_id=found)
                results.append(Written(table, path))
            except NotPortable as err:   # a row of a form without 性质 whose target states no operator
                results.append(Written(table, None, str(err)))
            except Exception as err:   # the machine's (a full disk: lxml and XlsxWriter wrap it), the batch goes on
                machine = machine_error(err)
                if machine is None:
                    raise
                results.append(Written(table, None, f"无法写入 {folder / name}：{os_reason(machine)}"))
            if progress:
                progress(1)
    except KeyboardInterrupt:
        results += [Written(table, None, INTERRUPTED) for table in tables[len(results):]]
    interrupted = any(w.error == INTERRUPTED for w in results)
    try:
        index = atomic_save(_index(results, rules, year).save, folder / INDEX_NAME)
    except Exception as err:   # (the templates' outcomes are still said)
        machine = machine_error(err)
        if machine is None:
            raise
        return BatchResult(folder, results, None, interrupted, index_error=os_reason(machine))
    return BatchResult(folder, results, index, interrupted)


INTERRUPTED = "生成时被中断（Ctrl+C 或终止信号）"


def _index(results: list[Written], profile, year: int | None) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = INDEX_SHEET
    year = year or next((w.table.year for w in results if w.table.year), None) or ""
    put_row(ws, 1, [texts.index_title(year, len(results), profile)])
    ws["A1"].font = Font(bold=True, size=13)
    put_row(ws, 2, INDEX_COLUMNS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for number, written in enumerate(results, start=1):
        t = written.table
        annual = as_float(t.funds.annual)
        file_cell = written.path.name if written.path else f"未生成：{written.error}"
        put_row(ws, 2 + number,
                [number, t.project, t.department, t.implementer, annual, len(t.indicators), file_cell])
        if written.path:
            link = ws.cell(row=2 + number, column=7)
            link.hyperlink = link_target(written.path.name)   # (项目#1.xlsx is no fragment #1.xlsx)
            link.style = "Hyperlink"
        else:   # (why, wrapped in its column: run on to the right, it had shrunk the printed page)
            ws.cell(row=2 + number, column=7).alignment = Alignment(wrap_text=True, vertical="center")
            ws.row_dimensions[2 + number].height = row_height(wrapped_lines(file_cell, FILE_WIDTH))
    for column, width in zip("ABCDEFG", (6, 44, 22, 22, 16, 8, FILE_WIDTH)):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=3):
        row[1].alignment = Alignment(wrap_text=True, vertical="center")
        for cell in (row[0], row[4], row[5]):   # (a character in from the edge: no number runs into the next text)
            cell.alignment = Alignment(horizontal="right", indent=1, vertical="center")
        row[4].number_format = "#,##0.00####"   # (万元 to two decimals at least, as many more as typed)
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"   # printed on A4 landscape, one page wide, the header on every page
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    return wb
