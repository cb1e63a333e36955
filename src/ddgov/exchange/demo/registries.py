"""Synthetic base registries for the exchange demo: DOPA's population and the Revenue Department's income.

Nothing here is real. The **population registry** (ทะเบียนราษฎร, กรมการปกครอง) has one row per
person: every :class:`~ddgov.identity.models.Person` of the demo (so the demo citizens find their
own records and accesses), their household members (spouse, children; same house code and
address), and the few farmers and insured drivers the demo's consumer app looks up in the
OAE farmer registry and the OIC motor policies, so those people exist in the civil registry too.
The **income registry** (ข้อมูลเงินได้บุคคลธรรมดา, กรมสรรพากร) has one row per taxpayer and tax year
(BE 2565-2567), with the assessable income, the deductions and the tax a Thai personal income
tax return (ภ.ง.ด.90/91) would show, computed with the real progressive rates.

Both are drawn from the ``random.Random`` the caller passes (the seeder's own stream) and a fixed
reference date, so the same seed gives the same rows on any day. Each is written as Parquet and
published as a *private*, personal-data catalog dataset of its agency through the catalog's
services, then ingested (and classified) in this process.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ddgov.agencies.models import Agency
from ddgov.catalog.models import Dataset, Resource, ResourceVersion
from ddgov.catalog.services.datasets import dataset_create, resource_create
from ddgov.identity.models import Person
from ddgov.identity.thaiid import thai_id_complete
from ddgov.lake.storage import scratch_dir

POPULATION_DATASET = "population-registry"
INCOME_DATASET = "personal-income-registry"
REFERENCE_DATE = dt.date(2024, 12, 31)
"""Ages and statuses are as of this day (BE 2567), whatever day the demo is seeded."""
TAX_YEARS = (2565, 2566, 2567)
ALIVE, DECEASED = "มีชีวิต", "ถึงแก่กรรม"

MALE_NAMES = (
    "สมชาย", "สมศักดิ์", "ประเสริฐ", "วิชัย", "สุรชัย", "ธนพล", "อนุชา", "กิตติพงษ์",
    "ณัฐวุฒิ", "ชัยวัฒน์", "บุญมี", "สมบัติ", "ประยุทธ", "วีระ", "พงศกร", "ศุภชัย",
)  # fmt: skip
FEMALE_NAMES = (
    "สมหญิง", "มาลี", "สุดารัตน์", "วันเพ็ญ", "กัญญา", "ศิริพร", "นภาพร", "อรุณี",
    "พิมพ์ชนก", "ณัฐธิดา", "บุญเรือน", "จันทร์เพ็ญ", "ปราณี", "สุภาพร", "วิไลวรรณ", "ดวงใจ",
)  # fmt: skip
FAMILY_NAMES = (
    "ใจดี", "รักไทย", "มั่นคง", "ศรีสุข", "แก้วมณี", "บุญมา", "ทองดี", "สุขสวัสดิ์",
    "พรหมมา", "จันทร์หอม", "ศรีวงศ์", "สายทอง", "วงศ์ใหญ่", "ปัญญาดี", "อินทร์แก้ว", "ชัยมงคล",
)  # fmt: skip
FALLBACK_PLACES = (
    ("1001", "พระบรมมหาราชวัง", "พระนคร", "กรุงเทพมหานคร"),
    ("5001", "ศรีภูมิ", "เมืองเชียงใหม่", "เชียงใหม่"),
    ("4001", "ในเมือง", "เมืองขอนแก่น", "ขอนแก่น"),
    ("3001", "ในเมือง", "เมืองนครราชสีมา", "นครราชสีมา"),
    ("9011", "หาดใหญ่", "หาดใหญ่", "สงขลา"),
)
"""Where a person without a geothai subdistrict lives (tests seed no geography)."""

POPULATION_SCHEMA = pa.schema(
    [
        ("citizen_id", pa.string()),
        ("title_th", pa.string()),
        ("first_name_th", pa.string()),
        ("last_name_th", pa.string()),
        ("sex", pa.string()),
        ("birth_date", pa.date32()),
        ("house_code", pa.string()),
        ("house_no", pa.string()),
        ("subdistrict", pa.string()),
        ("district", pa.string()),
        ("province", pa.string()),
        ("moved_in_on", pa.date32()),
        ("status", pa.string()),
    ]
)
INCOME_SCHEMA = pa.schema(
    [
        ("citizen_id", pa.string()),
        ("tax_year", pa.int32()),
        ("form", pa.string()),
        ("income_type", pa.string()),
        ("assessable_income", pa.float64()),
        ("deductions", pa.float64()),
        ("net_income", pa.float64()),
        ("tax_due", pa.float64()),
        ("filed_on", pa.date32()),
    ]
)
# Thai personal income tax brackets (Revenue Code s.48): upper bound of net income, rate.
TAX_BRACKETS = (
    (150_000, 0.0),
    (300_000, 0.05),
    (500_000, 0.10),
    (750_000, 0.15),
    (1_000_000, 0.20),
    (2_000_000, 0.25),
    (5_000_000, 0.30),
    (float("inf"), 0.35),
)
# (income type, form, share of taxpayers, median yearly income in baht)
INCOME_TYPES = (
    ("เงินเดือน ค่าจ้าง ม.40(1)", "ภ.ง.ด.91", 0.62, 240_000),
    ("รับจ้างทั่วไป ม.40(2)", "ภ.ง.ด.90", 0.12, 150_000),
    ("ค้าขาย ม.40(8)", "ภ.ง.ด.90", 0.16, 200_000),
    ("เกษตรกรรม ม.40(8)", "ภ.ง.ด.90", 0.10, 90_000),
)


@dataclass(frozen=True)
class Place:
    """Where a person is registered: registrar district code (4 digits) and Thai names."""

    district_code: str
    subdistrict: str
    district: str
    province: str


def _age(birth: dt.date) -> int:
    return (
        REFERENCE_DATE.year
        - birth.year
        - ((REFERENCE_DATE.month, REFERENCE_DATE.day) < (birth.month, birth.day))
    )


def _new_id(rng: random.Random, district_code: str, birth: dt.date, taken: set[str]) -> str:
    """A valid, unused citizen ID: type digit, registrar district, book and sequence."""
    kind = "3" if birth.year < 1984 else "1"
    while True:
        value = thai_id_complete(
            f"{kind}{district_code}{rng.randrange(10**5):05d}{rng.randrange(100):02d}"
        )
        if value not in taken:
            taken.add(value)
            return value


def _title(sex: str, birth: dt.date, *, married: bool) -> str:
    if _age(birth) < 15:
        return "เด็กชาย" if sex == "M" else "เด็กหญิง"
    if sex == "M":
        return "นาย"
    return "นาง" if married else "นางสาว"


def _place_of(person: Person, rng: random.Random) -> Place:
    sub = person.subdistrict
    if sub is not None and sub.parent is not None and sub.parent.parent is not None:
        return Place(sub.code[:4], sub.name_th, sub.parent.name_th, sub.parent.parent.name_th)
    return Place(*rng.choice(FALLBACK_PLACES))


def _row(**values: Any) -> dict[str, Any]:
    return {name: values.get(name) for name in POPULATION_SCHEMA.names}


def population_rows(
    *,
    rng: random.Random,
    people: Sequence[Person],
    extra: Iterable[Mapping[str, Any]] = (),
    keep_alive: Iterable[str] = (),
) -> list[dict[str, Any]]:
    """The population registry: ``people``, their household members, and ``extra`` people.

    ``extra`` rows carry ``citizen_id`` and whatever is known (``name``, ``sex``, ``age``,
    ``province``, ``district``, ``subdistrict``); the rest is drawn. People keep their own
    name, birth date and address; a few of the oldest are deceased, never those in
    ``keep_alive`` (the demo citizens who sign in).
    """
    alive = set(keep_alive)
    taken = {p.citizen_id for p in people}
    others: list[Mapping[str, Any]] = []
    for known in extra:
        if str(known["citizen_id"]) not in taken:
            taken.add(str(known["citizen_id"]))
            others.append(known)
    rows: list[dict[str, Any]] = []
    for person in people:
        place = _place_of(person, rng)
        house_code = f"{place.district_code}{rng.randrange(10**7):07d}"
        house_no = person.address_line or f"{rng.randrange(1, 400)} หมู่ {rng.randrange(1, 15)}"
        since = person.birth_date + dt.timedelta(
            days=rng.randrange(0, max(1, (REFERENCE_DATE - person.birth_date).days))
        )
        deceased = (
            person.citizen_id not in alive and _age(person.birth_date) > 75 and rng.random() < 0.08
        )
        married = person.sex == "F" and _age(person.birth_date) >= 25 and rng.random() < 0.6
        common = {
            "house_code": house_code,
            "house_no": house_no,
            "subdistrict": place.subdistrict,
            "district": place.district,
            "province": place.province,
        }
        rows.append(
            _row(
                citizen_id=person.citizen_id,
                title_th=person.title_th or _title(person.sex, person.birth_date, married=married),
                first_name_th=person.first_name_th,
                last_name_th=person.last_name_th,
                sex=person.sex,
                birth_date=person.birth_date,
                moved_in_on=since,
                status=DECEASED if deceased else ALIVE,
                **common,
            )
        )
        rows.extend(
            _household(rng=rng, person=person, place=place, common=common, since=since, taken=taken)
        )
    rows.extend(_extra_row(rng, known) for known in others)
    return rows


def _household(
    *,
    rng: random.Random,
    person: Person,
    place: Place,
    common: Mapping[str, Any],
    since: dt.date,
    taken: set[str],
) -> list[dict[str, Any]]:
    """Spouse and children registered in the same house as ``person``."""
    members: list[dict[str, Any]] = []
    age = _age(person.birth_date)
    if age >= 22 and rng.random() < 0.55:
        sex = "F" if person.sex == "M" else "M"
        birth = person.birth_date + dt.timedelta(days=rng.randrange(-1500, 1500))
        first = rng.choice(FEMALE_NAMES if sex == "F" else MALE_NAMES)
        members.append(
            _row(
                citizen_id=_new_id(rng, place.district_code, birth, taken),
                title_th=_title(sex, birth, married=True),
                first_name_th=first,
                last_name_th=person.last_name_th,
                sex=sex,
                birth_date=birth,
                moved_in_on=since,
                status=ALIVE,
                **common,
            )
        )
    if 22 <= age <= 70:
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            birth = person.birth_date + dt.timedelta(days=rng.randrange(20 * 365, 38 * 365))
            if birth > REFERENCE_DATE:
                continue
            sex = rng.choice("MF")
            members.append(
                _row(
                    citizen_id=_new_id(rng, place.district_code, birth, taken),
                    title_th=_title(sex, birth, married=False),
                    first_name_th=rng.choice(MALE_NAMES if sex == "M" else FEMALE_NAMES),
                    last_name_th=person.last_name_th,
                    sex=sex,
                    birth_date=birth,
                    moved_in_on=max(since, birth),
                    status=ALIVE,
                    **common,
                )
            )
    return members


def _extra_row(rng: random.Random, known: Mapping[str, Any]) -> dict[str, Any]:
    """A registry row for someone the demo found in another agency's data."""
    sex = str(known.get("sex") or rng.choice("MF"))
    name = str(known.get("name") or "")
    title, first, last = "", "", ""
    if name:
        head, _, last = name.partition(" ")
        for prefix in ("นางสาว", "นาย", "นาง"):
            if head.startswith(prefix):
                title, first = prefix, head[len(prefix) :]
                sex = "M" if prefix == "นาย" else "F"
                break
    first = first or rng.choice(MALE_NAMES if sex == "M" else FEMALE_NAMES)
    last = last or rng.choice(FAMILY_NAMES)
    age = int(known.get("age") or rng.randrange(25, 70))
    birth = dt.date(REFERENCE_DATE.year - age, 1, 1) + dt.timedelta(days=rng.randrange(365))
    place = Place(
        "",
        str(known.get("subdistrict") or ""),
        str(known.get("district") or ""),
        str(known.get("province") or rng.choice(FALLBACK_PLACES)[3]),
    )
    return _row(
        citizen_id=str(known["citizen_id"]),
        title_th=title or _title(sex, birth, married=sex == "F" and age >= 30),
        first_name_th=first,
        last_name_th=last,
        sex=sex,
        birth_date=birth,
        house_code=f"{str(known['citizen_id'])[1:5]}{rng.randrange(10**7):07d}",
        house_no=f"{rng.randrange(1, 400)} หมู่ {rng.randrange(1, 15)}",
        subdistrict=place.subdistrict,
        district=place.district,
        province=place.province,
        moved_in_on=birth + dt.timedelta(days=rng.randrange(max(1, age * 365))),
        status=ALIVE,
    )


def tax_due(net_income: float) -> float:
    """Thai personal income tax on ``net_income`` at the progressive rates (baht, 2 decimals)."""
    tax, lower = 0.0, 0.0
    for upper, rate in TAX_BRACKETS:
        if net_income <= lower:
            break
        tax += (min(net_income, upper) - lower) * rate
        lower = upper
    return round(tax, 2)


def income_rows(
    *, rng: random.Random, residents: Sequence[Mapping[str, Any]], always: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Tax returns of the living adults who file (about 55 %, and everyone in ``always``).

    One row per tax year filed: assessable income drawn around the income type's median
    (log-normal), the standard deductions (50 % expenses up to 100,000 baht for wages and
    hire, 60 % for trade and farming; 60,000 personal allowance; social security up to 9,000
    for wage earners) and the tax due at the progressive rates.
    """
    must = set(always)
    weights = [w for _t, _f, w, _m in INCOME_TYPES]
    rows: list[dict[str, Any]] = []
    for resident in residents:
        cid = str(resident["citizen_id"])
        adult = _age(resident["birth_date"]) >= 20 and resident["status"] == ALIVE
        if not (cid in must or (adult and rng.random() < 0.55)):
            continue
        kind, form, _share, median = rng.choices(INCOME_TYPES, weights=weights)[0]
        level = rng.lognormvariate(0, 0.55)
        for year in TAX_YEARS:
            if cid not in must and rng.random() < 0.1:
                continue  # did not file that year
            growth = 1 + 0.03 * (year - TAX_YEARS[0]) + rng.uniform(-0.05, 0.05)
            assessable = round(median * level * growth, 2)
            wages = form == "ภ.ง.ด.91" or "40(2)" in kind
            expenses = min(assessable * 0.5, 100_000) if wages else assessable * 0.6
            social = min(9_000.0, assessable * 0.05) if form == "ภ.ง.ด.91" else 0.0
            deductions = round(min(assessable, expenses + 60_000 + social), 2)
            net = round(assessable - deductions, 2)
            rows.append(
                {
                    "citizen_id": cid,
                    "tax_year": year,
                    "form": form,
                    "income_type": kind,
                    "assessable_income": assessable,
                    "deductions": deductions,
                    "net_income": net,
                    "tax_due": tax_due(net),
                    "filed_on": dt.date(
                        year - 543 + 1, rng.choice((2, 3, 3, 4)), rng.randrange(1, 29)
                    ),
                }
            )
    return rows


# --- publishing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistryTable:
    """One table of a registry dataset: resource name, description, rows and Arrow schema.

    ``types`` are the steward's column types (catalog ``schema_overrides``) for the columns the
    ingest's inference would get wrong for a registry: IDs and codes made of digits stay text,
    a Buddhist-era tax year stays the number on the form.
    """

    name: str
    description: str
    rows: list[dict[str, Any]]
    schema: pa.Schema
    types: Mapping[str, str] = field(default_factory=dict)


def registry_metadata(
    *,
    agency: Agency,
    name: str,
    title: str,
    title_en: str,
    notes: str,
    tags: Sequence[str],
    source: str,
) -> dict[str, Any]:
    """Catalog metadata of a private personal-data registry (confidential, closed licence)."""
    return {
        "name": name,
        "title": title,
        "title_en": title_en,
        "notes": notes,
        "owner_org": agency.code,
        "data_type": "record",
        "maintainer": f"ผู้ดูแลข้อมูล {agency.name_th}",
        "maintainer_email": f"data@{agency.code}.example.go.th",
        "tags": list(tags),
        "groups": [],
        "objective": ["agency_mission", "public_service"],
        "update_frequency_unit": "daily",
        "update_frequency_interval": 1,
        "geo_coverage": "country",
        "data_source": source,
        "data_format": "Parquet",
        "data_category": "personal",
        "data_classification": "confidential",
        "license_id": "other-closed",
        "data_language": ["th"],
        "private": True,
        "accessible_condition": (
            "เฉพาะหน่วยงานที่ได้รับสิทธิผ่านระบบแลกเปลี่ยนข้อมูลภาครัฐ ตามฐานทางกฎหมาย "
            "และวัตถุประสงค์ที่ได้รับอนุญาต ตาม พ.ร.บ. คุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562"
        ),
    }


def registry_publish(
    *, metadata: Mapping[str, Any], tables: Sequence[RegistryTable]
) -> dict[str, Resource]:
    """Create the dataset, upload each table as Parquet and ingest it now; resources by name.

    A table's ``types`` go with its upload, so its one ingest keeps IDs and codes as text.
    """
    from ddgov.analytics.services.pipelines import version_ingest_now  # noqa: PLC0415

    dataset: Dataset = dataset_create(actor=None, data=dict(metadata))
    resources: dict[str, Resource] = {}
    with scratch_dir() as folder:
        for table in tables:
            path = Path(folder) / f"{table.name}.parquet"
            pq.write_table(pa.Table.from_pylist(table.rows, schema=table.schema), path)
            resource = resource_create(
                actor=None,
                dataset=dataset,
                data={"name": table.name, "description": table.description, "format": "PARQUET"},
                upload=path,
                filename=path.name,
                schema_overrides=table.types,
            )
            version = resource.versions.order_by("-number").first()
            if version is not None:
                version = version_ingest_now(version=version)
                if version.status != ResourceVersion.Status.SUCCEEDED:
                    sys.stderr.write(
                        f"  exchange: {metadata['name']}/{table.name}: {version.message}\n"
                    )
            resource.refresh_from_db()
            resources[table.name] = resource
    return resources
