"""Opening an untrusted workbook or Word document safely and fast, as a grid of cell values per
sheet (or per Word table).

Submitted files are untrusted input: nothing is executed (no macros), the format is recognised
by the file's content (not its name), and the container is checked before anything is parsed:

* the file must be a regular file of bounded size; it is read once, and the checks and the
  reader work on those bytes (the file cannot be swapped in between);
* zip packages (.xlsx, .xlsm, .xlsb, .ods, .docx) are bounded in decompressed size and ratio (a
  zip bomb is refused), and every member is inflated once, in bounded chunks, for all the
  checks together: its CRC (a corrupt member is refused), a DTD or entity declaration anywhere
  in any part whatever its name, size or encoding (refused), and for every part that may be
  loaded as a worksheet its cell extent, cells placed as calamine places them, so a sheet with
  a cell at XFD1048576 is refused instead of being allocated (a counting fast path lets the
  usual sheet through without looking at each cell);
* OLE files are told apart by their stream names: an encrypted Office file (``EncryptionInfo``),
  a legacy .xls (``Workbook``/``Book``; encrypted when FILEPASS follows its first BOF), a legacy
  Word .doc (``WordDocument``); an .ods whose manifest lists encryption is encrypted too.

Only cached cell values are read, with the Rust reader ``python-calamine`` (workbooks) or
:mod:`.docx` (Word tables). Every problem raises :class:`UnreadableFile` with a Chinese sentence.
Only the standard library is imported at module level: :class:`Grid` and :func:`address` also
run inside Excel through xlwings Lite.
"""

from __future__ import annotations

import bisect
import codecs
import html
import io
import itertools
import math
import os
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import ClassVar

from addin.engine.numbers import LIBREOFFICE_ERROR

from ..files import os_reason



# Format names (as the JSON and the summary show them) by file suffix.
FORMATS = {".xlsx": "xlsx", ".xlsm": "xlsm", ".xls": "xls", ".xlsb": "xlsb", ".ods": "ods",
           ".et": "et", ".docx": "docx", ".doc": "doc"}
WORD_FORMATS = {"docx", "doc"}         # a .doc is read as the .docx LibreOffice makes of it (see .word97)
# read when found in a folder; templates and
# macro-enabled documents too: their content tells the format (an .xltx is an xlsx workbook)
SUFFIXES = set(FORMATS) | {".xltx", ".xltm", ".xlt", ".ett", ".docm", ".dotx", ".dotm"}
BIFF_SUFFIXES = (".xls", ".xlt", ".et", ".ett")   # Excel 97-2003 workbooks and WPS's, and their templates
WORKBOOK_FORMATS = {"xlsx", "xlsm", "xls", "xlsb", "ods", "et"}
MAX_FILE_BYTES = 64 * 1024 * 1024      # a submitted table is a few hundred KB
MAX_UNCOMPRESSED = 256 * 1024 * 1024   # bytes of XML a package may unpack to
MAX_RATIO = 200                        # uncompressed / compressed, per member of at least RATIO_FROM bytes
RATIO_FROM = 16 * 2**20                # (a smaller one is no bomb: a styles.xml bloated by copying, 64,000
                                       # identical formats in 4.9 MB, compresses 282 times)
MAX_ROWS = 5000                        # rows read per sheet; a self-evaluation table has < 100
MAX_LIST_ROWS = 100_000                # rows of a project list (one per indicator: 1,500 projects ~ 9,000)
NUMBER = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"   # a number as typed, 1,200.5 (Word cells, amounts)
MAX_COLUMNS = 64
MAX_LIST_COLUMNS = 256   # columns of a project list (a budget system's export of every field)
MAX_CELLS = 4_000_000                  # rows x columns of one sheet's extent, checked before loading
MAX_TEXT = 4000                        # characters kept of one cell's text
OLE = bytes.fromhex("D0CF11E0A1B11AE1")   # how an OLE file begins: .xls, .et, .doc, an encrypted Office file
_CHUNK = 1 << 20
_STORE_AT_MOST = 1 << 20               # a package this small is handed to calamine stored (Checked.stored)


class UnreadableFile(Exception):
    """A file that cannot be read as a workbook; ``str()`` is the Chinese reason."""


def reason_of_one(err: Exception) -> str:
    """A reading failure's reason as a command reading that one file says it: without the
    ，已跳过 a batch adds (its other files go on)."""
    return str(err).removesuffix("，已跳过")


class OutOfMemory(UnreadableFile):
    """Memory ran out while a file was read: the file's reason when it was read alone, and a
    sign to read it again alone when other files were held at the same time."""


@dataclass
class Grid:
    """One sheet's cached values; ``value(row, col)`` takes 0-based sheet coordinates."""

    name: str
    rows: list[list[object]]
    top: int
    left: int
    hidden: bool = False
    truncated: bool = False
    # 0-based (row, col) of formula cells saved without their result (a file written by a program
    # and never opened in Excel): read as empty, and said to be formulas (see check_package)
    no_result: frozenset[tuple[int, int]] = frozenset()
    # 0-based (row, col) of the cells formatted as percentages: a number there is shown as one,
    # which the readers take for the fields that hold percentages (see shown)
    percent: frozenset[tuple[int, int]] = frozenset()
    # 0-based (row, col) of the cells whose formula calls one of perfbook's functions (PERF_*) and
    # holds no error value: what such a cell holds where the add-in is missing is whatever the
    # office suite cached, not the add-in's result (see tables._not_computed)
    own_formulas: frozenset[tuple[int, int]] = frozenset()
    # 0-based (row, col) -> the formula of a cell showing an error value (see ErrorValue)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    KIND: ClassVar[str] = "工作表"   # what a message calls a grid of its kind (a Word table: no sheet)

    def value(self, row: int, col: int) -> object:
        r, c = row - self.top, col - self.left
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            value = self.rows[r][c]
            return None if value == "" else value
        return None

    def shown(self, row: int, col: int) -> object:
        """:meth:`value`, a number from 0 to 2 in a cell formatted as a percentage as the
        percentage shown (``100%`` for 1, see :func:`percent_text`): for a 年度指标值 or 实际完成值,
        where Excel stores ``100%`` typed into a cell as 1. A larger number there (90) was pasted
        or written by a program, not typed (Excel turns 90 typed into such a cell into 0.9): it
        is already the percentage, as the frameworks read a number over 2 under a % criterion.
        (A 得分, 分值 or amount in such a cell is read as stored: a percent format left on it
        by a copied style is not what the unit meant.)"""
        value = self.value(row, col)
        if self.percent and (row, col) in self.percent and value.__class__ in (int, float) and -2 <= value <= 2:
            return percent_text(value)
        return value

    def address(self, row: int, col: int) -> str:
        """How a user finds the cell at 0-based (row, col): A1 style in a workbook."""
        return address(row, col)

    @property
    def bottom(self) -> int:
        return self.top + len(self.rows)

    @cached_property
    def right(self) -> int:
        return self.left + max((len(r) for r in self.rows), default=0)


@lru_cache(maxsize=1 << 16)
def address(row: int, col: int) -> str:
    """A1-style address of 0-based coordinates. (No openpyxl here: :class:`Grid` and the table
    readers also run inside Excel through xlwings Lite, where only the standard library is.)"""
    letters, number = "", col + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
# characters that show nothing, pasted from web pages into templates (得\u200b分 is 得分 on screen)
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")   # (and the soft hyphen)


def compressed_like_a_bomb(size: int, compressed: int) -> bool:
    """Whether a part or member inflating to ``size`` bytes from ``compressed`` is packed as only a
    bomb is: more than :data:`MAX_RATIO` times, and large (from :data:`RATIO_FROM`)."""
    return size >= RATIO_FROM and size / max(compressed, 1) > MAX_RATIO


def clean_value(value: object) -> object:
    """A cell value as the readers take it: text cut to :data:`MAX_TEXT` characters, control
    characters (Excel's ``_x000B_`` for a line break pasted from Word, which no XML output may
    hold) written as a line break or as ``\\x0b``-style escapes, zero-width characters and byte
    order marks (pasted from web pages: ``得\u200b分`` shows as 得分) left out; NaN and
    infinities (a number cell holding NaN or 1e309) as Excel's #NUM!, the value Excel shows for a
    number it cannot hold (they had been read as empty: 年度指标值为空 for a filled cell)."""
    if isinstance(value, str):
        if _INVISIBLE.search(value):
            value = _INVISIBLE.sub("", value)
        if len(value) > MAX_TEXT:
            value = value[:MAX_TEXT] + "…"
        if _CONTROL.search(value):
            value = _CONTROL.sub(lambda m: "\n" if m.group() == "\x0b" else f"\\x{ord(m.group()):02x}", value)
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return "#NUM!"
    return value


# recognising the format ----------------------------------------------------------------------


def open_regular(path: Path | str) -> tuple[int, int]:
    """A descriptor open for reading and the file's size, if it is a regular file (never a FIFO,
    a device or a directory, which could block or never end). The file is opened without
    blocking and checked on the open descriptor, so it cannot be swapped in between."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as err:
        raise UnreadableFile(f"无法打开文件（{os_reason(err)}）") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = "文件夹" if stat.S_ISDIR(info.st_mode) else "设备、管道或其他特殊文件"
        raise UnreadableFile(f"不是普通文件（是{kind}）")
    return fd, info.st_size


def read_regular(path: Path | str, limit: int | None = None, empty: bool = False) -> bytes:
    """The whole file, read once through a descriptor checked by :func:`open_regular` (the checks
    and the reader see the same bytes: the file cannot be swapped in between), of at most
    ``limit`` bytes (:data:`MAX_FILE_BYTES`), and not empty unless ``empty``. Raises
    :class:`UnreadableFile`."""
    limit = MAX_FILE_BYTES if limit is None else limit
    fd, size = open_regular(path)
    too_large = f"文件过大（{{}} MB，上限 {limit // 2**20} MB），已拒绝读取"
    if (size == 0 and not empty) or size > limit:
        os.close(fd)
        raise UnreadableFile("文件是空的（0 字节）" if size == 0 else too_large.format(size // 2**20))
    parts, total, want = [], 0, size + 1   # the measured size and a byte more, to see it grew
    try:
        while total <= limit and (chunk := os.read(fd, want)):
            parts.append(chunk)
            if len(chunk) < want:   # a short read of a regular file: its end
                break
            total, want = total + len(chunk), _CHUNK
    finally:
        os.close(fd)
    data = parts[0] if len(parts) == 1 else b"".join(parts)
    if len(data) > limit:   # grown since it was measured
        raise UnreadableFile(too_large.format(len(data) // 2**20))
    return data


def detect_format(path: Path) -> str:
    """The format of ``path`` by its content: one of :data:`FORMATS`' values. Raises
    :class:`UnreadableFile` for what is none of them (with the reason)."""
    return _format(read_regular(path), path)[0]


_SMALL_PART = 1 << 20   # a mimetype or [Content_Types].xml is a few KB


def _small_part(archive: _Package, name: str) -> bytes:
    """Part ``name`` when the package has it at a plausible size, else nothing: it is read before
    :func:`check_package` bounds what a package unpacks to (a bomb is refused there)."""
    member = next((m for m in reversed(archive.infolist()) if m.filename == name), None)
    return archive.read(name) if member is not None and member.file_size <= _SMALL_PART else b""


_OFFICE_DOCUMENT = re.compile(rb"<(?:[\w.-]+:)?Relationship\s(?=[^<>]*Type\s*=\s*[\"'][^\"']*/officeDocument[\"'])"
                              rb"[^<>]*Target\s*=\s*[\"']/?([^\"']*)[\"']")


def _main_part(archive: _Package) -> str:
    """The part the package's own relationships name as its main document (``_rels/.rels``,
    as Excel and Word open it), or ""."""
    found = _OFFICE_DOCUMENT.search(_small_part(archive, "_rels/.rels"))
    return found.group(1).decode("utf-8", "replace") if found else ""


def _format(data: bytes, path: Path) -> tuple[str, _Package | None]:
    """The format of a file's bytes, and the zip package opened on them (for a zip format)."""
    if data[:8] == OLE:
        return _ole_format(data, path), None
    if data.startswith(b"PK"):
        try:
            archive = _Package(data)
            names = set(archive.namelist())
            mimetype = _small_part(archive, "mimetype")[:100]
            types = _small_part(archive, "[Content_Types].xml") if "xl/workbook.xml" in names else b""
        except _ZIP_ERRORS:
            raise UnreadableFile("文件已损坏或被截断（zip 结构无法读取）") from None
        if "word/document.xml" in names and ("xl/workbook.xml" not in names or _main_part(archive) == "word/document.xml"):
            return "docx", archive   # (with a workbook too: the main part the package names decides)
        if "xl/workbook.bin" in names:
            return "xlsb", archive
        if "xl/workbook.xml" in names:   # macro-enabled by its content type, whatever its name says
            return ("xlsm" if b"macroenabled.main+xml" in types.lower() else "xlsx"), archive
        if b"opendocument.text" in mimetype:
            raise UnreadableFile("是 OpenDocument 文字文档（.odt），请另存为 .docx 或 .xlsx")
        if b"opendocument.spreadsheet" in mimetype or ("content.xml" in names and path.suffix.lower() == ".ods"):
            if _ENCRYPTED_CONTENT.search(_small_part(archive, "META-INF/manifest.xml")):   # (not a macro library's only)
                raise UnreadableFile("文件已加密（设置了打开密码），请去掉密码后另存为 .xlsx 或 .ods")
            return "ods", archive
        if any(n.lower() == "xl/workbook.xml" or n.startswith("xl/") for n in names):
            raise UnreadableFile("不是标准的 Excel 包（部件名称不规范，例如大小写不同），请用 Excel 另存为 .xlsx")
        raise UnreadableFile("不是有效的 Excel 或 Word 文件（zip 包中没有工作簿或文档）")
    page = sniff_markup(data)
    if page is not None:   # read by .markup
        return page, None
    raise UnreadableFile(_other_text(data) or "不是有效的 Excel 或 Word 文件（不是 zip 格式，可能已损坏或被截断）")


_SAVE_AS_XLSX = "请用 Excel 或 WPS 打开后另存为 .xlsx 再报送"


# Other kinds of file by their first bytes: what a file of a table's name is when it is none
# (a PDF or a scan sent instead, an archive renamed), said instead of "damaged"
# (magic, what it is, whether it is an archive of another kind, to unpack)
OTHER_KINDS = ((b"%PDF-", "是 PDF 文件", False), (b"Rar!\x1a\x07", "是 RAR 压缩包", True),
               (b"7z\xbc\xaf\x27\x1c", "是 7z 压缩包", True), (b"\x1f\x8b", "是 gzip 压缩文件", True),
               (b"\xff\xd8\xff", "是 JPEG 图片", False), (b"\x89PNG\r\n\x1a\n", "是 PNG 图片", False),
               (b"%!PS", "是 PostScript 文件", False))
_NOT_A_TABLE = "，不是 Excel 工作簿或 Word 文档：请提供 Excel 或 Word 原文件"
UNPACK_FIRST = "请解压后复核其中的文件（或重新打包为 .zip）"


def other_kind(data: bytes) -> tuple[str, bool] | None:
    """What a file that is no table is by its first bytes (是 PDF 文件 …) and whether it is an
    archive to unpack; ``None`` when unknown."""
    return next(((kind, packed) for magic, kind, packed in OTHER_KINDS if data.startswith(magic)), None)


def _other_text(data: bytes) -> str | None:
    """What a file that Excel, WPS or Word opens but perfbook does not read is (an RTF
    document, a SYLK sheet, a CSV or tab-separated export; a PDF, an image, an archive of
    another kind), in a reason that says what to send; ``None`` for anything else."""
    head = data[:_HEAD]
    if other := other_kind(head):
        kind, packed = other
        return kind + (f"，{UNPACK_FIRST}" if packed else _NOT_A_TABLE)
    if head.startswith(b"{\\rtf"):
        return "是 RTF 文档，不是 Word .docx 文档：请用 Word 或 WPS 打开后另存为 .docx 再报送"
    if head.startswith(b"ID;P"):
        return f"是 SYLK 文本表格，不是 Excel 工作簿：{_SAVE_AS_XLSX}"
    text = decode_text(head, strict=False)
    if "\x00" in text or text.count("\ufffd") * 100 > len(text):
        return None   # bytes, not text
    if text.lstrip().startswith(("{", "[")) and re.match(r'\s*[{\[]\s*["{\[\]}]', text):
        return "是 JSON 文本文件，不是 Excel 工作簿或 Word 文档（由复核结果 JSON 生成批次报告请用 perfbook report portfolio）"
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if len(lines) >= 2 and all("\t" in line or "," in line or "，" in line for line in lines[:5]):
        return f"是文本文件（CSV 或制表符分隔的导出），不是 Excel 工作簿：{_SAVE_AS_XLSX}"
    if lines and "\ufffd" not in text and all(c.isprintable() or c in "\r\n\t" for c in text):
        return "是文本文件" + _NOT_A_TABLE   # (a note, a .txt renamed: said as such, not as damaged)
    return None


SPREADSHEET_XML = "urn:schemas-microsoft-com:office:spreadsheet"   # Excel 2003 XML's namespace
_CHARSET = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_HEAD = 4096
_MARKUP_HEAD = 1 << 16   # bytes a page or XML spreadsheet is recognised by
# What a page may declare (the rest, such as idna or rot13, would alter its text): names as
# codecs.lookup gives them.
_PAGE_CODECS = {codecs.lookup(n).name for n in (
    "utf-8", "gb18030", "gbk", "gb2312", "big5", "big5hkscs", "ascii", "latin-1", "iso-8859-15", "cp1252",
    "shift_jis", "euc-jp", "euc-kr")}


def sniff_markup(data: bytes) -> str | None:
    """``"html"``, ``"xml2003"`` or ``"mhtml"`` for a web page or Excel 2003 XML spreadsheet
    (what many systems export as .xls), by its first bytes; else ``None``."""
    head = decode_text(data.lstrip(b" \t\r\n")[:_HEAD], strict=False).lstrip().lower()
    if head.startswith("mime-version:") or ("multipart/related" in head and "content-type:" in head):
        return "mhtml"
    if not head.startswith("<"):
        return None
    head = decode_text(data[:_MARKUP_HEAD], strict=False).lower()   # past long comments or styles
    if SPREADSHEET_XML in head and re.search(r"<(?:[\w.-]+:)?workbook[\s>]", head):
        return "xml2003"
    if head.lstrip().startswith(("<!doctype html", "<html")) or re.search(r"<(?:table|html)[\s>]", head):
        return "html"   # (a page without a table is then refused as such)
    return None


def decode_text(data: bytes, strict: bool = True) -> str:
    """The text of a page: by its byte-order mark, its declared charset, UTF-8, else GB18030
    (what a page declared GB2312 but written in GBK, the usual case, comes to)."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(codec, "replace")
    if data[:1] == b"<" and data[1:2] == b"\x00" or data[:2] == b"\x00<":   # UTF-16 without its mark
        return data.decode("utf-16-le" if data[:1] == b"<" else "utf-16-be", "replace")
    declared = _CHARSET.search(data[:_HEAD])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        try:
            if codecs.lookup(name).name in _PAGE_CODECS:
                return data.decode(name, "strict" if strict else "replace")
        except (LookupError, UnicodeDecodeError):   # unknown, or not what the bytes are
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


def excel_sheet_name(text: str) -> str:
    """``text`` as Excel accepts a sheet's name: ``[]:*?/\\`` each as _, no control character or
    non-character (the length is the caller's: 31 at most)."""
    return _SHEET_FORBIDDEN.sub("_", _SHEET_DROPPED.sub("", text))


_SHEET_DROPPED = re.compile(r"[\x00-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


# The workbook globals' BOF record (BIFF8, BIFF5: type 0x0809, its length, version, type 5) and
# FILEPASS (0x002F), which follows it directly in a workbook saved with a password to open
_BOF_GLOBALS = ((b"\x09\x08\x10\x00\x00\x06\x05\x00", 16), (b"\x09\x08\x08\x00\x00\x05\x05\x00", 8))
_FILEPASS = b"\x2f\x00"


def _encrypted_biff(data: bytes) -> bool:
    """Whether an .xls workbook's globals begin with FILEPASS: a password to open it (calamine
    only says it cannot parse the file)."""
    return any(data[m.start() + 4 + size:m.start() + 6 + size] == _FILEPASS   # (the record after the BOF's)
               for bof, size in _BOF_GLOBALS for m in re.finditer(re.escape(bof), data))


# an .ods's manifest entry for content.xml with encryption data: its sheets need the password
_ENCRYPTED_CONTENT = re.compile(rb'<(?:[\w.-]+:)?file-entry\b[^>]*full-path="content\.xml"[^>]*(?<!/)>'
                                rb'(?:(?!</(?:[\w.-]+:)?file-entry)[\s\S])*?encryption-data')


def _encrypted_doc(data: bytes) -> bool:
    """Whether a Word 97–2003 document has a password to open it: the fEncrypted bit of its
    WordDocument stream's FIB ([MS-DOC] 2.5.2). LibreOffice had only failed to convert it (said
    as a damaged file); a stream that cannot be found is left to the conversion to refuse."""
    from xlrd.compdoc import CompDoc

    try:
        stream = CompDoc(data, logfile=io.StringIO()).get_named_stream("WordDocument")
    except Exception:   # (xlrd raises anything on a damaged compound file)
        return False
    return stream is not None and len(stream) >= 12 and bool(struct.unpack_from("<H", stream, 0x0A)[0] & 0x0100)


def _ole_format(data: bytes, path: Path) -> str:
    """An OLE compound file by its stream names (stored as UTF-16 in the directory, ended by a
    null character: not a word in the text, such as a font named Book Antiqua), compared
    ignoring case (a generator's WORKBOOK is Excel's, xlrd's and calamine's Workbook)."""
    folded = data.lower()   # (bytes.lower changes ASCII letters only: the names' UTF-16 bytes)

    def has(name: str) -> bool:
        return name.lower().encode("utf-16-le") + b"\x00\x00" in folded

    if has("EncryptionInfo") or has("EncryptedPackage"):
        raise UnreadableFile("文件已加密（设置了打开密码），请去掉密码后另存为 .xlsx 或 .docx")
    workbook = has("Workbook") or has("Book")
    if has("WordDocument") and not (workbook and path.suffix.lower() in BIFF_SUFFIXES):
        if _encrypted_doc(data):
            raise UnreadableFile("文件已加密（设置了打开密码），请去掉密码后另存为 .docx")
        return "doc"   # (a workbook holding a Word object has both streams: its name decides)
    if workbook:
        if _encrypted_biff(data):
            raise UnreadableFile("文件已加密（设置了打开密码），请去掉密码后另存为 .xlsx")
        return "et" if path.suffix.lower() in (".et", ".ett") else "xls"
    raise UnreadableFile("Office 旧格式文件已损坏或被截断（找不到工作簿或文档的数据流），无法读取")


# zip packages ---------------------------------------------------------------------------------

_END = struct.Struct("<4s4H2LH")                  # end of central directory record
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")        # central directory file header (as zipfile)
_ZIP64_LOCATOR = b"PK\x06\x07"
_MAX_VERSION = 63                                 # "version needed to extract" zipfile reads
# what opening a package (_Package, or zipfile for what _directory leaves to it) raises for a
# damaged one: refused as such (tests/test_zip_differential.py holds it to nothing else)
try:   # what zipfile's lzma decompressor raises for a corrupt member (zipfile imports lzma already)
    from lzma import LZMAError as _LZMA_ERROR
except ImportError:   # no lzma (Pyodide): zipfile refuses an lzma member as not implemented
    _LZMA_ERROR = zlib.error
_ZIP_ERRORS = (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError, zlib.error,
               _LZMA_ERROR)


class _Entry:
    """A member of a zip package as its central directory states it: the attributes of
    :class:`zipfile.ZipInfo` that the checks read."""

    __slots__ = ("filename", "orig_filename", "raw_name", "flag_bits", "compress_type", "CRC", "compress_size",
                 "file_size", "header_offset")

    def is_dir(self) -> bool:
        return self.filename.endswith("/")


def _directory(data: bytes) -> list[_Entry] | None:
    """The members of a plain zip package (one disk, no zip64, nothing before or after it),
    read with :mod:`struct` alone, as :mod:`zipfile` reads them; ``None`` for any other package,
    which :mod:`zipfile` then reads (or refuses)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - _END.size - 0xFFFF))
    if end < 0 or len(data) - end < _END.size:
        return None
    _, disk, first_disk, here, total, size, offset, comment = _END.unpack_from(data, end)
    if (disk or first_disk or here != total or end + _END.size + comment != len(data) or offset + size != end
            or data[max(0, end - 20):end - 16] == _ZIP64_LOCATOR):
        return None
    entries, at = [], offset
    for _ in range(total):
        if at + _CENTRAL.size > end:
            return None
        (magic, _, _, version, _, flags, method, _, _, crc, compressed, size, name_length, extra_length,
         comment_length, _, _, _, header) = _CENTRAL.unpack_from(data, at)
        at += _CENTRAL.size
        extra = data[at + name_length:at + name_length + extra_length]
        if (magic != b"PK\x01\x02" or 0xFFFFFFFF in (compressed, size, header) or version > _MAX_VERSION
                or (extra and not _plain_extra(extra))):
            return None
        raw_name = data[at:at + name_length]
        try:
            name = raw_name.decode("utf-8" if flags & 0x800 else "cp437")
        except UnicodeDecodeError:
            return None
        entry = _Entry()
        entry.orig_filename, entry.filename = name, name.split("\x00", 1)[0]   # zipfile cuts at a NUL
        entry.raw_name = raw_name
        entry.flag_bits, entry.compress_type, entry.CRC = flags, method, crc
        entry.compress_size, entry.file_size, entry.header_offset = compressed, size, header
        entries.append(entry)
        at += name_length + extra_length + comment_length
    return entries if at == end else None


def _plain_extra(extra: bytes) -> bool:
    """Whether a central directory entry's extra field is well formed and holds no zip64 sizes
    (header id 1): what :mod:`zipfile` reads (or refuses) itself otherwise."""
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        if kind == 1 or at + 4 + length > len(extra):
            return False
        at += 4 + length
    return True


class _Package:
    """A zip package read from its bytes: its members by :func:`_directory` (plain packages,
    nearly all) or by :mod:`zipfile`; what the checks use of :class:`zipfile.ZipFile`."""

    def __init__(self, data: bytes):
        self.data = data
        self._zip: zipfile.ZipFile | None = None
        members = _directory(data)
        self.members = self.zip.infolist() if members is None else members
        for member in self.members:   # \ read as /, as zipfile reads it on Windows (on every system)
            member.filename = member.filename.replace("\\", "/")

    @property
    def zip(self) -> zipfile.ZipFile:
        if self._zip is None:
            self._zip = zipfile.ZipFile(io.BytesIO(self.data))
        return self._zip

    def infolist(self) -> list:
        return self.members

    def namelist(self) -> list[str]:
        return [m.filename for m in self.members]

    def read(self, name: str) -> bytes:
        """A member's bytes (its CRC is checked by :func:`check_package`)."""
        member = next((m for m in reversed(self.members) if m.filename == name), None)   # the last, as zipfile
        if member is None:
            raise KeyError(name)
        return b"".join(_inflate(self, self.data, member))

    def open(self, member):
        # zipfile's entry at the same place, not its last of that name: with duplicate names the
        # first would be read as the last (and its DTD never seen) (tests/test_zip_differential.py)
        return self.zip.open(member if isinstance(member, zipfile.ZipInfo)
                             else self.zip.infolist()[self.members.index(member)])

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> _Package:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# checking zip packages -----------------------------------------------------------------------
#
# Every member is inflated once, straight from the package's bytes, in chunks of at most
# _CHUNK bytes (memory stays flat whatever the member's size); each chunk goes through the CRC,
# the DTD/entity scan and, for a part that may be loaded as a worksheet, the extent measure.

_DECLARATION = re.compile(rb"<!(?i:doctype|entity)")
_DECLARATION_TEXT = re.compile(r"<!(?i:doctype|entity)")
_LOCAL_HEADER = struct.Struct("<4s2xH18xHH")


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


def _inflate(archive: _Package, data: bytes, member: _Entry) -> list[bytes] | Iterator[bytes]:
    """A member's bytes in chunks of at most :data:`_CHUNK`, inflated from ``data`` (the package)
    with zlib; exactly ``file_size`` bytes or :class:`zipfile.BadZipFile` (the CRC is checked by
    the caller). A member of one chunk (most of them) comes as a list, a larger one lazily.
    Compression methods other than stored and deflate go through :mod:`zipfile`."""
    begin, left = _member_begin(data, member), member.file_size
    if left <= _CHUNK and member.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        part = _whole(data, member, begin)
        return [part] if part else []
    if member.compress_type == zipfile.ZIP_STORED:
        raw = data[begin:begin + min(left, member.compress_size)]   # as _whole
        if len(raw) < left:
            raise zipfile.BadZipFile("truncated member")
        return (raw[at:at + _CHUNK] for at in range(0, left, _CHUNK))
    if member.compress_type != zipfile.ZIP_DEFLATED:
        return _zipfile_chunks(archive, member)
    return _chunks(zlib.decompressobj(-15), data[begin:begin + member.compress_size], left)


def _member_begin(data: bytes, member: _Entry) -> int:
    """Where a member's data starts, after a local header that must match the directory."""
    start = member.header_offset
    if start < 0 or len(data) < start + 30:   # < 0: zipfile's offsets, shifted by data before the package
        raise zipfile.BadZipFile("truncated local header")
    if member.flag_bits & 0x60:   # patched data, strong encryption: what zipfile refuses to read
        raise NotImplementedError("zip flag bit 5 or 6")
    magic, flags, name_length, extra_length = _LOCAL_HEADER.unpack_from(data, start)
    name = data[start + 30:start + 30 + name_length]
    # the local name decoded as zipfile decodes it, by the local header's own UTF-8 flag
    if member.__class__ is _Entry:   # read by _directory: its raw name is kept
        same = name == member.raw_name and (not (flags ^ member.flag_bits) & 0x800 or name.isascii())
    else:
        same = name.decode("utf-8" if flags & 0x800 else "cp437") == member.orig_filename
    if magic != b"PK\x03\x04" or not same:
        raise zipfile.BadZipFile("local header does not match the directory")
    begin = start + 30 + name_length + extra_length
    if begin + member.compress_size > len(data):   # zipfile reads all of it, even for a member of 0 bytes
        raise zipfile.BadZipFile("member data past the end of the file")
    return begin


def _whole(data: bytes, member: _Entry, begin: int) -> bytes:
    """A stored or deflated member of at most :data:`_CHUNK` bytes, exactly its declared size."""
    size = member.file_size
    if member.compress_type == zipfile.ZIP_STORED:
        # never past its compressed size: zipfile stops there (a stored member declaring fewer
        # bytes than its size would be read from the next header on, and its CRC could match)
        part = data[begin:begin + min(size, member.compress_size)]
    else:   # at most size + 1 bytes: bounded even for a declared size of 0 (zlib's 0 means none)
        part = zlib.decompressobj(-15).decompress(data[begin:begin + member.compress_size], size + 1)
    if len(part) != size:
        raise zipfile.BadZipFile("member not of its declared size")
    return part


def _zipfile_chunks(archive: _Package, member: _Entry) -> Iterator[bytes]:
    left = member.file_size
    with archive.open(member) as part:   # bzip2, lzma: zipfile checks them itself
        while chunk := part.read(_CHUNK):
            left -= len(chunk)
            yield chunk
    if left:   # zipfile cuts a longer member to its size, but returns a shorter one as it is
        raise zipfile.BadZipFile("member shorter than its declared size")


def _chunks(inflater, raw: bytes, left: int) -> Iterator[bytes]:
    while left > 0:
        chunk = inflater.decompress(raw, min(_CHUNK, left))
        raw = inflater.unconsumed_tail
        if not chunk:
            break
        left -= len(chunk)
        yield chunk
    if left:
        raise zipfile.BadZipFile("member shorter than its declared size")


_STRINGS_PART = re.compile(r"(?i)sharedstrings[^/]*\.xml$")
_UNIQUE_COUNT = re.compile(rb"<(?:\w+:)?sst\b[^>]*?\buniqueCount\s*=\s*[\"'](\d{1,20})[\"']")


def _strings_declared(member: _Entry, head: bytes) -> None:
    """Refuse a shared-strings part that declares more strings than its bytes can hold (an
    ``<si/>`` takes five): calamine sets aside room for them all first, and a forged
    uniqueCount="2000000000" had ended the reading process with no part named."""
    found = _UNIQUE_COUNT.search(head[:4096])
    if found and int(found.group(1)) > member.file_size // 5 + 1:
        raise UnreadableFile(f"部件 {member.filename} 声明有 {int(found.group(1)):,} 条共享文字，超出其内容所能容纳，"
                             "文件已损坏；请用 Excel 或 WPS 打开后另存为 .xlsx 再试")


def _scan_chunks(member: _Entry, chunks: Iterator[bytes], measure: bool,
                 percent_styles: frozenset[int] = frozenset()) -> _Extent | None:
    """Read a large member through, chunk by chunk: its CRC checked, a DTD or an entity
    declaration refused anywhere in it (any case; an ASCII-compatible encoding, UTF-16 or
    UTF-32), and, when ``measure``, its cell extent measured as calamine would place its cells
    (and its cells with one of ``percent_styles`` noted)."""
    crc, encoding, width, overlap = 0, None, 1, b""
    extent = _Extent(percent_styles) if measure else None
    decoder = None
    for number, chunk in enumerate(chunks):
        crc = zlib.crc32(chunk, crc)
        if number == 0:
            encoding = _xml_encoding(chunk)
            width = 4 if encoding and "32" in encoding else 2 if encoding else 1
            if encoding and extent is not None:
                decoder = codecs.getincrementaldecoder(encoding)("replace")
        window = overlap + chunk
        cut = len(window) - len(window) % width
        if encoding:
            found = _DECLARATION_TEXT.search(window[:cut].decode(encoding, "replace"))
        else:
            found = _DECLARATION.search(window)
        if found:
            raise UnreadableFile(f"部件 {member.filename} 含 DTD/实体声明，已拒绝读取")
        overlap = window[max(0, cut - 16 * width):]
        if extent is not None:
            if decoder is not None:   # a UTF-16/32 worksheet is measured on its text
                chunk = decoder.decode(chunk).encode("utf-8")
            extent.feed(chunk, whole=number == 0 and member.file_size <= _CHUNK)
    if member.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) and crc != member.CRC:
        raise zipfile.BadZipFile("CRC mismatch")
    if extent is not None:
        extent.feed(b"", whole=False, final=True)
    return extent


def _scan_whole(member: _Entry, part: bytes, measure: bool,
                percent_styles: frozenset[int] = frozenset()) -> _Extent | None:
    """:func:`_scan_chunks` for a member inflated whole (at most :data:`_CHUNK` bytes, or
    styles.xml, inflated first by :func:`_percent_styles`)."""
    if member.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) and zlib.crc32(part) != member.CRC:
        raise zipfile.BadZipFile("CRC mismatch")
    encoding = _xml_encoding(part[:4]) if part[:1] in b"\x00\xfe\xff" or part[1:2] == b"\x00" else None
    if encoding:
        width = 4 if "32" in encoding else 2
        part = part[:len(part) - len(part) % width].decode(encoding, "replace")
        found = _DECLARATION_TEXT.search(part)
        part = part.encode("utf-8")   # a UTF-16/32 worksheet is measured on its text
    else:
        found = b"!" in part and b"<!" in part and _DECLARATION.search(part)   # "!" alone: one memchr
    if found:
        raise UnreadableFile(f"部件 {member.filename} 含 DTD/实体声明，已拒绝读取")
    if not measure:
        return None
    extent = _Extent(percent_styles)
    extent.feed(part, whole=True)
    extent.feed(b"", whole=False, final=True)
    return extent


# the extent of a worksheet, measured before calamine allocates it -----------------------------

# (no < inside a tag, not even in an attribute value, as XML has it: a tag never closed is given up
# at the next <, so that a sheet of them costs linear time, not a scan to the end from every <c)
_ATTRIBUTES = rb"((?:[^<>\"']|\"[^\"<]*\"|'[^'<]*')*)"
_TAG = re.compile(rb"<(?:[\w.-]+:)?(c|row)(?=[\s/>])" + _ATTRIBUTES + rb">")
_R = re.compile(rb"(?:^|\s)r\s*=\s*[\"']([^\"']*)[\"']")
_ERROR_TYPE = re.compile(rb"(?:^|\s)t\s*=\s*[\"']e[\"']")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>([^<]{1,20})<")
_FORMULA_TEXT = re.compile(rb"<(?:[\w.-]+:)?f(?=[\s>])[^<>]*(?<!/)>([^<]{1,2000})</")   # a cell's formula, as written
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c>|<(?:[\w.-]+:)?(?:c|row)(?=[\s/>])")
_REFERENCE = re.compile(rb"([A-Za-z]*)([0-9]*)")
_CHARACTER_REFERENCE = re.compile(rb"&#(x[0-9A-Fa-f]+|[0-9]+);")
# The fast path (:func:`_plainly_small`): every cell and row tag opens with its r attribute,
# written plainly, within Z99999; then nothing needs measuring.
# Whitespace as a space, and a prefix's colon as < (so a prefixed tag, <x:c r="…", is checked
# like a plain one; its closing tags, seen as cells without an address, send a prefixed sheet
# to be measured tag by tag).
_SPACES = bytes.maketrans(b"\t\n\r:", b"   <")
# a cell or row tag (its name ended by a space, > or /) not opening with a near r
_NOT_PLAIN_CELL = re.compile(rb'<c(?=[ >/])(?! r="[A-Z]?[0-9]{1,5}")')
_NOT_PLAIN_ROW = re.compile(rb'<row(?=[ >/])(?! r="[0-9]{1,5}")')
_FAST_ROWS, _FAST_COLUMNS = 99_999, 26
_PLAIN_CELL_TAG = re.compile(rb'<c r="([A-Z]?[0-9]{1,5})"([^>]{0,400})')   # a plain part's cell tag
_FIND_STYLES_AT_MOST = 16   # percentage styles found one by one in a plain part (else tag by tag)
_STYLE = re.compile(rb"(?:^|\s)s\s*=\s*[\"']([0-9]{1,9})[\"']")


def _plainly_small(part: bytes) -> bytes | None:
    """The part with whitespace as spaces (see :data:`_SPACES`) when a whole worksheet part is
    certainly within :data:`MAX_CELLS` and holds no error value, else ``None``, by two searches:
    every ``<c``/``<row`` tag (whitespace of any kind, ``>`` or ``/`` after the name; a prefixed
    tag included) opens with a plain ``r`` attribute within Z99999 (a second ``r`` in a tag is a
    duplicate attribute, which the XML reader refuses); a cell takes at least 4 bytes. Anything
    else is measured tag by tag."""
    if _FAST_ROWS * _FAST_COLUMNS > MAX_CELLS or len(part) // 4 > MAX_CELLS:
        return None
    text = part.translate(_SPACES)
    if b'"e"' in text or (b"'" in text and b"'e'" in text):   # maybe an error value (t="e")
        return None
    return None if _NOT_PLAIN_CELL.search(text) or _NOT_PLAIN_ROW.search(text) else text


# How a formula cell saved without its result ends (openpyxl, POI and others write <v></v>,
# <v /> or nothing; a shared formula's cells <f t="shared" si="0"/>): a worksheet holding none
# of these (and no prefixed formula) has a result for every formula.
_NO_RESULT_ENDS = (b"</f></c>", b"<v></v></c>", b"/></c>", b":f>", b":f ")
_P = rb"<(?:[\w.-]+:)?"   # a tag's opening, with or without a prefix
# what a cell holding a formula and no value (or an empty one) holds, after its tag
_NO_RESULT_BODY = (rb"\s*" + _P + rb"f(?=[\s/>])[^>]*?(?:/>|(?<!/)>[^<]*</(?:[\w.-]+:)?f\s*>)\s*"
                   + rb"(?:" + _P + rb"v\s*/>|" + _P + rb"v\s*>\s*</(?:[\w.-]+:)?v\s*>)?\s*</(?:[\w.-]+:)?c\s*>")
_NO_RESULT_CELL = re.compile(_P + rb"c(?=[\s>])" + _ATTRIBUTES.replace(b"(", b"(?:", 1) + rb"(?<!/)>" + _NO_RESULT_BODY)
_NO_RESULT_AFTER_TAG = re.compile(_NO_RESULT_BODY)
# a formula whose result is text (t="str"): an empty <v></v> is its result "", as Excel,
# LibreOffice and WPS save IF(…,"",…)
_TEXT_RESULT = re.compile(rb"\st\s*=\s*[\"']str[\"']")
NO_RESULT = "="   # among check_package's error values: a formula cell saved without its result
PERCENT = "%"     # among check_package's cell notes: a number shown as a percentage (see read_workbook_grids)
OWN_FORMULA = "ƒ"  # among them: a formula calling a PERF_* function (an error value is said instead; a
# percentage only matters in an input cell, which holds no formula of perfbook's)
TRUE_NOTE, FALSE_NOTE = "⊤", "⊥"   # among an .ods's notes: TRUE and FALSE, which calamine gives as 1 and 0
LOGICAL = {TRUE_NOTE: True, FALSE_NOTE: False}


# The formula of an .xls cell showing #NAME? that LibreOffice wrote as the error constant #N/A: a
# function it did not know when saving (a PERF_* function where the add-in is missing)
LOST_FUNCTION = "=#N/A（另存为 .xls 时丢失的函数）"


class ErrorValue(str):
    """An error value among a sheet's cell notes (``#NAME?``), with the formula that gave it
    (``formula``, as written: ``SUM(J13:J19)+H6`` or LibreOffice's ``of:=SUM([.J13:.J19])``; ''
    for a typed one): a template's 总分 computed where the add-in was missing adds what its
    SUM's range holds (see :attr:`Grid.formulas`)."""

    formula: str = ""

    def __new__(cls, value: str, formula: str = "") -> "ErrorValue":
        shown = super().__new__(cls, value)
        shown.formula = formula
        return shown


# a formula calling one of perfbook's functions, as Excel (PERF_SCORE) or LibreOffice (perf_score) saves it
_OWN_CALL = re.compile(rb"<(?:[\w.-]+:)?f(?=[\s>])[^<>]*>[^<]*?(?<![A-Za-z0-9_])(?i:perf_)[A-Za-z_]*\s*\(")


def _maybe_no_result(part: bytes) -> bool:
    return any(end in part for end in _NO_RESULT_ENDS)


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


def _reference(value: bytes) -> tuple[int, int] | None:
    """1-based (row, column) of an ``r`` attribute (``XFD1048576``; a row's ``5``), character
    references undone; ``None`` for what calamine refuses anyway."""
    if b"&" in value:
        value = _CHARACTER_REFERENCE.sub(
            lambda m: chr(int(m.group(1)[1:], 16) if m.group(1)[:1] == b"x" else int(m.group(1))).encode("utf-8", "replace"),
            value)
    match = _REFERENCE.fullmatch(value.strip())
    if not match or not value.strip():
        return None
    letters, digits = match.group(1), match.group(2).lstrip(b"0")
    row = int(digits or 0) if len(digits) <= 15 else 10**15   # beyond any limit, without a huge int (A0: 0)
    return row, _column_number(letters) if len(letters) <= 10 else 10**15


class _Extent:
    """Where calamine would place the cells of one worksheet part: a cell with an ``r``
    attribute at its reference, one without after the previous cell of its row; a row with an
    ``r`` attribute at that row, one without after the previous row (the extent is that of the
    cells: a row without any is not loaded). Also the Excel error values
    (``t="e"``) by 0-based (row, col): calamine reads them as empty cells; the cells whose
    style is one of ``percent_styles`` (``percent``: a number there is shown as a percentage); and,
    measured tag by tag, the cells whose formula calls a PERF_* function (``own``; a shared
    formula's other cells, written ``<f t="shared" si="0"/>``, are not among them)."""

    def __init__(self, percent_styles: frozenset[int] = frozenset()) -> None:
        self.height = self.width = self.cells = 0
        self.row, self.col = 0, 0           # 1-based position of the last row and cell seen
        self.errors: dict[tuple[int, int], str] = {}
        self.percent_styles = percent_styles
        self.percent: set[tuple[int, int]] = set()
        self.own: set[tuple[int, int]] = set()   # cells whose formula calls PERF_*, see OWN_FORMULA
        self.tail = b""

    def feed(self, chunk: bytes, whole: bool, final: bool = False) -> None:
        plain = _plainly_small(chunk) if whole else None
        if plain is not None:   # every cell within Z99999 and fewer cells than bytes / 4: nothing to
            self._no_results(chunk, plain)   # measure; the formulas without results found by their ends
            if self.percent_styles:
                self._plain_percent(plain)
            return
        window = self.tail + chunk
        if final:
            body, self.tail = window, b""
        else:
            cut = window.rfind(b"</row>")
            cut = cut + 6 if cut >= 0 else window.rfind(b"<")
            body, self.tail = window[:max(cut, 0)], window[max(cut, 0):]
        no_result = {m.start() for m in _NO_RESULT_CELL.finditer(body) if not _TEXT_RESULT.search(
            body, m.start(), body.find(b">", m.start()))} if _maybe_no_result(body) else ()
        # (a plain part without error values never comes here: nearly every sheet without #NAME? skips this)
        own = [m.start() for m in _OWN_CALL.finditer(body)] if b"erf_" in body or b"ERF_" in body else []
        for tag in _TAG.finditer(body):
            attributes = tag.group(2)
            found = _R.search(attributes)
            place = _reference(found.group(1)) if found else None
            if tag.group(1) == b"row":   # no extent of its own: a row without cells adds none
                self.row = place[0] if place and place[0] else self.row + 1
                self.col = 0
                continue
            self.cells += 1
            if place and place[1]:
                self.row = max(place[0], 1) if place[0] else self.row
                self.col = place[1]
            else:
                self.col += 1
            if attributes.endswith(b"/"):   # <c r="XFD1048576" s="3"/>: formatted, no value: calamine places none
                continue
            self.height, self.width = max(self.height, self.row, 1), max(self.width, self.col)
            if self.percent_styles and len(self.percent) < MAX_PERCENT_CELLS:
                self._note_percent(attributes, self.row, self.col)
            if _ERROR_TYPE.search(attributes) and len(self.errors) < MAX_ROWS:
                end = _CELL_END.search(body, tag.end())
                value = _VALUE.search(body, tag.end(), end.start() if end else len(body))
                if value:
                    formula = _FORMULA_TEXT.search(body, tag.end(), value.start())
                    self.errors[(self.row - 1, self.col - 1)] = ErrorValue(
                        value.group(1).decode("ascii", "replace"),
                        html.unescape(formula.group(1).decode("utf-8", "replace")) if formula else "")
            elif no_result and tag.start() in no_result and len(self.errors) < MAX_ROWS:
                self.errors[(self.row - 1, self.col - 1)] = NO_RESULT
            if own and len(self.own) < MAX_ROWS:
                at = bisect.bisect_left(own, tag.end())
                end = _CELL_END.search(body, tag.end()) if at < len(own) else None
                if end and own[at] < end.start():   # the formula is this cell's
                    self.own.add((self.row - 1, self.col - 1))

    def _no_results(self, part: bytes, plain: bytes) -> None:
        """The cells of a plainly small part (``plain``: as :func:`_plainly_small` gave it, whose
        every cell tag is ``<c r="…"``) that hold a formula without its result: each found by how
        it ends, then checked whole from its tag on."""
        for end in _NO_RESULT_ENDS[:3]:   # (a plain part has no prefixed tag)
            at = plain.find(end)
            while at >= 0 and len(self.errors) < MAX_ROWS:
                start = plain.rfind(b"<c ", 0, at)
                tag_end = part.find(b">", start, at) if start >= 0 else -1   # (no > in a plain part's values)
                body = _NO_RESULT_AFTER_TAG.match(part, tag_end + 1) if tag_end > 0 else None
                if body and not _TEXT_RESULT.search(part, start, tag_end):
                    row, col = _reference(_R.search(part, start + 2, tag_end).group(1))
                    self.errors[(row - 1, col - 1)] = NO_RESULT
                at = plain.find(end, at + 1)

    def _note_percent(self, attributes: bytes, row: int, col: int) -> None:
        """The cell at 1-based (row, col) noted when its attributes give it a percentage style."""
        style = _STYLE.search(attributes)
        if style and int(style.group(1)) in self.percent_styles:
            self.percent.add((row - 1, col - 1))

    def _plain_percent(self, plain: bytes) -> None:
        """The percentage cells of a plainly small part, whose every cell tag opens with
        ``<c r="…"``: with a few percentage styles, each found by its ``s="…"`` and checked to be
        in a cell's tag (a few byte searches, not a look at every cell); with many, tag by tag,
        each tag's attributes read up to a bounded length (so that a tag never closed costs no
        more than one that is)."""
        if len(self.percent_styles) > _FIND_STYLES_AT_MOST:
            for cell in _PLAIN_CELL_TAG.finditer(plain):
                if len(self.percent) >= MAX_PERCENT_CELLS:
                    return
                self._note_percent(cell.group(2), *_reference(cell.group(1)))
            return
        for style in self.percent_styles:
            for needle in (b' s="%d"' % style, b" s='%d'" % style):
                at = plain.find(needle)
                while at >= 0 and len(self.percent) < MAX_PERCENT_CELLS:
                    start = plain.rfind(b"<c ", 0, at)
                    cell = _PLAIN_CELL_TAG.match(plain, start) if start >= 0 else None
                    if cell and cell.end(2) >= at + len(needle):   # the attribute is that tag's
                        self._note_percent(cell.group(2), *_reference(cell.group(1)))
                    at = plain.find(needle, at + 1)

    def too_large(self) -> bool:
        return self.height * self.width > MAX_CELLS or self.cells > MAX_CELLS


# Excel's error values, as a user reads them
ERROR_VALUES = {"#DIV/0!": "除数为零", "#N/A": "值不可用", "#NAME?": "无法识别的名称", "#NULL!": "区域不相交",
                "#NUM!": "数值无效", "#REF!": "引用无效", "#VALUE!": "值的类型错误", "#SPILL!": "溢出区域被占用",
                "#CALC!": "计算错误", "#GETTING_DATA": "数据尚未取得", "#FIELD!": "字段无效",
                "#BUSY!": "仍在计算", "#BLOCKED!": "被阻止", "#CONNECT!": "连接失败", "#UNKNOWN!": "类型未知",
                "#PYTHON!": "Python 错误", "#TIMEOUT!": "计算超时", "#EXTERNAL!": "外部数据错误"}


def error_meaning(value: object) -> str | None:
    """What an error value in a cell is, as a user reads it: Excel's (``#DIV/0!`` …), or
    LibreOffice's ``Err:5xx``, which programs exporting from LibreOffice store as text (read as
    a number, Err:508 was 508); None for any other value."""
    if value.__class__ is not str:
        return None
    if value in ERROR_VALUES:
        return f"Excel 错误值 {value}（{ERROR_VALUES[value]}）"
    return f"LibreOffice 错误值 {value}（公式出错）" if LIBREOFFICE_ERROR.fullmatch(value) else None


_RELS = "xl/_rels/workbook.xml.rels"
_ID = re.compile(rb"\s(?:[\w.-]+:)?[Ii]d\s*=\s*[\"']([^\"']*)[\"']")
_TARGET = re.compile(rb"\sTarget\s*=\s*[\"']([^\"']*)[\"']")
_NAME = re.compile(rb"""\sname\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_WHITESPACE = bytes.maketrans(b"\t\n\r", b"   ")
_SHEET_TAG = re.compile(rb"(?:[\w.-]+:)?sheet\s")
_RELATIONSHIP_TAG = re.compile(rb"(?:[\w.-]+:)?Relationship\s")


def _tags(xml: bytes, name: re.Pattern) -> list[bytes]:
    """The tags named ``name`` of a small XML part, with their attributes (``<`` cannot occur
    inside an attribute value, so splitting at it gives one tag per piece)."""
    return [piece for piece in xml.translate(_WHITESPACE).split(b"<") if name.match(piece)]


def _sheet_parts(archive: _Package, data: bytes, members: list[_Entry],
                 inflated: dict[_Entry, bytes]) -> set[str]:
    """The parts calamine may load as worksheets: everything under ``xl/worksheets/`` and the
    target of every relationship a ``<sheet>`` of workbook.xml names, however it is written
    (``/xl/…``, ``…``, ``../…``). When workbook.xml or its relationships are unusually large,
    every part. (Both are scanned for declarations with the others, from the bytes left in
    ``inflated``; here they are only searched.)"""
    by_name = {m.filename: m for m in members}
    book, rels = by_name.get("xl/workbook.xml"), by_name.get(_RELS)
    parts = {m.filename for m in members if m.filename.startswith("xl/worksheets/")}
    if book is None or rels is None:
        return parts
    if book.file_size > _CHUNK or rels.file_size > _CHUNK:
        return set(by_name)
    for member in (book, rels):
        inflated[member] = b"".join(_inflate(archive, data, member))
    ids = {found for tag in _tags(inflated[book], _SHEET_TAG) for found in _ID.findall(tag)}
    for tag in _tags(inflated[rels], _RELATIONSHIP_TAG):
        found_id, found_target = _ID.search(tag), _TARGET.search(tag)
        if found_target and (found_id is None or found_id.group(1) in ids):
            target = found_target.group(1).decode("utf-8", "replace").replace("\\", "/").strip()
            for name in (target.lstrip("/"), f"xl/{target}", target):
                parts.add(name)
                if name.startswith(".") or "/." in name or "//" in name or name.endswith("/"):
                    # ./, ../, // or a trailing /: its normal form too
                    parts.add(posixpath.normpath(name))
    return parts


_STYLES = "xl/styles.xml"
_STYLES_AT_MOST = 32 * 2**20   # styles.xml bloated with copied styles reaches a few MB
_OPENING = {name: re.compile(rb"<(?:[\w.-]+:)?" + name + rb"(?=[\s>])") for name in (b"numFmts", b"cellXfs")}
_CLOSING = {name: re.compile(rb"</(?:[\w.-]+:)?" + name + rb"\s*>") for name in (b"numFmts", b"cellXfs")}
_XF = re.compile(rb"<(?:[\w.-]+:)?xf(?=[\s/>])([^>]*)>")
_NUM_FMT = re.compile(rb"<(?:[\w.-]+:)?numFmt(?=[\s/>])([^>]*)>")
_NUM_FMT_ID = re.compile(rb"\snumFmtId\s*=\s*[\"'](\d+)[\"']")
_FORMAT_CODE = re.compile(rb"""\sformatCode\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_PERCENT_FORMATS = {9, 10}   # Excel's built-in 0% and 0.00% (ECMA-376 18.8.30)
# what a format code shows as it is: quoted text, an escaped or padding character, [Red] or [$-804]
_LITERAL_IN_FORMAT = re.compile(r'"[^"]*"|[\\_*].|\[[^\]]*\]')
MAX_PERCENT_CELLS = 200_000   # percentage cells noted per sheet (a project list of 100,000 rows, two columns)


def _section(xml: bytes, name: bytes) -> bytes:
    """The first ``<name>…</name>`` element of ``xml`` (with or without a prefix), or b"": one
    search for its opening, one for its end (a lazy ``.*?`` from every opening left unclosed
    would make a hostile styles.xml cost quadratic time)."""
    opening = _OPENING[name].search(xml)
    closing = _CLOSING[name].search(xml, opening.end()) if opening else None
    return xml[opening.start():closing.end()] if closing else b""


def shows_percent(code: str | None) -> bool:
    """Whether a number format code shows a positive number as a percentage: a ``%`` outside
    quoted text, escapes and ``[…]`` in its first section (``0%``, ``0.00%``, ``[Red]0%``; not
    ``0"%"``, ``0\\%`` or ``0.00;-0.00%``). ``None`` (a format xlrd knows by number only, such
    as the CJK date formats 27–36): no."""
    return "%" in _LITERAL_IN_FORMAT.sub("", code or "").split(";", 1)[0]


def _percent_styles(archive: _Package, data: bytes, members: list[_Entry],
                    inflated: dict[_Entry, bytes]) -> frozenset[int]:
    """The indices of styles.xml's cell formats (a cell's ``s="…"``) whose number format shows
    a percentage: built-in 0% and 0.00%, and the file's own formats (``<numFmts>``, not those of
    conditional formats) with ``%``. (The bytes are left in ``inflated`` for check_package.)"""
    member = next((m for m in members if m.filename == _STYLES), None)
    if member is None or member.file_size > _STYLES_AT_MOST:
        return frozenset()
    inflated[member] = styles = b"".join(_inflate(archive, data, member))
    percent = set(_PERCENT_FORMATS)
    for attributes in _NUM_FMT.findall(_section(styles, b"numFmts")):
        found_id, code = _NUM_FMT_ID.search(attributes), _FORMAT_CODE.search(attributes)
        if found_id and code:
            shown = html.unescape((code.group(1) or code.group(2)).decode("utf-8", "replace"))
            (percent.add if shows_percent(shown) else percent.discard)(int(found_id.group(1)))
    return frozenset(index for index, attributes in enumerate(_XF.findall(_section(styles, b"cellXfs")))
                     if (found := _NUM_FMT_ID.search(attributes)) and int(found.group(1)) in percent)


def check_package(archive: _Package, data: bytes, required: str | None = None,
                  measure: bool = False, keep: list | None = None) -> dict[str, dict[tuple[int, int], str]]:
    """Refuse a zip package that is a bomb, corrupt, or declares a DTD/entities in any part; with
    ``measure`` (.xlsx, .xlsm) also a worksheet whose cell extent exceeds :data:`MAX_CELLS`,
    before calamine allocates it. Returns the Excel error values (``#DIV/0!`` …) per sheet name and
    0-based (row, col): calamine reads them as empty cells, and a user must be told the cell holds
    an error, not nothing; so is a formula cell saved without its result (:data:`NO_RESULT`),
    and noted too, each cell of .xlsx/.xlsm formatted as a percentage (:data:`PERCENT`) and, in a
    sheet with error values, each cell whose formula calls a PERF_* function (:data:`OWN_FORMULA`). ``keep``:
    a list that gets every (member, inflated bytes) when each was inflated whole (see
    :func:`stored_copy`), else is emptied."""
    errors: dict[str, dict[tuple[int, int], str]] = {}
    try:
        members = archive.infolist()
        total = sum(m.file_size for m in members)
        if total > MAX_UNCOMPRESSED:
            raise UnreadableFile(f"解压后过大（{total // 2**20} MB），已拒绝读取")
        for member in members:
            if compressed_like_a_bomb(member.file_size, member.compress_size):
                raise UnreadableFile(f"压缩比异常（{member.filename}），疑似压缩炸弹，已拒绝读取")
            if member.flag_bits & 0x1:
                raise UnreadableFile("文件已加密（zip 部件设置了密码），请去掉密码后另存")
        if required and required not in {m.filename for m in members}:
            raise UnreadableFile(f"文件不完整（缺少 {required}）")
        inflated: dict[_Entry, bytes] = {}   # by member: a duplicate name is another part
        sheets = _sheet_parts(archive, data, members, inflated) if measure else set()
        percent_styles = _percent_styles(archive, data, members, inflated) if measure else frozenset()
        names = None
        whole = keep is not None and all(m.__class__ is _Entry for m in members)   # raw names known
        for member in members:
            # a directory entry too is inflated and checked: zipfile reads its bytes (and its CRC)
            part = inflated.get(member)
            chunks = [part] if part is not None else _inflate(archive, data, member)
            if _STRINGS_PART.search(member.filename):   # (its first bytes looked at before the rest is read)
                if not isinstance(chunks, list):
                    first = next(chunks, b"")
                    chunks = itertools.chain([first], chunks)
                _strings_declared(member, (chunks[0] if chunks else b"") if isinstance(chunks, list) else first)
            if isinstance(chunks, list):   # inflated whole: nearly every member
                part = chunks[0] if chunks else b""
                if whole:
                    keep.append((member, part))
                extent = _scan_whole(member, part, member.filename in sheets, percent_styles)
            else:
                whole = False
                extent = _scan_chunks(member, chunks, member.filename in sheets, percent_styles)
            # (cells calling PERF_* matter only beside an error value such as #NAME?, which brings the sheet here)
            if extent is None or not (extent.errors or extent.percent or extent.too_large()):
                continue
            names = _sheet_names(archive, inflated) if names is None else names
            sheet = names.get(member.filename, member.filename)
            if extent.too_large():
                last = address(max(extent.height, 1) - 1, max(extent.width, 1) - 1)
                raise UnreadableFile(f"工作表“{sheet}”的数据区域过大（到 {last} 单元格，{extent.height} 行 × "
                                     f"{max(extent.width, 1)} 列），超过读取上限，已拒绝读取；请删除表格以外的内容后再提交")
            errors[sheet] = {**dict.fromkeys(extent.percent, PERCENT), **dict.fromkeys(extent.own, OWN_FORMULA),
                             **extent.errors}
            if whole and not set(extent.errors.values()) <= _CALAMINE_ERRORS | {NO_RESULT}:
                keep[-1] = _calamine_error_values(*keep[-1])
        if keep is not None and not whole:
            keep.clear()
    except zipfile.BadZipFile:
        raise UnreadableFile("文件已损坏或被截断（zip 部件校验失败）") from None
    except (*_ZIP_ERRORS, zipfile.LargeZipFile):   # (with lzma's error: a corrupt lzma member)
        raise UnreadableFile("文件已损坏或使用了不支持的压缩方式，无法解压") from None
    return errors


def _sheet_names(archive: _Package, inflated: dict[_Entry, bytes]) -> dict[str, str]:
    """Worksheet part name -> sheet name, from workbook.xml and its relationships, read as
    :func:`_sheet_parts` reads them (their bytes already in ``inflated`` when it did)."""
    parts = {}
    for member in archive.infolist():
        if member.filename in ("xl/workbook.xml", _RELS):
            parts[member.filename] = inflated.get(member) or b"".join(_inflate(archive, archive.data, member))
    targets = {}
    for tag in _tags(parts.get(_RELS, b""), _RELATIONSHIP_TAG):
        found_id, found_target = _ID.search(tag), _TARGET.search(tag)
        if found_id and found_target:
            targets[found_id.group(1)] = html.unescape(found_target.group(1).decode("utf-8", "replace"))
    names = {}
    for tag in _tags(parts.get("xl/workbook.xml", b""), _SHEET_TAG):
        found_id, name = _ID.search(tag), _NAME.search(tag)
        target = targets.get(found_id.group(1), "") if found_id else ""
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        if name:
            names[part] = html.unescape((name.group(1) or name.group(2)).decode("utf-8", "replace"))
    return names


# reading -------------------------------------------------------------------------------------

_REQUIRED = {"xlsx": "xl/workbook.xml", "xlsm": "xl/workbook.xml", "xlsb": "xl/workbook.bin",
             "ods": "content.xml", "docx": "word/document.xml"}


@dataclass
class Checked:
    """A file that passed :func:`check_container`: its format, its bytes (what the reader must
    read, so that the file cannot change in between) and the error values of its cells (with
    the formulas saved without results, :data:`NO_RESULT`, the cells formatted as percentages,
    :data:`PERCENT`, and those calling PERF_* functions, :data:`OWN_FORMULA`).
    ``stored``: for a workbook package, the same members as checked, stored uncompressed (see
    :func:`stored_copy`), for calamine to read instead of inflating them again."""

    format: str
    data: bytes
    errors: dict[str, dict[tuple[int, int], str]]
    stored: bytes | None = None


_CALAMINE_PACKAGES = {"xlsx", "xlsm", "xlsb", "ods"}
_STORED_LOCAL = struct.Struct("<4s5H3L2H")


# The error values calamine reads; a newer one (#SPILL!, #CALC! …) makes it refuse the workbook.
_CALAMINE_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"}
# an error cell up to its value (not a self-closing one: that would run into the next cell)
_ERROR_CELL = re.compile(rb"(<(?:[\w.-]+:)?c\s[^<>]*?\bt\s*=\s*[\"']e[\"'][^<>]*(?<!/)>"
                         rb"(?:(?!</(?:[\w.-]+:)?c>).){0,2000}?<(?:[\w.-]+:)?v>)[^<]*(?=<)", re.S)


def _calamine_error_values(member: _Entry, part: bytes) -> tuple[_Entry, bytes, int]:
    """A worksheet's stored entry with every error value written as #VALUE!, which calamine
    reads (the real ones are put back from :func:`check_package`'s errors), and its CRC."""
    part = _ERROR_CELL.sub(lambda m: m.group(1) + b"#VALUE!", part)
    return member, part, zlib.crc32(part)


def stored_copy(parts: list[tuple]) -> bytes:
    """A zip package of ``parts`` (members of a checked package with their inflated bytes, CRCs
    verified, and a CRC where the bytes were changed) stored uncompressed, in their order, with
    their names: what calamine then reads holds exactly the bytes that were checked, and nothing
    is inflated twice."""
    pieces, directory, offset = [], [], 0
    for member, part, *changed in parts:
        name, utf8, size = member.raw_name, member.flag_bits & 0x800, len(part)
        crc = changed[0] if changed else member.CRC if size else 0
        header = _STORED_LOCAL.pack(b"PK\x03\x04", 20, utf8, 0, 0, 0, crc, size, size, len(name), 0)
        pieces += (header, name, part)
        directory.append(_CENTRAL.pack(b"PK\x01\x02", 20, 0, 20, 0, utf8, 0, 0, 0, crc, size, size,
                                       len(name), 0, 0, 0, 0, 0, offset) + name)
        offset += len(header) + len(name) + size
    directory_bytes = b"".join(directory)
    end = _END.pack(b"PK\x05\x06", 0, 0, len(parts), len(parts), len(directory_bytes), offset, 0)
    return b"".join(pieces) + directory_bytes + end


def check_container(path: Path) -> Checked:
    """Refuse what is not a plain, reasonably sized workbook or Word document before parsing
    anything; the file is read once, and every check runs on those bytes."""
    data = read_regular(path)
    fmt, archive = _format(data, path)
    if fmt == "doc":   # converted to .docx, and that checked and read (see .word97)
        from .word97 import ConversionFailed, docx_of

        try:
            data = docx_of(data)
        except ConversionFailed as err:
            raise UnreadableFile(str(err)) from None
        try:
            converted, archive = _format(data, path)
        except UnreadableFile:
            converted = None
        if converted != "docx":
            raise UnreadableFile("是旧版 Word 文档（.doc），转换后不是 Word 文档，请在 Word 或 WPS 中另存为 .docx 后再报送")
    errors, keep = {}, [] if fmt in _CALAMINE_PACKAGES and len(data) <= _STORE_AT_MOST else None
    if archive is not None:
        with archive:
            errors = check_package(archive, data, _REQUIRED.get(fmt), measure=fmt in ("xlsx", "xlsm"), keep=keep)
    return Checked(fmt, data, errors, stored_copy(keep) if keep else None)


def _calamine_reason(err: Exception, sheet: str | None = None) -> str:
    """Why calamine could not read the file, naming the worksheet it was reading when it failed."""
    text = str(err).lower()
    if "password" in text or "encrypt" in text:
        return "文件已加密（设置了打开密码），请去掉密码后另存为 .xlsx"
    if "cell error value" in text:   # a newer error value in a workbook too large to be stored
        return "单元格中有读取程序不认识的 Excel 错误值（如 #SPILL!、#CALC!），请在 Excel 中改正这些单元格后再提交"
    where = f"工作表“{sheet}”的内容" if sheet is not None else "文件内容"
    return f"{where}无法解析（结构已损坏或不是受支持的格式），请用 Excel 或 WPS 打开后另存为 .xlsx"


def read_workbook_grids(path: Path, fmt: str, errors: dict | None = None, data: bytes | None = None,
                        max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS) -> list[Grid]:
    """Every worksheet of a checked workbook as a :class:`Grid` (cached values only; ``errors``
    from :func:`check_package`, or from :mod:`.xls_cells` and :mod:`.ods_cells`, put back as
    their ``#…`` texts, :data:`NO_RESULT`, :data:`PERCENT` and :data:`OWN_FORMULA` as the grid's
    ``no_result``, ``percent`` and ``own_formulas`` cells), at most ``max_rows`` rows of each
    (``truncated`` past them). ``data``: the file's bytes as checked (read from ``path`` when not
    given)."""
    import python_calamine  # here: Grid and address are also used where calamine is not installed

    reading = None   # the worksheet being read, named when it cannot be
    try:
        if data is None:
            data = read_regular(path)
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))  # by content, not name
        grids = []
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            reading = meta.name
            sheet = book.get_sheet_by_name(meta.name)
            top, left = sheet.start or (0, 0)
            if sheet.height * min(sheet.width, max_columns) > MAX_CELLS * 4:
                raise UnreadableFile(f"工作表“{meta.name}”的数据区域过大（{sheet.height} 行），已拒绝读取")
            rows = sheet.to_python(nrows=max_rows + 1)
            if sheet.width > max_columns:
                rows = [row[:max_columns] for row in rows]
            truncated = len(rows) > max_rows
            rows = _cleaned(rows[:max_rows])
            notes = {NO_RESULT: set(), PERCENT: set(), OWN_FORMULA: set()}
            formulas = {}
            for (r, c), text in (errors or {}).get(meta.name, {}).items():
                if text in notes:
                    notes[text].add((r, c))
                elif 0 <= r - top < len(rows) and 0 <= c - left < len(rows[r - top]):
                    # (a plain text: the readers test the class; TRUE as the logical value an .xlsx gives)
                    rows[r - top][c - left] = LOGICAL[text] if text in LOGICAL else str(text)
                    if getattr(text, "formula", ""):
                        formulas[(r, c)] = text.formula
            hidden = meta.visible != python_calamine.SheetVisibleEnum.Visible
            grids.append(Grid(meta.name, rows, top, left, hidden, truncated, frozenset(notes[NO_RESULT]),
                              frozenset(notes[PERCENT]), frozenset(notes[OWN_FORMULA]), formulas))
    except (UnreadableFile, KeyboardInterrupt, SystemExit):
        raise
    except MemoryError:
        raise OutOfMemory("读取所需内存超过上限（工作表数据区域过大），已拒绝读取") from None
    except BaseException as err:  # calamine's own types for every broken part, and Rust panics
        if fmt == "et":
            raise UnreadableFile("WPS 表格 .et 文件无法直接读取，请在 WPS 中另存为 .xlsx") from None
        raise UnreadableFile(_calamine_reason(err, reading)) from None
    return grids


def percent_text(value: object) -> object:
    """A number as a cell formatted as a percentage shows it, with its full precision: 1 is
    ``100%``, 0.9997 ``99.97%`` (Excel stores ``100%`` typed in a cell as 1, which read as a
    number is 1 of a ``%`` indicator; see :meth:`Grid.shown`). Anything else as it is."""
    if value.__class__ not in (int, float) or not math.isfinite(value * 100):   # (1e307 × 100 is inf)
        return value
    return f"{value * 100:.10f}".rstrip("0").rstrip(".") + "%"


def _cleaned(rows: list[list[object]]) -> list[list[object]]:
    """``rows`` with every value through :func:`clean_value`; one pass over the sheet's texts
    and floats tells whether any value needs it (almost never), instead of a call per value."""
    filled = [v for row in rows for v in row if v]   # NaN and infinities are true
    texts = [v for v in filled if v.__class__ is str]
    joined = " ".join(texts)
    if (len(joined) > MAX_TEXT and max(map(len, texts)) > MAX_TEXT) \
            or (not joined.isprintable() and (_CONTROL.search(joined) or _INVISIBLE.search(joined))) \
            or [v for v in filled if v.__class__ is float and not -math.inf < v < math.inf]:
        return [[clean_value(v) for v in row] for row in rows]
    return rows
