"""Creating and changing agencies, and loading Thailand's administrative geography."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ddgov.agencies.models import AdminArea, Agency
from ddgov.audit.services import AuditEntry, audit_record_append, audit_records_append

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

_AREA_LEVEL_FOR_KIND: dict[str, set[str]] = {
    Agency.Kind.PROVINCE: {AdminArea.Level.PROVINCE},
    Agency.Kind.BMA: {AdminArea.Level.PROVINCE},
    Agency.Kind.PAO: {AdminArea.Level.PROVINCE},
    Agency.Kind.DISTRICT_OFFICE: {AdminArea.Level.DISTRICT},
    Agency.Kind.MUNICIPALITY: {AdminArea.Level.DISTRICT, AdminArea.Level.SUBDISTRICT},
    Agency.Kind.SAO: {AdminArea.Level.SUBDISTRICT},
}
_PARENT_KINDS: dict[str, set[str]] = {
    Agency.Kind.MINISTRY: set(),
    Agency.Kind.DEPARTMENT: {Agency.Kind.MINISTRY, Agency.Kind.DEPARTMENT},
    Agency.Kind.PUBLIC_ORGANIZATION: {Agency.Kind.MINISTRY, Agency.Kind.DEPARTMENT},
    Agency.Kind.STATE_ENTERPRISE: {Agency.Kind.MINISTRY},
    Agency.Kind.INDEPENDENT: {Agency.Kind.MINISTRY},
    Agency.Kind.PROVINCE: {Agency.Kind.MINISTRY},
    Agency.Kind.BMA: {Agency.Kind.MINISTRY},
    Agency.Kind.DISTRICT_OFFICE: {Agency.Kind.PROVINCE, Agency.Kind.BMA},
    Agency.Kind.PAO: {Agency.Kind.PROVINCE},
    Agency.Kind.MUNICIPALITY: {Agency.Kind.PROVINCE},
    Agency.Kind.SAO: {Agency.Kind.PROVINCE},
}


def agency_snapshot(agency: Agency) -> dict[str, Any]:
    """Return the audited fields of ``agency`` (for before/after digests)."""
    return {
        "code": agency.code,
        "name_th": agency.name_th,
        "name_en": agency.name_en,
        "abbreviation": agency.abbreviation,
        "kind": agency.kind,
        "parent": agency.parent.code if agency.parent else None,
        "area": agency.area_id,
        "is_active": agency.is_active,
    }


def agency_validate(*, agency: Agency) -> None:
    """Check the hierarchy: a department sits under a ministry, a LAO on an area of its level."""
    errors: dict[str, list[str]] = {}
    allowed_parents = _PARENT_KINDS[agency.kind]
    if agency.parent is not None:
        if agency.parent.kind not in allowed_parents:
            errors.setdefault("parent", []).append(
                _("A %(kind)s cannot sit under a %(parent)s. / หน่วยงานประเภทนี้สังกัดหน่วยงานแม่นี้ไม่ได้")
                % {"kind": agency.get_kind_display(), "parent": agency.parent.get_kind_display()}
            )
    elif agency.kind in {
        Agency.Kind.DEPARTMENT,
        Agency.Kind.PUBLIC_ORGANIZATION,
        Agency.Kind.STATE_ENTERPRISE,
    }:
        errors.setdefault("parent", []).append(
            _("This kind of agency must belong to a ministry. / หน่วยงานประเภทนี้ต้องสังกัดกระทรวง")
        )
    levels = _AREA_LEVEL_FOR_KIND.get(agency.kind)
    if levels is not None:
        if agency.area is None:
            errors.setdefault("area", []).append(
                _(
                    "Local and provincial agencies need an area code. / หน่วยงานส่วนภูมิภาคและท้องถิ่นต้องระบุพื้นที่"
                )
            )
        elif agency.area.level not in levels:
            errors.setdefault("area", []).append(
                _(
                    "The area is a %(level)s, which does not fit this kind of agency. / ระดับพื้นที่ไม่ตรงกับประเภทหน่วยงาน"
                )
                % {"level": agency.area.get_level_display()}
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def agency_create(
    *,
    actor: AbstractBaseUser | None,
    code: str,
    name_th: str,
    name_en: str,
    kind: str,
    parent: Agency | None = None,
    area: AdminArea | None = None,
    abbreviation: str = "",
) -> Agency:
    """Create an agency after checking its place in the hierarchy; the write is audited."""
    agency = Agency(
        code=code,
        name_th=name_th,
        name_en=name_en,
        kind=kind,
        parent=parent,
        area=area,
        abbreviation=abbreviation,
    )
    agency.full_clean()
    agency_validate(agency=agency)
    agency.save()
    audit_record_append(
        action="agency.create",
        actor=actor,
        agency_code=agency.code,
        target_type="agency",
        target_id=agency.code,
        after=agency_snapshot(agency),
    )
    return agency


@transaction.atomic
def agencies_bulk_create(*, actor: AbstractBaseUser | None, agencies: list[Agency]) -> int:
    """Create many validated agencies at once (the demo and imports), one audit record each.

    Parents must come before children in ``agencies`` and already be saved.
    """
    for agency in agencies:
        agency.full_clean(validate_unique=False)
        agency_validate(agency=agency)
    Agency.objects.bulk_create(agencies, batch_size=500)
    audit_records_append(
        entries=[
            AuditEntry(
                action="agency.create",
                actor=actor,
                agency_code=a.code,
                target_type="agency",
                target_id=a.code,
                after=agency_snapshot(a),
            )
            for a in agencies
        ]
    )
    return len(agencies)


@transaction.atomic
def admin_areas_load() -> int:
    """Load every province, district and subdistrict from ``geothai`` (idempotent).

    Returns the number of areas added. Reference data, not citizen or agency data, so unaudited.
    """
    import geothai  # noqa: PLC0415 - large tables, load only when asked

    existing = set(AdminArea.objects.values_list("code", flat=True))
    rows: list[AdminArea] = []
    for province in geothai.provinces():
        rows.append(
            AdminArea(
                code=province.code,
                level=AdminArea.Level.PROVINCE,
                name_th=province.name_th,
                name_en=province.name_en,
            )
        )
        for district in geothai.districts(province.code):
            rows.append(
                AdminArea(
                    code=district.code,
                    level=AdminArea.Level.DISTRICT,
                    name_th=district.name_th,
                    name_en=district.name_en,
                    parent_id=province.code,
                )
            )
            rows.extend(
                AdminArea(
                    code=sub.code,
                    level=AdminArea.Level.SUBDISTRICT,
                    name_th=sub.name_th,
                    name_en=sub.name_en,
                    parent_id=district.code,
                    postal_code=sub.postal_codes[0] if sub.postal_codes else "",
                )
                for sub in geothai.subdistricts(district.code)
            )
    new = [r for r in rows if r.code not in existing]
    AdminArea.objects.bulk_create(new, batch_size=1000)
    return len(new)
