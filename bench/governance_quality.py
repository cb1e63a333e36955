"""Quality checks on a 20 M-row generated table (goal <= 5 s) beside hand-written DuckDB SQL.

A child process generates a Parquet table with DuckDB's ``range()`` (``_id``, 13-digit citizen
IDs with correct check digits except one in a thousand, province codes of which 1 % are not in
the gazetteer, names with nulls and blanks, a category code list, amounts with a few negatives,
male/female/total counts that disagree now and then, start/end dates and a record date), then
runs eleven rules over all five dimensions through ddgov's engine (checking the rules against
the table, one aggregate pass, samples of the failing rows) and, as the baseline, one
hand-written DuckDB query computing the same failure counts the way a developer would write it
(same thread count, same file, the gazetteer loaded as a table). Both must agree on every count.

Soda Core (SodaCL on DuckDB) and Great Expectations (SQL data source on DuckDB) run the same
eleven checks on the same file when ``scripts/bench-compare-setup`` has made their own virtual
environment (``var/bench-compare``; they are not ddgov dependencies): each in a subprocess, timed
from its own start to its last result, their failure counts printed beside ours.

``BENCH_QUALITY_ROWS`` (20000000) or ``python -m bench.governance_quality --rows N`` sets the size;
``--per-rule`` (or ``BENCH_QUALITY_PER_RULE=1``) also times each rule alone (its own pass), to
show which checks cost the most. The table is written with snappy compression and DuckDB's
default row groups, as the lake's ingest writes it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from bench._support import run_child
from bench.compare import SETUP_HINT, TOOLS, compare_available, compare_run

GOAL_S = 5.0
DEFAULT_ROWS = 20_000_000
RULES = [
    {"id": "name-present", "check": "not_null", "column": "name"},
    {"id": "name-not-blank", "check": "not_blank", "column": "name"},
    {"id": "row-key", "check": "unique", "column": "_id"},
    {"id": "citizen-id", "check": "thai_citizen_id", "column": "citizen_id"},
    {"id": "province", "check": "geocode", "column": "province_code", "level": "province"},
    {"id": "category", "check": "in_set", "column": "category", "values": ["A", "B", "C", "D"]},
    {"id": "amount", "check": "range", "column": "amount", "min": 0},
    {"id": "code-format", "check": "regex", "column": "case_code", "pattern": "[A-Z]{2}-[0-9]{6}"},
    {"id": "total", "check": "compare", "column": "total", "op": "=", "other": ["male", "female"]},
    {"id": "dates", "check": "compare", "column": "end_date", "op": ">=", "other": "start_date"},
    {"id": "fresh", "check": "freshness", "column": "recorded_on", "max_age_days": 31},
]
_DIGITS = " + ".join(f"((b // {10 ** (11 - i)}) % 10) * {13 - i}" for i in range(12))
GENERATE = f"""
SELECT _id, citizen_id, province_code, name, category, amount, case_code, male, female,
       male + female + CASE WHEN _id % 997 = 0 THEN 1 ELSE 0 END AS total,
       start_date, start_date + CAST(CASE WHEN _id % 1999 = 0 THEN -1 ELSE _id % 30 END AS INTEGER) AS end_date,
       DATE '2025-01-01' + CAST(_id % 365 AS INTEGER) AS recorded_on
FROM (
  SELECT range + 1 AS _id,
         CAST(b * 10 + (11 - ({_DIGITS}) % 11) % 10
              + CASE WHEN range % 1000 = 0 THEN 1 ELSE 0 END AS VARCHAR) AS citizen_id,
         CASE WHEN range % 100 = 0 THEN '99'
              ELSE (['10', '11', '12', '13', '30', '40', '50', '57', '83', '90'])[range % 10 + 1]
         END AS province_code,
         CASE WHEN range % 50 = 0 THEN NULL WHEN range % 70 = 0 THEN ' ' ELSE 'ชื่อ ' || (range % 1000) END AS name,
         (['A', 'B', 'C', 'D', 'E'])[CASE WHEN range % 200 = 0 THEN 5 ELSE range % 4 + 1 END] AS category,
         CAST((range % 10000) - CASE WHEN range % 5000 = 0 THEN 20000 ELSE 0 END AS DECIMAL(12, 2)) AS amount,
         CASE WHEN range % 300 = 0 THEN 'bad'
              ELSE 'TH-' || lpad(CAST(range % 1000000 AS VARCHAR), 6, '0') END AS case_code,
         CAST(range % 500 AS INTEGER) AS male, CAST(range % 400 AS INTEGER) AS female,
         DATE '2024-01-01' + CAST(range % 700 AS INTEGER) AS start_date,
         b
  FROM (SELECT range, 100000000000 + range * 7 % 700000000000 AS b FROM range({{rows}}))
)
"""  # noqa: S608 - our own generator
# What a developer writes by hand for the same counts (NULL passes validity, as in ddgov).
HAND_SUM = " + ".join(f"CAST(citizen_id[{i + 1}] AS INTEGER) * {13 - i}" for i in range(12))
BASELINE = f"""
SELECT count(*),
  count_if(name IS NULL),
  count_if(name IS NULL OR trim(name) = ''),
  count(_id) - count(DISTINCT _id),
  count_if(citizen_id IS NOT NULL AND NOT (regexp_full_match(citizen_id, '[1-8][0-9]{{12}}')
    AND (11 - ({HAND_SUM}) % 11) % 10 = CAST(citizen_id[13] AS INTEGER))),
  count_if(province_code IS NOT NULL AND province_code NOT IN (SELECT code FROM gazetteer WHERE level = 'province')),
  count_if(category NOT IN ('A', 'B', 'C', 'D')),
  count_if(amount < 0),
  count_if(NOT regexp_full_match(case_code, '[A-Z]{{2}}-[0-9]{{6}}')),
  count_if(total <> male + female),
  count_if(end_date < start_date),
  max(recorded_on)
FROM read_parquet(?)
"""  # noqa: S608 - our own benchmark SQL

_PROVINCES = "SELECT code FROM gazetteer WHERE level = 'province' ORDER BY code"


# -- parent ------------------------------------------------------------------------------------------
def _rows() -> int:
    if "--rows" in sys.argv:
        return int(sys.argv[sys.argv.index("--rows") + 1])
    return int(os.environ.get("BENCH_QUALITY_ROWS", DEFAULT_ROWS))


def _per_rule() -> bool:
    return "--per-rule" in sys.argv or os.environ.get("BENCH_QUALITY_PER_RULE") == "1"


def run() -> None:
    os.environ["BENCH_QUALITY_ROWS"] = str(_rows())
    os.environ["BENCH_QUALITY_CHILD"] = "1"
    os.environ["BENCH_QUALITY_PER_RULE"] = "1" if _per_rule() else "0"
    try:
        r = run_child("bench.governance_quality")
    finally:
        os.environ.pop("BENCH_QUALITY_CHILD", None)
        os.environ.pop("BENCH_QUALITY_PER_RULE", None)
    print(
        f"{r['rows']:,} rows, {r['size_mb']:.0f} MB Parquet generated in {r['generate_s']:.1f} s;"
        f" {len(RULES)} rules over 5 dimensions, {r['threads']} threads"
    )
    ours, base = r["ours"], r["baseline"]
    print(
        f"ddgov quality checks   {ours['total_s']:6.2f} s (rules checked against the table"
        f" {ours['check_s']:.2f} s, aggregate pass + failing-row samples {ours['run_s']:.2f} s)"
        f" | hand-written DuckDB SQL {base['total_s']:6.2f} s | ratio {base['total_s'] / ours['total_s']:4.2f}x"
    )
    print(
        f"  failure counts agree with the baseline: {'yes' if r['agree'] else 'NO'}; scores {r['scores']}"
    )
    if r["rows"] >= DEFAULT_ROWS:
        meets = ours["total_s"] <= GOAL_S
        print(
            f"  goal <= {GOAL_S:.0f} s on {DEFAULT_ROWS:,} rows -> {'meets' if meets else 'MISSES'}"
        )
    else:
        print(f"  (the goal, <= {GOAL_S:.0f} s, is for {DEFAULT_ROWS:,} rows)")
    if r.get("per_rule"):
        print("  each rule alone (its own pass over the table):")
        for rule_id, seconds in r["per_rule"].items():
            print(f"    {rule_id:16s} {seconds:6.2f} s")
    _print_compare(r)


def _print_compare(r: dict[str, Any]) -> None:
    """Print Soda's and GX's times beside ours, and every failure count side by side."""
    compare = r.get("compare") or {}
    ours_s = r["ours"]["total_s"]
    for name, tool in TOOLS:
        got = compare.get(tool)
        if got is None:
            print(f"  {name}: {SETUP_HINT}")
        elif "error" in got:
            print(f"  {name}: FAILED - {got['error']}")
        else:
            agree = got["failed"] == r["counts"] and got["fresh"] == r["fresh"]
            print(
                f"  {name} {got['version']}: {got['seconds']:6.2f} s | ratio to ddgov"
                f" {got['seconds'] / ours_s:4.2f}x | same failure counts as ddgov:"
                f" {'yes' if agree else 'NO'}{'; errors: ' + str(got['errors']) if got['errors'] else ''}"
            )
    ran = [(name, tool) for name, tool in TOOLS if "failed" in (compare.get(tool) or {})]
    if not ran:
        return
    print(
        f"  failed rows per rule: {'rule':16s} {'ddgov':>10s}"
        + "".join(f" {t:>10s}" for _, t in ran)
    )
    for rule_id, count in r["counts"].items():
        cells = "".join(f" {_count(compare[t]['failed'].get(rule_id)):>10s}" for _, t in ran)
        print(f"  {'':22s}{rule_id:16s} {count:>10,}{cells}")
    cells = "".join(f" {_fresh(compare[t]['fresh']):>10s}" for _, t in ran)
    print(f"  {'':22s}{'fresh':16s} {_fresh(r['fresh']):>10s}{cells}")


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _fresh(value: bool | None) -> str:  # noqa: FBT001 - a table cell
    return "-" if value is None else ("pass" if value else "fail")


# -- child -------------------------------------------------------------------------------------------
def _child() -> dict[str, Any]:
    import django  # noqa: PLC0415

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddgov.settings")
    django.setup()
    import datetime as dt  # noqa: PLC0415

    from ddgov.governance.gazetteer import gazetteer_register  # noqa: PLC0415
    from ddgov.governance.quality.engine import (  # noqa: PLC0415
        Context,
        connection,
        quality_execute,
        quality_scores,
        table_describe,
        table_problems,
    )
    from ddgov.governance.quality.rules import rules_parse  # noqa: PLC0415
    from ddgov.lake.storage import tmp_dir  # noqa: PLC0415

    rows = int(os.environ.get("BENCH_QUALITY_ROWS", DEFAULT_ROWS))
    path = tmp_dir() / "quality-bench.parquet"
    started = time.perf_counter()
    with connection() as con:
        con.execute(
            f"COPY ({GENERATE.format(rows=rows)}) TO '{path}' (FORMAT parquet, COMPRESSION snappy)"
        )
    generate_s = time.perf_counter() - started
    rules = rules_parse(RULES)
    context = Context(now=dt.datetime(2025, 1, 20, tzinfo=dt.UTC))
    with connection() as con:
        threads = con.execute("SELECT current_setting('threads')").fetchone()[0]  # type: ignore[index]
        gazetteer_register(con)  # both sides get the table ready-made
        t0 = time.perf_counter()
        table = table_describe(con, path)
        problems = table_problems(con, rules, table, context)
        t1 = time.perf_counter()
        results = quality_execute(con, rules, table, context)
        t2 = time.perf_counter()
        per_rule: dict[str, float] = {}
        if os.environ.get("BENCH_QUALITY_PER_RULE") == "1":
            for rule in rules:
                r0 = time.perf_counter()
                quality_execute(con, [rule], table, context)
                per_rule[rule.id] = time.perf_counter() - r0
    with connection() as con:
        gazetteer_register(con)
        b0 = time.perf_counter()
        base = con.execute(BASELINE, [str(path)]).fetchone()
        b1 = time.perf_counter()
        provinces = [row[0] for row in con.execute(_PROVINCES).fetchall()]
    assert not problems, problems  # noqa: S101
    assert base is not None  # noqa: S101
    ours_counts = [r["failed"] for r in results if r["check"] != "freshness"]
    agree = base[0] == results[0]["rows"] and list(base[1:11]) == ours_counts
    compare: dict[str, dict[str, Any]] = {}
    if compare_available():
        job = {
            "path": str(path),
            "threads": int(threads),
            "provinces": provinces,
            "now": context.now.isoformat(),
        }
        compare = {tool: compare_run(tool, job) for _, tool in TOOLS}
    size_mb = path.stat().st_size / 1e6
    path.unlink(missing_ok=True)
    scores, overall = quality_scores(results)
    return {
        "rows": rows,
        "size_mb": size_mb,
        "generate_s": generate_s,
        "threads": threads,
        "ours": {"total_s": t2 - t0, "check_s": t1 - t0, "run_s": t2 - t1},
        "baseline": {"total_s": b1 - b0},
        "agree": agree,
        "scores": {**scores, "overall": overall},
        "per_rule": per_rule,
        "counts": {r["id"]: r["failed"] for r in results if r["check"] != "freshness"},
        "fresh": next(r["passed"] for r in results if r["check"] == "freshness"),
        "compare": compare,
    }


if __name__ == "__main__":
    if os.environ.get("BENCH_QUALITY_CHILD"):
        print(json.dumps(_child()))
    else:
        run()
