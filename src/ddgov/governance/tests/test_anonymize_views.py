"""The steward pages: request form → report → publish (CSRF, access, Thai/English errors)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ddgov.catalog.models import ResourceVersion
from ddgov.catalog.services.ingest import resource_version_create
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.governance.models import Release
from ddgov.governance.tests.anonymize_support import motor_table
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def steward():
    return MembershipFactory(role=Role.DATA_STEWARD)


@pytest.fixture
def resource(steward, tmp_path, django_capture_on_commit_callbacks):
    dataset = DatasetFactory(owner_org=steward.agency, data_category="personal", private=True)
    resource = ResourceFactory(dataset=dataset, name="claims", format="")
    with django_capture_on_commit_callbacks(execute=True):
        resource_version_create(
            actor=steward.user,
            resource=resource,
            upload=motor_table(tmp_path / "claims.csv", rows=600),
            filename="claims.csv",
        )
    resource.refresh_from_db()
    assert resource.current_version.status == ResourceVersion.Status.SUCCEEDED
    return resource


def _post_data(resource, **extra):
    fields = [
        f["name"] for f in resource.current_version.table_schema["fields"] if f["name"] != "_id"
    ]
    roles = {"age": "quasi", "sex": "quasi", "subdistrict": "quasi", "claim": "sensitive"}
    data = {"k": "5", "l": "2", "t": "", "max_suppression": "0.05"}
    for i, name in enumerate(fields):
        data[f"role_{i}"] = roles.get(name, "keep")
        data[f"hier_{i}"] = {"age": "age", "subdistrict": "geo"}.get(name, "star")
        data[f"params_{i}"] = ""
    data.update(extra)
    return data


def test_steward_requests_reads_the_report_and_publishes(
    client, steward, resource, django_capture_on_commit_callbacks
):
    client.force_login(steward.user)
    url = reverse("governance:anonymize_release_form", args=[resource.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "subdistrict" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _post_data(resource))
    release = Release.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:anonymize_release", args=[release.pk])
    report_page = client.get(response["Location"])
    html = report_page.content.decode()
    assert report_page.status_code == 200
    assert 'data-testid="release-report"' in html
    assert str(Release.objects.get().report["k"]["achieved"]) in html

    publish = reverse("governance:anonymize_release_publish", args=[release.pk])
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(publish)
    assert done.status_code == 302
    release.refresh_from_db()
    assert release.version is not None
    assert release.resource.dataset.is_open
    # Published reports are public, like the dataset.
    anonymous = Client().get(reverse("governance:anonymize_release", args=[release.pk]))
    assert anonymous.status_code == 200


def test_bad_input_re_renders_the_form_in_both_languages(client, steward, resource):
    client.force_login(steward.user)
    url = reverse("governance:anonymize_release_form", args=[resource.pk])
    response = client.post(url, _post_data(resource, k="100000"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "k must be between 1" in html
    assert "ค่า k ต้องอยู่ระหว่าง" in html
    assert not Release.objects.exists()


def test_non_stewards_get_403_and_unpublished_reports_stay_hidden(
    client, steward, resource, django_capture_on_commit_callbacks
):
    officer = MembershipFactory(role=Role.OFFICER, agency=steward.agency)
    client.force_login(officer.user)
    url = reverse("governance:anonymize_release_form", args=[resource.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _post_data(resource)).status_code == 403
    assert not Release.objects.exists()

    steward_client = Client()
    steward_client.force_login(steward.user)
    with django_capture_on_commit_callbacks(execute=True):
        steward_client.post(url, _post_data(resource))
    release = Release.objects.get()
    page = reverse("governance:anonymize_release", args=[release.pk])
    assert Client().get(page).status_code == 404
    assert client.post(
        reverse("governance:anonymize_release_publish", args=[release.pk])
    ).status_code in {403, 404}
    release.refresh_from_db()
    assert release.version is None


def test_publishing_needs_the_csrf_token(steward, resource, django_capture_on_commit_callbacks):
    steward_client = Client()
    steward_client.force_login(steward.user)
    with django_capture_on_commit_callbacks(execute=True):
        steward_client.post(
            reverse("governance:anonymize_release_form", args=[resource.pk]), _post_data(resource)
        )
    release = Release.objects.get()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(steward.user)
    response = strict.post(reverse("governance:anonymize_release_publish", args=[release.pk]))
    assert response.status_code == 403
    release.refresh_from_db()
    assert release.version is None
