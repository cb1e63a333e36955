"""Forms of the exchange's staff pages: a grant's consumer and terms, the message-log filters.

The forms only parse what was posted; the registry and rights services check it again (and
audit), so a form that lets something through never decides anything on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from ddgov.exchange.models import LawfulBasis, Purpose

WINDOWS = {"24h": 24, "7d": 24 * 7}  # monitoring windows, in hours


class GrantForm(forms.Form):
    """Allow one consumer subsystem to call a service for the chosen purposes."""

    client = forms.ChoiceField(
        label=_("Consumer system"),
        help_text=_("The subsystem (TH/GOV/member/subsystem) that may call this service."),
    )
    purposes = forms.ModelMultipleChoiceField(
        queryset=Purpose.objects.none(),
        label=_("Purposes"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A call must state one of these in its X-Purpose header."),
    )
    lawful_basis = forms.ChoiceField(
        label=_("Lawful basis (PDPA)"),
        required=False,
        help_text=_(
            "Required when the service returns personal data. With consent, every call also "
            "needs the citizen's consent to a published data agreement."
        ),
    )
    rate_per_minute = forms.IntegerField(
        label=_("Calls per minute"),
        required=False,
        min_value=1,
        max_value=1_000_000,
        help_text=_("Leave empty for the exchange's default limit."),
    )

    def __init__(self, *args: object, clients: Sequence[tuple[str, str]], **kwargs: object) -> None:
        """``clients`` are (client id, label) pairs of the subsystems that may be chosen."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["client"].choices = [("", "—"), *clients]  # type: ignore[attr-defined]
        self.fields["purposes"].queryset = Purpose.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["lawful_basis"].choices = [  # type: ignore[attr-defined]
            ("", _("None (the service has no personal data)")),
            *LawfulBasis.choices,
        ]


class LogFilterForm(forms.Form):
    """Narrow the message log to one service, one client or one request id."""

    service = forms.CharField(
        label=_("Service"),
        required=False,
        max_length=260,
        help_text=_("TH/GOV/member/subsystem/service"),
    )
    client = forms.CharField(
        label=_("Client"), required=False, max_length=200, help_text=_("TH/GOV/member/subsystem")
    )
    request_id = forms.CharField(label=_("Request id"), required=False, max_length=36)

    def filters(self) -> dict[str, str]:
        """The filters as keyword arguments of ``message_records_list`` (empty when invalid)."""
        if not self.is_valid():
            return {"service_id": "", "client_id": "", "request_id": ""}
        data = self.cleaned_data
        return {
            "service_id": data["service"].strip(),
            "client_id": data["client"].strip(),
            "request_id": data["request_id"].strip(),
        }
