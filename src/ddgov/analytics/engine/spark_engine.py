"""The Spark engine: the same SQL on Apache Spark (PySpark classic), ``local[*]`` or a cluster.

One :class:`~pyspark.sql.SparkSession` per process, started on first use (the JVM takes ~10 s
to start). Each query gets ``newSession()`` so temporary views of concurrent queries never
meet; each table is ``spark.read.parquet(path)`` with masked columns replaced by a typed
``NULL`` before the view is registered, so Spark never hands out a masked value.

Before Spark sees a query, DuckDB checks it in the locked sandbox (policy, tables, binding;
nothing runs) and names the result columns, so results are named identically on both engines.
The SQL is then transpiled by sqlglot (:mod:`ddgov.analytics.engine.transpile`), checked again
for Spark-only dangers and run under a job group that a timer cancels at the time limit.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow.parquet as pq
from django.conf import settings

from ddgov.analytics.engine.base import EngineResult, flat_tables
from ddgov.analytics.engine.transpile import sql_to_spark
from ddgov.lake.sandbox import (
    Column,
    SandboxError,
    SandboxLimits,
    TableSource,
    sandbox_describe,
)
from ddgov.lake.storage import atomic_target

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import DataType

logger = logging.getLogger(__name__)

LOG4J_CONFIG = Path(__file__).with_name("spark-log4j2.properties")
"""Errors-only logging for the embedded driver JVM."""

SESSION_TIME_ZONE = "Asia/Bangkok"

CANCEL_RETRY_S = 0.25
"""How often a timed-out query's job group is cancelled again until the query returns."""

REAP_GRACE_S = 10.0
"""How long the tasks of a cancelled query may take to stop before a local JVM is restarted."""


def spark_type_name(data_type: DataType) -> str:
    """Return the DuckDB name of a Spark SQL type (``LongType`` → ``BIGINT`` …)."""
    from pyspark.sql import types as t  # noqa: PLC0415 - pyspark loads only with this engine

    simple: list[tuple[type[Any], str]] = [
        (t.BooleanType, "BOOLEAN"),
        (t.ByteType, "TINYINT"),
        (t.ShortType, "SMALLINT"),
        (t.IntegerType, "INTEGER"),
        (t.LongType, "BIGINT"),
        (t.FloatType, "FLOAT"),
        (t.DoubleType, "DOUBLE"),
        (t.StringType, "VARCHAR"),
        (t.CharType, "VARCHAR"),
        (t.VarcharType, "VARCHAR"),
        (t.BinaryType, "BLOB"),
        (t.DateType, "DATE"),
        (t.TimestampNTZType, "TIMESTAMP"),
        (t.TimestampType, "TIMESTAMP WITH TIME ZONE"),
        (t.NullType, '"NULL"'),
        (t.DayTimeIntervalType, "INTERVAL"),
        (t.YearMonthIntervalType, "INTERVAL"),
    ]
    for spark_type, name in simple:
        if isinstance(data_type, spark_type):
            return name
    if isinstance(data_type, t.DecimalType):
        return f"DECIMAL({data_type.precision},{data_type.scale})"
    if isinstance(data_type, t.ArrayType):
        return f"{spark_type_name(data_type.elementType)}[]"
    if isinstance(data_type, t.MapType):
        return f"MAP({spark_type_name(data_type.keyType)}, {spark_type_name(data_type.valueType)})"
    if isinstance(data_type, t.StructType):
        fields = ", ".join(f'"{f.name}" {spark_type_name(f.dataType)}' for f in data_type.fields)
        return f"STRUCT({fields})"
    return data_type.simpleString().upper()


_CAST_TARGETS = {
    "BOOLEAN": "boolean",
    "TINYINT": "tinyint",
    "SMALLINT": "smallint",
    "INTEGER": "int",
    "BIGINT": "bigint",
    "FLOAT": "float",
    "DOUBLE": "double",
    "VARCHAR": "string",
    "DATE": "date",
    "TIMESTAMP": "timestamp_ntz",
    "TIMESTAMP WITH TIME ZONE": "timestamp",
}
_DECIMAL = re.compile(r"^DECIMAL\((\d+),\s*(\d+)\)$")


_INTEGERS = frozenset({"TINYINT", "SMALLINT", "INTEGER", "BIGINT"})


def reported_type(*, spark_type: str, duckdb_type: str | None) -> str:
    """Return the DuckDB type name to report for a Spark result column.

    Spark's, except that a ``BIGINT`` where DuckDB has a ``HUGEINT`` (``sum`` of integers) is
    reported as DuckDB would, the values being Python ints either way.
    """
    if duckdb_type == "HUGEINT" and spark_type in _INTEGERS:
        return duckdb_type
    return spark_type


def spark_cast_target(duckdb_type: str) -> str | None:
    """Return the Spark type to cast to for a scalar DuckDB type, ``None`` for other types."""
    match = _DECIMAL.match(duckdb_type)
    if match:
        return f"decimal({match.group(1)},{match.group(2)})"
    return _CAST_TARGETS.get(duckdb_type)


def _python_value(value: Any, data_type: DataType) -> Any:
    """Turn a Spark value into what DuckDB would return (structs as dicts, aware timestamps)."""
    from pyspark.sql import Row  # noqa: PLC0415
    from pyspark.sql import types as t  # noqa: PLC0415

    if value is None:
        return None
    if isinstance(data_type, t.TimestampType) and isinstance(value, dt.datetime):
        return value.astimezone() if value.tzinfo is None else value
    if isinstance(value, Row):
        return value.asDict(recursive=True)
    if isinstance(data_type, t.ArrayType) and isinstance(value, list):
        return [_python_value(v, data_type.elementType) for v in value]
    return value


@dataclass
class _Root:
    """The process's SparkSession and its private scratch folder."""

    session: SparkSession
    scratch: Path


class SparkEngine:
    """Apache Spark through PySpark; see the module docstring."""

    name = "spark"

    def __init__(self) -> None:
        """Nothing starts here: the JVM starts on the first query (or ``ddgov engine info --check``)."""
        self._root: _Root | None = None
        self._lock = threading.Lock()

    # --- the session -------------------------------------------------------------------------

    @property
    def master(self) -> str:
        """The configured master URL (``DDGOV_SPARK_MASTER``)."""
        return str(getattr(settings, "DDGOV_SPARK_MASTER", "local[*]"))

    @property
    def driver_memory(self) -> str:
        """The configured driver memory (``DDGOV_SPARK_DRIVER_MEMORY``)."""
        return str(getattr(settings, "DDGOV_SPARK_DRIVER_MEMORY", "2g"))

    @property
    def started(self) -> bool:
        """Whether this process has started its SparkSession."""
        return self._root is not None

    def _start(self) -> _Root:
        from pyspark.logger import PySparkLogger  # noqa: PLC0415
        from pyspark.sql import SparkSession  # noqa: PLC0415

        local = self.master.startswith("local")
        scratch = Path(tempfile.mkdtemp(prefix="ddgov-spark-"))
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        if local:
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
            PySparkLogger.getLogger(name).setLevel(logging.CRITICAL)  # we report errors ourselves
        logging.getLogger("py4j").setLevel(logging.WARNING)
        builder = (
            SparkSession.builder.master(self.master)
            .appName("ddgov")
            .config("spark.driver.memory", self.driver_memory)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.runSQLOnFiles", "false")
            .config("spark.sql.catalogImplementation", "in-memory")
            .config("spark.sql.session.timeZone", SESSION_TIME_ZONE)
            .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
            .config("spark.sql.warehouse.dir", str(scratch / "warehouse"))
            .config("spark.local.dir", str(scratch / "local"))
            .config(
                "spark.driver.extraJavaOptions",
                f"-Dlog4j2.configurationFile=file:{LOG4J_CONFIG} -Djava.io.tmpdir={scratch}",
            )
        )
        if not local:  # executors whose tasks ignore a cancel are replaced by the cluster
            builder = builder.config("spark.task.reaper.enabled", "true").config(
                "spark.task.reaper.killTimeout", "120s"
            )
        if local:
            builder = (
                builder.config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", str(max(2, (os.cpu_count() or 2) * 2)))
            )
        try:
            session = builder.getOrCreate()
        except Exception as exc:
            shutil.rmtree(scratch, ignore_errors=True)
            raise SandboxError(
                "engine",
                f"Spark could not start: {str(exc).strip().splitlines()[0]} / เริ่ม Spark ไม่ได้",
            ) from exc
        session.sparkContext.setLogLevel("ERROR")
        return _Root(session=session, scratch=scratch)

    def session(self) -> SparkSession:
        """Return the process's root SparkSession, starting it on first use."""
        with self._lock:
            if self._root is None:
                self._root = self._start()
            return self._root.session

    def stop(self) -> None:
        """Stop the SparkSession (the next query starts a new one) and remove its scratch folder."""
        with self._lock:
            root, self._root = self._root, None
        if root is not None:
            try:
                with contextlib.suppress(Exception):  # a JVM that died cannot be stopped politely
                    root.session.stop()
            finally:
                shutil.rmtree(root.scratch, ignore_errors=True)

    # --- one query ---------------------------------------------------------------------------

    def _views(self, tables: Mapping[str, TableSource]) -> tuple[SparkSession, dict[str, str]]:
        """Return a fresh session holding one temp view per table, and path → name for scrubbing."""
        from pyspark.sql import functions as f  # noqa: PLC0415

        session = self.session().newSession()
        paths: dict[str, str] = {}
        for (_schema, name), source in flat_tables(tables).items():
            path = str(Path(source.path).resolve())
            paths[path] = name
            frame = session.read.parquet(path)
            masked = {c.lower() for c in source.masked}
            if masked:
                frame = frame.select(
                    *[
                        f.lit(None).cast(field.dataType).alias(field.name)
                        if field.name.lower() in masked
                        else f.col(_quoted(field.name))
                        for field in frame.schema.fields
                    ]
                )
            frame.createOrReplaceTempView(name)
        return session, paths

    def _prepare(
        self, sql: str, tables: Mapping[str, TableSource], limits: SandboxLimits
    ) -> tuple[SparkSession, str, list[Column], dict[str, str]]:
        columns = sandbox_describe(sql=sql, tables=flat_tables(tables), limits=limits)
        spark_sql = sql_to_spark(sql=sql)
        session, paths = self._guard(lambda: self._views(tables), limits, paths={}, group=None)
        return session, spark_sql, columns, paths

    def _frame(self, session: SparkSession, spark_sql: str, columns: list[Column]) -> DataFrame:
        """Run ``spark_sql`` lazily, with DuckDB's column names and scalar types where they differ.

        The values are Spark's; only the final representation follows DuckDB (``avg`` of a
        decimal is a ``DOUBLE``, ``year()`` a ``BIGINT``, ``sum`` of ``DECIMAL(10,2)`` a
        ``DECIMAL(38,2)``), so results, charts and Parquet outputs do not depend on the engine.
        """
        from pyspark.sql import functions as f  # noqa: PLC0415

        frame = session.sql(spark_sql)
        names = [c.name for c in columns]
        if len(frame.columns) != len(columns):
            return frame
        frame = frame.toDF(*names)
        if len({n.lower() for n in names}) != len(names):
            return frame
        aligned = []
        changed = False
        for field, column in zip(frame.schema.fields, columns, strict=True):
            ref = f.col(_quoted(field.name))
            target = spark_cast_target(column.type)
            if target is not None and spark_type_name(field.dataType) != column.type:
                ref = ref.cast(target).alias(field.name)
                changed = True
            aligned.append(ref)
        return frame.select(*aligned) if changed else frame

    def _guard(
        self,
        work: Any,
        limits: SandboxLimits,
        *,
        paths: Mapping[str, str],
        group: str | None,
    ) -> Any:
        """Run ``work()``; cancel its Spark jobs at the time limit; map Spark's errors.

        Cancelling a job group only stops jobs already submitted, and Spark may still be
        planning when the limit passes, so once fired the group is cancelled again every
        :data:`CANCEL_RETRY_S` until ``work()`` returns.
        """
        fired = threading.Event()
        done = threading.Event()
        context = self.session().sparkContext

        def watch() -> None:
            if group is None or done.wait(limits.timeout_s):
                return
            fired.set()
            while not done.is_set():
                try:
                    context.cancelJobGroup(group)
                except Exception:  # noqa: BLE001 - the session went away: nothing left to stop
                    return
                done.wait(CANCEL_RETRY_S)

        if group is not None:
            context.setJobGroup(group, "ddgov analytics query", interruptOnCancel=True)
        watcher = threading.Thread(target=watch, name=f"ddgov-spark-timeout-{group}", daemon=True)
        watcher.start()
        try:
            return work()
        except SandboxError:
            raise
        except Exception as exc:
            error = self._error(exc, limits, paths, timed_out=fired.is_set())
            if error.code == "timeout" and group is not None:
                self._reap_later(group)
            raise error from exc
        finally:
            done.set()
            if group is not None:
                with contextlib.suppress(Exception):  # the JVM may have been replaced meanwhile
                    context.setLocalProperty("spark.jobGroup.id", None)  # type: ignore[arg-type]

    def _reap_later(self, group: str) -> None:
        """Restart a local JVM whose cancelled tasks are still running after a grace period.

        Spark stops a cancelled task only where it checks for interruption (between input
        batches); a task stuck inside one batch, such as a cross join that multiplies a small
        table, would keep a core busy until it ends. On a cluster the task reaper replaces such
        executors; in local mode the executor is this process's JVM, so it is replaced here
        (queries running at that moment fail; the next query starts a new JVM).
        """
        if not self.master.startswith("local"):
            return

        def reap() -> None:
            time.sleep(REAP_GRACE_S)
            root = self._root
            if root is None or _active_tasks(root.session, group) == 0:
                return
            logger.warning("Spark tasks of cancelled query %s ignore the cancel; restarting", group)
            self._kill_jvm(root)

        threading.Thread(target=reap, name=f"ddgov-spark-reaper-{group}", daemon=True).start()

    def _kill_jvm(self, root: _Root) -> None:
        """Kill this process's Spark JVM so the next query starts a fresh one."""
        from pyspark import SparkContext  # noqa: PLC0415
        from pyspark.sql import SparkSession  # noqa: PLC0415

        with self._lock:
            if self._root is not root:
                return
            self._root = None
            gateway = SparkContext._gateway
            process = getattr(gateway, "proc", None)
            if process is not None:
                process.kill()
                process.wait(timeout=30)
            context = root.session.sparkContext
            context._jsc = None  # the JVM is gone: no stop() call
            accumulators = getattr(context, "_accumulatorServer", None)
            if accumulators is not None:
                accumulators.shutdown()
            if gateway is not None:
                with contextlib.suppress(Exception):
                    gateway.close()
            SparkSession._instantiatedSession = None
            SparkSession._activeSession = None
            SparkContext._active_spark_context = None
            SparkContext._gateway = None
            SparkContext._jvm = None
            shutil.rmtree(root.scratch, ignore_errors=True)

    def _error(
        self, exc: Exception, limits: SandboxLimits, paths: Mapping[str, str], *, timed_out: bool
    ) -> SandboxError:
        from py4j.protocol import Py4JError, Py4JJavaError  # noqa: PLC0415

        if isinstance(exc, Py4JJavaError):
            text = str(exc.java_exception.toString())
        else:
            text = str(getattr(exc, "getMessage", lambda: str(exc))() or exc)
        if timed_out or "SPARK_JOB_CANCELLED" in text:
            seconds = f"{limits.timeout_s:g}"
            return SandboxError(
                "timeout",
                f"The statement timed out after {seconds} s / คำสั่งใช้เวลาเกิน {seconds} วินาที",
            )
        if "OutOfMemoryError" in text:
            return SandboxError(
                "memory",
                f"The statement needed more memory than Spark's driver has ({self.driver_memory})"
                f" / คำสั่งใช้หน่วยความจำเกินที่ Spark มี ({self.driver_memory})",
            )
        if isinstance(exc, Py4JError) and not isinstance(exc, Py4JJavaError):
            self.stop()  # the JVM went away: start afresh next time
        detail = _scrub(_first_lines(text), paths)
        return SandboxError("query", f"The query failed: {detail} / สืบค้นไม่สำเร็จ")

    # --- the Engine interface ----------------------------------------------------------------

    def execute(
        self, *, sql: str, tables: Mapping[str, TableSource], limits: SandboxLimits
    ) -> EngineResult:
        """Run ``sql`` on Spark and return at most ``limits.max_rows`` rows."""
        started = time.perf_counter()
        session, spark_sql, columns, paths = self._prepare(sql, tables, limits)

        def run() -> tuple[list[Column], list[tuple[Any, ...]]]:
            frame = self._frame(session, spark_sql, columns)
            fields = frame.schema.fields
            rows = frame.take(limits.max_rows + 1)
            expected = [c.type for c in columns] if len(columns) == len(fields) else []
            return (
                [
                    Column(
                        name=fld.name,
                        type=reported_type(
                            spark_type=spark_type_name(fld.dataType),
                            duckdb_type=expected[i] if expected else None,
                        ),
                    )
                    for i, fld in enumerate(fields)
                ],
                [
                    tuple(
                        _python_value(v, fld.dataType) for v, fld in zip(row, fields, strict=True)
                    )
                    for row in rows
                ],
            )

        result_columns, rows = self._guard(run, limits, paths=paths, group=_group())
        return EngineResult(
            columns=result_columns,
            rows=rows[: limits.max_rows],
            truncated=len(rows) > limits.max_rows,
            elapsed_ms=(time.perf_counter() - started) * 1000.0,
            engine=self.name,
        )

    def explain(self, *, sql: str, tables: Mapping[str, TableSource], limits: SandboxLimits) -> str:
        """Return Spark's formatted physical plan, lake paths replaced by table names."""
        session, spark_sql, columns, paths = self._prepare(sql, tables, limits)

        def plan() -> str:
            self._frame(session, spark_sql, columns)  # analysis errors surface as query errors
            return str(session.sql(f"EXPLAIN FORMATTED {spark_sql}").collect()[0][0])

        return _scrub(self._guard(plan, limits, paths=paths, group=_group()), paths)

    def write_parquet(
        self, *, sql: str, tables: Mapping[str, TableSource], target: Path, limits: SandboxLimits
    ) -> int:
        """Write the whole result as one Parquet file at ``target`` (atomically); return the rows."""
        session, spark_sql, columns, paths = self._prepare(sql, tables, limits)
        root = self._root
        scratch = Path(tempfile.mkdtemp(prefix="write-", dir=root.scratch if root else None))
        try:
            out = scratch / "out"

            def write() -> None:
                frame = self._frame(session, spark_sql, columns)
                frame.coalesce(1).write.mode("overwrite").parquet(str(out))

            self._guard(write, limits, paths=paths, group=_group())
            parts = sorted(out.glob("part-*.parquet"))
            if len(parts) != 1:
                raise SandboxError(
                    "query",
                    f"Spark wrote {len(parts)} files instead of one / Spark เขียนไฟล์ {len(parts)} ไฟล์แทนที่จะเป็นไฟล์เดียว",
                )
            with atomic_target(target) as tmp:
                shutil.move(str(parts[0]), str(tmp))
                rows = pq.ParquetFile(tmp).metadata.num_rows
            return int(rows)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def info(self) -> dict[str, Any]:
        """Settings and versions, without starting a JVM (``java`` is found on ``PATH``)."""
        from pyspark import __version__ as pyspark_version  # noqa: PLC0415

        return {
            "name": self.name,
            "master": self.master,
            "driver_memory": self.driver_memory,
            "session_time_zone": SESSION_TIME_ZONE,
            "pyspark_version": pyspark_version,
            "java": _java_version(),
            "running": self.started,
        }

    def check(self) -> dict[str, Any]:
        """Start Spark if needed and run ``SELECT 1``; return the Spark version and timings."""
        started = time.perf_counter()
        session = self.session()
        startup_ms = (time.perf_counter() - started) * 1000.0
        ran = time.perf_counter()
        value = session.newSession().sql("SELECT 1 AS ok").collect()[0][0]
        return {
            "ok": value == 1,
            "spark_version": session.version,
            "startup_ms": round(startup_ms, 1),
            "query_ms": round((time.perf_counter() - ran) * 1000.0, 1),
        }


def _active_tasks(session: SparkSession, group: str) -> int:
    """Count the tasks still running for ``group``'s jobs (0 when Spark cannot tell)."""
    try:
        tracker = session.sparkContext.statusTracker()
        count = 0
        for job_id in tracker.getJobIdsForGroup(group):
            job = tracker.getJobInfo(job_id)
            for stage_id in job.stageIds if job else []:
                stage = tracker.getStageInfo(stage_id)
                count += stage.numActiveTasks if stage else 0
    except Exception:  # noqa: BLE001 - a stopped session has no tasks
        return 0
    return count


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _group() -> str:
    return f"ddgov-{uuid.uuid4().hex}"


def _first_lines(text: str) -> str:
    """The error's message without the stack trace or Spark's SQL excerpt."""
    lines = []
    for line in text.strip().splitlines():
        if line.startswith(("\tat ", "== SQL", "== DataFrame")) or line.strip().startswith("at "):
            break
        lines.append(line.strip())
    message = " ".join(line for line in lines if line)
    for prefix in ("org.apache.spark.sql.AnalysisException: ", "org.apache.spark.SparkException: "):
        message = message.replace(prefix, "")
    return message[:1000]


def _scrub(message: str, paths: Mapping[str, str]) -> str:
    for path, name in paths.items():
        message = message.replace(f"file:{path}", name).replace(path, name)
    return message


def _java_version() -> str | None:
    """The ``java`` on ``PATH``'s version from its ``release`` file (no JVM is started)."""
    java = shutil.which("java")
    home = os.environ.get("JAVA_HOME")
    candidates = [Path(home)] if home else []
    if java:
        candidates.append(Path(java).resolve().parent.parent)
    for candidate in candidates:
        release = candidate / "release"
        if release.is_file():
            for line in release.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.startswith("JAVA_VERSION="):
                    return line.split("=", 1)[1].strip().strip('"')
    return None


def _stop_all() -> None:
    from ddgov.analytics.engine import _engines  # noqa: PLC0415

    engine = _engines.get("spark")
    if isinstance(engine, SparkEngine):
        engine.stop()


atexit.register(_stop_all)
