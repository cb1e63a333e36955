"""Data for the classification tests: an agency with a steward and an admin, tables with and without PII.

Citizen IDs are made with the real check digit (``thai_id_complete``), so the detectors see
them as IDs; uploads go through the catalog's services, so the ingest and its hooks run as they
do in production (jobs run eagerly on commit in tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ddgov.agencies.models import Agency
from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.catalog.models import Dataset, Resource
from ddgov.catalog.services.datasets import resource_create
from ddgov.catalog.tests.factories import DatasetFactory
from ddgov.identity.models import Role, User
from ddgov.identity.tests.factories import MembershipFactory, StaffUserFactory
from ddgov.identity.thaiid import thai_id_complete

PROVINCES = ("เชียงใหม่", "ขอนแก่น", "ภูเก็ต", "สงขลา", "ลำปาง", "ระยอง")


def personal_csv(rows: int = 40, *, health: bool = False) -> str:
    """A table of people: citizen ID, name, phone, province, age (and a health column)."""
    names = ("สมชาย ใจดี", "สมหญิง รักไทย", "ประเสริฐ มั่นคง", "มาลี ศรีสุข", "วิชัย ทองดี")
    header = "เลขประจำตัวประชาชน,ชื่อ-สกุล,เบอร์โทรศัพท์,จังหวัด,อายุ"
    header += ",โรคประจำตัว" if health else ""
    lines = [header]
    for i in range(rows):
        line = (
            f"{thai_id_complete(f'1100{i:08d}')},{names[i % len(names)]},"
            f"08{(i * 7919) % 100_000_000:08d},{PROVINCES[i % len(PROVINCES)]},{20 + i % 60}"
        )
        line += f",{('เบาหวาน', 'ความดันโลหิตสูง', 'ไม่มี')[i % 3]}" if health else ""
        lines.append(line)
    return "\n".join(lines) + "\n"


def public_csv(rows: int = 12) -> str:
    """An aggregate table: province, year, count — nothing about a person."""
    lines = ["จังหวัด,ปี,จำนวนผู้สูงอายุ"]
    lines += [
        f"{PROVINCES[i % len(PROVINCES)]},{2560 + i % 5},{1000 + i * 37}" for i in range(rows)
    ]
    return "\n".join(lines) + "\n"


@dataclass
class Agencies:
    """Who the tests act as, and their datasets."""

    agency: Agency
    steward: User
    admin: User
    outsider: User
    open_dataset: Dataset
    private_dataset: Dataset


def build_agencies() -> Agencies:
    """One agency with a steward and an admin; a steward of another agency; an open and a private dataset."""
    agency = DepartmentFactory(
        code="dept-insure", name_th="กรมประกันทดสอบ", name_en="Test Insurance"
    )
    steward = StaffUserFactory(username="insure.steward")
    MembershipFactory(user=steward, agency=agency, role=Role.DATA_STEWARD)
    admin = StaffUserFactory(username="insure.admin")
    MembershipFactory(user=admin, agency=agency, role=Role.ADMIN)
    outsider = StaffUserFactory(username="other.steward")
    MembershipFactory(user=outsider, role=Role.DATA_STEWARD)
    open_dataset = DatasetFactory(name="elderly-open", owner_org=agency)
    private_dataset = DatasetFactory(name="policy-holders", owner_org=agency, private=True)
    return Agencies(agency, steward, admin, outsider, open_dataset, private_dataset)


def upload(
    tmp_path: Path, dataset: Dataset, content: str, *, actor: User, name: str = "table.csv"
) -> Resource:
    """Create a resource of ``dataset`` from ``content`` through the catalog's service."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return resource_create(actor=actor, dataset=dataset, data={"name": name}, upload=path)
