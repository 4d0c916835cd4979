"""Deleting any single statement of the engine that emits a finding fails an example.

Each emitting statement (one that builds a ``Finding``, calls ``unreadable`` or adds findings to
a list) of ``addin/engine/findings.py``, ``table.py`` and the framework modules ``evaluation.py``
and ``multiyear.py``, and each refusal of ``targets.py`` (a target the engine will not guess:
empty, an operator without a number, a bare number the profile does not read) is replaced by
``pass`` in a copy of the
package, and ``tests/finding_examples.py`` is run against the copy in an isolated interpreter
(``-I -S``: only the standard library and the copy are importable). A mutant that every example
survives names a check no test would miss.
"""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "addin" / "engine"
MARKERS = ("Finding(", "unreadable(", "findings.append", "findings.extend", "add(")
# file → the markers of its emitting statements
FILES = {"findings.py": MARKERS, "table.py": MARKERS, "frameworks/evaluation.py": MARKERS,
         "frameworks/multiyear.py": MARKERS, "targets.py": ("raise PerfError(",)}
RUNNER = (
    "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]; "
    "import finding_examples as e; sys.exit(1 if e.failures() else 0)"
)


def emitting_statements(path: Path, markers: tuple[str, ...]) -> list[tuple[int, int]]:
    source = path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Return, ast.Expr, ast.Assign, ast.Raise)):
            segment = ast.get_source_segment(source, node) or ""
            if any(marker in segment for marker in markers):
                found.append((node.lineno, node.end_lineno))
    return sorted(found)


MUTANTS = [(name, span) for name, markers in FILES.items() for span in emitting_statements(ENGINE / name, markers)]


def test_mutants_are_found():
    assert len(MUTANTS) >= 25  # the catalogue is not accidentally empty


def run_examples(package_root: Path) -> int:
    return subprocess.run([sys.executable, "-I", "-S", "-c", RUNNER, str(package_root),
                           str(ROOT / "tests")], capture_output=True).returncode


def test_unmutated_copy_passes(tmp_path):
    shutil.copytree(ROOT / "addin", tmp_path / "addin", ignore=shutil.ignore_patterns("udfs.py", "__pycache__"))
    assert run_examples(tmp_path) == 0


@pytest.mark.parametrize("name,span", MUTANTS, ids=[f"{n}:{a}" for n, (a, _) in MUTANTS])
def test_deleting_the_statement_fails_an_example(tmp_path, name, span):
    shutil.copytree(ROOT / "addin", tmp_path / "addin", ignore=shutil.ignore_patterns("udfs.py", "__pycache__"))
    target = tmp_path / "addin" / "engine" / name
    lines = target.read_text(encoding="utf-8").split("\n")
    first, last = span
    indent = lines[first - 1][: len(lines[first - 1]) - len(lines[first - 1].lstrip())]
    lines[first - 1 : last] = [indent + "pass"] + [""] * (last - first)
    target.write_text("\n".join(lines), encoding="utf-8")
    assert run_examples(tmp_path) != 0, f"{name} lines {first}-{last} can be deleted with every example passing"
