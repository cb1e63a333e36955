"""Ingest of a generated ~1 GB Thai CSV: ddgov's pipeline beside bare DuckDB and sqlite-utils.

The CSV (written by DuckDB in seconds) has what Thai agency files have: Thai text, numbers as
quoted text with thousands separators ("1,234,567"), Buddhist-era dates ("17/05/2566") and
fiscal years (2566), "-" for missing values and True/False flags. Three ways to load it, timed
side by side in one run:

* ddgov ``ingest_file``: sniffing, type inference, typed Parquet (numbers, dates converted to
  the common era, years, booleans) with the ``_id`` row number — goal: at least 0.6x the speed
  of bare DuckDB;
* bare DuckDB ``COPY (SELECT * FROM read_csv(…)) TO … (FORMAT parquet)``: its own sniffer, which
  leaves the separated numbers, the BE dates and the "-" columns as text;
* ``sqlite-utils insert --csv (detects types)`` (Datasette's path into SQLite), from the venv.

``BENCH_INGEST_MB`` (1024) sets the file size; ``BENCH_INGEST_SQLITE=0`` skips sqlite-utils
(minutes at 1 GB). DuckDB and ddgov run twice, alternating; the faster run of each counts. Both
wall-clock and CPU seconds are printed: on a shared machine other work inflates wall time, while
CPU time (all threads of this process) measures the work each way does.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_RATIO = 0.6
PROVINCES = [
    "กรุงเทพมหานคร", "เชียงใหม่", "ขอนแก่น", "นครราชสีมา", "ภูเก็ต", "สงขลา", "ชลบุรี", "อุบลราชธานี",
    "พระนครศรีอยุธยา", "แม่ฮ่องสอน", "เชียงราย", "นครศรีธรรมราช", "อุดรธานี", "พิษณุโลก", "ระยอง",
]  # fmt: skip
WORDS = [
    "จำนวนผู้สูงอายุ", "เบี้ยยังชีพ", "โรงเรียน", "สถานพยาบาล", "เกษตรกร", "ร้านค้าชุมชน", "ถนนลาดยาง",
    "แหล่งน้ำ", "ตลาดนัด", "วัด", "ศูนย์พัฒนาเด็กเล็ก", "ประปาหมู่บ้าน",
]  # fmt: skip
BYTES_PER_ROW = 170


def _generate(path: Path, megabytes: int) -> int:
    import duckdb  # noqa: PLC0415

    rows = max(1000, megabytes * 1_000_000 // BYTES_PER_ROW)
    day = "(DATE '2015-01-01' + CAST((i * 37) % 3000 AS INTEGER))"
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(
        f"""
        COPY (SELECT
            i AS "ลำดับ",
            list_element({PROVINCES}, CAST(i % {len(PROVINCES)} AS INTEGER) + 1) AS "จังหวัด",
            list_element({WORDS}, CAST((i // 7) % {len(WORDS)} AS INTEGER) + 1) || ' '
                || list_element({WORDS}, CAST((i // 3) % {len(WORDS)} AS INTEGER) + 1)
                || ' หมู่ที่ ' || CAST(i % 20 AS VARCHAR) AS "รายการ",
            format('{{:,}}', (i * 7919) % 10000000) AS "ประชากร",
            format('{{:,.2f}}', ((i * 104729) % 100000000) / 100.0) AS "งบประมาณ",
            strftime({day}, '%d/%m/') || CAST(year({day}) + 543 AS VARCHAR) AS "วันที่รายงาน",
            CAST(2560 + i % 8 AS VARCHAR) AS "ปีงบประมาณ",
            CASE WHEN i % 13 = 0 THEN '-' ELSE CAST((i % 1000) / 10.0 AS VARCHAR) END AS "อัตรา",
            CASE WHEN i % 2 = 0 THEN 'True' ELSE 'False' END AS "ผ่านเกณฑ์"
        FROM range({rows}) t(i))
        TO '{path}' (HEADER, DELIMITER ',', FORCE_QUOTE ("ประชากร", "งบประมาณ"))
        """  # noqa: S608 - generated constants only
    )
    return rows


def _cpu(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _ddgov(source: Path, target: Path) -> tuple[float, float, dict[str, str], int]:
    from ddgov.catalog.ingest import ingest_file  # noqa: PLC0415

    target.unlink(missing_ok=True)
    cpu, started = _cpu(), time.perf_counter()
    result = ingest_file(source=source, filename=source.name, target=target)
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    kinds = {f["name"]: f["type"] for f in result.table_schema["fields"]}
    return seconds, cpu, kinds, result.row_count


def _duckdb(source: Path, target: Path) -> tuple[float, float, dict[str, str]]:
    import duckdb  # noqa: PLC0415

    target.unlink(missing_ok=True)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    cpu, started = _cpu(), time.perf_counter()
    con.execute(f"COPY (SELECT * FROM read_csv('{source}')) TO '{target}' (FORMAT parquet)")  # noqa: S608
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    described = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{target}')").fetchall()  # noqa: S608
    return seconds, cpu, {r[0]: r[1] for r in described}


def _sqlite_utils(source: Path, work: Path) -> tuple[float, float] | None:
    cli = Path(sys.executable).with_name("sqlite-utils")
    if not cli.exists():
        found = shutil.which("sqlite-utils")
        if found is None:
            return None
        cli = Path(found)
    db = work / "bench.sqlite3"
    cpu, started = _cpu(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(
        [str(cli), "insert", str(db), "data", str(source), "--csv"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started, _cpu(resource.RUSAGE_CHILDREN) - cpu


def run() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddgov.settings")
    import django  # noqa: PLC0415

    django.setup()
    megabytes = int(os.environ.get("BENCH_INGEST_MB", "1024"))
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as folder:
        work = Path(folder)
        source = work / "thai_agency_data.csv"
        started = time.perf_counter()
        rows = _generate(source, megabytes)
        size_mb = source.stat().st_size / 1e6
        print(
            f"generated {size_mb:,.0f} MB, {rows:,} rows in {time.perf_counter() - started:.1f} s"
        )

        ddgov_runs: list[tuple[float, float]] = []
        duck_runs: list[tuple[float, float]] = []
        for _round in range(2):
            duck_seconds, duck_cpu, duck_types = _duckdb(source, work / "duckdb.parquet")
            duck_runs.append((duck_seconds, duck_cpu))
            ddgov_seconds, ddgov_cpu, ddgov_types, ddgov_rows = _ddgov(
                source, work / "ddgov.parquet"
            )
            ddgov_runs.append((ddgov_seconds, ddgov_cpu))
        assert ddgov_rows == rows, (ddgov_rows, rows)  # noqa: S101 - a wrong table is no result
        duck_wall, ddgov_wall = min(r[0] for r in duck_runs), min(r[0] for r in ddgov_runs)
        duck_cpu, ddgov_cpu = min(r[1] for r in duck_runs), min(r[1] for r in ddgov_runs)

        def line(label: str, seconds: float, cpu: float) -> str:
            return (
                f"  {label:<44} {seconds:8.2f} s {size_mb / seconds:8.1f} MB/s  (CPU {cpu:7.2f} s)"
            )

        print(line("bare DuckDB read_csv -> Parquet (baseline)", duck_wall, duck_cpu))
        print(line("ddgov ingest_file (typed, _id)", ddgov_wall, ddgov_cpu))
        wall_ratio, cpu_ratio = duck_wall / ddgov_wall, duck_cpu / ddgov_cpu
        status = "meets" if wall_ratio >= GOAL_RATIO else "MISSES"
        print(
            f"  ddgov speed / DuckDB speed: {wall_ratio:.2f}x wall-clock, {cpu_ratio:.2f}x CPU"
            f" (goal >= {GOAL_RATIO}x) -> {status}"
        )
        runs = "; ".join(
            f"DuckDB {d[0]:.2f} s, ddgov {g[0]:.2f} s"
            for d, g in zip(duck_runs, ddgov_runs, strict=True)
        )
        print(f"  runs: {runs}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        if os.environ.get("BENCH_INGEST_SQLITE", "1") != "0":
            measured = _sqlite_utils(source, work)
            if measured is None:
                print("  sqlite-utils not installed; skipped")
            else:
                print(line("sqlite-utils insert --csv (detects types)", *measured))
                print(
                    f"  ddgov is {measured[0] / ddgov_wall:.1f}x faster than sqlite-utils (wall-clock)"
                )
        print(f"  ddgov types:  {', '.join(f'{k}={v}' for k, v in ddgov_types.items())}")
        print(f"  DuckDB types: {', '.join(f'{k}={v}' for k, v in duck_types.items())}")
