from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    """Thin shared kernel: Thai dates, the demo-seed registry, base templates, the CLI."""

    name = "ddgov.core"
    label = "core"
    verbose_name = "ddgov core"

    def ready(self) -> None:
        """Collect each app's ``seeders`` and ``portal_cards`` modules into their registries."""
        autodiscover_modules("seeders")
