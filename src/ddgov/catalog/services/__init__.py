"""Writes of the catalog. Other apps call these, never the models directly."""

from ddgov.catalog.services.datasets import (
    CatalogValidationError,
    dataset_create,
    dataset_delete,
    dataset_update,
    resource_create,
    resource_delete,
    resource_update,
)

__all__ = [
    "CatalogValidationError",
    "dataset_create",
    "dataset_delete",
    "dataset_update",
    "resource_create",
    "resource_delete",
    "resource_update",
]
