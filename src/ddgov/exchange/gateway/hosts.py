"""Which ``Host`` a gateway request may name: ``ALLOWED_HOSTS``, checked the way Django checks it.

The gateway bypasses Django's request handling, so it repeats Django's Host validation itself
(``HttpRequest.get_host``): the same setting, the same development fallback, the same
:func:`~django.http.request.validate_host`. Answers are cached per Host value (a small LRU: the
value comes from callers) and the allowed list once; both caches are dropped when
``ALLOWED_HOSTS`` or ``DEBUG`` change (tests override them).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.http.request import split_domain_port, validate_host

# Django's own fallback when DEBUG is on and ALLOWED_HOSTS is empty.
DEBUG_HOSTS = (".localhost", "127.0.0.1", "[::1]")
_HOST_CACHE_SIZE = 1024


@functools.cache
def _allowed_hosts() -> tuple[str, ...]:
    allowed = tuple(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        return DEBUG_HOSTS
    return allowed


@functools.lru_cache(maxsize=_HOST_CACHE_SIZE)
def host_allowed(host: str) -> bool:
    """Whether ``host`` (``name[:port]``, as in a ``Host`` header) is one this deployment serves."""
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, _allowed_hosts())


def request_host(*, hosts: Iterable[str], forwarded_host: str | None, server: Any) -> str | None:
    """The host a request names, as Django reads it; None when it names two (``Host`` repeated).

    ``X-Forwarded-Host`` counts only with ``USE_X_FORWARDED_HOST``; without any ``Host``
    header (HTTP/1.0) the server's own address is used, as Django does.
    """
    if forwarded_host is not None and getattr(settings, "USE_X_FORWARDED_HOST", False):
        return forwarded_host
    values = list(hosts)
    if len(values) > 1:
        return None
    if values:
        return values[0]
    if isinstance(server, (tuple, list)) and server and server[0]:
        return str(server[0])
    return ""


def _settings_changed(*, setting: str, **kwargs: Any) -> None:
    del kwargs
    if setting in {"ALLOWED_HOSTS", "DEBUG"}:
        _allowed_hosts.cache_clear()
        host_allowed.cache_clear()


setting_changed.connect(_settings_changed, dispatch_uid="ddgov.exchange.gateway.hosts")
