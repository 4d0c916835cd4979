"""``perfbook lite``: a self-contained ``main.py`` (engine and profiles embedded) for xlwings Lite."""

from __future__ import annotations

import inspect
from importlib import resources
from pathlib import Path

from addin import list_profiles
from addin.profile import DEFAULT_PROFILE_ID, profile_texts
from addin.udfs import FUNCTIONS

from . import texts
from .docs import signature
from .files import atomic_save
from .template import perfbook_version

# The engine's modules, as the bundle serves them (every module of the addin package).
MODULES = ("errors", "numbers", "profile", "qualitative", "scoring", "checks", "table", "udfs")
REQUIREMENTS = "xlwings\n"


def sources() -> dict[str, str]:
    package = resources.files("addin")
    found = {"addin": package.joinpath("__init__.py").read_text(encoding="utf-8")}
    for name in MODULES:
        found[f"addin.{name}"] = package.joinpath(f"{name}.py").read_text(encoding="utf-8")
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
        default_profile=DEFAULT_PROFILE_ID,
        sources=_literal(sources()),
        profiles_texts=_literal(dict(sorted(profile_texts().items()))),
        names=[f.__name__ for f in FUNCTIONS],
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
