"""The steward's classification page: who sees it, who changes it, CSRF, Thai and English."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from ddgov.audit.models import AuditRecord
from ddgov.catalog.models import Dataset, Resource
from ddgov.governance.models import ColumnClass
from ddgov.governance.tests.classification_support import (
    Agencies,
    build_agencies,
    personal_csv,
    public_csv,
    upload,
)
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

ID_COLUMN = "เลขประจำตัวประชาชน"


@pytest.fixture
def world(tmp_path: Path, django_capture_on_commit_callbacks: Any) -> Agencies:
    world = build_agencies()
    with django_capture_on_commit_callbacks(execute=True):
        upload(tmp_path, world.private_dataset, personal_csv(), actor=world.steward, name="คน.csv")
        upload(tmp_path, world.open_dataset, public_csv(), actor=world.steward, name="นับ.csv")
    return world


def _url(dataset: Dataset) -> str:
    return reverse("governance:classification", kwargs={"name": dataset.name})


def _text(response: Any) -> str:
    return unescape(response.content.decode())


def _row_form(resource: Resource, html: str) -> dict[str, str]:
    """The column table's current values as the browser would post them back."""
    data: dict[str, str] = {}
    for i, column in re.findall(r'name="col-(\d+)-name" value="([^"]*)"', html):
        data[f"col-{i}-name"] = column
        row = ColumnClass.objects.filter(resource=resource, column=column).first()
        data[f"col-{i}-category"] = row.category if row else "public"
        data[f"col-{i}-access_level"] = row.access_level if row else "public"
        data[f"col-{i}-sensitive"] = row.sensitive if row else ""
    return data


def _index_of(html: str, column: str) -> str:
    match = re.search(rf'name="col-(\d+)-name" value="{re.escape(column)}"', html)
    assert match, column
    return match.group(1)


def test_the_steward_sees_every_column_and_that_it_is_enforced(
    client: Client, world: Agencies
) -> None:
    client.force_login(world.steward)
    response = client.get(_url(world.private_dataset))
    assert response.status_code == 200
    html = _text(response)
    assert '<html lang="th">' in html  # Thai by default
    assert '<option value="personal" selected>ข้อมูลส่วนบุคคล</option>' in html
    for column in (ID_COLUMN, "ชื่อ-สกุล", "เบอร์โทรศัพท์", "จังหวัด", "อายุ"):
        assert f'value="{column}"' in html
    assert "TH_CITIZEN_ID" in html
    assert 'data-testid="enforcement"' in html
    # The dataset says "public" while a resource holds personal data: the page says so.
    assert 'data-testid="mismatch"' in html
    assert "csrfmiddlewaretoken" in html


def test_an_open_dataset_without_personal_data_says_it_may_be_open(
    client: Client, world: Agencies
) -> None:
    client.force_login(world.steward)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # ddgov is Thai first: the cookie decides
    html = _text(client.get(_url(world.open_dataset)))
    assert 'data-testid="mismatch"' not in html
    assert "no resource holds personal or non-public data" in html


def test_english_on_request(client: Client, world: Agencies) -> None:
    client.force_login(world.steward)
    client.cookies["django_language"] = "en"
    html = _text(client.get(_url(world.private_dataset)))
    assert "Data classification" in html
    assert "It holds personal or non-public data" in html


def test_staff_of_the_agency_may_look_but_not_change(client: Client, world: Agencies) -> None:
    viewer = StaffUserFactory(username="insure.viewer")
    MembershipFactory(user=viewer, agency=world.agency, role=Role.VIEWER)
    client.force_login(viewer)
    html = _text(client.get(_url(world.private_dataset)))
    assert ID_COLUMN in html
    assert 'name="col-' not in html  # no column form
    assert 'name="reason"' not in html
    resource = world.private_dataset.resources.get()
    url = reverse(
        "governance:classification_columns",
        kwargs={"name": world.private_dataset.name, "resource_id": resource.pk},
    )
    steward = Client()
    steward.force_login(world.steward)
    i = _index_of(_text(steward.get(_url(world.private_dataset))), "อายุ")
    data = {
        f"col-{i}-name": "อายุ",
        f"col-{i}-category": "personal",
        f"col-{i}-access_level": "internal",
    }
    response = client.post(url, data)
    assert response.status_code == 403
    assert ColumnClass.objects.get(resource=resource, column="อายุ").source == "detected"
    assert AuditRecord.objects.filter(action="classification.set", outcome="denied").exists()


def test_outsiders_and_anonymous_users_are_kept_out(client: Client, world: Agencies) -> None:
    response = client.get(_url(world.private_dataset))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "next=" in response["Location"]
    client.force_login(world.outsider)
    assert client.get(_url(world.private_dataset)).status_code == 404  # private: not even seen
    assert client.get(_url(world.open_dataset)).status_code == 403
    assert AuditRecord.objects.filter(action="classification.view", outcome="denied").exists()


def test_a_steward_marks_a_column_personal(client: Client, world: Agencies) -> None:
    client.force_login(world.steward)
    resource = world.private_dataset.resources.get()
    html = _text(client.get(_url(world.private_dataset)))
    data = _row_form(resource, html)
    i = _index_of(html, "อายุ")
    data[f"col-{i}-category"] = "personal"
    data[f"col-{i}-access_level"] = "internal"
    url = reverse(
        "governance:classification_columns",
        kwargs={"name": world.private_dataset.name, "resource_id": resource.pk},
    )
    response = client.post(url, data)
    assert response.status_code == 302
    row = ColumnClass.objects.get(resource=resource, column="อายุ")
    assert (row.category, row.access_level, row.source) == ("personal", "internal", "steward")
    # Only the changed row was written.
    assert ColumnClass.objects.filter(resource=resource, source="steward").count() == 1


def test_a_bad_row_saves_nothing_and_says_why(client: Client, world: Agencies) -> None:
    client.force_login(world.steward)
    resource = world.private_dataset.resources.get()
    html = _text(client.get(_url(world.private_dataset)))
    data = _row_form(resource, html)
    data[f"col-{_index_of(html, 'อายุ')}-category"] = "personal"  # keeps level "public": refused
    data[f"col-{_index_of(html, 'จังหวัด')}-category"] = "personal"
    data[f"col-{_index_of(html, 'จังหวัด')}-access_level"] = "internal"
    url = reverse(
        "governance:classification_columns",
        kwargs={"name": world.private_dataset.name, "resource_id": resource.pk},
    )
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Non-public data needs an access level" in _text(response)
    assert not ColumnClass.objects.filter(resource=resource, source="steward").exists()


def test_a_steward_cannot_declassify_a_personal_column_from_the_page(
    client: Client, world: Agencies
) -> None:
    client.force_login(world.steward)
    resource = world.private_dataset.resources.get()
    html = _text(client.get(_url(world.private_dataset)))
    data = _row_form(resource, html)
    i = _index_of(html, ID_COLUMN)
    data[f"col-{i}-category"] = "public"
    data[f"col-{i}-access_level"] = "public"
    data["reason"] = "ข้อมูลนี้ไม่ใช่ข้อมูลจริงของบุคคล"
    url = reverse(
        "governance:classification_columns",
        kwargs={"name": world.private_dataset.name, "resource_id": resource.pk},
    )
    assert client.post(url, data).status_code == 403
    assert ColumnClass.objects.get(resource=resource, column=ID_COLUMN).category == "personal"
    client.force_login(world.admin)
    assert client.post(url, data).status_code == 302
    assert ColumnClass.objects.get(resource=resource, column=ID_COLUMN).category == "public"


def test_posts_without_the_csrf_token_are_refused(world: Agencies) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.steward)
    url = reverse("governance:classification_dataset", kwargs={"name": world.private_dataset.name})
    response = client.post(url, {"data_category": "personal", "data_classification": "secret"})
    assert response.status_code == 403
    assert Dataset.objects.get(pk=world.private_dataset.pk).data_category == "public"


def test_the_dataset_category_follows_the_columns(client: Client, world: Agencies) -> None:
    client.force_login(world.steward)
    url = reverse("governance:classification_dataset", kwargs={"name": world.private_dataset.name})
    response = client.post(url, {"data_category": "personal", "data_classification": "public"})
    assert response.status_code == 400
    assert "Non-public data needs an access level" in _text(response)
    response = client.post(
        url, {"data_category": "personal", "data_classification": "confidential"}
    )
    assert response.status_code == 302
    dataset = Dataset.objects.get(pk=world.private_dataset.pk)
    assert (dataset.data_category, dataset.data_classification) == ("personal", "confidential")
    html = _text(client.get(_url(dataset)))
    assert 'data-testid="mismatch"' not in html
    # An open dataset cannot take a personal category (the catalog's own rule).
    open_url = reverse(
        "governance:classification_dataset", kwargs={"name": world.open_dataset.name}
    )
    response = client.post(open_url, {"data_category": "personal", "data_classification": "secret"})
    assert response.status_code == 400
    assert Dataset.objects.get(pk=world.open_dataset.pk).data_category == "public"


def test_detect_again_queues_a_job_that_keeps_the_stewards_decision(
    client: Client, world: Agencies, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.steward)
    resource = world.private_dataset.resources.get()
    ColumnClass.objects.filter(resource=resource, column="จังหวัด").delete()
    ColumnClass.objects.filter(resource=resource, column="อายุ").update(
        source="steward", category="personal", access_level="internal"
    )
    url = reverse(
        "governance:classification_detect",
        kwargs={"name": world.private_dataset.name, "resource_id": resource.pk},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert ColumnClass.objects.get(resource=resource, column="จังหวัด").source == "detected"
    assert ColumnClass.objects.get(resource=resource, column="อายุ").category == "personal"
