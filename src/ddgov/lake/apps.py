from django.apps import AppConfig


class LakeConfig(AppConfig):
    """The data lake: where typed Parquet lives, and the sandboxed DuckDB that reads it."""

    name = "ddgov.lake"
    label = "lake"
    verbose_name = "Data lake"

    def ready(self) -> None:
        """Refuse to start with an unusable ``DDGOV_LAKE_*`` setting (the error names it)."""
        from ddgov.lake.backends import remote_lake  # noqa: PLC0415 - settings are ready now

        remote_lake()
