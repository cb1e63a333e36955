import geothai
import pytest
from django.core.exceptions import ValidationError

from ddgov.agencies.models import AdminArea, Agency
from ddgov.agencies.selectors import admin_area_path, agency_ancestors
from ddgov.agencies.services import admin_areas_load, agency_create
from ddgov.agencies.tests.factories import DepartmentFactory, MinistryFactory, admin_area_real
from ddgov.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


def test_geography_loads_every_area_once():
    added = admin_areas_load()
    provinces = geothai.provinces()
    districts = sum(len(geothai.districts(p.code)) for p in provinces)
    assert AdminArea.objects.filter(level="province").count() == len(provinces) == 77
    assert AdminArea.objects.filter(level="district").count() == districts
    assert added == AdminArea.objects.count()
    assert admin_areas_load() == 0


def test_area_path_walks_province_district_subdistrict():
    sub = admin_area_real("100101")
    assert [a.level for a in admin_area_path(area=sub)] == ["province", "district", "subdistrict"]
    assert admin_area_path(area=sub)[0].name_th == "กรุงเทพมหานคร"


def test_department_under_a_ministry_is_created_and_audited():
    ministry = MinistryFactory()
    dept = agency_create(
        actor=None,
        code="dopa-test",
        name_th="กรมการปกครอง",
        name_en="DOPA",
        kind=Agency.Kind.DEPARTMENT,
        parent=ministry,
    )
    assert agency_ancestors(agency=dept) == [ministry]
    record = AuditRecord.objects.get(action="agency.create")
    assert (record.agency_code, record.after_digest != "") == ("dopa-test", True)


def test_department_without_a_ministry_is_refused():
    with pytest.raises(ValidationError) as info:
        agency_create(
            actor=None, code="orphan", name_th="กรม", name_en="Dept", kind=Agency.Kind.DEPARTMENT
        )
    assert "parent" in info.value.error_dict
    assert not Agency.objects.filter(code="orphan").exists()
    assert not AuditRecord.objects.exists()


def test_department_cannot_sit_under_a_province():
    province = Agency.objects.create(
        code="prov-50",
        name_th="จังหวัดเชียงใหม่",
        name_en="Chiang Mai",
        kind=Agency.Kind.PROVINCE,
        area=admin_area_real("50"),
    )
    with pytest.raises(ValidationError, match="cannot sit under"):
        agency_create(
            actor=None,
            code="x",
            name_th="ก",
            name_en="x",
            kind=Agency.Kind.DEPARTMENT,
            parent=province,
        )


def test_local_agency_needs_an_area_of_the_right_level():
    with pytest.raises(ValidationError) as info:
        agency_create(actor=None, code="sao-x", name_th="อบต.", name_en="SAO", kind=Agency.Kind.SAO)
    assert "area" in info.value.error_dict
    with pytest.raises(ValidationError, match="does not fit"):
        agency_create(
            actor=None,
            code="sao-x",
            name_th="อบต.",
            name_en="SAO",
            kind=Agency.Kind.SAO,
            area=admin_area_real("50"),
        )
    sao = agency_create(
        actor=None,
        code="sao-500101",
        name_th="อบต.",
        name_en="SAO",
        kind=Agency.Kind.SAO,
        area=admin_area_real("500101"),
    )
    assert sao.area.level == "subdistrict"


def test_duplicate_code_is_refused():
    DepartmentFactory(code="dga-dup")
    with pytest.raises(ValidationError) as info:
        agency_create(
            actor=None, code="dga-dup", name_th="ก", name_en="x", kind=Agency.Kind.MINISTRY
        )
    assert "code" in info.value.error_dict
