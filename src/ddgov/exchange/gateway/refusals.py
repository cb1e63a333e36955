"""The gateway's refusals, one constructor per situation, each with its English and Thai message.

API error bodies are bilingual (``message`` and ``message_th``) and do not go through gettext:
a machine client reads the code in ``X-Road-Error``; people read whichever language they need.
"""

from __future__ import annotations

from ddgov.exchange import errors
from ddgov.exchange.errors import ExchangeRefusal


def unknown_service(service_id: str) -> ExchangeRefusal:
    """Rule 1: no active service (or provider subsystem) has this identifier."""
    return ExchangeRefusal(
        404,
        errors.UNKNOWN_SERVICE,
        f"unknown or inactive service: {service_id}",
        f"ไม่พบบริการนี้ หรือบริการปิดใช้งานอยู่: {service_id}",
    )


def bad_path() -> ExchangeRefusal:
    """The path cannot be a call: not ``/x/r1/<service id>/<path>``, or a segment escapes it."""
    return ExchangeRefusal(
        400,
        errors.BAD_REQUEST,
        "the path is not a valid exchange call: /x/r1/TH/GOV/<member>/<subsystem>/<service>/<path>",
        "เส้นทาง (path) ไม่ถูกต้อง: /x/r1/TH/GOV/<member>/<subsystem>/<service>/<path>",
    )


def bad_identifier() -> ExchangeRefusal:
    """A part of the service identifier decodes to a ``/`` (``%2F``) or is not UTF-8.

    Decoding it would name another identifier than the one the caller wrote.
    """
    return ExchangeRefusal(
        400,
        errors.BAD_REQUEST,
        "the service identifier contains an encoded '/' or invalid UTF-8; "
        "write it as TH/GOV/<member>/<subsystem>/<service>",
        "รหัสบริการมีเครื่องหมาย '/' ที่เข้ารหัสไว้ หรือมีอักขระที่ไม่ใช่ UTF-8 "
        "กรุณาเขียนเป็น TH/GOV/<member>/<subsystem>/<service>",
    )


def host_not_allowed() -> ExchangeRefusal:
    """The ``Host`` header names no host this deployment serves (``ALLOWED_HOSTS``)."""
    return ExchangeRefusal(
        400,
        errors.BAD_REQUEST,
        "the Host header is missing, repeated or not a host name this exchange serves",
        "ส่วนหัว Host ไม่มี ซ้ำ หรือไม่ใช่ชื่อโฮสต์ของระบบแลกเปลี่ยนข้อมูลนี้",
    )


def header_repeated(name: str) -> ExchangeRefusal:
    """``Authorization``, ``X-Road-Client`` or ``X-Purpose`` was sent more than once.

    Picking one of them would let the gateway and the provider act on different values.
    """
    return ExchangeRefusal(
        400,
        errors.BAD_REQUEST,
        f"the {name} header must be sent once",
        f"ส่วนหัว {name} ต้องส่งมาเพียงครั้งเดียว",
    )


def unknown_endpoint() -> ExchangeRefusal:
    """A path under ``/x/`` that is neither a call nor a directory endpoint."""
    return ExchangeRefusal(
        404,
        errors.UNKNOWN_SERVICE,
        "no such exchange endpoint; calls go to /x/r1/TH/GOV/<member>/<subsystem>/<service>/<path>",
        "ไม่มีปลายทางนี้ในระบบแลกเปลี่ยนข้อมูล การเรียกบริการใช้ /x/r1/TH/GOV/<member>/<subsystem>/<service>/<path>",
    )


def unauthenticated() -> ExchangeRefusal:
    """Rule 2: no valid access token of an active subsystem client."""
    return ExchangeRefusal(
        401,
        errors.UNAUTHENTICATED,
        "a valid access token of a registered subsystem is required: "
        "Authorization: Bearer <token> (client credentials from /o/token/)",
        "ต้องแนบโทเคนที่ถูกต้องของระบบที่ลงทะเบียนไว้: "
        "Authorization: Bearer <token> (ขอด้วย client credentials ที่ /o/token/)",
    )


def client_header_missing() -> ExchangeRefusal:
    """Rule 2: ``X-Road-Client`` missing or not a client identifier."""
    return ExchangeRefusal(
        400,
        errors.BAD_REQUEST,
        "the X-Road-Client header is missing or is not TH/GOV/<member>/<subsystem>",
        "ไม่มีส่วนหัว X-Road-Client หรือรูปแบบไม่ใช่ TH/GOV/<member>/<subsystem>",
    )


def client_mismatch() -> ExchangeRefusal:
    """Rule 2: the claimed client is not the subsystem the token was issued to."""
    return ExchangeRefusal(
        403,
        errors.CLIENT_MISMATCH,
        "X-Road-Client does not match the subsystem the access token was issued to",
        "X-Road-Client ไม่ตรงกับระบบที่เป็นเจ้าของโทเคน",
    )


def unknown_method(method: str, path: str) -> ExchangeRefusal:
    """Rule 3: the service's OpenAPI document has no such operation."""
    shown = path if len(path) <= 200 else path[:200] + "…"
    return ExchangeRefusal(
        404,
        errors.UNKNOWN_METHOD,
        f"the service has no operation {method} {shown}",
        f"บริการนี้ไม่มีการเรียก {method} {shown}",
    )


def method_not_allowed(method: str) -> ExchangeRefusal:
    """A directory endpoint was called with another method than GET."""
    return ExchangeRefusal(
        405,
        errors.UNKNOWN_METHOD,
        f"{method} is not allowed here; use GET",
        f"ใช้ {method} ที่นี่ไม่ได้ กรุณาใช้ GET",
    )


def access_denied() -> ExchangeRefusal:
    """Rule 4: the caller holds no active grant for the service."""
    return ExchangeRefusal(
        403,
        errors.ACCESS_DENIED,
        "no access right to this service; ask the provider agency for a grant",
        "ไม่มีสิทธิ์เรียกใช้บริการนี้ กรุณาขอสิทธิ์จากหน่วยงานเจ้าของบริการ",
    )


def purpose_required() -> ExchangeRefusal:
    """Rule 5: no ``X-Purpose`` header."""
    return ExchangeRefusal(
        400,
        errors.PURPOSE_REQUIRED,
        "state the purpose of the call in the X-Purpose header (a purpose code of your grant)",
        "กรุณาระบุวัตถุประสงค์ของการเรียกในส่วนหัว X-Purpose (รหัสวัตถุประสงค์ตามสิทธิ์ที่ได้รับ)",
    )


def purpose_malformed() -> ExchangeRefusal:
    """Rule 5: ``X-Purpose`` is not a purpose code (letters, digits, ``_ . -``; at most 64)."""
    return ExchangeRefusal(
        400,
        errors.BAD_REQUEST,
        "X-Purpose must be a purpose code: 1-64 letters, digits, '_', '.' or '-' "
        "(starting with a letter or digit)",
        "X-Purpose ต้องเป็นรหัสวัตถุประสงค์: ตัวอักษรอังกฤษ ตัวเลข '_' '.' หรือ '-' "
        "ยาว 1-64 ตัว (ขึ้นต้นด้วยตัวอักษรหรือตัวเลข)",
    )


def purpose_not_allowed(purpose: str) -> ExchangeRefusal:
    """Rule 5: the grant does not list the stated purpose."""
    shown = purpose[:64]
    return ExchangeRefusal(
        403,
        errors.PURPOSE_NOT_ALLOWED,
        f"your access right does not cover the purpose '{shown}'",
        f"สิทธิ์ที่ได้รับไม่ครอบคลุมวัตถุประสงค์ '{shown}'",
    )


def subject_required(param: str) -> ExchangeRefusal:
    """Rule 6: a consent-based call must name the citizen it concerns."""
    return ExchangeRefusal(
        400,
        errors.SUBJECT_REQUIRED,
        f"this service needs the citizen ID the call concerns (parameter '{param}')",
        f"บริการนี้ต้องระบุเลขประจำตัวประชาชนของเจ้าของข้อมูล (พารามิเตอร์ '{param}')",
    )


def subject_malformed(param: str, limit: int) -> ExchangeRefusal:
    """Rule 6: a personal-data call names a citizen by something that is no valid citizen ID."""
    return ExchangeRefusal(
        400,
        errors.BAD_REQUEST,
        f"every value of '{param}' must be a valid 13-digit citizen ID (at most {limit} of them)",
        f"ค่าของพารามิเตอร์ '{param}' ทุกค่าต้องเป็นเลขประจำตัวประชาชน 13 หลักที่ถูกต้อง (ไม่เกิน {limit} ค่า)",
    )


def consent_required() -> ExchangeRefusal:
    """Rule 6: no given consent to a current data agreement for this consumer and purpose."""
    return ExchangeRefusal(
        403,
        errors.CONSENT_REQUIRED,
        "the citizen has not given consent (or has withdrawn it) for this consumer and purpose",
        "เจ้าของข้อมูลยังไม่ได้ให้ความยินยอม หรือถอนความยินยอมแล้ว สำหรับผู้ขอใช้และวัตถุประสงค์นี้",
    )


def rate_limited(retry_after: str) -> ExchangeRefusal:
    """Rule 7: the consumer's token bucket for this service is empty."""
    return ExchangeRefusal(
        429,
        errors.RATE_LIMITED,
        f"too many calls to this service; retry after {retry_after} s",
        f"เรียกใช้บริการนี้ถี่เกินกำหนด กรุณาลองใหม่ในอีก {retry_after} วินาที",
    )


def request_too_large(limit: int) -> ExchangeRefusal:
    """Rule 8: the request body exceeds ``DDGOV_EXCHANGE_MAX_REQUEST_BYTES``."""
    return ExchangeRefusal(
        413,
        errors.REQUEST_TOO_LARGE,
        f"the request body is larger than {limit} bytes",
        f"ข้อมูลที่ส่งมีขนาดเกิน {limit} ไบต์",
    )


def response_too_large(limit: int) -> ExchangeRefusal:
    """Rule 8: the provider's answer exceeds ``DDGOV_EXCHANGE_MAX_RESPONSE_BYTES``."""
    return ExchangeRefusal(
        502,
        errors.RESPONSE_TOO_LARGE,
        f"the provider's answer is larger than {limit} bytes",
        f"ข้อมูลที่ผู้ให้บริการส่งกลับมีขนาดเกิน {limit} ไบต์",
    )


def provider_unreachable() -> ExchangeRefusal:
    """Rule 9: connection refused, reset, DNS failure or a broken answer."""
    return ExchangeRefusal(
        502,
        errors.PROVIDER_UNREACHABLE,
        "the provider's server could not be reached or broke off its answer",
        "ติดต่อเครื่องให้บริการของหน่วยงานเจ้าของข้อมูลไม่ได้ หรือการตอบกลับขาดหาย",
    )


def provider_url_refused() -> ExchangeRefusal:
    """Rule 9: the service's address is not https (nor allowed loopback http)."""
    return ExchangeRefusal(
        502,
        errors.PROVIDER_UNREACHABLE,
        "the provider's address is not allowed: services must use https",
        "ที่อยู่ของผู้ให้บริการไม่ได้รับอนุญาต: บริการต้องใช้ https",
    )


def provider_timeout(timeout_ms: int) -> ExchangeRefusal:
    """Rule 9: no complete answer within the service's time limit."""
    return ExchangeRefusal(
        504,
        errors.PROVIDER_TIMEOUT,
        f"the provider did not answer within {timeout_ms} ms",
        f"ผู้ให้บริการไม่ตอบภายใน {timeout_ms} มิลลิวินาที",
    )


def log_unavailable() -> ExchangeRefusal:
    """Rule 10: the message log cannot record calls, so none are exchanged."""
    return ExchangeRefusal(
        503,
        errors.LOG_UNAVAILABLE,
        "the message log is unavailable, so the exchange accepts no calls for now; retry shortly",
        "ระบบบันทึกการแลกเปลี่ยนข้อมูลใช้งานไม่ได้ชั่วคราว จึงงดรับคำขอ กรุณาลองใหม่อีกครั้ง",
    )


def internal_error() -> ExchangeRefusal:
    """Rule 10: an unexpected failure inside the exchange."""
    return ExchangeRefusal(
        500,
        errors.INTERNAL,
        "the exchange failed to handle the call; quote the request id when reporting it",
        "ระบบแลกเปลี่ยนข้อมูลขัดข้อง กรุณาแจ้งรหัสคำขอ (request id) เมื่อติดต่อผู้ดูแล",
    )


def service_code_required() -> ExchangeRefusal:
    """``getOpenAPI`` without ``serviceCode``."""
    return ExchangeRefusal(
        400,
        errors.BAD_REQUEST,
        "give the service code: getOpenAPI?serviceCode=<code>",
        "กรุณาระบุรหัสบริการ: getOpenAPI?serviceCode=<code>",
    )
