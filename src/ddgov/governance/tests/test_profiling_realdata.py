"""The profiler on a real DOPA table: every subdistrict's registered population (2566)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ddgov.catalog.ingest import ingest_file
from ddgov.governance.profiling.engine import table_profile


def test_population_by_subdistrict_is_recognised_level_by_level(
    shared_data: Path, tmp_path: Path
) -> None:
    source = shared_data / "opendata" / "population_subdistrict_2566.csv"
    with source.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    table = tmp_path / "t.parquet"
    result = ingest_file(source=source, filename=source.name, target=table)
    data = table_profile(parquet=table, fields=result.table_schema["fields"])
    columns = {c["name"]: c for c in data["columns"]}

    assert data["row_count"] == len(rows)
    # A quarter of the "district" rows are municipal registration offices (ท้องถิ่นเทศบาล…).
    expected = {
        "province-name": ("province", 99.0),
        "district-name": ("district", 70.0),
        "subdistrict-name": ("subdistrict", 99.0),
    }
    for name, (level, share) in expected.items():
        thai = columns[name]["thai"]
        assert (thai["admin_level"], thai["admin_kind"]) == (level, "name"), name
        assert thai["admin_match_pct"] >= share
        assert columns[name]["distinct"] == len({r[name] for r in rows})

    total = columns["total"]
    counts = [int(r["total"].replace(",", "")) for r in rows if r["total"].strip()]
    assert total["type"] == "integer"
    assert (total["min"], total["max"]) == (min(counts), max(counts))
    assert total["mean"] == pytest.approx(sum(counts) / len(counts))
    assert total["thai"]["admin_level"] is None
    assert columns["province-name"]["top_values"][0]["value"] == max(
        {r["province-name"] for r in rows},
        key=lambda p: (sum(r["province-name"] == p for r in rows), p),
    )
