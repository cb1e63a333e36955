"""Release files live in the lake: written atomically, kept in an S3-backed lake's store."""

from __future__ import annotations

import pytest

from ddgov.catalog.models import ResourceVersion
from ddgov.catalog.services.ingest import resource_version_create
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.governance.anonymize.services import (
    STATUS_FAILED,
    STATUS_READY,
    release_output_path,
    release_publish,
    release_request,
)
from ddgov.governance.anonymize.spec import AnonymizeSpec
from ddgov.governance.tests.anonymize_support import motor_table, pycanon_k, read_release
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory
from ddgov.lake.storage import absolute, lake_root
from ddgov.lake.tests.conftest import s3_endpoint, s3_lake  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db
SPEC = AnonymizeSpec(quasi=("age", "sex", "subdistrict"), sensitive=("claim",), k=4, l=2)


def _source_version(steward, tmp_path, capture):
    dataset = DatasetFactory(
        owner_org=steward.agency, data_category="personal", private=True, license_id=""
    )
    resource = ResourceFactory(dataset=dataset, name="claims", format="")
    path = motor_table(tmp_path / "claims.csv", rows=600)
    with capture(execute=True):
        version = resource_version_create(
            actor=steward.user, resource=resource, upload=path, filename="claims.csv"
        )
    version.refresh_from_db()
    assert version.status == ResourceVersion.Status.SUCCEEDED, version.message
    return version


def test_release_is_stored_in_the_object_store_and_published_from_it(
    s3_lake,  # noqa: F811 - the fixture imported above
    tmp_path,
    django_capture_on_commit_callbacks,
):
    steward = MembershipFactory(role=Role.DATA_STEWARD)
    version = _source_version(steward, tmp_path, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        release = release_request(actor=steward.user, source_version=version, spec=SPEC)
    release.refresh_from_db()
    assert release.report["status"] == STATUS_READY, release.report
    key = f"governance/releases/{release.pk}.parquet"
    assert release.report["output"] == key
    assert key in s3_lake.keys("governance/")
    local = release_output_path(release=release)
    assert s3_lake.read(key) == local.read_bytes()
    assert pycanon_k(read_release(local), list(SPEC.quasi)) >= SPEC.k

    local.unlink()  # a new machine or a pruned cache: publishing fetches it back
    with django_capture_on_commit_callbacks(execute=True):
        release_publish(actor=steward.user, release=release)
    release.refresh_from_db()
    assert release.version is not None
    assert absolute(release.version.parquet_path).is_file()
    assert local.is_file()


def test_a_failed_run_leaves_no_release_file(tmp_path, django_capture_on_commit_callbacks):
    steward = MembershipFactory(role=Role.DATA_STEWARD)
    version = _source_version(steward, tmp_path, django_capture_on_commit_callbacks)
    impossible = AnonymizeSpec(quasi=("age",), sensitive=("claim",), k=4, l=50)
    with django_capture_on_commit_callbacks(execute=True):
        release = release_request(actor=steward.user, source_version=version, spec=impossible)
    release.refresh_from_db()
    assert release.report["status"] == STATUS_FAILED
    assert not release_output_path(release=release).exists()
    releases = lake_root() / "governance" / "releases"
    assert not releases.exists() or not any(releases.iterdir())
