# ruff: noqa: S608, RUF001 - SQL from column positions and quoted literals only; Thai digits are data
"""Type inference as DuckDB SQL: count, per column, the values that fail each candidate type.

The profile query reads every column as text and, for each one, counts the non-missing values
that do *not* parse as boolean, integer, number, number-with-unit, year, date or datetime
(``sql/macros.sql``). A column takes the most specific type that nothing fails. The same query
runs over a sample of the rows (the fast path) or over all of them (when the sample's guess
meets a value it did not foresee); a steward's correction is checked the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ddgov.catalog.ingest.engine import sql_literal
from ddgov.catalog.ingest.rules import YEAR_NAME


@dataclass
class ColumnPlan:
    """What one column becomes: its type and how its text is parsed."""

    index: int
    name: str
    title: str
    type: str = "string"
    mode: str = "auto"  # calendar of years/dates: auto (>= 2400 is Buddhist era), be, ce
    order: str = "dmy"  # day order of numeric dates
    unit: str | None = None  # "kW" for "120 kW"
    thai_digits: bool = False
    html: bool = False
    leading_zero: bool = False
    be_seen: bool = False
    forced: bool = False
    invalid: str = "fail"  # a corrected column may turn values that do not fit into NULL ("null")
    form: str | None = None  # "dmy4" / "iso": every date has this simple form (a faster parse)
    tidy: bool = False  # no cell needs trimming or Thai digits: the fast path reads it as is
    suggestion: dict[str, Any] | None = None  # "number except 1 value" hints for the steward
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def raw(self) -> str:
        """The column's text in the source relation."""
        return f"c{self.index}"

    @property
    def native(self) -> bool:
        """Whether DuckDB's CSV reader may parse it itself (the fast path): see ``native_type``."""
        return self.native_type is not None

    @property
    def native_type(self) -> str | None:
        """DOUBLE for plain numbers and years, BOOLEAN for true/false columns, else None.

        Integers are read as DOUBLE and checked to be whole: DuckDB's reader would round "1.5".
        """
        if self.invalid == "null" or self.thai_digits or self.leading_zero or self.unit is not None:
            return None
        if self.type in {"integer", "number", "year"}:
            return "DOUBLE"
        if self.type == "boolean" and self.tidy and self.stats.get("bool_words") == 0:
            return "BOOLEAN"
        return None

    @property
    def format(self) -> str | None:
        """The Table Schema ``format`` recording the calendar and day order used."""
        if self.type == "year":
            return "be" if self.be_seen else None
        if self.type in {"date", "datetime"}:
            parts = [
                p for p in ("be" if self.be_seen else "", "mdy" if self.order == "mdy" else "") if p
            ]
            return "-".join(parts) or None
        return None


def apply_format(plan: ColumnPlan, fmt: str | None) -> None:
    """Set a plan's calendar and day order from a Table Schema ``format`` ("be", "ce-mdy", …)."""
    parts = set((fmt or "default").split("-"))
    plan.mode = "be" if "be" in parts else "ce" if "ce" in parts else "auto"
    plan.order = "mdy" if "mdy" in parts else "dmy"


# Per-cell intermediate values, computed once in nested projections (see ``layered``).
_LEVEL2 = {
    "nt": "ddgov_numtext(t{i})",
    "p": "ddgov_dt_parts(t{i})",
    "u": "ddgov_unit_parts(t{i})",
    "b": "ddgov_boolean(t{i})",
    "lz": "ddgov_leading_zero(t{i})",
    "sd": "string_split(t{i}, '/')",
    "sh": "string_split(t{i}, '-')",
}
_LEVEL3 = {
    "i": "ddgov_int_of(nt{i})",
    "n": "ddgov_num_of(nt{i})",
    "q": "ddgov_dt_norm(p{i})",
    "un": "ddgov_number(u{i}.n)",
    "ui": "ddgov_integer(u{i}.n)",
    "yd": "TRY_CAST(sd{i}[3] AS INTEGER)",
    "yh": "TRY_CAST(sh{i}[1] AS INTEGER)",
}
_DEPENDS = {"i": "nt", "n": "nt", "q": "p", "un": "u", "ui": "u", "yd": "sd", "yh": "sh"}
ALL_DERIVED = frozenset({*_LEVEL2, *_LEVEL3} - {"sd", "sh", "yd", "yh"})


_NEEDS: dict[str, set[str]] = {
    "boolean": {"b"},
    "integer": {"lz", "i"},
    "number": {"lz", "n"},
    "year": {"i"},
    "date": {"q"},
    "datetime": {"q"},
}
# Typed values of the simple types, from the intermediate values (``{i}`` is the column index).
_TYPED = {
    "boolean": "b{i}",
    "year": "ddgov_year(i{i}, {mode})",
    "date": "ddgov_date_of(q{i}, {mode}, {order})",
    "datetime": "ddgov_datetime_of(q{i}, {mode}, {order})",
}


def needs(plan: ColumnPlan) -> set[str]:
    """The intermediate values the typed value of ``plan`` reads."""
    if plan.type == "date" and plan.form:
        return {"yd"} if plan.form == "dmy4" else {"yh"}
    if plan.type in {"integer", "number"} and plan.unit is not None:
        return {"u", "ui" if plan.type == "integer" else "un"}
    return set(_NEEDS.get(plan.type, ()))


# Counts per column over the unpivoted (column, value) rows: ``t`` the trimmed cell, ``r`` the raw
# one, the others the intermediate values of ``layered``.
PROFILE: tuple[tuple[str, str], ...] = (
    ("nonnull", "count(t)"),
    ("boolean", "count(*) FILTER (WHERE t IS NOT NULL AND b IS NULL)"),
    ("integer", "count(*) FILTER (WHERE t IS NOT NULL AND i IS NULL)"),
    ("number", "count(*) FILTER (WHERE t IS NOT NULL AND n IS NULL)"),
    ("leading_zero", "count(*) FILTER (WHERE lz)"),
    ("int_min", "min(i)"),
    ("int_max", "max(i)"),
    ("year", "count(*) FILTER (WHERE t IS NOT NULL AND ddgov_year(i, 'auto') IS NULL)"),
    (
        "date_dmy",
        "count(*) FILTER (WHERE t IS NOT NULL AND ddgov_date_of(q, 'auto', 'dmy') IS NULL)",
    ),
    (
        "date_mdy",
        "count(*) FILTER (WHERE t IS NOT NULL AND ddgov_date_of(q, 'auto', 'mdy') IS NULL)",
    ),
    (
        "datetime_dmy",
        "count(*) FILTER (WHERE t IS NOT NULL AND ddgov_datetime_of(q, 'auto', 'dmy') IS NULL)",
    ),
    (
        "datetime_mdy",
        "count(*) FILTER (WHERE t IS NOT NULL AND ddgov_datetime_of(q, 'auto', 'mdy') IS NULL)",
    ),
    ("be", "count(*) FILTER (WHERE t IS NOT NULL AND ddgov_dt_is_be(q))"),
    ("unit_bad", "count(*) FILTER (WHERE t IS NOT NULL AND (u.u = '' OR un IS NULL))"),
    ("unit_int_bad", "count(*) FILTER (WHERE t IS NOT NULL AND (u.u = '' OR ui IS NULL))"),
    ("unit_kinds", "count(DISTINCT nullif(u.u, ''))"),
    ("unit", "min(nullif(u.u, ''))"),
    ("thai_digits", "count(*) FILTER (WHERE regexp_matches(r, '[๐-๙]'))"),
    ("number_example", "any_value(t) FILTER (WHERE t IS NOT NULL AND n IS NULL)"),
    (
        "date_example",
        "any_value(t) FILTER (WHERE t IS NOT NULL AND ddgov_date_of(q, 'auto', 'dmy') IS NULL)",
    ),
    ("html", "count(*) FILTER (WHERE ddgov_has_entities(r))"),
    ("bool_words", "count(*) FILTER (WHERE t IS NOT NULL AND lower(t) NOT IN ('true', 'false'))"),
    (
        "untidy",
        "count(*) FILTER (WHERE r IS NOT NULL AND NOT ddgov_is_nullstr(r) AND r IS DISTINCT FROM t)",
    ),
    (
        "form_dmy4",
        "count(*) FILTER (WHERE t IS NOT NULL AND NOT regexp_full_match(t, '\\d{1,2}/\\d{1,2}/\\d{4}'))",
    ),
    (
        "form_iso",
        "count(*) FILTER (WHERE t IS NOT NULL AND NOT regexp_full_match(t, '\\d{4}-\\d{2}-\\d{2}'))",
    ),
)


def typed_value(plan: ColumnPlan) -> str:
    """SQL giving the typed value of a (trimmed, non-missing) cell, NULL when it does not fit.

    It reads the intermediate values named by :func:`needs`.
    """
    i = plan.index
    if plan.type == "date" and plan.form == "dmy4":
        return f"ddgov_date_dmy4(sd{i}, yd{i}, {sql_literal(plan.mode)}, {sql_literal(plan.order)})"
    if plan.type == "date" and plan.form == "iso":
        return f"ddgov_date_iso(sh{i}, yh{i}, {sql_literal(plan.mode)})"
    if plan.type in _TYPED:
        return _TYPED[plan.type].format(
            i=i, mode=sql_literal(plan.mode), order=sql_literal(plan.order)
        )
    if plan.type in {"integer", "number"} and plan.unit is not None:
        value = f"ui{i}" if plan.type == "integer" else f"un{i}"
        return f"(CASE WHEN u{i}.u = {sql_literal(plan.unit)} THEN {value} END)"
    if plan.type in {"integer", "number"}:
        value = f"i{i}" if plan.type == "integer" else f"n{i}"
        # Inferred numbers never drop leading zeros (codes stay text); a steward may decide otherwise.
        return value if plan.forced else f"(CASE WHEN NOT lz{i} THEN {value} END)"
    return f"t{i}"


def layered(
    source: str,
    first: list[str],
    derived: dict[int, set[str]] | dict[str, set[str]],
    *,
    limit: int | None = None,
) -> str:
    """Wrap ``source`` in projections adding each column's intermediate values.

    ``first`` are the innermost expressions (``c0 AS r0``, ``ddgov_t(c0) AS t0``…); ``derived``
    names, per column index (``""`` for the unpivoted profile), the level-2/3 values wanted
    (their dependencies are added).
    """
    level2: list[str] = []
    level3: list[str] = []
    for i, wanted in sorted(derived.items()):
        names = set(wanted) | {_DEPENDS[w] for w in wanted if w in _DEPENDS}
        level2 += [f"{_LEVEL2[n].format(i=i)} AS {n}{i}" for n in sorted(names) if n in _LEVEL2]
        level3 += [f"{_LEVEL3[n].format(i=i)} AS {n}{i}" for n in sorted(names) if n in _LEVEL3]
    cap = f" LIMIT {int(limit)}" if limit else ""
    sql = f"SELECT {', '.join(first)} FROM ({source}){cap}"
    for level in (level2, level3):
        if level:
            sql = f"SELECT *, {', '.join(level)} FROM ({sql})"
    return sql


def profile_sql(source: str, plans: list[ColumnPlan]) -> str:
    """The profile query: one row per column (``k`` = ``c<index>``) with the counts of PROFILE.

    The columns are unpivoted into (column, value) rows so the parsing expressions appear once,
    however wide the table (planning time stays constant).
    """
    cols = ", ".join(p.raw for p in plans)
    base = f"SELECT k, v AS c FROM (UNPIVOT ({source}) ON {cols} INTO NAME k VALUE v)"
    inner = layered(base, ["k", "c AS r", "ddgov_t(c) AS t"], {"": set(ALL_DERIVED)})
    aggs = ", ".join(expr for _key, expr in PROFILE)
    return f"SELECT k, {aggs} FROM ({inner}) GROUP BY k"


def forced_sql(source: str, plans: list[ColumnPlan]) -> str:
    """Per corrected column: how many values miss the steward's type, and one of them."""
    first = [f"ddgov_t({p.raw}) AS t{p.index}" for p in plans]
    derived = {p.index: needs(p) for p in plans}
    aggs = []
    for p in plans:
        bad = f"t{p.index} IS NOT NULL AND {typed_value(p)} IS NULL"
        aggs += [f"count(*) FILTER (WHERE {bad})", f"any_value(t{p.index}) FILTER (WHERE {bad})"]
    return f"SELECT {', '.join(aggs)} FROM ({layered(source, first, derived)})"


def apply_profile(plans: list[ColumnPlan], rows: list[tuple[Any, ...]]) -> None:
    """Store each profiled column's counts in its plan and choose its type.

    A column absent from ``rows`` had no value at all (UNPIVOT drops NULLs).
    """
    found = {
        str(row[0]): dict(zip((key for key, _expr in PROFILE), row[1:], strict=True))
        for row in rows
    }
    for plan in plans:
        plan.stats = found.get(plan.raw, {})
        choose(plan)


def apply_forced(plans: list[ColumnPlan], row: tuple[Any, ...]) -> None:
    """Store the corrected columns' failure counts (from :func:`forced_sql`)."""
    for n, plan in enumerate(plans):
        plan.stats["forced_bad"], plan.stats["forced_example"] = row[2 * n], row[2 * n + 1]


def choose(plan: ColumnPlan) -> None:
    """Pick the most specific type no value fails (unless the steward forced one)."""
    s = plan.stats
    plan.tidy = s.get("untidy") == 0
    if plan.forced:
        plan.thai_digits = bool(s.get("thai_digits"))
        plan.html = bool(s.get("html"))
        plan.leading_zero = bool(s.get("leading_zero"))
        plan.be_seen = bool(s.get("be")) or (
            plan.type == "year" and (s.get("int_max") or 0) >= 2400
        )
        if (
            plan.type in {"integer", "number"}
            and plan.unit is None
            and s.get("number")
            and s.get("unit_kinds") == 1
        ):
            plan.unit = s.get("unit")
        return
    plan.thai_digits = bool(s.get("thai_digits"))
    plan.html = bool(s.get("html"))
    plan.leading_zero = bool(s.get("leading_zero"))
    plan.unit, plan.mode, plan.order, plan.be_seen = None, "auto", "dmy", False
    plan.suggestion = plan.form = None
    if not s.get("nonnull"):
        plan.type = "string"
    elif s["boolean"] == 0:
        plan.type = "boolean"
    elif s["integer"] == 0 and not plan.leading_zero:
        if YEAR_NAME.search(plan.name) and s["year"] == 0:
            plan.type = "year"
            low, high = s["int_min"], s["int_max"]
            plan.mode = "be" if low >= 2400 else "ce" if high < 2400 else "auto"
            plan.be_seen = high >= 2400
        else:
            plan.type = "integer"
    elif s["number"] == 0 and not plan.leading_zero:
        plan.type = "number"
    elif s["unit_kinds"] == 1 and s["unit_bad"] == 0:
        plan.type = "integer" if s["unit_int_bad"] == 0 else "number"
        plan.unit = s["unit"]
    elif s["date_dmy"] == 0 or s["date_mdy"] == 0:
        plan.type = "date"
        plan.order = "dmy" if s["date_dmy"] == 0 else "mdy"
        plan.be_seen = bool(s["be"])
        plan.form = "dmy4" if s.get("form_dmy4") == 0 else "iso" if s.get("form_iso") == 0 else None
    elif s["datetime_dmy"] == 0 or s["datetime_mdy"] == 0:
        plan.type = "datetime"
        plan.order = "dmy" if s["datetime_dmy"] == 0 else "mdy"
        plan.be_seen = bool(s["be"])
    else:
        plan.type = "string"
        plan.suggestion = _suggest(s)


def _suggest(s: dict[str, Any]) -> dict[str, Any] | None:
    """For a text column that is a number or a date but for a few values, say so."""
    nonnull = int(s.get("nonnull") or 0)
    allowed = max(1, nonnull // 100)
    if nonnull < 20:
        return None
    for kind, bad, example in (
        ("number", "number", "number_example"),
        ("date", "date_dmy", "date_example"),
    ):
        if 0 < int(s.get(bad) or 0) <= allowed:
            return {"type": kind, "values_not_matching": int(s[bad]), "example": s.get(example)}
    return None
