"""Wall 1 for analytics SQL: parse once, apply the lake sandbox's statement policy, list the tables.

The sandbox (:mod:`ddgov.lake.sandbox`) refuses three-part names because its callers expose
tables as ``schema.table``; analytics names resources ``agency.dataset.resource`` too, so this
module parses the SQL itself (same dialect, same refusals, same bilingual messages) and
hands back the tree. The access layer rewrites that tree and the engine checks the rewritten
SQL again, so every wall still runs on exactly what is executed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from ddgov.analytics.access.errors import QueryError, SourceText, position_at
from ddgov.lake import sandbox
from ddgov.lake.sandbox import ALLOWED_TABLE_FUNCTIONS, SandboxError


@dataclass(frozen=True)
class WrittenTable:
    """A table the SQL reads, as written: one, two or three name parts."""

    node: exp.Table
    parts: tuple[str, ...]
    offset: int | None

    @property
    def written(self) -> str:
        """The name as the person wrote it, for messages."""
        return ".".join(self.parts)


def _identifier_offset(node: exp.Expr | None) -> int | None:
    if isinstance(node, exp.Identifier):
        start = node.meta.get("start")
        return start if isinstance(start, int) else None
    return None


def unknown_table(written: str, position: tuple[int, int] | None = None) -> QueryError:
    """The one answer for a table that does not exist or that the principal may not read."""
    return QueryError(
        "table",
        f'Unknown table "{written}" (or you may not read it) / ไม่พบตาราง "{written}" (หรือไม่มีสิทธิ์อ่าน)',
        position,
    )


def from_sandbox(exc: SandboxError) -> QueryError:
    """A sandbox refusal as a :class:`QueryError`, keeping its code, message and position."""
    return QueryError(exc.code, exc.message, exc.position)


def _parse(sql: str) -> exp.Expr:
    try:
        return sandbox.sandbox_parse(sql)
    except SandboxError as exc:
        raise from_sandbox(exc) from exc


def _refuse_statement(kind: str) -> QueryError:
    return from_sandbox(sandbox.refuse_statement(kind))


def _check_functions(tree: exp.Expr, source: SourceText) -> None:
    for node in tree.find_all(exp.Func):
        name = sandbox.function_name(node)
        if sandbox.DENIED_FUNCTION.match(name):
            raise QueryError(
                "function",
                f'Function "{name}" is not allowed in the sandbox / ไม่อนุญาตให้ใช้ฟังก์ชัน "{name}" ในแซนด์บ็อกซ์',
                source.find_name(name, call=True),
            )


def _table_function_check(node: exp.Table, source: SourceText) -> None:
    func = node.this
    name = (
        sandbox.function_name(func) if isinstance(func, exp.Func) else type(func).__name__.lower()
    )
    if name not in ALLOWED_TABLE_FUNCTIONS:
        raise QueryError(
            "function",
            f'Table function "{name}" is not allowed; query the tables you were given'
            f' / ไม่อนุญาตฟังก์ชันตาราง "{name}" ให้สืบค้นจากตารางที่ได้รับอนุญาตเท่านั้น',
            source.find_name(name, call=True),
        )


def sql_parse(*, sql: str, source: SourceText) -> exp.Query:
    """Parse ``sql`` and apply the sandbox's statement and function policy; return the tree.

    Raises :class:`QueryError` (syntax, statement, function) with the position in ``sql``.
    """
    tree = _parse(sql)
    if not isinstance(tree, exp.Query):
        raise _refuse_statement(type(tree).__name__.upper())
    for node in tree.walk():
        if isinstance(node, sandbox.FORBIDDEN_NODES):
            raise _refuse_statement(type(node).__name__.upper())
    _check_functions(tree, source)
    try:
        sandbox.sandbox_check_duckdb_agrees(sql)
    except SandboxError as exc:
        raise from_sandbox(exc) from exc
    return tree


def cte_names(tree: exp.Expr) -> set[str]:
    """Lower-cased names of every CTE the SQL defines (anywhere)."""
    return {str(cte.alias_or_name).lower() for cte in tree.find_all(exp.CTE)}


def sql_tables(*, tree: exp.Expr, source: SourceText) -> list[WrittenTable]:
    """The tables ``tree`` reads (CTE references left out), after refusing table functions.

    A bare name that some CTE defines is taken as that CTE, as the sandbox does; after the
    rewrite such a name can only ever reach a CTE, never a lake table, because the engine
    exposes nothing but the flat names the access layer chose.
    """
    ctes = cte_names(tree)
    found: list[WrittenTable] = []
    for node in tree.find_all(exp.Table):
        if isinstance(node.this, exp.Dot):  # four or more name parts
            text = node.sql(dialect="duckdb")
            raise unknown_table(
                text, source.position_of_offset(_identifier_offset(node.args.get("catalog")))
            )
        if not isinstance(node.this, exp.Identifier):
            _table_function_check(node, source)
            continue
        parts = tuple(
            str(part.this)
            for part in (node.args.get("catalog"), node.args.get("db"), node.this)
            if part
        )
        if len(parts) == 1 and parts[0].lower() in ctes:
            continue
        first = next(
            (p for p in (node.args.get("catalog"), node.args.get("db"), node.this) if p), None
        )
        found.append(WrittenTable(node=node, parts=parts, offset=_identifier_offset(first)))
    return found


def table_position(table: WrittenTable, sql: str) -> tuple[int, int] | None:
    """Where the table's name starts in ``sql``."""
    return None if table.offset is None else position_at(sql, table.offset)
