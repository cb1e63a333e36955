"""DuckDB for ingestion: a private connection with the parsing macros, and progress while it works.

Each ingest gets its own in-memory DuckDB that may spill to the ingest's scratch folder, never
loads or installs extensions (no downloads), and reports how far a long statement has come
(``query_progress``) to the caller's progress callback from the caller's own thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings

from ddgov.catalog.ingest.rules import MISSING_VALUES, NULL_STRINGS

Progress = Callable[[float, str], None]
SQL_DIR = Path(__file__).with_name("sql")
POLL_SECONDS = 0.25


def sql_literal(value: str) -> str:
    """Quote ``value`` as a SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def sql_ident(name: str) -> str:
    """Quote ``name`` as a SQL identifier (Thai, spaces and quotes allowed)."""
    return '"' + str(name).replace('"', '""') + '"'


def sql_list(values: tuple[str, ...] | list[str]) -> str:
    """A SQL list literal of strings."""
    return "[" + ", ".join(sql_literal(v) for v in values) + "]"


@cache
def macros_sql() -> str:
    """The parsing macros, with the missing-value markers filled in."""
    text = (SQL_DIR / "macros.sql").read_text(encoding="utf-8")
    text = text.replace("{nullstr}", ", ".join(sql_literal(v) for v in NULL_STRINGS))
    return text.replace("{missing}", ", ".join(sql_literal(v) for v in MISSING_VALUES))


def connect(scratch: Path) -> duckdb.DuckDBPyConnection:
    """Open an in-memory DuckDB for one ingest, spilling to ``scratch``, with the macros loaded."""
    spill = scratch / "spill"
    spill.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {
        "memory_limit": str(getattr(settings, "CATALOG_INGEST_MEMORY_LIMIT", "2GB")),
        "temp_directory": str(spill),
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    threads = getattr(settings, "CATALOG_INGEST_THREADS", None)
    if threads:
        config["threads"] = int(threads)
    con = duckdb.connect(":memory:", config=config)
    con.execute(
        "SET enable_progress_bar = true; SET enable_progress_bar_print = false; SET TimeZone = 'UTC'"
    )
    con.execute(macros_sql())
    return con


def run(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    *,
    progress: Progress | None = None,
    span: tuple[float, float] = (0.0, 1.0),
    message: str = "",
) -> list[tuple[Any, ...]]:
    """Execute ``sql`` and return its rows; report progress across ``span`` while it runs.

    The statement runs in a helper thread; this thread polls DuckDB's progress and calls
    ``progress`` (so a Django connection used by the callback stays in its own thread).
    """
    if progress is None:
        return con.execute(sql).fetchall()
    low, high = span
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["rows"] = con.execute(sql).fetchall()
        except BaseException as exc:  # noqa: BLE001 - handed back to the calling thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="ddgov-ingest-sql", daemon=True)
    worker.start()
    last = -1.0
    try:
        while True:
            worker.join(POLL_SECONDS)
            if not worker.is_alive():
                break
            try:
                percent = float(con.query_progress())
            except duckdb.Error:
                percent = -1.0
            if percent >= 0:
                fraction = low + (high - low) * min(percent, 100.0) / 100.0
                if fraction - last >= 0.005:
                    progress(fraction, message)
                    last = fraction
    except BaseException:
        # The callback failed (or we were interrupted): stop DuckDB before handing the error on.
        con.interrupt()
        worker.join()
        raise
    if "error" in outcome:
        raise outcome["error"]
    progress(high, message)
    return outcome["rows"]
