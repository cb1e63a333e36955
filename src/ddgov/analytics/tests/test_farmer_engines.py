"""The farmer pipeline gives the same published statistics on DuckDB and on Spark (local mode).

Marked ``spark`` (one JVM per test process, ~10 s). Skip locally with ``--no-spark`` or
``DDGOV_SKIP_SPARK=1``; CI always runs it.
"""

# ruff: noqa: S608 - SQL over the tests' own temporary Parquet files

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import duckdb
import pytest

from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.analytics.seeders import farmer_registry_publish
from ddgov.analytics.services.pipelines import pipeline_run
from ddgov.catalog.models import ResourceVersion
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory, StaffUserFactory
from ddgov.lake.storage import absolute

pytestmark = [pytest.mark.spark, pytest.mark.django_db]


def _rows(version: ResourceVersion) -> list[tuple[Any, ...]]:
    """The version's rows without ``_id``, numbers rounded to 6 significant digits, sorted."""
    con = duckdb.connect()
    rows = con.sql(
        f"SELECT * EXCLUDE (_id) FROM read_parquet('{absolute(version.parquet_path)}')"
    ).fetchall()

    def cell(value: Any) -> Any:
        if isinstance(value, float):
            return float(f"{value:.6g}") if math.isfinite(value) else value
        return value

    return sorted((tuple(cell(v) for v in row) for row in rows), key=repr)


def test_duckdb_and_spark_publish_the_same_statistics(
    django_capture_on_commit_callbacks: Callable[..., Any], settings: Any
) -> None:
    settings.DDGOV_JOBS_EAGER = False
    oae = DepartmentFactory(code="oae")
    steward = StaffUserFactory(username="oae.steward")
    MembershipFactory(user=steward, agency=oae, role=Role.DATA_STEWARD)
    with django_capture_on_commit_callbacks(execute=True):
        farmer_registry_publish(agency=oae, rows=6_000, seed=3)

    on_duckdb = pipeline_run(step="farmer.statistics", actor=steward, engine="duckdb")
    on_spark = pipeline_run(step="farmer.statistics", actor=steward, engine="spark")

    assert on_duckdb.engine == "duckdb"
    assert on_spark.engine == "spark"
    for first, second in zip(on_duckdb.outputs, on_spark.outputs, strict=True):
        assert first.resource.pk == second.resource.pk
        assert (first.version.number, second.version.number) == (1, 2)
        assert first.rows == second.rows > 0
        assert _rows(first.version) == _rows(second.version), first.resource.name
