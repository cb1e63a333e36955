"""Reading Open311 parameters: the ``GET requests`` filters and the ``POST requests`` form.

Everything wrong with the parameters is reported at once, as 400 errors with stable codes.
Dates follow the W3C profile of ISO 8601 (``2026-11-01T08:00:00+07:00``, ``…Z``, or a bare
date); a time without an offset is Bangkok time, and a ``+`` that arrived as a space (an
unencoded query string) is read as ``+``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import asdict, dataclass, field
from zoneinfo import ZoneInfo

from django.http import QueryDict

from ddgov.complaints.models import CLOSED_STATES, OPEN_STATES
from ddgov.complaints.open311.catalogue import (
    ANONYMOUS,
    FALSE_VALUES,
    TRUE_VALUES,
    category_find,
)
from ddgov.complaints.open311.errors import Open311Error, Open311Problem
from ddgov.complaints.services.intake import tracking_code_normalise

BANGKOK = ZoneInfo("Asia/Bangkok")
MAX_DAYS = 90
MAX_RESULTS = 1000
MAX_IDS = 1000
NAME_MAX = 200
EMAIL_MAX = 254
MEDIA_URL_MAX = 1000
CLIENT_ID_MAX = 200  # device_id, account_id
IDEMPOTENCY_KEY_MAX = 255
STATUS_OPEN = "open"
STATUS_CLOSED = "closed"
STATUS_STATES = {STATUS_OPEN: OPEN_STATES, STATUS_CLOSED: CLOSED_STATES}
_ATTRIBUTE = re.compile(r"^attribute\[(?P<code>[^\]]*)\](?:\[\])?$")
_SPACED_OFFSET = re.compile(r" (\d{2}(?::?\d{2})?)$")
_YEAR_MONTH = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
_VISIBLE_ASCII = re.compile(r"^[\x21-\x7e]+$")
_MEDIA_URL = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)


def _listed(params: QueryDict, name: str) -> list[str]:
    """A parameter that may be declared several times and comma-delimited."""
    values: list[str] = []
    for raw in params.getlist(name):
        values.extend(v.strip() for v in raw.split(",") if v.strip())
    return values


def datetime_parse(raw: str) -> dt.datetime | None:
    """A W3C/ISO 8601 date-time (naive means Bangkok time), or ``None`` if it is not one."""
    text = _SPACED_OFFSET.sub(r"+\1", raw.strip())
    if text[-1:] in {"Z", "z"}:
        text = text[:-1] + "+00:00"
    if match := _YEAR_MONTH.match(text):
        text = f"{match.group(1)}-{match.group(2) or '01'}-01"
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=BANGKOK)


@dataclass(frozen=True)
class RequestsQuery:
    """What ``GET requests`` asks for (``ids`` overrides every other filter, as the spec says)."""

    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    start: dt.datetime | None = None
    end: dt.datetime | None = None


def _date(params: QueryDict, name: str, problems: list[Open311Problem]) -> dt.datetime | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    value = datetime_parse(raw)
    if value is None:
        problems.append(
            Open311Problem(
                "date_invalid",
                f"{name} {raw!r} is not a W3C date-time such as 2026-11-01T08:00:00+07:00.",
                f"{name} {raw!r} ไม่ใช่วันเวลาตามรูปแบบ W3C เช่น 2026-11-01T08:00:00+07:00",
            )
        )
    return value


def _codes_problems(codes: list[str]) -> list[Open311Problem]:
    return [
        Open311Problem(
            "service_code_unknown",
            f"There is no service_code {code[:40]!r}; see GET services.",
            f"ไม่มี service_code {code[:40]!r} ดูรายการได้ที่ GET services",
        )
        for code in codes
        if category_find(code=code) is None
    ]


def _status_problems(statuses: list[str]) -> list[Open311Problem]:
    return [
        Open311Problem(
            "status_invalid",
            f"status {status[:40]!r} must be 'open' or 'closed'.",
            f"status {status[:40]!r} ต้องเป็น 'open' หรือ 'closed'",
        )
        for status in statuses
        if status not in STATUS_STATES
    ]


def _range_problems(start: dt.datetime | None, end: dt.datetime | None) -> list[Open311Problem]:
    if start is None or end is None:
        return []
    if start > end:
        return [
            Open311Problem(
                "date_range_invalid", "start_date is after end_date.", "start_date อยู่หลัง end_date"
            )
        ]
    if end - start > dt.timedelta(days=MAX_DAYS):
        return [
            Open311Problem(
                "date_range_too_long",
                f"start_date to end_date may span at most {MAX_DAYS} days.",
                f"ช่วง start_date ถึง end_date ยาวได้ไม่เกิน {MAX_DAYS} วัน",
            )
        ]
    return []


def requests_query_parse(*, params: QueryDict, now: dt.datetime) -> RequestsQuery:
    """The filters of ``GET requests``; raise :class:`Open311Error` (400) listing every problem.

    Without dates the window is the last 90 days; with one date it is the 90 days from (or up
    to) it; two dates may not span more than 90 days.
    """
    ids = _listed(params, "service_request_id")
    if ids:
        if len(ids) > MAX_IDS:
            raise Open311Error.one(
                400,
                "too_many_ids",
                f"Ask for at most {MAX_IDS:,} service_request_id values at once.",
                f"ระบุ service_request_id ได้ไม่เกิน {MAX_IDS:,} รายการต่อครั้ง",
            )
        return RequestsQuery(ids=tuple(dict.fromkeys(tracking_code_normalise(i) for i in ids)))
    codes = _listed(params, "service_code")
    statuses = [s.lower() for s in _listed(params, "status")]
    problems = _codes_problems(codes) + _status_problems(statuses)
    start = _date(params, "start_date", problems)
    end = _date(params, "end_date", problems)
    problems += _range_problems(start, end)
    if problems:
        raise Open311Error(400, problems)
    window = dt.timedelta(days=MAX_DAYS)
    if start is None:
        end = end or now
        start = end - window
    elif end is None:
        end = start + window
    return RequestsQuery(
        service_codes=tuple(dict.fromkeys(codes)),
        statuses=tuple(dict.fromkeys(statuses)),
        start=start,
        end=end,
    )


@dataclass(frozen=True)
class PostRequest:
    """A checked ``POST requests`` form, ready for the intake service."""

    service_code: str
    description: str
    lat: float | None = None
    lon: float | None = None
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    phone: str = ""
    first_name: str = ""
    last_name: str = ""
    device_id: str = ""
    account_id: str = ""
    media_url: str = ""
    anonymous: bool = False
    attributes: dict[str, str] = field(default_factory=dict)

    @property
    def contact_name(self) -> str:
        """First and last name as one."""
        return f"{self.first_name} {self.last_name}".strip()

    def digest(self) -> str:
        """A SHA-256 over the normalised form: equal for a retried identical request."""
        canonical = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _coordinate(
    params: QueryDict, name: str, limit: float, problems: list[Open311Problem]
) -> float | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        problems.append(
            Open311Problem(
                f"{name}_invalid",
                f"{name} {raw[:40]!r} is not a number: give WGS84 decimal degrees, e.g. "
                f"{'13.7563' if name == 'lat' else '100.5018'}.",
                f"{name} {raw[:40]!r} ไม่ใช่ตัวเลข กรุณาระบุพิกัดแบบองศาทศนิยม (WGS84) เช่น "
                f"{'13.7563' if name == 'lat' else '100.5018'}",
            )
        )
        return None
    if not -limit <= value <= limit:
        problems.append(
            Open311Problem(
                f"{name}_invalid",
                f"{name} must be between -{limit:g} and {limit:g}.",
                f"{name} ต้องอยู่ระหว่าง -{limit:g} ถึง {limit:g}",
            )
        )
        return None
    return value


def _too_long(name: str, value: str, limit: int, problems: list[Open311Problem]) -> None:
    if len(value) > limit:
        problems.append(
            Open311Problem(
                f"{name}_too_long",
                f"{name} may be at most {limit:,} characters.",
                f"{name} ยาวได้ไม่เกิน {limit:,} ตัวอักษร",
            )
        )


def _attributes(params: QueryDict, problems: list[Open311Problem]) -> tuple[dict[str, str], bool]:
    values: dict[str, str] = {}
    for key in params:
        if (match := _ATTRIBUTE.match(key)) is None:
            continue
        code = match.group("code")
        if code != ANONYMOUS:
            problems.append(
                Open311Problem(
                    "attribute_unknown",
                    f"attribute[{code}] is not an attribute of this service; see GET "
                    "services/{service_code}.",
                    f"attribute[{code}] ไม่ใช่คุณลักษณะของบริการนี้ ดูได้ที่ GET services/{{service_code}}",
                )
            )
            continue
        values[code] = params.get(key, "").strip().lower()
    anonymous = values.get(ANONYMOUS, "")
    if anonymous not in TRUE_VALUES | FALSE_VALUES:
        problems.append(
            Open311Problem(
                "attribute_invalid",
                f"attribute[{ANONYMOUS}] must be 'true' or 'false'.",
                f"attribute[{ANONYMOUS}] ต้องเป็น 'true' หรือ 'false'",
            )
        )
    return values, anonymous in TRUE_VALUES


def post_request_parse(*, params: QueryDict) -> PostRequest:
    """The ``POST requests`` form; raise :class:`Open311Error` (400) listing every problem.

    Checks what only Open311 has (service code, number syntax, attributes, media URL, lengths
    of fields the intake does not bound); the intake checks the rest (description, location,
    e-mail, phone) and its problems are reported the same way.
    """
    problems: list[Open311Problem] = [
        Open311Problem(
            "null_character",
            f"{name} contains a NUL character, which text may not contain.",
            f"{name} มีอักขระ NUL ซึ่งไม่อนุญาตในข้อความ",
        )
        for name in params
        if any("\x00" in value for value in params.getlist(name))
    ]

    def text(name: str) -> str:
        return params.get(name, "").replace("\x00", "").strip()

    code = text("service_code")
    if not code:
        problems.append(
            Open311Problem(
                "service_code_required",
                "service_code is required; see GET services.",
                "ต้องระบุ service_code ดูรายการได้ที่ GET services",
            )
        )
    elif category_find(code=code) is None:
        problems.append(
            Open311Problem(
                "service_code_unknown",
                f"There is no service_code {code[:40]!r}; see GET services.",
                f"ไม่มี service_code {code[:40]!r} ดูรายการได้ที่ GET services",
            )
        )
    lat = _coordinate(params, "lat", 90.0, problems)
    lon = _coordinate(params, "long", 180.0, problems)
    first, last = text("first_name"), text("last_name")
    _too_long("first_name + last_name", f"{first} {last}".strip(), NAME_MAX, problems)
    _too_long("email", text("email"), EMAIL_MAX, problems)
    _too_long("device_id", text("device_id"), CLIENT_ID_MAX, problems)
    _too_long("account_id", text("account_id"), CLIENT_ID_MAX, problems)
    media_url = text("media_url")
    if media_url and (len(media_url) > MEDIA_URL_MAX or not _MEDIA_URL.match(media_url)):
        problems.append(
            Open311Problem(
                "media_url_invalid",
                f"media_url must be an http(s) URL of at most {MEDIA_URL_MAX:,} characters.",
                f"media_url ต้องเป็น URL แบบ http(s) ยาวไม่เกิน {MEDIA_URL_MAX:,} ตัวอักษร",
            )
        )
    attributes, anonymous = _attributes(params, problems)
    if problems:
        raise Open311Error(400, problems)
    return PostRequest(
        service_code=code,
        description=text("description"),
        lat=lat,
        lon=lon,
        address_string=text("address_string"),
        address_id=text("address_id"),
        email=text("email"),
        phone=text("phone"),
        first_name=first,
        last_name=last,
        device_id=text("device_id"),
        account_id=text("account_id"),
        media_url=media_url,
        anonymous=anonymous,
        attributes=attributes,
    )


def idempotency_key_check(raw: str | None) -> str:
    """The ``Idempotency-Key`` header, or "" without one; 400 if it is not a usable key."""
    key = (raw or "").strip()
    if key and (len(key) > IDEMPOTENCY_KEY_MAX or not _VISIBLE_ASCII.match(key)):
        raise Open311Error.one(
            400,
            "idempotency_key_invalid",
            f"The Idempotency-Key header must be 1 to {IDEMPOTENCY_KEY_MAX} visible ASCII "
            "characters.",
            f"ส่วนหัว Idempotency-Key ต้องเป็นอักขระ ASCII ที่มองเห็นได้ 1 ถึง {IDEMPOTENCY_KEY_MAX} ตัว",
        )
    return key
