"""The engine contract: what every analytics engine (DuckDB, Spark) takes and returns.

Callers (the access layer, pipelines, dashboards) hand an engine DuckDB-dialect SQL whose only
table references are the bare keys of ``tables``; each key names a Parquet file, possibly with
columns masked to ``NULL``. Engines never see catalog names, users or rights: those are settled
before the SQL reaches them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ddgov.lake.sandbox import Column, SandboxError, SandboxLimits, TableSource

__all__ = [
    "Column",
    "Engine",
    "EngineResult",
    "SandboxError",
    "SandboxLimits",
    "TableSource",
    "flat_tables",
]


@dataclass(frozen=True)
class EngineResult:
    """Rows an engine returned: DuckDB type names, Python values, cut at ``limits.max_rows``."""

    columns: list[Column]
    rows: list[tuple[Any, ...]]
    truncated: bool
    elapsed_ms: float
    engine: str


class Engine(Protocol):
    """One way of running the analytics SQL; see :mod:`ddgov.analytics.engine`."""

    name: str

    def execute(
        self, *, sql: str, tables: Mapping[str, TableSource], limits: SandboxLimits
    ) -> EngineResult:
        """Run one read-only query and return at most ``limits.max_rows`` rows."""
        ...

    def explain(self, *, sql: str, tables: Mapping[str, TableSource], limits: SandboxLimits) -> str:
        """Return the engine's plan for the query as text, without running it."""
        ...

    def write_parquet(
        self, *, sql: str, tables: Mapping[str, TableSource], target: Path, limits: SandboxLimits
    ) -> int:
        """Write the query's whole result to ``target`` (one Parquet file); return its row count."""
        ...

    def info(self) -> dict[str, Any]:
        """Describe the engine's settings and versions (never starts anything expensive)."""
        ...


def flat_tables(tables: Mapping[str, TableSource]) -> dict[tuple[str, str], TableSource]:
    """Key ``tables`` the way the sandbox does: ``("main", name)``, reachable by the bare name."""
    flat: dict[tuple[str, str], TableSource] = {}
    for name, source in tables.items():
        if not name or "." in name:
            raise SandboxError(
                "table",
                f'Engine table names must be flat, not "{name}" / ชื่อตารางต้องไม่มีจุด "{name}"',
            )
        flat[("main", name)] = (
            source if isinstance(source, TableSource) else TableSource(path=Path(source))
        )
    return flat
