"""Staff upload of a Traffy-style CSV export (the 1111 centre's bulk import).

Only the 1111 centre's officers (and higher) and platform administrators may import: an import
files complaints for every agency. The view is thin: it checks who is asking, hands the file to
:func:`~ddgov.complaints.services.importing.complaints_import_csv` and shows its report (counts
and every row's problem in the reader's language). A file the service refuses (not CSV, no
ticket or text column, too large) shows its bilingual reason and nothing is written.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from ddgov.agencies.selectors import agency_get
from ddgov.complaints.errors import ComplaintError, Problem
from ddgov.complaints.services.importing import ImportReport, complaints_import_csv
from ddgov.complaints.services.workflow import centre_agency_code
from ddgov.identity.models import Role, User
from ddgov.identity.selectors import user_has_role

SHOWN_CODES = 50


class ImportForm(forms.Form):
    """The CSV file, where it comes from, and whether to carry Traffy's states over."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "A Traffy Fondue export (UTF-8 or Thai Windows encoding) with at least the ticket_id "
            "and description columns. Importing the same file again skips rows already imported."
        ),
    )
    source = forms.SlugField(
        label=_("Source"),
        initial="traffy",
        max_length=32,
        help_text=_("Names where the tickets come from; a ticket id is unique per source."),
    )
    apply_states = forms.BooleanField(
        label=_("Carry Traffy's status over (accepted, in progress, resolved …) as the centre"),
        required=False,
    )


def may_import(user: object) -> bool:
    """Whether ``user`` is a platform administrator or an officer of the 1111 centre."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.is_platform_admin:
        return True
    centre = agency_get(code=centre_agency_code())
    return centre is not None and user_has_role(user=user, agency=centre, at_least=Role.OFFICER)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Show the upload form; on POST import the file and show the report."""
    if not may_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    file_problems: list[Problem] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                report = complaints_import_csv(
                    fileobj=form.cleaned_data["file"],
                    actor=request.user,
                    source=form.cleaned_data["source"].lower(),
                    apply_states=form.cleaned_data["apply_states"],
                )
            except ComplaintError as exc:
                file_problems = exc.problems
                status = 400
        else:
            status = 400
    return render(
        request,
        "complaints/staff/import.html",
        {
            "form": form,
            "report": report,
            "file_problems": file_problems,
            "codes": report.tracking_codes[:SHOWN_CODES] if report else [],
        },
        status=status,
    )
