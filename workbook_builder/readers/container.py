"""Opening an untrusted workbook safely and fast, as a grid of cell values per sheet.

Submitted workbooks are untrusted input: nothing is executed (no macros), the zip container is
checked before any XML is parsed (decompressed size and ratio are bounded, so a zip bomb is
refused), and only cached cell values are read, with the Rust reader ``python-calamine`` (whose
zip reader verifies the CRC-32 of every part it reads, so a corrupted part is refused without a
second decompression pass here).
Every problem raises :class:`UnreadableFile` with a Chinese sentence.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

SUFFIXES = {".xlsx", ".xlsm"}
MAX_UNCOMPRESSED = 256 * 1024 * 1024   # bytes of XML a workbook may unpack to
MAX_RATIO = 200                        # uncompressed / compressed, per member
MAX_ROWS = 5000                        # rows read per sheet; a self-evaluation table has < 100
MAX_COLUMNS = 64
_OLE = bytes.fromhex("D0CF11E0A1B11AE1")


class UnreadableFile(Exception):
    """A file that cannot be read as a workbook; ``str()`` is the Chinese reason."""


@dataclass
class Grid:
    """One sheet's cached values; ``value(row, col)`` takes 0-based sheet coordinates."""

    name: str
    rows: list[list[object]]
    top: int
    left: int
    hidden: bool = False
    truncated: bool = False

    def value(self, row: int, col: int) -> object:
        r, c = row - self.top, col - self.left
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            value = self.rows[r][c]
            return None if value == "" else value
        return None

    @property
    def bottom(self) -> int:
        return self.top + len(self.rows)

    @cached_property
    def right(self) -> int:
        return self.left + max((len(r) for r in self.rows), default=0)


def address(row: int, col: int) -> str:
    """A1-style address of 0-based coordinates. (No openpyxl here: :class:`Grid` and the table
    readers also run inside Excel through xlwings Lite, where only the standard library is.)"""
    letters, number = "", col + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def check_container(path: Path) -> None:
    """Refuse what is not a plain, reasonably sized xlsx/xlsm before parsing anything."""
    if path.suffix.lower() not in SUFFIXES:
        raise UnreadableFile(f"不是 .xlsx 或 .xlsm 文件（扩展名为“{path.suffix}”）")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as err:
        raise UnreadableFile(f"无法打开文件（{err.strerror or err}）") from None
    if not head:
        raise UnreadableFile("文件是空的（0 字节）")
    if head == _OLE:
        raise UnreadableFile("文件已加密（设置了打开密码）或是旧版 .xls 格式，请去掉密码并另存为 .xlsx")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            total = sum(m.file_size for m in members)
            if total > MAX_UNCOMPRESSED:
                raise UnreadableFile(f"解压后过大（{total // 2**20} MB），已拒绝读取")
            for member in members:
                if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
                    raise UnreadableFile(f"压缩比异常（{member.filename}），疑似压缩炸弹，已拒绝读取")
            names = {m.filename for m in members}
            if "xl/workbook.xml" not in names:
                raise UnreadableFile("不是有效的 Excel 文件（缺少 xl/workbook.xml）")
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    with archive.open(member) as part:
                        if b"<!DOCTYPE" in part.read(2048).upper():
                            raise UnreadableFile(f"{member.filename} 含 DTD/实体声明，已拒绝读取")
    except zipfile.BadZipFile as err:
        if "File is not a zip file" in str(err):
            raise UnreadableFile("不是有效的 Excel 文件（不是 zip 格式，可能已损坏或被截断）") from None
        raise UnreadableFile(f"文件已损坏或被截断（{err}）") from None


def read_grids(path: str | Path) -> list[Grid]:
    """Every worksheet of a workbook as a :class:`Grid` (cached values only)."""
    import python_calamine  # here: Grid and address are also used where calamine is not installed

    path = Path(path)
    check_container(path)
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        grids = []
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            top, left = sheet.start or (0, 0)
            rows, truncated = [], False
            for row in sheet.iter_rows():
                if len(rows) >= MAX_ROWS:
                    truncated = True
                    break
                rows.append(list(row[:MAX_COLUMNS]))
            hidden = meta.visible != python_calamine.SheetVisibleEnum.Visible
            grids.append(Grid(meta.name, rows, top, left, hidden, truncated))
    except UnreadableFile:
        raise
    except Exception as err:  # calamine raises its own types for every broken part
        raise UnreadableFile(f"文件内容无法解析（{type(err).__name__}: {str(err)[:120]}）") from None
    return grids

