"""The exchange's back office: who sees what, grants and credentials, monitoring and the log.

Also home of the small world the other view and browser tests build on (``build_world``,
``log_call``): a provider agency, a consumer agency and a stranger agency on the exchange.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from html import unescape
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.audit.models import AuditRecord
from ddgov.exchange.models import (
    AccessGrant,
    LawfulBasis,
    MessageRecord,
    Purpose,
    Service,
    Subsystem,
    SubsystemClient,
)
from ddgov.exchange.tests.factories import (
    AgreementFactory,
    ExternalServiceFactory,
    GrantFactory,
    MemberFactory,
    PurposeFactory,
    SubsystemFactory,
)
from ddgov.identity.models import Role, User
from ddgov.identity.tests.factories import (
    CitizenUserFactory,
    MembershipFactory,
    PersonFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db

EMPTY_SHA = hashlib.sha256(b"").hexdigest()


# --- the world the exchange view tests share ---------------------------------------------------


@dataclass
class World:
    provider: Subsystem  # TH/GOV/PROV/registry, agency "กรมผู้ให้ทดสอบ"
    consumer: Subsystem  # TH/GOV/CONS/welfare
    stranger: Subsystem  # TH/GOV/OTHER/app
    service: Service  # personal data, subject in /persons/{citizen_id}
    stranger_service: Service
    purpose: Purpose
    grant: AccessGrant
    steward: User  # data steward of the provider agency
    viewer: User  # viewer of the provider agency
    consumer_officer: User  # officer of the consumer agency
    stranger_admin: User  # admin of the stranger agency
    loner: User  # staff without any membership
    platform_admin: User
    citizen: User
    other_citizen: User


def service_id(service: Service) -> str:
    sub = service.subsystem
    return f"TH/GOV/{sub.member.code}/{sub.code}/{service.code}"


def client_id(sub: Subsystem) -> str:
    return f"TH/GOV/{sub.member.code}/{sub.code}"


def build_world() -> World:
    prov_agency = DepartmentFactory(
        code="dept-prov", name_th="กรมผู้ให้ทดสอบ", name_en="Test Provider Dept"
    )
    cons_agency = DepartmentFactory(
        code="dept-cons", name_th="กรมผู้ขอทดสอบ", name_en="Test Consumer Dept"
    )
    other_agency = DepartmentFactory(
        code="dept-other", name_th="กรมอื่นทดสอบ", name_en="Test Other Dept"
    )
    provider = SubsystemFactory(
        member=MemberFactory(agency=prov_agency, code="PROV"),
        code="registry",
        name_th="ระบบทะเบียนทดสอบ",
        name_en="Test registry",
    )
    consumer = SubsystemFactory(
        member=MemberFactory(agency=cons_agency, code="CONS"),
        code="welfare",
        name_th="ระบบสวัสดิการทดสอบ",
        name_en="Test welfare",
    )
    stranger = SubsystemFactory(member=MemberFactory(agency=other_agency, code="OTHER"), code="app")
    service = ExternalServiceFactory(
        subsystem=provider,
        code="person",
        title_th="ข้อมูลบุคคลทดสอบ",
        title_en="Test person data",
        personal_data=True,
        subject_param="citizen_id",
    )
    stranger_service = ExternalServiceFactory(
        subsystem=stranger, code="stats", title_th="สถิติทดสอบ", title_en="Test stats"
    )
    purpose = PurposeFactory(
        code="welfare-check", name_th="ตรวจสิทธิสวัสดิการ", name_en="Welfare check"
    )
    grant = GrantFactory(
        service=service, client=consumer, purposes=[purpose], lawful_basis=LawfulBasis.CONSENT
    )
    GrantFactory(service=stranger_service, client=stranger, purposes=[purpose])

    def staff(username: str, agency: Any, role: str) -> User:
        user = StaffUserFactory(username=username)
        MembershipFactory(user=user, agency=agency, role=role)
        return user

    return World(
        provider=provider,
        consumer=consumer,
        stranger=stranger,
        service=service,
        stranger_service=stranger_service,
        purpose=purpose,
        grant=grant,
        steward=staff("prov.steward", prov_agency, Role.DATA_STEWARD),
        viewer=staff("prov.viewer", prov_agency, Role.VIEWER),
        consumer_officer=staff("cons.officer", cons_agency, Role.OFFICER),
        stranger_admin=staff("other.admin", other_agency, Role.ADMIN),
        loner=StaffUserFactory(username="no.agency"),
        platform_admin=StaffUserFactory(username="platform", is_platform_admin=True),
        citizen=CitizenUserFactory(person=PersonFactory(first_name_en="Malee")),
        other_citizen=CitizenUserFactory(person=PersonFactory(first_name_en="Wichai")),
    )


def log_call(
    *,
    service: Service,
    client: Subsystem,
    subjects: tuple[str, ...] = (),
    status: int = 200,
    error: str = "",
    purpose: str = "welfare-check",
    at: dt.datetime | None = None,
) -> str:
    """Write one signed message-log record as the gateway would; return its request id."""
    from ddgov.exchange.messagelog.entry import LogEntry
    from ddgov.exchange.services.messagelog import messagelog_append

    request_id = str(uuid.uuid4())
    path = f"/persons/{subjects[0]}" if subjects else "/echo"
    messagelog_append(
        entries=[
            LogEntry(
                at=at or timezone.now() - dt.timedelta(minutes=5),
                request_id=request_id,
                client_id=client_id(client),
                service_id=service_id(service),
                method="GET",
                path=path,
                purpose=purpose,
                subjects=subjects,
                request_digest=EMPTY_SHA,
                response_digest=EMPTY_SHA,
                status=status,
                error=error,
                duration_ms=12.5,
            )
        ]
    )
    return request_id


@pytest.fixture
def world() -> World:
    return build_world()


def _html(response: Any) -> str:
    return unescape(response.content.decode())


def _service_url(name: str, service: Service, **extra: Any) -> str:
    sub = service.subsystem
    return reverse(
        f"exchange:{name}",
        kwargs={"member": sub.member.code, "subsystem": sub.code, "code": service.code, **extra},
    )


def _subsystem_url(name: str, sub: Subsystem, **extra: Any) -> str:
    return reverse(
        f"exchange:{name}", kwargs={"member": sub.member.code, "subsystem": sub.code, **extra}
    )


# --- who may enter --------------------------------------------------------------------------


def test_staff_pages_need_sign_in(client: Client, world: World) -> None:
    for url in (
        reverse("exchange:staff_home"),
        reverse("exchange:monitoring"),
        reverse("exchange:log"),
        _service_url("service", world.service),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("identity:login")), url


@pytest.mark.parametrize("who", ["citizen", "loner"])
def test_citizens_and_staff_without_agency_are_refused_and_audited(
    client: Client, world: World, who: str
) -> None:
    user = getattr(world, who)
    client.force_login(user)
    for url in (
        reverse("exchange:staff_home"),
        reverse("exchange:monitoring"),
        reverse("exchange:log"),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
    denied = AuditRecord.objects.filter(
        action="exchange.staff.read", actor_id=user.pk, outcome=AuditRecord.Outcome.DENIED
    )
    assert denied.count() == 3


# --- overview and service pages ---------------------------------------------------------------


def test_overview_lists_my_systems_and_the_whole_directory(client: Client, world: World) -> None:
    client.force_login(world.consumer_officer)
    response = client.get(reverse("exchange:staff_home"))
    assert response.status_code == 200
    html = _html(response)
    assert '<html lang="th">' in html
    # My agency's subsystem, and not another agency's among "mine".
    assert f'data-subsystem="{client_id(world.consumer)}"' in html
    assert f'data-subsystem="{client_id(world.provider)}"' not in html
    # The directory shows every service on the exchange.
    assert f'data-service="{service_id(world.service)}"' in html
    assert f'data-service="{service_id(world.stranger_service)}"' in html
    assert "ข้อมูลบุคคลทดสอบ" in html  # Thai title by default


def test_provider_sees_every_grant_and_may_revoke(client: Client, world: World) -> None:
    client.force_login(world.steward)
    response = client.get(_service_url("service", world.service))
    assert response.status_code == 200
    html = _html(response)
    assert service_id(world.service) in html
    assert "/persons/{citizen_id}" in html  # the OpenAPI paths
    assert f'data-client="{client_id(world.consumer)}"' in html
    assert "welfare-check" in html
    assert reverse("exchange:grant_revoke", kwargs={"pk": world.grant.pk}) in html
    assert _service_url("grant_new", world.service) in html
    assert 'id="stats-heading"' in html


def test_provider_viewer_sees_grants_but_no_buttons(client: Client, world: World) -> None:
    client.force_login(world.viewer)
    html = _html(client.get(_service_url("service", world.service)))
    assert f'data-client="{client_id(world.consumer)}"' in html
    assert reverse("exchange:grant_revoke", kwargs={"pk": world.grant.pk}) not in html
    assert _service_url("grant_new", world.service) not in html


def test_consumer_sees_only_its_own_grant_and_no_stats(client: Client, world: World) -> None:
    extra = GrantFactory(service=world.service, client=world.stranger, purposes=[world.purpose])
    client.force_login(world.consumer_officer)
    html = _html(client.get(_service_url("service", world.service)))
    assert f'data-grant="{world.grant.pk}"' in html
    assert f'data-grant="{extra.pk}"' not in html
    assert 'id="stats-heading"' not in html
    assert world.service.base_url not in html  # the provider's endpoint is the provider's
    assert reverse("exchange:grant_revoke", kwargs={"pk": world.grant.pk}) not in html


def test_stranger_sees_the_service_but_none_of_its_grants(client: Client, world: World) -> None:
    client.force_login(world.stranger_admin)
    html = _html(client.get(_service_url("service", world.service)))
    assert service_id(world.service) in html
    assert "data-grant=" not in html
    assert client_id(world.consumer) not in html


def test_unknown_service_is_404(client: Client, world: World) -> None:
    client.force_login(world.steward)
    url = reverse(
        "exchange:service", kwargs={"member": "PROV", "subsystem": "registry", "code": "nope"}
    )
    assert client.get(url).status_code == 404


def test_agreements_show_on_the_service_page(client: Client, world: World) -> None:
    agreement = AgreementFactory(
        service=world.service, client=world.consumer, purpose=world.purpose
    )
    client.force_login(world.steward)
    html = _html(client.get(_service_url("service", world.service)))
    assert f'data-agreement="{agreement.pk}"' in html
    assert agreement.text_th in html


# --- grants ---------------------------------------------------------------------------------


def test_steward_grants_access_with_purposes(client: Client, world: World) -> None:
    client.force_login(world.steward)
    url = _service_url("grant_new", world.service)
    form = client.get(url)
    assert form.status_code == 200
    assert client_id(world.stranger) in _html(form)
    response = client.post(
        url,
        {
            "client": client_id(world.stranger),
            "purposes": [world.purpose.pk],
            "lawful_basis": LawfulBasis.PUBLIC_TASK,
            "rate_per_minute": "120",
        },
    )
    assert response.status_code == 302, _html(response)
    grant = AccessGrant.objects.get(
        service=world.service, client=world.stranger, revoked_at__isnull=True
    )
    assert list(grant.purposes.values_list("code", flat=True)) == ["welfare-check"]
    assert grant.lawful_basis == LawfulBasis.PUBLIC_TASK
    assert grant.rate_per_minute == 120


def test_grant_form_errors_save_nothing(client: Client, world: World) -> None:
    client.force_login(world.steward)
    response = client.post(
        _service_url("grant_new", world.service),
        {"client": client_id(world.stranger), "purposes": [], "lawful_basis": ""},
    )
    assert response.status_code == 400
    assert not AccessGrant.objects.filter(service=world.service, client=world.stranger).exists()


def test_service_validation_errors_are_shown(client: Client, world: World) -> None:
    """A personal-data service needs a lawful basis: the rights service says so, nothing saved."""
    client.force_login(world.steward)
    response = client.post(
        _service_url("grant_new", world.service),
        {"client": client_id(world.stranger), "purposes": [world.purpose.pk], "lawful_basis": ""},
    )
    assert response.status_code == 400
    assert 'id="grant-errors"' in _html(response)
    assert not AccessGrant.objects.filter(service=world.service, client=world.stranger).exists()


@pytest.mark.parametrize("who", ["viewer", "consumer_officer", "stranger_admin"])
def test_only_the_providers_stewards_may_grant(client: Client, world: World, who: str) -> None:
    user = getattr(world, who)
    client.force_login(user)
    url = _service_url("grant_new", world.service)
    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {
            "client": client_id(world.stranger),
            "purposes": [world.purpose.pk],
            "lawful_basis": LawfulBasis.PUBLIC_TASK,
        },
    )
    assert response.status_code == 403
    assert not AccessGrant.objects.filter(service=world.service, client=world.stranger).exists()
    assert AuditRecord.objects.filter(
        action="exchange.grant.create", actor_id=user.pk, outcome=AuditRecord.Outcome.DENIED
    ).exists()


def test_grant_posts_need_a_csrf_token(world: World) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.steward)
    response = browser.post(
        _service_url("grant_new", world.service),
        {
            "client": client_id(world.stranger),
            "purposes": [world.purpose.pk],
            "lawful_basis": LawfulBasis.PUBLIC_TASK,
        },
    )
    assert response.status_code == 403
    assert not AccessGrant.objects.filter(service=world.service, client=world.stranger).exists()
    revoke = browser.post(reverse("exchange:grant_revoke", kwargs={"pk": world.grant.pk}))
    assert revoke.status_code == 403
    world.grant.refresh_from_db()
    assert world.grant.revoked_at is None


def test_steward_revokes_a_grant(client: Client, world: World) -> None:
    url = reverse("exchange:grant_revoke", kwargs={"pk": world.grant.pk})
    client.force_login(world.consumer_officer)
    assert client.post(url).status_code == 403
    world.grant.refresh_from_db()
    assert world.grant.revoked_at is None

    client.force_login(world.steward)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == _service_url("service", world.service)
    world.grant.refresh_from_db()
    assert world.grant.revoked_at is not None
    assert client.post(url).status_code == 404  # already revoked


# --- subsystems and client credentials ----------------------------------------------------------


def test_subsystem_page_is_for_its_own_agency(client: Client, world: World) -> None:
    url = _subsystem_url("subsystem", world.consumer)
    client.force_login(world.consumer_officer)
    response = client.get(url)
    assert response.status_code == 200
    html = _html(response)
    assert service_id(world.service) in html  # the grant it holds
    client.force_login(world.steward)
    assert client.get(url).status_code == 403


def test_steward_creates_client_credentials_shown_once(client: Client, world: World) -> None:
    url = _subsystem_url("client_new", world.provider)
    client.force_login(world.viewer)
    assert client.post(url).status_code == 403
    assert not SubsystemClient.objects.filter(subsystem=world.provider).exists()

    client.force_login(world.steward)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    made = SubsystemClient.objects.get(subsystem=world.provider)
    html = _html(response)
    assert f'data-testid="client-id">{made.application.client_id}<' in html
    assert 'data-testid="client-secret">' in html
    # The subsystem page lists the client but never the secret again.
    page = _html(client.get(_subsystem_url("subsystem", world.provider)))
    assert made.application.client_id in page
    assert 'data-testid="client-secret"' not in page

    revoke = _subsystem_url("client_revoke", world.provider, pk=made.pk)
    assert client.post(revoke).status_code == 302
    made.refresh_from_db()
    assert made.revoked_at is not None


def test_client_posts_need_a_csrf_token(world: World) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.steward)
    assert browser.post(_subsystem_url("client_new", world.provider)).status_code == 403
    assert not SubsystemClient.objects.filter(subsystem=world.provider).exists()


# --- monitoring and the message log ------------------------------------------------------------


def test_monitoring_counts_calls_of_my_services_only(client: Client, world: World) -> None:
    log_call(service=world.service, client=world.consumer, subjects=("1100200000011",))
    log_call(service=world.service, client=world.consumer, status=403, error="Client.AccessDenied")
    log_call(
        service=world.service, client=world.consumer, status=502, error="Server.ProviderUnreachable"
    )
    log_call(service=world.stranger_service, client=world.stranger)

    client.force_login(world.steward)
    response = client.get(reverse("exchange:monitoring"))
    assert response.status_code == 200
    html = _html(response)
    assert f'data-service="{service_id(world.service)}"' in html
    assert f'data-service="{service_id(world.stranger_service)}"' not in html
    row = html.split(f'data-service="{service_id(world.service)}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-col="calls">3<' in row
    assert 'data-col="errors">1<' in row
    assert 'data-col="refused">1<' in row

    # The consumer agency sees the service it calls; the stranger sees only its own.
    client.force_login(world.consumer_officer)
    html = _html(client.get(reverse("exchange:monitoring")))
    assert f'data-service="{service_id(world.service)}"' in html
    assert f'data-service="{service_id(world.stranger_service)}"' not in html
    client.force_login(world.stranger_admin)
    html = _html(client.get(reverse("exchange:monitoring"), {"window": "7d"}))
    assert f'data-service="{service_id(world.stranger_service)}"' in html
    assert f'data-service="{service_id(world.service)}"' not in html


def test_monitoring_window(client: Client, world: World) -> None:
    log_call(
        service=world.service,
        client=world.consumer,
        at=timezone.now() - dt.timedelta(days=3),
    )
    client.force_login(world.steward)
    day = _html(client.get(reverse("exchange:monitoring")))
    week = _html(client.get(reverse("exchange:monitoring"), {"window": "7d"}))
    nonsense = client.get(reverse("exchange:monitoring"), {"window": "10y"})
    assert f'data-service="{service_id(world.service)}"' not in day
    assert f'data-service="{service_id(world.service)}"' in week
    assert nonsense.status_code == 200
    assert f'data-service="{service_id(world.service)}"' not in _html(nonsense)


def test_log_shows_evidence_to_provider_and_consumer_only(client: Client, world: World) -> None:
    citizen_id = world.citizen.person.citizen_id
    mine = log_call(service=world.service, client=world.consumer, subjects=(citizen_id,))
    theirs = log_call(service=world.stranger_service, client=world.stranger)
    record = MessageRecord.objects.get(request_id=mine)

    for user in (world.steward, world.consumer_officer):
        client.force_login(user)
        html = _html(client.get(reverse("exchange:log")))
        assert f'data-request-id="{mine}"' in html
        assert f'data-request-id="{theirs}"' not in html
        assert record.record_hash in html
        assert record.signature in html
        assert citizen_id not in html  # the citizens concerned are counted, never named
        assert "GET /persons/" + "•" * 13 in html

    client.force_login(world.stranger_admin)
    html = _html(client.get(reverse("exchange:log")))
    assert f'data-request-id="{theirs}"' in html
    assert f'data-request-id="{mine}"' not in html

    client.force_login(world.platform_admin)
    html = _html(client.get(reverse("exchange:log")))
    assert f'data-request-id="{theirs}"' in html
    assert f'data-request-id="{mine}"' in html


def test_log_filters(client: Client, world: World) -> None:
    first = log_call(service=world.service, client=world.consumer)
    second = log_call(service=world.service, client=world.consumer)
    other = log_call(service=world.stranger_service, client=world.stranger)
    client.force_login(world.platform_admin)
    html = _html(client.get(reverse("exchange:log"), {"request_id": first}))
    assert f'data-request-id="{first}"' in html
    assert f'data-request-id="{second}"' not in html
    html = _html(client.get(reverse("exchange:log"), {"service": service_id(world.service)}))
    assert f'data-request-id="{first}"' in html
    assert f'data-request-id="{second}"' in html
    assert f'data-request-id="{other}"' not in html
    html = _html(client.get(reverse("exchange:log"), {"client": client_id(world.stranger)}))
    assert f'data-request-id="{other}"' in html
    assert f'data-request-id="{first}"' not in html


def test_log_pages(client: Client, world: World) -> None:
    base = timezone.now() - dt.timedelta(hours=1)
    ids = [
        log_call(service=world.service, client=world.consumer, at=base + dt.timedelta(seconds=i))
        for i in range(53)
    ]
    client.force_login(world.steward)
    first = _html(client.get(reverse("exchange:log")))
    second = _html(client.get(reverse("exchange:log"), {"page": "2"}))
    on_first = {i for i in ids if f'data-request-id="{i}"' in first}
    on_second = {i for i in ids if f'data-request-id="{i}"' in second}
    assert len(on_first) == 50
    assert len(on_second) == 3
    assert on_first.isdisjoint(on_second)
    assert 'rel="next"' in first
    assert 'rel="prev"' in second
    assert client.get(reverse("exchange:log"), {"page": "x"}).status_code == 200


# --- review 6: unregistered ids, masking, who the page speaks to --------------------------------


def _log_raw(**fields: Any) -> str:
    from ddgov.exchange.messagelog.testing import log_entry
    from ddgov.exchange.services.messagelog import messagelog_append

    entry = log_entry(**fields)
    messagelog_append(entries=[entry])
    return entry.request_id


def test_monitoring_sums_unregistered_ids_for_platform_admins_only(
    client: Client, world: World
) -> None:
    """Review 6 #4: junk service ids (anonymous fuzzing) never fill an agency's monitoring."""
    log_call(service=world.service, client=world.consumer)
    for junk in ("TH/GOV/PROV/registry/nope", "TH/GOV/PROV/x/y", "garbage", "TH/GOV/PROV/x/y"):
        _log_raw(service_id=junk, client_id="", status=401, error="Client.Unauthenticated")

    client.force_login(world.steward)
    html = _html(client.get(reverse("exchange:monitoring")))
    assert f'data-service="{service_id(world.service)}"' in html
    assert "TH/GOV/PROV/registry/nope" not in html
    assert "TH/GOV/PROV/x/y" not in html
    assert 'data-unregistered="true"' not in html
    assert 'data-scope="agencies"' in html

    client.force_login(world.platform_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _html(client.get(reverse("exchange:monitoring")))
    assert '<html lang="en">' in html
    assert 'data-scope="all"' in html
    assert "one of your agencies" not in html
    assert "TH/GOV/PROV/x/y" not in html
    row = html.split('data-unregistered="true"', 1)[1].split("</tr>", 1)[0]
    assert "Unregistered service ids" in row
    assert 'data-col="calls">4<' in row
    assert 'data-col="refused">4<' in row
    assert "3 distinct identifiers" in row
    # The unregistered row comes after every registered service.
    assert html.index('data-unregistered="true"') > html.index(
        f'data-service="{service_id(world.service)}"'
    )
    assert "Calls: 5 ·" in html  # the totals include the unregistered calls


def test_log_masks_citizen_ids_in_thai_digits_grouped_and_encoded(
    client: Client, world: World
) -> None:
    """Review 6 #12: no 13-digit ID is readable in the staff log, whatever its digits."""
    thai = "๑๑๐๐๒๐๐๐๐๐๐๑๑"
    paths = {
        "thai": f"/persons/{thai}",
        "mixed": "/persons/๓620705179914",
        "dashed": "/persons/3-6207-05179-91-4",
        "thai-dashed": "/persons/๓-๖๒๐๗-๐๕๑๗๙-๙๑-๔/extra",
        "encoded": "/persons/%E0%B9%91%E0%B9%91%E0%B9%90%E0%B9%90%E0%B9%92%E0%B9%90"
        "%E0%B9%90%E0%B9%90%E0%B9%90%E0%B9%90%E0%B9%90%E0%B9%91%E0%B9%91",
    }
    ids = {
        name: _log_raw(
            service_id=service_id(world.service),
            client_id=client_id(world.consumer),
            path=path,
            subjects=(),
        )
        for name, path in paths.items()
    }
    in_purpose = _log_raw(
        service_id=service_id(world.service),
        client_id=client_id(world.consumer),
        path="/echo",
        purpose="check-3620705179914",
        subjects=(),
    )
    client.force_login(world.steward)
    html = _html(client.get(reverse("exchange:log")))
    mask = "•" * 13
    for name, request_id in ids.items():
        row = html.split(f'data-request-id="{request_id}"', 1)[1].split("</tr>", 1)[0]
        assert f"GET /persons/{mask}" in row, name
    for visible in ("๑๑๐๐๒", "๓620705179914", "3-6207-05179", "๓-๖๒๐๗", "%E0%B9%91%E0%B9%91"):
        assert visible not in html
    row = html.split(f'data-request-id="{in_purpose}"', 1)[1].split("</tr>", 1)[0]
    assert f"check-{mask}" in row
    assert "3620705179914" not in row
    assert "/extra" in html  # only the ID goes, not the rest of the path


def test_log_subtitle_says_whose_calls_are_shown(client: Client, world: World) -> None:
    """Review 6 #13: a platform admin is not told they see only their agencies' calls."""
    client.force_login(world.platform_admin)
    assert 'data-scope="all"' in _html(client.get(reverse("exchange:log")))
    client.force_login(world.consumer_officer)
    assert 'data-scope="agencies"' in _html(client.get(reverse("exchange:log")))


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("/persons/1100200000011", "/persons/•••••••••••••"),
        ("/persons/๑๑๐๐๒๐๐๐๐๐๐๑๑", "/persons/•••••••••••••"),
        ("/p/1 1002 00000 01 1/x", "/p/•••••••••••••/x"),
        ("/p/%201100200000011", "/p/%20•••••••••••••"),
        ("/p/1100200000011-2", "/p/•••••••••••••-2"),
        ("/p/1100200000011/3100200000099", "/p/•••••••••••••/•••••••••••••"),
        ("/p/110020000001", "/p/110020000001"),  # 12 digits: not an ID
        ("/p/11002000000111", "/p/11002000000111"),  # 14 digits: not an ID
        ("/p/๑๑๐๐๒๐๐๐๐๐๐๑๑๑", "/p/๑๑๐๐๒๐๐๐๐๐๐๑๑๑"),
        ("/p/2024-01-01", "/p/2024-01-01"),
        ("", ""),
    ],
)
@pytest.mark.django_db(databases=[])
def test_citizen_ids_mask(text: str, masked: str) -> None:
    from ddgov.exchange.views.present import citizen_ids_mask

    assert citizen_ids_mask(text) == masked
