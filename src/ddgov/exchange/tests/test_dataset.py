"""Dataset-backed services over a real lake table: registration checks, the generated API, calls."""

# ruff: noqa: S608 - the tests write and compare SQL over their own test tables

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.analytics.access.principal import principal_for_exchange
from ddgov.analytics.tests.access_support import ColumnClassFactory, write_table
from ddgov.audit.models import AuditRecord
from ddgov.catalog.models import Resource
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.exchange import errors
from ddgov.exchange.errors import ExchangeRefusal
from ddgov.exchange.models import Service
from ddgov.exchange.services import dataset as dataset_module
from ddgov.exchange.services.dataset import _lookup_sql, dataset_service_call
from ddgov.exchange.services.registry import openapi_parameter_names, service_register_dataset
from ddgov.exchange.tests.factories import MemberFactory, SubsystemFactory
from ddgov.identity.models import ROLE_RANK, Role
from ddgov.identity.thaiid import thai_id_complete
from ddgov.lake.storage import absolute

pytestmark = pytest.mark.django_db

FARMER = thai_id_complete("310000000001")
TWINS = thai_id_complete("310000000002")  # two rows share this key
NOBODY = thai_id_complete("310000000099")

FARMERS_SQL = f"""
SELECT * FROM (VALUES
  (1, '{FARMER}', 'สมชาย ใจดี', 'เชียงใหม่', 12.50::DECIMAL(10,2), DATE '2566-01-15', 12::BIGINT, 'x'),
  (2, '{TWINS}', 'สมหญิง รักไทย', 'ขอนแก่น', 3.25::DECIMAL(10,2), DATE '2565-06-01', 13::BIGINT, 'y'),
  (3, '{TWINS}', 'สมหญิง รักไทย', 'ขอนแก่น', 7.00::DECIMAL(10,2), NULL, 14::BIGINT, 'z')
) AS v("_id", citizen_id, "name", province, area_rai, registered, plot_no, secret_note)
"""


@pytest.fixture
def agency():
    return DepartmentFactory(code="oae", name_th="สำนักงานเศรษฐกิจการเกษตร", name_en="OAE")


@pytest.fixture
def subsystem(agency):
    member = MemberFactory(agency=agency, code="OAE")
    return SubsystemFactory(member=member, code="farmers")


def classified_resource(agency, sql: str = FARMERS_SQL) -> Resource:
    dataset = DatasetFactory(owner_org=agency, private=True)
    resource = ResourceFactory(dataset=dataset, name="registry")
    write_table(resource, sql)
    for column, category, level in (
        ("citizen_id", "personal", "confidential"),
        ("name", "personal", "confidential"),
        ("province", "public", "public"),
        ("area_rai", "public", "public"),
        ("registered", "public", "public"),
        ("plot_no", "public", "public"),
        ("secret_note", "secret", "top_secret"),
    ):
        ColumnClassFactory(resource=resource, column=column, category=category, access_level=level)
    return resource


@pytest.fixture
def resource(agency):
    return classified_resource(agency)


def register(subsystem, resource, **overrides) -> Service:
    values = {
        "subsystem": subsystem,
        "code": "farmer-by-id",
        "title_th": "เกษตรกรตามเลขประจำตัว",
        "title_en": "Farmer by citizen ID",
        "resource": resource,
        "key_column": "citizen_id",
        "columns": ["citizen_id", "name", "province", "area_rai", "registered"],
    }
    values.update(overrides)
    return service_register_dataset(**values)


def body(answer) -> dict:
    return json.loads(answer.body)


# --- registration --------------------------------------------------------------------------------


def test_register_generates_the_lookup_api_and_derives_personal_data(subsystem, resource):
    service = register(subsystem, resource)

    assert service.kind == Service.Kind.DATASET
    assert service.personal_data is True  # citizen_id and name are classified personal
    assert service.subject_param == "citizen_id"
    assert service.columns == ["citizen_id", "name", "province", "area_rai", "registered"]
    document = service.openapi
    assert document["openapi"].startswith("3.")
    assert list(document["paths"]) == ["/records/{citizen_id}"]
    operation = document["paths"]["/records/{citizen_id}"]["get"]
    assert operation["parameters"][0]["name"] == "citizen_id"
    assert set(operation["responses"]) == {"200", "400", "404"}
    assert document["servers"] == [{"url": "/x/r1/TH/GOV/OAE/farmers/farmer-by-id"}]
    record = document["components"]["schemas"]["Record"]["properties"]
    assert record["area_rai"]["type"] == "string"  # decimals travel as strings
    assert record["registered"]["format"] == "date"
    assert openapi_parameter_names(document) == {"citizen_id"}
    audit = AuditRecord.objects.get(action="exchange.service.register")
    assert audit.detail == {"kind": "dataset", "personal_data": True}


def test_public_columns_make_a_non_personal_service_unless_told(subsystem, resource):
    public = register(
        subsystem, resource, code="plots", key_column="plot_no", columns=["province", "area_rai"]
    )
    assert (public.personal_data, public.subject_param) == (False, "")
    told = register(
        subsystem,
        resource,
        code="plots-personal",
        key_column="plot_no",
        columns=["province"],
        personal_data=True,
    )
    assert (told.personal_data, told.subject_param) == (True, "plot_no")


def test_the_key_column_alone_makes_a_service_personal(subsystem, resource):
    service = register(subsystem, resource, code="area", columns=["area_rai"])
    assert service.personal_data is True


def test_an_unclassified_resource_counts_as_personal(agency, subsystem):
    dataset = DatasetFactory(owner_org=agency, private=True)
    resource = ResourceFactory(dataset=dataset)
    write_table(resource, FARMERS_SQL)
    service = register(subsystem, resource, key_column="plot_no", columns=["province"])
    assert service.personal_data is True


def test_only_the_members_own_resources(subsystem):
    other = classified_resource(DepartmentFactory())
    with pytest.raises(ValidationError) as caught:
        register(subsystem, other)
    assert "resource" in caught.value.message_dict
    open_elsewhere = ResourceFactory(dataset=DatasetFactory(private=False))
    write_table(open_elsewhere, FARMERS_SQL)
    with pytest.raises(ValidationError) as caught:
        register(subsystem, open_elsewhere)
    assert "resource" in caught.value.message_dict


def test_resource_needs_a_table_and_to_be_active(agency, subsystem, resource):
    empty = ResourceFactory(dataset=DatasetFactory(owner_org=agency))
    with pytest.raises(ValidationError) as caught:
        register(subsystem, empty)
    assert "resource" in caught.value.message_dict
    resource.state = Resource.State.DELETED
    resource.save()
    with pytest.raises(ValidationError) as caught:
        register(subsystem, resource)
    assert "resource" in caught.value.message_dict


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"columns": []}, "columns"),
        ({"columns": ["name", "name"]}, "columns"),
        ({"columns": ["nope"]}, "columns"),
        ({"columns": ["_id"]}, "columns"),
        ({"key_column": "nope"}, "key_column"),
        ({"key_column": "_id"}, "key_column"),
        ({"code": "getOpenAPI"}, "code"),
        ({"title_th": ""}, "title_th"),
    ],
)
def test_registration_validation(subsystem, resource, overrides, field):
    with pytest.raises(ValidationError) as caught:
        register(subsystem, resource, **overrides)
    assert field in caught.value.message_dict
    assert " / " in caught.value.message_dict[field][0]


def test_top_secret_columns_cannot_be_served(subsystem, resource):
    with pytest.raises(ValidationError) as caught:
        register(subsystem, resource, columns=["province", "secret_note"])
    message = caught.value.message_dict["columns"][0]
    assert "secret_note" in message
    assert "ลับที่สุด" in message
    with pytest.raises(ValidationError):
        register(subsystem, resource, key_column="secret_note", columns=["province"])


# --- principal -----------------------------------------------------------------------------------


def test_principal_for_exchange_is_the_provider_data_steward(agency):
    principal = principal_for_exchange(agency=agency, label="exchange:TH/GOV/A/b")
    assert principal.label == "exchange:TH/GOV/A/b"
    assert principal.user is None
    assert principal.platform_admin is False
    assert dict(principal.roles) == {agency.pk: "data_steward"}
    assert principal.role_rank(agency.pk) == ROLE_RANK[Role.DATA_STEWARD]
    assert principal.member_of(agency.pk)
    assert not principal.member_of(agency.pk + 1)


# --- calls ---------------------------------------------------------------------------------------


def test_call_answers_the_matching_rows_as_json(subsystem, resource):
    service = register(subsystem, resource)
    consumer = SubsystemFactory(member__code="DSDW", code="welfare")

    answer = dataset_service_call(
        service=service, key=FARMER, consumer=consumer, purpose="welfare-eligibility"
    )

    assert (answer.status, answer.content_type) == (200, "application/json")
    assert body(answer) == {
        "service": "TH/GOV/OAE/farmers/farmer-by-id",
        "key": FARMER,
        "count": 1,
        "truncated": False,
        "rows": [
            {
                "citizen_id": FARMER,
                "name": "สมชาย ใจดี",
                "province": "เชียงใหม่",
                "area_rai": "12.50",
                "registered": "2566-01-15",
            }
        ],
    }
    audit = AuditRecord.objects.filter(action="analytics.query").latest("seq")
    assert audit.detail["channel"] == "exchange"
    assert audit.detail["principal"] == "exchange:TH/GOV/DSDW/welfare purpose:welfare-eligibility"
    assert audit.outcome == AuditRecord.Outcome.OK


def test_call_returns_every_row_of_a_shared_key_and_nulls(subsystem, resource):
    service = register(subsystem, resource)
    answer = dataset_service_call(service=service, key=TWINS, consumer=subsystem, purpose="p")
    data = body(answer)
    assert data["count"] == 2
    assert sorted(r["area_rai"] for r in data["rows"]) == ["3.25", "7.00"]
    assert None in [r["registered"] for r in data["rows"]]


def test_no_match_is_a_bilingual_404(subsystem, resource):
    service = register(subsystem, resource)
    answer = dataset_service_call(service=service, key=NOBODY, consumer=subsystem, purpose="p")
    assert answer.status == 404
    data = body(answer)
    assert data["message"]
    assert data["message_th"] == "ไม่พบข้อมูลที่ตรงกับคีย์นี้"
    assert data["status"] == 404


@pytest.mark.parametrize("key", ["", "x" * 65, "1' OR '1'='1", "a b", "1;DROP", "ก/ข", '1"'])
def test_malformed_keys_are_refused_before_any_query(subsystem, resource, key):
    service = register(subsystem, resource)
    before = AuditRecord.objects.filter(action="analytics.query").count()
    answer = dataset_service_call(service=service, key=key, consumer=subsystem, purpose="p")
    assert answer.status == 400
    assert body(answer)["message_th"]
    assert AuditRecord.objects.filter(action="analytics.query").count() == before


def test_thai_letters_and_dashes_are_valid_keys(subsystem, resource):
    service = register(
        subsystem,
        resource,
        code="by-province",
        key_column="province",
        columns=["province", "area_rai"],
    )
    answer = dataset_service_call(service=service, key="ขอนแก่น", consumer=subsystem, purpose="p")
    assert answer.status == 200
    assert body(answer)["count"] == 2


def test_non_text_key_column_is_compared_as_text(subsystem, resource):
    service = register(
        subsystem, resource, code="plots", key_column="plot_no", columns=["province"]
    )
    path = absolute(resource.current_version.parquet_path)
    assert "CAST(\"plot_no\" AS TEXT) = '12'" in _lookup_sql(service, "12", Path(path))
    assert (
        dataset_service_call(service=service, key="12", consumer=subsystem, purpose="p").status
        == 200
    )
    assert (
        dataset_service_call(service=service, key="0012", consumer=subsystem, purpose="p").status
        == 404
    )


def test_key_literal_is_quoted_by_sqlglot(subsystem, resource):
    service = register(subsystem, resource)
    path = Path(absolute(resource.current_version.parquet_path))
    sql = _lookup_sql(service, "o'x", path)
    assert sql == (
        'SELECT "citizen_id", "name", "province", "area_rai", "registered" '
        f"FROM \"{resource.pk}\" WHERE \"citizen_id\" = 'o''x'"
    )


def test_rows_beyond_the_cap_are_cut_and_flagged(subsystem, resource, monkeypatch):
    service = register(subsystem, resource)
    monkeypatch.setattr(dataset_module, "MAX_ROWS", 1)
    data = body(dataset_service_call(service=service, key=TWINS, consumer=subsystem, purpose="p"))
    assert (data["count"], data["truncated"], len(data["rows"])) == (1, True, 1)


def test_a_missing_table_is_a_provider_failure(subsystem, resource):
    service = register(subsystem, resource)
    Path(absolute(resource.current_version.parquet_path)).unlink()
    with pytest.raises(ExchangeRefusal) as caught:
        dataset_service_call(service=service, key=FARMER, consumer=subsystem, purpose="p")
    assert (caught.value.status, caught.value.code) == (502, errors.PROVIDER_UNREACHABLE)
    assert caught.value.message_th


def test_a_column_reclassified_top_secret_fails_closed(subsystem, resource):
    service = register(subsystem, resource)
    resource.column_classes.filter(column="name").update(access_level="top_secret")
    with pytest.raises(ExchangeRefusal) as caught:
        dataset_service_call(service=service, key=FARMER, consumer=subsystem, purpose="p")
    assert caught.value.status == 502


def test_only_dataset_services_can_be_called(subsystem):
    from ddgov.exchange.tests.factories import ExternalServiceFactory

    with pytest.raises(ValueError, match="not a dataset-backed service"):
        dataset_service_call(
            service=ExternalServiceFactory(), key="1", consumer=subsystem, purpose="p"
        )
