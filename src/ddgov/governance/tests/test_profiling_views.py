"""The profile page and its JSON: who sees them, the version picker, bad input, "profile again"."""

from __future__ import annotations

from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from ddgov.audit.models import AuditRecord
from ddgov.catalog.models import Resource, ResourceVersion
from ddgov.catalog.services.ingest import resource_version_create
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.governance.models import Profile
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory, StaffUserFactory
from ddgov.jobs.models import Job

pytestmark = pytest.mark.django_db

OPEN_CSV = "อำเภอ,จำนวนผู้สูงอายุ\nเมืองเชียงใหม่,12000\nสารภี,4000\nสันทราย,\n"
OPEN_CSV_V2 = OPEN_CSV + "ดอยสะเก็ด,5000\n"
PRIVATE_CSV = "รายการ,งบประมาณ\nค่าเช่า,1000\n"


@dataclass
class World:
    steward: object
    viewer: object
    outsider: object
    open_resource: Resource
    private_resource: Resource


def _upload(resource: Resource, actor, text: str, tmp_path: Path, capture) -> ResourceVersion:
    source = tmp_path / f"{resource.pk}-{len(text)}.csv"
    source.write_text(text, encoding="utf-8")
    with capture(execute=True):
        version = resource_version_create(
            actor=actor, resource=resource, upload=source, filename="data.csv"
        )
    version.refresh_from_db()
    assert version.status == ResourceVersion.Status.SUCCEEDED, version.message
    return version


@pytest.fixture
def world(tmp_path, django_capture_on_commit_callbacks) -> World:
    steward = MembershipFactory(role=Role.DATA_STEWARD)
    agency = steward.agency
    open_resource = ResourceFactory(dataset=DatasetFactory(owner_org=agency), format="")
    private_resource = ResourceFactory(
        dataset=DatasetFactory(owner_org=agency, private=True), format=""
    )
    cap = django_capture_on_commit_callbacks
    _upload(open_resource, steward.user, OPEN_CSV, tmp_path, cap)
    _upload(open_resource, steward.user, OPEN_CSV_V2, tmp_path, cap)
    _upload(private_resource, steward.user, PRIVATE_CSV, tmp_path, cap)
    return World(
        steward=steward.user,
        viewer=MembershipFactory(role=Role.VIEWER, agency=agency).user,
        outsider=StaffUserFactory(),
        open_resource=open_resource,
        private_resource=private_resource,
    )


def page(resource: Resource) -> str:
    return f"/governance/resource/{resource.pk}/profile/"


def json_url(resource: Resource) -> str:
    return f"/governance/resource/{resource.pk}/profile.json"


def text(response) -> str:  # type: ignore[no-untyped-def]
    return unescape(response.content.decode())


def test_anyone_sees_the_profile_of_open_data_in_thai_and_english(world: World) -> None:
    html = text(Client().get(page(world.open_resource)))
    assert '<html lang="th">' in html  # Thai first
    with translation.override("th"):
        assert translation.gettext("Open data") in html
    assert "เมืองเชียงใหม่" in html  # a top value
    assert "ดอยสะเก็ด" in html  # the current version is v2
    response = Client().get(page(world.open_resource), HTTP_COOKIE="django_language=en")
    assert response.status_code == 200
    html = text(response)
    assert "Data profile" in html
    assert "District (names)" in html
    assert "<meter" in html


def test_the_json_is_the_stored_profile_of_the_chosen_version(world: World) -> None:
    client = Client()
    current = client.get(json_url(world.open_resource)).json()
    assert current["version"] == 2
    assert current["profile"]["row_count"] == 4
    v1 = client.get(json_url(world.open_resource), {"version": "1"}).json()
    assert v1["version"] == 1
    assert v1["profile"]["row_count"] == 3
    stored = Profile.objects.get(version__resource=world.open_resource, version__number=1)
    assert v1["profile"] == stored.data
    counts = {c["name"]: c for c in v1["profile"]["columns"]}
    assert counts["จำนวนผู้สูงอายุ"]["nulls"] == 1
    assert counts["อำเภอ"]["thai"]["admin_level"] == "district"


def test_the_version_picker_shows_an_older_version(world: World) -> None:
    html = text(Client().get(page(world.open_resource), {"version": 1}))
    assert 'name="version"' in html
    assert "ดอยสะเก็ด" not in html
    assert Client().get(page(world.open_resource), {"version": 9}).status_code == 404


def test_a_bad_version_is_a_clear_error_in_both_languages(world: World) -> None:
    response = Client().get(page(world.open_resource), {"version": "two"})
    assert response.status_code == 400
    assert "whole number" in text(response)
    assert "เลขจำนวนเต็ม" in text(response)
    response = Client().get(json_url(world.open_resource), {"version": "-1"})
    assert response.status_code == 400
    assert "/ รุ่นต้อง" in response.json()["error"]


def test_a_private_dataset_is_hidden_from_anonymous_and_outsiders(world: World) -> None:
    for url in (page(world.private_resource), json_url(world.private_resource)):
        assert Client().get(url).status_code == 404
        outsider = Client()
        outsider.force_login(world.outsider)
        assert outsider.get(url).status_code == 404
        member = Client()
        member.force_login(world.viewer)
        assert member.get(url).status_code == 200


def test_an_unknown_resource_is_not_found(world: World) -> None:
    assert (
        Client()
        .get("/governance/resource/00000000-0000-0000-0000-000000000000/profile/")
        .status_code
        == 404
    )


def test_a_version_not_profiled_yet_says_so(world: World) -> None:
    Profile.objects.filter(version__resource=world.open_resource).delete()
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # ddgov is Thai first: the cookie decides
    assert "has not been profiled yet" in text(english.get(page(world.open_resource)))
    assert "ยังไม่ได้" in text(Client().get(page(world.open_resource)))
    response = Client().get(json_url(world.open_resource))
    assert response.status_code == 404
    assert "/ ทรัพยากรนี้" in response.json()["error"]


def test_a_steward_can_profile_again_with_csrf_and_others_cannot(
    world: World, django_capture_on_commit_callbacks
) -> None:
    url = f"/governance/resource/{world.open_resource.pk}/profile/refresh/?version=2"
    steward = Client(enforce_csrf_checks=True)
    steward.force_login(world.steward)
    assert steward.post(url).status_code == 403  # no CSRF token
    html = steward.get(page(world.open_resource)).content.decode()
    assert "profile/refresh/" in html
    token = steward.cookies["csrftoken"].value
    before = Job.objects.filter(kind="governance.profile").count()
    with django_capture_on_commit_callbacks(execute=True):
        response = steward.post(url, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"].endswith("?version=2")
    assert Job.objects.filter(kind="governance.profile").count() == before + 1

    viewer = Client()
    viewer.force_login(world.viewer)
    assert "profile/refresh/" not in viewer.get(page(world.open_resource)).content.decode()
    assert viewer.post(url).status_code == 403
    assert AuditRecord.objects.filter(action="governance.profile", outcome="denied").exists()
    assert Job.objects.filter(kind="governance.profile").count() == before + 1
    assert Client().post(url).status_code == 302  # anonymous: to the sign-in page
