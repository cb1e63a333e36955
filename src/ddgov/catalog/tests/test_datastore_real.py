"""The DataStore over a real Thai open-data file ingested by the catalog's own pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from ddgov.catalog.models import ResourceVersion
from ddgov.catalog.selectors.datastore import datastore_info, datastore_search, datastore_search_sql
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.identity.tests.factories import StaffUserFactory
from ddgov.lake.storage import relative, table_path

pipeline = pytest.importorskip("ddgov.catalog.ingest.pipeline")

pytestmark = pytest.mark.django_db


@pytest.fixture
def population(shared_data: Path):
    """population_subdistrict_2566.csv (quoted thousands separators) ingested as a resource."""
    source = shared_data / "opendata" / "population_subdistrict_2566.csv"
    resource = ResourceFactory(dataset=DatasetFactory(name="population-2566"), name="subdistricts")
    target = table_path(dataset_id=resource.dataset_id, resource_id=resource.pk, version=1)
    result = pipeline.ingest_file(source=source, filename=source.name, target=target)
    version = ResourceVersion.objects.create(
        resource=resource,
        number=1,
        status=ResourceVersion.Status.SUCCEEDED,
        original_filename=source.name,
        original_path="raw/" + source.name,
        parquet_path=relative(target),
        row_count=result.row_count,
        table_schema=result.table_schema,
    )
    resource.current_version = version
    resource.save(update_fields=["current_version"])
    return resource


def test_search_filters_sorts_and_types_a_real_ingested_table(population):
    rid = str(population.pk)
    first = datastore_search(viewer=AnonymousUser(), resource_id=rid, limit=3)
    types = {f["id"]: f["type"] for f in first["fields"]}
    assert types["_id"] == "int"
    assert types["province-name"] == "text"
    assert types["total"] == "int"  # "2,896" in the CSV
    assert first["records"][0]["_id"] == 1
    assert first["records"][0]["subdistrict-name"] == "พระบรมมหาราชวัง"
    assert first["records"][0]["total"] == 2896
    assert first["total"] > 7000

    chiang_mai = datastore_search(
        viewer=AnonymousUser(),
        resource_id=rid,
        filters={"province-name": "เชียงใหม่"},
        sort="total desc",
        limit=5,
    )
    totals = [r["total"] for r in chiang_mai["records"]]
    assert totals == sorted(totals, reverse=True)
    assert {r["province-name"] for r in chiang_mai["records"]} == {"เชียงใหม่"}
    assert 100 < chiang_mai["total"] < 300

    found = datastore_search(viewer=AnonymousUser(), resource_id=rid, q="บรมมหาราชวัง")
    assert [r["subdistrict-name"] for r in found["records"]] == ["พระบรมมหาราชวัง"]


def test_info_and_sql_on_a_real_ingested_table(population):
    rid = str(population.pk)
    info = datastore_info(viewer=AnonymousUser(), resource_id=rid)
    assert info["meta"]["count"] == population.current_version.row_count
    result = datastore_search_sql(
        viewer=StaffUserFactory(),
        sql='SELECT "province-name" AS p, sum(total) AS people FROM "population-2566".subdistricts'
        " GROUP BY 1 ORDER BY people DESC LIMIT 1",
    )
    assert result["records"][0]["p"] == "กรุงเทพมหานคร"
    assert result["records"][0]["people"] > 5_000_000
