"""Ordered copies: a large DataStore table kept as DuckDB files, in ``_id`` order and per sort.

Parquet is the lake's durable format, but answering a page from it costs a footer walk and the
decompression of a whole row group of every column (tens of milliseconds on 10 M rows), and a
sort on an arbitrary column is a scan of that column with a top-N (hundreds of milliseconds to
seconds). For tables of at least ``DDGOV_DATASTORE_COPY_MIN_ROWS`` rows (default 1,000,000)
the engine therefore keeps, next to the version's Parquet, in ``v<N>.datastore-<size>-<mtime>/``:

* ``rows.duckdb`` — the table in DuckDB's own format, in ``_id`` order, with an estimate of each
  column's distinct values (used to decide when a filter's totals can be counted in one pass);
* ``sort-<hash>.duckdb`` — the whole table stored in one sort order (the request's ``ORDER BY``
  with the ``_id`` tie-break), made the first time a page in that order is asked for; at most
  ``DDGOV_DATASTORE_SORT_COPIES`` (default 4) per version. A sorted page, filtered or not, is
  then a scan in stored order with ``LIMIT``/``OFFSET``, exactly the rows of
  ``ORDER BY … LIMIT … OFFSET …``.

Copies are only derived from the immutable Parquet of one version (the folder name carries the
file's size and modification time), so they can never be stale; they are built in the
background by one worker thread per process, written under a temporary name and renamed, and
until one exists the engine answers from the Parquet as before. Deleting a copy folder is always
safe: it is rebuilt on demand.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
from django.conf import settings

log = logging.getLogger(__name__)

ROWS_NAME = "rows.duckdb"
COPY_TABLE = "rows"
META_TABLE = "ddgov_distinct"
_CUBE_TYPES = ("VARCHAR", "BOOLEAN", "DATE", "TINYINT", "SMALLINT", "INTEGER", "BIGINT")


def copy_min_rows() -> int:
    """Tables with fewer rows are answered from Parquet alone (fast enough, no extra disk)."""
    return int(getattr(settings, "DDGOV_DATASTORE_COPY_MIN_ROWS", 1_000_000))


def sort_copies_max() -> int:
    """How many sort orders of one version may get their own copy."""
    return int(getattr(settings, "DDGOV_DATASTORE_SORT_COPIES", 4))


def copy_folder(parquet: Path, stamp: tuple[int, int]) -> Path:
    """Return the folder of ``parquet``'s copies; its name pins the file's mtime and size."""
    mtime_ns, size = stamp
    return parquet.with_name(f"{parquet.stem}.datastore-{size}-{mtime_ns}")


def sort_copy_name(order_sql: str) -> str:
    """Return the file name of the copy stored in ``ORDER BY order_sql`` order."""
    digest = hashlib.sha256(order_sql.encode("utf-8")).hexdigest()[:20]
    return f"sort-{digest}.duckdb"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class CopyJob:
    """One copy to build: from ``source`` (Parquet or a rows copy) into ``target``."""

    source: Path
    target: Path
    order_sql: str
    """``ORDER BY`` of the copy (quoted identifiers from the table's schema); empty: file order."""
    types: tuple[tuple[str, str], ...]
    """The table's columns and DuckDB types, to choose which get a distinct-count estimate."""


def copy_build(job: CopyJob) -> float:
    """Write one copy (temporary name, then rename); return the seconds it took.

    Runs on its own DuckDB connection, limited like the engine's (threads, memory, spill folder
    under the copy's own folder), never on the request path.
    """
    started = time.perf_counter()
    job.target.parent.mkdir(parents=True, exist_ok=True)
    tmp = job.target.with_name(f".{job.target.name}.{os.getpid()}-{uuid.uuid4().hex}.tmp")
    spill = job.target.parent / f".spill-{uuid.uuid4().hex}"
    threads = max(1, int(getattr(settings, "DDGOV_SANDBOX_THREADS", 2)))
    memory_mb = int(getattr(settings, "DDGOV_SANDBOX_MEMORY_MB", 512))
    con = duckdb.connect(":memory:")
    try:
        for statement in (
            "SET enable_progress_bar = false",
            "SET autoinstall_known_extensions = false",
            "SET autoload_known_extensions = false",
            f"SET threads = {threads}",
            f"SET memory_limit = '{memory_mb}MB'",
            f"SET temp_directory = {_literal(str(spill))}",
            "SET preserve_insertion_order = true",
        ):
            con.execute(statement)
        if job.source.suffix == ".duckdb":
            con.execute(f"ATTACH {_literal(str(job.source))} AS src (READ_ONLY)")
            source_sql = f"src.{COPY_TABLE}"
        else:
            source_sql = f"read_parquet({_literal(str(job.source))})"
        con.execute(f"ATTACH {_literal(str(tmp))} AS out")
        order = f" ORDER BY {job.order_sql}" if job.order_sql else ""
        con.execute(f"CREATE TABLE out.{COPY_TABLE} AS SELECT * FROM {source_sql}{order}")  # noqa: S608 - our paths and schema-quoted names
        estimated = [
            (name, native)
            for name, native in job.types
            if native.upper().startswith(_CUBE_TYPES) and not native.upper().endswith("]")
        ]
        con.execute(f"CREATE TABLE out.{META_TABLE} (name VARCHAR, estimate BIGINT)")
        if not job.order_sql and estimated:
            quoted = ['"' + name.replace('"', '""') + '"' for name, _t in estimated]
            row = con.execute(
                "SELECT "  # noqa: S608 - schema-quoted names
                + ", ".join(f"approx_count_distinct({q})" for q in quoted)
                + f" FROM out.{COPY_TABLE}"
            ).fetchone()
            con.executemany(
                f"INSERT INTO out.{META_TABLE} VALUES (?, ?)",  # noqa: S608 - our table
                [(name, int(n or 0)) for (name, _t), n in zip(estimated, row or (), strict=False)],
            )
        con.execute("DETACH out")
        tmp.replace(job.target)
    finally:
        con.close()
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
        _remove_tree(spill)
    return time.perf_counter() - started


def _remove_tree(path: Path) -> None:
    if not path.exists():
        return
    for child in sorted(path.rglob("*"), reverse=True):
        if child.is_dir():
            child.rmdir()
        else:
            child.unlink(missing_ok=True)
    path.rmdir()


class CopyBuilder:
    """One background thread per process building copies one at a time, each target once.

    The engine attaches a finished file on its next request. A failed build is logged and not
    retried by this process (the engine keeps answering from Parquet).
    """

    def __init__(self) -> None:
        """Start empty; the thread starts with the first job."""
        self._queue: queue.Queue[CopyJob] = queue.Queue()
        self._lock = threading.Lock()
        self._seen: set[Path] = set()
        self._pending: set[Path] = set()
        self._thread: threading.Thread | None = None
        self._idle = threading.Condition(self._lock)
        self._busy = 0
        self.built: list[tuple[Path, float]] = []

    def submit(self, job: CopyJob) -> bool:
        """Queue ``job`` unless its target was already queued here; return whether it was."""
        with self._lock:
            if job.target in self._seen:
                return False
            self._seen.add(job.target)
            self._pending.add(job.target)
            self._busy += 1
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._work, name="datastore-copies", daemon=True
                )
                self._thread.start()
        self._queue.put(job)
        return True

    def pending(self, folder: Path) -> int:
        """How many copies in ``folder`` are queued or being built."""
        with self._lock:
            return sum(1 for target in self._pending if target.parent == folder)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every queued copy is built (or failed); False if ``timeout`` ran out."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._idle:
            while self._busy:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            try:
                if not job.target.is_file():
                    seconds = copy_build(job)
                    self.built.append((job.target, seconds))
            except Exception:
                log.exception("could not build the DataStore copy %s", job.target)
            finally:
                with self._idle:
                    self._pending.discard(job.target)
                    self._busy -= 1
                    self._idle.notify_all()
