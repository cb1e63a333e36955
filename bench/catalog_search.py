"""Thai ``package_search`` over 100 000 generated datasets (goal: p95 <= 50 ms) beside naive SQL.

For each database (a temporary SQLite file; also PostgreSQL when ``DATABASE_URL`` names one) a
child process migrates an empty database, generates datasets whose Thai titles and notes are
recombined from the real titles in ``datagoth_catalog_2016.csv`` (a built-in list without the
shared data), indexes them in bulk, then runs a few hundred Thai and English queries with six
facets through ``dataset_search``. The baseline answers the same queries the naive way:
``title LIKE '%word%' OR notes LIKE '%word%'`` per word, the same facets with ``GROUP BY`` and the
same page of datasets loaded with the ORM. Times are wall-clock per whole search (p50/p95/p99).

``BENCH_SEARCH_DATASETS`` and ``BENCH_SEARCH_QUERIES`` change the sizes (defaults 100000, 300);
the naive baseline, seconds per query at this size, runs the first ``BENCH_SEARCH_NAIVE_QUERIES``
(default 100) of the same queries. Both databases are ``ANALYZE``d first, as in production.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench._support import run_child

GOAL_P95_MS = 50.0
FACETS = ["organization", "groups", "tags", "res_format", "license_id", "data_category"]
BUILTIN_TITLES = [
    "จำนวนผู้สูงอายุรายจังหวัด", "ข้อมูลพื้นฐานสถานศึกษา ปี 2558", "รายได้เฉลี่ยต่อเดือนต่อครัวเรือน จำแนกตามภาค",
    "สถิติการจับกุมคดียาเสพติด ประจำปีงบประมาณ", "ปริมาณน้ำฝนรายเดือน", "จำนวนนักท่องเที่ยวชาวต่างชาติ",
    "ข้อมูลการจดทะเบียนนิติบุคคลจัดตั้งใหม่", "งบประมาณรายจ่ายประจำปี จำแนกตามกระทรวง", "จำนวนผู้ป่วยโรคไข้เลือดออก",
    "พื้นที่ปลูกข้าวนาปี", "ราคาสินค้าเกษตรที่เกษตรกรขายได้", "จำนวนแรงงานต่างด้าวที่ได้รับอนุญาตทำงาน",
    "คุณภาพอากาศ ฝุ่นละออง PM2.5", "ปริมาณขยะมูลฝอยชุมชน", "จำนวนผู้พิการที่จดทะเบียน",
    "สถานีชาร์จรถยนต์ไฟฟ้า", "จำนวนรถยนต์จดทะเบียนใหม่ จำแนกตามชนิดเชื้อเพลิง", "ผู้มีสิทธิบัตรสวัสดิการแห่งรัฐ",
]  # fmt: skip
ENGLISH = [
    "population", "budget", "education", "health", "tourism", "agriculture", "labour", "welfare",
    "open data", "statistics", "province", "household", "income", "air quality", "school",
]  # fmt: skip
FORMATS = ["CSV"] * 6 + ["XLSX"] * 3 + ["JSON"] * 2 + ["PDF", "XLS", "SHP", "API"]
LICENSES = ["Open-D"] * 6 + ["cc-by", "cc-by-sa", "cc-zero", "odc-by", "other-open"]


# -- parent: one child process per database, results side by side --------------------------------
def _titles_source() -> tuple[list[str], str]:
    shared = Path(
        os.environ.get("DDGOV_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
    )
    path = shared / "opendata" / "datagoth_catalog_2016.csv"
    if path.is_file():
        with path.open(encoding="utf-8", newline="") as f:
            titles = [
                row["title"].strip() for row in csv.DictReader(f) if row.get("title", "").strip()
            ]
        return titles, path.name
    return BUILTIN_TITLES, "a built-in list"


def _child(database_url: str, var_dir: str) -> dict[str, Any]:
    return run_child("bench.catalog_search", database_url=database_url, var_dir=var_dir)


def _postgres_database(url: str) -> tuple[str, Any] | None:
    import psycopg  # noqa: PLC0415

    name = f"ddgov_bench_search_{os.getpid()}"
    base, _, _db = url.rpartition("/")
    admin = psycopg.connect(f"{base}/postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}", (admin, name)


def run() -> None:
    datasets = int(os.environ.get("BENCH_SEARCH_DATASETS", "100000"))
    queries = int(os.environ.get("BENCH_SEARCH_QUERIES", "300"))
    _titles, source = _titles_source()
    naive = min(queries, int(os.environ.get("BENCH_SEARCH_NAIVE_QUERIES", "100")))
    print(
        f"{datasets} generated datasets (Thai titles recombined from {source}), {queries} queries"
        f" ({naive} for the naive baseline), 6 facets"
    )
    results = []
    with tempfile.TemporaryDirectory() as work:
        results.append(("sqlite", _child(f"sqlite:///{work}/bench.sqlite3", work)))
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        created = _postgres_database(url)
        if created:
            pg_url, (admin, name) = created
            try:
                with tempfile.TemporaryDirectory() as work:
                    results.append(("postgresql", _child(pg_url, work)))
            finally:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.close()
    for db, r in results:
        ours, naive = r["ddgov"], r["naive"]
        status = "meets" if ours["p95"] <= GOAL_P95_MS else "MISSES"
        print(
            f"{db:10s} generate {r['generate_s']:6.1f} s | bulk index {r['index_s']:6.1f} s"
            f" | first search (index load) {r['cold_ms']:7.0f} ms, +{r.get('index_mb', 0):.0f} MB resident"
        )
        print(
            f"{'':10s} dataset_search p50/p95/p99 {ours['p50']:6.1f} / {ours['p95']:6.1f} / {ours['p99']:6.1f} ms"
            f" | naive LIKE + GROUP BY {naive['p50']:7.1f} / {naive['p95']:7.1f} / {naive['p99']:7.1f} ms"
            f" | p95 ratio {naive['p95'] / ours['p95']:5.1f}x faster"
        )
        print(
            f"{'':10s} after one write: next search {r['refresh_ms']:6.1f} ms (incremental catch-up)"
            f" | mean hits {r['mean_count']:.0f} | goal p95 <= {GOAL_P95_MS:.0f} ms -> {status}"
        )


# -- child: generate, index, measure ----------------------------------------------------------------
def _generate(n: int, titles: list[str], rng: random.Random) -> None:
    import geothai  # noqa: PLC0415
    from django.db import transaction  # noqa: PLC0415

    from ddgov.agencies.models import Agency  # noqa: PLC0415
    from ddgov.catalog.models import Dataset, Group, Resource, Tag  # noqa: PLC0415
    from ddgov.catalog.search.text import search_tokens  # noqa: PLC0415
    from ddgov.catalog.vocab import FOCUS_AREAS  # noqa: PLC0415

    provinces = [p.name_th for p in geothai.provinces()]
    agencies = [
        Agency(
            code=f"bench-{i}",
            name_th=name,
            name_en=f"Bench agency {i}",
            kind=Agency.Kind.DEPARTMENT,
        )
        for i, name in enumerate(
            [f"สำนักงานสถิติจังหวัด{p}" for p in provinces]
            + [f"องค์การบริหารส่วนจังหวัด{p}" for p in provinces]
            + [f"กรมทดสอบที่ {i}" for i in range(50)]
        )
    ]
    Agency.objects.bulk_create(agencies)
    agencies = list(Agency.objects.filter(code__startswith="bench-"))
    groups = Group.objects.bulk_create(
        [Group(name=c, title_th=th, title_en=en) for c, th, en in FOCUS_AREAS]
    )
    words = sorted(
        {t for title in titles for t in search_tokens(title) if len(t) > 2 and not t.isdigit()}
    )
    tags = Tag.objects.bulk_create([Tag(name=w) for w in words[:1500]])
    now = time.time()
    for name in ("metadata_created", "metadata_modified"):  # keep the generated times
        stamp = Dataset._meta.get_field(name)
        stamp.auto_now = stamp.auto_now_add = False  # type: ignore[attr-defined]
    for chunk in range(0, n, 5000):
        batch, tag_links, group_links, resources = [], [], [], []
        for i in range(chunk, min(n, chunk + 5000)):
            base = rng.choice(titles)
            province = rng.choice(provinces)
            title = f"{base} จังหวัด{province} ปี {rng.randint(2540, 2568)}"
            english = (
                f" Open data on {rng.choice(ENGLISH)} and {rng.choice(ENGLISH)}."
                if rng.random() < 0.3
                else ""
            )
            notes = (
                f"ชุดข้อมูล{rng.choice(titles)} และ{rng.choice(titles)} พื้นที่จังหวัด{province}{english}"
            )
            category = "public" if rng.random() < 0.95 else rng.choice(["personal", "security"])
            state = "draft" if rng.random() < 0.02 else "active"
            dataset = Dataset(
                id=uuid.UUID(int=rng.getrandbits(128)), name=f"bench-dataset-{i}", title=title[:500], notes=notes,
                owner_org=rng.choice(agencies), state=state, private=category != "public" or rng.random() < 0.05,
                data_type="statistical", maintainer="bench", maintainer_email="bench@example.go.th",
                objective=["agency_mission"], update_frequency_unit="yearly", geo_coverage="province",
                data_source="bench", data_format="CSV", data_category=category, license_id=rng.choice(LICENSES),
                # Spread over five years so date sorting has something to do.
                metadata_created=dt.datetime.fromtimestamp(now - rng.random() * 5 * 365 * 86400, tz=dt.UTC),
                metadata_modified=dt.datetime.fromtimestamp(now - rng.random() * 5 * 365 * 86400, tz=dt.UTC),
            )  # fmt: skip
            batch.append(dataset)
            tag_links += [
                Dataset.tags.through(dataset_id=dataset.id, tag_id=t.pk)
                for t in rng.sample(tags, 3)
            ]
            group_links += [
                Dataset.groups.through(dataset_id=dataset.id, group_id=g.pk)
                for g in rng.sample(groups, rng.randint(0, 2))
            ]
            resources += [
                Resource(
                    dataset_id=dataset.id,
                    name=f"{title[:60]} ไฟล์ {k}",
                    format=rng.choice(FORMATS),
                    position=k,
                )
                for k in range(rng.randint(1, 3))
            ]
        with transaction.atomic():
            Dataset.objects.bulk_create(batch)
            Dataset.tags.through.objects.bulk_create(tag_links)
            Dataset.groups.through.objects.bulk_create(group_links)
            Resource.objects.bulk_create(resources)


def _queries(count: int, titles: list[str], rng: random.Random) -> list[dict[str, Any]]:
    from ddgov.catalog.search.text import search_tokens  # noqa: PLC0415

    words = [t for title in titles for t in search_tokens(title) if len(t) > 2 and not t.isdigit()]
    orgs = [f"bench-{i}" for i in range(200)]
    made: list[dict[str, Any]] = []
    while len(made) < count:
        kind = rng.random()
        if kind < 0.35:
            made.append({"q": rng.choice(words)})
        elif kind < 0.55:
            made.append({"q": f"{rng.choice(words)} {rng.choice(words)}"})
        elif kind < 0.65:
            title = search_tokens(rng.choice(titles))
            k = rng.randint(0, max(0, len(title) - 2))
            made.append({"q": "".join(title[k : k + 2])})  # unsegmented Thai, as typed
        elif kind < 0.75:
            made.append({"q": rng.choice(ENGLISH)})
        elif kind < 0.85:
            made.append({"q": "*:*", "org": rng.choice(orgs)})
        elif kind < 0.95:
            made.append(
                {"q": rng.choice(words), "group": rng.choice(["welfare", "health", "education"])}
            )
        else:
            made.append({"q": "*:*", "start": rng.randint(0, 50) * 10})
    return made


def _naive(query: dict[str, Any], vendor: str) -> int:
    from django.db import connection  # noqa: PLC0415
    from django.db.models import Prefetch  # noqa: PLC0415

    from ddgov.catalog.models import Dataset, Resource  # noqa: PLC0415

    like = "ILIKE" if vendor == "postgresql" else "LIKE"
    where = ["d.state = 'active'", "NOT d.private"]
    params: list[Any] = []
    if query["q"] != "*:*":
        for word in query["q"].split():
            where.append(f"(d.title {like} %s OR d.notes {like} %s)")
            params += [f"%{word}%", f"%{word}%"]
    if "org" in query:
        where.append("a.code = %s")
        params.append(query["org"])
    if "group" in query:
        where.append(
            "EXISTS (SELECT 1 FROM catalog_dataset_groups x JOIN catalog_group g ON g.id = x.group_id"
            " WHERE x.dataset_id = d.id AND g.name = %s)"
        )
        params.append(query["group"])
    joins = "FROM catalog_dataset d JOIN agencies_agency a ON a.id = d.owner_org_id"
    condition = f"WHERE {' AND '.join(where)}"
    base = f"{joins} {condition}"
    tags = "JOIN catalog_dataset_tags dt ON dt.dataset_id = d.id JOIN catalog_tag t ON t.id = dt.tag_id"
    groups = "JOIN catalog_dataset_groups dg ON dg.dataset_id = d.id JOIN catalog_group g ON g.id = dg.group_id"
    resources = "JOIN catalog_resource r ON r.dataset_id = d.id"
    facets = [
        f"SELECT a.code, COUNT(*) {base} GROUP BY a.code",
        f"SELECT d.license_id, COUNT(*) {base} GROUP BY d.license_id",
        f"SELECT d.data_category, COUNT(*) {base} GROUP BY d.data_category",
        f"SELECT t.name, COUNT(*) {joins} {tags} {condition} GROUP BY t.name",
        f"SELECT g.name, COUNT(*) {joins} {groups} {condition} GROUP BY g.name",
        f"SELECT r.format, COUNT(DISTINCT d.id) {joins} {resources} {condition} GROUP BY r.format",
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) {base}", params)
        count = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT d.id {base} ORDER BY d.metadata_modified DESC LIMIT 10 OFFSET %s",
            [*params, query.get("start", 0)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        for sql in facets:
            cursor.execute(f"{sql} ORDER BY 2 DESC LIMIT 50", params)
            cursor.fetchall()
    list(
        Dataset.objects.filter(pk__in=ids)
        .select_related("owner_org")
        .prefetch_related(
            "tags",
            "groups",
            Prefetch("resources", queryset=Resource.objects.filter(state="active")),
        )
    )
    return count


def _ours(query: dict[str, Any]) -> int:
    from ddgov.catalog.selectors.search import dataset_search  # noqa: PLC0415

    fq = []
    if "org" in query:
        fq.append(f"organization:{query['org']}")
    if "group" in query:
        fq.append(f"groups:{query['group']}")
    page = dataset_search(
        viewer=None, q=query["q"], fq=" ".join(fq), start=query.get("start", 0), facet_fields=FACETS
    )
    return page.count


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))] * 1000

    return {
        "p50": at(0.5),
        "p95": at(0.95),
        "p99": at(0.99),
        "mean": statistics.mean(ordered) * 1000,
    }


def _rss_mb() -> float:
    """Resident memory of this process (Linux), to size the in-memory index."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def child() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddgov.settings")
    import django  # noqa: PLC0415

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    from ddgov.catalog.models import Dataset  # noqa: PLC0415
    from ddgov.catalog.services.search_index import dataset_index, dataset_index_bulk  # noqa: PLC0415

    n = int(os.environ.get("BENCH_SEARCH_DATASETS", "100000"))
    count = int(os.environ.get("BENCH_SEARCH_QUERIES", "300"))
    rng = random.Random(2569)
    titles, _source = _titles_source()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    _generate(n, titles, rng)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    dataset_index_bulk(workers=2, batch_size=2000)
    indexed = time.perf_counter() - started
    with (
        connection.cursor() as cursor
    ):  # planner statistics, as autovacuum / PRAGMA optimize keep them
        cursor.execute("ANALYZE")
    queries = _queries(count, titles, rng)
    rss_before = _rss_mb()
    started = time.perf_counter()
    _ours({"q": "*:*"})
    cold = time.perf_counter() - started
    index_mb = _rss_mb() - rss_before
    for q in queries[:20]:  # warm caches the same way for both
        _ours(q)
        _naive(q, connection.vendor)
    ours, naive, counts = [], [], []
    for q in queries:
        started = time.perf_counter()
        counts.append(_ours(q))
        ours.append(time.perf_counter() - started)
    for q in queries[: int(os.environ.get("BENCH_SEARCH_NAIVE_QUERIES", "100"))]:
        started = time.perf_counter()
        _naive(q, connection.vendor)
        naive.append(time.perf_counter() - started)
    one = Dataset.objects.order_by("name").first()
    assert one is not None  # noqa: S101
    Dataset.objects.filter(pk=one.pk).update(title="ชุดข้อมูลที่แก้ไขแล้ว")
    dataset_index(dataset_id=one.pk)
    started = time.perf_counter()
    _ours({"q": "แก้ไข"})
    refresh = time.perf_counter() - started
    print(
        json.dumps(
            {
                "generate_s": generated,
                "index_s": indexed,
                "cold_ms": cold * 1000,
                "index_mb": index_mb,
                "refresh_ms": refresh * 1000,
                "mean_count": statistics.mean(counts),
                "ddgov": _percentiles(ours),
                "naive": _percentiles(naive),
            }
        )
    )


if __name__ == "__main__":
    child()
