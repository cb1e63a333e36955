from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PortalConfig(AppConfig):
    """The two surfaces: the citizen portal ("my services") and the staff back office."""

    name = "ddgov.portal"
    label = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        """Let every app contribute cards to the citizen portal from its ``portal_cards`` module."""
        autodiscover_modules("portal_cards")
