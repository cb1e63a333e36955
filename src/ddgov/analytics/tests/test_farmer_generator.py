"""The farmer registry generator: sizes, determinism, valid IDs, consistent households, real places."""

# ruff: noqa: S608 - SQL over the tests' own temporary Parquet files

from __future__ import annotations

from pathlib import Path

import duckdb
import geothai
import pytest

from ddgov.analytics.farmer import (
    CROP_YEARS,
    REGION_CROPS,
    FarmerDataError,
    farmer_counts,
    farmer_registry_write,
    farmer_sql,
    nesdb_region_of,
)
from ddgov.identity.thaiid import thai_id_check_digit

ROWS = 24_000


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("farmer")
    farmer_registry_write(folder=folder, rows=ROWS, seed=11)
    return folder


def _con(folder: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for table in ("households", "plots", "loans"):
        con.execute(
            f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{folder / f'{table}.parquet'}')"
        )
    return con


def test_sizes_follow_the_plot_rows(registry: Path) -> None:
    counts = farmer_counts(rows=ROWS)
    assert (counts.households, counts.plots, counts.loans) == (1_200, 24_000, 960)
    con = _con(registry)
    for table, expected in (("households", 1_200), ("plots", 24_000), ("loans", 960)):
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone() == (expected,)


def test_same_seed_same_files_whatever_the_threads(registry: Path, tmp_path: Path) -> None:
    farmer_registry_write(folder=tmp_path / "one", rows=ROWS, seed=11, threads=1)
    farmer_registry_write(folder=tmp_path / "other", rows=ROWS, seed=12)
    for table in ("households", "plots", "loans"):
        same = (tmp_path / "one" / f"{table}.parquet").read_bytes()
        assert same == (registry / f"{table}.parquet").read_bytes(), table
        assert (tmp_path / "other" / f"{table}.parquet").read_bytes() != same, table


def test_citizen_ids_are_valid_and_unique_per_household(registry: Path) -> None:
    con = _con(registry)
    ids = [row[0] for row in con.execute("SELECT citizen_id FROM households").fetchall()]
    assert len(set(ids)) == len(ids)
    for value in ids:
        assert len(value) == 13
        assert value.isdigit()
        assert value[0] in {"1", "3"}
        assert int(value[12]) == thai_id_check_digit(value[:12]), value


def test_plots_and_loans_carry_their_households_id_and_place(registry: Path) -> None:
    con = _con(registry)
    mismatched = con.execute(
        """
        SELECT count(*) FROM plots AS p JOIN households AS h USING (household_id)
        WHERE p.citizen_id <> h.citizen_id OR p.province <> h.province
           OR p.district <> h.district OR p.region <> h.region
        """
    ).fetchone()
    assert mismatched == (0,)
    orphans = con.execute(
        "SELECT count(*) FROM plots WHERE household_id NOT IN (SELECT household_id FROM households)"
    ).fetchone()
    assert orphans == (0,)
    loans = con.execute(
        """
        SELECT count(*), count(h.household_id), count(*) FILTER (WHERE l.citizen_id <> h.citizen_id)
        FROM loans AS l LEFT JOIN households AS h USING (household_id)
        """
    ).fetchone()
    assert loans == (960, 960, 0)


def test_every_plot_has_one_row_per_crop_year_and_keeps_its_crop(registry: Path) -> None:
    con = _con(registry)
    years = con.execute(
        "SELECT min(crop_year), max(crop_year), count(DISTINCT crop_year) FROM plots"
    ).fetchone()
    assert years == (CROP_YEARS[0], CROP_YEARS[-1], len(CROP_YEARS))
    per_plot = con.execute(
        """
        SELECT max(n), min(n), max(crops), max(areas) FROM (
            SELECT plot_id, count(*) AS n, count(DISTINCT crop) AS crops,
                   count(DISTINCT area_rai) AS areas
            FROM plots GROUP BY plot_id)
        """
    ).fetchone()
    assert per_plot == (8, 8, 1, 1)
    plots_per_household = con.execute(
        "SELECT min(n), max(n) FROM (SELECT count(DISTINCT plot_id) AS n FROM plots GROUP BY household_id)"
    ).fetchone()
    assert plots_per_household == (2, 3)


def test_places_are_real_provinces_and_districts_of_geothai(registry: Path) -> None:
    districts = {
        (p.name_th, d.name_th) for p in geothai.provinces() for d in geothai.districts(p.code)
    }
    codes = {p.code: p.name_th for p in geothai.provinces()}
    con = _con(registry)
    rows = con.execute(
        "SELECT DISTINCT province, province_code, district, region FROM households"
    ).fetchall()
    assert len({r[0] for r in rows}) > 60
    for province, code, district, region in rows:
        assert codes[code] == province
        assert (province, district) in districts
        assert region  # Thai NESDB region name
        assert nesdb_region_of(code) in REGION_CROPS


def test_crop_mix_follows_the_regions(registry: Path) -> None:
    con = _con(registry)
    shares = dict(
        con.execute(
            """
            SELECT region || '|' || crop, count(*) / sum(count(*)) OVER (PARTITION BY region)
            FROM plots GROUP BY region, crop
            """
        ).fetchall()
    )
    south_tree_crops = shares.get("ภาคใต้|ยางพารา", 0) + shares.get("ภาคใต้|ปาล์มน้ำมัน", 0)
    assert south_tree_crops > 0.6
    assert shares["ภาคตะวันออกเฉียงเหนือ|ข้าวนาปี"] > 0.45
    assert "ภาคตะวันออกเฉียงเหนือ|ทุเรียน" not in shares
    assert "ภาคตะวันออก|ทุเรียน" in shares
    assert shares["ภาคเหนือตอนบน|ลำไย"] > 0.05


def test_amounts_are_plausible(registry: Path) -> None:
    con = _con(registry)
    plots = con.execute(
        """
        SELECT min(area_rai), max(area_rai), count(*) FILTER (WHERE yield_kg IS NULL),
               min(price_baht_per_kg)
        FROM plots
        """
    ).fetchone()
    assert plots is not None
    assert plots[0] >= 1
    assert plots[1] <= 300
    assert 0 < plots[2] < ROWS * 0.05
    assert plots[3] > 0
    rice = con.execute(
        "SELECT sum(yield_kg) / sum(area_rai) FROM plots WHERE crop = 'ข้าวนาปี' AND yield_kg IS NOT NULL"
    ).fetchone()
    assert rice is not None
    assert 250 < rice[0] < 700  # kg of paddy per rai
    loans = con.execute(
        """
        SELECT DISTINCT lender, count(*) FILTER (WHERE outstanding_baht > principal_baht * 1.07),
               count(*) FILTER (WHERE status = 'ปิดบัญชี' AND outstanding_baht <> 0),
               min(principal_baht)
        FROM loans GROUP BY lender
        """
    ).fetchall()
    assert loans == [("ธ.ก.ส.", 0, 0, loans[0][3])]
    assert loans[0][3] >= 15_000  # 20,000 baht, less in the Northeast


@pytest.mark.parametrize("rows", [0, -5, 100_000_001, True])
def test_bad_sizes_are_refused_in_both_languages(tmp_path: Path, rows: int) -> None:
    with pytest.raises(FarmerDataError, match=" / "):
        farmer_registry_write(folder=tmp_path, rows=rows)
    assert not list(tmp_path.iterdir())


def test_unknown_table_is_refused() -> None:
    with pytest.raises(FarmerDataError, match="unknown farmer table"):
        farmer_sql(table="people", rows=10, seed=1)


def test_region_of_every_province_code() -> None:
    assert nesdb_region_of("10") == "C"
    assert nesdb_region_of("22") == "E"
    assert nesdb_region_of("38") == "NE"
    assert nesdb_region_of("50") == "UN"
    assert nesdb_region_of("67") == "LN"
    assert nesdb_region_of("77") == "W"
    assert nesdb_region_of("96") == "S"
    with pytest.raises(ValueError, match="province code"):
        nesdb_region_of("99")
