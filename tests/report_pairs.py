"""Reports typed the way seed 000 (a national-style self-evaluation report) is written, for testing
``perfbook report check`` against text that the report writer did not produce.

:func:`seed_style_report` writes, from a re-scored table, what a department would type: the goals
as ``提供…：不低于750条；``, the analysis as ``…不低于750条。2024年末实际完成908条，…``, the money as
``实际支付4564.7413万元``, a quality rate without any cue word (``可用率99.9%``), the score table
``评价内容 | 满分值 | 评估得分`` with ``10.00``, ``本项目自评得分100分`` and the grade. Every figure
agrees with the table; tests then change one by hand (:func:`edit`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from docx import Document

from addin.engine import form
from addin.engine.findings import fmt

GREATER = ("不低于", "不少于", "大于等于")
LESS = ("小于", "不高于", "不超过")
GROUP_NAMES = {"产出指标": "项目产出指标", "成本指标": "项目经济性", "效益指标": "项目效益性", "满意度指标": "项目满意度"}


def name_of(level3: object) -> str:
    return re.sub(r"^\s*指标\s*\d+\s*[:：]\s*", "", " ".join(str(level3 or "").split()))


def unit_of(unit: object) -> str:
    unit = str(unit or "").strip()
    return "" if unit == "/" else unit


def seed_style_paragraphs(result) -> list[tuple[str, str]]:
    """(style, text) pairs of the report; the score table is marked by style ``table``."""
    t = result.table
    year = t.year or 2024
    funds = t.funds
    executed = fmt(Decimal(str(funds.executed)))
    annual = fmt(Decimal(str(funds.annual)))
    rate = fmt((result.funds_rate * 100).quantize(Decimal("0.01")).normalize())
    out = [("Title", "项目支出绩效评价报告"), ("Subtitle", t.project),
           ("Heading 1", "基本情况"), ("Heading 2", "项目概况"),
           ("Normal", f"{t.project}是{t.department}的项目支出。{year}年全年预算{annual}万元，预算执行率{rate}%。"),
           ("Heading 2", "项目绩效目标。"), ("Heading 3", "项目总体目标"), ("Normal", " ".join(str(t.goal_expected).split())),
           ("Heading 3", "项目具体绩效指标")]
    rows = list(zip(t.indicators, result.indicators))
    level2 = None
    for n, (ind, detail) in enumerate(rows):
        if ind.level2 != level2:
            level2 = ind.level2
            out.append(("Normal", f"{str(ind.level1)[:2]}{level2}"))
        name, unit = name_of(ind.level3), unit_of(ind.unit)
        if detail is None or detail.target is None:
            out.append(("Normal", f"{name}：{str(ind.actual).split('（')[0]}。"))
            continue
        word = {"≥": GREATER[n % 3], "≤": LESS[n % 3]}.get(detail.nature, "")
        out.append(("Normal", f"{name}：{word}{fmt(detail.target)}{unit}，按实际需求调整；"))
    out += [("Heading 1", "绩效评价工作开展情况"), ("Heading 2", "绩效评价目的、对象和范围。"),
            ("Normal", "为了提高项目的效益和效率，评估项目的实施效果，开展本次绩效评价工作。"),
            ("Heading 1", "综合评价情况及评价结论"), ("Heading 2", "总体结论"),
            ("Normal", f"经自评估，项目绩效目标设定明确、合理。综上，本项目自评得分{fmt(result.total)}分，具体情况如下："),
            ("table", "")]
    out.append(("Normal", f"评价等级为“{result.grade}”。"))
    out += [("Heading 1", "绩效评价指标分析"), ("Heading 2", "项目产出情况。")]
    for n, (ind, detail) in enumerate(rows, start=1):
        if detail is None or detail.target is None:
            continue
        name, unit = name_of(ind.level3), unit_of(ind.unit)
        actual = fmt(detail.actual)
        if ind.level2 == "质量指标":
            text = f"{name}{actual}{unit}。"             # no cue word: 可用率99.9%
        elif n % 2:
            word = {"≥": "不低于", "≤": "小于"}.get(detail.nature, "为")
            text = f"（{n}）{name}{word}{fmt(detail.target)}{unit}。{year}年末实际完成{actual}{unit}，符合项目初始绩效目标。"
        else:
            text = f"（{n}）{name}，{year}年底共有{actual}{unit}，全年使用情况良好。"
        out.append(("Normal", text))
    out += [("Heading 2", "产出成本情况："),
            ("Normal", f"本项目单价按照中标价格确定，项目根据实际情况，实际支付{executed}万元。全年费用使用情况良好。")]
    return out


def score_rows(result) -> list[list[str]]:
    """The seed's score table, summed here from the re-scored rows (not from the writer)."""
    rows = [["评价内容", "满分值", "评估得分"],
            ["项目年度预算执行情况", f"{Decimal(str(result.table.funds.weight or 10)):.2f}", f"{result.funds_score:.2f}"]]
    groups: dict[str, list[Decimal]] = {}
    for ind, detail in zip(result.table.indicators, result.indicators):
        weight, score = groups.setdefault(ind.level1, [Decimal(0), Decimal(0)])
        groups[ind.level1] = [weight + detail.weight, score + detail.score]
    for level1 in form.LEVEL1:
        if level1 in groups:
            weight, score = groups[level1]
            rows.append([GROUP_NAMES[level1], f"{weight:.2f}", f"{score:.2f}"])
    total_weight = sum((Decimal(r[1]) for r in rows[1:]), Decimal(0))
    rows.append(["总计", f"{total_weight:.2f}", f"{result.total:.2f}"])
    return rows


def seed_style_report(result, path: Path) -> Path:
    document = Document()
    for style, text in seed_style_paragraphs(result):
        if style == "table":
            rows = score_rows(result)
            table = document.add_table(rows=len(rows), cols=3)
            for r, values in enumerate(rows):
                for c, value in enumerate(values):
                    table.cell(r, c).text = value
        else:
            document.add_paragraph(text, style=style)
    document.save(str(path))
    return path


def edit(path: Path, old: str, new: str) -> Path:
    """Change ``old`` to ``new`` in the one paragraph or table cell that holds it, as by hand."""
    document = Document(str(path))
    places = [p for p in document.paragraphs if old in p.text]
    places += [c.paragraphs[0] for t in document.tables for row in t.rows for c in row.cells if old in c.text]
    assert len(places) == 1, f"{old!r} occurs {len(places)} times"
    paragraph = places[0]
    text = paragraph.text.replace(old, new)
    for run in paragraph.runs[1:]:
        run._r.getparent().remove(run._r)
    paragraph.runs[0].text = text
    document.save(str(path))
    return path
