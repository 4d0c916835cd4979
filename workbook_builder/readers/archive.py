"""Zip archives of submitted files (自评表.zip, as a department sends them): every table or Word
document inside is read as if it had been unpacked, under a name that says where it came from
(``收到.zip/单位A/表1.xlsx``).

:func:`unpack` unpacks one archive into a folder of numbered files and returns what it unpacked
and what it did not read, with the reason; recalc runs it in a guarded worker (see
:func:`~workbook_builder.recalc.guard.call_guarded`), so an archive of a million entries or a
bomb stops there. Member names are decoded as their maker wrote them: UTF-8 when the archive
says so or the bytes are UTF-8, else GB18030 (Windows' compressed folders write names in the
system code page, GBK on Chinese Windows), else the bytes are kept and shown escaped. Archives
inside the archive are unpacked too, :data:`MAX_DEPTH` levels deep. Nothing is ever written
under a member's own name, so a name such as ``../../x`` cannot reach outside the folder.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..files import readable_path
from .container import _CHUNK, MAX_FILE_BYTES, MAX_RATIO, SUFFIXES, UnreadableFile, os_reason

ARCHIVE_SUFFIXES = {".zip"}
MAX_DEPTH = 3                 # archives inside archives unpacked, the outer one included
MAX_MEMBERS = 20_000          # files unpacked from one archive (those inside it included)
MAX_UNPACKED = 2**30          # bytes unpacked from one archive
MAC_FOLDER = "__MACOSX"       # what macOS's Archive Utility adds: resource forks, no tables


@dataclass
class Member:
    """A file unpacked from an archive: its path inside it, as people read it (``单位A/表1.xlsx``;
    inside an inner archive, ``部门A.zip/表1.xlsx``), and where it was unpacked."""

    name: str
    path: str


@dataclass
class Unpacked:
    """What :func:`unpack` did with an archive: the members to read, and every other file in
    it as (name, reason, skipped): ``skipped`` for a file that is no table (not an error)."""

    members: list[Member] = field(default_factory=list)
    passed: list[tuple[str, str, bool]] = field(default_factory=list)
    size: int = 0       # bytes unpacked
    written: int = 0    # files written into the folder (their numbers)


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's path as its maker wrote it (see the module's docstring), ``/`` between parts,
    control characters and bidi overrides escaped (``\\x1b``), bytes decoded by no encoding as
    ``\\xff``."""
    if info.flag_bits & 0x800:
        name = info.filename
    else:   # zipfile decodes a name without the UTF-8 flag as cp437: its bytes, undone
        raw = info.orig_filename.encode("cp437")
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            name = raw.decode("utf-8", "surrogateescape")   # GB18030 or escaped, by readable_path
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    return readable_path("/".join(parts))[0]


MAC_FILE = "macOS 压缩时附带的资源文件（._ 开头），不是自评表，已跳过"
MAC_FILES = "macOS 压缩时附带的资源文件夹{}，不是自评表，已跳过"   # (with the count of its files)
LOCK_FILE = "Office/WPS 的临时锁定文件（文件正被打开时产生），已跳过"


def skip_reason(name: str, archives: bool = True) -> str | None:
    """Why a file called ``name`` is not read (``None``: it is read): a lock file, a macOS
    resource file, a file that is no table, Word document or (with ``archives``) .zip archive."""
    suffix = PurePosixPath(name).suffix.lower()
    if name.startswith("~$") or (name.startswith(".~lock.") and name.endswith("#")):
        return LOCK_FILE
    if name.startswith("._"):
        return MAC_FILE
    if suffix in SUFFIXES or (archives and suffix in ARCHIVE_SUFFIXES):
        return None
    return _OTHER_FILES.get(suffix) or f"不是表格或 Word 文件（扩展名“{suffix or '无'}”），已跳过"


# What units send that cannot be recalculated, with what to ask them for instead
_ASK_FOR_TABLES = "请单位报送 Excel（.xlsx）或 Word（.docx）版自评表"
_OTHER_FILES = {
    **{s: f"{s[1:].upper()} 压缩包无法直接读取，请解压（或改用 .zip 压缩）后再复核" for s in (".rar", ".7z")},
    **{s: f"{s[1:].upper()} 文件无法复核：{_ASK_FOR_TABLES}" for s in (".pdf", ".ofd")},
    **{s: f"图片（扫描件或照片）无法复核：{_ASK_FOR_TABLES}"
       for s in (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".gif", ".heic")},
    ".wps": "WPS 文字 .wps 文件无法直接读取，请在 WPS 中另存为 .docx 后再复核",
}


def unpack(archive: str, into: str, depth: int = 1, inside: str = "",
           done: Unpacked | None = None) -> Unpacked:
    """Unpack the files of ``archive`` that recalc reads into the folder ``into`` (each under a
    new number, keeping its suffix); archives inside it are unpacked in turn (``inside``: the
    path of this one within the outer archive). Raises :class:`UnreadableFile` when
    ``archive`` cannot be opened as a zip archive."""
    done = done if done is not None else Unpacked()
    try:
        book = zipfile.ZipFile(archive)
    except zipfile.BadZipFile:
        raise UnreadableFile("不是 zip 压缩包，或压缩包已损坏") from None
    except OSError as err:
        raise UnreadableFile(f"无法打开压缩包（{os_reason(err)}）") from None
    except (ValueError, NotImplementedError, EOFError, RuntimeError, zlib.error, OverflowError):
        raise UnreadableFile("压缩包的目录已损坏，无法读取") from None
    with book:
        seen: set[str] = set()
        mac = 0
        for info in book.infolist():
            if info.is_dir():
                continue
            name = member_name(info)
            shown = f"{inside}/{name}" if inside else name
            if f"/{MAC_FOLDER}/" in f"/{name}":
                mac += 1
                continue
            skipped = skip_reason(PurePosixPath(name).name)
            why = (skipped, True) if skipped else _refused(info, name, seen, depth, done)
            if why:
                done.passed.append((shown, *why))
                continue
            seen.add(name.lower())
            _take(book, info, name, shown, into, depth, done)
        if mac:
            done.passed.append((f"{inside}/{MAC_FOLDER}" if inside else MAC_FOLDER,
                                MAC_FILES.format(f"（{mac} 个文件）"), True))
    return done


def _refused(info: zipfile.ZipInfo, name: str, seen: set[str], depth: int, done: Unpacked) -> tuple[str, bool] | None:
    """Why a member that would be read is not unpacked (``None``: it is)."""
    if stat.S_ISLNK(info.external_attr >> 16):
        return "是符号链接，不是文件，已跳过", True
    if name.lower() in seen:
        return "压缩包中有同名文件，只复核第一个", True
    if info.flag_bits & 0x1:
        return "文件无法读取：压缩包中的这个文件设置了密码，请解压后另存再复核", False
    if PurePosixPath(name).suffix.lower() in ARCHIVE_SUFFIXES and depth >= MAX_DEPTH:
        return f"文件无法读取：压缩包中的压缩包嵌套超过 {MAX_DEPTH} 层，未解压；请解压后再复核", False
    if info.file_size > MAX_FILE_BYTES:
        return f"文件无法读取：文件过大（{info.file_size // 2**20} MB，上限 {MAX_FILE_BYTES // 2**20} MB），已拒绝读取", False
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:   # tables are compressed already
        return f"文件无法读取：压缩比异常（{info.file_size // info.compress_size} 倍），疑似压缩炸弹，已拒绝解压", False
    if len(done.members) >= MAX_MEMBERS or done.size + info.file_size > MAX_UNPACKED:
        return (f"文件无法读取：压缩包中的文件过多或解压后过大（上限 {MAX_MEMBERS} 个文件、"
                f"{MAX_UNPACKED // 2**30} GB），未解压"), False
    return None


def _take(book: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, shown: str, into: str, depth: int,
          done: Unpacked) -> None:
    """Unpack one member (an inner archive: its members), or say why it could not be."""
    suffix = PurePosixPath(name).suffix.lower()
    target = os.path.join(into, f"{done.written:05d}{suffix}")
    done.written += 1
    try:
        size = _copy(book, info, target)
    except UnreadableFile as err:
        done.passed.append((shown, f"文件无法读取：{err}", False))
        return
    done.size += size
    if suffix not in ARCHIVE_SUFFIXES:
        done.members.append(Member(shown, target))
        return
    try:
        unpack(target, into, depth + 1, shown, done)
    except UnreadableFile as err:
        done.passed.append((shown, f"文件无法读取：{err}", False))
    finally:
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
    try:
        os.remove(path)
    except OSError:
        pass


_DAMAGED: tuple[type[BaseException], ...] = (zipfile.BadZipFile, EOFError, zlib.error, ValueError, OverflowError,
                                             OSError, RuntimeError)
try:
    import lzma

    _DAMAGED += (lzma.LZMAError,)
except ImportError:   # a Python without lzma: zipfile cannot read such members anyway
    pass


def _guarded(read):
    """``read()`` (opening a member, reading its next chunk): a damaged member (its local header,
    CRC or compressed data; bz2 says so with an OSError) or an unsupported method raise
    :class:`UnreadableFile`."""
    try:
        return read()
    except NotImplementedError:
        raise UnreadableFile("压缩包中的这个文件使用了不支持的压缩方式，请解压后再复核") from None
    except _DAMAGED:
        raise UnreadableFile("压缩包中的这个文件已损坏（解压或校验失败）") from None
