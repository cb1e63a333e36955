"""Exporting a query's whole result as a file: CSV (for Excel) or Parquet (for other tools).

The query runs through the access layer (:func:`query_run`) with the caller's rights, like any
other, and is audited there with channel ``export``. Only the row cap differs from an
interactive run: up to ``DDGOV_ANALYTICS_EXPORT_MAX_ROWS`` rows instead of the sandbox's page
limit; time and memory limits stay the sandbox's. The file is written to a private temporary
folder; the caller streams it and removes it (:func:`export_file_remove`).

Both are written from one Arrow table whose column types follow the result's DuckDB types.

* CSV: UTF-8 with a byte-order mark so Excel reads Thai text, a header row, text quoted,
  ``NULL`` as an empty field, dates ISO 8601, decimals exact (``10.50``).
* Parquet: zstd, one row group per 100,000 rows, column types kept, so the file reads back
  with the same types in DuckDB, pandas or Spark.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ddgov.analytics.access.principal import Principal
from ddgov.analytics.services.queries import QueryError, query_run
from ddgov.lake.sandbox import Column, SandboxLimits

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
}
ROW_GROUP = 100_000
BOM = "\ufeff".encode()
_SIMPLE_TYPES: dict[str, pa.DataType] = {
    "BOOLEAN": pa.bool_(),
    "TINYINT": pa.int8(),
    "SMALLINT": pa.int16(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "UTINYINT": pa.uint8(),
    "USMALLINT": pa.uint16(),
    "UINTEGER": pa.uint32(),
    "UBIGINT": pa.uint64(),
    "HUGEINT": pa.decimal128(38, 0),
    "FLOAT": pa.float32(),
    "REAL": pa.float32(),
    "DOUBLE": pa.float64(),
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "TIME": pa.time64("us"),
    "TIMESTAMP": pa.timestamp("us"),
    "TIMESTAMP WITH TIME ZONE": pa.timestamp("us", tz="UTC"),
    "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"),
    "BLOB": pa.binary(),
}
_DECIMAL = re.compile(r"^DECIMAL\((\d+),\s*(\d+)\)$")


@dataclass(frozen=True)
class ExportFile:
    """A written export: where it is, what to call it, and how much it holds."""

    path: Path
    fmt: str
    filename: str
    content_type: str
    rows: int
    truncated: bool  # the result had more rows than the export cap; the file holds the first ones
    columns: list[Column]


def export_max_rows() -> int:
    """The most rows one export may hold (``DDGOV_ANALYTICS_EXPORT_MAX_ROWS``)."""
    return int(getattr(settings, "DDGOV_ANALYTICS_EXPORT_MAX_ROWS", 1_000_000))


def _as_text(value: Any) -> str:
    """A value Arrow could not type as its column, or a nested one bound for CSV, as text."""
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _text_array(values: list[Any]) -> pa.Array:
    return pa.array([None if v is None else _as_text(v) for v in values], pa.string())


def _arrow_type(type_name: str) -> pa.DataType | None:
    name = type_name.strip().upper()
    match = _DECIMAL.match(name)
    if match:
        return pa.decimal128(int(match.group(1)), int(match.group(2)))
    return _SIMPLE_TYPES.get(name)


def _arrow_column(column: Column, values: list[Any], *, flat: bool) -> pa.Array:
    """The column as Arrow, typed from its DuckDB type; text when the values do not fit it.

    ``flat`` (CSV): nested and binary columns become text (JSON, hex), which CSV can hold.
    """
    wanted = _arrow_type(column.type)
    array: pa.Array | None = None
    if wanted is not None:
        try:
            array = pa.array(values, type=wanted)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            array = None
    if array is None:
        try:
            array = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            return _text_array(values)
    if flat and (pa.types.is_nested(array.type) or pa.types.is_binary(array.type)):
        return _text_array(values)
    return array


def _arrow_table(columns: list[Column], rows: list[tuple[Any, ...]], *, flat: bool) -> pa.Table:
    arrays = [_arrow_column(c, [row[i] for row in rows], flat=flat) for i, c in enumerate(columns)]
    names = [c.name for c in columns]
    return pa.Table.from_arrays(arrays, names=names) if names else pa.table({})


def _write_csv(path: Path, table: pa.Table) -> None:
    with path.open("wb") as handle:
        handle.write(BOM)
        pa_csv.write_csv(table, handle, pa_csv.WriteOptions(quoting_style="needed"))


def _write_parquet(path: Path, table: pa.Table) -> None:
    pq.write_table(table, path, row_group_size=ROW_GROUP, compression="zstd")


def query_export(
    *, principal: Principal, sql: str, fmt: str, engine: str | None = None
) -> ExportFile:
    """Run ``sql`` as ``principal`` and write its whole result (up to the cap) as ``fmt``.

    Raises the access layer's ``QueryError`` for SQL it refuses or cannot run, and for an
    unknown format (code ``format``, status 400). The caller removes the file when sent.
    """
    fmt = (fmt or "").strip().lower()
    if fmt not in FORMATS:
        raise QueryError(
            "format",
            _("Export as csv or parquet. / ส่งออกได้เป็น csv หรือ parquet เท่านั้น"),
            None,
            400,
        )
    limits = replace(SandboxLimits.from_settings(), max_rows=export_max_rows())
    outcome = query_run(
        principal=principal, sql=sql, engine=engine or None, limits=limits, channel="export"
    )
    folder = Path(tempfile.mkdtemp(prefix="ddgov-export-"))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    filename = f"query-{stamp}.{fmt}"
    path = folder / filename
    try:
        table = _arrow_table(outcome.columns, outcome.rows, flat=fmt == "csv")
        if fmt == "csv":
            _write_csv(path, table)
        else:
            _write_parquet(path, table)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return ExportFile(
        path=path,
        fmt=fmt,
        filename=filename,
        content_type=FORMATS[fmt],
        rows=len(outcome.rows),
        truncated=outcome.truncated,
        columns=list(outcome.columns),
    )


def export_file_remove(*, export: ExportFile) -> None:
    """Remove the export's file and its private folder."""
    shutil.rmtree(export.path.parent, ignore_errors=True)
