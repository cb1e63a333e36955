"""The screen on the committed labelled pairs beats naive baselines computed here."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from ddgov.complaints.duplicates import DEFAULT_SETTINGS
from ddgov.complaints.duplicates.evaluation import Scores, duplicates_evaluate, evalset_load
from ddgov.complaints.duplicates.geo import haversine_m


@pytest.fixture(scope="module")
def evaluation():
    return duplicates_evaluate()


@pytest.fixture(scope="module")
def labelled():
    records, pairs = evalset_load()
    rows = []
    for pair in pairs:
        q, s = records[pair["query"]], records[pair["stored"]]
        rows.append(
            {
                "label": pair["label"],
                "distance": haversine_m(q["lat"], q["lon"], s["lat"], s["lon"]),
                "same_category": bool(set(q["category"]) & set(s["category"])),
                "hours": (
                    dt.datetime.fromisoformat(q["at"]) - dt.datetime.fromisoformat(s["at"])
                ).total_seconds()
                / 3600,
                "same_words": q["text"].split() == s["text"].split(),
            }
        )
    return rows


def naive(rows, rule):
    return Scores.of([rule(r) for r in rows], [r["label"] for r in rows])


def test_the_screen_reaches_its_measured_quality(evaluation):
    overall = evaluation.overall
    assert overall.tp + overall.fn >= 150
    assert overall.precision >= 0.68
    assert overall.recall >= 0.68
    assert overall.f1 >= 0.70
    assert evaluation.recall_at_limit >= 0.8
    assert evaluation.threshold == DEFAULT_SETTINGS.threshold


def test_the_screen_beats_naive_baselines_computed_here(evaluation, labelled):
    baselines = {
        # FixMyStreet's rule: same category within 250 m
        "fixmystreet": naive(labelled, lambda r: r["same_category"] and r["distance"] <= 250),
        "within 100 m": naive(labelled, lambda r: r["distance"] <= 100),
        "within 500 m, same day": naive(
            labelled, lambda r: r["distance"] <= 500 and r["hours"] < 24
        ),
        "identical words, 500 m": naive(
            labelled, lambda r: r["same_words"] and r["distance"] <= 500
        ),
        "everything": naive(labelled, lambda r: True),
    }
    for name, scores in baselines.items():
        assert evaluation.overall.f1 > scores.f1 + 0.05, name
    for name, scores in evaluation.baselines.items():
        assert evaluation.overall.f1 > scores.f1 + 0.05, name


def test_segmentation_matters_on_the_real_pairs(evaluation):
    whitespace = duplicates_evaluate(
        settings=dataclasses.replace(DEFAULT_SETTINGS, segmenter="whitespace")
    )
    assert evaluation.overall.f1 > whitespace.overall.f1 + 0.05


def test_pr_table_trades_recall_for_precision(evaluation):
    recalls = [s.recall for _, s in evaluation.pr_table]
    assert recalls == sorted(recalls, reverse=True)
    assert evaluation.pr_table[-1][1].precision > evaluation.pr_table[0][1].precision
    chosen = dict(evaluation.pr_table)[DEFAULT_SETTINGS.threshold]
    assert chosen == evaluation.overall


def test_per_kind_results_show_the_easy_and_the_hard_cases(evaluation):
    by_kind = evaluation.by_kind
    n, right = by_kind["same-ticket"]
    assert right == n  # the same ticket seen twice is always caught
    n, right = by_kind["similar-far"]
    assert right == n  # similar text kilometres apart is never reported
    n, right = by_kind["nearby-different"]
    assert right >= 0.95 * n  # a different problem next door is almost never reported
    assert evaluation.unreachable >= 4  # pins kilometres apart cannot be found by place


def test_a_threshold_can_be_passed_and_the_report_prints(evaluation):
    strict = duplicates_evaluate(threshold=0.8)
    assert strict.threshold == 0.8
    assert strict.overall.precision > evaluation.overall.precision
    text = evaluation.as_text()
    assert "precision" in text
    assert "<- chosen" in text
    assert "fixmystreet" in text
    assert f"{evaluation.overall.f1:.3f}" in text
