"""The farmer.statistics pipeline: access as the runner, small cells left out, open data, audit."""

# ruff: noqa: S608 - SQL over the tests' own temporary Parquet files

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ddgov.agencies.models import Agency
from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.analytics.farmer import farmer_registry_write
from ddgov.analytics.pipeline import (
    FARMER_REGISTRY,
    FARMER_STATISTICS,
    PipelineError,
    PipelineOutput,
    PipelineTarget,
    pipeline_min_group,
    pipeline_step,
    pipeline_step_unregister,
)
from ddgov.analytics.seeders import farmer_registry_publish
from ddgov.analytics.services.pipelines import AUDIT_ACTION, pipeline_run
from ddgov.audit.models import AuditRecord
from ddgov.catalog.models import Dataset, Resource, ResourceVersion
from ddgov.governance.models import ColumnClass
from ddgov.identity.models import Role, User
from ddgov.identity.tests.factories import MembershipFactory, StaffUserFactory
from ddgov.lake.storage import absolute

pytestmark = pytest.mark.django_db
ROWS = 4_000  # 200 households, 160 loans
SEED = 7


@dataclass
class Farm:
    oae: Agency
    steward: User
    viewer: User
    outsider: User


@pytest.fixture
def farm(
    django_capture_on_commit_callbacks: Callable[..., Any], settings: pytest.FixtureRequest
) -> Farm:
    settings.DDGOV_JOBS_EAGER = False  # type: ignore[attr-defined] # profiling stays queued
    oae = DepartmentFactory(code="oae", name_th="สำนักงานเศรษฐกิจการเกษตร")
    steward = StaffUserFactory(username="oae.steward")
    MembershipFactory(user=steward, agency=oae, role=Role.DATA_STEWARD)
    viewer = StaffUserFactory(username="oae.viewer")
    MembershipFactory(user=viewer, agency=oae, role=Role.VIEWER)
    outsider = StaffUserFactory(username="outsider")
    with django_capture_on_commit_callbacks(execute=True):  # after-ingest: classification
        farmer_registry_publish(agency=oae, rows=ROWS, seed=SEED)
    return Farm(oae=oae, steward=steward, viewer=viewer, outsider=outsider)


def _table(resource: Resource) -> list[dict[str, Any]]:
    version = resource.current_version
    assert version is not None
    con = duckdb.connect()
    rel = con.sql(f"SELECT * EXCLUDE (_id) FROM read_parquet('{absolute(version.parquet_path)}')")
    names = rel.columns
    return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]


def _source(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """The generated registry, read straight from the generator's files (the expected values)."""
    farmer_registry_write(folder=tmp_path, rows=ROWS, seed=SEED)
    con = duckdb.connect()
    for table in ("households", "plots", "loans"):
        con.execute(
            f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{tmp_path}/{table}.parquet')"
        )
    return con


def test_the_registry_is_private_and_its_personal_columns_classified(farm: Farm) -> None:
    registry = Dataset.objects.get(name=FARMER_REGISTRY)
    assert registry.private
    assert registry.owner_org == farm.oae
    personal = set(
        ColumnClass.objects.filter(resource__dataset=registry, category="personal").values_list(
            "resource__name", "column"
        )
    )
    assert {("households", "citizen_id"), ("households", "name"), ("plots", "citizen_id")} <= (
        personal
    )
    counts = dict(
        ResourceVersion.objects.filter(resource__dataset=registry).values_list(
            "resource__name", "row_count"
        )
    )
    assert counts == {"households": 200, "plots": ROWS, "loans": 160}


def test_steward_publishes_the_statistics_as_open_data(farm: Farm, tmp_path: Path) -> None:
    run = pipeline_run(step="farmer.statistics", actor=farm.steward)

    assert run.engine == "duckdb"
    assert run.dataset.name == FARMER_STATISTICS
    assert run.dataset.is_open
    assert run.dataset.owner_org == farm.oae
    assert [o.resource.name for o in run.outputs] == [
        "crop-area-by-province",
        "debt-by-region",
        "yield-trend",
    ]
    for output in run.outputs:
        assert output.version.status == ResourceVersion.Status.SUCCEEDED
        assert output.version.row_count == output.rows > 0
    assert {s.resource for s in run.sources} == {"households", "plots", "loans"}
    assert {s.mode for s in run.sources} == {"full"}

    source = _source(tmp_path)
    k = pipeline_min_group()
    by_region = {r["region"]: r for r in _table(run.outputs[1].resource)}
    expected = dict(
        source.execute(
            """
            SELECT h.region, round(coalesce(sum(l.outstanding_baht), 0) / count(DISTINCT h.household_id))
            FROM households h LEFT JOIN loans l
              ON l.household_id = h.household_id AND l.status <> 'ปิดบัญชี'
            GROUP BY h.region HAVING count(DISTINCT h.household_id) >= ?
            """,
            [k],
        ).fetchall()
    )
    assert {r: float(v["debt_per_household_baht"]) for r, v in by_region.items()} == {
        r: float(v) for r, v in expected.items()
    }
    assert sum(v["households"] for v in by_region.values()) <= 200

    trend = _table(run.outputs[2].resource)
    assert {row["crop_year"] for row in trend} == set(range(2017, 2025))  # stored in CE
    rice = next(r for r in trend if r["crop"] == "ข้าวนาปี" and r["crop_year"] == 2024)
    expected_area = source.execute(
        "SELECT sum(area_rai) FROM plots WHERE crop = 'ข้าวนาปี' AND crop_year = 2567"
    ).fetchone()
    assert expected_area is not None
    assert rice["area_rai"] == pytest.approx(float(expected_area[0]))


def test_no_published_figure_rests_on_fewer_than_k_households(farm: Farm, tmp_path: Path) -> None:
    run = pipeline_run(step="farmer.statistics", actor=farm.steward)
    k = pipeline_min_group()
    crop_area = _table(run.outputs[0].resource)
    assert crop_area
    assert min(r["households"] for r in crop_area) >= k
    source = _source(tmp_path)
    small = source.execute(
        """
        SELECT count(*) FROM (
            SELECT crop_year, province, crop FROM plots GROUP BY ALL
            HAVING count(DISTINCT household_id) < ?)
        """,
        [k],
    ).fetchone()
    assert small is not None
    assert small[0] > 0  # the registry has small groups, and they were left out
    big = source.execute(
        """
        SELECT count(*) FROM (
            SELECT crop_year, province, crop FROM plots GROUP BY ALL
            HAVING count(DISTINCT household_id) >= ?)
        """,
        [k],
    ).fetchone()
    assert big == (len(crop_area),)
    for row in crop_area:
        assert set(row) >= {"province", "crop", "area_rai", "yield_kg_per_rai"}
        assert "citizen_id" not in row
        assert "household_id" not in row


def test_runs_are_audited_and_a_rerun_adds_versions(farm: Farm) -> None:
    pipeline_run(step="farmer.statistics", actor=farm.steward)
    again = pipeline_run(step="farmer.statistics", actor=farm.steward)
    assert [o.version.number for o in again.outputs] == [2, 2, 2]
    records = AuditRecord.objects.filter(action=AUDIT_ACTION).order_by("seq")
    assert records.count() == 2
    record = records.last()
    assert record is not None
    assert record.outcome == AuditRecord.Outcome.OK
    assert record.actor_label == "oae.steward"
    assert record.detail["step"] == "farmer.statistics"
    assert record.detail["engine"] == "duckdb"
    assert {o["resource"] for o in record.detail["outputs"]} == {
        "crop-area-by-province",
        "debt-by-region",
        "yield-trend",
    }
    assert {s["mode"] for s in record.detail["sources"]} == {"full"}


def test_someone_outside_the_agency_cannot_run_it(farm: Farm) -> None:
    with pytest.raises(PipelineError) as caught:
        pipeline_run(step="farmer.statistics", actor=farm.outsider)
    assert caught.value.code == "table"
    assert " / " in caught.value.message
    assert not Dataset.objects.filter(name=FARMER_STATISTICS).exists()
    record = AuditRecord.objects.get(action=AUDIT_ACTION)
    assert record.outcome == AuditRecord.Outcome.DENIED


def test_a_viewer_without_rights_to_the_personal_columns_is_refused(farm: Farm) -> None:
    """The viewer may only aggregate the registry; the step's joins and CTEs are refused."""
    with pytest.raises(PipelineError) as caught:
        pipeline_run(step="farmer.statistics", actor=farm.viewer)
    assert caught.value.code == "aggregate"
    assert not Dataset.objects.filter(name=FARMER_STATISTICS).exists()


def test_a_viewer_cannot_publish_even_with_read_rights(farm: Farm) -> None:
    """An officer reads everything (confidential columns) but only stewards publish."""
    officer = StaffUserFactory(username="oae.officer")
    MembershipFactory(user=officer, agency=farm.oae, role=Role.OFFICER)
    with pytest.raises(PipelineError) as caught:
        pipeline_run(step="farmer.statistics", actor=officer)
    assert caught.value.code == "permission"
    assert not Dataset.objects.filter(name=FARMER_STATISTICS).exists()


def test_governance_refuses_a_step_that_would_publish_personal_data(farm: Farm) -> None:
    pipeline_step(
        "test.leak",
        inputs={"households": f'"{FARMER_REGISTRY}"."households"'},
        output=PipelineTarget(
            dataset=FARMER_STATISTICS,
            agency="oae",
            outputs=(
                PipelineOutput(resource="leak", sql="test_pipeline_leak.sql", description="leak"),
            ),
        ),
    )(lambda agency: {})
    try:
        pipeline_run(step="farmer.statistics", actor=farm.steward)  # creates the open dataset
        with pytest.raises(PipelineError) as caught:
            pipeline_run(step="test.leak", actor=farm.steward)
    finally:
        pipeline_step_unregister(name="test.leak")
    assert caught.value.code == "refused"
    assert "citizen_id" in caught.value.message
    leak = Resource.objects.get(dataset__name=FARMER_STATISTICS, name="leak")
    assert leak.current_version is None
    assert leak.versions.get().status == ResourceVersion.Status.FAILED


def test_the_output_dataset_must_stay_open_data(farm: Farm) -> None:
    pipeline_run(step="farmer.statistics", actor=farm.steward)
    Dataset.objects.filter(name=FARMER_STATISTICS).update(private=True)
    with pytest.raises(PipelineError) as caught:
        pipeline_run(step="farmer.statistics", actor=farm.steward)
    assert caught.value.code == "dataset"
    assert "ไม่ใช่ข้อมูลเปิด" in caught.value.message


def test_unknown_step_is_refused_in_both_languages(farm: Farm) -> None:
    with pytest.raises(PipelineError, match=r"Unknown pipeline step .* / ไม่มีขั้นตอน"):
        pipeline_run(step="farmer.nothing", actor=farm.steward)


def test_pipeline_command_lists_and_runs(farm: Farm, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("pipeline", "list")
    listed = capsys.readouterr().out
    assert "farmer.statistics" in listed
    assert '"farmer-registry"."plots"' in listed
    assert "farmer-statistics.debt-by-region" in listed

    call_command("pipeline", "run", "farmer.statistics", "--user", "oae.steward")
    out = capsys.readouterr().out
    assert "3 outputs published to farmer-statistics on duckdb" in out
    assert "crop-area-by-province" in out

    with pytest.raises(CommandError) as unknown:
        call_command("pipeline", "run", "farmer.nothing", "--user", "oae.steward")
    assert unknown.value.returncode == 2
    with pytest.raises(CommandError) as nobody:
        call_command("pipeline", "run", "farmer.statistics", "--user", "nobody")
    assert nobody.value.returncode == 2
    with pytest.raises(CommandError) as refused:
        call_command("pipeline", "run", "farmer.statistics", "--user", "outsider")
    assert refused.value.returncode == 1
    assert "farmer-registry" in str(refused.value)


def test_an_unknown_engine_is_a_pipeline_error(farm: Farm) -> None:
    with pytest.raises(PipelineError) as caught:
        pipeline_run(step="farmer.statistics", actor=farm.steward, engine="hadoop")
    assert caught.value.code == "engine"
    assert "ไม่รู้จักเอนจิน" in caught.value.message
    assert not Dataset.objects.filter(name=FARMER_STATISTICS).exists()
