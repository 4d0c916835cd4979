"""Recalculating submitted workbooks: every table re-scored, every difference located and explained.

:func:`recalc` runs a whole batch and returns a :class:`RecalcResult`. :func:`check_file` does all
the work for one file (read, re-score, write the annotated copy) and returns plain, picklable
results, so a batch can run on several processes; a file that cannot be read becomes one
:class:`FileFailure` and the batch goes on.
"""

from __future__ import annotations

import glob
import json
import os
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from addin.engine import PerfError, TableFinding, TableResult, UserError, evaluate_table, get_profile
from addin.engine.findings import Finding

from ..files import atomic_save, safe_stem, unique_names
from ..readers.container import SUFFIXES, UnreadableFile, read_grids
from ..readers.tables import NoTable, ReadTable, tables_in
from .result import FileFailure, FindingRow, RecalcResult, TableReport, finding_row


class RecalcError(UserError):
    """A recalculation that cannot start (no input files, an output path that is a file)."""


def _cell(read: ReadTable, finding: TableFinding) -> str:
    if finding.part == "indicator":
        return read.cells.get(("indicator", finding.row, finding.field), "")
    return read.cells.get((finding.part, finding.field), "")


def _profile_for(read: ReadTable, fallback: str | None) -> tuple[str, FindingRow | None]:
    """The workbook's own 规则 wins; an unknown one is a finding and the fallback is used."""
    declared = read.table.profile
    if declared:
        try:
            return get_profile(declared).id, None
        except PerfError as err:
            used = get_profile(fallback).id
            row = finding_row(read.cells.get(("rule",), ""), _unknown_rule(err, declared, used))
            return used, row
    return get_profile(fallback).id, None


def _unknown_rule(err: PerfError, declared: str, used: str) -> Finding:
    return Finding("unreadable", f"{err}；已改用 {used}", declared, None, "rule")


def report_table(read: ReadTable, profile: str | None, file_label: str) -> tuple[TableReport, TableResult]:
    profile_id, rule_problem = _profile_for(read, profile)
    result = evaluate_table(read.table, profile_id, scores_reported=not read.uncalculated)
    findings = [rule_problem] if rule_problem else []
    findings += [finding_row(cell, Finding("unreadable", message)) for cell, message in read.problems]
    findings += [finding_row(_cell(read, f), f.finding) for f in result.findings]
    return TableReport.of(result, file_label, read.sheet, read.template, findings), result


def check_file(path: str, profile: str | None, outdir: str | None, annotated_name: str | None,
               file_label: str) -> list[TableReport] | FileFailure:
    """Read, re-score and annotate one workbook; never raises for a bad file."""
    try:
        from .evaluation import evaluation_reports  # 评价指标体系评分表 and yearly budget tables

        grids = read_grids(path)
        found = evaluation_reports(grids, path, profile, file_label)
        if found:
            reads, pairs = found
        else:
            reads = tables_in(grids, path)
            pairs = [report_table(read, profile, file_label) for read in reads]
    except (UnreadableFile, NoTable) as err:
        return FileFailure(file_label, f"文件无法读取：{err}")
    except Exception as err:  # a broken workbook must never stop a batch
        return FileFailure(file_label, f"文件无法读取：{type(err).__name__}: {str(err)[:200]}")
    reports = [report for report, _ in pairs]
    if outdir and annotated_name:
        from .annotate import write_annotated  # openpyxl: not needed to review inside Excel

        try:
            write_annotated(path, Path(outdir) / annotated_name, reads, pairs)
        except Exception as err:  # the findings stand even when the copy cannot be written
            for report in reports:
                report.annotation_error = f"复核副本无法写出：{type(err).__name__}: {str(err)[:200]}"
        else:
            for report in reports:
                report.annotated = annotated_name
    return reports


def collect(paths: list[str]) -> list[Path]:
    """Workbook files named by ``paths``: files, folders (recursively) and glob patterns.
    Excel's lock files (``~$…``) are skipped; duplicates are listed once."""
    found: list[Path] = []
    for raw in paths:
        matches = [Path(p) for p in glob.glob(raw, recursive=True)] if glob.has_magic(raw) else [Path(raw)]
        for match in matches:
            if match.is_dir():
                found.extend(sorted(p for p in match.rglob("*") if p.suffix.lower() in SUFFIXES))
            elif match.exists():
                found.append(match)
    unique = []
    seen = set()
    for path in found:
        key = path.resolve()
        if key not in seen and not path.name.startswith("~$"):
            seen.add(key)
            unique.append(path)
    return unique


def _run_one(job: tuple) -> list[TableReport] | FileFailure:
    return check_file(*job)


def _run_chunk(jobs: list[tuple]) -> list[list[TableReport] | FileFailure]:
    return [check_file(*job) for job in jobs]


def _ignore_interrupt() -> None:
    """Workers leave Ctrl+C to the main process, which stops the batch and writes what is done."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


Outcome = list[TableReport] | FileFailure


def run(jobs: list[tuple], workers: int,
        progress: Callable[[int], object] | None = None) -> tuple[dict[int, Outcome], bool]:
    """Check every job (arguments of :func:`check_file`) on ``workers`` processes. Returns the
    outcomes by job index and whether the run was complete: on Ctrl+C the jobs not started are
    cancelled, those running finish, and every outcome done is returned."""
    done: dict[int, Outcome] = {}
    if workers <= 1 or len(jobs) < 8:
        try:
            for index, job in enumerate(jobs):
                done[index] = _run_one(job)
                if progress:
                    progress(1)
        except KeyboardInterrupt:
            return done, False
        return done, True
    size = max(1, min(16, len(jobs) // (workers * 8)))
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_interrupt)
    futures = {pool.submit(_run_chunk, jobs[i:i + size]): i for i in range(0, len(jobs), size)}

    def collect(future) -> None:
        for offset, outcome in enumerate(future.result()):
            done[futures[future] + offset] = outcome

    try:
        for future in as_completed(futures):
            collect(future)
            if progress:
                progress(len(future.result()))
    except KeyboardInterrupt:
        pool.shutdown(wait=True, cancel_futures=True)
        for future in futures:
            if future.done() and not future.cancelled():
                collect(future)
        return done, False
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return done, True


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _label(path: Path, folders: list[Path]) -> str:
    """How a file is shown: relative to the parent of the folder given on the command line that
    holds it (``收到的自评表/单位A/表1.xlsx``), or its name when it was named itself."""
    absolute = path.absolute()
    for folder in folders:
        if folder in absolute.parents:
            return absolute.relative_to(folder.parent).as_posix()
    return path.name


def recalc(paths: list[str], outdir: str | Path, profile: str | None = None,
           json_path: str | Path | None = None, jobs: int | None = None,
           progress: Callable[[int], object] | None = None,
           on_start: Callable[[int], object] | None = None, copies: bool = True) -> RecalcResult:
    """Recalculate every workbook named by ``paths`` into ``outdir``: annotated copies (unless
    ``copies`` is false), the summary workbook and (with ``json_path``) the JSON. ``on_start(n)``
    is told how many files were found, ``progress(1)`` after each one. On Ctrl+C the summary and
    the JSON are written for the files done, with ``partial`` set."""
    from .summary import SUMMARY_NAME, write_summary

    get_profile(profile)  # an unknown profile is a usage error, before any work
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise RecalcError(f"输出目录 {outdir} 是一个文件")
    inside = outdir.resolve()
    found = [p for p in collect(paths) if inside not in p.resolve().parents]
    if not found:
        raise RecalcError("没有找到要复核的 .xlsx/.xlsm 文件：" + "、".join(paths))
    if on_start:
        on_start(len(found))
    outdir.mkdir(parents=True, exist_ok=True)
    names = unique_names([f"{safe_stem(p.stem, 60)}_复核" for p in found], ".xlsx")
    names = [n[:-5] + ".xlsm" if p.suffix.lower() == ".xlsm" else n for p, n in zip(found, names)]
    folders = [Path(p).absolute() for p in paths if Path(p).is_dir()]
    labels = [_label(p, folders) for p in found]
    work = [(str(p), profile, str(outdir) if copies else None, n, label)
            for p, n, label in zip(found, names, labels)]
    result = RecalcResult(files=len(found), sources=dict(zip(labels, found)))
    done, complete = run(work, jobs or default_workers(), progress)
    result.partial = not complete
    for index in sorted(done):
        if isinstance(done[index], FileFailure):
            result.failures.append(done[index])
        else:
            result.reports.extend(done[index])
    result.summary_path = write_summary(result, outdir / SUMMARY_NAME)
    if json_path:
        text = json.dumps(result.to_dict(), ensure_ascii=False, indent=1)
        result.json_path = atomic_save(lambda tmp: Path(tmp).write_text(text, encoding="utf-8"), json_path)
    return result
