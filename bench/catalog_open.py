"""Open standards out: downloads, DCAT-AP, Data Packages and harvesting, each beside a bare baseline.

A child process migrates an empty SQLite database in a temporary folder and generates
``BENCH_OPEN_DATASETS`` (1000) datasets with tags, groups and two resources each, one of them an
ingested ``BENCH_OPEN_ROWS`` (5,000,000) row Parquet table. Lines printed:

- CSV download, first request (DuckDB Parquet → CSV with a BOM, through Django's handler and
  streamed to nowhere) vs bare DuckDB ``COPY (SELECT * FROM read_parquet(…)) TO '….csv'``;
  then the cached CSV and the Parquet download vs reading the same file from disk.
- ``/catalog.ttl|.jsonld|.rdf`` (one page of 100 datasets) and ``datapackage.json``: p50/p95
  through the handler vs serialising the already-built graph alone, and the query count.
- Harvesting ``BENCH_OPEN_HARVEST`` (300) thai_gdc packages from a CKAN-shaped server on
  127.0.0.1: datasets per second vs the same pages fetched by ckanapi without writing anything.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
import uuid
from typing import Any

from bench._support import run_child

TABLE_SQL = """
COPY (
  SELECT range + 1 AS _id,
         (['เชียงใหม่','ขอนแก่น','ภูเก็ต','สงขลา','นครราชสีมา','ชลบุรี','อุดรธานี','น่าน'])[range % 8 + 1]
             AS "จังหวัด",
         (2560 + range % 9)::INTEGER AS "ปี",
         DATE '2017-01-01' + (range % 3000)::INTEGER AS "วันที่",
         (range * 7919 % 100000)::BIGINT AS "จำนวน",
         round((range % 1000) / 7.0, 2) AS "อัตรา"
  FROM range($rows)
) TO '$path' (FORMAT parquet)
"""


def run() -> None:
    r = run_child("bench.catalog_open")
    d = r["downloads"]
    sizes = f"{d['parquet_mb']:.0f} MB Parquet, {d['csv_mb']:.0f} MB CSV"
    print(f"{r['datasets']} datasets; a {r['rows']:,}-row table ({sizes})")
    print(
        f"  CSV download, first (export)  {d['csv_first']:6.2f} s | bare DuckDB COPY to CSV {d['duckdb_copy']:6.2f} s"
        f" | {d['duckdb_copy'] / d['csv_first']:4.2f}x its speed"
    )
    print(
        f"  CSV download, cached          {d['csv_cached']:6.2f} s | read the file {d['read_csv']:6.2f} s"
        f" | {d['csv_cached'] / max(d['read_csv'], 1e-9):4.1f}x the time"
    )
    print(
        f"  Parquet download              {d['parquet']:6.2f} s | read the file {d['read_parquet']:6.2f} s"
        f" | {d['parquet'] / max(d['read_parquet'], 1e-9):4.1f}x the time"
    )
    for shape, m in r["exports"].items():
        print(
            f"  {shape:29s} p50/p95 {m['p50']:7.1f} / {m['p95']:7.1f} ms | serialise only {m['bare_p50']:7.1f} ms"
            f" | {m['queries']} queries"
        )
    h = r["harvest"]
    print(
        f"  harvest {h['n']} packages       {h['seconds']:6.2f} s = {h['n'] / h['seconds']:6.1f} datasets/s"
        f" | ckanapi fetch only {h['fetch_seconds']:5.2f} s ({h['fetch_seconds'] / h['seconds']:4.0%} of it)"
    )


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(s * 1000 for s in samples)
    return {
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
    }


def _generate(n: int, rows: int, rng: random.Random) -> tuple[Any, Any]:
    import duckdb  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415

    from ddgov.agencies.models import Agency  # noqa: PLC0415
    from ddgov.catalog.models import Dataset, Group, Resource, ResourceVersion, Tag  # noqa: PLC0415
    from ddgov.catalog.vocab import FOCUS_AREAS  # noqa: PLC0415
    from ddgov.lake.storage import relative, table_path  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    agencies = Agency.objects.bulk_create(
        [
            Agency(
                code=f"bench-{i}", name_th=f"กรมทดสอบ {i}", name_en=f"Bench {i}", kind="department"
            )
            for i in range(20)
        ]
    )
    groups = Group.objects.bulk_create(
        [Group(name=c, title_th=th, title_en=en) for c, th, en in FOCUS_AREAS]
    )
    tags = Tag.objects.bulk_create([Tag(name=f"คำสำคัญ{i}") for i in range(60)])
    datasets, tag_links, group_links, resources = [], [], [], []
    for i in range(n):
        d = Dataset(
            id=uuid.UUID(int=rng.getrandbits(128)), name=f"bench-{i:05d}", title=f"จำนวนผู้สูงอายุรายจังหวัด ชุดที่ {i}",
            notes="ข้อมูลจำนวนผู้สูงอายุแยกรายจังหวัด", owner_org=rng.choice(agencies), data_type="statistical",
            maintainer="กองสถิติ", maintainer_email="stat@example.go.th", objective=["agency_mission"],
            update_frequency_unit="yearly", update_frequency_interval=1, geo_coverage="province",
            data_source="กรมการปกครอง", data_format="CSV", data_category="public", license_id="cc-by",
            data_language=["th"],
        )  # fmt: skip
        datasets.append(d)
        tag_links += [
            Dataset.tags.through(dataset_id=d.id, tag_id=t.pk) for t in rng.sample(tags, 3)
        ]
        group_links.append(Dataset.groups.through(dataset_id=d.id, group_id=rng.choice(groups).pk))
        resources.append(
            Resource(dataset_id=d.id, name="ตาราง", format="CSV", position=0, url_type="upload")
        )
        resources.append(
            Resource(
                dataset_id=d.id, name="หน้าเว็บ", format="HTML", position=1, url="https://x.go.th/a"
            )
        )
    Dataset.objects.bulk_create(datasets)
    Dataset.tags.through.objects.bulk_create(tag_links)
    Dataset.groups.through.objects.bulk_create(group_links)
    Resource.objects.bulk_create(resources)
    first = Dataset.objects.order_by("name").first()
    uploads = list(Resource.objects.filter(url_type="upload").select_related("dataset"))
    path = table_path(dataset_id=first.pk, resource_id=uploads[0].pk, version=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        con.execute(TABLE_SQL.replace("$rows", str(rows)).replace("$path", str(path)))
    table = next(r for r in uploads if r.dataset_id == first.pk)
    # Every upload points at the one table, so exports describe realistic versions.
    versions = [
        ResourceVersion(
            resource=resource, number=1, status="succeeded", original_filename="rows.csv",
            original_path="raw/rows.csv", parquet_path=relative(path), parquet_size=path.stat().st_size,
            row_count=rows, table_schema={"fields": [{"name": "_id", "type": "integer"}]},
        )
        for resource in uploads
    ]  # fmt: skip
    ResourceVersion.objects.bulk_create(versions)
    for resource, version in zip(uploads, ResourceVersion.objects.order_by("pk"), strict=True):
        resource.current_version = version
    Resource.objects.bulk_update(uploads, ["current_version"])
    table.refresh_from_db()
    return first, table


def _drain(response: Any) -> int:
    return sum(len(chunk) for chunk in response.streaming_content)


def _downloads(client: Any, dataset: Any, resource: Any) -> dict[str, float]:
    import duckdb  # noqa: PLC0415

    from ddgov.catalog.links import resource_download_url  # noqa: PLC0415
    from ddgov.catalog.services.downloads import csv_export_path  # noqa: PLC0415
    from ddgov.lake.storage import absolute, tmp_dir  # noqa: PLC0415

    parquet = absolute(resource.current_version.parquet_path)
    started = time.perf_counter()
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{parquet}')) TO '{tmp_dir() / 'bare.csv'}' (FORMAT csv, HEADER true)"  # noqa: S608
        )
    duckdb_copy = time.perf_counter() - started
    (tmp_dir() / "bare.csv").unlink()
    timings = {"duckdb_copy": duckdb_copy}
    client.get(
        "/healthz"
    )  # the first request imports every URL module; keep that out of the timings
    for key, ext in (("csv_first", "csv"), ("csv_cached", "csv"), ("parquet", "parquet")):
        started = time.perf_counter()
        _drain(client.get(resource_download_url("", dataset, resource, ext)))
        timings[key] = time.perf_counter() - started
    export = csv_export_path(resource=resource, version=resource.current_version)
    for key, path in (("read_csv", export), ("read_parquet", parquet)):
        started = time.perf_counter()
        with path.open("rb") as handle:
            while handle.read(1 << 16):  # FileResponse's block size
                pass
        timings[key] = time.perf_counter() - started
    timings["parquet_mb"] = parquet.stat().st_size / 1e6
    timings["csv_mb"] = export.stat().st_size / 1e6
    return timings


def _exports(client: Any, dataset: Any, calls: int) -> dict[str, dict[str, float]]:
    from django.contrib.auth.models import AnonymousUser  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    from ddgov.catalog.dcat import catalog_graph, graph_serialise  # noqa: PLC0415
    from ddgov.catalog.selectors.open_data import datasets_export_page  # noqa: PLC0415

    page = datasets_export_page(viewer=AnonymousUser(), page=1, page_size=100)
    graph = catalog_graph(
        page=page, base="http://localhost", page_url="http://localhost/catalog.ttl"
    )
    results = {}
    for shape, url, fmt in (
        ("catalog page (100) .ttl", "/catalog.ttl", "ttl"),
        ("catalog page (100) .jsonld", "/catalog.jsonld", "jsonld"),
        ("catalog page (100) .rdf", "/catalog.rdf", "rdf"),
        ("dataset .ttl", f"/dataset/{dataset.name}.ttl", "ttl"),
        ("datapackage.json", f"/dataset/{dataset.name}/datapackage.json", ""),
    ):
        queries: list[str] = []

        def count(execute: Any, sql: str, *args: Any, seen: list[str] = queries) -> Any:
            seen.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            assert client.get(url).status_code == 200  # noqa: S101
        samples, bare = [], []
        for _ in range(calls):
            started = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - started)
            if fmt and shape.startswith("catalog"):
                started = time.perf_counter()
                graph_serialise(graph, fmt)
                bare.append(time.perf_counter() - started)
        results[shape] = {**_percentiles(samples), "bare_p50": _percentiles(bare or [0.0])["p50"],
                          "queries": len(queries)}  # fmt: skip
    return results


def _harvest(n: int) -> dict[str, float]:
    import ckanapi  # noqa: PLC0415

    from ddgov.agencies.models import Agency  # noqa: PLC0415
    from ddgov.catalog.services.harvest import harvest_run  # noqa: PLC0415
    from ddgov.catalog.tests.harvest_support import FakeCkan, serve, thai_gdc_package  # noqa: PLC0415

    fake = FakeCkan([thai_gdc_package(f"h-{i:05d}", f"ชุดข้อมูลนำเข้า {i}") for i in range(n)])
    agency = Agency.objects.create(
        code="bench-harvest", name_th="หน่วยงานรับนำเข้า", name_en="Harvest", kind="department"
    )
    with serve(fake) as url:
        started = time.perf_counter()
        with ckanapi.RemoteCKAN(url) as remote:
            start = 0
            while start < n:
                start += len(
                    remote.action.package_search(q="*:*", rows=100, start=start, sort="name asc")[
                        "results"
                    ]
                )
        fetch = time.perf_counter() - started
        started = time.perf_counter()
        report = harvest_run(actor=None, source_url=url, organization=agency)
        seconds = time.perf_counter() - started
    assert len(report.created) == n, report.summary()  # noqa: S101
    return {"n": n, "seconds": seconds, "fetch_seconds": fetch}


def child() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddgov.settings")
    import django  # noqa: PLC0415

    django.setup()
    from django.test import Client  # noqa: PLC0415

    n = int(os.environ.get("BENCH_OPEN_DATASETS", "1000"))
    rows = int(os.environ.get("BENCH_OPEN_ROWS", "5000000"))
    calls = int(os.environ.get("BENCH_OPEN_CALLS", "30"))
    dataset, resource = _generate(n, rows, random.Random(2569))
    client = Client(HTTP_HOST="localhost")
    result = {
        "datasets": n,
        "rows": rows,
        "downloads": _downloads(client, dataset, resource),
        "exports": _exports(client, dataset, calls),
        "harvest": _harvest(int(os.environ.get("BENCH_OPEN_HARVEST", "300"))),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    child()
