"""Recalculating submitted workbooks: every table re-scored, every difference located and explained.

:func:`check_file` does all the work for one file (read, re-score, write the annotated copy)
and returns plain, picklable results, so a batch can run on several processes; a file that
cannot be read becomes one :class:`FileFailure` and the batch goes on.
"""

from __future__ import annotations

import glob
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

from addin import PerfError, get_profile
from addin.checks import KINDS
from addin.table import TableFinding, TableResult, evaluate_table

from .annotate import write_annotated
from .reader import NoTable, ReadTable, read_tables
from .workbook_file import SUFFIXES, UnreadableFile

# Which cell a finding on an indicator row points at, when it is not the 得分 cell.
_REASON_KINDS = {"missing_reason", "over_target", "equal_mismatch"}
_UNREADABLE_FIELDS = (
    ("实际完成值", "actual"), ("定性指标的实际完成值", "actual"), ("年度指标值", "target"),
    ("定性指标的年度指标值", "target"), ("正向指标的年度指标值", "target"),
    ("绩效指标性质", "nature"), ("未知的绩效指标性质", "nature"), ("分值", "weight"), ("得分", "score"),
)


@dataclass
class FindingRow:
    cell: str
    kind: str
    label: str
    message: str
    reported: float | str | None
    expected: float | str | None


@dataclass
class TableReport:
    file: str
    sheet: str
    project: str
    department: str
    profile: str
    template: bool
    reported_total: float | None
    computed_total: float | None
    grade: str | None
    findings: list[FindingRow] = field(default_factory=list)
    annotated: str | None = None
    annotation_error: str | None = None


@dataclass
class FileFailure:
    file: str
    message: str


def _plain(value: object) -> float | str | None:
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, (int, float)):
        return value
    return str(value)


def _cell(read: ReadTable, finding: TableFinding) -> str:
    if finding.part != "indicator":
        return read.cells.get((finding.part, finding.field), "")
    kind, message = finding.finding.kind, finding.finding.message
    target = "score"
    if kind in _REASON_KINDS:
        target = "reason"
    elif kind == "unreadable":
        target = next((f for prefix, f in _UNREADABLE_FIELDS if message.startswith(prefix)), "actual")
    return read.cells.get(("indicator", finding.row, target), "")


def _profile_for(read: ReadTable, fallback: str | None) -> tuple[str, FindingRow | None]:
    """The workbook's own 规则 wins; an unknown one is a finding and the fallback is used."""
    declared = read.table.profile
    if declared:
        try:
            return get_profile(declared).id, None
        except PerfError as err:
            row = FindingRow(read.cells.get(("rule",), ""), "unreadable", KINDS["unreadable"],
                             f"{err}；已改用 {get_profile(fallback).id}", declared, None)
            return get_profile(fallback).id, row
    return get_profile(fallback).id, None


def report_table(read: ReadTable, profile: str | None, file_label: str) -> tuple[TableReport, TableResult]:
    profile_id, rule_problem = _profile_for(read, profile)
    result = evaluate_table(read.table, profile_id, scores_reported=not read.uncalculated)
    findings = [rule_problem] if rule_problem else []
    findings += [FindingRow(cell, "unreadable", KINDS["unreadable"], message, None, None)
                 for cell, message in read.problems]
    for f in result.findings:
        findings.append(FindingRow(_cell(read, f), f.finding.kind, KINDS[f.finding.kind],
                                   f.finding.message, _plain(f.finding.reported), _plain(f.finding.expected)))
    return TableReport(
        file=file_label,
        sheet=read.sheet,
        project=read.table.project,
        department=read.table.department,
        profile=profile_id,
        template=read.template,
        reported_total=_plain(result.reported_total),
        computed_total=_plain(result.total),
        grade=result.grade,
        findings=findings,
    ), result


def check_file(path: str, profile: str | None, outdir: str | None, annotated_name: str | None,
               file_label: str) -> list[TableReport] | FileFailure:
    """Read, re-score and annotate one workbook; never raises for a bad file."""
    try:
        reads = read_tables(path)
        pairs = [report_table(read, profile, file_label) for read in reads]
    except (UnreadableFile, NoTable) as err:
        return FileFailure(file_label, f"文件无法读取：{err}")
    except Exception as err:  # a broken workbook must never stop a batch
        return FileFailure(file_label, f"文件无法读取：{type(err).__name__}: {str(err)[:200]}")
    reports = [report for report, _ in pairs]
    if outdir and annotated_name:
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


def run(jobs: list[tuple], workers: int, progress=None):
    """Check every job (arguments of :func:`check_file`), in order, on ``workers`` processes."""
    if workers <= 1 or len(jobs) < 8:
        for job in jobs:
            yield _run_one(job)
            if progress:
                progress.update(1)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(_run_one, jobs, chunksize=max(1, min(32, len(jobs) // (workers * 8)))):
            yield result
            if progress:
                progress.update(1)


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def to_json(reports: list[TableReport], failures: list[FileFailure]) -> dict:
    return {
        "tables": [asdict(r) for r in reports],
        "unreadable": [asdict(f) for f in failures],
        "summary": {
            "tables": len(reports),
            "tables_with_findings": sum(1 for r in reports if r.findings),
            "findings": sum(len(r.findings) for r in reports),
            "unreadable_files": len(failures),
        },
    }
