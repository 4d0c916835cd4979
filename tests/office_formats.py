"""The submitted samples in the other formats units send: .xls/.ods converted by LibreOffice (one
batched ``soffice`` call per format, private profile) and .docx built with python-docx the way a
unit lays the 自评表 out in Word (title and year as paragraphs, merged 一级/二级 and label cells,
several tables in one document, money written with 万元)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from openpyxl import load_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
TITLE = "项目支出绩效自评表"


def convert(sources: list[Path], fmt: str, outdir: Path, profile: Path) -> list[Path]:
    """``sources`` converted to ``fmt`` by one soffice call; the converted paths, in order."""
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", fmt,
                    "--outdir", str(outdir), *map(str, sources)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    return [outdir / f"{s.stem}.{fmt}" for s in sources]


def convert_groups(groups: dict[str, list[Path]], fmt: str, root: Path, profile: Path) -> dict[str, list[Path]]:
    """Each group's files converted to ``fmt`` into ``root``/group by one soffice call (see
    :func:`tests.libreoffice.in_one_call`)."""
    from tests.libreoffice import in_one_call

    return in_one_call(groups, root, fmt, lambda paths, outdir: convert(paths, fmt, outdir, profile))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def blocks(ws) -> list[tuple[int, list[list[object]]]]:
    """The tables of a sheet as (first row of the table proper, its rows), the title and year
    rows left out; rows are lists of values from column A."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    starts = [i for i, r in enumerate(rows) if r and r[0] == TITLE]
    found = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(rows)
        body = rows[start + 2:end]
        while body and not any(v not in (None, "") for v in body[-1]):
            body.pop()
        found.append((start + 3, body))  # 1-based sheet row of the table's first row
    return found


def _merge_runs(table, cells, body: list[list[object]], width: int) -> None:
    """Merge blank cells into the label above (一级/二级 columns of indicator rows) or to the
    left (label rows): the value stays in the top-left cell, as a merged range keeps it in Excel."""
    header = next(i for i, r in enumerate(body) if "三级指标" in [str(v) for v in r if v is not None])
    total = next(i for i, r in enumerate(body) if r and r[0] == "总分")
    for col in (1, 2):  # 一级, 二级
        i = header + 1
        while i < total:
            j = i + 1
            while j < total and body[j][col] in (None, "") and (body[i][col] not in (None, "")):
                j += 1
            if j - i > 1:
                cells[i * width + col].merge(cells[(j - 1) * width + col])
            i = j
    for i, row in enumerate(body[:header]):
        c = 0
        while c < width:
            if row[c] in (None, ""):
                c += 1
                continue
            d = c + 1
            while d < width and row[d] in (None, ""):
                d += 1
            if d - c > 1:
                cells[i * width + c].merge(cells[i * width + d - 1])
            c = d


def to_docx(source: Path, dest: Path, money: bool = True) -> dict[str, list[tuple[int, int]]]:
    """Write ``source``'s tables into one Word document; return, per sheet, the (table number,
    first sheet row) of each of its tables, to map cell addresses back."""
    import docx

    wb = load_workbook(source)
    document = docx.Document()
    placed: dict[str, list[tuple[int, int]]] = {}
    number = 0
    for ws in wb.worksheets:
        for first_row, body in blocks(ws):
            number += 1
            document.add_paragraph(TITLE)
            document.add_paragraph(_text(ws.cell(first_row - 1, 1).value))
            width = max(len(r) for r in body)
            table = document.add_table(rows=len(body), cols=width)
            table.style = "Table Grid"
            cells = table._cells  # computed once: table.cell() recomputes the whole grid
            for i, row in enumerate(body):
                funds_row = row[1:2] == ["年度资金总额"]
                for c, value in enumerate(row + [None] * (width - len(row))):
                    text = _text(value)
                    if money and funds_row and isinstance(value, float) and c in (2, 3, 4):
                        text += "万元"
                    if text:
                        cells[i * width + c].text = text
            _merge_runs(table, cells, body, width)
            document.add_page_break()
            placed.setdefault(ws.title, []).append((number, first_row))
    document.save(dest)
    return placed


def docx_cell(xlsx_cell: str, tables: list[tuple[int, int]]) -> tuple[str, str]:
    """The (sheet, cell) a finding at ``xlsx_cell`` of a sheet has in the Word copy."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letters, row = coordinate_from_string(xlsx_cell)
    number, first = max((t for t in tables if t[1] <= row), key=lambda t: t[1])
    return f"表格{number}", f"第{row - first + 1}行第{column_index_from_string(letters)}列"
