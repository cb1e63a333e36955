"""Pages anyone may see."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def home(request: HttpRequest) -> HttpResponse:
    """The front page; signed-in people go straight to their own surface."""
    user = request.user
    if user.is_authenticated:
        return redirect(
            "portal:staff_home"
            if getattr(user, "is_government_staff", False)
            else "portal:citizen_home"
        )
    return render(request, "portal/home.html")


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for process managers and CI."""
    return HttpResponse("ok", content_type="text/plain")
