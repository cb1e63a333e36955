"""Reads of the lake for other apps: SQL over Parquet files, always through the sandbox."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ddgov.lake.sandbox import QueryResult, SandboxLimits, sandbox_query


def lake_query(
    *,
    sql: str,
    tables: Mapping[tuple[str, str], Path],
    limits: SandboxLimits | None = None,
    params: Sequence[Any] | Mapping[str, Any] | None = None,
) -> QueryResult:
    """Run a caller's read-only SQL over the given lake tables in the locked DuckDB sandbox.

    The caller has already decided which Parquet files the person behind ``sql`` may read;
    ``tables`` maps ``(schema, table)`` names to those files. See :mod:`ddgov.lake.sandbox`.
    """
    return sandbox_query(sql=sql, tables=tables, limits=limits, params=params)
