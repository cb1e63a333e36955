"""CKAN's DataStore over the lake: ``datastore_search``, ``datastore_info``, ``datastore_search_sql``.

CKAN keeps one PostgreSQL table per resource; ddgov reads the typed Parquet file of the
resource's current version instead (first column ``_id`` BIGINT, the 1-based row number, written
in ``_id`` order by the ingestion). Answers have CKAN's shape so existing clients work unchanged.

``datastore_search`` builds its SQL from the table's own schema: column names are checked
against it and quoted from it, values are always bound parameters, never pasted into SQL. It
runs on one per-process DuckDB connection that keeps a view per Parquet file (files never change
once written, so a cache keyed by path and modification time is always right); see
:mod:`ddgov.catalog.selectors.datastore_engine`. ``datastore_search_sql`` runs the caller's SQL in
the lake sandbox with only the resources the caller may see.

Errors are :class:`DatastoreError` carrying CKAN's ``__type``, its payload and the HTTP status.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from ddgov.catalog.models import Resource
from ddgov.catalog.selectors.datasets import (
    NotFound,
    Viewer,
    dataset_get_for_viewer,
    datasets_visible,
    resource_get_for_viewer,
    resource_table_path,
)
from ddgov.catalog.selectors.datastore_engine import (
    ID_COLUMN,
    DatastoreError,
    TableInfo,
    ckan_type,
    datastore_invalid,
    engine_query,
    engine_table,
    engine_total,
    json_value,
    query_tokens,
)
from ddgov.identity.models import User
from ddgov.lake.sandbox import SandboxError, SandboxLimits, TableRef, sandbox_tables_referenced
from ddgov.lake.selectors import lake_query
from ddgov.lake.storage import absolute

__all__ = [
    "LIMIT_DEFAULT",
    "LIMIT_MAX",
    "DatastoreError",
    "datastore_info",
    "datastore_search",
    "datastore_search_sql",
]

LIMIT_DEFAULT = 100
LIMIT_MAX = 32000
DEEP_OFFSET = 10_000
"""From this offset on, a filtered page first finds its ``_id`` values, then reads the rows."""

_SORT_PART = re.compile(
    r'^\s*(?:"(?P<quoted>(?:[^"]|"")+)"|(?P<plain>.+?))'
    r"(?:\s+(?P<dir>asc|desc))?(?:\s+nulls\s+(?P<nulls>first|last))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_RECORDS_FORMATS = ("objects", "lists", "csv", "tsv")


# --- errors -------------------------------------------------------------------------------


def _not_found(resource_id: str) -> DatastoreError:
    return DatastoreError(
        "Not Found Error",
        {
            "message": f'Not found: resource "{resource_id}" has no DataStore table'
            f' / ไม่พบตารางข้อมูลของทรัพยากร "{resource_id}"'
        },
        404,
    )


# --- finding the table --------------------------------------------------------------------


def _resource_table(*, viewer: Viewer, resource_id: str) -> tuple[Resource, TableInfo]:
    """Return the visible resource and its current table, or raise Not Found (also if invisible)."""
    try:
        resource = resource_get_for_viewer(viewer=viewer, resource_id=str(resource_id))
    except NotFound as exc:
        raise _not_found(str(resource_id)) from exc
    path = resource_table_path(resource=resource)
    if path is None or not path.is_file():
        raise _not_found(str(resource_id))
    try:
        return resource, engine_table(path=path)
    except ValueError as exc:  # not under the lake's tables/ folder
        raise _not_found(str(resource_id)) from exc


def _search_table(*, viewer: Viewer, resource_id: str) -> TableInfo:
    """Return the current table of a visible resource, or raise Not Found (also if invisible).

    The same rule as :func:`resource_get_for_viewer` (an active resource of a dataset the viewer
    may see, drafts included) in one query that fetches only the table's path: the lookup is a
    sizeable part of a page that DuckDB answers in a few milliseconds.
    """
    try:
        rid = uuid.UUID(str(resource_id))
    except ValueError as exc:
        raise _not_found(str(resource_id)) from exc
    stored = (
        Resource.objects.filter(
            pk=rid,
            state=Resource.State.ACTIVE,
            dataset__in=datasets_visible(viewer=viewer, include_drafts=True).values("pk"),
        )
        .values_list("current_version__parquet_path", flat=True)
        .first()
    )
    if not stored:
        raise _not_found(str(resource_id))
    try:
        path = absolute(stored)
        if not path.is_file():
            raise _not_found(str(resource_id))
        return engine_table(path=path)
    except ValueError as exc:  # not in the lake, or not under its tables/ folder
        raise _not_found(str(resource_id)) from exc


# --- parameters ---------------------------------------------------------------------------


def _column(table: TableInfo, name: str, *, field: str) -> str:
    """Return the table's column called ``name`` (exact, else a unique case-insensitive match)."""
    if name in table.types:
        return name
    folded = [c for c in table.types if c.lower() == name.lower()]
    if len(folded) == 1:
        return folded[0]
    raise datastore_invalid(field, f'field "{name}" not in table / ไม่มีคอลัมน์ "{name}" ในตาราง')


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str) and value.strip()[:1] in {"{", "["}:
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _fields(table: TableInfo, fields: Sequence[str] | str | None) -> list[str]:
    fields = _maybe_json(fields)
    if fields in (None, "", []):
        return list(table.types)
    names = fields.split(",") if isinstance(fields, str) else [str(f) for f in fields]
    chosen = [_column(table, n.strip(), field="fields") for n in names if n.strip()]
    return list(dict.fromkeys(chosen)) or list(table.types)


def _sort(table: TableInfo, sort: str | Sequence[str] | None) -> list[tuple[str, str, str]]:
    """Parse CKAN's ``"col asc, col2 desc nulls last"`` into (column, ASC|DESC, nulls)."""
    sort = _maybe_json(sort)
    if sort in (None, "", []):
        return []
    if isinstance(sort, str):
        parts = [sort] if sort.strip().strip('"') in table.types else sort.split(",")
    else:
        parts = [str(s) for s in sort]
    result: list[tuple[str, str, str]] = []
    for part in parts:
        if not part.strip():
            continue
        match = _SORT_PART.match(part)
        if match is None:
            raise datastore_invalid(
                "sort", f'cannot read sort "{part}" / อ่านการเรียงลำดับ "{part}" ไม่ได้'
            )
        name = match["quoted"].replace('""', '"') if match["quoted"] else match["plain"].strip()
        column = _column(table, name, field="sort")
        direction = (match["dir"] or "asc").upper()
        nulls = f" NULLS {match['nulls'].upper()}" if match["nulls"] else ""
        result.append((column, direction, nulls))
    return result


def _int(value: Any, *, field: str, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(str(value).strip())
    except ValueError as exc:
        raise datastore_invalid(
            field, f"{field} must be a whole number / {field} ต้องเป็นจำนวนเต็ม"
        ) from exc
    if number < 0:
        raise datastore_invalid(field, f"{field} must not be negative / {field} ต้องไม่ติดลบ")
    return number


class _Where:
    """WHERE clauses and their bound parameters."""

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.params: list[Any] = []
        self.equalities: dict[str, tuple[list[Any], bool]] = {}
        """The exact-match filters, {column: (values, also NULL)}, for counting totals."""
        self.only_equalities = True
        """False once a clause other than an exact-match filter (``q``) was added."""

    @property
    def sql(self) -> str:
        return " AND ".join(self.clauses)


def _filters(table: TableInfo, filters: Mapping[str, Any] | str | None, where: _Where) -> None:
    filters = _maybe_json(filters)
    if filters in (None, "", {}):
        return
    if not isinstance(filters, Mapping):
        raise datastore_invalid(
            "filters", "filters must be an object / filters ต้องเป็นออบเจกต์ {คอลัมน์: ค่า}"
        )
    for name, raw in filters.items():
        column = _column(table, str(name), field="filters")
        values = list(raw) if isinstance(raw, list | tuple) else [raw]
        if not values:
            raise datastore_invalid(
                "filters", f'no value given for "{name}" / ไม่ได้ระบุค่าของ "{name}"'
            )
        typed = [table.coerce(column, v, field="filters") for v in values if v is not None]
        quoted = table.quoted(column)
        parts: list[str] = []
        if typed:
            parts.append(
                f"{quoted} = ?"
                if len(typed) == 1
                else f"{quoted} IN ({', '.join('?' * len(typed))})"
            )
            where.params.extend(typed)
        if len(typed) != len(values):
            parts.append(f"{quoted} IS NULL")
        where.clauses.append(parts[0] if len(parts) == 1 else f"({' OR '.join(parts)})")
        if column in where.equalities:  # the same column twice (case-folded): keep SQL only
            where.only_equalities = False
        where.equalities[column] = (typed, len(typed) != len(values))


def _token_match(table: TableInfo, columns: Iterable[str], token: str, where: _Where) -> None:
    """Require ``token`` inside one of ``columns`` (case-insensitive substring)."""
    needle = token.lower()
    where.only_equalities = False
    ors: list[str] = []
    for column in columns:
        if column == ID_COLUMN:
            continue
        text = table.quoted(column)
        if ckan_type(table.types[column]) != "text":
            if not any(ch.isdigit() for ch in needle):
                continue
            text = f"CAST({text} AS VARCHAR)"
        ors.append(f"contains(lower({text}), ?)")
        where.params.append(needle)
    where.clauses.append(f"({' OR '.join(ors)})" if ors else "FALSE")


def _q(table: TableInfo, q: str | Mapping[str, Any] | None, where: _Where) -> None:
    """Full-text ``q``: every word (Thai segmented with PyThaiNLP) must occur in the row."""
    q = _maybe_json(q)
    if q in (None, ""):
        return
    if isinstance(q, Mapping):
        for name, text in q.items():
            column = _column(table, str(name), field="q")
            for token in query_tokens(str(text)):
                _token_match(table, [column], token, where)
        return
    for token in query_tokens(str(q)):
        _token_match(table, table.types, token, where)


def _links(resource_id: str, params: dict[str, Any], offset: int, limit: int) -> dict[str, str]:
    base = "/api/3/action/datastore_search"
    kept = {k: v for k, v in params.items() if v not in (None, "", [], {}, False)}
    start = {"resource_id": resource_id, **kept}
    nxt = {**start, "offset": offset + limit}
    return {"start": f"{base}?{urlencode(start)}", "next": f"{base}?{urlencode(nxt)}"}


def _records(names: list[str], rows: list[tuple[Any, ...]], records_format: str) -> Any:
    if records_format == "objects":
        return [{n: json_value(v) for n, v in zip(names, row, strict=True)} for row in rows]
    lists = [[json_value(v) for v in row] for row in rows]
    if records_format == "lists":
        return lists
    out = io.StringIO()
    writer = csv.writer(
        out, delimiter="\t" if records_format == "tsv" else ",", lineterminator="\n"
    )
    for row in lists:
        writer.writerow(
            [
                ""
                if v is None
                else json.dumps(v, ensure_ascii=False)
                if isinstance(v, list | dict)
                else v
                for v in row
            ]
        )
    return out.getvalue()


# --- datastore_search ---------------------------------------------------------------------


def datastore_search(
    *,
    viewer: Viewer,
    resource_id: str,
    filters: Mapping[str, Any] | str | None = None,
    q: str | Mapping[str, Any] | None = None,
    distinct: bool = False,
    fields: Sequence[str] | str | None = None,
    sort: str | Sequence[str] | None = None,
    limit: int | str | None = LIMIT_DEFAULT,
    offset: int | str | None = 0,
    include_total: bool = True,
    records_format: str = "objects",
) -> dict[str, Any]:
    """Return rows of the resource's current table the way CKAN's ``datastore_search`` does.

    ``filters`` {column: value or [values]} match exactly; ``q`` is a word search (a string over
    every column, or {column: words}); ``fields`` a list or comma string; ``sort`` CKAN's
    ``"col asc, col2 desc"``; ``limit`` is capped at 32,000. Rows without a sort come in ``_id``
    order; a sort is made stable with ``_id``.
    """
    table = _search_table(viewer=viewer, resource_id=resource_id)
    if records_format not in _RECORDS_FORMATS:
        choices = ", ".join(_RECORDS_FORMATS)
        raise datastore_invalid(
            "records_format",
            f"records_format must be one of {choices} / records_format ต้องเป็น {choices}",
        )
    limit_n = min(_int(limit, field="limit", default=LIMIT_DEFAULT), LIMIT_MAX)
    offset_n = _int(offset, field="offset", default=0)
    names = _fields(table, fields)
    order = _sort(table, sort)
    where = _Where()
    _filters(table, filters, where)
    _q(table, q, where)
    if distinct:
        missing = [c for c, _d, _n in order if c not in names]
        if missing:
            raise datastore_invalid(
                "sort",
                "with distinct, sort only by returned fields / เมื่อใช้ distinct ให้เรียงตามคอลัมน์ที่แสดงเท่านั้น",
            )

    rows = engine_query(
        table=table,
        names=names,
        where=where.sql,
        params=where.params,
        order=order,
        distinct=bool(distinct),
        limit=limit_n,
        offset=offset_n,
        deep_offset=DEEP_OFFSET,
    )
    result: dict[str, Any] = {
        "resource_id": str(resource_id),
        "fields": [table.field(n) for n in names],
        "records": _records(names, rows, records_format),
        "limit": limit_n,
        "offset": offset_n,
    }
    if records_format != "objects":
        result["records_format"] = records_format
    if include_total:
        result["total"] = engine_total(
            table=table,
            where=where.sql,
            params=where.params,
            distinct_names=names if distinct else None,
            equalities=where.equalities if where.only_equalities else None,
        )
        result["total_was_estimated"] = False
    result["_links"] = _links(
        str(resource_id),
        {
            "filters": json.dumps(_maybe_json(filters), ensure_ascii=False) if filters else None,
            "q": json.dumps(q, ensure_ascii=False) if isinstance(q, Mapping) else q,
            "distinct": "true" if distinct else None,
            "fields": ",".join(names) if fields else None,
            "sort": ", ".join(f"{c} {d.lower()}{n.lower()}" for c, d, n in order) or None,
            "limit": limit_n if limit_n != LIMIT_DEFAULT else None,
        },
        offset_n,
        limit_n,
    )
    return result


# --- datastore_info -----------------------------------------------------------------------


def _frictionless_fields(resource: Resource) -> dict[str, dict[str, Any]]:
    version = resource.current_version
    schema = (version.table_schema or {}) if version is not None else {}
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list):
        return {}
    return {str(f.get("name")): f for f in fields if isinstance(f, dict) and f.get("name")}


def datastore_info(*, viewer: Viewer, resource_id: str) -> dict[str, Any]:
    """Return the table's row count and columns with their CKAN and native types (``datastore_info``).

    The steward-facing descriptions of the Frictionless Table Schema (title, description) come
    back as CKAN's data dictionary ``info`` (``label``, ``notes``).
    """
    resource, table = _resource_table(viewer=viewer, resource_id=resource_id)
    version = resource.current_version
    described = _frictionless_fields(resource)
    fields: list[dict[str, Any]] = []
    for name, native in table.types.items():
        field: dict[str, Any] = {
            "id": name,
            "type": ckan_type(native),
            "schema": {
                "native_type": native,
                "is_index": name == ID_COLUMN,
                "notnull": name == ID_COLUMN,
            },
        }
        frictionless = described.get(name)
        if frictionless:
            field["info"] = {
                "label": str(frictionless.get("title") or ""),
                "notes": str(frictionless.get("description") or ""),
                "type_override": "",
            }
        fields.append(field)
    return {
        "meta": {
            "id": str(resource.pk),
            "count": table.row_count,
            "table_type": "BASE TABLE",
            "size": table.size,
            "version": version.number if version is not None else None,
            "aliases": [],
        },
        "fields": fields,
    }


# --- datastore_search_sql -----------------------------------------------------------------


def _sql_enabled_for(viewer: Viewer) -> bool:
    if isinstance(viewer, User) and viewer.is_authenticated:
        return True
    return bool(getattr(settings, "DDGOV_DATASTORE_SQL_ANONYMOUS", False))


def _sql_table(viewer: Viewer, ref: TableRef) -> Resource:
    """Resolve ``"<resource id>"`` or ``"<dataset>"."<resource>"`` to a resource the viewer may see."""
    if ref.schema.lower() == "main":
        return resource_get_for_viewer(viewer=viewer, resource_id=ref.name)
    try:
        dataset = dataset_get_for_viewer(viewer=viewer, name_or_id=ref.schema)
    except NotFound:
        # DuckDB folds unquoted names to any case; dataset names are lower-case slugs.
        dataset = dataset_get_for_viewer(viewer=viewer, name_or_id=ref.schema.lower())
    candidates = [r for r in dataset.resources.all() if r.state == Resource.State.ACTIVE]
    for resource in candidates:
        if str(resource.pk) == ref.name.lower():
            return resource
    named = [r for r in candidates if r.name == ref.name] or [
        r for r in candidates if r.name.lower() == ref.name.lower()
    ]
    if not named:
        raise NotFound(ref.name)
    return sorted(named, key=lambda r: (r.position, r.created))[0]


def _sql_error(exc: SandboxError, sql: str) -> DatastoreError:
    info: dict[str, Any] = {"code": exc.code, "statement": [sql]}
    if exc.position:
        info["line"], info["column"] = exc.position
    return DatastoreError("Validation Error", {"query": [exc.message], "info": info}, 409)


def datastore_search_sql(*, viewer: Viewer, sql: str) -> dict[str, Any]:
    """Run a read-only ``SELECT`` over the resources the viewer may see (``datastore_search_sql``).

    Tables are named as in CKAN by resource id (``SELECT * FROM "3f2c…"``) or as
    ``"dataset-name"."resource-name"`` (the resource's current version). Anonymous callers are
    refused unless ``DDGOV_DATASTORE_SQL_ANONYMOUS`` is on.
    """
    if not _sql_enabled_for(viewer):
        raise DatastoreError(
            "Authorization Error",
            {
                "message": "Access denied: SQL queries need a signed-in user or an API token"
                " / ต้องเข้าสู่ระบบหรือใช้โทเคน API เพื่อสืบค้นด้วย SQL"
            },
            403,
        )
    try:
        refs = sandbox_tables_referenced(sql=sql)
    except SandboxError as exc:
        raise _sql_error(exc, sql) from exc
    tables = {}
    for ref in refs:
        written = ref.name if ref.schema == "main" else f"{ref.schema}.{ref.name}"
        try:
            resource = _sql_table(viewer, ref)
        except NotFound as exc:
            raise _not_found(written) from exc
        path = resource_table_path(resource=resource)
        if path is None or not path.is_file():
            raise _not_found(written)
        tables[(ref.schema, ref.name)] = path
    limits = SandboxLimits.from_settings()
    try:
        result = lake_query(sql=sql, tables=tables, limits=limits)
    except SandboxError as exc:
        raise _sql_error(exc, sql) from exc
    names = [c.name for c in result.columns]
    answer: dict[str, Any] = {
        "sql": sql,
        "fields": [{"id": c.name, "type": ckan_type(c.type)} for c in result.columns],
        "records": _records(names, result.rows, "objects"),
    }
    if result.truncated:
        answer["records_truncated"] = True
    return answer
