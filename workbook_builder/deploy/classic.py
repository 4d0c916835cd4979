"""The classic Windows add-in route: xlwings' add-in plus a user config pointing at addin.udfs.

``perfbook addin install`` copies xlwings' own add-in into Excel's start-up folder (through
xlwings' CLI) and writes ``~/.xlwings/xlwings.conf`` so that the add-in's *Import Functions*
imports the PERF_* functions of ``addin.udfs`` with this environment's Python. Everything that
only computes files or settings is a pure function here and tested on any platform; the steps
that need Windows and Excel refuse clearly elsewhere.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

from addin.engine import UserError

UDF_MODULE = "addin.udfs"
KEYS = ("INTERPRETER_WIN", "UDF MODULES")


class AddinUnavailable(UserError):
    """This machine cannot host the classic add-in (no Windows desktop Excel)."""


def config_path(home: Path | None = None) -> Path:
    return (home or Path.home()) / ".xlwings" / "xlwings.conf"


def interpreter(python: str = sys.executable) -> str:
    """``pythonw.exe`` beside ``python.exe`` when there is one: Excel then opens no console."""
    path = Path(python)
    windowless = path.with_name("pythonw.exe")
    return str(windowless) if path.name.lower() == "python.exe" and windowless.exists() else str(path)


def settings(python: str = sys.executable) -> dict[str, str]:
    return {"INTERPRETER_WIN": interpreter(python), "UDF MODULES": UDF_MODULE}


def update_config(text: str, values: dict[str, str] | None, keys=KEYS) -> str:
    """xlwings.conf text with ``keys`` replaced by ``values`` (or removed when ``values`` is
    None); other lines are kept as they are. Lines look like ``"KEY","VALUE"``."""
    kept = [
        line for line in text.splitlines()
        if line.strip() and line.split(",")[0].strip().strip('"').upper() not in keys
    ]
    if values:
        kept += [f'"{key}","{values[key]}"' for key in keys]
    return "\n".join(kept) + ("\n" if kept else "")


def read_config(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    pairs = {}
    for line in path.read_text(encoding=system_code_page(), errors="replace").splitlines():
        key, _, value = line.partition(",")
        if key:
            pairs[key.strip().strip('"').upper()] = value.strip().strip('"')
    return pairs


def unencodable_argument_names(encoding: str) -> list[str]:
    """Argument names the VBA wrapper cannot carry in ``encoding``: xlwings writes the wrapper
    in the system code page, so Chinese argument names need a Chinese code page (936)."""
    from addin.udfs import FUNCTIONS

    names = [n for f in FUNCTIONS for n in inspect.signature(f).parameters]
    bad = []
    for name in dict.fromkeys(names):
        try:
            name.encode(encoding)
        except (UnicodeEncodeError, LookupError):
            bad.append(name)
    return bad


def require_windows() -> None:
    if not sys.platform.startswith("win"):
        raise AddinUnavailable(
            "本机不是 Windows，没有桌面版 Excel，无法安装传统加载项。"
            "Excel 网页版、Mac 版或由信息部门统一管理的电脑请使用 perfbook serve（xlwings Server），"
            "或使用 perfbook lite 生成 xlwings Lite 代码。"
        )


def _xlwings(*args: str) -> None:
    subprocess.run([sys.executable, "-c", "from xlwings.cli import main; main()", *args], check=True)


def _write(path: Path, text: str) -> None:
    """Written in the system code page, as xlwings writes it: its VBA reads the file as ANSI,
    so a Python path under C:\\Users\\张三 must not be UTF-8."""
    from ..files import atomic_save

    atomic_save(lambda tmp: Path(tmp).write_text(text, encoding=system_code_page()), path)


def install() -> list[str]:
    require_windows()
    _xlwings("addin", "install")
    path = config_path()
    old = path.read_text(encoding=system_code_page(), errors="replace") if path.exists() else ""
    _write(path, update_config(old, settings()))
    return [f"已安装 xlwings 加载项，并在 {path} 中设置 UDF Modules = {UDF_MODULE}。", *next_steps()]


def uninstall() -> list[str]:
    require_windows()
    _xlwings("addin", "remove")
    path = config_path()
    if path.exists():
        _write(path, update_config(path.read_text(encoding=system_code_page(), errors="replace"), None))
    return [f"已移除 xlwings 加载项及 {path} 中的 perfbook 设置。"]


def next_steps() -> list[str]:
    return [
        "接下来：",
        "1. 打开 Excel：文件 › 选项 › 信任中心 › 信任中心设置 › 宏设置，勾选“信任对 VBA 工程对象模型的访问”。",
        "2. 打开自评表工作簿，在功能区 xlwings 选项卡点击 Import Functions（导入函数）。",
        "3. 在单元格中输入 =PERF_SCORE( 即可看到中文参数提示；函数位于“绩效评价”类别。",
    ]


def status() -> list[str]:
    """What is set up, as lines to print (on any platform)."""
    path = config_path()
    config = read_config(path)
    lines = [f"配置文件：{path}（{'存在' if path.exists() else '不存在'}）"]
    lines += [f"  {key} = {config.get(key, '（未设置）')}" for key in KEYS]
    encoding = system_code_page()
    bad = unencodable_argument_names(encoding)
    if bad:
        lines.append(f"警告：系统代码页 {encoding} 无法表示参数名 {'、'.join(bad)}，导入函数会失败；"
                     "请在“区域 › 管理 › 非 Unicode 程序的语言”中选择中文（简体，中国）。")
    if sys.platform.startswith("win"):
        xlstart = Path(os.environ.get("APPDATA", "")) / "Microsoft" / "Excel" / "XLSTART" / "xlwings.xlam"
        lines.append(f"xlwings 加载项：{xlstart}（{'已安装' if xlstart.exists() else '未安装'}）")
    return lines


def system_code_page() -> str:
    """The code page xlwings writes the VBA wrapper in (cp936 on Chinese Windows)."""
    if sys.platform.startswith("win"):
        import locale

        return locale.getpreferredencoding(False)
    return "cp936"  # off Windows: the code page of the Chinese Windows the add-in targets
