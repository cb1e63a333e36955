"""The Python load generator of ``bench exchange-gateway``, used when ``wrk`` is not on PATH.

``concurrency`` keep-alive HTTP/1.1 connections on loopback, each sending one request and
waiting for its whole answer before the next (a closed loop, like wrk), for ``seconds``. It
speaks raw HTTP over asyncio streams (uvloop when installed) rather than through a client
library, so that the generator costs as little CPU as possible on a 2-core machine and the
latencies are the server's, not the client's. Paths rotate through the given list.

Run as ``python -m bench._exchange_load '<json>'`` with keys ``host``, ``port``, ``paths``,
``headers`` (a dict), ``concurrency``, ``seconds``; the last line printed is a JSON object:
``requests`` (answers read), ``errors`` (socket errors + answers >= 400), ``statuses``,
``seconds``, ``rps`` and latency ``p50``/``p90``/``p99``/``mean``/``max`` in milliseconds.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Tally:
    """What all connections saw."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    socket_errors: int = 0


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one whole answer; return its status and whether the connection stays open."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = -1
    chunked = False
    keep = True
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
        elif name == "connection" and value.strip().lower() == "close":
            keep = False
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length > 0:
        await reader.readexactly(length)
    elif length < 0:
        await reader.read()  # no length: the body ends with the connection
        keep = False
    return status, keep


async def _connection(config: dict[str, Any], offset: int, deadline: float, tally: Tally) -> None:
    host, port, paths = config["host"], config["port"], config["paths"]
    extra = "".join(f"{k}: {v}\r\n" for k, v in config.get("headers", {}).items())
    requests = [f"GET {p} HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}\r\n".encode() for p in paths]
    i = offset
    writer: asyncio.StreamWriter | None = None
    reader: asyncio.StreamReader | None = None
    while time.perf_counter() < deadline:
        try:
            if writer is None or reader is None:
                reader, writer = await asyncio.open_connection(host, port)
            request = requests[i % len(requests)]
            i += 1
            started = time.perf_counter()
            writer.write(request)
            status, keep = await _read_response(reader)
            tally.latencies.append(time.perf_counter() - started)
            tally.statuses[status] = tally.statuses.get(status, 0) + 1
            if not keep:
                writer.close()
                writer = reader = None
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            tally.socket_errors += 1
            if writer is not None:
                writer.close()
            writer = reader = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


async def load(config: dict[str, Any]) -> dict[str, Any]:
    """Run the closed loop for ``config["seconds"]`` and summarise what was measured."""
    tally = Tally()
    started = time.perf_counter()
    deadline = started + float(config["seconds"])
    await asyncio.gather(
        *(_connection(config, k * 7, deadline, tally) for k in range(int(config["concurrency"])))
    )
    elapsed = time.perf_counter() - started
    ordered = sorted(s * 1000 for s in tally.latencies)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))] if ordered else 0.0

    bad = sum(n for status, n in tally.statuses.items() if status >= 400)
    return {
        "requests": len(ordered),
        "errors": tally.socket_errors + bad,
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "seconds": elapsed,
        "rps": len(ordered) / elapsed if elapsed else 0.0,
        "p50": at(0.50),
        "p90": at(0.90),
        "p99": at(0.99),
        "mean": statistics.fmean(ordered) if ordered else 0.0,
        "max": ordered[-1] if ordered else 0.0,
    }


def main() -> None:
    """Read the JSON config from argv, run, print the JSON summary."""
    config = json.loads(sys.argv[1])
    try:
        import uvloop  # noqa: PLC0415

        result = uvloop.run(load(config))
    except ImportError:
        result = asyncio.run(load(config))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
