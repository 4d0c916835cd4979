"""Guarded workers: every file is checked in a worker process that may die without harm.

A submitted file can make a reader abort (a Rust allocation failure), crash, hang or eat all
memory. Each worker runs with an address-space limit (where the system has one) and each file
with a time limit; when a worker dies or overruns, its file gets a Chinese reason from
``on_failure``, the worker is replaced, and the batch goes on. Workers are long-lived (one per
slot, reused for file after file), so guarding costs one process start per slot, not per file.
"""

from __future__ import annotations

import faulthandler
import gc
import os
import signal
import traceback
import time
from collections.abc import Callable, Iterable, Iterator
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.connection import wait

from addin.engine import UserError

from ..logs import logger
from ..readers.container import UnreadableFile

TIMEOUT = 120.0            # seconds one file may take
UNEXPECTED = "读取时出现意外错误（已记入日志），已跳过"   # a job's reason when its task raised a bug
CHUNK = 64                 # files per message to a worker
MEMORY = 1536 * 2**20      # bytes of address space a worker may add to what it starts with


def _limit_memory(extra: int) -> None:
    try:
        import resource

        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (current + extra, current + extra))
    except (ImportError, OSError, ValueError, AttributeError):
        pass  # no limit on this system (Windows, no /proc): the time limit still holds


def _call(task: Callable, args: tuple) -> object:
    try:
        return task(*args)
    except MemoryError:
        return MemoryError()
    except (UserError, UnreadableFile) as err:   # a Chinese sentence for the user: sent back as it is
        return err
    except BaseException as err:  # sent back as a reason with its traceback, never raised across processes
        return RuntimeError(type(err).__name__, traceback.format_exc())


def _quiet() -> None:
    """The worker's standard error to the null device: a reader that aborts (a Rust allocation
    failure prints its own lines) must not write into the user's terminal; the file's reason
    comes back through the pipe."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
    except OSError:
        pass


_STOP_SIGNALS = {getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)}


def _die_with(parent: int) -> None:
    """Have the kernel kill this worker when its parent dies (Linux), so that no worker of a run
    that was killed waits on forever; a parent already gone ends it now."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):   # not Linux: the parent's exit closes the pipe instead
        pass
    if os.getppid() != parent:
        os._exit(0)


def _worker(conn, task: Callable, batch: Callable | None, memory: int, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    for number in _STOP_SIGNALS:   # the parent's handlers (see cli.main): a worker just ends
        signal.signal(number, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):   # blocked by the parent while it forked (see _Slot)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    _die_with(parent)
    faulthandler.disable()  # a reader's abort is reported as the file's reason, not as a dump
    _quiet()
    # What the worker inherits is never garbage: out of the collector's sight (and its pages
    # left shared with the parent). Files make short-lived objects by the thousand, freed by
    # their reference counts, so the cycle collector may run far less often (a few % faster).
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    _limit_memory(memory)
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        results = None
        if batch is not None and len(job) > 1:
            try:
                results = list(zip([index for index, _ in job], batch([args for _, args in job]), strict=True))
            except BaseException:   # the chunk again, job by job, so that only the culprit fails
                results = None
        if results is None:
            results = [(index, _call(task, args)) for index, args in job]
        try:
            conn.send(results)
        except MemoryError:
            conn.send([(index, MemoryError()) for index, _ in job])


def death_reason(exitcode: int | None, timed_out: bool, timeout: float) -> str:
    """Why a worker's file could not be read, in Chinese."""
    if timed_out:
        return f"读取超过 {timeout:.0f} 秒仍未完成（文件过大或结构异常），已中止"
    if exitcode == -getattr(signal, "SIGKILL", 9):
        return "读取时进程被系统终止（很可能是所需内存过大），已跳过"
    if exitcode in (-signal.SIGABRT, -signal.SIGSEGV, -getattr(signal, "SIGBUS", 7)):
        return "读取时读取程序异常中止（文件结构异常或所需内存超过上限），已跳过"
    return "读取时进程意外退出，已跳过"


class _Slot:
    def __init__(self, ctx, task: Callable, batch: Callable | None, memory: int):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(child, task, batch, memory, os.getpid()), daemon=True)
        # SIGTERM/SIGHUP held back while forking: a handler that raises inside fork's own
        # callbacks is ignored by Python (the signal lost, a traceback printed)
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS) if hasattr(signal, "pthread_sigmask") else None
        try:
            self.process.start()
        finally:
            if held is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
        child.close()
        self.job: list[int] | None = None
        self.deadline = 0.0

    def give(self, indexes: list[int], jobs: list[tuple], seconds: float) -> None:
        self.job, self.deadline = indexes, time.monotonic() + seconds
        self.conn.send([(index, jobs[index]) for index in indexes])

    def stop(self, kill: bool = False) -> None:
        if kill and self.process.is_alive():
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()


def run_guarded(task: Callable, jobs: Iterable[tuple], workers: int,
                on_failure: Callable[[tuple, str], object], timeout: float = TIMEOUT,
                memory: int = MEMORY, batch: Callable[[list[tuple]], list] | None = None,
                name: Callable[[tuple], str] = lambda job: str(job[0]),
                extra: Callable[[tuple], float] = lambda job: 0.0) -> Iterator[tuple[int, object]]:
    """``(index, task(*job))`` for every job on ``workers`` guarded processes, as each finishes;
    a job whose worker dies or overruns ``timeout`` gives ``on_failure(job, reason)``, and so
    does a ``MemoryError`` or an unexpected exception inside ``task`` (logged with its
    traceback and the job's ``name``). ``batch``, when given, does a chunk of jobs at once (a
    list of ``task``'s results, one per job); if it raises, the chunk is done again job by job.
    ``extra(job)``: seconds a job may take beyond ``timeout``, added to its chunk's time (a .doc
    converted by LibreOffice). On Ctrl+C no new job is started, the running ones finish (and are
    yielded), then ``KeyboardInterrupt`` is raised."""
    jobs = list(jobs)
    if not jobs:
        return
    ctx = get_context("fork" if "fork" in get_all_start_methods() else "spawn")
    slots = [_Slot(ctx, task, batch, memory) for _ in range(max(1, min(workers, len(jobs))))]
    queue = list(range(len(jobs)))[::-1]
    alone: list[int] = []   # files of a chunk whose worker died or overran, each given again alone
    interrupted = False

    def next_chunk() -> list[int]:
        if alone:
            return [alone.pop()]
        size = max(1, min(CHUNK, len(queue) // (4 * len(slots))))   # the tail of a run spread over every slot
        return [queue.pop() for _ in range(min(size, len(queue)))]

    def refill() -> None:
        for slot in slots:
            if slot.job is None and (queue or alone):
                chunk = next_chunk()
                slot.give(chunk, jobs, timeout + sum(extra(jobs[index]) for index in chunk))

    try:
        while True:
            refill()
            busy = [s for s in slots if s.job is not None]
            if not busy:
                break
            wait_for = max(0.0, min(s.deadline - time.monotonic() for s in busy))
            try:
                ready = wait([s.conn for s in busy], timeout=wait_for)
            except KeyboardInterrupt:
                interrupted, queue, alone = True, [], []
                continue
            finished = []
            for n, slot in enumerate(slots):
                if slot.job is None:
                    continue
                indexes, outcomes, reason = slot.job, [], None
                if slot.conn in ready:
                    try:
                        outcomes = slot.conn.recv()
                    except (EOFError, OSError):
                        slot.process.join(5)
                        reason = death_reason(slot.process.exitcode, False, timeout)
                elif time.monotonic() >= slot.deadline:
                    reason = death_reason(None, True, timeout)
                else:
                    continue
                slot.job = None
                if reason is not None:
                    slot.stop(kill=True)
                    slots[n] = _Slot(ctx, task, batch, memory)
                    if len(indexes) > 1:   # which file was at fault is found by giving each alone
                        if not interrupted:
                            alone.extend(reversed(indexes))
                            continue
                        outcomes = []
                    else:
                        outcomes = [(indexes[0], _Failed(reason))]
                finished.extend(outcomes)
            refill()   # the workers go on while the caller takes the outcomes
            for index, outcome in finished:
                if isinstance(outcome, _Failed):
                    outcome = on_failure(jobs[index], outcome.reason)
                elif isinstance(outcome, MemoryError):
                    outcome = on_failure(jobs[index], "读取所需内存超过上限（文件中的数据区域过大），已跳过")
                elif isinstance(outcome, RuntimeError):
                    logger.error("意外错误（%s）：\n%s", name(jobs[index]), outcome.args[-1])
                    outcome = on_failure(jobs[index], UNEXPECTED)
                yield index, outcome
    finally:
        for slot in slots:
            slot.stop(kill=slot.job is not None)
    if interrupted:
        raise KeyboardInterrupt


class GuardedFailure(UserError):
    """A file that could not be read in a guarded worker: it crashed, aborted, hung or ran out of
    memory (the message says which, in Chinese)."""


def call_guarded(task: Callable, args: tuple, timeout: float = TIMEOUT, memory: int = MEMORY) -> object:
    """``task(*args)`` in one guarded worker process (the limits recalc reads every file with):
    its result; a :class:`~addin.engine.UserError` or ``UnreadableFile`` it raises is raised here; a crash, abort,
    hang or memory exhaustion raises :class:`GuardedFailure` with the reason."""
    if os.environ.get("PERFBOOK_DEBUG", "") not in ("", "0"):
        return task(*args)   # --debug: in this process, so that an error stops with its traceback
    [(_, outcome)] = list(run_guarded(task, [args], 1, lambda job, reason: GuardedFailure(reason), timeout, memory))
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


class _Failed:
    """A file whose worker died or overran, with the reason."""

    def __init__(self, reason: str):
        self.reason = reason
