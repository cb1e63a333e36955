"""A second wall for aggregate-only mode: DuckDB's own parse of the rewritten SQL.

The rules of :mod:`ddgov.analytics.access.aggregate` are checked on sqlglot's tree, and the
engine runs sqlglot's rendering of it. Should the two parsers ever read that text differently,
the checks would have judged a query DuckDB does not run. So the rewritten SQL is parsed again
by DuckDB (``json_serialize_sql``, nothing executes) and the structural rules are checked on
DuckDB's tree: one SELECT; aggregate-only tables only as plain tables of its FROM/JOIN and
nowhere else; no window functions, FILTER, grouping sets or subqueries in outputs; only
whitelisted aggregates over plain arguments; the group-size guard in HAVING.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import duckdb

from ddgov.analytics.access.aggregate import AGGREGATE_WHITELIST, duckdb_aggregate_names
from ddgov.analytics.access.errors import QueryError

_lock = threading.Lock()
_con: duckdb.DuckDBPyConnection | None = None

_PLAIN_ARGUMENTS = frozenset({"COLUMN_REF", "CONSTANT", "STAR"})


def _refused(detail: str) -> QueryError:
    return QueryError(
        "aggregate",
        f"The query does not keep to aggregate-only rules ({detail}); simplify it"
        f" / คำสั่งไม่เป็นไปตามข้อกำหนดการสืบค้นแบบรวมยอด ({detail}) กรุณาเขียนให้เรียบง่ายขึ้น",
    )


def _parse(sql: str) -> dict[str, Any]:
    global _con  # noqa: PLW0603 - one trusted parser connection per process
    with _lock:
        if _con is None:
            _con = duckdb.connect(":memory:")
            _con.execute("SET autoinstall_known_extensions = false")
            _con.execute("SET autoload_known_extensions = false")
            _con.execute("SET enable_external_access = false")
        row = _con.execute("SELECT json_serialize_sql(?::VARCHAR)", [sql]).fetchone()
    parsed: dict[str, Any] = json.loads(row[0]) if row else {"error": True}
    statements = parsed.get("statements")
    if parsed.get("error") or not isinstance(statements, list) or len(statements) != 1:
        raise _refused("DuckDB reads it differently")
    node = statements[0]["node"]
    if node.get("type") != "SELECT_NODE":
        raise _refused("not a single SELECT")
    return dict(node)


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _walk(child)
    elif isinstance(value, list):
        for child in value:
            yield from _walk(child)


def _from_items(table: dict[str, Any] | None) -> Iterator[dict[str, Any]]:
    """The leaves of the FROM clause's join tree."""
    if not table:
        return
    if table.get("type") == "JOIN":
        yield from _from_items(table.get("left"))
        yield from _from_items(table.get("right"))
    else:
        yield table


def _is_protected(item: dict[str, Any], protected: set[str]) -> bool:
    return item.get("type") == "BASE_TABLE" and str(item.get("table_name", "")).lower() in protected


def _check_from(node: dict[str, Any], protected: set[str]) -> list[str]:
    """Plain tables only in FROM/JOIN; protected ones nowhere else. Return their aliases."""
    items = list(_from_items(node.get("from_table")))
    if any(item.get("type") != "BASE_TABLE" for item in items):
        raise _refused("FROM/JOIN holds something other than tables")
    direct = [item for item in items if _is_protected(item, protected)]
    everywhere = [n for n in _walk(node) if _is_protected(n, protected)]
    if len(everywhere) != len(direct):
        raise _refused("a protected table is read outside the main FROM/JOIN")
    return [str(item.get("alias") or item.get("table_name")).lower() for item in direct]


def _argument(argument: dict[str, Any]) -> dict[str, Any]:
    """A function argument's expression (DuckDB wraps each as ``{name, expression}``)."""
    inner = argument.get("expression")
    return inner if isinstance(inner, dict) else argument


def _plain(argument: dict[str, Any]) -> bool:
    """A column, a constant, ``*`` (not ``COLUMNS(…)``), or a CAST of a column or constant."""
    expression = _argument(argument)
    kind = expression.get("class")
    if kind == "STAR":
        return not expression.get("columns") and not expression.get("expr")
    if kind in _PLAIN_ARGUMENTS:
        return True
    if kind == "CAST" and not expression.get("try_cast"):
        return (expression.get("child") or {}).get("class") in {"COLUMN_REF", "CONSTANT"}
    return False


def _check_body(node: dict[str, Any]) -> None:
    aggregates = duckdb_aggregate_names()
    body = {key: value for key, value in node.items() if key != "cte_map"}
    for item in _walk(body):
        kind = item.get("class")
        if kind == "WINDOW":
            raise _refused("window function")
        if kind != "FUNCTION":
            continue
        name = str(item.get("function_name", "")).lower()
        if name not in aggregates and name not in AGGREGATE_WHITELIST:
            continue
        if name not in AGGREGATE_WHITELIST or item.get("schema") or item.get("filter"):
            raise _refused(f"aggregate {name}")
        if not all(_plain(arg) for arg in item.get("arguments") or []):
            raise _refused(f"{name} over an expression")
    if node.get("qualify") or len(node.get("group_sets") or []) > 1:
        raise _refused("QUALIFY or grouping sets")
    outputs = [node.get("select_list"), node.get("group_expressions"), node.get("having")]
    outputs.append(node.get("modifiers"))
    if any(item.get("class") == "SUBQUERY" for item in _walk(outputs)):
        raise _refused("subquery outside WHERE and JOIN … ON")


def _constant_text(node: dict[str, Any]) -> str:
    literal = node.get("literal") or node.get("value") or {}
    return str(literal.get("text", literal.get("value", ""))) if isinstance(literal, dict) else ""


def _check_guard(node: dict[str, Any], aliases: list[str], min_group: int) -> None:
    guarded = set()
    for item in _walk(node.get("having")):
        if item.get("type") != "COMPARE_GREATERTHANOREQUALTO":
            continue
        left, right = item.get("left") or {}, item.get("right") or {}
        args = [_argument(a) for a in left.get("arguments") or []]
        names = [str(p).lower() for p in args[0].get("column_names") or []] if args else []
        if (
            left.get("function_name") == "count"
            and left.get("distinct")
            and len(args) == 1
            and len(names) == 2
            and names[1] == "_id"
            and _constant_text(right) == str(min_group)
        ):
            guarded.add(names[0])
    if not set(aliases) <= guarded:
        raise _refused("missing group-size guard")


def aggregate_verify(*, sql: str, protected: set[str], min_group: int) -> None:
    """Check the rewritten ``sql`` on DuckDB's parse tree (``protected``: flat table names)."""
    node = _parse(sql)
    aliases = _check_from(node, {name.lower() for name in protected})
    _check_body(node)
    _check_guard(node, aliases, min_group)
