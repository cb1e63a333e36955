"""The citizen portal's "my services" cards, contributed by the apps that own each service.

An app registers a card in its ``portal_cards.py``; the card's ``context`` callable reads that
app's selectors for the signed-in citizen. Until an app provides a card, the portal registers an
empty one under the same key, so the page shows where the service will appear.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.http import HttpRequest

CardContext = Callable[["HttpRequest"], dict[str, Any]]


@dataclass(frozen=True)
class PortalCard:
    """One card on the citizen's "my services" page."""

    key: str
    title: str | Promise
    description: str | Promise
    order: int = 100
    template: str = "portal/cards/empty.html"
    context: CardContext | None = None
    provided_by: str = "portal"
    icon: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


_CARDS: dict[str, PortalCard] = {}


def card_register(card: PortalCard, *, placeholder: bool = False) -> None:
    """Add ``card``; a real card replaces a placeholder with the same key, never the reverse."""
    existing = _CARDS.get(card.key)
    if placeholder and existing is not None:
        return
    _CARDS[card.key] = card


def cards_ordered() -> list[PortalCard]:
    """Return the cards in display order."""
    return sorted(_CARDS.values(), key=lambda c: (c.order, c.key))
