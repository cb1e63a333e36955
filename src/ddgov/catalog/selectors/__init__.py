"""Reads of the catalog, each deciding what the viewer may see."""

from ddgov.catalog.selectors.datasets import (
    dataset_can_edit,
    dataset_get_for_viewer,
    datasets_visible,
    group_get,
    groups_list,
    organization_get,
    resource_get_for_viewer,
    resource_table_path,
)

__all__ = [
    "dataset_can_edit",
    "dataset_get_for_viewer",
    "datasets_visible",
    "group_get",
    "groups_list",
    "organization_get",
    "resource_get_for_viewer",
    "resource_table_path",
]
