"""CKAN Action API contract for package_search and the DataStore actions (parameters in every
transport, result shapes, error types and statuses).
"""

import json

import duckdb
import pytest

from ddgov.catalog.models import ResourceVersion
from ddgov.catalog.services.search_index import dataset_index
from ddgov.catalog.tests.factories import DatasetFactory, GroupFactory, ResourceFactory
from ddgov.identity.models import Role
from ddgov.identity.services import api_token_create
from ddgov.identity.tests.factories import MembershipFactory
from ddgov.lake.storage import relative, table_path

pytestmark = pytest.mark.django_db

ROWS = """
SELECT range + 1 AS _id,
       (['เชียงใหม่', 'ขอนแก่น', 'ภูเก็ต', 'เชียงราย'])[range % 4 + 1] AS "จังหวัด",
       (['เหนือ', 'อีสาน', 'ใต้', 'เหนือ'])[range % 4 + 1] AS "ภาค",
       (range * 1000 + 7)::BIGINT AS "จำนวน"
FROM range(12)
"""


@pytest.fixture
def steward():
    return MembershipFactory(role=Role.DATA_STEWARD)


@pytest.fixture
def token(steward):
    return api_token_create(actor=None, user=steward.user)


def call(client, name, data=None, token=None):
    extra = {"HTTP_AUTHORIZATION": token} if token else {}
    return client.post(
        f"/api/action/{name}", data=json.dumps(data or {}), content_type="application/json", **extra
    )


def indexed(**kwargs):
    dataset = DatasetFactory(**kwargs)
    dataset_index(dataset_id=dataset.pk)
    return dataset


def with_table(resource):
    """Give ``resource`` an ingested version 1 (a Parquet table in the test's lake)."""
    path = table_path(dataset_id=resource.dataset_id, resource_id=resource.pk, version=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        con.execute(f"COPY ({ROWS}) TO '{path}' (FORMAT parquet)")
    version = ResourceVersion.objects.create(
        resource=resource,
        number=1,
        status=ResourceVersion.Status.SUCCEEDED,
        original_filename="x.csv",
        original_path="raw/x.csv",
        parquet_path=relative(path),
        row_count=12,
    )
    resource.current_version = version
    resource.save(update_fields=["current_version"])
    return resource


# --- package_search ------------------------------------------------------------------------


@pytest.fixture
def catalog(steward):
    welfare = GroupFactory(name="welfare", title_th="สวัสดิการ", title_en="Welfare")
    elderly = DatasetFactory(
        owner_org=steward.agency, name="elderly", title="จำนวนผู้สูงอายุรายจังหวัด", notes="สถิติประชากร"
    )
    elderly.groups.add(welfare)
    ResourceFactory(dataset=elderly, format="CSV")
    for d in (
        elderly,
        DatasetFactory(
            owner_org=steward.agency, name="rice", title="ผลผลิตข้าวรายจังหวัด", notes="เกษตร"
        ),
        DatasetFactory(
            owner_org=steward.agency, name="hidden-elderly", title="ผู้สูงอายุ ภายใน", private=True
        ),
    ):
        dataset_index(dataset_id=d.pk)
    return elderly


def test_package_search_finds_a_thai_word_inside_unsegmented_text(client, catalog):
    response = client.get("/api/3/action/package_search", {"q": "ผู้สูงอายุ"})
    assert response.status_code == 200
    result = response.json()["result"]
    assert result["count"] == 1
    assert [p["name"] for p in result["results"]] == ["elderly"]
    package = result["results"][0]
    assert package["organization"]["name"] == catalog.owner_org.code
    assert package["num_resources"] == 1
    assert result["sort"]
    assert set(result) == {"count", "results", "facets", "search_facets", "sort"}


def test_package_search_defaults_and_private_visibility(client, catalog, token):
    everything = call(client, "package_search", {}).json()["result"]
    assert everything["count"] == 2
    mine = call(client, "package_search", {"q": "ผู้สูงอายุ", "include_private": True}, token).json()[
        "result"
    ]
    assert {p["name"] for p in mine["results"]} == {"elderly", "hidden-elderly"}
    stranger = call(client, "package_search", {"q": "ผู้สูงอายุ", "include_private": True}).json()[
        "result"
    ]
    assert stranger["count"] == 1


def test_package_search_facets_in_ckan_shape(client, catalog):
    result = client.get(
        "/api/3/action/package_search",
        {
            "facet.field": json.dumps(["organization", "groups", "res_format", "license_id"]),
            "facet.limit": 10,
        },
    ).json()["result"]
    assert result["facets"]["organization"] == {catalog.owner_org.code: 2}
    assert result["facets"]["groups"] == {"welfare": 1}
    org_items = result["search_facets"]["organization"]["items"]
    assert org_items == [
        {"name": catalog.owner_org.code, "display_name": catalog.owner_org.name_th, "count": 2}
    ]
    assert result["search_facets"]["groups"]["items"][0]["display_name"] == "สวัสดิการ"
    assert result["search_facets"]["license_id"]["items"][0]["display_name"] == "Open Data Common"
    assert result["search_facets"]["res_format"]["items"] == [
        {"name": "CSV", "display_name": "CSV", "count": 1}
    ]


def test_package_search_paging_and_sort(client, catalog):
    first = call(client, "package_search", {"sort": "name asc", "rows": 1}).json()["result"]
    second = call(client, "package_search", {"sort": "name asc", "rows": 1, "start": 1}).json()[
        "result"
    ]
    assert first["count"] == second["count"] == 2
    assert [p["name"] for p in first["results"] + second["results"]] == ["elderly", "rice"]


def test_package_search_fq_and_fq_list(client, catalog):
    by_fq = call(client, "package_search", {"fq": "groups:welfare"}).json()["result"]
    assert [p["name"] for p in by_fq["results"]] == ["elderly"]
    by_list = call(client, "package_search", {"fq_list": ["tags:nothing-like-this"]}).json()[
        "result"
    ]
    assert by_list["count"] == 0


def test_rows_above_1000_are_capped_not_refused(client, catalog):
    response = client.get("/api/3/action/package_search", {"rows": 5000})
    assert response.status_code == 200
    assert response.json()["result"]["count"] == 2


@pytest.mark.parametrize(
    "params",
    [
        {"colour": "red"},
        {"q": "x", "rows": "many"},
        {"facet.field": json.dumps(["shoe_size"])},
        {"start": -1},
    ],
)
def test_bad_search_parameters_are_search_query_errors(client, catalog, params):
    response = client.get("/api/3/action/package_search", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["__type"] == "Search Query Error"
    assert error["message"].startswith("Search Query is invalid: ")


def test_unknown_parameters_are_named(client):
    error = call(client, "package_search", {"q": "x", "colour": "red"}).json()["error"]
    assert "Invalid search parameters" in error["message"]
    assert "colour" in error["message"]


# --- DataStore -----------------------------------------------------------------------------


@pytest.fixture
def table(steward):
    return with_table(
        ResourceFactory(dataset=DatasetFactory(owner_org=steward.agency, name="counts"))
    )


def test_datastore_search_filters_sort_paging_and_total(client, table):
    result = call(
        client,
        "datastore_search",
        {
            "resource_id": str(table.pk),
            "filters": {"ภาค": "เหนือ"},
            "sort": "จำนวน desc",
            "limit": 2,
            "offset": 1,
        },
    ).json()["result"]
    assert result["total"] == 6
    assert [r["จำนวน"] for r in result["records"]] == [8007, 7007]
    assert {f["id"] for f in result["fields"]} >= {"_id", "จังหวัด", "ภาค", "จำนวน"}
    assert (result["limit"], result["offset"]) == (2, 1)
    assert "_links" in result


def test_datastore_search_by_get_with_json_filters_and_field_list(client, table):
    response = client.get(
        "/api/3/action/datastore_search",
        {
            "resource_id": str(table.pk),
            "filters": json.dumps({"จังหวัด": "ภูเก็ต"}),
            "fields": "จังหวัด,จำนวน",
        },
    )
    assert response.status_code == 200
    result = response.json()["result"]
    assert result["total"] == 3
    assert set(result["records"][0]) == {"จังหวัด", "จำนวน"}


def test_datastore_search_q_and_distinct(client, table):
    found = call(client, "datastore_search", {"resource_id": str(table.pk), "q": "ขอนแก่น"}).json()[
        "result"
    ]
    assert found["total"] == 3
    distinct = call(
        client,
        "datastore_search",
        {"resource_id": str(table.pk), "fields": ["ภาค"], "distinct": True, "sort": "ภาค"},
    ).json()["result"]
    assert sorted(r["ภาค"] for r in distinct["records"]) == sorted(["เหนือ", "อีสาน", "ใต้"])


def test_datastore_errors_keep_their_ckan_types(client, table):
    bad_field = call(
        client, "datastore_search", {"resource_id": str(table.pk), "sort": "nope desc"}
    )
    assert bad_field.status_code == 409
    assert bad_field.json()["error"]["__type"] == "Validation Error"
    assert "sort" in bad_field.json()["error"]
    missing = call(
        client, "datastore_search", {"resource_id": "00000000-0000-0000-0000-000000000000"}
    )
    assert missing.status_code == 404
    assert missing.json()["error"]["__type"] == "Not Found Error"
    no_id = call(client, "datastore_search", {})
    assert no_id.status_code == 409
    assert "resource_id" in no_id.json()["error"]


def test_datastore_of_a_private_dataset_is_hidden(client, steward, token):
    hidden = with_table(
        ResourceFactory(dataset=DatasetFactory(owner_org=steward.agency, private=True))
    )
    assert call(client, "datastore_search", {"resource_id": str(hidden.pk)}).status_code == 404
    assert (
        call(client, "datastore_search", {"resource_id": str(hidden.pk)}, token).status_code == 200
    )


def test_datastore_info(client, table):
    result = client.get("/api/3/action/datastore_info", {"id": str(table.pk)}).json()["result"]
    assert result["meta"]["count"] == 12
    assert {f["id"] for f in result["fields"]} >= {"จังหวัด", "จำนวน"}


def test_datastore_search_sql_needs_a_token_and_stays_read_only(client, table, token):
    sql = f'SELECT "ภาค", sum("จำนวน") AS total FROM "{table.pk}" GROUP BY 1 ORDER BY 1'  # noqa: S608
    anonymous = call(client, "datastore_search_sql", {"sql": sql})
    assert anonymous.status_code == 403
    assert anonymous.json()["error"]["__type"] == "Authorization Error"
    result = call(client, "datastore_search_sql", {"sql": sql}, token).json()["result"]
    assert len(result["records"]) == 3
    hostile = call(
        client, "datastore_search_sql", {"sql": "COPY (SELECT 1) TO '/tmp/x.csv'"}, token
    )
    assert hostile.status_code == 409
    assert hostile.json()["error"]["__type"] == "Validation Error"
    passwd = call(
        client, "datastore_search_sql", {"sql": "SELECT * FROM read_csv('/etc/passwd')"}, token
    )
    assert passwd.status_code in {403, 404, 409}
    assert passwd.json()["success"] is False


def test_datastore_search_sql_for_anonymous_when_enabled(client, table, settings):
    settings.DDGOV_DATASTORE_SQL_ANONYMOUS = True
    sql = f'SELECT count(*) AS n FROM "{table.pk}"'  # noqa: S608
    response = call(client, "datastore_search_sql", {"sql": sql})
    assert response.status_code == 200
    assert response.json()["result"]["records"] == [{"n": 12}]
