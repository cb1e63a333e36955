"""Decide per column of a table whether it holds PII, from its header and a sample of its values.

CSV (UTF-8, UTF-8 with BOM, or Windows-874/TIS-620) and Parquet are read with DuckDB and sampled
with a reservoir sample, so a multi-gigabyte file streams through in constant memory and is never
loaded whole; XLSX is streamed with openpyxl in read-only mode. A Windows-874 CSV is first
transcoded line by line to a temporary UTF-8 file (DuckDB reads UTF-8 only without extensions).

Each sampled value is scanned with the free-text detectors; a column's hit rate for a type is the
share of its non-empty values with a finding of that type. Values that are a bare "given family"
name or a bare date count too, since cells rarely carry the titles and birth words free text has.
"""

from __future__ import annotations

import codecs
import random
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from ddgov.governance.pii import lexicon
from ddgov.governance.pii.headers import STRONG, header_signal
from ddgov.governance.pii.text import pii_text_scan
from ddgov.governance.pii.types import DATE_OF_BIRTH, PERSON, PII_TYPES

DEFAULT_SAMPLE_ROWS = 1000
VALUE_RATE_DECIDES = 0.3
_SEED = 42
_BARE_NAME = re.compile(rf"^\s*([{lexicon.THAI_LETTER}]+)\s+([{lexicon.THAI_LETTER}]+)\s*$")
_BARE_DATE = re.compile(
    r"^\s*(?:\d{1,2}[/\-.]\d{1,2}[/\-.]\d{2,4}|\d{4}-\d{2}-\d{2}(?:[ T][\d:.]+)?|"
    r"\d{1,2}\s*\S+\s*(?:พ\.ศ\.\s*)?\d{4})\s*$"
)


class TableScanError(ValueError):
    """The file cannot be read as a table (message in English and Thai)."""


@dataclass(frozen=True, slots=True)
class Sample:
    """Column names and up to ``n`` sampled rows of string values (None for empty cells)."""

    columns: list[str]
    rows: list[list[str | None]]


def _csv_encoding(path: Path) -> str:
    """Return ``utf-8`` (with or without BOM) or ``cp874`` for a CSV file, from its first 1 MB."""
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp874"
    return "utf-8"


def _duckdb_sample(relation_sql: str, params: list[Any], n: int) -> Sample:
    con = duckdb.connect()
    try:
        rel = con.execute(
            f"SELECT * FROM {relation_sql} USING SAMPLE reservoir({int(n)} ROWS) REPEATABLE ({_SEED})",  # noqa: S608
            params,
        )
        columns = [d[0] for d in rel.description]
        rows = [[None if v is None else str(v) for v in row] for row in rel.fetchall()]
    except duckdb.Error as exc:
        raise TableScanError(f"cannot read the table: {exc} / อ่านตารางไม่ได้: {exc}") from exc
    finally:
        con.close()
    return Sample(columns, rows)


def _sample_csv(path: Path, n: int) -> Sample:
    if _csv_encoding(path) == "utf-8":
        return _duckdb_sample("read_csv(?, all_varchar = true, header = true)", [str(path)], n)
    with tempfile.TemporaryDirectory(prefix="ddgov-pii-") as work:
        utf8 = Path(work) / "table.csv"
        with (
            path.open(encoding="cp874", newline="") as src,
            utf8.open("w", encoding="utf-8", newline="") as dst,
        ):
            shutil.copyfileobj(src, dst, 1 << 20)
        return _duckdb_sample("read_csv(?, all_varchar = true, header = true)", [str(utf8)], n)


def _sample_xlsx(path: Path, n: int, sheet: str | None) -> Sample:
    from openpyxl import load_workbook  # noqa: PLC0415 - only XLSX needs it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise TableScanError(f"cannot read the workbook: {exc} / อ่านไฟล์ Excel ไม่ได้: {exc}") from exc
    try:
        ws = book[sheet] if sheet else book.worksheets[0]
        rows_iter: Iterator[tuple[Any, ...]] = ws.iter_rows(values_only=True)
        header = next(rows_iter, None)
        if header is None:
            return Sample([], [])
        columns = [str(h) if h is not None else f"column_{i + 1}" for i, h in enumerate(header)]
        rng = random.Random(_SEED)  # noqa: S311 - a reproducible sample, not security
        reservoir: list[list[str | None]] = []
        for seen, row in enumerate(rows_iter):
            values = [None if v is None else str(v) for v in row[: len(columns)]]
            values += [None] * (len(columns) - len(values))
            if seen < n:
                reservoir.append(values)
            else:
                slot = rng.randint(0, seen)
                if slot < n:
                    reservoir[slot] = values
        return Sample(columns, reservoir)
    except KeyError as exc:
        raise TableScanError(f"no sheet {sheet!r} / ไม่พบชีต {sheet!r}") from exc
    finally:
        book.close()


def table_sample(
    *, path: Path, sample_rows: int = DEFAULT_SAMPLE_ROWS, sheet: str | None = None
) -> Sample:
    """Return a reproducible random sample of ``sample_rows`` rows of a CSV, XLSX or Parquet file."""
    if not path.is_file():
        raise TableScanError(f"no such file: {path} / ไม่พบไฟล์: {path}")
    if sample_rows < 1:
        raise TableScanError("sample_rows must be at least 1 / จำนวนแถวตัวอย่างต้องไม่น้อยกว่า 1")
    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt", ".tsv"}:
        return _sample_csv(path, sample_rows)
    if suffix in {".xlsx", ".xlsm"}:
        return _sample_xlsx(path, sample_rows, sheet)
    if suffix == ".parquet":
        return _duckdb_sample("read_parquet(?)", [str(path)], sample_rows)
    raise TableScanError(
        f"unsupported file type {suffix or '(none)'}: use CSV, XLSX or Parquet / "
        f"ไม่รองรับไฟล์ชนิด {suffix or '(ไม่มี)'} ใช้ได้เฉพาะ CSV, XLSX หรือ Parquet"
    )


def _value_types(value: str) -> set[str]:
    """The PII types found in one cell (free-text detectors plus bare names and dates)."""
    found = {f.type for f in pii_text_scan(text=value)}
    bare = _BARE_NAME.match(value)
    if (
        bare
        and bare.group(1) in lexicon.first_names()
        and bare.group(1) not in lexicon.common_words()
    ):
        found.add(PERSON)
    if _BARE_DATE.match(lexicon.ascii_digits(value)):
        found.add("DATE")
    return found


def column_decide(*, name: str, values: list[str]) -> dict[str, Any]:
    """Return the report of one column: PII type (or None), confidence, sensitivity, signals."""
    header = header_signal(name)
    counts = dict.fromkeys((*PII_TYPES, "DATE"), 0)
    for value in values:
        for kind in _value_types(value):
            counts[kind] += 1
    rates = (
        {k: round(c / len(values), 3) for k, c in counts.items()}
        if values
        else dict.fromkeys(counts, 0.0)
    )
    # A bare date is a date of birth only when the header says so.
    date_rate = rates.pop("DATE")
    if header.pii_type == DATE_OF_BIRTH:
        rates[DATE_OF_BIRTH] = max(rates[DATE_OF_BIRTH], date_rate)
    best = max(PII_TYPES, key=lambda k: rates[k])
    pii_type: str | None = None
    if rates[best] >= VALUE_RATE_DECIDES:
        pii_type = best
        confidence = 0.5 + 0.45 * rates[best] + (0.05 if header.pii_type == best else 0.0)
    elif header.pii_type is not None and (
        rates[header.pii_type] > 0 or header.score >= STRONG or not values
    ):
        pii_type = header.pii_type
        confidence = (0.6 if header.score >= STRONG else 0.4) + 0.3 * rates[header.pii_type]
    else:
        confidence = 1.0 - rates[best]
    return {
        "name": name,
        "pii_type": pii_type,
        "confidence": round(min(confidence, 0.99), 2),
        "sensitive_category": header.sensitive_category,
        "signals": {
            "header": {
                "pii_type": header.pii_type,
                "keyword": header.keyword,
                "score": header.score,
            },
            "sensitive_keyword": header.sensitive_keyword,
            "values_checked": len(values),
            "value_hit_rates": {k: v for k, v in rates.items() if v},
        },
    }


def pii_table_scan(
    *, path: Path, sample_rows: int = DEFAULT_SAMPLE_ROWS, sheet: str | None = None
) -> dict[str, Any]:
    """Report per column of a CSV/XLSX/Parquet file its PII type, confidence and PDPA sensitivity."""
    sample = table_sample(path=path, sample_rows=sample_rows, sheet=sheet)
    columns = []
    for i, name in enumerate(sample.columns):
        values = [row[i] for row in sample.rows if row[i] is not None and str(row[i]).strip()]
        columns.append(column_decide(name=name, values=[str(v) for v in values]))
    return {"columns": columns, "rows_sampled": len(sample.rows)}


def pii_table_format(report: dict[str, Any]) -> str:
    """The table report as readable text, one line per column."""
    lines = [f"rows sampled: {report['rows_sampled']}", ""]
    head = f"{'column':<28} {'PII type':<14} {'conf.':>5}  {'PDPA s.26':<18} {'header keyword':<20} value hit rates"
    lines += [head, "-" * len(head)]
    for c in report["columns"]:
        rates = ", ".join(f"{k} {v:.0%}" for k, v in c["signals"]["value_hit_rates"].items()) or "-"
        lines.append(
            f"{c['name'][:28]:<28} {c['pii_type'] or '-':<14} {c['confidence']:>5.2f}  "
            f"{c['sensitive_category'] or '-':<18} {c['signals']['header']['keyword'] or '-':<20} {rates}"
        )
    return "\n".join(lines)
