"""Routing a complaint to the responsible agency by its category and location.

``complaint_route`` answers "who should handle this?" with an agency and a short explanation in
Thai and English. The category decides the kind of agency (``rules.json``): local matters go to
the local government of the place, some categories to a central agency (electricity, water,
pollution, transport …), and whatever has no answer falls back to the provincial office or the
1111 centre. The place comes from a subdistrict code (an address picked from geothai) or from
coordinates. geothai carries no coordinates for districts or subdistricts, so coordinates resolve
to the province by the shipped map; in Bangkok the district (เขต) is then inferred from nearby
reported Traffy Fondue complaints (:func:`~ddgov.complaints.routing.geo.district_locate`), so a
local matter pinned in Bangkok goes to the district office. Elsewhere, and in Bangkok where the
district cannot be inferred, local matters located by coordinates alone go to the province-level
local government (the BMA in Bangkok) or the provincial office, and the reason says so.

Agencies are read through :mod:`ddgov.agencies.selectors` only; an agency missing from the
directory (not seeded, inactive) is skipped and the next target is tried.
"""

from __future__ import annotations

from dataclasses import dataclass

import geothai

from ddgov.agencies.models import Agency
from ddgov.agencies.selectors import agency_get, agency_list
from ddgov.complaints.classify.taxonomy import taxonomy_load
from ddgov.complaints.routing.geo import district_locate, province_locate
from ddgov.complaints.routing.table import AGENCY, LOCAL, PROVINCE, Target, table_load

BANGKOK = "10"
PRECISION_SUBDISTRICT = "subdistrict"
PRECISION_DISTRICT = "district"
PRECISION_PROVINCE = "province"
PRECISION_NONE = "none"


@dataclass(frozen=True)
class RouteDecision:
    """Where a complaint goes and why.

    ``rule`` names the rule that decided, e.g. ``road:lao``, ``road:district_office``,
    ``wires:agency:mea``, ``fallback:province``, ``fallback:agency:opm-ops``, or ``none`` when no
    agency in the directory fits. ``precision`` says how exactly the place was known:
    ``subdistrict`` (a subdistrict code), ``district`` (a Bangkok pin whose district was inferred
    from nearby reported complaints), ``province`` or ``none``. ``district_code`` is set for
    the first two.
    """

    agency: Agency | None
    reason_th: str
    reason_en: str
    rule: str
    province_code: str | None = None
    subdistrict_code: str | None = None
    precision: str = PRECISION_NONE
    district_code: str | None = None


@dataclass(frozen=True)
class _Place:
    province_code: str | None = None
    province_th: str = ""
    province_en: str = ""
    district_code: str | None = None
    subdistrict_code: str | None = None
    subdistrict_th: str = ""
    subdistrict_en: str = ""
    precision: str = PRECISION_NONE
    note_th: str = ""
    note_en: str = ""


def _province_th(code: str, name: str) -> str:
    return name if code == BANGKOK else f"จังหวัด{name}"


def _place(*, lat: float | None, lon: float | None, subdistrict_code: str | None) -> _Place:
    """Where the complaint is, as exactly as the inputs allow (subdistrict code wins)."""
    if subdistrict_code:
        sub = geothai.subdistrict(subdistrict_code)
        if sub is None:
            raise ValueError(f"unknown subdistrict code {subdistrict_code!r}")
        province = geothai.province(sub.province_code)
        return _Place(
            province_code=sub.province_code,
            province_th=province.name_th if province else "",
            province_en=province.name_en if province else "",
            district_code=sub.district_code,
            subdistrict_code=sub.code,
            subdistrict_th=sub.name_th,
            subdistrict_en=sub.name_en,
            precision=PRECISION_SUBDISTRICT,
        )
    if lat is None or lon is None:
        return _Place(note_th="ไม่ได้ระบุตำแหน่ง", note_en="No location was given.")
    hit = province_locate(lat=lat, lon=lon)
    if hit is None:
        return _Place(
            note_th="พิกัดที่ให้มาอยู่นอกประเทศไทย",
            note_en="The coordinates are outside Thailand.",
        )
    near_th = f" (ห่างจากเขตจังหวัดราว {hit.distance_km:.1f} กม.)" if hit.distance_km else ""
    near_en = f" (about {hit.distance_km:.1f} km outside its boundary)" if hit.distance_km else ""
    if hit.code == BANGKOK and not hit.distance_km:
        district = district_locate(lat=lat, lon=lon)
        if district is not None:
            return _Place(
                province_code=hit.code,
                province_th=hit.name_th,
                province_en=hit.name_en,
                district_code=district.code,
                precision=PRECISION_DISTRICT,
                note_th=(
                    f"พิกัดอยู่ใน{district.name_th} กรุงเทพมหานคร โดยอนุมานเขตจากเรื่องร้องเรียน"
                    f"ที่มีผู้แจ้งไว้ใกล้เคียง {district.votes} จาก {district.voters} เรื่อง"
                    f" (ใกล้สุดห่าง {district.distance_km * 1000:.0f} ม.)"
                ),
                note_en=(
                    f"The coordinates lie in {district.name_en} district, Bangkok, inferred from "
                    f"nearby reported complaints ({district.votes} of the {district.voters} "
                    f"nearest; the closest {district.distance_km * 1000:.0f} m away)."
                ),
            )
    if hit.code == BANGKOK:
        why_th = "เพราะไม่มีเรื่องร้องเรียนที่แจ้งไว้ใกล้พอจะอนุมานเขตได้"
        why_en = "too few reported complaints nearby agree on a district"
    else:
        why_th = "เพราะยังไม่มีพิกัดของตำบล"
        why_en = "no subdistrict coordinates are available"
    return _Place(
        province_code=hit.code,
        province_th=hit.name_th,
        province_en=hit.name_en,
        precision=PRECISION_PROVINCE,
        note_th=(
            f"พิกัดอยู่ใน{_province_th(hit.code, hit.name_th)}{near_th} "
            f"ระบุพื้นที่ได้ถึงระดับจังหวัดเท่านั้น {why_th}"
        ),
        note_en=(
            f"The coordinates lie in {hit.name_en}{near_en}; the place is known to the province "
            f"only, as {why_en}."
        ),
    )


def _area_agency(*, area_code: str, kinds: tuple[str, ...]) -> Agency | None:
    """The active agency of one of ``kinds`` whose area is ``area_code``, if the directory has one."""
    return agency_list().filter(kind__in=kinds, area_id=area_code).order_by("kind", "code").first()


def _central(code: str) -> Agency | None:
    agency = agency_get(code=code)
    return agency if agency is not None and agency.is_active else None


@dataclass(frozen=True)
class _Hit:
    agency: Agency
    rule: str
    reason_th: str
    reason_en: str


def _local(place: _Place, label_th: str, label_en: str) -> _Hit | None:
    """The local government of the place: LAO of the subdistrict, district office, or the BMA."""
    if place.subdistrict_code:
        lao = _area_agency(
            area_code=place.subdistrict_code,
            kinds=(Agency.Kind.MUNICIPALITY, Agency.Kind.SAO),
        )
        if lao is not None:
            return _Hit(
                lao,
                "lao",
                f"เรื่อง{label_th}เป็นภารกิจขององค์กรปกครองส่วนท้องถิ่น จึงส่งให้{lao.name_th} "
                f"ซึ่งรับผิดชอบพื้นที่ตำบล{place.subdistrict_th}",
                f"{label_en} is a local government matter, so it goes to {lao.name_en}, "
                f"responsible for {place.subdistrict_en} subdistrict.",
            )
    if place.district_code:
        office = _area_agency(area_code=place.district_code, kinds=(Agency.Kind.DISTRICT_OFFICE,))
        if office is not None:
            bangkok = place.province_code == BANGKOK
            return _Hit(
                office,
                "district_office",
                (
                    f"เรื่อง{label_th}ในกรุงเทพมหานครเป็นภารกิจของสำนักงานเขต จึงส่งให้{office.name_th}"
                    if bangkok
                    else f"ไม่พบองค์กรปกครองส่วนท้องถิ่นของตำบล{place.subdistrict_th}ในทะเบียน"
                    f"หน่วยงาน จึงส่งให้{office.name_th}"
                ),
                (
                    f"In Bangkok, {label_en} is the district office's job: {office.name_en}."
                    if bangkok
                    else f"The directory has no local government for {place.subdistrict_en} "
                    f"subdistrict, so it goes to {office.name_en}."
                ),
            )
    if place.province_code == BANGKOK:
        bma = _area_agency(area_code=BANGKOK, kinds=(Agency.Kind.BMA,))
        if bma is not None:
            return _Hit(
                bma,
                "bma",
                f"เรื่อง{label_th}ในกรุงเทพมหานครเป็นภารกิจของ{bma.name_th}",
                f"In Bangkok, {label_en} is a matter for the {bma.name_en}.",
            )
    return None


def _province(place: _Place) -> Agency | None:
    if place.province_code is None:
        return None
    kinds = (Agency.Kind.BMA,) if place.province_code == BANGKOK else (Agency.Kind.PROVINCE,)
    return _area_agency(area_code=place.province_code, kinds=kinds)


def _try(target: Target, place: _Place, label_th: str, label_en: str) -> _Hit | None:
    """Resolve one target against the place and the directory, or None to try the next."""
    if target.kind == LOCAL:
        return _local(place, label_th, label_en)
    if target.kind == PROVINCE:
        agency = _province(place)
        if agency is None:
            return None
        return _Hit(
            agency,
            "province",
            f"ไม่พบหน่วยงานที่รับผิดชอบเรื่อง{label_th}ในพื้นที่โดยตรง จึงส่งให้{agency.name_th} เพื่อพิจารณาส่งต่อ",
            f"No agency in the directory is directly responsible for {label_en} here, so it goes "
            f"to {agency.name_en} to forward.",
        )
    return _try_agency(target, place, label_th, label_en)


def _try_agency(target: Target, place: _Place, label_th: str, label_en: str) -> _Hit | None:
    """A central agency, if the place qualifies and the directory has it."""
    if target.provinces is not None and place.province_code not in target.provinces:
        return None
    if (target.needs_province or target.except_provinces) and place.province_code is None:
        return None
    if place.province_code in target.except_provinces:
        return None
    agency = _central(target.agency_code)
    if agency is None:
        return None
    regional = target.provinces is not None or bool(target.except_provinces)
    where_th = (
        f"ใน{_province_th(place.province_code, place.province_th)}"
        if regional and place.province_code
        else ""
    )
    where_en = f" in {place.province_en}" if regional else ""
    return _Hit(
        agency,
        f"agency:{agency.code}",
        f"เรื่อง{label_th}{where_th}ส่งให้{agency.name_th}",
        f"{label_en}{where_en} goes to {agency.name_en}.",
    )


def _uses_place(targets: tuple[Target, ...]) -> bool:
    return any(
        t.kind != AGENCY or t.provinces is not None or t.except_provinces or t.needs_province
        for t in targets
    )


def complaint_route(
    *,
    category_code: str,
    lat: float | None,
    lon: float | None,
    subdistrict_code: str | None = None,
) -> RouteDecision:
    """Decide the responsible agency for a complaint of ``category_code`` at a place.

    The place is ``subdistrict_code`` when given (an address), else ``lat``/``lon`` (resolved to
    the province; in Bangkok to the district when nearby reported complaints agree on one), else
    unknown. The category's targets from ``rules.json`` are tried in order,
    then the fallback (the provincial office, then the 1111 centre). Raises ValueError for an
    unknown ``subdistrict_code``; an unknown category goes straight to the fallback.
    """
    place = _place(lat=lat, lon=lon, subdistrict_code=subdistrict_code)
    table = table_load()
    try:
        category = taxonomy_load().get(category_code)
        label_th, label_en = category.label_th, category.label_en
    except KeyError:
        label_th, label_en = category_code, category_code
    rule = table.rules.get(category_code)
    targets = rule.targets if rule else ()
    hit: _Hit | None = None
    name = category_code
    for target in targets:
        hit = _try(target, place, label_th, label_en)
        if hit is not None:
            break
    if hit is None:
        name = "fallback"
        for target in table.fallback:
            hit = _try(target, place, label_th, label_en)
            if hit is not None:
                if target.kind == AGENCY:
                    hit = _Hit(
                        hit.agency,
                        hit.rule,
                        "ไม่สามารถระบุหน่วยงานที่รับผิดชอบได้ จึงส่งให้ศูนย์บริการประชาชน 1111 "
                        f"({hit.agency.name_th}) เพื่อพิจารณาส่งต่อ",
                        "No responsible agency could be determined, so it goes to the 1111 "
                        f"centre ({hit.agency.name_en}) to forward.",
                    )
                break
    parts_th: list[str] = []
    parts_en: list[str] = []
    if hit is None:
        parts_th.append("ไม่พบหน่วยงานที่รับผิดชอบในทะเบียนหน่วยงาน")
        parts_en.append("No responsible agency was found in the agency directory.")
    else:
        parts_th.append(hit.reason_th)
        parts_en.append(hit.reason_en)
    if rule is None:
        parts_th.append(f"ไม่มีกฎการส่งต่อสำหรับหมวด {category_code}")
        parts_en.append(f"There is no routing rule for category {category_code!r}.")
    elif name != "fallback" and rule.note_th:
        parts_th.append(rule.note_th)
        parts_en.append(rule.note_en + ".")
    if place.note_th and (name == "fallback" or _uses_place(targets)):
        parts_th.append(place.note_th)
        parts_en.append(place.note_en)
    return RouteDecision(
        agency=hit.agency if hit else None,
        reason_th=" ".join(parts_th),
        reason_en=" ".join(parts_en),
        rule=f"{name}:{hit.rule}" if hit else "none",
        province_code=place.province_code,
        subdistrict_code=place.subdistrict_code,
        precision=place.precision,
        district_code=place.district_code,
    )
