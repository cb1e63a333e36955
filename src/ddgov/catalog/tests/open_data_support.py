"""Test data for the open-standard exports and downloads: ingested versions without the ingester.

A version is made the way ingestion leaves it: the original upload under ``raw/``, a Parquet file
written by DuckDB under ``tables/`` whose first column is ``_id`` BIGINT, and a succeeded
``ResourceVersion`` row that the resource points at.
"""

from __future__ import annotations

import hashlib

import duckdb
from django.utils import timezone

from ddgov.catalog.models import Resource, ResourceVersion
from ddgov.lake.storage import raw_path, relative, table_path

ELDERLY_ROWS = (
    ("กรุงเทพมหานคร", 1_234_567, "2023-01-01"),
    ("เชียงใหม่", 345_678, "2023-01-01"),
    ("ขอนแก่น", 287_001, "2023-01-01"),
)
ELDERLY_SCHEMA = {
    "fields": [
        {"name": "_id", "type": "integer"},
        {"name": "province", "type": "string", "title": "จังหวัด"},
        {"name": "elderly", "type": "integer", "title": "จำนวนผู้สูงอายุ"},
        {"name": "as_of", "type": "date"},
    ],
    "primaryKey": "_id",
}


def ingested_version(
    resource: Resource,
    *,
    number: int = 1,
    rows: tuple[tuple[str, int, str], ...] = ELDERLY_ROWS,
    original_name: str = "ผู้สูงอายุ.csv",
    make_current: bool = True,
) -> ResourceVersion:
    """Write version ``number`` of ``resource`` into the lake and record it as succeeded."""
    original = raw_path(
        dataset_id=resource.dataset_id,
        resource_id=resource.pk,
        version=number,
        filename=original_name,
    )
    original.parent.mkdir(parents=True, exist_ok=True)
    content = "จังหวัด,จำนวนผู้สูงอายุ,ณ วันที่\n" + "".join(f'{p},"{n:,}",{d}\n' for p, n, d in rows)
    original.write_bytes(content.encode("utf-8"))
    parquet = table_path(dataset_id=resource.dataset_id, resource_id=resource.pk, version=number)
    parquet.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("CREATE TABLE t (_id BIGINT, province VARCHAR, elderly BIGINT, as_of DATE)")
    con.executemany(
        "INSERT INTO t VALUES (?, ?, ?, ?)", [(i, *row) for i, row in enumerate(rows, start=1)]
    )
    con.execute(f"COPY t TO '{parquet}' (FORMAT parquet)")
    con.close()
    version = ResourceVersion.objects.create(
        resource=resource,
        number=number,
        status=ResourceVersion.Status.SUCCEEDED,
        progress=1.0,
        original_filename=original_name,
        original_path=relative(original),
        original_size=original.stat().st_size,
        sha256=hashlib.sha256(original.read_bytes()).hexdigest(),
        source_format="CSV",
        encoding="utf-8",
        parquet_path=relative(parquet),
        parquet_size=parquet.stat().st_size,
        row_count=len(rows),
        table_schema=ELDERLY_SCHEMA,
        finished_at=timezone.now(),
    )
    if make_current:
        resource.current_version = version
        resource.url_type = "upload"
        resource.save(update_fields=["current_version", "url_type"])
    return version
