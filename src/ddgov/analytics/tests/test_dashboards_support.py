"""Data for the dashboard tests: an agency with staff at each role, open and private tables.

``crop-stats.by-province`` is open data: planted area per province (Thai names) and year.
``farmers.households`` is private to the same agency; its citizen IDs are personal data that
the viewer role may not read, so "any staff member of the agency" reads it aggregate-only.
``other-private.secrets`` is private to a second agency. Tables are written straight into the
lake as the ingest leaves them (``_id`` first). This module holds no tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from ddgov.agencies.models import Agency
from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.analytics.models import SavedQuery
from ddgov.analytics.tests.access_support import write_table
from ddgov.analytics.tests.factories import SavedQueryFactory
from ddgov.catalog.models import Dataset, Resource
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.governance.models import ColumnClass
from ddgov.identity.models import Role, User
from ddgov.identity.tests.factories import MembershipFactory, StaffUserFactory
from ddgov.identity.thaiid import thai_id_complete

CROPS = (
    # province, year, area_rai
    ("เชียงใหม่", 2565, 1200.5),
    ("เชียงใหม่", 2566, 1300.0),
    ("ขอนแก่น", 2565, 2500.0),
    ("ขอนแก่น", 2566, 2600.0),
    ("สงขลา", 2565, 800.0),
    ("สงขลา", 2566, 950.0),
    ("กรุงเทพมหานคร", 2566, 10.0),
    ("นครราชสีมา", 2566, 4100.0),
)
AREA_BY_PROVINCE_SQL = (
    'SELECT province, sum(area_rai) AS area_rai FROM "crop-stats"."by-province" '
    "GROUP BY province ORDER BY area_rai DESC"
)
AREA_BY_YEAR_SQL = (
    'SELECT year, province, sum(area_rai) AS area_rai FROM "crop-stats"."by-province" '
    "GROUP BY year, province ORDER BY year, province"
)
HOUSEHOLDS_BY_PROVINCE_SQL = (
    'SELECT province, count(*) AS households FROM "farmers"."households" GROUP BY province'
)
HOUSEHOLD_ROWS_SQL = 'SELECT citizen_id, province FROM "farmers"."households"'


def crops_sql() -> str:
    """The open statistics as a SELECT."""
    values = ", ".join(f"({i}, '{p}', {y}, {a})" for i, (p, y, a) in enumerate(CROPS, start=1))
    return f'SELECT * FROM (VALUES {values}) AS v("_id", province, year, area_rai)'  # noqa: S608


def households_sql() -> str:
    """30 households in three provinces (10 each), with citizen IDs."""
    provinces = ("เชียงใหม่", "ขอนแก่น", "สงขลา")
    values = ", ".join(
        f"({i}, '{thai_id_complete(f'3100{i:08d}')}', '{provinces[i % 3]}', {1 + i % 5})"
        for i in range(1, 31)
    )
    return f'SELECT * FROM (VALUES {values}) AS v("_id", citizen_id, province, members)'  # noqa: S608


@dataclass
class World:
    """Who acts, and on what."""

    agency: Agency
    other: Agency
    viewer: User
    officer: User
    steward: User
    other_officer: User
    platform_admin: User
    crops: Dataset
    households: Resource

    def query(self, sql: str, *, owner: User | None = None, shared: bool = True) -> SavedQuery:
        """A saved query of the agency (shared by default), by the officer unless told."""
        return SavedQueryFactory(
            agency=self.agency, owner=owner or self.officer, sql=sql, shared=shared
        )


def build_world() -> World:
    """Two agencies, staff at each role, the open and private tables (see the module doc)."""
    agency = DepartmentFactory(code="dept-farm", name_th="กรมเกษตรทดสอบ", name_en="Test Farming")
    other = DepartmentFactory(code="dept-other", name_th="กรมอื่น", name_en="Other Department")
    viewer = StaffUserFactory(username="farm.viewer")
    MembershipFactory(user=viewer, agency=agency, role=Role.VIEWER)
    officer = StaffUserFactory(username="farm.officer")
    MembershipFactory(user=officer, agency=agency, role=Role.OFFICER)
    steward = StaffUserFactory(username="farm.steward")
    MembershipFactory(user=steward, agency=agency, role=Role.DATA_STEWARD)
    other_officer = StaffUserFactory(username="other.officer")
    MembershipFactory(user=other_officer, agency=other, role=Role.OFFICER)
    platform_admin = StaffUserFactory(username="platform.admin", is_platform_admin=True)

    crops = DatasetFactory(name="crop-stats", owner_org=agency)
    write_table(ResourceFactory(dataset=crops, name="by-province"), crops_sql())

    farmers = DatasetFactory(name="farmers", owner_org=agency, private=True)
    households = ResourceFactory(dataset=farmers, name="households")
    write_table(households, households_sql())
    ColumnClass.objects.create(
        resource=households,
        column="citizen_id",
        category="personal",
        access_level="confidential",
        source=ColumnClass.Source.STEWARD,
    )
    secrets = DatasetFactory(name="other-private", owner_org=other, private=True)
    write_table(
        ResourceFactory(dataset=secrets, name="secrets"),
        "SELECT range + 1 AS _id, 'ลับ' AS note FROM range(10)",
    )
    return World(
        agency=agency,
        other=other,
        viewer=viewer,
        officer=officer,
        steward=steward,
        other_officer=other_officer,
        platform_admin=platform_admin,
        crops=crops,
        households=households,
    )
