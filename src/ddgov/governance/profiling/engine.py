# ruff: noqa: S608 - SQL from our own .sql files, quoted identifiers and quoted paths only
"""The profiler: one DuckDB pass over a Parquet table for every column's statistics.

``table_profile`` touches no database, so the service (a version in the lake) and the
``ddgov profile FILE`` command (any Parquet file) share it. It runs two kinds of statement:

1. **One scan for every aggregate** — counts, nulls, blanks, distinct counts (exact up to
   ``EXACT_DISTINCT_MAX_ROWS`` rows, HyperLogLog ``approx_count_distinct`` above), min/max,
   length range, mean and standard deviation, and the Thai detections that are per value
   (Thai digits, Buddhist-era years and dates, 13-digit citizen IDs with a valid check digit).
   The statement is built from the fragments in ``sql/stats.sql``: one SELECT, all columns.
2. **Grouped passes over a sample** — top values, value patterns and the share of values that
   are gazetteer codes or names (``sql/frequencies.sql``). The sample is the whole table up to
   ``SAMPLE_ROWS`` rows, else a Bernoulli sample of about that many rows (row by row, with a
   fixed seed: cheaper than a reservoir and unbiased on sorted files); sampled counts are scaled
   to the column's non-null count and the profile says so (``"sampled": true``).

The result is the ``Profile.data`` document described in ``docs/governance-profiling.md``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings

from ddgov.governance.gazetteer import gazetteer_register
from ddgov.lake.duckdb_types import INTEGER_TYPES
from ddgov.lake.storage import scratch_dir

Progress = Callable[[float, str], None]
SQL_DIR = Path(__file__).with_name("sql")

ROW_ID = "_id"
"""The catalog's row-number column: not data, never profiled."""
SAMPLE_ROWS = 200_000
EXACT_DISTINCT_MAX_ROWS = 1_000_000
TOP_VALUES = 10
TOP_PATTERNS = 5
MAX_VALUE_CHARS = 200
ADMIN_MIN_PCT = {"code": 95.0, "name": 70.0}
"""Share of a column's (sampled) values that must be gazetteer codes or names to call it one.

Codes need more: small integers such as ages often fall in the province-code range. Names
need less: real registers mix in other offices (DOPA's population table lists municipal
registration offices beside districts)."""
BE_YEAR_COLUMN_PCT = 90.0
"""Integers count as Buddhist-era years only in a column that is mostly 2400-2700: elsewhere
(a population count) a value such as 2566 is just a number."""
ADMIN_LEVELS = ("province", "district", "subdistrict")
SEED = 42

_SECTION = re.compile(r"^-- name: (\w+)\s*$", re.MULTILINE)
_INTEGER_TYPES = frozenset(INTEGER_TYPES)
_FRICTIONLESS = {
    "text": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
}


class ProfileError(ValueError):
    """The table cannot be profiled (message in English and Thai)."""


def sql_ident(name: str) -> str:
    """Quote ``name`` as a SQL identifier (Thai, spaces and quotes allowed)."""
    return '"' + str(name).replace('"', '""') + '"'


def sql_literal(value: str) -> str:
    """Quote ``value`` as a SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


@cache
def _sql(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


@cache
def stats_fragments() -> dict[str, str]:
    """The sections of ``sql/stats.sql`` by name, comments removed."""
    parts = _SECTION.split(_sql("stats.sql"))
    sections: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        lines = [ln for ln in body.splitlines() if ln.strip() and not ln.lstrip().startswith("--")]
        sections[name] = "\n".join(lines)
    return sections


def column_kind(duckdb_type: str) -> str:
    """How a column is profiled: text, integer, number, temporal, boolean or other."""
    base = duckdb_type.upper().split("(")[0].strip()
    if base == "VARCHAR":
        return "text"
    if base in _INTEGER_TYPES:
        return "integer"
    if base in {"FLOAT", "DOUBLE", "DECIMAL", "REAL"}:
        return "number"
    if base.startswith(("DATE", "TIMESTAMP", "TIME")):
        return "temporal"
    if base == "BOOLEAN":
        return "boolean"
    return "other"


def _default_type(kind: str, duckdb_type: str) -> str:
    if kind == "temporal":
        base = duckdb_type.upper()
        return "date" if base == "DATE" else "time" if base.startswith("TIME ") else "datetime"
    return _FRICTIONLESS.get(kind, "any")


def connect(scratch: Path) -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB for one profile: capped memory, spills to ``scratch``."""
    config: dict[str, Any] = {
        "memory_limit": str(getattr(settings, "GOVERNANCE_PROFILE_MEMORY_LIMIT", "2GB")),
        "temp_directory": str(scratch),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    threads = getattr(settings, "GOVERNANCE_PROFILE_THREADS", None)
    if threads:
        config["threads"] = int(threads)
    con = duckdb.connect(":memory:", config=config)
    con.execute("SET enable_progress_bar = false; SET TimeZone = 'UTC'")
    con.execute(_sql("macros.sql"))
    gazetteer_register(con)
    con.execute(_sql("gazetteer_keys.sql"))
    return con


def _jsonable(value: Any) -> Any:
    """A statistic as JSON: dates as ISO text, decimals as floats, long text cut short."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS] + "…"


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


class _Column:
    """One column being profiled: its names in SQL and what the schema says about it."""

    def __init__(self, index: int, name: str, duckdb_type: str, field: Mapping[str, Any]) -> None:
        self.index, self.name, self.duckdb_type = index, name, duckdb_type
        self.kind = column_kind(duckdb_type)
        self.type = str(field.get("type") or _default_type(self.kind, duckdb_type))
        self.format = str(field.get("format") or "")
        self.notes: Mapping[str, Any] = field.get("x_ddgov") or {}
        self.ident = sql_ident(name)
        self.derived = sql_ident(f"__ddgov_id_{index}")

    @property
    def has_id_candidates(self) -> bool:
        return self.kind in {"text", "integer"}

    def fill(self, fragment: str, *, exact_distinct: bool) -> str:
        """A fragment of ``sql/stats.sql`` with this column's names filled in."""
        target = self.ident if self.kind != "other" else f"CAST({self.ident} AS VARCHAR)"
        distinct = (
            f"count(DISTINCT {target})" if exact_distinct else f"approx_count_distinct({target})"
        )
        return (
            fragment.replace("{distinct}", distinct)
            .replace("{c}", self.ident)
            .replace("{d}", self.derived)
            .replace("{i}", str(self.index))
        )


def _stats_statement(parquet: Path, columns: Sequence[_Column], *, exact_distinct: bool) -> str:
    frags = stats_fragments()
    projected = [c.ident for c in columns]
    projected += [
        c.fill(frags[f"derive_{c.kind}"], exact_distinct=exact_distinct)
        for c in columns
        if c.has_id_candidates
    ]
    aggregates = ['count(*) AS "rows"']
    for c in columns:
        aggregates.append(c.fill(frags["common"], exact_distinct=exact_distinct))
        if c.kind in frags:
            aggregates.append(c.fill(frags[c.kind], exact_distinct=exact_distinct))
    select_list = ",\n".join(aggregates)
    return (
        f"WITH t AS (SELECT {', '.join(projected)} FROM read_parquet({sql_literal(str(parquet))}))\n"
        f"SELECT {select_list} FROM t"
    )


def _admin(found: Sequence[Mapping[str, Any]] | None, total: int) -> dict[str, Any]:
    """Pick the gazetteer level the column's values are codes or names of, if any."""
    best: tuple[float, int, int, str, str] | None = None
    best_any = 0.0
    for hit in found or []:
        pct = _pct(int(hit["count"]), total)
        best_any = max(best_any, pct)
        if pct < ADMIN_MIN_PCT[hit["kind"]]:
            continue
        rank = (
            pct,
            -ADMIN_LEVELS.index(hit["level"]),
            int(hit["kind"] == "code"),
            hit["level"],
            hit["kind"],
        )
        if best is None or rank > best:
            best = rank
    if best is None:
        return {"admin_level": None, "admin_kind": None, "admin_match_pct": best_any}
    return {"admin_level": best[3], "admin_kind": best[4], "admin_match_pct": best[0]}


def _frequencies(
    con: duckdb.DuckDBPyConnection, column: _Column, count: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Top values, patterns and gazetteer match of one column (counts scaled from the sample)."""
    sql = (
        _sql("frequencies.sql")
        .replace("{c}", column.ident)
        .replace("{top}", str(TOP_VALUES))
        .replace("{patterns}", str(TOP_PATTERNS))
    )
    total, top, patterns, admin = con.execute(sql).fetchone() or (0, None, None, None)
    total = int(total or 0)
    scale = count / total if total else 0.0

    def scaled(n: int) -> int:
        return round(n * scale)

    top_values = [{"value": t["value"], "count": scaled(t["count"])} for t in top or []]
    shapes = [{"pattern": p["pattern"], "count": scaled(p["count"])} for p in patterns or []]
    if column.kind in {"text", "integer"}:
        detected = _admin(admin, total)
    else:
        detected = {"admin_level": None, "admin_kind": None, "admin_match_pct": 0.0}
    return top_values, shapes, detected


def _is_be(column: _Column) -> bool:
    """Whether ingestion read this year/date column in the Buddhist era (its ``format``)."""
    return column.type in {"year", "date", "datetime"} and "be" in column.format.split("-")


def _column_document(
    column: _Column, stats: Mapping[str, Any], rows: int, *, approx: bool
) -> dict[str, Any]:
    i = column.index

    def stat(name: str) -> Any:
        return stats.get(f"{i}:{name}")

    count = int(stat("count") or 0)
    blanks = int(stat("blanks") or 0)
    citizen = int(stat("citizen_id_like") or 0)
    buddhist = count if _is_be(column) else int(stat("buddhist_era") or 0)
    if (
        column.kind == "integer"
        and not _is_be(column)
        and _pct(buddhist, count) < BE_YEAR_COLUMN_PCT
    ):
        buddhist = 0
    numeric = column.kind in {"integer", "number"}
    return {
        "name": column.name,
        "type": column.type,
        "duckdb_type": column.duckdb_type,
        "count": count,
        "nulls": rows - count,
        "null_pct": _pct(rows - count, rows),
        "blanks": blanks,
        "blank_pct": _pct(blanks, rows),
        "distinct": int(stat("distinct") or 0),
        "distinct_approx": approx,
        "min": _jsonable(stat("min")),
        "max": _jsonable(stat("max")),
        "min_length": stat("min_length"),
        "max_length": stat("max_length"),
        "mean": _jsonable(float(stat("mean"))) if numeric and stat("mean") is not None else None,
        "stddev": (
            _jsonable(float(stat("stddev"))) if numeric and stat("stddev") is not None else None
        ),
        "top_values": [],
        "patterns": [],
        "thai": {
            "buddhist_era": buddhist,
            "thai_digits": int(stat("thai_digits") or 0),
            "thai_digits_converted": bool(column.notes.get("thai_digits")),
            "admin_level": None,
            "admin_kind": None,
            "admin_match_pct": 0.0,
            "citizen_id_like": citizen,
            "citizen_id_pct": _pct(citizen, count),
        },
    }


def parquet_columns(con: duckdb.DuckDBPyConnection, parquet: Path) -> list[tuple[str, str]]:
    """The (name, DuckDB type) of every column of a Parquet file, or ProfileError."""
    try:
        described = con.execute(
            f"DESCRIBE SELECT * FROM read_parquet({sql_literal(str(parquet))})"
        ).fetchall()
    except duckdb.Error as exc:
        reason = (str(exc).splitlines() or [type(exc).__name__])[0]
        msg = (
            f"The file cannot be read as a Parquet table ({reason}). / "
            f"อ่านไฟล์เป็นตาราง Parquet ไม่ได้ ({reason})"
        )
        raise ProfileError(msg) from exc
    return [(str(row[0]), str(row[1])) for row in described]


def _silent(_fraction: float, _message: str = "") -> None:
    """Progress goes nowhere."""


def table_profile(
    *,
    parquet: Path,
    fields: Sequence[Mapping[str, Any]] = (),
    progress: Progress | None = None,
    sample_rows: int = SAMPLE_ROWS,
    exact_distinct_max_rows: int = EXACT_DISTINCT_MAX_ROWS,
) -> dict[str, Any]:
    """Profile the Parquet table at ``parquet`` (see the module doc); ``fields`` is its schema.

    ``fields`` are Table Schema fields (``name``, ``type``, ``format``, ``x_ddgov``); columns
    without one get a type from their DuckDB type. The ``_id`` row number is skipped.
    """
    report = progress or _silent
    if not parquet.is_file():
        msg = f"No such table file: {parquet}. / ไม่พบไฟล์ตาราง: {parquet}"
        raise ProfileError(msg)
    by_name = {str(f.get("name")): f for f in fields}
    with scratch_dir() as scratch:
        con = connect(scratch)
        try:
            return _profile(
                con,
                parquet=parquet,
                by_name=by_name,
                report=report,
                sample_rows=sample_rows,
                exact_distinct_max_rows=exact_distinct_max_rows,
            )
        finally:
            con.close()


def _profile(
    con: duckdb.DuckDBPyConnection,
    *,
    parquet: Path,
    by_name: Mapping[str, Mapping[str, Any]],
    report: Progress,
    sample_rows: int,
    exact_distinct_max_rows: int,
) -> dict[str, Any]:
    described = [(n, t) for n, t in parquet_columns(con, parquet) if n != ROW_ID]
    columns = [_Column(i, n, t, by_name.get(n, {})) for i, (n, t) in enumerate(described)]
    source = f"read_parquet({sql_literal(str(parquet))})"
    rows = int((con.execute(f"SELECT count(*) FROM {source}").fetchone() or (0,))[0])
    exact = rows <= exact_distinct_max_rows
    report(0.05, "statistics")
    stats: dict[str, Any] = {}
    if columns:
        cursor = con.execute(_stats_statement(parquet, columns, exact_distinct=exact))
        names = [d[0] for d in cursor.description or []]
        stats = dict(zip(names, cursor.fetchone() or (), strict=False))
    report(0.6, "values")
    sampled = rows > sample_rows
    projected = ", ".join(c.ident for c in columns) or "1 AS __none"
    percent = min(100.0, 100.0 * sample_rows / rows) if rows else 100.0
    sample = f" USING SAMPLE {percent:.6f}% (bernoulli, {SEED})"
    con.execute(
        f"CREATE OR REPLACE TEMP {'TABLE' if sampled else 'VIEW'} prof_sample AS "
        f"SELECT {projected} FROM {source}{sample if sampled else ''}"
    )
    sample_size = int((con.execute("SELECT count(*) FROM prof_sample").fetchone() or (0,))[0])
    documents = []
    for n, column in enumerate(columns, start=1):
        doc = _column_document(column, stats, rows, approx=not exact)
        top, patterns, admin = _frequencies(con, column, doc["count"])
        doc["top_values"], doc["patterns"] = top, patterns
        doc["thai"].update(admin)
        documents.append(doc)
        report(0.6 + 0.4 * n / len(columns), "values")
    return {
        "row_count": rows,
        "columns": documents,
        "sampled": sampled,
        "sample_rows": sample_size,
        "distinct_approx": not exact,
        "engine": f"duckdb {duckdb.__version__}",
    }
