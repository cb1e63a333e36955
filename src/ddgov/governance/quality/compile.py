"""Compile quality rules into DuckDB SQL: one aggregate pass and a bounded sample query.

Each rule becomes a boolean expression that is TRUE when a row passes (``count_if`` of its
negation counts the failures), or an aggregate of its own: a bitmap of the values
(``bitstring_agg``) or ``count(DISTINCT)`` for keys, ``max`` for freshness columns. Identifiers
are quoted and every literal from a rule is a bound parameter (the bitmap's bounds, integers read
from the file, are inlined), so a rule cannot inject SQL. The SQL is plain DuckDB plus the macros
in ``sql/macros.sql``; :mod:`ddgov.governance.quality.spark` renders the same text for Spark.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ddgov.governance.quality.rules import Rule
from ddgov.lake.duckdb_types import INTEGER_TYPES

SAMPLES_PER_RULE = 5
# A unique check on an integer key uses a bitmap of its range when it costs at most 16 MiB per
# thread and at most 64 bits per row (sparse keys are counted with a hash table instead).
BITMAP_MAX_BITS = 1 << 27
BITMAP_BITS_PER_ROW = 64
ROW_ID = "_id"
_INTEGER = INTEGER_TYPES
NUMERIC_TYPES = (*_INTEGER, "FLOAT", "DOUBLE", "DECIMAL")
NATIVE_TYPES = {
    "integer": _INTEGER,
    "number": NUMERIC_TYPES,
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
class Compiled:
    """One rule compiled: its row test or aggregate, bound values and helper columns."""

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


def base_type(duckdb_type: str) -> str:
    """The type without its parameters, upper case (``DECIMAL(10,2)`` -> ``DECIMAL``)."""
    return duckdb_type.split("(", maxsplit=1)[0].strip().upper()


def source_sql(table: Table) -> str:
    """DuckDB's ``read_parquet`` of the table (with row numbers when it has no ``_id``)."""
    path = str(table.path).replace("'", "''")
    extra = "" if ROW_ID in table.columns else ", file_row_number = true"
    return f"read_parquet('{path}'{extra})"


# -- compiling each check ------------------------------------------------------------------------


def _literal(value: Any, column_type: str) -> tuple[str, list[Any]]:
    """A bound literal, cast to the column's type unless it is a number for a numeric column."""
    if isinstance(value, int | float) and base_type(column_type) in NUMERIC_TYPES:
        return "?", [value]
    return f"TRY_CAST(? AS {column_type})", [value]


def _not_null(rule: Rule, table: Table) -> Compiled:
    parts = []
    for name in rule.columns:
        q = quote(name)
        is_text = base_type(table.columns[name]) == "VARCHAR"
        parts.append(
            f"({q} IS NOT NULL AND trim({q}) <> '')"
            if rule.check == "not_blank" and is_text
            else f"{q} IS NOT NULL"
        )
    return Compiled(rule, ok=" AND ".join(parts))


def _type(rule: Rule, table: Table) -> Compiled:
    name = rule.columns[0]
    q, base, wanted = quote(name), base_type(table.columns[name]), rule.params["type"]
    if base in NATIVE_TYPES[wanted]:
        return Compiled(rule, ok="TRUE")
    if wanted == "integer" and base in NUMERIC_TYPES:
        return Compiled(rule, ok=f"({q} IS NULL OR {q} = trunc({q}))")
    return Compiled(
        rule,
        ok=f"({q} IS NULL OR TRY_CAST(trim(CAST({q} AS VARCHAR)) AS {_CAST_TO[wanted]}) IS NOT NULL)",
    )


def _in_set(rule: Rule, table: Table) -> Compiled:
    name = rule.columns[0]
    sqls, params = [], []
    for value in rule.params["values"]:
        sql, bound = _literal(value, table.columns[name])
        sqls.append(sql)
        params.extend(bound)
    return Compiled(rule, ok=f"{quote(name)} IN ({', '.join(sqls)})", params=params)


def _bounds(expr: str, rule: Rule, column_type: str) -> Compiled:
    parts, params = [], []
    for key, op in (("min", ">="), ("max", "<=")):
        if key in rule.params:
            sql, bound = _literal(rule.params[key], column_type)
            parts.append(f"{expr} {op} {sql}")
            params.extend(bound)
    return Compiled(rule, ok=" AND ".join(parts), params=params)


def _range(rule: Rule, table: Table) -> Compiled:
    name = rule.columns[0]
    column_type = table.columns[name]
    numbers = all(isinstance(rule.params.get(k, 0), int | float) for k in ("min", "max"))
    if numbers and base_type(column_type) not in NUMERIC_TYPES:
        return _bounds(f"TRY_CAST({quote(name)} AS DOUBLE)", rule, "DOUBLE")
    return _bounds(quote(name), rule, column_type)


def _regex(rule: Rule, _table: Table) -> Compiled:
    q = quote(rule.columns[0])
    return Compiled(
        rule, ok=f"regexp_full_match(CAST({q} AS VARCHAR), ?)", params=[rule.params["pattern"]]
    )


def _length(rule: Rule, _table: Table) -> Compiled:
    return _bounds(f"length(CAST({quote(rule.columns[0])} AS VARCHAR))", rule, "BIGINT")


def _thai_id(rule: Rule, table: Table) -> Compiled:
    name = rule.columns[0]
    q = quote(name)
    digest = hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:10]
    helper, guess = "__ddgov_n_" + digest, "__ddgov_g_" + digest
    ok = f"({q} IS NULL OR ddgov_thai_id_number_ok({quote(helper)}))"
    if base_type(table.columns[name]) in _INTEGER:
        return Compiled(rule, ok=ok, derived=[{helper: f"CAST({q} AS DOUBLE)"}])
    # Two steps, so that the cast of the common, plain form is done once per row (see macros.sql).
    return Compiled(
        rule,
        ok=ok,
        derived=[
            {guess: f"ddgov_thai_id_plain({q})"},
            {helper: f"CAST(ddgov_thai_id_resolve({q}, {quote(guess)}) AS DOUBLE)"},
        ],
    )


def _geocode(rule: Rule, _table: Table) -> Compiled:
    q, level = quote(rule.columns[0]), rule.params["level"]
    # level is one of LEVELS (checked by the parser), so it is safe inline.
    areas = f"(SELECT {{col}} FROM gazetteer WHERE level = '{level}')"  # noqa: S608
    if rule.params.get("kind", "code") == "code":
        return Compiled(rule, ok=f"trim(CAST({q} AS VARCHAR)) IN {areas.format(col='code')}")
    names = areas.format(col="name_th")
    english = areas.format(col="lower(name_en)")
    return Compiled(
        rule,
        ok=f"(trim({q}) IN {names} OR ddgov_admin_name({q}) IN {names} OR lower(trim({q})) IN {english})",
    )


def _sum(names: list[str]) -> str:
    return " + ".join(quote(n) for n in names) if len(names) > 1 else quote(names[0])


def _compare(rule: Rule, table: Table) -> Compiled:
    left = _sum(list(rule.columns))
    op = rule.params["op"]  # one of OPS (checked by the parser)
    if "other" in rule.params:
        other = rule.params["other"]
        return Compiled(
            rule, ok=f"({left}) {op} ({_sum([other] if isinstance(other, str) else list(other))})"
        )
    sql, bound = _literal(rule.params["value"], table.columns[rule.columns[0]])
    return Compiled(rule, ok=f"({left}) {op} {sql}", params=bound)


def _reference(rule: Rule, table: Table, context: Context) -> Compiled:
    target = context.references[rule.id]
    name, other = rule.columns[0], rule.params["to"]["column"]
    mine, theirs = quote(name), quote(other)
    if base_type(table.columns[name]) != base_type(target.columns[other]):
        mine, theirs = f"CAST({mine} AS VARCHAR)", f"CAST({theirs} AS VARCHAR)"
    sub = f"(SELECT {theirs} FROM {source_sql(target)} WHERE {quote(other)} IS NOT NULL)"  # noqa: S608
    return Compiled(rule, ok=f"{mine} IN {sub}")


def _bitmap_range(rule: Rule, table: Table) -> tuple[int, int] | None:
    """The value range of a one-column integer key, when a bitmap over it is small enough."""
    if len(rule.columns) != 1 or rule.columns[0] not in table.ranges:
        return None
    low, high = table.ranges[rule.columns[0]]
    bits = high - low + 1
    if bits > BITMAP_MAX_BITS or bits > BITMAP_BITS_PER_ROW * max(table.rows or 0, 1024):
        return None
    return low, high


def _unique(rule: Rule, table: Table) -> Compiled:
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
    return Compiled(rule, aggregate=failed, key=key, key_filter=present)


def _freshness(rule: Rule, _table: Table) -> Compiled:
    aggregate = f"CAST(max({quote(rule.columns[0])}) AS VARCHAR)" if rule.columns else "NULL"
    return Compiled(rule, aggregate=aggregate)


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


def compile_rule(rule: Rule, table: Table, context: Context) -> Compiled:
    """Compile one rule (the columns must exist: see :func:`table_problems`)."""
    if rule.check == "reference":
        return _reference(rule, table, context)
    return _COMPILERS[rule.check](rule, table)


def from_sql(compiled: list[Compiled], *, limit: str = "") -> str:
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


def other_columns(rule: Rule) -> list[str]:
    """The columns a ``compare`` rule reads besides its own (``other``)."""
    other = rule.params.get("other")
    if other is None:
        return []
    return [other] if isinstance(other, str) else list(other)


def sample_columns(rule: Rule) -> list[str]:
    """The columns shown in a failing row's sample, in order and without repeats."""
    return list(dict.fromkeys([*rule.columns, *other_columns(rule)]))


def aggregate_sql(compiled: list[Compiled]) -> tuple[str, list[Any]]:
    """The one aggregate pass: ``count(*)`` then one value per rule (failures, or freshness' max)."""
    selects, params = ["count(*)"], []
    for c in compiled:
        if c.aggregate:
            selects.append(c.aggregate)
        else:
            selects.append(f"count_if(NOT coalesce({c.ok}, TRUE))")
            params += c.params
    return f"SELECT {', '.join(selects)} FROM {from_sql(compiled)}", params  # noqa: S608


def samples_sql(failing: list[Compiled], table: Table) -> tuple[str, list[Any]]:
    """One query of up to :data:`SAMPLES_PER_RULE` failing rows per rule: (rule, row id, values)."""
    parts, params = [], []
    for c in failing:
        values = ", ".join(f"CAST({quote(n)} AS VARCHAR)" for n in sample_columns(c.rule))
        if c.key:
            where = (
                f"{c.key} IN (SELECT {c.key} FROM src WHERE {c.key_filter} GROUP BY ALL "  # noqa: S608
                f"HAVING count(*) > 1 LIMIT {SAMPLES_PER_RULE})"
            )
            cparams: list[Any] = []
        else:
            where, cparams = f"NOT coalesce({c.ok}, TRUE)", c.params
        parts.append(
            f"(SELECT ? AS rule, {table.id_sql} AS row_id, [{values}]::VARCHAR[] AS vals "  # noqa: S608
            f"FROM {from_sql([c])} WHERE {where} LIMIT {SAMPLES_PER_RULE})"
        )
        params += [c.rule.id, *cparams]
    return " UNION ALL ".join(parts), params


def without_bitmaps(table: Table) -> Table:
    """``table`` without its integer ranges: ``unique`` then counts with ``count(DISTINCT)``.

    For engines without DuckDB's ``bitstring_agg``.
    """
    return dataclasses.replace(table, ranges={})
