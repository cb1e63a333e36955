"""Exports: CSV (UTF-8 with BOM) and Parquet read back equal; capped; audited; rights kept."""

# ruff: noqa: S608 - the tests write SQL over their own test tables

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.urls import reverse

from ddgov.analytics.access.principal import principal_for_user
from ddgov.analytics.services.exports import export_file_remove, query_export
from ddgov.analytics.services.queries import QueryError
from ddgov.audit.models import AuditRecord

from .test_workbench_support import PLOTS, STATS, World, post_json, signed_in, world_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    """Two agencies, their staff and their tables."""
    return world_build()


URL = "/analytics/api/export"
SQL = f"SELECT _id, province, year, amount, recorded_on FROM {STATS} ORDER BY _id"


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_csv_reads_back_with_thai_text_and_bom(world: World) -> None:
    response = post_json(signed_in(world.outsider), URL, {"sql": SQL, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert ".csv" in response["Content-Disposition"]
    raw = _content(response)
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["_id", "province", "year", "amount", "recorded_on"]
    assert rows[1] == ["1", "เชียงใหม่", "2560", "0.00", "2024-01-01"]
    assert rows[2][3] == "10.50"
    assert len(rows) == 26
    assert response["X-Ddgov-Rows"] == "25"
    assert response["X-Ddgov-Truncated"] == "false"


def test_parquet_reads_back_with_types(world: World, tmp_path: Path) -> None:
    response = post_json(signed_in(world.outsider), URL, {"sql": SQL, "format": "parquet"})
    assert response.status_code == 200
    target = tmp_path / "out.parquet"
    target.write_bytes(_content(response))
    table = pq.read_table(target)
    assert table.num_rows == 25
    assert table.schema.field("_id").type == pa.int64()
    assert table.schema.field("province").type == pa.string()
    assert table.schema.field("amount").type == pa.decimal128(12, 2)
    assert table.schema.field("recorded_on").type == pa.date32()
    first = table.slice(0, 2).to_pylist()
    assert first[0]["province"] == "เชียงใหม่"
    assert first[1]["amount"] == Decimal("10.50")
    assert first[1]["recorded_on"] == dt.date(2024, 1, 2)


def test_export_is_capped_and_says_so(world: World, settings) -> None:
    settings.DDGOV_ANALYTICS_EXPORT_MAX_ROWS = 10
    response = post_json(signed_in(world.outsider), URL, {"sql": SQL, "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(_content(response).decode("utf-8-sig"))))
    assert len(rows) == 11
    assert response["X-Ddgov-Truncated"] == "true"


def test_export_is_audited_as_an_export_query(world: World) -> None:
    post_json(signed_in(world.outsider), URL, {"sql": SQL, "format": "parquet"})
    record = AuditRecord.objects.filter(action="analytics.query").last()
    assert record is not None
    assert record.actor_id == world.outsider.pk
    assert record.detail["channel"] == "export"


def test_export_keeps_the_callers_rights(world: World) -> None:
    refused = post_json(
        signed_in(world.viewer), URL, {"sql": f"SELECT * FROM {PLOTS}", "format": "csv"}
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "aggregate"
    hidden = post_json(
        signed_in(world.outsider), URL, {"sql": f"SELECT * FROM {PLOTS}", "format": "csv"}
    )
    assert hidden.status_code == 404


def test_bad_format_and_bad_sql(world: World) -> None:
    client = signed_in(world.outsider)
    wrong = post_json(client, URL, {"sql": SQL, "format": "xlsx"})
    assert wrong.status_code == 400
    assert wrong.json()["error"]["code"] == "format"
    broken = post_json(client, URL, {"sql": "SELECT\n  FROM (", "format": "csv"})
    assert broken.status_code == 400
    assert broken.json()["error"]["line"] == 2


def test_form_post_from_the_page_downloads(world: World) -> None:
    client = signed_in(world.outsider, csrf=True)
    client.get(reverse("analytics:workbench"))
    token = client.cookies["csrftoken"].value
    response = client.post(
        URL, {"sql": SQL, "format": "csv", "engine": "duckdb", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 200
    header = next(csv.reader(io.StringIO(_content(response).decode("utf-8-sig"))))
    assert header[:2] == ["_id", "province"]
    forged = signed_in(world.outsider, csrf=True).post(URL, {"sql": SQL, "format": "csv"})
    assert forged.status_code == 403


def test_service_writes_a_private_file_and_removes_it(world: World) -> None:
    export = query_export(
        principal=principal_for_user(user=world.outsider), sql=SQL, fmt="csv", engine=None
    )
    assert export.path.is_file()
    assert export.rows == 25
    assert not export.truncated
    export_file_remove(export=export)
    assert not export.path.parent.exists()
    with pytest.raises(QueryError):
        query_export(
            principal=principal_for_user(user=world.outsider), sql=SQL, fmt="json", engine=None
        )


def test_form_post_error_comes_back_as_the_page(world: World) -> None:
    sql = f"SELECT province,\n  rainfall\nFROM {STATS}"
    response = signed_in(world.outsider).post(URL, {"sql": sql, "format": "parquet"})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "wb-error-excerpt" in html
    assert f"FROM {STATS}</textarea>".replace('"', "&quot;") in html


def test_nested_and_other_types_in_both_formats(world: World, tmp_path: Path) -> None:
    sql = (
        "SELECT [1, 2] AS items, {'rai': 3} AS plot, true AS ok, "
        "TIMESTAMP '2024-01-01 10:30:00' AS at, CAST(NULL AS INTEGER) AS missing, "
        "'ข้าว \"หอม\", มะลิ' AS note"
    )
    principal = principal_for_user(user=world.outsider)
    as_csv = query_export(principal=principal, sql=sql, fmt="csv")
    try:
        rows = list(csv.reader(io.StringIO(as_csv.path.read_text(encoding="utf-8-sig"))))
    finally:
        export_file_remove(export=as_csv)
    assert rows[0] == ["items", "plot", "ok", "at", "missing", "note"]
    items, plot, ok, at, missing, note = rows[1]
    assert (items, ok, missing, note) == ("[1, 2]", "true", "", 'ข้าว "หอม", มะลิ')
    assert "rai" in plot
    assert at.startswith("2024-01-01")
    assert "10:30:00" in at
    as_parquet = query_export(principal=principal, sql=sql, fmt="parquet")
    try:
        table = pq.read_table(as_parquet.path)
    finally:
        export_file_remove(export=as_parquet)
    row = table.to_pylist()[0]
    assert row["items"] == [1, 2]
    assert row["plot"] == {"rai": 3}
    assert row["ok"] is True
    assert row["at"].isoformat() == "2024-01-01T10:30:00"  # TIMESTAMP: no time zone
    assert row["missing"] is None
