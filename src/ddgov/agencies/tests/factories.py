"""Factories for agencies and real administrative areas (taken from geothai, not invented)."""

from __future__ import annotations

import factory
import geothai

from ddgov.agencies.models import AdminArea, Agency


def admin_area_real(code: str) -> AdminArea:
    """Return the real area ``code`` with its parents, creating only what is missing."""
    if len(code) == 2:
        p = geothai.province(code)
        assert p is not None, code
        area, _ = AdminArea.objects.get_or_create(
            code=code, defaults={"level": "province", "name_th": p.name_th, "name_en": p.name_en}
        )
        return area
    if len(code) == 4:
        d = geothai.district(code)
        assert d is not None, code
        parent = admin_area_real(code[:2])
        area, _ = AdminArea.objects.get_or_create(
            code=code,
            defaults={
                "level": "district",
                "name_th": d.name_th,
                "name_en": d.name_en,
                "parent": parent,
            },
        )
        return area
    s = geothai.subdistrict(code)
    assert s is not None, code
    parent = admin_area_real(code[:4])
    area, _ = AdminArea.objects.get_or_create(
        code=code,
        defaults={
            "level": "subdistrict",
            "name_th": s.name_th,
            "name_en": s.name_en,
            "parent": parent,
            "postal_code": s.postal_codes[0] if s.postal_codes else "",
        },
    )
    return area


class MinistryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ministry-{n}")
    name_th = factory.Sequence(lambda n: f"กระทรวงทดสอบ {n}")
    name_en = factory.Sequence(lambda n: f"Test Ministry {n}")
    kind = Agency.Kind.MINISTRY


class DepartmentFactory(MinistryFactory):
    code = factory.Sequence(lambda n: f"dept-{n}")
    name_th = factory.Sequence(lambda n: f"กรมทดสอบ {n}")
    name_en = factory.Sequence(lambda n: f"Test Department {n}")
    kind = Agency.Kind.DEPARTMENT
    parent = factory.SubFactory(MinistryFactory)


class SaoFactory(MinistryFactory):
    """A subdistrict administrative organisation on a real subdistrict."""

    code = factory.Sequence(lambda n: f"sao-{n}")
    name_th = factory.Sequence(lambda n: f"องค์การบริหารส่วนตำบลทดสอบ {n}")
    name_en = factory.Sequence(lambda n: f"Test SAO {n}")
    kind = Agency.Kind.SAO
    area = factory.LazyFunction(lambda: admin_area_real("500101"))
