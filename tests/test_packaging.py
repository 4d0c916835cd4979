"""The distribution as ``pip install .`` makes it (the README's install for the Windows add-in and
xlwings Server): a wheel built from the sources holds every module and data file of the
project. ``make`` installs in editable mode, which would hide a package left out of
pyproject.toml's list until a user's ``perfbook batch`` failed to import it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

from tests.conftest import ROOT

SHIPPED = ("addin", "workbook_builder", "templates")


def _expected() -> set[str]:
    """The wheel paths of every file the project ships: modules, profiles, forms, frameworks and
    the report templates (installed as ``workbook_builder/templates``)."""
    files = set()
    for top in SHIPPED:
        for path in (ROOT / top).rglob("*"):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            if path.suffix not in (".py", ".toml", ".j2", ".docx"):
                continue
            relative = path.relative_to(ROOT).as_posix()
            if top == "templates":
                if path.suffix == ".py":   # (the script that makes the .docx templates: not shipped)
                    continue
                relative = "workbook_builder/" + relative
            files.add(relative)
    return files


def test_the_wheel_holds_every_module_and_data_file(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for top in SHIPPED:
        shutil.copytree(ROOT / top, source / top, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path / "dist"), str(source)], check=True, capture_output=True)   # (offline: setuptools is a test dependency)
    [wheel] = (tmp_path / "dist").glob("perfbook-*.whl")
    with zipfile.ZipFile(wheel) as built:
        names = {n for n in built.namelist() if not n.startswith("perfbook-")}
    expected = _expected()
    assert "workbook_builder/targets/run.py" in expected and "addin/profiles/mof-2020.toml" in expected
    assert expected - names == set()
