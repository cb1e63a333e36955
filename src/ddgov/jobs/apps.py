from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    """Background jobs in the database: no broker to run, the same on SQLite and PostgreSQL."""

    name = "ddgov.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        """Collect the job handlers each app declares in its ``jobs.py``."""
        autodiscover_modules("jobs")
