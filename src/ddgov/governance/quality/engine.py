"""Compile quality rules into DuckDB SQL and run them on one Parquet table.

All rules of a table run in **one aggregate pass** (a ``count_if`` per rule, a bitmap of the
values — ``bitstring_agg`` — or ``count(DISTINCT)`` for keys, ``max`` for freshness columns); a
second, bounded query fetches up to five failing rows per failed rule with their ``_id``.
Identifiers are quoted and every literal from a rule is a bound parameter (the bitmap's bounds,
integers read from the file, are inlined), so a rule cannot inject SQL. The SQL is plain DuckDB
plus the macros in ``sql/macros.sql``, so the same compiled text can be pushed to another engine
that defines them.

Rules are first checked against the table (:func:`table_problems`): unknown columns, wrong
column types, literals that do not fit the column, and finally DuckDB binding each rule's
expression on zero rows — all before any data is read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
from django.utils.translation import gettext as _

from ddgov.governance.quality.rules import Rule
from ddgov.lake.duckdb_types import INTEGER_TYPES

SAMPLES_PER_RULE = 5
# A unique check on an integer key uses a bitmap of its range when it costs at most 16 MiB per
# thread and at most 64 bits per row (sparse keys are counted with a hash table instead).
BITMAP_MAX_BITS = 1 << 27
BITMAP_BITS_PER_ROW = 64
ROW_ID = "_id"
_SQL_DIR = Path(__file__).parent / "sql"
_TYPE_NAME = re.compile(r"^[A-Z0-9_(), ]+$")
_INTEGER = INTEGER_TYPES
_NUMERIC = (*_INTEGER, "FLOAT", "DOUBLE", "DECIMAL")
_NATIVE = {
    "integer": _INTEGER,
    "number": _NUMERIC,
    "boolean": ("BOOLEAN",),
    "date": ("DATE",),
    "datetime": (
        "TIMESTAMP",
        "TIMESTAMP WITH TIME ZONE",
        "TIMESTAMP_S",
        "TIMESTAMP_MS",
        "TIMESTAMP_NS",
        "DATE",
    ),
    "time": ("TIME",),
}
_CAST_TO = {
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "time": "TIME",
}


@dataclass(frozen=True)
class Table:
    """A Parquet table to check: its path, its columns' DuckDB types and facts from its footer.

    ``rows`` and ``ranges`` (the smallest and largest value of each integer column, from the row
    groups' statistics) let a ``unique`` check on an integer key use a bitmap instead of a hash
    table; without them it counts distinct values the usual way.
    """

    path: Path
    columns: dict[str, str]
    rows: int | None = None
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def id_sql(self) -> str:
        """How a row is named in samples: ``_id``, or its position when the file has none."""
        return quote(ROW_ID) if ROW_ID in self.columns else "(file_row_number + 1)"


@dataclass(frozen=True)
class Context:
    """What the checks need besides the table: the time, the version's date, referenced files."""

    now: dt.datetime
    updated_at: dt.datetime | None = None
    default_max_age_days: float | None = None
    references: dict[str, Table] = field(default_factory=dict)  # rule id -> referenced table


@dataclass
class _Compiled:
    rule: Rule
    ok: str = ""  # boolean expression, TRUE when the row passes (NULL counts as passing)
    params: list[Any] = field(default_factory=list)
    aggregate: str = ""  # set instead of ok for unique (failed rows) and freshness (max)
    key: str = ""
    key_filter: str = ""
    # helper columns computed once per row, in steps: a step may use the columns of earlier ones
    derived: list[dict[str, str]] = field(default_factory=list)


def quote(name: str) -> str:
    """Quote an identifier for DuckDB."""
    return '"' + name.replace('"', '""') + '"'


def _base(duckdb_type: str) -> str:
    return duckdb_type.split("(", maxsplit=1)[0].strip().upper()


@cache
def _macros() -> list[str]:
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
        for statement in _macros():
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
    integers = {n for n, t in columns.items() if _base(t) in _INTEGER}
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


def _source_sql(table: Table) -> str:
    path = str(table.path).replace("'", "''")
    extra = "" if ROW_ID in table.columns else ", file_row_number = true"
    return f"read_parquet('{path}'{extra})"


# -- compiling each check ------------------------------------------------------------------------


def _literal(value: Any, column_type: str) -> tuple[str, list[Any]]:
    """A bound literal, cast to the column's type unless it is a number for a numeric column."""
    if isinstance(value, int | float) and _base(column_type) in _NUMERIC:
        return "?", [value]
    return f"TRY_CAST(? AS {column_type})", [value]


def _not_null(rule: Rule, table: Table) -> _Compiled:
    parts = []
    for name in rule.columns:
        q = quote(name)
        is_text = _base(table.columns[name]) == "VARCHAR"
        parts.append(
            f"({q} IS NOT NULL AND trim({q}) <> '')"
            if rule.check == "not_blank" and is_text
            else f"{q} IS NOT NULL"
        )
    return _Compiled(rule, ok=" AND ".join(parts))


def _type(rule: Rule, table: Table) -> _Compiled:
    name = rule.columns[0]
    q, base, wanted = quote(name), _base(table.columns[name]), rule.params["type"]
    if base in _NATIVE[wanted]:
        return _Compiled(rule, ok="TRUE")
    if wanted == "integer" and base in _NUMERIC:
        return _Compiled(rule, ok=f"({q} IS NULL OR {q} = trunc({q}))")
    return _Compiled(
        rule,
        ok=f"({q} IS NULL OR TRY_CAST(trim(CAST({q} AS VARCHAR)) AS {_CAST_TO[wanted]}) IS NOT NULL)",
    )


def _in_set(rule: Rule, table: Table) -> _Compiled:
    name = rule.columns[0]
    sqls, params = [], []
    for value in rule.params["values"]:
        sql, bound = _literal(value, table.columns[name])
        sqls.append(sql)
        params.extend(bound)
    return _Compiled(rule, ok=f"{quote(name)} IN ({', '.join(sqls)})", params=params)


def _bounds(expr: str, rule: Rule, column_type: str) -> _Compiled:
    parts, params = [], []
    for key, op in (("min", ">="), ("max", "<=")):
        if key in rule.params:
            sql, bound = _literal(rule.params[key], column_type)
            parts.append(f"{expr} {op} {sql}")
            params.extend(bound)
    return _Compiled(rule, ok=" AND ".join(parts), params=params)


def _range(rule: Rule, table: Table) -> _Compiled:
    name = rule.columns[0]
    column_type = table.columns[name]
    numbers = all(isinstance(rule.params.get(k, 0), int | float) for k in ("min", "max"))
    if numbers and _base(column_type) not in _NUMERIC:
        return _bounds(f"TRY_CAST({quote(name)} AS DOUBLE)", rule, "DOUBLE")
    return _bounds(quote(name), rule, column_type)


def _regex(rule: Rule, _table: Table) -> _Compiled:
    q = quote(rule.columns[0])
    return _Compiled(
        rule, ok=f"regexp_full_match(CAST({q} AS VARCHAR), ?)", params=[rule.params["pattern"]]
    )


def _length(rule: Rule, _table: Table) -> _Compiled:
    return _bounds(f"length(CAST({quote(rule.columns[0])} AS VARCHAR))", rule, "BIGINT")


def _thai_id(rule: Rule, table: Table) -> _Compiled:
    name = rule.columns[0]
    q = quote(name)
    digest = hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:10]
    helper, guess = "__ddgov_n_" + digest, "__ddgov_g_" + digest
    ok = f"({q} IS NULL OR ddgov_thai_id_number_ok({quote(helper)}))"
    if _base(table.columns[name]) in _INTEGER:
        return _Compiled(rule, ok=ok, derived=[{helper: f"CAST({q} AS DOUBLE)"}])
    # Two steps, so that the cast of the common, plain form is done once per row (see macros.sql).
    return _Compiled(
        rule,
        ok=ok,
        derived=[
            {guess: f"ddgov_thai_id_plain({q})"},
            {helper: f"CAST(ddgov_thai_id_resolve({q}, {quote(guess)}) AS DOUBLE)"},
        ],
    )


def _geocode(rule: Rule, _table: Table) -> _Compiled:
    q, level = quote(rule.columns[0]), rule.params["level"]
    # level is one of LEVELS (checked by the parser), so it is safe inline.
    areas = f"(SELECT {{col}} FROM gazetteer WHERE level = '{level}')"  # noqa: S608
    if rule.params.get("kind", "code") == "code":
        return _Compiled(rule, ok=f"trim(CAST({q} AS VARCHAR)) IN {areas.format(col='code')}")
    names = areas.format(col="name_th")
    english = areas.format(col="lower(name_en)")
    return _Compiled(
        rule,
        ok=f"(trim({q}) IN {names} OR ddgov_admin_name({q}) IN {names} OR lower(trim({q})) IN {english})",
    )


def _sum(names: list[str]) -> str:
    return " + ".join(quote(n) for n in names) if len(names) > 1 else quote(names[0])


def _compare(rule: Rule, table: Table) -> _Compiled:
    left = _sum(list(rule.columns))
    op = rule.params["op"]  # one of OPS (checked by the parser)
    if "other" in rule.params:
        other = rule.params["other"]
        return _Compiled(
            rule, ok=f"({left}) {op} ({_sum([other] if isinstance(other, str) else list(other))})"
        )
    sql, bound = _literal(rule.params["value"], table.columns[rule.columns[0]])
    return _Compiled(rule, ok=f"({left}) {op} {sql}", params=bound)


def _reference(rule: Rule, table: Table, context: Context) -> _Compiled:
    target = context.references[rule.id]
    name, other = rule.columns[0], rule.params["to"]["column"]
    mine, theirs = quote(name), quote(other)
    if _base(table.columns[name]) != _base(target.columns[other]):
        mine, theirs = f"CAST({mine} AS VARCHAR)", f"CAST({theirs} AS VARCHAR)"
    sub = f"(SELECT {theirs} FROM {_source_sql(target)} WHERE {quote(other)} IS NOT NULL)"  # noqa: S608
    return _Compiled(rule, ok=f"{mine} IN {sub}")


def _bitmap_range(rule: Rule, table: Table) -> tuple[int, int] | None:
    """The value range of a one-column integer key, when a bitmap over it is small enough."""
    if len(rule.columns) != 1 or rule.columns[0] not in table.ranges:
        return None
    low, high = table.ranges[rule.columns[0]]
    bits = high - low + 1
    if bits > BITMAP_MAX_BITS or bits > BITMAP_BITS_PER_ROW * max(table.rows or 0, 1024):
        return None
    return low, high


def _unique(rule: Rule, table: Table) -> _Compiled:
    names = [quote(n) for n in rule.columns]
    key = names[0] if len(names) == 1 else f"({', '.join(names)})"
    present = " AND ".join(f"{n} IS NOT NULL" for n in names)
    bounds = _bitmap_range(rule, table)
    if bounds:
        # One bit per possible value, set where a value occurs: exact, and several times faster
        # than hashing every value. The bounds come from the file's own statistics (integers).
        column_type = table.columns[rule.columns[0]]
        low, high = (f"CAST({b} AS {column_type})" for b in bounds)
        failed = f"count({key}) - coalesce(bit_count(bitstring_agg({key}, {low}, {high})), 0)"
    else:
        failed = (
            f"count(*) FILTER (WHERE {present}) - count(DISTINCT {key}) FILTER (WHERE {present})"
        )
    return _Compiled(rule, aggregate=failed, key=key, key_filter=present)


def _freshness(rule: Rule, _table: Table) -> _Compiled:
    aggregate = f"CAST(max({quote(rule.columns[0])}) AS VARCHAR)" if rule.columns else "NULL"
    return _Compiled(rule, aggregate=aggregate)


_COMPILERS = {
    "not_null": _not_null,
    "not_blank": _not_null,
    "type": _type,
    "in_set": _in_set,
    "range": _range,
    "regex": _regex,
    "length": _length,
    "thai_citizen_id": _thai_id,
    "geocode": _geocode,
    "compare": _compare,
    "unique": _unique,
    "freshness": _freshness,
}


def compile_rule(rule: Rule, table: Table, context: Context) -> _Compiled:
    """Compile one rule (the columns must exist: see :func:`table_problems`)."""
    if rule.check == "reference":
        return _reference(rule, table, context)
    return _COMPILERS[rule.check](rule, table)


def _from(compiled: list[_Compiled], *, limit: str = "") -> str:
    """``src`` with every helper column the compiled rules need, computed once per row.

    Each step of helpers is one more ``SELECT *, …`` around the previous ones, so a later step
    reads an earlier step's column instead of computing it again.
    """
    steps: list[dict[str, str]] = []
    for c in compiled:
        for i, step in enumerate(c.derived):
            if i == len(steps):
                steps.append({})
            steps[i].update(step)
    if not steps and not limit:
        return "src"
    sql = f"(SELECT * FROM src{limit})" if limit else "src"  # noqa: S608 - limit is ours
    for step in steps:
        extra = "".join(f", {expr} AS {quote(name)}" for name, expr in step.items())
        sql = f"(SELECT *{extra} FROM {sql})"  # noqa: S608 - compiled, quoted names
    return f"{sql} AS src"


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
        base = _base(table.columns[rule.columns[0]])
        if base not in _NATIVE["datetime"]:
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
        if any(_base(table.columns[c]) not in _NUMERIC for c in cols):
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
    con: duckdb.DuckDBPyConnection, compiled: _Compiled, table: Table
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
        and _base(column_type) not in _NUMERIC
        and all(isinstance(v, int | float) for v in values)
    ):
        return []
    bad = [
        v
        for v in values
        if not (isinstance(v, int | float) and _base(column_type) in _NUMERIC)
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
                        f"SELECT {expr} FROM {_from([compiled], limit=' LIMIT 0')}",  # noqa: S608 - compiled: quoted names, bound values
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
    con.execute(f"CREATE OR REPLACE TEMP VIEW src AS SELECT * FROM {_source_sql(table)}")  # noqa: S608
    if any(r.check == "geocode" for r in rules):
        from ddgov.governance.gazetteer import gazetteer_register  # noqa: PLC0415 - needs the lake

        if not con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'gazetteer'"
        ).fetchone()[0]:  # type: ignore[index]
            gazetteer_register(con)


def _samples(
    con: duckdb.DuckDBPyConnection, failing: list[_Compiled], table: Table
) -> dict[str, list[dict[str, Any]]]:
    """Up to :data:`SAMPLES_PER_RULE` failing rows per rule, in one query."""
    parts, params = [], []
    for c in failing:
        columns = list(dict.fromkeys([*c.rule.columns, *_other_columns(c.rule)]))
        values = "[" + ", ".join(f"CAST({quote(n)} AS VARCHAR)" for n in columns) + "]::VARCHAR[]"
        if c.key:
            where = (
                f"{c.key} IN (SELECT {c.key} FROM src WHERE {c.key_filter} GROUP BY ALL "  # noqa: S608
                f"HAVING count(*) > 1 LIMIT {SAMPLES_PER_RULE})"
            )
            cparams: list[Any] = []
        else:
            where, cparams = f"NOT coalesce({c.ok}, TRUE)", c.params
        parts.append(
            f"(SELECT ? AS rule, {table.id_sql} AS row_id, {values} AS vals FROM {_from([c])} "  # noqa: S608
            f"WHERE {where} LIMIT {SAMPLES_PER_RULE})"
        )
        params += [c.rule.id, *cparams]
    found: dict[str, list[dict[str, Any]]] = {c.rule.id: [] for c in failing}
    if not parts:
        return found
    by_id = {c.rule.id: c for c in failing}
    for rule_id, row_id, vals in con.execute(" UNION ALL ".join(parts), params).fetchall():
        rule = by_id[rule_id].rule
        columns = list(dict.fromkeys([*rule.columns, *_other_columns(rule)]))
        row = {ROW_ID: row_id, **dict(zip(columns, vals, strict=True))}
        if rule.check == "thai_citizen_id":
            row = {k: (_mask(v) if k in rule.columns else v) for k, v in row.items()}
        found[rule_id].append(row)
    for rows in found.values():
        rows.sort(key=lambda r: (r[ROW_ID] is None, r[ROW_ID]))
    return found


def _other_columns(rule: Rule) -> list[str]:
    other = rule.params.get("other")
    if other is None:
        return []
    return [other] if isinstance(other, str) else list(other)


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


def _freshness_result(rule: Rule, latest_text: str | None, context: Context) -> dict[str, Any]:
    allowed = float(rule.params.get("max_age_days") or context.default_max_age_days or 0)
    latest = _parse_latest(latest_text) if rule.columns else context.updated_at
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


def quality_execute(
    con: duckdb.DuckDBPyConnection, rules: list[Rule], table: Table, context: Context
) -> list[dict[str, Any]]:
    """Run checked rules on ``table``: one aggregate pass, then samples of the failures.

    Returns one result per rule: ``rows``, ``failed``, ``share`` (0..1 passing), ``passed``
    (share >= threshold), ``samples`` and, for freshness, ``detail``.
    """
    _prepare(con, rules, table)
    compiled = [compile_rule(r, table, context) for r in rules]
    selects, params = ["count(*)"], []
    for c in compiled:
        if c.aggregate:
            selects.append(c.aggregate)
        else:
            selects.append(f"count_if(NOT coalesce({c.ok}, TRUE))")
            params += c.params
    row = con.execute(f"SELECT {', '.join(selects)} FROM {_from(compiled)}", params).fetchone()  # noqa: S608
    assert row is not None  # noqa: S101 - an aggregate always returns a row
    total, values = int(row[0]), row[1:]
    results: list[dict[str, Any]] = []
    failing: list[_Compiled] = []
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
    samples = _samples(con, failing, table)
    for result in results:
        result["samples"] = samples.get(result["id"], [])
    return results


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
