"""What the workbench's table browser lists: every table a user may query, as the user sees it.

For each active, ingested resource of a dataset the user may see, one :class:`BrowserTable`: its
friendly name (``agency.dataset.resource``, quoted where SQL needs it), its columns and types,
which of them the user's rights mask (read as NULL) and whether the table is aggregate-only for
the user. The masking decision is the access layer's own (:func:`resource_uses`, which
resolves without running), so the browser never promises more than a query will give. Column
types are the catalog's (Frictionless Table Schema) when described, else the Parquet file's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow.parquet as pq

from ddgov.analytics.access.principal import Principal
from ddgov.analytics.selectors.queries import resource_uses
from ddgov.catalog.models import Dataset, Resource
from ddgov.catalog.selectors.datasets import Viewer, datasets_visible, resource_table_path

ROW_ID = "_id"
_PLAIN = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class BrowserColumn:
    """One column of a table as the user will read it."""

    name: str
    type: str
    masked: bool = False


@dataclass(frozen=True)
class BrowserTable:
    """One table the user may query."""

    resource_id: str
    agency: str
    agency_name: str
    dataset: str
    dataset_title: str
    resource: str
    name: str  # the friendly SQL name, e.g. ``oae."farmer-registry".plots``
    open: bool
    aggregate_only: bool
    columns: list[BrowserColumn] = field(default_factory=list)


def sql_identifier(name: str) -> str:
    """``name`` as a SQL identifier: bare when it is a plain lower-case word, else quoted."""
    if _PLAIN.match(name):
        return name
    return '"' + name.replace('"', '""') + '"'


def friendly_name(*, agency: str, dataset: str, resource: str) -> str:
    """The three-part name a query uses for a resource: ``agency.dataset.resource``."""
    return ".".join(sql_identifier(part) for part in (agency, dataset, resource))


def _schema_fields(resource: Resource) -> list[tuple[str, str]]:
    """The columns of the resource's current version: from its Table Schema, else the Parquet."""
    version = resource.current_version
    fields = (version.table_schema or {}).get("fields") if version is not None else None
    if isinstance(fields, list) and fields:
        return [
            (str(f["name"]), str(f.get("type") or "any"))
            for f in fields
            if isinstance(f, Mapping) and f.get("name") and f.get("name") != ROW_ID
        ]
    path = resource_table_path(resource=resource)
    if path is None or not path.is_file():
        return []
    schema = pq.read_schema(path)
    return [(n, str(schema.field(n).type)) for n in schema.names if n != ROW_ID]


def workbench_tables(*, viewer: Viewer, principal: Principal) -> list[BrowserTable]:
    """Every table ``viewer`` may query, by agency, dataset and resource name."""
    datasets = datasets_visible(viewer=viewer).order_by("owner_org__code", "name")
    resources = (
        Resource.objects.filter(
            dataset__in=datasets,
            state=Resource.State.ACTIVE,
            current_version__isnull=False,
        )
        .exclude(current_version__parquet_path="")
        .select_related("dataset__owner_org", "current_version")
        .order_by("dataset__owner_org__code", "dataset__name", "position", "created")
    )
    listed = list(resources)
    uses = resource_uses(principal=principal, resource_ids=[r.pk for r in listed])
    tables: list[BrowserTable] = []
    for resource in listed:
        use = uses.get(str(resource.pk))
        if use is None:
            continue
        masked = frozenset(use.masked)
        dataset: Dataset = resource.dataset
        agency = dataset.owner_org
        tables.append(
            BrowserTable(
                resource_id=str(resource.pk),
                agency=agency.code,
                agency_name=agency.name,
                dataset=dataset.name,
                dataset_title=dataset.title,
                resource=resource.name,
                name=friendly_name(
                    agency=agency.code, dataset=dataset.name, resource=resource.name
                ),
                open=dataset.state == Dataset.State.ACTIVE and not dataset.private,
                aggregate_only=use.mode == "aggregate",
                columns=[
                    BrowserColumn(name=n, type=t, masked=n in masked)
                    for n, t in _schema_fields(resource)
                ],
            )
        )
    return tables


def workbench_tables_json(*, tables: list[BrowserTable]) -> list[dict[str, Any]]:
    """The tables as the JSON API returns them."""
    return [
        {
            "resource_id": t.resource_id,
            "name": t.name,
            "agency": t.agency,
            "dataset": t.dataset,
            "resource": t.resource,
            "open": t.open,
            "aggregate_only": t.aggregate_only,
            "columns": [{"name": c.name, "type": c.type, "masked": c.masked} for c in t.columns],
        }
        for t in tables
    ]
