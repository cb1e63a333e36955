"""The farmer registry's group-by, count-distinct and join on 20 M plot rows, engine by engine.

The same three questions over the generated farmer registry (:mod:`ddgov.analytics.farmer`:
20 M plot rows, 1 M households, 0.8 M BAAC loans by default) side by side in one run:

* **ddgov** — :func:`~ddgov.analytics.services.queries.query_run` as a platform administrator
  (every column readable), DuckDB engine: the whole path an analyst's query takes (parse,
  policy, resolving ``"farmer-registry"."plots"`` in the catalog, masking rules, rewriting,
  the locked sandbox connection, the audit record);
* **duckdb** — bare DuckDB: one connection, the same SQL over ``read_parquet`` views, the same
  threads and memory limit (the baseline; the goal is ddgov <= 1.2x of it);
* **pandas** — ``pandas.read_parquet`` of the needed columns (pyarrow) and the same answer with
  ``groupby``/``merge``, as a developer would write it;
* **spark** — the same SQL through ddgov's Spark engine (``query_run`` with ``engine="spark"``,
  PySpark local mode, ``DDGOV_SPARK_MASTER``); the JVM start is timed apart.

The questions: (1) **group-by** — planted area, harvest and yield per province and crop;
(2) **count-distinct** — farm households per province; (3) **join** — outstanding BAAC debt
per rai of land per region (plots per household joined to loans per household).

Every engine runs each question once to warm up (file cache, JVM), then the engines take
turns ``--repeat`` times (default 3), so a change in the machine's load falls on all of them
alike; the best time is printed with its ratio to bare DuckDB. Answers are checked to
agree across engines (rounded). The registry is generated once into a cache folder
(``var/bench-cache/analytics-engine/lake/farmer-<rows>-<seed>/``; ``--cache DIR`` moves it)
and reused by later runs; the child's lake is that cache folder, so nothing is copied.

Options (after ``python -m bench analytics-engine``) or environment variables:
``--rows N`` (``BENCH_ANALYTICS_ROWS``, 20000000), ``--engines ddgov,duckdb,pandas,spark``
(``BENCH_ANALYTICS_ENGINES``), ``--repeat N`` (``BENCH_ANALYTICS_REPEAT``, 3), ``--threads N``
(``BENCH_ANALYTICS_THREADS``, all cores), ``--memory-mb N`` (``BENCH_ANALYTICS_MEMORY_MB``, 4096),
``--cache DIR`` (``BENCH_ANALYTICS_CACHE``).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench._support import run_child

DEFAULT_ROWS = 20_000_000
ENGINES = ("ddgov", "duckdb", "pandas", "spark")
GOAL_RATIO = 1.2
SEED = 2567
LATEST_YEAR = 2567
QUERIES: dict[str, str] = {
    "group-by": """
        SELECT province, crop, count(*) AS plots, sum(area_rai) AS area_rai,
               sum(yield_kg) AS yield_kg, sum(yield_kg) / sum(area_rai) AS kg_per_rai
        FROM {plots}
        GROUP BY province, crop
    """,
    "count-distinct": """
        SELECT province, count(DISTINCT household_id) AS households
        FROM {plots}
        GROUP BY province
    """,
    "join": """
        WITH land AS (
            SELECT household_id, region, sum(area_rai) AS rai
            FROM {plots}
            WHERE crop_year = 2567
            GROUP BY household_id, region
        ),
        debt AS (
            SELECT household_id, sum(outstanding_baht) AS debt
            FROM {loans}
            WHERE status <> 'ปิดบัญชี'
            GROUP BY household_id
        )
        SELECT land.region, count(*) AS households, sum(debt.debt) / sum(land.rai) AS debt_per_rai
        FROM land JOIN debt ON debt.household_id = land.household_id
        GROUP BY land.region
    """,
}


# -- parent ------------------------------------------------------------------------------------------
def _option(name: str, env: str, default: str) -> str:
    flag = f"--{name}"
    if flag in sys.argv:
        return sys.argv[sys.argv.index(flag) + 1]
    return os.environ.get(env, default)


def _settings() -> dict[str, Any]:
    rows = int(_option("rows", "BENCH_ANALYTICS_ROWS", str(DEFAULT_ROWS)))
    engines = [
        e.strip()
        for e in _option("engines", "BENCH_ANALYTICS_ENGINES", ",".join(ENGINES)).split(",")
        if e.strip()
    ]
    unknown = sorted(set(engines) - set(ENGINES))
    if unknown:
        msg = f"unknown engines {unknown}; choose from {', '.join(ENGINES)}"
        raise SystemExit(msg)
    project = Path(__file__).resolve().parent.parent
    cache = _option(
        "cache", "BENCH_ANALYTICS_CACHE", str(project / "var" / "bench-cache" / "analytics-engine")
    )
    return {
        "rows": rows,
        "engines": ["duckdb", *[e for e in engines if e != "duckdb"]],
        "repeat": max(1, int(_option("repeat", "BENCH_ANALYTICS_REPEAT", "3"))),
        "threads": int(_option("threads", "BENCH_ANALYTICS_THREADS", str(os.cpu_count() or 1))),
        "memory_mb": int(_option("memory-mb", "BENCH_ANALYTICS_MEMORY_MB", "4096")),
        "cache": str(Path(cache).resolve()),
    }


def run() -> None:
    config = _settings()
    os.environ["BENCH_ANALYTICS_CHILD"] = json.dumps(config)
    try:
        r = run_child("bench.analytics_engine", var_dir=config["cache"])
    finally:
        os.environ.pop("BENCH_ANALYTICS_CHILD", None)
    generated = f"generated in {r['generate_s']:.1f} s" if r["generate_s"] is not None else "cached"
    where = f"{config['cache']}/lake/{r['folder']}"
    print(
        f"{r['plots']:,} plot rows, {r['households']:,} households, {r['loans']:,} loans"
        f" ({r['size_mb']:.0f} MB Parquet, {generated}: {where});"
        f" {config['threads']} threads, {config['memory_mb']} MB, best of {config['repeat']}"
    )
    if r.get("spark_start_s") is not None:
        print(f"spark: JVM and session started in {r['spark_start_s']:.1f} s (not counted below)")
    engines = [e for e in config["engines"] if e in r["times"]]
    print(f"{'query':16s}" + "".join(f"{e:>20s}" for e in engines))
    for query in QUERIES:
        base = r["times"]["duckdb"].get(query)
        cells = []
        for engine in engines:
            seconds = r["times"][engine].get(query)
            if seconds is None:
                cells.append(f"{r['errors'].get(engine, 'failed')[:18]:>20s}")
            elif base:
                cells.append(f"{seconds:8.2f} s ({seconds / base:5.2f}x)")
            else:
                cells.append(f"{seconds:8.2f} s        ")
        print(f"{query:16s}" + "".join(f"{c:>20s}" for c in cells))
    print(f"answers agree across engines: {'yes' if r['agree'] else 'NO: ' + r['disagree']}")
    if "ddgov" in r["times"] and r["times"]["ddgov"]:
        total = sum(r["times"]["ddgov"].values())
        base_total = sum(r["times"]["duckdb"].values())
        ratio = total / base_total
        verdict = "meets" if ratio <= GOAL_RATIO else "MISSES"
        print(
            f"ddgov engine layer / bare DuckDB over the three queries: {ratio:.2f}x"
            f" (goal <= {GOAL_RATIO}x) -> {verdict}"
        )


# -- child -------------------------------------------------------------------------------------------
def _registry(cache: Path, rows: int) -> float | None:
    """Generate the registry into ``cache`` unless it is there already; seconds, or None if cached."""
    from ddgov.analytics.farmer import TABLES, farmer_registry_write  # noqa: PLC0415

    if all((cache / f"{t}.parquet").is_file() for t in TABLES):
        return None
    started = time.perf_counter()
    farmer_registry_write(folder=cache, rows=rows, seed=SEED)
    return time.perf_counter() - started


def _catalog(cache: Path) -> Any:
    """Register the cached files as ``farmer-registry`` (private, OAE) and return an admin.

    The files stay where they are (the cache is inside this run's lake), so nothing is copied.
    """
    from django.core.management import call_command  # noqa: PLC0415

    from ddgov.agencies.models import Agency  # noqa: PLC0415
    from ddgov.catalog.models import Dataset, Resource, ResourceVersion  # noqa: PLC0415
    from ddgov.governance.models import ColumnClass  # noqa: PLC0415
    from ddgov.identity.models import User  # noqa: PLC0415
    from ddgov.lake.storage import lake_root  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    agency = Agency.objects.create(
        code="oae", name_th="สำนักงานเศรษฐกิจการเกษตร", name_en="OAE", kind="department"
    )
    dataset = Dataset.objects.create(
        name="farmer-registry", title="ทะเบียนเกษตรกร", owner_org=agency, private=True
    )
    for table in ("households", "plots", "loans"):
        resource = Resource.objects.create(dataset=dataset, name=table, format="PARQUET")
        path = cache / f"{table}.parquet"
        version = ResourceVersion.objects.create(
            resource=resource,
            number=1,
            status="succeeded",
            original_filename=f"{table}.parquet",
            original_path=f"raw/{table}.parquet",
            parquet_path=str(path.relative_to(lake_root())),
        )
        resource.current_version = version
        resource.save(update_fields=["current_version"])
        for column in ("citizen_id", "name"):
            ColumnClass.objects.create(
                resource=resource,
                column=column,
                category="personal",
                access_level="confidential",
                source=ColumnClass.Source.STEWARD,
            )
    return User.objects.create(
        username="bench.admin", kind=User.Kind.STAFF, is_platform_admin=True, is_staff=True
    )


def _normal(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows comparable across engines: numbers to 6 significant digits, sorted."""

    def cell(value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        return float(f"{float(value):.6g}")

    return sorted((tuple(cell(v) for v in row) for row in rows), key=repr)


def _bare_duckdb(
    cache: Path, threads: int, memory_mb: int
) -> Callable[[str], list[tuple[Any, ...]]]:
    import duckdb  # noqa: PLC0415

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET threads = {threads}")
    con.execute(f"SET memory_limit = '{memory_mb}MB'")
    for table in ("households", "plots", "loans"):
        path = cache / f"{table}.parquet"
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{path}')")  # noqa: S608

    def run_query(name: str) -> list[tuple[Any, ...]]:
        return con.execute(QUERIES[name].format(plots="plots", loans="loans")).fetchall()

    return run_query


def _ddgov(
    user: Any, engine: str, threads: int, memory_mb: int
) -> Callable[[str], list[tuple[Any, ...]]]:
    from ddgov.analytics.access.principal import principal_for_user  # noqa: PLC0415
    from ddgov.analytics.services.queries import query_run  # noqa: PLC0415
    from ddgov.lake.sandbox import SandboxLimits  # noqa: PLC0415

    principal = principal_for_user(user=user)
    limits = SandboxLimits(
        timeout_s=1800, memory_mb=memory_mb, threads=threads, max_rows=10_000, max_temp_mb=20_000
    )

    def run_query(name: str) -> list[tuple[Any, ...]]:
        sql = QUERIES[name].format(
            plots='"farmer-registry"."plots"', loans='"farmer-registry"."loans"'
        )
        outcome = query_run(
            principal=principal, sql=sql, engine=engine, limits=limits, channel="bench"
        )
        return outcome.rows

    return run_query


def _pandas(cache: Path) -> Callable[[str], list[tuple[Any, ...]]]:
    import pandas as pd  # noqa: PLC0415

    def read(table: str, columns: list[str]) -> Any:
        return pd.read_parquet(cache / f"{table}.parquet", columns=columns)

    def group_by() -> Any:
        df = read("plots", ["province", "crop", "area_rai", "yield_kg"])
        df["area_rai"] = df["area_rai"].astype("float64")
        out = df.groupby(["province", "crop"], sort=False).agg(
            plots=("area_rai", "size"), area_rai=("area_rai", "sum"), yield_kg=("yield_kg", "sum")
        )
        out["kg_per_rai"] = out["yield_kg"] / out["area_rai"]
        return out.reset_index()

    def count_distinct() -> Any:
        df = read("plots", ["province", "household_id"])
        return df.groupby("province", sort=False)["household_id"].nunique().reset_index()

    def join() -> Any:
        plots = read("plots", ["household_id", "region", "area_rai", "crop_year"])
        plots = plots[plots["crop_year"] == LATEST_YEAR]
        plots["area_rai"] = plots["area_rai"].astype("float64")
        land = plots.groupby(["household_id", "region"], sort=False)["area_rai"].sum()
        land = land.rename("rai").reset_index()
        loans = read("loans", ["household_id", "outstanding_baht", "status"])
        loans = loans[loans["status"] != "ปิดบัญชี"]
        loans["outstanding_baht"] = loans["outstanding_baht"].astype("float64")
        debt = loans.groupby("household_id", sort=False)["outstanding_baht"].sum()
        joined = land.merge(debt.rename("debt").reset_index(), on="household_id")
        out = joined.groupby("region", sort=False).agg(
            households=("household_id", "size"), debt=("debt", "sum"), rai=("rai", "sum")
        )
        out["debt_per_rai"] = out["debt"] / out["rai"]
        return out.reset_index()[["region", "households", "debt_per_rai"]]

    frames = {"group-by": group_by, "count-distinct": count_distinct, "join": join}

    def run_query(name: str) -> list[tuple[Any, ...]]:
        frame = frames[name]()
        return [
            tuple(None if pd.isna(v) else v for v in row)
            for row in frame.itertuples(index=False, name=None)
        ]

    return run_query


def _child() -> dict[str, Any]:
    import django  # noqa: PLC0415

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddgov.settings")
    django.setup()
    from ddgov.analytics.farmer import farmer_counts  # noqa: PLC0415
    from ddgov.lake.storage import lake_root  # noqa: PLC0415

    config = json.loads(os.environ["BENCH_ANALYTICS_CHILD"])
    folder = f"farmer-{config['rows']}-{SEED}"
    cache = lake_root() / folder
    generate_s = _registry(cache, config["rows"])
    admin = _catalog(cache)
    threads, memory_mb, repeat = config["threads"], config["memory_mb"], config["repeat"]
    runners: dict[str, Callable[[], Callable[[str], list[tuple[Any, ...]]]]] = {
        "duckdb": lambda: _bare_duckdb(cache, threads, memory_mb),
        "ddgov": lambda: _ddgov(admin, "duckdb", threads, memory_mb),
        "pandas": lambda: _pandas(cache),
        "spark": lambda: _ddgov(admin, "spark", threads, memory_mb),
    }
    times: dict[str, dict[str, float]] = {}
    answers: dict[str, dict[str, list[tuple[Any, ...]]]] = {}
    errors: dict[str, str] = {}
    spark_start_s = None
    queries: dict[str, Callable[[str], list[tuple[Any, ...]]]] = {}
    for engine in config["engines"]:
        queries[engine] = runners[engine]()
        times[engine], answers[engine] = {}, {}
        if engine == "spark":
            started = time.perf_counter()
            queries[engine]("count-distinct")  # starts the JVM and the session
            spark_start_s = time.perf_counter() - started
    for query in QUERIES:
        # Warm-up (file cache, pooled connection, JVM code paths), then the engines take turns
        # in every round, so a change in the machine's load falls on all of them alike.
        running = []
        for engine, run_query in queries.items():
            try:
                answers[engine][query] = _normal(run_query(query))
            except Exception as exc:  # noqa: BLE001 - one engine failing must not hide the others
                errors[engine] = f"{type(exc).__name__}: {exc}"[:200]
                continue
            running.append(engine)
        for _round in range(repeat):
            for engine in running:
                started = time.perf_counter()
                queries[engine](query)
                seconds = time.perf_counter() - started
                times[engine][query] = min(times[engine].get(query, seconds), seconds)
    disagree = [
        f"{engine}/{query}"
        for engine, by_query in answers.items()
        for query, rows in by_query.items()
        if rows != answers["duckdb"].get(query)
    ]
    counts = farmer_counts(rows=config["rows"])
    size = sum((cache / f"{t}.parquet").stat().st_size for t in ("households", "plots", "loans"))
    return {
        "folder": folder,
        "plots": counts.plots,
        "households": counts.households,
        "loans": counts.loans,
        "size_mb": size / 1e6,
        "generate_s": generate_s,
        "spark_start_s": spark_start_s,
        "times": times,
        "errors": errors,
        "agree": not disagree,
        "disagree": ", ".join(disagree),
    }


if __name__ == "__main__":
    if os.environ.get("BENCH_ANALYTICS_CHILD"):
        print(json.dumps(_child()))
    else:
        run()
