"""Recalculating submitted tables: every table re-scored, every difference located and explained.

:func:`recalc` runs a whole batch and returns a :class:`RecalcResult`. :func:`collect` accounts
for every path given (read, or skipped with the reason). :func:`check_file` does all the work for
one file (read, re-score, write the annotated copy) and returns plain, picklable results; it runs
in a guarded worker (:mod:`.guard`), so a file that cannot be read, or that crashes, hangs or
exhausts memory, becomes one :class:`FileFailure` and the batch goes on. Workbooks (.xlsx, .xlsm,
.xls, .xlsb, .ods, WPS .et) and Word documents (.docx; .doc converted by LibreOffice) are read, and those in .zip archives
(unpacked first, see :func:`unpack_archives`).
"""

from __future__ import annotations

import contextlib
import glob
import io
import os
import shutil
import tempfile
import threading
import time
import traceback
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath

from addin.engine import PerfError, TableFinding, TableResult, UserError, evaluate_table, get_profile
from addin.engine import form
from addin.engine.form import FUNDS_TOTAL
from addin.engine.table import as_computed
from addin.engine.findings import Finding
from addin.engine.forms import get_form

from ..logs import debugging, logger
from ..files import (Taken, atomic_save, fit_bytes, numbered, os_reason, output_stem, remove_temporaries, safe_stem,
                     shown_path, some_of, special_file, unique_names)
from ..readers import archive
from ..readers.container import FORMATS, OutOfMemory, UnreadableFile
from ..readers.tables import NoTable, ReadTable, tables_in
from .result import FileFailure, FindingRow, RecalcResult, TableReport, finding_row, mark_repeat


class RecalcError(UserError):
    """A recalculation that cannot start (no input files, an output path that is a file)."""


def _cell(read: ReadTable, finding: TableFinding) -> str:
    if finding.part in ("indicator", "source", "block"):
        return read.cell((finding.part, finding.row, finding.field))
    return read.cell((finding.part, finding.field))


def _profile_for(read: ReadTable, fallback: str | None) -> tuple[str, FindingRow | None]:
    """The workbook's own 规则 wins; an unknown one is a finding and the fallback is used. The
    fallback is ``--profile``, else the default profile of the table's form."""
    if fallback is None:
        fallback = get_form(read.form).profile
    declared = read.table.profile
    if declared:
        try:
            return get_profile(declared).id, None
        except PerfError as err:
            used = get_profile(fallback).id
            row = finding_row(read.cell(("rule",)), _unknown_rule(err, declared, used))
            return used, row
    return get_profile(fallback).id, None


def _unknown_rule(err: PerfError, declared: str, used: str) -> Finding:
    return Finding("unreadable", f"{err}；已改用 {used}", declared, None, "rule")


def report_table(read: ReadTable, profile: str | None, file_label: str) -> tuple[TableReport, TableResult]:
    profile_id, rule_problem = _profile_for(read, profile)
    result = evaluate_table(read.table, profile_id, scores_reported=not read.uncalculated)
    if read.uncalculated:   # computed here as the add-in would have (see read.note)
        shown = {cell for cell, _ in read.problems}   # the unit's error values (read as empty)
        scores = [("funds", "score"), *(("indicator", n, "score") for n in range(1, len(read.table.indicators) + 1))]
        errors = [key for key in scores if read.cell(key) in shown]
        result = evaluate_table(as_computed(read.table, result, read.computed, errors, read.outside_total), profile_id)
    findings = [rule_problem] if rule_problem else []
    named = _names_by_cell(read) if read.problems else {}
    findings += [finding_row(cell, Finding("unreadable", message), named.get(cell, "")) for cell, message in read.problems]
    if not read.status:   # a table never filled in is one status (未填写), not a finding per cell
        said = {cell for cell, _ in read.problems}   # an error value's cell: said once, not also 为空
        findings += [finding_row(cell, f.finding, _concerns(read, f)) for f in result.findings if _fits(read, f)
                     if not ((cell := _cell(read, f)) in said and f.finding.kind in _BLANK_KINDS)]
    report = TableReport.of(result, file_label, read.sheet, read.template, findings)
    report.form, report.form_exact, report.status = read.form, read.form_exact, read.status
    report.note, report.total_cell = read.note, read.cell(("total", "score"))
    if ("total", "score") in read.computed:
        report.reported_total = report.reported_grade = None   # the file reports no total: perfbook computed it
    if read.money_unit == "元" and isinstance(report.amount, (int, float)):
        report.amount = report.amount / 10000   # the summary and reports show 万元
    return report, result


_BLANK_KINDS = ("unreadable", "score_missing")   # what the engine says of a cell read as empty


def _names_by_cell(read: ReadTable) -> dict[str, str]:
    """What each cell of the table is about, as :func:`_concerns` names it: an indicator row's
    cells its 三级指标, the funds block's 年度资金总额 (a reading problem there is about it)."""
    named = {cell: FUNDS_TOTAL for key, cell in read.cells.items() if key[0] == "funds" and cell}
    named.update((cell, read.table.indicators[key[1] - 1].level3) for key, cell in read.all_cells().items()
                 if key[0] == "indicator" and cell and key[1] <= len(read.table.indicators))
    return named


def _concerns(read: ReadTable, finding: TableFinding) -> str:
    """The indicator a finding is about: its row's 三级指标, 年度资金总额 for the funds block, the
    source's name for one of its sub-rows, a block's label for the block."""
    if finding.part == "indicator" and isinstance(finding.row, int) and 0 < finding.row <= len(read.table.indicators):
        return read.table.indicators[finding.row - 1].level3
    if finding.part == "funds":
        return FUNDS_TOTAL
    if finding.part == "block":   # its label: 年度绩效目标1（40分）
        return read.table.blocks[finding.row - 1][2]
    return str(finding.row) if finding.part == "source" and finding.row else ""


def _fits(read: ReadTable, finding: TableFinding) -> bool:
    """Whether the table's form has the column a finding asks the unit to fill: no 偏差原因 or
    得分 to fill where the form has no such column (seed 001's 指标体系, a funds block without
    原因 or without 得分); and no finding of a funds block that was not read (the reader said
    why, at its cell: not also 全年预算数为空)."""
    if finding.part in ("funds", "source") and not read.template and not read.funds_columns:
        return False
    if finding.field not in ("reason", "score") or finding.part not in ("indicator", "funds"):
        return True
    return read.has_column(finding.part, finding.field)   # (保山's 预算执行情况（20分）: no 得分 column)


def check_file(path: str, profile: str | None, outdir: str | None, annotated_name: str | None,
               file_label: str) -> list[TableReport] | FileFailure:
    """Read, re-score and annotate one workbook or Word document; never raises for a bad file."""
    return check_files([(path, profile, outdir, annotated_name, file_label)])[0]


class _File:
    """One file on its way through :func:`check_files`; ``failure`` ends the way."""

    def __init__(self, job: tuple):
        self.path, self.profile, self.outdir, self.annotated_name, self.label = job
        self.source = Path(self.path)
        self.format = FORMATS.get(self.source.suffix.lower())
        self.failure: FileFailure | None = None
        self.checked = self.grids = self.reads = self.pairs = None
        self.data: bytes | None = None   # the bytes checked, kept for the copy (never read again by name)


def _check(file: _File) -> None:
    from ..readers.container import check_container

    file.checked = check_container(file.source)
    file.format = file.checked.format


_PATCHED = ("xlsx", "xlsm", "docx", "doc")   # formats whose copy is the file itself marked up (the others': its values)
CONVERTED_DOC = "原文件为旧版 Word 文档（.doc），由 LibreOffice 转换为 .docx 后复核"


def _load(file: _File) -> None:
    from ..readers.source import read_checked  # Word and calamine: not needed inside Excel

    if file.format == "docx" and _written_by_report(file.checked.data):
        raise NotASubmission("perfbook report write 生成的绩效评价报告，不是自评表，已跳过")
    file.grids = read_checked(file.source, file.checked)
    file.data = file.checked.data if file.outdir and file.format in _PATCHED else None
    file.checked = None


def _written_by_report(data: bytes) -> bool:
    """Whether a Word document is a report ``perfbook report write`` wrote (its category
    property, kept when the report is edited in Word): its score table is the recomputed one."""
    import zipfile

    from ..reports import REPORT_CATEGORY

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            core = package.read("docProps/core.xml")
    except (KeyError, zipfile.BadZipFile, ValueError, RuntimeError, OSError):
        return False
    return f"<cp:category>{REPORT_CATEGORY}</cp:category>".encode() in core


class NotASubmission(Exception):
    """A file that reads well but is no submission (perfbook's own summary): said, and counted
    as skipped, not as unreadable."""


@lru_cache(maxsize=1)
def _summary_sheets() -> frozenset[str]:
    from .summary import FIXED_SHEETS

    return frozenset(FIXED_SHEETS)


def _find(file: _File) -> None:
    from .evaluation import evaluation_reports, tables_beside  # 评价指标体系评分表 and yearly budget tables

    if _summary_sheets() <= {grid.name for grid in file.grids}:   # a 复核汇总.xlsx an earlier run wrote
        try:   # unless a unit added its table to the summary it was sent
            file.reads = tables_in([g for g in file.grids if g.name not in _summary_sheets()], file.path)
        except NoTable:
            raise NotASubmission("perfbook 写出的复核汇总，不是自评表，已跳过") from None
        return

    found = evaluation_reports(file.grids, file.path, file.profile, file.label)
    if not found:
        try:
            file.reads = tables_in(file.grids, file.path)
        except NoTable:
            if _is_index(file.grids):
                raise NotASubmission("perfbook batch 生成的模板索引，不是自评表，已跳过") from None
            if _is_project_list(file.grids):
                raise NotASubmission("是项目绩效目标清单，不是自评表，已跳过；审核绩效目标请用 perfbook targets check") from None
            raise
        return
    reads, file.pairs = found
    file.reads = [*reads, *tables_beside(reads, file.grids, file.path)]


def _is_index(grids) -> bool:
    """Whether a workbook is the index ``perfbook batch`` writes beside its templates."""
    from ..forms.batch import INDEX_COLUMNS, INDEX_SHEET

    return any(g.name == INDEX_SHEET and any([str(v or "") for v in row[:len(INDEX_COLUMNS)]] == INDEX_COLUMNS
                                             for row in g.rows[:3]) for g in grids)


def _is_project_list(grids) -> bool:
    """Whether a workbook holds a project list: 项目名称, 三级指标 and 年度指标值 in one header
    row, a row per indicator below: the year's targets, which ``targets check`` reviews, not a
    submission (a table whose 项目名称 row is above its indicator header is no list)."""
    from ..readers.project_list import HEADER_ROWS, PROJECT, header_labels
    from ..readers.tables import cell_texts

    wanted = {PROJECT, form.INDICATOR_FIELDS["level3"], form.INDICATOR_FIELDS["target"]}
    return any(wanted <= set(header_labels(row)) for g in grids for row in cell_texts(g)[:HEADER_ROWS])


def _score(file: _File) -> None:
    """The report of each table read that has none yet (an evaluation form has its own)."""
    done = file.pairs or []
    file.pairs = [*done, *(report_table(read, file.profile, file.label) for read in file.reads[len(done):])]


_AFTER_CHECK = (_load, _find, _score)   # the stages after _check, in order (then _annotate)
_READ_FAILURE = "文件无法读取：读取时出现意外错误，已跳过；请用 Excel 或 WPS 打开后另存为 .xlsx 再试"


def _conversion_time(job: tuple) -> float:
    """Seconds a file may take beyond the guard's: a .doc's conversion by LibreOffice (a chunk
    of them had overrun the guard's time, been killed and done again one by one)."""
    from ..readers.word97 import TIMEOUT

    return TIMEOUT if Path(job[0]).suffix.lower() == ".doc" else 0.0


def _step(step: Callable[[_File], None], file: _File, alone: bool) -> None:
    """``step`` for one file; a problem becomes that file's failure (a broken file never stops
    the others, and no library text reaches the user). Memory running out while other files of
    a chunk are held is not this file's fault: unless the file is ``alone``, the MemoryError goes
    on, and the guard checks the chunk again file by file."""
    try:
        step(file)
    except OutOfMemory as err:
        if not alone:
            raise MemoryError from None
        file.failure = FileFailure(file.label, f"文件无法读取：{err}", file.format)
    except (UnreadableFile, NoTable) as err:
        file.failure = FileFailure(file.label, f"文件无法读取：{err}", file.format)
    except NotASubmission as err:
        file.failure = FileFailure(file.label, f"未读取：{err}", file.format, skipped=True)
    except MemoryError:
        if not alone:
            raise
        file.failure = FileFailure(file.label, "文件无法读取：读取所需内存超过上限（数据区域过大），已跳过", file.format)
    except Exception:
        if debugging():
            raise
        file.failure = FileFailure(file.label, _READ_FAILURE, file.format, trace=traceback.format_exc())


def _finish(file: _File, alone: bool) -> list[TableReport] | FileFailure:
    """A checked file through its remaining stages to its outcome, its grids and tables let go."""
    for step in _AFTER_CHECK:
        if file.failure is None:
            _step(step, file, alone)
    outcome = file.failure or _annotate(file, alone)
    file.checked = file.grids = file.reads = file.pairs = file.data = None
    return outcome


def _annotate(file: _File, alone: bool) -> list[TableReport]:
    reports = [report for report, _ in file.pairs]
    for report in reports:
        report.format = file.format
        if file.format == "doc":
            report.note = "；".join(filter(None, (report.note, CONVERTED_DOC)))
    if file.outdir and file.annotated_name:
        from .copies import write_copy  # openpyxl, python-docx: not needed inside Excel
        from .outputs import copy_name

        target = Path(file.outdir) / copy_name(file.annotated_name, file.format)
        try:
            written = write_copy(file.data, file.format, file.grids, target, file.reads, file.pairs)
        except MemoryError:
            if not alone:
                raise   # see _step
            for report in reports:
                report.annotation_error = "复核副本无法写出（所需内存超过上限），复核结果见汇总表"
        except Exception as err:  # the findings stand even when the copy cannot be written
            why = os_reason(err) if isinstance(err, OSError) else str(err) if type(err).__name__ == "AnnotationError" else None
            if why is None and debugging():
                raise
            for report in reports:
                report.annotation_error = f"复核副本无法写出（{why or '文件结构特殊，无法在副本中标注'}），复核结果见汇总表"
                report.trace = "" if why else traceback.format_exc()
        else:
            for report in reports:
                report.annotated = written.name
    return reports


# A file this large (its bytes) goes through all its stages as soon as it is checked, so that a
# chunk never holds more than a few megabytes of other files' bytes and cells at once.
LARGE = 1 << 20


def check_files(jobs: list[tuple]) -> list[list[TableReport] | FileFailure]:
    """:func:`check_file` for each job (its arguments), stage by stage: every file's container
    checked, then every file loaded, its tables found, scored, and its copy written. The work and
    the results are those of :func:`check_file` on each file; running one stage over a chunk of
    files keeps that stage's code hot in the processor's caches, which makes a chunk of 64 about
    a sixth faster than 64 files one after the other (``make bench``). A file over :data:`LARGE`
    is finished on its own at once; memory running out in a chunk is raised (see :func:`_step`)."""
    files = [_File(job) for job in jobs]
    alone = len(files) == 1
    outcomes: dict[int, list[TableReport] | FileFailure] = {}
    staged = []
    for number, file in enumerate(files):
        _step(_check, file, alone)
        if file.failure is None and len(file.checked.data) > LARGE:
            outcomes[number] = _finish(file, alone)
        else:
            staged.append((number, file))
    for step in _AFTER_CHECK:
        for _, file in staged:
            if file.failure is None:
                _step(step, file, alone)
    for number, file in staged:
        outcomes[number] = file.failure or _annotate(file, alone)
        file.data = None   # (its copy written: the next one's bytes only)
    return [outcomes[number] for number in range(len(files))]


def _copy_stems(found: list[Path], labels: list[str]) -> list[str]:
    """Stems of the annotated copies: the original's stem, with its format where originals of
    different formats share a stem (表26.xls and 表26.ods give 表26（xls）_复核 and 表26（ods）_复核),
    and with the folder (or archive) it was found in where originals in several share a name
    (单位A/自评表.xlsx and 单位B/自评表.xlsx give 单位A_自评表_复核 and 单位B_自评表_复核); any
    still alike are numbered by :func:`~workbook_builder.files.unique_names`."""
    stems = [output_stem(p.stem, 60) for p in found]
    formats: dict[str, set[str]] = {}
    for stem, p in zip(stems, found):
        formats.setdefault(stem.lower(), set()).add(p.suffix.lower())
    mixed = {stem for stem, suffixes in formats.items() if len(suffixes) > 1}   # (one format: numbered instead)
    shared = Counter((stem.lower(), p.suffix.lower()) for stem, p in zip(stems, found))
    out = []
    for stem, p, label in zip(stems, found, labels):
        where = PurePosixPath(label).parent.name if shared[stem.lower(), p.suffix.lower()] > 1 else ""
        where = safe_stem(PurePosixPath(where).stem, 30) + "_" if where else ""   # (a label: shown already)
        tail = f"（{p.suffix.lstrip('.').lower()}）_复核" if stem.lower() in mixed and p.suffix else "_复核"
        room = COPY_STEM_BYTES - len(f"{where}{tail}".encode("utf-8", "surrogateescape"))
        out.append(f"{where}{fit_bytes(stem, room)}{tail}")
    return out


# bytes of a copy's stem: with （12）and .xlsx, under the 255 a name may have on Linux and macOS
# (60 Chinese characters of the original's name and 30 of its folder's had made 285)
COPY_STEM_BYTES = 230


OUTPUT_FOLDER = "位于输出目录中（本工具写出的复核副本和汇总所在处），未复核"
EARLIER_COPY = "是本工具此前写出的复核副本（同一文件夹中的复核汇总.xlsx 列出了它），已跳过"
SAME_FILE = "是同一个文件（链接），只复核一次"   # a second link to a file read: skipped, not unreadable
LINK_OUT = "是指向所选文件夹以外的文件夹链接"   # a folder link out of the folder walked: skipped, not unreadable
MISSING, NO_MATCH, EMPTY_PATH = "文件不存在", "没有与之匹配的文件", "路径为空"   # paths named that lead to nothing
LINK_AGAIN = "是指向已读取文件夹的链接（重复或循环），未再次进入"   # skipped, not unreadable


def _real(path: Path) -> str:
    try:
        return os.path.realpath(path)
    except (OSError, RuntimeError, ValueError):
        return os.path.abspath(path)


def named_directly(path: Path, paths: list[str]) -> bool:
    """Whether ``path`` was named on the command line itself (a .pdf given by name is a file the
    user meant to have read, not one passed over in a folder)."""
    return any(os.path.isfile(named) and Path(named).absolute() == path.absolute() for named in paths)


def passed_by_rule(path: Path, reason: str) -> bool:
    """Whether a path :func:`collect` gives with ``reason`` was passed over by rule (a lock file, a
    file that is no table, an earlier output, a second link to a file read), not one the user
    meant that could not be read (a file that does not exist, a pattern matching nothing, a folder
    that cannot be opened)."""
    not_tables = (OUTPUT_FOLDER, EARLIER_COPY, EARLIER_REVIEW, EARLIER_SUMMARY, archive.MAC_FILES.format(""),
                  archive.LOCK_FILE, archive.skip_reason(path.name))
    return reason in not_tables or reason == LINK_AGAIN or reason.endswith(SAME_FILE) or reason.startswith(LINK_OUT)


def _walk(folder: Path, found: list[Path], skipped: list[tuple[Path, str]], archives: bool = False) -> None:
    """Every file under ``folder``, folder by folder in name order, each folder's files before
    its subfolders; symbolic links to folders within it are followed after every folder that is
    no link (a folder is read by its own path, not by a link to it that sorts first), each real
    folder once, never in a loop; a link out of it is listed, not followed (a link to / had read
    the whole machine); an unreadable subfolder is reported, not skipped silently, and so is
    macOS's __MACOSX folder, as one line. Walked with a list of folders to visit, not by
    recursion: a tree 1,000 folders deep (a hostile probe's) stopped Python 3.11's os.walk with a
    RecursionError."""
    from .outputs import earlier_copies
    from .summary import SUMMARY_NAME

    root = _real(folder)
    seen = {root}
    waiting = [(folder, root)]   # (folder, its real path)
    links: deque[tuple[Path, str]] = deque()   # (link to a folder within, its real path), followed last
    while waiting or links:
        if not waiting:
            path, real = links.popleft()
            if real in seen:
                skipped.append((path, LINK_AGAIN))
            else:
                seen.add(real)
                waiting.append((path, real))
            continue
        top, top_real = waiting.pop()
        try:
            with os.scandir(top) as entries:
                listed = [(entry.name, _is_folder(entry), _is_link(entry)) for entry in entries]
        except OSError as err:
            skipped.append((Path(err.filename or top), f"无法读取文件夹（{os_reason(err)}）"))
            continue
        subfolders = []
        for name, _, link in sorted(entry for entry in listed if entry[1]):
            path = top / name
            # (a folder that is no link is where its parent really is: realpath of a path n folders
            # deep looks at each of them, n² looks for a tree n deep)
            real = _real(path) if link else os.path.join(top_real, name)
            if name == archive.MAC_FOLDER:
                skipped.append((path, archive.MAC_FILES.format("")))
            elif real in seen:
                skipped.append((path, LINK_AGAIN))
            elif not real.startswith(os.path.join(root, "")):   # a link out of the folder given
                skipped.append((path, f"{LINK_OUT}（{shown_path(real)}），未进入；如需复核，请直接给出该文件夹"))
            elif link:
                links.append((path, real))
            else:
                seen.add(real)
                subfolders.append((path, real))
        files = sorted(name for name, is_folder, _ in listed if not is_folder)
        # an earlier run's outputs in this folder: name -> why it is passed over (recalc's summary is
        # said when read: NotASubmission; targets check's is no list and no table)
        earlier = dict.fromkeys((earlier_copies(top) or set()) if SUMMARY_NAME in files else (), EARLIER_COPY)
        listed = earlier_copies(top, REVIEW_SUMMARY, "审核副本") if REVIEW_SUMMARY in files else None
        if listed is not None:
            earlier.update(dict.fromkeys(listed, EARLIER_REVIEW), **{REVIEW_SUMMARY: EARLIER_SUMMARY})
        for name in files:
            path = top / name
            reason = archive.skip_reason(path.name, archives, _lock_size(path)) or earlier.get(name, "")
            if reason:
                skipped.append((path, reason))
            else:
                found.append(path)
        waiting.extend(reversed(subfolders))


REVIEW_SUMMARY = "目标审核汇总.xlsx"   # targets check's summary (targets.run.SUMMARY_NAME: not imported by workers)
EARLIER_REVIEW = "是本工具此前写出的审核副本（同一文件夹中的目标审核汇总.xlsx 列出了它），已跳过"
EARLIER_SUMMARY = "是本工具此前写出的汇总表，已跳过"


def _lock_size(path: Path) -> int | None:
    """The size of a file named as a lock (~$…), which tells a lock from a table named so; None
    for other names (not looked at) or when it cannot be looked at."""
    if not path.name.startswith("~$"):
        return None
    try:
        return path.stat().st_size
    except OSError:
        return None


def _is_link(entry: os.DirEntry) -> bool:
    """Whether a folder entry is a symbolic link (one that cannot be looked at is taken for one:
    its real path is then asked for)."""
    try:
        return entry.is_symlink()
    except OSError:
        return True


def _is_folder(entry: os.DirEntry) -> bool:
    """Whether a folder entry is a folder (or a link to one), as os.walk tells: one that cannot
    be looked at is taken for a file (and reported when it is read)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def collect(paths: list[str], reals: dict[Path, str] | None = None,
            archives: bool = False) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files named by ``paths`` (files, folders walked recursively, glob patterns) and every
    path that is not read, with the reason (missing, unreadable folder, lock file, not a table
    file). A named file is read whatever its suffix (its format is told by its content), but for
    one that never holds a table (a lock file, a PDF: :func:`~..readers.archive.not_read`); a path
    that exists is taken as it is even when it contains glob characters (``表[1].xlsx``).
    A file named twice (however its path is spelled) is read once; a second link to it (symbolic
    or hard) is listed as skipped, with the first.
    ``reals``, when given, gets each file's real path; with ``archives``, .zip archives found in
    folders are among the files."""
    found: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        if not raw:   # ("" is no path; Path("") is the current folder, which was then read whole)
            skipped.append((Path('""'), EMPTY_PATH))
            continue
        if os.path.lexists(path) or not glob.has_magic(raw):
            matches = [path]
        else:
            matches = [Path(p) for p in sorted(glob.glob(raw, recursive=True))]
            if not matches:
                skipped.append((path, NO_MATCH))
        for match in matches:
            try:
                is_dir = match.is_dir()
                exists = os.path.lexists(match)
            except OSError as err:
                skipped.append((match, f"无法访问（{os_reason(err)}）"))
                continue
            if is_dir:
                _walk(match, found, skipped, archives)
            elif not exists:
                skipped.append((match, MISSING))
            elif (reason := archive.not_read(match.name, _lock_size(match))) or match.name.startswith(".~lock."):
                skipped.append((match, reason or archive.LOCK_FILE))   # a lock file, a PDF …: never a table
            else:
                found.append(match)
    unique = []
    seen: dict[object, Path] = {}
    for path in found:
        real = _real(path)
        try:   # the file itself: a symbolic or a hard link to one already found is that file
            info = os.stat(path)
            key: object = (info.st_dev, info.st_ino) if info.st_ino else real
        except OSError:
            key = real
        first = seen.get(key)
        if first is None:
            seen[key] = path
            unique.append(path)
            if reals is not None:
                reals[path] = real
        elif os.path.abspath(path) != os.path.abspath(first):   # another link to a file already read: read once
            if os.path.islink(first) and not os.path.islink(path):   # by its own name, not a link's
                seen[key] = unique[unique.index(first)] = path
                if reals is not None:
                    reals[path] = reals.pop(first)
                first, path = path, first
            skipped.append((path, f"与 {shown_path(str(first))} {SAME_FILE}"))
        # (the same path spelled another way, d/a.xlsx and /abs/d/a.xlsx or d/x/../a.xlsx: named twice)
    return unique, skipped


def _failure(job: tuple, reason: str) -> FileFailure:
    from .guard import UNEXPECTED

    path, label = job[0], job[4]
    advice = "；请用 Excel 或 WPS 打开后另存为 .xlsx 再试" if reason == UNEXPECTED else ""
    return FileFailure(label, f"文件无法读取：{reason}{advice}", FORMATS.get(Path(path).suffix.lower()))


Outcome = list[TableReport] | FileFailure


def run(jobs: list[tuple], workers: int, progress: Callable[[int], object] | None = None,
        each: Callable[[int, Outcome], object] | None = None) -> tuple[dict[int, Outcome], bool]:
    """Check every job (arguments of :func:`check_file`) on ``workers`` guarded processes
    (:mod:`.guard`): a file that crashes, aborts, hangs or exhausts memory becomes its failure.
    Returns the outcomes by job index and whether the run was complete: on Ctrl+C the jobs not
    started are dropped, those running finish, and every outcome done is returned. ``each(index,
    outcome)`` is called as each outcome comes in (in the order the files finish)."""
    from .guard import run_guarded

    done: dict[int, Outcome] = {}
    if debugging():   # one process, so that an unexpected error stops the run with its traceback
        outcomes = enumerate(check_files(jobs))
    else:
        outcomes = run_guarded(check_file, jobs, workers, _failure, batch=check_files, name=lambda job: job[4],
                               extra=_conversion_time)
    try:
        for index, outcome in outcomes:
            done[index] = outcome
            if each:
                each(index, outcome)
            if progress:
                progress(1)
    except KeyboardInterrupt:
        return done, False
    return done, True


class _Streamed:
    """Feeds a :class:`.summary.SummaryStream` in job order while the run goes on (the summary's
    rows are written while the workers read, instead of after them). If writing fails, the
    error is logged and the summary is written again at the end, after the JSON."""

    def __init__(self, stream, firsts: dict) -> None:
        self.stream, self.ready, self.next, self.firsts = stream, {}, 0, firsts

    def __call__(self, index: int, outcome: Outcome) -> None:
        self.ready[index] = outcome
        while self.stream is not None and self.next in self.ready:
            outcome = self.ready.pop(self.next)
            self.next += 1
            if isinstance(outcome, FileFailure):
                continue
            try:
                for report in outcome:
                    mark_repeat(report, self.firsts)   # (before its row is written)
                    self.stream.add(report)
            except Exception as err:
                if debugging():
                    raise
                if isinstance(err, OSError):   # the machine's (a full disk): said, not a bug's traceback
                    logger.warning("写汇总表的临时文件失败（%s），将在复核结束后重写", os_reason(err))
                else:
                    logger.exception("写汇总表时出现意外错误，将在复核结束后重写")
                self.stream.discard()
                self.stream = None


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _label(path: Path, folders: list[Path]) -> str:
    """How a file is shown: relative to the parent of the folder given on the command line that
    holds it (``收到的自评表/单位A/表1.xlsx``), or its name when it was named itself; a name that
    is not valid UTF-8 decoded as GBK (and said so) or its bytes escaped, control characters
    escaped (:func:`~workbook_builder.files.shown_path`); the JSON's ``uri`` names the file exactly.
    A file in an archive is shown by the archive's label and its path in it (``收到.zip/单位A/表1.xlsx``)."""
    absolute = str(path.absolute())
    text = path.name
    for folder in folders:
        if absolute.startswith(os.path.join(str(folder), "")):   # inside the folder (a string test: fast)
            text = Path(absolute[len(os.path.join(str(folder.parent), "")):]).as_posix()
            break
    return shown_path(text)


def _uri(path: Path) -> str:
    """The file's exact path as a ``file:`` URI (bytes that are not UTF-8 percent-encoded): what
    the JSON keeps so that every shown name maps back to its file."""
    try:
        return path.absolute().as_uri()
    except ValueError:
        return ""


def _collect_outcomes(result: RecalcResult, done: dict[int, Outcome]) -> None:
    """The outcomes into ``result`` in job order, each with its file's URI; an unexpected error
    caught in a worker logged with its traceback."""
    uris = {label: _uri(p) for label, p in result.sources.items()}
    for index in sorted(done):
        outcome = done[index]
        for item in [outcome] if isinstance(outcome, FileFailure) else outcome:
            item.uri, item.member = uris.get(item.file, ""), result.members.get(item.file, "")
            if item.trace:
                logger.error("意外错误（%s）：\n%s", item.file, item.trace)
        if isinstance(outcome, FileFailure):
            result.failures.append(outcome)
        else:
            for report in outcome:   # (those the stream did not reach: past a gap Ctrl+C left, or a failed stream)
                mark_repeat(report, result.firsts)
            result.reports.extend(outcome)


@dataclass
class _Input:
    """A file to read: one on disk, or one unpacked from an archive (``source``) at ``member``."""

    path: Path
    label: str
    source: Path
    member: str = ""


def _inputs(found: list[Path], archives: list[Path], labels: dict[Path, str], into: str,
            taken: set[str]) -> tuple[list[_Input], list[FileFailure], bool]:
    """The files to read, the .zip ``archives`` among ``found`` unpacked into ``into`` (in a
    guarded worker: see :mod:`..readers.archive`); a failure for every archive that cannot be
    opened and every file in one that is not read; and whether Ctrl+C stopped the unpacking
    (then nothing is read). A file in an archive is shown by the archive's label (``labels``)
    and its path in it, numbered if another file already has that label (``taken``: a folder
    named 收到.zip)."""
    try:
        unpacked = dict(zip(archives, unpack_archives(archives, into))) if archives else {}
    except KeyboardInterrupt:
        return [], [], True
    inputs, passed = [], []
    for path in found:
        outcome, label, uri = unpacked.get(path), labels[path], _uri(path)
        if isinstance(outcome, (UnreadableFile, UserError)):
            if getattr(outcome, "trace", ""):
                logger.error("意外错误（%s）：\n%s", label, outcome.trace)
            passed.append(FileFailure(label, f"压缩包无法读取：{outcome}", "zip", uri=uri))
        elif outcome is None or outcome.as_file:   # a file, or a workbook named .zip
            inputs.append(_Input(path, label, path))
        else:
            inputs += [_Input(Path(member.path), numbered(f"{label}/{member.name}", taken), path, member.entry)
                       for member in outcome.members]
            passed += [FileFailure(numbered(f"{label}/{name}", taken) if name else label,
                                   reason if not skipped else f"未读取：{reason}",
                                   _format_of(name), skipped=skipped, uri=uri, member=entry)
                       for name, reason, skipped, entry in outcome.passed]
    return inputs, passed, False


def _format_of(name: str) -> str | None:
    return "zip" if archive.is_archive(name) else FORMATS.get(Path(name).suffix.lower())


def unpack_archives(archives: list[Path], into: str) -> list:
    """:func:`~..readers.archive.unpack_all` in one guarded worker; if that worker dies or
    overruns, each archive in a worker of its own (the counts carried over), so that only the
    culprit fails."""
    from .guard import GuardedFailure, call_guarded

    try:
        return call_guarded(archive.unpack_all, ([str(a) for a in archives], into))
    except GuardedFailure as err:
        if len(archives) == 1:   # the culprit is known
            return [err]
    outcomes, entries, size = [], 0, 0
    for path in archives:
        try:
            [outcome] = call_guarded(archive.unpack_all, ([str(path)], into, entries, size))
        except GuardedFailure as err:
            outcome = err
        if isinstance(outcome, archive.Unpacked):
            entries, size = outcome.entries, outcome.size
        outcomes.append(outcome)
    return outcomes


def _labels(found: list[Path], folders: list[Path]) -> list[str]:
    """Each file's :func:`_label`; files that would share one (两个文件夹中的 自评表.zip named
    on the command line) are shown by their path as given (and numbered by
    :func:`~workbook_builder.files.numbered` if even that is shared)."""
    labels = [_label(p, folders) for p in found]
    counts = Counter(labels)
    return [shown_path(str(p)) if counts[label] > 1 else label for p, label in zip(found, labels)]


def recalc(paths: list[str], outdir: str | Path, profile: str | None = None,
           json_path: str | Path | None = None, jobs: int | None = None,
           progress: Callable[[int], object] | None = None,
           on_start: Callable[[int], object] | None = None, copies: bool = True,
           on_unpack: Callable[[int], object] | None = None) -> RecalcResult:
    """Recalculate every workbook named by ``paths`` into ``outdir``: annotated copies (unless
    ``copies`` is false), the summary workbook and (with ``json_path``) the JSON. ``on_unpack(n)``
    is told how many .zip archives are being unpacked (before it, when there are any),
    ``on_start(n)`` how many files were found, ``progress(1)`` after each one. On Ctrl+C the summary and
    the JSON are written for the files done, with ``partial`` set."""
    from .outputs import carried_copies, copy_name, earlier_outputs, refuse_writing_over   # (the main process's: workers import this module too)
    from .summary import SUMMARY_NAME

    get_profile(profile)  # an unknown profile is a usage error, before any work
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise RecalcError(f"输出目录 {outdir} 是一个文件")
    refuse_output_around(paths, outdir, RecalcError)
    inside = _real(outdir)
    reals: dict[Path, str] = {}
    found, skipped = collect(paths, reals, archives=True)
    folders = [Path(p).absolute() for p in paths if Path(p).is_dir()]
    outputs = {p for p in found if reals[p].startswith(inside + os.sep)}   # a previous run's, or put there
    refuse_overwrites(found, reals, folders, outdir, json_path, RecalcError)
    earlier = earlier_outputs(outdir)
    theirs = [p.name for p in found if p in outputs and not (os.path.dirname(reals[p]) == inside and p.name in earlier)]
    if theirs:
        raise RecalcError(f"输出目录 {shown_path(str(outdir))} 在要复核的文件夹中，其中有不是本工具上次写出的文件（"
                          f"{some_of(theirs)}）：它们不会被复核，还可能被复核副本覆盖；请另选输出目录，或把这些文件移出")
    skipped = [(p, OUTPUT_FOLDER if r == EARLIER_COPY and _real(p).startswith(inside + os.sep) else r)
               for p, r in skipped]   # (an earlier run's copy in this run's output folder: said as the folder's)
    skipped += [(p, OUTPUT_FOLDER) for p in found if p in outputs]
    found = [p for p in found if p not in outputs]
    if not found and not skipped:
        raise RecalcError("没有找到要复核的文件（.xlsx/.xlsm/.xls/.xlsb/.ods/.et/.docx/.doc，或装有它们的 .zip）：" + "、".join(paths))
    if not found and all(reason in (MISSING, NO_MATCH, EMPTY_PATH) for _, reason in skipped):
        raise RecalcError("没有找到要复核的文件：" + "、".join(f"{p}（{r}）" for p, r in skipped))
    _writable(outdir)
    if json_path and not special_file(json_path):   # (a pipe or a device is written into)
        _writable(Path(os.path.realpath(json_path)).parent, f"--json 的路径 {shown_path(str(json_path))}")
    read = set(found)
    skipped = list(dict.fromkeys((p, r) for p, r in skipped if p not in read))   # (each path once)
    taken: set[str] = Taken()
    everything = list(dict.fromkeys([*found, *(p for p, _ in skipped)]))
    labels = {path: numbered(label, taken) for path, label in zip(everything, _labels(everything, folders))}
    scratch, previous, targets, started = None, tempfile.tempdir, [], time.time()
    try:
        # the run's temporary files (unpacked archives; the workers' and the summary's own) in one
        # folder, removed at the end, also after Ctrl+C or kill (workers killed inside a copy)
        scratch = tempfile.tempdir = tempfile.mkdtemp(prefix="perfbook-run-")
        archives = [p for p in found if archive.is_archive(p)]
        if archives and on_unpack:
            on_unpack(len(archives))
        inputs, passed, interrupted = _inputs(found, archives, labels, scratch, taken)
        if on_start:
            on_start(len(inputs))
        names = unique_names(_copy_stems([Path(i.member) if i.member else i.path for i in inputs],
                                         [i.label for i in inputs]), ".xlsx")
        targets = [SUMMARY_NAME, *(copy_name(n, FORMATS.get(Path(i.member or i.path).suffix.lower(), ""))
                                   for i, n in zip(inputs, names) if copies)]
        refuse_writing_over(outdir, targets, earlier, RecalcError)
        if json_path and _real(Path(json_path)) in {_real(outdir / name) for name in targets}:
            raise RecalcError(f"--json 的路径 {shown_path(str(json_path))} 与本次写出的复核汇总或复核副本同名，"
                              "会互相覆盖：请另选 --json 的路径")
        work = [(str(i.path), profile, str(outdir) if copies else None, n, i.label) for i, n in zip(inputs, names)]
        result = RecalcResult(files=len(inputs) + len(passed) + len(skipped), partial=interrupted,
                              sources={i.label: i.source for i in inputs},
                              members={i.label: i.member for i in inputs if i.member},
                              carried=carried_copies(earlier, SUMMARY_NAME, targets), expected=(targets[1:], started))
        result.failures.extend(FileFailure(labels[p], f"未读取：{reason}", FORMATS.get(p.suffix.lower()),
                                           skipped=passed_by_rule(p, reason) and not named_directly(p, paths), uri=_uri(p))
                               for p, reason in skipped)
        result.failures.extend(passed)
        return _run(result, work, outdir, json_path, jobs, progress)
    finally:
        tempfile.tempdir = previous
        if scratch:
            _remove_folder(scratch)
        remove_temporaries(outdir, targets, started)   # (a copy whose worker was stopped mid-write)


def refuse_output_around(paths: list[str], outdir: Path, error: type[UserError], work: str = "复核") -> None:
    """Stop before any work when the output folder is a folder to be read, or holds one: the
    copies and the summary would be mixed with the originals (and skipped as outputs)."""
    inside = _real(outdir)
    for path in paths:
        if os.path.isdir(path) and os.path.join(_real(Path(path)), "").startswith(inside + os.sep):
            raise error(f"输出目录 {shown_path(str(outdir))} 是要{work}的文件夹 {shown_path(path)} 本身或其上级，"
                        f"{work}副本会与原文件混在一起：请另选输出目录")


def refuse_overwrites(found: list[Path], reals: dict[Path, str], folders: list[Path], outdir: Path,
                      json_path: str | Path | None, error: type[UserError]) -> None:
    """Stop before any work when an output could land on a user's file: ``--json`` naming a file
    to be read, or an existing file that is not JSON; a file named on the command line (not found
    by walking one of ``folders``) inside the output folder, where the copies and the summary go
    (as the output folder being a folder to read is refused)."""
    if json_path:
        refuse_json_over(json_path, reals.values(), error)
    inside = os.path.join(_real(outdir), "")
    walked = [os.path.join(str(f), "") for f in folders]
    for path in found:
        if reals[path].startswith(inside) and not str(path.absolute()).startswith(tuple(walked)):
            raise error(f"要读取的文件 {shown_path(str(path))} 在输出目录 {shown_path(str(outdir))} 中，"
                        "复核副本和汇总会与原文件混在一起：请另选输出目录")


def refuse_json_over(json_path: str | Path, reads, error: type[UserError]) -> None:
    """Stop before any work when ``--json`` would replace a user's file: one of the files to be
    read (their real paths, ``reads``), or an existing file that is not JSON (an existing JSON is
    an earlier run's), also through a link. A device or a pipe (``--json >(jq .)``) is written
    into (see :func:`..files.atomic_save`)."""
    target = _real(Path(json_path))
    if any(real == target for real in reads):
        raise error(f"--json 的路径 {shown_path(str(json_path))} 是要读取的文件之一，写 JSON 会覆盖它："
                    "请另选 --json 的路径")
    if os.path.isfile(json_path) and not _looks_like_json(Path(json_path)):
        raise error(f"--json 的路径 {shown_path(str(json_path))} 已有一个不是 JSON 的文件，写 JSON 会覆盖它："
                    "请另选 --json 的路径")


def _looks_like_json(path: Path) -> bool:
    """Whether ``path`` starts like a JSON text (what an earlier ``--json`` wrote), or is empty."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return True   # cannot be read: writing it will say why
    return not start or start[:1] in (b"{", b"[")


def _remove_folder(path: str) -> None:
    """Remove a temporary folder; what cannot be removed is logged (and left)."""
    def failed(function, name, info) -> None:
        logger.warning("临时文件 %s 无法删除", name, exc_info=info)

    shutil.rmtree(path, onerror=failed)


def _run(result: RecalcResult, work: list[tuple], outdir: Path, json_path: str | Path | None, jobs: int | None,
         progress: Callable[[int], object] | None) -> RecalcResult:
    """The files of ``work`` checked, then the JSON and the summary written (see :func:`recalc`)."""
    from .outputs import keep_edited, unlisted_copies
    from .summary import SUMMARY_NAME, SummaryStream, write_summary

    stream = SummaryStream(result, outdir / SUMMARY_NAME)
    streamed = _Streamed(stream, result.firsts)
    try:
        done, complete = run(work, jobs or default_workers(), progress, streamed)
        result.partial = result.partial or not complete   # (partial already: stopped while unpacking)
        _collect_outcomes(result, done)
        with finishing() as held:   # a stop now comes after both files, so neither is left unwritten
            failed = None
            try:
                result.summary_kept = keep_edited(outdir / SUMMARY_NAME)   # (a reviewer's notes: kept, not written over)
                if streamed.stream is not None and not result.partial:
                    result.summary_path = stream.finish(result)
                else:   # a partial run opens with a 说明 sheet; a stream that failed is written again
                    stream.discard()
                    if result.partial:   # (a copy a worker wrote just before the stop: listed, for the next run)
                        names, started = result.expected
                        result.carried += unlisted_copies(outdir, names, {r.annotated for r in result.reports}, started)
                    result.summary_path = write_summary(result, outdir / SUMMARY_NAME)
            except Exception as err:   # the JSON is written still, saying why there is no summary
                failed = err
                result.summary_error = f"{SUMMARY_NAME} 无法写出（{os_reason(err) if isinstance(err, OSError) else '意外错误'}）"
            if json_path:
                text = result.to_json()
                try:
                    result.json_path = atomic_save(lambda tmp: Path(tmp).write_text(text, encoding="utf-8"), json_path)
                except OSError as err:   # (the summary stands when the JSON cannot be written)
                    failed = failed or err
            if failed is not None:
                raise failed
        result.stopped = held[0] if held else None
    finally:
        stream.discard()   # nothing left after finish; after an error, its temporary files
    return result


@contextlib.contextmanager
def finishing():
    """Ctrl+C, SIGTERM or SIGHUP while the outputs are written are held until both are written,
    and yielded (the list of the signal's number): the work is done, so the caller says the stop
    and ends as the signal asks (the CLI: 128 + its number); a stop never leaves the JSON without
    the summary. A second one ends the process at once. Only the main thread can hold signals."""
    import signal

    numbers = [getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]
    if threading.current_thread() is not threading.main_thread():
        numbers = []
    held: list[int] = []

    def hold(number: int, frame) -> None:
        if held:   # the second: the default action, now
            signal.signal(number, signal.SIG_DFL)
            os.kill(os.getpid(), number)
        held.append(number)

    before = {}
    try:   # (each handler put back, even if a signal comes while they are being set)
        for number in numbers:
            before[number] = signal.signal(number, hold)
        yield held
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


def _writable(outdir: Path, what: str = "") -> None:
    """Make the output folder (or the folder of ``what``: the JSON), and make sure a file can be
    written in it, before any work."""
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=outdir):
            pass
    except OSError as err:
        raise RecalcError(f"{what or '输出目录 ' + shown_path(str(outdir))} 无法写入（{os_reason(err)}）") from None
