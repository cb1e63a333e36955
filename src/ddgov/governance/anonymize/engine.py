# ruff: noqa: S608 - SQL is built from quoted identifiers and our own constants only
"""The anonymisation engine: k-anonymity, l-diversity and t-closeness by generalisation on DuckDB.

One run, all in one in-memory DuckDB connection:

1. **load** the CSV/Parquet source as table ``src`` and **validate** the spec against it (unknown
   columns, impossible k or l, t out of range, hierarchies that do not cover a value) — every
   refusal is an :class:`AnonymizeError` raised before any search or write;
2. **encode**: one hierarchy table per quasi-identifier (``hierarchies.py``) and ``base``, the
   source grouped by every level's integer code plus the sensitive values (a frequency table, so
   later queries never touch the raw rows again);
3. **search** the generalisation lattice (``search.py``): each node is a ``GROUP BY`` over
   ``base``, or over a smaller *hub* table it rolls up from, returning one row of statistics
   (class sizes, distinct sensitive values, for t class distributions); classes that miss a
   goal are suppressed if the suppressed rows stay within the budget;
4. **write** the chosen node (generalised labels, suppressed classes left out, direct
   identifiers dropped, free text redacted) to a temp file renamed into place, and
5. **report** achieved k/l/t, suppression, re-identification risk before and after and
   information loss per column (``report.py``).
"""

from __future__ import annotations

import math
import os
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ddgov.governance.anonymize import scaleout
from ddgov.governance.anonymize.hierarchies import (
    NULL_KEY,
    Built,
    hierarchy_build,
    hierarchy_suggest,
    quote,
)
from ddgov.governance.anonymize.identifiers import identifiers_classify, redact_column
from ddgov.governance.anonymize.report import report_build
from ddgov.governance.anonymize.scaleout import ScaleOut
from ddgov.governance.anonymize.search import Lattice, NodeStats, lattice_search
from ddgov.governance.anonymize.spec import AnonymizeError, AnonymizeSpec, HierarchySpec

Progress = Callable[[float, str], None]
MAX_BITS = 64
HUB_SHRINK = 8  # build a hub when it is expected to hold at most 1/8 of its source's rows
ROLLUP_SHRINK = 0.6  # roll the work table up only if expected to keep at most this share
HUB_MIN_ROWS = 20_000  # smaller sources are grouped directly
SNAPSHOT_BUDGET_ROWS = 1_000_000  # rows of hub tables kept at once (least recently used go)


@dataclass
class Context:
    """State of one run shared by the search, the writer and the report."""

    con: duckdb.DuckDBPyConnection
    spec: AnonymizeSpec
    columns: dict[str, str]  # name -> DuckDB type, in source order
    rows: int
    built: list[Built] = field(default_factory=list)
    sens_cols: list[str] = field(default_factory=list)  # column names in ``base``
    work: str = "base"  # the table the search groups (``base`` rolled up to the floor)
    bits: bool = False  # sensitive values as bit flags: distinct = bit_count(bit_or(..))
    floor: tuple[int, ...] = ()
    rollups: int = 0
    work_rows: int = 0
    # Hub tables (classes of a node) that more general nodes roll up from: (node, table, rows).
    snapshots: list[tuple[tuple[int, ...], str, int]] = field(default_factory=list)
    snapshot_count: int = 0
    snapshot_rows: int = 0
    snapshot_budget: int = SNAPSHOT_BUDGET_ROWS
    hub_failed: set[tuple[int, ...]] = field(default_factory=set)
    distinct: list[list[int]] = field(default_factory=list)  # codes per column and level
    use_snapshots: bool = True
    timing: dict[str, float] = field(default_factory=dict)

    def codes(self, node: tuple[int, ...]) -> list[str]:
        """The ``base`` columns holding each quasi-identifier's code at ``node``'s levels."""
        return [f"q{i}_{level}" for i, level in enumerate(node)]


def _source_sql(path: Path) -> str:
    literal = "'" + str(path).replace("'", "''") + "'"
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return f"read_parquet({literal})"
    if suffix in {".csv", ".tsv", ".txt"}:
        return f"read_csv({literal}, header = true, sample_size = -1)"
    raise AnonymizeError(
        f"Unsupported input {path.name}: give a CSV or Parquet file. / "
        f"ไม่รองรับไฟล์ {path.name} ใช้ได้เฉพาะ CSV หรือ Parquet",
        field="source",
    )


def _connect(threads: int | None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute("SET preserve_insertion_order = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def _load(
    con: duckdb.DuckDBPyConnection, source: Path, scale: ScaleOut | None = None
) -> tuple[dict[str, str], int]:
    if not source.is_file():
        raise AnonymizeError(f"No such file: {source} / ไม่พบไฟล์: {source}", field="source")
    try:
        if scale is None:
            con.execute(f"CREATE TEMP TABLE src AS SELECT * FROM {_source_sql(source)}")
        else:  # the engine reads the file itself: DuckDB only views it
            scaleout.source_attach(con, scale=scale, source=source, source_sql=_source_sql(source))
    except duckdb.Error as exc:
        raise AnonymizeError(
            f"Cannot read {source.name}: {str(exc)[:200]} / อ่านไฟล์ {source.name} ไม่ได้",
            field="source",
        ) from exc
    columns = {str(r[0]): str(r[1]) for r in con.execute("DESCRIBE src").fetchall()}
    row = con.execute("SELECT count(*) FROM src").fetchone()
    return columns, int((row or (0,))[0])


def _err(message_en: str, message_th: str, field: str) -> AnonymizeError:
    return AnonymizeError(f"{message_en} / {message_th}", field=field)


def _validate_spec(spec: AnonymizeSpec, columns: dict[str, str], rows: int) -> None:
    """Shape checks that need only the column list and row count."""
    named = [*spec.quasi, *spec.sensitive, *spec.drop, *spec.redact, *spec.hierarchies]
    unknown = sorted({c for c in named if c not in columns})
    if unknown:
        raise _err(
            f"Unknown column(s): {', '.join(unknown)}; the table has: {', '.join(columns)}",
            f"ไม่มีคอลัมน์ {', '.join(unknown)} ในตาราง (มี: {', '.join(columns)})",
            "quasi",
        )
    if not spec.quasi:
        raise _err(
            "Name at least one quasi-identifier.", "กรุณาระบุตัวระบุกึ่งตัวตนอย่างน้อยหนึ่งคอลัมน์", "quasi"
        )
    overlap = sorted(set(spec.quasi) & set(spec.sensitive))
    if overlap:
        raise _err(
            f"A column cannot be both quasi-identifier and sensitive: {', '.join(overlap)}",
            f"คอลัมน์เป็นทั้งตัวระบุกึ่งตัวตนและข้อมูลอ่อนไหวไม่ได้: {', '.join(overlap)}",
            "sensitive",
        )
    dropped = sorted((set(spec.quasi) | set(spec.sensitive)) & set(spec.drop))
    if dropped:
        raise _err(
            f"Dropped columns cannot be quasi-identifiers or sensitive: {', '.join(dropped)}",
            f"คอลัมน์ที่ตัดทิ้งเป็นตัวระบุกึ่งตัวตนหรือข้อมูลอ่อนไหวไม่ได้: {', '.join(dropped)}",
            "drop",
        )
    if rows == 0:
        raise _err("The table has no rows.", "ตารางไม่มีข้อมูล", "source")
    if spec.k < 1 or spec.k > rows:
        raise _err(
            f"k must be between 1 and the number of rows ({rows}); got {spec.k}.",
            f"ค่า k ต้องอยู่ระหว่าง 1 ถึงจำนวนแถว ({rows}) แต่ได้ {spec.k}",
            "k",
        )
    if (spec.l is not None or spec.t is not None) and not spec.sensitive:
        raise _err(
            "l-diversity and t-closeness need a sensitive column (--sensitive).",
            "l-diversity และ t-closeness ต้องระบุคอลัมน์ข้อมูลอ่อนไหว (--sensitive)",
            "sensitive",
        )
    if spec.l is not None and spec.l < 1:
        raise _err(f"l must be at least 1; got {spec.l}.", f"ค่า l ต้องไม่น้อยกว่า 1 แต่ได้ {spec.l}", "l")
    if spec.t is not None and not 0 < spec.t <= 1:
        raise _err(
            f"t must be in (0, 1]; got {spec.t}.", f"ค่า t ต้องอยู่ในช่วง (0, 1] แต่ได้ {spec.t}", "t"
        )
    if not 0 <= spec.max_suppression < 1:
        raise _err(
            f"max-suppression must be in [0, 1); got {spec.max_suppression}.",
            f"สัดส่วนการตัดแถวสูงสุดต้องอยู่ในช่วง [0, 1) แต่ได้ {spec.max_suppression}",
            "max_suppression",
        )


def _validate_l(ctx: Context) -> None:
    if ctx.spec.l is None:
        return
    for column in ctx.spec.sensitive:
        row = ctx.con.execute(f"SELECT count(DISTINCT {quote(column)}) FROM src").fetchone()
        distinct = int((row or (0,))[0])
        if ctx.spec.l > distinct:
            raise _err(
                f"l = {ctx.spec.l} is impossible: {column} has only {distinct} distinct value(s).",
                f"ค่า l = {ctx.spec.l} เป็นไปไม่ได้ คอลัมน์ {column} มีค่าที่ต่างกันเพียง {distinct} ค่า",
                "l",
            )


def hierarchies_effective(
    *, spec: AnonymizeSpec, columns: dict[str, str], con: duckdb.DuckDBPyConnection | None = None
) -> dict[str, HierarchySpec]:
    """The hierarchy of each quasi-identifier: the spec's, else a suggestion from its type."""
    chosen: dict[str, HierarchySpec] = {}
    for column in spec.quasi:
        if column in spec.hierarchies:
            chosen[column] = spec.hierarchies[column]
            continue
        sample: list[str] = []
        if con is not None:
            sample = [
                str(r[0])
                for r in con.execute(
                    f"SELECT DISTINCT CAST({quote(column)} AS VARCHAR) FROM src "
                    f"WHERE {quote(column)} IS NOT NULL LIMIT 20"
                ).fetchall()
            ]
        chosen[column] = hierarchy_suggest(name=column, duck_type=columns[column], sample=sample)
    return chosen


def _encode(
    ctx: Context, hierarchies: dict[str, HierarchySpec], scale: ScaleOut | None = None
) -> None:
    """Build the hierarchy tables and ``base``, the frequency table the search groups.

    Without t and with at most 64 distinct values per sensitive column, each sensitive value
    becomes one bit, so a class's distinct count is a ``bit_count`` of an OR: ``base`` then
    holds one row per combination of codes (no DISTINCT hash, no row per sensitive value),
    built in one pass over the source (on the engine layer when ``scale`` is given).
    """
    con = ctx.con
    for i, column in enumerate(ctx.spec.quasi):
        ctx.built.append(hierarchy_build(con, index=i, column=column, spec=hierarchies[column]))
    selects: list[str] = []
    joins: list[str] = []
    for i, (column, built) in enumerate(zip(ctx.spec.quasi, ctx.built, strict=True)):
        joins.append(
            f"JOIN {built.table} ON {built.table}.key = "
            f"coalesce(CAST(src.{quote(column)} AS VARCHAR), '{NULL_KEY}')"
        )
        selects.extend(f"{built.table}.c{level} AS q{i}_{level}" for level in range(built.levels))
    values = []
    for j, column in enumerate(ctx.spec.sensitive):
        ctx.sens_cols.append(f"s{j}")
        values.append(f"coalesce(CAST(src.{quote(column)} AS VARCHAR), '{NULL_KEY}')")
        con.execute(
            f"CREATE TEMP TABLE gdist{j} AS SELECT s{j}, count(*) / {ctx.rows}::DOUBLE AS p, "
            f"CASE WHEN row_number() OVER (ORDER BY s{j}) <= {MAX_BITS} THEN CAST(1 AS UBIGINT) "
            f"<< CAST(row_number() OVER (ORDER BY s{j}) - 1 AS UBIGINT) END AS bit "
            f"FROM (SELECT {values[j]} AS s{j} FROM src) GROUP BY s{j}"
        )
    distinct_max = max(
        (_scalar(con, f"SELECT count(*) FROM gdist{j}") for j in range(len(ctx.sens_cols))),
        default=0,
    )
    ctx.bits = ctx.spec.t is None and distinct_max <= MAX_BITS
    if scale is not None:
        scaleout.encode_on_engine(ctx, scale)
    elif ctx.bits:
        joins.extend(f"JOIN gdist{j} ON gdist{j}.s{j} = {v}" for j, v in enumerate(values))
        selects.extend(f"bit_or(gdist{j}.bit) AS b{j}" for j in range(len(values)))
    else:
        selects.extend(f"{v} AS s{j}" for j, v in enumerate(values))
    if scale is None:
        con.execute(
            f"CREATE TEMP TABLE base AS SELECT {', '.join(selects)}, count(*) AS n "
            f"FROM src {' '.join(joins)} GROUP BY ALL"
        )
    ctx.floor = tuple(0 for _ in ctx.built)
    ctx.distinct = [
        [_scalar(con, f"SELECT count(DISTINCT c{lv}) FROM {b.table}") for lv in range(b.levels)]
        for b in ctx.built
    ]
    ctx.work = "base"
    ctx.work_rows = _scalar(con, "SELECT count(*) FROM base")


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int((row or (0,))[0] or 0)


def work_rollup(ctx: Context, floor: tuple[int, ...]) -> None:
    """Roll the search table up to ``floor``: no node left to evaluate is more specific.

    Columns of levels below the floor are dropped and the rows regrouped, so later GROUP BYs
    read a table that can be orders of magnitude smaller than the source.
    """
    if floor == ctx.floor:
        return
    if _estimate(ctx, floor, ctx.work_rows) > ctx.work_rows * ROLLUP_SHRINK:
        return  # not worth a pass over the table: nodes still group from it correctly
    keep = [f"q{i}_{lv}" for i, b in enumerate(ctx.built) for lv in range(floor[i], b.levels)]
    extra = (
        "".join(f", bit_or(b{j}) AS b{j}" for j in range(len(ctx.sens_cols))) if ctx.bits else ""
    )
    group = keep if ctx.bits else [*keep, *ctx.sens_cols]
    ctx.rollups += 1
    table = f"work{ctx.rollups}"
    ctx.con.execute(
        f"CREATE TEMP TABLE {table} AS SELECT {', '.join(group)}, sum(n) AS n{extra} "
        f"FROM {ctx.work} GROUP BY {', '.join(group)}"
    )
    if ctx.work != "base":
        ctx.con.execute(f"DROP TABLE {ctx.work}")
    ctx.work, ctx.floor = table, floor
    ctx.work_rows = _scalar(ctx.con, f"SELECT count(*) FROM {table}")


def class_sql(ctx: Context, node: tuple[int, ...], table: str = "base") -> str:
    """SQL of the equivalence classes at ``node``: codes, size, distinct sensitive, t-distance, bad."""
    keys = ctx.codes(node)
    key_list = ", ".join(keys)
    spec = ctx.spec
    parts = [f"SELECT {key_list}, sum(n) AS size"]
    if ctx.bits:
        parts.extend(f", bit_count(bit_or(b{j})) AS d{j}" for j in range(len(ctx.sens_cols)))
    else:
        parts.extend(f", count(DISTINCT {s}) AS d{j}" for j, s in enumerate(ctx.sens_cols))
    sql = " ".join(parts) + f" FROM {table} GROUP BY {key_list}"
    if spec.t is not None and ctx.sens_cols:
        t_parts = []
        for j, s in enumerate(ctx.sens_cols):
            t_parts.append(
                f"""(SELECT {key_list}, 0.5 * (1 + sum(abs(c / sz - g.p) - g.p)) AS t{j}
                FROM (SELECT {key_list}, {s}, c, sum(c) OVER (PARTITION BY {key_list}) AS sz
                      FROM (SELECT {key_list}, {s}, sum(n) AS c FROM {table}
                            GROUP BY {key_list}, {s}))
                JOIN gdist{j} g USING ({s}) GROUP BY {key_list}) AS tt{j}"""
            )
        joined = " ".join(f"JOIN {p} USING ({key_list})" for p in t_parts)
        t_max = (
            f"greatest({', '.join(f't{j}' for j in range(len(ctx.sens_cols)))})"
            if len(ctx.sens_cols) > 1
            else "t0"
        )
        sql = f"SELECT cls.*, {t_max} AS tdist FROM ({sql}) AS cls {joined}"
    else:
        sql = f"SELECT cls.*, 0.0 AS tdist FROM ({sql}) AS cls"
    bad = [f"size < {int(spec.k)}"]
    if spec.l is not None:
        bad.extend(f"d{j} < {int(spec.l)}" for j in range(len(ctx.sens_cols)))
    if spec.t is not None:
        bad.append(f"tdist > {float(spec.t)} + 1e-9")
    return f"SELECT *, ({' OR '.join(bad)}) AS bad FROM ({sql})"


def _snapshot_source(ctx: Context, node: tuple[int, ...]) -> tuple[str, tuple[int, ...], int]:
    """The smallest table the node can be grouped from: a kept class table or the work table."""
    best = (ctx.work, ctx.floor, ctx.work_rows)
    hit = -1
    for i, (snap_node, table, rows) in enumerate(ctx.snapshots):
        if rows < best[2] and all(a <= b for a, b in zip(snap_node, node, strict=True)):
            best, hit = (table, snap_node, rows), i
    if hit >= 0:  # least recently used first: move the hit to the end
        ctx.snapshots.append(ctx.snapshots.pop(hit))
    return best


def _estimate(ctx: Context, node: tuple[int, ...], rows: int) -> float:
    """Expected classes of ``node`` over ``rows`` rows if values were independent and uniform.

    With ``D`` the product of the distinct codes per column, ``rows`` draws fill about
    ``D * (1 - exp(-rows / D))`` cells; real (skewed, correlated) data fills fewer.
    """
    cells = 1.0
    for i, level in enumerate(node):
        cells *= ctx.distinct[i][level]
    return cells * -math.expm1(-rows / cells) if cells else 0.0


def _hub_node(
    ctx: Context, node: tuple[int, ...], source_node: tuple[int, ...], source_rows: int
) -> tuple[int, ...] | None:
    """The lowest node between the source and ``node`` expected to shrink the source enough.

    Lowering a level keeps the hub usable by more future nodes (every node above it); each
    step lowers the column that keeps the expected size smallest.
    """
    target = source_rows / HUB_SHRINK
    if _estimate(ctx, node, source_rows) > target:
        return None
    hub = list(node)
    while True:
        options = []
        for i in range(len(hub)):
            if hub[i] > source_node[i]:
                lowered = (*hub[:i], hub[i] - 1, *hub[i + 1 :])
                options.append((_estimate(ctx, lowered, source_rows), i))
        if not options:
            break
        size, i = min(options)
        if size > target:
            break
        hub[i] -= 1
    found = tuple(hub)
    return None if found == source_node or found in ctx.hub_failed else found


def _hub_build(
    ctx: Context, hub: tuple[int, ...], source: str, source_node: tuple[int, ...], rows: int
) -> tuple[str, tuple[int, ...], int]:
    """Materialise the classes of ``hub`` (keeping every coarser level's code) from ``source``."""
    keys = ctx.codes(hub)
    higher = [
        f"any_value(q{i}_{lv}) AS q{i}_{lv}"
        for i, b in enumerate(ctx.built)
        for lv in range(max(hub[i], source_node[i]) + 1, b.levels)
    ]
    bits = "".join(f", bit_or(b{j}) AS b{j}" for j in range(len(ctx.sens_cols)))
    ctx.snapshot_count += 1
    table = f"snap{ctx.snapshot_count}"
    ctx.con.execute(
        f"CREATE TEMP TABLE {table} AS SELECT {', '.join([*keys, *higher])}, sum(n) AS n{bits} "
        f"FROM {source} GROUP BY {', '.join(keys)}"
    )
    total = _scalar(ctx.con, f"SELECT count(*) FROM {table}")
    if total * 2 > rows:  # the estimate was wrong: not worth keeping
        ctx.con.execute(f"DROP TABLE {table}")
        ctx.hub_failed.add(hub)
        return source, source_node, rows
    ctx.snapshots.append((hub, table, total))
    ctx.snapshot_rows += total
    while ctx.snapshot_rows > ctx.snapshot_budget and len(ctx.snapshots) > 1:
        _node, dropped, dropped_rows = ctx.snapshots.pop(0)
        ctx.snapshot_rows -= dropped_rows
        ctx.con.execute(f"DROP TABLE {dropped}")
    return table, hub, total


def _evaluate_rollup(ctx: Context, node: tuple[int, ...]) -> NodeStats:
    """Bit mode: group the node's classes from the smallest table it can roll up from.

    That is a kept *hub* (the classes of a lower node, ARX-style roll-up) or the work table.
    When the node's classes are expected to be far fewer than the source's rows, a hub is
    built first (see :func:`_hub_node`) so later nodes above it read the small table too.
    """
    spec = ctx.spec
    source, source_node, source_rows = _snapshot_source(ctx, node)
    if source_rows >= HUB_MIN_ROWS:
        hub = _hub_node(ctx, node, source_node, source_rows)
        if hub is not None:
            source, source_node, source_rows = _hub_build(
                ctx, hub, source, source_node, source_rows
            )
    keys = ctx.codes(node)
    bits = "".join(f", bit_or(b{j}) AS b{j}" for j in range(len(ctx.sens_cols)))
    grouped = f"SELECT sum(n) AS n{bits} FROM {source} GROUP BY {', '.join(keys)}"
    bad = [f"n < {int(spec.k)}"]
    if spec.l is not None:
        bad.extend(f"bit_count(b{j}) < {int(spec.l)}" for j in range(len(ctx.sens_cols)))
    l_min = (
        "least("
        + ", ".join(
            f"min(bit_count(b{j})) FILTER (WHERE NOT bad)" for j in range(len(ctx.sens_cols))
        )
        + ")"
        if ctx.sens_cols
        else "NULL"
    )
    row = ctx.con.execute(
        f"SELECT coalesce(sum(n) FILTER (WHERE bad), 0), min(n) FILTER (WHERE NOT bad), "
        f"{l_min}, count(*) FILTER (WHERE NOT bad) "
        f"FROM (SELECT *, ({' OR '.join(bad)}) AS bad FROM ({grouped}))"
    ).fetchone()
    suppressed, k_min, l_min_v, classes = row or (0, None, None, 0)
    return NodeStats(
        suppressed=int(suppressed),
        k=int(k_min) if k_min is not None else 0,
        l=int(l_min_v) if l_min_v is not None else None,
        classes=int(classes),
    )


def node_evaluate(ctx: Context, node: tuple[int, ...]) -> NodeStats:
    """Evaluate one lattice node with a GROUP BY over ``base`` (no t unless asked: cheaper)."""
    spec = ctx.spec
    if ctx.bits and ctx.use_snapshots:
        return _evaluate_rollup(ctx, node)
    keys = ctx.codes(node)
    key_list = ", ".join(keys)
    if ctx.bits:
        distinct = "".join(f", bit_count(bit_or(b{j})) AS d{j}" for j in range(len(ctx.sens_cols)))
    else:
        distinct = "".join(f", count(DISTINCT {s}) AS d{j}" for j, s in enumerate(ctx.sens_cols))
    if spec.t is not None:
        inner = class_sql(ctx, node, ctx.work)
    else:
        bad = [f"size < {int(spec.k)}"]
        if spec.l is not None:
            bad.extend(f"d{j} < {int(spec.l)}" for j in range(len(ctx.sens_cols)))
        inner = (
            f"SELECT *, ({' OR '.join(bad)}) AS bad FROM (SELECT {key_list}, sum(n) AS size"
            f"{distinct} FROM {ctx.work} GROUP BY {key_list})"
        )
    l_min = (
        "least("
        + ", ".join(f"min(d{j}) FILTER (WHERE NOT bad)" for j in range(len(ctx.sens_cols)))
        + ")"
        if ctx.sens_cols
        else "NULL"
    )
    row = ctx.con.execute(
        f"""SELECT coalesce(sum(size) FILTER (WHERE bad), 0), min(size) FILTER (WHERE NOT bad),
            {l_min}, count(*) FILTER (WHERE NOT bad)
        FROM ({inner})"""
    ).fetchone()
    suppressed, k_min, l_min_v, classes = row or (0, None, None, 0)
    return NodeStats(
        suppressed=int(suppressed),
        k=int(k_min) if k_min is not None else 0,
        l=int(l_min_v) if l_min_v is not None else None,
        classes=int(classes),
    )


def _lm_table(ctx: Context) -> list[list[float]]:
    """Loss metric (LM) of each column at each level over all rows: (leaves - 1)/(domain - 1)."""
    result = []
    for i, built in enumerate(ctx.built):
        losses = []
        domain_row = ctx.con.execute(f"SELECT count(DISTINCT q{i}_0) FROM base").fetchone()
        domain = int((domain_row or (1,))[0])
        for level in range(built.levels):
            if domain <= 1:
                losses.append(0.0)
                continue
            row = ctx.con.execute(
                f"""SELECT sum(w.rows * (l.leaves - 1)) / ({ctx.rows}::DOUBLE * {domain - 1})
                FROM (SELECT q{i}_{level} AS g, sum(n) AS rows FROM base GROUP BY 1) w
                JOIN (SELECT q{i}_{level} AS g, count(DISTINCT q{i}_0) AS leaves FROM base GROUP BY 1) l
                USING (g)"""
            ).fetchone()
            losses.append(float((row or (0.0,))[0] or 0.0))
        result.append(losses)
    return result


@dataclass
class Result:
    """What one run produced: the output file, the report, and the chosen lattice node."""

    output: Path | None
    report: dict[str, Any]
    node: tuple[int, ...]


def _output_sql(ctx: Context, node: tuple[int, ...], plan: dict[str, str]) -> str:
    """SELECT of the release: generalised quasi-identifiers, kept classes only, identifiers handled."""
    keys = ctx.codes(node)
    ctx.con.execute(
        f"CREATE OR REPLACE TEMP TABLE keep AS SELECT {', '.join(keys)} "
        f"FROM ({class_sql(ctx, node)}) WHERE NOT bad"
    )
    quasi_index = {c: i for i, c in enumerate(ctx.spec.quasi)}
    selects: list[str] = []
    joins: list[str] = []
    for column in ctx.columns:
        action = plan.get(column, "keep")
        if column in quasi_index:
            i = quasi_index[column]
            table = ctx.built[i].table
            selects.append(f"{table}.g{node[i]} AS {quote(column)}")
            joins.append(
                f"JOIN {table} ON {table}.key = "
                f"coalesce(CAST(src.{quote(column)} AS VARCHAR), '{NULL_KEY}')"
            )
        elif action == "drop":
            continue
        elif action == "redact":
            alias = f"rd_{len(joins)}"
            text = f"CAST(src.{quote(column)} AS VARCHAR)"
            selects.append(f"coalesce({alias}.redacted, {text}) AS {quote(column)}")
            joins.append(f"LEFT JOIN redact_{_slug(column)} {alias} ON {alias}.value = {text}")
        else:
            selects.append(f"src.{quote(column)}")
    on = " AND ".join(f"keep.{key} = {ctx.built[i].table}.c{node[i]}" for i, key in enumerate(keys))
    # Codes are dense ranks of the labels, so this is the labels' order, sorted on integers.
    order = ", ".join(f"{b.table}.c{node[i]}" for i, b in enumerate(ctx.built))
    return (
        f"SELECT {', '.join(selects)} FROM src {' '.join(joins)} JOIN keep ON {on} ORDER BY {order}"
    )


def _slug(column: str) -> str:
    """A table-name-safe, stable suffix for a column (Thai names included)."""
    return f"{zlib.crc32(column.encode()):08x}"


def _write(con: duckdb.DuckDBPyConnection, sql: str, out: Path) -> None:
    """COPY to a temp file next to ``out`` and rename it into place (never a half file)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=".anonymize-", suffix=out.suffix)
    os.close(fd)
    tmp = Path(tmp_name)
    fmt = "(FORMAT csv, HEADER)" if out.suffix.lower() == ".csv" else "(FORMAT parquet)"
    literal = "'" + str(tmp).replace("'", "''") + "'"
    try:
        con.execute(f"COPY ({sql}) TO {literal} {fmt}")
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)


def _release(
    ctx: Context,
    node: tuple[int, ...],
    plan: dict[str, str],
    out: Path | None,
    scale: ScaleOut | None,
) -> None:
    """Create ``released`` (what the report measures) and write it to ``out`` if given."""
    sql = _output_sql(ctx, node, plan)
    if scale is not None and "redact" not in plan.values():
        written = scale.scratch / "released.parquet"
        scaleout.release_on_engine(ctx, scale, node=node, plan=plan, target=written)
        scaleout.release_place(ctx.con, written=written, out=out, write=_write)
        return
    # Redaction is a Python step (a table of redacted values): that write stays in DuckDB.
    ctx.con.execute(f"CREATE OR REPLACE TEMP TABLE released AS {sql}")
    if out is not None:
        _write(ctx.con, "SELECT * FROM released", Path(out))


def anonymize_run(
    *,
    source: Path,
    spec: AnonymizeSpec,
    out: Path | None,
    threads: int | None = None,
    progress: Progress | None = None,
    exhaustive: bool = False,
    engine: str | None = None,
) -> Result:
    """Anonymise ``source`` (CSV or Parquet) per ``spec``; write ``out`` (Parquet or CSV).

    Every input problem is found before the search starts and raised as
    :class:`AnonymizeError` (English / Thai); then nothing is written. ``out=None`` only
    computes the report (a preview). ``exhaustive`` evaluates every lattice node (the
    benchmark's baseline; same result, no pruning). ``engine`` (``None``: the setting
    ``DDGOV_ENGINE``) runs the encode and the write on ``spark`` (:mod:`.scaleout`); ``duckdb``
    keeps the whole run in this process.
    """
    started = time.perf_counter()
    report_progress = progress or (lambda _f, _m: None)
    chosen = scaleout.engine_choose(name=engine)
    scale = ScaleOut.open(engine_name=chosen) if chosen != "duckdb" else None
    con = _connect(threads)
    try:
        columns, rows = _load(con, Path(source), scale)
        _validate_spec(spec, columns, rows)
        ctx = Context(con=con, spec=spec, columns=columns, rows=rows)
        ctx.use_snapshots = not exhaustive  # the naive baseline groups the full table
        _validate_l(ctx)
        hierarchies = hierarchies_effective(spec=spec, columns=columns, con=con)
        reasons: dict[str, str] = {}
        plan = identifiers_classify(con=con, spec=spec, columns=columns, reasons=reasons)
        report_progress(0.1, "validated")
        t0 = time.perf_counter()
        _encode(ctx, hierarchies, scale)
        ctx.timing["validate_encode_s"] = time.perf_counter() - started
        lattice = Lattice(tuple(b.levels for b in ctx.built))
        lm = _lm_table(ctx)
        report_progress(0.2, "searching")
        outcome = lattice_search(
            lattice=lattice,
            evaluate=lambda node: node_evaluate(ctx, node),
            rows=rows,
            max_suppression=spec.max_suppression,
            lm=lm,
            exhaustive=exhaustive,
            on_floor=lambda floor: work_rollup(ctx, floor),
        )
        ctx.timing["search_s"] = time.perf_counter() - t0
        report_progress(0.8, "writing")
        t1 = time.perf_counter()
        redactions: dict[str, dict[str, Any]] = {}
        for column, action in plan.items():
            if action == "redact":
                redactions[column] = redact_column(
                    con=con, column=column, table=f"redact_{_slug(column)}"
                )
        _release(ctx, outcome.node, plan, out, scale)
        ctx.timing["write_s"] = time.perf_counter() - t1
        report = report_build(
            ctx=ctx,
            outcome=outcome,
            plan=plan,
            redactions=redactions,
        )
        report["timing"] = {
            **{k: round(v, 3) for k, v in ctx.timing.items()},
            "total_s": round(time.perf_counter() - started, 3),
        }
        report["column_reasons"] = reasons
        report["engine"] = chosen
        report["source"] = str(source)
        report["output"] = str(out) if out is not None else None
        report_progress(1.0, "done")
        return Result(
            output=Path(out) if out is not None else None, report=report, node=outcome.node
        )
    finally:
        con.close()
        if scale is not None:
            scale.close()
