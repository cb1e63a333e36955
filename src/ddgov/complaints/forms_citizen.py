"""The citizen's forms: filing a complaint, tracking, following, reopening and rating.

The filing form only *collects*: every field is accepted as typed so the page can be shown again
with exactly what the citizen wrote, and the intake service (:func:`complaint_submit`) decides
what is wrong, with the same bilingual problems every channel gets. The form adds the few
checks the service does not make (a contact name that would not fit the column) and turns the
picked place (coordinates, or province → district → subdistrict plus an address line) into a
:class:`~ddgov.complaints.services.intake.Submission`.

Coordinates typed as something that is not a number are passed on as ``NaN``, which the intake
service reports as "not a place on Earth" together with every other problem, so the citizen
sees all of them at once and nothing is written.
"""

from __future__ import annotations

import math
import re
import secrets
from typing import IO, TYPE_CHECKING

import geothai
from django import forms

from ddgov.complaints.errors import Problem
from ddgov.complaints.services.intake import Submission

if TYPE_CHECKING:
    from ddgov.identity.models import User

NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
CONTACT_NAME_MAX = 200
TRACKING_CODE_MAX = 32
REASON_MAX = 4000


def nonce_new() -> str:
    """A fresh one-time key for one filing form (the intake key is ``web:<nonce>``)."""
    return secrets.token_urlsafe(24)


def _float_or_nan(raw: str) -> float | None:
    """``None`` for an empty box, the number typed, or NaN for anything else (reported later)."""
    value = (raw or "").strip().replace(",", ".")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        return math.nan
    return number if math.isfinite(number) else math.nan


class ComplaintForm(forms.Form):
    """The web form for filing a complaint; every value is kept as typed (see module doc)."""

    text = forms.CharField(required=False, strip=False)
    category = forms.CharField(required=False)
    lat = forms.CharField(required=False)
    lon = forms.CharField(required=False)
    province = forms.CharField(required=False)
    district = forms.CharField(required=False)
    subdistrict_code = forms.CharField(required=False)
    address = forms.CharField(required=False)
    is_anonymous = forms.BooleanField(required=False)
    contact_name = forms.CharField(required=False)
    contact_phone = forms.CharField(required=False)
    contact_email = forms.CharField(required=False)
    nonce = forms.CharField(required=False)
    confirm_new = forms.BooleanField(required=False)

    def value(self, name: str) -> str:
        """The value as typed (cleaned when the form was validated), ``""`` when absent."""
        data = getattr(self, "cleaned_data", None) or {}
        if name in data:
            return str(data[name] if data[name] is not None else "")
        return str(self.data.get(name, "") or "") if self.is_bound else ""

    def nonce_value(self) -> str:
        """The form's one-time key; a missing or malformed one is replaced by a fresh key."""
        raw = self.value("nonce")
        return raw if NONCE.match(raw) else nonce_new()

    def problems(self) -> list[Problem]:
        """What the form itself refuses (the intake service checks everything else)."""
        problems: list[Problem] = []
        if len(self.value("contact_name").strip()) > CONTACT_NAME_MAX:
            problems.append(
                Problem(
                    "contact_name",
                    "name_too_long",
                    f"The name may be at most {CONTACT_NAME_MAX} characters.",
                    f"ชื่อยาวได้ไม่เกิน {CONTACT_NAME_MAX} ตัวอักษร",
                )
            )
        return problems

    def coordinates(self) -> tuple[float | None, float | None]:
        """Latitude and longitude as numbers (NaN for what is not a number, None for empty)."""
        return _float_or_nan(self.value("lat")), _float_or_nan(self.value("lon"))

    def place_address(self) -> str:
        """The address line, with the picked district and province when no subdistrict was.

        A subdistrict code carries its district and province; without one, the names the
        citizen picked are kept in the address so the centre still knows roughly where.
        """
        line = self.value("address").strip()
        if self.value("subdistrict_code").strip():
            return line
        names: list[str] = []
        district = (
            geothai.district(self.value("district").strip()) if self.value("district") else None
        )
        province = (
            geothai.province(self.value("province").strip()) if self.value("province") else None
        )
        if district is not None:
            names.append(district.name_th)
        if province is not None:
            names.append(province.name_th)
        return ", ".join([p for p in (line, *names) if p])

    def submission(
        self, *, reporter: User | None, photos: list[tuple[str, IO[bytes]]], nonce: str
    ) -> Submission:
        """The intake service's view of what the citizen filed."""
        lat, lon = self.coordinates()
        return Submission(
            text=self.value("text"),
            category=self.value("category").strip(),
            lat=lat,
            lon=lon,
            address=self.place_address(),
            subdistrict_code=self.value("subdistrict_code").strip(),
            photos=photos,
            is_anonymous=self.value("is_anonymous") in {"True", "true", "on", "1"},
            contact_name=self.value("contact_name").strip(),
            contact_phone=self.value("contact_phone").strip(),
            contact_email=self.value("contact_email").strip(),
            reporter=reporter,
            intake_key=f"web:{nonce}",
        )


class TrackForm(forms.Form):
    """Look a complaint up by its tracking code."""

    code = forms.CharField(required=False, max_length=TRACKING_CODE_MAX)


class FollowForm(forms.Form):
    """Follow a complaint ("me too"); visitors who are not signed in give an e-mail address."""

    email = forms.CharField(required=False, max_length=254)


class ReopenForm(forms.Form):
    """The reporter says a closed complaint is not solved."""

    reason = forms.CharField(required=False)


class RateForm(forms.Form):
    """The reporter rates a resolved complaint, 1 to 5 stars, with an optional comment."""

    rating = forms.CharField(required=False, max_length=2)
    comment = forms.CharField(required=False)

    def rating_value(self) -> int:
        """The stars given (0 when none or not a number: the service refuses it clearly)."""
        raw = str(self.data.get("rating", "") or "").strip()
        return int(raw) if raw.isdigit() and len(raw) <= 1 else 0
