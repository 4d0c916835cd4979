"""目标审核汇总.xlsx: the review of a batch of target lists, for people, in the look of recalc's
复核汇总.xlsx (the same :class:`..recalc.sheets.SheetWriter`: frozen header, filter, fitted
widths, A4 landscape one page wide, text never a formula).

Sheets: 项目 (one row per project: grade, consequence, review score, findings), 问题 (each finding
linked to its cell in the annotated copy, or in the original without copies), 问题类型, 部门 and
one sheet per 主管部门, 审核规则 (the profile's rules and deductions), 无法读取.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from addin.engine import get_profile
from addin.engine.target_review import LABELS

from ..recalc import sheets
from ..recalc.sheets import Links, SheetWriter, SummaryBook, sheet_title

PROJECT_COLUMNS = ["文件", "工作表", "项目名称", "主管部门", "全年预算数（万元）", "审核规则", "审核得分", "等级", "处理",
                   "问题数", "审核副本"]
FINDING_COLUMNS = ["文件", "工作表", "项目名称", "单元格", "三级指标", "问题类型", "说明", "值", "限值"]
FIXED_SHEETS = ("项目", "问题", "问题类型", "部门", "审核规则", "无法读取", "说明")


LAST_YEAR_COLUMN = "上年结果"   # with --last-year: whether last year's results name the project
LAST_YEAR_SHOWN = {True: "已对照", False: "上年结果中没有", None: ""}


def _project_values(row, department: bool = True, last_year: bool = False) -> list:
    values = [row.file, row.sheet, row.project] + ([row.department] if department else [])
    return values + [row.amount, row.profile, row.score, row.grade or "—", row.consequence, len(row.findings),
                     *([LAST_YEAR_SHOWN[row.last_year]] if last_year else []), row.annotated or ""]


def _projects(book: SummaryBook, title: str, rows, links: Links, department: bool = True) -> SheetWriter:
    last_year = any(row.last_year is not None for row in rows)
    columns = [c for c in PROJECT_COLUMNS if department or c != "主管部门"]
    if last_year:
        columns.insert(columns.index("审核副本"), LAST_YEAR_COLUMN)
    writer = book.sheet(title, columns)
    for row in rows:
        values = _project_values(row, department, last_year)
        link = links.file(row)
        column = len(values) - 1 if row.annotated else 0
        writer.row(values, highlight=bool(row.findings), links={column: (link, None)} if link else None)
    return writer


def _sheets(book: SummaryBook, result, links: Links) -> None:
    _projects(book, "项目", result.projects, links).finish()

    writer = book.sheet("问题", FINDING_COLUMNS)
    for row in result.projects:
        for f in row.findings:
            writer.row([row.file, row.sheet, row.project, f.cell, f.indicator, f.label, f.message, f.value, f.limit],
                       mark=5, links={3: links.cell(row, f.cell)} if f.cell else None)
    writer.finish()

    kinds = Counter(f.kind for row in result.projects for f in row.findings)
    writer = book.sheet("问题类型", ["问题类型", "代码", "问题数", "项目数"])
    for kind, count in kinds.most_common():
        projects = sum(1 for row in result.projects if any(f.kind == kind for f in row.findings))
        writer.row([LABELS.get(kind, kind), kind, count, projects])
    writer.finish()

    groups: dict[str, list] = defaultdict(list)
    for row in result.projects:
        if not row.is_total:
            groups[row.department.strip() or "未填主管部门"].append(row)
    overview = book.sheet("部门", ["主管部门", "项目数", "优", "良", "中", "差", "问题数", "工作表"])
    taken = set(FIXED_SHEETS)
    for number, (department, rows) in enumerate(sorted(groups.items())):
        grades = Counter(r.grade for r in rows)
        findings = sum(len(r.findings) for r in rows)
        counts = [department, len(rows), *(grades.get(g, 0) for g in ("优", "良", "中", "差")), findings]
        if number >= sheets.MAX_DEPARTMENT_SHEETS:
            overview.row(counts + [sheets.no_sheet()], highlight=bool(findings))
            continue
        sheet = _projects(book, sheet_title(department, taken), rows, links, department=False)
        overview.row(counts + [sheet.title], highlight=bool(findings), links={7: (None, f"'{sheet.title}'!A1")})
        sheet.row(["合计", "", f"{department}：{len(rows)} 个项目，{findings} 处问题"])
        sheet.finish()
    overview.finish()

    writer = book.sheet("审核规则", ["审核规则", "类别", "名称", "数值", "说明"])
    for profile_id in sorted({row.profile for row in result.projects} or {get_profile(result.profile).id}):
        settings = get_profile(profile_id).targets_review
        if settings is None:
            continue
        for name, points in settings.rules.items():
            writer.row([profile_id, "规则", f"{LABELS.get(name, name)}（{name}）", float(points), "每处问题扣分"])
        for grade in settings.grades:
            writer.row([profile_id, "等级", grade.grade, float(grade.minimum), f"审核得分不低于此分；{grade.consequence}"])
        if settings.satisfaction_floor is not None:
            writer.row([profile_id, "设定", "满意度下限（%）", float(settings.satisfaction_floor), "满意度指标值不应低于此值"])
        if settings.required_groups:
            writer.row([profile_id, "设定", "必须设置的指标类别", None, "、".join(settings.required_groups)])
    writer.finish()

    writer = book.sheet("无法读取", ["文件", "原因"])
    for failure in result.unreadable:
        writer.row([failure.file, failure.message])
    for file, message in result.annotation_errors.items():
        writer.row([file, message])
    writer.finish()

    if result.notes:
        writer = book.sheet("说明", ["说明"])
        for note in result.notes:
            writer.row([note])
        writer.finish()
    book.carried(result.carried, "审核副本")


def write_summary(result, path: Path) -> Path:
    """Write 目标审核汇总.xlsx for ``result`` (:class:`.run.TargetsResult`) to ``path``, atomically."""
    path = Path(path)
    book = SummaryBook()
    try:
        _sheets(book, result, Links(result, path.parent))
        return book.save(path)
    finally:
        book.discard()
