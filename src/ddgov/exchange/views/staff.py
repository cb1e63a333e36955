"""The exchange's back office: registry, grants, client credentials, monitoring, the message log.

Staff with an agency membership see their agencies' members, subsystems and services, and the
directory of every service on the exchange. A provider agency's data stewards and admins grant
and revoke access and create client credentials; every change goes through the registry and
rights services, which audit it. Monitoring and the message log only show calls in which one of
the reader's agencies was the provider or the consumer (platform admins see all).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ddgov.core.language import localized
from ddgov.exchange.forms import WINDOWS, GrantForm, LogFilterForm
from ddgov.exchange.ids import ClientId
from ddgov.exchange.selectors.monitoring import message_records_list, service_stats_list
from ddgov.exchange.selectors.registry import (
    clients_list,
    services_for_agencies,
    subsystem_clients,
    subsystem_get,
)
from ddgov.exchange.services import rights
from ddgov.exchange.services.registry import subsystem_client_create, subsystem_client_revoke
from ddgov.exchange.views.present import (
    PAGE_SIZE,
    client_choices,
    client_id_of,
    grant_active_or_404,
    grants_held,
    log_rows,
    may_manage,
    openapi_operations,
    page_number,
    page_of,
    query_without_page,
    service_agreements,
    service_grants,
    service_id_of,
    service_or_404,
    service_rows,
    staff_scope,
    stats_rows,
    subsystem_or_404,
    subsystems_by_member,
)
from ddgov.identity.models import Role
from ddgov.identity.services import agency_access_require


def _error_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [str(m) for errors in exc.message_dict.values() for m in errors]
    return [str(m) for m in exc.messages]


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """My agencies' members, subsystems and services, and the directory of all services."""
    scope = staff_scope(request)
    everything = service_rows(services=services_for_agencies(agency_ids=None), scope=scope)
    mine = [row for row in everything if row.mine]
    by_subsystem: dict[tuple[str, str], list[object]] = {}
    for row in mine:
        by_subsystem.setdefault((row.member, row.subsystem), []).append(row)
    members = []
    for member, subsystems in subsystems_by_member(scope=scope):
        items = [
            {
                "subsystem": sub,
                "id": client_id_of(sub),
                "name": localized(sub.name_th, sub.name_en),
                "services": by_subsystem.get((member.code, sub.code), []),
            }
            for sub in subsystems
        ]
        members.append({"member": member, "subsystems": items})
    return render(
        request,
        "exchange/staff/home.html",
        {"members": members, "directory": everything, "scope": scope},
    )


@login_required
def service_detail(request: HttpRequest, member: str, subsystem: str, code: str) -> HttpResponse:
    """One service: identifier, kind, OpenAPI paths, grants, agreements and the last 24 h."""
    scope = staff_scope(request)
    service = service_or_404(member=member, subsystem=subsystem, code=code)
    provider_agency_id = service.subsystem.member.agency_id
    provider = scope.sees_agency(provider_agency_id)
    ident = service_id_of(service)
    grants = service_grants(service=service, scope=scope, provider=provider)
    stats = None
    if provider:
        since = timezone.now() - dt.timedelta(hours=24)
        stats = next(
            (
                s
                for s in service_stats_list(since=since, agency_ids=scope.agency_id_list)
                if s.service_id == ident
            ),
            None,
        )
    return render(
        request,
        "exchange/staff/service.html",
        {
            "service": service,
            "row": service_rows(services=[service], scope=scope)[0],
            "service_id": ident,
            "operations": openapi_operations(service.openapi),
            "grants": grants,
            "agreements": service_agreements(service=service, scope=scope, provider=provider),
            "provider": provider,
            "can_manage": may_manage(scope=scope, agency=service.subsystem.member.agency),
            "stats": stats,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def grant_new(request: HttpRequest, member: str, subsystem: str, code: str) -> HttpResponse:
    """The provider's data steward or admin lets a consumer subsystem call this service."""
    scope = staff_scope(request)
    service = service_or_404(member=member, subsystem=subsystem, code=code)
    agency_access_require(
        actor=scope.user,
        agency=service.subsystem.member.agency,
        at_least=Role.DATA_STEWARD,
        action="exchange.grant.create",
    )
    form = GrantForm(request.POST or None, clients=client_choices(clients=clients_list()))
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        client_id = ClientId.parse(data["client"])
        consumer = subsystem_get(client_id=client_id) if client_id else None
        if consumer is None:
            form.add_error("client", _("Choose a consumer system from the list."))
        else:
            try:
                rights.grant_create(
                    service=service,
                    client=consumer,
                    purposes=list(data["purposes"]),
                    lawful_basis=data["lawful_basis"],
                    rate_per_minute=data["rate_per_minute"],
                    actor=scope.user,
                )
            except ValidationError as exc:
                errors = _error_messages(exc)
            else:
                messages.success(
                    request,
                    _("%(client)s may now call this service.") % {"client": data["client"]},
                )
                return redirect("exchange:service", member=member, subsystem=subsystem, code=code)
    return render(
        request,
        "exchange/staff/grant_form.html",
        {
            "form": form,
            "errors": errors,
            "service": service,
            "row": service_rows(services=[service], scope=scope)[0],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a grant: the consumer's next call is refused."""
    scope = staff_scope(request)
    grant = grant_active_or_404(pk=pk)
    service = grant.service
    agency_access_require(
        actor=scope.user,
        agency=service.subsystem.member.agency,
        at_least=Role.DATA_STEWARD,
        action="exchange.grant.revoke",
    )
    try:
        rights.grant_revoke(grant=grant, actor=scope.user)
    except ValidationError as exc:
        for message in _error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Access of %(client)s revoked.") % {"client": client_id_of(grant.client)},
        )
    sub = service.subsystem
    return redirect(
        "exchange:service", member=sub.member.code, subsystem=sub.code, code=service.code
    )


@login_required
def subsystem_detail(request: HttpRequest, member: str, subsystem: str) -> HttpResponse:
    """One of my agency's subsystems: its services, the grants it holds, its client credentials."""
    scope = staff_scope(request)
    sub = subsystem_or_404(member=member, subsystem=subsystem)
    agency_access_require(
        actor=scope.user, agency=sub.member.agency, action="exchange.subsystem.read"
    )
    return render(
        request,
        "exchange/staff/subsystem.html",
        {
            "subsystem": sub,
            "client_id": client_id_of(sub),
            "name": localized(sub.name_th, sub.name_en),
            "services": service_rows(services=sub.services.all(), scope=scope),
            "held": [
                {
                    "grant": g,
                    "service": service_rows(services=[g.service], scope=scope)[0],
                    "purposes": [p.code for p in g.purposes.all()],
                }
                for g in grants_held(subsystem=sub)
            ],
            "clients": subsystem_clients(subsystem=sub, include_revoked=True),
            "can_manage": may_manage(scope=scope, agency=sub.member.agency),
        },
    )


@login_required
@require_POST
def client_new(request: HttpRequest, member: str, subsystem: str) -> HttpResponse:
    """Create OAuth2 client credentials for a subsystem; the secret is shown this once."""
    scope = staff_scope(request)
    sub = subsystem_or_404(member=member, subsystem=subsystem)
    agency_access_require(
        actor=scope.user,
        agency=sub.member.agency,
        at_least=Role.DATA_STEWARD,
        action="exchange.client.create",
    )
    created = subsystem_client_create(subsystem=sub, actor=scope.user)
    response = render(
        request,
        "exchange/staff/client_created.html",
        {
            "subsystem": sub,
            "subsystem_id": client_id_of(sub),
            "client_id": created.client_id,
            "client_secret": created.client_secret,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def client_revoke(request: HttpRequest, member: str, subsystem: str, pk: int) -> HttpResponse:
    """Revoke one of a subsystem's client credentials; its tokens stop working."""
    scope = staff_scope(request)
    sub = subsystem_or_404(member=member, subsystem=subsystem)
    agency_access_require(
        actor=scope.user,
        agency=sub.member.agency,
        at_least=Role.DATA_STEWARD,
        action="exchange.client.revoke",
    )
    client = next((c for c in subsystem_clients(subsystem=sub) if c.pk == pk), None)
    if client is None:
        raise Http404(str(pk))
    subsystem_client_revoke(client=client, actor=scope.user)
    messages.success(
        request,
        _("Client %(client)s revoked.") % {"client": client.application.client_id},
    )
    return redirect("exchange:subsystem", member=member, subsystem=subsystem)


@login_required
def monitoring(request: HttpRequest) -> HttpResponse:
    """Per-service calls, errors, refusals and latency over the last 24 hours or 7 days.

    Registered services only; platform admins also see one row for unregistered service ids.
    """
    scope = staff_scope(request)
    window = request.GET.get("window", "24h")
    if window not in WINDOWS:
        window = "24h"
    since = timezone.now() - dt.timedelta(hours=WINDOWS[window])
    stats = service_stats_list(since=since, agency_ids=scope.agency_id_list)
    return render(
        request,
        "exchange/staff/monitoring.html",
        {
            "rows": stats_rows(stats),
            "everything": scope.agency_ids is None,
            "window": window,
            "windows": [("24h", _("Last 24 hours")), ("7d", _("Last 7 days"))],
            "since": since,
            "totals": {
                "calls": sum(s.calls for s in stats),
                "errors": sum(s.errors for s in stats),
                "refused": sum(s.refused for s in stats),
            },
        },
    )


@login_required
def message_log(request: HttpRequest) -> HttpResponse:
    """The signed message log, newest first, filtered by service, client or request id."""
    scope = staff_scope(request)
    form = LogFilterForm(request.GET or None)
    number = page_number(request)
    records = message_records_list(
        agency_ids=scope.agency_id_list,
        **form.filters(),
        limit=PAGE_SIZE + 1,
        offset=(number - 1) * PAGE_SIZE,
    )
    return render(
        request,
        "exchange/staff/log.html",
        {
            "form": form,
            "everything": scope.agency_ids is None,
            "page": page_of(log_rows(records), number=number),
            "query": query_without_page(request),
        },
    )
