"""Data for the access-layer tests: two agencies, staff at every role, a private personal table.

``farmers.households`` (agency ``dept-farm``, private) holds 40 households: citizen ID and name
(personal, confidential), bank account (personal, secret), a security-classified note
(internal), province, district, members, income. Province ``ระนอง`` has only 3 households —
fewer than the minimum group of 5 — and household 7 is the one person the tests try to single
out. ``crop-stats.by-province`` is open data of the same agency; ``other-private.secrets`` is a
private table of a second agency. Tables are written straight into the lake as the ingest
would leave them (``_id`` first), so the tests do not depend on detection.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import factory

from ddgov.agencies.models import Agency
from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.catalog.models import Dataset, Resource, ResourceVersion
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.governance.models import ColumnClass
from ddgov.identity.models import Role, User
from ddgov.identity.tests.factories import MembershipFactory, StaffUserFactory
from ddgov.identity.thaiid import thai_id_complete
from ddgov.lake.storage import relative, table_path

PROVINCES = ("เชียงใหม่", "ขอนแก่น", "สงขลา")
SMALL_PROVINCE = "ระนอง"
TARGET_ID = 7
"""The household (``_id``) the tests try to single out; it lives in the small province."""


def citizen_id(n: int) -> str:
    """A valid Thai citizen ID for household ``n``."""
    return thai_id_complete(f"3100{n:08d}")


class ColumnClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ColumnClass

    resource = factory.SubFactory(ResourceFactory)
    column = factory.Sequence(lambda n: f"column_{n}")
    category = "personal"
    access_level = "confidential"
    source = ColumnClass.Source.STEWARD


def households_sql() -> str:
    """40 households; ``_id`` 5, 7 and 9 are in the small province."""
    names = ("สมชาย ใจดี", "สมหญิง รักไทย", "ประเสริฐ มั่นคง", "มาลี ศรีสุข", "วิชัย ทองดี")
    small = {5, 7, 9}
    rows = []
    big = 0
    for i in range(1, 41):
        if i in small:
            province = SMALL_PROVINCE
        else:
            province = PROVINCES[big % len(PROVINCES)]
            big += 1
        rows.append(
            f"({i}, '{citizen_id(i)}', '{names[i % len(names)]}', 'ACC-{i:05d}', 'note {i}',"
            f" '{province}', 'อำเภอ {i % 4}', {1 + i % 6}, {10000 + i * 1000})"
        )
    values = ",\n".join(rows)
    return (
        "SELECT * FROM (VALUES\n" + values + '\n) AS v("_id", citizen_id, "name", bank_account,'  # noqa: S608
        " note, province, district, members, income)"
    )


def crops_sql() -> str:
    """Open statistics: province, year, planted area."""
    rows = [
        f"({i + 1}, '{PROVINCES[i % 3]}', {2560 + i // 3}, {1000 + 37 * i}.5)" for i in range(12)
    ]
    return (
        "SELECT * FROM (VALUES " + ", ".join(rows) + ') AS v("_id", province, year, area_rai)'  # noqa: S608
    )


def write_table(resource: Resource, select_sql: str, *, number: int = 1) -> ResourceVersion:
    """Write ``select_sql`` as the resource's version ``number`` (with its schema), make it current."""
    path = table_path(dataset_id=resource.dataset_id, resource_id=resource.pk, version=number)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute(f"COPY ({select_sql}) TO '{path}' (FORMAT parquet)")
        count = con.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchone()
        described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
    finally:
        con.close()
    fields = [{"name": name, "type": str(kind).lower()} for name, kind, *_ in described]
    version = ResourceVersion.objects.create(
        resource=resource,
        number=number,
        status=ResourceVersion.Status.SUCCEEDED,
        original_filename="x.csv",
        original_path="raw/x.csv",
        parquet_path=relative(path),
        row_count=count[0] if count else 0,
        table_schema={"fields": [f for f in fields if f["name"] != "_id"]},
    )
    resource.current_version = version
    resource.save(update_fields=["current_version"])
    return version


@dataclass
class World:
    """Who the tests act as, and what they query."""

    agency: Agency
    other: Agency
    outsider: User
    viewer: User
    officer: User
    steward: User
    other_steward: User
    platform_admin: User
    farmers: Dataset
    households: Resource
    crops: Resource
    secrets: Resource

    @property
    def households_path(self) -> Path:
        version = self.households.current_version
        assert version is not None
        return Path(version.parquet_path)


def build_world() -> World:
    """Two agencies, staff at every role, the households table classified, open and private data."""
    agency = DepartmentFactory(code="dept-farm", name_th="กรมเกษตรทดสอบ", name_en="Test Farming")
    other = DepartmentFactory(code="dept-other", name_th="กรมอื่น", name_en="Other Department")
    outsider = StaffUserFactory(username="outsider")
    viewer = StaffUserFactory(username="farm.viewer")
    MembershipFactory(user=viewer, agency=agency, role=Role.VIEWER)
    officer = StaffUserFactory(username="farm.officer")
    MembershipFactory(user=officer, agency=agency, role=Role.OFFICER)
    steward = StaffUserFactory(username="farm.steward")
    MembershipFactory(user=steward, agency=agency, role=Role.DATA_STEWARD)
    other_steward = StaffUserFactory(username="other.steward")
    MembershipFactory(user=other_steward, agency=other, role=Role.DATA_STEWARD)
    platform_admin = StaffUserFactory(username="platform.admin", is_platform_admin=True)

    farmers = DatasetFactory(name="farmers", owner_org=agency, private=True)
    households = ResourceFactory(dataset=farmers, name="households")
    write_table(households, households_sql())
    for column, category, level in (
        ("citizen_id", "personal", "confidential"),
        ("name", "personal", "confidential"),
        ("bank_account", "personal", "secret"),
        ("note", "security", "internal"),
    ):
        ColumnClassFactory(
            resource=households, column=column, category=category, access_level=level
        )
    ColumnClassFactory(
        resource=households, column="province", category="public", access_level="public"
    )

    crops_dataset = DatasetFactory(name="crop-stats", owner_org=agency)
    crops = ResourceFactory(dataset=crops_dataset, name="by-province")
    write_table(crops, crops_sql())

    secrets_dataset = DatasetFactory(name="other-private", owner_org=other, private=True)
    secrets = ResourceFactory(dataset=secrets_dataset, name="secrets")
    write_table(secrets, "SELECT range + 1 AS _id, 'ลับ' AS note FROM range(10)")
    return World(
        agency=agency,
        other=other,
        outsider=outsider,
        viewer=viewer,
        officer=officer,
        steward=steward,
        other_steward=other_steward,
        platform_admin=platform_admin,
        farmers=farmers,
        households=households,
        crops=crops,
        secrets=secrets,
    )
