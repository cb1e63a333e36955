"""The real ``ckanapi`` client (PyPI, unmodified) against a live ddgov server.

A data steward gets a token from ``ddgov token create``, creates an organisation-owned dataset
with Thai GD-Catalog metadata, uploads a CSV, waits for its ingestion, finds it with a Thai
search, queries its rows through the DataStore, and dumps the catalog with the ckanapi command
line. ckanapi turns CKAN's ``__type`` strings into its own exceptions, so the error paths here
prove the strings and statuses too.
"""

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import ckanapi
import pytest
from django.core.management import call_command

from ddgov.catalog.tests.factories import DatasetFactory, GroupFactory, dataset_clean_data
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

CSV = (
    "จังหวัด,ภาค,จำนวนผู้สูงอายุ\n"
    'เชียงใหม่,เหนือ,"312,456"\n'
    'เชียงราย,เหนือ,"221,310"\n'
    'ขอนแก่น,ตะวันออกเฉียงเหนือ,"250,001"\n'
    'ภูเก็ต,ใต้,"61,234"\n'
    'สงขลา,ใต้,"201,777"\n'
)
CKANAPI = Path(sys.executable).with_name("ckanapi")


def token_for(username: str) -> str:
    out = io.StringIO()
    call_command("token", "create", username, stdout=out)
    token = out.getvalue().strip()
    assert token
    assert "\n" not in token
    return token


def wait_for_ingest(ckan: ckanapi.RemoteCKAN, resource_id: str) -> dict:
    """Poll resource_show until the latest upload is ingested or failed (jobs may run later)."""
    deadline = time.monotonic() + 60
    while True:
        resource = ckan.action.resource_show(id=resource_id)
        if resource["ingest_status"] in {"succeeded", "failed"}:
            return resource
        if time.monotonic() > deadline:
            pytest.fail(
                f"ingest still {resource['ingest_status']} after 60 s: {resource['ingest_message']}"
            )
        time.sleep(0.2)


@pytest.fixture
def steward():
    return MembershipFactory(role=Role.DATA_STEWARD, user__username="dga.steward.test")


@pytest.fixture
def ckan(live_server, steward):
    with ckanapi.RemoteCKAN(live_server.url, apikey=token_for(steward.user.username)) as client:
        yield client


def test_ckanapi_create_upload_search_query_and_dump(ckan, live_server, steward, tmp_path):
    GroupFactory(name="welfare")
    payload = dataset_clean_data(
        owner_org=steward.agency.code,
        tags=[{"name": "ผู้สูงอายุ"}, {"name": "ประชากร"}],
        groups=[{"name": "welfare"}],
        high_value_dataset=True,
        extras=[{"key": "unit_of_measure", "value": "คน"}],
    )
    pkg = ckan.action.package_create(**payload)
    assert pkg["organization"]["name"] == steward.agency.code
    assert pkg["data_category"] == "public"

    csv = tmp_path / "ผู้สูงอายุรายจังหวัด.csv"
    csv.write_text(CSV, encoding="utf-8")
    with csv.open("rb") as fh:
        res = ckan.action.resource_create(
            package_id=pkg["id"], name="ผู้สูงอายุรายจังหวัด", format="CSV", upload=fh
        )
    assert res["url_type"] == "upload"
    res = wait_for_ingest(ckan, res["id"])
    assert res["ingest_status"] == "succeeded", res["ingest_message"]
    assert res["datastore_active"] is True
    assert res["version"] == 1

    shown = ckan.action.package_show(id=pkg["name"])
    assert [r["id"] for r in shown["resources"]] == [res["id"]]
    assert shown["resources"][0]["ingest_status"] == "succeeded"

    # Thai search: the query word sits inside the unsegmented title จำนวนผู้สูงอายุรายจังหวัด.
    found = ckan.action.package_search(q="ผู้สูงอายุ", **{"facet.field": ["organization", "tags"]})
    assert found["count"] == 1
    assert found["results"][0]["name"] == pkg["name"]
    assert found["facets"]["organization"] == {steward.agency.code: 1}
    assert found["search_facets"]["tags"]["items"]

    # DataStore: filters, q, sort, limit/offset and the total.
    north = ckan.action.datastore_search(resource_id=res["id"], filters={"ภาค": "เหนือ"})
    assert north["total"] == 2
    assert {r["จังหวัด"] for r in north["records"]} == {"เชียงใหม่", "เชียงราย"}
    ordered = ckan.action.datastore_search(
        resource_id=res["id"], sort="จำนวนผู้สูงอายุ desc", limit=2, offset=1
    )
    assert ordered["total"] == 5
    assert [r["จังหวัด"] for r in ordered["records"]] == ["ขอนแก่น", "เชียงราย"]
    assert ordered["records"][0]["จำนวนผู้สูงอายุ"] == 250001
    searched = ckan.action.datastore_search(resource_id=res["id"], q="ภูเก็ต")
    assert [r["จังหวัด"] for r in searched["records"]] == ["ภูเก็ต"]
    info = ckan.action.datastore_info(id=res["id"])
    assert info

    # A second upload is version 2; the first stays listed.
    csv.write_text(CSV + 'ลำพูน,เหนือ,"80,000"\n', encoding="utf-8")
    with csv.open("rb") as fh:
        ckan.action.resource_patch(id=res["id"], upload=fh)
    res2 = wait_for_ingest(ckan, res["id"])
    assert res2["version"] == 2
    assert [v["number"] for v in res2["versions"]] == [2, 1]
    assert (
        ckan.action.datastore_search(resource_id=res["id"], filters={"ภาค": "เหนือ"})["total"] == 3
    )

    # The ckanapi command line dumps every dataset as JSON lines through package_list/package_show.
    DatasetFactory(owner_org=steward.agency, name="second-dataset")
    dump = subprocess.run(  # noqa: S603 - fixed arguments, our own test server
        [str(CKANAPI), "dump", "datasets", "--all", "-q", "-r", live_server.url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        # The CLI starts its workers as "ckanapi" from PATH.
        env={**os.environ, "PATH": f"{CKANAPI.parent}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    assert dump.returncode == 0, dump.stderr
    records = [json.loads(line) for line in dump.stdout.splitlines() if line.strip()]
    assert sorted(r["name"] for r in records) == sorted([pkg["name"], "second-dataset"])
    dumped = next(r for r in records if r["name"] == pkg["name"])
    assert dumped["unit_of_measure"] == "คน"
    assert dumped["resources"][0]["datastore_active"] is True


def test_ckanapi_raises_its_exceptions_from_our_error_types(ckan, live_server, steward):
    with pytest.raises(ckanapi.NotFound):
        ckan.action.package_show(id="no-such-dataset")

    # Close every client's session: a kept-alive connection would outlive the live server.
    with ckanapi.RemoteCKAN(live_server.url) as anonymous, pytest.raises(ckanapi.NotAuthorized):
        anonymous.action.package_create(**dataset_clean_data(owner_org=steward.agency.code))
    with (
        ckanapi.RemoteCKAN(live_server.url, apikey="ddg_wrong") as wrong,
        pytest.raises(ckanapi.NotAuthorized),
    ):
        wrong.action.package_list()

    other = MembershipFactory(role=Role.DATA_STEWARD).agency
    with pytest.raises(ckanapi.NotAuthorized):
        ckan.action.package_create(**dataset_clean_data(owner_org=other.code))

    incomplete = dataset_clean_data(owner_org=steward.agency.code)
    del incomplete["data_category"]
    with pytest.raises(ckanapi.ValidationError) as info:
        ckan.action.package_create(**incomplete)
    assert info.value.error_dict["data_category"] == ["Missing value / กรุณากรอกข้อมูล"]

    with pytest.raises(ckanapi.SearchQueryError):
        ckan.action.package_search(q="x", colour="red")

    with pytest.raises(ckanapi.CKANAPIError):
        ckan.call_action("package_teleport", {})


def test_ckanapi_keeps_personal_data_private_through_package_patch(ckan):
    pkg = ckan.action.package_create(
        **dataset_clean_data(
            owner_org=ckan.action.organization_list_for_user(permission="create_dataset")[0][
                "name"
            ],
            data_category="personal",
            private=True,
        )
    )
    with pytest.raises(ckanapi.ValidationError) as info:
        ckan.action.package_patch(id=pkg["id"], private=False)
    assert "private" in info.value.error_dict
    assert ckan.action.package_show(id=pkg["id"])["private"] is True
