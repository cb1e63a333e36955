"""Reads behind the catalog's web pages: browsing lists, versions, and the resource chart.

Each function decides what the viewer may see through ``datasets_visible`` (or the sandboxed
SQL path for the chart), so a page never shows more than the API would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Count, Prefetch, Q, QuerySet

from ddgov.agencies.models import Agency
from ddgov.catalog.models import Dataset, Group, Resource, ResourceVersion
from ddgov.catalog.selectors.datasets import (
    Viewer,
    datasets_visible,
    resource_get_for_viewer,
    resource_table_path,
)
from ddgov.identity.models import Role, User
from ddgov.identity.selectors import user_agencies
from ddgov.lake.selectors import lake_query


def organizations_for_steward(*, user: Viewer) -> QuerySet[Agency]:
    """Return the agencies ``user`` may publish datasets for (data steward or agency admin)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return Agency.objects.none()
    agencies = user_agencies(user=user)
    if not user.is_platform_admin:
        agencies = agencies.filter(
            memberships__user=user, memberships__role__in=[Role.DATA_STEWARD, Role.ADMIN]
        )
    return agencies.order_by("kind", "code")


T = TypeVar("T")


@dataclass(frozen=True)
class Counted(Generic[T]):
    """An organisation or group with how many datasets the viewer can see in it."""

    item: T
    count: int


def facet_names(*, organizations: list[str], groups: list[str]) -> dict[tuple[str, str], str]:
    """Return display names of facet values: agencies by code and groups by name (two queries)."""
    names: dict[tuple[str, str], str] = {}
    for agency in Agency.objects.filter(code__in=organizations):
        names["organization", agency.code] = agency.name
    for group in Group.objects.filter(name__in=groups):
        names["groups", group.name] = group.title
    return names


def organizations_with_datasets(*, viewer: Viewer) -> list[Counted[Agency]]:
    """Return every agency that has a dataset the viewer can see, most datasets first."""
    counts = dict(
        datasets_visible(viewer=viewer)
        .order_by()
        .values_list("owner_org_id")
        .annotate(n=Count("id"))
        .values_list("owner_org_id", "n")
    )
    agencies = Agency.objects.filter(pk__in=counts)
    return sorted(
        (Counted(item=a, count=counts[a.pk]) for a in agencies),
        key=lambda c: (-c.count, c.item.code),
    )


def groups_with_datasets(*, viewer: Viewer) -> list[Counted[Group]]:
    """Return every focus area with the number of datasets the viewer can see in it."""
    visible = datasets_visible(viewer=viewer).values("pk")
    groups = Group.objects.annotate(
        n=Count("datasets", filter=Q(datasets__in=visible), distinct=True)
    ).order_by("name")
    return [Counted(item=g, count=g.n) for g in groups]


def resource_versions(*, resource: Resource) -> QuerySet[ResourceVersion]:
    """Return a resource's versions, newest first (the caller has checked visibility)."""
    return resource.versions.defer("table_schema", "schema_overrides").order_by("-number")


def resource_latest_version(*, resource: Resource) -> ResourceVersion | None:
    """Return the newest upload of a resource, whatever its ingest status."""
    return resource.versions.order_by("-number").first()


def dataset_resources(*, dataset: Dataset) -> list[Resource]:
    """Return a dataset's active resources with their versions (newest first) prefetched."""
    return list(
        dataset.resources.filter(state=Resource.State.ACTIVE)
        .select_related("current_version")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=ResourceVersion.objects.defer("table_schema", "schema_overrides").order_by(
                    "-number"
                ),
            )
        )
        .order_by("position", "created")
    )


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def resource_chart(
    *, viewer: Viewer, resource: Resource, label_column: str, value_column: str, limit: int = 15
) -> list[tuple[str, float]]:
    """Return the ``limit`` largest sums of ``value_column`` per value of ``label_column``.

    The aggregation runs in the locked DuckDB sandbox over the resource's current Parquet table
    (never loading the rows into Python); visibility is checked again for ``viewer``. Column
    names must be columns of the table (the caller takes them from its schema). Raises
    ``SandboxError`` when the query cannot run (an unknown column, a time or memory limit).
    """
    resource = resource_get_for_viewer(viewer=viewer, resource_id=str(resource.pk))
    path = resource_table_path(resource=resource)
    if path is None:
        return []
    sql = (
        f"SELECT CAST({_quote(label_column)} AS VARCHAR) AS label,"  # noqa: S608 - quoted identifiers, run in the sandbox
        f" SUM(TRY_CAST({_quote(value_column)} AS DOUBLE)) AS total"
        " FROM data GROUP BY 1 HAVING total IS NOT NULL"
        " ORDER BY total DESC, label LIMIT ?"
    )
    result = lake_query(sql=sql, tables={("main", "data"): path}, params=[max(1, min(limit, 100))])
    return [("" if label is None else str(label), float(total)) for label, total in result.rows]


def resource_chart_label_column(
    *, viewer: Viewer, resource: Resource, candidates: list[str]
) -> str | None:
    """Pick the text column that makes the most useful default chart.

    That is the first of ``candidates`` with between 2 and 50 distinct values in the table's
    first 2,000 rows (a column with one value draws one bar; one with thousands, a wall), else
    the candidate with the fewest distinct values above one. Looks at a bounded head of the
    table in the sandbox, so the cost does not grow with the table.
    """
    resource = resource_get_for_viewer(viewer=viewer, resource_id=str(resource.pk))
    path = resource_table_path(resource=resource)
    names = candidates[:8]
    if path is None or not names:
        return None
    counts = ", ".join(f"count(DISTINCT {_quote(n)})" for n in names)
    sql = f"SELECT {counts} FROM (SELECT * FROM data LIMIT 2000)"  # noqa: S608 - quoted identifiers, run in the sandbox
    row = lake_query(sql=sql, tables={("main", "data"): path}).rows[0]
    distinct = dict(zip(names, (int(n or 0) for n in row), strict=True))
    for name in names:
        if 2 <= distinct[name] <= 50:
            return name
    several = [n for n in names if distinct[n] > 1]
    return min(several, key=lambda n: distinct[n]) if several else names[0]
