# ruff: noqa: S608 - SQL is built from quoted identifiers and our own constants only
"""Generalisation hierarchies as DuckDB tables: one row per distinct value, one label per level.

For quasi-identifier ``i`` the engine builds ``h{i}(key, v, g0 … gH, c0 … cH)`` over the
column's distinct values: ``g<l>`` is the value generalised to level ``l`` (VARCHAR; ``g0`` is the
value itself, ``gH`` is ``*``) and ``c<l>`` a dense integer code of ``g<l>`` so the lattice search
groups by integers. ``key`` is the value as text (``∅`` for NULL) and is what the data joins on.

Levels per kind (see ``spec.py``): age/numeric bands of growing width, date → month → year,
geo subdistrict → district → province → region (gazetteer join, by DOPA code or by Thai name),
prefix masking from the right, a custom tree, or straight to ``*``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import duckdb

from ddgov.governance.anonymize.spec import AnonymizeError, HierarchySpec

NULL_KEY = "∅"
TOP = "*"
GEO_LEVELS = ("subdistrict", "district", "province", "region")
_NAME_PREFIX = r"^(จังหวัด|จ\.|อำเภอ|อ\.|เขต|ตำบล|ต\.|แขวง)\s*"


def quote(name: str) -> str:
    """Quote an identifier for DuckDB."""
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Built:
    """A hierarchy table in the connection: its name, level count and a description."""

    table: str
    levels: int  # number of levels including 0 and the top '*'
    name: str  # e.g. "age:5,10,20" or "geo:subdistrict-code"
    labels: tuple[str, ...]  # what each level means (value, 5y band, month, district …)


def _nice(x: float) -> float:
    """The 1/2/5 x 10^n number at or above ``x`` (bin widths people read easily)."""
    if x <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(x))
    for m in (1, 2, 5, 10):
        if m * power >= x:
            return float(m * power)
    return float(10 * power)


def _numeric_widths(con: duckdb.DuckDBPyConnection, column: str) -> tuple[float, ...]:
    row = con.execute(
        f"SELECT min(TRY_CAST({quote(column)} AS DOUBLE)), max(TRY_CAST({quote(column)} AS DOUBLE)) "
        "FROM src"
    ).fetchone()
    lo, hi = (row or (None, None))[0], (row or (None, None))[1]
    span = float(hi - lo) if lo is not None and hi is not None else 0.0
    first = _nice(span / 20 if span > 0 else 1.0)
    return (first, _nice(first * 4), _nice(first * 20))


def _fmt(expr: str) -> str:
    """SQL turning a DOUBLE into text without a trailing ``.0`` for whole numbers."""
    return (
        f"(CASE WHEN {expr} = floor({expr}) THEN CAST(CAST({expr} AS BIGINT) AS VARCHAR) "
        f"ELSE CAST(round({expr}, 6) AS VARCHAR) END)"
    )


def _band_levels(kind: str, widths: tuple[float, ...]) -> list[str]:
    x = "TRY_CAST(v AS DOUBLE)"
    levels = []
    for w in widths:
        lo = f"(floor({x} / {w}) * {w})"
        if kind == "age" and float(w).is_integer():
            levels.append(f"{_fmt(lo)} || '-' || {_fmt(f'({lo} + {w} - 1)')}")
        else:
            levels.append(f"'[' || {_fmt(lo)} || ', ' || {_fmt(f'({lo} + {w})')} || ')'")
    return levels


def _prefix_levels(con: duckdb.DuckDBPyConnection, step: int) -> list[str]:
    row = con.execute("SELECT max(length(CAST(v AS VARCHAR))) FROM hv").fetchone()
    longest = int((row or (0,))[0] or 0)
    s = "CAST(v AS VARCHAR)"
    return [
        f"left({s}, greatest(length({s}) - {j * step}, 0)) "
        f"|| repeat('*', least({j * step}, length({s})))"
        for j in range(1, max(1, math.ceil(longest / step)))
    ]


def _tree_levels(
    con: duckdb.DuckDBPyConnection, tree: dict[str, list[str]]
) -> tuple[str, list[str]]:
    """Load the tree into ``tree_map``; trailing ``*`` are dropped (the engine adds the top)."""
    paths: dict[str, list[str]] = {}
    for value, parents in tree.items():
        path = list(parents)
        while path and path[-1] == TOP:
            path.pop()
        paths[value] = path
    depth = max(1, max((len(p) for p in paths.values()), default=0))
    cols = ", ".join(f"t{j} VARCHAR" for j in range(1, depth + 1))
    con.execute(f"CREATE OR REPLACE TEMP TABLE tree_map (key VARCHAR, {cols})")
    rows = []
    for value, path in paths.items():
        padded = path or [TOP]
        padded += [padded[-1]] * (depth - len(padded))
        rows.append((value, *padded))
    if rows:
        con.executemany(f"INSERT INTO tree_map VALUES ({', '.join('?' * (depth + 1))})", rows)
    return "LEFT JOIN tree_map tm ON tm.key = hv.key", [f"tm.t{j}" for j in range(1, depth + 1)]


def _gazetteer(con: duckdb.DuckDBPyConnection) -> None:
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'gz' AND temporary"
    ).fetchone()
    if exists and exists[0]:
        return
    from ddgov.governance.gazetteer import gazetteer_register  # noqa: PLC0415

    gazetteer_register(con, name="gazetteer")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE gz AS
        SELECT g.level, g.code, g.name_th, g.district_code, g.province_code, g.region_code,
               g.region_th, d.name_th AS district_th, p.name_th AS province_th,
               regexp_replace(trim(g.name_th), '{_NAME_PREFIX}', '') AS norm
        FROM gazetteer g
        LEFT JOIN gazetteer d ON d.level = 'district' AND d.code = g.district_code
        LEFT JOIN gazetteer p ON p.level = 'province' AND p.code = g.province_code"""
    )


def _geo_levels(con: duckdb.DuckDBPyConnection) -> tuple[str, list[str], str, tuple[str, ...]]:
    """Detect codes or names and their level; return (join, level exprs, name, labels)."""
    _gazetteer(con)
    row = con.execute(
        """SELECT count(*),
            count(*) FILTER (WHERE regexp_full_match(trim(key), '\\d{6}')),
            count(*) FILTER (WHERE regexp_full_match(trim(key), '\\d{4}')),
            count(*) FILTER (WHERE regexp_full_match(trim(key), '\\d{2}'))
        FROM hv WHERE v IS NOT NULL"""
    ).fetchone()
    total, six, four, two = row or (0, 0, 0, 0)
    for count, level in ((six, "subdistrict"), (four, "district"), (two, "province")):
        if total and count == total:
            start = GEO_LEVELS.index(level)
            parents = ("g.district_code", "g.province_code", "g.region_code")[start:]
            join = f"LEFT JOIN gz g ON g.level = '{level}' AND g.code = trim(hv.key)"
            return join, list(parents), f"geo:{level}-code", GEO_LEVELS[start:]
    con.execute(
        """CREATE OR REPLACE TEMP TABLE gz_names AS
        SELECT * FROM gz WHERE (level, norm) IN (
            SELECT (level, norm) FROM gz GROUP BY level, norm HAVING count(*) = 1)"""
    )
    hits = con.execute(
        f"""SELECT n.level, count(*) FROM hv
        JOIN gz_names n ON n.norm = regexp_replace(trim(hv.key), '{_NAME_PREFIX}', '')
        WHERE hv.v IS NOT NULL GROUP BY n.level ORDER BY count(*) DESC LIMIT 1"""
    ).fetchone()
    level = str(hits[0]) if hits else "province"
    start = GEO_LEVELS.index(level)
    parents = ("g.district_th", "g.province_th", "g.region_th")[start:]
    join = (
        f"LEFT JOIN gz_names g ON g.level = '{level}' "
        f"AND g.norm = regexp_replace(trim(hv.key), '{_NAME_PREFIX}', '')"
    )
    return join, list(parents), f"geo:{level}-name", GEO_LEVELS[start:]


def hierarchy_build(
    con: duckdb.DuckDBPyConnection, *, index: int, column: str, spec: HierarchySpec
) -> Built:
    """Create ``h{index}`` for ``column`` of table ``src``; refuse values the hierarchy lacks.

    Every non-NULL value must have a level-1 generalisation, checked here in SQL before any
    search starts: a value outside a custom tree, an unknown province or subdistrict, or text
    in a numeric or date column raises :class:`AnonymizeError` naming a few of them.
    """
    col = quote(column)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE hv AS SELECT DISTINCT {col} AS v, "
        f"coalesce(CAST({col} AS VARCHAR), '{NULL_KEY}') AS key FROM src"
    )
    join, levels, name = "", [], spec.describe()
    labels: tuple[str, ...] = ()
    if spec.kind in {"age", "numeric"}:
        widths = spec.widths or (
            (5.0, 10.0, 20.0) if spec.kind == "age" else _numeric_widths(con, column)
        )
        levels = _band_levels(spec.kind, widths)
        name = f"{spec.kind}:{','.join(_fmt_num(w) for w in widths)}"
        labels = tuple(f"width {_fmt_num(w)}" for w in widths)
    elif spec.kind == "date":
        d = "TRY_CAST(v AS DATE)"
        levels = [f"strftime({d}, '%Y-%m')", f"CAST(year({d}) AS VARCHAR)"]
        labels = ("month", "year")
    elif spec.kind == "prefix":
        levels = _prefix_levels(con, spec.step)
        labels = tuple(f"mask {j * spec.step}" for j in range(1, len(levels) + 1))
    elif spec.kind == "tree":
        join, levels = _tree_levels(con, spec.tree)
        labels = tuple(f"tree {j}" for j in range(1, len(levels) + 1))
    elif spec.kind == "geo":
        join, levels, name, geo = _geo_levels(con)
        labels = geo[1:]
    if levels and spec.kind not in {"geo", "tree"}:
        levels = [f"({e})" for e in levels]
    exprs = ["CAST(v AS VARCHAR)", *levels]
    if not exprs or exprs[-1] != f"'{TOP}'":
        exprs.append(f"'{TOP}'")
    g_cols = ", ".join(
        f"CASE WHEN v IS NULL THEN {'NULL' if i < len(exprs) - 1 else repr(TOP)} ELSE {e} END "
        f"AS g{i}"
        for i, e in enumerate(exprs)
    )
    table = f"h{index}"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table}_raw AS SELECT hv.key, hv.v, {g_cols} FROM hv {join}"
    )
    if len(exprs) > 2:
        _coverage(con, table=f"{table}_raw", column=column, name=name)
    codes = ", ".join(
        f"CAST(dense_rank() OVER (ORDER BY g{i}) AS INTEGER) AS c{i}" for i in range(len(exprs))
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT *, {codes} FROM {table}_raw")
    con.execute(f"DROP TABLE {table}_raw")
    return Built(table=table, levels=len(exprs), name=name, labels=("value", *labels, TOP))


def _fmt_num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _coverage(con: duckdb.DuckDBPyConnection, *, table: str, column: str, name: str) -> None:
    missing = con.execute(
        f"SELECT key FROM {table} WHERE v IS NOT NULL AND g1 IS NULL ORDER BY key LIMIT 6"
    ).fetchall()
    if not missing:
        return
    total_row = con.execute(
        f"SELECT count(*) FROM {table} WHERE v IS NOT NULL AND g1 IS NULL"
    ).fetchone()
    total = int((total_row or (0,))[0])
    sample = ", ".join(repr(str(m[0])) for m in missing[:5])
    raise AnonymizeError(
        f"The hierarchy {name} of column {column} does not cover {total} value(s), e.g. {sample}; "
        f"fix the data or the hierarchy (nothing was written). / ลำดับชั้น {name} ของคอลัมน์ {column} "
        f"ไม่ครอบคลุม {total} ค่า เช่น {sample} กรุณาแก้ข้อมูลหรือลำดับชั้น (ยังไม่ได้เขียนไฟล์ใด)",
        field="hierarchies",
    )


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def hierarchy_suggest(*, name: str, duck_type: str, sample: list[str]) -> HierarchySpec:
    """Suggest a hierarchy from a column's name, DuckDB type and a few values (for the form/CLI)."""
    lowered = name.lower()
    t = duck_type.upper()
    if "DATE" in t or "TIMESTAMP" in t or (sample and all(_DATE_RE.match(s) for s in sample)):
        return HierarchySpec(kind="date")
    if any(w in lowered for w in ("age", "อายุ")) and any(
        x in t for x in ("INT", "DOUBLE", "DECIMAL", "FLOAT")
    ):
        return HierarchySpec(kind="age")
    geo_words = (
        "province",
        "district",
        "subdistrict",
        "tambon",
        "amphoe",
        "จังหวัด",
        "อำเภอ",
        "ตำบล",
        "เขต",
        "แขวง",
    )
    if any(w in lowered for w in geo_words):
        return HierarchySpec(kind="geo")
    if any(x in t for x in ("INT", "DOUBLE", "DECIMAL", "FLOAT", "REAL")):
        return HierarchySpec(kind="numeric")
    if any(w in lowered for w in ("postcode", "zip", "รหัสไปรษณีย์", "plate", "ทะเบียน")):
        return HierarchySpec(kind="prefix")
    return HierarchySpec(kind="star")
