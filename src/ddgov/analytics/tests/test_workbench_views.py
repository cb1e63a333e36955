"""The workbench page: who may open it, what it lists, the no-script run, save, open, delete."""

# ruff: noqa: S608 - the tests write SQL over their own test tables

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from ddgov.analytics.models import SavedQuery
from ddgov.analytics.services.saved import saved_query_create
from ddgov.audit.models import AuditRecord

from .test_workbench_support import PLOTS, STATS, World, signed_in, world_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    """Two agencies, their staff and their tables."""
    return world_build()


PAGE = "/analytics/workbench/"


def _text(response) -> str:
    return response.content.decode()


def test_anonymous_is_sent_to_sign_in_and_citizens_refused(world: World) -> None:
    anonymous = Client().get(PAGE)
    assert anonymous.status_code == 302
    assert reverse("identity:login") in anonymous["Location"]
    citizen = Client()
    citizen.force_login(world.citizen)
    assert citizen.get(PAGE).status_code == 403


def test_page_lists_tables_with_masked_and_aggregate_marks(world: World) -> None:
    response = signed_in(world.viewer).get(PAGE)
    assert response.status_code == 200
    html = _text(response)
    assert 'lang="th"' in html
    assert "analytics/workbench.js" in html
    assert "&quot;oae-test&quot;.&quot;farm-registry&quot;.plots" in html
    assert "&quot;stat-test&quot;.&quot;crop-stats&quot;.&quot;by-province&quot;" in html
    with translation.override("th"):
        masked = translation.gettext("masked")
        aggregate = translation.gettext("aggregate-only")
    citizen_row = re.search(r"<code>citizen_id</code>[^\n]*", html)
    assert citizen_row is not None
    assert masked in citizen_row.group(0)
    assert aggregate in html
    province_row = re.search(r"<code>province</code>[^\n]*", html)
    assert province_row is not None
    assert masked not in province_row.group(0)


def test_outsider_does_not_see_the_private_table(world: World) -> None:
    html = _text(signed_in(world.outsider).get(PAGE))
    assert "farm-registry" not in html
    assert "crop-stats" in html


def test_no_script_run_renders_rows_and_a_pager(world: World) -> None:
    response = signed_in(world.outsider).post(
        PAGE,
        {"sql": f"SELECT _id, province FROM {STATS} ORDER BY _id", "page_size": "50", "page": "1"},
    )
    assert response.status_code == 200
    html = _text(response)
    assert html.count("<td>เชียงใหม่</td>") == 5
    assert "DuckDB" in html or "duckdb" in html
    assert 'name="page" value="2"' not in html  # 25 rows fit one page of 50


def test_no_script_paging(world: World) -> None:
    client = signed_in(world.outsider)
    sql = f"SELECT _id FROM {STATS} ORDER BY _id"
    first = _text(client.post(PAGE, {"sql": sql, "page_size": "50", "page": "1"}))
    assert "<td>25</td>" in first
    page_two = _text(client.post(PAGE, {"sql": sql, "page_size": "50", "page": "2"}))
    assert "<td>25</td>" not in page_two
    assert 'value="1" data-page="1"' in page_two  # a way back


def test_no_script_error_shows_the_line(world: World) -> None:
    sql = f"SELECT province,\n  rainfall\nFROM {STATS}"
    response = signed_in(world.outsider).post(PAGE, {"sql": sql, "page": "1"})
    assert response.status_code == 422
    html = _text(response)
    with translation.override("th"):
        where = translation.gettext("Line %(line)s, column %(column)s") % {"line": 2, "column": 3}
    assert where in html
    assert "wb-error-excerpt" in html
    assert "  rainfall" in html
    assert 'aria-invalid="true"' in html


def test_save_then_open_then_delete(world: World) -> None:
    client = signed_in(world.steward)
    sql = f"SELECT province, count(*) AS n FROM {PLOTS} GROUP BY 1"
    saved = client.post(
        reverse("analytics:workbench_save"),
        {
            "sql": sql,
            "title": "แปลงต่อจังหวัด",
            "agency": "oae-test",
            "shared": "1",
            "engine": "duckdb",
        },
    )
    assert saved.status_code == 302
    query = SavedQuery.objects.get()
    assert saved["Location"].endswith(f"?open={query.pk}")
    assert query.shared is True
    assert query.engine == "duckdb"

    opened = _text(client.get(saved["Location"]))
    assert "แปลงต่อจังหวัด" in opened
    assert "GROUP BY 1</textarea>" in opened
    assert f'name="query_id" value="{query.pk}"' in opened

    changed = client.post(
        reverse("analytics:workbench_save"),
        {"sql": sql + " ORDER BY 1", "title": "แปลงต่อจังหวัด", "query_id": str(query.pk)},
    )
    assert changed.status_code == 302
    query.refresh_from_db()
    assert query.sql.endswith("ORDER BY 1")
    assert SavedQuery.objects.count() == 1

    deleted = client.post(reverse("analytics:workbench_delete", args=[query.pk]))
    assert deleted.status_code == 302
    assert not SavedQuery.objects.exists()
    assert AuditRecord.objects.filter(action="analytics.saved_query.delete").exists()


def test_save_errors_keep_the_sql(world: World) -> None:
    client = signed_in(world.steward)
    response = client.post(
        reverse("analytics:workbench_save"),
        {"sql": "SELECT 1 AS kept", "title": "", "agency": "oae-test"},
    )
    assert response.status_code == 400
    html = _text(response)
    assert "SELECT 1 AS kept</textarea>" in html
    assert "กรุณาตั้งชื่อคำค้น" in html
    assert not SavedQuery.objects.exists()


def test_saved_list_shows_own_and_shared_only(world: World) -> None:
    mine = saved_query_create(actor=world.viewer, agency=world.oae, title="ของฉัน", sql="SELECT 1")
    saved_query_create(
        actor=world.steward, agency=world.oae, title="แบ่งปัน", sql="SELECT 2", shared=True
    )
    saved_query_create(actor=world.steward, agency=world.oae, title="ส่วนตัว", sql="SELECT 3")
    html = _text(signed_in(world.viewer).get(PAGE))
    assert "ของฉัน" in html
    assert "แบ่งปัน" in html
    assert "ส่วนตัว" not in html
    assert reverse("analytics:workbench_delete", args=[mine.pk]) in html
    assert html.count("/delete/") == 1  # the shared one is not the viewer's to delete
    assert str(timezone.localdate().year + 543) in html  # changed today, in the Buddhist era


def test_opening_someone_elses_private_query_is_404(world: World) -> None:
    query = saved_query_create(actor=world.steward, agency=world.oae, title="x", sql="SELECT 1")
    client = signed_in(world.viewer)
    assert client.get(f"{PAGE}?open={query.pk}").status_code == 404
    assert client.post(reverse("analytics:workbench_delete", args=[query.pk])).status_code == 404
    assert SavedQuery.objects.filter(pk=query.pk).exists()


def test_saving_a_colleagues_shared_query_makes_a_copy(world: World) -> None:
    shared = saved_query_create(
        actor=world.steward, agency=world.oae, title="ต้นฉบับ", sql="SELECT 1", shared=True
    )
    response = signed_in(world.viewer).post(
        reverse("analytics:workbench_save"),
        {"sql": "SELECT 2", "title": "สำเนา", "agency": "oae-test", "query_id": str(shared.pk)},
    )
    assert response.status_code == 302
    shared.refresh_from_db()
    assert (shared.title, shared.sql) == ("ต้นฉบับ", "SELECT 1")
    copy = SavedQuery.objects.exclude(pk=shared.pk).get()
    assert (copy.owner, copy.title, copy.sql) == (world.viewer, "สำเนา", "SELECT 2")
