"""Checking analysts' SQL without running it: the policy alone, or the sources one principal reads."""

from __future__ import annotations

from ddgov.analytics.access.errors import QueryError, SourceText
from ddgov.analytics.access.policy import sql_parse, sql_tables
from ddgov.analytics.access.prepare import sql_prepare
from ddgov.analytics.access.principal import Principal
from ddgov.analytics.services.queries import SourceUse, source_uses

__all__ = ["QueryError", "query_sources", "query_validate"]


def query_validate(*, sql: str) -> None:
    """Check ``sql`` against the statement policy (syntax, one SELECT/WITH, functions, names).

    Used when a query is saved: nothing is resolved (the SQL may later run as someone else), so
    table names are only checked for shape (one to three parts, no table functions but the
    harmless ones). Raises :class:`QueryError` with the position of the problem.
    """
    source = SourceText(sql)
    tree = sql_parse(sql=sql, source=source)
    sql_tables(tree=tree, source=source)


def query_sources(*, principal: Principal, sql: str) -> list[SourceUse]:
    """The resources ``sql`` reads and how ``principal`` may read them, without running it.

    Dashboards use this to decide whether a chart is public (every source open). Raises
    :class:`QueryError` like :func:`~ddgov.analytics.services.queries.query_run` would for
    refused SQL or an unknown table; aggregate-only rules are checked when the query runs.
    """
    prepared = sql_prepare(principal=principal, sql=sql)
    return source_uses(tables=prepared.distinct_tables())
