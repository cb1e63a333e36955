"""Token buckets limiting how often one consumer may call one service (gateway rule 7).

A bucket per ``(consumer subsystem, service)`` holds up to ``rate_per_minute`` tokens and refills
at ``rate_per_minute / 60`` tokens a second, so a consumer may spend a minute's allowance at
once and then continues at the steady rate. Buckets live in the gateway process (the event
loop's thread only, so no lock): with several worker processes each enforces the limit on its
own share of the traffic.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

_MAX_BUCKETS = 100_000


@dataclass
class _Bucket:
    tokens: float
    capacity: float
    refill_per_s: float
    stamp: float


class TokenBuckets:
    """Buckets keyed by ``(consumer, service)``; :meth:`take` spends one token or says how long to wait."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        """Start with no buckets; ``clock`` is injectable for tests."""
        self._clock = clock
        self._buckets: dict[tuple[int, int], _Bucket] = {}

    def take(self, *, consumer: int, service: int, rate_per_minute: int) -> float:
        """Spend one token; return 0 when allowed, else the seconds until a token is available."""
        now = self._clock()
        rate = max(1, rate_per_minute)
        key = (consumer, service)
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= _MAX_BUCKETS:
                self._prune(now)
            bucket = _Bucket(tokens=rate, capacity=rate, refill_per_s=rate / 60.0, stamp=now)
            self._buckets[key] = bucket
        elif bucket.capacity != rate:
            # The grant's limit changed: keep the spent share, rescale to the new size.
            bucket.tokens = min(rate, bucket.tokens * rate / bucket.capacity)
            bucket.capacity = rate
            bucket.refill_per_s = rate / 60.0
        elapsed = now - bucket.stamp
        if elapsed > 0:
            bucket.tokens = min(bucket.capacity, bucket.tokens + elapsed * bucket.refill_per_s)
            bucket.stamp = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / bucket.refill_per_s

    def _prune(self, now: float) -> None:
        """Forget buckets that would be full by now (they behave exactly like new ones)."""
        full = [
            key
            for key, b in self._buckets.items()
            if b.tokens + (now - b.stamp) * b.refill_per_s >= b.capacity
        ]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= _MAX_BUCKETS:
            self._buckets.clear()

    def reset(self) -> None:
        """Forget every bucket (tests)."""
        self._buckets.clear()


def retry_after_header(wait_s: float) -> str:
    """The ``Retry-After`` value (whole seconds, at least 1) for a wait."""
    return str(max(1, math.ceil(wait_s)))
