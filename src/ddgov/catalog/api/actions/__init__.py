"""CKAN Action API v3 actions, one module per entity; importing this package registers them all."""

from ddgov.catalog.api.actions import (  # noqa: F401 - imported to register the actions
    datastore,
    groups,
    packages,
    resources,
    search,
    site,
)
from ddgov.catalog.api.actions.registry import ACTIONS, ActionContext, action, action_get

__all__ = ["ACTIONS", "ActionContext", "action", "action_get"]
