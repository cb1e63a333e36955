"""Forms of the complaints back office: queue filters, actions on a complaint, the call centre.

Forms only check shape (lengths, numbers, one of the offered choices); whether an action is
allowed is the workflow services' decision, and their bilingual problems are shown as they are.
Element ids are fixed (``#forward-agency``, ``#transition-state``, …) so browser tests and
keyboard users can rely on them. Photos are read from ``request.FILES`` by the views.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ddgov.complaints.models import State
from ddgov.complaints.services.intake import ADDRESS_MAX, TEXT_MAX
from ddgov.complaints.services.workflow import NOTE_MAX

NONCE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
BULK_ACTIONS = (
    ("accept", _("Accept")),
    ("start", _("Start work")),
    ("assign_me", _("Assign to me")),
)


def _choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - set on our own fields only
    field.choices = choices


def _textarea(ident: str, rows: int = 3, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"id": ident, "rows": rows, **attrs})


class QueueFilterForm(forms.Form):
    """What a queue is narrowed to (GET; every field optional)."""

    state = forms.ChoiceField(
        label=_("Status"), required=False, widget=forms.Select(attrs={"id": "queue-state"})
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, widget=forms.Select(attrs={"id": "queue-category"})
    )
    district = forms.ChoiceField(
        label=_("District"), required=False, widget=forms.Select(attrs={"id": "queue-district"})
    )
    officer = forms.ChoiceField(
        label=_("Officer"),
        required=False,
        choices=[("", _("Anyone")), ("me", _("Me")), ("none", _("Unassigned"))],
        widget=forms.Select(attrs={"id": "queue-officer"}),
    )
    overdue = forms.BooleanField(
        label=_("Overdue only"),
        required=False,
        widget=forms.CheckboxInput(attrs={"id": "queue-overdue"}),
    )
    q = forms.CharField(
        label=_("Text or tracking code"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"id": "queue-q", "type": "search"}),
    )

    def __init__(
        self,
        *args: Any,
        categories: list[tuple[str, str]],
        districts: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        """Offer the categories and the districts that occur in this queue."""
        super().__init__(*args, **kwargs)
        _choices(
            self,
            "state",
            [
                ("", _("Open (not closed)")),
                *[(s.value, s.label) for s in State],
            ],
        )
        _choices(self, "category", [("", _("Any category")), *categories])
        _choices(self, "district", [("", _("Any district")), *districts])


class TransitionForm(forms.Form):
    """Move this agency's part to one of the states allowed next."""

    to_state = forms.ChoiceField(
        label=_("New status"), widget=forms.Select(attrs={"id": "transition-state"})
    )
    message = forms.CharField(
        label=_("Message to the citizen"),
        required=False,
        max_length=NOTE_MAX,
        help_text=_("Required when resolving, declining or rejecting; the citizen sees it."),
        widget=_textarea("transition-message"),
    )

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        """Offer only the states allowed from the part's current state."""
        super().__init__(*args, **kwargs)
        _choices(self, "to_state", [(s, State(s).label) for s in allowed])


class ForwardForm(forms.Form):
    """Hand the complaint to another agency with a note for it."""

    to_agency = forms.ChoiceField(
        label=_("Forward to agency"), widget=forms.Select(attrs={"id": "forward-agency"})
    )
    note = forms.CharField(
        label=_("Note to the receiving agency"),
        max_length=NOTE_MAX,
        widget=_textarea("forward-note"),
    )

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        """Offer ``agencies`` as ``(code, label)``."""
        super().__init__(*args, **kwargs)
        _choices(self, "to_agency", [("", _("Choose an agency")), *agencies])


class AssignForm(forms.Form):
    """Give this agency's part to one of its officers (or to nobody)."""

    officer = forms.ChoiceField(
        label=_("Officer"), required=False, widget=forms.Select(attrs={"id": "assign-officer"})
    )

    def __init__(self, *args: Any, officers: list[tuple[str, str]], **kwargs: Any) -> None:
        """Offer the agency's officers as ``(user id, name)``."""
        super().__init__(*args, **kwargs)
        _choices(self, "officer", [("", _("Nobody (unassigned)")), *officers])


class NoteForm(forms.Form):
    """An internal note (staff only) or a public update (the citizen sees it)."""

    visibility = forms.ChoiceField(
        label=_("Who sees it"),
        choices=[
            ("internal", _("Internal note (staff only)")),
            ("public", _("Public update (the citizen sees it)")),
        ],
        initial="internal",
        widget=forms.RadioSelect(attrs={"id": "note-visibility"}),
    )
    message = forms.CharField(
        label=_("Text"), max_length=NOTE_MAX, widget=_textarea("note-message")
    )


class MergeForm(forms.Form):
    """Mark this complaint a duplicate of another one."""

    into = forms.CharField(
        label=_("Tracking code of the original complaint"),
        max_length=16,
        widget=forms.TextInput(attrs={"id": "merge-into", "autocomplete": "off"}),
    )


class CategoryForm(forms.Form):
    """Correct the complaint's category."""

    category = forms.ChoiceField(
        label=_("Category"), widget=forms.Select(attrs={"id": "category-select"})
    )

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        """Offer every category."""
        super().__init__(*args, **kwargs)
        _choices(self, "category", categories)


class CallForm(forms.Form):
    """The 1111 operator's form for a phone call, in the order the call usually goes."""

    nonce = forms.CharField(widget=forms.HiddenInput(attrs={"id": "call-nonce"}))
    text = forms.CharField(
        label=_("What is the problem?"),
        required=False,  # the intake service reports it together with every other problem
        max_length=TEXT_MAX * 3,  # the intake service gives the friendly "too long" message
        widget=_textarea(
            "call-text", rows=5, autofocus=True, accesskey="1", **{"aria-required": "true"}
        ),
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        help_text=_("Suggested from the text; leave empty to let the system choose."),
        widget=forms.Select(attrs={"id": "call-category", "accesskey": "2"}),
    )
    subdistrict_code = forms.CharField(
        label=_("Subdistrict code (6 digits)"),
        required=False,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "id": "call-subdistrict",
                "inputmode": "numeric",
                "pattern": "[0-9]{6}",
                "accesskey": "3",
                "autocomplete": "off",
            }
        ),
    )
    address = forms.CharField(
        label=_("Address or landmark"),
        required=False,
        max_length=ADDRESS_MAX * 2,
        widget=forms.TextInput(attrs={"id": "call-address", "accesskey": "4"}),
    )
    lat = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"id": "call-lat", "step": "any"}),
    )
    lon = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"id": "call-lon", "step": "any"}),
    )
    contact_name = forms.CharField(
        label=_("Caller's name"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"id": "call-name", "accesskey": "5"}),
    )
    contact_phone = forms.CharField(
        label=_("Caller's phone"),
        required=False,
        max_length=32,
        widget=forms.TextInput(
            attrs={"id": "call-phone", "type": "tel", "inputmode": "tel", "accesskey": "6"}
        ),
    )
    contact_email = forms.CharField(
        label=_("Caller's e-mail"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"id": "call-email", "type": "email"}),
    )
    is_anonymous = forms.BooleanField(
        label=_("The caller does not want to be named"),
        required=False,
        widget=forms.CheckboxInput(attrs={"id": "call-anonymous", "accesskey": "7"}),
    )

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        """Offer every category (empty: the classifier decides)."""
        super().__init__(*args, **kwargs)
        _choices(self, "category", [("", _("Let the system choose")), *categories])

    def clean_nonce(self) -> str:
        """The one-time key the page was issued with (makes a resubmission harmless)."""
        nonce = self.cleaned_data["nonce"]
        if not NONCE.match(nonce):
            raise forms.ValidationError(_("The form has expired; submit it again."))
        return str(nonce)
