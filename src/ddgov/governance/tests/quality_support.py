"""Helpers of the quality tests: write a generated table as a resource's ingested version."""

# ruff: noqa: S608 - the tests write SQL over their own temporary tables

from __future__ import annotations

import duckdb

from ddgov.catalog.models import Resource, ResourceVersion
from ddgov.lake.storage import relative, table_path


def write_version(resource: Resource, select_sql: str, *, number: int = 1) -> ResourceVersion:
    """Write ``select_sql`` as the resource's ingested version ``number`` and make it current."""
    path = table_path(dataset_id=resource.dataset_id, resource_id=resource.pk, version=number)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"COPY ({select_sql}) TO '{path}' (FORMAT parquet)")
        rows = con.execute(f"SELECT count(*) FROM '{path}'").fetchone()[0]  # type: ignore[index]
    finally:
        con.close()
    version = ResourceVersion.objects.create(
        resource=resource,
        number=number,
        status=ResourceVersion.Status.SUCCEEDED,
        original_filename="x.csv",
        original_path="raw/x.csv",
        parquet_path=relative(path),
        row_count=rows,
    )
    resource.current_version = version
    resource.save(update_fields=["current_version"])
    return version
