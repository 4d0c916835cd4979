"""Zip archives of submitted files (自评表.zip, as a department sends them): every table or Word
document inside is read as if it had been unpacked, under a name that says where it came from
(``收到.zip/单位A/表1.xlsx``).

:func:`unpack` unpacks one archive into a folder of numbered files and returns what it unpacked
and what it did not read, with the reason; recalc runs :func:`unpack_all` in a guarded worker
(see :func:`~workbook_builder.recalc.guard.call_guarded`), so an archive of a million entries or
a bomb stops there; bzip2 and LZMA members, which zipfile unpacks without bound, are refused, and
a run unpacks at most :data:`MAX_ENTRIES` files and :data:`MAX_UNPACKED` bytes. Member names are
decoded as their maker wrote them: UTF-8 when the archive says so or the bytes are UTF-8, else
GB18030 (Windows' compressed folders write names in the system code page, GBK on Chinese
Windows; some tools even flag such names UTF-8), else the bytes are kept and shown escaped.
Archives inside the archive are unpacked too, :data:`MAX_DEPTH` levels deep. Nothing is ever written under a member's own name, so a name
such as ``../../x`` cannot reach outside the folder.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import re
import stat
import struct
import tempfile
import traceback
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..files import Taken, decoded, numbered, os_reason, readable_path
from ..logs import debugging, logger
from .container import (MAX_FILE_BYTES, OLE, SUFFIXES, UNPACK_FIRST, UnreadableFile, compressed_like_a_bomb,
                        open_regular, other_kind, sniff_markup)

ARCHIVE_SUFFIXES = {".zip"}
MAX_DEPTH = 3                 # archives inside archives unpacked, the outer one included
MAX_ENTRIES = 20_000          # files looked at in the archives of one run (those inside them included)
MAX_UNPACKED = 2**30          # bytes unpacked from the archives of one run
MAC_FOLDER = "__MACOSX"       # what macOS's Archive Utility adds: resource forks, no tables
UNEXPECTED = "解压时出现意外错误（已记入日志），已跳过"
_CHUNK = 1 << 20              # bytes unpacked at a time
# zipfile inflates deflate in bounded pieces, but bzip2 and LZMA without an output limit: a
# few kilobytes could unpack to gigabytes in memory. Tables are never packed so.
_UNBOUNDED = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "LZMA"}


@dataclass
class Member:
    """A file unpacked from an archive: its shown name (``单位A/表1.xlsx``; inside an inner
    archive, ``部门A.zip/表1.xlsx``; numbered （2） where another reads alike), where it was
    unpacked, and its path inside the archive as written there (``entry``: never numbered)."""

    name: str
    path: str
    entry: str


@dataclass
class Unpacked:
    """What :func:`unpack` did with an archive: the members to read, and every other file in
    it as (shown name, reason, skipped, path in the archive): ``skipped`` for a file that is no
    table (not an error)."""

    members: list[Member] = field(default_factory=list)
    passed: list[tuple[str, str, bool, str]] = field(default_factory=list)
    size: int = 0       # bytes unpacked (in the run)
    written: int = 0    # files written into the folder (their numbers)
    entries: int = 0    # files looked at (in the run)
    as_file: bool = False   # the "archive" is a workbook or Word document: read it as the file it is
    shown: set[str] = field(default_factory=Taken)   # the shown names given, in NFC (see own)

    def own(self, name: str) -> str:
        """``name``, numbered if a file of this archive already has it, or one that reads alike
        (a GBK name and its UTF-8 twin, é written as one character or two, a path
        ``b.zip/t.xlsx`` beside an inner b.zip holding t.xlsx): each shown name, and so each JSON
        ``file``, is one file's (its ``member`` is the path written in the archive)."""
        return numbered(name, self.shown, lambda text: unicodedata.normalize("NFC", text))


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's path as its maker wrote it (see the module's docstring), ``/`` between parts,
    control characters and bidi overrides escaped (``\\x1b``), bytes decoded by no encoding as
    ``\\xff``. The whole name is decoded before ``\\`` is read as a separator: in GBK, 0x5C is
    also the second byte of 誠, 衆, 淺 …"""
    if info.flag_bits & 0x800:
        name = info.filename
    else:   # zipfile decodes a name without the UTF-8 flag as cp437: its bytes, undone
        raw = info.orig_filename.encode("cp437")
        name = (_unicode_path(info.extra, raw) or decoded(raw, ("utf-8", "gb18030"))
                or raw.decode("utf-8", "surrogateescape"))   # (escaped when shown)
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    return readable_path("/".join(parts))[0]


def _unicode_path(extra: bytes, raw: bytes) -> str | None:
    """The name an Info-ZIP Unicode Path extra field (0x7075) gives in UTF-8, when it is the
    name of these very bytes (its CRC-32 is theirs): what some Windows zip tools add beside a name
    in the local code page, or in ``?`` where that has no character (Python 3.11 reads it not)."""
    at = 0
    while at + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, at)
        field = extra[at + 4:at + 4 + size]
        if kind == 0x7075 and len(field) > 5 and field[0] == 1 and field[1:5] == struct.pack("<L", zlib.crc32(raw)):
            return decoded(field[5:], ("utf-8",))
        at += 4 + size
    return None


def is_archive(name: str | os.PathLike) -> bool:
    """Whether a file of this name is read as an archive of tables (by its suffix)."""
    return PurePosixPath(name).suffix.lower() in ARCHIVE_SUFFIXES


MAC_FILE = "macOS 压缩时附带的资源文件（._ 开头），不是表格，已跳过"
MAC_FILES = "macOS 压缩时附带的资源文件夹{}，不是表格，已跳过"   # (with the count of its files)
LOCK_FILE = "Office/WPS 的临时锁定文件（文件正被打开时产生），已跳过"
LOCK_SIZE = 4096   # Office's and WPS's ~$ owner files hold a user's name: 162 or 165 bytes


def skip_reason(name: str, archives: bool = True, size: int | None = None) -> str | None:
    """Why a file called ``name`` found in a folder or an archive is not read (``None``: it is
    read): a lock file (by its ``size`` where known, see :func:`not_read`), a macOS resource file,
    a file that is no table, Word document or (with ``archives``) .zip archive."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in SUFFIXES or (archives and is_archive(name)):
        return not_read(name, size)
    if is_archive(name):
        return "压缩包在这里不能直接读取，请解压后再试"
    export = "；如果它是导出的自评表，请用 Excel 或 WPS 打开后另存为 .xlsx" if suffix in _TEXT_EXPORTS else ""
    return not_read(name, size) or f"不是表格或 Word 文件（扩展名“{suffix or '无'}”），已跳过{export}"


# Text a table may have been exported as (named on the command line, such a file is read and told
# to be text, see readers.container): in a folder, passed over with what to do if it is one
_TEXT_EXPORTS = {".csv", ".tsv", ".txt"}


def not_read(name: str, size: int | None = None) -> str | None:
    """Why a file called ``name`` is not read even when named on the command line (``None``:
    it is read, and its content tells its format): a lock file, a macOS resource file, a PDF,
    image or other file that never holds a table. A ``~$`` file of ``size`` :data:`LOCK_SIZE`
    or more is a table named so (a copy of a lock's name kept by a unit), not a lock."""
    if (name.startswith("~$") and (size is None or size < LOCK_SIZE)) or (name.startswith(".~lock.") and name.endswith("#")):
        return LOCK_FILE
    if name.startswith("._"):
        return MAC_FILE
    suffix = PurePosixPath(name).suffix.lower()
    if re.fullmatch(r"\.z\d\d+", suffix):
        return "分卷压缩包的一卷，不能单独读取：请把各卷与 .zip 放在同一文件夹，用解压软件解压后再复核"
    return _OTHER_FILES.get(suffix)


# What units send that cannot be read, with what to ask them for instead
_ASK_FOR_TABLES = "请报送 Excel（.xlsx）或 Word（.docx）版的表格"
_OTHER_FILES = {
    **{s: f"{s[1:].upper()} 压缩包无法直接读取，请解压（或改用 .zip 压缩）后再试"
       for s in (".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz")},
    **{s: "单个文件网页（.mht）无法直接读取，请用 Excel 或 Word 打开后另存为 .xlsx 或 .docx" for s in (".mht", ".mhtml")},
    **{s: f"{s[1:].upper()} 文件无法读取：{_ASK_FOR_TABLES}" for s in (".pdf", ".ofd")},
    **{s: f"图片（扫描件或照片）无法读取：{_ASK_FOR_TABLES}"
       for s in (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".gif", ".heic")},
    ".wps": "WPS 文字 .wps 文件无法直接读取，请在 WPS 中另存为 .docx 后再试",
    ".numbers": "Apple Numbers 文件无法直接读取，请在 Numbers 中导出为 Excel（.xlsx）后再试",
    ".fods": "平面 OpenDocument 表格（.fods）无法直接读取，请另存为 .ods 或 .xlsx 后再试",
}


def unpack(archive: str, into: str, depth: int = 1, inside: str = "",
           done: Unpacked | None = None, within: str = "") -> Unpacked:
    """Unpack the files of ``archive`` that recalc reads into the folder ``into`` (each under a
    new number, keeping its suffix); archives inside it are unpacked in turn (``inside``: the
    shown path of this one within the outer archive, ``within`` its path as written there). ``done`` carries on the counts of the archives
    unpacked before in the same run (:data:`MAX_ENTRIES` and :data:`MAX_UNPACKED` are the
    run's). A file named .zip that is a workbook or Word document (an .xlsx, .ods or .xls
    renamed) is not unpacked: ``as_file`` is set and it is read as the file it is. Every file
    gets a shown name of its own (numbered （2） … where two read alike). Raises
    :class:`UnreadableFile` when ``archive`` cannot be opened as a zip archive."""
    done = done if done is not None else Unpacked()
    book = _open(archive)
    if book is None:
        done.as_file = True
        return done
    with book, contextlib.closing(book.fp):   # (zipfile leaves the file it was handed open)
        files = [info for info in book.infolist() if not info.filename.endswith("/")]   # (no folders)
        names = {info.filename for info in files}
        if _is_document(names):
            done.as_file = True
            return done
        if not files:
            done.passed.append((inside, "压缩包无法读取：压缩包中没有文件", False, within))
        seen: set[str] = set()
        mac: dict[str, int] = {}   # each __MACOSX folder: the files in it
        last = _volume(book)   # a split archive's .zip is its last volume: a member begun before is not here
        for number, info in enumerate(files):
            done.entries += 1
            if done.entries > MAX_ENTRIES:
                done.passed.append((inside, f"压缩包无法读取：本次复核从压缩包中读取的文件已达上限（合计 {MAX_ENTRIES} 个），"
                                            f"这个压缩包中还有 {len(files) - number} 个文件未读取；请分批复核", False, within))
                break
            name = member_name(info)
            parts = name.split("/")
            if MAC_FOLDER in parts[:-1]:
                folder = parts[:parts.index(MAC_FOLDER) + 1]
                key = ("/".join([inside, *folder]) if inside else "/".join(folder),
                       "/".join([within, *folder]) if within else "/".join(folder))
                mac[key] = mac.get(key, 0) + 1
                continue
            shown = done.own(f"{inside}/{name or NO_NAME}" if inside else name or NO_NAME)
            entry = f"{within}/{name}" if within else name
            skipped = skip_reason(PurePosixPath(name).name, size=info.file_size) if name else "没有文件名的条目，已跳过"
            why = (skipped, True) if skipped else (SPLIT, False) if info.volume < last else \
                _refused(info, name, seen, depth, done)
            if why:
                done.passed.append((shown, *why, entry))
                continue
            seen.add(name.lower())
            _take(book, info, name, (shown, entry), into, depth, done)
        done.passed += [(done.own(folder), MAC_FILES.format(f"（{count} 个文件）"), True, entry)
                        for (folder, entry), count in mac.items()]
    return done


def _volume(book: zipfile.ZipFile) -> int:
    """The number of the volume the archive's file is, as its end record says (0 unless it is the
    .zip of a split archive, 分卷.zip beside 分卷.z01 …)."""
    end = _end_record(book.fp)
    return end[zipfile._ECD_DISK_NUMBER] if end else 0


def _end_record(handle) -> list | None:
    """The archive's end record as zipfile reads it (its own private reader: without it, ``None``,
    and what needs the record is left to zipfile), the file then read from its start."""
    read_end = getattr(zipfile, "_EndRecData", None)
    try:
        end = read_end(handle) if read_end else None
    except OSError:   # an end record pointing before the file: what zipfile calls no zip file
        raise zipfile.BadZipFile from None
    handle.seek(0)
    return end


NO_NAME = "（没有文件名）"
SPLIT = "文件无法读取：在分卷压缩包的另一卷（.z01 等）中；请把各卷放在同一文件夹，用解压软件解压后再复核"


def _is_document(names: set[str]) -> bool:
    """Whether a zip is a workbook or Word document rather than an archive of them: an Office
    Open XML package (its content types and main part) or an OpenDocument file (its mimetype and
    content)."""
    return ("[Content_Types].xml" in names and bool(names & {"xl/workbook.xml", "xl/workbook.bin", "word/document.xml"})) \
        or {"mimetype", "content.xml"} <= names


def unpack_all(archives: list[str], into: str, entries: int = 0, size: int = 0) -> list[Unpacked | UnreadableFile]:
    """:func:`unpack` for each archive, each into a folder of its own in ``into``, the counts
    carried from one to the next (starting from ``entries`` and ``size``); an archive that
    cannot be opened gives its :class:`UnreadableFile` (with the ``trace`` of a bug met in it).
    (One worker process for a batch of archives, not one each.)"""
    results: list[Unpacked | UnreadableFile] = []
    for archive in archives:
        done = Unpacked(size=size, entries=entries)
        try:
            results.append(unpack(archive, tempfile.mkdtemp(dir=into), done=done))
        except UnreadableFile as err:
            results.append(err)
        except Exception:   # a bug met in one archive: its line, the others' work kept
            if debugging():
                raise
            failure = UnreadableFile(UNEXPECTED)
            failure.trace = traceback.format_exc()   # logged by the caller (a worker's log is not seen)
            results.append(failure)
        entries, size = done.entries, done.size
    return results


def _open(archive: str) -> zipfile.ZipFile | None:
    """``archive`` opened as a zip archive, if it is a regular file (never a pipe or a device,
    which could block or never end) whose directory is of a reasonable size; ``None`` if it is
    no zip but a workbook by its content (an .xls or a web page renamed .zip). Raises
    :class:`UnreadableFile`."""
    fd, _ = open_regular(archive)   # (no size limit: an archive may exceed what one table may)
    handle = os.fdopen(fd, "rb")
    try:
        _directory_size(handle)
        try:
            return zipfile.ZipFile(handle)
        except (UnicodeDecodeError, zipfile.BadZipFile) as err:   # what one entry can make zipfile refuse
            if isinstance(err, zipfile.BadZipFile) and not str(err).startswith("Corrupt extra field"):
                raise
            book = _repaired(handle)
            if book is None:
                raise
            return book
    except zipfile.BadZipFile:
        handle.seek(0)
        start = handle.read(65536)
        handle.close()
        if start.startswith(OLE) or sniff_markup(start):
            return None
        if other := other_kind(start):   # (7z, RAR: an archive perfbook does not unpack; a PDF renamed)
            kind, packed = other
            raise UnreadableFile(f"{kind}，不是 zip 压缩包" + (f"：{UNPACK_FIRST}" if packed else "")) from None
        raise UnreadableFile("不是 zip 压缩包，或压缩包已损坏") from None
    except (ValueError, NotImplementedError):   # a name not in its encoding, a version
        handle.close()
        raise UnreadableFile("压缩包的目录已损坏或使用了不支持的格式，无法读取；请解压后再复核") from None
    except BaseException:
        handle.close()
        raise


def _repaired(handle) -> zipfile.ZipFile | None:
    """The archive opened with what one entry's directory record gets wrong set right as it is
    read (the file itself is never written), or ``None`` when nothing is found to set right:

    * a name flagged UTF-8 (bit 11 of the general-purpose flags) that is not: what some zip tools
      write on Chinese Windows (GBK bytes so flagged): the flag cleared, in the directory and in
      the member's local header, so that zipfile reads the name as bytes (see :func:`member_name`);
    * an extra field whose last record claims more bytes than the field has: its length cut to
      what there is (zipfile refuses the whole directory for it; ``unzip`` reads the others).

    The directory is found as zipfile finds it (its own reader of the end record)."""
    end = _end_record(handle)
    if not end:
        return None
    size = end[zipfile._ECD_SIZE]
    start = end[zipfile._ECD_LOCATION] - size
    if end[zipfile._ECD_SIGNATURE] == zipfile.stringEndArchive64:
        start -= zipfile.sizeEndCentDir64 + zipfile.sizeEndCentDir64Locator
    handle.seek(start)
    directory = handle.read(size)
    handle.seek(0)
    patches: dict[int, int] = {}
    misflagged, at, number = [], 0, 0
    while at + zipfile.sizeCentralDir <= len(directory):
        entry = struct.unpack_from(zipfile.structCentralDir, directory, at)
        if entry[zipfile._CD_SIGNATURE] != zipfile.stringCentralDir:
            break
        names, extras = entry[zipfile._CD_FILENAME_LENGTH], entry[zipfile._CD_EXTRA_FIELD_LENGTH]
        name = directory[at + zipfile.sizeCentralDir:at + zipfile.sizeCentralDir + names]
        if entry[zipfile._CD_FLAG_BITS] & 0x800 and decoded(name, ("utf-8",)) is None:
            misflagged.append(number)
            patches[start + at + 9] = directory[at + 9] & ~0x08   # (the flags are at +8, little-endian)
        extra = at + zipfile.sizeCentralDir + names
        if extra + extras > len(directory):   # a directory cut short: zipfile's own refusal stands
            break
        record = 0
        while record + 4 <= extras:
            length = struct.unpack_from("<H", directory, extra + record + 2)[0]
            if record + 4 + length > extras:   # a record running past its field: cut to the field's end
                patches.update(zip((start + extra + record + 2, start + extra + record + 3),
                                   struct.pack("<H", extras - record - 4)))
                break
            record += 4 + length
        at = extra + extras + entry[zipfile._CD_COMMENT_LENGTH]
        number += 1
    if not patches:
        return None
    patched = _Patched(handle, patches)
    book = zipfile.ZipFile(patched)
    infos = book.infolist()   # (in the directory's order; the offsets as zipfile reads them)
    for n in misflagged:   # the local header's flags too, which zipfile compares with the directory's
        offset = infos[n].header_offset + 7
        handle.seek(offset)
        flags = handle.read(1)
        if flags:
            patched.patch({offset: flags[0] & ~0x08})
    return book


class _Patched:
    """An archive's file read with some bytes replaced (``patches``: offset → byte), for zipfile
    (see :func:`_repaired`). The file itself is never written."""

    def __init__(self, handle, patches: dict[int, int]) -> None:
        self._handle, self._patches = handle, dict(patches)
        self._offsets = sorted(self._patches)

    def patch(self, patches: dict[int, int]) -> None:
        self._patches.update(patches)
        self._offsets = sorted(self._patches)

    def read(self, size: int = -1) -> bytes:
        start = self._handle.tell()
        data = self._handle.read(size)
        first = bisect.bisect_left(self._offsets, start)
        last = bisect.bisect_left(self._offsets, start + len(data))
        if first == last:
            return data
        patched = bytearray(data)
        for offset in self._offsets[first:last]:
            patched[offset - start] = self._patches[offset]
        return bytes(patched)

    def seek(self, *args) -> int:
        return self._handle.seek(*args)

    def tell(self) -> int:
        return self._handle.tell()

    def seekable(self) -> bool:
        return True

    def close(self) -> None:
        self._handle.close()


MAX_DIRECTORY = 32 * 2**20   # bytes of an archive's directory: some 300,000 entries


def _directory_size(handle) -> None:
    """Refuse an archive whose directory is larger than :data:`MAX_DIRECTORY` before zipfile
    reads it into memory (a directory listing one entry millions of times), by the size its end
    record gives (zipfile's own reader of that record)."""
    end = _end_record(handle)
    if end and end[zipfile._ECD_SIZE] > MAX_DIRECTORY:
        handle.seek(0, os.SEEK_END)
        if end[zipfile._ECD_SIZE] > handle.tell():   # (a directory larger than the file: no real one)
            raise UnreadableFile("压缩包已损坏（目录记录的大小超过文件本身），无法读取；请重新打包后再报送")
        raise UnreadableFile(f"压缩包中的条目过多（目录 {end[zipfile._ECD_SIZE] // 2**20} MB），未读取；请解压后分批复核")


def _refused(info: zipfile.ZipInfo, name: str, seen: set[str], depth: int, done: Unpacked) -> tuple[str, bool] | None:
    """Why a member that would be read is not unpacked (``None``: it is)."""
    if stat.S_ISLNK(info.external_attr >> 16):
        return "是符号链接，不是文件，已跳过", True
    if name.lower() in seen:
        return "文件无法读取：压缩包中有同名文件，只复核了第一个；请解压后分别复核", False
    if info.flag_bits & 0x1:
        return "文件无法读取：压缩包中的这个文件设置了密码，请解压后另存再复核", False
    if info.compress_type in _UNBOUNDED:
        return (f"文件无法读取：压缩方式为 {_UNBOUNDED[info.compress_type]}，无法安全解压；"
                "请用常规 zip 压缩（或解压）后再复核"), False
    if is_archive(name) and depth >= MAX_DEPTH:
        return f"文件无法读取：压缩包中的压缩包嵌套超过 {MAX_DEPTH} 层，未解压；请解压后再复核", False
    if info.file_size > MAX_FILE_BYTES:
        return f"文件无法读取：文件过大（{info.file_size // 2**20} MB，上限 {MAX_FILE_BYTES // 2**20} MB），已拒绝读取", False
    if compressed_like_a_bomb(info.file_size, info.compress_size):
        return (f"文件无法读取：压缩比异常（{info.file_size // max(info.compress_size, 1)} 倍），可能是恶意构造的文件"
                "（压缩炸弹），已拒绝解压"), False
    if done.size + info.file_size > MAX_UNPACKED:
        return f"文件无法读取：压缩包解压后过大（本次复核上限 {MAX_UNPACKED // 2**30} GB），未解压；请解压后分批复核", False
    return None


def _take(book: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, names: tuple[str, str], into: str, depth: int,
          done: Unpacked) -> None:
    """Unpack one member (an inner archive: its members), or say why it could not be; ``names``
    are its shown name and its path in the archive."""
    shown, entry = names
    suffix = PurePosixPath(name).suffix.lower()
    target = os.path.join(into, f"{done.written:05d}{suffix}")
    done.written += 1
    try:
        size = _copy(book, info, target)
    except UnreadableFile as err:
        done.passed.append((shown, f"文件无法读取：{err}", False, entry))
        return
    done.size += size
    if not is_archive(name):
        done.members.append(Member(shown, target, entry))
        return
    try:
        unpack(target, into, depth + 1, shown, done, entry)   # (done.as_file is False here: see unpack)
    except UnreadableFile as err:
        done.passed.append((shown, f"文件无法读取：{err}", False, entry))
    if done.as_file:   # a workbook or Word document named .zip: read as it is
        done.as_file = False
        done.members.append(Member(shown, target, entry))
    else:
        os.remove(target)


def _copy(book: zipfile.ZipFile, info: zipfile.ZipInfo, target: str) -> int:
    """A member's bytes into a new file ``target`` (zipfile reads no more than its declared size,
    checked by :func:`_refused`, and checks its CRC at the end); returns the size. Raises
    :class:`UnreadableFile`, with nothing left at ``target``."""
    try:
        out = open(target, "xb")
    except OSError as err:
        raise UnreadableFile(f"解压时无法写出（{os_reason(err)}）") from None
    size = 0
    try:
        with out, _guarded(lambda: book.open(info)) as source:
            while chunk := _guarded(lambda: source.read(_CHUNK)):   # (never past its declared size)
                size += len(chunk)
                out.write(chunk)
    except OSError as err:   # writing (a damaged member's is an UnreadableFile by then: see _guarded)
        _remove(target)
        raise UnreadableFile(f"解压时无法写出（{os_reason(err)}）") from None
    except BaseException:
        _remove(target)
        raise
    return size


def _remove(path: str) -> None:
    """Remove a file being unpacked that failed; if even that fails, the folder it is in goes at
    the end of the run (see :func:`~workbook_builder.recalc.run._remove_folder`)."""
    try:
        os.remove(path)
    except OSError:
        logger.debug("无法删除 %s", path, exc_info=True)


# what zipfile raises for a damaged member: its CRC, local header (a name, a length), or data
_DAMAGED = (zipfile.BadZipFile, zlib.error, ValueError, EOFError)


def _guarded(read):
    """``read()`` (opening a member, reading its next chunk): a damaged member (its local header,
    CRC or compressed data) or an unsupported method raise :class:`UnreadableFile`."""
    try:
        return read()
    except NotImplementedError:
        raise UnreadableFile("压缩包中的这个文件使用了不支持的压缩方式，请解压后再复核") from None
    except _DAMAGED:
        raise UnreadableFile("压缩包中的这个文件已损坏（解压或校验失败）") from None
