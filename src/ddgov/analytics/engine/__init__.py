"""The analytics engine layer: one SQL contract, run by DuckDB (default) or Apache Spark.

Everything analytical in ddgov (the workbench, dashboards, pipelines, later governance checks)
asks :func:`engine_get` for an :class:`~ddgov.analytics.engine.base.Engine` and hands it
DuckDB-dialect SQL over flat table names (``t1``, ``t2`` …) mapped to Parquet files. The
setting ``DDGOV_ENGINE`` picks the default; limits come from ``DDGOV_SANDBOX_*``.
"""

from __future__ import annotations

import threading
from dataclasses import asdict
from typing import Any

from django.conf import settings

from ddgov.analytics.engine.base import Engine, EngineResult, TableSource
from ddgov.lake.sandbox import SandboxError, SandboxLimits

__all__ = [
    "Engine",
    "EngineResult",
    "TableSource",
    "engine_get",
    "engine_info",
    "engine_names",
]

ENGINE_NAMES = ("duckdb", "spark")

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def engine_names() -> tuple[str, ...]:
    """Return the names :func:`engine_get` accepts."""
    return ENGINE_NAMES


def engine_get(*, name: str | None = None) -> Engine:
    """Return the engine called ``name`` (``None``: the configured ``DDGOV_ENGINE``).

    Engines are created once per process; the Spark engine starts its JVM only when it first
    runs a query. An unknown name raises :class:`SandboxError` with code ``engine``.
    """
    chosen = (name or str(getattr(settings, "DDGOV_ENGINE", "duckdb")) or "duckdb").lower()
    with _engines_lock:
        engine = _engines.get(chosen)
        if engine is None:
            engine = _engine_new(chosen, written=name)
            _engines[chosen] = engine
        return engine


def _engine_new(chosen: str, *, written: str | None) -> Engine:
    engine: Engine
    if chosen == "duckdb":
        from ddgov.analytics.engine.duckdb_engine import DuckDBEngine  # noqa: PLC0415

        engine = DuckDBEngine()
    elif chosen == "spark":
        from ddgov.analytics.engine.spark_engine import SparkEngine  # noqa: PLC0415 - heavy

        engine = SparkEngine()
    else:
        known = ", ".join(ENGINE_NAMES)
        raise SandboxError(
            "engine",
            f'Unknown engine "{written or chosen}" (known: {known})'
            f' / ไม่รู้จักเอนจิน "{written or chosen}" (ที่มี: {known})',
        )
    return engine


def engine_info() -> dict[str, Any]:
    """Describe the configured default engine, the query limits and every engine's settings.

    Nothing is started: Spark reports its settings and versions without launching a JVM.
    """
    return {
        "default": str(getattr(settings, "DDGOV_ENGINE", "duckdb")),
        "limits": asdict(SandboxLimits.from_settings()),
        "engines": {name: engine_get(name=name).info() for name in ENGINE_NAMES},
    }
