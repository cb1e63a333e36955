"""The demo-data registry: each app contributes seeders, ``ddgov demo seed`` runs them in order.

Apps declare seeders in their own ``seeders.py`` with :func:`seeder`, naming the seeders they
build on; later issues extend the demo by adding a module, never by editing a central script.
Every seeder gets its own random stream derived from its name, so adding one seeder does not
change what the others generate: the demo stays deterministic for a given ``--scale``.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SeedFunction = Callable[["SeedContext"], int]


@dataclass
class SeedContext:
    """What a seeder may use: the scale, a deterministic RNG, and a place to leave notes."""

    scale: int
    seed: int = 2565
    shared: dict[str, Any] = field(default_factory=dict)
    accounts: list[tuple[str, str]] = field(default_factory=list)

    def rng(self, name: str) -> random.Random:
        """Return a random stream fixed by the global seed and ``name``."""
        digest = hashlib.sha256(f"{self.seed}:{name}".encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311 - demo data only

    def account(self, *, username: str, description: str) -> None:
        """Record a demo sign-in to print for the person starting the platform."""
        self.accounts.append((username, description))


@dataclass(frozen=True)
class Seeder:
    """A registered demo-data step."""

    name: str
    func: SeedFunction
    after: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class SeedResult:
    """What one seeder did: rows it wrote and seconds it took."""

    name: str
    rows: int
    seconds: float


_REGISTRY: dict[str, Seeder] = {}


def seeder(name: str, *, after: tuple[str, ...] = ()) -> Callable[[SeedFunction], SeedFunction]:
    """Register ``func`` as the demo seeder ``name`` that runs after the seeders in ``after``."""

    def register(func: SeedFunction) -> SeedFunction:
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            msg = f"seeder {name!r} is registered twice"
            raise ValueError(msg)
        _REGISTRY[name] = Seeder(name, func, after, (func.__doc__ or "").strip().split("\n")[0])
        return func

    return register


def seeders_ordered() -> list[Seeder]:
    """Return the registered seeders in dependency order (stable by name among equals)."""
    ordered: list[Seeder] = []
    done: set[str] = set()
    visiting: set[str] = set()

    def visit(s: Seeder) -> None:
        if s.name in done:
            return
        if s.name in visiting:
            msg = f"seeders depend on each other in a cycle at {s.name!r}"
            raise ValueError(msg)
        visiting.add(s.name)
        for dep in s.after:
            if dep not in _REGISTRY:
                msg = f"seeder {s.name!r} needs {dep!r}, which is not registered"
                raise ValueError(msg)
            visit(_REGISTRY[dep])
        visiting.discard(s.name)
        done.add(s.name)
        ordered.append(s)

    for name in sorted(_REGISTRY):
        visit(_REGISTRY[name])
    return ordered


def seed_run(
    *, context: SeedContext, on_step: Callable[[SeedResult], None] | None = None
) -> list[SeedResult]:
    """Run every registered seeder in order and report what each wrote."""
    results: list[SeedResult] = []
    for s in seeders_ordered():
        started = time.perf_counter()
        rows = s.func(context)
        result = SeedResult(s.name, rows, time.perf_counter() - started)
        results.append(result)
        if on_step:
            on_step(result)
    return results


def weighted_slots(weights: list[float], n: int) -> list[int]:
    """Spread ``n`` slots over items in proportion to ``weights`` (largest remainder first).

    Generators in SQL pick an item by ``slot = hash(row) % n``; a slot table made here gives
    every item its exact share of rows, deterministically.
    """
    total = sum(weights)
    exact = [w / total * n for w in weights]
    counts = [int(e) for e in exact]
    by_remainder = sorted(range(len(weights)), key=lambda k: exact[k] - counts[k], reverse=True)
    for k in by_remainder[: n - sum(counts)]:
        counts[k] += 1
    return [k for k, c in enumerate(counts) for _ in range(c)]
