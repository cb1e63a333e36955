# ruff: noqa: S608 - SQL over the test's own files
"""The profiler's statistics and Thai detections, on small tables crafted in DuckDB."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ddgov.governance.profiling.engine import ProfileError, sql_ident, table_profile
from ddgov.identity.thaiid import thai_id_complete, thai_id_format

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def write(
    tmp_path: Path, columns: dict[str, list[Any]], types: dict[str, str] | None = None
) -> Path:
    """Write ``columns`` (equal-length lists) to a Parquet file with an ``_id`` column."""
    types = types or {}
    path = tmp_path / "t.parquet"
    n = len(next(iter(columns.values())))
    con = duckdb.connect()
    rows = [(i + 1, *(columns[name][i] for name in columns)) for i in range(n)]
    decl = ", ".join(f"{sql_ident(c)} {types.get(c, 'VARCHAR')}" for c in columns)
    con.execute(f"CREATE TABLE t (_id BIGINT, {decl})")
    con.executemany(f"INSERT INTO t VALUES ({', '.join('?' * (len(columns) + 1))})", rows)
    con.execute(f"COPY t TO '{path}' (FORMAT parquet)")
    return path


def column(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in data["columns"] if c["name"] == name)


def test_counts_nulls_blanks_distinct_lengths_and_text_range(tmp_path: Path) -> None:
    values = ["ก", "ขข", None, "  ", "\u00a0", "ขข", "", "abcdef", None, "ขข"]
    data = table_profile(parquet=write(tmp_path, {"v": values}))
    c = column(data, "v")
    non_null = [v for v in values if v is not None]
    assert data["row_count"] == len(values)
    assert [x["name"] for x in data["columns"]] == ["v"]  # _id is not profiled
    assert c["type"] == "string"
    assert c["duckdb_type"] == "VARCHAR"
    assert c["count"] == len(non_null)
    assert c["nulls"] == 2
    assert c["null_pct"] == pytest.approx(20.0)
    assert c["blanks"] == 3  # spaces, a no-break space, the empty string
    assert c["blank_pct"] == pytest.approx(30.0)
    assert c["distinct"] == len(set(non_null))
    assert c["distinct_approx"] is False
    assert c["min_length"] == min(len(v) for v in non_null)
    assert c["max_length"] == max(len(v) for v in non_null)
    assert c["min"] == min(non_null)
    assert c["max"] == max(non_null)
    assert c["mean"] is None
    assert c["top_values"][0] == {"value": "ขข", "count": 3}
    assert sum(t["count"] for t in c["top_values"]) == len(non_null)


def test_numeric_statistics_match_python(tmp_path: Path) -> None:
    ints = [5, 7, None, 12, 7, 100, -3]
    floats = [1.5, None, 2.25, 1e6, -0.5, 3.0, 2.25]
    data = table_profile(
        parquet=write(tmp_path, {"i": ints, "f": floats}, {"i": "BIGINT", "f": "DOUBLE"}),
        fields=[{"name": "i", "type": "integer"}, {"name": "f", "type": "number"}],
    )
    for name, values in (("i", ints), ("f", floats)):
        c = column(data, name)
        present = [v for v in values if v is not None]
        assert c["type"] == ("integer" if name == "i" else "number")
        assert c["min"] == min(present)
        assert c["max"] == max(present)
        assert c["mean"] == pytest.approx(statistics.mean(present))
        assert c["stddev"] == pytest.approx(statistics.stdev(present))
        assert c["min_length"] is None
        assert c["distinct"] == len(set(present))


def test_dates_and_booleans_get_iso_ranges_and_their_types(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {"d": ["2024-01-31", None, "2019-12-01"], "b": [True, False, None]},
        {"d": "DATE", "b": "BOOLEAN"},
    )
    data = table_profile(parquet=path)
    d, b = column(data, "d"), column(data, "b")
    assert (d["type"], d["min"], d["max"], d["mean"]) == ("date", "2019-12-01", "2024-01-31", None)
    assert (b["type"], b["min"], b["max"], b["nulls"]) == ("boolean", False, True, 1)


def test_patterns_map_digits_letters_and_thai(tmp_path: Path) -> None:
    values = ["AB-12", "CD-34", "xy-99", "กข ๑๒", "EF-56"]
    c = column(table_profile(parquet=write(tmp_path, {"v": values})), "v")
    assert c["patterns"][0] == {"pattern": "AA-99", "count": 3}
    assert {"pattern": "aa-99", "count": 1} in c["patterns"]
    assert {"pattern": "กก ๙๙", "count": 1} in c["patterns"]


def test_buddhist_era_years_and_dates_in_text_and_numbers(tmp_path: Path) -> None:
    text = ["17/05/2566", "2566-05-17", "17 พ.ค. ๒๕๖๖", "12566", "2024-05-17", "ปี 2480", None]
    years = [2566, 2567, 2400, 2700, 2565, 2566, 2566, 2567, 2560, 2701, None]
    counts = [2566, 120, 3400, 75, 2480, 16, 900, 12, 5, 1, 7]
    data = table_profile(
        parquet=write(
            tmp_path,
            {"t": text + [None] * 4, "y": years, "n": counts},
            {"y": "INTEGER", "n": "INTEGER"},
        )
    )
    assert column(data, "t")["thai"]["buddhist_era"] == 4  # not 12566, not the CE date
    assert column(data, "y")["thai"]["buddhist_era"] == 9  # all but 2701
    assert column(data, "n")["thai"]["buddhist_era"] == 0  # counts, not a year column


def test_a_year_column_ingested_from_the_buddhist_era_counts_every_value(tmp_path: Path) -> None:
    path = write(tmp_path, {"y": [2023, 2024, None]}, {"y": "INTEGER"})
    data = table_profile(parquet=path, fields=[{"name": "y", "type": "year", "format": "be"}])
    assert column(data, "y")["thai"]["buddhist_era"] == 2
    plain = table_profile(parquet=path, fields=[{"name": "y", "type": "year"}])
    assert column(plain, "y")["thai"]["buddhist_era"] == 0


def test_thai_digits_are_counted(tmp_path: Path) -> None:
    values = ["หมู่ ๓", "๑๒๓", "123", "สาม", None]
    c = column(table_profile(parquet=write(tmp_path, {"v": values})), "v")
    assert c["thai"]["thai_digits"] == 2


def test_citizen_ids_in_every_written_form_with_a_valid_check_digit(tmp_path: Path) -> None:
    good = [thai_id_complete(f"1{n:011d}") for n in (1037, 25660001000, 22)]
    bad_check = good[0][:12] + str((int(good[0][12]) + 1) % 10)
    juristic = thai_id_complete("010553700001")
    values = [
        good[0],
        thai_id_format(good[1]),
        " ".join([good[2][:1], good[2][1:5], good[2][5:10], good[2][10:12], good[2][12]]),
        good[0].translate(THAI),
        bad_check,
        juristic,
        good[0] + "0",
        "ก" * 13,
        None,
    ]
    c = column(table_profile(parquet=write(tmp_path, {"cid": values})), "cid")
    assert c["thai"]["citizen_id_like"] == 4
    assert c["thai"]["buddhist_era"] == 0  # "-2566-" inside a dashed ID is no date
    assert c["thai"]["citizen_id_pct"] == pytest.approx(50.0)


def test_citizen_ids_stored_as_integers_are_found(tmp_path: Path) -> None:
    ids = [int(thai_id_complete(f"3{n:011d}")) for n in range(1, 6)] + [1234567890123, 42]
    c = column(table_profile(parquet=write(tmp_path, {"n": ids}, {"n": "BIGINT"})), "n")
    valid = sum(1 for v in ids if len(str(v)) == 13 and thai_id_complete(str(v)[:12]) == str(v))
    assert c["thai"]["citizen_id_like"] == valid == 5


@pytest.mark.parametrize(
    ("values", "level", "kind"),
    [
        (["เชียงใหม่", "จ.ลำพูน", "จังหวัดน่าน", "กรุงเทพฯ", "Phuket"], "province", "name"),
        (["10", "50", "51", "90"], "province", "code"),
        (["1001", "5001", "5001"], "district", "code"),
        (["เขตพระนคร", "อ.เมืองเชียงใหม่", "อำเภอสารภี", "พระนคร"], "district", "name"),
        (["100101", "500101", "100102"], "subdistrict", "code"),
    ],
)
def test_gazetteer_codes_and_names_are_recognised(
    tmp_path: Path, values: list[str], level: str, kind: str
) -> None:
    thai = column(table_profile(parquet=write(tmp_path, {"v": values})), "v")["thai"]
    assert (thai["admin_level"], thai["admin_kind"]) == (level, kind)
    assert thai["admin_match_pct"] == pytest.approx(100.0)


def test_integer_province_codes_are_recognised_but_ages_are_not(tmp_path: Path) -> None:
    codes = [10, 50, 51, 90, 10, 34]
    ages = list(range(0, 100, 3))
    data = table_profile(
        parquet=write(
            tmp_path,
            {"code": codes + [None] * (len(ages) - len(codes)), "age": ages},
            {"code": "INTEGER", "age": "INTEGER"},
        )
    )
    assert column(data, "code")["thai"]["admin_level"] == "province"
    age = column(data, "age")["thai"]
    assert age["admin_level"] is None
    assert 0 < age["admin_match_pct"] < 95  # most ages are province codes, not enough of them


def test_free_text_is_no_administrative_area(tmp_path: Path) -> None:
    values = ["ถนนชำรุด", "น้ำท่วมขัง", "เชียงใหม่", "ไฟดับ"]
    thai = column(table_profile(parquet=write(tmp_path, {"v": values})), "v")["thai"]
    assert thai["admin_level"] is None
    assert thai["admin_match_pct"] == pytest.approx(25.0)


def test_large_tables_are_sampled_for_frequencies_and_counted_approximately(
    tmp_path: Path,
) -> None:
    path = tmp_path / "big.parquet"
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT i AS _id, CASE WHEN i % 4 = 0 THEN 'ก' ELSE 'ข' END AS v, i AS n "
        f"FROM range(20000) t(i)) TO '{path}' (FORMAT parquet)"
    )
    data = table_profile(parquet=path, sample_rows=2000, exact_distinct_max_rows=1000)
    v, n = column(data, "v"), column(data, "n")
    assert data["sampled"] is True
    assert 1000 < data["sample_rows"] < 3000
    assert data["distinct_approx"] is True
    assert v["count"] == 20000  # the one pass still sees every row
    top = {t["value"]: t["count"] for t in v["top_values"]}
    assert top["ข"] == pytest.approx(15000, rel=0.1)  # scaled from the sample
    assert top["ข"] + top["ก"] == pytest.approx(20000, abs=2)
    assert n["distinct"] == pytest.approx(20000, rel=0.1)
    assert (n["min"], n["max"]) == (0, 19999)


def test_small_tables_are_not_sampled(tmp_path: Path) -> None:
    data = table_profile(parquet=write(tmp_path, {"v": ["a", "b"]}))
    assert (data["sampled"], data["sample_rows"], data["distinct_approx"]) == (False, 2, False)


def test_column_names_with_quotes_and_thai_are_safe(tmp_path: Path) -> None:
    data = table_profile(parquet=write(tmp_path, {'ชื่อ "เล่น"': ["x", None]}))
    assert column(data, 'ชื่อ "เล่น"')["nulls"] == 1


def test_a_file_that_is_not_parquet_is_refused_in_both_languages(tmp_path: Path) -> None:
    bad = tmp_path / "bad.parquet"
    bad.write_text("not parquet", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"Parquet.*/ อ่านไฟล์"):
        table_profile(parquet=bad)
    with pytest.raises(ProfileError, match="ไม่พบไฟล์"):
        table_profile(parquet=tmp_path / "missing.parquet")
