"""The lake's object-store path beside the bare S3 client, on moto's S3 server on loopback.

A generated Parquet table of ``BENCH_S3_MB`` (64) megabytes is made durable and fetched back:

* ddgov ``atomic_target(final, durable=True)`` (upload before the rename) beside boto3's
  ``upload_file`` of the same file — goal: within 1.5x of the bare client;
* ddgov ``absolute(stored)`` on an empty cache (download to a temp file, rename into place)
  beside boto3's ``download_file`` — goal: within 1.5x;
* ``absolute`` again once cached, which must cost a file-system check only (no request),
  beside ``absolute`` with no object store configured.

Loopback S3 measures the client and ddgov's overhead, not a network; a real store adds its own
latency and bandwidth to both sides equally. Each way runs twice, the faster run counts.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

GOAL_RATIO = 1.5
REGION = "ap-southeast-1"


def _best(func: object, runs: int = 2) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return min(times)


def _parquet(path: Path, megabytes: int) -> None:
    import duckdb  # noqa: PLC0415

    rows = megabytes * 1_000_000 // 40
    con = duckdb.connect()
    select = f"SELECT i AS _id, md5(i::VARCHAR) AS h, i * 7 % 1000 AS n FROM range({rows}) t(i)"  # noqa: S608 - constants
    con.execute(f"COPY ({select}) TO '{path}' (FORMAT parquet, COMPRESSION uncompressed)")
    con.close()


def run() -> None:  # noqa: PLR0915 - one linear measurement script
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddgov.settings")
    import boto3  # noqa: PLC0415
    import django  # noqa: PLC0415
    from django.test import override_settings  # noqa: PLC0415
    from moto.server import ThreadedMotoServer  # noqa: PLC0415

    django.setup()
    from ddgov.lake.storage import absolute, atomic_target, lake_root, table_path  # noqa: PLC0415

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    megabytes = int(os.environ.get("BENCH_S3_MB", "64"))
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    bucket = f"bench-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="bench",
        aws_secret_access_key="bench",  # noqa: S106 - moto accepts any key
    )
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    work = Path(tempfile.mkdtemp(prefix="ddgov-bench-s3-"))
    try:
        with override_settings(
            LAKE_DIR=work / "lake",
            DDGOV_LAKE_URL=f"s3://{bucket}/lake",
            DDGOV_LAKE_S3_ENDPOINT_URL=endpoint,
            DDGOV_LAKE_S3_REGION=REGION,
            DDGOV_LAKE_S3_ACCESS_KEY_ID="bench",
            DDGOV_LAKE_S3_SECRET_ACCESS_KEY="bench",  # noqa: S106
        ):
            source = work / "source.parquet"
            _parquet(source, megabytes)
            size_mb = source.stat().st_size / 1e6
            final = table_path(dataset_id="d", resource_id="r", version=1)
            stored = str(final.relative_to(lake_root()))

            def ours_put() -> None:
                with atomic_target(final, durable=True) as tmp:
                    shutil.copyfile(source, tmp)

            def bare_put() -> None:
                client.upload_file(str(source), bucket, "bare/v1.parquet")

            def ours_get() -> None:
                final.unlink(missing_ok=True)
                absolute(stored)

            back = work / "back.parquet"

            def bare_get() -> None:
                client.download_file(bucket, "bare/v1.parquet", str(back))

            copy_s = _best(lambda: shutil.copyfile(source, work / "copy.parquet"))
            put_ours, put_bare = _best(ours_put), _best(bare_put)
            get_ours, get_bare = _best(ours_get), _best(bare_get)
            assert absolute(stored).read_bytes() == source.read_bytes()  # noqa: S101
            warm_us = _best(lambda: [absolute(stored) for _ in range(1000)]) * 1000
            with override_settings(DDGOV_LAKE_URL=""):
                local_us = _best(lambda: [absolute(stored) for _ in range(1000)]) * 1000
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)

    def line(what: str, ours: float, bare: float) -> None:
        ratio = ours / bare if bare else float("inf")
        verdict = "meets" if ratio <= GOAL_RATIO else "misses"
        print(
            f"{what:<34} ddgov {ours:6.2f} s ({size_mb / ours:7.1f} MB/s)   boto3 {bare:6.2f} s "
            f"({size_mb / bare:7.1f} MB/s)   ratio {ratio:4.2f} ({verdict} goal <= {GOAL_RATIO})"
        )

    print(f"table: {size_mb:.1f} MB Parquet; local copy of it takes {copy_s:.2f} s")
    line("durable write (upload + rename)", put_ours, put_bare)
    line("cold read (fetch into cache)", get_ours, get_bare)
    print(
        f"{'warm read (already cached)':<34} ddgov {warm_us:6.1f} µs per absolute() call, no "
        f"request   local-only lake {local_us:6.1f} µs   ratio {warm_us / local_us:4.2f}"
    )
