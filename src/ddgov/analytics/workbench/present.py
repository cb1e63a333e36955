"""What the workbench's page and JSON API share: who may use it, running a page, JSON shapes.

Both the page (its no-script fallback) and ``POST /analytics/api/query`` run a query through
:func:`run_page`, so paging, limits and the error shape are decided once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from ddgov.analytics.access.principal import Principal
from ddgov.analytics.engine import engine_names
from ddgov.analytics.models import SavedQuery
from ddgov.analytics.selectors.saved import saved_query_can_edit
from ddgov.analytics.services.queries import QueryError, QueryOutcome, query_run
from ddgov.catalog.selectors.datasets import Viewer
from ddgov.catalog.selectors.datastore_engine import json_value
from ddgov.identity.models import User
from ddgov.lake.sandbox import SandboxLimits

PAGE_SIZES = (50, 100, 500, 1000)
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
ENGINE_LABELS = {"duckdb": "DuckDB", "spark": "Apache Spark"}


class RequestError(Exception):
    """A request the workbench refuses before running anything (bad parameters, no rights)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        """Keep the machine-readable code, the bilingual message and the HTTP status."""
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class PageRequest:
    """One page of one query, as asked."""

    sql: str
    engine: str | None
    page: int
    page_size: int
    explain: bool


def workbench_allowed(*, user: Viewer) -> bool:
    """Whether ``user`` may use the workbench: signed-in government staff or a platform admin."""
    return (
        isinstance(user, User)
        and user.is_authenticated
        and (user.is_government_staff or user.is_platform_admin)
    )


def engine_choices() -> list[tuple[str, str]]:
    """The engines a query may run on, with their display names."""
    return [(name, ENGINE_LABELS.get(name, name)) for name in engine_names()]


def engine_default() -> str:
    """The configured engine (``DDGOV_ENGINE``)."""
    return str(getattr(settings, "DDGOV_ENGINE", "duckdb"))


def flag(value: Any) -> bool:
    """A form or JSON boolean."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "on", "yes"}
    return bool(value)


def _positive_int(value: Any, *, name: str, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if number < 1:
        raise RequestError(
            "request",
            _("%(name)s must be a whole number of 1 or more. / %(name)s ต้องเป็นจำนวนเต็มตั้งแต่ 1 ขึ้นไป")
            % {"name": name},
        )
    return number


def page_request(data: Mapping[str, Any]) -> PageRequest:
    """Read ``sql``, ``engine``, ``page``, ``page_size`` and ``explain`` from request data."""
    sql = data.get("sql")
    if not isinstance(sql, str) or not sql.strip():
        raise RequestError("request", _("Write a query to run. / กรุณาเขียนคำสั่ง SQL ที่จะสั่งทำงาน"))
    engine = data.get("engine")
    if engine is not None and not isinstance(engine, str):
        raise RequestError("request", _("engine must be text. / engine ต้องเป็นข้อความ"))
    page = _positive_int(data.get("page"), name="page", default=1)
    size = _positive_int(data.get("page_size"), name="page_size", default=DEFAULT_PAGE_SIZE)
    if size > MAX_PAGE_SIZE:
        raise RequestError(
            "request",
            _("page_size may be at most %(n)d. / page_size ต้องไม่เกิน %(n)d") % {"n": MAX_PAGE_SIZE},
        )
    return PageRequest(
        sql=sql,
        engine=(engine or "").strip().lower() or None,
        page=page,
        page_size=size,
        explain=flag(data.get("explain")),
    )


def run_page(*, principal: Principal, request: PageRequest, channel: str) -> dict[str, Any]:
    """Run one page of the query as ``principal`` and return the API's answer.

    One row more than the page is asked for, to know whether another page follows; the page is
    made smaller when the sandbox's ``max_rows`` is lower than asked. Raises the access layer's
    ``QueryError`` for refused or failed SQL.
    """
    # A page never exceeds the sandbox's row cap, so the row past the page always comes back.
    size = max(1, min(request.page_size, SandboxLimits.from_settings().max_rows - 1))
    offset = (request.page - 1) * size
    outcome: QueryOutcome = query_run(
        principal=principal,
        sql=request.sql,
        engine=request.engine,
        offset=offset,
        limit=size + 1,
        explain=request.explain,
        channel=channel,
    )
    rows = outcome.rows[:size]
    return {
        "columns": [{"name": c.name, "type": c.type} for c in outcome.columns],
        "rows": [[json_value(v) for v in row] for row in rows],
        "page": request.page,
        "page_size": size,
        "has_more": len(outcome.rows) > size,
        "first_row": offset + 1 if rows else 0,
        "last_row": offset + len(rows),
        "elapsed_ms": round(float(outcome.elapsed_ms), 1),
        "engine": outcome.engine,
        "plan": outcome.plan if request.explain else None,
        "sources": [
            {
                "resource_id": s.resource_id,
                "dataset": s.dataset,
                "resource": s.resource,
                "agency": s.agency,
                "open": s.open,
                "mode": s.mode,
                "masked": list(s.masked),
            }
            for s in outcome.sources
        ],
    }


def query_error_json(exc: QueryError) -> dict[str, Any]:
    """The API's ``error`` object for a refused or failed query."""
    error: dict[str, Any] = {"code": exc.code, "message": exc.message}
    if exc.position:
        error["line"], error["column"] = exc.position
    return error


def error_excerpt(sql: str, position: tuple[int, int] | None) -> dict[str, Any] | None:
    """The line of ``sql`` an error points at, with a caret under its column (for the page)."""
    if not position:
        return None
    line, column = position
    lines = sql.splitlines() or [""]
    if not 1 <= line <= len(lines):
        return None
    text = lines[line - 1]
    return {
        "line": line,
        "column": column,
        "text": text,
        "pad": " " * len(str(line)),
        "caret": " " * max(column - 1, 0) + "^",
    }


def saved_query_json(query: SavedQuery, *, user: Viewer) -> dict[str, Any]:
    """A saved query as the API returns it."""
    return {
        "id": str(query.pk),
        "title": query.title,
        "description": query.description,
        "sql": query.sql,
        "engine": query.engine,
        "shared": query.shared,
        "agency": query.agency.code,
        "owner": query.owner.get_username(),
        "created_at": query.created_at.isoformat(),
        "updated_at": query.updated_at.isoformat(),
        "can_edit": saved_query_can_edit(user=user, query=query),
    }
