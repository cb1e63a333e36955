"""The staff back office: choose an agency, see its people, structure and audit trail."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ddgov.agencies.models import Agency
from ddgov.agencies.selectors import agency_ancestors, agency_list
from ddgov.audit.selectors import audit_records_for_agency
from ddgov.identity.models import Role, User
from ddgov.identity.selectors import agency_members, user_agencies, user_memberships
from ddgov.identity.services import agency_access_require

SESSION_AGENCY = "ddgov_agency"


def _staff(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_government_staff else None


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    """The agency switcher: go to the current agency, or pick one."""
    user = _staff(request)
    if user is None:
        return redirect("portal:citizen_home")
    agencies = user_agencies(user=user).order_by("kind", "code")
    current = request.session.get(SESSION_AGENCY)
    if current and agencies.filter(code=current).exists():
        return redirect("portal:staff_agency", code=current)
    if agencies.count() == 1:
        only = agencies.first()
        if only is not None:
            return redirect("portal:staff_agency", code=only.code)
    return render(
        request,
        "portal/staff/switch.html",
        {"agencies": agencies[:200], "memberships": user_memberships(user=user)},
    )


@login_required
@require_POST
def staff_switch(request: HttpRequest) -> HttpResponse:
    """Make another of the user's agencies the current one (access is checked on arrival)."""
    code = request.POST.get("agency", "")
    request.session[SESSION_AGENCY] = code
    return redirect("portal:staff_agency", code=code)


@login_required
def staff_agency(request: HttpRequest, code: str) -> HttpResponse:
    """One agency's back-office overview; refused (and audited) for non-members."""
    user = _staff(request)
    if user is None:
        return redirect("portal:citizen_home")
    agency = get_object_or_404(Agency.objects.select_related("parent", "area"), code=code)
    role = agency_access_require(actor=user, agency=agency)
    request.session[SESSION_AGENCY] = agency.code
    can_see_audit = role in {Role.ADMIN, Role.DATA_STEWARD}
    return render(
        request,
        "portal/staff/agency.html",
        {
            "agency": agency,
            "role": role,
            "role_label": Role(role).label,
            "ancestors": list(reversed(agency_ancestors(agency=agency))),
            "children": agency_list(parent=agency)[:100],
            "members": agency_members(agency=agency),
            "audit": audit_records_for_agency(agency_codes=[agency.code])
            if can_see_audit
            else None,
            "switch_to": user_agencies(user=user).exclude(pk=agency.pk).order_by("code")[:200],
        },
    )
