"""Strict reading of a dataset's typed metadata: booleans, coded fields, languages, licence, bounds.

Every writer (the CKAN API, steward forms, harvesting, seeders) passes through
:func:`dataset_fields_clean` before a dataset is changed, so the same value means the same thing
on every path. It exists because loose parsing was unsafe: ``private="Y"`` used to become
``False`` and publish a private dataset. Now a value is either understood or refused with a
Thai/English message naming the field; nothing is guessed.

Accepted spellings:

* booleans: CKAN's words (true/t/yes/y/on/1, false/f/no/n/off/0, any case, trimmed) and Thai
  ใช่/ไม่ใช่, จริง/เท็จ; an empty value counts as not given;
* coded fields (``data_type`` …, ``objective``): the ddgov code, the thai_gdc Thai label that
  data.go.th stores, or the English label; the code is what is stored and returned;
* ``data_language``: ISO 639-1 codes, or the language's Thai/English name (stored as the code),
  or ``other`` / ``อื่นๆ``;
* ``license_id``: a licence id ddgov knows (``license_list``), its title, or a common alias;
* bounding box: numbers, longitudes within ±180 and latitudes within ±90.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from ddgov.catalog.vocab import (
    CHOICE_CLASSES,
    INTERNAL_USE_LABEL,
    LICENSES,
    Classification,
    bool_parse,
    choice_code,
    language_code,
    license_code,
    thai_labels_of,
)

BOOL_FIELDS = frozenset(
    {"private", "high_value_dataset", "reference_data", "official_statistics", "allow_harvest"}
)
SINGLE_CHOICES = (
    "data_type",
    "data_category",
    "data_classification",
    "update_frequency_unit",
    "geo_coverage",
)
# Bounding-box fields (kept in ``extras``) and the absolute limit of each.
BOUNDS = {
    "west_bound_longitude": 180.0,
    "east_bound_longitude": 180.0,
    "north_bound_latitude": 90.0,
    "south_bound_latitude": 90.0,
}
# English title and description, kept in ``extras`` (the model's title/notes are Thai).
TRANSLATED_FIELDS = {"title_en": 500, "notes_en": 20_000}


def _show(value: Any) -> str:
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _choices_text(field: str) -> str:
    """``code (Thai label)`` for every code of a coded field, for error messages."""
    parts = []
    for member in CHOICE_CLASSES[field]:
        code = str(member.value)
        labels = thai_labels_of(field, code)
        if not labels:
            with translation.override("th"):
                labels = [str(member.label)]
        parts.append(f"{code} ({labels[0]})")
    return ", ".join(parts)


def _bool_error(value: Any) -> str:
    return _(
        "Must be true or false (true/false, yes/no, y/n, t/f, on/off, 1/0), not %(value)s. / "
        "ต้องเป็นจริงหรือเท็จ (ใช่/ไม่ใช่, จริง/เท็จ, true/false) ไม่ใช่ %(value)s"
    ) % {"value": _show(value)}


def _as_items(value: Any) -> list[Any]:
    """A multiple choice given as a list or as comma-separated text."""
    if value in (None, ""):
        return []
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    return [v for v in items if str(v).strip()]


def _clean_bools(data: dict[str, Any], errors: dict[str, list[str]]) -> None:
    for field in BOOL_FIELDS & data.keys():
        value = data[field]
        if value is None or (isinstance(value, str) and not value.strip()):
            del data[field]  # not given: the stored value (or the default) stays
            continue
        parsed = bool_parse(value)
        if parsed is None:
            errors.setdefault(field, []).append(_bool_error(value))
        else:
            data[field] = parsed


def _clean_choices(data: dict[str, Any], errors: dict[str, list[str]]) -> None:
    raw_category = " ".join(str(data.get("data_category") or "").split())
    for field in SINGLE_CHOICES:
        value = data.get(field)
        if field not in data or value is None or not str(value).strip():
            continue
        code = choice_code(field, value)
        if code is None:
            errors.setdefault(field, []).append(
                _(
                    "%(value)s is not allowed; use one of: %(choices)s / "
                    "ไม่รับค่า %(value)s ค่าต้องเป็นหนึ่งใน: %(choices)s"
                )
                % {"value": _show(value), "choices": _choices_text(field)}
            )
        else:
            data[field] = code
    if raw_category == INTERNAL_USE_LABEL and choice_code(
        "data_classification", data.get("data_classification") or Classification.PUBLIC
    ) in (None, Classification.PUBLIC):
        # thai_gdc's old "internal use" category: never open data.
        data["data_classification"] = Classification.INTERNAL
    if "objective" in data:
        codes: list[str] = []
        bad = []
        for item in _as_items(data["objective"]):
            code = choice_code("objective", item)
            if code is None:
                bad.append(_show(item))
            elif code not in codes:
                codes.append(code)
        if bad:
            errors.setdefault("objective", []).append(
                _(
                    "Unknown objective(s): %(bad)s; use: %(choices)s / "
                    "ไม่รู้จักวัตถุประสงค์: %(bad)s ค่าที่ใช้ได้: %(choices)s"
                )
                % {"bad": ", ".join(bad), "choices": _choices_text("objective")}
            )
        data["objective"] = codes


def _clean_languages(data: dict[str, Any], errors: dict[str, list[str]]) -> None:
    if "data_language" not in data:
        return
    codes: list[str] = []
    bad = []
    for item in _as_items(data["data_language"]):
        code = language_code(item)
        if code is None:
            bad.append(_show(item))
        elif code not in codes:
            codes.append(code)
    if bad:
        errors.setdefault("data_language", []).append(
            _(
                "Unknown language(s): %(bad)s; use ISO 639-1 codes such as th, en, zh, "
                "or the Thai names ไทย, อังกฤษ, or other. / "
                "ไม่รู้จักภาษา: %(bad)s ให้ใช้รหัส ISO 639-1 เช่น th, en, zh หรือชื่อภาษา "
                "เช่น ไทย, อังกฤษ หรือ อื่นๆ"
            )
            % {"bad": ", ".join(bad)}
        )
    data["data_language"] = codes


def _clean_license(data: dict[str, Any], errors: dict[str, list[str]]) -> None:
    value = data.get("license_id")
    if "license_id" not in data or value is None or not str(value).strip():
        return
    code = license_code(value)
    if code is None:
        errors.setdefault("license_id", []).append(
            _(
                "Unknown licence %(value)s; use one of: %(ids)s (see the license_list action). / "
                "ไม่รู้จักสัญญาอนุญาต %(value)s ค่าต้องเป็นหนึ่งใน: %(ids)s (ดูได้จาก license_list)"
            )
            % {"value": _show(value), "ids": ", ".join(LICENSES)}
        )
    else:
        data["license_id"] = code


def _bound_error(field: str, value: Any, limit: float) -> str:
    return _(
        "%(field)s must be a number from -%(limit)s to %(limit)s, not %(value)s. / "
        "%(field)s ต้องเป็นตัวเลขตั้งแต่ -%(limit)s ถึง %(limit)s ไม่ใช่ %(value)s"
    ) % {"field": field, "limit": int(limit), "value": _show(value)}


def _clean_bounds(values: dict[str, Any], errors: dict[str, list[str]]) -> None:
    for field, limit in BOUNDS.items():
        value = values.get(field)
        if field not in values or value is None or not str(value).strip():
            continue
        try:
            number = float(value) if not isinstance(value, bool) else math.nan
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number) or abs(number) > limit:
            errors.setdefault(field, []).append(_bound_error(field, value, limit))
        elif isinstance(value, str):
            values[field] = value.strip()


def _clean_translations(data: dict[str, Any], errors: dict[str, list[str]]) -> None:
    for field, limit in TRANSLATED_FIELDS.items():
        if field not in data:
            continue
        value = data[field]
        if value is None:
            data[field] = ""
        elif not isinstance(value, str):
            errors.setdefault(field, []).append(_("Must be text. / ต้องเป็นข้อความ"))
        elif len(value.strip()) > limit:
            errors.setdefault(field, []).append(
                _("At most %(n)s characters. / ยาวได้ไม่เกิน %(n)s ตัวอักษร") % {"n": limit}
            )
        else:
            data[field] = value.strip()


def dataset_fields_clean(
    *, data: Mapping[str, Any], errors: dict[str, list[str]]
) -> dict[str, Any]:
    """Return ``data`` with typed fields parsed strictly; problems are added to ``errors``.

    Booleans become ``bool``, coded values and licences their ddgov code, languages ISO 639-1
    codes. Fields not given stay absent (an empty boolean counts as not given). ``data`` itself
    is not changed.
    """
    clean = dict(data)
    _clean_bools(clean, errors)
    _clean_choices(clean, errors)
    _clean_languages(clean, errors)
    _clean_license(clean, errors)
    _clean_translations(clean, errors)
    _clean_bounds(clean, errors)
    extras = clean.get("extras")
    if isinstance(extras, Mapping):
        extras = dict(extras)
        _clean_bounds(extras, errors)
        clean["extras"] = extras
    return clean
