"""The citizen portal's "who read my data" card: how often agencies asked, the latest requests.

Replaces the portal's placeholder with the same key. The card reads part B's tracker selectors
for the signed-in citizen only; links lead to the full list and to consent management.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from ddgov.exchange.selectors.tracker import (
    data_access_count_for_citizen,
    data_accesses_for_citizen,
)
from ddgov.exchange.views.present import access_rows
from ddgov.identity.models import User
from ddgov.identity.selectors import person_for_user
from ddgov.portal.cards import PortalCard, card_register

if TYPE_CHECKING:
    from django.http import HttpRequest

LATEST = 3


def data_access_card_context(request: HttpRequest) -> dict[str, Any]:
    """The citizen's number of data requests and the latest few, in the reader's language."""
    user = request.user
    person = person_for_user(user=user) if isinstance(user, User) else None
    if person is None:
        return {"count": None, "latest": []}
    return {
        "count": data_access_count_for_citizen(citizen_id=person.citizen_id),
        "latest": access_rows(
            data_accesses_for_citizen(citizen_id=person.citizen_id, limit=LATEST)
        ),
    }


card_register(
    PortalCard(
        key="data_access",
        title=_("Who read my data"),
        description=_(
            "Every time an agency reads your data through the exchange will appear here."
        ),
        order=40,
        icon="data_access",
        template="exchange/portal_card.html",
        context=data_access_card_context,
        provided_by="exchange",
    )
)
