"""The process side of a batch: the workers that run its schools.

Local workers are spawned processes, each in a process group of its own so a Ctrl-C typed at
the terminal reaches only the batch, which then ends them in order. Each watches the batch
process and, when it is killed, ends its kernels and itself, so no school keeps running (or
writing) after its batch is gone. A Dask cluster's workers are not ours: stopping cancels the
tasks.

The runners are given the task they run (`jobs.run_school`), so this module never imports
the jobs at import time.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from typing import TYPE_CHECKING, Any

from .errors import InputError

if TYPE_CHECKING:
    from .jobs import SchoolJob, SchoolResult

__all__ = ["POLL", "DaskWorkers", "LocalWorkers", "Stopper", "run_jobs", "tell_started"]

#: How often the batch looks at its workers, and a worker at the batch (seconds).
POLL = 0.2
#: How long stopped workers get to end their kernels before they are killed (seconds).
_STOP_GRACE = 2.0

#: In a worker process: where it tells the batch which school it has begun.
_NOTICES: Any = None


def tell_started(school_id: str) -> None:
    """In a local worker, tell the batch a school has begun, so `batch.json` says "running"."""
    if _NOTICES is not None:
        with contextlib.suppress(Exception):
            _NOTICES.put(school_id)


def _children(pid: int) -> list[int]:
    """Processes whose parent is `pid`, from /proc (Linux); none where there is no /proc."""
    found = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name in brackets may hold spaces: the fields start after the last ')'.
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            found.append(int(entry))
    return found


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    todo = [pid]
    while todo:
        children = _children(todo.pop())
        found += children
        todo += children
    return found


def _kill(pids: Iterable[int]) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _end_worker(*_: object) -> None:
    """End this worker: its kernels first (Papermill starts each in a session of its own, so
    nothing else would reach them), then itself, without running any more of the school."""
    for _round in range(2):  # a kernel being started as the first round looked
        _kill(_descendants(os.getpid()))
    os._exit(1)


def _watch_batch(batch_pid: int) -> None:
    """Thread in each worker: when the batch process is gone (killed), so is the worker."""
    while True:
        time.sleep(POLL)
        if os.getppid() != batch_pid:
            _end_worker()


def _die_with_parent(signum: int) -> None:
    """Linux: have the kernel send `signum` to this process the moment its parent dies."""
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signum, 0, 0, 0)


def _worker_start(batch_pid: int, notices: Any) -> None:
    """Initializer of each local worker. It is born with SIGINT and SIGTERM blocked (see
    `_signals_held`), so a Ctrl-C typed while it starts cannot reach it; then it leaves the
    terminal's process group, ignores SIGINT (the batch stops it), ends its kernels and itself
    on SIGTERM, and watches the batch process."""
    global _NOTICES
    _NOTICES = notices
    notices.cancel_join_thread()  # a worker that is ended never waits to flush a notice
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _end_worker)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    if sys.platform.startswith("linux"):
        _die_with_parent(signal.SIGTERM)
    threading.Thread(
        target=_watch_batch, args=(batch_pid,), name="watch-batch", daemon=True
    ).start()
    if os.getppid() != batch_pid:  # the batch died before the watch began
        _end_worker()


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while a worker may be started: the new process inherits the
    mask, and a signal that arrives meanwhile is delivered to the batch right after."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


class Stopper:
    """While the batch runs, Ctrl-C and SIGTERM ask it to stop rather than raising wherever the
    batch happens to be; it then ends its workers in order. Only in the main thread (the only
    one that may set signal handlers); elsewhere signals keep their usual effect."""

    def __init__(self) -> None:
        self.signum = 0
        self._before: dict[int, Any] = {}

    def _ask(self, signum: int, _frame: object) -> None:
        self.signum = self.signum or signum

    def __enter__(self) -> Stopper:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._before[signum] = signal.signal(signum, self._ask)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._before.items():
            signal.signal(signum, handler)


def _crashed(job: SchoolJob, exc: BaseException) -> SchoolResult:
    """A school whose worker went away (killed, out of memory) or whose task Dask lost."""
    from .jobs import SchoolResult

    error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
    return SchoolResult(
        job.school_id,
        job.name,
        "failed",
        error=f"the worker running it stopped unexpectedly ({error})",
        fingerprint=dict(job.fingerprint),
    )


class LocalWorkers:
    """A spawn process pool whose workers end with the batch and can be stopped at once."""

    def __init__(self, workers: int, task: Callable[[SchoolJob], SchoolResult]) -> None:
        import multiprocessing

        self._task = task
        context = multiprocessing.get_context("spawn")
        self._notices = context.Queue()
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_worker_start,
            initargs=(os.getpid(), self._notices),
        )

    def submit(self, job: SchoolJob) -> Future:
        with _signals_held():
            return self._pool.submit(self._task, job)

    def started(self) -> list[str]:
        names = []
        while True:
            try:
                names.append(self._notices.get_nowait())
            except (queue.Empty, OSError, EOFError):
                return names

    def finished(self, pending: set, timeout: float) -> set:
        return wait_futures(pending, timeout=timeout, return_when=FIRST_COMPLETED).done

    def outcome(self, future: Future, job: SchoolJob) -> SchoolResult:
        try:
            return future.result()
        except Exception as exc:
            return _crashed(job, exc)

    def stop(self) -> None:
        """End every worker and its kernels: SIGTERM (each ends its kernels, then itself),
        then, after a short grace, SIGKILL for whatever of them is left."""
        from multiprocessing.connection import wait as wait_sentinels

        processes = list(getattr(self._pool, "_processes", {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        tree = {}
        for process in processes:
            for pid in (process.pid, *_descendants(process.pid)):
                tree[pid] = _started_at(pid)
        for process in processes:
            with contextlib.suppress(OSError, ValueError):
                process.terminate()
        deadline = time.monotonic() + _STOP_GRACE
        sentinels = [p.sentinel for p in processes]
        while sentinels and time.monotonic() < deadline:
            ready = wait_sentinels(sentinels, timeout=max(0.0, deadline - time.monotonic()))
            sentinels = [s for s in sentinels if s not in ready]
        _kill(pid for pid, began in tree.items() if began and _started_at(pid) == began)

    def close(self) -> None:
        self._pool.shutdown(wait=True)


def _started_at(pid: int) -> str:
    """A process's start time (Linux), so a number reused by a new process is never killed."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return ""
    fields = stat[stat.rfind(b")") + 2 :].split()
    return fields[19].decode() if len(fields) > 19 else ""


class DaskWorkers:
    """An existing Dask cluster. Its workers are not ours to kill: stopping cancels the tasks."""

    def __init__(self, scheduler: str, task: Callable[[SchoolJob], SchoolResult]) -> None:
        self._task = task
        try:
            from dask.distributed import Client
        except ImportError:
            raise InputError("--scheduler needs Dask: pip install 'dask[distributed]'") from None
        try:
            self._client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise InputError(
                f"--scheduler {scheduler}: cannot reach the Dask scheduler ({exc})"
            ) from None
        self._futures: list[Any] = []

    def submit(self, job: SchoolJob) -> Any:
        future = self._client.submit(self._task, job, pure=False)
        self._futures.append(future)
        return future

    def started(self) -> list[str]:
        return []

    def finished(self, pending: set, timeout: float) -> set:
        from dask.distributed import wait

        try:
            return set(wait(list(pending), timeout=timeout, return_when="FIRST_COMPLETED").done)
        except TimeoutError:
            return set()

    def outcome(self, future: Any, job: SchoolJob) -> SchoolResult:
        try:
            return future.result()
        except Exception as exc:
            return _crashed(job, exc)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._client.cancel(self._futures)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._client.close(timeout=5)


def run_jobs(
    runner: LocalWorkers | DaskWorkers,
    jobs: list[SchoolJob],
    stopper: Stopper,
    on_start: Callable[[str], None],
    on_done: Callable[[SchoolResult], None],
) -> bool:
    """Run the jobs, telling as each starts and ends, until all have ended (True) or a stop was
    asked (False: the workers are ended, and any job that finished meanwhile is told)."""
    handles: dict[Any, SchoolJob] = {}
    for job in jobs:
        if stopper.signum:
            break
        handles[runner.submit(job)] = job
    pending = set(handles)
    while pending and not stopper.signum:
        done = runner.finished(pending, POLL)
        for school_id in runner.started():
            on_start(school_id)
        for handle in done:
            pending.discard(handle)
            on_done(runner.outcome(handle, handles[handle]))
    if not stopper.signum:
        return True
    runner.stop()
    for school_id in runner.started():
        on_start(school_id)
    for handle in pending:
        with contextlib.suppress(Exception):
            if handle.done() and not handle.cancelled() and handle.exception() is None:
                on_done(handle.result())
    return False
