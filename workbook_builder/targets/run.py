"""``perfbook targets check``: every project of every target list reviewed, the results written.

:func:`check_targets` reads each file named (a project list, 申报表 workbooks, a folder of
them; .xlsx/.xlsm/.xls/.xlsb/.ods/.et through the same guarded container checks as recalc, and
.csv), reviews each project with :func:`addin.engine.target_review.review_project`, writes an
annotated copy of each file (the original is never touched), ``目标审核汇总.xlsx`` and, when
asked, the JSON. A file that cannot be read is one line of ``unreadable``; it never stops the
batch.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from addin.engine import DEFAULT_PROFILE_ID, PerfError, UserError, as_float, get_profile
from addin.engine.target_review import LABELS, ProjectReview, TargetFinding, TargetProject, review_project, settings_of

from ..files import atomic_save, os_reason, output_stem, readable_path, shown_path, some_of, unique_names
from ..logs import debugging, logger
from ..readers.container import Grid, UnreadableFile
from ..readers.project_list import read_list_file

SUMMARY_NAME = "目标审核汇总.xlsx"
COPY_SUFFIX = "_审核"
LIST_SUFFIXES = {".csv"}   # read besides the workbook formats recalc reads


class TargetsError(UserError):
    """A review that cannot start (nothing to read, an output folder that is a file)."""


@dataclass
class FindingOut:
    kind: str
    cell: str
    indicator: str
    message: str
    value: float | str | None
    limit: float | str | None

    @property
    def label(self) -> str:
        return LABELS.get(self.kind, self.kind)


def _plain(value: object) -> float | int | str | None:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and abs(value) < 10**15 else float(value)
    return as_float(value) if value is None or isinstance(value, (int, float)) else str(value)


def finding_out(finding: TargetFinding) -> FindingOut:
    return FindingOut(finding.kind, finding.cell, finding.indicator, finding.message,
                      _plain(finding.value), _plain(finding.limit))


@dataclass
class ProjectResult:
    file: str
    sheet: str
    project: str
    department: str
    grade: str | None              # None for a list's 合计 row
    consequence: str
    score: float | None
    profile: str
    amount: float | None           # 全年预算数 in 万元, when it is a number
    findings: list[FindingOut] = field(default_factory=list)
    annotated: str | None = None
    is_total: bool = False
    project_cell: str = ""         # the cell of the project's name
    last_year: bool | None = None  # with --last-year: whether last year's results name this project

    def to_dict(self) -> dict:
        return {"file": self.file, "sheet": self.sheet, "project": self.project, "department": self.department,
                "grade": self.grade, "last_year": self.last_year, "findings": [
                    {"kind": f.kind, "cell": f.cell, "indicator": f.indicator, "message": f.message,
                     "value": f.value, "limit": f.limit} for f in self.findings]}


@dataclass
class Unreadable:
    file: str
    message: str
    skipped: bool = False   # found in a folder but no spreadsheet (a .py, a .md …): passed over by rule


@dataclass
class TargetsResult:
    profile: str | None
    projects: list[ProjectResult] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)          # e.g. last year's files not found
    last_year_matched: str = ""   # with --last-year: how many projects its results were found for
    summary_path: Path | None = None
    summary_kept: Path | None = None   # an earlier summary saved again after its review, kept under this name
    json_path: Path | None = None
    sources: dict[str, Path] = field(default_factory=dict)  # file label → the file, for links
    annotation_errors: dict[str, str] = field(default_factory=dict)
    carried: list[str] = field(default_factory=list)   # earlier reviews' copies left in the output folder

    @property
    def findings(self) -> int:
        return sum(len(p.findings) for p in self.projects)

    @property
    def failed(self) -> list[Unreadable]:
        """The files that could not be read (not those passed over by rule)."""
        return [u for u in self.unreadable if not u.skipped]

    @property
    def has_problems(self) -> bool:
        return bool(self.findings or self.failed)

    def to_dict(self) -> dict:
        return {"projects": [p.to_dict() for p in self.projects],
                "unreadable": [{"file": u.file, "message": u.message, "skipped": u.skipped} for u in self.unreadable]}

    def to_json(self) -> str:
        """One project (or unreadable file) per line, like recalc's JSON."""
        import json

        dump = json.JSONEncoder(ensure_ascii=False).encode
        lines = ["{"]
        for n, (name, items) in enumerate(self.to_dict().items()):
            comma = "," if n == 0 else ""
            if items:
                lines += [f" {dump(name)}: [", ",\n".join("  " + dump(item) for item in items), f" ]{comma}"]
            else:
                lines.append(f" {dump(name)}: []{comma}")
        return "\n".join(lines + ["}"])


def _amount(project: TargetProject) -> float | None:
    from addin.engine.target_review import money_factor
    from addin.engine.numbers import to_decimal

    if project.annual is None:
        return None
    try:
        return float(to_decimal(project.annual.value, "金额") * (money_factor(project.money_unit) or 1))
    except PerfError:
        return None


def project_result(review: ProjectReview, file: str, profile: str) -> ProjectResult:
    project = review.project
    total = project.is_total
    return ProjectResult(
        file=file, sheet=project.sheet, project=project.project, department=project.department,
        grade=None if total else review.grade, consequence="" if total else review.consequence,
        score=None if total else float(review.score), profile=profile, amount=None if total else _amount(project),
        findings=[finding_out(f) for f in review.findings], is_total=total,
        project_cell=project.cells.get("project", ""))


# reading ---------------------------------------------------------------------------------------


def read_file(path: Path) -> tuple[str, list[Grid]]:
    """The format and grids of a target list file, read as ``batch`` and ``new --spec`` read it
    (:func:`..readers.project_list.read_list_file`). Raises ``UnreadableFile``."""
    return read_list_file(path)


OUTPUT_FOLDER = "位于输出目录中（本工具写出的审核副本和汇总所在处），未审核"


def _collect(paths: list[str], outdir: Path | None) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The files named (folders walked, .csv lists included) and the paths not read, with why
    (the files in the output folder too: an earlier review's summary and copies, listed)."""
    from ..recalc.run import EARLIER_COPY, EARLIER_REVIEW, EARLIER_SUMMARY, _real, collect

    found, skipped = collect(paths)
    csvs = [p for p, _ in skipped if p.suffix.lower() in LIST_SUFFIXES and p.is_file()]
    found += csvs
    skipped = [(p, r) for p, r in skipped if p not in csvs]
    if outdir is not None:
        inside = _real(outdir) + os.sep
        earlier = (EARLIER_COPY, EARLIER_REVIEW, EARLIER_SUMMARY)   # (an earlier output in this run's output folder: said as the folder's)
        skipped = [(p, OUTPUT_FOLDER if r in earlier and _real(p).startswith(inside) else r) for p, r in skipped]
        skipped += [(p, OUTPUT_FOLDER) for p in found if _real(p).startswith(inside)]
        found = [p for p in found if not _real(p).startswith(inside)]
    return found, skipped


def _perfbook_summary(grids: list[Grid]) -> bool:
    """Whether a workbook is a summary perfbook wrote (复核汇总.xlsx, 目标审核汇总.xlsx), by its sheets."""
    from ..recalc.summary import FIXED_SHEETS as RECALC_SHEETS
    from .summary import FIXED_SHEETS

    names = {grid.name for grid in grids}
    return set(RECALC_SHEETS) <= names or set(FIXED_SHEETS) - {"说明"} <= names   # (说明: only when there are notes)


def _json_writable(path: Path) -> None:
    """Refuse, before any work, a ``--json`` path that is a folder or whose folder cannot be written in."""
    from ..files import special_file

    if special_file(path):   # (a pipe or a device is written into)
        return
    if path.is_dir():
        raise TargetsError(f"--json 的路径 {shown_path(str(path))} 是文件夹：请给出文件名，如 审核结果.json")
    from ..recalc.run import RecalcError, _writable

    try:
        _writable(Path(os.path.realpath(path)).parent, f"--json 的路径 {shown_path(str(path))}")
    except RecalcError as err:
        raise TargetsError(str(err)) from None


def _label(path: Path, paths: list[str]) -> str:
    from ..recalc.run import _label as recalc_label

    folders = [Path(p).absolute() for p in paths if Path(p).is_dir()]
    return recalc_label(path, folders)


# the run ---------------------------------------------------------------------------------------


def review_projects(projects: list[TargetProject], profile: str | None, last_year=None) -> list[tuple[ProjectReview, str]]:
    """Each project reviewed under ``profile``, else the profile its layout suggests, else the
    default; with the profile used."""
    reviews = []
    for project in projects:
        used = get_profile(profile or project.profile or DEFAULT_PROFILE_ID).id
        reviews.append((review_project(project, used, last_year), used))
    return reviews


def check_targets(paths: list[str], outdir: str | Path | None = None, profile: str | None = None,
                  json_path: str | Path | None = None, last_year: str | Path | None = None,
                  copies: bool = True) -> TargetsResult:
    """Review every project of the files named by ``paths``; write the annotated copies (unless
    ``copies`` is false) and the summary into ``outdir`` (when given) and the JSON (when asked).
    Raises :class:`TargetsError` (or another ``UserError``) for what stops the review before it
    starts: an unknown profile, unusable last year's results, nothing to read."""
    if profile is not None:
        settings_of(profile)   # an unknown profile, or one without a review, before any work
    out = Path(outdir) if outdir is not None else None
    if out is not None and out.exists() and not out.is_dir():
        raise TargetsError(f"输出目录 {out} 是一个文件")
    if out is not None:   # (before any work: last year's tables are read next)
        from ..recalc.run import _real, refuse_output_around

        refuse_output_around(paths, out, TargetsError, "审核")
        inside = os.path.join(_real(out), "")
        named = [p for p in paths if os.path.isfile(p) and _real(Path(p)).startswith(inside)]
        if named:   # (it would be passed over as an output of an earlier run, and not reviewed)
            raise TargetsError(f"要审核的文件 {shown_path(named[0])} 在输出目录 {shown_path(str(out))} 中，"
                               "审核副本和汇总会与原文件混在一起：请另选输出目录")
    index = None
    result = TargetsResult(get_profile(profile).id if profile else None)
    if last_year is not None:
        from .last_year import load_last_year

        index, result.notes = load_last_year(last_year)
    found, skipped = _collect(paths, out)
    from ..recalc.run import EMPTY_PATH, MISSING, NO_MATCH

    if not found and (not skipped or all(r in (MISSING, NO_MATCH, EMPTY_PATH) for _, r in skipped)):
        detail = "、".join(f"{p}（{r}）" for p, r in skipped) or "、".join(paths)
        raise TargetsError(f"没有找到要审核的绩效目标清单或申报表：{detail}")
    if json_path is not None:   # (as recalc: never a user's file, a device or a list read)
        from ..recalc.run import _real, refuse_json_over

        refuse_json_over(json_path, [_real(p) for p in found], TargetsError)
        _json_writable(Path(json_path))
    from ..recalc.run import named_directly, passed_by_rule

    for path, reason in skipped:
        result.unreadable.append(Unreadable(_label(path, paths) if path.exists() else readable_path(str(path))[0],
                                            f"未读取：{reason}",   # (an output: by rule)
                                            skipped=reason == OUTPUT_FOLDER or (passed_by_rule(path, reason)
                                                                                 and not named_directly(path, paths))))
    labels = [_label(p, paths) for p in found]
    stems = unique_names([output_stem(p.stem, 60) + COPY_SUFFIX for p in found], "")   # (≤ 60 characters: < 255 bytes)
    if out is not None:   # (a copy's name as .annotate gives it, by the list's suffix)
        from ..recalc.outputs import carried_copies, earlier_outputs, refuse_writing_over
        from .annotate import copy_name

        names = [SUMMARY_NAME, *(copy_name(stem, p.suffix.lower().lstrip(".")) for p, stem in zip(found, stems) if copies)]
        if json_path is not None and _real(Path(json_path)) in {_real(out / name) for name in names}:
            raise TargetsError(f"--json 的路径 {shown_path(str(json_path))} 与本次写出的目标审核汇总或审核副本同名，"
                               "会互相覆盖：请另选 --json 的路径")
        earlier = earlier_outputs(out, SUMMARY_NAME, "审核副本")
        refuse_writing_over(out, names, earlier, TargetsError, "审核")
        result.carried = carried_copies(earlier, SUMMARY_NAME, names)
    done, stopped, started = 0, False, time.time()
    try:
        for path, label, stem in zip(found, labels, stems):
            result.sources[label] = path
            _check_one(path, label, stem, out if copies else None, profile, index, result)
            done += 1
    except KeyboardInterrupt:   # the copies written are listed in a summary, which the next run may replace
        stopped = True
        result.notes.append(f"审核被中断（Ctrl+C 或终止信号）：{len(found)} 个文件中审核了 {done} 个，其余未审核")
        result.unreadable += [Unreadable(label, "未审核：审核被中断") for label in labels[done:]]
    if index is not None:
        result.last_year_matched = _last_year_matched(result.projects, index)
    if out is not None:
        from ..recalc.outputs import keep_edited, unlisted_copies
        from .summary import write_summary

        if stopped and copies:   # (a copy written just before the stop: listed, so the next run may replace it)
            result.carried += unlisted_copies(out, names[1:], {p.annotated for p in result.projects}, started)

        result.summary_kept = keep_edited(out / SUMMARY_NAME)   # (a reviewer's notes: kept, not written over)
        result.summary_path = write_summary(result, out / SUMMARY_NAME)
    if stopped:
        raise KeyboardInterrupt
    if json_path is not None:
        result.json_path = atomic_save(lambda tmp: Path(tmp).write_text(result.to_json(), encoding="utf-8"),
                                       Path(json_path))
    return result


def _last_year_matched(projects: list[ProjectResult], index) -> str:
    """How many projects last year's results were found for (by 项目名称 without the year it begins
    with, as the indicators are matched), and which were not: a list whose names changed is
    compared with nothing, which had gone unsaid. Each project's ``last_year`` is set."""
    from addin.engine.target_review import project_key

    last = {project for project, _ in index}
    for p in projects:   # (said in the JSON and the summary too, each project: the terminal cuts the list short)
        p.last_year = None if p.is_total else project_key(p.project) in last
    missing = [p.project for p in projects if p.last_year is False]   # (not a list's 合计 row)
    named = [p for p in projects if not p.is_total]
    said = f"上年结果对应到 {len(named) - len(missing)}/{len(named)} 个项目（按项目名称对应，不计名称开头的年份）"
    return said + (f"；上年结果中没有：{some_of(missing, 5)}" if missing else "")


def _check_one(path: Path, label: str, stem: str, outdir: Path | None, profile: str | None, index,
               result: TargetsResult) -> None:
    from .read import NoTargets, projects_in

    try:
        fmt, grids = read_file(path)
        if _perfbook_summary(grids):   # (recalc's 复核汇总 or an earlier review's: no list of targets)
            result.unreadable.append(Unreadable(label, "未读取：perfbook 写出的汇总表，不是绩效目标清单，已跳过", skipped=True))
            return
        notes: list[str] = []
        projects = projects_in(grids, label, notes)
        result.notes += [f"{label}：{note}" for note in notes]
        reviews = review_projects(projects, profile, index)
    except (UnreadableFile, NoTargets) as err:
        result.unreadable.append(Unreadable(label, f"文件无法读取：{err}" if isinstance(err, UnreadableFile) else str(err)))
        return
    except UserError as err:
        result.unreadable.append(Unreadable(label, str(err)))
        return
    except Exception as err:  # noqa: BLE001 - one broken file never stops the batch
        if debugging():
            raise
        logger.exception("意外错误（%s）", label)
        result.unreadable.append(Unreadable(label, f"文件无法读取：读取时出现意外错误（{type(err).__name__}），已跳过；"
                                                   "请用 Excel 或 WPS 打开后另存为 .xlsx 再试"))
        return
    rows = [project_result(review, label, used) for review, used in reviews]
    if outdir is not None:
        from .annotate import AnnotationError, copy_name, write_copy

        name = copy_name(stem, fmt)
        try:
            written = write_copy(path, fmt, grids, outdir / name, rows)
        except Exception as err:  # noqa: BLE001 - the review stands without its copy
            why = os_reason(err) if isinstance(err, OSError) else str(err) if isinstance(err, AnnotationError) else None
            if why is None:   # neither the disk's nor the file's: perfbook's own, logged with its traceback
                if debugging():
                    raise
                logger.exception("审核副本无法写出（%s）", label)
            result.annotation_errors[label] = f"审核副本无法写出：{why or f'出现意外错误（{type(err).__name__}），已记入日志'}"
        else:
            for row in rows:
                row.annotated = written.name
    result.projects.extend(rows)
