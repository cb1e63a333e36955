"""Run quality rules on one Parquet table: check them first, then one aggregate pass.

Rules are first checked against the table (:func:`table_problems`): unknown columns, wrong
column types, literals that do not fit the column, and finally DuckDB binding each rule's
expression on zero rows — all before any data is read. Then every rule of the table runs in
**one aggregate pass** compiled by :mod:`ddgov.governance.quality.compile` (a ``count_if`` per
rule, a bitmap or ``count(DISTINCT)`` for keys, ``max`` for freshness columns), and a second,
bounded query fetches up to five failing rows per failed rule with their ``_id``.

The pass runs on the chosen analytics engine (``engine=``; ``DDGOV_ENGINE`` for the services):
DuckDB here, on the caller's connection, or Spark through
:mod:`ddgov.governance.quality.spark`. Checking the rules always happens in DuckDB: it reads
only the file's footer.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
from django.utils.translation import gettext as _

from ddgov.governance.quality.compile import (
    BITMAP_BITS_PER_ROW,
    BITMAP_MAX_BITS,
    NATIVE_TYPES,
    NUMERIC_TYPES,
    ROW_ID,
    SAMPLES_PER_RULE,
    Compiled,
    Context,
    Table,
    aggregate_sql,
    base_type,
    compile_rule,
    from_sql,
    quote,
    sample_columns,
    samples_sql,
    source_sql,
)
from ddgov.governance.quality.rules import Rule
from ddgov.lake.duckdb_types import INTEGER_TYPES

__all__ = [
    "BITMAP_BITS_PER_ROW",
    "BITMAP_MAX_BITS",
    "ROW_ID",
    "SAMPLES_PER_RULE",
    "Context",
    "QualityEngineError",
    "Table",
    "compile_rule",
    "connection",
    "error_result",
    "quality_execute",
    "quality_scores",
    "quote",
    "results_json",
    "table_describe",
    "table_problems",
]

_SQL_DIR = Path(__file__).parent / "sql"
_TYPE_NAME = re.compile(r"^[A-Z0-9_(), ]+$")


class QualityEngineError(Exception):
    """The checks cannot run on the chosen engine (unknown engine, or Spark cannot run them).

    The message is bilingual; no numbers are given rather than wrong ones.
    """


@cache
def macro_statements() -> list[str]:
    """The ``CREATE MACRO`` statements of ``sql/macros.sql`` (comments dropped)."""
    text = (_SQL_DIR / "macros.sql").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


@contextmanager
def connection(*, threads: int | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB with the quality macros; closed afterwards."""
    con = duckdb.connect()
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        for statement in macro_statements():
            con.execute(statement)
        yield con
    finally:
        con.close()


def table_describe(con: duckdb.DuckDBPyConnection, path: Path) -> Table:
    """Read a Parquet file's column names, types, row count and integer ranges (the footer only)."""
    described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
    columns = {str(r[0]): str(r[1]) for r in described}
    count = con.execute(
        "SELECT sum(num_rows) FROM parquet_file_metadata(?)", [str(path)]
    ).fetchone()
    integers = {n for n, t in columns.items() if base_type(t) in INTEGER_TYPES}
    ranges: dict[str, tuple[int, int]] = {}
    if integers:
        # A column's range is known when every row group that holds a value has statistics.
        stats = con.execute(
            """SELECT path_in_schema,
                      bool_and((TRY_CAST(stats_min_value AS HUGEINT) IS NOT NULL
                                AND TRY_CAST(stats_max_value AS HUGEINT) IS NOT NULL)
                               OR stats_null_count = row_group_num_rows),
                      min(TRY_CAST(stats_min_value AS HUGEINT)),
                      max(TRY_CAST(stats_max_value AS HUGEINT))
               FROM parquet_metadata(?) GROUP BY ALL""",
            [str(path)],
        ).fetchall()
        ranges = {
            str(name): (int(low), int(high))
            for name, known, low, high in stats
            if name in integers and known and low is not None and high is not None
        }
    rows = int(count[0]) if count and count[0] is not None else None
    return Table(path=path, columns=columns, rows=rows, ranges=ranges)


# -- checking rules against a table --------------------------------------------------------------


def _p(rule: Rule, en: str, th: str, **values: Any) -> str:
    body = f"{en} / {th}" % values if values else f"{en} / {th}"
    return _("Rule %(where)s: ") % {"where": rule.id} + body


def _column_problems(rule: Rule, table: Table, context: Context) -> list[str]:
    names = list(rule.columns)
    other = rule.params.get("other")
    if other is not None:
        names += [other] if isinstance(other, str) else list(other)
    problems = [
        _p(rule, "no column %(c)r in this table", "ไม่มีคอลัมน์ %(c)r ในตารางนี้", c=n)
        for n in dict.fromkeys(names)
        if n not in table.columns
    ]
    if problems:
        return problems
    if rule.check == "freshness" and rule.columns:
        base = base_type(table.columns[rule.columns[0]])
        if base not in NATIVE_TYPES["datetime"]:
            problems.append(
                _p(rule, "freshness needs a date or time column", "การตรวจความทันสมัยต้องใช้คอลัมน์วันที่")
            )
    if (
        rule.check == "freshness"
        and "max_age_days" not in rule.params
        and not context.default_max_age_days
    ):
        problems.append(
            _p(
                rule,
                "give max_age_days: the dataset declares no update frequency",
                "ต้องระบุ max_age_days เพราะชุดข้อมูลไม่ได้ระบุความถี่ในการปรับปรุง",
            )
        )
    if rule.check == "compare" and (len(rule.columns) > 1 or isinstance(other, list)):
        cols = [*rule.columns, *(other if isinstance(other, list) else [])]
        if any(base_type(table.columns[c]) not in NUMERIC_TYPES for c in cols):
            problems.append(
                _p(rule, "only numeric columns can be added up", "บวกกันได้เฉพาะคอลัมน์ตัวเลข")
            )
    if rule.check == "reference":
        target = context.references.get(rule.id)
        wanted = rule.params["to"]["column"]
        if target is None:
            problems.append(
                _p(rule, "the referenced resource has no table", "ทรัพยากรที่อ้างอิงยังไม่มีตารางข้อมูล")
            )
        elif wanted not in target.columns:
            problems.append(
                _p(
                    rule,
                    "the referenced table has no column %(c)r",
                    "ตารางที่อ้างอิงไม่มีคอลัมน์ %(c)r",
                    c=wanted,
                )
            )
    return problems


def _literal_problems(
    con: duckdb.DuckDBPyConnection, compiled: Compiled, table: Table
) -> list[str]:
    """Literals that do not fit the column's type (``TRY_CAST`` would silently make them NULL)."""
    rule = compiled.rule
    values = [rule.params[k] for k in ("min", "max", "value") if k in rule.params]
    values += list(rule.params.get("values", []))
    if rule.check not in {"in_set", "range", "compare"} or not rule.columns:
        return []
    column_type = table.columns[rule.columns[0]]
    if (
        rule.check == "range"
        and base_type(column_type) not in NUMERIC_TYPES
        and all(isinstance(v, int | float) for v in values)
    ):
        return []
    bad = [
        v
        for v in values
        if not (isinstance(v, int | float) and base_type(column_type) in NUMERIC_TYPES)
        and con.execute(f"SELECT TRY_CAST(? AS {column_type}) IS NULL", [v]).fetchone() != (False,)
    ]
    return [
        _p(rule, "%(v)r is not a valid %(t)s", "%(v)r ไม่ใช่ค่าชนิด %(t)s ที่ถูกต้อง", v=v, t=column_type)
        for v in bad
    ]


def table_problems(
    con: duckdb.DuckDBPyConnection, rules: list[Rule], table: Table, context: Context
) -> dict[str, list[str]]:
    """Every problem of each rule against ``table`` (rule id -> problems), reading no rows."""
    if any(not _TYPE_NAME.match(t) for t in table.columns.values()):
        msg = "unexpected column type in the table"
        raise ValueError(msg)
    _prepare(con, rules, table)
    found: dict[str, list[str]] = {}
    for rule in rules:
        problems = _column_problems(rule, table, context)
        if not problems:
            compiled = compile_rule(rule, table, context)
            problems = _literal_problems(con, compiled, table)
            if not problems:
                expr = compiled.ok or compiled.aggregate
                try:
                    con.execute(
                        f"SELECT {expr} FROM {from_sql([compiled], limit=' LIMIT 0')}",  # noqa: S608 - compiled: quoted names, bound values
                        compiled.params,
                    )
                except duckdb.Error as exc:
                    reason = str(exc).splitlines()[0][:200]
                    problems = [
                        _p(
                            rule,
                            "cannot be checked on this table (%(r)s)",
                            "ตรวจกับตารางนี้ไม่ได้ (%(r)s)",
                            r=reason,
                        )
                    ]
        if problems:
            found[rule.id] = problems
    return found


# -- running -------------------------------------------------------------------------------------


def _prepare(con: duckdb.DuckDBPyConnection, rules: list[Rule], table: Table) -> None:
    con.execute(f"CREATE OR REPLACE TEMP VIEW src AS SELECT * FROM {source_sql(table)}")  # noqa: S608
    if any(r.check == "geocode" for r in rules):
        from ddgov.governance.gazetteer import gazetteer_register  # noqa: PLC0415 - needs the lake

        if not con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'gazetteer'"
        ).fetchone()[0]:  # type: ignore[index]
            gazetteer_register(con)


def quality_samples(
    rows: list[tuple[Any, Any, Any]], failing: list[Compiled]
) -> dict[str, list[dict[str, Any]]]:
    """Turn sample rows ``(rule id, row id, values)`` into each rule's samples (IDs masked)."""
    found: dict[str, list[dict[str, Any]]] = {c.rule.id: [] for c in failing}
    by_id = {c.rule.id: c for c in failing}
    for rule_id, row_id, vals in rows:
        rule = by_id[rule_id].rule
        row = {ROW_ID: row_id, **dict(zip(sample_columns(rule), vals, strict=True))}
        if rule.check == "thai_citizen_id":
            row = {k: (_mask(v) if k in rule.columns else v) for k, v in row.items()}
        found[rule_id].append(row)
    for samples in found.values():
        samples.sort(key=lambda r: (r[ROW_ID] is None, r[ROW_ID]))
    return found


def _samples(
    con: duckdb.DuckDBPyConnection, failing: list[Compiled], table: Table
) -> dict[str, list[dict[str, Any]]]:
    """Up to :data:`SAMPLES_PER_RULE` failing rows per rule, in one query."""
    if not failing:
        return {}
    sql, params = samples_sql(failing, table)
    return quality_samples(con.execute(sql, params).fetchall(), failing)


def _mask(value: Any) -> Any:
    """Hide the middle of an ID number in a sample (the row's ``_id`` finds it for a steward)."""
    if not isinstance(value, str) or len(value) < 6:
        return value
    return value[:1] + "x" * (len(value) - 5) + value[-4:]


def _age_days(latest: dt.datetime | dt.date | None, now: dt.datetime) -> float | None:
    if latest is None:
        return None
    if not isinstance(latest, dt.datetime):
        latest = dt.datetime.combine(latest, dt.time.min)
    if latest.tzinfo is None:
        latest = latest.replace(tzinfo=now.tzinfo)
    return max(0.0, (now - latest).total_seconds() / 86400)


def _parse_latest(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def _freshness_result(rule: Rule, latest_value: Any, context: Context) -> dict[str, Any]:
    allowed = float(rule.params.get("max_age_days") or context.default_max_age_days or 0)
    if not rule.columns:
        latest = context.updated_at
    elif isinstance(latest_value, dt.datetime):
        latest = latest_value
    elif isinstance(latest_value, dt.date):
        latest = dt.datetime.combine(latest_value, dt.time.min)
    else:
        latest = _parse_latest(latest_value)
    age = _age_days(latest, context.now)
    share = 0.0 if age is None else (1.0 if age <= allowed else allowed / age)
    return {
        "rows": 1,
        "failed": 0 if share >= 1.0 else 1,
        "share": share,
        "detail": {
            "age_days": None if age is None else round(age, 2),
            "max_age_days": allowed,
            "latest": latest.isoformat() if latest else None,
        },
    }


def quality_outcomes(
    compiled: list[Compiled], row: tuple[Any, ...], context: Context
) -> tuple[list[dict[str, Any]], list[Compiled]]:
    """Each rule's result from the aggregate row (``count(*)``, then one value per rule).

    Returns the results (samples still empty) and the compiled rules that had failures.
    """
    total, values = int(row[0]), row[1:]
    results: list[dict[str, Any]] = []
    failing: list[Compiled] = []
    for c, value in zip(compiled, values, strict=True):
        rule = c.rule
        if rule.check == "freshness":
            outcome = _freshness_result(rule, value, context)
        else:
            failed = int(value or 0)
            outcome = {
                "rows": total,
                "failed": failed,
                "share": 1.0 - failed / total if total else 1.0,
            }
            if failed:
                failing.append(c)
        outcome["share"] = round(outcome["share"], 6)
        results.append(
            {
                **_describe(rule),
                **outcome,
                "passed": outcome["share"] >= rule.threshold,
                "samples": [],
            }
        )
    return results, failing


def quality_execute(
    con: duckdb.DuckDBPyConnection,
    rules: list[Rule],
    table: Table,
    context: Context,
    *,
    engine: str | None = "duckdb",
) -> list[dict[str, Any]]:
    """Run checked rules on ``table``: one aggregate pass, then samples of the failures.

    Returns one result per rule: ``rows``, ``failed``, ``share`` (0..1 passing), ``passed``
    (share >= threshold), ``samples`` and, for freshness, ``detail``. ``engine`` names the
    analytics engine (``None``: the configured ``DDGOV_ENGINE``); DuckDB runs on ``con``.
    """
    chosen = quality_engine_name(engine)
    if chosen == "spark":
        from ddgov.governance.quality.spark import quality_execute_spark  # noqa: PLC0415 - heavy

        return quality_execute_spark(con, rules, table, context)
    _prepare(con, rules, table)
    compiled = [compile_rule(r, table, context) for r in rules]
    sql, params = aggregate_sql(compiled)
    row = con.execute(sql, params).fetchone()
    assert row is not None  # noqa: S101 - an aggregate always returns a row
    results, failing = quality_outcomes(compiled, row, context)
    samples = _samples(con, failing, table)
    for result in results:
        result["samples"] = samples.get(result["id"], [])
    return results


def quality_engine_name(engine: str | None) -> str:
    """The engine a quality run uses: ``engine``, or the configured ``DDGOV_ENGINE``.

    Raises :class:`QualityEngineError` (bilingual) for a name that is not an engine.
    """
    from django.conf import settings  # noqa: PLC0415

    from ddgov.analytics.engine import engine_names  # noqa: PLC0415

    chosen = (engine or str(getattr(settings, "DDGOV_ENGINE", "duckdb")) or "duckdb").lower()
    if chosen not in engine_names():
        known = ", ".join(engine_names())
        msg = f"Unknown engine {chosen!r} (known: {known}) / ไม่รู้จักเอนจิน {chosen!r} (ที่มี: {known})"
        raise QualityEngineError(msg)
    return chosen


def _describe(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "check": rule.check,
        "dimension": rule.dimension,
        "columns": list(rule.columns),
        "resource": rule.resource,
        "threshold": rule.threshold,
        "severity": rule.severity,
        "weight": rule.weight,
        "rule": rule.as_dict(),
    }


def error_result(rule: Rule, problems: list[str]) -> dict[str, Any]:
    """The result of a rule that could not run on this version (e.g. a column was dropped)."""
    return {
        **_describe(rule),
        "rows": 0,
        "failed": 0,
        "share": None,
        "passed": False,
        "error": problems,
        "samples": [],
    }


def quality_scores(results: list[dict[str, Any]]) -> tuple[dict[str, float], float | None]:
    """Per dimension the weighted share of passing rows (0..100), and their mean (overall)."""
    sums: dict[str, list[float]] = {}
    for r in results:
        if r.get("error") or r["share"] is None:
            continue
        acc = sums.setdefault(r["dimension"], [0.0, 0.0])
        acc[0] += r["weight"] * r["share"]
        acc[1] += r["weight"]
    scores = {d: round(100 * s / w, 1) for d, (s, w) in sums.items() if w > 0}
    overall = round(sum(scores.values()) / len(scores), 1) if scores else None
    return scores, overall


def results_json(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The results made JSON-safe (samples may hold Decimals and dates)."""
    return json.loads(json.dumps(results, default=str))
