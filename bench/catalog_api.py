"""The CKAN Action API's own cost: each action through Django's full request handling (URL
routing, middleware, token authentication, parameter parsing, CKAN dictionaries, JSON) beside
the selector it wraps called directly, on the same data in the same process.

A child process migrates an empty SQLite database in a temporary folder, generates
``BENCH_API_DATASETS`` (2000) datasets with tags, groups and resources, indexes them, and writes
a ``BENCH_API_ROWS`` (1,000,000) row Parquet table as one resource's current version. Then each
shape runs ``BENCH_API_CALLS`` (200) times both ways; the lines show p50/p95 of each and the
API's added milliseconds at the median. No network: the requests go through Django's test
client handler, so what is measured is ddgov's code, not the socket.
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

PROVINCES = ["เชียงใหม่", "ขอนแก่น", "ภูเก็ต", "สงขลา", "นครราชสีมา", "ชลบุรี", "อุดรธานี", "น่าน"]
TOPICS = [
    "จำนวนผู้สูงอายุ",
    "ผลผลิตข้าว",
    "งบประมาณรายจ่าย",
    "นักเรียนยากจน",
    "ผู้ป่วยเบาหวาน",
    "แรงงานนอกระบบ",
]
TABLE_SQL = """
COPY (
  SELECT range + 1 AS _id,
         (['เชียงใหม่','ขอนแก่น','ภูเก็ต','สงขลา','นครราชสีมา','ชลบุรี','อุดรธานี','น่าน'])[range % 8 + 1]
             AS "จังหวัด",
         (range % 17)::INTEGER AS "ปี",
         (range * 7919 % 100000)::BIGINT AS "จำนวน"
  FROM range($rows)
) TO '$path' (FORMAT parquet)
"""


def run() -> None:
    r = run_child("bench.catalog_api")
    print(
        f"{r['datasets']} datasets, a {r['rows']:,}-row table, {r['calls']} calls per shape"
        " (SQLite; Django handler in-process vs the selector alone)"
    )
    for shape, m in r["shapes"].items():
        api, direct = m["api"], m["direct"]
        print(
            f"  {shape:32s} API p50/p95 {api['p50']:6.2f} / {api['p95']:6.2f} ms"
            f" | selector {direct['p50']:6.2f} / {direct['p95']:6.2f} ms"
            f" | API adds {api['p50'] - direct['p50']:6.2f} ms at p50 ({api['p50'] / max(direct['p50'], 1e-6):4.1f}x)"
        )


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(s * 1000 for s in samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]

    return {"p50": statistics.median(ordered), "p95": at(0.95), "p99": at(0.99)}


def _generate(n: int, rows: int, rng: random.Random) -> tuple[str, str, str]:
    import duckdb  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415

    from ddgov.agencies.models import Agency  # noqa: PLC0415
    from ddgov.catalog.models import Dataset, Group, Resource, ResourceVersion, Tag  # noqa: PLC0415
    from ddgov.catalog.services.search_index import dataset_index_bulk  # noqa: PLC0415
    from ddgov.catalog.vocab import FOCUS_AREAS  # noqa: PLC0415
    from ddgov.identity.models import AgencyMembership, User  # noqa: PLC0415
    from ddgov.identity.services import api_token_create  # noqa: PLC0415
    from ddgov.lake.storage import relative, table_path  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    agencies = Agency.objects.bulk_create(
        [
            Agency(
                code=f"bench-{i}", name_th=f"กรมทดสอบ {i}", name_en=f"Bench {i}", kind="department"
            )
            for i in range(40)
        ]
    )
    groups = Group.objects.bulk_create(
        [Group(name=c, title_th=th, title_en=en) for c, th, en in FOCUS_AREAS]
    )
    tags = Tag.objects.bulk_create([Tag(name=f"{t}{p}") for t in TOPICS for p in PROVINCES])
    datasets, tag_links, group_links, resources = [], [], [], []
    for i in range(n):
        province, topic = rng.choice(PROVINCES), rng.choice(TOPICS)
        d = Dataset(
            id=uuid.UUID(int=rng.getrandbits(128)), name=f"bench-{i}", title=f"{topic}รายอำเภอ จังหวัด{province}",
            notes=f"ข้อมูล{topic}จังหวัด{province} ปี {rng.randint(2560, 2568)}", owner_org=rng.choice(agencies),
            data_type="statistical", maintainer="bench", maintainer_email="bench@example.go.th",
            objective=["agency_mission"], update_frequency_unit="yearly", geo_coverage="province",
            data_source="bench", data_format="CSV", data_category="public", license_id="Open-D",
        )  # fmt: skip
        datasets.append(d)
        tag_links += [
            Dataset.tags.through(dataset_id=d.id, tag_id=t.pk) for t in rng.sample(tags, 3)
        ]
        group_links.append(Dataset.groups.through(dataset_id=d.id, group_id=rng.choice(groups).pk))
        resources += [
            Resource(dataset_id=d.id, name=f"ไฟล์ {k}", format="CSV", position=k) for k in range(2)
        ]
    Dataset.objects.bulk_create(datasets)
    Dataset.tags.through.objects.bulk_create(tag_links)
    Dataset.groups.through.objects.bulk_create(group_links)
    Resource.objects.bulk_create(resources)
    dataset_index_bulk()

    resource = Resource.objects.filter(dataset=datasets[0]).first()
    assert resource is not None  # noqa: S101
    path = table_path(dataset_id=resource.dataset_id, resource_id=resource.pk, version=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        con.execute(TABLE_SQL.replace("$rows", str(rows)).replace("$path", str(path)))
    version = ResourceVersion.objects.create(
        resource=resource, number=1, status="succeeded", original_filename="rows.csv",
        original_path="raw/rows.csv", parquet_path=relative(path), row_count=rows,
    )  # fmt: skip
    resource.current_version = version
    resource.save(update_fields=["current_version"])
    user = User.objects.create(username="bench.steward", kind=User.Kind.STAFF)
    AgencyMembership.objects.create(user=user, agency=datasets[0].owner_org, role="data_steward")
    return datasets[0].name, str(resource.pk), api_token_create(actor=None, user=user)


def child() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddgov.settings")
    import django  # noqa: PLC0415

    django.setup()
    from django.contrib.auth.models import AnonymousUser  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    from ddgov.catalog.selectors.datasets import dataset_get_for_viewer  # noqa: PLC0415
    from ddgov.catalog.selectors.datastore import datastore_search  # noqa: PLC0415
    from ddgov.catalog.selectors.search import dataset_search  # noqa: PLC0415

    n = int(os.environ.get("BENCH_API_DATASETS", "2000"))
    rows = int(os.environ.get("BENCH_API_ROWS", "1000000"))
    calls = int(os.environ.get("BENCH_API_CALLS", "200"))
    rng = random.Random(2569)
    name, resource_id, token = _generate(n, rows, rng)
    client = Client(HTTP_HOST="localhost")
    anon = AnonymousUser()

    def api(action: str, params: dict[str, Any], *, auth: bool = False) -> None:
        extra = {"HTTP_AUTHORIZATION": token} if auth else {}
        response = client.post(
            f"/api/3/action/{action}", json.dumps(params), "application/json", **extra
        )
        assert response.status_code == 200, response.content[:300]  # noqa: S101

    shapes: dict[str, tuple[Any, Any]] = {
        "package_show": (
            lambda: api("package_show", {"id": name}),
            lambda: dataset_get_for_viewer(viewer=anon, name_or_id=name),
        ),
        "package_show (token)": (
            lambda: api("package_show", {"id": name}, auth=True),
            lambda: dataset_get_for_viewer(viewer=anon, name_or_id=name),
        ),
        "package_search q, 10 rows, facets": (
            lambda: api(
                "package_search", {"q": rng.choice(TOPICS), "facet.field": ["organization", "tags"]}
            ),
            lambda: dataset_search(
                viewer=anon, q=rng.choice(TOPICS), facet_fields=["organization", "tags"]
            ),
        ),
        "package_search 1000 rows": (
            lambda: api("package_search", {"q": rng.choice(PROVINCES), "rows": 1000}),
            lambda: dataset_search(viewer=anon, q=rng.choice(PROVINCES), rows=1000),
        ),
        "datastore_search filter+sort": (
            lambda: api(
                "datastore_search",
                {
                    "resource_id": resource_id,
                    "filters": {"จังหวัด": rng.choice(PROVINCES)},
                    "sort": "จำนวน desc",
                },
            ),
            lambda: datastore_search(
                viewer=anon,
                resource_id=resource_id,
                filters={"จังหวัด": rng.choice(PROVINCES)},
                sort="จำนวน desc",
            ),
        ),
    }
    results = {}
    for shape, (through_api, direct) in shapes.items():
        for _ in range(5):  # warm caches (search index, DuckDB views) both ways
            through_api()
            direct()
        timings: dict[str, list[float]] = {"api": [], "direct": []}
        for _ in range(calls):
            for key, fn in (("api", through_api), ("direct", direct)):
                started = time.perf_counter()
                fn()
                timings[key].append(time.perf_counter() - started)
        results[shape] = {k: _percentiles(v) for k, v in timings.items()}
    print(json.dumps({"datasets": n, "rows": rows, "calls": calls, "shapes": results}))


if __name__ == "__main__":
    child()
