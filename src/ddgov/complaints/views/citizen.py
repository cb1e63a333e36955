"""The citizen's side of the 1111 centre: file a complaint, screen for duplicates, track it.

Pages work without JavaScript (plain forms and POSTs) and are enhanced by ``citizen.js`` and
``map.js``: a live character counter, category suggestions and likely duplicates while the
citizen types (from :func:`screen`), an offline map of Thailand to pin the place, and the
province → district → subdistrict picker fed by ``static/complaints/geothai.json``.

The tracking page is public (anyone with the code), so it never shows who filed the complaint
or their contact details. Photos are served only with the complaint's tracking code (``?c=``),
to the reporter, or to government staff, so photo numbers cannot be walked to collect them.
The views only read the request and call the selectors and services; filing, following,
reopening and rating are all the workflow services' decisions, refused with a
:class:`~ddgov.complaints.errors.ComplaintError` whose problems are shown as given.
"""

from __future__ import annotations

import math
from typing import IO, Any, cast

import geothai
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import validate_email
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ddgov.complaints.api import TokenBuckets
from ddgov.complaints.classify.services import category_predict
from ddgov.complaints.errors import ComplaintError, Problem
from ddgov.complaints.forms_citizen import (
    ComplaintForm,
    FollowForm,
    RateForm,
    ReopenForm,
    TrackForm,
    nonce_new,
)
from ddgov.complaints.models import Complaint, ComplaintPhoto, State
from ddgov.complaints.routing import geo
from ddgov.complaints.selectors.complaints import (
    category_choices,
    category_label,
    complaint_follower_count,
    complaint_get,
    complaint_parts,
    complaint_staff_may_view,
    complaint_timeline,
    complaints_for_user,
)
from ddgov.complaints.selectors.screening import ScreenHit, duplicates_screen
from ddgov.complaints.services.citizen_actions import (
    complaint_follow,
    complaint_rate,
    complaint_reopen,
)
from ddgov.complaints.services.intake import TEXT_MAX, complaint_submit
from ddgov.complaints.services.photos import photo_max_bytes, photo_max_count
from ddgov.complaints.services.workflow import (
    REOPENABLE,
)
from ddgov.core.language import localized, thai_sort_key
from ddgov.identity.models import User
from ddgov.identity.selectors import person_for_user

MINE_PAGE_SIZE = 20
SCREEN_CATEGORIES = 3
SCREEN_DUPLICATES = 5
SCREEN_TEXT_PREVIEW = 200
DEFAULT_SCREEN_RATE_PER_MINUTE = 60
PHOTO_CACHE_SECONDS = 7 * 24 * 3600
# Where on the filing form each problem's field is, for the error summary's links.
FIELD_ANCHORS = {
    "text": "id_text",
    "category": "id_category",
    "location": "id_lat",
    "subdistrict_code": "id_subdistrict_code",
    "address": "id_address",
    "photos": "id_photos",
    "contact_name": "id_contact_name",
    "contact_phone": "id_contact_phone",
    "contact_email": "id_contact_email",
}

screen_buckets = TokenBuckets()


def _user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def _problem_messages(request: HttpRequest, error: ComplaintError) -> None:
    for problem in error.problems:
        messages.error(request, problem.message)


def _open311_status(complaint: Complaint) -> str:
    return "open" if complaint.is_open else "closed"


def _state_label(state: str) -> str:
    return str(State(state).label) if state in State.values else state


def _hit_row(hit: ScreenHit) -> dict[str, Any]:
    """A likely duplicate as the form and the JSON show it (never who filed it)."""
    complaint = hit.complaint
    text = complaint.text_public
    return {
        "tracking_code": complaint.tracking_code,
        "text": text[:SCREEN_TEXT_PREVIEW] + ("…" if len(text) > SCREEN_TEXT_PREVIEW else ""),
        "state": complaint.state,
        "state_label": _state_label(complaint.state),
        "category": category_label(code=complaint.category),
        "distance_m": round(hit.candidate.distance_m),
        "score": round(hit.candidate.score, 3),
        "reason": hit.candidate.reason(get_language() or "th"),
        "followers": complaint_follower_count(complaint=complaint),
        "url": reverse("complaints:track", kwargs={"code": complaint.tracking_code}),
        "follow_url": reverse("complaints:follow", kwargs={"code": complaint.tracking_code}),
    }


def _screen_hits(*, text: str, lat: float | None, lon: float | None, category: str) -> list[Any]:
    if not text.strip() or lat is None or lon is None:
        return []
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return []
    hits = duplicates_screen(
        text=text[:TEXT_MAX], lat=lat, lon=lon, category=category, limit=SCREEN_DUPLICATES
    )
    return [_hit_row(hit) for hit in hits]


def home(request: HttpRequest) -> HttpResponse:
    """What the 1111 centre is, with the ways to file a complaint and to follow one."""
    return render(request, "complaints/citizen/home.html", {"track_form": TrackForm()})


def _areas(form: ComplaintForm) -> dict[str, Any]:
    """Options for the province → district → subdistrict selects (without JavaScript too)."""

    def options(rows: list[Any]) -> list[tuple[str, str]]:
        named = [(row.code, localized(row.name_th, row.name_en)) for row in rows]
        return sorted(named, key=lambda pair: thai_sort_key(pair[1]))

    province = form.value("province").strip()
    district = form.value("district").strip()
    subdistrict = form.value("subdistrict_code").strip()
    if subdistrict and (area := geothai.subdistrict(subdistrict)) is not None:
        district, province = area.district_code, area.province_code
    return {
        "provinces": options(geothai.provinces()),
        "districts": options(geothai.districts(province)) if geothai.province(province) else [],
        "subdistricts": (
            options(geothai.subdistricts(district))
            if district and geothai.district(district)
            else []
        ),
        "selected": {"province": province, "district": district, "subdistrict": subdistrict},
    }


def _new_context(
    request: HttpRequest,
    form: ComplaintForm,
    *,
    nonce: str,
    problems: list[Problem] | None = None,
    duplicates: list[dict[str, Any]] | None = None,
    photos_dropped: bool = False,
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    for problem in problems or []:
        key = problem.field if problem.field in FIELD_ANCHORS else "text"
        errors.setdefault(key, []).append(problem.message)
    summary = [
        {"message": p.message, "anchor": FIELD_ANCHORS.get(p.field, "id_text"), "code": p.code}
        for p in problems or []
    ]
    text = form.value("text")
    return {
        "form": form,
        "nonce": nonce,
        "values": {name: form.value(name) for name in form.fields},
        "anonymous": form.value("is_anonymous") == "True",
        "errors": errors,
        "summary": summary,
        "duplicates": duplicates or [],
        "photos_dropped": photos_dropped,
        "categories": category_choices(),
        "areas": _areas(form),
        "text_length": len(text.strip()),
        "text_max": TEXT_MAX,
        "photo_max_mb": photo_max_bytes() // (1024 * 1024),
        "photo_max_count": photo_max_count(),
        "map": {
            "lon0": geo.LON0,
            "lat_top": geo.LAT_TOP,
            "scale": geo.SCALE,
            "cos_lat0": geo.COS_LAT0,
            "margin": geo.MARGIN,
        },
        "js_text": {
            "counter": _("%(n)s of %(max)s characters"),
            "over": _("Too long: at most %(max)s characters."),
            "suggested": _("Suggested categories:"),
            "duplicates_title": _("Similar complaints are already open nearby"),
            "duplicates_help": _(
                "If one of them is your problem, follow it instead of filing a new complaint: "
                "you will be told of its progress."
            ),
            "follow": _("Me too: follow this complaint"),
            "email": _("Your e-mail (to be told of progress)"),
            "metres": _("%(m)s m away"),
            "followers": _("%(n)s following"),
            "confirm": _(
                "Similar complaints were found (see above). Press the button again to file "
                "yours anyway."
            ),
            "locating": _("Finding your location…"),
            "located": _("Pinned at your location."),
            "locate_failed": _("Your location could not be found. Pin it on the map instead."),
            "pinned": _("Pinned: %(lat)s, %(lon)s"),
            "choose": _("Choose…"),
        },
    }


def _prefill(request: HttpRequest) -> dict[str, str]:
    user = _user(request)
    if user is None:
        return {}
    person = person_for_user(user=user)
    return {"contact_name": person.full_name if person else "", "contact_email": user.email or ""}


def _existing_by_nonce(nonce: str) -> Complaint | None:
    """The complaint an earlier submission of this very form made (a refresh or a retry)."""
    return Complaint.objects.filter(intake_key=f"web:{nonce}").first()


def _filed(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    messages.success(
        request,
        _(
            "Your complaint was filed. Its tracking code is %(code)s: keep it to follow the "
            "progress."
        )
        % {"code": complaint.tracking_code},
    )
    return redirect("complaints:track", code=complaint.tracking_code)


@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """The web form; a retry of the same form (its one-time key) never files twice."""
    if request.method != "POST":
        form = ComplaintForm(_prefill(request))
        form.is_valid()
        return render(
            request, "complaints/citizen/new.html", _new_context(request, form, nonce=nonce_new())
        )

    form = ComplaintForm(request.POST)
    form.is_valid()
    nonce = form.nonce_value()
    if (existing := _existing_by_nonce(nonce)) is not None:
        return _filed(request, existing)
    uploads: list[tuple[str, IO[bytes]]] = [
        (f.name or "photo", cast("IO[bytes]", f)) for f in request.FILES.getlist("photos")
    ]
    if "refresh_areas" in request.POST:  # no JavaScript: fill the district/subdistrict lists
        context = _new_context(request, form, nonce=nonce, photos_dropped=bool(uploads))
        return render(request, "complaints/citizen/new.html", context)
    problems = form.problems()
    if not problems and form.value("confirm_new") != "True":
        lat, lon = form.coordinates()
        duplicates = _screen_hits(
            text=form.value("text"), lat=lat, lon=lon, category=form.value("category")
        )
        if duplicates:
            context = _new_context(
                request, form, nonce=nonce, duplicates=duplicates, photos_dropped=bool(uploads)
            )
            return render(request, "complaints/citizen/new.html", context)
    if not problems:
        submission = form.submission(reporter=_user(request), photos=uploads, nonce=nonce)
        try:
            result = complaint_submit(submission=submission)
        except ComplaintError as error:
            problems = error.problems
        else:
            return _filed(request, result.complaint)
    context = _new_context(
        request, form, nonce=nonce, problems=problems, photos_dropped=bool(uploads)
    )
    return render(request, "complaints/citizen/new.html", context, status=400)


def _coordinate(raw: str, limit: float) -> float | None:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and -limit <= value <= limit else None


@require_safe
def screen(request: HttpRequest) -> HttpResponse:
    """JSON for the form while the citizen types: likely categories and likely duplicates."""
    rate = int(
        getattr(settings, "COMPLAINTS_SCREEN_RATE_PER_MINUTE", DEFAULT_SCREEN_RATE_PER_MINUTE)
    )
    wait = screen_buckets.take(
        key=str(request.META.get("REMOTE_ADDR") or "unknown"), rate_per_minute=rate
    )
    if wait > 0:
        response = JsonResponse(
            {
                "error": {
                    "code": "rate_limited",
                    "message": "Too many requests. Try again later.",
                    "message_th": "ส่งคำขอถี่เกินไป กรุณาลองใหม่ภายหลัง",
                }
            },
            status=429,
        )
        response["Retry-After"] = str(math.ceil(wait))
        return response
    text = request.GET.get("text", "")[:TEXT_MAX]
    lat = _coordinate(request.GET.get("lat", ""), 90.0)
    lon = _coordinate(request.GET.get("lon", ""), 180.0)
    codes = {code for code, _label in category_choices()}
    category = request.GET.get("category", "")
    category = category if category in codes else ""
    suggestions = category_predict(text=text, top=SCREEN_CATEGORIES) if text.strip() else []
    body = {
        "categories": [
            {
                "code": s.code,
                "label": localized(s.label_th, s.label_en),
                "label_th": s.label_th,
                "score": round(s.score, 4),
            }
            for s in suggestions
        ],
        "duplicates": _screen_hits(text=text, lat=lat, lon=lon, category=category),
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def track_lookup(request: HttpRequest) -> HttpResponse:
    """Find a complaint by the tracking code the citizen was given."""
    form = TrackForm(request.GET)
    code = form.data.get("code", "").strip()
    error = ""
    if code:
        complaint = complaint_get(tracking_code=code[:32])
        if complaint is not None:
            return redirect("complaints:track", code=complaint.tracking_code)
        error = _("No complaint has the tracking code %(code)s. Check it and try again.") % {
            "code": code[:32]
        }
    elif "code" in request.GET:
        error = _("Type the tracking code you were given, such as 7KQ2-M9XD.")
    return render(
        request,
        "complaints/citizen/track_lookup.html",
        {"form": form, "code": code[:32], "error": error},
        status=404 if code and error else 200,
    )


def _complaint_or_404(code: str) -> Complaint:
    complaint = complaint_get(tracking_code=code)
    if complaint is None:
        raise Http404(_("No complaint has this tracking code."))
    return complaint


@require_safe
def track(request: HttpRequest, code: str) -> HttpResponse:
    """The public tracking page: status, each agency's part, the timeline, photos."""
    complaint = _complaint_or_404(code)
    if complaint.tracking_code != code:
        return redirect("complaints:track", code=complaint.tracking_code)
    user = _user(request)
    is_reporter = user is not None and complaint.reporter_id == user.pk
    photos = list(complaint.photos.all())
    following = user is not None and complaint.followers.filter(user=user).exists()
    context = {
        "complaint": complaint,
        "open311_status": _open311_status(complaint),
        "state_label": _state_label(complaint.state),
        "category": category_label(code=complaint.category),
        "lead_agency": complaint.agency.name if complaint.agency else "",
        "parts": complaint_parts(complaint=complaint),
        "timeline": complaint_timeline(complaint=complaint, staff=False),
        "before_photos": [p for p in photos if p.stage == ComplaintPhoto.Stage.BEFORE],
        "after_photos": [p for p in photos if p.stage == ComplaintPhoto.Stage.AFTER],
        "route_reason": localized(complaint.route_reason_th, complaint.route_reason_en),
        "followers": complaint_follower_count(complaint=complaint),
        "following": following,
        "is_reporter": is_reporter,
        "can_reopen": is_reporter and complaint.state in REOPENABLE,
        "can_rate": is_reporter and complaint.state == State.RESOLVED,
        "place": _place(complaint),
    }
    return render(request, "complaints/citizen/track.html", context)


def _place(complaint: Complaint) -> str:
    """Where the problem is, as the public may see it (the area and the address line)."""
    names: list[str] = []
    if complaint.subdistrict_id and (sub := geothai.subdistrict(complaint.subdistrict_id)):
        district = geothai.district(sub.district_code)
        province = geothai.province(sub.province_code)
        names.append(localized(sub.name_th, sub.name_en))
        if district:
            names.append(localized(district.name_th, district.name_en))
        if province:
            names.append(localized(province.name_th, province.name_en))
    elif complaint.province_code and (province := geothai.province(complaint.province_code)):
        names.append(localized(province.name_th, province.name_en))
    return ", ".join(names)


def _back(complaint: Complaint) -> HttpResponse:
    return redirect("complaints:track", code=complaint.tracking_code)


@require_POST
def follow(request: HttpRequest, code: str) -> HttpResponse:
    """Follow the complaint, "me too" (signed in, or with an e-mail address)."""
    complaint = _complaint_or_404(code)
    form = FollowForm(request.POST)
    email = str(form.data.get("email", "") or "").strip()[:254]
    user = _user(request)
    if user is None and email:
        try:
            validate_email(email)
        except ValidationError:
            messages.error(
                request,
                Problem(
                    "email",
                    "email_invalid",
                    "The e-mail address is not valid.",
                    "อีเมลไม่ถูกต้อง",
                ).message,
            )
            return _back(complaint)
    try:
        follower, created = complaint_follow(complaint=complaint, user=user, email=email)
    except ComplaintError as error:
        _problem_messages(request, error)
        return _back(complaint)
    target = follower.complaint
    if created:
        messages.success(
            request,
            _("You now follow complaint %(code)s: you will be told of its progress.")
            % {"code": target.tracking_code},
        )
    else:
        messages.info(
            request, _("You already follow complaint %(code)s.") % {"code": target.tracking_code}
        )
    return _back(target)


@require_POST
def reopen(request: HttpRequest, code: str) -> HttpResponse:
    """The reporter says a closed complaint is not solved."""
    complaint = _complaint_or_404(code)
    form = ReopenForm(request.POST)
    try:
        complaint_reopen(
            actor=request.user, complaint=complaint, reason=str(form.data.get("reason", ""))
        )
    except ComplaintError as error:
        _problem_messages(request, error)
    else:
        messages.success(request, _("The complaint was reopened and sent back to the agency."))
    return _back(complaint)


@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    """The reporter rates how a resolved complaint was handled."""
    complaint = _complaint_or_404(code)
    form = RateForm(request.POST)
    try:
        complaint_rate(
            actor=request.user,
            complaint=complaint,
            rating=form.rating_value(),
            comment=str(form.data.get("comment", "")),
        )
    except ComplaintError as error:
        _problem_messages(request, error)
    else:
        messages.success(request, _("Thank you for rating how your complaint was handled."))
    return _back(complaint)


def _may_see_photo(request: HttpRequest, photo: ComplaintPhoto) -> bool:
    complaint = photo.complaint
    given = str(request.GET.get("c", "")).strip().upper()
    if given and given == complaint.tracking_code:
        return True
    user = _user(request)
    if user is None:
        return False
    return complaint.reporter_id == user.pk or complaint_staff_may_view(
        user=user, complaint=complaint
    )


@require_safe
def photo(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """One stored photo, with the complaint's tracking code (``?c=``), or for its reporter/staff."""
    record = ComplaintPhoto.objects.select_related("complaint").filter(pk=pk).first()
    if record is None or not _may_see_photo(request, record):
        raise Http404(_("There is no such photo."))
    etag = f'"{record.sha256}"'
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse | FileResponse = HttpResponseNotModified()
    else:
        try:
            handle = record.image.open("rb")
        except (FileNotFoundError, OSError) as exc:
            raise Http404(_("There is no such photo.")) from exc
        response = FileResponse(handle, content_type=record.content_type)
        response["Content-Length"] = str(record.size)
        response["Content-Disposition"] = "inline"
    response["ETag"] = etag
    response["Cache-Control"] = f"private, max-age={PHOTO_CACHE_SECONDS}, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in citizen's complaints, filed or followed, newest activity first."""
    user = _user(request)
    if user is None:  # pragma: no cover - login_required
        raise Http404
    paginator = Paginator(complaints_for_user(user=user), MINE_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        {
            "complaint": c,
            "state_label": _state_label(c.state),
            "open311_status": _open311_status(c),
            "category": category_label(code=c.category),
            "is_reporter": c.reporter_id == user.pk,
        }
        for c in page.object_list
    ]
    return render(request, "complaints/citizen/mine.html", {"page": page, "rows": rows})
