"""Friendly table names to lake files, and what one principal may see of each.

Names a query may use for a resource's current version:

* ``"dataset"."resource"`` — the dataset's ``name`` (or id) and the resource's ``name`` (or id);
* ``agency.dataset.resource`` — the same, the owning agency's ``code`` first;
* ``"<resource id>"`` — the bare resource UUID, as CKAN's DataStore names tables.

Matching is exact first, then case-insensitive (DuckDB folds unquoted names). A name that
matches nothing, or a resource the principal may not see, gets the same "unknown table" error,
so a query never reveals that a private dataset exists.

Rules per (principal, resource): open data (active, not private) is visible to everyone;
private and draft datasets only to members of the owning agency and platform admins. Each
restricted column (governance category other than public) needs a role in the owning agency
by its access level — internal: viewer, confidential: officer, secret: data steward,
top secret: admin; the principal's columns without that role are masked (read as NULL). When a
masked column is personal data the table is *aggregate-only* for that principal.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
from django.db.models import Q

from ddgov.analytics.access.errors import SourceText
from ddgov.analytics.access.policy import WrittenTable, unknown_table
from ddgov.analytics.access.principal import Principal
from ddgov.catalog.models import Dataset, Resource
from ddgov.catalog.vocab import Classification, DataCategory
from ddgov.governance.models import ColumnClass
from ddgov.identity.models import ROLE_RANK, Role
from ddgov.lake.backends import LakeStoreError
from ddgov.lake.storage import absolute

ROW_ID = "_id"
"""The lake's row-number column: never data, never masked, counted for the minimum group size."""

MODE_FULL = "full"
MODE_AGGREGATE = "aggregate"

LEVEL_RANK: dict[str, int] = {
    Classification.INTERNAL.value: ROLE_RANK[Role.VIEWER],
    Classification.CONFIDENTIAL.value: ROLE_RANK[Role.OFFICER],
    Classification.SECRET.value: ROLE_RANK[Role.DATA_STEWARD],
    Classification.TOP_SECRET.value: ROLE_RANK[Role.ADMIN],
}
"""The role rank needed in the owning agency to read a restricted column, by access level."""

UNSET_LEVEL_RANK = ROLE_RANK[Role.OFFICER]
"""A non-public column without a proper access level counts as confidential (fail closed)."""


@dataclass(frozen=True)
class ResourceInfo:
    """What the rules need to know about a resource, read in one query."""

    pk: uuid.UUID
    name: str
    dataset_id: uuid.UUID
    dataset: str
    dataset_state: str
    dataset_private: bool
    agency_id: int
    agency: str
    parquet_path: str

    @property
    def open(self) -> bool:
        """Whether the dataset is open data (active and not private)."""
        return self.dataset_state == Dataset.State.ACTIVE and not self.dataset_private


@dataclass(frozen=True)
class ResolvedTable:
    """A resource one principal may read, its current Parquet file, and what is hidden."""

    resource: ResourceInfo
    path: Path
    masked: tuple[str, ...]
    personal_masked: tuple[str, ...]

    @property
    def mode(self) -> str:
        """``aggregate`` when a masked column is personal data, else ``full``."""
        return MODE_AGGREGATE if self.personal_masked else MODE_FULL

    @property
    def open(self) -> bool:
        """Whether the dataset is open data (active and not private)."""
        return self.resource.open


# --- Parquet columns (cached per file) ---------------------------------------------------------

_COLUMNS_KEEP = 256
_columns: OrderedDict[tuple[str, int, int], tuple[str, ...]] = OrderedDict()
_columns_lock = threading.Lock()


def parquet_columns(path: Path) -> tuple[str, ...]:
    """The column names of a Parquet file, read from its footer once per file version."""
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    with _columns_lock:
        found = _columns.get(key)
        if found is not None:
            _columns.move_to_end(key)
            return found
    names = tuple(pq.read_schema(path).names)
    with _columns_lock:
        _columns[key] = names
        while len(_columns) > _COLUMNS_KEEP:
            _columns.popitem(last=False)
    return names


# --- finding the resources -----------------------------------------------------------------------


def _as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


_INFO_FIELDS = (
    "pk",
    "name",
    "dataset_id",
    "dataset__name",
    "dataset__state",
    "dataset__private",
    "dataset__owner_org_id",
    "dataset__owner_org__code",
    "current_version__parquet_path",
)


def _infos(wanted: Q) -> list[ResourceInfo]:
    """The active resources matching ``wanted``, with what the rules need, in one query."""
    rows = (
        Resource.objects.filter(wanted, state=Resource.State.ACTIVE)
        .exclude(dataset__state=Dataset.State.DELETED)
        .order_by("position", "created")
        .values_list(*_INFO_FIELDS)
    )
    return [
        ResourceInfo(
            pk=pk,
            name=name,
            dataset_id=dataset_id,
            dataset=dataset,
            dataset_state=state,
            dataset_private=private,
            agency_id=agency_id,
            agency=agency,
            parquet_path=path or "",
        )
        for pk, name, dataset_id, dataset, state, private, agency_id, agency, path in rows
    ]


def _candidates(tables: list[WrittenTable]) -> list[ResourceInfo]:
    """Every active resource any of the names could mean, in one query."""
    wanted = Q(pk__in=[])
    for table in tables:
        if len(table.parts) == 1:
            rid = _as_uuid(table.parts[0])
            if rid is not None:
                wanted |= Q(pk=rid)
            continue
        schema = table.parts[-2]
        did = _as_uuid(schema)
        wanted |= Q(dataset__pk=did) if did is not None else Q(dataset__name__iexact=schema)
    return _infos(wanted)


def _match(table: WrittenTable, resources: list[ResourceInfo]) -> ResourceInfo | None:
    """The resource ``table`` names among the candidates (exact before case-insensitive)."""
    if len(table.parts) == 1:
        rid = _as_uuid(table.parts[0])
        return next((r for r in resources if r.pk == rid), None)
    name, schema = table.parts[-1], table.parts[-2]
    agency = table.parts[0] if len(table.parts) == 3 else None
    did = _as_uuid(schema)
    in_dataset = [
        r
        for r in resources
        if (r.dataset_id == did if did is not None else r.dataset.lower() == schema.lower())
        and (agency is None or r.agency.lower() == agency.lower())
    ]
    rid = _as_uuid(name)
    for found in (
        [r for r in in_dataset if r.name == name],
        [r for r in in_dataset if r.name.lower() == name.lower()],
        [r for r in in_dataset if rid is not None and r.pk == rid],
    ):
        if found:
            return found[0]
    return None


def resource_visible_to(*, principal: Principal, resource: ResourceInfo) -> bool:
    """Whether the principal may read the resource's dataset at all (drafts: members only)."""
    if resource.dataset_state == Dataset.State.DELETED:
        return False
    return resource.open or principal.member_of(resource.agency_id)


def _table_file(resource: ResourceInfo) -> Path | None:
    if not resource.parquet_path:
        return None
    try:
        path = absolute(resource.parquet_path)
    except (ValueError, LakeStoreError):
        return None
    return path if path.is_file() else None


def _restricted(resource_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[tuple[str, str, str]]]:
    """Non-public column classes per resource: (column, category, access level)."""
    found: dict[uuid.UUID, list[tuple[str, str, str]]] = {}
    rows = (
        ColumnClass.objects.filter(resource_id__in=resource_ids)
        .exclude(category=DataCategory.PUBLIC)
        .values_list("resource_id", "column", "category", "access_level")
    )
    for rid, column, category, level in rows:
        found.setdefault(rid, []).append((column, category, level))
    return found


def _needed_rank(level: str) -> int:
    """The role rank an access level asks for; an unknown or ``public`` level counts as confidential."""
    return LEVEL_RANK.get(level, UNSET_LEVEL_RANK)


def _masks(
    principal: Principal,
    resource: ResourceInfo,
    columns: tuple[str, ...],
    restricted: list[tuple[str, str, str]],
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The columns hidden from the principal, and those of them holding personal data."""
    rank = principal.role_rank(resource.agency_id)
    present = {column.lower(): column for column in columns}
    hidden: dict[str, str] = {}
    for column, category, level in restricted:
        actual = present.get(column.lower())  # case-insensitively, as the engines match names
        if actual is None or actual == ROW_ID or rank >= _needed_rank(level):
            continue
        if hidden.get(actual) != DataCategory.PERSONAL:
            hidden[actual] = category
    masked = tuple(c for c in columns if c in hidden)
    personal = tuple(c for c in masked if hidden[c] == DataCategory.PERSONAL)
    return masked, personal


def tables_resolve(
    *, principal: Principal, tables: list[WrittenTable], source: SourceText
) -> list[ResolvedTable]:
    """Resolve each written table (same order) to what ``principal`` may read of it.

    Raises the "unknown table" :class:`~ddgov.analytics.access.errors.QueryError` for a name
    that matches nothing, is not visible to the principal, or has no table yet.
    """
    if not tables:
        return []
    candidates = _candidates(tables)
    chosen: list[tuple[WrittenTable, ResourceInfo, Path]] = []
    for table in tables:
        resource = _match(table, candidates)
        path = None
        if resource is not None and resource_visible_to(principal=principal, resource=resource):
            path = _table_file(resource)
        if resource is None or path is None:
            raise unknown_table(table.written, source.position_of_offset(table.offset))
        chosen.append((table, resource, path))
    return _with_masks(principal, [(resource, path) for _t, resource, path in chosen])


def _with_masks(
    principal: Principal, chosen: list[tuple[ResourceInfo, Path]]
) -> list[ResolvedTable]:
    """Attach to each readable resource the columns hidden from ``principal``."""
    restricted = _restricted(list({r.pk for r, _p in chosen}))
    resolved: list[ResolvedTable] = []
    for resource, path in chosen:
        rules = restricted.get(resource.pk, [])
        masked: tuple[str, ...] = ()
        personal: tuple[str, ...] = ()
        if rules:
            masked, personal = _masks(principal, resource, parquet_columns(path), rules)
        resolved.append(
            ResolvedTable(resource=resource, path=path, masked=masked, personal_masked=personal)
        )
    return resolved


def resources_resolve(
    *, principal: Principal, resource_ids: Iterable[uuid.UUID]
) -> list[ResolvedTable]:
    """What ``principal`` may read of each given resource; unreadable ones are left out.

    The table browser lists resources rather than names, so nothing is written to resolve and
    nothing is refused: invisible resources and those without a table are simply not returned.
    """
    chosen: list[tuple[ResourceInfo, Path]] = []
    for resource in _infos(Q(pk__in=list(resource_ids))):
        path = (
            _table_file(resource)
            if resource_visible_to(principal=principal, resource=resource)
            else None
        )
        if path is not None:
            chosen.append((resource, path))
    return _with_masks(principal, chosen)
