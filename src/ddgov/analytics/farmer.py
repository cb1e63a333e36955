"""A generated Thai farmer registry for the Big Data prototype (households, plots, BAAC loans).

Issue #5 item 5 needs farmer data in the shape the Office of Agricultural Economics (สศก.) and
BAAC (ธ.ก.ส.) hold, at demo scale (1 M plot rows) and benchmark scale (20 M-100 M). Nothing in it
is real: three tables are computed by DuckDB from a hash of the row number and the seed
(``sql/farmer_*.sql``), so 20 M rows take seconds and the files are the same for a seed whatever
the number of threads.

* ``households`` — one row per farm household: ``household_id``, the head's ``citizen_id``
  (valid check digit, registrar district inside it), Thai ``name``, ``province`` (Thai),
  ``province_code``, ``district``, ``subdistrict`` (geothai), ``region`` (NESDB region, Thai),
  ``members``, ``registered_year`` (BE).
* ``plots`` — one row per plot and crop year 2560-2567: ``plot_id``, ``household_id``,
  ``citizen_id``, ``province``, ``province_code``, ``district``, ``region``, ``area_rai``,
  ``crop``, ``crop_year`` (BE), ``yield_kg`` (NULL for about 1 % not reported),
  ``price_baht_per_kg``. Crop mixes follow each region (rice in the Northeast, rubber and oil
  palm in the South, durian in the East, longan and maize in the upper North …); yields and
  prices follow the years' shape (the 2562-2563 drought, the 2565-2567 price rises).
* ``loans`` — BAAC-style loans: ``loan_id``, ``household_id``, ``citizen_id``, ``lender``
  (ธ.ก.ส.), ``year`` (BE), ``principal_baht``, ``outstanding_baht``, ``status`` (ปกติ, ค้างชำระ,
  พักชำระหนี้, ปิดบัญชี).

Sizes follow ``rows`` (plot rows): ``rows // 20`` households (2-3 plots each, eight years) and
0.8 loans per household.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from ddgov.core.seeding import weighted_slots

SQL_DIR = Path(__file__).with_name("sql")
TABLES = ("households", "plots", "loans")
CROP_YEARS = tuple(range(2560, 2568))
PROVINCE_SLOTS = 10_000
CROP_SLOTS = 1_000
LOANS_PER_HOUSEHOLD = 0.8
MAX_ROWS = 100_000_000

# NESDB (สภาพัฒน์) regions by province-code block, as in the provinces' boundaries file.
NESDB_REGIONS: dict[str, tuple[str, str]] = {
    "C": ("ภาคกลาง", "Central"),
    "E": ("ภาคตะวันออก", "East"),
    "NE": ("ภาคตะวันออกเฉียงเหนือ", "Northeast"),
    "UN": ("ภาคเหนือตอนบน", "Upper North"),
    "LN": ("ภาคเหนือตอนล่าง", "Lower North"),
    "W": ("ภาคตะวันตก", "West"),
    "S": ("ภาคใต้", "South"),
}
# How many farm households a province has for its number of subdistricts: the Northeast and the
# lower North are the most agricultural; Bangkok and its suburbs have few farms left.
REGION_FARMING = {"C": 0.8, "E": 0.8, "NE": 1.3, "UN": 1.0, "LN": 1.2, "W": 0.9, "S": 1.0}
PROVINCE_FARMING = {"10": 0.03, "11": 0.15, "12": 0.15, "13": 0.35, "74": 0.3, "73": 0.6}


@dataclass(frozen=True)
class Crop:
    """A crop's typical plot (rai), yield (kg per rai; region factors) and prices by year."""

    name: str
    area_rai: float
    yield_per_rai: float
    prices: tuple[float, ...]  # baht per kg, crop years 2560-2567
    yield_ne: float = 1.0
    yield_c: float = 1.0
    drought: float = 0.9  # yield factor in the dry years 2562-2563


CROPS: tuple[Crop, ...] = (
    Crop("ข้าวนาปี", 14, 430, (9.5, 10.4, 11.0, 10.6, 8.9, 9.8, 12.1, 11.6), 0.82, 1.3, 0.85),
    Crop("ข้าวนาปรัง", 16, 690, (7.6, 7.9, 7.8, 8.7, 8.1, 8.8, 10.5, 10.2), 0.9, 1.1, 0.8),
    Crop("มันสำปะหลัง", 18, 3400, (1.9, 2.2, 2.0, 1.9, 2.4, 2.9, 3.1, 2.6), 1.0, 1.05, 0.9),
    Crop("อ้อยโรงงาน", 25, 11000, (0.88, 0.7, 0.75, 0.92, 1.07, 1.2, 1.4, 1.25), 0.95, 1.05, 0.8),
    Crop("ยางพารา", 16, 240, (52, 43, 44, 50, 55, 52, 50, 68), 0.85, 1.0, 0.95),
    Crop("ปาล์มน้ำมัน", 22, 3000, (4.3, 3.0, 3.3, 5.0, 6.5, 7.5, 5.3, 6.4), 1.0, 1.0, 0.9),
    Crop("ข้าวโพดเลี้ยงสัตว์", 15, 690, (7.1, 8.0, 8.1, 7.8, 9.3, 11.0, 10.2, 9.4), 0.95, 1.0, 0.85),
    Crop("ลำไย", 8, 650, (20, 18, 22, 24, 17, 19, 22, 25), 1.0, 1.0, 0.9),
    Crop("ทุเรียน", 9, 1100, (80, 90, 95, 100, 110, 115, 125, 140), 1.0, 1.0, 0.92),
    Crop("มังคุด", 7, 600, (30, 25, 40, 38, 35, 40, 45, 50), 1.0, 1.0, 0.9),
    Crop("สับปะรดโรงงาน", 12, 4000, (6.0, 4.0, 5.0, 6.5, 7.0, 10.0, 11.0, 9.0), 1.0, 1.0, 0.9),
)
# Share of plots per crop in each NESDB region (weights; any missing crop weighs 0).
REGION_CROPS: dict[str, dict[str, float]] = {
    "C": {"ข้าวนาปี": 34, "ข้าวนาปรัง": 34, "อ้อยโรงงาน": 12, "มันสำปะหลัง": 9, "ข้าวโพดเลี้ยงสัตว์": 8,
          "ทุเรียน": 1, "ยางพารา": 2},
    "E": {"มันสำปะหลัง": 24, "ยางพารา": 18, "ข้าวนาปี": 16, "ทุเรียน": 14, "อ้อยโรงงาน": 10,
          "ปาล์มน้ำมัน": 6, "มังคุด": 5, "ลำไย": 5, "สับปะรดโรงงาน": 2},
    "NE": {"ข้าวนาปี": 60, "มันสำปะหลัง": 14, "อ้อยโรงงาน": 11, "ยางพารา": 8, "ข้าวนาปรัง": 4,
           "ข้าวโพดเลี้ยงสัตว์": 3},
    "UN": {"ข้าวนาปี": 42, "ข้าวโพดเลี้ยงสัตว์": 22, "ลำไย": 14, "ข้าวนาปรัง": 7, "ยางพารา": 5,
           "มันสำปะหลัง": 4, "อ้อยโรงงาน": 3, "ทุเรียน": 1, "สับปะรดโรงงาน": 2},
    "LN": {"ข้าวนาปี": 33, "ข้าวนาปรัง": 22, "ข้าวโพดเลี้ยงสัตว์": 15, "อ้อยโรงงาน": 14,
           "มันสำปะหลัง": 12, "ยางพารา": 3, "ลำไย": 1},
    "W": {"อ้อยโรงงาน": 22, "ข้าวนาปี": 20, "มันสำปะหลัง": 16, "ข้าวนาปรัง": 15,
          "สับปะรดโรงงาน": 12, "ข้าวโพดเลี้ยงสัตว์": 8, "ยางพารา": 5, "ทุเรียน": 2},
    "S": {"ยางพารา": 52, "ปาล์มน้ำมัน": 25, "ทุเรียน": 8, "ข้าวนาปี": 7, "มังคุด": 5,
          "สับปะรดโรงงาน": 2, "ข้าวนาปรัง": 1},
}  # fmt: skip
DROUGHT_YEARS = (2562, 2563)


class FarmerDataError(ValueError):
    """Bad arguments for the generator (message in English and Thai)."""


@dataclass(frozen=True)
class FarmerCounts:
    """How many rows each table of a registry of ``plots`` rows has."""

    households: int
    plots: int
    loans: int


def nesdb_region_of(province_code: str) -> str:
    """Return the NESDB region code (C, E, NE, UN, LN, W, S) of a two-digit province code."""
    number = int(province_code)
    for low, high, region in (
        (10, 19, "C"),
        (20, 27, "E"),
        (30, 49, "NE"),
        (50, 58, "UN"),
        (60, 67, "LN"),
        (70, 77, "W"),
        (80, 96, "S"),
    ):
        if low <= number <= high:
            return region
    msg = f"not a Thai province code: {province_code!r}"
    raise ValueError(msg)


def farmer_counts(*, rows: int) -> FarmerCounts:
    """Return the table sizes of a registry with ``rows`` plot rows (see module doc)."""
    plots = -(-rows // len(CROP_YEARS))
    households = max(1, -(-plots * 2 // 5))
    return FarmerCounts(
        households=households, plots=rows, loans=max(1, round(households * LOANS_PER_HOUSEHOLD))
    )


@cache
def _areas() -> dict[str, tuple[str, list[tuple[str, str, str]]]]:
    """Province code → (Thai name, [(district code, district, subdistrict), …]) from geothai."""
    import geothai  # noqa: PLC0415 - large tables, load only when asked

    found: dict[str, tuple[str, list[tuple[str, str, str]]]] = {}
    for province in geothai.provinces():
        subs = [
            (district.code, district.name_th, sub.name_th)
            for district in geothai.districts(province.code)
            for sub in geothai.subdistricts(district.code)
        ]
        found[province.code] = (province.name_th, subs)
    return found


@cache
def _names() -> tuple[list[str], list[str], list[str]]:
    from pythainlp.corpus import (  # noqa: PLC0415 - large lists, load only when asked
        thai_family_names,
        thai_female_names,
        thai_male_names,
    )

    return sorted(thai_male_names()), sorted(thai_female_names()), sorted(thai_family_names())


def _table(
    con: duckdb.DuckDBPyConnection, name: str, columns: Mapping[str, Sequence[object]]
) -> None:
    """Create the temp table ``name`` from equal-length column lists (typed by the SQL casts)."""
    casts = ", ".join(f"unnest(?::{kind}[]) AS {col}" for col, kind in _TYPES[name])
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {casts}",
        [columns[col] for col, _kind in _TYPES[name]],
    )


_TYPES: dict[str, tuple[tuple[str, str], ...]] = {
    "province_slot": (
        ("slot", "INTEGER"),
        ("province_code", "VARCHAR"),
        ("province", "VARCHAR"),
        ("region_code", "VARCHAR"),
        ("region", "VARCHAR"),
        ("first_area", "INTEGER"),
        ("areas", "INTEGER"),
    ),
    "area": (
        ("key", "INTEGER"),
        ("district_num", "INTEGER"),
        ("district", "VARCHAR"),
        ("subdistrict", "VARCHAR"),
    ),
    "crop_slot": (("region_code", "VARCHAR"), ("slot", "INTEGER"), ("crop", "VARCHAR")),
    "crop": (
        ("crop", "VARCHAR"),
        ("area_rai", "DOUBLE"),
        ("yield_per_rai", "DOUBLE"),
        ("yield_ne", "DOUBLE"),
        ("yield_c", "DOUBLE"),
    ),
    "crop_year": (
        ("crop", "VARCHAR"),
        ("crop_year", "INTEGER"),
        ("price", "DOUBLE"),
        ("yield_factor", "DOUBLE"),
    ),
    "male_name": (("idx", "INTEGER"), ("name", "VARCHAR")),
    "female_name": (("idx", "INTEGER"), ("name", "VARCHAR")),
    "family_name": (("idx", "INTEGER"), ("name", "VARCHAR")),
}


def _lookup_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the small tables the generator's SQL joins (provinces, areas, crops, names)."""
    areas = _areas()
    codes = sorted(areas)
    weights = [
        len(areas[c][1]) * REGION_FARMING[nesdb_region_of(c)] * PROVINCE_FARMING.get(c, 1.0)
        for c in codes
    ]
    chosen = [codes[k] for k in weighted_slots(weights, PROVINCE_SLOTS)]
    first: dict[str, int] = {}
    rows: list[tuple[int, int, str, str]] = []
    for code in codes:
        first[code] = len(rows)
        rows += [
            (first[code] + k, int(district), name, sub)
            for k, (district, name, sub) in enumerate(areas[code][1])
        ]
    _table(
        con,
        "province_slot",
        {
            "slot": list(range(PROVINCE_SLOTS)),
            "province_code": chosen,
            "province": [areas[c][0] for c in chosen],
            "region_code": [nesdb_region_of(c) for c in chosen],
            "region": [NESDB_REGIONS[nesdb_region_of(c)][0] for c in chosen],
            "first_area": [first[c] for c in chosen],
            "areas": [len(areas[c][1]) for c in chosen],
        },
    )
    _table(
        con,
        "area",
        {col: [r[k] for r in rows] for k, (col, _t) in enumerate(_TYPES["area"])},
    )
    crop_rows: list[tuple[str, int, str]] = []
    for region, mix in REGION_CROPS.items():
        grown = [(name, w) for name, w in mix.items() if w > 0]
        crop_rows += [
            (region, slot, grown[k][0])
            for slot, k in enumerate(weighted_slots([w for _n, w in grown], CROP_SLOTS))
        ]
    _table(
        con,
        "crop_slot",
        {col: [r[k] for r in crop_rows] for k, (col, _t) in enumerate(_TYPES["crop_slot"])},
    )
    _table(
        con,
        "crop",
        {
            "crop": [c.name for c in CROPS],
            "area_rai": [c.area_rai for c in CROPS],
            "yield_per_rai": [c.yield_per_rai for c in CROPS],
            "yield_ne": [c.yield_ne for c in CROPS],
            "yield_c": [c.yield_c for c in CROPS],
        },
    )
    years = [(c, y, c.prices[k]) for c in CROPS for k, y in enumerate(CROP_YEARS)]
    _table(
        con,
        "crop_year",
        {
            "crop": [c.name for c, _y, _p in years],
            "crop_year": [y for _c, y, _p in years],
            "price": [p for _c, _y, p in years],
            # slow gains from better varieties, less in the dry years
            "yield_factor": [
                (c.drought if y in DROUGHT_YEARS else 1.0) * (1 + 0.012 * (y - CROP_YEARS[0]))
                for c, y, _p in years
            ],
        },
    )
    for table, names in zip(("male_name", "female_name", "family_name"), _names(), strict=True):
        _table(con, table, {"idx": list(range(len(names))), "name": list(names)})


def farmer_sql(*, table: str, rows: int, seed: int) -> str:
    """The SELECT of one table (``households``, ``plots``, ``loans``) of a ``rows``-row registry.

    Run it on a connection from :func:`farmer_connect` (same ``seed``), which has the macros
    and lookup tables it joins.
    """
    if table not in TABLES:
        msg = f"unknown farmer table {table!r} / ไม่มีตาราง {table!r} ในทะเบียนเกษตรกร"
        raise FarmerDataError(msg)
    counts = farmer_counts(rows=rows)
    male, female, family = _names()
    values = {
        "rows": counts.plots,
        "households": counts.households,
        "loans": counts.loans,
        "seed": seed,
        "male_names": len(male),
        "female_names": len(female),
        "family_names": len(family),
    }
    sql = (SQL_DIR / f"farmer_{table}.sql").read_text(encoding="utf-8")
    for key, value in values.items():
        sql = sql.replace(f"{{{key}}}", str(int(value)))
    return sql


def farmer_connect(*, seed: int, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """Return an in-memory DuckDB with the generator's macros and lookup tables for ``seed``."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    macros = (SQL_DIR / "farmer_macros.sql").read_text(encoding="utf-8")
    con.execute(macros.replace("{seed}", str(int(seed))))
    _lookup_tables(con)
    return con


def _check_rows(rows: int) -> None:
    if not isinstance(rows, int) or isinstance(rows, bool) or rows < 1:
        msg = "rows must be a positive whole number / จำนวนแถวต้องเป็นจำนวนเต็มบวก"
        raise FarmerDataError(msg)
    if rows > MAX_ROWS:
        msg = "at most 100 million rows / สร้างได้ไม่เกิน 100 ล้านแถว"
        raise FarmerDataError(msg)


def farmer_registry_write(
    *, folder: Path, rows: int, seed: int = 2567, threads: int | None = None
) -> FarmerCounts:
    """Write ``households.parquet``, ``plots.parquet`` and ``loans.parquet`` into ``folder``.

    ``rows`` is the number of plot rows; the other tables follow it (:func:`farmer_counts`).
    Deterministic for ``(rows, seed)``. Each file is written to a temporary name in ``folder``
    and renamed, so a file that exists is complete.
    """
    _check_rows(rows)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    con = farmer_connect(seed=seed, threads=threads)
    try:
        for table in TABLES:
            query = farmer_sql(table=table, rows=rows, seed=seed)
            final = folder / f"{table}.parquet"
            tmp = folder / f".{table}.{os.getpid()}.parquet.tmp"
            target = str(tmp).replace("'", "''")
            try:
                con.execute(f"COPY ({query}) TO '{target}' (FORMAT parquet, COMPRESSION snappy)")
                tmp.replace(final)
            finally:
                tmp.unlink(missing_ok=True)
    finally:
        con.close()
    return farmer_counts(rows=rows)
