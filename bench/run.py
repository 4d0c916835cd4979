"""Benchmarks (run with ``make bench``): speed targets live here, never in unit tests.

Prints one line per measurement; the figures go in the issue notes.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402

from workbook_builder.generate import write_batch  # noqa: E402
from workbook_builder.reader import read_tables  # noqa: E402
from addin.table import evaluate_table  # noqa: E402
from workbook_builder.project_list import read_project_list  # noqa: E402

SAMPLE_LIST = ROOT / "samples" / "chaoyang-2024" / "project_list.xlsx"
SUBMITTED = [ROOT / "samples" / "chaoyang-2024" / d for d in ("submitted", "submitted-templates")]


def bench_templates(repeats: int = 3) -> None:
    tables = read_project_list(SAMPLE_LIST, year=2024)
    rates = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            write_batch(tables, folder, year=2024)
            elapsed = time.perf_counter() - start
        rates.append(len(tables) / elapsed)
    print(f"templates: {len(tables)} workbooks (+ index), median {statistics.median(rates):.1f} "
          f"templates/s over {repeats} runs (min {min(rates):.1f}, max {max(rates):.1f})")


def _copies(folder: Path, count: int) -> list[Path]:
    sources = [p for d in SUBMITTED for p in sorted(d.glob("*.xlsx"))]
    paths = []
    for n in range(count):
        source = sources[n % len(sources)]
        path = folder / f"{n:05d}_{source.name}"
        shutil.copy(source, path)
        paths.append(path)
    return paths


def bench_recalc(count: int = 1000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        paths = _copies(folder, count)
        start = time.perf_counter()
        tables = sum(len(read_tables(p)) for p in paths[:200])
        for p in paths[:200]:
            for read in read_tables(p):
                evaluate_table(read.table)
        read_rate = 200 / (time.perf_counter() - start)
        print(f"recalc, read + score only (one process): {read_rate:.0f} workbooks/s "
              f"({tables} tables in 200 workbooks)")
        start = time.perf_counter()
        perfbook = Path(sys.executable).with_name("perfbook")
        subprocess.run([str(perfbook), "recalc", str(folder), "-o", str(Path(tmp) / "out")],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"recalc, full CLI run (annotated copies + summary, {count} workbooks): "
              f"{count / elapsed:.0f} workbooks/s, {elapsed:.1f} s, peak memory of one process {peak:.0f} MB")


if __name__ == "__main__":
    bench_templates()
    bench_recalc()
