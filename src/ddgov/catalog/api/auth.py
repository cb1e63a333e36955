"""Who is calling the API: a raw API token in ``Authorization`` or ``X-CKAN-API-Key``.

CKAN clients send the token itself, without "Bearer". A token that is unknown, revoked or
expired is refused with an Authorization Error rather than silently treated as anonymous, so
a misconfigured harvester notices. The session cookie of a signed-in browser is honoured only
for side-effect-free actions: the API is exempt from CSRF checks, so a cookie must never
authorise a write.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _

from ddgov.catalog.api.errors import AuthorizationError
from ddgov.identity.models import User
from ddgov.identity.services import api_token_authenticate

Caller = User | AnonymousUser


def request_token(request: HttpRequest) -> str:
    """Return the token the request carries (``Authorization`` wins), or an empty string."""
    raw = request.headers.get("Authorization", "") or request.headers.get("X-CKAN-API-Key", "")
    raw = raw.strip()
    # Tolerate the OAuth habit of "Bearer <token>"; CKAN itself sends the bare token.
    if raw[:7].lower() == "bearer ":
        raw = raw[7:].strip()
    return raw


def api_caller(request: HttpRequest, *, side_effect_free: bool) -> Caller:
    """Return the calling user, or AnonymousUser; raise AuthorizationError for a bad token."""
    token = request_token(request)
    if token:
        user = api_token_authenticate(token=token)
        if user is None:
            raise AuthorizationError(
                _("Invalid, expired or revoked API token. / โทเค็น API ไม่ถูกต้อง หมดอายุ หรือถูกเพิกถอน")
            )
        return user
    session_user = getattr(request, "user", None)
    if side_effect_free and isinstance(session_user, User) and session_user.is_authenticated:
        return session_user
    return AnonymousUser()


def caller_require_user(caller: Caller, *, action: str) -> User:
    """Return the caller as a User, or refuse an anonymous write (never act as the system)."""
    if isinstance(caller, User) and caller.is_authenticated:
        return caller
    raise AuthorizationError(
        _(
            "Action %(action)s requires an authenticated user: send your API token in the "
            "Authorization header. / การดำเนินการ %(action)s ต้องยืนยันตัวตน ให้ส่งโทเค็น API ในส่วนหัว Authorization"
        )
        % {"action": action}
    )
