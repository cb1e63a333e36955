"""A read-only, resource-limited DuckDB sandbox for SQL written by outsiders.

Anyone allowed to query the lake with their own SQL (CKAN's ``datastore_search_sql`` today, the
analytics workbench later) goes through :func:`sandbox_query`. It is catalog-agnostic: the caller
decides which Parquet files the SQL may see and passes them as ``tables``; nothing else is
reachable.

Two independent walls, so one parser mistake is not a breach:

1. **Policy on the parse tree** (sqlglot, DuckDB dialect, plus DuckDB's own statement splitter):
   exactly one ``SELECT``/``WITH`` query (UNION and friends allowed); every table it names is a
   CTE or one of ``tables``; table functions are limited to ``range``/``generate_series``/
   ``unnest``; functions that read files, settings or the environment are refused. Refusals are
   :class:`SandboxError` with a bilingual message, and syntax errors carry line and column.
2. **A locked DuckDB**: an in-memory connection opened for exactly these tables; the views are
   created first, then file access is limited to exactly those Parquet files (and a private
   spill folder), external access, extension installing/loading and Python replacement scans
   are turned off, memory, threads and spill size are capped, and the configuration is locked
   so the SQL cannot undo it.
   A timer interrupts the statement at the time limit; results stop at ``max_rows``.
   Connections are pooled per exact (tables, masks, limits), so repeated queries skip the ~20 ms
   of opening; one that timed out or ran out of memory is closed, never reused.

A table may be given as a :class:`TableSource` whose ``masked`` columns the view replaces by a
typed ``NULL`` (the analytics access layer masks columns a user may not read this way).
:func:`sandbox_explain` returns DuckDB's plan and :func:`sandbox_describe` the result columns
(binding only, nothing runs) under the same two walls.
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import sqlglot
from django.conf import settings
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from ddgov.lake.storage import tmp_dir

_T = TypeVar("_T")

MAX_SQL_LENGTH = 100_000
"""Longer SQL is refused before parsing: nobody hand-writes it, and parsing is not free."""

ALLOWED_TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})
"""Table functions that produce rows without touching files or the catalog."""

DENIED_FUNCTION = re.compile(
    r"^(read_\w*|\w*_scan|glob|query|query_table|getenv|current_setting|duckdb_\w*|pragma_\w*"
    r"|sniff_csv|parquet_\w*|iceberg_\w*|delta_\w*|sqlite_\w*|postgres_\w*|mysql_\w*|json_execute_\w*"
    r"|which_secret|load_aws_credentials|checkpoint|force_checkpoint|enable_\w*|disable_\w*"
    r"|set_variable|current_schemas|current_database|current_catalog|icu_\w*|test_\w*)$"
)
"""Functions that read files, settings, the environment or the catalog's internals."""

RESERVED_SCHEMAS = frozenset({"system", "temp", "memory", "information_schema", "pg_catalog"})
"""Schema names DuckDB already gives a meaning to; a table cannot be exposed under them."""

FORBIDDEN_NODES: tuple[type[exp.Expr], ...] = tuple(
    getattr(exp, name)
    for name in (
        "DDL",
        "DML",
        "Create",
        "Drop",
        "Alter",
        "Insert",
        "Update",
        "Delete",
        "Merge",
        "Copy",
        "Command",
        "Pragma",
        "Set",
        "Attach",
        "Detach",
        "Install",
        "Load",
        "LoadData",
        "Use",
        "Transaction",
        "Commit",
        "Rollback",
        "Into",
        "Describe",
        "Show",
        "Summarize",
        "Export",
        "Cache",
        "Uncache",
        "Refresh",
        "Analyze",
        "Kill",
        "Grant",
        "Revoke",
    )
    if isinstance(getattr(exp, name, None), type)
)


class SandboxError(Exception):
    """SQL the sandbox refused or could not run; ``message`` is "English / ไทย".

    ``code`` is one of ``syntax``, ``statement``, ``table``, ``function``, ``timeout``,
    ``memory``, ``query``; ``position`` is ``(line, column)``, both 1-based, when known.
    """

    def __init__(self, code: str, message: str, position: tuple[int, int] | None = None) -> None:
        """Keep the machine-readable code beside the bilingual message."""
        super().__init__(message)
        self.code = code
        self.message = message
        self.position = position

    def __str__(self) -> str:
        """Return the bilingual message."""
        return self.message


@dataclass(frozen=True)
class SandboxLimits:
    """How much one query may use; defaults come from ``settings.DDGOV_SANDBOX_*``."""

    timeout_s: float = 10.0
    memory_mb: int = 512
    threads: int = 2
    max_rows: int = 10_000
    max_temp_mb: int = 1024

    @classmethod
    def from_settings(cls) -> SandboxLimits:
        """Return the deployment's limits (environment variables ``DDGOV_SANDBOX_*``)."""
        return cls(
            timeout_s=float(getattr(settings, "DDGOV_SANDBOX_TIMEOUT_S", 10)),
            memory_mb=int(getattr(settings, "DDGOV_SANDBOX_MEMORY_MB", 512)),
            threads=int(getattr(settings, "DDGOV_SANDBOX_THREADS", 2)),
            max_rows=int(getattr(settings, "DDGOV_SANDBOX_MAX_ROWS", 10_000)),
            max_temp_mb=int(getattr(settings, "DDGOV_SANDBOX_TEMP_MB", 1024)),
        )


@dataclass(frozen=True)
class Column:
    """A result column: its name and DuckDB type (``BIGINT``, ``VARCHAR``, ``DECIMAL(12,2)`` …)."""

    name: str
    type: str


@dataclass(frozen=True)
class QueryResult:
    """Rows of a sandboxed query; ``truncated`` when more than ``max_rows`` rows existed."""

    columns: list[Column]
    rows: list[tuple[Any, ...]]
    truncated: bool
    elapsed_ms: float


@dataclass(frozen=True)
class TableSource:
    """A Parquet file exposed as a table, with ``masked`` columns replaced by ``NULL``.

    A masked column keeps its name and type (``CAST(NULL AS <type>)``), so SQL written against
    the full table still binds, but no value of it can come out. Names match case-insensitively;
    a masked name the file does not have is ignored (there is nothing to hide).
    """

    path: Path
    masked: frozenset[str] = frozenset()


TableInput = Path | TableSource
"""What callers may pass per table: a bare Parquet path (nothing masked) or a :class:`TableSource`."""


@dataclass(frozen=True)
class TableRef:
    """A table the SQL names, as written: ``schema`` is ``main`` for one-part names."""

    schema: str
    name: str

    @property
    def key(self) -> tuple[str, str]:
        """The case-insensitive lookup key (DuckDB folds identifier case)."""
        return (self.schema.lower(), self.name.lower())


# --- wall 1: the parse tree ------------------------------------------------------------------


def _syntax_error(exc: ParseError | TokenError) -> SandboxError:
    errors = getattr(exc, "errors", None) or []
    first = errors[0] if errors else {}
    line, col = first.get("line"), first.get("col")
    what = str(first.get("description") or exc).split("\n", 1)[0]
    highlight = str(first.get("highlight") or "")
    if isinstance(line, int) and isinstance(col, int):
        if highlight and "\n" not in highlight and col >= len(highlight):
            col = col - len(highlight) + 1  # sqlglot reports where the bad token ends
        return SandboxError(
            "syntax",
            f"SQL syntax error at line {line}, column {col}: {what}"
            f" / ไวยากรณ์ SQL ผิดที่บรรทัด {line} คอลัมน์ {col}",
            (line, col),
        )
    return SandboxError("syntax", f"SQL syntax error: {what} / ไวยากรณ์ SQL ผิด")


def function_name(node: exp.Func) -> str:
    """The lower-case name of a function call as the policy checks it."""
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    return node.sql_name().lower()


def sandbox_parse(sql: str) -> exp.Expr:
    """Parse exactly one statement (DuckDB dialect) or raise a bilingual :class:`SandboxError`."""
    if not sql or not sql.strip():
        raise SandboxError("statement", "The SQL is empty / ไม่มีคำสั่ง SQL")
    if len(sql) > MAX_SQL_LENGTH:
        raise SandboxError(
            "statement",
            f"The SQL is longer than {MAX_SQL_LENGTH} characters / คำสั่ง SQL ยาวเกิน {MAX_SQL_LENGTH} ตัวอักษร",
        )
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except (ParseError, TokenError) as exc:
        # DuckDB may know a statement sqlglot does not (EXPORT, IMPORT …): name the real problem.
        sandbox_check_duckdb_agrees(sql, syntax_errors=False)
        raise _syntax_error(exc) from exc
    except RecursionError as exc:
        raise SandboxError(
            "syntax", "The SQL is nested too deeply / คำสั่ง SQL ซ้อนกันลึกเกินไป"
        ) from exc
    if not statements:
        raise SandboxError("statement", "The SQL has no statement / ไม่มีคำสั่ง SQL")
    if len(statements) != 1:
        raise SandboxError(
            "statement",
            "Only one statement is allowed (found several) / อนุญาตเพียงคำสั่งเดียว (พบหลายคำสั่ง)",
        )
    return statements[0]


def sandbox_check_duckdb_agrees(sql: str, *, syntax_errors: bool = True) -> None:
    """Ask DuckDB's own parser too: one statement, of type SELECT.

    With ``syntax_errors=False`` SQL that DuckDB cannot parse passes here (the caller reports
    sqlglot's error, which carries a position).
    """
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        if not syntax_errors:
            return
        raise SandboxError(
            "syntax", f"SQL syntax error: {_first_line(exc)} / ไวยากรณ์ SQL ผิด"
        ) from exc
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        raise SandboxError(
            "statement",
            "Only a single SELECT or WITH query is allowed / อนุญาตเฉพาะคำสั่ง SELECT หรือ WITH เดียวเท่านั้น",
        )


def refuse_statement(kind: str) -> SandboxError:
    """The refusal of a statement that is not a single SELECT/WITH query."""
    return SandboxError(
        "statement",
        f"Only SELECT or WITH queries are allowed, not {kind} / อนุญาตเฉพาะคำสั่ง SELECT หรือ WITH ไม่อนุญาต {kind}",
    )


def _check_functions(tree: exp.Expr) -> None:
    for node in tree.find_all(exp.Func):
        name = function_name(node)
        if DENIED_FUNCTION.match(name):
            raise SandboxError(
                "function",
                f'Function "{name}" is not allowed in the sandbox / ไม่อนุญาตให้ใช้ฟังก์ชัน "{name}" ในแซนด์บ็อกซ์',
            )


def _table_function_check(node: exp.Table) -> None:
    func = node.this
    name = function_name(func) if isinstance(func, exp.Func) else type(func).__name__.lower()
    if name not in ALLOWED_TABLE_FUNCTIONS:
        raise SandboxError(
            "function",
            f'Table function "{name}" is not allowed; query the tables you were given'
            f' / ไม่อนุญาตฟังก์ชันตาราง "{name}" ให้สืบค้นจากตารางที่ได้รับอนุญาตเท่านั้น',
        )


def _unknown_table(written: str) -> SandboxError:
    return SandboxError(
        "table",
        f'Unknown table "{written}" (or you may not read it) / ไม่พบตาราง "{written}" (หรือไม่มีสิทธิ์อ่าน)',
    )


def _references(tree: exp.Expr) -> list[TableRef]:
    """Return the non-CTE tables ``tree`` reads, after refusing table functions and 3-part names."""
    cte_names = {str(cte.alias_or_name).lower() for cte in tree.find_all(exp.CTE)}
    refs: dict[tuple[str, str], TableRef] = {}
    for node in tree.find_all(exp.Table):
        if not isinstance(node.this, exp.Identifier):
            _table_function_check(node)
            continue
        name, schema, catalog = str(node.name), str(node.db or ""), str(node.catalog or "")
        if catalog:
            raise _unknown_table(f"{catalog}.{schema}.{name}")
        if not schema and name.lower() in cte_names:
            continue
        ref = TableRef(schema=schema or "main", name=name)
        refs.setdefault(ref.key, ref)
    return list(refs.values())


def sandbox_tables_referenced(*, sql: str) -> list[TableRef]:
    """Check ``sql`` against the statement policy and return the tables it reads.

    Callers that decide per table who may read what (the DataStore) use this to resolve names
    before calling :func:`sandbox_query`, which checks everything again.
    """
    tree = sandbox_parse(sql)
    if not isinstance(tree, exp.Query):
        raise refuse_statement(type(tree).__name__.upper())
    for node in tree.walk():
        if isinstance(node, FORBIDDEN_NODES):
            raise refuse_statement(type(node).__name__.upper())
    _check_functions(tree)
    refs = _references(tree)
    sandbox_check_duckdb_agrees(sql)
    return refs


# --- wall 2: the locked connection -------------------------------------------------------------


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _as_source(value: TableInput) -> TableSource:
    if isinstance(value, TableSource):
        return TableSource(
            path=Path(value.path).resolve(),
            masked=frozenset(c.lower() for c in value.masked),
        )
    return TableSource(path=Path(value).resolve())


def _normalised_tables(
    tables: Mapping[tuple[str, str], TableInput],
) -> dict[tuple[str, str], TableSource]:
    result: dict[tuple[str, str], TableSource] = {}
    for (schema, name), value in tables.items():
        key = ((schema or "main").lower(), name.lower())
        if key[0] in RESERVED_SCHEMAS:
            raise SandboxError(
                "table",
                f'Tables cannot be exposed under the reserved schema "{schema}" / ใช้ชื่อสคีมา "{schema}" ไม่ได้',
            )
        source = _as_source(value)
        if key in result and result[key] != source:
            raise SandboxError(
                "table",
                f'Two tables share the name "{schema}.{name}" / มีตารางชื่อ "{schema}.{name}" ซ้ำกัน',
            )
        result[key] = source
    return result


def source_view_sql(con: duckdb.DuckDBPyConnection, source: TableSource) -> str:
    """Return the ``SELECT`` a view of ``source`` runs: every column, masked ones as a typed ``NULL``.

    ``con`` must still be able to read the file (it reads the Parquet schema for the types).
    """
    scan = f"read_parquet({_literal(str(Path(source.path).resolve()))})"
    masked = {column.lower() for column in source.masked}
    if not masked:
        return f"SELECT * FROM {scan}"  # noqa: S608 - quoted literal
    described = con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()  # noqa: S608
    replaced = [
        f"CAST(NULL AS {column_type}) AS {_quote(column)}"
        for column, column_type, *_rest in described
        if str(column).lower() in masked
    ]
    if not replaced:
        return f"SELECT * FROM {scan}"  # noqa: S608
    return f"SELECT * REPLACE ({', '.join(replaced)}) FROM {scan}"  # noqa: S608


def _open_locked(
    tables: Mapping[tuple[str, str], TableInput], limits: SandboxLimits, spill: Path
) -> duckdb.DuckDBPyConnection:
    """Return an in-memory connection that can read exactly ``tables`` and nothing else."""
    sources = {key: _as_source(value) for key, value in tables.items()}
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute("SET python_enable_replacements = false")
        con.execute("SET autoinstall_known_extensions = false")
        con.execute("SET autoload_known_extensions = false")
        for (schema, name), source in sources.items():
            if schema != "main":
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {_quote(schema)}")
            view = f"{_quote(schema)}.{_quote(name)}"
            con.execute(f"CREATE VIEW {view} AS {source_view_sql(con, source)}")
        paths = ", ".join(_literal(p) for p in sorted({str(s.path) for s in sources.values()}))
        con.execute(f"SET allowed_paths = [{paths}]")
        con.execute(f"SET allowed_directories = [{_literal(str(spill) + '/')}]")
        con.execute(f"SET temp_directory = {_literal(str(spill))}")
        con.execute(f"SET max_temp_directory_size = '{int(limits.max_temp_mb)}MB'")
        con.execute(f"SET memory_limit = '{int(limits.memory_mb)}MB'")
        con.execute(f"SET threads = {max(1, int(limits.threads))}")
        con.execute("SET enable_external_access = false")
        con.execute("SET allow_community_extensions = false")
        con.execute("SET lock_configuration = true")
    except duckdb.Error as exc:
        con.close()
        raise SandboxError(
            "table", f"A table could not be opened: {_first_line(exc)} / เปิดตารางไม่ได้"
        ) from exc
    except BaseException:
        con.close()
        raise
    return con


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().split("\n", 1)[0]


def _scrub(message: str, tables: Mapping[tuple[str, str], TableSource], spill: Path) -> str:
    """Remove lake paths from DuckDB's messages: callers see table names, not our disk layout."""
    for (schema, name), source in tables.items():
        message = message.replace(str(source.path), f"{schema}.{name}")
    return message.replace(str(spill), "<tmp>")


@contextmanager
def time_limited(con: duckdb.DuckDBPyConnection, timeout_s: float) -> Iterator[None]:
    """Interrupt ``con`` after ``timeout_s``; the interruption surfaces as a bilingual timeout.

    Any other ``InterruptException`` (someone else interrupted) is re-raised unchanged.
    """
    fired = threading.Event()
    done = threading.Event()
    guard = threading.Lock()

    def interrupt() -> None:
        with guard:
            if done.is_set():
                return
            fired.set()
            con.interrupt()

    timer = threading.Timer(timeout_s, interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield
    except duckdb.InterruptException as exc:
        if fired.is_set():
            seconds = f"{timeout_s:g}"
            raise SandboxError(
                "timeout",
                f"The statement timed out after {seconds} s / คำสั่งใช้เวลาเกิน {seconds} วินาที",
            ) from exc
        raise
    finally:
        with guard:
            done.set()
        timer.cancel()


def _run(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: Sequence[Any] | Mapping[str, Any] | None,
    limits: SandboxLimits,
) -> tuple[list[Column], list[tuple[Any, ...]], bool]:
    with time_limited(con, limits.timeout_s):
        cursor = con.execute(sql, params) if params else con.execute(sql)
        columns = [Column(name=str(d[0]), type=str(d[1])) for d in cursor.description or []]
        rows = cursor.fetchmany(limits.max_rows + 1)
    truncated = len(rows) > limits.max_rows
    return columns, rows[: limits.max_rows], truncated


@dataclass
class _Locked:
    """A locked connection for one exact set of tables and limits, and its private spill folder."""

    con: duckdb.DuckDBPyConnection
    spill: Path
    tables: dict[tuple[str, str], TableSource]


POOL_SIZE = 8
"""Locked connections kept per process, one per distinct (tables, masks, limits); least recently used go."""

_pool: OrderedDict[tuple[Any, ...], _Locked] = OrderedDict()
_pool_lock = threading.Lock()


def _pool_key(
    exposed: Mapping[tuple[str, str], TableSource], limits: SandboxLimits
) -> tuple[Any, ...]:
    stamps = []
    for (schema, name), source in sorted(exposed.items()):
        path = source.path
        try:
            stat = path.stat()
        except OSError as exc:
            raise SandboxError(
                "table",
                f'The table "{schema}.{name}" has no data file / ไม่พบไฟล์ข้อมูลของตาราง "{schema}.{name}"',
            ) from exc
        masks = tuple(sorted(source.masked))
        stamps.append((schema, name, str(path), stat.st_mtime_ns, stat.st_size, masks))
    return (tuple(stamps), limits.memory_mb, limits.threads, limits.max_temp_mb)


def _close(locked: _Locked) -> None:
    try:
        locked.con.close()
    finally:
        shutil.rmtree(locked.spill, ignore_errors=True)


def _acquire(
    exposed: dict[tuple[str, str], TableSource], limits: SandboxLimits
) -> tuple[tuple[Any, ...], _Locked]:
    """Return the pooled locked connection for exactly these tables and limits, opening it if needed.

    Reuse is safe because the policy admits no statement that leaves state behind (no CREATE,
    SET, PREPARE, ATTACH …) and the locked configuration cannot be changed; files are keyed by
    modification time and size, so a new upload gets a new connection.
    """
    key = _pool_key(exposed, limits)
    with _pool_lock:
        locked = _pool.get(key)
        if locked is not None:
            _pool.move_to_end(key)
            return key, locked
        spill = Path(tempfile.mkdtemp(prefix="sandbox-", dir=tmp_dir()))
        try:
            locked = _Locked(con=_open_locked(exposed, limits, spill), spill=spill, tables=exposed)
        except BaseException:
            shutil.rmtree(spill, ignore_errors=True)
            raise
        _pool[key] = locked
        while len(_pool) > POOL_SIZE:
            _old, evicted = _pool.popitem(last=False)
            _close(evicted)
        return key, locked


def _discard(key: tuple[Any, ...]) -> None:
    with _pool_lock:
        locked = _pool.pop(key, None)
    if locked is not None:
        _close(locked)


def sandbox_reset() -> None:
    """Close every pooled connection and remove their spill folders (tests; process exit)."""
    with _pool_lock:
        pooled = list(_pool.values())
        _pool.clear()
    for locked in pooled:
        _close(locked)


atexit.register(sandbox_reset)


def _memory_error(limits: SandboxLimits) -> SandboxError:
    return SandboxError(
        "memory",
        f"The statement needed more than its memory limit ({limits.memory_mb} MB)"
        f" / คำสั่งใช้หน่วยความจำเกินขีดจำกัด ({limits.memory_mb} MB)",
    )


def _in_sandbox(
    sql: str,
    tables: Mapping[tuple[str, str], TableInput],
    limits: SandboxLimits,
    work: Callable[[duckdb.DuckDBPyConnection], _T],
) -> _T:
    """Check ``sql`` (both walls), then call ``work`` with a cursor of the locked connection.

    DuckDB errors become :class:`SandboxError` with lake paths scrubbed; a connection that
    timed out or ran out of memory is discarded.
    """
    exposed = _normalised_tables(tables)
    for ref in sandbox_tables_referenced(sql=sql):
        if ref.key not in exposed:
            raise _unknown_table(ref.name if ref.schema == "main" else f"{ref.schema}.{ref.name}")
    key, locked = _acquire(exposed, limits)
    cursor = locked.con.cursor()
    try:
        return work(cursor)
    except SandboxError:
        _discard(key)
        raise
    except duckdb.OutOfMemoryException as exc:
        _discard(key)
        raise _memory_error(limits) from exc
    except duckdb.Error as exc:
        detail = _scrub(str(exc).strip(), exposed, locked.spill)
        raise SandboxError("query", f"The query failed: {detail} / สืบค้นไม่สำเร็จ") from exc
    finally:
        cursor.close()


def sandbox_query(
    *,
    sql: str,
    tables: Mapping[tuple[str, str], TableInput],
    limits: SandboxLimits | None = None,
    params: Sequence[Any] | Mapping[str, Any] | None = None,
) -> QueryResult:
    """Run one read-only ``SELECT``/``WITH`` over ``tables`` inside the locked DuckDB.

    ``tables`` maps ``(schema, table)`` to a Parquet file (or a :class:`TableSource` with
    masked columns), exposed as the view ``"schema"."table"``; schema ``main`` (or an empty
    schema) is also reachable by the bare table name, e.g. CKAN's resource ids. Raises
    :class:`SandboxError` for SQL that is refused, fails, runs out of time or memory. A
    connection that timed out or ran out of memory is closed rather than reused.
    """
    limits = limits or SandboxLimits.from_settings()
    started = time.perf_counter()
    columns, rows, truncated = _in_sandbox(
        sql, tables, limits, lambda cursor: _run(cursor, sql, params, limits)
    )
    return QueryResult(
        columns=columns,
        rows=rows,
        truncated=truncated,
        elapsed_ms=(time.perf_counter() - started) * 1000.0,
    )


def sandbox_explain(
    *,
    sql: str,
    tables: Mapping[tuple[str, str], TableInput],
    limits: SandboxLimits | None = None,
) -> str:
    """Return DuckDB's physical plan for ``sql`` (checked like :func:`sandbox_query`, not run).

    ``EXPLAIN`` is added here, after the policy accepted the bare query, so callers never pass
    it themselves (the policy refuses anything but ``SELECT``/``WITH``).
    """
    limits = limits or SandboxLimits.from_settings()
    sandbox_parse(sql)  # refuse empty SQL and several statements before prefixing

    def explain(cursor: duckdb.DuckDBPyConnection) -> str:
        _columns, rows, _truncated = _run(cursor, f"EXPLAIN {sql}", None, limits)
        return "\n".join(str(row[-1]).rstrip() for row in rows)

    plan = _in_sandbox(sql, tables, limits, explain)
    exposed = _normalised_tables(tables)
    return _scrub(plan, exposed, tmp_dir())


def sandbox_describe(
    *,
    sql: str,
    tables: Mapping[tuple[str, str], TableInput],
    limits: SandboxLimits | None = None,
) -> list[Column]:
    """Return the columns ``sql`` would produce, binding it in the locked DuckDB without running it.

    Other engines use this to validate SQL exactly as DuckDB would and to name their result
    columns the way DuckDB does, so charts and exports do not depend on the engine.
    """
    limits = limits or SandboxLimits.from_settings()

    def describe(cursor: duckdb.DuckDBPyConnection) -> list[Column]:
        relation = cursor.sql(sql)
        if relation is None:
            raise refuse_statement("NOTHING")
        return [
            Column(name=str(name), type=str(kind))
            for name, kind in zip(relation.columns, relation.types, strict=True)
        ]

    return _in_sandbox(sql, tables, limits, describe)
