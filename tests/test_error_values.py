"""Error values in cells: Excel's (#DIV/0! …) are found by the container check and the readers;
LibreOffice's ``Err:5xx`` codes reach perfbook as text when a program exported a LibreOffice
sheet, and were read as numbers (Err:508 was an actual value of 508)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbook_builder.readers.container import error_meaning
from workbook_builder.recalc.run import check_file

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "chaoyang-2024" / "submitted" / "26_朝阳区政府网站功能和监测服务项目.xlsx"


def _findings(tmp_path: Path, cells: dict[str, object]) -> dict[str, str]:
    book = load_workbook(SAMPLE)
    for ref, value in cells.items():
        book.active[ref] = value
    path = tmp_path / SAMPLE.name
    book.save(path)
    [report] = check_file(str(path), None, None, None, path.name)
    return {f.cell: f.message for f in report.findings}


def test_libreoffice_error_codes_are_error_values(tmp_path):
    found = _findings(tmp_path, {"H19": "Err:508", "J19": "Err:502"})   # 实际完成值 and 得分 of 用户满意度
    assert "LibreOffice 错误值 Err:508（公式出错）" in found["H19"]
    assert "LibreOffice 错误值 Err:502（公式出错）" in found["J19"]
    assert not any("508" in message for cell, message in found.items() if cell != "H19")


@pytest.mark.parametrize("value, meaning", [
    ("#DIV/0!", "Excel 错误值 #DIV/0!（除数为零）"), ("Err:508", "LibreOffice 错误值 Err:508（公式出错）"),
    ("Err:5", None), ("Err:5089", None), ("Err:abc", None), ("见Err:508", None), (508, None), (None, None)])
def test_error_meaning(value, meaning):
    assert error_meaning(value) == meaning
