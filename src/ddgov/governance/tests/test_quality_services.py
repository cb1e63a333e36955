"""Rule sets, runs, permissions, audit, references across resources, the job and the hook."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from ddgov.audit.models import AuditRecord
from ddgov.catalog.hooks import run_after_ingest
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.governance.models import QualityRun, RuleSet
from ddgov.governance.quality.rules import RuleError
from ddgov.governance.quality.selectors import (
    quality_dataset_report,
    quality_history,
    quality_latest,
    ruleset_source,
)
from ddgov.governance.quality.services import (
    QualityError,
    quality_run,
    ruleset_infer,
    ruleset_save,
)
from ddgov.governance.tests.quality_support import write_version
from ddgov.identity.models import Role
from ddgov.identity.services import AccessDenied
from ddgov.identity.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PEOPLE = """
SELECT range + 1 AS _id,
       CASE WHEN range = 3 THEN NULL ELSE 'คน ' || range END AS name,
       (['10', '50', '99'])[range % 3 + 1] AS province_code,
       range % 4 AS category
FROM range(12)
"""


@pytest.fixture
def steward() -> Any:
    return MembershipFactory(role=Role.DATA_STEWARD)


@pytest.fixture
def dataset(steward: Any) -> Any:
    return DatasetFactory(
        owner_org=steward.agency,
        name="people",
        update_frequency_unit="monthly",
        update_frequency_interval=1,
    )


@pytest.fixture
def resource(dataset: Any) -> Any:
    res = ResourceFactory(dataset=dataset, name="people")
    write_version(res, PEOPLE)
    return res


RULES = """
version: 1
rules:
  - check: not_null
    column: name
  - check: geocode
    column: province_code
    level: province
    threshold: 0.5
  - check: in_set
    column: category
    values: [0, 1, 2, 3]
"""


def test_steward_saves_rules_audited_and_runs_them(
    steward: Any, dataset: Any, resource: Any
) -> None:
    ruleset = ruleset_save(actor=steward.user, dataset=dataset, source=RULES)
    assert ruleset.inferred is False
    assert [r["id"] for r in ruleset.rules["rules"]] == [
        "not_null-name",
        "geocode-province_code",
        "in_set-category",
    ]
    saved = AuditRecord.objects.get(action="governance.quality.rules")
    assert (saved.outcome, saved.actor_id, saved.target_id) == (
        "ok",
        steward.user.pk,
        str(dataset.pk),
    )

    run = quality_run(version_id=resource.current_version_id)
    results = {r["id"]: r for r in run.results}
    assert results["not_null-name"]["failed"] == 1
    assert results["geocode-province_code"]["failed"] == 4  # '99' on 4 rows of 12
    assert results["geocode-province_code"]["passed"] is True  # threshold 0.5
    assert results["in_set-category"]["passed"] is True
    assert run.scores == {
        "completeness": round(100 * 11 / 12, 1),
        "validity": round(100 * (8 / 12 + 1) / 2, 1),
    }
    assert run.overall == round(sum(run.scores.values()) / 2, 1)
    assert (
        AuditRecord.objects.filter(
            action="governance.quality.run", target_id=str(resource.current_version_id)
        ).count()
        == 1
    )


def test_other_agencys_steward_is_refused_and_audited(dataset: Any, resource: Any) -> None:
    outsider = MembershipFactory(role=Role.DATA_STEWARD).user
    with pytest.raises(AccessDenied):
        ruleset_save(actor=outsider, dataset=dataset, source=RULES)
    denied = AuditRecord.objects.get(action="governance.quality.rules")
    assert (denied.outcome, denied.actor_id) == ("denied", outsider.pk)
    assert not RuleSet.objects.filter(dataset=dataset).exists()


def test_an_officer_of_the_agency_is_refused_too(dataset: Any, resource: Any) -> None:
    officer = MembershipFactory(agency=dataset.owner_org, role=Role.OFFICER).user
    with pytest.raises(AccessDenied):
        ruleset_save(actor=officer, dataset=dataset, source=RULES)


def test_bad_rules_are_refused_before_anything_is_stored_or_run(
    steward: Any, dataset: Any, resource: Any
) -> None:
    source = (
        RULES
        + "  - check: not_null\n    column: missing_column\n  - check: range\n    column: name\n    min: 0\n    resource: nope\n"
    )
    with pytest.raises(RuleError) as caught:
        ruleset_save(actor=steward.user, dataset=dataset, source=source)
    text = str(caught.value)
    assert "no column 'missing_column'" in text
    assert "no resource 'nope'" in text
    assert not RuleSet.objects.exists()
    assert not QualityRun.objects.exists()
    assert not AuditRecord.objects.filter(action="governance.quality.rules").exists()


def test_reference_rule_across_resources_and_datasets(
    steward: Any, dataset: Any, resource: Any
) -> None:
    codes = ResourceFactory(
        dataset=DatasetFactory(name="codes", owner_org=dataset.owner_org), name="categories"
    )
    write_version(codes, "SELECT * FROM (VALUES (0), (1)) AS v(code)")
    ruleset_save(
        actor=steward.user,
        dataset=dataset,
        source="rules:\n  - check: reference\n    column: category\n    to: {resource: codes/categories, column: code}\n",
    )
    run = quality_run(version_id=resource.current_version_id)
    assert run.results[0]["failed"] == 6  # categories 2 and 3
    assert run.scores == {"consistency": 50.0}
    with pytest.raises(RuleError, match="no resource 'codes/missing'"):
        ruleset_save(
            actor=steward.user,
            dataset=dataset,
            source="rules:\n  - check: reference\n    column: category\n    to: {resource: codes/missing, column: code}\n",
        )
    with pytest.raises(RuleError, match="referenced table has no column 'nope'"):
        ruleset_save(
            actor=steward.user,
            dataset=dataset,
            source="rules:\n  - check: reference\n    column: category\n    to: {resource: codes/categories, column: nope}\n",
        )


def test_reference_to_a_private_dataset_of_another_agency_is_refused(
    steward: Any, dataset: Any, resource: Any
) -> None:
    secret = ResourceFactory(dataset=DatasetFactory(name="secret", private=True), name="list")
    write_version(secret, "SELECT 0 AS code")
    with pytest.raises(RuleError, match="that you may read"):
        ruleset_save(
            actor=steward.user,
            dataset=dataset,
            source="rules:\n  - check: reference\n    column: category\n    to: {resource: secret/list, column: code}\n",
        )


def test_timeliness_uses_the_declared_update_frequency(
    steward: Any, dataset: Any, resource: Any
) -> None:
    ruleset_save(actor=steward.user, dataset=dataset, source="rules: [{check: freshness}]")
    version = resource.current_version
    version.finished_at = timezone.now() - dt.timedelta(days=62)
    version.save(update_fields=["finished_at"])
    run = quality_run(version_id=version.pk)
    (fresh,) = run.results
    assert fresh["passed"] is False
    assert fresh["detail"]["max_age_days"] == 31
    assert run.scores["timeliness"] == pytest.approx(100 * 31 / 62, abs=0.2)


def test_without_declared_rules_the_inferred_defaults_run(resource: Any) -> None:
    run = quality_run(version_id=resource.current_version_id)
    ids = {r["id"] for r in run.results}
    assert run.rules["inferred"] is True
    assert "freshness" in ids
    assert not {"not_null-name", "not_blank-name"} & ids  # name has a NULL: no completeness promise
    assert all(r["passed"] for r in run.results if r["id"] != "freshness")


def test_history_across_versions_and_latest(steward: Any, dataset: Any, resource: Any) -> None:
    ruleset_save(
        actor=steward.user, dataset=dataset, source="rules: [{check: not_null, column: name}]"
    )
    first = quality_run(version_id=resource.current_version_id)
    v2 = write_version(resource, PEOPLE.replace("range = 3", "range = -1"), number=2)
    second = quality_run(version_id=v2.pk)
    assert [r.pk for r in quality_history(resource=resource)] == [first.pk, second.pk]
    assert [r.overall for r in quality_history(resource=resource)] == [
        round(100 * 11 / 12, 1),
        100.0,
    ]
    assert quality_latest(dataset=dataset) == second
    report = quality_dataset_report(dataset=dataset)
    assert report["overall"] == 100.0
    assert [h["version"] for h in report["resources"][0]["history"]] == [1, 2]


def test_a_dropped_column_marks_the_rule_unrunnable_not_the_run(
    steward: Any, dataset: Any, resource: Any
) -> None:
    ruleset_save(
        actor=steward.user,
        dataset=dataset,
        source="rules: [{check: not_null, column: name}, {check: not_null, column: category}]",
    )
    v2 = write_version(
        resource, "SELECT range + 1 AS _id, range AS category FROM range(3)", number=2
    )
    run = quality_run(version_id=v2.pk)
    results = {r["id"]: r for r in run.results}
    assert "no column 'name'" in results["not_null-name"]["error"][0]
    assert results["not_null-category"]["passed"] is True
    assert run.scores == {"completeness": 100.0}


def test_a_version_without_a_table_cannot_be_checked(resource: Any) -> None:
    version = resource.current_version
    version.status = version.Status.FAILED
    version.save(update_fields=["status"])
    with pytest.raises(QualityError, match="no ingested table"):
        quality_run(version_id=version.pk)


def test_empty_text_returns_to_inferred_defaults(steward: Any, dataset: Any, resource: Any) -> None:
    ruleset_save(actor=steward.user, dataset=dataset, source=RULES)
    assert ruleset_source(dataset=dataset) == (RULES.strip() + "\n", False)
    ruleset_save(actor=steward.user, dataset=dataset, source="")
    text, inferred = ruleset_source(dataset=dataset)
    assert inferred is True
    assert "freshness" in text
    assert "max_age_days: 31" in text


def test_ruleset_infer_keeps_steward_rules(steward: Any, dataset: Any, resource: Any) -> None:
    stored = ruleset_infer(dataset=dataset)
    assert stored.inferred is True
    assert "freshness" in [r["id"] for r in stored.rules["rules"]]
    assert "freshness" in stored.source
    ruleset_save(actor=steward.user, dataset=dataset, source=RULES)
    assert ruleset_infer(dataset=dataset).inferred is False


def test_after_ingest_hook_queues_the_quality_job(
    resource: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run_after_ingest(resource.current_version_id)
    assert QualityRun.objects.filter(version=resource.current_version).count() == 1
