"""The import graph: no cycle between perfbook's modules, an engine that needs nothing but the
standard library, and a command line that starts without the heavy libraries."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("addin", "workbook_builder")
HEAVY = ("pandas", "openpyxl", "xlwings", "python_calamine", "jinja2", "tqdm", "numpy", "docx", "docxtpl")


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Every module ``name`` imports, at module level or inside functions."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            for alias in node.names:
                child = f"{module}.{alias.name}"
                found.add(child if child in known else module)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    edges = {}
    for name, path in known.items():
        ancestors = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
        edges[name] = {m for m in imports(name, path, known) if m in known and m not in ancestors and m != name}
    return edges


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle():
    assert cycle(graph()) is None


def test_cycle_detection_works():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) is None


def test_engine_needs_only_the_standard_library_and_itself():
    known = modules()
    for name, path in known.items():
        if not name.startswith("addin.engine"):
            continue
        for module in imports(name, path, known):
            top = module.split(".")[0]
            assert module.startswith("addin.engine") or top in sys.stdlib_module_names, (name, module)


def test_engine_imports_no_adapter():
    for name, targets in graph().items():
        if name.startswith("addin.engine"):
            assert all(t.startswith("addin.engine") for t in targets), (name, targets)


def loaded_after(argv: list[str]) -> set[str]:
    code = (
        "import sys\n"
        "from workbook_builder.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, cwd=ROOT)
    return set(done.stderr.split())


def test_help_and_light_commands_import_no_heavy_library():
    assert loaded_after(["--help"]) == set()
    assert loaded_after(["recalc", "--help"]) == set()
    assert loaded_after(["report", "--help"]) == set()
    assert loaded_after(["report", "check", "--help"]) == set()
    assert loaded_after(["profiles"]) == set()
    assert loaded_after(["score", "samples/chaoyang-2024/tables_1-30.json"]) == set()


def test_the_heavy_libraries_are_detected(tmp_path):
    assert "jinja2" in loaded_after(["setup"])
    assert {"docx", "docxtpl"} <= loaded_after(["report", "portfolio", "tests/data/snapshots/recalc_submitted.json",
                                               "-o", str(tmp_path / "x.docx")])
