"""Duplicate screening with 1 M stored complaints: latency p50/p95/p99 (goal p95 <= 50 ms), build, memory.

1 M synthetic open complaints (``BENCH_DUPLICATES_ROWS``) made from the real Traffy texts with
re-typing variations, 55 % around real Bangkok complaint points and 45 % around the other
provinces' centres, filed over one year (:mod:`bench._complaints_synth`), are streamed into a
:class:`~ddgov.complaints.duplicates.index.DuplicateIndex` exactly as the future models will feed
it (``from_rows``, each text segmented with PyThaiNLP ``newmm`` on the way in). Then
``BENCH_DUPLICATES_QUERIES`` (1,000) new complaints are screened with ``find(limit=5)``: half
re-report a stored complaint (re-typed, ~40 m away), half are about something else. Each query's
wall time includes segmenting its text.

Side by side, in the same run and on the same queries:

* **grid index** — ours: grid cells around the point, then vectorised scoring of those rows;
* **numpy full scan** — the same scoring over every stored row (``find(exhaustive=True)``),
  i.e. brute force without the spatial index; on ``BENCH_DUPLICATES_SCAN_QUERIES`` (200) of the
  queries, whose answers must equal the grid's;
* **pure-Python loop** — what a first version would do: a dict per complaint, ``math`` haversine
  and dict TF-IDF cosines in a ``for`` loop, measured on ``BENCH_DUPLICATES_LOOP_ROWS`` (20,000)
  stored complaints and ``BENCH_DUPLICATES_LOOP_QUERIES`` (50) queries, then scaled linearly to
  the full size (its cost is linear in the stored count; the scaling is printed as such).

Build time is split into generating the synthetic texts (not counted), segmenting them and
filling the index. Memory: the index's numpy arrays, and the process RSS growth over the build
(which adds the keys, the grid, the vocabulary and allocator slack).

Run ``python -m bench complaints-duplicates`` (options ``--rows N --queries N``) or
``python -m bench.complaints_duplicates``. Environment: ``BENCH_DUPLICATES_ROWS`` (1000000),
``BENCH_DUPLICATES_QUERIES`` (1000), ``BENCH_DUPLICATES_SCAN_QUERIES`` (200),
``BENCH_DUPLICATES_LOOP_ROWS`` (20000), ``BENCH_DUPLICATES_LOOP_QUERIES`` (50),
``BENCH_DUPLICATES_SEED`` (2567), ``DDGOV_SHARED_DATA`` (the real data folder).
"""

from __future__ import annotations

import gc
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

from bench._support import run_child

GOAL_P95_MS = 50.0
DEFAULTS = {
    "rows": 1_000_000,
    "queries": 1000,
    "scan_queries": 200,
    "loop_rows": 20_000,
    "loop_queries": 50,
    "seed": 2567,
}


# -- parent ------------------------------------------------------------------------------------------
def _option(name: str, default: int) -> int:
    flag = f"--{name.replace('_', '-')}"
    if flag in sys.argv:
        return int(sys.argv[sys.argv.index(flag) + 1])
    return int(os.environ.get(f"BENCH_DUPLICATES_{name.upper()}", default))


def _settings() -> dict[str, Any]:
    config: dict[str, Any] = {name: _option(name, value) for name, value in DEFAULTS.items()}
    config["queries"] = max(config["queries"], 1)
    config["scan_queries"] = min(config["scan_queries"], config["queries"])
    data = os.environ.get("DDGOV_SHARED_DATA")
    project = Path(__file__).resolve().parent.parent
    config["data_dir"] = data or str(project.parent / "shared" / "data")
    return config


def run() -> None:
    config = _settings()
    os.environ["BENCH_DUPLICATES_CHILD"] = json.dumps(config)
    try:
        r = run_child("bench.complaints_duplicates")
    finally:
        os.environ.pop("BENCH_DUPLICATES_CHILD", None)
    print(
        f"{r['stored']:,} stored complaints ({r['vocabulary']:,} distinct words,"
        f" {r['features'] / r['stored']:.1f} per complaint, {r['cells']:,} grid cells);"
        f" {r['queries']:,} queries, half re-reports; seed {config['seed']}"
    )
    print(
        f"build: generate {r['generate_s']:.1f} s (not counted) · segment (newmm)"
        f" {r['segment_s']:.1f} s · fill index {r['index_s']:.1f} s"
        f" -> {r['segment_s'] + r['index_s']:.1f} s ({r['stored'] / (r['segment_s'] + r['index_s']):,.0f}"
        " complaints/s)"
    )
    print(
        f"memory: index arrays {r['array_mb']:.0f} MB; process RSS +{r['rss_growth_mb']:.0f} MB"
        f" over the build (peak RSS {r['peak_rss_mb']:.0f} MB)"
    )
    grid = r["grid"]
    print(
        f"{'method':34s}{'queries':>8s}{'p50 ms':>10s}{'p95 ms':>10s}{'p99 ms':>10s}{'p95 vs grid':>13s}"
    )
    rows = [("grid index (ours)", grid), ("numpy full scan", r["scan"])]
    for name, m in rows:
        print(
            f"{name:34s}{m['n']:8d}{m['p50']:10.2f}{m['p95']:10.2f}{m['p99']:10.2f}"
            f"{m['p95'] / grid['p95']:12.1f}x"
        )
    loop = r["loop"]
    scale = r["stored"] / loop["rows"]
    print(
        f"{'pure-Python loop @ ' + format(loop['rows'], ',') + ' rows':34s}{loop['n']:8d}"
        f"{loop['p50']:10.2f}{loop['p95']:10.2f}{loop['p99']:10.2f}"
        f"{loop['p95'] / grid['p95']:12.1f}x"
    )
    print(
        f"{'  … scaled x' + format(scale, '.0f') + ' to ' + format(r['stored'], ',') + ' (est.)':34s}"
        f"{'':8s}{loop['p50'] * scale:10.0f}{loop['p95'] * scale:10.0f}{loop['p99'] * scale:10.0f}"
        f"{loop['p95'] * scale / grid['p95']:12.0f}x"
    )
    print(
        f"grid vs full scan answers agree: {'yes' if r['agree'] else 'NO'}"
        f" ({r['scan']['n']} queries); re-reports found in the top 5: {r['found_share']:.0%}"
    )
    verdict = "meets" if grid["p95"] <= GOAL_P95_MS else "MISSES"
    goal = f"goal <= {GOAL_P95_MS:.0f} ms"
    print(
        f"duplicate check p95 {grid['p95']:.1f} ms at {r['stored']:,} stored ({goal}) -> {verdict}"
    )


# -- child -------------------------------------------------------------------------------------------
def _rss_mb() -> float:
    try:
        with Path("/proc/self/status").open() as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _peak_rss_mb() -> float:
    import resource  # noqa: PLC0415

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentiles(times_ms: list[float]) -> dict[str, float]:
    ordered = sorted(times_ms)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]

    return {"n": len(ordered), "p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99)}


class _Loop:
    """The pure-Python baseline: a list of dicts and a for loop (same scoring as the engine)."""

    def __init__(self, rows: list[dict[str, Any]], settings: Any) -> None:
        from ddgov.complaints.duplicates.text import text_tokens  # noqa: PLC0415

        self.settings = settings
        self.rows = []
        self.df: dict[str, int] = {}
        for row in rows:
            tf: dict[str, int] = {}
            for token in text_tokens(row["text"]):
                tf[token] = tf.get(token, 0) + 1
            for token in tf:
                self.df[token] = self.df.get(token, 0) + 1
            self.rows.append({**row, "tf": tf, "at_s": row["at"].timestamp()})

    def _vector(self, tf: dict[str, int]) -> dict[str, float]:
        n = len(self.rows)
        return {
            t: (1 + math.log(c)) * (math.log((1 + n) / (1 + self.df.get(t, 0))) + 1)
            for t, c in tf.items()
        }

    def find(self, query: dict[str, Any], limit: int = 5) -> list[tuple[float, str]]:
        from ddgov.complaints.duplicates.geo import haversine_m  # noqa: PLC0415
        from ddgov.complaints.duplicates.text import text_tokens  # noqa: PLC0415

        s = self.settings
        tf: dict[str, int] = {}
        for token in text_tokens(query["text"]):
            tf[token] = tf.get(token, 0) + 1
        qv = self._vector(tf)
        qn = math.sqrt(sum(w * w for w in qv.values())) or 1.0
        at = query["at"].timestamp()
        found = []
        for row in self.rows:
            d = haversine_m(query["lat"], query["lon"], row["lat"], row["lon"])
            age = at - row["at_s"]
            if d > s.radius_m or age > s.max_age_days * 86400 or age < -s.future_tolerance_s:
                continue
            rv = self._vector(row["tf"])
            rn = math.sqrt(sum(w * w for w in rv.values())) or 1.0
            sim = sum(w * rv.get(t, 0.0) for t, w in qv.items()) / (qn * rn)
            same = bool(set(row["category"]) & set(query["category"]))
            score = (
                s.weight_text * sim
                + s.weight_distance * 2 ** (-d / s.half_distance_m)
                + s.weight_category * (1.0 if same else s.category_unknown)
                + s.weight_time * 2 ** (-max(age, 0) / (s.half_life_days * 86400))
            )
            if score >= s.threshold:
                found.append((score, row["key"]))
        return sorted(found, reverse=True)[:limit]


def _build(
    config: dict[str, Any], synth: Any
) -> tuple[Any, list[dict[str, Any]], dict[str, float]]:
    """Stream the synthetic complaints into an index; return it, the query sample and timings."""
    from ddgov.complaints.duplicates.index import DuplicateIndex  # noqa: PLC0415
    from ddgov.complaints.duplicates.text import text_tokens  # noqa: PLC0415

    rows_total, n_queries = config["rows"], config["queries"]
    sample_every = max(1, rows_total // max(1, n_queries))
    sampled: list[dict[str, Any]] = []
    timing = {"generate": 0.0, "segment": 0.0}

    def stream() -> Any:
        made = synth.rows(rows_total)
        while True:
            t0 = time.perf_counter()
            row = next(made, None)
            t1 = time.perf_counter()
            if row is None:
                return
            row["tokens"] = text_tokens(row["text"])
            timing["generate"] += t1 - t0
            timing["segment"] += time.perf_counter() - t1
            if int(row["key"][1:]) % sample_every == 0 and len(sampled) < n_queries:
                sampled.append({k: v for k, v in row.items() if k != "tokens"})
            yield row

    gc.collect()
    rss0 = _rss_mb()
    started = time.perf_counter()
    index = DuplicateIndex.from_rows(stream())
    timing["index"] = time.perf_counter() - started - timing["generate"] - timing["segment"]
    gc.collect()
    timing["rss_growth_mb"] = _rss_mb() - rss0
    return index, sampled, timing


def _time_queries(
    index: Any, queries: list[dict[str, Any]], *, exhaustive: bool = False
) -> tuple[list[float], list[list[Any]]]:
    times, answers = [], []
    for query in queries:
        t0 = time.perf_counter()
        hits = index.find(**query, exhaustive=exhaustive)
        times.append((time.perf_counter() - t0) * 1000)
        answers.append([h.key for h in hits])
    return times, answers


def _loop_baseline(config: dict[str, Any]) -> list[float]:
    from bench._complaints_synth import Synth  # noqa: PLC0415
    from ddgov.complaints.duplicates.config import DEFAULT_SETTINGS  # noqa: PLC0415

    synth = Synth(Path(config["data_dir"]), seed=config["seed"] + 1)
    loop = _Loop(list(synth.rows(config["loop_rows"])), DEFAULT_SETTINGS)
    queries = [synth.query_like(r) for r in loop.rows[: config["loop_queries"] // 2]]
    queries += [synth.query_new() for _ in range(config["loop_queries"] - len(queries))]
    times = []
    for query in queries:
        t0 = time.perf_counter()
        loop.find(query)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def _child(config: dict[str, Any]) -> dict[str, Any]:
    from bench._complaints_synth import Synth  # noqa: PLC0415
    from ddgov.complaints.duplicates.text import text_tokens  # noqa: PLC0415

    text_tokens("โหลดพจนานุกรม")  # load the dictionary and stop words before timing
    synth = Synth(Path(config["data_dir"]), seed=config["seed"])
    index, sampled, timing = _build(config, synth)
    stats = index.stats()
    n_queries, half = config["queries"], config["queries"] // 2
    queries = [synth.query_like(sampled[i % len(sampled)]) for i in range(half)]
    queries += [synth.query_new() for _ in range(n_queries - half)]
    targets = [sampled[i % len(sampled)]["key"] for i in range(half)]
    _time_queries(index, queries[:20])  # warm-up
    grid_ms, grid_keys = _time_queries(index, queries)
    found = sum(target in keys for target, keys in zip(targets, grid_keys, strict=False))
    scan_ms, scan_keys = _time_queries(index, queries[: config["scan_queries"]], exhaustive=True)
    return {
        "stored": len(index),
        "vocabulary": stats["vocabulary"],
        "features": stats["features"],
        "cells": stats["cells"],
        "queries": n_queries,
        "generate_s": timing["generate"],
        "segment_s": timing["segment"],
        "index_s": timing["index"],
        "array_mb": stats["array_bytes"] / 2**20,
        "rss_growth_mb": timing["rss_growth_mb"],
        "peak_rss_mb": _peak_rss_mb(),
        "grid": _percentiles(grid_ms),
        "scan": _percentiles(scan_ms),
        "loop": {**_percentiles(_loop_baseline(config)), "rows": config["loop_rows"]},
        "agree": scan_keys == grid_keys[: len(scan_keys)],
        "found_share": found / max(1, half),
    }


if __name__ == "__main__":
    child_config = json.loads(os.environ["BENCH_DUPLICATES_CHILD"])
    print(json.dumps(_child(child_config)))
