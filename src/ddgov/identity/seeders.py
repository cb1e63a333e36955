"""Demo people: staff with known roles, citizens with valid IDs and Thai names, businesses."""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.contrib.auth.hashers import make_password

from ddgov.agencies.models import AdminArea, Agency
from ddgov.audit.services import AuditEntry, audit_records_append
from ddgov.core.seeding import SeedContext, seeder
from ddgov.identity.models import (
    AgencyMembership,
    Business,
    BusinessRepresentative,
    Person,
    Role,
    User,
)
from ddgov.identity.thaiid import thai_id_complete

# (username, agency code, role, description) — the staff a new user can sign in as.
DEMO_STAFF: tuple[tuple[str, str, str, str], ...] = (
    ("dga.steward", "dga", Role.DATA_STEWARD, "DGA data steward (open data catalog)"),
    ("dga.admin", "dga", Role.ADMIN, "DGA agency administrator"),
    ("dopa.officer", "dopa", Role.OFFICER, "DOPA registry officer"),
    ("oae.analyst", "oae", Role.VIEWER, "OAE analyst (farmer Big Data)"),
    ("baac.steward", "baac", Role.DATA_STEWARD, "BAAC data steward"),
    ("oic.steward", "oic", Role.DATA_STEWARD, "OIC data steward (motor insurance)"),
    ("opm.1111", "opm-ops", Role.OFFICER, "1111 complaint centre officer (OPM)"),
    ("ocs.officer", "ocs", Role.OFFICER, "Council of State officer (law portal)"),
    ("osmep.officer", "osmep", Role.OFFICER, "OSMEP officer (One ID One SME)"),
    ("bma.officer", "bma", Role.OFFICER, "Bangkok Metropolitan Administration officer"),
)
MULTI_AGENCY_STAFF = (
    "digital.lead",
    (("dga", Role.ADMIN), ("mdes", Role.VIEWER), ("nso", Role.VIEWER)),
)

TITLES = {"M": ("นาย", "Mr."), "F": ("นางสาว", "Ms.")}
BUSINESS_WORDS = (
    "สยาม",
    "ไทย",
    "รุ่งเรือง",
    "เจริญ",
    "พัฒนา",
    "เกษตร",
    "ดิจิทัล",
    "อาหาร",
    "ก่อสร้าง",
    "ขนส่ง",
    "อุตสาหกรรม",
    "การค้า",
    "มั่นคง",
    "ทรัพย์",
    "ศรี",
    "สุข",
    "บูรพา",
    "ล้านนา",
    "อีสาน",
    "ทักษิณ",
)


def _names() -> tuple[list[str], list[str], list[str]]:
    from pythainlp.corpus import thai_family_names, thai_female_names, thai_male_names  # noqa: PLC0415

    return sorted(thai_male_names()), sorted(thai_female_names()), sorted(thai_family_names())


def _roman(text: str) -> str:
    from pythainlp.transliterate import romanize  # noqa: PLC0415

    return romanize(text, engine="royin").title()


def _citizen_id(rng: random.Random, district_code: str, birth_year: int, taken: set[str]) -> str:
    """Build a structurally plausible ID: type digit, registrar office, book and sequence."""
    while True:
        kind = "3" if birth_year < 1984 else "1"
        first12 = f"{kind}{district_code}{rng.randrange(10**5):05d}{rng.randrange(100):02d}"
        value = thai_id_complete(first12)
        if value not in taken:
            taken.add(value)
            return value


@seeder("staff", after=("agencies",))
def seed_staff(ctx: SeedContext) -> int:
    """Create a platform admin and staff users with roles in the programme's agencies."""
    password = make_password(settings.DDGOV_DEMO_PASSWORD)
    agencies = {a.code: a for a in Agency.objects.all()}
    User.objects.create(
        username="admin",
        password=password,
        kind=User.Kind.STAFF,
        is_platform_admin=True,
        is_staff=True,
        is_superuser=True,
        first_name="Platform",
        last_name="Admin",
    )
    ctx.account(username="admin", description="platform administrator (all agencies, /admin/)")
    users = [
        User(username=u, password=password, kind=User.Kind.STAFF, email=f"{u}@example.go.th")
        for u, *_ in DEMO_STAFF
    ]
    users.append(
        User(
            username=MULTI_AGENCY_STAFF[0],
            password=password,
            kind=User.Kind.STAFF,
            email="lead@example.go.th",
        )
    )
    rng = ctx.rng("staff")
    extra_agencies = sorted(agencies)
    users += [
        User(username=f"staff{i:05d}", password=password, kind=User.Kind.STAFF)
        for i in range(20 * (ctx.scale - 1))
    ]
    User.objects.bulk_create(users)
    saved = {u.username: u for u in User.objects.filter(kind=User.Kind.STAFF)}
    memberships = [
        AgencyMembership(user=saved[u], agency=agencies[code], role=role)
        for u, code, role, _ in DEMO_STAFF
    ]
    memberships += [
        AgencyMembership(user=saved[MULTI_AGENCY_STAFF[0]], agency=agencies[code], role=role)
        for code, role in MULTI_AGENCY_STAFF[1]
    ]
    for i in range(20 * (ctx.scale - 1)):
        memberships.append(
            AgencyMembership(
                user=saved[f"staff{i:05d}"],
                agency=agencies[rng.choice(extra_agencies)],
                role=rng.choice(list(Role)),
            )
        )
    AgencyMembership.objects.bulk_create(memberships)
    for username, _code, _role, description in DEMO_STAFF:
        ctx.account(username=username, description=description)
    ctx.account(
        username=MULTI_AGENCY_STAFF[0], description="works for DGA, MDES and NSO (agency switcher)"
    )
    audit_records_append(
        entries=[
            AuditEntry(
                action="user.create",
                actor=None,
                target_type="user",
                target_id=str(u.pk),
                after={"username": u.username, "kind": u.kind},
            )
            for u in saved.values()
        ]
        + [
            AuditEntry(
                action="membership.grant",
                actor=None,
                agency_code=m.agency.code,
                acting_for=f"agency:{m.agency.code}",
                target_type="user",
                target_id=str(m.user.pk),
                after={"role": m.role},
            )
            for m in memberships
        ]
    )
    return len(saved) + len(memberships)


@seeder("citizens", after=("geography",))
def seed_citizens(ctx: SeedContext) -> int:
    """Create citizens with valid IDs, Thai names (PyThaiNLP corpora) and geothai addresses."""
    rng = ctx.rng("citizens")
    male, female, family = _names()
    subdistricts = list(
        AdminArea.objects.filter(level=AdminArea.Level.SUBDISTRICT).values_list("code", flat=True)
    )
    taken: set[str] = set()
    people: list[Person] = []
    for _ in range(1000 * ctx.scale):
        sex = rng.choice("MF")
        first = rng.choice(male if sex == "M" else female)
        last = rng.choice(family)
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 68))
        sub = rng.choice(subdistricts)
        people.append(
            Person(
                citizen_id=_citizen_id(rng, sub[:4], birth.year, taken),
                title_th=TITLES[sex][0],
                first_name_th=first,
                last_name_th=last,
                title_en=TITLES[sex][1],
                birth_date=birth,
                sex=sex,
                address_line=f"{rng.randrange(1, 400)}/{rng.randrange(1, 60)} หมู่ {rng.randrange(1, 15)}",
                subdistrict_id=sub,
            )
        )
    # Romanise only the names the demo shows in English (royin is slow on thousands of names).
    for person in people[:50]:
        person.first_name_en = _roman(person.first_name_th)
        person.last_name_en = _roman(person.last_name_th)
    Person.objects.bulk_create(people, batch_size=1000)
    saved = list(Person.objects.order_by("pk"))
    password = make_password(settings.DDGOV_DEMO_PASSWORD)
    demo_people = saved[:5]
    users = [
        User(username=p.citizen_id, password=password, kind=User.Kind.CITIZEN, person=p)
        for p in demo_people
    ]
    User.objects.bulk_create(users)
    for p in demo_people:
        ctx.account(
            username=p.citizen_id, description=f"citizen {p.first_name_th} {p.last_name_th}"
        )
    ctx.shared["demo_people"] = [p.pk for p in demo_people]
    audit_records_append(
        entries=[
            AuditEntry(
                action="person.create",
                actor=None,
                target_type="person",
                target_id=str(p.pk),
                after={
                    "citizen_id": p.citizen_id,
                    "first_name_th": p.first_name_th,
                    "last_name_th": p.last_name_th,
                    "birth_date": p.birth_date,
                },
            )
            for p in saved
        ]
    )
    return len(saved) + len(users)


@seeder("businesses", after=("citizens",))
def seed_businesses(ctx: SeedContext) -> int:
    """Create juristic persons (DBD-style IDs) and authorise demo citizens to act for some."""
    rng = ctx.rng("businesses")
    subdistricts = list(
        AdminArea.objects.filter(level=AdminArea.Level.SUBDISTRICT).values_list("code", flat=True)
    )
    taken: set[str] = set()
    rows: list[Business] = []
    kinds = [
        (Business.Kind.COMPANY, "บริษัท {} จำกัด", "{} Co., Ltd."),
        (Business.Kind.PARTNERSHIP, "ห้างหุ้นส่วนจำกัด {}", "{} Limited Partnership"),
        (Business.Kind.COMMUNITY_ENTERPRISE, "วิสาหกิจชุมชน{}", "{} Community Enterprise"),
    ]
    for i in range(200 * ctx.scale):
        kind, th, en = kinds[0] if i % 4 else rng.choice(kinds)
        words = rng.sample(BUSINESS_WORDS, 2)
        name = "".join(words)
        while True:
            value = thai_id_complete(f"0{rng.choice('1357')}0{rng.randrange(10**9):09d}")
            if value not in taken:
                taken.add(value)
                break
        rows.append(
            Business(
                juristic_id=value,
                name_th=th.format(name) + ("" if i < 100 else f" ({i})"),
                name_en=en.format(" ".join(_roman(w) for w in words)) if i < 20 else "",
                kind=kind,
                registered_on=dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(365 * 34)),
                address_line=f"{rng.randrange(1, 999)} ถนน{rng.choice(BUSINESS_WORDS)}",
                subdistrict_id=rng.choice(subdistricts),
            )
        )
    Business.objects.bulk_create(rows, batch_size=1000)
    saved = list(Business.objects.order_by("pk"))
    reps = []
    for person_pk, business in zip(ctx.shared.get("demo_people", [])[:2], saved[:2], strict=False):
        reps.append(
            BusinessRepresentative(
                person_id=person_pk, business=business, valid_from=dt.date(2020, 1, 1)
            )
        )
    BusinessRepresentative.objects.bulk_create(reps)
    audit_records_append(
        entries=[
            AuditEntry(
                action="business.create",
                actor=None,
                target_type="business",
                target_id=str(b.pk),
                after={"juristic_id": b.juristic_id, "name_th": b.name_th},
            )
            for b in saved
        ]
        + [
            AuditEntry(
                action="business.representative_grant",
                actor=None,
                target_type="business",
                target_id=str(r.business_id),
                acting_for=f"business:{r.business_id}",
                after={"person": r.person_id, "capacity": r.capacity},
            )
            for r in reps
        ]
    )
    return len(saved) + len(reps)
