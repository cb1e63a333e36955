"""Thai 13-digit identification numbers (citizen and juristic person) and their check digit.

The last digit is ``(11 - Σ dᵢ·(13 - i) mod 11) mod 10`` over the first twelve digits. People
write the number plain (``1234567890121``), dashed (``1-2345-67890-12-1``), spaced, or in Thai
digits; every form normalises to the 13 plain digits.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015.]")


def thai_id_check_digit(first_twelve: str) -> int:
    """Return the check digit for the first twelve digits."""
    total = sum(int(d) * (13 - i) for i, d in enumerate(first_twelve))
    return (11 - total % 11) % 10


def thai_id_normalize(value: str, *, kind: str = "citizen") -> str:
    """Return ``value`` as 13 plain digits, or raise ValidationError saying what is wrong.

    ``kind`` is ``"citizen"`` (first digit 1-8, the person's registration type) or
    ``"juristic"`` (first digit 0, as DBD issues them).
    """
    raw = _SEPARATORS.sub("", str(value).translate(_THAI_DIGITS))
    if not raw:
        raise ValidationError(
            _("Enter the 13-digit ID number. / กรุณากรอกเลขประจำตัว 13 หลัก"), code="required"
        )
    if not raw.isdigit() or not raw.isascii():
        raise ValidationError(
            _("An ID number has digits only. / เลขประจำตัวต้องเป็นตัวเลขเท่านั้น"), code="not_digits"
        )
    if len(raw) != 13:
        raise ValidationError(
            _(
                "An ID number has 13 digits; this one has %(n)d. / เลขประจำตัวต้องมี 13 หลัก แต่ที่กรอกมี %(n)d หลัก"
            ),
            code="length",
            params={"n": len(raw)},
        )
    if kind == "citizen" and raw[0] in "09":
        raise ValidationError(
            _(
                "A citizen ID starts with a digit from 1 to 8. / เลขประจำตัวประชาชนต้องขึ้นต้นด้วยเลข 1 ถึง 8"
            ),
            code="first_digit",
        )
    if kind == "juristic" and raw[0] != "0":
        raise ValidationError(
            _("A juristic person ID starts with 0. / เลขทะเบียนนิติบุคคลต้องขึ้นต้นด้วย 0"),
            code="first_digit",
        )
    if thai_id_check_digit(raw[:12]) != int(raw[12]):
        raise ValidationError(
            _(
                "The check digit is wrong: please check the number. / เลขตรวจสอบหลักสุดท้ายไม่ถูกต้อง กรุณาตรวจสอบเลขอีกครั้ง"
            ),
            code="checksum",
        )
    return raw


def thai_id_is_valid(value: str, *, kind: str = "citizen") -> bool:
    """Return whether ``value`` is a well-formed ID with a correct check digit."""
    try:
        thai_id_normalize(value, kind=kind)
    except ValidationError:
        return False
    return True


def thai_id_format(value: str, *, kind: str = "citizen") -> str:
    """Return the dashed form ``1-2345-67890-12-1`` people read on cards."""
    v = thai_id_normalize(value, kind=kind)
    return f"{v[0]}-{v[1:5]}-{v[5:10]}-{v[10:12]}-{v[12]}"


def thai_id_mask(value: str) -> str:
    """Return the number with the middle hidden (``1-xxxx-xxxxx-12-1``), for display to others."""
    v = thai_id_normalize(value)
    return f"{v[0]}-xxxx-xxxxx-{v[10:12]}-{v[12]}"


def thai_id_complete(first_twelve: str) -> str:
    """Return ``first_twelve`` plus its check digit (demo data and test factories)."""
    return f"{first_twelve}{thai_id_check_digit(first_twelve)}"


def _validate_stored(value: str, kind: str) -> None:
    normalized = thai_id_normalize(value, kind=kind)
    if normalized != value:
        raise ValidationError(
            _("Store the ID as 13 plain digits. / จัดเก็บเลขประจำตัวเป็นตัวเลข 13 หลักติดกัน"),
            code="not_normalized",
        )


def validate_citizen_id(value: str) -> None:
    """Model validator for a stored citizen ID (13 plain digits, valid check digit)."""
    _validate_stored(value, "citizen")


def validate_juristic_id(value: str) -> None:
    """Model validator for a stored juristic person ID."""
    _validate_stored(value, "juristic")
