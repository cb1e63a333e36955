import importlib

from django.apps import AppConfig

PARTS = ("jobs", "seeders", "portal_cards")


class ComplaintsConfig(AppConfig):
    """The 1111 complaint centre: intake, duplicate screening, routing, workflow and tracking."""

    name = "ddgov.complaints"
    label = "complaints"
    verbose_name = "Complaints (1111)"

    def ready(self) -> None:
        """Register periodic tasks, the demo seeder and the portal card when they exist."""
        for part in PARTS:
            try:
                importlib.import_module(f"{self.name}.{part}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{self.name}.{part}":
                    raise
