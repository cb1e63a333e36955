"""Routing to the responsible agency: the table, the province map and the rules on real agencies."""

from __future__ import annotations

import json
import math

import pytest
from django.conf import settings

from ddgov.agencies.central import CENTRAL_AGENCIES
from ddgov.agencies.models import Agency
from ddgov.complaints.classify.taxonomy import taxonomy_load
from ddgov.complaints.routing import geo
from ddgov.complaints.routing.geo import path_rings, province_locate, province_shapes
from ddgov.complaints.routing.services import complaint_route
from ddgov.complaints.routing.table import table_load, table_parse

BANGKOK = (13.7563, 100.5018)  # Democracy Monument, Phra Nakhon
CHIANG_MAI = (18.7883, 98.9853)  # old city
NONTHABURI = (13.8621, 100.5144)
KHON_KAEN = (16.4419, 102.8360)
YANGON = (16.8409, 96.1735)


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


def test_local_matter_by_bangkok_coordinates_goes_to_the_bma(directory: dict[str, Agency]) -> None:
    decision = complaint_route(category_code="road", lat=BANGKOK[0], lon=BANGKOK[1])
    assert decision.agency == directory["bma"]
    assert decision.rule == "road:bma"
    assert decision.province_code == "10"
    assert decision.precision == "province"
    assert "ระดับจังหวัด" in decision.reason_th
    assert "province only" in decision.reason_en


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
