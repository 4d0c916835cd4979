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

from workbook_builder.generate import write_batch  # noqa: E402
from workbook_builder.project_list import read_project_list  # noqa: E402

SAMPLE_LIST = ROOT / "samples" / "chaoyang-2024" / "project_list.xlsx"


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


if __name__ == "__main__":
    bench_templates()
