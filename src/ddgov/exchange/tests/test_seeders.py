"""The exchange demo seeder: registries as services, grants, consent, calls in the signed log."""

from __future__ import annotations

import json
import random
import time
from typing import Any

import pytest

from ddgov.analytics.seeders import farmer_registry_publish
from ddgov.catalog.models import Dataset
from ddgov.core.seeding import SeedContext
from ddgov.exchange import errors, seeders
from ddgov.exchange.demo import registries
from ddgov.exchange.demo.agencies import demo_agency_ensure
from ddgov.exchange.demo.history import STREAM
from ddgov.exchange.models import (
    AccessGrant,
    ConsentRecord,
    DataAgreement,
    LawfulBasis,
    MessageRecord,
    Service,
)
from ddgov.exchange.selectors.tracker import (
    data_access_count_for_citizen,
    data_accesses_for_citizen,
)
from ddgov.exchange.services.consent import consent_events_verify
from ddgov.exchange.services.dataset import dataset_service_call
from ddgov.exchange.services.messagelog import messagelog_verify
from ddgov.governance.seeders import motor_demo_seed
from ddgov.identity.tests.factories import CitizenUserFactory, PersonFactory
from ddgov.identity.thaiid import thai_id_complete

pytestmark = pytest.mark.django_db

DEMO_CITIZENS = 3


@pytest.fixture
def seeded(settings: Any) -> dict[str, Any]:
    """A small world: citizens, the OAE farmer registry, OIC's motor policies, then the seeder."""
    settings.DDGOV_JOBS_EAGER = False
    users = [CitizenUserFactory() for _ in range(DEMO_CITIZENS)]
    PersonFactory.create_batch(57)
    farmer_registry_publish(agency=demo_agency_ensure(code="oae"), rows=4_000, seed=7)
    motor_demo_seed(agency=demo_agency_ensure(code="oic"), rows=2_000, seed=7, steward=None)
    started = time.perf_counter()
    rows = seeders.seed_exchange(SeedContext(scale=1))
    return {
        "rows": rows,
        "seconds": time.perf_counter() - started,
        "citizens": [u.person.citizen_id for u in users],
        "users": users,
    }


def _registries_are_private_datasets_served_on_the_exchange(seeded: dict[str, Any]) -> None:
    assert seeded["rows"] > 0
    for name in (registries.POPULATION_DATASET, registries.INCOME_DATASET):
        dataset = Dataset.objects.get(name=name)
        assert dataset.private
    services = {
        f"{s.subsystem.member.code}/{s.subsystem.code}/{s.code}": s
        for s in Service.objects.select_related("subsystem__member")
    }
    assert set(services) == {
        "DOPA/civil-registry/person",
        "RD/income-registry/income",
        "OAE/farmer-registry/farmer",
        "OIC/motor-policies/vehicles",
    }
    assert all(s.kind == Service.Kind.DATASET and s.personal_data for s in services.values())
    assert all(s.subject_param == "citizen_id" for s in services.values())
    assert "policy_no" not in services["OIC/motor-policies/vehicles"].columns
    # The population registry holds the demo citizens: their own record is served.
    person = services["DOPA/civil-registry/person"]
    consumer = AccessGrant.objects.filter(service=person).first().client
    answer = dataset_service_call(
        service=person, key=seeded["citizens"][0], consumer=consumer, purpose="test"
    )
    assert answer.status == 200
    body = json.loads(answer.body)
    assert body["rows"][0]["citizen_id"] == seeded["citizens"][0]
    assert body["rows"][0]["first_name_th"] == seeded["users"][0].person.first_name_th


def _grants_state_lawful_bases_and_income_needs_consent(seeded: dict[str, Any]) -> None:
    grants = {
        (g.service.code, g.client.code): g
        for g in AccessGrant.objects.select_related("service", "client")
    }
    assert set(grants) == {
        ("person", "welfare-app"),
        ("person", "payments"),
        ("income", "welfare-app"),
        ("farmer", "welfare-app"),
        ("vehicles", "welfare-app"),
    }
    assert grants["income", "welfare-app"].lawful_basis == LawfulBasis.CONSENT
    assert grants["person", "welfare-app"].lawful_basis == LawfulBasis.PUBLIC_TASK
    assert [p.code for p in grants["person", "payments"].purposes.all()] == ["benefit-payment"]
    agreement = DataAgreement.objects.get(is_active=True)
    assert agreement.service.code == "income"
    assert agreement.text_th
    assert agreement.text_en


def _demo_citizens_consented_and_the_last_withdrew(seeded: dict[str, Any]) -> None:
    records = {
        r.citizen_id: r for r in ConsentRecord.objects.filter(citizen_id__in=seeded["citizens"])
    }
    assert set(records) == set(seeded["citizens"])
    *given, withdrawn = seeded["citizens"]
    assert all(records[c].state == ConsentRecord.State.GIVEN for c in given)
    assert records[withdrawn].state == ConsentRecord.State.WITHDRAWN
    assert all(consent_events_verify(record=r) for r in records.values())
    # Consent was given by the citizens themselves (their accounts), not by the seeder.
    event = records[given[0]].events.get()
    assert event.actor == seeded["users"][0]


def _calls_are_logged_and_the_log_verifies(seeded: dict[str, Any]) -> None:
    records = MessageRecord.objects.filter(stream=STREAM)
    assert records.count() > 100
    statuses = set(records.values_list("status", flat=True))
    assert {200, 403, 404} <= statuses
    errors_seen = set(records.exclude(error="").values_list("error", flat=True))
    assert errors.CONSENT_REQUIRED in errors_seen
    assert errors.ACCESS_DENIED in errors_seen
    assert records.filter(error="", status__gte=500).count() == 0
    # The consent-based income calls come after the consent given for them.
    withdrawn = seeded["citizens"][-1]
    income = [r for r in records.filter(service_id__endswith="/income") if withdrawn in r.subjects]
    assert [r.status for r in sorted(income, key=lambda r: r.seq)][-2:] == [200, 403]
    report = messagelog_verify()
    assert report.ok, report.describe()


def _every_demo_citizen_sees_who_read_their_data(seeded: dict[str, Any]) -> None:
    for citizen_id in seeded["citizens"]:
        accesses = data_accesses_for_citizen(citizen_id=citizen_id, limit=100)
        assert data_access_count_for_citizen(citizen_id=citizen_id) == len(accesses)
        providers = {a.provider_agency_en for a in accesses}
        assert "Department of Provincial Administration" in providers
        assert "The Revenue Department" in providers
        consumers = {a.consumer_agency_th for a in accesses}
        assert "กรมพัฒนาสังคมและสวัสดิการ" in consumers
        assert {a.purpose_code for a in accesses} >= {"welfare-eligibility"}


def _seeding_runs_once_and_is_quick(seeded: dict[str, Any]) -> None:
    assert seeders.seed_exchange(SeedContext(scale=1)) == 0
    assert seeded["seconds"] < 30  # about 3 s here; the demo budget is 10 s on 2 cores


def test_seed_builds_the_exchange_demo(seeded: dict[str, Any]) -> None:
    """One seeding (about 10 s with the farmer and motor data it reuses), checked part by part."""
    _registries_are_private_datasets_served_on_the_exchange(seeded)
    _grants_state_lawful_bases_and_income_needs_consent(seeded)
    _demo_citizens_consented_and_the_last_withdrew(seeded)
    _calls_are_logged_and_the_log_verifies(seeded)
    _every_demo_citizen_sees_who_read_their_data(seeded)
    _seeding_runs_once_and_is_quick(seeded)


def test_seed_without_the_farmer_and_motor_demos_serves_the_two_registries(settings: Any) -> None:
    settings.DDGOV_JOBS_EAGER = False
    citizen = CitizenUserFactory().person.citizen_id
    PersonFactory.create_batch(10)
    assert seeders.seed_exchange(SeedContext(scale=1)) > 0
    assert sorted(Service.objects.values_list("code", flat=True)) == ["income", "person"]
    assert data_access_count_for_citizen(citizen_id=citizen) >= 2
    assert messagelog_verify().ok


def test_registries_are_deterministic_and_tax_follows_the_brackets() -> None:
    people = [
        PersonFactory.build(citizen_id=thai_id_complete(f"{k}10050012345")) for k in (1, 3, 5)
    ]
    first = registries.population_rows(rng=random.Random(5), people=people, keep_alive=["x"])
    again = registries.population_rows(rng=random.Random(5), people=people, keep_alive=["x"])
    assert first == again
    assert {r["citizen_id"] for r in first} >= {p.citizen_id for p in people}
    assert len({r["citizen_id"] for r in first}) == len(first)
    income = registries.income_rows(
        rng=random.Random(5), residents=first, always=[people[0].citizen_id]
    )
    assert {r["tax_year"] for r in income if r["citizen_id"] == people[0].citizen_id} == set(
        registries.TAX_YEARS
    )
    assert registries.tax_due(150_000) == 0
    assert registries.tax_due(300_000) == 7_500
    assert registries.tax_due(500_000) == 27_500
    assert registries.tax_due(1_000_000) == 115_000


@pytest.mark.django_db(databases=[])
def test_agreement_text_names_the_consent_page_as_the_portal_calls_it() -> None:
    """Review 6 #13: the demo's agreement points at "My consents", the page's real name."""
    from django.utils import translation

    from ddgov.exchange.demo.members import AGREEMENT_EN, AGREEMENT_TH

    with translation.override("th"):
        page_th = translation.gettext("My consents")
    assert page_th == "ความยินยอมของฉัน"
    assert f'"{page_th}"' in AGREEMENT_TH
    assert '"My consents"' in AGREEMENT_EN
    assert "ข้อมูลของฉัน" not in AGREEMENT_TH
    assert '"My data"' not in AGREEMENT_EN
