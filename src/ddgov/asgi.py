"""ASGI entry point: ``uvicorn ddgov.asgi:application`` (``make run``).

HTTP paths under ``/x/`` (and ``/x`` itself) go to the data exchange gateway, a lean raw ASGI
app that bypasses Django's middleware (speed, and slow providers never tie up request workers);
everything else goes to Django's ASGI handler. The ASGI lifespan is handled here: startup opens the gateway's
provider connection pool and starts its message-log writer, shutdown closes the pool and waits
for the log to be written.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddgov.settings")
django_application = get_asgi_application()  # sets Django up before the gateway's imports

from ddgov.exchange.gateway.app import GatewayApp  # noqa: E402 - needs the app registry

logger = logging.getLogger(__name__)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]

GATEWAY_PREFIX = "/x/"
GATEWAY_ROOT = "/x"  # answered by the gateway too (a JSON 404), not by Django's HTML 404
gateway = GatewayApp()


async def _lifespan(receive: Receive, send: Send) -> None:
    """Start and stop the gateway with the server."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                await gateway.startup()
            except Exception as exc:
                logger.exception("exchange gateway failed to start")
                await send({"type": "lifespan.startup.failed", "message": str(exc)})
                return
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            try:
                await gateway.shutdown()
            except Exception as exc:
                logger.exception("exchange gateway failed to stop cleanly")
                await send({"type": "lifespan.shutdown.failed", "message": str(exc)})
                return
            await send({"type": "lifespan.shutdown.complete"})
            return


async def application(scope: Scope, receive: Receive, send: Send) -> None:
    """Route ``/x`` and ``/x/…`` to the gateway, the lifespan to :func:`_lifespan`, rest to Django."""
    kind = scope["type"]
    path = scope.get("path", "")
    if kind == "http" and (path.startswith(GATEWAY_PREFIX) or path == GATEWAY_ROOT):
        await gateway(scope, receive, send)
    elif kind == "lifespan":
        await _lifespan(receive, send)
    else:
        await django_application(scope, receive, send)
