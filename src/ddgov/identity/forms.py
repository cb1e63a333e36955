"""Forms for signing in and registering; they only collect input, services decide."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ddgov.identity.thaiid import thai_id_normalize


class SignInForm(forms.Form):
    """User name (a citizen ID for citizens) and password."""

    username = forms.CharField(
        label=_("Citizen ID or user name"),
        max_length=150,
        # No autofocus: it would skip the skip link, the header and the heading for keyboard
        # and screen-reader users (the first Tab must reach "Skip to main content").
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class TotpForm(forms.Form):
    """The six-digit code from an authenticator app."""

    token = forms.CharField(
        label=_("Six-digit code"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class CitizenRegisterForm(forms.Form):
    """Open a citizen account."""

    citizen_id = forms.CharField(
        label=_("Citizen ID (13 digits)"),
        max_length=20,
        help_text=_("For example 1-2345-67890-12-1"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    title_th = forms.ChoiceField(
        label=_("Title"),
        choices=[("นาย", "นาย"), ("นาง", "นาง"), ("นางสาว", "นางสาว"), ("", _("Other / none"))],
        required=False,
    )
    first_name_th = forms.CharField(label=_("First name (Thai)"), max_length=100)
    last_name_th = forms.CharField(label=_("Last name (Thai)"), max_length=100)
    birth_date = forms.DateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password_again = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_citizen_id(self) -> str:
        """Normalise dashed, spaced and Thai-digit forms; reject a bad check digit."""
        return thai_id_normalize(self.cleaned_data["citizen_id"])

    def clean(self) -> dict[str, object]:
        """Both passwords must match."""
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            raise ValidationError(_("The passwords do not match. / รหัสผ่านทั้งสองช่องไม่ตรงกัน"))
        return data
