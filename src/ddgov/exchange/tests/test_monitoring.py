"""Per-service statistics and the message log list, with agency isolation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ddgov.exchange.messagelog.testing import log_entry
from ddgov.exchange.selectors.monitoring import (
    UNREGISTERED,
    _percentile,
    message_records_list,
    service_stats_list,
)
from ddgov.exchange.services.messagelog import messagelog_append
from ddgov.exchange.tests.factories import (
    ExternalServiceFactory,
    MemberFactory,
    SubsystemFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    provider = MemberFactory(code="DOPA")
    registry = SubsystemFactory(member=provider, code="registry")
    persons = ExternalServiceFactory(
        subsystem=registry, code="persons", title_th="ข้อมูลบุคคล", title_en="Persons"
    )
    other = MemberFactory(code="OAE")
    farm = ExternalServiceFactory(
        subsystem=SubsystemFactory(member=other, code="farmers"),
        code="farm",
        title_th="ทะเบียนเกษตรกร",
        title_en="Farmers",
    )
    c1 = SubsystemFactory(member=MemberFactory(code="DSDW"), code="welfare")
    c2 = SubsystemFactory(member=MemberFactory(code="DLA"), code="app")
    now = timezone.now()
    persons_id = "TH/GOV/DOPA/registry/persons"
    farm_id = "TH/GOV/OAE/farmers/farm"
    c1_id, c2_id = "TH/GOV/DSDW/welfare", "TH/GOV/DLA/app"
    entries = [
        log_entry(client_id=c1_id, service_id=persons_id, duration_ms=float(i), at=now)
        for i in range(1, 11)
    ]
    entries += [
        log_entry(
            client_id=c2_id,
            service_id=persons_id,
            duration_ms=11.0,
            status=403,
            error="Client.AccessDenied",
            at=now,
        ),
        log_entry(
            client_id=c2_id,
            service_id=persons_id,
            duration_ms=12.0,
            status=403,
            error="Client.PurposeNotAllowed",
            at=now,
        ),
        log_entry(
            client_id=c2_id,
            service_id=persons_id,
            duration_ms=13.0,
            status=502,
            error="Server.ProviderUnreachable",
            at=now,
        ),
        log_entry(client_id=c2_id, service_id=persons_id, duration_ms=14.0, status=503, at=now),
    ]
    entries += [
        log_entry(client_id=c1_id, service_id=farm_id, duration_ms=2.0, at=now) for _ in range(3)
    ]
    entries.append(
        log_entry(
            client_id=c1_id,
            service_id="TH/GOV/DOPA/registry/listMethods",
            path="",
            subjects=(),
            at=now,
        )
    )
    entries.append(log_entry(client_id=c1_id, service_id=persons_id, at=now - dt.timedelta(days=3)))
    messagelog_append(entries=entries, stream="s")
    return {
        "since": now - dt.timedelta(hours=24),
        "now": now,
        "persons": persons,
        "farm": farm,
        "provider": provider.agency,
        "other": other.agency,
        "c1": c1.member.agency,
        "c2": c2.member.agency,
    }


def by_id(stats):
    return {s.service_id: s for s in stats}


def test_stats_for_the_platform(world):
    stats = by_id(service_stats_list(since=world["since"]))
    assert set(stats) == {
        "TH/GOV/DOPA/registry/persons",
        "TH/GOV/OAE/farmers/farm",
        "TH/GOV/DOPA/registry/listMethods",
    }
    persons = stats["TH/GOV/DOPA/registry/persons"]
    assert (persons.calls, persons.errors, persons.refused) == (14, 2, 2)
    assert persons.title_th == "ข้อมูลบุคคล"
    assert persons.title_en == "Persons"
    assert persons.provider_agency == world["provider"]
    assert persons.p50_ms == pytest.approx(7.5)
    assert persons.p95_ms == pytest.approx(13.35)
    assert persons.last_at == world["now"]
    farm = stats["TH/GOV/OAE/farmers/farm"]
    assert (farm.calls, farm.errors, farm.refused, farm.p50_ms) == (3, 0, 0, 2.0)
    directory = stats["TH/GOV/DOPA/registry/listMethods"]
    assert directory.title_en == "listMethods"
    assert directory.provider_agency == world["provider"]


def test_stats_are_sorted_busiest_first(world):
    stats = service_stats_list(since=world["since"])
    assert [s.calls for s in stats] == [14, 3, 1]


def test_provider_sees_every_call_to_its_services_only(world):
    stats = by_id(service_stats_list(since=world["since"], agency_ids=[world["provider"].pk]))
    assert set(stats) == {"TH/GOV/DOPA/registry/persons", "TH/GOV/DOPA/registry/listMethods"}
    assert stats["TH/GOV/DOPA/registry/persons"].calls == 14


def test_consumer_sees_only_its_own_calls(world):
    stats = by_id(service_stats_list(since=world["since"], agency_ids=[world["c2"].pk]))
    assert set(stats) == {"TH/GOV/DOPA/registry/persons"}
    persons = stats["TH/GOV/DOPA/registry/persons"]
    assert (persons.calls, persons.errors, persons.refused) == (4, 2, 2)
    assert persons.p50_ms == pytest.approx(12.5)


def test_several_agencies_see_the_union(world):
    stats = by_id(
        service_stats_list(since=world["since"], agency_ids=[world["c2"].pk, world["other"].pk])
    )
    assert stats["TH/GOV/DOPA/registry/persons"].calls == 4
    assert stats["TH/GOV/OAE/farmers/farm"].calls == 3


def test_agency_without_a_member_sees_nothing(world):
    from ddgov.agencies.tests.factories import DepartmentFactory

    assert service_stats_list(since=world["since"], agency_ids=[DepartmentFactory().pk]) == []
    assert service_stats_list(since=world["since"], agency_ids=[]) == []
    assert message_records_list(agency_ids=[]) == []


def test_member_codes_differing_in_case_are_kept_apart():
    upper = MemberFactory(code="AB")
    lower = MemberFactory(code="ab")
    ExternalServiceFactory(
        subsystem=SubsystemFactory(member=MemberFactory(code="X"), code="s"), code="svc"
    )
    messagelog_append(
        entries=[
            log_entry(client_id="TH/GOV/AB/app", service_id="TH/GOV/X/s/svc"),
            log_entry(client_id="TH/GOV/ab/app", service_id="TH/GOV/X/s/svc"),
            log_entry(client_id="TH/GOV/ab/app", service_id="TH/GOV/X/s/svc"),
        ],
        stream="s",
    )
    assert len(message_records_list(agency_ids=[upper.agency_id])) == 1
    assert len(message_records_list(agency_ids=[lower.agency_id])) == 2
    since = timezone.now() - dt.timedelta(hours=1)
    assert service_stats_list(since=since, agency_ids=[upper.agency_id])[0].calls == 1


def test_unregistered_service_ids_are_one_row_for_the_platform_only(world):
    """Review 6 #4: ids a caller made up do not fill monitoring, and never an agency's."""
    junk = [
        log_entry(service_id="garbage", client_id="", status=401, error="Client.Unauthenticated"),
        log_entry(service_id="TH/GOV/NOPE/x/y", client_id="", duration_ms=4.0),
        log_entry(service_id="TH/GOV/NOPE/x/y", client_id="", duration_ms=6.0, status=500),
        # An unknown service of a registered provider, and an unknown directory subsystem.
        log_entry(
            service_id="TH/GOV/DOPA/registry/nope", status=404, error="Client.UnknownService"
        ),
        log_entry(service_id="TH/GOV/DOPA/ghost/listMethods", client_id="TH/GOV/DSDW/welfare"),
        log_entry(service_id="", client_id=""),
    ]
    messagelog_append(entries=junk, stream="junk")
    stats = service_stats_list(since=world["since"])
    registered = [s for s in stats if not s.unregistered]
    assert {s.service_id for s in registered} == {
        "TH/GOV/DOPA/registry/persons",
        "TH/GOV/OAE/farmers/farm",
        "TH/GOV/DOPA/registry/listMethods",
    }
    assert stats[-1].unregistered
    (extra,) = [s for s in stats if s.unregistered]
    assert extra.service_id == UNREGISTERED == ""
    assert (extra.calls, extra.errors, extra.refused) == (6, 1, 2)
    assert extra.unregistered_ids == 5
    assert (extra.title_th, extra.title_en, extra.provider_agency) == ("", "", None)
    assert extra.p50_ms == pytest.approx(1.25)
    assert extra.last_at is not None
    # The provider's and the consumer's views have only their registered services.
    for agency in ("provider", "c1"):
        mine = service_stats_list(since=world["since"], agency_ids=[world[agency].pk])
        assert all(not s.unregistered for s in mine)
        assert "TH/GOV/DOPA/registry/nope" not in {s.service_id for s in mine}
        assert "TH/GOV/DOPA/ghost/listMethods" not in {s.service_id for s in mine}
    provider = by_id(service_stats_list(since=world["since"], agency_ids=[world["provider"].pk]))
    assert provider["TH/GOV/DOPA/registry/persons"].calls == 14


def test_only_unregistered_calls_make_one_row():
    messagelog_append(
        entries=[log_entry(service_id="garbage"), log_entry(service_id="TH/GOV/NOPE/x/y")],
        stream="s",
    )
    stats = service_stats_list(since=timezone.now() - dt.timedelta(hours=1))
    assert [(s.service_id, s.calls, s.unregistered_ids) for s in stats] == [("", 2, 2)]
    assert stats[0].p95_ms == pytest.approx(1.25)


def test_no_unregistered_row_without_such_calls(world):
    assert all(not s.unregistered for s in service_stats_list(since=world["since"]))


def test_inactive_services_stay_registered(world):
    world["farm"].is_active = False
    world["farm"].save(update_fields=["is_active"])
    stats = by_id(service_stats_list(since=world["since"]))
    assert stats["TH/GOV/OAE/farmers/farm"].calls == 3
    assert "" not in stats


def test_window_excludes_older_calls(world):
    stats = by_id(service_stats_list(since=world["now"] - dt.timedelta(days=7)))
    assert stats["TH/GOV/DOPA/registry/persons"].calls == 15
    assert service_stats_list(since=world["now"] + dt.timedelta(seconds=1)) == []


def test_percentile_matches_percentile_cont():
    assert _percentile([], 0.5) is None
    assert _percentile([5.0], 0.95) == 5.0
    assert _percentile([4.0, 1.0, 3.0, 2.0], 0.5) == 2.5
    assert _percentile([float(i) for i in range(1, 101)], 0.95) == pytest.approx(95.05)


def test_records_list_newest_first_with_isolation_and_filters(world):
    everything = message_records_list(agency_ids=None, limit=1000)
    assert len(everything) == 19
    assert everything[-1].at < everything[0].at
    mine = message_records_list(agency_ids=[world["c2"].pk])
    assert len(mine) == 4
    assert {r.client_id for r in mine} == {"TH/GOV/DLA/app"}
    provider = message_records_list(agency_ids=[world["provider"].pk], limit=1000)
    assert len(provider) == 16
    assert all(r.service_id.startswith("TH/GOV/DOPA/") for r in provider)
    by_service = message_records_list(agency_ids=None, service_id="TH/GOV/OAE/farmers/farm")
    assert len(by_service) == 3
    by_client = message_records_list(agency_ids=None, client_id="TH/GOV/DLA/app")
    assert len(by_client) == 4
    one = everything[3]
    assert message_records_list(agency_ids=None, request_id=one.request_id) == [one]
    # Another agency's request id stays invisible.
    hidden = message_records_list(agency_ids=[world["other"].pk], client_id="TH/GOV/DLA/app")
    assert hidden == []


def test_records_list_pages(world):
    everything = message_records_list(agency_ids=None, limit=1000)
    page = message_records_list(agency_ids=None, limit=5, offset=5)
    assert page == everything[5:10]
    assert message_records_list(agency_ids=None, limit=-1) == []
    assert message_records_list(agency_ids=None, limit=5, offset=-3) == everything[:5]
