"""Writing outputs safely: atomic saves and file names that work on Windows."""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import unicodedata
from pathlib import Path

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}
MAX_STEM = 80  # characters; keeps full paths well under Windows' 260


def safe_stem(name: str, limit: int = MAX_STEM) -> str:
    """``name`` as a Windows-safe file name stem: no ``\\/:*?"<>|``, no trailing dot or space,
    no reserved device name, at most ``limit`` characters and the bytes of as many Chinese
    characters (a name of characters outside the BMP, 4 bytes each, had passed Linux's 255
    bytes); without the characters of
    :data:`_UNSAFE_IN_NAME` that remain (C1 controls, bidirectional and zero-width marks): a
    RIGHT-TO-LEFT OVERRIDE would make ``项目‮xcod.exe.docx`` display as ``…exe.docx``."""
    stem = _UNSAFE_IN_NAME.sub("", _FORBIDDEN.sub("_", re.sub(r"\s+", " ", name)))
    stem = fit_bytes(stem.strip(" .")[:limit], 3 * limit).rstrip(" .")
    if not stem:
        stem = "未命名"
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    return stem


def fit_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8, at a character's end: Linux and macOS
    allow 255 bytes in a name, which 85 Chinese characters fill."""
    if len(text.encode("utf-8", "surrogateescape")) <= limit:
        return text
    return text.encode("utf-8", "surrogateescape")[:limit].decode("utf-8", "ignore").rstrip(" .")


# Characters a name may hold that a terminal or a reader would act on, or that cannot be seen:
# controls (C0, DEL, C1: \x9b starts a terminal escape like \x1b[), line and paragraph
# separators, the bidirectional marks and overrides that make a name read backwards
# (恶意.exe‮xslx), zero-width characters and the byte-order mark.
_UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
GBK_NOTE = "（文件名按 GBK 解码）"


def output_stem(stem: str, limit: int = MAX_STEM) -> str:
    """An original's name stem as the stem of a file written for it (a copy, a report): decoded
    as :func:`readable_path` decodes it, its invisible and control characters left out rather
    than escaped (左到右\u200e had made a copy named _u200e左到右_复核), then :func:`safe_stem`."""
    return safe_stem(readable_path(_UNSAFE_IN_NAME.sub("", stem))[0], limit)


def readable_path(text: str) -> tuple[str, bool]:
    """A path as Python holds it (bytes that are not UTF-8 kept as surrogates) as people can
    read it, and whether part of it was decoded as GB18030: each part that is not UTF-8 is
    decoded as GB18030 when it can be (names in a zip made on Chinese Windows, unpacked on
    Linux), else its bytes are written ``\xff``; control and bidi characters are escaped."""
    parts, decoded = [], False
    for part in text.split("/"):
        raw = part.encode("utf-8", "surrogateescape")
        try:
            part = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                part, decoded = raw.decode("gb18030"), True
            except UnicodeDecodeError:
                part = raw.decode("utf-8", "backslashreplace")
        parts.append(part)
    shown = _UNSAFE_IN_NAME.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                                else f"\\u{ord(m.group()):04x}", "/".join(parts))
    return shown, decoded


def decoded(raw: bytes, codecs: tuple[str, ...]) -> str | None:
    """``raw`` decoded by the first of ``codecs`` that decodes it strictly (``None``: none does)."""
    for codec in codecs:
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return None


def shown_path(text: str) -> str:
    """:func:`readable_path`, saying so when a part was decoded as GBK."""
    shown, decoded = readable_path(text)
    return shown + GBK_NOTE if decoded else shown


def inert_text(text: str, limit: int = 2000) -> str:
    """Text that is shown, never interpreted: control characters (which XML cannot hold) written
    as ``\\x0b``, cut to ``limit`` characters with ``…``."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unique_names(stems: list[str], suffix: str) -> list[str]:
    """File names for ``stems``, made unique with （2）, （3）… as file systems compare names:
    case-insensitively (Windows) and in one Unicode normal form (macOS: 表é and 表é written
    with a combining accent are one name)."""
    seen: set[str] = set()
    last: dict[str, int] = {}   # per name, the last number given: thousands of one name stay linear
    names = []
    for stem in stems:
        key = _same(f"{stem}{suffix}")
        n = last.get(key, 1)
        candidate = f"{stem}{suffix}" if n == 1 else f"{stem}（{n}）{suffix}"
        while _same(candidate) in seen:
            n += 1
            candidate = f"{stem}（{n}）{suffix}"
        last[key] = n
        seen.add(_same(candidate))
        names.append(candidate)
    return names


class Taken(set):
    """Names given out (a set), with the last number given to each name, so that numbering the
    next of many files with one name (an archive of 20,000 表.xlsx) does not count from 2 again:
    a hostile probe's archive took 50 s of numbering."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.last: dict[str, int] = {}


def some_of(names: list[str], most: int = 5) -> str:
    """The first ``most`` of ``names`` as shown (:func:`shown_path`), 、 between them, 等 after
    them when there are more: how a message names the files it is about."""
    return "、".join(map(shown_path, names[:most])) + ("等" if len(names) > most else "")


def numbered(name: str, taken: set[str], key=lambda text: text) -> str:
    """``name``, or ``name`` numbered before its suffix (表（2）.xlsx, 表（3）.xlsx …), the first
    whose ``key`` is not in ``taken`` (which gets it): one label, one file. With a
    :class:`Taken`, the numbers for a name go on from the last one given."""
    stem, suffix = os.path.splitext(name)
    last = getattr(taken, "last", {})
    shown, n = name, last.get(key(name), 1)
    if n > 1:
        shown = f"{stem}（{n}）{suffix}"
    while key(shown) in taken:
        n += 1
        shown = f"{stem}（{n}）{suffix}"
    taken.add(key(shown))
    last[key(name)] = n
    return shown


def _same(name: str) -> str:
    return unicodedata.normalize("NFC", name).lower()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def read_by_this_run(outputs: list[Path], inputs: list[str | Path | None]) -> list[Path]:
    """The ``outputs`` that are one of the ``inputs`` (the same file, by any name or link): what a
    command must never write, even with ``--force`` (a derived name can fall on the file read)."""
    read = [Path(p) for p in inputs if p is not None and os.path.isfile(p)]
    return [out for out in outputs if os.path.isfile(out) and any(os.path.samefile(out, p) for p in read)]


def special_file(path: str | Path) -> bool:
    """Whether ``path`` is (or links to) an existing device, pipe or socket (/dev/null, a FIFO):
    an output there is written into, never renamed over it."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _temporary(path: Path) -> dict[str, str]:
    """The prefix and suffix of :func:`atomic_save`'s temporary file for ``path`` (.表1_复核.x8k2a9q1.tmp.xlsx)."""
    return {"prefix": f".{path.stem[:20]}.", "suffix": f".tmp{path.suffix}"}


_TEMPORARY = re.compile(r"\.(.*)\.[a-z0-9_]{8}\.tmp(\.[^.]*)", re.S)   # what _temporary and mkstemp name


def remove_temporaries(folder: Path, names: list[str], since: float) -> None:
    """Remove the temporary files :func:`atomic_save` left in ``folder`` for the files ``names``
    (a writer killed before it could: a worker stopped by Ctrl+C mid-copy), those changed from
    ``since`` (a time) on. The folder is listed once."""
    wanted = {(Path(n).stem[:20], Path(n).suffix) for n in names}
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for entry in entries:
        found = _TEMPORARY.fullmatch(entry) if entry.startswith(".") and ".tmp" in entry else None
        if found and found.groups() in wanted:
            try:
                if os.lstat(folder / entry).st_mtime >= since:
                    os.unlink(folder / entry)
            except OSError:
                pass


def atomic_save(save, path: str | Path) -> Path:
    """Call ``save(temporary_path)`` and rename the result to ``path``: readers never see a
    half-written file and an existing file is replaced only by a complete one. The file gets
    the permissions of a file the user creates (``0666`` less the umask), not ``mkstemp``'s 0600.
    An existing device or pipe (:func:`special_file`) gets the complete file written into it; a
    link (/dev/stdout) is followed, the file it names replaced and the link kept."""
    path = Path(path)
    if special_file(path):   # (through a link too: /dev/fd/63 names a pipe as pipe:[…])
        with tempfile.TemporaryDirectory(prefix="perfbook-") as folder:
            tmp = Path(folder, f"output{path.suffix}")
            save(str(tmp))
            data = tmp.read_bytes()
        try:
            with open(path, "wb") as out:
                out.write(data)
        except OSError as err:
            raise type(err)(err.errno, err.strerror, str(path)) from err
        return path
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(**_temporary(path), dir=path.parent)
    except FileExistsError as err:   # a file where the folder should be
        raise NotADirectoryError(errno.ENOTDIR, err.strerror, str(path)) from err
    except OSError as err:   # named by the file the user asked for, not by the folder or a temporary
        raise type(err)(err.errno, err.strerror, str(path)) from err
    os.close(fd)
    try:
        save(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are shared like any file
        os.replace(tmp, path)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError) and err.errno is not None and err.filename in (tmp, None):   # (a write names none)
            raise type(err)(err.errno, err.strerror, str(path)) from err
        raise
    return path


def machine_error(err: BaseException) -> OSError | None:
    """The operating system's error behind ``err``: an OSError itself, or one a library wrapped
    (XlsxWriter's FileCreateError, lxml's write error on a full disk), else ``None``."""
    if isinstance(err, OSError):
        return err
    if type(err).__name__ == "FileCreateError" and err.args and isinstance(err.args[0], OSError):   # XlsxWriter
        return err.args[0]
    if type(err).__name__ == "SerialisationError" and str(err).startswith("IO_"):   # lxml (openpyxl writing): IO_ENOSPC
        code = getattr(errno, str(err)[3:], None)
        if isinstance(code, int):
            return OSError(code, os.strerror(code))
    return None


def os_reason(err: OSError) -> str:
    return {
        errno.ENOENT: "文件不存在", errno.EACCES: "没有访问权限", errno.EPERM: "没有访问权限",
        errno.ELOOP: "符号链接循环", errno.ENAMETOOLONG: "文件名过长", errno.EISDIR: "是文件夹",
        errno.ENOSPC: "磁盘空间不足", errno.EROFS: "磁盘只读", errno.ENOTDIR: "路径中有一段不是文件夹",
        errno.EEXIST: "已有同名的文件或链接", errno.EFBIG: "文件大小超过系统限制", errno.EDQUOT: "磁盘配额已用完",
        errno.ENXIO: "不是普通文件（套接字或没有接上的设备）",
    }.get(err.errno, "系统错误")
