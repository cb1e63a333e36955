import importlib

from django.apps import AppConfig

PARTS = ("jobs", "seeders", "portal_cards")


class ExchangeConfig(AppConfig):
    """Government Data Exchange: members, services, access rights, consent, signed message log."""

    name = "ddgov.exchange"
    label = "exchange"
    verbose_name = "Data exchange"

    def ready(self) -> None:
        """Register periodic tasks, demo seeders, the portal card and the evidence triggers."""
        from ddgov.core.append_only import append_only_register  # noqa: PLC0415
        from ddgov.exchange.triggers import evidence_triggers_suspended  # noqa: PLC0415

        append_only_register(name="exchange", suspender=evidence_triggers_suspended)
        for part in PARTS:
            try:
                importlib.import_module(f"{self.name}.{part}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{self.name}.{part}":
                    raise
