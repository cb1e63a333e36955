"""Demo agencies: real ministries and departments, every province, Bangkok's districts, LAOs."""

from __future__ import annotations

from ddgov.agencies.central import CENTRAL_AGENCIES
from ddgov.agencies.models import AdminArea, Agency
from ddgov.agencies.services import admin_areas_load, agencies_bulk_create
from ddgov.core.seeding import SeedContext, seeder

BANGKOK = "10"


@seeder("geography")
def seed_geography(ctx: SeedContext) -> int:
    """Load provinces, districts and subdistricts from geothai."""
    return admin_areas_load()


def _central() -> list[Agency]:
    return [
        Agency(code=code, name_th=th, name_en=en, abbreviation=abbr, kind=kind)
        for code, th, en, abbr, kind, _parent in CENTRAL_AGENCIES
    ]


@seeder("agencies", after=("geography",))
def seed_agencies(ctx: SeedContext) -> int:
    """Create the central agencies, 76 provinces + Bangkok, district offices and a sample of LAOs."""
    rng = ctx.rng("agencies")
    created = 0
    by_code: dict[str, Agency] = {}
    # Central government, parents before units.
    for level in (True, False):
        batch = []
        for agency, row in zip(_central(), CENTRAL_AGENCIES, strict=True):
            if (row[5] is None) != level:
                continue
            agency.parent = by_code.get(row[5]) if row[5] else None
            batch.append(agency)
        created += agencies_bulk_create(actor=None, agencies=batch)
        by_code.update({a.code: a for a in Agency.objects.filter(code__in=[a.code for a in batch])})
    moi = by_code["moi"]

    areas = {a.code: a for a in AdminArea.objects.filter(level=AdminArea.Level.PROVINCE)}
    bma = Agency(
        code="bma",
        name_th="กรุงเทพมหานคร",
        name_en="Bangkok Metropolitan Administration",
        abbreviation="กทม.",
        kind=Agency.Kind.BMA,
        parent=moi,
        area=areas[BANGKOK],
    )
    provinces = [
        Agency(
            code=f"prov-{code}",
            name_th=f"จังหวัด{area.name_th}",
            name_en=f"{area.name_en} Province",
            kind=Agency.Kind.PROVINCE,
            parent=moi,
            area=area,
        )
        for code, area in sorted(areas.items())
        if code != BANGKOK
    ]
    created += agencies_bulk_create(actor=None, agencies=[bma, *provinces])
    bma = Agency.objects.get(code="bma")
    province_agency = {a.area_id: a for a in Agency.objects.filter(kind=Agency.Kind.PROVINCE)}

    local: list[Agency] = [
        Agency(
            code=f"bkk-{d.code}",
            name_th=f"สำนักงาน{d.name_th}",
            name_en=f"{d.name_en} District Office",
            kind=Agency.Kind.DISTRICT_OFFICE,
            parent=bma,
            area=d,
        )
        for d in AdminArea.objects.filter(level=AdminArea.Level.DISTRICT, parent_id=BANGKOK)
    ]
    subdistricts_by_province: dict[str, list[AdminArea]] = {}
    for sub in AdminArea.objects.filter(level=AdminArea.Level.SUBDISTRICT).select_related("parent"):
        if sub.parent is not None and sub.parent.parent_id:
            subdistricts_by_province.setdefault(sub.parent.parent_id, []).append(sub)
    for code, area in sorted(areas.items()):
        if code == BANGKOK:
            continue
        parent = province_agency[code]
        local.append(
            Agency(
                code=f"pao-{code}",
                name_th=f"องค์การบริหารส่วนจังหวัด{area.name_th}",
                name_en=f"{area.name_en} Provincial Administrative Organization",
                kind=Agency.Kind.PAO,
                parent=parent,
                area=area,
            )
        )
        subs = subdistricts_by_province.get(code, [])
        for sub in rng.sample(subs, min(len(subs), 3 * ctx.scale)):
            is_municipality = rng.random() < 0.3
            kind_en = (
                "Subdistrict Municipality"
                if is_municipality
                else "Subdistrict Administrative Organization"
            )
            local.append(
                Agency(
                    code=f"{'mun' if is_municipality else 'sao'}-{sub.code}",
                    name_th=("เทศบาลตำบล" if is_municipality else "องค์การบริหารส่วนตำบล")
                    + sub.name_th,
                    name_en=f"{sub.name_en} {kind_en}",
                    kind=Agency.Kind.MUNICIPALITY if is_municipality else Agency.Kind.SAO,
                    parent=parent,
                    area=sub,
                )
            )
    created += agencies_bulk_create(actor=None, agencies=local)
    return created
