"""The citizen portal's "my complaints" card: how many are open and closed, the latest three.

Replaces the portal's placeholder with the same key (``complaints``). Reads only the signed-in
user's own complaints (filed or followed) through the complaints selectors; the links lead to
the full list and to the filing form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from ddgov.complaints.models import CLOSED_STATES, State
from ddgov.complaints.selectors.complaints import complaints_for_user
from ddgov.identity.models import User
from ddgov.portal.cards import PortalCard, card_register

if TYPE_CHECKING:
    from django.http import HttpRequest

LATEST = 3
PREVIEW = 80


def complaints_card_context(request: HttpRequest) -> dict[str, Any]:
    """Counts of the user's open and closed complaints and the latest few, newest first."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        return {"signed_in": False, "open": 0, "closed": 0, "latest": []}
    complaints = complaints_for_user(user=user)
    closed = complaints.filter(state__in=CLOSED_STATES).count()
    total = complaints.count()
    latest = [
        {
            "code": c.tracking_code,
            "state": c.state,
            "state_label": str(State(c.state).label),
            "open311_status": "open" if c.is_open else "closed",
            "text": c.text_public[:PREVIEW] + ("…" if len(c.text_public) > PREVIEW else ""),
        }
        for c in complaints[:LATEST]
    ]
    return {"signed_in": True, "open": total - closed, "closed": closed, "latest": latest}


card_register(
    PortalCard(
        key="complaints",
        title=_("My complaints"),
        description=_("Complaints you filed with 1111 and their progress will appear here."),
        order=20,
        icon="complaints",
        template="complaints/citizen/portal_card.html",
        context=complaints_card_context,
        provided_by="complaints",
    )
)
