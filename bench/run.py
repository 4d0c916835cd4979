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

from workbook_builder.forms.batch import write_batch  # noqa: E402
from workbook_builder.readers.tables import read_tables  # noqa: E402
from workbook_builder.readers.project_list import read_project_list  # noqa: E402

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


def _raw_read(paths: list[Path]) -> float:
    """Files/s of the practical limit: python-calamine opening each file and reading every
    worksheet's cached values, in one process."""
    import python_calamine

    start = time.perf_counter()
    for path in paths:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()
    return len(paths) / (time.perf_counter() - start)


def _cli_recalc(folder: Path, out: Path, *extra: str) -> float:
    perfbook = Path(sys.executable).with_name("perfbook")
    start = time.perf_counter()
    subprocess.run([str(perfbook), "recalc", str(folder), "-o", str(out), "--json", str(out / "r.json"), *extra],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _pipeline(paths: list[Path]) -> float:
    """Files/s of read + score + findings + JSON on recalc's process pool (no summary workbook)."""
    from workbook_builder.recalc.result import FileFailure, RecalcResult
    from workbook_builder.recalc.run import default_workers, run

    jobs = [(str(p), None, None, None, p.name) for p in paths]
    start = time.perf_counter()
    result = RecalcResult(files=len(paths))
    done, _ = run(jobs, default_workers())
    for index in sorted(done):
        if isinstance(done[index], FileFailure):
            result.failures.append(done[index])
        else:
            result.reports.extend(done[index])
    result.to_json()
    return len(paths) / (time.perf_counter() - start)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def bench_recalc(count: int = 3_000, rounds: int = 3) -> None:
    """recalc side by side with a raw calamine read of the same ``count`` workbooks: in each of
    ``rounds`` rounds, the raw read, the pipeline (read + score + findings + JSON on the process
    pool) and the whole command ``perfbook recalc --no-copies`` start to exit, one after the
    other; the median of each ratio (a shared machine's speed drifts, so ratios, not rates)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        paths = _copies(folder, count)
        rounds_ = []
        for n in range(rounds):
            raw = _raw_read(paths)
            pipeline = _pipeline(paths)
            whole = count / _cli_recalc(folder, Path(tmp) / f"json-only-{n}", "--no-copies")
            rounds_.append((raw, pipeline, whole))
        raw = statistics.median(r for r, _, _ in rounds_)
        print(f"raw python-calamine read (one process): {raw:,.0f} workbooks/s ({count:,} workbooks, "
              f"median of {rounds} rounds)")
        for name, i in (("pipeline — read + score + findings + JSON on recalc's process pool", 1),
                        ("perfbook recalc --no-copies, the whole command, start to exit (with finding the "
                         "files and writing 复核汇总.xlsx)", 2)):
            ratios = [r[i] / r[0] for r in rounds_]
            print(f"{name}: {statistics.median(r[i] for r in rounds_):,.0f} workbooks/s — ratio to raw read "
                  f"{statistics.median(ratios):.2f} (rounds: {', '.join(f'{x:.2f}' for x in ratios)}; target ≥ 0.5)")


def bench_memory(count: int = 10_000) -> None:
    """The whole command with annotated copies on ``count`` workbooks: its rate and the peak
    memory of any one of its processes (the main process or a worker)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        _copies(folder, count)
        elapsed = _cli_recalc(folder, Path(tmp) / "full")
        print(f"perfbook recalc with annotated copies, {count:,} workbooks: {count / elapsed:,.0f} workbooks/s, "
              f"{elapsed:.1f} s; peak memory of one process: {_peak_mb():.0f} MB (target < 300 MB)")


def bench_copies(count: int = 200) -> None:
    """Annotated copies by zip patching against an openpyxl load + save of the same files."""
    from openpyxl import load_workbook

    from workbook_builder.recalc.annotate import write_annotated
    from workbook_builder.recalc.run import report_table

    sources = [p for d in SUBMITTED for p in sorted(d.glob("*.xlsx"))]
    jobs = []
    for n in range(count):
        reads = read_tables(sources[n % len(sources)])
        jobs.append((sources[n % len(sources)], reads, [report_table(r, None, "x") for r in reads]))
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        for n, (path, reads, pairs) in enumerate(jobs):
            write_annotated(path, Path(tmp) / f"{n}.xlsx", reads, pairs)
        patched = count / (time.perf_counter() - start)
        start = time.perf_counter()
        for n, (path, _, _) in enumerate(jobs):
            load_workbook(path).save(Path(tmp) / f"{n}_openpyxl.xlsx")
        round_trip = count / (time.perf_counter() - start)
    print(f"annotated copies (zip patching): {patched:,.0f} copies/s; openpyxl load + save of the same files: "
          f"{round_trip:,.0f}/s — ratio {patched / round_trip:.1f} (target ≥ 3)")


def bench_formats(count: int = 300) -> None:
    """workbooks/s per format: the 30 submitted samples as .xlsx, .xls and .ods (LibreOffice,
    when installed) and .docx (built as the tests build them), read + scored in one process,
    and a full CLI run (guarded workers, annotated copies, summary)."""
    from addin.engine.table import evaluate_table
    from tests.office_formats import SOFFICE, convert, to_docx

    sources = sorted(SUBMITTED[0].glob("*.xlsx"))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folders = {"xlsx": SUBMITTED[0]}
        if SOFFICE:
            for fmt in ("xls", "ods"):
                convert(sources, fmt, root / fmt, root / "profile")
                folders[fmt] = root / fmt
        else:
            print("formats: soffice not installed, .xls/.ods skipped")
        (root / "docx").mkdir()
        for source in sources:
            to_docx(source, root / "docx" / f"{source.stem}.docx")
        folders["docx"] = root / "docx"
        perfbook = Path(sys.executable).with_name("perfbook")
        for fmt, folder in folders.items():
            files = sorted(folder.glob(f"*.{fmt}"))
            batch = root / f"batch-{fmt}"
            batch.mkdir()
            for n in range(count):
                shutil.copy(files[n % len(files)], batch / f"{n:05d}_{files[n % len(files)].name}")
            paths = sorted(batch.iterdir())
            start = time.perf_counter()
            tables = 0
            for p in paths[:100]:
                for read in read_tables(p):
                    evaluate_table(read.table)
                    tables += 1
            read_rate = 100 / (time.perf_counter() - start)
            start = time.perf_counter()
            subprocess.run([str(perfbook), "recalc", str(batch), "-o", str(root / f"out-{fmt}")],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            full = count / (time.perf_counter() - start)
            print(f"recalc .{fmt}: read + score {read_rate:.0f} workbooks/s (one process, {tables} tables "
                  f"in 100 files); full CLI run {full:.0f} workbooks/s ({count} files)")


def bench_functions(calls: int = 10_000) -> None:
    from addin.udfs import PERF_SCORE

    args = [("≥", 90.0, "用户满意度100%", 10.0), ("≤", 994.32, "项目总金额993.5559万元，2024年支出695.82万元", 10.0),
            ("定性", "优良中低差", "优（按照合同要求进行运维服务）", 30.0), ("=", 1.0, "提交项目报告1份", 20.0)]
    start = time.perf_counter()
    for n in range(calls):
        PERF_SCORE(*args[n % len(args)])
    elapsed = time.perf_counter() - start
    print(f"PERF_SCORE in-process: {calls} calls, {calls / elapsed:,.0f} calls/s")


def bench_server(calls: int = 1000) -> None:
    import http.client
    import json
    import os
    import socket
    from concurrent.futures import ThreadPoolExecutor

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen([str(Path(sys.executable).with_name("perfbook")), "serve", "--port", str(port),
                                   "--project-dir", tmp], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  env=env)
        try:
            def call(args):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                body = {"client": "Office.js", "func_name": "PERF_SCORE", "args": [[[a]] for a in args],
                        "version": "bench", "runtime": "1.4", "caller_address": "自评表!J13"}
                conn.request("POST", "/xlwings/custom-functions-call", json.dumps(body).encode(),
                             {"Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                conn.close()
                return response.status

            deadline = time.monotonic() + 60
            while True:
                try:
                    if call(("≥", 1, 1, 1)) == 200:
                        break
                except OSError:
                    time.sleep(0.2)
                if time.monotonic() > deadline:
                    raise RuntimeError("server did not start")
            rows = [("≥", 90.0, f"用户满意度{90 + n % 10}%", 10.0) for n in range(calls)]
            start = time.perf_counter()
            assert all(call(r) == 200 for r in rows)
            elapsed = time.perf_counter() - start
            print(f"PERF_SCORE through xlwings Server: {calls} sequential calls, {calls / elapsed:,.0f} calls/s")
            sheet = rows[:60]
            times = []
            for _ in range(5):
                start = time.perf_counter()
                with ThreadPoolExecutor(max_workers=6) as pool:
                    assert all(status == 200 for status in pool.map(call, sheet))
                times.append(time.perf_counter() - start)
            print(f"60-cell sheet through xlwings Server (6 requests in flight, as Excel sends them): "
                  f"median {statistics.median(times) * 1000:.0f} ms round trip")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    bench_templates()
    bench_copies()
    bench_recalc()
    bench_memory()
    bench_formats()
    bench_functions()
    bench_server()
