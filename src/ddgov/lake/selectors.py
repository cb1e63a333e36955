"""Reads of the lake for other apps: SQL over Parquet files, always through the sandbox."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ddgov.lake.backends import LakeStoreError, object_store
from ddgov.lake.sandbox import QueryResult, SandboxLimits, sandbox_query
from ddgov.lake.storage import lake_root


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


@dataclass(frozen=True)
class LakeStatus:
    """Where the lake lives and whether its object store answers (never any credential)."""

    local_dir: Path
    remote_url: str
    endpoint_url: str
    reachable: bool | None
    problem: str


def lake_status(*, check: bool = True) -> LakeStatus:
    """Describe the lake's configuration; with ``check`` ask the store whether the bucket answers."""
    store = object_store()
    if store is None:
        return LakeStatus(lake_root(), "", "", None, "")
    reachable: bool | None = None
    problem = ""
    if check:
        try:
            store.bucket_reachable()
            reachable = True
        except LakeStoreError as exc:
            reachable, problem = False, str(exc)
    return LakeStatus(lake_root(), store.remote.url, store.remote.endpoint_url, reachable, problem)
