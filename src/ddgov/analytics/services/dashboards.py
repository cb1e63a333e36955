"""Charts, dashboards and their refresh: saved queries drawn and arranged on pages.

Who may change what: staff of a dashboard's agency with the officer role or higher (platform
admins everywhere); a chart is made from a saved query the actor may see, of that same agency.
Every write and every refusal is audited.

Pages never run the engine. :func:`dashboard_refresh` runs each chart's query through the
access layer (:func:`~ddgov.analytics.services.queries.query_run`) and stores the result as
the chart's :class:`~ddgov.analytics.models.ChartSnapshot`. It runs as the dashboard's
least-privileged audience, never as the person who made it: the public for a public dashboard
(open data only, restricted columns masked), otherwise "any staff member of the agency" (the
viewer role). What a chart shows is therefore exactly what every reader of the page may see.
A query that fails stores its (bilingual) error on the snapshot; nothing is raised to a page.
:func:`dashboards_refresh_due` queues the refresh of dashboards whose interval has passed;
``ddgov worker`` calls it every minute (see ``analytics/jobs.py``).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ddgov.agencies.models import Agency
from ddgov.analytics.access.principal import (
    Principal,
    principal_agency_viewer,
    principal_public,
)
from ddgov.analytics.charts import options_clean
from ddgov.analytics.models import Chart, ChartSnapshot, Dashboard, DashboardItem, SavedQuery
from ddgov.analytics.selectors.saved import saved_queries_for_user
from ddgov.analytics.services.queries import QueryError, query_run
from ddgov.audit.models import AuditRecord
from ddgov.audit.services import audit_record_append
from ddgov.identity.models import Role, User
from ddgov.identity.services import agency_access_require
from ddgov.jobs.models import Job
from ddgov.jobs.services import job_enqueue

log = logging.getLogger(__name__)

REFRESH_JOB = "analytics.dashboard_refresh"
TITLE_MAX = 200
SLUG_MAX = 100
REFRESH_MINUTES = (5, 43_200)  # five minutes to thirty days
WIDTHS = (3, 4, 6, 8, 12)  # of the page's 12 grid columns
RESERVED_SLUGS = frozenset({"new", "edit", "api", "embed", "data"})
CHART_FIELDS = frozenset({"title", "kind", "options"})
DASHBOARD_FIELDS = frozenset(
    {"title", "title_en", "description", "public", "refresh_minutes", "slug"}
)


class DashboardError(ValidationError):
    """Field-by-field problems with a chart or a dashboard (``{field: [message, …]}``)."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        """Keep ``errors`` as ``{field: [bilingual message, …]}``."""
        super().__init__({k: list(v) for k, v in errors.items()})
        self.field_errors = {k: [str(m) for m in v] for k, v in errors.items()}


def _require_editor(*, actor: User, agency: Agency, action: str) -> None:
    """Officers and above of ``agency`` edit its dashboards; a refusal is audited and raised."""
    agency_access_require(actor=actor, agency=agency, at_least=Role.OFFICER, action=action)


def _title_problems(value: object, field: str, *, required: bool = True) -> dict[str, list[str]]:
    text = str(value or "").strip()
    if required and not text:
        return {field: [_("Give it a title. / กรุณาตั้งชื่อ")]}
    if len(text) > TITLE_MAX:
        return {
            field: [
                _("At most %(n)s characters. / ไม่เกิน %(n)s ตัวอักษร") % {"n": TITLE_MAX},
            ]
        }
    return {}


def _chart_snapshot(chart: Chart) -> dict[str, Any]:
    return {
        "query": str(chart.query_id),
        "title": chart.title,
        "kind": chart.kind,
        "options": chart.options,
    }


def _chart_clean(fields: Mapping[str, Any], *, kind: str) -> dict[str, Any]:
    """Check a chart's title and its options for ``kind``; raise DashboardError with every problem."""
    errors: dict[str, list[str]] = {}
    if "title" in fields:
        errors.update(_title_problems(fields["title"], "title"))
    if kind not in Chart.Kind.values:
        errors["kind"] = [
            _("Unknown chart type %(kind)s. / ไม่รู้จักชนิดแผนภูมิ %(kind)s") % {"kind": kind}
        ]
        raise DashboardError(errors)
    options = fields.get("options") or {}
    if not isinstance(options, Mapping):
        errors["options"] = [_("Options must be an object. / ตัวเลือกต้องเป็นออบเจ็กต์")]
        raise DashboardError(errors)
    clean_options, problems = options_clean(kind=kind, options=options)
    if problems:
        errors["options"] = problems
    if errors:
        raise DashboardError(errors)
    clean = {"kind": kind, "options": clean_options}
    if "title" in fields:
        clean["title"] = str(fields["title"]).strip()
    return clean


def chart_create(
    *,
    actor: User,
    query: SavedQuery,
    title: str,
    kind: str,
    options: Mapping[str, Any] | None = None,
) -> Chart:
    """Draw ``query`` as a chart of ``kind`` (bar, line, table, choropleth).

    Options by kind: bar/line need ``x`` and ``y`` (a list of value columns); a table may
    name its ``columns``; a choropleth needs ``province`` (names or two-digit codes) and
    ``value``. The actor must see the query and be an officer (or above) of its agency.
    """
    _require_editor(actor=actor, agency=query.agency, action="analytics.chart.create")
    if not saved_queries_for_user(user=actor).filter(pk=query.pk).exists():
        audit_record_append(
            action="analytics.chart.create",
            actor=actor,
            agency_code=query.agency.code,
            target_type="saved_query",
            target_id=str(query.pk),
            outcome=AuditRecord.Outcome.DENIED,
        )
        raise PermissionDenied(
            _(
                "Only its author can chart a saved query that is not shared. / "
                "คำค้นที่ไม่ได้แบ่งปัน เฉพาะผู้สร้างเท่านั้นที่นำไปทำแผนภูมิได้"
            )
        )
    clean = _chart_clean({"title": title, "options": options or {}}, kind=kind)
    with transaction.atomic():
        chart = Chart.objects.create(query=query, **clean)
        audit_record_append(
            action="analytics.chart.create",
            actor=actor,
            agency_code=query.agency.code,
            target_type="chart",
            target_id=str(chart.pk),
            after=_chart_snapshot(chart),
        )
    return chart


def chart_update(*, actor: User, chart: Chart, **fields: Any) -> Chart:
    """Change a chart's ``title``, ``kind`` or ``options`` (checked together)."""
    agency = chart.query.agency
    _require_editor(actor=actor, agency=agency, action="analytics.chart.update")
    unknown = sorted(set(fields) - CHART_FIELDS)
    if unknown:
        raise DashboardError(
            {
                "__all__": [
                    _("Unknown fields: %(fields)s / ไม่รู้จักช่องข้อมูล: %(fields)s")
                    % {"fields": ", ".join(unknown)}
                ]
            }
        )
    kind = str(fields.get("kind", chart.kind))
    merged = {"options": fields.get("options", chart.options)}
    if "title" in fields:
        merged["title"] = fields["title"]
    clean = _chart_clean(merged, kind=kind)
    with transaction.atomic():
        before = _chart_snapshot(chart)
        for key, value in clean.items():
            setattr(chart, key, value)
        chart.save()
        audit_record_append(
            action="analytics.chart.update",
            actor=actor,
            agency_code=agency.code,
            target_type="chart",
            target_id=str(chart.pk),
            before=before,
            after=_chart_snapshot(chart),
        )
    return chart


def _dashboard_snapshot(dashboard: Dashboard) -> dict[str, Any]:
    return {
        "slug": dashboard.slug,
        "agency": dashboard.agency.code,
        "title": dashboard.title,
        "title_en": dashboard.title_en,
        "description": dashboard.description,
        "public": dashboard.public,
        "refresh_minutes": dashboard.refresh_minutes,
        "items": [
            {"chart": str(i.chart_id), "position": i.position, "width": i.width}
            for i in dashboard.items.order_by("position", "id")
        ]
        if dashboard.pk
        else [],
    }


def _slug_problems(slug: str, *, current: Dashboard | None) -> dict[str, list[str]]:
    try:
        validate_slug(slug)
    except ValidationError:
        return {
            "slug": [
                _(
                    "Use lower-case letters, digits and hyphens. / "
                    "ใช้อักษรอังกฤษตัวเล็ก ตัวเลข และขีดกลางเท่านั้น"
                )
            ]
        }
    taken = Dashboard.objects.filter(slug=slug)
    if current is not None:
        taken = taken.exclude(pk=current.pk)
    if taken.exists():
        return {"slug": [_("This address is taken. / ที่อยู่นี้มีผู้ใช้แล้ว")]}
    if len(slug) > SLUG_MAX or slug in RESERVED_SLUGS:
        return {"slug": [_("Choose another address. / กรุณาเลือกที่อยู่อื่น")]}
    return {}


def _dashboard_clean(fields: Mapping[str, Any], *, current: Dashboard | None) -> dict[str, Any]:
    """Normalise and check dashboard fields; raise DashboardError listing every problem."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    if "slug" in fields:
        clean["slug"] = str(fields["slug"] or "").strip().lower()
        errors.update(_slug_problems(clean["slug"], current=current))
    if "title" in fields:
        errors.update(_title_problems(fields["title"], "title"))
        clean["title"] = str(fields["title"] or "").strip()
    if "title_en" in fields:
        errors.update(_title_problems(fields["title_en"], "title_en", required=False))
        clean["title_en"] = str(fields["title_en"] or "").strip()
    if "description" in fields:
        clean["description"] = str(fields["description"] or "").strip()
    if "public" in fields:
        clean["public"] = bool(fields["public"])
    if "refresh_minutes" in fields:
        minutes = fields["refresh_minutes"]
        low, high = REFRESH_MINUTES
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not low <= minutes <= high:
            errors["refresh_minutes"] = [
                _(
                    "Refresh every %(low)s to %(high)s minutes. / "
                    "ตั้งรอบปรับปรุงได้ระหว่าง %(low)s ถึง %(high)s นาที"
                )
                % {"low": low, "high": f"{high:,}"}
            ]
        else:
            clean["refresh_minutes"] = minutes
    unknown = sorted(set(fields) - DASHBOARD_FIELDS)
    if unknown:
        errors["__all__"] = [
            _("Unknown fields: %(fields)s / ไม่รู้จักช่องข้อมูล: %(fields)s")
            % {"fields": ", ".join(unknown)}
        ]
    if errors:
        raise DashboardError(errors)
    return clean


def dashboard_create(
    *,
    actor: User,
    agency: Agency,
    slug: str,
    title: str,
    title_en: str = "",
    description: str = "",
    public: bool = False,
    refresh_minutes: int = 1440,
) -> Dashboard:
    """Create an empty dashboard of ``agency`` at ``/analytics/d/<slug>/``, owned by ``actor``.

    ``public`` asks for the dashboard to be public: it is shown to everyone (and embeddable)
    only while every source of every chart is open data.
    """
    _require_editor(actor=actor, agency=agency, action="analytics.dashboard.create")
    clean = _dashboard_clean(
        {
            "slug": slug,
            "title": title,
            "title_en": title_en,
            "description": description,
            "public": public,
            "refresh_minutes": refresh_minutes,
        },
        current=None,
    )
    with transaction.atomic():
        dashboard = Dashboard.objects.create(agency=agency, owner=actor, **clean)
        audit_record_append(
            action="analytics.dashboard.create",
            actor=actor,
            agency_code=agency.code,
            target_type="dashboard",
            target_id=str(dashboard.pk),
            after=_dashboard_snapshot(dashboard),
        )
    return dashboard


def dashboard_update(*, actor: User, dashboard: Dashboard, **fields: Any) -> Dashboard:
    """Change a dashboard's slug, titles, description, public flag or refresh interval.

    Turning ``public`` on or off changes who the charts are computed for, so the dashboard is
    refreshed (queued) right away; until then the old snapshots do not count as public.
    """
    _require_editor(actor=actor, agency=dashboard.agency, action="analytics.dashboard.update")
    clean = _dashboard_clean(fields, current=dashboard)
    audience_changed = "public" in clean and clean["public"] != dashboard.public
    with transaction.atomic():
        before = _dashboard_snapshot(dashboard)
        for key, value in clean.items():
            setattr(dashboard, key, value)
        dashboard.save()
        audit_record_append(
            action="analytics.dashboard.update",
            actor=actor,
            agency_code=dashboard.agency.code,
            target_type="dashboard",
            target_id=str(dashboard.pk),
            before=before,
            after=_dashboard_snapshot(dashboard),
        )
        if audience_changed:
            dashboard_refresh_enqueue(dashboard=dashboard)
    return dashboard


def dashboard_delete(*, actor: User, dashboard: Dashboard) -> None:
    """Delete a dashboard and its placements (the charts and saved queries stay)."""
    _require_editor(actor=actor, agency=dashboard.agency, action="analytics.dashboard.delete")
    with transaction.atomic():
        before = _dashboard_snapshot(dashboard)
        target_id = str(dashboard.pk)
        dashboard.delete()
        audit_record_append(
            action="analytics.dashboard.delete",
            actor=actor,
            agency_code=before["agency"],
            target_type="dashboard",
            target_id=target_id,
            before=before,
        )


def _compact(order: list[DashboardItem]) -> None:
    for position, item in enumerate(order):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


def _audit_items(*, actor: User, dashboard: Dashboard, action: str, before: Any) -> None:
    audit_record_append(
        action=action,
        actor=actor,
        agency_code=dashboard.agency.code,
        target_type="dashboard",
        target_id=str(dashboard.pk),
        before=before,
        after=_dashboard_snapshot(dashboard),
    )


def dashboard_item_add(
    *,
    actor: User,
    dashboard: Dashboard,
    chart: Chart,
    position: int | None = None,
    width: int = 6,
) -> DashboardItem:
    """Place ``chart`` on ``dashboard`` (at the end, or at ``position``) and queue its refresh.

    The chart's query must belong to the dashboard's agency; ``width`` is 3, 4, 6, 8 or 12 of
    the page's twelve grid columns.
    """
    _require_editor(actor=actor, agency=dashboard.agency, action="analytics.dashboard.update")
    errors: dict[str, list[str]] = {}
    if chart.query.agency_id != dashboard.agency_id:
        errors["chart"] = [
            _("The chart's query belongs to another agency. / คำค้นของแผนภูมินี้เป็นของหน่วยงานอื่น")
        ]
    elif dashboard.items.filter(chart=chart).exists():
        errors["chart"] = [_("The chart is already on this dashboard. / แผนภูมินี้อยู่บนแดชบอร์ดแล้ว")]
    if width not in WIDTHS:
        errors["width"] = [
            _("Width must be one of %(widths)s. / ความกว้างต้องเป็นค่าใดค่าหนึ่งใน %(widths)s")
            % {"widths": ", ".join(map(str, WIDTHS))}
        ]
    if errors:
        raise DashboardError(errors)
    with transaction.atomic():
        before = _dashboard_snapshot(dashboard)
        order = list(dashboard.items.order_by("position", "id"))
        at = len(order) if position is None else max(0, min(position, len(order)))
        item = DashboardItem.objects.create(
            dashboard=dashboard, chart=chart, position=at, width=width
        )
        order.insert(at, item)
        _compact(order)
        _audit_items(
            actor=actor, dashboard=dashboard, action="analytics.dashboard.update", before=before
        )
        dashboard_refresh_enqueue(dashboard=dashboard, charts=[chart])
    return item


def dashboard_chart_add(
    *,
    actor: User,
    dashboard: Dashboard,
    query: SavedQuery,
    title: str,
    kind: str,
    options: Mapping[str, Any] | None = None,
    width: int = 6,
) -> Chart:
    """Make a chart of ``query`` and place it on ``dashboard``: both or neither.

    A placement the actor may not make (another agency's dashboard, say) leaves no orphan chart.
    """
    with transaction.atomic():
        chart = chart_create(actor=actor, query=query, title=title, kind=kind, options=options)
        dashboard_item_add(actor=actor, dashboard=dashboard, chart=chart, width=width)
    return chart


def dashboard_item_move(*, actor: User, item: DashboardItem, position: int) -> DashboardItem:
    """Move a chart to ``position`` (0-based) on its dashboard; the others close up."""
    dashboard = item.dashboard
    _require_editor(actor=actor, agency=dashboard.agency, action="analytics.dashboard.update")
    with transaction.atomic():
        before = _dashboard_snapshot(dashboard)
        order = [i for i in dashboard.items.order_by("position", "id") if i.pk != item.pk]
        order.insert(max(0, min(position, len(order))), item)
        _compact(order)
        _audit_items(
            actor=actor, dashboard=dashboard, action="analytics.dashboard.update", before=before
        )
    item.refresh_from_db()
    return item


def dashboard_item_resize(*, actor: User, item: DashboardItem, width: int) -> DashboardItem:
    """Change how many of the twelve grid columns a chart takes."""
    dashboard = item.dashboard
    _require_editor(actor=actor, agency=dashboard.agency, action="analytics.dashboard.update")
    if width not in WIDTHS:
        raise DashboardError(
            {
                "width": [
                    _("Width must be one of %(widths)s. / ความกว้างต้องเป็นค่าใดค่าหนึ่งใน %(widths)s")
                    % {"widths": ", ".join(map(str, WIDTHS))}
                ]
            }
        )
    with transaction.atomic():
        before = _dashboard_snapshot(dashboard)
        item.width = width
        item.save(update_fields=["width"])
        _audit_items(
            actor=actor, dashboard=dashboard, action="analytics.dashboard.update", before=before
        )
    return item


def dashboard_item_remove(*, actor: User, item: DashboardItem) -> None:
    """Take a chart off its dashboard (the chart itself stays, with its snapshot)."""
    dashboard = item.dashboard
    _require_editor(actor=actor, agency=dashboard.agency, action="analytics.dashboard.update")
    with transaction.atomic():
        before = _dashboard_snapshot(dashboard)
        item.delete()
        _compact(list(dashboard.items.order_by("position", "id")))
        _audit_items(
            actor=actor, dashboard=dashboard, action="analytics.dashboard.update", before=before
        )


# --- refreshing ----------------------------------------------------------------------------


def json_cell(value: Any) -> Any:  # noqa: PLR0911 - one return per type
    """A result value as JSON keeps it: exact decimals as numbers, dates as ISO text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): json_cell(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_cell(v) for v in value]
    return str(value)


def _audience(chart: Chart, fallback: Dashboard) -> Principal:
    """The least-privileged reader of any dashboard the chart is on."""
    if fallback.public or chart.placements.filter(dashboard__public=True).exists():
        return principal_public()
    return principal_agency_viewer(agency=fallback.agency)


def chart_snapshot_refresh(*, chart: Chart, principal: Principal) -> ChartSnapshot:
    """Run the chart's query as ``principal`` and store the result (or the error) as its snapshot."""
    query = chart.query
    values: dict[str, Any] = {
        "columns": [],
        "rows": [],
        "truncated": False,
        "sources": [],
        "all_sources_open": False,
        "run_as": principal.label[:100],
        "engine": query.engine,
        "error": "",
        "elapsed_ms": 0.0,
        "refreshed_at": timezone.now(),
    }
    try:
        outcome = query_run(
            principal=principal, sql=query.sql, engine=query.engine or None, channel="dashboard"
        )
    except QueryError as exc:
        values["error"] = exc.message
    except Exception:  # the page must show the chart's failure, not break
        log.exception("dashboard chart %s failed to refresh", chart.pk)
        values["error"] = _(
            "The query could not run; the administrators have the details in the log. / "
            "คำค้นทำงานไม่สำเร็จ ผู้ดูแลระบบดูรายละเอียดได้จากบันทึกระบบ"
        )
    else:
        sources = [s.as_dict() for s in outcome.sources]
        values.update(
            columns=[{"name": c.name, "type": c.type} for c in outcome.columns],
            rows=[[json_cell(v) for v in row] for row in outcome.rows],
            truncated=outcome.truncated,
            sources=sources,
            all_sources_open=all(s["open"] for s in sources),
            engine=outcome.engine,
            elapsed_ms=round(outcome.elapsed_ms, 1),
        )
    snapshot, _created = ChartSnapshot.objects.update_or_create(chart=chart, defaults=values)
    return snapshot


def dashboard_query_columns(*, dashboard: Dashboard, query: SavedQuery) -> list[dict[str, str]]:
    """The columns ``query`` returns for the dashboard's audience (no rows are fetched).

    The editor offers them when a chart's columns are chosen. Raises QueryError when the
    audience may not run the query (a private table on a public dashboard, say).
    """
    principal = (
        principal_public() if dashboard.public else principal_agency_viewer(agency=dashboard.agency)
    )
    outcome = query_run(
        principal=principal,
        sql=query.sql,
        engine=query.engine or None,
        limit=0,
        channel="dashboard",
    )
    return [{"name": c.name, "type": c.type} for c in outcome.columns]


def dashboard_refresh(*, dashboard: Dashboard, charts: Iterable[Chart] | None = None) -> Dashboard:
    """Recompute the snapshots of the dashboard's charts (all, or only ``charts``).

    Each query runs as the least-privileged audience of the dashboard (see the module
    docstring); errors land on the snapshots. The refresh is audited as a system action.
    """
    items = dashboard.items.select_related("chart__query__agency").order_by("position", "id")
    wanted = None if charts is None else {c.pk for c in charts}
    done: list[dict[str, Any]] = []
    for item in items:
        if wanted is not None and item.chart_id not in wanted:
            continue
        principal = _audience(item.chart, dashboard)
        snapshot = chart_snapshot_refresh(chart=item.chart, principal=principal)
        done.append(
            {
                "chart": str(item.chart_id),
                "run_as": snapshot.run_as,
                "rows": len(snapshot.rows),
                "open": snapshot.all_sources_open,
                "error": snapshot.error[:200],
            }
        )
    if charts is None:
        dashboard.refreshed_at = timezone.now()
        Dashboard.objects.filter(pk=dashboard.pk).update(refreshed_at=dashboard.refreshed_at)
    audit_record_append(
        action="analytics.dashboard.refresh",
        actor=None,
        acting_for="system",
        agency_code=dashboard.agency.code,
        target_type="dashboard",
        target_id=str(dashboard.pk),
        detail={"charts": done},
    )
    return dashboard


def _refresh_pending(dashboard: Dashboard) -> bool:
    """Whether a refresh of the whole dashboard is queued and not started yet."""
    return (
        Job.objects.filter(
            kind=REFRESH_JOB,
            status=Job.Status.QUEUED,
            payload__dashboard_id=str(dashboard.pk),
        )
        .exclude(payload__has_key="chart_ids")
        .exists()
    )


def dashboard_refresh_enqueue(
    *, dashboard: Dashboard, charts: Iterable[Chart] | None = None
) -> Job | None:
    """Queue a refresh of the dashboard (or of some charts).

    A whole-dashboard refresh already queued and not started answers for this one too (it
    reads the dashboard when it runs), so None comes back and nothing is queued twice.
    """
    chart_ids = None if charts is None else [str(c.pk) for c in charts]
    if chart_ids is None and _refresh_pending(dashboard):
        return None
    payload: dict[str, Any] = {"dashboard_id": str(dashboard.pk)}
    if chart_ids is not None:
        payload["chart_ids"] = chart_ids
    return job_enqueue(kind=REFRESH_JOB, payload=payload)


def dashboard_refresh_request(*, actor: User, dashboard: Dashboard) -> Job | None:
    """An editor's "refresh now": queue the whole dashboard's refresh (audited)."""
    _require_editor(actor=actor, agency=dashboard.agency, action="analytics.dashboard.refresh")
    with transaction.atomic():
        audit_record_append(
            action="analytics.dashboard.refresh_request",
            actor=actor,
            agency_code=dashboard.agency.code,
            target_type="dashboard",
            target_id=str(dashboard.pk),
        )
        return dashboard_refresh_enqueue(dashboard=dashboard)


def dashboards_refresh_due(*, now: dt.datetime | None = None) -> int:
    """Queue the refresh of every dashboard whose last refresh is older than its interval.

    Dashboards never refreshed are due; dashboards without charts are skipped; one whose
    refresh is queued and not started is not queued again, so several workers may call this.
    """
    moment = now or timezone.now()
    queued = 0
    candidates = (
        Dashboard.objects.annotate(charts=Max("items__id"))
        .filter(charts__isnull=False)
        .select_related("agency")
    )
    for dashboard in candidates:
        last = dashboard.refreshed_at
        if last is not None and last + dt.timedelta(minutes=dashboard.refresh_minutes) > moment:
            continue
        with transaction.atomic():
            if dashboard_refresh_enqueue(dashboard=dashboard) is not None:
                queued += 1
    return queued
