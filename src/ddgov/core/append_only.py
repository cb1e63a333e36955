"""Apps whose tables carry append-only database triggers register how to lift them for a wipe.

Emptying a whole database (``ddgov flush``; what transactional tests do between tests) must get
past the triggers that refuse UPDATE/DELETE on evidence tables. Each app registers a context
manager factory here from its ``AppConfig.ready``; ``flush`` suspends them all around the wipe.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from typing import Any

Suspender = Callable[..., AbstractContextManager[None]]

_SUSPENDERS: dict[str, Suspender] = {}


def append_only_register(*, name: str, suspender: Suspender) -> None:
    """Register ``suspender(connection=...)`` under ``name`` (registering again replaces it)."""
    _SUSPENDERS[name] = suspender


@contextmanager
def append_only_suspended(*, connection: Any) -> Iterator[None]:
    """Lift every registered app's append-only triggers for the block, then put them back."""
    with ExitStack() as stack:
        for name in sorted(_SUSPENDERS):
            stack.enter_context(_SUSPENDERS[name](connection=connection))
        yield
