"""Intake throughput: complaints/s through ``complaint_submit`` beside plain inserts, same run.

A child process migrates an empty database, loads the real geography and the demo agency
directory (the ``geography`` and ``agencies`` seeders: ministries, provinces, Bangkok's district
offices, LAOs), then files ``BENCH_INTAKE_ROWS`` (2000) complaints made from the real Traffy
texts and places (``complaints_2023-05-17.csv``; the 200-row slice shipped in
``complaints/demo/`` without the shared data), every one a different submission:

* **complaint_submit, classified** — no category given: the classifier picks it, routing
  chooses the agency (a Bangkok district office when the address names the subdistrict), the
  SLA is set, and the complaint, its assignment, two timeline events and the audit record are
  written in one transaction, as every channel does;
* **complaint_submit, category given** — the same without the classifier (the call-centre and
  Open311 path when the category is known);
* **Model.objects.create** — one bare ``Complaint`` row per call (a tracking code, the text,
  the place), no assignment, events or audit: what a naive intake would write;
* **bulk_create** — the same bare rows, 500 per statement: the fastest way rows get in.

Each line gives complaints/s and how many times slower than ``bulk_create`` and ``create``.
For each database: a temporary SQLite file, and PostgreSQL when ``DATABASE_URL`` (or
``DDGOV_DATABASE_URL``) names a server (a throw-away database is created and dropped).
``BENCH_INTAKE_ROWS`` sets the size; ``DDGOV_SHARED_DATA`` the real data folder.
"""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._support import run_child

PROJECT = Path(__file__).resolve().parent.parent
SAMPLE = PROJECT / "src" / "ddgov" / "complaints" / "demo" / "traffy_2023-05-17_sample.csv"


# -- parent ------------------------------------------------------------------------------------------
def _postgres_url() -> str:
    for name in ("DATABASE_URL", "DDGOV_DATABASE_URL"):
        url = os.environ.get(name, "")
        if url.startswith(("postgres://", "postgresql://")):
            return url
    return ""


def _with_postgres(url: str, work: str) -> dict[str, Any]:
    import psycopg  # noqa: PLC0415

    name = f"ddgov_bench_intake_{os.getpid()}"
    base, _, _db = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        return run_child("bench.complaints_intake", database_url=f"{base}/{name}", var_dir=work)
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run() -> None:
    results: list[tuple[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory() as work:
        results.append(
            (
                "sqlite",
                run_child(
                    "bench.complaints_intake",
                    database_url=f"sqlite:///{work}/bench.sqlite3",
                    var_dir=work,
                ),
            )
        )
    url = _postgres_url()
    if url:
        with tempfile.TemporaryDirectory() as work:
            results.append(("postgresql", _with_postgres(url, work)))
    first = results[0][1]
    print(
        f"{first['rows']:,} complaints per method from {first['texts']} real Traffy texts"
        f" ({first['source']}); {first['agencies']:,} agencies in the directory;"
        f" {first['subdistrict_share']:.0%} located to the subdistrict"
    )
    print(
        f"{'database':11s}{'method':38s}{'complaints/s':>14s}{'ms each':>10s}{'vs create':>11s}{'vs bulk':>10s}"
    )
    for db, r in results:
        create, bulk = r["methods"]["create"]["rate"], r["methods"]["bulk_create"]["rate"]
        for key, label in (
            ("submit", "complaint_submit (classify+route+audit)"),
            ("submit_category", "complaint_submit, category given"),
            ("create", "Complaint.objects.create (bare row)"),
            ("bulk_create", "bulk_create, 500 per batch (bare)"),
        ):
            m = r["methods"][key]
            print(
                f"{db:11s}{label:38s}{m['rate']:14,.0f}{1000.0 / m['rate']:10.2f}"
                f"{create / m['rate']:10.1f}x{bulk / m['rate']:9.1f}x"
            )
        print(
            f"{db:11s}full intake is {create / r['methods']['submit']['rate']:.1f}x slower than a"
            f" bare create and {bulk / r['methods']['submit']['rate']:.0f}x slower than bulk_create;"
            f" classifier share {r['classify_share']:.0%}"
        )


# -- child -------------------------------------------------------------------------------------------
def _texts(data_dir: Path) -> tuple[list[dict[str, Any]], str]:
    path = data_dir / "traffy" / "complaints_2023-05-17.csv"
    source = path.name
    if not path.is_file():
        path, source = SAMPLE, "the shipped 200-row slice"
    found = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            text = (row.get("description") or "").strip()
            numbers = re.findall(r"-?\d+\.\d+", row.get("coords") or "")
            if not text or len(text) > 4000 or len(numbers) < 2:
                continue
            found.append(
                {
                    "text": text,
                    "lon": float(numbers[0]),
                    "lat": float(numbers[1]),
                    "address": (row.get("address") or "")[:500],
                }
            )
    return found, source


def _subdistrict(address: str) -> str:
    import geothai  # noqa: PLC0415

    sub = re.search(r"แขวง\s*([^\s,]+)", address)
    dist = re.search(r"เขต\s*([^\s,]+)", address)
    if not sub or not dist:
        return ""
    matches = geothai.match(sub.group(1), district=dist.group(1), province="กรุงเทพมหานคร")
    return matches[0].subdistrict.code if len(matches) == 1 else ""


def _setup() -> int:
    from django.core.management import call_command  # noqa: PLC0415

    from ddgov.agencies.models import Agency  # noqa: PLC0415
    from ddgov.agencies.seeders import seed_agencies, seed_geography  # noqa: PLC0415
    from ddgov.core.seeding import SeedContext  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    context = SeedContext(scale=1)
    seed_geography(context)
    seed_agencies(context)
    return Agency.objects.count()


def _rate(n: int, seconds: float) -> dict[str, float]:
    return {"n": n, "seconds": seconds, "rate": n / seconds if seconds else float("inf")}


def child() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddgov.settings")
    import django  # noqa: PLC0415

    django.setup()
    from django.utils import timezone  # noqa: PLC0415

    from ddgov.complaints.classify.services import category_predict  # noqa: PLC0415
    from ddgov.complaints.models import Channel, Complaint  # noqa: PLC0415
    from ddgov.complaints.services.intake import (  # noqa: PLC0415
        Submission,
        complaint_submit,
        tracking_code_new,
    )

    rows = int(os.environ.get("BENCH_INTAKE_ROWS", "2000"))
    data_dir = Path(os.environ.get("DDGOV_SHARED_DATA", PROJECT.parent / "shared" / "data"))
    agencies = _setup()
    texts, source = _texts(data_dir)
    for item in texts:
        item["subdistrict_code"] = _subdistrict(item["address"])
    located = sum(1 for t in texts if t["subdistrict_code"]) / len(texts)
    category_predict(text=texts[0]["text"])  # load the model outside the timings

    def items(tag: str) -> list[dict[str, Any]]:
        out = []
        for i in range(rows):
            base = texts[i % len(texts)]
            out.append({**base, "text": f"{base['text']} ({tag} {i})"})
        return out

    methods: dict[str, dict[str, float]] = {}
    started = time.perf_counter()
    for i, item in enumerate(items("a")):
        complaint_submit(
            submission=Submission(
                text=item["text"],
                lat=item["lat"],
                lon=item["lon"],
                address=item["address"],
                subdistrict_code=item["subdistrict_code"],
                intake_key=f"bench:a:{i}",
            )
        )
    methods["submit"] = _rate(rows, time.perf_counter() - started)

    sample = items("c")
    categories = [category_predict(text=t["text"], top=1) for t in sample[: min(rows, 300)]]
    started = time.perf_counter()
    for t in sample[: len(categories)]:
        category_predict(text=t["text"], top=1)
    classify_each = (time.perf_counter() - started) / max(len(categories), 1)
    codes = [c[0].code if c else "road" for c in categories]
    started = time.perf_counter()
    for i, item in enumerate(sample):
        complaint_submit(
            submission=Submission(
                text=item["text"],
                category=codes[i % len(codes)],
                channel=Channel.CALL_CENTRE,
                lat=item["lat"],
                lon=item["lon"],
                address=item["address"],
                subdistrict_code=item["subdistrict_code"],
                intake_key=f"bench:c:{i}",
            )
        )
    methods["submit_category"] = _rate(rows, time.perf_counter() - started)

    def bare(item: dict[str, Any]) -> Complaint:
        now = timezone.now()
        return Complaint(
            tracking_code=tracking_code_new(),
            channel=Channel.WEB,
            text=item["text"],
            lat=item["lat"],
            lon=item["lon"],
            address=item["address"],
            created_at=now,
            updated_at=now,
        )

    started = time.perf_counter()
    for item in items("p"):
        bare(item).save()
    methods["create"] = _rate(rows, time.perf_counter() - started)

    started = time.perf_counter()
    Complaint.objects.bulk_create([bare(item) for item in items("b")], batch_size=500)
    methods["bulk_create"] = _rate(rows, time.perf_counter() - started)

    print(
        json.dumps(
            {
                "rows": rows,
                "texts": len(texts),
                "source": source,
                "agencies": agencies,
                "subdistrict_share": located,
                "classify_share": classify_each * methods["submit"]["rate"],
                "methods": methods,
            }
        )
    )


if __name__ == "__main__":
    child()
