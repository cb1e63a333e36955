"""Saved queries: who may save, see, change and delete them; SQL checked on save; audited."""

# ruff: noqa: S608 - the tests write SQL over their own test tables

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ddgov.analytics.models import SavedQuery
from ddgov.analytics.selectors.saved import (
    saved_queries_for_user,
    saved_query_can_edit,
    saved_query_get_for_user,
)
from ddgov.analytics.services.queries import QueryError
from ddgov.analytics.services.saved import (
    SavedQueryError,
    saved_query_create,
    saved_query_delete,
    saved_query_update,
)
from ddgov.analytics.tests.factories import ChartFactory
from ddgov.audit.models import AuditRecord
from ddgov.catalog.selectors.datasets import NotFound
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory, StaffUserFactory

from .test_workbench_support import PLOTS, STATS, World, post_json, signed_in, world_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    """Two agencies, their staff and their tables."""
    return world_build()


def _save(w: World, *, shared: bool = False, title: str = "พื้นที่ปลูกรายจังหวัด") -> SavedQuery:
    return saved_query_create(
        actor=w.steward,
        agency=w.oae,
        title=title,
        sql=f"SELECT province, sum(area_rai) AS rai FROM {PLOTS} GROUP BY province",
        description="ผลรวมพื้นที่",
        shared=shared,
    )


# --- services ------------------------------------------------------------------------------


def test_create_stores_and_audits(world: World) -> None:
    query = _save(world)
    assert query.owner == world.steward
    assert query.agency == world.oae
    assert query.shared is False
    assert query.engine == ""
    record = AuditRecord.objects.get(action="analytics.saved_query.create")
    assert record.actor_id == world.steward.pk
    assert record.target_id == str(query.pk)
    assert record.agency_code == "oae-test"


def test_create_needs_membership_of_the_agency(world: World) -> None:
    with pytest.raises(PermissionDenied):
        saved_query_create(actor=world.outsider, agency=world.oae, title="x", sql="SELECT 1")
    assert not SavedQuery.objects.exists()
    denied = AuditRecord.objects.get(action="analytics.saved_query.create")
    assert denied.outcome == AuditRecord.Outcome.DENIED


def test_create_checks_the_sql_with_its_position(world: World) -> None:
    with pytest.raises(QueryError) as caught:
        saved_query_create(
            actor=world.steward, agency=world.oae, title="x", sql="SELECT 1\nFROM (SELECT"
        )
    assert caught.value.code == "syntax"
    assert caught.value.position is not None
    assert caught.value.position[0] == 2
    with pytest.raises(QueryError) as refused:
        saved_query_create(actor=world.steward, agency=world.oae, title="x", sql="DROP TABLE t")
    assert refused.value.code == "statement"
    assert not SavedQuery.objects.exists()


def test_create_lists_every_field_problem(world: World) -> None:
    with pytest.raises(SavedQueryError) as caught:
        saved_query_create(
            actor=world.steward, agency=world.oae, title=" ", sql="", engine="oracle"
        )
    assert set(caught.value.field_errors) == {"title", "sql", "engine"}
    assert all(" / " in m[0] for m in caught.value.field_errors.values())  # English / ไทย


def test_private_query_is_seen_by_its_author_only(world: World) -> None:
    query = _save(world)
    assert list(saved_queries_for_user(user=world.steward)) == [query]
    assert list(saved_queries_for_user(user=world.viewer)) == []
    with pytest.raises(NotFound):
        saved_query_get_for_user(user=world.viewer, query_id=query.pk)


def test_shared_query_is_seen_in_its_agency_only(world: World) -> None:
    query = _save(world, shared=True)
    assert saved_query_get_for_user(user=world.viewer, query_id=str(query.pk)) == query
    assert list(saved_queries_for_user(user=world.outsider)) == []
    with pytest.raises(NotFound):
        saved_query_get_for_user(user=world.outsider, query_id=query.pk)
    with pytest.raises(NotFound):
        saved_query_get_for_user(user=world.viewer, query_id="not-a-uuid")


def test_update_by_author_and_agency_admin_only(world: World) -> None:
    query = _save(world, shared=True)
    assert saved_query_can_edit(user=world.steward, query=query)
    assert saved_query_can_edit(user=world.admin, query=query)
    assert not saved_query_can_edit(user=world.viewer, query=query)
    with pytest.raises(PermissionDenied):
        saved_query_update(actor=world.viewer, query=query, title="hijacked")
    saved_query_update(actor=world.admin, query=query, title="ชื่อใหม่", shared=False)
    query.refresh_from_db()
    assert (query.title, query.shared) == ("ชื่อใหม่", False)
    actions = list(
        AuditRecord.objects.filter(action="analytics.saved_query.update").values_list(
            "outcome", flat=True
        )
    )
    assert actions == [AuditRecord.Outcome.DENIED, AuditRecord.Outcome.OK]


def test_update_rechecks_sql_and_refuses_unknown_fields(world: World) -> None:
    query = _save(world)
    with pytest.raises(QueryError):
        saved_query_update(actor=world.steward, query=query, sql="SELECT FROM WHERE")
    with pytest.raises(SavedQueryError) as caught:
        saved_query_update(actor=world.steward, query=query, owner="someone")
    assert "__all__" in caught.value.field_errors
    query.refresh_from_db()
    assert "sum(area_rai)" in query.sql


def test_delete_by_author_audited(world: World) -> None:
    query = _save(world, shared=True)
    with pytest.raises(PermissionDenied):
        saved_query_delete(actor=world.viewer, query=query)
    saved_query_delete(actor=world.steward, query=query)
    assert not SavedQuery.objects.exists()
    record = AuditRecord.objects.filter(action="analytics.saved_query.delete").last()
    assert record is not None
    assert record.outcome == AuditRecord.Outcome.OK


def test_delete_refused_while_charts_draw_the_query(world: World) -> None:
    query = _save(world)
    ChartFactory(query=query)
    with pytest.raises(SavedQueryError):
        saved_query_delete(actor=world.steward, query=query)
    assert SavedQuery.objects.filter(pk=query.pk).exists()


def test_platform_admin_sees_shared_queries_everywhere(world: World) -> None:
    query = _save(world, shared=True)
    root = StaffUserFactory(username="root", is_platform_admin=True)
    assert saved_query_get_for_user(user=root, query_id=query.pk) == query
    assert saved_query_can_edit(user=root, query=query)


# --- API -----------------------------------------------------------------------------------


def test_api_create_list_get_patch_delete(world: World) -> None:
    client = signed_in(world.steward)
    url = reverse("analytics:api_queries")
    created = post_json(
        client,
        url,
        {"title": "สถิติ", "sql": f"SELECT count(*) FROM {STATS}", "shared": True},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["agency"] == "oae-test"  # the steward's only agency
    assert body["shared"] is True
    assert body["can_edit"] is True

    listed = client.get(url).json()["queries"]
    assert [q["id"] for q in listed] == [body["id"]]

    detail = reverse("analytics:api_query_detail", args=[body["id"]])
    assert client.get(detail).json()["title"] == "สถิติ"
    patched = client.patch(detail, data={"title": "สถิติใหม่"}, content_type="application/json")
    assert patched.status_code == 200
    assert patched.json()["title"] == "สถิติใหม่"
    assert client.delete(detail).status_code == 204
    assert client.get(detail).status_code == 404


def test_api_refuses_bad_sql_with_position_and_missing_title(world: World) -> None:
    client = signed_in(world.steward)
    url = reverse("analytics:api_queries")
    bad = post_json(client, url, {"title": "x", "sql": "SELECT 1,\n  FROM ("})
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "syntax"
    assert bad.json()["error"]["line"] == 2
    untitled = post_json(client, url, {"title": "", "sql": "SELECT 1"})
    assert untitled.status_code == 400
    assert untitled.json()["error"]["code"] == "validation"
    assert "title" in untitled.json()["error"]["fields"]


def test_api_agency_must_be_chosen_when_several(world: World) -> None:
    MembershipFactory(user=world.steward, agency=world.stat, role=Role.VIEWER)
    client = signed_in(world.steward)
    url = reverse("analytics:api_queries")
    unchosen = post_json(client, url, {"title": "x", "sql": "SELECT 1"})
    assert unchosen.status_code == 400
    assert "agency" in unchosen.json()["error"]["fields"]
    chosen = post_json(client, url, {"title": "x", "sql": "SELECT 1", "agency": "stat-test"})
    assert chosen.status_code == 201
    assert chosen.json()["agency"] == "stat-test"
    foreign = post_json(client, url, {"title": "x", "sql": "SELECT 1", "agency": "nowhere"})
    assert foreign.status_code == 400


def test_api_hides_private_queries_of_others(world: World) -> None:
    query = _save(world)
    detail = reverse("analytics:api_query_detail", args=[query.pk])
    assert signed_in(world.viewer).get(detail).status_code == 404
    assert signed_in(world.viewer).delete(detail).status_code == 404
    assert SavedQuery.objects.filter(pk=query.pk).exists()


def test_api_colleague_may_read_shared_but_not_change(world: World) -> None:
    query = _save(world, shared=True)
    detail = reverse("analytics:api_query_detail", args=[query.pk])
    client = signed_in(world.viewer)
    answer = client.get(detail).json()
    assert answer["can_edit"] is False
    refused = client.patch(detail, data={"title": "x"}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    assert client.delete(detail).status_code == 403
