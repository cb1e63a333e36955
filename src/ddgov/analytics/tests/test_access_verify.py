"""The second wall: aggregate-only rules checked on DuckDB's own parse of the rewritten SQL.

These feed SQL straight to :func:`aggregate_verify`, as if sqlglot had rendered something the
first wall did not see, and check that DuckDB's reading of it is refused.
"""

# ruff: noqa: S608 - hostile SQL on purpose

from __future__ import annotations

import pytest

from ddgov.analytics.access.errors import QueryError
from ddgov.analytics.access.verify import aggregate_verify

GUARD = 'HAVING COUNT(DISTINCT "h"."_id") >= 5'


def verify(sql: str) -> None:
    aggregate_verify(sql=sql, protected={"t1"}, min_group=5)


def test_a_guarded_aggregate_passes() -> None:
    verify(
        f'SELECT h.province, COUNT(*), SUM(h.income), AVG(CAST(h.income AS DOUBLE)) FROM t1 AS "h" GROUP BY h.province {GUARD}'
    )
    verify(
        f'SELECT COUNT(*) FROM t1 AS "h" JOIN t2 AS c ON c.p = h.province WHERE h.x IN (SELECT 1 FROM t2) {GUARD}'
    )


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT COUNT(*) FROM t1 AS "h"',  # no guard
        'SELECT COUNT(*) FROM t1 AS "h" HAVING COUNT(DISTINCT "h"."_id") >= 1',  # wrong k
        f'SELECT LIST(h.income) FROM t1 AS "h" {GUARD}',
        f'SELECT MAX(h.income) FROM t1 AS "h" {GUARD}',
        f'SELECT SUM(h.income) OVER () FROM t1 AS "h" {GUARD}',
        f'SELECT SUM(h.income) FILTER (WHERE h._id = 7) FROM t1 AS "h" {GUARD}',
        f'SELECT SUM(CASE WHEN h._id = 7 THEN h.income END) FROM t1 AS "h" {GUARD}',
        f'SELECT SUM(COLUMNS(*)) FROM t1 AS "h" {GUARD}',
        f'SELECT SUM(TRY_CAST(h.name AS INT)) FROM t1 AS "h" {GUARD}',
        f'SELECT h.income.sum() FROM t1 AS "h" {GUARD}',
        f'SELECT COUNT(*) FROM (SELECT * FROM t1) AS "h" {GUARD}',
        f'SELECT COUNT(*) FROM t1 AS "h", t1 AS x {GUARD}',  # second reference unguarded
        f'SELECT COUNT(*) FROM t1 AS "h" WHERE h.x > (SELECT SUM(income) FROM t1) {GUARD}',
        f'WITH c AS (SELECT * FROM t1) SELECT COUNT(*) FROM t1 AS "h", c {GUARD}',
        f'SELECT COUNT(*) FROM t1 AS "h", unnest([h.income]) AS u(v) {GUARD}',
        f'SELECT h.p, (SELECT 1) FROM t1 AS "h" GROUP BY h.p {GUARD}',
        f'SELECT h.p, COUNT(*) FROM t1 AS "h" GROUP BY ROLLUP (h.p) {GUARD}',
        f'SELECT COUNT(*) FROM t1 AS "h" {GUARD} UNION ALL SELECT 1',
        "SELECT 1; SELECT 2",
        "SELEC nonsense",
    ],
)
def test_structures_duckdb_reads_as_unsafe_are_refused(sql: str) -> None:
    with pytest.raises(QueryError) as caught:
        verify(sql)
    assert caught.value.code == "aggregate"
    assert "รวมยอด" in caught.value.message
