"""The 1111 call centre's form: an operator files a complaint while the caller is on the line.

Only the centre's officers (and platform administrators) use it. The page is built for the
keyboard: the problem's text has focus, fields follow the order of a call, access keys reach
the main fields, and the category is pre-filled by the classifier as the operator types (and
again if the form comes back with problems). Every submission carries a one-time nonce, so
pressing Submit twice, or reloading after a slow answer, files one complaint
(``intake_key="call:<nonce>"``). The tracking code to read out to the caller is shown above a
fresh form for the next call; a refused submission shows every problem at once and keeps
what was typed.
"""

from __future__ import annotations

import secrets

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ddgov.complaints.classify.services import category_predict
from ddgov.complaints.errors import ComplaintError
from ddgov.complaints.forms_staff import CallForm
from ddgov.complaints.models import Channel, Complaint
from ddgov.complaints.selectors.complaints import category_choices, category_label
from ddgov.complaints.services.intake import IntakeResult, Submission, complaint_submit
from ddgov.complaints.views.staff import is_centre_or_admin, problem_text, staff_user

# Intake problem fields that are not a field of the form go to the field that fixes them.
FIELD_FOR = {"location": "subdistrict_code", "intake_key": "nonce", "photos": None}


def _fresh_form() -> CallForm:
    return CallForm(initial={"nonce": secrets.token_urlsafe(16)}, categories=category_choices())


def _suggest(form: CallForm) -> None:
    """Pre-select the classifier's best category when the operator chose none."""
    text = str(form.data.get("text", "")).strip()
    if form.data.get("category") or not text:
        return
    best = category_predict(text=text, top=1)
    if best:
        data = dict(form.data.items())
        data["category"] = best[0].code
        form.data = data


def _submit(request: HttpRequest, form: CallForm) -> IntakeResult | None:
    """File the complaint, or put every problem on ``form`` and return None."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return complaint_submit(
            submission=Submission(
                text=data["text"],
                channel=Channel.CALL_CENTRE,
                category=data["category"] or "",
                lat=data["lat"],
                lon=data["lon"],
                address=data["address"],
                subdistrict_code=data["subdistrict_code"].strip(),
                is_anonymous=data["is_anonymous"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                contact_email=data["contact_email"],
                reporter=None,
                intake_key=f"call:{data['nonce']}",
            )
        )
    except ComplaintError as exc:
        for problem in exc.problems:
            field = FIELD_FOR.get(problem.field, problem.field)
            form.add_error(field if field in form.fields else None, problem_text(problem))
        return None


@login_required
@require_http_methods(["GET", "POST"])
def call(request: HttpRequest) -> HttpResponse:
    """Show the operator's form; on submit, file the complaint and show its tracking code."""
    user = staff_user(request)
    if not is_centre_or_admin(user):
        raise PermissionDenied
    filed: Complaint | None = None
    created = False
    if request.method == "POST":
        form = CallForm(request.POST, categories=category_choices())
        result = _submit(request, form)
        if result is None:
            _suggest(form)
            return render(
                request, "complaints/staff/call.html", {"form": form, "nav": "call"}, status=400
            )
        filed, created = result.complaint, result.created
        form = _fresh_form()
    else:
        form = _fresh_form()
    return render(
        request,
        "complaints/staff/call.html",
        {
            "form": form,
            "filed": filed,
            "created": created,
            "filed_category": category_label(code=filed.category) if filed else "",
            "nav": "call",
        },
    )
