import importlib

from django.apps import AppConfig

PARTS = ("jobs", "seeders", "portal_cards")


class ExchangeConfig(AppConfig):
    """Government Data Exchange: members, services, access rights, consent, signed message log."""

    name = "ddgov.exchange"
    label = "exchange"
    verbose_name = "Data exchange"

    def ready(self) -> None:
        """Register the exchange's periodic tasks, demo seeders and the citizen portal card."""
        for part in PARTS:
            try:
                importlib.import_module(f"{self.name}.{part}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{self.name}.{part}":
                    raise
