"""The result model of a recalculation: what the CLI prints, the JSON holds, the summary workbook
and the annotated copies show (and, later, what reports are written from).

Everything here is plain data (floats, strings), picklable so that worker processes can return
it, and turned into the documented JSON by ``to_dict``.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from addin.engine import PerfError, TableFinding, TableResult, as_float, grade_of
from addin.engine.numbers import read_value
from addin.engine.findings import KINDS, RATE_KINDS


@dataclass
class FindingRow:
    cell: str
    kind: str
    label: str
    message: str
    reported: float | str | None
    expected: float | str | None
    indicator: str = ""   # the 三级指标 (评价指标) it concerns; 年度资金总额 for the funds block, a block's label


def _plain(value: object) -> float | str | None:
    """A value as the JSON and the summary hold it: numbers as numbers, a number no JSON parser
    takes (NaN, Infinity, read from a cell such as 1e400) as its text, anything else as text."""
    value = as_float(value)
    if value is None or (isinstance(value, (int, float)) and math.isfinite(value)):
        return value
    return str(value)


def _amount(value: object) -> float | None:
    """The 全年预算数 as a number however the cell writes it (``1,411.16``, ``141.116万元``), or
    ``None`` when it holds none (the funds finding says why)."""
    try:
        return float(read_value(value, None, "全年预算数"))
    except PerfError:
        return None


def shown_values(row: FindingRow) -> tuple[object, object]:
    """A finding's 填报值 and 应为 as a table of text shows them: a rate as a percentage (0.9998 as
    99.98%, see :data:`~addin.engine.findings.RATE_KINDS`), anything else as it is."""
    if row.kind not in RATE_KINDS:
        return row.reported, row.expected
    return tuple(f"{round(v * 100, 2):g}%" if isinstance(v, (int, float)) else v for v in (row.reported, row.expected))


def finding_row(cell: str, finding, indicator: object = "") -> FindingRow:
    """A row for an engine :class:`~addin.engine.findings.Finding` found at ``cell``, about
    ``indicator`` (its name as the table writes it, on one line)."""
    return FindingRow(cell, finding.kind, KINDS[finding.kind], finding.message,
                      _plain(finding.reported), _plain(finding.expected), " ".join(str(indicator or "").split()))


NOT_FILLED = "尚未填写，未复核"   # what a copy says of a table never filled in (status 未填写)


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
    amount: float | None = None              # 全年预算数 (万元), for the amount-against-score chart
    findings: list[FindingRow] = field(default_factory=list)
    annotated: str | None = None
    annotation_error: str | None = None
    format: str = "xlsx"   # the file's format by its content: xlsx, xlsm, xls, xlsb, ods, et, docx, doc, html, xml2003
    form: str = ""         # the 自评表 form recognised (addin/forms/<id>.toml); '' for other kinds
    framework: str = ""    # an evaluation form's 评价指标体系 (addin/frameworks/<id>.toml), 评分表 when none of those
    form_exact: bool = True   # False: the table differs from that form, the nearest one was used
    status: str = ""       # readers.tables.UNFILLED: a table never filled in (no findings raised)
    note: str = ""         # e.g. scores computed by perfbook: the template was filled without the add-in
    reported_grade: str | None = None   # the grade the table gives itself: its 等级 cell, or by its reported total
    total_cell: str = ""   # where the table reports its total ('' for none)
    same_as: str = ""      # an earlier table of the run of the same project and department (file［sheet］)
    uri: str = ""          # the file exactly, as a file: URI (the shown name may be decoded or escaped)
    member: str = ""       # a file in a .zip archive (uri): its path inside the archive
    trace: str = field(default="", repr=False)   # an unexpected error's traceback, for the log only
    copy_sheet: str = field(default="", repr=False)   # the sheet's name in a values copy, where Excel's limit changed it

    @classmethod
    def of(cls, result: TableResult, file: str, sheet: str, template: bool,
           findings: list[FindingRow], format: str = "xlsx") -> TableReport:
        return cls(
            file=file, sheet=sheet, format=format, project=result.table.project,
            department=result.table.department, profile=result.profile, template=template,
            reported_total=_plain(result.reported_total), computed_total=_plain(result.total),
            grade=result.grade, amount=_amount(result.table.funds.annual), findings=findings,
            reported_grade=_reported_grade(result),
        )

    @property
    def said(self) -> str:
        """The table's 说明 in the summary: what recalculating changed, a project met before in
        the run, why perfbook computed the scores."""
        return "；".join(filter(None, (self.change, self.repeat, self.note)))

    @property
    def repeat(self) -> str:
        return f"与 {self.same_as} 的项目名称和主管部门相同，可能重复报送" if self.same_as else ""

    @property
    def change(self) -> str:
        """What recalculating changed of the table's result, in words (the summary's 说明, the
        copies' 复核结果): 计算总分比填报总分低 3 分；等级由“优”变为“良”, or that no total could be
        computed; '' when nothing changed."""
        reported, computed = self.reported_total, self.computed_total
        if computed is None:   # (a table never filled in is its status, 未填写; a blank 评分表 has no findings)
            return "有不能计分的项（见问题），计算总分无法得出，未定等级" if self.findings and not self.status else ""
        said = []
        if reported.__class__ in (int, float) and computed.__class__ in (int, float) and round(computed - reported, 2):
            said.append(f"计算总分比填报总分{'低' if computed < reported else '高'} {abs(round(computed - reported, 2)):g} 分")
        if self.reported_grade and self.grade and self.reported_grade != self.grade:
            said.append(f"等级由“{self.reported_grade}”变为“{self.grade}”")
        return "；".join(said)


def mark_repeat(report: TableReport, firsts: dict[tuple[str, str], TableReport]) -> None:
    """Set ``report.same_as`` when a table of the same project and department came before it in
    the run (``firsts``: the first table of each, kept across calls; called in job order, again
    for the same report it changes nothing). A table never filled in, or named by its sheet for
    want of a 项目名称, is no repeat; without a 主管部门, only one that reports the same total and
    amount is (two units' 办公经费 are two projects)."""
    from ..readers.tables import NO_PROJECT

    if report.status or not report.project.strip() or any(f.message.startswith(NO_PROJECT) for f in report.findings):
        return
    key = (" ".join(report.project.split()), " ".join(report.department.split()))
    first = firsts.setdefault(key if key[1] else (*key, report.reported_total, report.amount), report)
    if first is not report:
        report.same_as = f"{first.file}［{first.sheet}］"


def _reported_grade(result: TableResult) -> str | None:
    """The table's own grade: its 等级 cell, or the grade of its reported total (``None`` when
    it reports neither, or a total no grade is given to)."""
    if isinstance(result.table.grade, str) and result.table.grade.strip():
        return result.table.grade.strip()
    if result.reported_total is None:
        return None
    try:
        return grade_of(result.reported_total, result.profile)
    except PerfError:
        return None


@dataclass
class FileFailure:
    file: str
    message: str
    format: str | None = None   # by content when it could be told, else by the file's suffix
    skipped: bool = False       # a file found in a folder that is no table (lock file, .toml …)
    uri: str = ""               # the file exactly, as a file: URI
    member: str = ""            # a file in a .zip archive (uri): its path inside the archive
    trace: str = field(default="", repr=False)   # an unexpected error's traceback, for the log only


def _report_dict(report: TableReport) -> dict:
    """``asdict(report)`` without its deep copy: every field is a plain value but the findings."""
    row = {name: _finite(getattr(report, name)) for name in _REPORT_FIELDS}
    row["findings"] = [{name: _finite(getattr(f, name)) for name in _FINDING_FIELDS} for f in report.findings]
    return row


def _finite(value: object) -> object:
    """Strict JSON: a float that is not finite (set on a report after :func:`_plain`) as its text."""
    return str(value) if value.__class__ is float and not math.isfinite(value) else value


_REPORT_FIELDS = tuple(f.name for f in fields(TableReport) if f.name not in ("trace", "copy_sheet"))
_FINDING_FIELDS = tuple(f.name for f in fields(FindingRow))


@dataclass
class RecalcResult:
    """Everything one ``perfbook recalc`` run found: a report per table read, a failure per file
    that could not be read, and where the outputs went."""

    files: int
    reports: list[TableReport] = field(default_factory=list)
    failures: list[FileFailure] = field(default_factory=list)
    summary_path: Path | None = None
    json_path: Path | None = None
    partial: bool = False                     # interrupted: only the files done are in
    summary_error: str | None = None          # why 复核汇总.xlsx could not be written
    summary_kept: Path | None = None          # an earlier summary saved again after its run, kept under this name
    stopped: int | None = None                # a stop signal held while the outputs were written (all done)
    sources: dict[str, Path] = field(default_factory=dict)  # file label -> the file, for links
    members: dict[str, str] = field(default_factory=dict)   # file label -> its path in the archive (sources)
    carried: list[str] = field(default_factory=list)   # earlier runs' copies left in the output folder
    expected: tuple[list[str], float] = ([], 0.0)   # the copies the run means to write, and when it began
    firsts: dict = field(default_factory=dict, repr=False)   # (project, department) -> its first table (mark_repeat)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "tables": len(self.reports),
            "not_filled": sum(1 for r in self.reports if r.status),   # never filled in: no findings, no total
            "tables_with_findings": sum(1 for r in self.reports if r.findings),
            "findings": sum(len(r.findings) for r in self.reports),
            "unreadable_files": sum(1 for f in self.failures if not f.skipped),
            "skipped_files": sum(1 for f in self.failures if f.skipped),
        }

    @property
    def repeats(self) -> int:
        """Tables of a project and department met before in the run (possibly sent twice), which
        every count includes."""
        return sum(1 for r in self.reports if r.same_as)

    @property
    def has_problems(self) -> bool:
        counts = self.counts
        return bool(counts["findings"] or counts["unreadable_files"])

    def to_dict(self) -> dict:
        return {
            "tables": [_report_dict(r) for r in self.reports],
            "unreadable": [{k: v for k, v in asdict(f).items() if k != "trace"} for f in self.failures],
            "summary": self.counts,
            "partial": self.partial,
            "summary_error": self.summary_error,
            "summary_kept": None if self.summary_kept is None else str(self.summary_kept),
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text, one table (or unreadable file) per line: readable and
        diffable, and written by json's C encoder (indenting every level is pure Python, slow
        for tens of thousands of tables)."""
        dump = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode   # one encoder for every line
        data = self.to_dict()
        lines = ["{"]
        for n, (key, value) in enumerate(data.items()):
            comma = "," if n + 1 < len(data) else ""
            if isinstance(value, list) and value:
                lines += [f" {dump(key)}: [", ",\n".join("  " + dump(item) for item in value), f" ]{comma}"]
            else:
                lines.append(f" {dump(key)}: {dump(value)}{comma}")
        return "\n".join(lines + ["}"])


@dataclass
class ScoredTable:
    """One table of a parsed-table JSON file, re-scored (``perfbook score``)."""

    number: int
    result: TableResult

    @property
    def findings(self) -> list[TableFinding]:
        return self.result.findings


@dataclass
class ScoreResult:
    source: Path
    profile: str
    tables: list[ScoredTable]

    def to_dict(self) -> dict:
        return {
            "source": str(self.source),
            "profile": self.profile,
            "tables": [
                {
                    "number": t.number,
                    "project": t.result.table.project,
                    "reported_total": _plain(t.result.reported_total),
                    "computed_total": _plain(t.result.total),
                    "grade": t.result.grade,
                    "findings": [
                        {"part": f.part, "row": f.row, "field": f.field, **asdict(finding_row("", f.finding))}
                        for f in t.findings
                    ],
                }
                for t in self.tables
            ],
        }
