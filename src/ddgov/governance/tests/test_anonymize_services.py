"""Publishing an anonymised release into the catalog: public resource, lineage, audit, access."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from ddgov.audit.models import AuditRecord
from ddgov.catalog.models import ResourceVersion
from ddgov.catalog.services.ingest import resource_version_create
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.governance.anonymize.selectors import (
    release_get_for_viewer,
    release_source_path,
    releases_of_dataset,
)
from ddgov.governance.anonymize.services import (
    STATUS_FAILED,
    STATUS_READY,
    release_create,
    release_publish,
    release_request,
)
from ddgov.governance.anonymize.spec import AnonymizeError, AnonymizeSpec
from ddgov.governance.models import ColumnClass, Release
from ddgov.governance.tests.anonymize_support import motor_table, pycanon_k, pycanon_l
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory
from ddgov.lake.storage import absolute

pytestmark = pytest.mark.django_db
SPEC = AnonymizeSpec(
    quasi=("age", "sex", "subdistrict", "vehicle_year"), sensitive=("claim",), k=5, l=2
)


@pytest.fixture
def steward():
    return MembershipFactory(role=Role.DATA_STEWARD)


@pytest.fixture
def source_version(steward, tmp_path, django_capture_on_commit_callbacks):
    dataset = DatasetFactory(
        owner_org=steward.agency,
        name="motor-claims",
        data_category="personal",
        data_classification="confidential",
        private=True,
        license_id="",
    )
    resource = ResourceFactory(dataset=dataset, name="claims-2566", format="")
    path = motor_table(tmp_path / "claims.csv", rows=1200)
    with django_capture_on_commit_callbacks(execute=True):
        version = resource_version_create(
            actor=steward.user, resource=resource, upload=path, filename="claims.csv"
        )
    version.refresh_from_db()
    assert version.status == ResourceVersion.Status.SUCCEEDED, version.message
    return version


def test_release_is_published_as_a_public_resource_with_lineage(
    steward, source_version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        release = release_create(actor=steward.user, source_version=source_version, spec=SPEC)

    release.refresh_from_db()
    assert release.report["status"] == STATUS_READY
    assert release.report["k"]["achieved"] >= 5
    version = release.version
    assert version is not None
    version.refresh_from_db()
    assert version.status == ResourceVersion.Status.SUCCEEDED, version.message
    resource = release.resource
    resource.refresh_from_db()
    assert resource.current_version == version
    dataset = resource.dataset
    assert dataset.owner_org == source_version.resource.dataset.owner_org
    assert dataset.name == "motor-claims-open"
    assert (dataset.data_category, dataset.private, dataset.license_id) == (
        "public",
        False,
        "cc-by",
    )
    assert dataset.is_open
    source = source_version.resource
    assert dataset.extras["anonymised_release_of"]["dataset"] == str(source.dataset_id)
    assert resource.extras["anonymised_release_of"]["resource"] == str(source.pk)
    assert resource.extras["anonymised_release_of"]["version"] == source_version.number
    assert list(releases_of_dataset(dataset=dataset)) == [release]

    import duckdb

    df = duckdb.execute("SELECT * FROM read_parquet(?)", [str(absolute(version.parquet_path))]).df()
    quasi = list(SPEC.quasi)
    df[quasi] = df[quasi].astype(str)
    assert pycanon_k(df, quasi) >= 5
    assert pycanon_l(df, quasi, ["claim"]) >= 2
    assert "citizen_id" not in df.columns
    actions = set(
        AuditRecord.objects.filter(target_id=str(release.pk)).values_list("action", flat=True)
    )
    assert {
        "governance.release.request",
        "governance.release.run",
        "governance.release.publish",
    } <= actions
    classes = ColumnClass.objects.filter(resource=resource)
    assert classes.exists()
    assert set(classes.values_list("source", flat=True)) == {ColumnClass.Source.RELEASE}


def test_a_second_release_reuses_the_open_dataset_and_resource(
    steward, source_version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = release_create(actor=steward.user, source_version=source_version, spec=SPEC)
    with django_capture_on_commit_callbacks(execute=True):
        second = release_create(
            actor=steward.user,
            source_version=source_version,
            spec=AnonymizeSpec(quasi=("age", "sex"), k=10),
        )
    assert second.resource == first.resource
    assert second.version.number == first.version.number + 1


def test_non_stewards_may_not_release(source_version, django_capture_on_commit_callbacks):
    officer = MembershipFactory(role=Role.OFFICER, agency=source_version.resource.dataset.owner_org)
    outsider = MembershipFactory(role=Role.DATA_STEWARD)
    for member in (officer, outsider):
        with pytest.raises(PermissionDenied):
            release_request(actor=member.user, source_version=source_version, spec=SPEC)
    assert not Release.objects.exists()
    assert (
        AuditRecord.objects.filter(action="governance.release.request", outcome="denied").count()
        == 2
    )


def test_publishing_is_refused_to_others_and_for_failed_runs(
    steward, source_version, django_capture_on_commit_callbacks
):
    bad = AnonymizeSpec(quasi=("age",), sensitive=("claim",), k=5, l=9)
    with django_capture_on_commit_callbacks(execute=True):
        release = release_request(actor=steward.user, source_version=source_version, spec=bad)
    release.refresh_from_db()
    assert release.report["status"] == STATUS_FAILED
    assert "impossible" in release.report["error"]
    with pytest.raises(AnonymizeError, match="not ready"):
        release_publish(actor=steward.user, release=release)
    other = MembershipFactory(role=Role.DATA_STEWARD)
    with pytest.raises(PermissionDenied):
        release_publish(actor=other.user, release=release)
    with pytest.raises(Release.DoesNotExist.__mro__[1]):  # NotFound: not visible to others
        release_get_for_viewer(viewer=other.user, release_id=release.pk)
    assert release_get_for_viewer(viewer=steward.user, release_id=release.pk) == release


def test_request_refuses_bad_shape_at_once(steward, source_version):
    with pytest.raises(AnonymizeError, match="Unknown column"):
        release_request(
            actor=steward.user, source_version=source_version, spec=AnonymizeSpec(quasi=("nope",))
        )
    with pytest.raises(AnonymizeError, match="k must be between"):
        release_request(
            actor=steward.user,
            source_version=source_version,
            spec=AnonymizeSpec(quasi=("age",), k=5000),
        )
    assert not Release.objects.exists()


def test_resource_uuid_resolves_to_its_current_parquet(source_version):
    path = release_source_path(source=str(source_version.resource_id))
    assert path == absolute(source_version.parquet_path)
    with pytest.raises(AnonymizeError):
        release_source_path(source="00000000-0000-0000-0000-000000000000")
