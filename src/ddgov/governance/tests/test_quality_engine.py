"""Compiled checks on crafted tables: each check passes and fails where it should."""

# ruff: noqa: S608 - the tests write SQL over their own temporary tables

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ddgov.governance.quality.engine import (
    Context,
    connection,
    quality_execute,
    quality_scores,
    table_describe,
    table_problems,
)
from ddgov.governance.quality.rules import rules_parse
from ddgov.identity.thaiid import thai_id_check_digit, thai_id_is_valid

NOW = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def _id(first_twelve: str) -> str:
    return first_twelve + str(thai_id_check_digit(first_twelve))


VALID_ID = _id("110370226844")
WRONG_ID = VALID_ID[:-1] + str((int(VALID_ID[-1]) + 1) % 10)


@pytest.fixture
def table(tmp_path: Path) -> Path:
    """20 rows with known defects (see each test)."""
    path = tmp_path / "t.parquet"
    duckdb.sql(f"""
        COPY (
          SELECT range + 1 AS _id,
                 CASE WHEN range IN (3, 7) THEN NULL WHEN range = 5 THEN '  ' ELSE 'name ' || range END AS name,
                 range % 4 AS category,
                 CASE WHEN range = 0 THEN -5 ELSE range * 10 END AS amount,
                 CASE WHEN range = 2 THEN 'twelve' ELSE CAST(range AS VARCHAR) END AS count_text,
                 CASE WHEN range = 4 THEN '{WRONG_ID}' WHEN range = 6 THEN '1-1037-02268-44-' || '{VALID_ID[-1]}'
                      WHEN range = 8 THEN '12345' ELSE '{VALID_ID}' END AS pid,
                 CASE WHEN range = 9 THEN '99' WHEN range = 10 THEN '1001' ELSE '10' END AS province_code,
                 CASE WHEN range = 11 THEN 'Atlantis' WHEN range = 12 THEN 'จังหวัดเชียงใหม่' ELSE 'กรุงเทพมหานคร' END AS province_name,
                 range % 10 AS dup_key,
                 range AS male, range * 2 AS female,
                 CASE WHEN range = 13 THEN 0 ELSE range * 3 END AS total,
                 DATE '2025-01-01' + range::INTEGER AS start_date,
                 DATE '2025-01-01' + CASE WHEN range = 14 THEN -1 ELSE range::INTEGER + 1 END AS end_date
          FROM range(20)
        ) TO '{path}' (FORMAT parquet)""")
    return path


def run(path: Path, rules: list[dict[str, Any]], **context: Any) -> dict[str, dict[str, Any]]:
    parsed = rules_parse(rules)
    ctx = Context(now=NOW, **context)
    with connection() as con:
        t = table_describe(con, path)
        assert table_problems(con, parsed, t, ctx) == {}
        return {r["id"]: r for r in quality_execute(con, parsed, t, ctx)}


def failing_ids(result: dict[str, Any]) -> list[int]:
    return [s["_id"] for s in result["samples"]]


def test_completeness_not_null_and_not_blank(table: Path) -> None:
    got = run(
        table,
        [
            {"check": "not_null", "column": "name"},
            {"check": "not_blank", "column": "name"},
            {"check": "not_null", "columns": ["category", "amount"]},
        ],
    )
    assert (got["not_null-name"]["failed"], failing_ids(got["not_null-name"])) == (2, [4, 8])
    assert (got["not_blank-name"]["failed"], failing_ids(got["not_blank-name"])) == (3, [4, 6, 8])
    assert got["not_null-category-amount"]["failed"] == 0
    assert got["not_null-name"]["share"] == 0.9
    assert got["not_null-name"]["passed"] is False
    assert got["not_null-category-amount"]["passed"] is True


def test_validity_type_in_set_range_regex_length(table: Path) -> None:
    got = run(
        table,
        [
            {"check": "type", "column": "count_text", "type": "integer"},
            {"check": "type", "column": "amount", "type": "integer"},
            {"check": "in_set", "column": "category", "values": [0, 1, 2]},
            {"check": "range", "column": "amount", "min": 0},
            {"check": "range", "column": "start_date", "min": "2025-01-05", "max": "2025-01-10"},
            {"check": "regex", "column": "name", "pattern": r"name [0-9]"},
            {"check": "length", "column": "pid", "min": 13, "max": 13},
        ],
    )
    assert failing_ids(got["type-count_text"]) == [3]
    assert got["type-amount"]["failed"] == 0
    assert got["in_set-category"]["failed"] == 5  # category 3 on 5 rows
    assert failing_ids(got["range-amount"]) == [1]
    assert got["range-start_date"]["failed"] == 14  # 4 before, 10 after
    assert got["regex-name"]["failed"] == 11  # 10..19 have two digits; the blank one fails too
    assert failing_ids(got["length-pid"]) == [7, 9]


def test_thai_citizen_id_checksum_and_masked_samples(table: Path) -> None:
    got = run(table, [{"check": "thai_citizen_id", "column": "pid"}])["thai_citizen_id-pid"]
    assert failing_ids(got) == [5, 9]  # wrong check digit, too short; the dashed form passes
    wrong = got["samples"][0]["pid"]
    assert wrong != WRONG_ID
    assert wrong.startswith(WRONG_ID[0])
    assert wrong.endswith(WRONG_ID[-4:])
    assert "x" in wrong


def test_thai_id_macro_agrees_with_identity_thaiid() -> None:
    rng = random.Random(7)
    samples = [
        _id(str(rng.randint(1, 8)) + "".join(rng.choices("0123456789", k=11))) for _ in range(300)
    ]
    samples += [s[:-1] + str((int(s[-1]) + rng.randint(1, 9)) % 10) for s in samples[:300]]
    samples += [
        "0" + samples[0][1:],
        "9" + samples[1][1:],
        samples[2][:12],
        samples[3] + "1",
        "abcdefghijklm",
        "๑" + samples[4][1:],
        f"{samples[5][0]}-{samples[5][1:5]}-{samples[5][5:10]}-{samples[5][10:12]}-{samples[5][12]}",
    ]
    with connection() as con:
        got = [
            row[0]
            for row in con.execute(
                "SELECT ddgov_thai_citizen_id_ok(v) FROM unnest(?::VARCHAR[]) WITH ORDINALITY AS t(v, i) ORDER BY i",
                [samples],
            ).fetchall()
        ]
    expected = [thai_id_is_valid(s) for s in samples]
    assert got == expected
    assert 250 < sum(expected) < len(samples) - 250


def test_geocode_codes_and_names_from_the_gazetteer(table: Path) -> None:
    got = run(
        table,
        [
            {"check": "geocode", "column": "province_code", "level": "province"},
            {"check": "geocode", "column": "province_name", "level": "province", "kind": "name"},
        ],
    )
    assert failing_ids(got["geocode-province_code"]) == [
        10,
        11,
    ]  # 99 is no province, 1001 a district
    assert failing_ids(got["geocode-province_name"]) == [
        12
    ]  # จังหวัดเชียงใหม่ is fine without its prefix


def test_uniqueness_counts_surplus_duplicates(table: Path) -> None:
    got = run(
        table,
        [
            {"check": "unique", "column": "_id"},
            {"check": "unique", "column": "dup_key"},
            {"check": "unique", "columns": ["dup_key", "category"]},
        ],
    )
    assert got["unique-_id"]["failed"] == 0
    assert got["unique-dup_key"]["failed"] == 10
    assert got["unique-dup_key"]["share"] == 0.5
    assert 0 < len(got["unique-dup_key"]["samples"]) <= 5
    sample_keys = [s["dup_key"] for s in got["unique-dup_key"]["samples"]]
    assert all(sample_keys.count(k) >= 1 for k in sample_keys)
    # (dup_key, category): range % 10 and range % 4 repeat only every 20 rows
    assert got["unique-dup_key-category"]["failed"] == 0


def test_consistency_compare_columns_sums_and_values(table: Path) -> None:
    got = run(
        table,
        [
            {
                "id": "ordered",
                "check": "compare",
                "column": "end_date",
                "op": ">",
                "other": "start_date",
            },
            {
                "id": "sum",
                "check": "compare",
                "column": "total",
                "op": "=",
                "other": ["male", "female"],
            },
            {"id": "floor", "check": "compare", "column": "amount", "op": ">=", "value": 0},
        ],
    )
    assert failing_ids(got["ordered"]) == [15]
    assert failing_ids(got["sum"]) == [14]
    assert got["sum"]["samples"][0] == {"_id": 14, "total": "0", "male": "13", "female": "26"}
    assert failing_ids(got["floor"]) == [1]


def test_reference_to_another_table(table: Path, tmp_path: Path) -> None:
    ref = tmp_path / "categories.parquet"
    duckdb.sql(
        f"COPY (SELECT * FROM (VALUES (0), (1), (3), (NULL)) AS v(code)) TO '{ref}' (FORMAT parquet)"
    )
    parsed = rules_parse(
        [{"check": "reference", "column": "category", "to": {"resource": "x", "column": "code"}}]
    )
    with connection() as con:
        ctx = Context(now=NOW, references={"reference-category": table_describe(con, ref)})
        got = quality_execute(con, parsed, table_describe(con, table), ctx)[0]
    assert (
        got["failed"] == 5
    )  # category 2 is not in the code list (and NULL there must not hide it)


def test_timeliness_against_the_version_date_and_a_date_column(table: Path) -> None:
    got = run(
        table,
        [
            {"id": "upload", "check": "freshness"},
            {"id": "data", "check": "freshness", "column": "end_date", "max_age_days": 30},
        ],
        updated_at=NOW - dt.timedelta(days=400),
        default_max_age_days=366,
    )
    assert got["upload"]["passed"] is False
    assert got["upload"]["detail"]["age_days"] == 400
    assert got["upload"]["share"] == pytest.approx(366 / 400, abs=1e-6)
    # the newest end_date is 2025-01-21: 131 days before NOW
    assert got["data"]["detail"]["age_days"] == 131
    assert got["data"]["share"] == pytest.approx(30 / 131, abs=1e-6)
    fresh = run(
        table, [{"check": "freshness", "max_age_days": 7}], updated_at=NOW - dt.timedelta(days=2)
    )
    assert fresh["freshness"]["passed"] is True
    assert fresh["freshness"]["share"] == 1.0


def test_threshold_decides_pass_and_scores_are_weighted(table: Path) -> None:
    got = run(
        table,
        [
            {"id": "a", "check": "not_null", "column": "name", "threshold": 0.9},
            {"id": "b", "check": "not_blank", "column": "name", "threshold": 0.9, "weight": 3},
            {"id": "c", "check": "unique", "column": "_id"},
        ],
    )
    assert got["a"]["passed"] is True  # exactly 90 %
    assert got["b"]["passed"] is False  # 85 %
    scores, overall = quality_scores(list(got.values()))
    assert scores == {"completeness": round(100 * (0.9 + 3 * 0.85) / 4, 1), "uniqueness": 100.0}
    assert overall == round((scores["completeness"] + 100.0) / 2, 1)


def test_problems_against_the_table_are_found_before_reading_rows(table: Path) -> None:
    parsed = rules_parse(
        [
            {"id": "gone", "check": "not_null", "column": "no_such_column"},
            {
                "id": "other-gone",
                "check": "compare",
                "column": "amount",
                "op": "<",
                "other": "nope",
            },
            {
                "id": "text-sum",
                "check": "compare",
                "column": "name",
                "op": "=",
                "other": ["male", "female"],
            },
            {"id": "bad-date", "check": "range", "column": "start_date", "min": "not a date"},
            {"id": "bad-set", "check": "in_set", "column": "category", "values": ["x"]},
            {"id": "fresh-text", "check": "freshness", "column": "name", "max_age_days": 3},
            {"id": "no-frequency", "check": "freshness"},
            {"id": "fine", "check": "not_null", "column": "amount"},
        ]
    )
    with connection() as con:
        problems = table_problems(con, parsed, table_describe(con, table), Context(now=NOW))
    assert set(problems) == {
        "gone",
        "other-gone",
        "text-sum",
        "bad-date",
        "bad-set",
        "fresh-text",
        "no-frequency",
    }
    assert "no column 'no_such_column'" in problems["gone"][0]
    assert "ไม่มีคอลัมน์" in problems["gone"][0]
    assert "'nope'" in problems["other-gone"][0]
    assert "not a valid DATE" in problems["bad-date"][0]


def test_a_file_without_row_ids_names_rows_by_position(tmp_path: Path) -> None:
    path = tmp_path / "plain.parquet"
    duckdb.sql(
        f"COPY (SELECT CASE WHEN range = 2 THEN NULL ELSE range END AS v FROM range(5)) TO '{path}' (FORMAT parquet)"
    )
    got = run(path, [{"check": "not_null", "column": "v"}])
    assert failing_ids(got["not_null-v"]) == [3]
