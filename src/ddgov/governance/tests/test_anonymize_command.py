"""``ddgov anonymize`` end to end on CSV and Parquet (a stable interface)."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from ddgov.governance.tests.anonymize_support import motor_table, pycanon_k, pycanon_l, read_release

QUASI = "age,sex,subdistrict,vehicle_year,premium_band"
REPORT_KEYS = {
    "rows_in", "rows_out", "suppressed_rows", "suppressed_share", "max_suppression", "k", "l", "t",
    "quasi_identifiers", "sensitive", "columns", "column_reasons", "redactions", "risk",
    "information_loss", "search", "hierarchies", "timing", "source", "output",
}  # fmt: skip


@pytest.mark.parametrize(("suffix", "out_suffix"), [(".csv", ".parquet"), (".parquet", ".csv")])
def test_cli_writes_a_verified_release_and_its_report(tmp_path, capsys, suffix, out_suffix):
    source = motor_table(tmp_path / f"motor{suffix}", rows=1500)
    tree = tmp_path / "bands.csv"
    tree.write_text("A;low\nB;low\nC;mid\nD;high\nE;high\n", encoding="utf-8")
    out, report_path = tmp_path / f"release{out_suffix}", tmp_path / "report.json"

    call_command(
        "anonymize", str(source), "--quasi", QUASI, "--sensitive", "claim", "--k", "5", "--l", "2",
        "--hierarchy", f"premium_band=tree:{tree}", "--hierarchy", "vehicle_year=numeric:2,5,10",
        "--out", str(out), "--report", str(report_path),
    )  # fmt: skip

    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert set(report) >= REPORT_KEYS
    df = read_release(out)
    quasi = QUASI.split(",")
    assert pycanon_k(df, quasi) == report["k"]["achieved"] >= 5
    assert pycanon_l(df, quasi, ["claim"]) == report["l"]["achieved"] >= 2
    assert report["rows_out"] == len(df) == 1500 - report["suppressed_rows"]
    assert report["suppressed_share"] <= 0.05
    assert {q["column"] for q in report["quasi_identifiers"]} == set(quasi)
    assert report["hierarchies"]["premium_band"] == "tree:bands.csv"
    assert "citizen_id" not in df.columns
    assert f"wrote {out}" in capsys.readouterr().out


def test_cli_refuses_impossible_k_and_writes_nothing(tmp_path):
    source = motor_table(tmp_path / "motor.csv", rows=100)
    out, report_path = tmp_path / "release.parquet", tmp_path / "report.json"

    with pytest.raises(CommandError, match=r"k must be between 1 and the number of rows \(100\)"):
        call_command(
            "anonymize", str(source), "--quasi", "age,sex", "--k", "101",
            "--out", str(out), "--report", str(report_path),
        )  # fmt: skip
    assert not out.exists()
    assert not report_path.exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--hierarchy", "age=weird"], "Unknown hierarchy kind"),
        (["--hierarchy", "age=numeric:5,x"], "widths must be numbers"),
        (["--hierarchy", "premium_band=tree:/nope.csv"], "not found"),
        (["--quasi", "age,missing"], "Unknown column"),
    ],
)
def test_cli_bad_options_get_bilingual_errors(tmp_path, args, words):
    source = motor_table(tmp_path / "motor.parquet", rows=50)
    base = ["anonymize", str(source), "--quasi", "age,sex", "--out", str(tmp_path / "o.parquet")]
    if "--quasi" in args:
        base = ["anonymize", str(source), "--out", str(tmp_path / "o.parquet")]
    with pytest.raises(CommandError) as caught:
        call_command(*base, *args)
    assert words in str(caught.value)
    assert " / " in str(caught.value)
    assert not (tmp_path / "o.parquet").exists()


def test_cli_unknown_source_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No such file or resource"):
        call_command(
            "anonymize",
            str(tmp_path / "none.csv"),
            "--quasi",
            "a",
            "--out",
            str(tmp_path / "o.parquet"),
        )
