"""The complaints back office: an agency's queue, one complaint and what staff do to it.

Who sees what: signed-in government staff (and platform administrators) only. An agency's queue
is open to its members; the 1111 centre's officers and platform administrators may open any
agency's queue, and the centre's queue lists what needs triage (no lead agency, or declined).
A complaint's page is open to members of an agency with a part in it; acting on it needs
``staff_may_act`` for one of those agencies (the centre and administrators act on all). Anyone
else gets 403, on the page and on every action.

Every action view is thin: it checks access, calls one workflow service and redirects back to
the complaint. A refused action (:class:`ComplaintError`) shows every problem in Thai and
English, keeps what was typed for the form, and never becomes a server error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

import geothai
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ddgov.agencies.models import Agency
from ddgov.agencies.selectors import agency_get
from ddgov.complaints.errors import ComplaintError, Problem
from ddgov.complaints.forms_staff import (
    BULK_ACTIONS,
    AssignForm,
    CategoryForm,
    ForwardForm,
    MergeForm,
    NoteForm,
    QueueFilterForm,
    TransitionForm,
)
from ddgov.complaints.models import (
    OPEN_STATES,
    Assignment,
    Complaint,
    ComplaintEvent,
    ComplaintPhoto,
    State,
)
from ddgov.complaints.selectors.complaints import (
    QueueFilters,
    TimelineEntry,
    category_choices,
    category_label,
    complaint_get,
    complaint_parts,
    complaint_queue,
    complaint_timeline,
)
from ddgov.complaints.selectors.dashboard import complaint_triage_queue
from ddgov.complaints.selectors.screening import duplicates_screen
from ddgov.complaints.services.intake import tracking_code_normalise
from ddgov.complaints.services.workflow import (
    TRANSITIONS,
    assignment_transition,
    centre_agency_code,
    complaint_assign,
    complaint_category_set,
    complaint_forward,
    complaint_merge,
    complaint_note_add,
    complaints_bulk_transition,
    staff_may_act,
)
from ddgov.core.language import localized
from ddgov.identity.models import ROLE_RANK, Role, User
from ddgov.identity.selectors import agency_members, user_agencies, user_has_role

PAGE_SIZE = 25
SESSION_AGENCY = "ddgov_agency"  # the back office's current agency (portal.views.staff)
SESSION_DRAFTS = "complaints_staff_drafts"
FORWARD_CHOICES_MAX = 1500
QUEUE_AGENCIES_MAX = 1000
EXCERPT_CHARS = 90
# Citizens act on these events; staff pages never name them (anonymity, citizen IDs).
CITIZEN_KINDS = frozenset(
    {
        ComplaintEvent.Kind.SUBMITTED,
        ComplaintEvent.Kind.FOLLOWED,
        ComplaintEvent.Kind.REOPENED,
        ComplaintEvent.Kind.RATED,
    }
)


# --- who may do what ---------------------------------------------------------------------


def staff_user(request: HttpRequest) -> User:
    """The signed-in government staff member or platform administrator; 403 for anyone else."""
    user = request.user
    if not isinstance(user, User) or not user.is_active:
        raise PermissionDenied
    if not (user.is_government_staff or user.is_platform_admin):
        raise PermissionDenied
    return user


def centre_agency() -> Agency | None:
    """The 1111 centre's agency, when it exists."""
    return agency_get(code=centre_agency_code())


def is_centre_or_admin(user: User) -> bool:
    """Platform administrators and the centre's officers see and act on every complaint."""
    if user.is_platform_admin:
        return True
    centre = centre_agency()
    return centre is not None and user_has_role(user=user, agency=centre, at_least=Role.OFFICER)


def _may_view(user: User, parts: Iterable[Assignment], *, everything: bool) -> bool:
    return everything or any(user_has_role(user=user, agency=p.agency) for p in parts)


def _acting_agencies(user: User, parts: list[Assignment], *, everything: bool) -> list[Agency]:
    """The agencies ``user`` may act for on this complaint: parties, and the centre."""
    agencies = [p.agency for p in parts if staff_may_act(actor=user, agency=p.agency)]
    centre = centre_agency()
    if everything and centre is not None and all(a.pk != centre.pk for a in agencies):
        agencies.append(centre)
    return agencies


def _complaint_or_404(code: str) -> Complaint:
    complaint = complaint_get(tracking_code=code)
    if complaint is None:
        raise Http404
    return complaint


@dataclasses.dataclass
class ActionContext:
    """Who acts, on which complaint, for which agency (all checked)."""

    user: User
    complaint: Complaint
    agency: Agency


def _action_context(request: HttpRequest, code: str) -> ActionContext:
    """Check the POSTed acting agency is one the user may act for on this complaint, or 403."""
    user = staff_user(request)
    complaint = _complaint_or_404(code)
    parts = complaint_parts(complaint=complaint)
    acting = _acting_agencies(user, parts, everything=is_centre_or_admin(user))
    wanted = request.POST.get("agency", "")
    agency = next((a for a in acting if a.code == wanted), None)
    if agency is None:
        raise PermissionDenied
    return ActionContext(user=user, complaint=complaint, agency=agency)


# --- messages, drafts, redirects ---------------------------------------------------------


def problem_text(problem: Problem) -> str:
    """A problem in the reader's language first, then the other one."""
    if (get_language() or "th").startswith("en"):
        return f"{problem.message_en} / {problem.message_th}"
    return f"{problem.message_th} / {problem.message_en}"


def problems_show(request: HttpRequest, problems: Iterable[Problem]) -> None:
    """Put every problem on the next page as an error message."""
    for problem in problems:
        messages.error(request, problem_text(problem))


def _draft_keep(request: HttpRequest, code: str, form: str, fields: Iterable[str]) -> None:
    """Keep what was typed into a refused form so the page shows it again."""
    drafts = request.session.get(SESSION_DRAFTS, {})
    drafts[f"{code}:{form}"] = {f: request.POST.get(f, "") for f in fields}
    request.session[SESSION_DRAFTS] = drafts


def _drafts_take(request: HttpRequest, code: str) -> dict[str, dict[str, str]]:
    drafts = request.session.get(SESSION_DRAFTS, {})
    mine = {k.split(":", 1)[1]: v for k, v in drafts.items() if k.startswith(f"{code}:")}
    if mine:
        request.session[SESSION_DRAFTS] = {
            k: v for k, v in drafts.items() if not k.startswith(f"{code}:")
        }
    return mine


def _back(ctx: ActionContext) -> HttpResponse:
    url = reverse("complaints:staff_detail", args=[ctx.complaint.tracking_code])
    return redirect(f"{url}?{urlencode({'agency': ctx.agency.code})}")


def _uploads(request: HttpRequest) -> list[tuple[str, Any]]:
    return [(f.name or "photo", f) for f in request.FILES.getlist("photos")]


# --- the queue ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class QueueRow:
    """One line of a queue."""

    code: str
    category: str
    excerpt: str
    place: str
    state: str
    state_label: str
    due: dt.datetime | None
    overdue: bool
    followers: int
    officer: str
    lead_agency: str


def place_label(complaint: Complaint) -> str:
    """Where the problem is, in a few words: address, subdistrict, province or coordinates."""
    if complaint.address:
        return complaint.address
    if complaint.subdistrict_id:
        sub = geothai.subdistrict(str(complaint.subdistrict_id))
        district = geothai.district(sub.district_code) if sub else None
        if sub is not None:
            names = [localized(sub.name_th, sub.name_en)]
            if district is not None:
                names.append(localized(district.name_th, district.name_en))
            return ", ".join(names)
    if complaint.province_code:
        province = geothai.province(complaint.province_code)
        if province is not None:
            return localized(province.name_th, province.name_en)
    if complaint.lat is not None and complaint.lon is not None:
        return f"{complaint.lat:.4f}, {complaint.lon:.4f}"
    return ""


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1].rstrip() + "…"


def _officer_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _row(complaint: Complaint, state: str, officer: User | None, followers: int) -> QueueRow:
    now = timezone.now()
    due = complaint.sla_due_at
    return QueueRow(
        code=complaint.tracking_code,
        category=category_label(code=complaint.category),
        excerpt=_excerpt(complaint.text),
        place=place_label(complaint),
        state=state,
        state_label=str(State(state).label),
        due=due,
        overdue=due is not None and due < now and complaint.state in OPEN_STATES,
        followers=followers,
        officer=_officer_name(officer),
        lead_agency=complaint.agency.name if complaint.agency_id and complaint.agency else "",
    )


def _queue_agencies(user: User, *, everything: bool) -> list[Agency]:
    """The agencies whose queue the picker offers: the centre first, then the user's own."""
    mine = list(user_agencies(user=user).order_by("kind", "code")[:QUEUE_AGENCIES_MAX])
    centre = centre_agency()
    if everything and centre is not None:
        mine = [centre, *[a for a in mine if a.pk != centre.pk]]
    return mine


def _queue_agency(request: HttpRequest, user: User, offered: list[Agency]) -> Agency | None:
    """The agency asked for (403 when not allowed), the session's, or the first offered."""
    everything = is_centre_or_admin(user)
    wanted = request.GET.get("agency", "")
    if wanted:
        agency = next((a for a in offered if a.code == wanted), None)
        if agency is None and everything:
            agency = agency_get(code=wanted)
        if agency is None or not (everything or user_has_role(user=user, agency=agency)):
            raise PermissionDenied
        return agency
    current = request.session.get(SESSION_AGENCY)
    return next((a for a in offered if a.code == current), offered[0] if offered else None)


def _districts(agency: Agency, *, triage: bool) -> list[tuple[str, str]]:
    codes: QuerySet[Any, str]
    if triage:
        codes = complaint_triage_queue().values_list("district_code", flat=True)
    else:
        codes = Assignment.objects.filter(agency=agency).values_list(
            "complaint__district_code", flat=True
        )
    out = []
    for code in sorted({c for c in codes.distinct() if c}):
        district = geothai.district(code)
        out.append((code, localized(district.name_th, district.name_en) if district else code))
    return out


def _queue_rows(
    agency: Agency, *, triage: bool, filters: QueueFilters, unassigned: bool
) -> QuerySet[Any]:
    if triage:
        return complaint_triage_queue(filters=filters).annotate(
            n_followers=Count("followers", distinct=True)
        )
    parts = complaint_queue(agency=agency, filters=filters)
    if unassigned:
        parts = parts.filter(officer__isnull=True)
    return parts.select_related("complaint__agency").annotate(
        n_followers=Count("complaint__followers", distinct=True)
    )


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """An agency's complaints, oldest due first, with filters, paging and bulk actions."""
    user = staff_user(request)
    everything = is_centre_or_admin(user)
    offered = _queue_agencies(user, everything=everything)
    agency = _queue_agency(request, user, offered)
    if agency is None:
        return render(request, "complaints/staff/queue.html", {"agency": None, "offered": []})
    if all(a.pk != agency.pk for a in offered):
        offered = [agency, *offered]
    triage = agency.code == centre_agency_code()
    form = QueueFilterForm(
        request.GET or None,
        categories=category_choices(),
        districts=_districts(agency, triage=triage),
    )
    data = form.cleaned_data if form.is_valid() else {}
    text = str(data.get("q") or "").strip()
    code = tracking_code_normalise(text)
    officer = data.get("officer") or ""
    filters = QueueFilters(
        state=data.get("state") or "",
        category=data.get("category") or "",
        district_code=data.get("district") or "",
        officer_id=user.pk if officer == "me" else None,
        overdue=bool(data.get("overdue")),
        text=code if len(code) == 9 and code[4] == "-" else text,
    )
    qs: QuerySet[Any] = _queue_rows(
        agency, triage=triage, filters=filters, unassigned=officer == "none"
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    if triage:
        rows = [_row(c, c.state, None, c.n_followers) for c in page.object_list]
    else:
        rows = [_row(p.complaint, p.state, p.officer, p.n_followers) for p in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/staff/queue.html",
        {
            "agency": agency,
            "offered": offered,
            "triage": triage,
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "bulk_actions": BULK_ACTIONS,
            "may_act": staff_may_act(actor=user, agency=agency),
            "here": request.get_full_path(),
        },
    )


def _queue_return(request: HttpRequest, agency: Agency) -> HttpResponse:
    target = request.POST.get("next", "")
    if target.startswith(reverse("complaints:staff_queue")) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return redirect(target)
    return redirect(f"{reverse('complaints:staff_queue')}?{urlencode({'agency': agency.code})}")


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Accept, start work on, or take the checked complaints; report each one that failed."""
    user = staff_user(request)
    agency = agency_get(code=request.POST.get("agency", ""))
    if agency is None or not staff_may_act(actor=user, agency=agency):
        raise PermissionDenied
    action = request.POST.get("action", "")
    codes = [tracking_code_normalise(c) for c in request.POST.getlist("c") if c.strip()]
    if action not in {a for a, _label in BULK_ACTIONS} or not codes:
        problems_show(
            request,
            [
                Problem(
                    "c",
                    "nothing_selected",
                    "Tick at least one complaint and choose an action.",
                    "กรุณาเลือกเรื่องอย่างน้อยหนึ่งเรื่องและเลือกการดำเนินการ",
                )
            ],
        )
        return _queue_return(request, agency)
    found = {c.tracking_code: c for c in Complaint.objects.filter(tracking_code__in=codes)}
    failures: list[tuple[str, Problem]] = [
        (
            code,
            Problem("complaint", "not_found", "No such complaint.", "ไม่พบเรื่องร้องเรียนนี้"),
        )
        for code in codes
        if code not in found
    ]
    targets = [found[c] for c in codes if c in found]
    if action == "assign_me":
        done = 0
        for complaint in targets:
            try:
                complaint_assign(actor=user, complaint=complaint, agency=agency, officer=user)
            except ComplaintError as exc:
                failures.append((complaint.tracking_code, exc.problems[0]))
            else:
                done += 1
    else:
        to_state = State.ACCEPTED if action == "accept" else State.IN_PROGRESS
        done, failed = complaints_bulk_transition(
            actor=user, complaints=targets, agency=agency, to_state=to_state
        )
        failures.extend(failed)
    if done:
        messages.success(
            request,
            ngettext("%(n)s complaint changed.", "%(n)s complaints changed.", done) % {"n": done},
        )
    for code, problem in failures:
        messages.error(request, f"{code}: {problem_text(problem)}")
    return _queue_return(request, agency)


# --- one complaint -----------------------------------------------------------------------


def _forward_choices(exclude: Agency | None, search: str) -> list[tuple[str, str]]:
    qs = Agency.objects.filter(is_active=True).order_by("kind", "name_th", "code")
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    if search:
        qs = qs.filter(
            Q(code__icontains=search) | Q(name_th__icontains=search) | Q(name_en__icontains=search)
        )
    return [(a.code, f"{a.name} ({a.code})") for a in qs[:FORWARD_CHOICES_MAX]]


def _officer_choices(agency: Agency) -> list[tuple[str, str]]:
    members = agency_members(agency=agency)
    return [
        (str(m.user_id), _officer_name(m.user))
        for m in members
        if ROLE_RANK[Role(m.role)] >= ROLE_RANK[Role.OFFICER] and m.user.is_active
    ]


def _staff_timeline(complaint: Complaint) -> list[TimelineEntry]:
    """The whole timeline, with no citizen named (their user names are ID numbers)."""
    return [
        dataclasses.replace(entry, actor="") if entry.kind in CITIZEN_KINDS else entry
        for entry in complaint_timeline(complaint=complaint, staff=True)
    ]


def _default_acting(user: User, parts: list[Assignment], acting: list[Agency]) -> Agency | None:
    """The user's own party agency (lead first), else the 1111 centre, else any they may act for."""
    for part in parts:
        if user_has_role(user=user, agency=part.agency, at_least=Role.OFFICER) and any(
            a.pk == part.agency_id for a in acting
        ):
            return part.agency
    centre = next((a for a in acting if a.code == centre_agency_code()), None)
    return centre or (acting[0] if acting else None)


@login_required
@require_GET
def detail(request: HttpRequest, code: str) -> HttpResponse:
    """One complaint for staff: every agency's part, the full timeline and the action forms."""
    user = staff_user(request)
    complaint = _complaint_or_404(code)
    if complaint.tracking_code != code:
        return redirect("complaints:staff_detail", code=complaint.tracking_code)
    everything = is_centre_or_admin(user)
    parts = complaint_parts(complaint=complaint)
    if not _may_view(user, parts, everything=everything):
        raise PermissionDenied
    acting = _acting_agencies(user, parts, everything=everything)
    wanted = request.GET.get("agency", "")
    agency = next((a for a in acting if a.code == wanted), None) or _default_acting(
        user, parts, acting
    )
    part = next((p for p in parts if agency is not None and p.agency_id == agency.pk), None)
    drafts = _drafts_take(request, complaint.tracking_code)
    nexts = TRANSITIONS.get(part.state, frozenset()) if part is not None else frozenset()
    allowed = [s for s in State if s in nexts]
    language = get_language() or "th"
    hits = []
    if complaint.is_open and complaint.duplicate_of_id is None:
        for hit in duplicates_screen(
            text=complaint.text,
            lat=complaint.lat,
            lon=complaint.lon,
            category=complaint.category,
            exclude=complaint,
        ):
            hit_parts = complaint_parts(complaint=hit.complaint)
            hits.append(
                {
                    "complaint": hit.complaint,
                    "category": category_label(code=hit.complaint.category),
                    "excerpt": _excerpt(hit.complaint.text),
                    "reason": hit.candidate.reason(language),
                    "score": hit.candidate.score,
                    "may_act": bool(_acting_agencies(user, hit_parts, everything=everything)),
                }
            )
    forward_search = request.GET.get("forward_q", "").strip()[:100]
    photos = list(complaint.photos.all())
    context = {
        "complaint": complaint,
        "category": category_label(code=complaint.category),
        "parts": parts,
        "timeline": _staff_timeline(complaint),
        "photos_before": [p for p in photos if p.stage == ComplaintPhoto.Stage.BEFORE],
        "photos_after": [p for p in photos if p.stage == ComplaintPhoto.Stage.AFTER],
        "route_reason": localized(complaint.route_reason_th, complaint.route_reason_en),
        "place": place_label(complaint),
        "hits": hits,
        "agency": agency,
        "part": part,
        "acting": acting,
        "followers": complaint.followers.count(),
        "forward_search": forward_search,
        "transition_form": TransitionForm(
            initial=drafts.get("transition"), allowed=[str(s) for s in allowed]
        ),
        "forward_form": ForwardForm(
            initial=drafts.get("forward"),
            agencies=_forward_choices(agency, forward_search) if agency else [],
        ),
        "assign_form": AssignForm(
            initial={"officer": str(part.officer_id or "")} if part else None,
            officers=_officer_choices(agency) if agency else [],
        ),
        "note_form": NoteForm(initial=drafts.get("note") or {"visibility": "internal"}),
        "merge_form": MergeForm(initial=drafts.get("merge")),
        "category_form": CategoryForm(
            initial={"category": complaint.category}, categories=category_choices()
        ),
        "closed_states": [State.RESOLVED, State.NOT_RESPONSIBLE, State.REJECTED],
    }
    return render(request, "complaints/staff/detail.html", context)


@login_required
@require_POST
def transition(request: HttpRequest, code: str) -> HttpResponse:
    """Move the acting agency's part to a new status (resolve with a message and photos)."""
    ctx = _action_context(request, code)
    to_state = request.POST.get("to_state", "")
    try:
        if to_state not in State.values:
            raise ComplaintError.one(
                "to_state",
                "state_unknown",
                "Choose the new status.",
                "กรุณาเลือกสถานะใหม่",
            )
        assignment_transition(
            actor=ctx.user,
            complaint=ctx.complaint,
            agency=ctx.agency,
            to_state=to_state,
            message=request.POST.get("message", ""),
            photos=_uploads(request),
        )
    except ComplaintError as exc:
        problems_show(request, exc.problems)
        _draft_keep(request, ctx.complaint.tracking_code, "transition", ["to_state", "message"])
    else:
        messages.success(request, _("The status was changed."))
    return _back(ctx)


@login_required
@require_POST
def forward(request: HttpRequest, code: str) -> HttpResponse:
    """Forward the complaint from the acting agency to another one, with a note."""
    ctx = _action_context(request, code)
    target = agency_get(code=request.POST.get("to_agency", ""))
    try:
        if target is None:
            raise ComplaintError.one(
                "to_agency",
                "forward_target_invalid",
                "Choose another, active agency to forward to.",
                "กรุณาเลือกหน่วยงานอื่นที่ยังเปิดใช้งานเพื่อส่งต่อ",
            )
        complaint_forward(
            actor=ctx.user,
            complaint=ctx.complaint,
            from_agency=ctx.agency,
            to_agency=target,
            note=request.POST.get("note", ""),
        )
    except ComplaintError as exc:
        problems_show(request, exc.problems)
        _draft_keep(request, ctx.complaint.tracking_code, "forward", ["to_agency", "note"])
        return _back(ctx)
    messages.success(
        request, _("Forwarded to %(agency)s.") % {"agency": target.name if target else ""}
    )
    return _back(ctx)


@login_required
@require_POST
def assign(request: HttpRequest, code: str) -> HttpResponse:
    """Give the acting agency's part to one of its officers, or to nobody."""
    ctx = _action_context(request, code)
    raw = request.POST.get("officer", "")
    officer = User.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    try:
        if raw and officer is None:
            raise ComplaintError.one(
                "officer",
                "officer_not_member",
                "The officer does not work for this agency.",
                "เจ้าหน้าที่คนนี้ไม่ได้สังกัดหน่วยงานนี้",
            )
        complaint_assign(
            actor=ctx.user, complaint=ctx.complaint, agency=ctx.agency, officer=officer
        )
    except ComplaintError as exc:
        problems_show(request, exc.problems)
    else:
        messages.success(request, _("The officer was assigned."))
    return _back(ctx)


@login_required
@require_POST
def note(request: HttpRequest, code: str) -> HttpResponse:
    """Add an internal note or a public update, with photos."""
    ctx = _action_context(request, code)
    is_public = request.POST.get("visibility") == "public"
    try:
        complaint_note_add(
            actor=ctx.user,
            complaint=ctx.complaint,
            agency=ctx.agency,
            message=request.POST.get("message", ""),
            is_public=is_public,
            photos=_uploads(request),
        )
    except ComplaintError as exc:
        problems_show(request, exc.problems)
        _draft_keep(request, ctx.complaint.tracking_code, "note", ["visibility", "message"])
    else:
        messages.success(
            request, _("The public update was added.") if is_public else _("The note was added.")
        )
    return _back(ctx)


@login_required
@require_POST
def merge(request: HttpRequest, code: str) -> HttpResponse:
    """Mark this complaint a duplicate of the one whose tracking code is given."""
    ctx = _action_context(request, code)
    into = complaint_get(tracking_code=request.POST.get("into", ""))
    try:
        if into is None:
            raise ComplaintError.one(
                "into",
                "merge_target_unknown",
                "There is no complaint with that tracking code.",
                "ไม่พบเรื่องร้องเรียนตามเลขติดตามที่ระบุ",
            )
        complaint_merge(actor=ctx.user, duplicate=ctx.complaint, into=into, agency=ctx.agency)
    except ComplaintError as exc:
        problems_show(request, exc.problems)
        _draft_keep(request, ctx.complaint.tracking_code, "merge", ["into"])
    else:
        messages.success(
            request,
            _("Merged as a duplicate of %(code)s.") % {"code": into.tracking_code if into else ""},
        )
    return _back(ctx)


@login_required
@require_POST
def category(request: HttpRequest, code: str) -> HttpResponse:
    """Correct the complaint's category (its SLA follows)."""
    ctx = _action_context(request, code)
    try:
        complaint_category_set(
            actor=ctx.user,
            complaint=ctx.complaint,
            agency=ctx.agency,
            category=request.POST.get("category", ""),
        )
    except ComplaintError as exc:
        problems_show(request, exc.problems)
    else:
        messages.success(request, _("The category was changed."))
    return _back(ctx)
