"""Run compiled quality checks on Apache Spark, through the analytics engine layer.

The rules are compiled exactly as for DuckDB (:mod:`ddgov.governance.quality.compile`), then the
DuckDB text is rendered for Spark:

* bound parameters are inlined as typed literals (numbers stay numbers, text is a quoted string
  literal, dates and timestamps typed), found as placeholder *tokens* so a ``?`` inside a string
  is never touched;
* the macros of ``sql/macros.sql`` are expanded in place (their bodies are plain SQL);
* what Spark spells or computes differently is re-expressed: ``regexp_full_match`` becomes an
  anchored ``RLIKE``, ``strlen`` (bytes) ``octet_length``, ``trunc(x)`` ``x - x % 1``, a
  ``count(DISTINCT (a, b))`` key ``count(DISTINCT a, b)``; ``unique`` never uses DuckDB's
  ``bitstring_agg`` bitmap (the table is compiled without integer ranges);
* ``read_parquet('…')`` of a referenced table becomes a temporary view;
* sqlglot writes the result as Spark SQL.

The data is read by the Spark engine's own session (``engine_get(name="spark").session()``,
``spark.read.parquet``), in a fresh ``newSession()`` per run so views never collide.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from functools import cache
from typing import TYPE_CHECKING, Any

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.tokenizer_core import TokenType

from ddgov.governance.quality.compile import (
    ROW_ID,
    Compiled,
    Context,
    Table,
    aggregate_sql,
    compile_rule,
    quote,
    samples_sql,
    without_bitmaps,
)
from ddgov.governance.quality.engine import (
    QualityEngineError,
    macro_statements,
    quality_outcomes,
    quality_samples,
)
from ddgov.governance.quality.rules import Rule

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

_MACRO = re.compile(r"^CREATE OR REPLACE TEMP MACRO (\w+)\(([^)]*)\) AS\s+(.*)$", re.DOTALL)
_NO_ROW_ID = "file_row_number"

# What DuckDB's TRY_CAST of trimmed text accepts, in Spark terms (Spark's own casts are stricter
# for numbers and laxer for dates). ``{s}`` is the trimmed text. Used by the ``type`` check only,
# where nothing but "readable or not" counts. A date may carry a time, which must be valid.
_NUMBER = "[+-]?([0-9]+(_[0-9]+)*)?([.]([0-9]+(_[0-9]+)*)?)?([eE][+-]?[0-9]+)?"
_DECIMAL_TEXT = f"({{s}} RLIKE '^{_NUMBER}$' AND {{s}} RLIKE '^[+-]?[.]?[0-9]')"
_READABLE = {
    "DOUBLE": f"{_DECIMAL_TEXT} OR {{s}} RLIKE '^(?i)[+-]?(inf|infinity|nan)$'",
    "BIGINT": (
        f"({_DECIMAL_TEXT} AND TRY_CAST(REGEXP_REPLACE({{s}}, '_', '') AS DOUBLE)"
        " BETWEEN -9223372036854775808.0 AND 9223372036854775807.0)"
        " OR {s} RLIKE '^0[xX][0-9a-fA-F]+(_[0-9a-fA-F]+)*$' OR {s} RLIKE '^0[bB][01]+(_[01]+)*$'"
    ),
    "DATE": (
        "(TRY_CAST(REGEXP_REPLACE({s}, '/', '-') AS TIMESTAMP) IS NOT NULL"
        " AND {s} RLIKE '^[0-9]{{4,}}[-/][0-9]{{1,2}}[-/][0-9]{{1,2}}([ T].+)?$')"
        " OR LOWER({s}) IN ('inf', 'infinity', '-inf', '-infinity', 'epoch')"
    ),
}
_READABLE["TIMESTAMP"] = _READABLE["DATE"]


def _refused(reason: str) -> QualityEngineError:
    return QualityEngineError(
        f"The quality checks cannot run on Spark: {reason} / รันการตรวจคุณภาพบน Spark ไม่ได้: {reason}"
    )


# -- rendering DuckDB SQL for Spark ----------------------------------------------------------------


@cache
def _macros() -> dict[str, tuple[list[str], exp.Expr]]:
    """The quality macros: name -> (parameter names, body as a DuckDB expression tree)."""
    found: dict[str, tuple[list[str], exp.Expr]] = {}
    for statement in macro_statements():
        match = _MACRO.match(statement.strip())
        if match is None:
            msg = f"unexpected statement in macros.sql: {statement[:60]!r}"
            raise ValueError(msg)
        name, params, body = match.groups()
        names = [p.strip() for p in params.split(",") if p.strip()]
        found[name.lower()] = (names, sqlglot.parse_one(body, read="duckdb"))
    return found


def _literal(value: Any) -> str:
    """A bound parameter as a typed DuckDB literal."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | decimal.Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f"CAST('{value!r}' AS DOUBLE)"
    if isinstance(value, dt.datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), "TIMESTAMP").sql("duckdb")
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), "DATE").sql("duckdb")
    if isinstance(value, str):
        return exp.Literal.string(value).sql("duckdb")
    raise _refused(f"a value of type {type(value).__name__}")


def inline_params(sql: str, params: list[Any]) -> str:
    """``sql`` with each ``?`` placeholder token replaced by its parameter as a typed literal."""
    tokens = sqlglot.Dialect.get_or_raise("duckdb").tokenize(sql)
    places = [t for t in tokens if t.token_type == TokenType.PLACEHOLDER and t.text == "?"]
    if len(places) != len(params):
        msg = f"{len(places)} placeholders for {len(params)} parameters"
        raise ValueError(msg)
    for token, value in reversed(list(zip(places, params, strict=True))):
        sql = sql[: token.start] + _literal(value) + sql[token.end + 1 :]
    return sql


def _expand(node: exp.Expr) -> exp.Expr:
    """A macro call replaced by its body with the arguments put in (macros may call macros)."""
    if not isinstance(node, exp.Anonymous):
        return node
    macro = _macros().get(str(node.name).lower())
    if macro is None:
        return node
    names, body = macro
    arguments = dict(zip(names, node.expressions, strict=True))

    def put(inner: exp.Expr) -> exp.Expr:
        if isinstance(inner, exp.Column) and not inner.table and inner.name in arguments:
            return exp.paren(arguments[inner.name].copy(), copy=False)
        return inner

    return body.transform(put, copy=True).transform(_expand, copy=False)


def _readable(node: exp.TryCast) -> exp.Expr | None:
    """``TRY_CAST(trim(x) AS T)`` as "readable the way DuckDB reads it" (TRUE or NULL), or None."""
    target = node.to.sql("duckdb").upper()
    if not isinstance(node.this, exp.Trim) or target not in _READABLE:
        return None
    predicate = _READABLE[target].format(s=f"({node.this.sql('spark')})")
    return sqlglot.parse_one(f"CASE WHEN {predicate} THEN TRUE END", read="spark")


def _respell(node: exp.Expr) -> exp.Expr:
    """Re-express what Spark spells or computes differently (see the module docstring)."""
    if isinstance(node, exp.TryCast):
        readable = _readable(node)
        if readable is not None:
            return readable
    if isinstance(node, exp.RegexpFullMatch):
        pattern = node.expression
        anchored = (
            exp.Literal.string(f"^(?:{pattern.this})\\z")
            if isinstance(pattern, exp.Literal) and pattern.is_string
            else exp.func("concat", exp.Literal.string("^(?:"), pattern, exp.Literal.string(")\\z"))
        )
        return exp.RegexpLike(this=node.this, expression=anchored)
    if isinstance(node, exp.Anonymous) and str(node.name).lower() == "strlen":
        return exp.Anonymous(this="octet_length", expressions=node.expressions)
    if isinstance(node, exp.Trunc) and not node.args.get("decimals"):
        value = node.this
        return exp.paren(
            exp.Sub(
                this=value.copy(),
                expression=exp.Mod(this=value.copy(), expression=exp.Literal.number(1)),
            )
        )
    if isinstance(node, exp.Distinct) and len(node.expressions) == 1:
        only = node.expressions[0]
        if isinstance(only, exp.Tuple | exp.Paren) and isinstance(node.parent, exp.Count):
            node.set(
                "expressions",
                list(only.expressions) if isinstance(only, exp.Tuple) else [only.this],
            )
    if isinstance(node, exp.In) and isinstance(node.this, exp.Tuple) and node.args.get("query"):
        select = node.args["query"].this
        if isinstance(select, exp.Select) and len(select.expressions) == 1:
            only = select.expressions[0]
            if isinstance(only, exp.Tuple):
                select.set("expressions", list(only.expressions))
    return node


def spark_sql(sql: str, params: list[Any], *, views: dict[str, str]) -> str:
    """Render compiled DuckDB ``sql`` with ``params`` as Spark SQL.

    ``views`` maps the Parquet paths of referenced tables (``read_parquet('…')``) to the names
    of their temporary views. Raises :class:`QualityEngineError` when Spark cannot express it.
    """
    try:
        tree = sqlglot.parse_one(inline_params(sql, params), read="duckdb")
        tree = tree.transform(_expand, copy=False).transform(_respell, copy=False)
        for table in list(tree.find_all(exp.Table)):
            if isinstance(table.this, exp.ReadParquet):
                path = table.this.expressions[0].name
                if path not in views:
                    raise _refused("an unknown file")
                renamed = exp.Table(this=exp.to_identifier(views[path]))
                if table.alias:
                    renamed.set("alias", table.args["alias"])
                table.replace(renamed)
        left = [n.name for n in tree.find_all(exp.Anonymous) if n.name.lower().startswith("ddgov_")]
        if left:
            raise _refused(f"no Spark form of {left[0]}")
        return tree.sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)
    except SqlglotError as exc:
        raise _refused(str(exc).splitlines()[0]) from exc


# -- running ---------------------------------------------------------------------------------------


def _views(
    session: SparkSession, rules: list[Rule], table: Table, context: Context
) -> dict[str, str]:
    """Register ``src``, the referenced tables and (for geocode) the gazetteer; path -> view."""
    from pyspark.sql import Window  # noqa: PLC0415 - pyspark loads only with this engine
    from pyspark.sql import functions as f  # noqa: PLC0415

    frame = session.read.parquet(str(table.path))
    if ROW_ID not in table.columns:  # DuckDB numbers the file's rows: so does this view
        order = Window.orderBy(f.monotonically_increasing_id())
        frame = frame.withColumn(_NO_ROW_ID, f.row_number().over(order) - 1)
    frame.createOrReplaceTempView("src")
    views: dict[str, str] = {}
    for i, rule in enumerate(r for r in rules if r.check == "reference"):
        target = context.references[rule.id]
        name = f"ddgov_ref_{i}"
        session.read.parquet(str(target.path)).createOrReplaceTempView(name)
        views[str(target.path)] = name
    if any(r.check == "geocode" for r in rules):
        from ddgov.governance.gazetteer import gazetteer_csv  # noqa: PLC0415 - needs the lake

        areas = session.read.option("header", "true").csv(str(gazetteer_csv()))
        areas = areas.withColumn(
            "district_code",
            f.when(f.col("district_code") == "", None).otherwise(f.col("district_code")),
        )
        areas.createOrReplaceTempView("gazetteer")
    return views


def _for_spark(compiled: Compiled) -> Compiled:
    """Freshness reads the newest value itself (dates and times come back as Python values)."""
    if compiled.rule.check == "freshness" and compiled.rule.columns:
        compiled.aggregate = f"max({quote(compiled.rule.columns[0])})"
    return compiled


def _collect(session: SparkSession, sql: str) -> list[tuple[Any, ...]]:
    """Run ``sql``; Spark's errors become a bilingual :class:`QualityEngineError`."""
    from pyspark.sql import types as t  # noqa: PLC0415

    try:
        frame = session.sql(sql)
        kinds = [field.dataType for field in frame.schema.fields]
        rows = frame.collect()
    except Exception as exc:
        raise _refused(str(exc).strip().splitlines()[0][:300]) from exc
    out = []
    for row in rows:
        values = []
        for value, kind in zip(row, kinds, strict=True):
            aware = isinstance(kind, t.TimestampType) and isinstance(value, dt.datetime)
            values.append(value.astimezone() if aware and value.tzinfo is None else value)
        out.append(tuple(values))
    return out


def quality_execute_spark(
    con: duckdb.DuckDBPyConnection, rules: list[Rule], table: Table, context: Context
) -> list[dict[str, Any]]:
    """Run checked rules on ``table`` with Spark: the results of the DuckDB run, same keys.

    ``con`` is not used for data (Spark reads the files itself); it is the caller's DuckDB
    connection, kept for the same signature as the DuckDB path.
    """
    from ddgov.analytics.engine import engine_get  # noqa: PLC0415
    from ddgov.lake.sandbox import SandboxError  # noqa: PLC0415

    del con
    plain = without_bitmaps(table)
    compiled = [_for_spark(compile_rule(r, plain, context)) for r in rules]
    try:
        session = engine_get(name="spark").session().newSession()  # type: ignore[attr-defined]
    except SandboxError as exc:
        raise QualityEngineError(exc.message) from exc
    try:
        views = _views(session, rules, plain, context)
    except Exception as exc:  # Spark cannot read a file: say so rather than give numbers
        raise _refused(str(exc).strip().splitlines()[0][:300]) from exc
    sql, params = aggregate_sql(compiled)
    (row,) = _collect(session, spark_sql(sql, params, views=views))
    results, failing = quality_outcomes(compiled, row, context)
    if failing:
        sql, params = samples_sql(failing, plain)
        rows = _collect(session, spark_sql(sql, params, views=views))
        samples = quality_samples([(r[0], r[1], r[2]) for r in rows], failing)
        for result in results:
            result["samples"] = samples.get(result["id"], [])
    return results


__all__ = ["inline_params", "quality_execute_spark", "spark_sql"]
