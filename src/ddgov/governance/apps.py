import importlib

from django.apps import AppConfig

PARTS = ("profiling", "quality", "classification", "anonymize")


class GovernanceConfig(AppConfig):
    """Data governance on the lake: profiling, quality checks, classification, PII, anonymised releases."""

    name = "ddgov.governance"
    label = "governance"
    verbose_name = "Data governance"

    def ready(self) -> None:
        """Register each part's checks and after-ingest work into the catalog's hooks."""
        for part in PARTS:
            importlib.import_module(f"{self.name}.{part}.hooks")
