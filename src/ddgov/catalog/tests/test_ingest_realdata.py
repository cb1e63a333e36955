# ruff: noqa: S608 - SQL over the test's own Parquet files
"""Every real Thai open-data file in ../shared/data/opendata ingests with the right types (or
fails with a specific reason): quoted numbers with separators, Buddhist-era years and dates,
title rows, merged headers, HTML entities, units, BOMs, " - " for missing, mixed line endings.
"""

import datetime as dt
import shutil

import duckdb
import pytest

from ddgov.catalog.ingest import ingest_file


@pytest.fixture
def opendata(shared_data):
    return shared_data / "opendata"


def load(tmp_path, path, **kwargs):
    target = tmp_path / "out.parquet"
    result = ingest_file(source=path, filename=path.name, target=target, **kwargs)
    con = duckdb.connect()
    con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{target}')")
    kinds = {f["name"]: f["type"] for f in result.table_schema["fields"]}
    return result, kinds, con


def one(con, sql):
    return con.execute(sql).fetchall()


@pytest.mark.parametrize(
    ("name", "rows", "total"),
    [
        ("population_subdistrict_2565.csv", 8848, 3137),
        ("population_subdistrict_2566.csv", 8847, 2896),
    ],
)
def test_population_quoted_numbers_with_thousands_separators(tmp_path, opendata, name, rows, total):
    result, kinds, con = load(tmp_path, opendata / name)
    assert result.row_count == rows
    assert kinds == {
        "province-name": "string",
        "district-name": "string",
        "subdistrict-name": "string",
        "total": "integer",
        "household": "integer",
    }
    assert one(con, "SELECT total, household FROM t WHERE _id = 1")[0] == (total, 1195)
    assert one(con, "SELECT count(*) FROM t WHERE \"province-name\" = 'กรุงเทพมหานคร'")[0][0] > 100


def test_population_re_encoded_as_tis620(tmp_path, opendata):
    source = tmp_path / "population_tis620.csv"
    source.write_bytes(
        (opendata / "population_subdistrict_2566.csv").read_text(encoding="utf-8").encode("cp874")
    )
    result, kinds, con = load(tmp_path, source)
    assert result.encoding == "windows-874"
    assert kinds["total"] == "integer"
    assert one(con, 'SELECT "subdistrict-name", total FROM t WHERE _id = 3') == [("วัดราชบพิธ", 2846)]


def test_budget_bills_every_file(tmp_path, opendata):
    for path in sorted((opendata / "budget_fy2022").glob("*.csv")):
        result, kinds, _con = load(tmp_path, path)
        assert kinds["FISCAL_YEAR"] == "year", path.name
        assert kinds["CROSS_FUNC?"] == "boolean", path.name
        assert kinds["column_1"] == "integer", path.name  # the pandas index had no header
        assert kinds["ITEM_ID"] == kinds["REF_DOC"] == "string", path.name
        assert result.row_count > 900
        # AMOUNT is a number unless PDF extraction garbled a value ("18,250,00"): then it stays text
        # and the schema says which value keeps it from being a number.
        if kinds["AMOUNT"] == "string":
            note = next(f for f in result.table_schema["fields"] if f["name"] == "AMOUNT")[
                "x_ddgov"
            ]["suggestion"]
            assert note["type"] == "number"
            assert note["values_not_matching"] <= 3
        else:
            assert kinds["AMOUNT"] in {"integer", "number"}
        (tmp_path / "out.parquet").unlink()


def test_budget_amount_with_a_garbled_value_and_the_stewards_correction(tmp_path, opendata):
    path = opendata / "budget_fy2022" / "2022-3-1.csv"
    _result, kinds, con = load(tmp_path, path)
    assert kinds["AMOUNT"] == "string"
    (tmp_path / "out.parquet").unlink()
    result, kinds, con = load(
        tmp_path, path, overrides={"AMOUNT": {"type": "number", "invalid": "null"}}
    )
    assert kinds["AMOUNT"] == "number"
    assert one(con, "SELECT AMOUNT, FISCAL_YEAR FROM t WHERE _id = 1") == [(800_000_000.0, 2022)]
    assert one(con, "SELECT count(*) FROM t WHERE AMOUNT IS NULL")[0][0] >= 1
    amount = next(f for f in result.table_schema["fields"] if f["name"] == "AMOUNT")
    assert amount["x_ddgov"]["invalid_to_null"] == 1


def test_budget_clean_file_amounts_are_integers(tmp_path, opendata):
    _result, kinds, con = load(tmp_path, opendata / "budget_fy2022" / "2022-3-16(1).csv")
    assert kinds["AMOUNT"] == "integer"
    assert one(con, 'SELECT ITEM_ID, FISCAL_YEAR, AMOUNT, "CROSS_FUNC?" FROM t WHERE _id = 1') == [
        ("2022.3.16(1).0", 2022, 717_951_700, False)
    ]


def test_agri_landuse_title_row_and_formulas(tmp_path, opendata):
    result, kinds, con = load(tmp_path, opendata / "agri_landuse.xlsx")
    assert result.table_schema["x_ddgov"]["header_row"] == 2
    assert kinds == {
        "รายการ": "string",
        "ประเทศ": "number",
        "ภาคเหนือ": "number",
        "ภาคตว.ออกเฉียงเหนือ": "number",
        "ภาคกลาง": "number",
        "ภาคใต้": "number",
    }
    first = one(con, "SELECT รายการ, round(ประเทศ, 2) FROM t WHERE _id = 1")[0]
    assert first == ("เนื้อที่รวมทั้งหมดของครัวเรือน (ไร่/ครัวเรือน)", 24.16)


def test_agri_landuse_province_sheet_with_a_repeated_header(tmp_path, opendata):
    _result, kinds, con = load(tmp_path, opendata / "agri_landuse.xlsx", sheet=2)
    assert len(kinds) == 75
    assert kinds["รายการ"] == "string"
    assert kinds["เชียงราย"] == kinds["กรุงเทพมหานคร"] == "number"
    # The first row's total was a formula (=SUM(B4:B9)): its cached value is read.
    assert one(con, "SELECT round(เชียงราย, 3) FROM t WHERE _id = 1") == [(17.949,)]


def test_vehicle_exports_merged_header_numbers_as_text_thai_months(tmp_path, opendata):
    result, kinds, con = load(tmp_path, opendata / "stat-auto-export-unit.xlsx")
    assert result.table_schema["x_ddgov"]["header_rows"] == 2
    assert kinds["ปี"] == "year"
    assert kinds["เดือน/ไตรมาส"] == "string"
    assert kinds["Asia / Passenger Car"] == "integer"
    assert kinds["Australia,NZ & Other Oceania / Pick up"] == "integer"
    assert one(
        con, 'SELECT ปี, "เดือน/ไตรมาส", "Asia / Passenger Car", "Total" FROM t WHERE _id = 1'
    ) == [(2012, "มกราคม", 12409, 53591)]


def test_new_cars_buddhist_era_years(tmp_path, opendata):
    result, kinds, con = load(tmp_path, opendata / "New_Car_with_Fuel.csv")
    assert kinds["Year"] == "year"
    year = next(f for f in result.table_schema["fields"] if f["name"] == "Year")
    assert year["format"] == "be"
    assert kinds["Month"] == "string"  # "01".."12" and "Total" rows
    assert kinds["ICEV"] == kinds["BEV"] == "integer"
    assert one(con, "SELECT min(Year), max(Year) FROM t") == [(2018, 2023)]
    assert one(con, "SELECT Type, ICEV, Total FROM t WHERE _id = 1") == [("Bus", 939, 939)]


def test_pea_charging_stations_entities_and_kilowatts(tmp_path, opendata):
    result, kinds, con = load(tmp_path, opendata / "PEA_ev_charging_stations.csv")
    assert kinds["Power"] == "integer"
    power = next(f for f in result.table_schema["fields"] if f["name"] == "Power")
    assert power["x_ddgov"]["unit"] == "kW"
    assert kinds["Latitude"] == kinds["Longitude"] == kinds["X"] == "number"
    assert one(con, "SELECT Power FROM t WHERE _id = 1") == [(150,)]
    description = one(con, "SELECT description FROM t WHERE _id = 1")[0][0]
    assert '"ร่วมเครือข่าย PEA VOLTA"' in description
    assert "&#34;" not in description
    assert one(con, "SELECT list_sort(list(DISTINCT Power)) FROM t") == [([25, 40, 50, 120, 150],)]


def test_bangkok_pm_dashes_for_missing(tmp_path, opendata):
    _result, kinds, con = load(tmp_path, opendata / "fact_pm.csv")
    assert kinds["jan_lowest_PM2.5"] == "number"
    assert kinds["jul_lowest_PM2.5"] == "number"
    assert kinds["id"] == "string"  # the last row is a note ("หมายเหตุ")
    assert one(con, 'SELECT "jul_lowest_PM2.5", "jan_lowest_PM2.5" FROM t WHERE _id = 1') == [
        (None, 22.1)
    ]


def test_bangkok_traffic_dates_with_leading_spaces_and_midnight_times(tmp_path, opendata):
    _result, kinds, con = load(tmp_path, opendata / "traffic_congress.csv")
    assert kinds["Date"] == "date"
    assert kinds["Car_7-9"] == "integer"
    assert kinds["Lat"] == "number"
    assert one(con, "SELECT Date FROM t WHERE _id = 65") == [(dt.date(2023, 2, 7),)]
    assert one(con, "SELECT count(*) FROM t WHERE Date IS NULL") == [(0,)]


def test_bangkok_waste_be_years_in_column_names(tmp_path, opendata):
    _result, kinds, con = load(tmp_path, opendata / "fact_waste.csv")
    assert kinds["dcode"] == "integer"
    assert kinds["garbage53"] == kinds["garbageperday61"] == "number"
    assert one(con, "SELECT dcode, garbage53 FROM t WHERE _id = 1") == [(1000, 189819.45)]


@pytest.mark.parametrize("name", ["fact_green.csv", "fact_traffic_lights.csv"])
def test_bangkok_district_facts(tmp_path, opendata, name):
    _result, kinds, con = load(tmp_path, opendata / name)
    assert kinds["id"] == "integer"
    if name == "fact_green.csv":
        assert kinds["Area size (sq.m.)"] == "number"
        assert one(con, 'SELECT "Area size (sq.m.)", Population FROM t WHERE _id = 3') == [
            (12_765_252.4, 214_311)
        ]
    else:
        assert kinds["lat"] == "number"
        assert one(con, "SELECT name_traffic_light FROM t WHERE _id = 1") == [("อุรุพงษ์",)]


def test_bangkok_index_with_bom_and_slashes_in_thai_headers(tmp_path, opendata):
    result, kinds, con = load(tmp_path, opendata / "bangkok_index_district_final.csv")
    assert result.encoding == "utf-8-sig"
    assert next(iter(kinds)) == "จังหวัด"  # no BOM glued to the first name
    assert kinds["บริการสาธารณะ/คะแนน"] == "number"
    assert one(con, 'SELECT เขต, "บริการสาธารณะ/อันดับ" FROM t WHERE _id = 2') == [("ปทุมวัน", 2)]


def test_bangkok_districts_list_literals_stay_text(tmp_path, opendata):
    _result, kinds, con = load(tmp_path, opendata / "bangkok_district.csv")
    assert kinds["District_Place_of_worship"] == "string"
    assert kinds["District_Postal_Code"] == "integer"
    assert one(
        con, "SELECT starts_with(District_Place_of_worship, '[''วัด') FROM t WHERE _id = 1"
    ) == [(True,)]


def test_datagoth_catalog_that_strict_sniffers_refuse(tmp_path, opendata):
    result, kinds, con = load(tmp_path, opendata / "datagoth_catalog_2016.csv")
    assert result.row_count == 770
    assert kinds == {"category": "string", "title": "string", "url": "string"}
    assert one(con, "SELECT count(*) FROM t WHERE url LIKE '%' || chr(13)") == [(0,)]


def test_datagoth_ckan_package_list_answer(tmp_path, opendata):
    result, kinds, _con = load(tmp_path, opendata / "datagoth_ckan_package_batches.json")
    assert result.row_count == 32_473
    assert kinds == {"result": "string"}


def test_every_real_file_ingests_or_fails_with_a_specific_reason(tmp_path, opendata):
    """A sweep over the whole folder: nothing crashes, nothing is left half-written."""
    files = sorted(p for p in opendata.rglob("*") if p.is_file())
    assert len(files) >= 25
    for path in files:
        target = tmp_path / "sweep.parquet"
        result = ingest_file(source=path, filename=path.name, target=target)
        assert result.row_count > 0, path.name
        assert target.exists()
        target.unlink()
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith("ingest-")]
    assert leftovers == []


def test_cli_prints_the_schema(tmp_path, opendata, capsys):
    from django.core.management import call_command

    source = tmp_path / "ev.csv"
    shutil.copy(opendata / "PEA_ev_charging_stations.csv", source)
    call_command("catalog", "ingest", str(source), "--out", str(tmp_path / "ev.parquet"))
    import json

    schema = json.loads(capsys.readouterr().out)
    assert {f["name"]: f["type"] for f in schema["fields"]}["Power"] == "integer"
    assert (tmp_path / "ev.parquet").exists()
