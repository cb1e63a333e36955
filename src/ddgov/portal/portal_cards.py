"""Empty cards for services whose apps arrive with later issues."""

from django.utils.translation import gettext_lazy as _

from ddgov.portal.cards import PortalCard, card_register

for card in (
    PortalCard(
        key="benefits",
        title=_("My benefits"),
        description=_("Welfare you receive and can apply for will appear here."),
        order=10,
        icon="benefits",
    ),
    PortalCard(
        key="complaints",
        title=_("My complaints"),
        description=_("Complaints you filed with 1111 and their progress will appear here."),
        order=20,
        icon="complaints",
    ),
    PortalCard(
        key="documents",
        title=_("My documents"),
        description=_("Digital documents issued to you will appear here."),
        order=30,
        icon="documents",
    ),
    PortalCard(
        key="data_access",
        title=_("Who read my data"),
        description=_(
            "Every time an agency reads your data through the exchange will appear here."
        ),
        order=40,
        icon="data_access",
    ),
):
    card_register(card, placeholder=True)
