"""A native Word column chart (DrawingML ``c:chartSpace``) put into a python-docx document.

Word and LibreOffice draw it from the values cached in the chart part, so no image library and
no embedded workbook are needed, and the chart stays restylable in Word (its data can be seen
but not edited there, as there is no embedded workbook).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.shared import Mm

CHART_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FONT = '<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="1050"><a:latin typeface="Times New Roman"/><a:ea typeface="宋体"/></a:defRPr></a:pPr><a:endParaRPr lang="zh-CN"/></a:p></c:txPr>'


def chart_xml(title: str, series: str, categories: list[str], values: list[float]) -> str:
    """The chart part: one series of columns with value labels."""
    n = len(categories)
    cats = "".join(f'<c:pt idx="{i}"><c:v>{escape(c)}</c:v></c:pt>' for i, c in enumerate(categories))
    vals = "".join(f'<c:pt idx="{i}"><c:v>{v:g}</c:v></c:pt>' for i, v in enumerate(values))
    title_xml = (f'<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="1200" b="1"/></a:pPr>'
                 f'<a:r><a:rPr lang="zh-CN" sz="1200" b="1"><a:ea typeface="宋体"/></a:rPr><a:t>{escape(title)}</a:t></a:r>'
                 f'</a:p></c:rich></c:tx><c:overlay val="0"/></c:title>')
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<c:chartSpace xmlns:c="{C}" xmlns:a="{A}" xmlns:r="{R}"><c:lang val="zh-CN"/>'
        f'<c:roundedCorners val="0"/><c:chart>{title_xml}<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>'
        f'<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
        f'<c:ser><c:idx val="0"/><c:order val="0"/><c:tx><c:strRef><c:f>Sheet1!$B$1</c:f><c:strCache>'
        f'<c:ptCount val="1"/><c:pt idx="0"><c:v>{escape(series)}</c:v></c:pt></c:strCache></c:strRef></c:tx>'
        f'<c:spPr><a:solidFill><a:srgbClr val="4F6D8F"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>'
        f'<c:dLbls><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>{FONT}<c:showLegendKey val="0"/><c:showVal val="1"/>'
        f'<c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>'
        f'<c:cat><c:strRef><c:f>Sheet1!$A$2:$A${n + 1}</c:f><c:strCache><c:ptCount val="{n}"/>{cats}</c:strCache></c:strRef></c:cat>'
        f'<c:val><c:numRef><c:f>Sheet1!$B$2:$B${n + 1}</c:f><c:numCache><c:formatCode>General</c:formatCode>'
        f'<c:ptCount val="{n}"/>{vals}</c:numCache></c:numRef></c:val></c:ser>'
        f'<c:gapWidth val="80"/><c:axId val="5001"/><c:axId val="5002"/></c:barChart>'
        f'<c:catAx><c:axId val="5001"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
        f'<c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="none"/>'
        f'<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>{FONT}<c:crossAx val="5002"/><c:crosses val="autoZero"/>'
        f'<c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        f'<c:valAx><c:axId val="5002"/><c:scaling><c:orientation val="minMax"/><c:min val="0"/></c:scaling><c:delete val="0"/>'
        f'<c:axPos val="l"/><c:majorGridlines><c:spPr><a:ln w="6350"><a:solidFill><a:srgbClr val="D9D9D9"/></a:solidFill></a:ln></c:spPr></c:majorGridlines>'
        f'<c:numFmt formatCode="0" sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/>'
        f'<c:tickLblPos val="nextTo"/>{FONT}<c:crossAx val="5001"/><c:crosses val="autoZero"/><c:crossBetween val="between"/>'
        f'<c:majorUnit val="{_major_unit(values)}"/></c:valAx></c:plotArea><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        f'<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr></c:chartSpace>'
    )


def _major_unit(values: list[float]) -> int:
    top = max(values, default=0)
    return 1 if top <= 10 else 5 if top <= 50 else 10 if top <= 100 else 50


def add_column_chart(paragraph, title: str, series: str, categories: list[str], values: list[float],
                     width_mm: float = 140, height_mm: float = 75) -> None:
    """Replace the text of ``paragraph`` (of a python-docx document) by a column chart."""
    document_part = paragraph.part
    package = document_part.package
    partname = package.next_partname("/word/charts/chart%d.xml")
    part = Part(PackURI(partname), CHART_CONTENT_TYPE,
                chart_xml(title, series, categories, values).encode("utf-8"), package)
    rid = document_part.relate_to(part, RT.CHART)
    number = len(document_part.element.xpath("//wp:docPr")) + 1
    cx, cy = Mm(width_mm), Mm(height_mm)
    drawing = parse_xml(
        f'<w:r xmlns:w="{W}"><w:drawing><wp:inline xmlns:wp="{WP}" distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{number}" name="图表 {number}" descr="{escape(title)}"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic xmlns:a="{A}"><a:graphicData uri="{C}"><c:chart xmlns:c="{C}" xmlns:r="{R}" r:id="{rid}"/>'
        f'</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'
    )
    for run in paragraph.runs:
        run._r.getparent().remove(run._r)
    paragraph._p.append(drawing)
