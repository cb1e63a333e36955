"""The table of API actions: name → function, and whether it may be called with GET.

An action is ``func(ctx, data) -> result``: ``data`` is the request's parameters (JSON body,
query string or form fields), ``result`` becomes the envelope's ``result``. Side-effect-free
actions accept GET and the browser's session; every other action needs POST and a token.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from ddgov.catalog.api.auth import Caller


@dataclass
class ActionContext:
    """What an action knows about its call: the request, the caller and uploaded files."""

    request: HttpRequest
    caller: Caller
    name: str
    files: dict[str, Any] = field(default_factory=dict)


ActionFunc = Callable[[ActionContext, dict[str, Any]], Any]


@dataclass(frozen=True)
class Action:
    """A registered action."""

    name: str
    func: ActionFunc
    side_effect_free: bool


ACTIONS: dict[str, Action] = {}


def action(name: str, *, side_effect_free: bool = False) -> Callable[[ActionFunc], ActionFunc]:
    """Register ``func`` as the API action ``name``."""

    def register(func: ActionFunc) -> ActionFunc:
        ACTIONS[name] = Action(name=name, func=func, side_effect_free=side_effect_free)
        return func

    return register


def action_get(name: str) -> Action | None:
    """Return the action called ``name``, or None."""
    return ACTIONS.get(name)
