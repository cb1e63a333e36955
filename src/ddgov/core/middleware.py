"""Response headers that every page gets: a strict Content-Security-Policy (no CDN, no inline JS)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self' http://127.0.0.1:* http://localhost:* https:"
)


class SecurityHeadersMiddleware:
    """Add CSP and permissions headers unless a view set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        """Wrap the next handler."""
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Set the headers on the way out."""
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(self)"
        )
        return response


class ThaiFirstLocaleMiddleware(LocaleMiddleware):
    """Thai unless the reader chose another language with the switcher (the language cookie).

    Django's own middleware would follow the browser's Accept-Language, so a Thai citizen on an
    English-language phone would get English; ddgov is Thai first and English on request.
    """

    def process_request(self, request: HttpRequest) -> None:
        """Activate the chosen language, or Thai."""
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
