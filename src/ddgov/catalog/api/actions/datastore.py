"""DataStore actions: query the typed Parquet table of a resource's current version.

The queries themselves are ``ddgov.catalog.selectors.datastore`` (DuckDB over the lake); these
actions only normalise CKAN's parameters, which arrive as JSON, query strings or form fields.
The selectors raise ``DatastoreError`` carrying CKAN's ``__type``, payload and HTTP status, which
the view maps unchanged.
"""

from __future__ import annotations

from typing import Any

from ddgov.catalog.api.actions.registry import ActionContext, action
from ddgov.catalog.api.params import as_bool, as_dict, as_int, as_list, maybe_json, required
from ddgov.catalog.selectors import datastore as selectors

LIMIT_DEFAULT = 100
LIMIT_MAX = 32000


def _resource_id(data: dict[str, Any]) -> str:
    """CKAN names it ``resource_id`` (``id`` is accepted too, as CKAN's datastore_info does)."""
    if data.get("resource_id"):
        return str(data["resource_id"])
    return str(data.get("id") or required(data, "resource_id"))


@action("datastore_search", side_effect_free=True)
def datastore_search(ctx: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Rows of a resource: filters, q, distinct, fields, sort, limit/offset and total."""
    q = maybe_json(data.get("q"))
    fields = as_list(data, "fields")
    sort = maybe_json(data.get("sort"))
    if isinstance(sort, list):
        sort = ", ".join(str(s) for s in sort)
    return selectors.datastore_search(
        viewer=ctx.caller,
        resource_id=_resource_id(data),
        filters=as_dict(data, "filters") or {},
        q=q if q not in (None, "") else None,
        distinct=as_bool(data, "distinct"),
        fields=fields or None,
        sort=str(sort) if sort not in (None, "") else None,
        limit=as_int(data, "limit", default=LIMIT_DEFAULT, maximum=LIMIT_MAX),
        offset=as_int(data, "offset", default=0),
        include_total=as_bool(data, "include_total", default=True),
        records_format=str(data.get("records_format") or "objects"),
    )


@action("datastore_info", side_effect_free=True)
def datastore_info(ctx: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Column names, types and the row count of a resource's table."""
    return selectors.datastore_info(viewer=ctx.caller, resource_id=_resource_id(data))


@action("datastore_search_sql", side_effect_free=True)
def datastore_search_sql(ctx: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """A read-only SELECT over the tables the caller may read, in the DuckDB sandbox."""
    return selectors.datastore_search_sql(viewer=ctx.caller, sql=str(required(data, "sql")))
