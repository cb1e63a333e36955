"""Job handlers by kind, and periodic tasks. Apps register both in their ``jobs.py``.

:func:`job_handler` names the function that runs a queued job of one kind. :func:`periodic`
names a function ``ddgov worker`` calls every so often between jobs (dashboards' scheduled
refresh, say): it should be quick and only enqueue jobs, so a slow one never holds up the
queue. Each worker process keeps its own clock; a task is due when its interval has passed
since that worker last ran it (at start, every task is due). With several workers a task may
run once per worker per interval, so periodic functions must be idempotent.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Handler = Callable[..., None]
_HANDLERS: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register ``func(*, job_id, progress, **payload)`` as the handler of ``kind`` jobs."""

    def register(func: Handler) -> Handler:
        _HANDLERS[kind] = func
        return func

    return register


def handler_for(kind: str) -> Handler:
    """Return the handler for ``kind`` or raise KeyError naming the known kinds."""
    try:
        return _HANDLERS[kind]
    except KeyError:
        msg = f"no job handler for {kind!r}; known: {sorted(_HANDLERS)}"
        raise KeyError(msg) from None


def handlers() -> dict[str, Any]:
    """Return the registered handlers (for ``ddgov worker --list``)."""
    return dict(_HANDLERS)


@dataclass(frozen=True)
class PeriodicTask:
    """A function the worker calls every ``every_seconds``."""

    name: str
    every_seconds: float
    func: Callable[[], object]


_PERIODIC: dict[str, PeriodicTask] = {}
_LAST_RUN: dict[str, float] = {}


def periodic(name: str, every_seconds: float) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register ``func()`` to be called by ``ddgov worker`` every ``every_seconds`` seconds."""
    if every_seconds <= 0:
        msg = f"periodic task {name!r} needs a positive interval, not {every_seconds!r}"
        raise ValueError(msg)

    def register(func: Callable[[], Any]) -> Callable[[], Any]:
        _PERIODIC[name] = PeriodicTask(name=name, every_seconds=float(every_seconds), func=func)
        return func

    return register


def periodic_tasks() -> dict[str, PeriodicTask]:
    """Return the registered periodic tasks (for ``ddgov worker --list``)."""
    return dict(_PERIODIC)


def periodic_due(*, now: float | None = None) -> list[PeriodicTask]:
    """Return the tasks due at ``now`` (monotonic seconds) and mark them as run then.

    The caller runs what it gets back; marking first means a task that fails waits for its
    next interval instead of being retried in a tight loop.
    """
    moment = time.monotonic() if now is None else now
    due = []
    for name, task in sorted(_PERIODIC.items()):
        last = _LAST_RUN.get(name)
        if last is None or moment - last >= task.every_seconds:
            _LAST_RUN[name] = moment
            due.append(task)
    return due


def periodic_reset() -> None:
    """Forget when tasks last ran (a new worker process; tests)."""
    _LAST_RUN.clear()
