"""``POST /analytics/api/query`` and ``GET /analytics/api/tables``: the contract, paging, errors, auth."""

# ruff: noqa: S608 - the tests write SQL over their own test tables

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ddgov.audit.models import AuditRecord
from ddgov.identity.services import api_token_create

from .test_workbench_support import PLOTS, STATS, World, post_json, signed_in, world_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    """Two agencies, their staff and their tables."""
    return world_build()


URL = "/analytics/api/query"
ORDERED = f"SELECT _id, province, year, amount, recorded_on FROM {STATS} ORDER BY _id"


def test_url_names() -> None:
    assert reverse("analytics:api_query") == URL
    assert reverse("analytics:api_export") == "/analytics/api/export"
    assert reverse("analytics:api_queries") == "/analytics/api/queries"
    assert reverse("analytics:workbench") == "/analytics/workbench/"


def test_query_answers_the_documented_shape(world: World) -> None:
    response = post_json(signed_in(world.outsider), URL, {"sql": ORDERED, "page_size": 5})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) >= {
        "columns", "rows", "page", "page_size", "has_more", "elapsed_ms", "engine", "plan", "sources",
    }  # fmt: skip
    assert [c["name"] for c in body["columns"]] == [
        "_id",
        "province",
        "year",
        "amount",
        "recorded_on",
    ]
    assert body["columns"][3]["type"].startswith("DECIMAL")
    assert body["rows"][0] == [1, "เชียงใหม่", 2560, 0, "2024-01-01"]
    assert body["rows"][1][3] == 10.5  # decimals are JSON numbers
    assert (body["page"], body["page_size"], body["has_more"]) == (1, 5, True)
    assert body["engine"] == "duckdb"
    assert body["plan"] is None
    assert body["elapsed_ms"] >= 0
    [source] = body["sources"]
    assert source["dataset"] == "crop-stats"
    assert source["resource"] == "by-province"
    assert source["agency"] == "stat-test"
    assert source["open"] is True
    assert source["mode"] == "full"
    assert source["masked"] == []


def test_paging_walks_the_whole_result_without_gaps(world: World) -> None:
    client = signed_in(world.outsider)
    seen: list[int] = []
    page, pages = 1, []
    while True:
        body = post_json(client, URL, {"sql": ORDERED, "page": page, "page_size": 10}).json()
        pages.append((body["page"], len(body["rows"]), body["has_more"]))
        seen.extend(row[0] for row in body["rows"])
        if not body["has_more"]:
            break
        page += 1
    assert pages == [(1, 10, True), (2, 10, True), (3, 5, False)]
    assert seen == list(range(1, 26))
    beyond = post_json(client, URL, {"sql": ORDERED, "page": 9, "page_size": 10}).json()
    assert beyond["rows"] == []
    assert beyond["has_more"] is False


def test_explain_returns_the_plan(world: World) -> None:
    body = post_json(
        signed_in(world.outsider),
        URL,
        {"sql": f"SELECT province, count(*) FROM {STATS} GROUP BY 1", "explain": True},
    ).json()
    assert isinstance(body["plan"], str)
    assert body["plan"].strip()
    assert len(body["rows"]) == 5


def test_syntax_error_has_line_and_column(world: World) -> None:
    sql = f"SELECT province,\n       count(*\nFROM {STATS}"
    response = post_json(signed_in(world.outsider), URL, {"sql": sql})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "syntax"
    assert error["line"] in (2, 3)
    assert isinstance(error["column"], int)
    assert " / " in error["message"]  # English / ไทย


def test_unknown_column_points_at_it(world: World) -> None:
    sql = f"SELECT province,\n  rainfall\nFROM {STATS}"
    response = post_json(signed_in(world.outsider), URL, {"sql": sql})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "query"
    assert (error["line"], error["column"]) == (2, 3)
    assert "t1" not in error["message"]


def test_unknown_and_invisible_tables_answer_alike(world: World) -> None:
    client = signed_in(world.outsider)
    invisible = post_json(client, URL, {"sql": f"SELECT count(*) FROM {PLOTS}"})
    missing = post_json(
        client, URL, {"sql": 'SELECT count(*) FROM "oae-test"."farm-registry".nothing'}
    )
    assert invisible.status_code == missing.status_code == 404
    assert invisible.json()["error"]["code"] == missing.json()["error"]["code"] == "table"


def test_statement_refused(world: World) -> None:
    response = post_json(signed_in(world.steward), URL, {"sql": "DELETE FROM x"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "statement"


def test_masked_and_aggregate_only_for_a_viewer(world: World) -> None:
    viewer = signed_in(world.viewer)
    rows = post_json(viewer, URL, {"sql": f"SELECT citizen_id FROM {PLOTS}"})
    assert rows.status_code == 400
    assert rows.json()["error"]["code"] == "aggregate"
    grouped = post_json(
        viewer,
        URL,
        {"sql": f"SELECT province, count(*) AS n FROM {PLOTS} GROUP BY province ORDER BY 1"},
    )
    assert grouped.status_code == 200, grouped.content
    body = grouped.json()
    assert [row[1] for row in body["rows"]] == [10, 10, 10, 10]
    assert body["sources"][0]["mode"] == "aggregate"
    assert body["sources"][0]["masked"] == ["citizen_id"]
    steward = post_json(signed_in(world.steward), URL, {"sql": f"SELECT citizen_id FROM {PLOTS}"})
    assert steward.status_code == 200
    assert steward.json()["rows"][0][0] == "1100000000000"


def test_tables_lists_what_the_user_may_query(world: World) -> None:
    viewer = signed_in(world.viewer).get(reverse("analytics:api_tables")).json()["tables"]
    by_name = {t["name"]: t for t in viewer}
    assert set(by_name) == {PLOTS, STATS}
    plots = by_name[PLOTS]
    assert plots["aggregate_only"] is True
    assert plots["open"] is False
    assert {c["name"]: c["masked"] for c in plots["columns"]}["citizen_id"] is True
    assert {c["name"]: c["masked"] for c in plots["columns"]}["province"] is False
    steward = signed_in(world.steward).get(reverse("analytics:api_tables")).json()["tables"]
    plots_for_steward = next(t for t in steward if t["name"] == PLOTS)
    assert plots_for_steward["aggregate_only"] is False
    assert not any(c["masked"] for c in plots_for_steward["columns"])
    outsider = signed_in(world.outsider).get(reverse("analytics:api_tables")).json()["tables"]
    assert [t["name"] for t in outsider] == [STATS]


def test_runs_are_audited_with_channel(world: World) -> None:
    post_json(signed_in(world.outsider), URL, {"sql": f"SELECT count(*) FROM {STATS}"})
    record = AuditRecord.objects.filter(action="analytics.query").last()
    assert record is not None
    assert record.actor_id == world.outsider.pk
    assert record.detail["channel"] == "workbench"


# --- who may call, and how -----------------------------------------------------------------


def test_anonymous_is_401_and_citizen_403(world: World) -> None:
    anonymous = post_json(Client(), URL, {"sql": "SELECT 1"})
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "auth"
    citizen = Client()
    citizen.force_login(world.citizen)
    refused = post_json(citizen, URL, {"sql": "SELECT 1"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"


def test_session_write_needs_the_csrf_token(world: World) -> None:
    client = signed_in(world.outsider, csrf=True)
    refused = post_json(client, URL, {"sql": "SELECT 1 AS one"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf"
    client.get(reverse("analytics:workbench"))  # sets the CSRF cookie, as the page does
    token = client.cookies["csrftoken"].value
    allowed = post_json(client, URL, {"sql": "SELECT 1 AS one"}, **{"X-CSRFToken": token})
    assert allowed.status_code == 200
    assert allowed.json()["rows"] == [[1]]


def test_api_token_needs_no_csrf_and_is_audited_as_api(world: World) -> None:
    token = api_token_create(actor=world.outsider, user=world.outsider)
    client = Client(enforce_csrf_checks=True)
    response = post_json(client, URL, {"sql": f"SELECT count(*) FROM {STATS}"}, Authorization=token)
    assert response.status_code == 200, response.content
    assert response.json()["rows"] == [[25]]
    record = AuditRecord.objects.filter(action="analytics.query").last()
    assert record is not None
    assert record.detail["channel"] == "api"
    bad = post_json(client, URL, {"sql": "SELECT 1"}, Authorization="not-a-token")
    assert bad.status_code == 401


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({}, "sql"),
        ({"sql": "SELECT 1", "page": 0}, "page"),
        ({"sql": "SELECT 1", "page_size": 5000}, "page_size"),
        ({"sql": "SELECT 1", "page_size": "many"}, "page_size"),
    ],
)
def test_bad_parameters_are_400(world: World, body: dict, fragment: str) -> None:
    response = post_json(signed_in(world.outsider), URL, body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "request"


def test_bad_json_and_wrong_method(world: World) -> None:
    client = signed_in(world.outsider)
    broken = client.post(URL, data="{not json", content_type="application/json")
    assert broken.status_code == 400
    assert broken.json()["error"]["code"] == "request"
    assert client.get(URL).status_code == 405


def test_query_over_the_time_limit_is_stopped_and_the_next_runs(world: World, settings) -> None:
    settings.DDGOV_SANDBOX_TIMEOUT_S = 0.5
    client = signed_in(world.outsider)
    slow = "SELECT count(*) FROM range(100000000000) a WHERE a.range % 7 = 3"
    stopped = post_json(client, URL, {"sql": slow})
    assert stopped.status_code == 408
    assert stopped.json()["error"]["code"] == "timeout"
    assert " / " in stopped.json()["error"]["message"]
    after = post_json(client, URL, {"sql": f"SELECT count(*) FROM {STATS}"})
    assert after.status_code == 200
    assert after.json()["rows"] == [[25]]


@pytest.mark.spark
def test_spark_engine_pages_the_same_rows(world: World, settings) -> None:
    settings.DDGOV_SANDBOX_TIMEOUT_S = 300  # local Spark on a shared two-core machine is slow
    client = signed_in(world.steward)
    sql = f"SELECT province, count(*) AS n, sum(area_rai) AS rai FROM {PLOTS} GROUP BY 1 ORDER BY 1"
    body = {"sql": sql, "page": 2, "page_size": 2}
    duck = post_json(client, URL, {**body, "engine": "duckdb"}).json()
    spark = post_json(client, URL, {**body, "engine": "spark", "explain": True}).json()
    assert spark["engine"] == "spark"
    assert spark["rows"] == duck["rows"]
    assert len(spark["rows"]) == 2
    assert spark["has_more"] is duck["has_more"] is False
    assert spark["sources"] == duck["sources"]
    assert spark["plan"]


def test_page_shrinks_to_the_sandbox_row_cap(world: World, settings) -> None:
    settings.DDGOV_SANDBOX_MAX_ROWS = 8
    client = signed_in(world.outsider)
    first = post_json(client, URL, {"sql": ORDERED, "page_size": 100}).json()
    assert first["page_size"] == 7
    assert [row[0] for row in first["rows"]] == list(range(1, 8))
    assert first["has_more"] is True
    second = post_json(client, URL, {"sql": ORDERED, "page": 2, "page_size": 100}).json()
    assert [row[0] for row in second["rows"]] == list(range(8, 15))
