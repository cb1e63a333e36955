"""``POST /api/v1/complaints/classify``: suggest categories and the responsible agency.

Public (no sign-in, CSRF-exempt JSON) and rate-limited per client IP by an in-process token
bucket (``COMPLAINTS_CLASSIFY_RATE_PER_MINUTE``, default 30; each worker process keeps its own
buckets). Errors are ``{"error": {"code", "message", "message_th"}}``. The work is done by
``category_predict`` and ``complaint_route``; this module only checks input and shapes output.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from ddgov.complaints.classify.services import category_predict
from ddgov.complaints.routing.services import complaint_route

MAX_TEXT_CHARS = 10_000
TOP_CATEGORIES = 5
DEFAULT_RATE_PER_MINUTE = 30
_MAX_BUCKETS = 50_000


class TokenBuckets:
    """Per-key token buckets: ``rate`` tokens, refilled at ``rate`` a minute; thread-safe."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        """Start empty; ``clock`` is injectable for tests."""
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, stamp)

    def take(self, *, key: str, rate_per_minute: int) -> float:
        """Spend one token: 0 when allowed, else the seconds until one is available."""
        rate = float(max(1, rate_per_minute))
        refill = rate / 60.0
        with self._lock:
            now = self._clock()
            if key not in self._buckets and len(self._buckets) >= _MAX_BUCKETS:
                self._buckets.clear()  # crude but bounded: forgets everyone's spending
            tokens, stamp = self._buckets.get(key, (rate, now))
            tokens = min(rate, tokens + (now - stamp) * refill)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / refill

    def clear(self) -> None:
        """Forget all buckets (tests)."""
        with self._lock:
            self._buckets.clear()


buckets = TokenBuckets()


def _json(body: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


def _error(status: int, code: str, message: str, message_th: str) -> JsonResponse:
    return _json({"error": {"code": code, "message": message, "message_th": message_th}}, status)


class _BadInputError(Exception):
    def __init__(self, code: str, message: str, message_th: str) -> None:
        super().__init__(message)
        self.code, self.message, self.message_th = code, message, message_th


def _coordinate(body: dict[str, Any], name: str, limit: float) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _BadInputError(
            "invalid_location",
            f"'{name}' must be a number.",
            f"ค่า '{name}' ต้องเป็นตัวเลข",
        )
    if not -limit <= value <= limit:
        raise _BadInputError(
            "invalid_location",
            f"'{name}' must be between -{limit:g} and {limit:g}.",
            f"ค่า '{name}' ต้องอยู่ระหว่าง -{limit:g} ถึง {limit:g}",
        )
    return float(value)


def _parse(request: HttpRequest) -> tuple[str, float | None, float | None]:
    """The text and optional coordinates of a classify request, or _BadInputError."""
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise _BadInputError(
            "invalid_json",
            "The request body must be a JSON object.",
            "เนื้อหาคำขอต้องเป็นออบเจ็กต์ JSON",
        ) from exc
    if not isinstance(body, dict):
        raise _BadInputError(
            "invalid_json",
            "The request body must be a JSON object.",
            "เนื้อหาคำขอต้องเป็นออบเจ็กต์ JSON",
        )
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise _BadInputError(
            "invalid_text",
            "'text' is required: the complaint's text.",
            "ต้องระบุ 'text' คือข้อความเรื่องร้องเรียน",
        )
    if len(text) > MAX_TEXT_CHARS:
        raise _BadInputError(
            "text_too_long",
            f"'text' must be at most {MAX_TEXT_CHARS:,} characters.",
            f"'text' ต้องยาวไม่เกิน {MAX_TEXT_CHARS:,} ตัวอักษร",
        )
    lat = _coordinate(body, "lat", 90.0)
    lon = _coordinate(body, "lon", 180.0)
    if (lat is None) != (lon is None):
        raise _BadInputError(
            "invalid_location",
            "Give both 'lat' and 'lon', or neither.",
            "ต้องระบุทั้ง 'lat' และ 'lon' หรือไม่ระบุทั้งคู่",
        )
    return text, lat, lon


def _client_key(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


@csrf_exempt
def classify(request: HttpRequest) -> HttpResponse:
    """Suggest categories for a complaint text and route the top one to an agency."""
    if request.method != "POST":
        response = _error(405, "method_not_allowed", "Use POST.", "ต้องใช้เมธอด POST")
        response["Allow"] = "POST"
        return response
    rate = int(getattr(settings, "COMPLAINTS_CLASSIFY_RATE_PER_MINUTE", DEFAULT_RATE_PER_MINUTE))
    wait = buckets.take(key=_client_key(request), rate_per_minute=rate)
    if wait > 0:
        response = _error(
            429,
            "rate_limited",
            f"Too many requests: at most {rate} a minute. Try again later.",
            f"ส่งคำขอถี่เกินไป (ไม่เกิน {rate} ครั้งต่อนาที) กรุณาลองใหม่ภายหลัง",
        )
        response["Retry-After"] = str(math.ceil(wait))
        return response
    try:
        text, lat, lon = _parse(request)
    except RequestDataTooBig:
        return _error(
            413, "request_too_large", "The request body is too large.", "เนื้อหาคำขอใหญ่เกินไป"
        )
    except _BadInputError as bad:
        return _error(400, bad.code, bad.message, bad.message_th)
    scores = sorted(category_predict(text=text, top=TOP_CATEGORIES), key=lambda c: -c.score)
    categories = [
        {"code": c.code, "label_th": c.label_th, "score": round(c.score, 4)} for c in scores
    ]
    if not scores:
        return _json(
            {
                "categories": [],
                "agency": None,
                "reason": "ไม่สามารถระบุหมวดของเรื่องจากข้อความได้ จึงยังไม่เสนอหน่วยงาน",
                "reason_en": "No category could be recognised in the text, so no agency is suggested.",
            }
        )
    decision = complaint_route(category_code=scores[0].code, lat=lat, lon=lon)
    agency = decision.agency
    return _json(
        {
            "categories": categories,
            "agency": (
                {"code": agency.code, "name_th": agency.name_th, "name_en": agency.name_en}
                if agency
                else None
            ),
            "reason": decision.reason_th,
            "reason_en": decision.reason_en,
        }
    )
