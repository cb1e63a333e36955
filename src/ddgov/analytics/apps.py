import importlib

from django.apps import AppConfig

PARTS = ("jobs", "pipeline", "seeders")


class AnalyticsConfig(AppConfig):
    """Big Data analytics over the lake: one engine layer (DuckDB, Spark), workbench, dashboards."""

    name = "ddgov.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        """Register the analytics background jobs and demo-data seeders."""
        for part in PARTS:
            importlib.import_module(f"{self.name}.{part}")
