"""DuckDB-dialect SQL to Spark SQL, with a second policy check on what Spark would run.

The sandbox policy (:mod:`ddgov.lake.sandbox`) already accepted the DuckDB SQL, but a function
DuckDB does not know is not refused there (DuckDB itself would fail on it), while Spark might
know it: ``reflect``/``java_method`` call arbitrary Java methods, ``xpath``/``from_xml`` parse
XML with external entities, ``input_file_name`` reveals lake paths. So the Spark text is parsed
again and such functions are refused before Spark sees them.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError, TokenError

from ddgov.lake.sandbox import SandboxError, function_name

SPARK_DENIED_FUNCTION = re.compile(
    r"^(reflect|try_reflect|java_method|identifier|input_file_\w+|xpath\w*|\w*_xml|from_xml"
    r"|current_user|user|session_user|current_catalog|current_database|current_schema|version"
    r"|spark_partition_id|sql_keywords|collations|\w*_file\w*|read_\w+|\w+_scan)$"
)
"""Spark functions that reach the JVM, the file system or the session's environment."""

ALLOWED_SPARK_TABLE_FUNCTIONS = frozenset(
    {"range", "explode", "explode_outer", "posexplode", "posexplode_outer", "inline", "stack"}
)
"""What DuckDB's ``range``/``generate_series``/``unnest`` become in Spark."""


def _refuse(name: str) -> SandboxError:
    return SandboxError(
        "function",
        f'Function "{name}" is not allowed on the Spark engine'
        f' / ไม่อนุญาตให้ใช้ฟังก์ชัน "{name}" บนเอนจิน Spark',
    )


def _check_spark_tree(tree: exp.Expr) -> None:
    for node in tree.find_all(exp.Func):
        name = function_name(node)
        if SPARK_DENIED_FUNCTION.match(name):
            raise _refuse(name)
    for table in tree.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            func = table.this
            name = function_name(func) if isinstance(func, exp.Func) else type(func).__name__
            if name.lower() not in ALLOWED_SPARK_TABLE_FUNCTIONS:
                raise _refuse(name.lower())
        elif table.args.get("db") or table.args.get("catalog"):
            raise SandboxError(
                "table",
                f'Unknown table "{table.sql(dialect="spark")}" / ไม่พบตาราง "{table.sql(dialect="spark")}"',
            )


def _as_duckdb_computes(tree: exp.Expr) -> exp.Expr:
    """Rewrite what Spark computes or names differently from DuckDB.

    ``avg`` works in ``DOUBLE`` as in DuckDB: Spark averages a ``DECIMAL(p,s)`` as a
    ``DECIMAL(p+4,s+4)``, rounding the mean before the SQL sees it, so ``round(avg(x), 4)`` could
    differ from DuckDB's in the last digit. ``range``/``generate_series`` in ``FROM`` become a
    subquery with DuckDB's column name (sqlglot's own translation loses the alias).
    """

    def fix(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Table) and isinstance(node.this, exp.GenerateSeries):
            return _series_subquery(node)
        if not isinstance(node, exp.Avg):
            return node
        double = exp.DataType.build("DOUBLE")
        if isinstance(node.this, exp.Distinct):
            node.this.set("expressions", [exp.cast(e, double) for e in node.this.expressions])
        else:
            node.set("this", exp.cast(node.this, double))
        return node

    return tree.transform(fix, copy=True)


def _series_subquery(table: exp.Table) -> exp.Expr:
    """``FROM range(a, b[, step]) AS r(x)`` → ``FROM (SELECT id AS x FROM RANGE(a, b[, step])) AS r``.

    Spark's ``range`` is end-exclusive like DuckDB's; ``generate_series`` (inclusive) moves the
    end by one step's sign. A computed step is left to sqlglot.
    """
    series = table.this
    exclusive = bool(series.args.get("is_end_exclusive"))
    default = "range" if exclusive else "generate_series"
    alias = table.args.get("alias")
    table_name = alias.name if alias is not None and alias.name else default
    columns = list(alias.columns) if alias is not None else []
    column = columns[0].name if columns else default
    start, end, step = series.args.get("start"), series.args["end"], series.args.get("step")
    negative = isinstance(step, exp.Neg)
    literal = step.this if negative else step
    if step is not None and not (isinstance(literal, exp.Literal) and not literal.is_string):
        return table
    end = end.copy()
    if not exclusive:
        one = exp.Literal.number(1)
        end = exp.Sub(this=end, expression=one) if negative else exp.Add(this=end, expression=one)
    arguments = [start.copy() if start is not None else exp.Literal.number(0), end]
    if step is not None:
        arguments.append(step.copy())
    source = exp.Table(this=exp.Anonymous(this="RANGE", expressions=arguments))
    select = exp.select(exp.alias_(exp.column("id"), exp.to_identifier(column, quoted=True)))
    return select.from_(source).subquery(exp.to_identifier(table_name, quoted=True))


def sql_to_spark(*, sql: str) -> str:
    """Return ``sql`` (DuckDB dialect, already accepted by the sandbox policy) as Spark SQL.

    Raises :class:`SandboxError` (code ``function``) for functions Spark must not run, and
    (code ``query``) when sqlglot cannot express the query for Spark.
    """
    try:
        tree = _as_duckdb_computes(sqlglot.parse_one(sql, read="duckdb"))
        spark_sql = tree.sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)
        _check_spark_tree(sqlglot.parse_one(spark_sql, read="spark"))
    except (ParseError, TokenError) as exc:
        raise SandboxError(
            "query",
            f"The query cannot be expressed for Spark: {str(exc).splitlines()[0]}"
            f" / แปลงคำสั่งสำหรับ Spark ไม่ได้",
        ) from exc
    except SqlglotError as exc:
        raise SandboxError(
            "query",
            f"The query uses something Spark does not support: {str(exc).splitlines()[0]}"
            f" / คำสั่งนี้ใช้สิ่งที่ Spark ไม่รองรับ",
        ) from exc
    return spark_sql
