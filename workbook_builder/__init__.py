"""perfbook's workbook side: ``forms`` (writing templates), ``readers`` (workbooks, project lists,
JSON), ``recalc`` (re-scoring submitted files, annotated copies, summary), ``deploy`` (classic
add-in, xlwings Server, xlwings Lite) and the thin command line ``cli``."""

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def perfbook_version() -> str:
    """The installed perfbook version ("0" when running from a source tree not installed)."""
    try:
        return version("perfbook")
    except PackageNotFoundError:
        return "0"


def templates_dir() -> Path:
    """The ``templates/`` folder (jinja2 texts, Word templates): data, not a Python package. It is
    installed as ``workbook_builder/templates`` and sits beside the package in a source tree."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("perfbook's templates/ folder is missing from this installation")
