"""The real ``ckanapi`` client against a live server cannot publish personal data either."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import ckanapi
import pytest

from ddgov.catalog.tests.factories import dataset_clean_data
from ddgov.catalog.tests.test_ckanapi import token_for
from ddgov.governance.tests.classification_support import personal_csv, public_csv
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

ID_COLUMN = "เลขประจำตัวประชาชน"


def _ingested(ckan: ckanapi.RemoteCKAN, resource_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        resource = ckan.action.resource_show(id=resource_id)
        if resource["ingest_status"] in {"succeeded", "failed"}:
            return resource
        if time.monotonic() > deadline:
            pytest.fail(f"ingest still {resource['ingest_status']} after 60 s")
        time.sleep(0.2)


def test_ckanapi_cannot_publish_or_upload_personal_data(live_server: Any, tmp_path: Path) -> None:
    steward = MembershipFactory(role=Role.DATA_STEWARD, user__username="insure.api.steward")
    org = steward.agency.code
    with ckanapi.RemoteCKAN(live_server.url, apikey=token_for(steward.user.username)) as ckan:
        private = ckan.action.package_create(
            **dataset_clean_data(name="policy-holders", owner_org=org, private=True)
        )
        people = tmp_path / "คน.csv"
        people.write_text(personal_csv(), encoding="utf-8")
        with people.open("rb") as fh:
            res = ckan.action.resource_create(package_id=private["id"], name="คน", upload=fh)
        assert _ingested(ckan, res["id"])["ingest_status"] == "succeeded"

        with pytest.raises(ckanapi.ValidationError) as info:
            ckan.action.package_patch(id=private["id"], private=False)
        assert ID_COLUMN in " ".join(info.value.error_dict["private"])
        assert ckan.action.package_show(id=private["id"])["private"] is True

        # An open dataset takes the public table but refuses the personal one.
        open_pkg = ckan.action.package_create(
            **dataset_clean_data(name="elderly-open", owner_org=org)
        )
        counts = tmp_path / "counts.csv"
        counts.write_text(public_csv(), encoding="utf-8")
        with counts.open("rb") as fh:
            ok = ckan.action.resource_create(package_id=open_pkg["id"], name="counts", upload=fh)
        assert _ingested(ckan, ok["id"])["ingest_status"] == "succeeded"
        with people.open("rb") as fh:
            ckan.action.resource_patch(id=ok["id"], upload=fh)
        refused = _ingested(ckan, ok["id"])
        assert refused["versions"][0]["status"] == "failed"
        assert ID_COLUMN in refused["versions"][0]["message"]
        assert refused["version"] == 1  # the public table stays current
        rows = ckan.action.datastore_search(resource_id=ok["id"])
        assert ID_COLUMN not in {f["id"] for f in rows["fields"]}
