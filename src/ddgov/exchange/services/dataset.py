"""Dataset-backed exchange services: a lookup API over a catalog resource, answered by analytics.

A member agency can expose one of its own lake tables as a service without running a server:
``GET /records/{<key column>}`` returns the rows whose key column equals the key, with only the
columns the agency declared. :func:`dataset_service_plan` checks a registration and generates
the OpenAPI document; :func:`dataset_service_call` answers a call the gateway has already
authorised (grant, purpose, consent) by running one generated ``SELECT`` through
:func:`ddgov.analytics.services.queries.query_run` with the provider agency's data steward
rights (:func:`ddgov.analytics.access.principal.principal_for_exchange`), so the lake's
statement policy, masking and query audit apply exactly as for any analyst query.

Answers (the provider's response; the gateway passes them through unchanged):

* 200 ``{"service", "key", "count", "truncated", "rows": [{column: value}]}`` — dates and times
  in ISO 8601, decimals as strings, at most :data:`MAX_ROWS` rows;
* 400 / 404 with a bilingual body ``{"service", "key", "status", "message", "message_th"}``
  when the key is malformed or no row matches.

When the query itself fails (the table is gone, the engine refuses or errs) the call raises
:class:`~ddgov.exchange.errors.ExchangeRefusal` ``502 Server.ProviderUnreachable``, or
``504 Server.ProviderTimeout`` on the engine's time limit: the gateway answers those as exchange
failures with ``X-Road-Error``, like an unreachable external provider.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import math
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from sqlglot import exp

from ddgov.agencies.models import Agency
from ddgov.analytics.access.principal import principal_for_exchange
from ddgov.analytics.access.resolve import ROW_ID, parquet_columns, resources_resolve
from ddgov.analytics.services.queries import QueryError, query_run
from ddgov.catalog.models import Resource
from ddgov.catalog.selectors.datasets import resource_table_path
from ddgov.catalog.vocab import DataCategory
from ddgov.exchange import errors
from ddgov.exchange.models import Service, Subsystem
from ddgov.exchange.selectors.registry import service_identifier, subsystem_identifier
from ddgov.governance.classification.selectors import (
    resource_column_classes,
    resource_needs_classifying,
)
from ddgov.lake.storage import LakeStoreError

MAX_ROWS = 1000
"""The most rows one lookup returns (``truncated`` says when there were more)."""

KEY_PATTERN = r"^[0-9A-Za-z\u0E00-\u0E7F-]{1,64}$"
"""A key: 1-64 digits, Latin or Thai letters and ``-`` (a citizen ID, a plate, a parcel code)."""

_KEY_RE = re.compile(KEY_PATTERN)
_BAD_KEY_COLUMN_RE = re.compile(r"[\s{}/?#%]")
JSON_TYPE = "application/json"


@dataclass(frozen=True)
class DatasetPlan:
    """A checked dataset-backed registration: the key, the columns, personal or not, its API."""

    key_column: str
    columns: tuple[str, ...]
    personal_data: bool
    openapi: dict[str, Any]


@dataclass(frozen=True)
class DatasetAnswer:
    """A dataset-backed service's HTTP answer, as the gateway sends it on."""

    status: int
    body: bytes
    content_type: str = JSON_TYPE


# --- Parquet column types (cached per file version) --------------------------------------------

_TYPES_KEEP = 256
_types: OrderedDict[tuple[str, int, int], dict[str, pa.DataType]] = OrderedDict()
_types_lock = threading.Lock()


def _parquet_types(path: Path) -> dict[str, pa.DataType]:
    """Column name to Arrow type of a Parquet file, read from its footer once per version."""
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    with _types_lock:
        found = _types.get(key)
        if found is not None:
            _types.move_to_end(key)
            return found
    schema = pq.read_schema(path)
    types = {field.name: field.type for field in schema}
    with _types_lock:
        _types[key] = types
        while len(_types) > _TYPES_KEEP:
            _types.popitem(last=False)
    return types


def _is_text(kind: pa.DataType | None) -> bool:
    return kind is not None and (pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _json_schema(kind: pa.DataType | None) -> dict[str, Any]:  # noqa: PLR0911 - one per family
    """The OpenAPI 3.0 schema of a column's values as :func:`_json_value` writes them."""
    if kind is None:
        return {"nullable": True}
    if pa.types.is_boolean(kind):
        return {"type": "boolean", "nullable": True}
    if pa.types.is_integer(kind):
        return {"type": "integer", "nullable": True}
    if pa.types.is_floating(kind):
        return {"type": "number", "nullable": True}
    if pa.types.is_decimal(kind):
        return {"type": "string", "format": "decimal", "nullable": True}
    if pa.types.is_date(kind):
        return {"type": "string", "format": "date", "nullable": True}
    if pa.types.is_timestamp(kind):
        return {"type": "string", "format": "date-time", "nullable": True}
    if pa.types.is_time(kind):
        return {"type": "string", "format": "time", "nullable": True}
    if _is_text(kind):
        return {"type": "string", "nullable": True}
    return {"nullable": True}


# --- registration ------------------------------------------------------------------------------


def _resource_invalid() -> ValidationError:
    return ValidationError(
        {
            "resource": _(
                "Choose an active resource with an ingested table that belongs to the member's "
                "own agency. / "
                "กรุณาเลือกทรัพยากรข้อมูลที่ใช้งานอยู่ มีตารางที่นำเข้าแล้ว และเป็นของหน่วยงานของสมาชิกเอง"
            )
        },
        code="invalid",
    )


def _columns_clean(
    names: tuple[str, ...], key_column: str, columns: Sequence[str]
) -> tuple[str, ...]:
    chosen = tuple(str(c).strip() for c in columns)
    if (
        not chosen
        or len(set(chosen)) != len(chosen)
        or any(c not in names or c == ROW_ID for c in chosen)
    ):
        raise ValidationError(
            {
                "columns": _(
                    "Choose one or more distinct columns of the table. / "
                    "กรุณาเลือกคอลัมน์ของตารางอย่างน้อยหนึ่งคอลัมน์โดยไม่ซ้ำกัน"
                )
            },
            code="invalid",
        )
    if key_column not in names or key_column == ROW_ID or _BAD_KEY_COLUMN_RE.search(key_column):
        raise ValidationError(
            {
                "key_column": _(
                    "Choose a column of the table as the key (its name may not contain spaces, "
                    "'/', '{', '}', '?', '#' or '%'). / "
                    "กรุณาเลือกคอลัมน์ของตารางเป็นคีย์ (ชื่อคอลัมน์ต้องไม่มีช่องว่าง '/' '{' '}' '?' '#' หรือ '%')"
                )
            },
            code="invalid",
        )
    return chosen


def _personal_derived(resource: Resource, used: set[str]) -> bool:
    """Whether the used columns hold personal data by the resource's classification.

    A resource none of whose columns is classified yet counts as personal (fail closed).
    """
    if resource_needs_classifying(resource=resource):
        return True
    lowered = {c.lower() for c in used}
    return any(
        c.category == DataCategory.PERSONAL and c.column.lower() in lowered
        for c in resource_column_classes(resource=resource)
    )


def _openapi(
    *,
    service_id: str,
    title: str,
    description: str,
    key_column: str,
    columns: tuple[str, ...],
    types: dict[str, pa.DataType],
) -> dict[str, Any]:
    """The generated OpenAPI 3.0 document of a dataset-backed service."""
    error = {"$ref": "#/components/schemas/Error"}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": title,
            "version": "1",
            "description": description
            or f"Rows of a ddgov catalog resource whose {key_column} equals the key.",
        },
        "servers": [{"url": f"/x/r1/{service_id}"}],
        "paths": {
            f"/records/{{{key_column}}}": {
                "get": {
                    "operationId": "getRecords",
                    "summary": f"Rows whose {key_column} equals the key",
                    "parameters": [
                        {
                            "name": key_column,
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "maxLength": 64, "pattern": KEY_PATTERN},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The matching rows",
                            "content": {
                                JSON_TYPE: {"schema": {"$ref": "#/components/schemas/Records"}}
                            },
                        },
                        "400": {
                            "description": "The key is malformed",
                            "content": {JSON_TYPE: {"schema": error}},
                        },
                        "404": {
                            "description": "No row has this key",
                            "content": {JSON_TYPE: {"schema": error}},
                        },
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Record": {
                    "type": "object",
                    "properties": {c: _json_schema(types.get(c)) for c in columns},
                },
                "Records": {
                    "type": "object",
                    "required": ["service", "key", "count", "truncated", "rows"],
                    "properties": {
                        "service": {"type": "string"},
                        "key": {"type": "string"},
                        "count": {"type": "integer"},
                        "truncated": {"type": "boolean"},
                        "rows": {"type": "array", "items": {"$ref": "#/components/schemas/Record"}},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["status", "message", "message_th"],
                    "properties": {
                        "service": {"type": "string"},
                        "key": {"type": "string"},
                        "status": {"type": "integer"},
                        "message": {"type": "string"},
                        "message_th": {"type": "string"},
                    },
                },
            }
        },
    }


def dataset_service_plan(
    *,
    agency: Agency,
    resource: Resource,
    key_column: str,
    columns: Sequence[str],
    personal_data: bool | None,
    service_id: str,
    title: str,
    description: str = "",
) -> DatasetPlan:
    """Check a dataset-backed registration for ``agency`` and generate its OpenAPI document.

    The resource must be an active resource with a table, of a dataset the agency owns; the
    key and the columns must be columns of that table that the exchange's reading rights
    (the agency's data steward role) see unmasked — a top-secret column cannot be served.
    ``personal_data=None`` is derived: True when the key or a chosen column is classified
    personal data, or when the resource is not classified yet.
    """
    principal = principal_for_exchange(agency=agency, label=f"exchange:{service_id}")
    resolved = resources_resolve(principal=principal, resource_ids=[resource.pk])
    if not resolved or resolved[0].resource.agency_id != agency.pk:
        raise _resource_invalid()
    table = resolved[0]
    names = tuple(n for n in parquet_columns(table.path) if n != ROW_ID)
    key = (key_column or "").strip()
    chosen = _columns_clean(names, key, columns)
    used = {*chosen, key}
    hidden = sorted(c for c in table.masked if c in used)
    if hidden:
        raise ValidationError(
            {
                "columns": ValidationError(
                    _(
                        "These columns are classified above what the exchange may read "
                        "(top secret): %(columns)s. / "
                        "คอลัมน์เหล่านี้มีชั้นความลับสูงกว่าที่ระบบแลกเปลี่ยนข้อมูลอ่านได้ (ลับที่สุด): %(columns)s"
                    ),
                    code="masked",
                    params={"columns": ", ".join(hidden)},
                )
            }
        )
    personal = _personal_derived(resource, used) if personal_data is None else bool(personal_data)
    types = _parquet_types(table.path)
    document = _openapi(
        service_id=service_id,
        title=title,
        description=description,
        key_column=key,
        columns=chosen,
        types=types,
    )
    return DatasetPlan(key_column=key, columns=chosen, personal_data=personal, openapi=document)


# --- calls -------------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:  # noqa: PLR0911 - one return per type
    """A result value as JSON carries it: ISO dates, decimals as strings, None for NaN."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, decimal.Decimal):
        return str(value) if value.is_finite() else None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return str(value)


def _answer(status: int, body: dict[str, Any]) -> DatasetAnswer:
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return DatasetAnswer(status=status, body=data)


def _lookup_sql(service: Service, key: str, path: Path) -> str:
    """``SELECT <columns> FROM "<resource id>" WHERE <key> = '<key>'`` built by sqlglot.

    The key is a quoted string literal; a key column that is not text is compared as text
    (``CAST(col AS VARCHAR)``), so ``0012`` never matches ``12``.
    """
    column: exp.Expression = exp.column(service.key_column, quoted=True)
    if not _is_text(_parquet_types(path).get(service.key_column)):
        column = exp.cast(column, exp.DataType.build("VARCHAR"))
    query = (
        exp.select(*(exp.column(c, quoted=True) for c in service.columns))
        .from_(exp.Table(this=exp.to_identifier(str(service.resource_id), quoted=True)))
        .where(exp.EQ(this=column, expression=exp.Literal.string(key)))
    )
    return query.sql(dialect="duckdb")


def dataset_service_call(
    *, service: Service, key: str, consumer: Subsystem, purpose: str
) -> DatasetAnswer:
    """Answer one authorised call of a dataset-backed service (blocking; run it off the loop).

    ``consumer`` and ``purpose`` name the call in the analytics audit record. Raises
    :class:`~ddgov.exchange.errors.ExchangeRefusal` (502/504) when the query cannot run.
    """
    if service.kind != Service.Kind.DATASET or service.resource_id is None:
        msg = f"{service} is not a dataset-backed service"
        raise ValueError(msg)
    member = service.subsystem.member
    service_id = str(service_identifier(service=service))
    if not _KEY_RE.match(key or ""):
        return _answer(
            400,
            {
                "service": service_id,
                "key": (key or "")[:64],
                "status": 400,
                "message": "The key has 1-64 digits, letters or '-'.",
                "message_th": "คีย์ต้องเป็นตัวเลข ตัวอักษร หรือ '-' ความยาว 1-64 ตัว",
            },
        )
    try:
        path = resource_table_path(resource=service.resource) if service.resource else None
    except (ValueError, LakeStoreError) as exc:
        raise _unreachable() from exc
    if path is None or not path.is_file():
        raise _unreachable()
    consumer_id = subsystem_identifier(subsystem=consumer)
    principal = principal_for_exchange(
        agency=member.agency, label=f"exchange:{consumer_id} purpose:{purpose}"
    )
    try:
        outcome = query_run(
            principal=principal,
            sql=_lookup_sql(service, key, path),
            limit=MAX_ROWS + 1,
            channel="exchange",
        )
    except QueryError as exc:
        if exc.code == "timeout":
            raise errors.ExchangeRefusal(
                504,
                errors.PROVIDER_TIMEOUT,
                "The dataset service did not answer in time.",
                "บริการข้อมูลจากชุดข้อมูลไม่ตอบกลับภายในเวลาที่กำหนด",
            ) from exc
        raise _unreachable() from exc
    names = [c.name for c in outcome.columns]
    rows = [
        {name: _json_value(value) for name, value in zip(names, row, strict=True)}
        for row in outcome.rows[:MAX_ROWS]
    ]
    if not rows:
        return _answer(
            404,
            {
                "service": service_id,
                "key": key,
                "status": 404,
                "message": "No record has this key.",
                "message_th": "ไม่พบข้อมูลที่ตรงกับคีย์นี้",
            },
        )
    return _answer(
        200,
        {
            "service": service_id,
            "key": key,
            "count": len(rows),
            "truncated": len(outcome.rows) > MAX_ROWS or outcome.truncated,
            "rows": rows,
        },
    )


def _unreachable() -> errors.ExchangeRefusal:
    return errors.ExchangeRefusal(
        502,
        errors.PROVIDER_UNREACHABLE,
        "The dataset service could not read its data.",
        "บริการข้อมูลจากชุดข้อมูลไม่สามารถอ่านข้อมูลได้",
    )
