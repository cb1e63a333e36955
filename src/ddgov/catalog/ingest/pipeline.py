# ruff: noqa: S608 - SQL built from column positions, quoted identifiers and quoted literals only
"""``ingest_file``: one uploaded file in, one typed Parquet table out (no database involved).

Steps: find the real format and encoding (``sniff``); bring text to UTF-8 (streamed) and find
the header; infer each column's type from a sample with the profile query (``infer``); write
the typed table in one SELECT that *raises* on any value its type cannot hold, so nothing is
silently lost — if that happens the profile runs again over every row and the table is written
with the corrected types; finally number the rows (``_id``) into the target file.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from django.utils.translation import gettext as _

from ddgov.catalog.ingest import engine
from ddgov.catalog.ingest.engine import sql_ident, sql_list, sql_literal
from ddgov.catalog.ingest.errors import IngestError, error_detail
from ddgov.catalog.ingest.infer import (
    ColumnPlan,
    apply_forced,
    apply_format,
    apply_profile,
    forced_sql,
    layered,
    needs,
    profile_sql,
    typed_value,
)
from ddgov.catalog.ingest.rules import MISSING_VALUES, NULL_STRINGS, ROW_ID, SAMPLE_ROWS
from ddgov.catalog.ingest.sniff import (
    CsvPlan,
    clean_names,
    detect_encoding,
    normalize_csv,
    plan_csv,
    sniff_format,
    transcode_to_utf8,
)
from ddgov.catalog.ingest.xlsx import xlsx_to_csv

Progress = Callable[[float, str], None]
SOURCE_FORMATS = {"csv": "CSV", "xlsx": "XLSX", "json": "JSON", "parquet": "PARQUET"}
MAX_LINE_BYTES = 2 << 20
_BAD_VALUE = re.compile(r"ddgov-bad-value\|(\d+)\|(.*)", re.DOTALL)
_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")
_ORIGINAL = re.compile(r"Original Line: (.*)")
_FOUND = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")
_JSON_AT = re.compile(r"at byte (\d+) in (line|record/value) (\d+)(?::\s*([^.\n]*))?")
# Table Schema type names in the Thai half of messages.
TYPE_TH = {
    "string": "ข้อความ", "integer": "จำนวนเต็ม", "number": "ตัวเลข", "boolean": "ค่าจริง/เท็จ",
    "date": "วันที่", "datetime": "วันและเวลา", "year": "ปี",
}  # fmt: skip


@dataclass
class IngestResult:
    """What the ingest produced: the table's size, schema and how the source was read."""

    row_count: int
    table_schema: dict[str, Any]
    encoding: str
    source_format: str
    parquet_size: int
    typed_from: str = "sample"
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Source:
    """A readable relation over the upload: its columns as text, and (CSV only) a typed reader."""

    fmt: str
    encoding: str
    names: list[str]
    titles: list[str]
    varchar_sql: str
    csv: CsvPlan | None = None
    info: dict[str, Any] = field(default_factory=dict)

    def typed_sql(self, plans: list[ColumnPlan]) -> str | None:
        """DuckDB's CSV reader parsing plain numeric columns itself (the fast path), or None."""
        if self.csv is None or not any(p.native for p in plans):
            return None
        types = {f"c{p.index}": p.native_type or "VARCHAR" for p in plans}
        return _read_csv(self.csv, types, fast=True)


def _read_csv(plan: CsvPlan, types: Mapping[str, str], *, fast: bool) -> str:
    columns = "{" + ", ".join(f"{sql_literal(k)}: {sql_literal(v)}" for k, v in types.items()) + "}"
    extra = f", nullstr={sql_list(list(NULL_STRINGS))}, thousands=','" if fast else ""
    return (
        f"SELECT * FROM read_csv({sql_literal(str(plan.path))}, columns={columns}, header=false, "
        f"skip={int(plan.skip)}, delim={sql_literal(plan.delimiter)}, quote='\"', escape='\"', "
        f"auto_detect=false, strict_mode=true, max_line_size={MAX_LINE_BYTES}{extra})"
    )


class _Reporter:
    """Maps each step's own 0..1 onto the overall progress and never goes backwards."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.last = 0.0

    def __call__(self, fraction: float, message: str = "") -> None:
        if self.progress is None:
            return
        fraction = max(self.last, min(1.0, fraction))
        self.last = fraction
        self.progress(fraction, message)

    def span(self, low: float, high: float) -> Progress:
        def scaled(fraction: float, message: str = "") -> None:
            self(low + (high - low) * fraction, message)

        return scaled


def ingest_file(
    *,
    source: Path,
    filename: str,
    target: Path,
    overrides: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    sheet: str | int | None = None,
) -> IngestResult:
    """Turn ``source`` (CSV, XLSX, JSON or Parquet) into typed Parquet at ``target``.

    ``overrides`` maps column names to ``{"type": …, "format": …}`` (or just a type name).
    Raises :class:`IngestError` with a stable code and a bilingual reason; on error ``target``
    is left as it was given (the caller writes it through ``atomic_target``).
    """
    report = _Reporter(progress)
    fmt = sniff_format(Path(source), filename)
    scratch_parent = Path(target).parent
    scratch_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ingest-", dir=scratch_parent) as work:
        scratch = Path(work)
        con = engine.connect(scratch)
        try:
            force_874 = False
            for _attempt in range(3):
                src = _open(
                    con,
                    Path(source),
                    fmt,
                    scratch,
                    sheet=sheet,
                    progress=report.span(0.0, 0.15),
                    force_874=force_874,
                )
                try:
                    return _ingest(
                        con,
                        src=src,
                        target=Path(target),
                        overrides=overrides or {},
                        report=report,
                    )
                except _Retranscode:
                    force_874 = True
                except _Normalize:
                    assert src.csv is not None  # noqa: S101 - only CSV sources normalise
                    src.csv = normalize_csv(
                        src.csv, scratch / "normalised.csv", report.span(0.0, 0.15)
                    )
                    src.varchar_sql = _read_csv(
                        src.csv, {f"c{i}": "VARCHAR" for i in range(len(src.names))}, fast=False
                    )
                    src.info["normalised"] = True
                    return _ingest(
                        con,
                        src=src,
                        target=Path(target),
                        overrides=overrides or {},
                        report=report,
                    )
            raise _unexpected(RuntimeError("the file could not be decoded"))
        finally:
            con.close()


class _Retranscode(Exception):  # noqa: N818 - control flow, never leaves this module
    """DuckDB met invalid UTF-8 after the first megabyte: read the file as Windows-874."""


class _Normalize(Exception):  # noqa: N818 - control flow, never leaves this module
    """DuckDB's strict parser refused the CSV's quoting or line endings: rewrite it leniently."""


def _open(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    fmt: str,
    scratch: Path,
    *,
    sheet: str | int | None,
    progress: Progress,
    force_874: bool = False,
) -> _Source:
    if fmt == "csv":
        encoding = "windows-874" if force_874 else detect_encoding(path)
        text = path
        if encoding not in {"utf-8", "utf-8-sig"}:
            text = scratch / "utf8.csv"
            transcode_to_utf8(path, text, encoding, progress)
        plan = plan_csv(text)
        types = {f"c{i}": "VARCHAR" for i in range(len(plan.names))}
        info = {"delimiter": plan.delimiter}
        return _Source(
            fmt, encoding, plan.names, plan.titles, _read_csv(plan, types, fast=False), plan, info
        )
    if fmt == "xlsx":
        plan = xlsx_to_csv(path, scratch / "sheet.csv", sheet=sheet, progress=progress)
        types = {f"c{i}": "VARCHAR" for i in range(len(plan.names))}
        return _Source(
            fmt,
            "",
            plan.names,
            plan.titles,
            _read_csv(plan, types, fast=False),
            plan,
            dict(plan.extra),
        )
    return _open_structured(con, path, fmt)


def _open_structured(con: duckdb.DuckDBPyConnection, path: Path, fmt: str) -> _Source:
    """JSON (array of records or NDJSON) and Parquet, every column cast to text to be re-typed."""
    if fmt == "json":
        reader = (
            f"read_json({sql_literal(str(path))}, format='auto', records='auto', sample_size=-1)"
        )
    else:
        reader = f"read_parquet({sql_literal(str(path))})"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
    except duckdb.Error as exc:
        raise _structured_error(exc, fmt) from exc
    if fmt == "json":
        reader, described = _unwrap_ckan(con, reader, described)
    titles = [str(row[0]) for row in described]
    names = clean_names(titles)
    columns = []
    for i, (column, described_kind, *_rest) in enumerate(described):
        kind = str(described_kind).upper()
        ident = sql_ident(column)
        if kind == "VARCHAR":
            expr = ident
        elif kind.endswith("]") or kind.startswith(("STRUCT", "MAP", "UNION", "JSON")):
            expr = f"CAST(to_json({ident}) AS VARCHAR)"
        elif kind == "BLOB":
            expr = f"to_base64({ident})"
        else:
            expr = f"CAST({ident} AS VARCHAR)"
        columns.append(f"{expr} AS c{i}")
    if not columns:
        raise IngestError("empty", _("The file holds no columns. / ไฟล์ไม่มีคอลัมน์"))
    return _Source(
        fmt,
        "utf-8" if fmt == "json" else "",
        names,
        titles,
        f"SELECT {', '.join(columns)} FROM {reader}",
    )


def _unwrap_ckan(
    con: duckdb.DuckDBPyConnection, reader: str, described: list[tuple[Any, ...]]
) -> tuple[str, list[tuple[Any, ...]]]:
    """A saved CKAN API answer (``{"success", "result"}``) is read as the table inside it.

    ``package_list``'s list of names, ``package_search``'s ``results`` and ``datastore_search``'s
    ``records`` become rows; anything else stays one row.
    """
    kinds = {str(row[0]): str(row[1]).upper() for row in described}
    if "SUCCESS" not in {k.upper() for k in kinds} or "result" not in kinds:
        return reader, described
    result = kinds["result"]
    if result.endswith("[]"):
        items = "result"
    elif result.startswith("STRUCT") and ("RECORDS " in result or "RESULTS " in result):
        items = "result.records" if "RECORDS " in result else "result.results"
    else:
        return reader, described
    unnested = f"(SELECT unnest({items}) AS result FROM {reader})"
    if (result.startswith("STRUCT(") and result.endswith("[]")) or items != "result":
        unnested = f"(SELECT result.* FROM {unnested})"
    try:
        return unnested, con.execute(f"DESCRIBE SELECT * FROM {unnested}").fetchall()
    except duckdb.Error:
        return reader, described


def _first_line(exc: BaseException) -> str:
    return error_detail(exc)


def _structured_error(exc: duckdb.Error, fmt: str) -> IngestError:
    """A JSON or Parquet file DuckDB cannot open, described without the lake's file path."""
    if fmt == "json":
        at = _JSON_AT.search(str(exc))
        if at:
            # DuckDB counts the line (or value) after the one it stopped in.
            where, number = at.group(2), max(1, int(at.group(3)) - 1)
            english_where = "line" if where == "line" else "value"
            thai_where = "บรรทัดที่" if where == "line" else "รายการที่"
            return IngestError(
                "not_json",
                _(
                    "The file is not valid JSON: %(reason)s near %(where)s %(n)s (byte %(byte)s). / "
                    "ไฟล์ไม่ใช่ JSON ที่ถูกต้อง: รูปแบบผิดประมาณ%(where_th)s %(n)s (ไบต์ที่ %(byte)s)"
                )
                % {
                    "reason": (at.group(4) or "malformed JSON").strip(),
                    "where": english_where,
                    "where_th": thai_where,
                    "n": number,
                    "byte": at.group(1),
                },
                line=number,
            )
        return IngestError(
            "not_json",
            _("The file is not valid JSON: %(error)s / ไฟล์ไม่ใช่ JSON ที่ถูกต้อง อ่านเป็นตารางไม่ได้")
            % {"error": _first_line(exc)},
        )
    return IngestError(
        "not_parquet",
        _(
            "The Parquet file cannot be read: %(error)s / "
            "อ่านไฟล์ Parquet ไม่ได้ ไฟล์อาจเสียหายหรือบันทึกไม่ครบ"
        )
        % {"error": _first_line(exc)},
    )


def _type_th(type_name: str) -> str:
    return TYPE_TH.get(type_name, type_name)


def _plans(src: _Source, overrides: Mapping[str, Any]) -> list[ColumnPlan]:
    plans = [
        ColumnPlan(index=i, name=n, title=t)
        for i, (n, t) in enumerate(zip(src.names, src.titles, strict=True))
    ]
    by_name = {p.name: p for p in plans}
    for name, spec in overrides.items():
        plan = by_name.get(str(name))
        if plan is None:
            raise IngestError(
                "bad_override",
                _("The table has no column %(name)s to correct. / ไม่มีคอลัมน์ %(name)s ในตาราง")
                % {"name": name},
            )
        spec_dict = spec if isinstance(spec, Mapping) else {"type": spec}
        plan.type = str(spec_dict.get("type") or "string")
        plan.forced = True
        apply_format(plan, spec_dict.get("format"))
        if spec_dict.get("unit"):
            plan.unit = str(spec_dict["unit"])
        plan.invalid = "null" if str(spec_dict.get("invalid") or "") == "null" else "fail"
    return plans


def _profile(
    con: duckdb.DuckDBPyConnection,
    source: str,
    plans: list[ColumnPlan],
    *,
    report: Progress,
    span: tuple[float, float],
) -> None:
    """Profile ``plans``' columns of ``source`` and (re)choose their types, corrections checked."""
    low, high = span
    rows = engine.run(
        con,
        profile_sql(source, plans),
        progress=report,
        span=(low, (low + high) / 2),
        message="inferring types",
    )
    apply_profile(plans, rows)
    forced = [p for p in plans if p.forced]
    if forced:
        row = engine.run(
            con,
            forced_sql(source, forced),
            progress=report,
            span=((low + high) / 2, high),
            message="checking corrections",
        )
        apply_forced(forced, row[0])


def _sample_rows(width: int) -> int:
    """Rows in the inference sample: about 100,000 cells, between 2,000 and SAMPLE_ROWS rows."""
    return max(2_000, min(SAMPLE_ROWS, 100_000 // max(1, width)))


def _check_forced(plans: list[ColumnPlan]) -> None:
    for plan in plans:
        bad = plan.stats.get("forced_bad")
        if plan.forced and bad and plan.invalid != "null":
            raise IngestError(
                "bad_value",
                _(
                    "Column %(name)s was set to %(type)s but %(count)d value(s) are not, e.g. %(example)s. / "
                    "คอลัมน์ %(name)s ถูกกำหนดเป็น%(type_th)s แต่มี %(count)d ค่าที่ไม่ใช่ เช่น %(example)s"
                )
                % {
                    "name": plan.name,
                    "type": plan.type,
                    "type_th": _type_th(plan.type),
                    "count": bad,
                    "example": repr(plan.stats.get("forced_example")),
                },
                column=plan.name,
            )


def _final_expr(plan: ColumnPlan, *, native: bool) -> str:
    i = plan.index
    label = sql_literal(f"{i}")
    if native and plan.native:
        r = f"r{i}"
        bad = f"error('ddgov-bad-value|' || {label} || '|' || CAST({r} AS VARCHAR))"
        if plan.type == "boolean":
            return r
        if plan.type == "number":
            value = f"CASE WHEN isfinite({r}) THEN {r} END"
        else:
            exact = f"{r} = trunc({r}) AND abs({r}) < 9007199254740992"  # NaN and inf fail
            value = f"CASE WHEN {exact} THEN CAST({r} AS BIGINT) END"
            if plan.type == "year":
                value = f"ddgov_year({value}, {sql_literal(plan.mode)})"
        return f"CASE WHEN {r} IS NULL THEN NULL ELSE coalesce({value}, {bad}) END"
    if plan.type == "string":
        text = f"ddgov_text(r{i})"
        return f"ddgov_unescape({text})" if plan.html else text
    if plan.invalid == "null":
        return typed_value(plan)
    return f"ddgov_strict({typed_value(plan)}, t{i}, {label})"


def typed_select(source: str, plans: list[ColumnPlan], *, native: bool) -> str:
    """One SELECT from ``source`` giving every column typed (``c0``…), skipping all-empty rows."""
    first: list[str] = []
    empty: list[str] = []
    derived: dict[int, set[str]] = {}
    for plan in plans:
        i = plan.index
        if native and plan.native:
            first.append(f"c{i} AS r{i}")
            empty.append(f"c{i} IS NULL")
            continue
        empty.append(f"ddgov_is_missing(c{i})")
        if plan.type == "string":
            first.append(f"c{i} AS r{i}")
        else:
            # In the fast path a column whose sampled cells needed no trimming is read as is;
            # an untidy cell later on fails its type strictly and sends the ingest to all rows.
            tidy = native and plan.tidy and not plan.forced
            first.append(f"c{i} AS t{i}" if tidy else f"ddgov_t(c{i}) AS t{i}")
            derived[i] = needs(plan)
    rows = f"SELECT * FROM ({source}) WHERE NOT ({' AND '.join(empty)})"
    finals = ", ".join(f"{_final_expr(p, native=native)} AS c{p.index}" for p in plans)
    return f"SELECT {finals} FROM ({layered(rows, first, derived)})"


def _duckdb_error(exc: duckdb.Error, src: _Source) -> IngestError | None:
    """Translate DuckDB's error into an IngestError, or None when re-profiling may fix it."""
    text = str(exc)
    if _BAD_VALUE.search(text) or "Could not convert" in text or "Conversion Error" in text:
        return None
    line_match = _CSV_LINE.search(text)
    line = int(line_match.group(1)) if line_match else 0
    original = _ORIGINAL.search(text)
    found = _FOUND.search(text)
    if found:
        return IngestError(
            "ragged",
            _(
                "Line %(line)d has %(found)s cells but the header has %(expected)s: %(text)s / "
                "บรรทัดที่ %(line)d มี %(found)s ช่อง แต่หัวตารางมี %(expected)s ช่อง: %(text)s"
            )
            % {
                "line": line,
                "found": found.group(2),
                "expected": found.group(1),
                "text": (original.group(1) if original else "")[:120],
            },
            line=line,
        )
    if (
        src.csv is not None
        and not src.csv.extra.get("normalised")
        and (
            "state machine reached an invalid state" in text or "unterminated quote" in text.lower()
        )
    ):
        raise _Normalize
    if "invalid unicode" in text.lower():
        if src.fmt == "csv" and src.encoding in {"utf-8", "utf-8-sig"}:
            raise _Retranscode
        return IngestError(
            "encoding",
            _(
                "The file is not valid UTF-8 near line %(line)d and is not TIS-620/Windows-874 either. / "
                "ไฟล์ไม่ใช่ UTF-8 ที่ถูกต้องที่ประมาณบรรทัด %(line)d และไม่ใช่ TIS-620/Windows-874"
            )
            % {"line": line},
            line=line,
        )
    return IngestError(
        "malformed",
        _(
            "The file cannot be read as %(fmt)s near line %(line)d: %(error)s / "
            "อ่านไฟล์ %(fmt)s ไม่ได้ที่ประมาณบรรทัด %(line)d รูปแบบไฟล์ไม่ถูกต้อง"
        )
        % {"fmt": SOURCE_FORMATS[src.fmt], "line": line, "error": _first_line(exc)},
        line=line,
    )


def _write(
    con: duckdb.DuckDBPyConnection,
    select: str,
    *,
    report: Progress,
    span: tuple[float, float],
) -> None:
    """Materialise the typed rows in a temporary table (in memory, spilling to the scratch folder).

    The table's ``rowid`` follows the file order (insertion order is preserved), which numbers
    the rows for ``_id`` without serialising the parallel scan the way ``row_number()`` would.
    """
    engine.run(
        con,
        f"CREATE OR REPLACE TEMP TABLE ddgov_typed AS {select}",
        progress=report,
        span=span,
        message="typing rows",
    )


def _ingest(
    con: duckdb.DuckDBPyConnection,
    *,
    src: _Source,
    target: Path,
    overrides: Mapping[str, Any],
    report: _Reporter,
) -> IngestResult:
    plans = _plans(src, overrides)
    limit = _sample_rows(len(plans))
    try:
        engine.run(
            con,
            f"CREATE OR REPLACE TEMP TABLE ddgov_sample AS SELECT * FROM ({src.varchar_sql}) LIMIT {limit}",
            progress=report,
            span=(0.15, 0.17),
            message="sampling",
        )
        sampled = int(con.execute("SELECT count(*) FROM ddgov_sample").fetchone()[0])  # type: ignore[index]
        _profile(con, "SELECT * FROM ddgov_sample", plans, report=report, span=(0.17, 0.2))
    except duckdb.Error as exc:
        raise _duckdb_error(exc, src) or _unexpected(exc) from exc
    _check_forced(plans)
    fast = src.typed_sql(plans)
    typed_from = "sample" if sampled >= limit else "all rows"
    try:
        _write(
            con,
            typed_select(fast or src.varchar_sql, plans, native=fast is not None),
            report=report,
            span=(0.2, 0.75),
        )
    except duckdb.Error as exc:
        error = _duckdb_error(exc, src)
        if error is not None:
            raise error from exc
        if sampled < limit and fast is None:
            raise _bad_value(exc, plans) from exc
        # A value the sample did not show: profile every row of the typed columns, type again.
        typed_from = "all rows"
        typed = [p for p in plans if p.type != "string" or p.forced]
        try:
            _profile(con, src.varchar_sql, typed, report=report, span=(0.2, 0.45))
        except duckdb.Error as exc2:
            raise _duckdb_error(exc2, src) or _unexpected(exc2) from exc2
        _check_forced(plans)
        try:
            _write(
                con,
                typed_select(src.varchar_sql, plans, native=False),
                report=report,
                span=(0.45, 0.75),
            )
        except duckdb.Error as exc3:
            raise _duckdb_error(exc3, src) or _bad_value(exc3, plans) from exc3
    names = ", ".join(f"c{p.index} AS {sql_ident(p.name)}" for p in plans)
    engine.run(
        con,
        f"COPY (SELECT CAST(rowid + 1 AS BIGINT) AS {sql_ident(ROW_ID)}, {names} FROM ddgov_typed) "
        f"TO {sql_literal(str(target))} (FORMAT parquet, COMPRESSION snappy)",
        progress=report,
        span=(0.75, 0.98),
        message="writing Parquet",
    )
    row_count = int(con.execute("SELECT count(*) FROM ddgov_typed").fetchone()[0])  # type: ignore[index]
    con.execute("DROP TABLE ddgov_typed")
    nulling = [p for p in plans if p.forced and p.invalid == "null"]
    if nulling:
        apply_forced(nulling, engine.run(con, forced_sql(src.varchar_sql, nulling))[0])
    schema = table_schema(src, plans, row_count=row_count, typed_from=typed_from)
    report(1.0, "done")
    return IngestResult(
        row_count=row_count,
        table_schema=schema,
        encoding=src.encoding,
        source_format=SOURCE_FORMATS[src.fmt],
        parquet_size=target.stat().st_size,
        typed_from=typed_from,
    )


def _unexpected(exc: BaseException) -> IngestError:
    return IngestError(
        "malformed",
        _("The file cannot be read: %(error)s / อ่านไฟล์ไม่ได้ รูปแบบไฟล์ไม่ถูกต้องหรือไฟล์เสียหาย")
        % {"error": _first_line(exc)},
    )


def _bad_value(exc: BaseException, plans: list[ColumnPlan]) -> IngestError:
    match = _BAD_VALUE.search(str(exc))
    if match is None:
        return _unexpected(exc)
    plan = next(p for p in plans if p.index == int(match.group(1)))
    value = match.group(2).strip().splitlines()[0] if match.group(2).strip() else ""
    return IngestError(
        "bad_value",
        _(
            "Column %(name)s is %(type)s but holds %(value)s, which is not. / "
            "คอลัมน์ %(name)s เป็นชนิด%(type_th)s แต่มีค่า %(value)s ซึ่งไม่ใช่ชนิดนี้"
        )
        % {
            "name": plan.name,
            "type": plan.type,
            "type_th": _type_th(plan.type),
            "value": repr(value),
        },
        column=plan.name,
    )


def _notes(plan: ColumnPlan) -> dict[str, Any]:
    """Notes ddgov adds to a field: unit, conversions applied, corrections, a type suggestion."""
    notes: dict[str, Any] = {}
    if plan.unit:
        notes["unit"] = plan.unit
    if plan.thai_digits and plan.type != "string":
        notes["thai_digits"] = True
    if plan.html and plan.type == "string":
        notes["html_unescaped"] = True
    if plan.forced:
        notes["corrected"] = True
        if plan.invalid == "null":
            notes["invalid_to_null"] = int(plan.stats.get("forced_bad") or 0)
    if plan.suggestion:
        notes["suggestion"] = plan.suggestion
    return notes


def table_schema(
    src: _Source, plans: list[ColumnPlan], *, row_count: int, typed_from: str
) -> dict[str, Any]:
    """The Frictionless Table Schema of the table (``_id`` is not listed), with ddgov's notes."""
    fields: list[dict[str, Any]] = []
    for plan in plans:
        entry: dict[str, Any] = {"name": plan.name, "type": plan.type}
        if plan.format:
            entry["format"] = plan.format
        if plan.title and plan.title != plan.name:
            entry["title"] = plan.title
        notes = _notes(plan)
        if notes:
            entry["x_ddgov"] = notes
        fields.append(entry)
    meta: dict[str, Any] = {
        "source_format": SOURCE_FORMATS[src.fmt],
        "row_count": row_count,
        "typed_from": typed_from,
    }
    if src.encoding:
        meta["encoding"] = src.encoding
    if src.csv is not None:
        meta["header_row"] = src.csv.header_row
        if src.csv.header_rows > 1:
            meta["header_rows"] = src.csv.header_rows
    meta.update(src.info)
    return {"fields": fields, "missingValues": list(MISSING_VALUES), "x_ddgov": meta}
