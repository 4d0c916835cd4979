"""``perfbook lite``: a self-contained ``main.py`` (engine, profiles, evaluation frameworks and the
review script 复核本工作簿 embedded) for xlwings Lite."""

from __future__ import annotations

import importlib.util
import inspect
from importlib import resources
from pathlib import Path

from addin.engine import UserError, list_profiles
from addin.engine.frameworks.model import framework_texts, list_frameworks
from addin.engine.forms import form_texts
from addin.engine.profiles import DEFAULT_PROFILE_ID, profile_texts
from addin.udfs import FUNCTIONS, signature

from .. import perfbook_version, texts
from ..files import atomic_save, shown_path

PACKAGES = ("addin", "addin.engine", "addin.engine.frameworks")   # the bundle serves every module of these
# The review script 复核本工作簿 and the stdlib-only modules it needs (with their packages).
REVIEW_MODULES = (
    "workbook_builder", "workbook_builder.files", "workbook_builder.logs",
    "workbook_builder.forms", "workbook_builder.forms.layout", "workbook_builder.forms.evaluation_layout",
    "workbook_builder.readers", "workbook_builder.readers.container", "workbook_builder.readers.tables",
    "workbook_builder.readers.archive",
    "workbook_builder.readers.evaluation", "workbook_builder.readers.multiyear",
    "workbook_builder.recalc", "workbook_builder.recalc.result", "workbook_builder.recalc.run",
    "workbook_builder.recalc.evaluation",
    "workbook_builder.deploy", "workbook_builder.deploy.review",
    "workbook_builder.readers.project_list", "workbook_builder.targets", "workbook_builder.targets.read",
    "workbook_builder.targets.run",
)
REQUIREMENTS = "xlwings\n"


def _source(package: str, stem: str) -> str:
    return resources.files(package).joinpath(f"{stem}.py").read_text(encoding="utf-8")


def packages() -> list[str]:
    """The bundled names that are packages."""
    return [*PACKAGES, *(m for m in REVIEW_MODULES if _is_package(m))]


def _is_package(name: str) -> bool:
    return importlib.util.find_spec(name).submodule_search_locations is not None


def sources() -> dict[str, str]:
    """Module name → source of every bundled module: the ``addin`` package (the engine and the
    Excel functions) and the review script's modules, as the bundle's import hook serves them."""
    found = {}
    for package in PACKAGES:
        folder = resources.files(package)
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                stem = entry.name[:-3]
                name = package if stem == "__init__" else f"{package}.{stem}"
                found[name] = entry.read_text(encoding="utf-8")
    for name in REVIEW_MODULES:
        parent, _, stem = name.rpartition(".")
        found[name] = _source(name, "__init__") if _is_package(name) else _source(parent, stem)
    return found


def main_py() -> str:
    functions = [
        {"signature": signature(f), "doc": inspect.getdoc(f)} for f in FUNCTIONS
    ]
    return texts.render(
        "lite_main.py",
        version=perfbook_version(),
        functions=functions,
        profiles=[p.id for p in list_profiles()],
        frameworks=[f.id for f in list_frameworks()],
        default_profile=DEFAULT_PROFILE_ID,
        sources=_literal(sources()),
        profiles_texts=_literal(dict(sorted(profile_texts().items()))),
        frameworks_texts=_literal(dict(sorted(framework_texts().items()))),
        forms_texts=_literal(dict(sorted(form_texts().items()))),
        names=[f.__name__ for f in FUNCTIONS],
        packages=packages(),
    ) + "\n"


def _literal(texts: dict[str, str]) -> str:
    """A dict literal with one entry per line."""
    return "{\n" + "".join(f"    {name!r}: {text!r},\n" for name, text in texts.items()) + "}"


class LiteFilesExist(UserError):
    """``main.py`` or ``requirements.txt`` of the user's own in the output folder."""


def _ours(path: Path, text: str) -> bool:
    """Whether ``path`` may be replaced: absent, or what ``perfbook lite`` writes there (a main.py
    beginning as this one does, of any version; requirements.txt as it is now)."""
    try:
        existing = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return True
    except OSError:
        return False
    first = text.splitlines()[0]
    return existing.startswith(first) if path.name == "main.py" else existing == text


def write_lite(folder: str | Path, overwrite: bool = False) -> list[Path]:
    """main.py and requirements.txt in ``folder``; a user's own file of either name is refused
    unless ``overwrite``."""
    folder = Path(folder)
    code = main_py()
    if folder.exists() and not folder.is_dir():   # (said first: --force would not help)
        raise LiteFilesExist(f"{shown_path(str(folder))} 是文件，不是文件夹：-o 请给出放 main.py 和 requirements.txt 的文件夹")
    if not overwrite:
        theirs = [p.name for p, text in ((folder / "main.py", code), (folder / "requirements.txt", REQUIREMENTS))
                  if not _ours(p, text)]
        if theirs:
            raise LiteFilesExist(f"{shown_path(str(folder))} 中已有不是 perfbook 写出的 {'、'.join(theirs)}，"
                                 "为免覆盖已停止：请另选输出目录，或加 --force 覆盖")
    main = atomic_save(lambda tmp: Path(tmp).write_text(code, encoding="utf-8"), folder / "main.py")
    requirements = atomic_save(lambda tmp: Path(tmp).write_text(REQUIREMENTS, encoding="utf-8"),
                               folder / "requirements.txt")
    return [main, requirements]
