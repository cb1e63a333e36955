# ruff: noqa: S608 - SQL is built from quoted identifiers and our own constants only
"""Direct identifiers and free text: which columns a release drops, redacts or keeps.

Quasi-identifiers are generalised and sensitive columns kept; every other column is checked
with the PII detector (its header and a sample of values). A column that holds direct
identifiers — citizen IDs, phones, e-mails, names, plates, bank accounts, addresses, dates of
birth — is dropped; a free-text column (long values with spaces) in which PII is found is
redacted instead: each finding becomes its type in brackets, e.g. ``[TH_CITIZEN_ID]``.
``--drop`` and ``--redact`` force either; ``keep_identifiers`` turns the detection off.
"""

from __future__ import annotations

from typing import Any

import duckdb

from ddgov.governance.anonymize.hierarchies import quote
from ddgov.governance.anonymize.spec import AnonymizeSpec

SAMPLE = 200
FREE_TEXT_LENGTH = 25
UNIQUE_SHARE = 0.9
UNIQUE_MIN_ROWS = 20


def _sample(con: duckdb.DuckDBPyConnection, column: str) -> list[str]:
    col = quote(column)
    rows = con.execute(
        f"SELECT CAST({col} AS VARCHAR) FROM src WHERE {col} IS NOT NULL "
        f"AND trim(CAST({col} AS VARCHAR)) <> '' USING SAMPLE {SAMPLE} ROWS"
    ).fetchall()
    return [str(r[0]) for r in rows]


def _unique_share(con: duckdb.DuckDBPyConnection, column: str) -> float:
    row = con.execute(
        f"SELECT count(DISTINCT {quote(column)}) / greatest(count(*), 1)::DOUBLE FROM src"
    ).fetchone()
    return float((row or (0.0,))[0] or 0.0)


def identifiers_classify(
    *,
    con: duckdb.DuckDBPyConnection,
    spec: AnonymizeSpec,
    columns: dict[str, str],
    reasons: dict[str, str] | None = None,
) -> dict[str, str]:
    """Return each column's treatment: quasi, sensitive, drop, redact or keep.

    ``reasons`` (if given) receives why an undeclared column is dropped or redacted: the PII
    type found, or ``record-identifier`` for a column whose values are (almost) all unique —
    a row number or key links the release back to the source.
    """
    from ddgov.governance.pii.table import column_decide  # noqa: PLC0415 - loads lexicons

    why = reasons if reasons is not None else {}
    rows_row = con.execute("SELECT count(*) FROM src").fetchone()
    rows = int((rows_row or (0,))[0])
    plan: dict[str, str] = {}
    for column in columns:
        if column in spec.quasi:
            plan[column] = "quasi"
        elif column in spec.sensitive:
            plan[column] = "sensitive"
        elif column in spec.drop:
            plan[column] = "drop"
        elif column in spec.redact:
            plan[column] = "redact"
        elif spec.keep_identifiers:
            plan[column] = "keep"
        else:
            values = _sample(con, column)
            decided = column_decide(name=column, values=values)
            mean = sum(len(v) for v in values) / len(values) if values else 0
            spaced = sum(" " in v for v in values) > len(values) / 2 if values else False
            free_text = mean >= FREE_TEXT_LENGTH and spaced
            if decided.get("pii_type") is not None:
                plan[column] = "redact" if free_text else "drop"
                why[column] = str(decided["pii_type"])
            elif (
                not free_text
                and rows >= UNIQUE_MIN_ROWS
                and _unique_share(con, column) >= UNIQUE_SHARE
            ):
                plan[column] = "drop"
                why[column] = "record-identifier"
            else:
                plan[column] = "keep"
    return plan


def redact_text(text: str) -> tuple[str, list[str]]:
    """Replace each PII finding in ``text`` by ``[TYPE]``; return the text and the types found."""
    from ddgov.governance.pii.text import pii_text_scan  # noqa: PLC0415

    findings = pii_text_scan(text=text)
    if not findings:
        return text, []
    pieces: list[str] = []
    last = 0
    for f in findings:
        pieces.extend((text[last : f.start], f"[{f.type}]"))
        last = f.end
    pieces.append(text[last:])
    return "".join(pieces), [f.type for f in findings]


def redact_column(*, con: duckdb.DuckDBPyConnection, column: str, table: str) -> dict[str, Any]:
    """Build ``table(value, redacted)`` over the column's distinct values; return counts by type."""
    col = quote(column)
    values = [
        str(r[0])
        for r in con.execute(
            f"SELECT DISTINCT CAST({col} AS VARCHAR) FROM src WHERE {col} IS NOT NULL"
        ).fetchall()
    ]
    counts: dict[str, int] = {}
    rows = []
    for value in values:
        redacted, types = redact_text(value)
        for kind in types:
            counts[kind] = counts.get(kind, 0) + 1
        if types:
            rows.append((value, redacted))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} (value VARCHAR, redacted VARCHAR)")
    if rows:
        con.executemany(f"INSERT INTO {table} VALUES (?, ?)", rows)
    return {"values_redacted": len(rows), "findings": dict(sorted(counts.items()))}
