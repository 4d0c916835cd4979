"""Opening an untrusted workbook or Word document safely and fast, as a grid of cell values per
sheet (or per Word table).

Submitted files are untrusted input: nothing is executed (no macros), the format is recognised
by the file's content (not its name), and the container is checked before anything is parsed:

* the file must be a regular file of bounded size;
* zip packages (.xlsx, .xlsm, .xlsb, .ods, .docx) are bounded in decompressed size and ratio (a
  zip bomb is refused), every member is read through once (a corrupt member is found by its
  CRC) and every XML part, whatever its name, size or encoding, is refused if it declares a
  DTD or entities;
* the cell extent of every .xlsx worksheet is measured from its XML before the sheet is loaded,
  so a sheet with a cell at XFD1048576 is refused instead of being allocated;
* OLE files are told apart by their stream names: an encrypted Office file (``EncryptionInfo``),
  a legacy .xls (``Workbook``/``Book``), a legacy Word .doc (``WordDocument``).

Only cached cell values are read, with the Rust reader ``python-calamine`` (workbooks) or
:mod:`.docx` (Word tables). Every problem raises :class:`UnreadableFile` with a Chinese sentence.
Only the standard library is imported at module level: :class:`Grid` and :func:`address` also
run inside Excel through xlwings Lite.
"""

from __future__ import annotations

import math
import os
import posixpath
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path


# Format names (as the JSON and the summary show them) by file suffix.
FORMATS = {".xlsx": "xlsx", ".xlsm": "xlsm", ".xls": "xls", ".xlsb": "xlsb", ".ods": "ods",
           ".et": "et", ".docx": "docx", ".doc": "doc"}
SUFFIXES = set(FORMATS)   # read when found in a folder (.doc only to say it must be saved as .docx)
WORKBOOK_FORMATS = {"xlsx", "xlsm", "xls", "xlsb", "ods", "et"}
MAX_FILE_BYTES = 64 * 1024 * 1024      # a submitted table is a few hundred KB
MAX_UNCOMPRESSED = 256 * 1024 * 1024   # bytes of XML a package may unpack to
MAX_RATIO = 200                        # uncompressed / compressed, per member
MAX_ROWS = 5000                        # rows read per sheet; a self-evaluation table has < 100
MAX_COLUMNS = 64
MAX_CELLS = 4_000_000                  # rows x columns of one sheet's extent, checked before loading
MAX_TEXT = 4000                        # characters kept of one cell's text
_OLE = bytes.fromhex("D0CF11E0A1B11AE1")
_CHUNK = 1 << 20


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

    def address(self, row: int, col: int) -> str:
        """How a user finds the cell at 0-based (row, col): A1 style in a workbook."""
        return address(row, col)

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


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def clean_value(value: object) -> object:
    """A cell value as the readers take it: text cut to :data:`MAX_TEXT` characters, control
    characters (Excel's ``_x000B_`` for a line break pasted from Word, which no XML output may
    hold) written as a line break or as ``\\x0b``-style escapes; NaN and infinities (possible in binary
    formats) as empty."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            value = value[:MAX_TEXT] + "…"
        if _CONTROL.search(value):
            value = _CONTROL.sub(lambda m: "\n" if m.group() == "\x0b" else f"\\x{ord(m.group()):02x}", value)
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# recognising the format ----------------------------------------------------------------------


def _open_regular(path: Path):
    """The file opened for reading, if it is a regular file of bounded size (never a FIFO, a
    device or a directory, which could block or never end). The file is opened without
    blocking and checked on the open descriptor, so it cannot be swapped in between."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as err:
        raise UnreadableFile(f"无法打开文件（{os_reason(err)}）") from None
    info = os.fstat(fd)
    problem = None
    if not stat.S_ISREG(info.st_mode):
        kind = "文件夹" if stat.S_ISDIR(info.st_mode) else "设备、管道或其他特殊文件"
        problem = f"不是普通文件（是{kind}），已跳过"
    elif info.st_size == 0:
        problem = "文件是空的（0 字节）"
    elif info.st_size > MAX_FILE_BYTES:
        problem = f"文件过大（{info.st_size // 2**20} MB，上限 {MAX_FILE_BYTES // 2**20} MB），已拒绝读取"
    if problem:
        os.close(fd)
        raise UnreadableFile(problem)
    return os.fdopen(fd, "rb")


def os_reason(err: OSError) -> str:
    import errno

    return {
        errno.ENOENT: "文件不存在", errno.EACCES: "没有访问权限", errno.EPERM: "没有访问权限",
        errno.ELOOP: "符号链接循环", errno.ENAMETOOLONG: "文件名过长", errno.EISDIR: "是文件夹",
        errno.ENOSPC: "磁盘空间不足", errno.EROFS: "磁盘只读", errno.ENOTDIR: "路径中有一段不是文件夹",
    }.get(err.errno, "系统错误")


def detect_format(path: Path) -> str:
    """The format of ``path`` by its content: one of :data:`FORMATS`' values. Raises
    :class:`UnreadableFile` for what is none of them (with the reason)."""
    with _open_regular(path) as handle:
        head = handle.read(8)
        if head == _OLE:
            data = handle.read(MAX_FILE_BYTES)
            return _ole_format(head + data, path)
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            raise UnreadableFile("文件已损坏或被截断（zip 结构无法读取）") from None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.bin" in names:
            return "xlsb"
        if "xl/workbook.xml" in names:
            return "xlsm" if path.suffix.lower() == ".xlsm" else "xlsx"
        if b"opendocument.text" in mimetype:
            raise UnreadableFile("是 OpenDocument 文字文档（.odt），请另存为 .docx 或 .xlsx")
        if b"opendocument.spreadsheet" in mimetype or ("content.xml" in names and path.suffix.lower() == ".ods"):
            return "ods"
        if any(n.lower() == "xl/workbook.xml" or n.startswith("xl/") for n in names):
            raise UnreadableFile("不是标准的 Excel 包（部件名称不规范，例如大小写不同），请用 Excel 另存为 .xlsx")
        raise UnreadableFile("不是有效的 Excel 或 Word 文件（zip 包中没有工作簿或文档）")
    raise UnreadableFile("不是有效的 Excel 或 Word 文件（不是 zip 格式，可能已损坏或被截断）")


def _ole_format(data: bytes, path: Path) -> str:
    """An OLE compound file by its stream names (stored as UTF-16 in the directory)."""
    def has(name: str) -> bool:
        return name.encode("utf-16-le") in data

    if has("EncryptionInfo") or has("EncryptedPackage"):
        raise UnreadableFile("文件已加密（设置了打开密码），请去掉密码后另存为 .xlsx 或 .docx")
    if has("WordDocument"):
        raise UnreadableFile("是旧版 Word 文档（.doc），请在 Word/WPS 中另存为 .docx")
    if has("Workbook") or has("Book"):
        return "et" if path.suffix.lower() == ".et" else "xls"
    raise UnreadableFile("Office 旧格式文件已损坏或被截断（找不到工作簿或文档的数据流），无法读取")


# checking zip packages -----------------------------------------------------------------------

_DECLARATIONS = (b"<!doctype", b"<!entity")


def _xml_encoding(start: bytes) -> str | None:
    """The encoding of an XML part by its first bytes (XML 1.0, appendix F); ``None`` for an
    ASCII-compatible encoding (where ``<!DOCTYPE`` is its ASCII bytes)."""
    for bom, name in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                      (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
                      (b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"),
                      (b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be")):
        if start.startswith(bom):
            return name
    return None


def _scan_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Read one member through (its CRC is checked at the end) and refuse a DTD or an entity
    declaration anywhere in it, in any case, in an ASCII-compatible encoding or UTF-16/32."""
    with archive.open(member) as part:
        chunk = part.read(_CHUNK)   # _CHUNK is a multiple of 4: UTF-16/32 windows stay aligned
        encoding = _xml_encoding(chunk)
        width = 4 if encoding and "32" in encoding else 2 if encoding else 1
        overlap = b""
        while chunk:
            window = overlap + chunk
            text = window.decode(encoding, "replace").lower().encode() if encoding else window.lower()
            if any(n in text for n in _DECLARATIONS):
                raise UnreadableFile(f"部件 {member.filename} 含 DTD/实体声明，已拒绝读取")
            overlap = window[-16 * width:]
            chunk = part.read(_CHUNK)


def check_package(path: Path, required: str | None = None) -> None:
    """Refuse a zip package that is a bomb, corrupt, or declares a DTD/entities in any part."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            total = sum(m.file_size for m in members)
            if total > MAX_UNCOMPRESSED:
                raise UnreadableFile(f"解压后过大（{total // 2**20} MB），已拒绝读取")
            for member in members:
                if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
                    raise UnreadableFile(f"压缩比异常（{member.filename}），疑似压缩炸弹，已拒绝读取")
                if member.flag_bits & 0x1:
                    raise UnreadableFile("文件已加密（zip 部件设置了密码），请去掉密码后另存")
            if required and required not in {m.filename for m in members}:
                raise UnreadableFile(f"文件不完整（缺少 {required}）")
            for member in members:
                if not member.is_dir():
                    _scan_member(archive, member)
    except zipfile.BadZipFile:
        raise UnreadableFile("文件已损坏或被截断（zip 部件校验失败）") from None
    except (OSError, EOFError, ValueError, NotImplementedError, RuntimeError, zipfile.LargeZipFile, zlib.error):
        raise UnreadableFile("文件已损坏或使用了不支持的压缩方式，无法解压") from None


_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]{1,3})([0-9]{1,7})\"")
_ROW = re.compile(rb"<(?:\w+:)?row\b")
_CELL = re.compile(rb"<(?:\w+:)?c\b")
_ERROR_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*\bt=\"e\"[^>]*)>.*?<(?:\w+:)?v>([^<]{1,20})</", re.S)
_R = re.compile(rb"\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
# Excel's error values, as a user reads them
ERROR_VALUES = {"#DIV/0!": "除数为零", "#N/A": "值不可用", "#NAME?": "无法识别的名称", "#NULL!": "区域不相交",
                "#NUM!": "数值无效", "#REF!": "引用无效", "#VALUE!": "值的类型错误", "#SPILL!": "溢出区域被占用",
                "#CALC!": "计算错误", "#GETTING_DATA": "数据尚未取得"}


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def scan_sheets(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Measure every worksheet of an .xlsx from its XML (cell references, and rows/cells without
    one) and refuse a sheet whose extent exceeds :data:`MAX_CELLS` before calamine allocates it.
    Returns the Excel error values (``#DIV/0!`` …) per sheet name and 0-based (row, col): calamine
    reads them as empty cells, and a user must be told the cell holds an error, not nothing."""
    try:
        return _scan_sheets(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, zlib.error):
        raise UnreadableFile("文件已损坏或被截断（工作表部件无法解压）") from None


def _scan_sheets(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    names = _sheet_names(path)
    errors: dict[str, dict[tuple[int, int], str]] = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            if not (member.filename.startswith("xl/worksheets/") and member.filename.count("/") == 2):
                continue
            sheet = names.get(member.filename, member.filename)
            max_row = max_col = rows = cells = 0
            with archive.open(member) as part:
                tail = b""
                while chunk := part.read(_CHUNK):
                    window = tail + chunk
                    cut = window.rfind(b"</row>")
                    cut = cut + 6 if cut >= 0 else window.rfind(b">") + 1
                    body, tail = window[:cut], window[cut:]
                    for match in _CELL_REF.finditer(body):
                        max_col = max(max_col, _column_number(match.group(1)))
                        max_row = max(max_row, int(match.group(2)))
                    rows += len(_ROW.findall(body))
                    cells += len(_CELL.findall(body))
                    for match in _ERROR_CELL.finditer(body):
                        ref = _R.search(match.group(1))
                        if ref and len(errors.get(sheet, ())) < MAX_ROWS:
                            at = (int(ref.group(2)) - 1, _column_number(ref.group(1)) - 1)
                            errors.setdefault(sheet, {})[at] = match.group(2).decode("ascii", "replace")
            height, width = max(max_row, rows), max(max_col, 1)
            if height * width > MAX_CELLS or cells > MAX_CELLS:
                last = address(max(height, 1) - 1, width - 1)
                raise UnreadableFile(f"工作表“{sheet}”的数据区域过大（到 {last} 单元格，{height} 行 × {width} 列），"
                                     f"超过读取上限，已拒绝读取；请删除表格以外的内容后再提交")
    return errors


def _sheet_names(path: Path) -> dict[str, str]:
    """Worksheet part name -> sheet name, from workbook.xml and its relationships (already
    checked for DTDs; parsed with defusedxml all the same)."""
    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(path) as archive:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # names only improve a message; a broken part is reported by calamine
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    names = {}
    for sheet in book.iter():
        if sheet.tag.endswith("}sheet"):
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            names[part] = sheet.get("name", "")
    return names


# reading -------------------------------------------------------------------------------------

_REQUIRED = {"xlsx": "xl/workbook.xml", "xlsm": "xl/workbook.xml", "xlsb": "xl/workbook.bin",
             "ods": "content.xml", "docx": "word/document.xml"}


def check_container(path: Path) -> tuple[str, dict[str, dict[tuple[int, int], str]]]:
    """Refuse what is not a plain, reasonably sized workbook or Word document before parsing
    anything; return its format and (for .xlsx) the error values of its cells."""
    fmt = detect_format(path)
    if fmt in _REQUIRED:
        check_package(path, _REQUIRED[fmt])
    errors = scan_sheets(path) if fmt in ("xlsx", "xlsm") else {}
    return fmt, errors


def _calamine_reason(err: Exception) -> str:
    text = str(err).lower()
    if "password" in text or "encrypt" in text:
        return "文件已加密（设置了打开密码），请去掉密码后另存为 .xlsx"
    return "文件内容无法解析（结构已损坏或不是受支持的格式），请用 Excel 或 WPS 打开后另存为 .xlsx"


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a file name that is not valid UTF-8 (surrogate escapes)
        return False
    return True


def read_workbook_grids(path: Path, fmt: str, errors: dict | None = None) -> list[Grid]:
    """Every worksheet of a checked workbook as a :class:`Grid` (cached values only; ``errors``
    from :func:`scan_sheets` put back as their ``#…`` texts)."""
    import python_calamine  # here: Grid and address are also used where calamine is not installed

    try:
        if fmt == "et" or path.suffix.lower() != f".{fmt}" or not _encodable(str(path)):
            with path.open("rb") as handle:  # calamine picks the reader from the content
                book = python_calamine.CalamineWorkbook.from_filelike(handle)
        else:
            book = python_calamine.CalamineWorkbook.from_path(str(path))
        grids = []
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            top, left = sheet.start or (0, 0)
            if sheet.height * min(sheet.width, MAX_COLUMNS) > MAX_CELLS * 4:
                raise UnreadableFile(f"工作表“{meta.name}”的数据区域过大（{sheet.height} 行），已拒绝读取")
            rows, truncated = [], False
            for row in sheet.iter_rows():
                if len(rows) >= MAX_ROWS:
                    truncated = True
                    break
                rows.append([clean_value(v) for v in row[:MAX_COLUMNS]])
            for (r, c), text in (errors or {}).get(meta.name, {}).items():
                if 0 <= r - top < len(rows) and 0 <= c - left < len(rows[r - top]):
                    rows[r - top][c - left] = text
            hidden = meta.visible != python_calamine.SheetVisibleEnum.Visible
            grids.append(Grid(meta.name, rows, top, left, hidden, truncated))
    except (UnreadableFile, KeyboardInterrupt, SystemExit):
        raise
    except MemoryError:
        raise UnreadableFile("读取所需内存超过上限（工作表数据区域过大），已拒绝读取") from None
    except BaseException as err:  # calamine's own types for every broken part, and Rust panics
        if fmt == "et":
            raise UnreadableFile("WPS 表格 .et 文件无法直接读取，请在 WPS 中另存为 .xlsx") from None
        raise UnreadableFile(_calamine_reason(err)) from None
    return grids
