"""A minimal, fast provider for ``bench exchange-gateway``: a raw ASGI app under uvicorn.

It stands in for an agency's own REST server (the *external* service the gateway proxies to):
``GET /persons/<citizen id>`` answers a small JSON person record, the same bytes every time
for the same ID, with no I/O, so the direct figures measure HTTP on loopback and nothing else.
Any other path is a JSON 404. Run as ``python -m bench._exchange_provider --port N``; it
serves on 127.0.0.1 only (uvloop and httptools when installed, no access log).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Awaitable, Callable
from typing import Any

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

PREFIX = "/persons/"
PROVINCES = ("กรุงเทพมหานคร", "เชียงใหม่", "ขอนแก่น", "นครราชสีมา", "สงขลา", "ชลบุรี")


def person_body(citizen_id: str) -> bytes:
    """The JSON answer for one citizen ID (deterministic, about 200 bytes)."""
    n = sum(ord(c) for c in citizen_id)
    return json.dumps(
        {
            "citizen_id": citizen_id,
            "first_name_th": "สมชาย" if n % 2 else "สมหญิง",
            "last_name_th": "ใจดี",
            "province": PROVINCES[n % len(PROVINCES)],
            "alive": True,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """Answer ``GET /persons/<id>`` with a person, anything else with 404; lifespan is a no-op."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    path: str = scope["path"]
    if scope["method"] == "GET" and path.startswith(PREFIX) and len(path) > len(PREFIX):
        status, body = 200, person_body(path[len(PREFIX) :])
    else:
        status, body = 404, b'{"error":"not found"}'
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    """Serve :func:`app` on 127.0.0.1:``--port``."""
    import uvicorn  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        server_header=False,
        date_header=False,
        lifespan="on",
    )


if __name__ == "__main__":
    main()
