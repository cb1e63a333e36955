"""Aggregate-only mode: what a query may do with a table whose personal columns are masked.

A principal without the right to a table's personal columns may still count and sum over it,
but no answer may rest on fewer than *k* people (``DDGOV_ANALYTICS_MIN_GROUP``). The rules,
checked on the parse tree before anything runs:

* the query is one ``SELECT`` (no UNION/INTERSECT/EXCEPT) and names each aggregate-only table
  directly in its own ``FROM``/``JOIN`` — not inside a CTE or subquery — and every ``FROM``/
  ``JOIN`` item is a plain table (no derived tables, table functions, LATERAL, PIVOT), so no
  per-row value can be computed outside the checked select;
* every projection is a whitelisted aggregate or a ``GROUP BY`` expression (or built from them);
  no ``SELECT *``; no window functions, QUALIFY, FILTER clauses, ROLLUP/CUBE/GROUPING SETS;
  aggregates other than the whitelist (``count, sum, avg, mean, median, stddev*, var*,
  variance, approx_count_distinct, count_if``) are refused anywhere in the query body;
* a whitelisted aggregate takes a plain column (or ``*``, a constant, a CAST of a column), so
  it always runs over the whole group — conditions belong in ``WHERE``/``GROUP BY``, where the
  group-size check sees them; ``col.sum()`` method calls are refused for the same reason;
* subqueries are allowed only in ``WHERE`` and ``JOIN … ON`` (filters, never outputs).

Then :func:`aggregate_guard_add` ANDs ``COUNT(DISTINCT alias."_id") >= k`` per aggregate-only
table into ``HAVING``, so every output group rests on at least *k* distinct records.

Known limits (as for any query-based disclosure control): comparing the answers of two queries
that differ by one person (differencing), or whether a query fails at run time on one person's
row, is not prevented by a group-size threshold; audit records keep every query for review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from ddgov.analytics.access.errors import QueryError, SourceText

AGGREGATE_WHITELIST = frozenset(
    {
        "count",
        "count_star",
        "sum",
        "avg",
        "mean",
        "median",
        "stddev",
        "stddev_pop",
        "stddev_samp",
        "var_pop",
        "var_samp",
        "variance",
        "approx_count_distinct",
        "count_if",
        "countif",
    }
)
"""Aggregates (DuckDB names) allowed over aggregate-only tables."""

_CALL = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(")

_REFUSED_NODES: tuple[tuple[type[exp.Expr], str, str], ...] = (
    (exp.Window, "window functions (OVER …)", "ฟังก์ชันหน้าต่าง (OVER …)"),
    (exp.Qualify, "QUALIFY", "QUALIFY"),
    (exp.Filter, "FILTER (WHERE …) on an aggregate", "FILTER (WHERE …) ในฟังก์ชันรวม"),
    (exp.Rollup, "ROLLUP", "ROLLUP"),
    (exp.Cube, "CUBE", "CUBE"),
    (exp.GroupingSets, "GROUPING SETS", "GROUPING SETS"),
    (exp.Lateral, "LATERAL", "LATERAL"),
    (exp.Pivot, "PIVOT/UNPIVOT", "PIVOT/UNPIVOT"),
)


@cache
def duckdb_aggregate_names() -> frozenset[str]:
    """Every DuckDB aggregate function name, and the built-in macros that call one."""
    con = duckdb.connect(":memory:")
    try:
        names = {
            str(row[0]).lower()
            for row in con.execute(
                "SELECT function_name FROM duckdb_functions() WHERE function_type = 'aggregate'"
            ).fetchall()
        }
        macros = [
            (str(name).lower(), str(definition).lower())
            for name, definition in con.execute(
                "SELECT function_name, macro_definition FROM duckdb_functions()"
                " WHERE function_type = 'macro' AND macro_definition IS NOT NULL"
            ).fetchall()
        ]
    finally:
        con.close()
    changed = True
    while changed:
        changed = False
        for name, definition in macros:
            if name not in names and any(
                re.search(r"\b" + re.escape(agg) + r"\s*\(", definition) for agg in names
            ):
                names.add(name)
                changed = True
    return frozenset(names)


def _refuse(what_en: str, what_th: str, position: tuple[int, int] | None = None) -> QueryError:
    return QueryError(
        "aggregate",
        f"This table holds personal data you may not read, so only aggregate queries over it are"
        f" allowed: {what_en} / ตารางนี้มีข้อมูลส่วนบุคคลที่คุณไม่มีสิทธิ์อ่าน"
        f" จึงสืบค้นได้เฉพาะแบบรวมยอด: {what_th}",
        position,
    )


def function_name(node: exp.Func) -> str:
    """The name DuckDB will see for a function node (as the rewritten SQL renders it)."""
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    match = _CALL.match(node.sql(dialect="duckdb"))
    return match.group(1).lower() if match else node.sql_name().lower()


def is_aggregate(node: exp.Expr) -> bool:
    """Whether ``node`` is an aggregate call (by sqlglot's class or DuckDB's function list)."""
    if not isinstance(node, exp.Func):
        return False
    if isinstance(node, exp.AggFunc):
        return True
    names = duckdb_aggregate_names()
    return node.sql_name().lower() in names or function_name(node) in names


def _plain(node: exp.Expr) -> bool:
    """A whole-group argument: a column, ``*``, a constant, DISTINCT of those, a CAST of a column."""
    if isinstance(node, exp.Star | exp.Column | exp.Literal | exp.Null | exp.Boolean):
        return not isinstance(node, exp.Column) or not isinstance(node.this, exp.Func)
    if isinstance(node, exp.Paren):
        return _plain(node.this)
    if isinstance(node, exp.Distinct):
        return not node.args.get("on") and all(_plain(e) for e in node.expressions)
    if type(node) is exp.Cast:
        return isinstance(node.this, exp.Column | exp.Literal)
    return False


def _arguments(node: exp.Func) -> Iterable[exp.Expr]:
    for value in node.args.values():
        if isinstance(value, exp.Expr):
            yield value
        elif isinstance(value, list):
            yield from (v for v in value if isinstance(v, exp.Expr))


def _written_name(node: exp.Func, source: SourceText) -> str:
    """The function's name as the person wrote it (sqlglot may canonicalise ``list`` …)."""
    rendered = function_name(node)
    if isinstance(node, exp.Anonymous):
        return rendered
    for candidate in source.call_names():
        try:
            parsed = sqlglot.parse_one(f"SELECT {candidate}(1)", read="duckdb")
        except (ParseError, TokenError):
            continue
        call = parsed.expressions[0] if isinstance(parsed, exp.Select) else None
        if call is not None and type(call) is type(node):
            return candidate.lower()
    return rendered


def _check_aggregate(node: exp.Func, source: SourceText) -> None:
    name = function_name(node)
    written = _written_name(node, source)
    where = source.find_name(written, call=True)
    if name not in AGGREGATE_WHITELIST:
        raise _refuse(
            f'the aggregate "{written}" could reveal single records; use count, sum, avg, median,'
            " stddev or variance",
            f'ฟังก์ชันรวม "{written}" อาจเปิดเผยข้อมูลรายบุคคล ให้ใช้ count, sum, avg, median,'
            " stddev หรือ variance",
            where,
        )
    if not all(_plain(arg) for arg in _arguments(node)):
        raise _refuse(
            f'"{written}(…)" must take a column, not an expression; put conditions in WHERE or'
            " GROUP BY",
            f'"{written}(…)" ต้องรับชื่อคอลัมน์ ไม่ใช่นิพจน์ ให้ใส่เงื่อนไขไว้ใน WHERE หรือ GROUP BY',
            where,
        )


def _direct_child(node: exp.Expr, top: exp.Select) -> exp.Expr | None:
    """The ancestor of ``node`` (or itself) whose parent is ``top``."""
    child: exp.Expr | None = node
    while child is not None and child.parent is not top:
        child = child.parent
    return child


def _subquery_allowed(node: exp.Expr, top: exp.Select) -> bool:
    """Whether a nested query sits in ``WHERE`` or in a ``JOIN … ON``/``USING``."""
    child = _direct_child(node, top)
    if child is None:
        return False
    if child.arg_key == "where":
        return True
    if isinstance(child, exp.Join):
        inner: exp.Expr | None = node
        while inner is not None and inner.parent is not child:
            inner = inner.parent
        return inner is not None and inner.arg_key in {"on", "using"}
    return False


def _body(top: exp.Select) -> Iterable[exp.Expr]:
    """The nodes of the top select, its CTE definitions left out (they cannot see its tables)."""
    ctes = top.args.get("with_")
    return top.walk(prune=lambda n: n is ctes)


def _plain_source(item: exp.Expr | None) -> bool:
    return (
        isinstance(item, exp.Table)
        and isinstance(item.this, exp.Identifier)
        and not any(item.args.get(key) for key in ("joins", "laterals", "pivots"))
    )


def _same(a: exp.Expr, b: exp.Expr) -> bool:
    if isinstance(a, exp.Column) and isinstance(b, exp.Column):
        if a.name.lower() != b.name.lower():
            return False
        return not a.table or not b.table or a.table.lower() == b.table.lower()
    return a.sql(dialect="duckdb").lower() == b.sql(dialect="duckdb").lower()


def _group_keys(top: exp.Select) -> tuple[list[exp.Expr], bool]:
    """The GROUP BY expressions (ordinals and aliases resolved), and whether it is GROUP BY ALL."""
    group = top.args.get("group")
    if group is None:
        return [], False
    if group.args.get("all"):
        return [], True
    projections = top.expressions
    aliases = {p.alias.lower(): p.unalias() for p in projections if p.alias}
    keys: list[exp.Expr] = []
    for key in group.expressions:
        keys.append(key)
        if isinstance(key, exp.Literal) and not key.is_string and key.name.isdigit():
            index = int(key.name) - 1
            if 0 <= index < len(projections):
                keys.append(projections[index].unalias())
        elif isinstance(key, exp.Column) and not key.table and key.name.lower() in aliases:
            keys.append(aliases[key.name.lower()])
    return keys, False


def _ungrouped(node: exp.Expr, keys: list[exp.Expr]) -> exp.Expr | None:
    """A column reference in ``node`` that is neither aggregated nor a group key, if any."""
    if any(_same(node, key) for key in keys) or is_aggregate(node):
        return None
    if isinstance(node, exp.Column | exp.Identifier):
        return node
    for child in node.iter_expressions():
        found = _ungrouped(child, keys)
        if found is not None:
            return found
    return None


def _check_shape(tree: exp.Select, protected: list[exp.Table]) -> None:
    """Aggregate-only tables named directly; every FROM/JOIN item a plain table."""
    for node in protected:
        holder = node.parent
        if not (isinstance(holder, exp.From | exp.Join) and holder.parent is tree):
            raise _refuse(
                f'name the table "{node.name}" directly in the main FROM/JOIN, not inside a CTE'
                " or subquery",
                f'ระบุตาราง "{node.name}" ใน FROM/JOIN หลักโดยตรง ไม่ใช่ใน CTE หรือคิวรีย่อย',
            )
    items = [tree.args.get("from_"), *(tree.args.get("joins") or [])]
    plain = all(item is None or _plain_source(item.this) for item in items)
    if not plain or tree.args.get("laterals") or tree.args.get("pivots"):
        raise _refuse(
            "FROM/JOIN may only name tables (no subqueries, table functions, LATERAL or PIVOT);"
            " move other tables' work into a CTE",
            "FROM/JOIN ระบุได้เฉพาะตาราง (ไม่ใช้คิวรีย่อย ฟังก์ชันตาราง LATERAL หรือ PIVOT)"
            " ให้ย้ายการคำนวณของตารางอื่นไปไว้ใน CTE",
        )


def _check_body(tree: exp.Select, source: SourceText) -> None:
    """No windows, FILTER, ROLLUP …; subqueries only as filters; only whitelisted aggregates."""
    for node in _body(tree):
        for kind, what_en, what_th in _REFUSED_NODES:
            if isinstance(node, kind):
                raise _refuse(f"{what_en} is not allowed", f"ไม่อนุญาต {what_th}")
        if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Func):
            raise _refuse(
                "write f(column) instead of the method call column.f()",
                "เขียน f(คอลัมน์) แทนการเรียกแบบ คอลัมน์.f()",
            )
        if isinstance(node, exp.Query) and node is not tree and not _subquery_allowed(node, tree):
            raise _refuse(
                "subqueries are allowed only in WHERE and JOIN … ON; move them into a CTE",
                "ใช้คิวรีย่อยได้เฉพาะใน WHERE และ JOIN … ON ให้ย้ายไปไว้ใน CTE",
            )
        if isinstance(node, exp.Func) and is_aggregate(node):
            _check_aggregate(node, source)


def _check_projections(tree: exp.Select, source: SourceText) -> None:
    """Every output is an aggregate or a GROUP BY expression; never ``*``."""
    keys, group_all = _group_keys(tree)
    for projection in tree.expressions:
        value = projection.unalias()
        if isinstance(value, exp.Star) or (
            isinstance(value, exp.Column) and isinstance(value.this, exp.Star)
        ):
            raise _refuse(
                "SELECT * returns single records; select aggregates and GROUP BY columns",
                "SELECT * คืนข้อมูลรายบุคคล ให้เลือกเฉพาะค่ารวมและคอลัมน์ใน GROUP BY",
                source.find_name("*"),
            )
        column = None if group_all else _ungrouped(value, keys)
        if column is not None:
            name = column.name
            raise _refuse(
                f'"{name}" must be inside an aggregate or listed in GROUP BY',
                f'"{name}" ต้องอยู่ในฟังก์ชันรวมหรืออยู่ใน GROUP BY',
                source.find_name(name),
            )


def aggregate_only_check(
    *, tree: exp.Query, protected: list[exp.Table], source: SourceText
) -> None:
    """Refuse ``tree`` unless it obeys aggregate-only mode for the ``protected`` table nodes."""
    if not isinstance(tree, exp.Select):
        raise _refuse(
            "write one SELECT without UNION, INTERSECT or EXCEPT",
            "เขียนเป็น SELECT เดียว ไม่ใช้ UNION, INTERSECT หรือ EXCEPT",
        )
    _check_shape(tree, protected)
    _check_body(tree, source)
    _check_projections(tree, source)


def aggregate_guard_add(*, tree: exp.Select, aliases: list[exp.Identifier], min_group: int) -> None:
    """AND ``COUNT(DISTINCT alias."_id") >= k`` for each aggregate-only alias into HAVING."""
    conditions = [
        exp.GTE(
            this=exp.Count(
                this=exp.Distinct(
                    expressions=[
                        exp.Column(this=exp.to_identifier("_id", quoted=True), table=alias.copy())
                    ]
                )
            ),
            expression=exp.Literal.number(int(min_group)),
        )
        for alias in aliases
    ]
    guard = exp.and_(*conditions)
    having = tree.args.get("having")
    if having is not None:
        guard = exp.and_(exp.Paren(this=having.this), guard)
    tree.set("having", exp.Having(this=guard))
