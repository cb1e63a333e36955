"""The report page and JSON, the API action, the dataset page's badge and the rule editor."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ddgov.audit.models import AuditRecord
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.governance.models import RuleSet
from ddgov.governance.quality.services import quality_run, ruleset_save
from ddgov.governance.tests.quality_support import write_version
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

TABLE = """
SELECT range + 1 AS _id,
       CASE WHEN range IN (2, 5) THEN NULL ELSE 'แถว ' || range END AS name,
       range % 3 AS category
FROM range(10)
"""
RULES = "rules:\n  - check: not_null\n    column: name\n  - check: unique\n    column: _id\n"


@pytest.fixture
def steward() -> Any:
    return MembershipFactory(role=Role.DATA_STEWARD).user


@pytest.fixture
def checked(steward: Any) -> Any:
    """A public dataset whose rules ran once: completeness 80, uniqueness 100."""
    dataset = DatasetFactory(name="checked", owner_org=steward.memberships.first().agency)
    resource = ResourceFactory(dataset=dataset, name="rows")
    write_version(resource, TABLE)
    ruleset_save(actor=steward, dataset=dataset, source=RULES)
    quality_run(version_id=resource.current_version_id)
    return dataset


def thai_client(user: Any = None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="th")
    if user is not None:
        client.force_login(user)
    return client


def test_badge_on_the_dataset_page_links_to_the_report(checked: Any) -> None:
    html = thai_client().get(f"/dataset/{checked.name}/").content.decode()
    assert (
        'data-slot="quality"><a class="badge quality-badge badge-ok" data-quality-level="good"'
        in html
    )
    assert f'href="/governance/dataset/{checked.name}/quality/"' in html
    assert "90/100" in html


def test_no_badge_before_any_run() -> None:
    dataset = DatasetFactory(name="unchecked")
    html = thai_client().get(f"/dataset/{dataset.name}/").content.decode()
    assert 'data-slot="quality"></span>' in html


def test_report_page_shows_dimensions_failures_and_samples(checked: Any) -> None:
    response = thai_client().get(f"/governance/dataset/{checked.name}/quality/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-dimension="completeness"' in html
    assert 'data-dimension="uniqueness"' in html
    assert 'data-rule="not_null-name" data-passed="false"' in html
    assert 'data-rule="unique-_id" data-passed="true"' in html
    assert '<td class="rownum">3</td>' in html
    assert '<td class="rownum">6</td>' in html
    assert "80.0" in html
    assert "Edit quality rules" not in html
    assert "แก้ไขกฎคุณภาพ" not in html


def test_report_page_in_english(checked: Any) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    html = client.get(
        f"/governance/dataset/{checked.name}/quality/", HTTP_COOKIE="django_language=en"
    ).content.decode()
    assert "Completeness" in html


def test_report_json_and_api_action_agree(checked: Any) -> None:
    body = thai_client().get(f"/governance/dataset/{checked.name}/quality.json").json()
    assert body["dataset"] == "checked"
    assert body["overall"] == 90.0
    assert body["scores"] == {"completeness": 80.0, "uniqueness": 100.0}
    latest = body["resources"][0]["latest"]
    failing = next(r for r in latest["results"] if r["id"] == "not_null-name")
    assert [s["_id"] for s in failing["samples"]] == [3, 6]
    api = thai_client().get("/api/3/action/quality_report_show", {"id": "checked"}).json()
    assert api["success"] is True
    assert api["result"] == body


def test_private_dataset_report_is_hidden_from_outsiders(steward: Any) -> None:
    dataset = DatasetFactory(
        name="hidden", private=True, owner_org=steward.memberships.first().agency
    )
    assert thai_client().get(f"/governance/dataset/{dataset.name}/quality/").status_code == 404
    assert thai_client().get(f"/governance/dataset/{dataset.name}/quality.json").status_code == 404
    assert (
        thai_client().get("/api/3/action/quality_report_show", {"id": "hidden"}).json()["success"]
        is False
    )
    assert (
        thai_client(steward).get(f"/governance/dataset/{dataset.name}/quality/").status_code == 200
    )


def test_editor_saves_valid_rules_with_csrf(checked: Any, steward: Any) -> None:
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="th")
    client.force_login(steward)
    url = f"/governance/dataset/{checked.name}/quality/rules/"
    page = client.get(url)
    assert page.status_code == 200
    assert "not_null" in page.content.decode()
    assert client.post(url, {"source": "rules: []"}).status_code == 403  # no CSRF token
    token = page.cookies["csrftoken"].value
    response = client.post(
        url,
        {"source": "rules: [{check: not_null, column: category}]", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert RuleSet.objects.get(dataset=checked).rules["rules"][0]["id"] == "not_null-category"


def test_editor_lists_every_problem_and_keeps_the_text(checked: Any, steward: Any) -> None:
    url = f"/governance/dataset/{checked.name}/quality/rules/"
    source = "rules:\n  - check: nope\n  - check: not_null\n    column: ghost\n"
    response = thai_client(steward).post(url, {"source": source})
    assert response.status_code == 400
    html = response.content.decode()
    assert "unknown check" in html
    assert "ไม่รู้จักการตรวจ" in html
    assert "column: ghost" in html
    assert (
        RuleSet.objects.get(dataset=checked).rules["rules"][0]["id"] == "not_null-name"
    )  # unchanged


def test_editor_refuses_another_agencys_steward(checked: Any) -> None:
    outsider = MembershipFactory(role=Role.DATA_STEWARD).user
    url = f"/governance/dataset/{checked.name}/quality/rules/"
    assert thai_client(outsider).get(url).status_code == 403
    assert thai_client(outsider).post(url, {"source": "rules: []"}).status_code == 403
    assert (
        AuditRecord.objects.filter(
            action="governance.quality.rules", outcome="denied", actor_id=outsider.pk
        ).count()
        == 2
    )
    assert thai_client().get(url).status_code == 302  # sign in first


def test_check_now_queues_runs_for_stewards_only(
    checked: Any, steward: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = f"/governance/dataset/{checked.name}/quality/run/"
    with django_capture_on_commit_callbacks(execute=True):
        assert thai_client(steward).post(url).status_code == 302
    assert checked.resources.first().current_version.quality_runs.count() == 2
    outsider = MembershipFactory(role=Role.DATA_STEWARD).user
    assert thai_client(outsider).post(url).status_code == 403
