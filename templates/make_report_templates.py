"""Regenerate the Word report templates in this folder (run from the repo root):

    .venv/bin/python templates/make_report_templates.py

The templates are ordinary .docx files with docxtpl (jinja2) tags: a finance office may open and
restyle them in Word (heading styles, fonts, margins) as long as the ``{{ … }}`` / ``{%p … %}`` /
``{%tr … %}`` tags stay intact. This script only makes the first version of each: A4 with the
margins of GB/T 9704, 仿宋_GB2312 body text, 黑体 / 楷体_GB2312 headings, a 宋体 title, bordered
tables, page numbers in the footer, and font fallbacks (仿宋, 楷体, SimSun, SimHei) in the font
table for machines without the GB2312 fonts.

* ``report_table.docx``: the evaluation report of one 自评表 (context: reports/model.py
  ``TableReportData.context``), in the national outline 一 … 七;
* ``report_framework.docx``: the report of a framework evaluation (评价指标体系评分表; context:
  reports/framework.py ``FrameworkReportData.context``), its 一级指标 as the subsections of 四;
* ``report_multiyear.docx``: the report of a multi-year evaluation (yearly budget tables, yearly
  scores and their average; context: reports/multiyear.py ``MultiYearReportData.context``);
* ``report_portfolio.docx``: the summary of one recalc batch for a finance bureau (context:
  reports/portfolio.py ``PortfolioData.context``).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from lxml import etree
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
BODY_FONT, TITLE_FONT, H1_FONT, H2_FONT = "仿宋_GB2312", "宋体", "黑体", "楷体_GB2312"
LATIN_FONT = "Times New Roman"
FALLBACKS = {  # font → the alternative name written into word/fontTable.xml
    "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "宋体": "SimSun", "黑体": "SimHei",
}


def _fonts(style_or_run, east_asian: str, size: float | None = None, bold: bool | None = None) -> None:
    font = style_or_run.font
    font.name = LATIN_FONT
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def _font_table(document) -> None:
    """Declare the Chinese fonts with GB2312 charset and an alternative name, so that Word and
    LibreOffice substitute a close font where the GB2312 one is missing."""
    part = next(rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable"))
    root = parse_xml(part.blob)
    for name, alt in FALLBACKS.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alt), ("w:charset", "86"), ("w:family", "modern"), ("w:pitch", "fixed")):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            font.append(child)
        root.append(font)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_number_footer(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run("— ")
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
            run = paragraph.add_run()
            run._r.append(el)
        elif kind == "text":
            paragraph.add_run(text)
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            paragraph.add_run()._r.append(el)
    paragraph.add_run(" —")
    for run in paragraph.runs:
        _fonts(run, BODY_FONT, 12)


def new_document():
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    styles = document.styles
    _fonts(styles["Normal"], BODY_FONT, 14)
    styles["Normal"].paragraph_format.line_spacing = 1.5
    styles["Normal"].paragraph_format.first_line_indent = Pt(28)
    _fonts(styles["Title"], TITLE_FONT, 22, True)
    title_format = styles["Title"].paragraph_format
    title_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title_format.first_line_indent = Pt(0)
    title_format.space_after = Pt(6)
    # the default Title style draws a blue rule under the text; official reports have none
    ppr = styles["Title"].element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    _fonts(styles["Subtitle"], BODY_FONT, 14, False)
    styles["Subtitle"].font.italic = False
    styles["Subtitle"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styles["Subtitle"].paragraph_format.first_line_indent = Pt(0)
    for name, font, size in (("Heading 1", H1_FONT, 16), ("Heading 2", H2_FONT, 15), ("Heading 3", BODY_FONT, 14)):
        _fonts(styles[name], font, size, name != "Heading 1")
        styles[name].font.italic = False
        fmt = styles[name].paragraph_format
        fmt.first_line_indent = Pt(28)
        fmt.space_before, fmt.space_after = Pt(6), Pt(3)
        fmt.keep_with_next = True
    _fonts(styles["Table Grid"], BODY_FONT, 10.5)
    _font_table(document)
    _page_number_footer(section)
    return document


def paragraph(document, text: str, style: str | None = None, center: bool = False):
    p = document.add_paragraph(text, style=style)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.first_line_indent = Pt(0)
    return p


def tag(document, text: str) -> None:
    """A paragraph holding only a docxtpl tag (``{%p … %}``): it disappears when rendered."""
    document.add_paragraph(text)


TABLE_SIZE = 10.5   # points: 五号


# Header words of the columns that hold numbers: set right-aligned below the header, as amounts
# and scores are in official tables (年度指标值 and 实际完成值 are text: ≥90%, 优)
NUMERIC = ("预算数", "执行数", "执行率", "实际支出", "分值", "得分", "总分", "张数", "占比", "处数", "问题数")


def loop_table(document, headers: list[str], loop: str, cells: list[str], widths: list[float] | None = None,
               after: list[list[str]] | None = None) -> None:
    """A bordered table: a bold header row, one row repeated by ``{%tr for … %}`` and fixed rows;
    the columns of numbers (:data:`NUMERIC`) right-aligned."""
    numeric = {c for c, header in enumerate(headers) if any(word in header for word in NUMERIC)}
    rows = [headers, [f"{{%tr for {loop} %}}"] + [""] * (len(headers) - 1), cells,
            ["{%tr endfor %}"] + [""] * (len(headers) - 1)] + (after or [])
    table = document.add_table(rows=len(rows), cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = widths is None
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = value
            p = cell.paragraphs[0]
            p.paragraph_format.first_line_indent = Pt(0)
            p.paragraph_format.line_spacing = 1.0
            for run in p.runs:   # 五号, as tables of official documents are set (the body's size broke 产出指标)
                run.font.size = Pt(TABLE_SIZE)
            if r == 0:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                for run in p.runs:
                    run.font.bold = True
            elif c in numeric:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if widths:
                cell.width = Mm(widths[c])
    if widths:
        for column, width in zip(table.columns, widths):
            column.width = Mm(width)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    document.add_paragraph().paragraph_format.line_spacing = 0.5  # air below the table


def narrative(document, key: str) -> None:
    tag(document, f"{{%p for text in narrative.{key} %}}")
    paragraph(document, "{{ text }}")
    tag(document, "{%p endfor %}")


def work_section(d) -> None:
    """二、绩效评价工作开展情况: the same three parts in every report; ``method`` from the data."""
    paragraph(d, "二、绩效评价工作开展情况", "Heading 1")
    paragraph(d, "（一）绩效评价目的、对象和范围", "Heading 2")
    narrative(d, "purpose")
    paragraph(d, "（二）绩效评价原则、评价指标体系、评价方法、评价标准", "Heading 2")
    paragraph(d, "{{ method }}")
    narrative(d, "method")
    paragraph(d, "（三）绩效评价工作过程", "Heading 2")
    narrative(d, "process")


def corrections(d) -> None:
    """What the recalculation found, numbered, each with where it stands; then the narrative."""
    tag(d, "{%p if corrections %}")
    paragraph(d, "{{ corrections_intro }}")
    tag(d, "{%p for c in corrections %}")
    paragraph(d, "{{ c.number }}. {{ c.where }}：{{ c.message }}")
    tag(d, "{%p endfor %}")
    tag(d, "{%p endif %}")
    narrative(d, "conclusion")


def closing_sections(d) -> None:
    """五 … 七 and the footnote: narrative, with the shortfalls the data shows under 五（二）."""
    paragraph(d, "五、主要经验及做法、存在的问题及原因分析", "Heading 1")
    paragraph(d, "（一）主要经验及做法", "Heading 2")
    narrative(d, "experience")
    paragraph(d, "（二）存在的问题及原因分析", "Heading 2")
    tag(d, "{%p for line in shortfalls %}")
    paragraph(d, "{{ line }}")
    tag(d, "{%p endfor %}")
    narrative(d, "problems")
    paragraph(d, "六、有关建议", "Heading 1")
    narrative(d, "suggestions")
    paragraph(d, "七、其他需要说明的问题", "Heading 1")
    narrative(d, "other")
    paragraph(d, "{{ footnote }}")


def table_report() -> None:
    d = new_document()
    paragraph(d, "{{ project }}", "Title")
    paragraph(d, "项目支出绩效评价报告", "Title")
    paragraph(d, "（{{ year_text }}）", "Subtitle")
    paragraph(d, "主管部门：{{ department }}　　实施单位：{{ implementer }}", "Subtitle")

    paragraph(d, "一、基本情况", "Heading 1")
    paragraph(d, "（一）项目概况", "Heading 2")
    paragraph(d, "{{ overview }}")
    loop_table(d, ["资金", "年初预算数（万元）", "全年预算数（万元）", "全年执行数（万元）", "执行率"],
               "f in funds_rows", ["{{ f.name }}", "{{ f.initial }}", "{{ f.annual }}", "{{ f.executed }}", "{{ f.rate }}"],
               [36, 32, 32, 32, 24])
    narrative(d, "background")
    paragraph(d, "（二）项目绩效目标", "Heading 2")
    paragraph(d, "1. 年度总体目标", "Heading 3")
    paragraph(d, "{{ goal_expected }}")
    tag(d, "{%p if goal_actual %}")
    paragraph(d, "实际完成情况：{{ goal_actual }}")
    tag(d, "{%p endif %}")
    narrative(d, "goals")
    paragraph(d, "2. 绩效指标", "Heading 3")
    paragraph(d, "项目共设{{ indicator_count }}个三级指标，年度指标值与实际完成情况如下：")
    loop_table(d, ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
               "i in indicators", ["{{ i.level1 }}", "{{ i.level2 }}", "{{ i.level3 }}", "{{ i.target }}",
                                   "{{ i.actual }}", "{{ i.weight }}", "{{ i.score }}"],
               [20, 22, 34, 24, 28, 14, 14])

    work_section(d)

    paragraph(d, "三、综合评价情况及评价结论", "Heading 1")
    paragraph(d, "{{ conclusion }}")
    loop_table(d, ["评价内容", "满分值", "评估得分"], "s in score_rows", ["{{ s.name }}", "{{ s.weight }}", "{{ s.score }}"],
               [76, 40, 40], after=[["总计", "{{ total_weight }}", "{{ total_score }}"]])
    corrections(d)

    paragraph(d, "四、绩效评价指标分析", "Heading 1")
    tag(d, "{%p for g in analysis %}")
    paragraph(d, "（{{ g.ordinal }}）{{ g.title }}", "Heading 2")
    tag(d, "{%p for line in g.lines %}")
    paragraph(d, "{{ line }}")
    tag(d, "{%p endfor %}")
    tag(d, "{%p endfor %}")
    narrative(d, "analysis")

    closing_sections(d)
    d.save(HERE / "report_table.docx")


def framework_report() -> None:
    d = new_document()
    paragraph(d, "{{ project }}", "Title")
    paragraph(d, "项目支出绩效评价报告", "Title")
    paragraph(d, "（评价指标体系：{{ framework }}）", "Subtitle")

    paragraph(d, "一、基本情况", "Heading 1")
    paragraph(d, "（一）项目概况", "Heading 2")
    paragraph(d, "{{ overview }}")
    narrative(d, "background")
    paragraph(d, "（二）项目绩效目标", "Heading 2")
    narrative(d, "goals")

    work_section(d)

    paragraph(d, "三、综合评价情况及评价结论", "Heading 1")
    paragraph(d, "{{ conclusion }}")
    loop_table(d, ["评价内容", "满分值", "评估得分"], "s in score_rows", ["{{ s.name }}", "{{ s.weight }}", "{{ s.score }}"],
               [76, 40, 40], after=[["总计", "{{ total_weight }}", "{{ total_score }}"]])
    corrections(d)

    paragraph(d, "四、绩效评价指标分析", "Heading 1")
    tag(d, "{%p for g in analysis %}")
    paragraph(d, "（{{ g.ordinal }}）{{ g.title }}", "Heading 2")
    tag(d, "{%p for s in g.seconds %}")
    paragraph(d, "{{ s.title }}", "Heading 3")
    tag(d, "{%p for line in s.lines %}")
    paragraph(d, "{{ line }}")
    tag(d, "{%p endfor %}")
    tag(d, "{%p endfor %}")
    tag(d, "{%p endfor %}")
    narrative(d, "analysis")

    closing_sections(d)
    d.save(HERE / "report_framework.docx")


def multiyear_report() -> None:
    d = new_document()
    paragraph(d, "{{ project }}", "Title")
    paragraph(d, "项目支出绩效评价报告", "Title")
    paragraph(d, "（{{ span }}度）", "Subtitle")

    paragraph(d, "一、基本情况", "Heading 1")
    paragraph(d, "（一）项目概况", "Heading 2")
    paragraph(d, "{{ overview }}")
    narrative(d, "background")
    paragraph(d, "（二）项目明细及预算分配", "Heading 2")
    tag(d, "{%p for y in years %}")
    paragraph(d, "{{ y.title }}（单位：万元）", center=True)
    loop_table(d, ["项目及明细", "预算数（调整前）", "预算数（调整后）", "实际支出", "备注"], "r in y.rows",
               ["{{ r.name }}", "{{ r.before }}", "{{ r.after }}", "{{ r.actual }}", "{{ r.note }}"],
               [46, 26, 26, 22, 36])
    tag(d, "{%p endfor %}")
    paragraph(d, "（三）项目绩效目标", "Heading 2")
    narrative(d, "goals")

    work_section(d)

    paragraph(d, "三、综合评价情况及评价结论", "Heading 1")
    paragraph(d, "{{ conclusion }}")
    loop_table(d, ["年度", "评价得分"], "s in score_rows", ["{{ s.name }}", "{{ s.score }}"], [78, 78],
               after=[["平均得分", "{{ average }}"]])
    corrections(d)

    paragraph(d, "四、绩效评价指标分析", "Heading 1")
    tag(d, "{%p for g in analysis %}")
    paragraph(d, "（{{ g.ordinal }}）{{ g.title }}", "Heading 2")
    tag(d, "{%p if g.table %}")
    loop_table(d, ["年度", "预算数（调整前）", "预算数（调整后）", "实际支出", "执行率"], "e in execution_rows",
               ["{{ e.year }}", "{{ e.before }}", "{{ e.after }}", "{{ e.actual }}", "{{ e.rate }}"],
               [28, 34, 34, 34, 26],
               after=[["合计", "{{ execution_total.before }}", "{{ execution_total.after }}",
                       "{{ execution_total.actual }}", "{{ execution_total.rate }}"]])
    tag(d, "{%p endif %}")
    tag(d, "{%p for line in g.lines %}")
    paragraph(d, "{{ line }}")
    tag(d, "{%p endfor %}")
    tag(d, "{%p endfor %}")
    narrative(d, "analysis")

    closing_sections(d)
    d.save(HERE / "report_multiyear.docx")


def portfolio_report() -> None:
    d = new_document()
    paragraph(d, "项目支出绩效自评表复核情况报告", "Title")
    paragraph(d, "（{{ subtitle }}）", "Subtitle")
    paragraph(d, "一、总体情况", "Heading 1")
    paragraph(d, "{{ overview }}")
    paragraph(d, "二、复核等级分布", "Heading 1")
    paragraph(d, "{{ distribution_text }}")
    paragraph(d, "{{ chart }}", center=True)
    loop_table(d, ["等级", "张数", "占比"], "g in grades", ["{{ g.grade }}", "{{ g.count }}", "{{ g.share }}"],
               [52, 52, 52], after=[["合计", "{{ tables }}", "100.0%"]])
    paragraph(d, "三、发现问题的自评表", "Heading 1")
    paragraph(d, "{{ findings_text }}")
    tag(d, "{%p if flagged %}")   # (a clean batch: no empty tables under its sentence)
    loop_table(d, ["序号", "项目名称", "填报总分", "复核总分", "等级", "问题数"], "t in flagged",
               ["{{ t.number }}", "{{ t.project }}", "{{ t.reported }}", "{{ t.computed }}", "{{ t.grade }}", "{{ t.count }}"],
               [12, 64, 20, 20, 22, 18])   # (等级 holds 无法计算 on one line)
    tag(d, "{%p endif %}")
    paragraph(d, "四、问题类型", "Heading 1")
    tag(d, "{%p if kinds %}")
    loop_table(d, ["问题类型", "处数", "涉及自评表"], "k in kinds", ["{{ k.label }}", "{{ k.count }}", "{{ k.tables }}"],
               [50, 20, 86])
    tag(d, "{%p else %}")
    paragraph(d, "无。")
    tag(d, "{%p endif %}")
    paragraph(d, "五、问题明细", "Heading 1")
    tag(d, "{%p if not flagged %}")
    paragraph(d, "无。")
    tag(d, "{%p endif %}")
    tag(d, "{%p for t in flagged %}")
    paragraph(d, "（{{ t.ordinal }}）#{{ t.number }} {{ t.project }}", "Heading 2")
    paragraph(d, "{{ t.where }}")
    tag(d, "{%p for f in t.findings %}")
    paragraph(d, "{{ loop.index }}. {{ f }}")
    tag(d, "{%p endfor %}")
    tag(d, "{%p endfor %}")
    tag(d, "{%p if unreadable %}")
    paragraph(d, "六、无法读取的文件", "Heading 1")
    tag(d, "{%p for u in unreadable %}")
    paragraph(d, "{{ loop.index }}. {{ u }}")
    tag(d, "{%p endfor %}")
    tag(d, "{%p endif %}")
    paragraph(d, "{{ footnote }}")
    d.save(HERE / "report_portfolio.docx")


if __name__ == "__main__":
    table_report()
    framework_report()
    multiyear_report()
    portfolio_report()
    print("已生成：report_table.docx、report_framework.docx、report_multiyear.docx、report_portfolio.docx")
