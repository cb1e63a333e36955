"""Which province a point lies in, from the shipped simplified province map.

The map (``analytics/static/analytics/provinces.json``, made by ``scripts/simplify-provinces``)
holds one SVG path per province in a projected plane: equirectangular around 13° N, y down,
1,000 units from Thailand's southernmost to northernmost point, plus a 4-unit margin. The
projection's constants are not stored in the file, so they are repeated here (taken from the
source ``provinces.geojson``; a test checks them against it when the shared data is present).

Borders are simplified to about 0.4 units (≈ 0.7 km), so a point within a few hundred metres of a
border may land in the neighbour; a point in no polygon (a dropped small island, the shore)
goes to the nearest province within :data:`NEAREST_MAX_UNITS`. Pure Python, parsed once.

Below the province, geothai has no coordinates at all. For Bangkok only, :func:`district_locate`
infers the district (เขต) from the nearest real Traffy Fondue complaints labelled with their
district (``bangkok_points.json``, made by ``scripts/complaints-build-district-points``): a
distance-weighted majority vote of the :data:`DISTRICT_K` nearest points, refused when the nearest point is farther
than :data:`DISTRICT_MAX_KM` or the vote is weak. Other provinces stay province-level: there is no
labelled point data for them.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

POINTS_PATH = Path(__file__).resolve().parent / "bangkok_points.json"
MAP_PATH = (
    Path(__file__).resolve().parents[2] / "analytics" / "static" / "analytics" / "provinces.json"
)
# Projection of scripts/simplify-provinces (bounding box of the source provinces.geojson).
LON0 = 97.34378949738154
LAT_TOP = 20.464602932765516
LAT_BOTTOM = 5.61287114066151
HEIGHT = 1000.0
MARGIN = 4.0
SCALE = HEIGHT / (LAT_TOP - LAT_BOTTOM)  # units per degree of latitude
COS_LAT0 = math.cos(math.radians(13.0))
KM_PER_UNIT = 111.32 / SCALE
NEAREST_MAX_UNITS = 5.0  # ≈ 8 km: shores and small islands the simplified map dropped
DISTRICT_K = 5  # labelled points that vote on a pin's district
DISTRICT_WEIGHT_KM = 0.05  # a vote weighs 1 / (distance + this)
DISTRICT_MAX_KM = 1.5  # no answer when the nearest labelled point is farther than this
DISTRICT_MIN_SHARE = 0.6  # no answer when the winner has less than this share of the vote weight
KM_PER_DEGREE_LAT = 110.57
KM_PER_DEGREE_LON = 111.32 * math.cos(math.radians(13.75))  # at Bangkok's latitude

Point = tuple[float, float]
_TOKEN = re.compile(r"[MmLlZz]|-?(?:\d+(?:\.\d*)?|\.\d+)")


@dataclass(frozen=True)
class ProvinceShape:
    """One province's rings in map units and their bounding box."""

    code: str
    name_th: str
    name_en: str
    rings: tuple[tuple[Point, ...], ...]
    bbox: tuple[float, float, float, float]  # min x, min y, max x, max y


@dataclass(frozen=True)
class ProvinceHit:
    """The province found for a point, and how far outside its outline the point was (km)."""

    code: str
    name_th: str
    name_en: str
    distance_km: float = 0.0


def project(*, lat: float, lon: float) -> Point:
    """Latitude/longitude → map units, exactly as the map was drawn."""
    return ((lon - LON0) * SCALE * COS_LAT0 + MARGIN, (LAT_TOP - lat) * SCALE + MARGIN)


def path_rings(d: str) -> list[list[Point]]:
    """Parse the map's SVG path data (``M``/``m`` moves, relative ``l`` lines, ``z``) into rings."""
    rings: list[list[Point]] = []
    ring: list[Point] = []
    start: Point = (0.0, 0.0)
    x = y = 0.0
    command = ""
    numbers: list[float] = []

    def flush() -> None:
        nonlocal x, y, start, ring
        pairs = list(zip(numbers[0::2], numbers[1::2], strict=False))
        for i, (dx, dy) in enumerate(pairs):
            if command in "Mm" and i == 0:
                if ring:
                    rings.append(ring)
                x, y = (dx, dy) if command == "M" else (start[0] + dx, start[1] + dy)
                start = (x, y)
                ring = [start]
            elif command == "L":
                x, y = dx, dy
                ring.append((x, y))
            else:  # l, and implicit line-tos after a move
                x, y = x + dx, y + dy
                ring.append((x, y))
        numbers.clear()

    for piece in _TOKEN.findall(d):
        if piece in "MmLlZz":
            flush()
            command = piece
            if piece in "Zz":
                x, y = start
        else:
            numbers.append(float(piece))
    flush()
    if ring:
        rings.append(ring)
    return [r for r in rings if len(r) >= 3]


@lru_cache(maxsize=1)
def province_shapes() -> tuple[ProvinceShape, ...]:
    """All provinces of the shipped map, parsed once per process."""
    document = json.loads(MAP_PATH.read_text(encoding="utf-8"))
    shapes = []
    for row in document["provinces"]:
        rings = tuple(tuple(r) for r in path_rings(row["d"]))
        xs = [p[0] for r in rings for p in r]
        ys = [p[1] for r in rings for p in r]
        shapes.append(
            ProvinceShape(
                code=row["code"],
                name_th=row["name_th"],
                name_en=row["name_en"],
                rings=rings,
                bbox=(min(xs), min(ys), max(xs), max(ys)),
            )
        )
    return tuple(shapes)


def _inside(point: Point, rings: tuple[tuple[Point, ...], ...]) -> bool:
    """Even-odd rule over all rings (holes count as outside)."""
    px, py = point
    inside = False
    for ring in rings:
        n = len(ring)
        for i in range(n):
            x1, y1 = ring[i]
            x2, y2 = ring[(i + 1) % n]
            if (y1 > py) != (y2 > py) and px < x1 + (py - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def _distance(point: Point, rings: tuple[tuple[Point, ...], ...]) -> float:
    """Distance in map units from ``point`` to the nearest edge of ``rings``."""
    px, py = point
    best = math.inf
    for ring in rings:
        n = len(ring)
        for i in range(n):
            ax, ay = ring[i]
            bx, by = ring[(i + 1) % n]
            dx, dy = bx - ax, by - ay
            length = dx * dx + dy * dy
            t = (
                0.0
                if length == 0
                else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
            )
            best = min(best, math.hypot(px - ax - t * dx, py - ay - t * dy))
    return best


def province_locate(*, lat: float, lon: float) -> ProvinceHit | None:
    """The province containing (``lat``, ``lon``), the nearest one close by, or None (abroad, at sea)."""
    point = project(lat=lat, lon=lon)
    px, py = point
    shapes = province_shapes()
    for shape in shapes:
        x0, y0, x1, y1 = shape.bbox
        if x0 <= px <= x1 and y0 <= py <= y1 and _inside(point, shape.rings):
            return ProvinceHit(code=shape.code, name_th=shape.name_th, name_en=shape.name_en)
    nearest: tuple[float, ProvinceShape] | None = None
    for shape in shapes:
        x0, y0, x1, y1 = shape.bbox
        if not (
            x0 - NEAREST_MAX_UNITS <= px <= x1 + NEAREST_MAX_UNITS
            and y0 - NEAREST_MAX_UNITS <= py <= y1 + NEAREST_MAX_UNITS
        ):
            continue
        distance = _distance(point, shape.rings)
        if distance <= NEAREST_MAX_UNITS and (nearest is None or distance < nearest[0]):
            nearest = (distance, shape)
    if nearest is None:
        return None
    distance, shape = nearest
    return ProvinceHit(
        code=shape.code,
        name_th=shape.name_th,
        name_en=shape.name_en,
        distance_km=round(distance * KM_PER_UNIT, 2),
    )


@dataclass(frozen=True)
class DistrictPoint:
    """One labelled position: a real complaint reported at (``lat``, ``lon``) in a district."""

    lat: float
    lon: float
    district_code: str
    subdistrict_code: str | None = None


@dataclass(frozen=True)
class DistrictHit:
    """The district inferred for a point.

    ``distance_km`` is the distance to the nearest labelled point, ``share`` the winner's share of
    the (distance-weighted) vote, ``votes`` of ``voters`` the nearest points that were in it.
    """

    code: str
    name_th: str
    name_en: str
    distance_km: float
    share: float
    votes: int
    voters: int


@dataclass(frozen=True)
class _Vote:
    code: str
    distance_km: float
    share: float
    votes: int
    voters: int


def _km(*, lat: float, lon: float, point: DistrictPoint) -> float:
    return math.hypot((point.lon - lon) * KM_PER_DEGREE_LON, (point.lat - lat) * KM_PER_DEGREE_LAT)


def district_vote(
    *,
    lat: float,
    lon: float,
    points: tuple[DistrictPoint, ...],
    k: int = DISTRICT_K,
    max_km: float = DISTRICT_MAX_KM,
    min_share: float = DISTRICT_MIN_SHARE,
) -> _Vote | None:
    """Majority district of the ``k`` points nearest to (``lat``, ``lon``), or None.

    Each of the ``k`` nearest points votes for its district with weight 1 / (distance +
    :data:`DISTRICT_WEIGHT_KM`), so a cluster right at the pin outweighs points across a border.
    None when there are no points, the nearest is farther than ``max_km``, or the winner has
    less than ``min_share`` of the weight. Separate from :func:`district_locate` so the build
    script can evaluate it on held-out data.
    """
    if not points:
        return None
    nearest = sorted((_km(lat=lat, lon=lon, point=p), p.district_code) for p in points)[:k]
    if nearest[0][0] > max_km:
        return None
    weights: dict[str, float] = {}
    counts: dict[str, int] = {}
    for distance, code in nearest:
        weights[code] = weights.get(code, 0.0) + 1.0 / (distance + DISTRICT_WEIGHT_KM)
        counts[code] = counts.get(code, 0) + 1
    code, weight = min(weights.items(), key=lambda item: (-item[1], item[0]))
    share = weight / sum(weights.values())
    if share < min_share:
        return None
    return _Vote(
        code=code,
        distance_km=round(nearest[0][0], 3),
        share=round(share, 3),
        votes=counts[code],
        voters=len(nearest),
    )


@lru_cache(maxsize=1)
def district_points() -> tuple[tuple[DistrictPoint, ...], dict[str, tuple[str, str]]]:
    """The shipped Bangkok labelled points and their districts' Thai/English names, read once."""
    document = json.loads(POINTS_PATH.read_text(encoding="utf-8"))
    points = tuple(
        DistrictPoint(lat=lat, lon=lon, district_code=district, subdistrict_code=sub)
        for lat, lon, district, sub in document["points"]
    )
    names = {code: (th, en) for code, (th, en) in document["districts"].items()}
    return points, names


def district_locate(*, lat: float, lon: float) -> DistrictHit | None:
    """The Bangkok district (เขต) of (``lat``, ``lon``), inferred from nearby reported complaints.

    Only Bangkok is covered; elsewhere (and far from every labelled point, or where neighbouring
    districts' points are mixed) the answer is None and the caller stays at province level.
    The caller should first check that the point is in Bangkok (:func:`province_locate`).
    """
    points, names = district_points()
    vote = district_vote(lat=lat, lon=lon, points=points)
    if vote is None:
        return None
    name_th, name_en = names[vote.code]
    return DistrictHit(
        code=vote.code,
        name_th=name_th,
        name_en=name_en,
        distance_km=vote.distance_km,
        share=vote.share,
        votes=vote.votes,
        voters=vote.voters,
    )
