"""Reading action parameters that may arrive as JSON values, query strings or form fields.

The same action can be called with a JSON body (real types), GET query parameters or a
multipart form (everything a string, structured values JSON-encoded). These helpers turn each
shape into one Python value and report a bad one as a CKAN Validation Error naming the field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from ddgov.catalog.api.errors import ApiValidationError

TRUE = {"true", "1", "yes", "on", "t", "y"}
FALSE = {"false", "0", "no", "off", "f", "n", ""}


def maybe_json(value: Any) -> Any:
    """Decode a string that holds a JSON list or object; leave anything else as it is."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped[:1] in {"[", "{"}:
            try:
                return json.loads(stripped)
            except ValueError:
                return value
    return value


def as_bool(data: Mapping[str, Any], key: str, *, default: bool = False) -> bool:
    """Return ``data[key]`` as a boolean ("true", "1", true …), or ``default`` when absent."""
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ApiValidationError({key: [_("Must be true or false. / ต้องเป็น true หรือ false")]})


def as_int(
    data: Mapping[str, Any],
    key: str,
    *,
    default: int | None = None,
    minimum: int | None = 0,
    maximum: int | None = None,
) -> int | None:
    """Return ``data[key]`` as an integer within bounds, or ``default`` when absent or empty."""
    value = data.get(key)
    if value is None or value == "":
        return default
    try:
        number = int(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        number = None
    if number is None:
        raise ApiValidationError({key: [_("Must be a whole number. / ต้องเป็นจำนวนเต็ม")]})
    if minimum is not None and number < minimum:
        raise ApiValidationError(
            {key: [_("Must be at least %(min)s. / ต้องไม่น้อยกว่า %(min)s") % {"min": minimum}]}
        )
    if maximum is not None and number > maximum:
        return maximum
    return number


def as_list(data: Mapping[str, Any], key: str) -> list[Any] | None:
    """Return ``data[key]`` as a list: a JSON list, a list, or a comma-separated string."""
    value = maybe_json(data.get(key))
    if value is None:
        return None
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    raise ApiValidationError({key: [_("Must be a list. / ต้องเป็นรายการ")]})


def as_dict(data: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    """Return ``data[key]`` as a dict (a JSON object or an object), or None when absent."""
    value = maybe_json(data.get(key))
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        return value
    raise ApiValidationError({key: [_("Must be a JSON object. / ต้องเป็นออบเจกต์ JSON")]})


def required(data: Mapping[str, Any], key: str) -> Any:
    """Return ``data[key]``, or raise CKAN's "Missing value" Validation Error."""
    value = data.get(key)
    if value is None or value == "":
        raise ApiValidationError({key: [_("Missing value / กรุณากรอกข้อมูล")]})
    return value
