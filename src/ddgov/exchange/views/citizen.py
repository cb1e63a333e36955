"""The citizen's side of the exchange: "who read my data" and consent to data agreements.

Only ever about the signed-in citizen: the citizen ID comes from their own record, never from
the request. Giving and withdrawing consent go through the consent services, which sign the
revision and audit it; a withdrawal takes effect on the consumer's next call.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ddgov.core.language import localized
from ddgov.exchange.selectors.consent import agreements_for_citizen
from ddgov.exchange.selectors.tracker import (
    data_access_count_for_citizen,
    data_accesses_for_citizen,
)
from ddgov.exchange.services.consent import consent_give, consent_withdraw
from ddgov.exchange.views.present import (
    PAGE_SIZE,
    access_rows,
    page_number,
    page_of,
)
from ddgov.identity.models import Person, User
from ddgov.identity.selectors import person_for_user


def _person(request: HttpRequest) -> Person | None:
    user = request.user
    return person_for_user(user=user) if isinstance(user, User) else None


@login_required
def data_access(request: HttpRequest) -> HttpResponse:
    """Every exchange that concerned the signed-in citizen, newest first, refusals included."""
    person = _person(request)
    if person is None:
        return redirect("portal:staff_home")

    number = page_number(request)
    accesses = data_accesses_for_citizen(
        citizen_id=person.citizen_id, limit=PAGE_SIZE + 1, offset=(number - 1) * PAGE_SIZE
    )
    total = data_access_count_for_citizen(citizen_id=person.citizen_id)
    return render(
        request,
        "exchange/citizen/data_access.html",
        {"page": page_of(access_rows(accesses), number=number, total=total), "query": ""},
    )


def _agreement_rows(views: list[Any]) -> list[dict[str, Any]]:
    """Part C's ``AgreementView`` rows with names picked for the reader."""
    return [
        {
            "agreement": view.agreement,
            "record": view.record,
            "given": bool(view.given),
            "withdrawn": view.record is not None and not view.given,
            "outdated": bool(view.outdated),
            "service_id": view.service_id,
            "service": localized(view.service_title_th, view.service_title_en),
            "provider": localized(view.provider_agency_th, view.provider_agency_en),
            "consumer": localized(view.consumer_agency_th, view.consumer_agency_en),
            "consumer_system": localized(view.consumer_system_th, view.consumer_system_en),
            "purpose": localized(view.purpose_th, view.purpose_en),
            "lawful_basis": view.agreement.get_lawful_basis_display(),
            "text": localized(view.agreement.text_th, view.agreement.text_en),
            "dpia_url": view.agreement.dpia_url,
        }
        for view in views
    ]


@login_required
def consents(request: HttpRequest) -> HttpResponse:
    """The data agreements that concern the citizen, each with its consent state and a button."""
    person = _person(request)
    if person is None:
        return redirect("portal:staff_home")
    views = agreements_for_citizen(citizen_id=person.citizen_id)
    return render(request, "exchange/citizen/consents.html", {"rows": _agreement_rows(views)})


@login_required
@require_POST
def consent_change(request: HttpRequest, agreement_id: int) -> HttpResponse:
    """Give or withdraw the citizen's own consent to one active data agreement."""
    person = _person(request)
    if person is None:
        return redirect("portal:staff_home")
    user = request.user
    if not isinstance(user, User):  # _person found a person, so this never happens
        raise Http404(str(agreement_id))
    view = next(
        (
            v
            for v in agreements_for_citizen(citizen_id=person.citizen_id)
            if v.agreement.pk == agreement_id
        ),
        None,
    )
    if view is None:
        raise Http404(str(agreement_id))
    action = request.POST.get("action", "")
    row = _agreement_rows([view])[0]
    try:
        if action == "give":
            consent_give(agreement=view.agreement, citizen_id=person.citizen_id, actor=user)
            messages.success(
                request,
                _(
                    "You gave consent: %(consumer)s may read “%(service)s” for “%(purpose)s”. "
                    "You can withdraw it at any time."
                )
                % row,
            )
        elif action == "withdraw" and view.record is not None and view.given:
            consent_withdraw(record=view.record, actor=user)
            messages.success(
                request,
                _(
                    "You withdrew your consent: %(consumer)s can no longer read “%(service)s” "
                    "for “%(purpose)s” from its next request."
                )
                % row,
            )
        elif action == "withdraw":
            messages.info(request, _("There was no consent to withdraw."))
        else:
            return HttpResponse(status=400)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(f"{reverse('exchange:consents')}#agreement-{agreement_id}")
