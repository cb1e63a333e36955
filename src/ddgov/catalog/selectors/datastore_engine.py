"""The DuckDB side of the DataStore: one per-process connection, a view per Parquet file, caches.

Opening a connection and reading a Parquet footer cost more than a typical DataStore page, so
the process keeps one in-memory DuckDB connection for all ``datastore_search`` calls, each on its
own cursor (DuckDB cursors are safe to use from different threads). Each table file gets a view
the first time it is read; its schema, row count and whether its ``_id`` column runs 1..N in file
order are remembered, keyed by path, modification time and size. Lake files are immutable (a
new upload is a new file), so the cache can only miss, never be stale; totals of filtered
queries are cached the same way, which makes paging through a filter cost one count.

Tables of a million rows or more are also kept as DuckDB files in ``_id`` order and in each
requested sort order (:mod:`ddgov.catalog.selectors.datastore_copies`), built in the background
and attached read-only once they exist; filtered totals over a few low-cardinality columns are
then counted for every value combination in one pass and cached per version.

The connection can read only the lake's ``tables/`` folder (DuckDB's ``allowed_directories``
with external access off and the configuration locked), although every query it runs is
built by :mod:`ddgov.catalog.selectors.datastore` from checked column names and bound values.
"""

from __future__ import annotations

import atexit
import datetime as dt
import decimal
import math
import os
import re
import shutil
import threading
import uuid
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings
from pythainlp.tokenize import word_tokenize

from ddgov.catalog.selectors.datastore_copies import (
    COPY_TABLE,
    META_TABLE,
    ROWS_NAME,
    CopyBuilder,
    CopyJob,
    copy_folder,
    copy_min_rows,
    sort_copies_max,
    sort_copy_name,
)
from ddgov.lake.duckdb_types import INTEGER_TYPES
from ddgov.lake.storage import lake_root, tmp_dir

ID_COLUMN = "_id"
VIEW_CACHE_SIZE = 512
TOTAL_CACHE_SIZE = 4096
CUBE_CACHE_SIZE = 256
CUBE_MAX_GROUPS = 4096
"""A filter's columns get their totals counted per value combination when the estimated number
of combinations (product of the columns' distinct counts) is at most this."""

_THAI = re.compile(r"[\u0e00-\u0e7f]")
_EDGE_PUNCT = re.compile(r"^[^\w\u0e00-\u0e7f]+|[^\w\u0e00-\u0e7f]+$")
_INT_TYPES = INTEGER_TYPES
_NUMERIC_TYPES = ("FLOAT", "DOUBLE", "REAL", "DECIMAL")
_TRUE = {"true", "t", "1", "yes", "y", "จริง", "ใช่"}
_FALSE = {"false", "f", "0", "no", "n", "เท็จ", "ไม่ใช่"}


class DatastoreError(Exception):
    """A DataStore request CKAN would refuse: its ``__type``, payload and HTTP status.

    ``ckan_type`` is e.g. ``"Validation Error"`` (payload ``{field: [messages]}``, 409),
    ``"Not Found Error"`` (404) or ``"Authorization Error"`` (403); ``payload`` is merged into
    the CKAN error object next to ``__type``.
    """

    def __init__(self, ckan_type: str, payload: dict[str, Any], status: int) -> None:
        """Keep CKAN's error type, the error body and the HTTP status together."""
        self.ckan_type = ckan_type
        self.payload = payload
        self.status = status
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """A one-line bilingual summary of the error."""
        if "message" in self.payload:
            return str(self.payload["message"])
        parts = [
            f"{field}: {'; '.join(str(m) for m in messages)}"
            for field, messages in self.payload.items()
            if isinstance(messages, list)
        ]
        return " | ".join(parts) or self.ckan_type

    def as_ckan_error(self) -> dict[str, Any]:
        """Return the ``error`` object of CKAN's envelope."""
        return {"__type": self.ckan_type, **self.payload}


def datastore_invalid(field: str, message: str) -> DatastoreError:
    """Return CKAN's Validation Error (HTTP 409) for one parameter."""
    return DatastoreError("Validation Error", {field: [message]}, 409)


# --- types and values ---------------------------------------------------------------------------


def ckan_type(native: str) -> str:  # noqa: PLR0911 - one return per type family
    """Map a DuckDB type to CKAN's DataStore type name (``int``, ``numeric``, ``text`` …)."""
    upper = native.upper()
    if upper.endswith("[]") or upper.startswith(("STRUCT", "MAP", "UNION", "JSON")):
        return "json"
    if upper.startswith(_INT_TYPES):
        return "int"
    if upper.startswith(_NUMERIC_TYPES):
        return "numeric"
    if upper == "BOOLEAN":
        return "bool"
    if upper == "DATE":
        return "date"
    if upper.startswith("TIMESTAMP"):
        return "timestamp"
    if upper.startswith("TIME"):
        return "time"
    return "text"


def json_value(value: Any) -> Any:  # noqa: PLR0911 - one return per type
    """Return ``value`` as JSON can carry it (ISO dates, numbers for decimals, None for NaN)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return str(value)


def query_tokens(text: str) -> list[str]:
    """Split a search into words; Thai runs are segmented with PyThaiNLP (``newmm``).

    So ``ผู้สูงอายุเชียงใหม่`` finds rows holding both words, and each word is matched inside
    unsegmented text. Words are lower-cased, edge punctuation dropped, duplicates removed.
    """
    tokens: list[str] = []
    for piece in text.split():
        words = (
            word_tokenize(piece, engine="newmm", keep_whitespace=False)
            if _THAI.search(piece)
            else [piece]
        )
        for word in words:
            cleaned = _EDGE_PUNCT.sub("", word).lower()
            if cleaned and cleaned not in tokens:
                tokens.append(cleaned)
    return tokens


def _bad_value(field: str, column: str, value: Any, expected: str) -> DatastoreError:
    return datastore_invalid(
        field,
        f'value "{value}" for "{column}" is not {expected}'
        f' / ค่า "{value}" ของ "{column}" ไม่ใช่{_THAI_EXPECTED[expected]}',
    )


_THAI_EXPECTED = {
    "a whole number": "จำนวนเต็ม",
    "a number": "ตัวเลข",
    "true or false": "ค่าจริงหรือเท็จ",
    "a date (YYYY-MM-DD)": "วันที่ (ปปปป-ดด-วว ค.ศ.)",
    "a timestamp (ISO 8601)": "วันเวลา (ISO 8601)",
}


@dataclass(frozen=True)
class TableInfo:
    """What the engine knows about one Parquet table."""

    path: Path
    view: str
    types: dict[str, str]
    row_count: int
    size: int
    stamp: tuple[int, int]
    id_ordered: bool

    @property
    def has_id(self) -> bool:
        """Whether the table has CKAN's ``_id`` row-number column."""
        return ID_COLUMN in self.types

    def quoted(self, column: str) -> str:
        """Return ``column`` (already checked against the schema) as a quoted identifier."""
        return '"' + column.replace('"', '""') + '"'

    def field(self, column: str) -> dict[str, str]:
        """Return CKAN's ``{"id", "type"}`` description of ``column``."""
        return {"id": column, "type": ckan_type(self.types[column])}

    def coerce(self, column: str, value: Any, *, field: str) -> Any:  # noqa: PLR0911
        """Return ``value`` as the column's type, or raise a Validation Error naming it."""
        kind = ckan_type(self.types[column])
        text = str(value).strip()
        try:
            if kind == "int":
                if isinstance(value, bool):
                    raise ValueError(text)  # noqa: TRY301
                return int(text)
            if kind == "numeric":
                number = decimal.Decimal(text)
                if not number.is_finite():
                    raise ValueError(text)  # noqa: TRY301
                return number
            if kind == "bool":
                if isinstance(value, bool):
                    return value
                if text.lower() in _TRUE | _FALSE:
                    return text.lower() in _TRUE
                raise ValueError(text)  # noqa: TRY301
            if kind == "date":
                return dt.date.fromisoformat(text)
            if kind == "timestamp":
                return dt.datetime.fromisoformat(text)
        except (ValueError, decimal.InvalidOperation) as exc:
            expected = {
                "int": "a whole number",
                "numeric": "a number",
                "bool": "true or false",
                "date": "a date (YYYY-MM-DD)",
                "timestamp": "a timestamp (ISO 8601)",
            }[kind]
            raise _bad_value(field, column, value, expected) from exc
        return value if isinstance(value, str) else text


# --- the engine -------------------------------------------------------------------------------


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class _Engine:
    """One DuckDB connection with a view per table file, for one lake folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lock = threading.Lock()
        self.tables: OrderedDict[str, TableInfo] = OrderedDict()
        self.totals: OrderedDict[tuple[Any, ...], int] = OrderedDict()
        self.counter = 0
        self.copies: dict[Path, str] = {}
        self.estimates: dict[Path, dict[str, int]] = {}
        self.cubes: OrderedDict[tuple[Any, ...], dict[tuple[Any, ...], int]] = OrderedDict()
        self.builder = CopyBuilder()
        self.use_copies = True
        self.spill = tmp_dir() / f"datastore-{os.getpid()}"
        self.con = duckdb.connect(":memory:")
        tables_dir = root / "tables"
        tables_dir.mkdir(parents=True, exist_ok=True)
        for statement in (
            "SET enable_progress_bar = false",
            "SET python_enable_replacements = false",
            "SET autoinstall_known_extensions = false",
            "SET autoload_known_extensions = false",
            "SET parquet_metadata_cache = true",
            f"SET threads = {max(1, int(getattr(settings, 'DDGOV_SANDBOX_THREADS', 2)))}",
            f"SET memory_limit = '{int(getattr(settings, 'DDGOV_SANDBOX_MEMORY_MB', 512))}MB'",
            f"SET allowed_directories = [{_literal(str(tables_dir) + '/')}, {_literal(str(self.spill) + '/')}]",
            f"SET temp_directory = {_literal(str(self.spill))}",
            f"SET max_temp_directory_size = '{int(getattr(settings, 'DDGOV_SANDBOX_TEMP_MB', 1024))}MB'",
            "SET enable_external_access = false",
            "SET lock_configuration = true",
        ):
            self.con.execute(statement)

    def close(self) -> None:
        """Close the connection and remove its spill folder."""
        with self.lock:
            self.con.close()
        shutil.rmtree(self.spill, ignore_errors=True)

    def table(self, path: Path) -> TableInfo:
        """Return the cached description of ``path``, creating its view on first use."""
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        key = str(path)
        with self.lock:
            cached = self.tables.get(key)
            if cached is not None and cached.stamp == stamp:
                self.tables.move_to_end(key)
                return cached
            self.counter += 1
            view = f"t{self.counter}"
            cur = self.con.cursor()
            try:
                # The view name is ours and the lake path a quoted literal.
                cur.execute(f"CREATE VIEW {view} AS SELECT * FROM read_parquet({_literal(key)})")  # noqa: S608
                types = {str(r[0]): str(r[1]) for r in cur.execute(f"DESCRIBE {view}").fetchall()}
                counted = cur.execute(f"SELECT count(*) FROM {view}").fetchone()  # noqa: S608
                row_count = int(counted[0]) if counted else 0
                id_ordered = ID_COLUMN in types and _id_runs_in_order(cur, key)
                if cached is not None:
                    cur.execute(f"DROP VIEW IF EXISTS {cached.view}")
            finally:
                cur.close()
            info = TableInfo(
                path=path,
                view=view,
                types=types,
                row_count=row_count,
                size=stat.st_size,
                stamp=stamp,
                id_ordered=id_ordered,
            )
            self.tables[key] = info
            self.tables.move_to_end(key)
            while len(self.tables) > VIEW_CACHE_SIZE:
                _old_key, old = self.tables.popitem(last=False)
                self.con.execute(f"DROP VIEW IF EXISTS {old.view}")
            return info

    def copy_source(self, table: TableInfo, order_sql: str = "") -> str | None:
        """Return the attached copy of ``table`` in ``order_sql`` order (``""``: ``_id`` order).

        ``None`` when there is none yet; a missing copy of a large table is then queued for the
        background builder (a sort copy only once the ``_id``-order copy exists, and only while
        the version has fewer than ``DDGOV_DATASTORE_SORT_COPIES`` of them).
        """
        if not self.use_copies or not table.id_ordered or table.row_count < copy_min_rows():
            return None
        folder = copy_folder(table.path, table.stamp)
        target = folder / (sort_copy_name(order_sql) if order_sql else ROWS_NAME)
        alias = self.copies.get(target)
        if alias is not None:
            return f"{alias}.{COPY_TABLE}"
        if target.is_file():
            return self._attach(target)
        if not order_sql:
            types = tuple(table.types.items())
            self.builder.submit(CopyJob(table.path, target, "", types))
        elif (folder / ROWS_NAME).is_file() and len(
            list(folder.glob("sort-*.duckdb"))
        ) + self.builder.pending(folder) < sort_copies_max():
            self.builder.submit(CopyJob(folder / ROWS_NAME, target, order_sql, ()))
        return None

    def _attach(self, target: Path) -> str:
        with self.lock:
            alias = self.copies.get(target)
            if alias is None:
                self.counter += 1
                alias = f"c{self.counter}"
                # The alias is ours and the path a quoted literal inside the lake's tables/.
                self.con.execute(f"ATTACH {_literal(str(target))} AS {alias} (READ_ONLY)")
                if target.name == ROWS_NAME:
                    rows = self.con.execute(f"SELECT name, estimate FROM {alias}.{META_TABLE}")  # noqa: S608
                    self.estimates[target] = {str(n): int(e) for n, e in rows.fetchall()}
                self.copies[target] = alias
        return f"{alias}.{COPY_TABLE}"

    def run(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Run ``sql`` on a fresh cursor, interrupted at the sandbox time limit."""
        timeout = float(getattr(settings, "DDGOV_SANDBOX_TIMEOUT_S", 10))
        cur = self.con.cursor()
        fired = threading.Event()

        def interrupt() -> None:
            fired.set()
            cur.interrupt()

        timer = threading.Timer(timeout, interrupt)
        timer.daemon = True
        timer.start()
        try:
            return cur.execute(sql, list(params)).fetchall()
        except duckdb.InterruptException as exc:
            if not fired.is_set():
                raise
            raise datastore_invalid(
                "query", f"The query timed out after {timeout:g} s / คำสั่งใช้เวลาเกิน {timeout:g} วินาที"
            ) from exc
        except duckdb.OutOfMemoryException as exc:
            raise datastore_invalid(
                "query",
                "The query needs more memory than allowed; add filters or fewer fields"
                " / คำสั่งใช้หน่วยความจำเกินที่กำหนด ให้เพิ่มเงื่อนไขหรือลดคอลัมน์",
            ) from exc
        finally:
            timer.cancel()
            cur.close()


def _id_runs_in_order(cur: duckdb.DuckDBPyConnection, path: str) -> bool:
    """Whether ``_id`` is exactly 1..N in file order (then a page is an ``_id`` range)."""
    rows = cur.execute(
        "SELECT row_group_id, row_group_num_rows, stats_min_value, stats_max_value, stats_null_count"
        " FROM parquet_metadata(?) WHERE path_in_schema = ? ORDER BY row_group_id",
        [path, ID_COLUMN],
    ).fetchall()
    expected = 1
    for _group, count, low, high, nulls in rows:
        try:
            if int(low) != expected or int(high) != expected + int(count) - 1 or int(nulls or 0):
                return False
        except (TypeError, ValueError):
            return False
        expected += int(count)
    # Statistics cannot see rows shuffled inside a row group: check every row once per file.
    misplaced = cur.execute(
        "SELECT count(*) FROM read_parquet(?, file_row_number = true)"
        " WHERE _id IS DISTINCT FROM file_row_number + 1",
        [path],
    ).fetchone()
    return misplaced is not None and int(misplaced[0]) == 0


_engine: _Engine | None = None
_engine_lock = threading.Lock()


def _current_engine() -> _Engine:
    """Return the engine for the configured lake (a new one if the lake folder changed)."""
    global _engine  # noqa: PLW0603 - one engine per process, by design
    root = lake_root().resolve()
    engine = _engine
    if engine is not None and engine.root == root:
        return engine
    with _engine_lock:
        if _engine is None or _engine.root != root:
            if _engine is not None:
                _engine.close()
            _engine = _Engine(root)
        return _engine


@atexit.register
def _close_engine() -> None:
    if _engine is not None:
        _engine.close()


def engine_table(*, path: Path) -> TableInfo:
    """Return the description of the Parquet table at ``path`` (which must be in the lake)."""
    engine = _current_engine()
    resolved = path.resolve()
    if not resolved.is_relative_to(engine.root / "tables"):
        msg = f"{path} is not a lake table"
        raise ValueError(msg)
    return engine.table(resolved)


def _order_sql(
    table: TableInfo, order: Sequence[tuple[str, str, str]], tie_break: Sequence[str]
) -> str:
    parts = [f"{table.quoted(c)} {d}{n}" for c, d, n in order]
    seen = {c for c, _d, _n in order}
    parts.extend(f"{table.quoted(c)} ASC" for c in tie_break if c not in seen)
    return ", ".join(parts)


def _select(
    table: TableInfo, columns: str, where: str, tail: str, source: str | None = None
) -> str:
    """Compose a SELECT from schema-checked, quoted identifiers; values stay ``?`` parameters.

    ``source`` is an attached copy of the table (same rows, same ``_id`` order) to read instead
    of the Parquet view.
    """
    where_sql = f" WHERE {where}" if where else ""
    return f"SELECT {columns} FROM {source or table.view}{where_sql}{tail}"  # noqa: S608 - see docstring


def engine_query(
    *,
    table: TableInfo,
    names: Sequence[str],
    where: str,
    params: Sequence[Any],
    order: Sequence[tuple[str, str, str]],
    distinct: bool,
    limit: int,
    offset: int,
    deep_offset: int,
) -> list[tuple[Any, ...]]:
    """Return one page of rows; ``where`` and ``order`` come from checked column names."""
    if limit == 0:
        return []
    cols = ", ".join(table.quoted(n) for n in names)
    page = list(params)
    # Whole numbers checked by the caller; literals let DuckDB plan a streaming LIMIT.
    limit_sql = f" LIMIT {int(limit)} OFFSET {int(offset)}"
    id_only_order = [(c, d) for c, d, _n in order] in (
        [],
        [(ID_COLUMN, "ASC")],
        [(ID_COLUMN, "DESC")],
    )
    descending = bool(order) and id_only_order and order[0][1] == "DESC"
    engine = _current_engine()
    src = engine.copy_source(table)  # the DuckDB copy in _id order, once it exists
    if not where and not distinct and table.id_ordered and id_only_order:
        # _id is the row number: a page is an _id range, found from row-group statistics.
        high = table.row_count - offset if descending else offset + limit
        low = max(high - limit, 0)
        direction = "DESC" if descending else "ASC"
        sql = _select(table, cols, "_id > ? AND _id <= ?", f" ORDER BY _id {direction}", src)
        page = [low, high]
    elif distinct:
        sql = _select(
            table,
            f"DISTINCT {cols}",
            where,
            f" ORDER BY {_order_sql(table, order, names)}{limit_sql}",
            src,
        )
    elif not table.has_id:
        order_sql = f" ORDER BY {_order_sql(table, order, names)}" if order else ""
        sql = _select(table, cols, where, f"{order_sql}{limit_sql}")
    elif not id_only_order:
        order_by = _order_sql(table, order, [ID_COLUMN])
        sorted_src = engine.copy_source(table, order_by) if src else None
        if sorted_src:
            # The copy stores the rows in exactly this order: the page is a scan, no sort.
            sql = _select(table, cols, where, limit_sql, sorted_src)
        else:
            # The top-N runs over the sort columns and _id only, then just the page's rows are
            # read whole (2-4x faster than sorting whole rows on wide tables).
            inner = _select(table, "_id", where, f" ORDER BY {order_by}{limit_sql}", src)
            sql = _select(
                table, cols, f"_id IN ({inner})", f" ORDER BY {order_by} LIMIT {int(limit)}", src
            )
    elif table.id_ordered and not descending and offset >= deep_offset and not src:
        # Deep pages in Parquet: find the page's _id values reading one column, then the rows.
        inner = _select(table, "_id", where, limit_sql)
        sql = _select(table, cols, f"_id IN ({inner})", " ORDER BY _id")
    elif table.id_ordered and not descending:
        # Stored order is _id order, which DuckDB keeps (preserve_insertion_order) without a sort.
        sql = _select(table, cols, where, limit_sql, src)
    else:
        direction = "DESC" if descending else "ASC"
        sql = _select(table, cols, where, f" ORDER BY _id {direction}{limit_sql}", src)
    return engine.run(sql, page)


Equalities = Mapping[str, tuple[Sequence[Any], bool]]
"""A filter as {column: (values, also NULL)} — what ``filters`` asks for, with nothing else."""


def engine_total(
    *,
    table: TableInfo,
    where: str,
    params: Sequence[Any],
    distinct_names: Sequence[str] | None,
    equalities: Equalities | None = None,
) -> int:
    """Return how many rows (or distinct rows) match; unfiltered counts come from the footer.

    ``equalities`` is the same filter in structured form, given when ``where`` is made of
    exact-match filters only: on a large table whose filtered columns have few value
    combinations the count comes from a per-version count of every combination (one pass).
    """
    if not where and distinct_names is None:
        return table.row_count
    engine = _current_engine()
    key = (str(table.path), table.stamp, where, tuple(params), tuple(distinct_names or ()))
    with engine.lock:
        if key in engine.totals:
            engine.totals.move_to_end(key)
            return engine.totals[key]
    src = engine.copy_source(table)
    cube = _cube(engine, table, src, equalities) if equalities and distinct_names is None else None
    if cube is not None and equalities is not None:
        columns = sorted(equalities)
        total = sum(
            n
            for values, n in cube.items()
            if all(
                equalities[c][1] if v is None else v in equalities[c][0]
                for c, v in zip(columns, values, strict=True)
            )
        )
    elif distinct_names is not None:
        cols = ", ".join(table.quoted(n) for n in distinct_names)
        sql = f"SELECT count(*) FROM ({_select(table, f'DISTINCT {cols}', where, '', src)})"  # noqa: S608
        total = int(engine.run(sql, params)[0][0])
    else:
        total = int(engine.run(_select(table, "count(*)", where, "", src), params)[0][0])
    with engine.lock:
        engine.totals[key] = total
        while len(engine.totals) > TOTAL_CACHE_SIZE:
            engine.totals.popitem(last=False)
    return total


def _cube(
    engine: _Engine, table: TableInfo, src: str | None, equalities: Equalities
) -> dict[tuple[Any, ...], int] | None:
    """Return the row count of every value combination of the filtered columns, or ``None``.

    Only on a table with a ``_id``-order copy, whose build estimated each column's distinct
    values (text, whole-number, boolean and date columns: their values compare exactly in
    Python as in SQL), and when the combinations are at most ``CUBE_MAX_GROUPS``.
    """
    if src is None:
        return None
    columns = sorted(equalities)
    rows_copy = copy_folder(table.path, table.stamp) / ROWS_NAME
    estimates = engine.estimates.get(rows_copy, {})
    combinations = 1
    for column in columns:
        if column not in estimates:
            return None
        combinations *= max(1, estimates[column])
    if combinations > CUBE_MAX_GROUPS:
        return None
    key = (str(table.path), table.stamp, tuple(columns))
    with engine.lock:
        cube = engine.cubes.get(key)
        if cube is not None:
            engine.cubes.move_to_end(key)
            return cube
    quoted = ", ".join(table.quoted(c) for c in columns)
    rows = engine.run(f"SELECT {quoted}, count(*) FROM {src} GROUP BY ALL", [])  # noqa: S608 - schema-quoted names, our alias
    cube = {tuple(row[:-1]): int(row[-1]) for row in rows}
    with engine.lock:
        engine.cubes[key] = cube
        while len(engine.cubes) > CUBE_CACHE_SIZE:
            engine.cubes.popitem(last=False)
    return cube


def engine_copies_wait(*, timeout: float | None = None) -> bool:
    """Wait until the background builder has built every queued copy (for tests, benchmarks)."""
    return _current_engine().builder.wait(timeout)
