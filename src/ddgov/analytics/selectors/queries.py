"""Checking analysts' SQL without running it: the policy alone, or the sources one principal reads."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from ddgov.analytics.access.errors import QueryError, SourceText
from ddgov.analytics.access.policy import sql_parse, sql_tables
from ddgov.analytics.access.prepare import sql_prepare
from ddgov.analytics.access.principal import Principal
from ddgov.analytics.access.resolve import resources_resolve
from ddgov.analytics.services.queries import SourceUse, source_uses

__all__ = ["QueryError", "query_sources", "query_validate", "resource_uses"]


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


def resource_uses(
    *, principal: Principal, resource_ids: Iterable[uuid.UUID]
) -> dict[str, SourceUse]:
    """How ``principal`` may read each given resource (by id); unreadable ones are left out.

    The same decision :func:`query_sources` makes for a written query, for a list of resources
    (the workbench's table browser).
    """
    uses = source_uses(tables=resources_resolve(principal=principal, resource_ids=resource_ids))
    return {use.resource_id: use for use in uses}
