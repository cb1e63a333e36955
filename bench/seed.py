"""Demo seeding at scale 1 (goal: under 30 s) beside a bare-SQLite baseline of the same row count.

The baseline inserts the same number of person-shaped rows with ``sqlite3.executemany`` and no
validation or audit: the ratio shows what ddgov's checks, audit chain and ORM cost on top.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_SECONDS = 30.0


def _ddgov_seed(scale: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as work:
        env = {
            **os.environ,
            "DDGOV_VAR_DIR": work,
            "DATABASE_URL": f"sqlite:///{work}/bench.sqlite3",
        }
        ddgov = [sys.executable, "-m", "ddgov"]
        subprocess.run([*ddgov, "migrate", "-v0"], env=env, check=True)
        started = time.perf_counter()
        subprocess.run(
            [*ddgov, "demo", "seed", "--scale", str(scale)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        seeded = time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run([*ddgov, "audit", "verify"], env=env, check=True, stdout=subprocess.DEVNULL)
        return seeded, time.perf_counter() - started


def _bare_sqlite(rows: int) -> float:
    with tempfile.TemporaryDirectory() as work:
        db = sqlite3.connect(Path(work) / "bare.sqlite3")
        db.execute(
            "CREATE TABLE person (id INTEGER PRIMARY KEY, citizen_id TEXT UNIQUE, first TEXT,"
            " last TEXT, birth TEXT, sub TEXT)"
        )
        started = time.perf_counter()
        db.executemany(
            "INSERT INTO person (citizen_id, first, last, birth, sub) VALUES (?, ?, ?, ?, ?)",
            ((f"{1100200000000 + i}", "สมชาย", "ใจดี", "1990-01-01", "100101") for i in range(rows)),
        )
        db.commit()
        return time.perf_counter() - started


def run() -> None:
    for scale in (1, 2):
        seeded, verified = _ddgov_seed(scale)
        bare = _bare_sqlite(1000 * scale + 8441)
        status = "meets" if scale > 1 or seeded < GOAL_SECONDS else "MISSES"
        print(
            f"scale {scale}: ddgov demo seed {seeded:6.2f} s | bare sqlite insert of the same row count"
            f" {bare:6.3f} s | ratio {seeded / bare:7.1f}x | audit verify {verified:5.2f} s"
        )
        if scale == 1:
            print(f"  goal: scale 1 under {GOAL_SECONDS:.0f} s -> {status}")
