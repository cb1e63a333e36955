"""The labelled duplicate pairs: consistent, reproducible from the real data, review file checked."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from ddgov.complaints.duplicates.evalset import build
from ddgov.complaints.duplicates.evalset.build import (
    COMPLAINTS_FILE,
    EVALSET_DIR,
    PAIRS_FILE,
    Candidate,
    Decision,
    duplicates_evalset_build,
)
from ddgov.complaints.duplicates.evaluation import evalset_load

KINDS = {
    1: {"rereport", "refiled-gps", "refiled-area", "same-ticket", "pin-far"},
    0: {
        "nearby-different",
        "similar-nearby-different",
        "similar-far",
        "same-category-far",
        "area-different",
    },
}


def test_committed_pairs_refer_to_committed_complaints_and_are_well_formed():
    records, pairs = evalset_load()
    assert len(pairs) >= 600
    assert set(records) == {p[k] for p in pairs for k in ("query", "stored")}
    seen = set()
    for pair in pairs:
        assert pair["label"] in (0, 1)
        assert pair["kind"] in KINDS[pair["label"]]
        key = frozenset((pair["query"], pair["stored"]))
        assert key not in seen
        seen.add(key)
        query, stored = records[pair["query"]], records[pair["stored"]]
        assert dt.datetime.fromisoformat(query["at"]) >= dt.datetime.fromisoformat(stored["at"])
        assert query["key"].split(":")[0] == stored["key"].split(":")[0]  # one source per pair
    labels = Counter(p["label"] for p in pairs)
    assert labels[1] >= 150
    assert labels[0] >= 400
    kinds = Counter(p["kind"] for p in pairs)
    assert kinds["rereport"] >= 3  # "อ้างอิงเลขเคส …" re-reports resolved to their case
    assert kinds["same-ticket"] == build.SAME_TICKET_SAMPLE
    assert kinds["same-category-far"] == build.SAME_CATEGORY_FAR_SAMPLE
    for record in records.values():
        assert 5 < record["lat"] < 21
        assert 97 < record["lon"] < 106
        assert record["location"] in {"gps", "subdistrict-centroid", "district-centroid"}
        assert dt.datetime.fromisoformat(record["at"]).tzinfo is not None


def test_the_builder_reproduces_the_committed_files_from_the_shared_data(shared_data):
    built = duplicates_evalset_build(data_dir=shared_data)
    files = built.files()
    assert files[COMPLAINTS_FILE] == (EVALSET_DIR / COMPLAINTS_FILE).read_bytes()
    assert files[PAIRS_FILE] == (EVALSET_DIR / PAIRS_FILE).read_bytes()
    assert built.stats["pairs"] == len(files[PAIRS_FILE].splitlines())
    assert built.stats["skipped_cannot_tell"] > 0
    assert built.stats["thinned_copy_paste_series"] > 0


def test_the_builder_refuses_a_review_file_missing_a_decision(shared_data, tmp_path):
    reviewed = (EVALSET_DIR / build.REVIEWED_FILE).read_text(encoding="utf-8")
    line = next(row for row in reviewed.splitlines() if row.startswith("t23:8NJ9YY\tt23:TCYJ94\t"))
    trimmed = tmp_path / "reviewed.tsv"
    trimmed.write_text(reviewed.replace(line + "\n", ""), encoding="utf-8")
    with pytest.raises(ValueError, match="need a decision"):
        duplicates_evalset_build(data_dir=shared_data, reviewed=trimmed)


def test_review_lines_are_parsed_and_applied_in_order(tmp_path):
    path = tmp_path / "reviewed.tsv"
    path.write_text(
        "# comment\n"
        "*\t0\tall different\ta b c\n"
        "a\tb\t1\tbut these two are one problem\n"
        "x\tskip\tcannot tell\tc | a b\n",
        encoding="utf-8",
    )
    ops = build._read_reviewed(path)
    assert [op[0] for op in ops] == ["*", "pair", "x"]
    candidates = {
        pair: Candidate(pair[0], pair[1], "near-similar", 10.0, 0.5)
        for pair in (("a", "b"), ("a", "c"), ("b", "c"))
    }
    records = dict.fromkeys("abc")
    decisions, extras = build._decide(candidates, ops, records)  # type: ignore[arg-type]
    assert decisions[("a", "b")] == Decision(1, "but these two are one problem")
    assert decisions[("a", "c")].label is None
    assert decisions[("b", "c")].label is None
    assert extras == set()


@pytest.mark.parametrize("content", ["a\tb\tmaybe\tnot a label\n", "a\tb\t1\n"])
def test_unreadable_review_lines_are_refused(tmp_path, content):
    path = tmp_path / "reviewed.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match="cannot read"):
        build._read_reviewed(path)


@pytest.mark.parametrize(
    "content", ["*\t1\tgroup of unknown keys\tq r\n", "*\t1\tno candidate inside\ta b\n"]
)
def test_stale_review_lines_are_refused(tmp_path, content):
    path = tmp_path / "reviewed.tsv"
    path.write_text(content, encoding="utf-8")
    ops = build._read_reviewed(path)
    with pytest.raises(ValueError, match="stale"):
        build._decide({}, ops, dict.fromkeys("ab"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("date", "time", "expected"),
    [
        ("3-ธ.ค.-67", "09:00 น.", "2024-12-03T09:00:00+07:00"),
        ("9 ธ.ค. 67", "14:05 น.", "2024-12-09T14:05:00+07:00"),
        ("22-เม.ย.-66", "15:50 น.", "2023-04-22T15:50:00+07:00"),
    ],
)
def test_waiting_queue_dates_in_both_formats(date, time, expected):
    assert build._queue_time(date, time).isoformat() == expected


def test_re_reports_cite_case_numbers_with_one_typo_allowed():
    assert build._references("ปัญหา: อ้างอิงเลขเคส 72ELDD สถานะ เสร็จสิ้น") == ["72ELDD"]
    assert build._references("อ้างอิงจากเลขที่แจ้งเดิมคือ  NTPUEE สถานะ") == ["NTPUEE"]
    assert build._references("ตามเลขที่รับแจ้งWYFN6N\n สถานะ") == ["WYFN6N"]
    assert build._references("อ้างอิงเลขที่ 2022-4LW3BL ตามที่เคยแจ้ง") == ["2022-4LW3BL"]
    assert build._near_miss("ZN3KD3", "ZN3KD9")
    assert not build._near_miss("ZN3KD3", "ZN3XX9")


def test_every_pair_file_line_is_sorted_json():
    for name in (COMPLAINTS_FILE, PAIRS_FILE):
        for line in Path(EVALSET_DIR / name).read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            assert line == json.dumps(
                obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")
            )
