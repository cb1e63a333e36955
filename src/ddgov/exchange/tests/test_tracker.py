"""The citizen's "who read my data" over the message log's subject index."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ddgov.exchange.messagelog.testing import log_entry
from ddgov.exchange.selectors.tracker import (
    data_access_count_for_citizen,
    data_accesses_for_citizen,
)
from ddgov.exchange.services.messagelog import messagelog_append
from ddgov.exchange.tests.factories import (
    ExternalServiceFactory,
    MemberFactory,
    PurposeFactory,
    SubsystemFactory,
)

pytestmark = pytest.mark.django_db

CITIZEN = "1100200000011"
NEIGHBOUR = "3100200000099"


@pytest.fixture
def world():
    provider = MemberFactory(
        code="DOPA",
        agency__name_th="กรมการปกครอง",
        agency__name_en="Department of Provincial Administration",
    )
    ExternalServiceFactory(
        subsystem=SubsystemFactory(member=provider, code="registry"),
        code="persons",
        title_th="ข้อมูลบุคคล",
        title_en="Persons",
        personal_data=True,
        subject_param="citizen_id",
    )
    consumer = SubsystemFactory(
        member=MemberFactory(
            code="DSDW",
            agency__name_th="กรมกิจการผู้สูงอายุ",
            agency__name_en="Department of Older Persons",
        ),
        code="welfare",
        name_th="ระบบเบี้ยยังชีพ",
        name_en="Allowance system",
    )
    PurposeFactory(
        code="welfare-eligibility", name_th="ตรวจสิทธิสวัสดิการ", name_en="Welfare eligibility"
    )
    now = timezone.now()
    common = {
        "client_id": "TH/GOV/DSDW/welfare",
        "service_id": "TH/GOV/DOPA/registry/persons",
        "purpose": "welfare-eligibility",
    }
    messagelog_append(
        entries=[
            log_entry(**common, subjects=(CITIZEN,), at=now - dt.timedelta(days=2)),
            log_entry(
                **common,
                subjects=(CITIZEN,),
                status=403,
                error="Client.ConsentRequired",
                at=now - dt.timedelta(days=1),
            ),
            log_entry(**common, subjects=(NEIGHBOUR,), at=now),
            log_entry(**common, subjects=(CITIZEN, NEIGHBOUR), at=now),
            log_entry(**common, subjects=(), path="", at=now),
        ],
        stream="s",
    )
    return {"now": now, "consumer": consumer}


def test_citizen_sees_every_exchange_that_concerned_them_newest_first(world):
    accesses = data_accesses_for_citizen(citizen_id=CITIZEN)
    assert len(accesses) == 3
    assert accesses[0].at == world["now"]
    assert accesses[1].at < accesses[0].at
    assert accesses[2].at < accesses[1].at
    assert data_access_count_for_citizen(citizen_id=CITIZEN) == 3
    assert data_access_count_for_citizen(citizen_id=NEIGHBOUR) == 2


def test_names_are_resolved_in_thai_and_english(world):
    access = data_accesses_for_citizen(citizen_id=CITIZEN)[0]
    assert access.consumer_agency_th == "กรมกิจการผู้สูงอายุ"
    assert access.consumer_agency_en == "Department of Older Persons"
    assert access.consumer_system_th == "ระบบเบี้ยยังชีพ"
    assert access.consumer_system_en == "Allowance system"
    assert access.provider_agency_th == "กรมการปกครอง"
    assert access.provider_agency_en == "Department of Provincial Administration"
    assert access.service_title_th == "ข้อมูลบุคคล"
    assert access.service_title_en == "Persons"
    assert access.purpose_code == "welfare-eligibility"
    assert access.purpose_th == "ตรวจสิทธิสวัสดิการ"
    assert access.purpose_en == "Welfare eligibility"
    assert access.status == 200
    assert access.refused is False
    assert len(access.request_id) == 36


def test_refused_calls_are_shown_and_flagged(world):
    refused = [a for a in data_accesses_for_citizen(citizen_id=CITIZEN) if a.refused]
    assert len(refused) == 1
    assert refused[0].status == 403
    assert refused[0].error == "Client.ConsentRequired"


def test_paging(world):
    everything = data_accesses_for_citizen(citizen_id=CITIZEN)
    assert data_accesses_for_citizen(citizen_id=CITIZEN, limit=1, offset=1) == everything[1:2]
    assert data_accesses_for_citizen(citizen_id=CITIZEN, limit=0) == []


def test_nobody_else_and_no_one_at_all(world):
    assert data_accesses_for_citizen(citizen_id="1999999999999") == []
    assert data_accesses_for_citizen(citizen_id="") == []
    assert data_access_count_for_citizen(citizen_id="") == 0


def test_registry_entries_that_are_gone_leave_empty_names():
    messagelog_append(
        entries=[
            log_entry(
                client_id="TH/GOV/GONE/app",
                service_id="TH/GOV/GONE/app/svc",
                purpose="unknown-purpose",
                subjects=(CITIZEN,),
            )
        ],
        stream="s",
    )
    access = data_accesses_for_citizen(citizen_id=CITIZEN)[0]
    assert (access.consumer_agency_th, access.service_title_th, access.purpose_th) == ("", "", "")
    assert access.purpose_code == "unknown-purpose"
    assert access.purpose_unknown is True
    assert access.client_id == "TH/GOV/GONE/app"


def test_unknown_purpose_codes_are_flagged_not_named(world):
    """Review 6 #5: a code no Purpose defines is whatever the caller sent (even Thai bytes)."""
    mojibake = "ตรวจ".encode().decode("latin-1")  # Thai sent as X-Purpose, read as Latin-1
    messagelog_append(
        entries=[
            log_entry(purpose=mojibake, subjects=(CITIZEN,)),
            log_entry(purpose="", subjects=(CITIZEN,), status=400, error="Client.PurposeRequired"),
        ],
        stream="s2",
    )
    by_code = {a.purpose_code: a for a in data_accesses_for_citizen(citizen_id=CITIZEN)}
    garbled = by_code[mojibake]
    assert (garbled.purpose_unknown, garbled.purpose_th, garbled.purpose_en) == (True, "", "")
    # No code stated is not an unknown purpose; a defined code is known.
    assert by_code[""].purpose_unknown is False
    assert by_code["welfare-eligibility"].purpose_unknown is False
