from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """Open government data catalog: Thai GD-Catalog metadata, Parquet lake, CKAN-compatible API."""

    name = "ddgov.catalog"
    label = "catalog"
    verbose_name = "Open data catalog"
