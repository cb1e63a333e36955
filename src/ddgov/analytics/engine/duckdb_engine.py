"""The DuckDB engine: the default, in-process, memory-limited and spilling to the lake's temp folder.

Reads go through the locked sandbox (:mod:`ddgov.lake.sandbox`), so the analytics layer gets
the same two walls as the DataStore. :meth:`DuckDBEngine.write_parquet` is for trusted pipeline
SQL: it still passes the statement policy, but runs on a private connection (no pooling) with
the same memory, thread and spill limits and writes the file atomically.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq

from ddgov.analytics.engine.base import EngineResult, flat_tables
from ddgov.lake.sandbox import (
    SandboxError,
    SandboxLimits,
    TableSource,
    sandbox_explain,
    sandbox_query,
    sandbox_tables_referenced,
    source_view_sql,
    time_limited,
)
from ddgov.lake.storage import atomic_target, tmp_dir


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _check_tables(sql: str, tables: Mapping[str, TableSource]) -> None:
    known = {name.lower() for name in tables}
    for ref in sandbox_tables_referenced(sql=sql):
        if ref.schema.lower() != "main" or ref.name.lower() not in known:
            written = ref.name if ref.schema == "main" else f"{ref.schema}.{ref.name}"
            raise SandboxError(
                "table",
                f'Unknown table "{written}" (or you may not read it)'
                f' / ไม่พบตาราง "{written}" (หรือไม่มีสิทธิ์อ่าน)',
            )


class DuckDBEngine:
    """DuckDB in this process; see the module docstring."""

    name = "duckdb"

    def execute(
        self, *, sql: str, tables: Mapping[str, TableSource], limits: SandboxLimits
    ) -> EngineResult:
        """Run ``sql`` in the locked sandbox over ``tables`` (flat names)."""
        started = time.perf_counter()
        result = sandbox_query(sql=sql, tables=flat_tables(tables), limits=limits)
        return EngineResult(
            columns=result.columns,
            rows=result.rows,
            truncated=result.truncated,
            elapsed_ms=(time.perf_counter() - started) * 1000.0,
            engine=self.name,
        )

    def explain(self, *, sql: str, tables: Mapping[str, TableSource], limits: SandboxLimits) -> str:
        """Return DuckDB's physical plan (``EXPLAIN``) from the locked sandbox."""
        return sandbox_explain(sql=sql, tables=flat_tables(tables), limits=limits)

    def write_parquet(
        self, *, sql: str, tables: Mapping[str, TableSource], target: Path, limits: SandboxLimits
    ) -> int:
        """Write the whole result of trusted ``sql`` to ``target`` atomically; return the rows.

        ``limits.max_rows`` does not apply (pipeline outputs are whole tables); the time, memory,
        thread and spill limits do.
        """
        _check_tables(sql, tables)
        flat = flat_tables(tables)
        spill = Path(tempfile.mkdtemp(prefix="engine-", dir=tmp_dir()))
        con = duckdb.connect(":memory:")
        try:
            con.execute("SET enable_progress_bar = false")
            con.execute("SET python_enable_replacements = false")
            con.execute("SET autoinstall_known_extensions = false")
            con.execute("SET autoload_known_extensions = false")
            con.execute(f"SET temp_directory = {_literal(str(spill))}")
            con.execute(f"SET max_temp_directory_size = '{int(limits.max_temp_mb)}MB'")
            con.execute(f"SET memory_limit = '{int(limits.memory_mb)}MB'")
            con.execute(f"SET threads = {max(1, int(limits.threads))}")
            for (_schema, name), source in flat.items():
                con.execute(f"CREATE VIEW {_quote(name)} AS {source_view_sql(con, source)}")
            with atomic_target(target) as tmp:
                _copy(con, sql, tmp, limits)
                rows = pq.ParquetFile(tmp).metadata.num_rows
            return int(rows)
        except duckdb.OutOfMemoryException as exc:
            raise SandboxError(
                "memory",
                f"The statement needed more than its memory limit ({limits.memory_mb} MB)"
                f" / คำสั่งใช้หน่วยความจำเกินขีดจำกัด ({limits.memory_mb} MB)",
            ) from exc
        except duckdb.Error as exc:
            detail = str(exc).strip()
            for source in flat.values():
                detail = detail.replace(str(Path(source.path).resolve()), "<table>")
            raise SandboxError("query", f"The query failed: {detail} / สืบค้นไม่สำเร็จ") from exc
        finally:
            con.close()
            shutil.rmtree(spill, ignore_errors=True)

    def info(self) -> dict[str, Any]:
        """Name and DuckDB version (the limits are the sandbox's, shown by ``engine_info``)."""
        return {"name": self.name, "version": duckdb.__version__, "in_process": True}


def _copy(con: duckdb.DuckDBPyConnection, sql: str, target: Path, limits: SandboxLimits) -> None:
    """``COPY (sql) TO target`` with the time limit enforced by interrupting the connection."""
    with time_limited(con, limits.timeout_s):
        con.sql(sql).write_parquet(str(target))
