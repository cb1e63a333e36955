"""The generated motor-insurance policies: shape, determinism, valid IDs, and the demo seeder."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import geothai
import pytest

from ddgov.agencies.tests.factories import DepartmentFactory
from ddgov.audit.models import AuditRecord
from ddgov.catalog.models import ResourceVersion
from ddgov.catalog.services.datasets import CatalogValidationError, dataset_update
from ddgov.governance.classification.detect import table_classify
from ddgov.governance.classification.selectors import (
    resource_is_personal,
    resource_personal_columns,
)
from ddgov.governance.models import ColumnClass, Release
from ddgov.governance.motor import COLUMNS, MotorDataError, motor_policies_write
from ddgov.governance.seeders import MOTOR_DATASET, MOTOR_RELEASE, motor_demo_seed
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory, StaffUserFactory
from ddgov.identity.thaiid import thai_id_check_digit

PLATE = re.compile(r"^[1-9]?[ก-ฮ]{2} \d{1,4} (?P<province>\S+)$")
TYPES = {"ชั้น 1", "ชั้น 2+", "ชั้น 2", "ชั้น 3+", "ชั้น 3"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_policies_are_realistic_and_valid(tmp_path: Path) -> None:
    path = tmp_path / "motor.csv"
    assert motor_policies_write(path=path, rows=3000, seed=7) == 3000
    rows = _rows(path)
    assert len(rows) == 3000
    assert tuple(rows[0]) == COLUMNS
    provinces = {p.name_th for p in geothai.provinces()}
    for row in rows:
        cid = row["citizen_id"]
        assert len(cid) == 13
        assert cid[0] in "13"
        assert thai_id_check_digit(cid[:12]) == int(cid[12])
        plate = PLATE.match(row["plate"])
        assert plate, row["plate"]
        assert plate["province"] == row["province"]
        assert row["province"] in provinces
        assert row["policy_type"] in TYPES
        assert 18 <= int(row["age"]) <= 85
        assert row["sex"] in {"ชาย", "หญิง"}
        assert 2008 <= int(row["vehicle_year"]) <= 2024
        assert int(row["premium"]) > 0
        # third-party-only cover insures no own damage
        assert (row["sum_insured"] == "") == (row["policy_type"] == "ชั้น 3")
        assert (int(row["claim_count"]) == 0) == (int(row["claim_amount"]) == 0)
    assert {r["policy_type"] for r in rows} == TYPES
    # Bangkok carries the most policies; pickups lead the models.
    by_province: dict[str, int] = {}
    by_model: dict[str, int] = {}
    for r in rows:
        by_province[r["province"]] = by_province.get(r["province"], 0) + 1
        by_model[r["model"]] = by_model.get(r["model"], 0) + 1
    assert max(by_province, key=lambda k: by_province[k]) == "กรุงเทพมหานคร"
    assert max(by_model, key=lambda k: by_model[k]) in {"Hilux Revo", "D-Max"}

    # ชั้น 1 costs more than ชั้น 3 on average
    def mean_premium(kind: str) -> float:
        values = [int(r["premium"]) for r in rows if r["policy_type"] == kind]
        return sum(values) / len(values)

    assert mean_premium("ชั้น 1") > 3 * mean_premium("ชั้น 3")


def test_same_seed_same_file_other_seed_other_file(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    motor_policies_write(path=a, rows=500, seed=11)
    motor_policies_write(path=b, rows=500, seed=11)
    motor_policies_write(path=c, rows=500, seed=12)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv", "c.csv"]  # no temp left


@pytest.mark.parametrize("rows", [0, -5])
def test_bad_row_counts_are_refused_in_both_languages(tmp_path: Path, rows: int) -> None:
    with pytest.raises(MotorDataError, match="rows must be a positive whole number / จำนวนแถว"):
        motor_policies_write(path=tmp_path / "x.csv", rows=rows, seed=1)
    assert not (tmp_path / "x.csv").exists()


def test_the_policies_classify_as_personal(tmp_path: Path) -> None:
    path = tmp_path / "motor.csv"
    motor_policies_write(path=path, rows=800, seed=3)
    personal = {d.column: d for d in table_classify(path=path) if not d.is_public}
    assert set(personal) == {"citizen_id", "plate"}
    assert personal["citizen_id"].pii_type == "TH_CITIZEN_ID"
    assert personal["plate"].pii_type == "VEHICLE_PLATE"


@pytest.mark.django_db
def test_demo_seeder_makes_a_private_classified_personal_dataset(
    django_capture_on_commit_callbacks: pytest.FixtureRequest,
) -> None:
    oic = DepartmentFactory(code="oic", name_th="สำนักงาน คปภ. ทดสอบ", name_en="OIC test")
    steward = StaffUserFactory(username="oic.steward")
    MembershipFactory(user=steward, agency=oic, role=Role.DATA_STEWARD)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        dataset = motor_demo_seed(agency=oic, rows=2_000, seed=5, steward=steward)
    assert dataset.name == MOTOR_DATASET
    assert dataset.private is True
    assert (dataset.data_category, dataset.data_classification) == ("personal", "confidential")
    resource = dataset.resources.get()
    assert resource.current_version.status == ResourceVersion.Status.SUCCEEDED
    assert resource.current_version.row_count == 2_000
    assert resource_is_personal(resource=resource)
    columns = {c.column: c.source for c in resource_personal_columns(resource=resource)}
    assert columns == {"citizen_id": "detected", "plate": "detected", "policy_no": "steward"}
    assert ColumnClass.objects.filter(resource=resource).count() == len(COLUMNS)
    assert AuditRecord.objects.filter(action="classification.set", actor_id=steward.pk).exists()
    # It can never be open data: neither as personal nor relabelled public.
    with pytest.raises(CatalogValidationError):
        dataset_update(
            actor=steward,
            dataset=dataset,
            data={"private": False, "data_category": "public", "data_classification": "public"},
            partial=True,
        )
    dataset.refresh_from_db()
    assert dataset.private is True


@pytest.mark.django_db
def test_demo_seeder_releases_the_policies_as_anonymised_open_data(
    django_capture_on_commit_callbacks: pytest.FixtureRequest,
) -> None:
    oic = DepartmentFactory(code="oic", name_th="สำนักงาน คปภ. ทดสอบ", name_en="OIC test")
    steward = StaffUserFactory(username="oic.steward")
    MembershipFactory(user=steward, agency=oic, role=Role.DATA_STEWARD)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        source = motor_demo_seed(agency=oic, rows=2_000, seed=5, steward=steward)
    release = Release.objects.get(source_version__resource__dataset=source)
    assert release.report["k"]["achieved"] >= MOTOR_RELEASE.k
    assert release.report["l"]["achieved"] >= (MOTOR_RELEASE.l or 1)
    assert release.report["suppressed_share"] <= MOTOR_RELEASE.max_suppression
    opened = release.resource.dataset
    assert opened.owner_org == oic
    assert (opened.private, opened.data_category) == (False, "public")
    assert release.version is not None
    assert release.version.status == ResourceVersion.Status.SUCCEEDED
    assert release.resource.current_version == release.version
    columns = {field["name"] for field in release.version.table_schema["fields"]}
    assert not columns & {"citizen_id", "plate", "policy_no"}
    assert {"age", "province", "claim_count"} <= columns
