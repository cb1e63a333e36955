"""The Thai administrative gazetteer (geothai) as a DuckDB table, shared by every governance part.

Profiling recognises province/district/subdistrict codes and names with it, quality checks use
it as a code list, and anonymisation generalises subdistrict → district → province → region
along it. One row per area::

    level          'province' | 'district' | 'subdistrict'
    code           2, 4 or 6 digits (DOPA codes, as geothai has them)
    name_th        Thai name as geothai spells it (districts of Bangkok start with เขต)
    name_en        English name
    district_code  the district (NULL for provinces)
    province_code  the province
    region_code    the NSO statistical region: BKK, C, N, NE, S
    region_th      its Thai name
    region_en      its English name

The table is built once per lake from the installed ``geothai`` package (no network) into
``reference/gazetteer-<version>.csv`` and read from there into any DuckDB connection.
"""

from __future__ import annotations

import csv
import os
import tempfile
from functools import cache
from pathlib import Path

import duckdb

from ddgov.lake.storage import lake_root, tmp_dir

# The National Statistical Office's regions: Bangkok, Central (incl. East and West), North,
# Northeast, South. Province codes fall in contiguous blocks.
REGIONS: dict[str, tuple[str, str]] = {
    "BKK": ("กรุงเทพมหานคร", "Bangkok"),
    "C": ("ภาคกลาง", "Central"),
    "N": ("ภาคเหนือ", "North"),
    "NE": ("ภาคตะวันออกเฉียงเหนือ", "Northeast"),
    "S": ("ภาคใต้", "South"),
}
COLUMNS = (
    "level",
    "code",
    "name_th",
    "name_en",
    "district_code",
    "province_code",
    "region_code",
    "region_th",
    "region_en",
)


def region_of(province_code: str) -> str:
    """Return the NSO region code of a two-digit province code (``ValueError`` if not one)."""
    number = int(province_code)
    if number == 10:
        return "BKK"
    if 11 <= number <= 27 or 70 <= number <= 77:
        return "C"
    if 30 <= number <= 49:
        return "NE"
    if 50 <= number <= 67:
        return "N"
    if 80 <= number <= 96:
        return "S"
    msg = f"not a Thai province code: {province_code!r}"
    raise ValueError(msg)


@cache
def gazetteer_rows() -> tuple[tuple[str, ...], ...]:
    """Every province, district and subdistrict with its parents and region (see module doc)."""
    import geothai  # noqa: PLC0415 - large tables, load only when asked

    rows: list[tuple[str, ...]] = []
    for province in geothai.provinces():
        region = region_of(province.code)
        region_names = REGIONS[region]
        tail = (region, *region_names)
        rows.append(
            (
                "province",
                province.code,
                province.name_th,
                province.name_en,
                "",
                province.code,
                *tail,
            )
        )
        for district in geothai.districts(province.code):
            rows.append(
                (
                    "district",
                    district.code,
                    district.name_th,
                    district.name_en,
                    district.code,
                    province.code,
                    *tail,
                )
            )
            rows.extend(
                (
                    "subdistrict",
                    sub.code,
                    sub.name_th,
                    sub.name_en,
                    district.code,
                    province.code,
                    *tail,
                )
                for sub in geothai.subdistricts(district.code)
            )
    return tuple(rows)


def gazetteer_csv() -> Path:
    """Return the gazetteer as a CSV in the lake, writing it on first use (atomically)."""
    import geothai  # noqa: PLC0415

    version = str(getattr(geothai, "DATA_VERSION", "0")).replace("/", "-")
    path = lake_root() / "reference" / f"gazetteer-{version}.csv"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir(), suffix=".csv")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows(gazetteer_rows())
    Path(tmp_name).replace(path)
    return path


def gazetteer_register(con: duckdb.DuckDBPyConnection, *, name: str = "gazetteer") -> str:
    """Create the temporary table ``name`` with the gazetteer in ``con`` and return its name.

    Every column is VARCHAR (codes keep their leading zeros); ``district_code`` is NULL for
    provinces. Works on a sandboxed connection too, as long as it may read the lake's
    ``reference`` folder — register before locking the connection down.
    """
    source = str(gazetteer_csv()).replace("'", "''")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS "  # noqa: S608 - name is ours, path is quoted
        f"SELECT * REPLACE (NULLIF(district_code, '') AS district_code) "
        f"FROM read_csv('{source}', header = true, all_varchar = true)"
    )
    return name
