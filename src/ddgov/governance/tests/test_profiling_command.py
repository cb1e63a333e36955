"""``ddgov profile``: files without the database, resources by id, and bad input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import duckdb
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ddgov.catalog.models import ResourceVersion
from ddgov.catalog.services.ingest import resource_version_create
from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.governance.models import Profile
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory

CSV = 'จังหวัด,ปี,จำนวน\nเชียงใหม่,๒๕๖๖,"1,200"\nลำพูน,2567,3400\nน่าน,2567,\n'


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("profile", *args, stdout=out)
    return out.getvalue()


def test_a_csv_file_is_typed_then_profiled_as_json(tmp_path: Path) -> None:
    source = tmp_path / "data.csv"
    source.write_text(CSV, encoding="utf-8")
    data = json.loads(run(str(source)))
    assert data["row_count"] == 3
    columns = {c["name"]: c for c in data["columns"]}
    assert columns["จังหวัด"]["thai"]["admin_level"] == "province"
    assert columns["ปี"]["type"] == "year"
    assert columns["ปี"]["thai"]["buddhist_era"] == 3  # read in the Buddhist era
    assert columns["ปี"]["thai"]["thai_digits_converted"] is True
    assert (columns["จำนวน"]["type"], columns["จำนวน"]["max"]) == ("integer", 3400)


def test_a_parquet_file_is_profiled_directly_as_text(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    duckdb.connect().execute(
        f"COPY (SELECT * FROM (VALUES ('10', 5), ('50', 7), ('90', NULL)) t(code, n)) "  # noqa: S608
        f"TO '{path}' (FORMAT parquet)"
    )
    out = run(str(path), "--format", "text")
    assert out.startswith("rows: 3")
    assert "code  [string, VARCHAR]" in out
    assert "Thai: province codes 100.0%" in out
    assert "empty 33.33% (1 null, 0 blank)" in out


@pytest.mark.django_db
def test_a_resource_id_profiles_and_stores_its_current_version(
    tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    steward = MembershipFactory(role=Role.DATA_STEWARD)
    resource = ResourceFactory(dataset=DatasetFactory(owner_org=steward.agency), format="")
    source = tmp_path / "data.csv"
    source.write_text(CSV, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        version = resource_version_create(
            actor=steward.user, resource=resource, upload=source, filename="data.csv"
        )
    version.refresh_from_db()
    assert version.status == ResourceVersion.Status.SUCCEEDED, version.message
    Profile.objects.all().delete()
    data = json.loads(run(str(resource.pk)))
    assert data["row_count"] == 3
    assert Profile.objects.get(version=version).data == data
    assert "rows: 3" in run(str(resource.pk), "--number", "1", "--format", "text")
    with pytest.raises(CommandError, match="ไม่พบทรัพยากรหรือรุ่นนี้"):
        run(str(resource.pk), "--number", "7")


@pytest.mark.django_db
def test_bad_targets_are_refused_in_both_languages(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"neither a file nor a resource id .* / "):
        run("no-such-thing")
    with pytest.raises(CommandError, match="ไม่พบทรัพยากร"):
        run("00000000-0000-0000-0000-000000000000")
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really")
    with pytest.raises(CommandError, match="อ่านไฟล์เป็นตาราง Parquet ไม่ได้"):
        run(str(broken))
