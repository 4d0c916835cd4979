"""``perfbook lite``: a self-contained ``main.py`` (engine, profiles and evaluation frameworks
embedded) for xlwings Lite."""

from __future__ import annotations

import inspect
from importlib import resources
from pathlib import Path

from addin.engine import list_profiles
from addin.engine.frameworks.model import framework_texts, list_frameworks
from addin.engine.profiles import DEFAULT_PROFILE_ID, profile_texts
from addin.udfs import FUNCTIONS, signature

from .. import perfbook_version, texts
from ..files import atomic_save

PACKAGES = ("addin", "addin.engine", "addin.engine.frameworks")   # the bundle serves every module of these
REQUIREMENTS = "xlwings\n"


def sources() -> dict[str, str]:
    """Module name → source of every module of the ``addin`` package (the engine and the Excel
    functions), as the bundle's import hook serves them."""
    found = {}
    for package in PACKAGES:
        folder = resources.files(package)
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                stem = entry.name[:-3]
                name = package if stem == "__init__" else f"{package}.{stem}"
                found[name] = entry.read_text(encoding="utf-8")
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
        names=[f.__name__ for f in FUNCTIONS],
        packages=list(PACKAGES),
    ) + "\n"


def _literal(texts: dict[str, str]) -> str:
    """A dict literal with one entry per line."""
    return "{\n" + "".join(f"    {name!r}: {text!r},\n" for name, text in texts.items()) + "}"


def write_lite(folder: str | Path) -> list[Path]:
    folder = Path(folder)
    main = atomic_save(lambda tmp: Path(tmp).write_text(main_py(), encoding="utf-8"), folder / "main.py")
    requirements = atomic_save(lambda tmp: Path(tmp).write_text(REQUIREMENTS, encoding="utf-8"),
                               folder / "requirements.txt")
    return [main, requirements]
