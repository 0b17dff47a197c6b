"""A time and memory budget for one parse: the work runs in a worker process with an address
space limit and is abandoned (the worker killed) when it overruns its time.

feedparser is pure Python and cannot be interrupted from inside; a worker process is the one
place a runaway parse can be stopped without stopping the task that asked for it.
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class ParseBudget:
    timeout_s: float = 30.0
    memory_mb: int = 1024
    # False runs in this process (no memory limit, no way to stop a runaway parse).
    isolated: bool = True

    @classmethod
    def from_settings(cls, settings) -> ParseBudget:
        return cls(settings.parse_timeout_s, settings.parse_memory_mb, settings.parse_isolated)


class BudgetExceeded(Exception):
    pass


def _limit_memory(memory_mb: int) -> None:
    import resource

    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@contextlib.contextmanager
def _main_not_reimported():
    """Start workers without re-running the parent's ``__main__``.

    multiprocessing re-imports the parent's main script in every worker. Inside an Airflow task
    that script is the ``airflow`` CLI, whose import initialises Airflow's settings and fails,
    because task processes may not touch the metadata database; the worker dies before it
    parses anything. A main module whose spec is named ``__main__`` is skipped, and the worker
    needs nothing from it: it runs module-level functions of ``pipeline``.
    """
    main = sys.modules.get("__main__")
    hide = main is not None and getattr(main, "__spec__", None) is None
    if hide:
        main.__spec__ = importlib.machinery.ModuleSpec("__main__", None)
    try:
        yield
    finally:
        if hide:
            main.__spec__ = None


class _Worker:
    """One lazily started worker process, replaced after a timeout or a crash."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._memory_mb: int | None = None
        self._unavailable = False
        # Counts the workers killed: a parse queued behind one that overran is resubmitted.
        self.generation = 0

    def _get(self, memory_mb: int) -> ProcessPoolExecutor:
        if self._pool is None or self._memory_mb != memory_mb:
            self._kill()
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("forkserver"),
                initializer=_limit_memory,
                initargs=(memory_mb,),
            )
            self._memory_mb = memory_mb
        return self._pool

    def _kill(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        self.generation += 1
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def submit(self, budget: ParseBudget, fn: Callable[..., T], *args) -> Pending[T]:
        """Start ``fn(*args)`` in the worker; its result (and its budget) is awaited later."""
        pending = Pending(self, budget, fn, args)
        with self._lock:
            if not self._unavailable:
                try:
                    with _main_not_reimported():
                        pending.future = self._get(budget.memory_mb).submit(fn, *args)
                    pending.generation = self.generation
                    return pending
                except (OSError, AssertionError, ValueError, RuntimeError) as exc:
                    # A daemonic parent (a Celery prefork worker) cannot start workers: parse
                    # here rather than not at all, and say so once.
                    log.warning("parse worker unavailable (%s); parsing in process", exc)
                    self._unavailable = True
                    self._kill()
        return pending

    def wait(self, pending: Pending[T]) -> T:
        budget = pending.budget
        try:
            return pending.future.result(timeout=budget.timeout_s)
        except FutureTimeout as exc:
            with self._lock:
                self._kill()
            raise BudgetExceeded(f"parse took longer than {budget.timeout_s:.0f} s") from exc
        except MemoryError as exc:
            raise BudgetExceeded(f"parse needed more than {budget.memory_mb} MB") from exc
        except (BrokenProcessPool, CancelledError) as exc:
            with self._lock:
                killed_for_another = pending.generation != self.generation
                if not killed_for_another:
                    self._kill()
            if killed_for_another and not pending.resubmitted:
                # Queued behind a parse that overran: the worker was replaced under it.
                return self.submit(pending.budget, pending.fn, *pending.args).retried().result()
            raise BudgetExceeded("the parse worker died (memory budget)") from exc

    def reset_after_fork(self) -> None:
        """A forked child must not use (or kill) its parent's worker."""
        self._lock = threading.Lock()
        self._pool = None
        self._memory_mb = None
        self._unavailable = False


class Pending(Generic[T]):
    """A parse under way in the worker (or, without one, to be run here when asked for).

    The time budget runs from the call to ``result``: a parse started ahead of time, while the
    caller did other work, is never charged for time it spent queued.
    """

    def __init__(self, worker: _Worker, budget: ParseBudget, fn: Callable[..., T], args) -> None:
        self.worker, self.budget, self.fn, self.args = worker, budget, fn, args
        self.future = None  # None: run in this process when the result is asked for
        self.generation = 0
        self.resubmitted = False

    def retried(self) -> Pending[T]:
        self.resubmitted = True
        return self

    def result(self) -> T:
        if self.future is None:
            return _in_process(self.fn, *self.args)
        return self.worker.wait(self)


# One worker per lane: a stage that parses several documents at once gives each its own lane,
# and a parse that overruns kills only the worker of its lane.
_WORKERS: dict[int, _Worker] = {}
_WORKERS_LOCK = threading.Lock()


def _worker(lane: int) -> _Worker:
    with _WORKERS_LOCK:
        worker = _WORKERS.get(lane)
        if worker is None:
            worker = _WORKERS[lane] = _Worker()
        return worker


def shutdown() -> None:
    """Stop the parse workers and their fork server.

    Call at the end of a stage that parsed: an Airflow task process ends with ``os._exit``,
    which skips the exit handlers that would stop them, and both would outlive the task.
    """
    with _WORKERS_LOCK:
        workers = list(_WORKERS.values())
    for worker in workers:
        with worker._lock:
            worker._kill()
    from multiprocessing import forkserver

    # CPython's fork server has no public stop; its private one is what the stdlib tests use.
    stop = getattr(forkserver._forkserver, "_stop", None)
    if stop is not None:
        stop()


def _reset_after_fork() -> None:
    global _WORKERS_LOCK
    _WORKERS_LOCK = threading.Lock()
    for worker in _WORKERS.values():
        worker.reset_after_fork()


os.register_at_fork(after_in_child=_reset_after_fork)


def _in_process(fn: Callable[..., T], *args) -> T:
    try:
        return fn(*args)
    except (MemoryError, RecursionError) as exc:
        raise BudgetExceeded(f"{type(exc).__name__} while parsing") from exc


def submit_within_budget(
    budget: ParseBudget, fn: Callable[..., T], *args, lane: int = 0
) -> Pending[T]:
    """Start ``fn(*args)`` under ``budget`` in the worker of ``lane`` and return at once; ``fn``
    must be a module-level function. A worker runs its parses in turn (one queued behind another
    is not charged for the wait); parses in different lanes run at once."""
    if not budget.isolated:
        return Pending(_worker(lane), budget, fn, args)
    return _worker(lane).submit(budget, fn, *args)


# Threads that parse through run_within_budget take turns, so that none waits behind another's
# parse on its own clock (a timeout kills the worker, and whatever else it was running).
_TURNS = threading.Lock()


def run_within_budget(budget: ParseBudget, fn: Callable[..., T], *args) -> T:
    """``fn(*args)`` under ``budget``; ``fn`` must be a module-level function."""
    with _TURNS:
        return submit_within_budget(budget, fn, *args).result()
