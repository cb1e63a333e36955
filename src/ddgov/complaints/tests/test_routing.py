"""Routing to the responsible agency: the table, the province map and the rules on real agencies."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import geothai
import pytest
from django.conf import settings

from ddgov.agencies.central import CENTRAL_AGENCIES
from ddgov.agencies.models import Agency
from ddgov.agencies.tests.factories import admin_area_real
from ddgov.complaints.classify.taxonomy import taxonomy_load
from ddgov.complaints.routing import geo
from ddgov.complaints.routing.geo import (
    DistrictPoint,
    district_locate,
    district_points,
    district_vote,
    path_rings,
    province_locate,
    province_shapes,
)
from ddgov.complaints.routing.services import complaint_route
from ddgov.complaints.routing.table import table_load, table_parse

BANGKOK = (13.7563, 100.5018)  # Democracy Monument, Phra Nakhon
CHIANG_MAI = (18.7883, 98.9853)  # old city
NONTHABURI = (13.8621, 100.5144)
KHON_KAEN = (16.4419, 102.8360)
YANGON = (16.8409, 96.1735)
BANG_KAPI = (13.77, 100.64)  # the reviewer's pin; address_id 100608 (Hua Mak) is in Bang Kapi
SUVARNABHUMI = (13.69, 100.75)  # the airport is in Samut Prakan, not Bangkok
GULF = (13.2, 100.5)  # the Bight of Bangkok, far from any shore
BANGKOK_SHORE = (13.52, 100.45)  # Bang Khun Thian mangroves: no complaint within 1.5 km
BANGKOK_MIXED = (13.74, 100.66)  # complaints nearby, but their districts disagree


# --- the table -------------------------------------------------------------------------------


def test_every_category_has_a_rule_and_every_rule_a_category() -> None:
    codes = {c.code for c in taxonomy_load().categories}
    assert set(table_load().rules) == codes


def test_table_names_only_agencies_the_seeder_knows() -> None:
    seeded = {row[0] for row in CENTRAL_AGENCIES}
    assert table_load().agency_codes() <= seeded
    assert "opm-ops" in table_load().agency_codes()


def test_table_rejects_a_malformed_target() -> None:
    with pytest.raises(ValueError, match="bad routing target"):
        table_parse(
            data={"version": 1, "categories": {"road": {"route": ["moon"]}}, "fallback": []}
        )


# --- the province map --------------------------------------------------------------------------


def test_path_parser_reads_relative_moves_after_close() -> None:
    rings = path_rings("M10 10l5 0 0 5-5 0zm20 0l1 0 0 1z")
    assert rings[0] == [(10, 10), (15, 10), (15, 15), (10, 15)]
    assert rings[1] == [(30, 10), (31, 10), (31, 11)]


def test_map_has_every_province() -> None:
    shapes = province_shapes()
    assert len(shapes) == 77
    assert all(s.rings for s in shapes)


@pytest.mark.parametrize(
    ("point", "code"),
    [
        (BANGKOK, "10"),
        (CHIANG_MAI, "50"),
        (NONTHABURI, "12"),
        (KHON_KAEN, "40"),
        ((7.8804, 98.3923), "83"),  # Phuket town
        ((7.0086, 100.4747), "90"),  # Hat Yai, Songkhla
        ((9.512, 100.0136), "84"),  # Ko Samui, Surat Thani
    ],
)
def test_point_in_province(point: tuple[float, float], code: str) -> None:
    hit = province_locate(lat=point[0], lon=point[1])
    assert hit is not None
    assert hit.code == code
    assert hit.distance_km == 0


@pytest.mark.parametrize("point", [YANGON, (0.0, 0.0), (3.139, 101.6869)])  # Kuala Lumpur
def test_point_abroad_has_no_province(point: tuple[float, float]) -> None:
    assert province_locate(lat=point[0], lon=point[1]) is None


@pytest.mark.shared_data
def test_projection_constants_match_the_source_map() -> None:
    source = settings.SHARED_DATA_DIR / "geo" / "provinces.geojson"
    if not source.exists():
        pytest.skip("shared data not present")
    data = json.loads(source.read_text(encoding="utf-8"))
    points = [
        p
        for f in data["features"]
        for poly in f["geometry"]["coordinates"]
        for r in poly
        for p in r
    ]
    assert math.isclose(min(p[0] for p in points), geo.LON0)
    assert math.isclose(max(p[1] for p in points), geo.LAT_TOP)
    assert math.isclose(min(p[1] for p in points), geo.LAT_BOTTOM)


# --- the Bangkok district locator -------------------------------------------------------------


@pytest.mark.parametrize(
    ("point", "code"),
    [
        (BANGKOK, "1001"),  # Democracy Monument, Phra Nakhon
        ((13.7500, 100.4913), "1001"),  # the Grand Palace, Phra Nakhon
        (BANG_KAPI, "1006"),
        ((13.7466, 100.5393), "1007"),  # CentralWorld, Pathum Wan
        ((13.7307, 100.5418), "1007"),  # Lumphini Park, Pathum Wan
        ((13.8036, 100.5530), "1030"),  # Chatuchak Park
        ((13.7600, 100.4847), "1020"),  # Thon Buri railway station, Bangkok Noi
    ],
)
def test_pins_at_well_known_places_locate_to_their_district(
    point: tuple[float, float], code: str
) -> None:
    hit = district_locate(lat=point[0], lon=point[1])
    assert hit is not None
    assert hit.code == code
    assert hit.name_th == geothai.district(code).name_th
    assert hit.name_en == geothai.district(code).name_en
    assert hit.distance_km <= 1.5
    assert hit.share >= 0.6


# Real Traffy Fondue tickets (org_state_2025-05) that the build holds out: never shipped.
@pytest.mark.parametrize(
    ("ticket", "lat", "lon", "code"),
    [
        ("2025-2AKTLE", 13.72597, 100.50954, "1018"),  # Khlong San
        ("2025-2JPR7T", 13.7269, 100.52284, "1004"),  # Bang Rak
        ("2025-2JZ9FR", 13.70563, 100.53414, "1028"),  # Sathon
        ("2025-2W6F87", 13.76822, 100.64199, "1006"),  # Bang Kapi
        ("2025-2YFLAG", 13.81477, 100.82462, "1003"),  # Nong Chok
        ("2025-2Z8WNY", 13.75887, 100.70037, "1044"),  # Saphan Sung
    ],
)
def test_held_out_traffy_rows_locate_to_their_district(
    ticket: str, lat: float, lon: float, code: str
) -> None:
    assert ticket
    hit = district_locate(lat=lat, lon=lon)
    assert hit is not None
    assert hit.code == code


@pytest.mark.parametrize("point", [BANGKOK_SHORE, BANGKOK_MIXED, GULF, CHIANG_MAI])
def test_locator_refuses_far_or_mixed_points(point: tuple[float, float]) -> None:
    assert district_locate(lat=point[0], lon=point[1]) is None


def test_vote_refuses_a_weak_majority_and_far_points() -> None:
    points = (
        DistrictPoint(lat=13.7000, lon=100.5000, district_code="1001"),
        DistrictPoint(lat=13.7001, lon=100.5000, district_code="1002"),
    )
    assert district_vote(lat=13.70005, lon=100.5, points=points) is None  # 50/50
    assert district_vote(lat=13.8, lon=100.5, points=points) is None  # 11 km away
    assert district_vote(lat=13.7, lon=100.5, points=()) is None
    points += (DistrictPoint(lat=13.6999, lon=100.5000, district_code="1001"),)
    vote = district_vote(lat=13.69995, lon=100.5, points=points)
    assert vote is not None
    assert (vote.code, vote.votes, vote.voters) == ("1001", 2, 3)
    assert 0.6 <= vote.share < 1


def test_shipped_points_are_real_bangkok_districts() -> None:
    path = geo.POINTS_PATH
    assert path.stat().st_size < 300_000
    document = json.loads(path.read_text(encoding="utf-8"))
    bangkok = {d.code: d for d in geothai.districts("10")}
    assert set(document["districts"]) == set(bangkok)  # all 50 have points
    for code, (name_th, name_en) in document["districts"].items():
        assert (name_th, name_en) == (bangkok[code].name_th, bangkok[code].name_en)
    points, _ = district_points()
    assert len(points) == document["counts"]["points"] == len(document["points"])
    per_district: dict[str, int] = {}
    for point in points:
        assert point.district_code in bangkok
        if point.subdistrict_code is not None:
            sub = geothai.subdistrict(point.subdistrict_code)
            assert sub is not None
            assert sub.district_code == point.district_code
        assert round(point.lat, 4) == point.lat
        assert round(point.lon, 4) == point.lon
        per_district[point.district_code] = per_district.get(point.district_code, 0) + 1
    assert max(per_district.values()) <= 150
    assert document["sources"]


def test_shipped_points_lie_in_bangkok() -> None:
    points, _ = district_points()
    for point in points[::7]:  # a seventh keeps this fast; the build checks every point
        hit = province_locate(lat=point.lat, lon=point.lon)
        assert hit is not None
        assert hit.code == "10"


@pytest.mark.shared_data
def test_build_script_reproduces_the_shipped_points(shared_data: Path) -> None:
    script = Path(__file__).resolve().parents[4] / "scripts" / "complaints-build-district-points"
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(script), "--check", "--source", str(shared_data / "traffy")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


# --- the rules on real agencies ------------------------------------------------------------------


def test_local_matter_with_a_subdistrict_goes_to_its_lao(directory: dict[str, Agency]) -> None:
    decision = complaint_route(category_code="road", lat=None, lon=None, subdistrict_code="500101")
    assert decision.agency == directory["sao-500101"]
    assert decision.rule == "road:lao"
    assert decision.precision == "subdistrict"
    assert directory["sao-500101"].name_th in decision.reason_th
    assert "ถนน" in decision.reason_th


def test_local_matter_in_bangkok_goes_to_the_district_office(directory: dict[str, Agency]) -> None:
    decision = complaint_route(
        category_code="cleanliness", lat=None, lon=None, subdistrict_code="100101"
    )
    assert decision.agency == directory["bkk-1001"]
    assert decision.rule == "cleanliness:district_office"
    assert "สำนักงานเขต" in decision.reason_th


def test_local_matter_by_bangkok_coordinates_goes_to_the_district_office(
    directory: dict[str, Agency],
) -> None:
    decision = complaint_route(category_code="road", lat=BANGKOK[0], lon=BANGKOK[1])
    assert decision.agency == directory["bkk-1001"]
    assert decision.rule == "road:district_office"
    assert decision.province_code == "10"
    assert decision.district_code == "1001"
    assert decision.subdistrict_code is None
    assert decision.precision == "district"
    assert "สำนักงานเขต" in decision.reason_th
    assert "อนุมานเขตจากเรื่องร้องเรียน" in decision.reason_th
    assert "เขตพระนคร" in decision.reason_th
    assert "nearby reported complaints" in decision.reason_en


def test_bangkok_pin_without_its_district_office_goes_to_the_bma(
    directory: dict[str, Agency],
) -> None:
    decision = complaint_route(category_code="road", lat=BANG_KAPI[0], lon=BANG_KAPI[1])
    assert decision.agency == directory["bma"]  # the fixture has no bkk-1006
    assert decision.rule == "road:bma"
    assert decision.district_code == "1006"
    assert decision.precision == "district"
    assert "เขตบางกะปิ" in decision.reason_th


def test_bangkok_pin_routes_to_any_district_office_in_the_directory(
    directory: dict[str, Agency],
) -> None:
    area = admin_area_real("1006")
    office = Agency.objects.create(
        code="bkk-1006",
        name_th=f"สำนักงาน{area.name_th}",
        name_en=f"{area.name_en} District Office",
        kind=Agency.Kind.DISTRICT_OFFICE,
        parent=directory["bma"],
        area=area,
    )
    decision = complaint_route(category_code="cleanliness", lat=BANG_KAPI[0], lon=BANG_KAPI[1])
    assert decision.agency == office
    assert decision.rule == "cleanliness:district_office"
    assert "สำนักงานเขตบางกะปิ" in decision.reason_th


@pytest.mark.parametrize("point", [BANGKOK_SHORE, BANGKOK_MIXED])
def test_bangkok_pin_with_no_clear_district_stays_at_the_bma(
    directory: dict[str, Agency], point: tuple[float, float]
) -> None:
    decision = complaint_route(category_code="road", lat=point[0], lon=point[1])
    assert decision.agency == directory["bma"]
    assert decision.rule == "road:bma"
    assert decision.province_code == "10"
    assert decision.district_code is None
    assert decision.precision == "province"
    assert "ระดับจังหวัด" in decision.reason_th
    assert "province only" in decision.reason_en


def test_subdistrict_code_sets_the_district_code(directory: dict[str, Agency]) -> None:
    decision = complaint_route(category_code="road", lat=None, lon=None, subdistrict_code="100608")
    assert decision.precision == "subdistrict"
    assert decision.district_code == "1006"
    elsewhere = complaint_route(category_code="road", lat=None, lon=None, subdistrict_code="500101")
    assert elsewhere.district_code == "5001"


def test_pins_outside_bangkok_stay_province_level(directory: dict[str, Agency]) -> None:
    for point in (NONTHABURI, CHIANG_MAI, SUVARNABHUMI):
        decision = complaint_route(category_code="road", lat=point[0], lon=point[1])
        assert decision.precision == "province"
        assert decision.district_code is None
    offshore = complaint_route(category_code="road", lat=GULF[0], lon=GULF[1])
    assert offshore.agency == directory["opm-ops"]
    assert offshore.province_code is None
    assert offshore.precision == "none"


def test_local_matter_by_coordinates_elsewhere_falls_back_to_the_province(
    directory: dict[str, Agency],
) -> None:
    decision = complaint_route(category_code="lighting", lat=CHIANG_MAI[0], lon=CHIANG_MAI[1])
    assert decision.agency == directory["prov-50"]
    assert decision.rule == "fallback:province"
    assert "เชียงใหม่" in decision.reason_th


def test_subdistrict_without_a_lao_falls_back_to_the_province(directory: dict[str, Agency]) -> None:
    decision = complaint_route(category_code="trees", lat=None, lon=None, subdistrict_code="500102")
    assert decision.agency == directory["prov-50"]
    assert decision.rule == "fallback:province"


@pytest.mark.parametrize(
    ("point", "agency"),
    [(BANGKOK, "mea"), (NONTHABURI, "mea"), (CHIANG_MAI, "pea"), (KHON_KAEN, "pea")],
)
def test_wires_go_to_the_electricity_authority_of_the_area(
    directory: dict[str, Agency], point: tuple[float, float], agency: str
) -> None:
    decision = complaint_route(category_code="wires", lat=point[0], lon=point[1])
    assert decision.agency == directory[agency]
    assert decision.rule == f"wires:agency:{agency}"
    assert directory[agency].name_th in decision.reason_th


def test_wires_without_a_location_go_to_the_1111_centre(directory: dict[str, Agency]) -> None:
    decision = complaint_route(category_code="wires", lat=None, lon=None)
    assert decision.agency == directory["opm-ops"]
    assert decision.rule == "fallback:agency:opm-ops"
    assert "1111" in decision.reason_th
    assert "ไม่ได้ระบุตำแหน่ง" in decision.reason_th


def test_water_supply_mwa_in_the_metro_area_else_local(directory: dict[str, Agency]) -> None:
    metro = complaint_route(category_code="water_supply", lat=BANGKOK[0], lon=BANGKOK[1])
    assert metro.agency == directory["mwa"]
    local = complaint_route(
        category_code="water_supply", lat=None, lon=None, subdistrict_code="500101"
    )
    assert local.agency == directory["sao-500101"]
    assert local.rule == "water_supply:lao"


@pytest.mark.parametrize(
    ("category", "agency"), [("pm25", "pcd"), ("homeless", "dsdw"), ("transport", "dlt")]
)
def test_central_categories_need_no_location(
    directory: dict[str, Agency], category: str, agency: str
) -> None:
    decision = complaint_route(category_code=category, lat=None, lon=None)
    assert decision.agency == directory[agency]
    assert decision.rule == f"{category}:agency:{agency}"
    assert "ตำแหน่ง" not in decision.reason_th  # the place did not matter


def test_inactive_agency_is_skipped(directory: dict[str, Agency]) -> None:
    Agency.objects.filter(code="mea").update(is_active=False)
    decision = complaint_route(category_code="wires", lat=BANGKOK[0], lon=BANGKOK[1])
    assert decision.agency == directory["bma"]
    assert decision.rule == "fallback:province"


def test_coordinates_abroad_go_to_the_1111_centre(directory: dict[str, Agency]) -> None:
    decision = complaint_route(category_code="road", lat=YANGON[0], lon=YANGON[1])
    assert decision.agency == directory["opm-ops"]
    assert decision.province_code is None
    assert "นอกประเทศไทย" in decision.reason_th


def test_unknown_category_falls_back(directory: dict[str, Agency]) -> None:
    decision = complaint_route(category_code="ufo", lat=CHIANG_MAI[0], lon=CHIANG_MAI[1])
    assert decision.agency == directory["prov-50"]
    assert decision.rule == "fallback:province"
    assert "ufo" in decision.reason_en


@pytest.mark.django_db
def test_empty_directory_routes_nowhere() -> None:
    decision = complaint_route(category_code="road", lat=BANGKOK[0], lon=BANGKOK[1])
    assert decision.agency is None
    assert decision.rule == "none"
    assert decision.reason_th


@pytest.mark.django_db
def test_unknown_subdistrict_code_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown subdistrict"):
        complaint_route(category_code="road", lat=None, lon=None, subdistrict_code="999999")
