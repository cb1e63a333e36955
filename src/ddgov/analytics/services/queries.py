"""Running analysts' SQL over the lake with one principal's rights: :func:`query_run`.

Every path that runs a person's (or a dashboard's) SQL comes here — the workbench, its API and
exports, dashboards, pipelines and ``ddgov query``. The steps, all in the access layer
(:mod:`ddgov.analytics.access`): parse and check the SQL (the lake sandbox's statement policy),
resolve friendly names to the resources' current Parquet files and decide per table what the
principal may read (visible, masked columns, aggregate-only), rewrite the tree (flat table
names, the group-size guard, paging), then hand the rendered SQL to the engine. Every run,
refused or not, is written to the audit trail as ``analytics.query``.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from ddgov.analytics.access.errors import QueryError, engine_error, engine_text_public
from ddgov.analytics.access.prepare import Prepared, sql_prepare, sql_rewrite
from ddgov.analytics.access.principal import Principal
from ddgov.analytics.access.resolve import ResolvedTable
from ddgov.analytics.access.rewrite import Rewritten
from ddgov.analytics.engine import TableSource, engine_get
from ddgov.audit.models import AuditRecord
from ddgov.audit.services import audit_record_append
from ddgov.lake.sandbox import Column, SandboxError, SandboxLimits

__all__ = ["QueryError", "QueryOutcome", "SourceUse", "query_run", "source_uses"]

AUDIT_ACTION = "analytics.query"
AUDIT_SQL_CHARS = 2000
_REFUSALS = frozenset({"syntax", "statement", "function", "aggregate", "table", "engine"})


@dataclass(frozen=True)
class SourceUse:
    """One resource a query reads, and how the principal may read it.

    ``mode`` is ``full`` or ``aggregate``; ``masked`` lists the columns read as NULL; ``open``
    says whether the dataset is open data (dashboards are public only over open sources).
    """

    resource_id: str
    dataset: str
    resource: str
    agency: str
    open: bool
    mode: str
    masked: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """The use as JSON (snapshots, audit records, APIs)."""
        return {
            "resource_id": self.resource_id,
            "dataset": self.dataset,
            "resource": self.resource,
            "agency": self.agency,
            "open": self.open,
            "mode": self.mode,
            "masked": list(self.masked),
        }


@dataclass(frozen=True)
class QueryOutcome:
    """The rows of one run, what they came from, and (when asked) the engine's plan."""

    columns: list[Column]
    rows: list[tuple[Any, ...]]
    truncated: bool
    elapsed_ms: float
    engine: str
    sources: list[SourceUse]
    plan: str | None
    offset: int


def source_uses(*, tables: list[ResolvedTable]) -> list[SourceUse]:
    """The resolved tables as :class:`SourceUse` records (each resource once)."""
    uses: dict[str, SourceUse] = {}
    for table in tables:
        resource = table.resource
        uses.setdefault(
            str(resource.pk),
            SourceUse(
                resource_id=str(resource.pk),
                dataset=resource.dataset,
                resource=resource.name,
                agency=resource.agency,
                open=table.open,
                mode=table.mode,
                masked=table.masked,
            ),
        )
    return list(uses.values())


def _names(rewritten: Rewritten) -> list[tuple[str, list[str], str]]:
    return [
        (flat, [str(t.path), str(t.path.resolve())], t.written)
        for flat, t in rewritten.tables.items()
    ]


def _audit(
    *,
    principal: Principal,
    sql: str,
    channel: str,
    engine: str,
    sources: list[SourceUse],
    outcome: str,
    rows: int | None = None,
    elapsed_ms: float | None = None,
    error: QueryError | None = None,
) -> None:
    digest = hashlib.sha256(sql.encode("utf-8", "surrogatepass")).hexdigest()
    agencies = {s.agency for s in sources}
    detail: dict[str, Any] = {
        "principal": principal.label,
        "channel": channel,
        "engine": engine,
        "sql": sql[:AUDIT_SQL_CHARS],
        "sql_sha256": digest,
        "sources": [
            {
                "resource_id": s.resource_id,
                "name": f"{s.agency}.{s.dataset}.{s.resource}",
                "mode": s.mode,
                "masked": list(s.masked),
            }
            for s in sources
        ],
    }
    if rows is not None:
        detail["rows"] = rows
    if elapsed_ms is not None:
        detail["elapsed_ms"] = round(elapsed_ms, 1)
    if error is not None:
        detail["error"] = {"code": error.code, "message": error.message[:500]}
    audit_record_append(
        action=AUDIT_ACTION,
        actor=principal.user,
        acting_for="" if principal.user is not None else principal.label[:100],
        agency_code=agencies.pop() if len(agencies) == 1 else "",
        target_type="sql",
        target_id=digest,
        outcome=outcome,
        detail=detail,
    )


def _check_paging(offset: int, limit: int | None) -> None:
    if offset < 0 or (limit is not None and limit < 0):
        raise QueryError(
            "statement",
            "Offset and limit must not be negative / ค่า offset และ limit ต้องไม่ติดลบ",
        )


def query_run(
    *,
    principal: Principal,
    sql: str,
    engine: str | None = None,
    limits: SandboxLimits | None = None,
    offset: int = 0,
    limit: int | None = None,
    explain: bool = False,
    channel: str = "api",
) -> QueryOutcome:
    """Run ``sql`` as ``principal`` on ``engine`` (None: the configured one) and audit it.

    ``offset``/``limit`` page the result (``SELECT * FROM (…) LIMIT … OFFSET …``); ``limits``
    default to the sandbox's settings and cap the rows at ``max_rows`` (``truncated`` then).
    ``explain`` adds the engine's plan. Raises :class:`QueryError` with a bilingual message,
    the position in ``sql`` when known and the HTTP status (400 refused, 404 unknown table,
    408 timeout, 413 memory, 422 failed at run time).
    """
    started = time.perf_counter()
    limits = limits or SandboxLimits.from_settings()
    engine_name = engine or ""
    prepared: Prepared | None = None
    sources: list[SourceUse] = []
    try:
        _check_paging(offset, limit)
        prepared = sql_prepare(principal=principal, sql=sql)
        sources = source_uses(tables=prepared.distinct_tables())
        rewritten = sql_rewrite(prepared=prepared, offset=offset, limit=limit)
        tables = {
            flat: TableSource(path=t.path, masked=t.masked) for flat, t in rewritten.tables.items()
        }
        try:
            runner = engine_get(name=engine)
            engine_name = runner.name
            result = runner.execute(sql=rewritten.sql, tables=tables, limits=limits)
            plan = (
                runner.explain(sql=rewritten.sql, tables=tables, limits=limits) if explain else None
            )
        except SandboxError as exc:
            raise engine_error(exc.code, exc.message, _names(rewritten), prepared.source) from exc
        if plan is not None:
            plan = engine_text_public(plan, _names(rewritten))
    except QueryError as exc:
        _audit(
            principal=principal,
            sql=sql,
            channel=channel,
            engine=engine_name,
            sources=sources,
            outcome=AuditRecord.Outcome.DENIED
            if exc.code in _REFUSALS
            else AuditRecord.Outcome.FAILED,
            elapsed_ms=(time.perf_counter() - started) * 1000.0,
            error=exc,
        )
        raise
    elapsed = (time.perf_counter() - started) * 1000.0
    _audit(
        principal=principal,
        sql=sql,
        channel=channel,
        engine=engine_name,
        sources=sources,
        outcome=AuditRecord.Outcome.OK,
        rows=len(result.rows),
        elapsed_ms=elapsed,
    )
    return QueryOutcome(
        columns=list(result.columns),
        rows=list(result.rows),
        truncated=bool(result.truncated),
        elapsed_ms=elapsed,
        engine=result.engine,
        sources=sources,
        plan=plan,
        offset=offset,
    )
