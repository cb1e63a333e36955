"""The checked tree rewritten for the engine: flat table names, the group-size guard, paging.

Each resource the query reads becomes one flat name (``t1``, ``t2`` … chosen so it clashes with
no identifier of the query) that the engine exposes as a view over its Parquet file with the
masked columns read as NULL. Each table reference keeps the alias it was written with, or gets
the written table name as its alias, so column references like ``households.province`` keep
working. The result is rendered in DuckDB's dialect; the engine checks it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlglot import exp

from ddgov.analytics.access.aggregate import aggregate_guard_add, aggregate_only_check
from ddgov.analytics.access.errors import SourceText
from ddgov.analytics.access.policy import WrittenTable
from ddgov.analytics.access.resolve import MODE_AGGREGATE, ResolvedTable
from ddgov.analytics.access.verify import aggregate_verify


@dataclass(frozen=True)
class FlatTable:
    """One table the engine exposes: its Parquet file and the columns read as NULL."""

    name: str
    path: Path
    masked: frozenset[str]
    written: str


@dataclass(frozen=True)
class Rewritten:
    """SQL ready for an engine, the tables it names, and how to say them to a person."""

    sql: str
    tables: dict[str, FlatTable]


def _flat_names(tree: exp.Expr, count: int) -> list[str]:
    taken = {str(node.this).lower() for node in tree.find_all(exp.Identifier)}
    names: list[str] = []
    number = 0
    while len(names) < count:
        number += 1
        candidate = f"t{number}"
        if candidate not in taken:
            names.append(candidate)
    return names


def _requalify_columns(tree: exp.Expr, unaliased: dict[tuple[str, ...], str]) -> None:
    """``dataset.resource.col`` and ``agency.dataset.resource.col`` become ``resource.col``."""
    if not unaliased:
        return
    for column in tree.find_all(exp.Column):
        if not column.args.get("db"):
            continue
        parts = tuple(
            str(p.this).lower()
            for p in (column.args.get("catalog"), column.args.get("db"), column.args.get("table"))
            if p
        )
        alias = unaliased.get(parts)
        if alias is not None:
            column.set("catalog", None)
            column.set("db", None)
            column.set("table", exp.to_identifier(alias, quoted=True))


def _paged(tree: exp.Query, offset: int, limit: int | None) -> exp.Query:
    """``SELECT * FROM (<tree>) AS q LIMIT … OFFSET …`` (the tree itself when not paged)."""
    if not offset and limit is None:
        return tree
    paged = exp.select("*").from_(
        exp.Subquery(this=tree, alias=exp.TableAlias(this=exp.to_identifier("q")))
    )
    if limit is not None:
        paged = paged.limit(int(limit))
    if offset:
        paged = paged.offset(int(offset))
    return paged


def tree_rewrite(
    *,
    tree: exp.Query,
    written: list[WrittenTable],
    resolved: list[ResolvedTable],
    source: SourceText,
    min_group: int,
    offset: int = 0,
    limit: int | None = None,
) -> Rewritten:
    """Apply aggregate-only rules, rename tables to flat names, add paging; render for DuckDB.

    ``written`` and ``resolved`` are parallel lists (one entry per table reference).
    """
    protected = [w.node for w, r in zip(written, resolved, strict=True) if r.mode == MODE_AGGREGATE]
    if protected:
        aggregate_only_check(tree=tree, protected=protected, source=source)
    distinct = list(dict.fromkeys(r.resource.pk for r in resolved))
    by_resource = dict(zip(distinct, _flat_names(tree, len(distinct)), strict=True))
    tables: dict[str, FlatTable] = {}
    unaliased: dict[tuple[str, ...], str] = {}
    guard_aliases: list[exp.Identifier] = []
    for table, target in zip(written, resolved, strict=True):
        flat = by_resource[target.resource.pk]
        tables.setdefault(
            flat,
            FlatTable(
                name=flat, path=target.path, masked=frozenset(target.masked), written=table.written
            ),
        )
        node = table.node
        alias = node.args.get("alias")
        if alias is None or not alias.this:
            alias_ident = exp.to_identifier(table.parts[-1], quoted=True)
            node.set("alias", exp.TableAlias(this=alias_ident))
            lowered = tuple(p.lower() for p in table.parts)
            for size in range(2, len(lowered) + 1):
                unaliased[lowered[-size:]] = table.parts[-1]
        else:
            alias_ident = alias.this
        node.set("catalog", None)
        node.set("db", None)
        node.set("this", exp.to_identifier(flat))
        if target.mode == MODE_AGGREGATE:
            guard_aliases.append(alias_ident)
    _requalify_columns(tree, unaliased)
    if guard_aliases:
        assert isinstance(tree, exp.Select)  # noqa: S101 - aggregate_only_check made sure
        aggregate_guard_add(tree=tree, aliases=guard_aliases, min_group=min_group)
        aggregate_verify(
            sql=tree.sql(dialect="duckdb", comments=False),
            protected={by_resource[r.resource.pk] for r in resolved if r.mode == MODE_AGGREGATE},
            min_group=min_group,
        )
    sql = _paged(tree, offset, limit).sql(dialect="duckdb", comments=False)
    return Rewritten(sql=sql, tables=tables)
