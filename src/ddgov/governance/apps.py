from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    """Data governance: Thai PII detection now; profiling, quality, classification and anonymised releases next."""

    name = "ddgov.governance"
    label = "governance"
    verbose_name = "Data governance"
