"""Data for the catalog page tests: a steward, open and private datasets, and a ready resource.

A "ready" resource gets a ResourceVersion whose Parquet file is written by DuckDB into the
test's lake folder in the layout the ingestion uses (first column ``_id`` BIGINT), so page tests
do not depend on the ingestion pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from ddgov.agencies.models import Agency
from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.catalog.models import Dataset, Resource, ResourceVersion
from ddgov.catalog.services.search_index import dataset_index
from ddgov.catalog.tests.factories import DatasetFactory, GroupFactory, ResourceFactory
from ddgov.identity.models import Role, User
from ddgov.identity.tests.factories import MembershipFactory, StaffUserFactory
from ddgov.lake.storage import relative, table_path

# 60 rows over 3 districts of one province, so the preview has two pages and the default chart
# (which skips the one-value province column) has 3 bars.
DISTRICTS = ("พระนคร", "ดุสิต", "บางรัก")
ROWS = [("กรุงเทพมหานคร", DISTRICTS[i % 3], f"ตำบล {i}", 1000 + i) for i in range(60)]
SUMS = {d: sum(p for _pr, dd, _s, p in ROWS if dd == d) for d in DISTRICTS}
SCHEMA = {
    "fields": [
        {"name": "province", "type": "string"},
        {"name": "district", "type": "string"},
        {"name": "subdistrict", "type": "string"},
        {"name": "population", "type": "integer"},
    ]
}


@dataclass
class Catalog:
    """What the page tests work with."""

    agency: Agency
    other: Agency
    steward: User
    outsider: User
    open_dataset: Dataset
    private_dataset: Dataset
    other_dataset: Dataset
    resource: Resource


def ready_resource(dataset: Dataset, *, name: str = "ประชากรรายตำบล") -> Resource:
    """A resource whose current version is a finished ingest of ``ROWS``."""
    resource = ResourceFactory(dataset=dataset, name=name, format="CSV")
    path = table_path(dataset_id=dataset.pk, resource_id=resource.pk, version=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE t (_id BIGINT, province VARCHAR, district VARCHAR, subdistrict VARCHAR,"
        " population BIGINT)"
    )
    con.executemany(
        "INSERT INTO t VALUES (?, ?, ?, ?, ?)", [(i + 1, *row) for i, row in enumerate(ROWS)]
    )
    con.execute(f"COPY (SELECT * FROM t ORDER BY _id) TO '{path}' (FORMAT parquet)")  # noqa: S608
    con.close()
    version = ResourceVersion.objects.create(
        resource=resource,
        number=1,
        status=ResourceVersion.Status.SUCCEEDED,
        progress=1.0,
        original_filename="population.csv",
        original_path="raw/x/population.csv",
        original_size=2048,
        source_format="csv",
        encoding="utf-8",
        parquet_path=relative(Path(path)),
        parquet_size=path.stat().st_size,
        row_count=len(ROWS),
        table_schema=SCHEMA,
    )
    resource.current_version = version
    resource.save(update_fields=["current_version"])
    return resource


def build_catalog() -> Catalog:
    """Two agencies, a steward of the first, an outsider, and three datasets (one private)."""
    agency = DepartmentFactory(
        code="dept-stat", name_th="กรมสถิติทดสอบ", name_en="Test Statistics Dept"
    )
    other = DepartmentFactory(code="dept-water", name_th="กรมน้ำทดสอบ", name_en="Test Water Dept")
    steward = StaffUserFactory(username="somchai.steward")
    MembershipFactory(user=steward, agency=agency, role=Role.DATA_STEWARD)
    outsider = StaffUserFactory(username="outsider.steward")
    MembershipFactory(user=outsider, agency=other, role=Role.DATA_STEWARD)
    health = GroupFactory(name="health", title_th="สาธารณสุข", title_en="Health")
    open_dataset = DatasetFactory(
        name="elderly-by-province",
        title="จำนวนผู้สูงอายุรายจังหวัด",
        notes="ข้อมูลจำนวนผู้สูงอายุแยกรายจังหวัด จากทะเบียนราษฎร",
        owner_org=agency,
    )
    open_dataset.groups.add(health)
    private_dataset = DatasetFactory(
        name="internal-budget", title="งบประมาณภายในหน่วยงาน", owner_org=agency, private=True
    )
    other_dataset = DatasetFactory(
        name="reservoir-levels",
        title="ระดับน้ำในอ่างเก็บน้ำ",
        notes="ปริมาณน้ำในอ่างเก็บน้ำขนาดใหญ่รายวัน",
        owner_org=other,
        license_id="cc-by",
    )
    resource = ready_resource(open_dataset)
    for dataset in (open_dataset, private_dataset, other_dataset):
        dataset_index(dataset_id=dataset.pk)
    return Catalog(
        agency=agency,
        other=other,
        steward=steward,
        outsider=outsider,
        open_dataset=open_dataset,
        private_dataset=private_dataset,
        other_dataset=other_dataset,
        resource=resource,
    )
