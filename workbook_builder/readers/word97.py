"""Word 97–2003 documents (.doc), which many units still submit, read through LibreOffice.

No well-kept Python library reads the tables of a .doc, so the document's bytes (as checked,
never the file opened again by name) are converted to .docx by the LibreOffice installed on this
machine, then checked and read as any .docx. The conversion runs headless in a private temporary
folder with a profile of its own (so that a LibreOffice the user has open neither takes the job
nor is disturbed), with no input, in a session of its own, and is killed when it takes longer
than :data:`TIMEOUT` or the command is stopped. Where no LibreOffice is found, the file is refused
with what to do. ``PERFBOOK_SOFFICE`` names the program to use; set empty, it turns conversion off.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from ..files import os_reason

SOFFICE_ENV = "PERFBOOK_SOFFICE"
LARGEST = 64 * 1024 * 1024   # bytes of the .docx made (as large as any file read)
TIMEOUT = 120   # seconds; a table of a few pages converts in 2–3 s, most of it LibreOffice starting
# where the installers put LibreOffice when it is not on PATH (Windows, macOS)
_INSTALLED = (r"C:\Program Files\LibreOffice\program\soffice.exe",
              r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
              "/Applications/LibreOffice.app/Contents/MacOS/soffice")
_SAVE_AS = "请在 Word 或 WPS 中另存为 .docx 后再报送"


class ConversionFailed(Exception):
    """Why a .doc could not be converted; ``str()`` is the Chinese sentence, with what to do."""


def soffice() -> str | None:
    """The LibreOffice program that converts: ``PERFBOOK_SOFFICE`` when set (empty: none), else
    ``soffice`` or ``libreoffice`` on PATH, else where the installers put it."""
    configured = os.environ.get(SOFFICE_ENV)
    if configured is not None:
        configured = configured.strip().strip('"')   # (a path pasted with its quotes)
        if os.path.isdir(configured):   # the installation's folder: its program
            found = [os.path.join(configured, *p) for p in (("program", "soffice.exe"), ("program", "soffice"),
                                                           ("soffice.exe",), ("soffice",))]
            return next((p for p in found if os.path.isfile(p)), configured)
        return configured or None
    found = shutil.which("soffice") or shutil.which("libreoffice")
    return found or next((p for p in _INSTALLED if Path(p).is_file()), None)


def docx_of(data: bytes) -> bytes:
    """The .docx LibreOffice makes of the .doc whose bytes are ``data``. Raises
    :class:`ConversionFailed` when there is no LibreOffice, or it fails, takes too long or makes
    a file larger than any file read."""
    office = soffice()
    if office is None:
        raise ConversionFailed(f"是旧版 Word 文档（.doc），本机没有可用于转换的 LibreOffice，{_SAVE_AS}"
                             f"（或安装 LibreOffice 后再复核）")
    if os.path.isdir(office):
        raise ConversionFailed(f"是旧版 Word 文档（.doc），{SOFFICE_ENV} 指向的文件夹 {office} 中没有 soffice，{_SAVE_AS}")
    with tempfile.TemporaryDirectory(prefix="perfbook-doc-", ignore_cleanup_errors=True) as tmp:   # (Windows: a file still held)
        source, out = Path(tmp, "document.doc"), Path(tmp, "out")
        source.write_bytes(data)
        command = [office, f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless",
                   "--invisible", "--nologo", "--norestore", "--nolockcheck",
                   "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(source)]
        # (LibreOffice's cache and settings, dconf's among them, in the temporary folder too: the
        # conversion writes nothing in the user's home)
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(tmp, "cache")), "XDG_CONFIG_HOME": str(Path(tmp, "config"))}
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env=env,
                                       stderr=subprocess.DEVNULL, start_new_session=os.name == "posix",
                                       preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        except OSError as err:
            raise ConversionFailed(f"是旧版 Word 文档（.doc），无法启动 LibreOffice（{office}：{os_reason(err)}），"
                                 f"{_SAVE_AS}") from None
        try:
            process.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            raise ConversionFailed(f"是旧版 Word 文档（.doc），LibreOffice 转换超过 {TIMEOUT} 秒未完成，{_SAVE_AS}") from None
        finally:
            _end(process)
        converted = out / "document.docx"
        if not converted.is_file():
            raise ConversionFailed(f"是旧版 Word 文档（.doc），LibreOffice 未能转换（文件可能已损坏，或临时文件夹"
                                   f" {tempfile.gettempdir()} 空间不足），{_SAVE_AS}")
        if converted.stat().st_size > LARGEST:
            raise ConversionFailed(f"是旧版 Word 文档（.doc），LibreOffice 转换出的文件过大，{_SAVE_AS}")
        return converted.read_bytes()


def _die_with_parent() -> None:
    """In the conversion's process, before LibreOffice starts: the kernel kills it when the
    process that started it dies (a recalc worker killed for overrunning its time cannot end it
    itself)."""
    import ctypes

    ctypes.CDLL(None).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG


def _end(process: subprocess.Popen) -> None:
    """Kill a conversion still running (timed out, or the command stopped), with what it started."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):   # (ended in between)
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    process.wait()
