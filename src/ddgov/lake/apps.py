from django.apps import AppConfig


class LakeConfig(AppConfig):
    """The data lake: where typed Parquet lives, and the sandboxed DuckDB that reads it."""

    name = "ddgov.lake"
    label = "lake"
    verbose_name = "Data lake"
