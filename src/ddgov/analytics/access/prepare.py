"""Parse, check and resolve a query for one principal: the steps shared by running and inspecting."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from sqlglot import exp

from ddgov.analytics.access.errors import QueryError, SourceText
from ddgov.analytics.access.policy import WrittenTable, sql_parse, sql_tables
from ddgov.analytics.access.principal import Principal
from ddgov.analytics.access.resolve import ResolvedTable, tables_resolve
from ddgov.analytics.access.rewrite import Rewritten, tree_rewrite


@dataclass
class Prepared:
    """A checked query tree, the tables it names and what the principal may read of them."""

    source: SourceText
    tree: exp.Query
    written: list[WrittenTable]
    resolved: list[ResolvedTable]

    def distinct_tables(self) -> list[ResolvedTable]:
        """Each resource once, in order of first mention."""
        seen: dict[object, ResolvedTable] = {}
        for table in self.resolved:
            seen.setdefault(table.resource.pk, table)
        return list(seen.values())


def _too_deep() -> QueryError:
    return QueryError("syntax", "The SQL is nested too deeply / คำสั่ง SQL ซ้อนกันลึกเกินไป")


def min_group() -> int:
    """The smallest number of records an aggregate-only answer may rest on."""
    return max(1, int(getattr(settings, "DDGOV_ANALYTICS_MIN_GROUP", 5)))


def sql_prepare(*, principal: Principal, sql: str) -> Prepared:
    """Parse and check ``sql``, then resolve its tables for ``principal`` (raises QueryError)."""
    source = SourceText(sql)
    try:
        tree = sql_parse(sql=sql, source=source)
        written = sql_tables(tree=tree, source=source)
    except RecursionError as exc:
        raise _too_deep() from exc
    resolved = tables_resolve(principal=principal, tables=written, source=source)
    return Prepared(source=source, tree=tree, written=written, resolved=resolved)


def sql_rewrite(*, prepared: Prepared, offset: int = 0, limit: int | None = None) -> Rewritten:
    """Apply the aggregate-only rules and render the engine's SQL (raises QueryError).

    The rewrite works on a copy, so one :class:`Prepared` may be rendered several times (pages).
    """
    try:
        tree = prepared.tree.copy()
        written = sql_tables(tree=tree, source=prepared.source)  # same order as the original's
        return tree_rewrite(
            tree=tree,
            written=written,
            resolved=prepared.resolved,
            source=prepared.source,
            min_group=min_group(),
            offset=offset,
            limit=limit,
        )
    except RecursionError as exc:
        raise _too_deep() from exc
