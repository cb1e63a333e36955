"""The engine's fast paths give exactly the answers of the plain ones.

A ``unique`` check on an integer key counts with a bitmap over the key's range (read from the
file's statistics) instead of a hash table, and the Thai ID check parses the common plain form
with one cast and does its arithmetic in DOUBLE. Each test compares them with an independent
answer: Python's own count, or ``ddgov.identity.thaiid``.
"""

# ruff: noqa: S608 - the tests write SQL over their own temporary tables

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ddgov.governance.quality.engine import (
    BITMAP_BITS_PER_ROW,
    Context,
    compile_rule,
    connection,
    quality_execute,
    table_describe,
    table_problems,
)
from ddgov.governance.quality.rules import rules_parse
from ddgov.identity.thaiid import thai_id_check_digit, thai_id_is_valid

NOW = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def _write(path: Path, column_sql: dict[str, str], values: list[tuple[Any, ...]]) -> Path:
    """Write ``values`` as a Parquet file, in row groups of 64 rows (so statistics vary)."""
    names = list(column_sql)
    with duckdb.connect() as con:
        con.execute(f"CREATE TABLE t ({', '.join(f'{n} {t}' for n, t in column_sql.items())})")
        con.executemany(f"INSERT INTO t VALUES ({', '.join('?' for _ in names)})", values)
        con.execute(f"COPY t TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 64)")
    return path


def _run(path: Path, rules: list[dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Each rule's result, and the aggregate SQL each was compiled to."""
    parsed = rules_parse(rules)
    ctx = Context(now=NOW)
    with connection() as con:
        table = table_describe(con, path)
        assert table_problems(con, parsed, table, ctx) == {}
        compiled = [compile_rule(r, table, ctx).aggregate for r in parsed]
        return {r["id"]: r for r in quality_execute(con, parsed, table, ctx)}, compiled


def _surplus(values: list[Any]) -> int:
    counts = Counter(v for v in values if v is not None)
    return sum(c - 1 for c in counts.values())


def test_unique_on_an_integer_key_uses_a_bitmap_and_counts_like_python(tmp_path: Path) -> None:
    rng = random.Random(11)
    keys = [rng.choice([None, *range(-40, 260)]) for _ in range(700)]
    path = _write(
        tmp_path / "k.parquet",
        {"k": "INTEGER", "k_text": "VARCHAR", "k_big": "UBIGINT"},
        [(k, None if k is None else str(k), None if k is None else k + 2**63) for k in keys],
    )
    got, compiled = _run(
        path,
        [
            {"id": "int", "check": "unique", "column": "k"},
            {"id": "text", "check": "unique", "column": "k_text"},
            {"id": "huge", "check": "unique", "column": "k_big"},
        ],
    )
    expected = _surplus(keys)
    assert expected > 300  # the data really has duplicates
    assert [got[i]["failed"] for i in ("int", "text", "huge")] == [expected] * 3
    assert "bitstring_agg" in compiled[0]
    assert "bitstring_agg" in compiled[2]
    assert "count(DISTINCT" in compiled[1]
    samples = got["int"]["samples"]
    assert samples
    assert all(Counter(keys)[int(s["k"])] > 1 for s in samples)


def test_unique_on_a_sparse_or_unknown_range_counts_distinct_values(tmp_path: Path) -> None:
    rows = 200
    spread = BITMAP_BITS_PER_ROW * 1024 * 10  # far more bits than the rule may spend per row
    keys = [i * spread for i in range(rows)] + [spread, 2 * spread]
    path = _write(
        tmp_path / "s.parquet", {"k": "BIGINT", "none": "BIGINT"}, [(k, None) for k in keys]
    )
    got, compiled = _run(
        path,
        [
            {"id": "sparse", "check": "unique", "column": "k"},
            {"id": "all-null", "check": "unique", "column": "none"},
        ],
    )
    assert got["sparse"]["failed"] == 2
    assert got["all-null"]["failed"] == 0
    assert "count(DISTINCT" in compiled[0]
    assert "count(DISTINCT" in compiled[1]


def test_table_describe_reads_rows_and_integer_ranges_from_the_footer(tmp_path: Path) -> None:
    values = [(i, None if i < 64 else i * 3, "x", None) for i in range(-10, 190)]
    path = _write(
        tmp_path / "r.parquet",
        {"a": "SMALLINT", "late": "BIGINT", "text": "VARCHAR", "empty": "INTEGER"},
        values,
    )
    with connection() as con:
        table = table_describe(con, path)
    assert table.rows == 200
    # 'late' has no value in its first row group (no statistics there), and 'empty' none at all.
    assert table.ranges == {"a": (-10, 189), "late": (192, 567)}


def _valid(rng: random.Random) -> str:
    twelve = str(rng.randint(1, 8)) + "".join(rng.choices("0123456789", k=11))
    return twelve + str(thai_id_check_digit(twelve))


def _valid_ending_in_000(rng: random.Random) -> str:
    """A valid ID ending in 000, which DuckDB would also read from '<first ten>e03'."""
    while True:
        ten = str(rng.randint(1, 8)) + "".join(rng.choices("0123456789", k=9))
        if thai_id_check_digit(ten + "00") == 0:
            return ten + "000"


def test_odd_texts_that_duckdb_reads_as_numbers_are_not_ids() -> None:
    rng = random.Random(5)
    ending = _valid_ending_in_000(rng)
    plain = _valid(rng)
    texts = [
        ending,
        ending[:10] + "e03",  # 13 characters that cast to the same valid number
        ending[:10] + "E03",
        "+" + plain[:12],
        plain[:1] + "_" + plain[1:12],
        " " + plain[:12],
        f"0x{int(plain):011x}",  # the same number in hexadecimal, also 13 characters
        plain,
        f" {plain} ",
        plain[:1] + "\u2013" + plain[1:5] + "\u2013" + plain[5:],  # en dashes
        plain.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")),
    ]
    with connection() as con:
        got = [
            row[0]
            for row in con.execute(
                "SELECT ddgov_thai_citizen_id_ok(v) FROM unnest(?::VARCHAR[]) WITH ORDINALITY AS t(v, i) ORDER BY i",
                [texts],
            ).fetchall()
        ]
    assert got == [thai_id_is_valid(t) for t in texts]
    assert got[0] is True
    assert got[1] is False


def test_checksum_in_double_agrees_with_the_digits_near_every_boundary() -> None:
    rng = random.Random(3)
    numbers = [rng.randint(10**12, 9 * 10**12 - 1) for _ in range(3000)]
    for power in range(1, 14):  # around each carry into a new digit
        for base in (10**12, 5 * 10**12 + 10**power, 9 * 10**12 - 1):
            numbers += [base - 1, base, base + 1, base + 10**power - 1]
    numbers = [n for n in numbers if 0 < n < 10**13]
    with connection() as con:
        got = [
            row[0]
            for row in con.execute(
                "SELECT ddgov_thai_id_number_ok(n) FROM unnest(?::BIGINT[]) WITH ORDINALITY AS t(n, i) ORDER BY i",
                [numbers],
            ).fetchall()
        ]
    expected = [thai_id_is_valid(f"{n:013d}") for n in numbers]
    assert got == expected
    assert 100 < sum(expected) < len(numbers) - 100


@pytest.mark.parametrize("column_type", ["BIGINT", "UBIGINT"])
def test_thai_id_on_an_integer_column(tmp_path: Path, column_type: str) -> None:
    rng = random.Random(9)
    good = [int(_valid(rng)) for _ in range(20)]
    bad = [good[0] + 1 if good[0] % 10 != 9 else good[0] - 1, 12345]
    if column_type == "UBIGINT":
        bad.append(2**64 - 1)  # does not fit a BIGINT; used to stop the whole run
    path = _write(
        tmp_path / "i.parquet",
        {"pid": column_type},
        [(v,) for v in [*good, *bad, None]],
    )
    got, _ = _run(path, [{"id": "pid", "check": "thai_citizen_id", "column": "pid"}])
    assert got["pid"]["failed"] == len(bad)
