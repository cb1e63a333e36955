"""The duplicate index: add/remove/find, gates, scoring, reasons, validation, grid vs scan."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest

from ddgov.complaints.duplicates import DEFAULT_SETTINGS, DuplicateIndex, DuplicateSettings
from ddgov.complaints.duplicates.geo import METRES_PER_DEGREE, haversine_m
from ddgov.complaints.duplicates.reasons import reason_build
from ddgov.complaints.duplicates.services import duplicate_index_build, duplicates_find

T0 = dt.datetime(2024, 12, 3, 9, 0, tzinfo=dt.UTC)
LAT, LON = 13.7800, 100.6300  # ลาดพร้าว 101
POTHOLE = "ถนนชำรุดเป็นหลุมใหญ่ หน้าปากซอยลาดพร้าว 101 รถจักรยานยนต์ล้มหลายคัน"
POTHOLE_AGAIN = "ถนนเป็นหลุมบ่อ ปากซอยลาดพร้าว 101 มอเตอร์ไซค์ล้มบ่อย ช่วยซ่อมด้วยครับ"
LAMP = "ไฟฟ้าส่องสว่างดับทั้งซอย มืดมาก อันตราย"
TREE = "กิ่งต้นไม้ใหญ่พาดสายไฟ เสี่ยงหักโค่น"


def north(metres: float) -> float:
    """The latitude ``metres`` north of LAT."""
    return LAT + metres / METRES_PER_DEGREE


def make_index(**settings: object) -> DuplicateIndex:
    """An index with a little background, so IDF behaves as with real data."""
    index = DuplicateIndex(settings=dataclasses.replace(DEFAULT_SETTINGS, **settings))
    background = [
        ("bg-lamp", LAMP, "แสงสว่าง"),
        ("bg-tree", TREE, "ต้นไม้"),
        ("bg-noise", "เสียงดังจากร้านอาหารกลางคืน", "เสียงรบกวน"),
        ("bg-trash", "ขยะล้นถังไม่มีคนมาเก็บ", "ความสะอาด"),
        ("bg-flood", "น้ำท่วมขังหน้าบ้านทุกครั้งที่ฝนตก", "น้ำท่วม"),
    ]
    for i, (key, text, category) in enumerate(background):
        index.add(key=key, text=text, lat=north(3000 + 500 * i), lon=LON, category=category, at=T0)
    return index


def test_add_find_reports_a_nearby_rephrased_duplicate_with_a_bilingual_reason():
    index = make_index()
    index.add(key="old", text=POTHOLE, lat=LAT, lon=LON, category="ถนน", at=T0)
    index.add(key="lamp", text=LAMP, lat=north(30), lon=LON, category="แสงสว่าง", at=T0)

    found = index.find(
        text=POTHOLE_AGAIN, lat=north(80), lon=LON, category="ถนน", at=T0 + dt.timedelta(days=2)
    )

    assert [c.key for c in found] == ["old"]
    hit = found[0]
    assert hit.score >= DEFAULT_SETTINGS.threshold
    assert hit.distance_m == pytest.approx(80, abs=1)
    assert hit.category_match == "same"
    assert hit.age_s == 2 * 86400
    percent = round(100 * hit.text_similarity)
    assert hit.reason_th == f"ห่าง 80 ม. · ข้อความคล้ายกัน {percent}% · หมวดเดียวกัน · 2 วันก่อน"
    assert hit.reason_en == f"80 m away · text {percent}% similar · same category · 2 days ago"
    assert hit.reason("en") == hit.reason_en
    assert hit.reason() == hit.reason_th
    assert hit.as_dict()["reason_th"] == hit.reason_th


def test_service_functions_build_and_find():
    index = duplicate_index_build(
        rows=[{"key": 1, "text": POTHOLE, "lat": LAT, "lon": LON, "category": "ถนน", "at": T0}]
    )
    found = duplicates_find(index=index, text=POTHOLE, lat=LAT, lon=LON, category="ถนน", at=T0)
    assert [c.key for c in found] == [1]


def test_remove_forgets_a_complaint_and_reports_unknown_keys():
    index = make_index()
    index.add(key="old", text=POTHOLE, lat=LAT, lon=LON, category="ถนน", at=T0)
    assert "old" in index
    assert len(index) == 6

    assert index.remove("old") is True
    assert index.remove("old") is False
    assert "old" not in index
    assert len(index) == 5
    assert index.find(text=POTHOLE, lat=LAT, lon=LON, category="ถนน", at=T0) == []
    assert index.compare(key="old", text=POTHOLE, lat=LAT, lon=LON, at=T0) is None


def test_adding_a_stored_key_again_replaces_it():
    index = make_index()
    index.add(key="c1", text=POTHOLE, lat=LAT, lon=LON, category="ถนน", at=T0)
    index.add(key="c1", text=POTHOLE, lat=north(2000), lon=LON, category="ถนน", at=T0)

    assert len(index) == 6
    assert index.find(text=POTHOLE, lat=LAT, lon=LON, category="ถนน", at=T0) == []
    moved = index.find(text=POTHOLE, lat=north(2000), lon=LON, category="ถนน", at=T0)
    assert [c.key for c in moved] == ["c1"]


def test_removing_and_re_adding_restores_the_same_scores():
    """Document frequencies follow removals, so IDF (and every cosine) comes back the same."""
    index = make_index()
    index.add(key="old", text=POTHOLE, lat=LAT, lon=LON, category="ถนน", at=T0)
    before = index.compare(key="old", text=POTHOLE_AGAIN, lat=LAT, lon=LON, category="ถนน", at=T0)
    index.add(key="extra", text=POTHOLE, lat=north(5000), lon=LON, at=T0)
    index.remove("extra")
    after = index.compare(key="old", text=POTHOLE_AGAIN, lat=LAT, lon=LON, category="ถนน", at=T0)
    assert before is not None
    assert after is not None
    assert after.score == pytest.approx(before.score)


@pytest.mark.parametrize(("metres", "found"), [(0, True), (450, True), (550, False), (5000, False)])
def test_the_radius_gate_keeps_out_far_complaints_even_with_identical_text(metres, found):
    index = make_index()
    index.add(key="old", text=POTHOLE, lat=north(metres), lon=LON, category="ถนน", at=T0)
    hits = index.find(text=POTHOLE, lat=LAT, lon=LON, category="ถนน", at=T0, min_score=0.0)
    assert ("old" in [c.key for c in hits]) is found


@pytest.mark.parametrize(
    ("offset", "found"),
    [
        (dt.timedelta(days=-364), True),
        (dt.timedelta(days=-366), False),
        (dt.timedelta(minutes=30), True),  # clock skew: within an hour in the future is fine
        (dt.timedelta(hours=2), False),
    ],
)
def test_the_time_window_keeps_out_old_and_future_complaints(offset, found):
    index = make_index()
    index.add(key="old", text=POTHOLE, lat=LAT, lon=LON, category="ถนน", at=T0 + offset)
    hits = index.find(text=POTHOLE, lat=LAT, lon=LON, category="ถนน", at=T0, min_score=0.0)
    assert ("old" in [c.key for c in hits]) is found


def test_newer_and_nearer_complaints_score_higher():
    index = make_index()
    for key, metres, days in (("near-new", 20, 1), ("far-new", 400, 1), ("near-old", 20, 200)):
        index.add(
            key=key, text=POTHOLE, lat=north(metres), lon=LON, category="ถนน",
            at=T0 - dt.timedelta(days=days),
        )  # fmt: skip
    hits = index.find(text=POTHOLE, lat=LAT, lon=LON, category="ถนน", at=T0, min_score=0.0)
    scores = {c.key: c.score for c in hits}
    assert scores["near-new"] > scores["far-new"]
    assert scores["near-new"] > scores["near-old"]


def test_category_same_related_different_and_aliases():
    index = make_index()
    index.add(key="road", text=POTHOLE, lat=LAT, lon=LON, category=["ร้องเรียน", "ถนน"], at=T0)

    def match(category: object) -> str:
        hit = index.compare(key="road", text=POTHOLE, lat=LAT, lon=LON, category=category, at=T0)
        assert hit is not None
        return hit.category_match

    assert match("ถนน") == "same"
    assert match("ทางเท้า") == "related"  # road and footpath are one group
    assert match("สัตว์จรจัด") == "different"
    assert match(None) == "unknown"
    assert match("ร้องเรียน") == "unknown"  # "a complaint" says nothing about the problem
    index.add(key="light", text=LAMP, lat=LAT, lon=LON, category="แสงสว่าง", at=T0)
    hit = index.compare(key="light", text=LAMP, lat=LAT, lon=LON, category="ไฟฟ้า", at=T0)
    assert hit is not None
    assert hit.category_match == "same"  # the waiting queue's ไฟฟ้า is the export's แสงสว่าง


def test_find_orders_by_score_limits_and_excludes():
    index = make_index()
    for i in range(8):
        index.add(key=f"c{i}", text=POTHOLE, lat=north(40 * i), lon=LON, category="ถนน", at=T0)
    hits = index.find(text=POTHOLE, lat=LAT, lon=LON, category="ถนน", at=T0, limit=3)
    assert [c.key for c in hits] == ["c0", "c1", "c2"]
    assert [c.score for c in hits] == sorted((c.score for c in hits), reverse=True)
    hits = index.find(
        text=POTHOLE, lat=LAT, lon=LON, category="ถนน", at=T0, limit=3, exclude={"c0", "gone"}
    )
    assert [c.key for c in hits] == ["c1", "c2", "c3"]
    assert index.find(text=POTHOLE, lat=LAT, lon=LON, at=T0, limit=0) == []


def test_different_problems_at_the_same_spot_are_not_reported():
    index = make_index()
    index.add(key="tree", text=TREE, lat=LAT, lon=LON, category="ต้นไม้", at=T0)
    assert index.find(text=POTHOLE, lat=LAT, lon=LON, category="ถนน", at=T0) == []
    low = index.find(text=POTHOLE, lat=LAT, lon=LON, category="ถนน", at=T0, min_score=0.0)
    assert [c.key for c in low] == ["tree"]
    assert low[0].text_similarity == 0.0
    assert "ข้อความต่างกัน" in low[0].reason_th


def test_grid_search_gives_the_same_answers_as_a_full_scan():
    rnd = random.Random(7)
    words = ["ถนน", "หลุม", "ไฟ", "ดับ", "ขยะ", "ล้น", "ทางเท้า", "แตก", "น้ำ", "ท่วม", "ซอย 5"]
    cats = ["ถนน", "แสงสว่าง", "ความสะอาด", "ทางเท้า", None]
    rows = [
        {
            "key": i,
            "text": " ".join(rnd.sample(words, 4)),
            "lat": LAT + rnd.uniform(-0.02, 0.02),
            "lon": LON + rnd.uniform(-0.02, 0.02),
            "category": rnd.choice(cats),
            "at": T0 - dt.timedelta(days=rnd.uniform(0, 400)),
        }
        for i in range(2000)
    ]
    index = DuplicateIndex.from_rows(rows)
    for i in range(0, 300, 7):
        index.remove(i)
    for _ in range(40):
        query = {
            "text": " ".join(rnd.sample(words, 3)),
            "lat": LAT + rnd.uniform(-0.02, 0.02),
            "lon": LON + rnd.uniform(-0.02, 0.02),
            "category": rnd.choice(cats),
            "at": T0,
        }
        grid = index.find(**query, limit=10, min_score=0.3)
        scan = index.find(**query, limit=10, min_score=0.3, exhaustive=True)
        assert [c.key for c in grid] == [c.key for c in scan]
        for hit in grid:
            row = rows[hit.key]
            assert hit.distance_m == pytest.approx(
                haversine_m(query["lat"], query["lon"], row["lat"], row["lon"])
            )


def test_from_rows_accepts_iso_times_tokens_and_repeated_keys():
    rows = [
        {"key": "a", "text": "x", "lat": LAT, "lon": LON, "at": "2024-12-01T10:00:00+07:00"},
        {"key": "b", "text": "", "tokens": ["ถนน", "หลุม"], "lat": LAT, "lon": LON, "at": T0},
        {"key": "a", "text": POTHOLE, "lat": north(10), "lon": LON, "category": "ถนน", "at": T0},
    ]
    index = DuplicateIndex.from_rows(rows)
    assert len(index) == 2
    hit = index.compare(key="a", text=POTHOLE, lat=LAT, lon=LON, category="ถนน", at=T0)
    assert hit is not None
    assert hit.distance_m == pytest.approx(10, abs=0.5)
    pre = index.compare(key="b", text="ถนนเป็นหลุม", lat=LAT, lon=LON, at=T0)
    assert pre is not None
    assert pre.text_similarity == pytest.approx(1.0)


@pytest.mark.parametrize(
    "bad",
    [
        {"lat": None},
        {"lat": 95.0},
        {"lon": "east"},
        {"at": dt.datetime(2024, 12, 1)},  # noqa: DTZ001 - a naive time must be refused
        {"text": 42},
    ],
)
def test_bad_rows_are_refused_and_leave_the_index_unchanged(bad):
    index = make_index()
    good = {"key": "ok", "text": POTHOLE, "lat": LAT, "lon": LON, "at": T0}
    with pytest.raises((ValueError, TypeError)):
        index.add_many([good, {**good, "key": "bad", **bad}])
    assert len(index) == 5
    assert "ok" not in index
    with pytest.raises((ValueError, TypeError)):
        index.find(**{"text": POTHOLE, "lat": LAT, "lon": LON, "at": T0, **bad})


def test_find_without_a_time_means_now():
    index = make_index()
    index.add(key="now", text=POTHOLE, lat=LAT, lon=LON, category="ถนน")
    assert [c.key for c in index.find(text=POTHOLE, lat=LAT, lon=LON, category="ถนน")] == ["now"]


def test_a_complaint_with_no_words_still_matches_by_place_only_at_low_score():
    index = make_index()
    index.add(key="empty", text="!!! 😱", lat=LAT, lon=LON, category="ถนน", at=T0)
    hits = index.find(text=POTHOLE, lat=LAT, lon=LON, category="ถนน", at=T0, min_score=0.0)
    assert hits[0].key == "empty"
    assert hits[0].text_similarity == 0.0
    assert hits[0].score < DEFAULT_SETTINGS.threshold


def test_stats_count_rows_and_bytes():
    index = make_index()
    stats = index.stats()
    assert stats["stored"] == stats["rows"] == 5
    assert stats["vocabulary"] > 0
    assert stats["array_bytes"] > 0


@pytest.mark.parametrize(
    "bad",
    [
        {"radius_m": 0},
        {"weight_text": 0.9},  # weights no longer sum to one
        {"weight_text": 1.1, "weight_distance": -0.1},
        {"half_life_days": 0},
    ],
)
def test_impossible_settings_are_refused(bad):
    with pytest.raises(ValueError, match="must"):
        dataclasses.replace(DuplicateSettings(), **bad)


@pytest.mark.parametrize(
    ("metres", "seconds", "category", "th", "en"),
    [
        (3, 30, "unknown", "ห่างไม่ถึง 10 ม. · ข้อความคล้ายกัน 50% · เมื่อสักครู่",
         "under 10 m away · text 50% similar · just now"),
        (1234, 3600, "related", "ห่าง 1.2 กม. · ข้อความคล้ายกัน 50% · หมวดใกล้เคียง · 1 ชั่วโมงก่อน",
         "1.2 km away · text 50% similar · related category · 1 hour ago"),
        (248, 86400, "different", "ห่าง 250 ม. · ข้อความคล้ายกัน 50% · ต่างหมวด · 1 วันก่อน",
         "250 m away · text 50% similar · different category · 1 day ago"),
        (80, 600, "same", "ห่าง 80 ม. · ข้อความคล้ายกัน 50% · หมวดเดียวกัน · 10 นาทีก่อน",
         "80 m away · text 50% similar · same category · 10 minutes ago"),
        (80, -20, "same", "ห่าง 80 ม. · ข้อความคล้ายกัน 50% · หมวดเดียวกัน · เมื่อสักครู่",
         "80 m away · text 50% similar · same category · just now"),
    ],
)  # fmt: skip
def test_reasons_in_thai_and_english(metres, seconds, category, th, en):
    reason = reason_build(distance_m=metres, text_similarity=0.5, category=category, age_s=seconds)
    assert reason.th == th
    assert reason.en == en
