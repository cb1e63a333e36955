"""``ddgov complaints train`` and ``ddgov complaints evaluate``: output formats and errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ddgov.complaints.management.commands.complaints import SUBCOMMANDS
from ddgov.complaints.tests.test_classify_model import traffy_subset


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("complaints", *args, stdout=out)
    return out.getvalue()


def test_subcommands_are_registered() -> None:
    assert {"train", "evaluate"} <= set(SUBCOMMANDS)
    with pytest.raises(CommandError):
        run("no-such-subcommand")


@pytest.mark.shared_data
def test_evaluate_prints_json_figures(shared_data: Path) -> None:
    report = json.loads(run("evaluate", "--format", "json", "--no-baseline", "--bootstrap", "50"))
    for key in ("top1", "top1_unrestricted", "micro_f1", "macro_f1"):
        assert 0.0 <= report[key] <= 1.0
    assert report["n_train"] > report["n_test"] > 0
    assert "2023-05-18" in report["split"]
    assert report["data_digest_matches"] is True
    assert set(report["baselines"]) == {"majority"}
    assert set(report["ci95"]) == {"model"}  # no baseline, so no paired difference
    low, high = report["ci95"]["model"]["top1"]
    assert low <= report["top1"] <= high
    assert report["bootstrap_rounds"] == 50
    assert set(report["by_source"]) == {"all", "complaints_2023", "waiting_queue_2024"}
    assert report["by_source"]["all"]["model"]["n"] == report["n_test"]
    assert 0 < report["model_bytes"] < 5_000_000
    road = next(row for row in report["per_category"] if row["code"] == "road")
    assert road["label_th"] == "ถนน"
    assert set(road) >= {"precision", "recall", "f1", "support"}
    assert report["latency_ms_p95"] > 0


@pytest.mark.shared_data
def test_evaluate_prints_a_text_report_with_the_baseline(shared_data: Path) -> None:
    text = run("evaluate", "--bootstrap", "50")
    lines = text.splitlines()
    assert any(line.startswith("top-1 accuracy") for line in lines)
    assert any(line.startswith("micro-F1") for line in lines)
    assert any(line.startswith("macro-F1") for line in lines)
    assert any(line.startswith("baseline tfidf+lr") for line in lines)
    assert any(line.startswith("road") and "ถนน" in line for line in lines)
    # side by side on the same tickets, overall and per source, with the paired difference
    for source in ("all", "complaints_2023", "waiting_queue_2024"):
        runs = {line.split()[2] for line in lines if line.startswith(f"{source} (")}
        assert runs == {"model", "tfidf+lr", "majority"}
    assert any(line.startswith("difference model-tfidf+lr: top1 [") for line in lines)


@pytest.mark.shared_data
def test_train_writes_a_model_that_evaluate_reads(
    shared_data: Path, tmp_path: Path, settings: pytest.FixtureRequest
) -> None:
    traffy_subset(shared_data / "traffy", tmp_path / "data" / "traffy", every=6, rows=100)
    settings.SHARED_DATA_DIR = tmp_path / "data"  # type: ignore[attr-defined]
    out_dir = tmp_path / "model"
    report = json.loads(run("train", "--out", str(out_dir), "--seed", "1", "--format", "json"))
    assert report["out_dir"] == str(out_dir)
    assert report["seed"] == 1
    assert report["model_bytes"] == sum(report["files"].values())
    assert {p.name for p in out_dir.iterdir()} == {"model.json", "vocab.json", "weights.npz"}
    evaluated = json.loads(
        run("evaluate", "--model", str(out_dir), "--format", "json", "--no-baseline")
    )
    assert evaluated["data_digest"] == report["data_digest"]
    assert evaluated["data_digest_matches"] is True

    text = run("train", "--out", str(tmp_path / "again"))
    assert text.startswith(f"model written to {tmp_path / 'again'}")
    assert "cross-validation on the training split" in text


def test_errors_are_reported_in_english_and_thai(
    tmp_path: Path, settings: pytest.FixtureRequest
) -> None:
    with pytest.raises(CommandError, match="ddgov complaints train"):
        run("evaluate", "--model", str(tmp_path / "nothing-here"))
    with pytest.raises(CommandError, match="ไม่ติดลบ"):
        run("evaluate", "--bootstrap", "-1")
    settings.SHARED_DATA_DIR = tmp_path  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="ไม่พบข้อมูล"):
        run("train", "--out", str(tmp_path / "model"))
