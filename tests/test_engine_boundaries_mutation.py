"""The mutation run of the scoring engine (``make mutation``), and tests that keep its
configuration honest.

Run as a program (``python tests/test_engine_boundaries_mutation.py``), this drives cosmic-ray
with ``cosmic-ray.toml``: it copies the work tree to ``out/mutation/work-N`` (cosmic-ray writes
each mutant into the file it mutates, so it never runs in the work tree), creates the mutants,
drops those of other kinds (``[cosmic-ray.filters.operators-filter]``) and the equivalent ones
(``[cosmic-ray.filters.equivalent-mutants]``: a mutant that cannot change what the engine does,
each with its reason), shares the rest out to one worker per core, and prints the score:
killed ÷ (killed + survived). It exits 1 when the score is below ``--min`` (90%).

As a test module it checks that every equivalent mutant listed still exists in the engine (a
listed line that was edited away must leave the list) and that the operator filter keeps the
four kinds of mutant the run promises: comparison, arithmetic, boolean and constant.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
import tomllib
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "cosmic-ray.toml"
COPY_IGNORE = (".git", ".venv", "out", "__pycache__", ".hypothesis", ".pytest_cache", "*.egg-info",
               "mutants", "build", "session*.sqlite")


def config() -> dict:
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))["cosmic-ray"]


def equivalents(cfg: dict | None = None) -> list[dict]:
    cfg = config() if cfg is None else cfg
    return list(cfg.get("filters", {}).get("equivalent-mutants", {}).get("mutants", ()))


def excluded_operator(name: str, cfg: dict | None = None) -> bool:
    """Whether the operators filter drops mutants of the operator ``name`` (as cosmic-ray's
    ``cr-filter-operators`` matches: from the start of the name)."""
    cfg = config() if cfg is None else cfg
    patterns = cfg["filters"]["operators-filter"]["exclude-operators"]
    return any(re.match(pattern, name) for pattern in patterns)


@lru_cache(maxsize=None)
def _mutated_line(root: Path, module: str, operator: str, occurrence: int, line: int) -> str:
    """The source line ``line`` of ``module`` once mutant ``occurrence`` of ``operator`` is applied."""
    import cosmic_ray.plugins
    from cosmic_ray.mutating import mutate_code

    source = (root / module).read_text(encoding="utf-8")
    mutated = mutate_code(source, cosmic_ray.plugins.get_operator(operator)(), occurrence)
    return mutated.split("\n")[line - 1] if mutated is not None else ""


@lru_cache(maxsize=None)
def _positions(root: Path, module: str, operator: str) -> list[tuple[int, int]]:
    """(occurrence, line) of every mutant ``operator`` makes in ``module``, as cosmic-ray
    numbers them."""
    import cosmic_ray.plugins
    from cosmic_ray.ast import ast_nodes, get_ast_from_path

    op = cosmic_ray.plugins.get_operator(operator)()
    found = []
    for node in ast_nodes(get_ast_from_path(root / module)):
        for start, _end in op.mutation_positions(node):
            found.append((len(found), start[0]))
    return found


@lru_cache(maxsize=None)
def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def equivalent_reason(entry: dict, root: Path, module: str, operator: str, occurrence: int,
                      line: int) -> bool:
    """Whether the mutant (``module``, ``operator``, ``occurrence``, on source ``line``) is the
    listed equivalent mutant ``entry``: same module and operator, its line holds ``entry['line']``,
    the line after it ``entry['next']`` (when given: the class under a decorator) and, when the
    entry says ``to``, the mutated line holds that."""
    if entry["module"] != module or entry["operator"] != operator:
        return False
    lines = _lines(root / module)
    if entry["line"] not in lines[line - 1]:
        return False
    if "next" in entry and (line >= len(lines) or entry["next"] not in lines[line]):
        return False
    return "to" not in entry or entry["to"] in _mutated_line(root, module, operator, occurrence, line)


def matching_mutants(entry: dict, root: Path = ROOT) -> list[int]:
    """The occurrences of ``entry``'s operator in its module that the entry names."""
    return [occurrence for occurrence, line in _positions(root, entry["module"], entry["operator"])
            if equivalent_reason(entry, root, entry["module"], entry["operator"], occurrence, line)]


# ---------------------------------------------------------------------------------------------
# Tests of the configuration (run by `make test`; the mutation run itself is `make mutation`).

def test_the_operator_filter_keeps_comparison_arithmetic_boolean_and_constant_mutants():
    pytest.importorskip("cosmic_ray")
    import cosmic_ray.plugins

    names = list(cosmic_ray.plugins.operator_names())
    kept = [n for n in names if not excluded_operator(n)]
    families = {re.sub(r"^core/|_.*$", "", n) for n in kept}
    assert families == {"ReplaceComparisonOperator", "ReplaceBinaryOperator", "ReplaceUnaryOperator",
                        "AddNot", "ReplaceAndWithOr", "ReplaceOrWithAnd", "ReplaceTrueWithFalse",
                        "ReplaceFalseWithTrue", "NumberReplacer"}
    # the boundary moves and negations of every comparison, the four operations swapped
    for op, others in {"Lt": ("LtE", "GtE"), "LtE": ("Lt", "Gt"), "Gt": ("GtE", "LtE"), "GtE": ("Gt", "Lt"),
                       "Eq": ("NotEq",), "NotEq": ("Eq",), "Is": ("IsNot",), "IsNot": ("Is",)}.items():
        for other in others:
            assert f"core/ReplaceComparisonOperator_{op}_{other}" in kept
    for op in ("Add", "Sub", "Mul", "Div"):
        for other in {"Add", "Sub", "Mul", "Div"} - {op}:
            assert f"core/ReplaceBinaryOperator_{op}_{other}" in kept
    assert "core/ReplaceBinaryOperator_Div_FloorDiv" in kept
    assert "core/ReplaceUnaryOperator_Delete_Not" in kept and "core/ReplaceUnaryOperator_Delete_USub" in kept


ENTRIES = equivalents()


@pytest.mark.parametrize("entry", ENTRIES, ids=[f"{e['module']}:{e['line'][:30]}" for e in ENTRIES])
def test_each_equivalent_mutant_is_in_the_engine_and_says_why(entry):
    pytest.importorskip("cosmic_ray")
    assert len(entry.get("reason", "")) >= 10, "an equivalent mutant needs its reason"
    assert not excluded_operator(entry["operator"]), "the operators filter drops it already"
    found = matching_mutants(entry)
    assert len(found) == entry.get("count", 1), (
        f"{entry['module']}: “{entry['line']}” names {len(found)} {entry['operator']} mutant(s), "
        f"expected {entry.get('count', 1)}: update cosmic-ray.toml")


# ---------------------------------------------------------------------------------------------
# The run.

def _copy_tree(dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(*COPY_IGNORE))


def _env(write_bytecode: bool = False) -> dict[str, str]:
    """The environment of the runs: this interpreter's ``bin`` first on PATH (the test command
    says ``python``)."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    if write_bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _run(args: list[str], cwd: Path, log: Path | None = None) -> None:
    out = log.open("a") if log else subprocess.DEVNULL
    try:
        subprocess.run(args, cwd=cwd, check=True, stdout=out, stderr=subprocess.STDOUT, env=_env())
    finally:
        if log:
            out.close()


def _skip(db_path: Path, reasons: dict[str, str]) -> None:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkResult, WorkerOutcome

    by_reason = defaultdict(list)
    for job, reason in reasons.items():
        by_reason[reason].append(job)
    with use_db(str(db_path), WorkDB.Mode.open) as db:
        for reason, jobs in by_reason.items():
            db.set_multiple_results(jobs, WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output=reason))


def _pending(db_path: Path) -> list[tuple[str, str, str, int, int]]:
    """(job, module, operator, occurrence, line) of every mutant still to run, in a fixed order."""
    with sqlite3.connect(db_path) as db:
        rows = db.execute(
            "select job_id, module_path, operator_name, occurrence, start_pos_row from mutation_specs "
            "where job_id not in (select job_id from work_results)").fetchall()
    return sorted(rows, key=lambda r: (r[1], r[4], r[2], r[3]))


def _done(db_path: Path) -> int:
    try:
        with sqlite3.connect(db_path, timeout=5) as db:
            return db.execute("select count(*) from work_results where worker_outcome != 'SKIPPED' "
                              "and worker_outcome != 'skipped'").fetchone()[0]
    except sqlite3.Error:
        return 0


def _results(db_path: Path, jobs: set[str]) -> list[tuple]:
    with sqlite3.connect(db_path) as db:
        rows = db.execute(
            "select s.job_id, s.module_path, s.operator_name, s.start_pos_row, r.worker_outcome, "
            "r.test_outcome, r.diff, r.output from mutation_specs s join work_results r on s.job_id = r.job_id"
        ).fetchall()
    return [row for row in rows if row[0] in jobs]


def _survivors(out: Path) -> set[tuple[str, str, int]]:
    """(module, operator, occurrence) of every mutant that survived the run kept in ``out``."""
    found = set()
    for session in sorted(out.glob("work-*/session.sqlite")):
        with sqlite3.connect(session) as db:
            found.update(db.execute(
                "select s.module_path, s.operator_name, s.occurrence from mutation_specs s join work_results r "
                "on s.job_id = r.job_id where lower(r.test_outcome) = 'survived'").fetchall())
    return found


def _changed_lines(diff: str | None) -> str:
    lines = [line for line in (diff or "").split("\n")
             if line[:1] in "+-" and not line.startswith(("---", "+++"))]
    return " ⟶ ".join(line[1:].strip() for line in lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Mutation run of addin/engine (cosmic-ray).")
    parser.add_argument("--jobs", type=int, default=min(os.cpu_count() or 1, 2), help="workers (default: 2)")
    parser.add_argument("--min", type=float, default=90.0, help="lowest acceptable score, %% (default 90)")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "mutation")
    parser.add_argument("--sample", type=int, default=0, help="run every Nth mutant only (quick look)")
    parser.add_argument("--module", default="", help="only mutants of modules whose path holds this")
    parser.add_argument("--retest", action="store_true",
                        help="only the mutants that survived the last run in --out (after new tests)")
    args = parser.parse_args(argv)

    cfg = config()
    started = time.monotonic()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    retest = _survivors(out) if args.retest else None
    shards = [out / f"work-{k}" for k in range(max(args.jobs, 1))]
    first = shards[0]
    _copy_tree(first)
    bin_dir = Path(sys.executable).parent
    log = out / "cosmic-ray.log"
    log.write_text("")

    # The copy, not the work tree, is what the tests import.
    where = subprocess.run([sys.executable, "-c", "import addin.engine as e; print(e.__file__)"], cwd=first,
                           capture_output=True, text=True, check=True, env=_env()).stdout.strip()
    if not where.startswith(str(first)):
        print(f"the tests would import the engine from {where}, not from the copy", file=sys.stderr)
        return 2
    # The tests pass without mutants; this run also leaves the byte code of the unmutated modules
    # and of the rewritten tests behind, so that each mutant's run compiles only its own module
    # (the engine's checked by hash: a mutant written and undone within a second is never stale).
    t0 = time.monotonic()
    baseline = subprocess.run(shlex.split(cfg["test-command"]), cwd=first, capture_output=True, text=True,
                              env=_env(write_bytecode=True))
    if baseline.returncode != 0:
        print(baseline.stdout[-3000:], baseline.stderr[-2000:], file=sys.stderr)
        print("the tests fail without any mutant: fix them first", file=sys.stderr)
        return 2
    print(f"baseline: the tests pass in {time.monotonic() - t0:.1f}s", flush=True)
    _run([sys.executable, "-m", "compileall", "-q", "--invalidation-mode", "checked-hash", "addin"], first)
    config_name = "cosmic-ray.toml"

    session = shards[0] / "session.sqlite"
    _run([str(bin_dir / "cosmic-ray"), "init", config_name, session.name], first, log)
    _run([str(bin_dir / "cr-filter-operators"), session.name, config_name], first, log)
    skips: dict[str, str] = {}
    entries = equivalents(cfg)
    for job, module, operator, occurrence, line in _pending(session):
        for entry in entries:
            if equivalent_reason(entry, shards[0], module, operator, occurrence, line):
                skips[job] = "equivalent: " + entry["reason"]
                break
        else:
            if (args.module and args.module not in module) or (
                    retest is not None and (module, operator, occurrence) not in retest):
                skips[job] = "not selected"
    _skip(session, skips)
    pending = _pending(session)
    if args.sample > 1:
        _skip(session, {p[0]: "not sampled" for i, p in enumerate(pending) if i % args.sample})
        pending = _pending(session)
    owner = {p[0]: k % len(shards) for k, p in enumerate(pending)}
    for shard in shards[1:]:
        if shard.exists():
            shutil.rmtree(shard)
        shutil.copytree(first, shard)
    for k, shard in enumerate(shards):
        _skip(shard / session.name, {job: "other worker" for job, o in owner.items() if o != k})
    print(f"{len(pending)} mutants to run on {len(shards)} worker(s) "
          f"({sum(1 for r in skips.values() if r.startswith('equivalent'))} equivalent excluded)", flush=True)

    workers = []
    for shard in shards:
        handle = (out / f"{shard.name}.log").open("w")
        workers.append((subprocess.Popen([str(bin_dir / "cosmic-ray"), "exec", config_name, session.name],
                                         cwd=shard, stdout=handle, stderr=subprocess.STDOUT, env=_env()), handle))
    last = 0.0
    while any(proc.poll() is None for proc, _ in workers):
        time.sleep(2)
        if time.monotonic() - last >= 60:
            last = time.monotonic()
            done = sum(_done(shard / session.name) for shard in shards)
            print(f"  {done}/{len(pending)} mutants run, {(last - started) / 60:.1f} min", flush=True)
    for proc, handle in workers:
        handle.close()
        if proc.returncode != 0:
            print(f"cosmic-ray exec failed (see {out}/work-*.log)", file=sys.stderr)
            return 2

    rows = []
    for k, shard in enumerate(shards):
        rows += _results(shard / session.name, {job for job, o in owner.items() if o == k})
    outcome = Counter()
    per_module: dict[str, Counter] = defaultdict(Counter)
    survivors = []
    for job, module, operator, line, worker, test, diff, output in rows:
        kind = (test or worker or "").lower()
        if worker and worker.lower() != "normal":
            kind = "error"
        outcome[kind] += 1
        per_module[module][kind] += 1
        if kind == "survived":
            survivors.append((module, line, operator.removeprefix("core/"), _changed_lines(diff)))
    killed, survived = outcome["killed"], outcome["survived"]
    score = 100 * killed / (killed + survived) if killed + survived else 0.0
    report = [f"{'module':45} {'killed':>7} {'survived':>9} {'score':>7}"]
    for module in sorted(per_module):
        c = per_module[module]
        total = c["killed"] + c["survived"]
        report.append(f"{module:45} {c['killed']:7} {c['survived']:9} "
                      f"{100 * c['killed'] / total if total else 0:6.1f}%")
    report.append("")
    report.append("survivors:")
    report += [f"  {m}:{line} {op}: {change}" for m, line, op, change in sorted(survivors)]
    if outcome["incompetent"] or outcome["error"]:
        report.append(f"incompetent: {outcome['incompetent']}, worker errors: {outcome['error']}")
    equivalent = sum(1 for r in skips.values() if r.startswith("equivalent"))
    minutes = (time.monotonic() - started) / 60
    summary = (f"mutation score: {score:.1f}% ({killed} killed, {survived} survived of {killed + survived} "
               f"mutants; {equivalent} equivalent excluded; {minutes:.1f} min)")
    report += ["", summary]
    (out / "report.txt").write_text("\n".join(report) + "\n", encoding="utf-8")
    print("\n".join(report))
    print(f"(report: {out / 'report.txt'}; sessions: {out}/work-*/session.sqlite, readable with cr-report)")
    return 0 if score >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
