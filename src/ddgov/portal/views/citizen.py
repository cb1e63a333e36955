"""The citizen portal: "my services" and "my record", only ever about the signed-in citizen."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from ddgov.agencies.selectors import admin_area_path
from ddgov.identity.selectors import businesses_represented, person_for_user
from ddgov.identity.thaiid import thai_id_format
from ddgov.portal.cards import cards_ordered


@login_required
def citizen_home(request: HttpRequest) -> HttpResponse:
    """The citizen's cards, each filled by the app that owns the service."""
    person = person_for_user(user=request.user)  # type: ignore[arg-type]
    if person is None:
        return redirect("portal:staff_home")
    cards = []
    for card in cards_ordered():
        context = card.context(request) if card.context else {}
        cards.append({"card": card, "context": context})
    return render(
        request,
        "portal/citizen/home.html",
        {"person": person, "cards": cards, "today": timezone.localdate()},
    )


@login_required
def citizen_profile(request: HttpRequest) -> HttpResponse:
    """The citizen's own registry record and the businesses they may act for."""
    person = person_for_user(user=request.user)  # type: ignore[arg-type]
    if person is None:
        return redirect("portal:staff_home")
    area_path = admin_area_path(area=person.subdistrict) if person.subdistrict else []
    return render(
        request,
        "portal/citizen/profile.html",
        {
            "person": person,
            "citizen_id_display": thai_id_format(person.citizen_id),
            "area_path": area_path,
            "businesses": businesses_represented(person=person),
        },
    )
