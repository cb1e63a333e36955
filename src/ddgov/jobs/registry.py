"""Job handlers by kind. Apps register them in their ``jobs.py`` with :func:`job_handler`."""

from __future__ import annotations

from collections.abc import Callable
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
