# ruff: noqa: S608 - SQL is built from quoted identifiers and our own constants only
"""The anonymisation's heavy passes on the analytics engine layer (Apache Spark to scale out).

With ``engine="duckdb"`` (the default) :mod:`ddgov.governance.anonymize.engine` runs everything
in one in-process DuckDB, unchanged. With another engine the run is hybrid:

* the source stays a Parquet file (a CSV is converted once): DuckDB's ``src`` is a *view* over
  it, so validation, hierarchies, the identifier check and the sensitive dictionaries read
  single columns and nothing loads every row into the local process;
* **encode** — the one pass that joins every raw row to the hierarchies and groups it into
  ``base`` — runs on the engine (``engine.write_parquet``) with the hierarchy and dictionary
  tables written to temp Parquet files; ``base`` (small) is then loaded into DuckDB, where the
  lattice search runs as before;
* **write** — the chosen node's release — runs on the engine too, unless a column is redacted
  (free-text redaction is a Python step: that write stays in DuckDB).

The engine joins raw values to the hierarchy tables on the *typed* value (``IS NOT DISTINCT
FROM``), never on a text cast, so Spark's and DuckDB's different number and time formatting
cannot change a code; every text the release or the search uses was made by DuckDB. Both
passes are checked: ``base`` must count every source row once and the release must hold exactly
the rows of the kept classes, else the run stops with a bilingual error.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
from django.conf import settings

from ddgov.governance.anonymize.hierarchies import NULL_KEY, quote
from ddgov.governance.anonymize.spec import AnonymizeError

if TYPE_CHECKING:
    from ddgov.analytics.engine.base import Engine
    from ddgov.governance.anonymize.engine import Context

ENGINE_TIMEOUT_S = 24 * 3600.0
"""An anonymisation job runs to the end: the engine's interactive time limit does not apply."""

_TWO_64 = "18446744073709551616::HUGEINT"


def engine_choose(*, name: str | None) -> str:
    """The engine a run uses: ``name``, else the setting ``DDGOV_ENGINE`` (default ``duckdb``)."""
    chosen = (name or str(getattr(settings, "DDGOV_ENGINE", "duckdb")) or "duckdb").lower()
    if chosen == "duckdb":
        return chosen  # the in-process run needs nothing from the engine layer
    from ddgov.analytics.engine import engine_names  # noqa: PLC0415 - loads sqlglot

    if chosen not in engine_names():
        known = ", ".join(engine_names())
        raise AnonymizeError(
            f'Unknown engine "{name or chosen}" (known: {known}). / '
            f'ไม่รู้จักเอนจิน "{name or chosen}" (ที่มี: {known})',
            field="engine",
        )
    return chosen


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


@dataclasses.dataclass
class ScaleOut:
    """One run's engine, scratch folder (temp Parquet files) and the source as Parquet."""

    engine_name: str
    scratch: Path
    source: Path = Path()
    timing: dict[str, float] = dataclasses.field(default_factory=dict)

    @classmethod
    def open(cls, *, engine_name: str) -> ScaleOut:
        """A scratch folder in the lake's temp area (shared storage when the lake is)."""
        from ddgov.lake.storage import tmp_dir  # noqa: PLC0415

        scratch = Path(tempfile.mkdtemp(prefix="anonymize-", dir=tmp_dir()))
        return cls(engine_name=engine_name, scratch=scratch)

    def close(self) -> None:
        """Remove the temp Parquet files."""
        shutil.rmtree(self.scratch, ignore_errors=True)

    def engine(self) -> Engine:
        """The engine layer's engine (Spark starts its JVM on the first pass)."""
        from ddgov.analytics.engine import engine_get  # noqa: PLC0415

        return engine_get(name=self.engine_name)

    def run(self, *, sql: str, tables: Mapping[str, Path], target: Path) -> int:
        """Write ``sql`` over ``tables`` to ``target`` on the engine; its errors are bilingual."""
        from ddgov.analytics.engine.base import TableSource  # noqa: PLC0415
        from ddgov.lake.sandbox import SandboxError, SandboxLimits  # noqa: PLC0415

        limits = dataclasses.replace(SandboxLimits.from_settings(), timeout_s=ENGINE_TIMEOUT_S)
        sources: dict[str, TableSource] = {n: TableSource(path=p) for n, p in tables.items()}
        try:
            return self.engine().write_parquet(
                sql=sql, tables=sources, target=target, limits=limits
            )
        except SandboxError as exc:
            raise AnonymizeError(
                f"The anonymisation failed on the {self.engine_name} engine: {exc.message} / "
                f"การทำข้อมูลนิรนามบนเอนจิน {self.engine_name} ไม่สำเร็จ",
                field="engine",
            ) from exc

    def export(self, con: duckdb.DuckDBPyConnection, *, sql: str, name: str) -> Path:
        """Write a local DuckDB query to a temp Parquet file the engine reads."""
        path = self.scratch / f"{name}.parquet"
        con.execute(f"COPY ({sql}) TO {_literal(path)} (FORMAT parquet)")
        return path


def source_attach(
    con: duckdb.DuckDBPyConnection, *, scale: ScaleOut, source: Path, source_sql: str
) -> None:
    """Make ``src`` a view over the source as Parquet (a CSV is converted into the scratch folder)."""
    if source.suffix.lower() == ".parquet":
        scale.source = source.resolve()
    else:
        scale.source = scale.scratch / "src.parquet"
        con.execute(
            f"COPY (SELECT * FROM {source_sql}) TO {_literal(scale.source)} (FORMAT parquet)"
        )
    con.execute(f"CREATE TEMP VIEW src AS SELECT * FROM read_parquet({_literal(scale.source)})")


def _unique_values(con: duckdb.DuckDBPyConnection, table: str, column: str) -> None:
    """Refuse values DuckDB tells apart as text but not as typed values (``-0.0`` and ``0.0``)."""
    row = con.execute(
        f"SELECT count(*), count(DISTINCT v) + max(CASE WHEN v IS NULL THEN 1 ELSE 0 END) "
        f"FROM {table}"
    ).fetchone()
    rows, distinct = (row or (0, 0))[0], (row or (0, 0))[1] or 0
    if rows != distinct:
        raise AnonymizeError(
            f"Column {column} has values that only differ in their text form; use the duckdb "
            f"engine. / คอลัมน์ {column} มีค่าที่ต่างกันเฉพาะรูปแบบข้อความ กรุณาใช้เอนจิน duckdb",
            field="engine",
        )


def encode_on_engine(ctx: Context, scale: ScaleOut) -> None:
    """Build ``base`` on the engine from the hierarchy tables ``h*`` and dictionaries ``gdist*``.

    Same columns, types and rows as the DuckDB encode (``bit`` flags travel as signed BIGINT:
    Parquet readers see UBIGINT as a decimal, and bit 63 must survive).
    """
    con = ctx.con
    tables: dict[str, Path] = {"src": scale.source}
    selects: list[str] = []
    joins: list[str] = []
    group: list[str] = []
    for i, (column, built) in enumerate(zip(ctx.spec.quasi, ctx.built, strict=True)):
        _unique_values(con, built.table, column)
        tables[built.table] = scale.export(
            con, sql=f"SELECT * FROM {built.table}", name=built.table
        )
        joins.append(
            f"JOIN {built.table} ON {built.table}.v IS NOT DISTINCT FROM src.{quote(column)}"
        )
        for level in range(built.levels):
            selects.append(f"{built.table}.c{level} AS q{i}_{level}")
            group.append(f"{built.table}.c{level}")
    for j, column in enumerate(ctx.spec.sensitive):
        name = f"sv{j}"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT d.v, g.s{j}, "
            f"CAST(g.bit::HUGEINT - CASE WHEN g.bit >= (CAST(1 AS UBIGINT) << 63) "
            f"THEN {_TWO_64} ELSE 0 END AS BIGINT) AS bit "
            f"FROM (SELECT DISTINCT {quote(column)} AS v FROM src) d "
            f"JOIN gdist{j} g ON g.s{j} = coalesce(CAST(d.v AS VARCHAR), '{NULL_KEY}')"
        )
        _unique_values(con, name, column)
        tables[name] = scale.export(con, sql=f"SELECT * FROM {name}", name=name)
        joins.append(f"JOIN {name} ON {name}.v IS NOT DISTINCT FROM src.{quote(column)}")
        if ctx.bits:
            selects.append(f"bit_or({name}.bit) AS b{j}")
        else:
            selects.append(f"{name}.s{j} AS s{j}")
            group.append(f"{name}.s{j}")
    target = scale.scratch / "base.parquet"
    scale.run(
        sql=f"SELECT {', '.join(selects)}, count(*) AS n FROM src {' '.join(joins)} "
        f"GROUP BY {', '.join(group)}",
        tables=tables,
        target=target,
    )
    columns = [s.rsplit(" AS ", 1)[1] for s in selects]
    loaded = [
        f"CAST({c}::HUGEINT + CASE WHEN {c} < 0 THEN {_TWO_64} ELSE 0 END AS UBIGINT) AS {c}"
        if c.startswith("b")
        else c
        for c in columns
    ]
    con.execute(
        f"CREATE TEMP TABLE base AS SELECT {', '.join(loaded)}, n FROM read_parquet({_literal(target)})"
    )
    counted = con.execute("SELECT coalesce(sum(n), 0) FROM base").fetchone()
    if int((counted or (0,))[0]) != ctx.rows:
        raise AnonymizeError(
            f"The {scale.engine_name} engine grouped {int((counted or (0,))[0])} of {ctx.rows} rows; "
            f"nothing was written. / เอนจิน {scale.engine_name} จัดกลุ่มได้ "
            f"{int((counted or (0,))[0])} จาก {ctx.rows} แถว จึงไม่ได้เขียนไฟล์ใด",
            field="engine",
        )


def release_on_engine(
    ctx: Context, scale: ScaleOut, *, node: tuple[int, ...], plan: dict[str, str], target: Path
) -> None:
    """Write the chosen node's release to ``target`` (Parquet) on the engine; check its rows.

    The same columns, labels and order as the DuckDB write (``_output_sql``), with ``keep`` (the
    classes kept, built locally) passed as a table; no column may be redacted.
    """
    con = ctx.con
    keys = ctx.codes(node)
    tables: dict[str, Path] = {
        "src": scale.source,
        "keep": scale.export(con, sql="SELECT * FROM keep", name="keep"),
    }
    quasi_index = {c: i for i, c in enumerate(ctx.spec.quasi)}
    selects: list[str] = []
    joins: list[str] = []
    for column in ctx.columns:
        action = plan.get(column, "keep")
        if column in quasi_index:
            i = quasi_index[column]
            table = ctx.built[i].table
            tables[table] = scale.scratch / f"{table}.parquet"
            selects.append(f"{table}.g{node[i]} AS {quote(column)}")
            joins.append(f"JOIN {table} ON {table}.v IS NOT DISTINCT FROM src.{quote(column)}")
        elif action != "drop":
            selects.append(f"src.{quote(column)}")
    on = " AND ".join(f"keep.{key} = {ctx.built[i].table}.c{node[i]}" for i, key in enumerate(keys))
    order = ", ".join(f"{b.table}.c{node[i]}" for i, b in enumerate(ctx.built))
    written = scale.run(
        sql=f"SELECT {', '.join(selects)} FROM src {' '.join(joins)} JOIN keep ON {on} "
        f"ORDER BY {order}",
        tables=tables,
        target=target,
    )
    expected_row = con.execute(
        f"SELECT coalesce(sum(n), 0) FROM base JOIN keep USING ({', '.join(keys)})"
    ).fetchone()
    expected = int((expected_row or (0,))[0])
    if written != expected:
        target.unlink(missing_ok=True)
        raise AnonymizeError(
            f"The {scale.engine_name} engine wrote {written} rows instead of {expected}; "
            f"nothing was kept. / เอนจิน {scale.engine_name} เขียน {written} แถวแทนที่จะเป็น "
            f"{expected} แถว จึงไม่เก็บไฟล์ไว้",
            field="engine",
        )


def release_place(
    con: duckdb.DuckDBPyConnection,
    *,
    written: Path,
    out: Path | None,
    write: Callable[[duckdb.DuckDBPyConnection, str, Path], None],
) -> None:
    """Expose the engine's release as ``released`` (for the report) and put it at ``out``.

    A Parquet ``out`` gets the engine's file byte for byte (copied next to it, then renamed);
    a CSV is written from it by DuckDB with ``write``, exactly as the DuckDB engine writes one.
    """
    con.execute(f"CREATE TEMP VIEW released AS SELECT * FROM read_parquet({_literal(written)})")
    if out is None:
        return
    out = Path(out)
    if out.suffix.lower() != ".parquet":
        write(con, "SELECT * FROM released", out)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=out.parent, prefix=".anonymize-", suffix=out.suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        shutil.copyfile(written, tmp)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
