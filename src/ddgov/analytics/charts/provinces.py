"""Thailand's provinces for the choropleth: the shipped map and matching data to it.

The map (``static/analytics/provinces.json``) is made by ``scripts/simplify-provinces`` from
the real boundaries in ``../shared/data/geo/provinces.geojson``: one projected, simplified SVG
path per province, keyed by the two-digit province code (DOPA, as geothai and the gazetteer
use). Data name provinces many ways: the code (``10``, ``TH-10``), the Thai name with or
without ``จังหวัด``/``จ.``, the English name in either romanisation (``Chon Buri``,
``Chonburi``), well-known short forms (``กทม.``, ``กรุงเทพฯ``, ``Korat``). The map's own names
are tried first; the gazetteer (``ddgov.governance.gazetteer``) adds its spellings when needed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MAP_FILE = Path(__file__).resolve().parents[1] / "static" / "analytics" / "provinces.json"
_STRIP = re.compile(r"[\s\-–—.'’,()ฯ]+")  # noqa: RUF001 - dashes and quotes people type
_PREFIXES = ("จังหวัด", "จ.", "changwat", "province of")
_SUFFIXES = ("province", "provinces", "จังหวัด")
ALIASES = {
    "กทม": "10",
    "กรุงเทพ": "10",
    "กรุงเทพฯ": "10",
    "bangkokmetropolis": "10",
    "krungthep": "10",
    "krungthepmahanakhon": "10",
    "bkk": "10",
    "อยุธยา": "14",
    "ayutthaya": "14",
    "ayuthaya": "14",
    "โคราช": "30",
    "korat": "30",
    "khorat": "30",
    "ubon": "34",
    "udon": "41",
}


@dataclass(frozen=True)
class Province:
    """One province on the map."""

    code: str
    name_th: str
    name_en: str
    region: str
    path: str

    def name(self, language: str) -> str:
        """The province's name in the reader's language."""
        return self.name_th if language.startswith("th") else self.name_en


@dataclass(frozen=True)
class ThailandMap:
    """The projected map: its box and its 77 provinces in code order."""

    width: int
    height: int
    provinces: tuple[Province, ...]

    def by_code(self) -> dict[str, Province]:
        """The provinces keyed by code."""
        return {p.code: p for p in self.provinces}


@cache
def thailand_map() -> ThailandMap:
    """Read the shipped map once per process."""
    data = json.loads(MAP_FILE.read_text(encoding="utf-8"))
    provinces = tuple(
        Province(
            code=p["code"],
            name_th=p["name_th"],
            name_en=p["name_en"],
            region=p.get("region_nesdb", ""),
            path=p["d"],
        )
        for p in data["provinces"]
    )
    return ThailandMap(width=int(data["width"]), height=int(data["height"]), provinces=provinces)


def normalise(name: str) -> str:
    """Fold a province name for matching: case, spaces, dots, hyphens, ``จังหวัด``, ``ฯ``."""
    text = name.strip().casefold()
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
    return _STRIP.sub("", text)


@cache
def _names_from_map() -> dict[str, str]:
    names = {normalise(k): code for k, code in ALIASES.items()}
    for p in thailand_map().provinces:
        names[normalise(p.name_th)] = p.code
        names[normalise(p.name_en)] = p.code
    return names


@cache
def _names_from_gazetteer() -> dict[str, str]:
    from ddgov.governance.gazetteer import gazetteer_rows  # noqa: PLC0415 - loads geothai

    names: dict[str, str] = {}
    for row in gazetteer_rows():
        if row[0] == "province":
            names[normalise(row[2])] = row[1]
            names[normalise(row[3])] = row[1]
    return names


def province_code(value: object) -> str | None:
    """Return the two-digit code of the province ``value`` names, or None when none matches."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float) and float(value).is_integer():
        value = str(int(value))
    text = str(value).strip()
    if text.upper().startswith("TH-"):
        text = text[3:]
    if text.isdigit() and len(text) <= 2:
        code = text.zfill(2)
        return code if code in thailand_map().by_code() else None
    key = normalise(text)
    if not key:
        return None
    found = _names_from_map().get(key)
    return found if found is not None else _names_from_gazetteer().get(key)
