"""The DataStore's ordered copies and value-combination totals give exactly the Parquet's answers.

Every expectation is computed by plain DuckDB on the version's Parquet file (``ORDER BY …, _id
LIMIT … OFFSET …`` and ``count(*)``), never written down by hand.
"""

# ruff: noqa: S608 - the tests write SQL over their own temporary tables

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.contrib.auth.models import AnonymousUser

from ddgov.catalog.models import Resource
from ddgov.catalog.selectors.datastore import datastore_search
from ddgov.catalog.selectors.datastore_copies import ROWS_NAME, copy_folder, sort_copy_name
from ddgov.catalog.selectors.datastore_engine import (
    _current_engine,
    engine_copies_wait,
    engine_table,
    json_value,
)
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.catalog.tests.test_datastore import write_table
from ddgov.lake.storage import absolute

pytestmark = pytest.mark.django_db

ANON = AnonymousUser()

# 600 rows; amount has many ties and NULLs, note has NULLs, grp and flag few values.
TIES_SQL = """
SELECT range + 1 AS _id,
       (['ก', 'ข', 'ค', NULL])[range % 4 + 1] AS grp,
       CASE WHEN range % 9 = 0 THEN NULL ELSE (range * 7 % 13)::DECIMAL(10, 2) END AS amount,
       CASE WHEN range % 11 = 0 THEN NULL ELSE 'note ' || (range * 5 % 17) END AS note,
       range % 3 = 0 AS flag,
       DATE '2024-01-01' + (range % 5)::INTEGER AS day
FROM range(600)
"""


@pytest.fixture
def big(settings) -> Resource:
    """A resource whose table counts as large: every table gets copies."""
    settings.DDGOV_DATASTORE_COPY_MIN_ROWS = 0
    res = ResourceFactory(dataset=DatasetFactory(name="ties"), name="rows")
    write_table(res, TIES_SQL)
    return res


def parquet_of(resource: Resource) -> Path:
    resource.refresh_from_db()
    return absolute(resource.current_version.parquet_path)


def expected(resource: Resource, *, where: str = "", order: str = "", limit: int, offset: int):
    """Rows as plain DuckDB gives them from the Parquet file, as JSON-ready dicts."""
    con = duckdb.connect()
    try:
        where_sql = f" WHERE {where}" if where else ""
        order_sql = f" ORDER BY {order}, _id" if order else " ORDER BY _id"
        cur = con.execute(
            f"SELECT * FROM read_parquet('{parquet_of(resource)}'){where_sql}{order_sql}"
            f" LIMIT {limit} OFFSET {offset}"
        )
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
    finally:
        con.close()
    return [list(r) for r in rows], names


def counted(resource: Resource, where: str) -> int:
    con = duckdb.connect()
    try:
        return con.execute(
            f"SELECT count(*) FROM read_parquet('{parquet_of(resource)}') WHERE {where}"
        ).fetchone()[0]
    finally:
        con.close()


def records(resource: Resource, **kwargs: Any) -> list[list[Any]]:
    result = datastore_search(
        viewer=ANON, resource_id=str(resource.pk), records_format="lists", **kwargs
    )
    return result["records"]


def as_json(rows: list[list[Any]], names: list[str]) -> list[list[Any]]:
    """``rows`` as ``records_format="lists"`` carries them (``names`` only documents the call)."""
    assert names[0] == "_id"
    return [[json_value(v) for v in row] for row in rows]


def test_a_large_table_gets_a_rows_copy_that_answers_like_the_parquet(big):
    first = records(big, limit=5, offset=30)
    assert engine_copies_wait(timeout=60)
    table = engine_table(path=parquet_of(big))
    assert (copy_folder(table.path, table.stamp) / ROWS_NAME).is_file()
    assert _current_engine().copy_source(table) is not None
    rows, names = expected(big, limit=5, offset=30)
    assert first == as_json(rows, names)
    assert records(big, limit=5, offset=30) == as_json(rows, names)
    rows, names = expected(big, where="grp = 'ข'", limit=50, offset=20)
    assert records(big, filters={"grp": "ข"}, limit=50, offset=20) == as_json(rows, names)
    rows, names = expected(big, order="_id DESC", limit=10, offset=595)
    assert records(big, sort="_id desc", limit=10, offset=595) == as_json(rows, names)


def test_a_small_table_gets_no_copy(settings):
    settings.DDGOV_DATASTORE_COPY_MIN_ROWS = 1_000
    res = ResourceFactory()
    write_table(res, TIES_SQL)
    records(res, limit=3)
    records(res, limit=3, sort="amount desc")
    assert engine_copies_wait(timeout=60)
    table = engine_table(path=parquet_of(res))
    assert not copy_folder(table.path, table.stamp).exists()


SORTS = [
    ("amount asc", "amount ASC"),
    ("amount desc", "amount DESC"),
    ("amount desc nulls first", "amount DESC NULLS FIRST"),
    ("amount asc nulls first", "amount ASC NULLS FIRST"),
    ("note desc", "note DESC"),
    ("grp asc, amount desc", "grp ASC, amount DESC"),
    ("day desc", "day DESC"),
]


@pytest.mark.parametrize(("sort", "order"), SORTS)
def test_sorted_pages_from_a_sort_copy_equal_order_by(big, sort, order):
    records(big, limit=1)
    assert engine_copies_wait(timeout=60)
    cases = [
        ({}, "", 0, 100),
        ({}, "", 7, 13),
        ({}, "", 590, 100),  # runs past the end
        ({"grp": "ก"}, "grp = 'ก'", 0, 40),
        ({"grp": "ก"}, "grp = 'ก'", 33, 40),
        ({"flag": True}, "flag", 150, 100),
        ({"grp": None}, "grp IS NULL", 3, 20),
    ]
    # The first request sorts with a top-N and queues the copy; afterwards the copy answers.
    before = [records(big, sort=sort, filters=f, offset=o, limit=n) for f, _w, o, n in cases]
    assert engine_copies_wait(timeout=60)
    table = engine_table(path=parquet_of(big))
    assert list(copy_folder(table.path, table.stamp).glob("sort-*.duckdb"))
    after = [records(big, sort=sort, filters=f, offset=o, limit=n) for f, _w, o, n in cases]
    for (_f, where, offset, limit), old, new in zip(cases, before, after, strict=True):
        rows, names = expected(big, where=where, order=order, limit=limit, offset=offset)
        assert old == as_json(rows, names)
        assert new == as_json(rows, names)


def test_sort_copies_are_capped_per_version_and_the_rest_still_sort(big, settings):
    settings.DDGOV_DATASTORE_SORT_COPIES = 1
    records(big, limit=1)
    assert engine_copies_wait(timeout=60)
    for sort in ("amount desc", "note asc", "day asc"):  # asked at once: queued ones count
        records(big, sort=sort)
    assert engine_copies_wait(timeout=60)
    table = engine_table(path=parquet_of(big))
    folder = copy_folder(table.path, table.stamp)
    assert len(list(folder.glob("sort-*.duckdb"))) == 1
    rows, names = expected(big, order="note ASC", limit=30, offset=40)
    assert records(big, sort="note asc", limit=30, offset=40) == as_json(rows, names)


@pytest.mark.parametrize(
    ("filters", "where"),
    [
        ({"grp": "ก"}, "grp = 'ก'"),
        ({"grp": ["ก", "ค"]}, "grp IN ('ก', 'ค')"),
        ({"grp": None}, "grp IS NULL"),
        ({"grp": ["ข", None]}, "(grp = 'ข' OR grp IS NULL)"),
        ({"grp": "ข", "flag": "false"}, "grp = 'ข' AND NOT flag"),
        ({"grp": "ข", "day": "2024-01-03"}, "grp = 'ข' AND day = DATE '2024-01-03'"),
        ({"grp": "ไม่มี"}, "grp = 'ไม่มี'"),
        ({"amount": "5"}, "amount = 5"),  # a decimal column: counted, not from the cube
    ],
)
def test_filtered_totals_from_value_combinations_equal_count(big, filters, where):
    records(big, limit=1)
    assert engine_copies_wait(timeout=60)
    result = datastore_search(viewer=ANON, resource_id=str(big.pk), filters=filters, limit=1)
    assert result["total"] == counted(big, where)


def test_value_combinations_are_counted_once_per_column_set(big):
    records(big, limit=1)
    assert engine_copies_wait(timeout=60)
    engine = _current_engine()
    totals = {}
    for grp in ("ก", "ข", "ค"):
        for flag in (True, False):
            totals[(grp, flag)] = datastore_search(
                viewer=ANON, resource_id=str(big.pk), filters={"grp": grp, "flag": flag}, limit=0
            )["total"]
    table = engine_table(path=parquet_of(big))
    cubes = [k for k in engine.cubes if k[0] == str(table.path)]
    assert cubes == [(str(table.path), table.stamp, ("flag", "grp"))]
    for (grp, flag), total in totals.items():
        assert total == counted(big, f"grp = '{grp}' AND flag = {str(flag).lower()}")


def test_q_with_filters_is_counted_in_sql(big):
    records(big, limit=1)
    assert engine_copies_wait(timeout=60)
    result = datastore_search(
        viewer=ANON, resource_id=str(big.pk), filters={"grp": "ก"}, q="NOTE", limit=0
    )
    assert result["total"] == counted(big, "grp = 'ก' AND contains(lower(note), 'note')")
    assert result["total"] < counted(big, "grp = 'ก'")


def test_a_new_version_gets_its_own_copies(big):
    records(big, limit=1, sort="amount desc")
    assert engine_copies_wait(timeout=60)
    records(big, limit=1, sort="amount desc")
    assert engine_copies_wait(timeout=60)
    write_table(big, TIES_SQL.replace("range * 7 % 13", "range * 3 % 7"), number=2)
    for _ in range(2):  # before and after its copies exist
        rows, names = expected(big, order="amount DESC", limit=20, offset=10)
        assert records(big, sort="amount desc", limit=20, offset=10) == as_json(rows, names)
        assert engine_copies_wait(timeout=60)


def test_a_rewritten_file_never_reads_the_old_copy(big):
    records(big, limit=1)
    assert engine_copies_wait(timeout=60)
    old = engine_table(path=parquet_of(big))
    assert (copy_folder(old.path, old.stamp) / ROWS_NAME).is_file()
    path = parquet_of(big)  # the same path gets new content
    con = duckdb.connect()
    con.execute(
        f"COPY ({TIES_SQL.replace('range(600)', 'range(650)')}) TO '{path}' (FORMAT parquet)"
    )
    con.close()
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    table = engine_table(path=parquet_of(big))
    assert table.stamp != old.stamp
    rows, names = expected(big, where="grp = 'ข'", limit=100, offset=100)
    assert records(big, filters={"grp": "ข"}, limit=100, offset=100) == as_json(rows, names)
    result = datastore_search(viewer=ANON, resource_id=str(big.pk), filters={"grp": "ข"}, limit=0)
    assert result["total"] == counted(big, "grp = 'ข'")


def test_sort_copy_name_depends_on_the_whole_order():
    assert sort_copy_name('"a" ASC, "_id" ASC') != sort_copy_name('"a" DESC, "_id" ASC')
    assert sort_copy_name('"a" ASC') != sort_copy_name('"a" ASC NULLS FIRST')
