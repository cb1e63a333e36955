"""Synthetic complaints for the duplicate-screen benchmark, made from real Traffy texts.

Base pool: every complaint text in ``../shared/data/traffy`` (the 2023 export, the 2024 waiting
queue, the labelled tickets; about 2,900 texts) with its category. Each synthetic complaint is a
base text changed the way people re-type a problem: a clause dropped, an opening or closing
phrase added (``แจ้งซ้ำ``, ``ขอบคุณครับ``, ``#1555``), numbers changed (soi, house, pole), a
landmark added (``หน้าตลาด``, ``ปากซอย 12``), or the first clause of another complaint appended.
Places: 55 % in Bangkok (a real 2023 complaint point moved by about 1.5 km), 45 % around the
other 76 province centres (about 8 km spread), from ``geo/provinces.geojson``. Times: uniform
over the year before ``NOW``. Everything comes from one seeded ``random.Random``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
BANGKOK_SHARE = 0.55
PREFIXES = (
    "แจ้งซ้ำ", "ขอแจ้งปัญหา", "รบกวนช่วยด้วยครับ", "ด่วน!", "เรียนเจ้าหน้าที่", "แจ้งอีกครั้ง",
    "ยังไม่ได้รับการแก้ไข", "ขอความอนุเคราะห์", "ช่วยด้วยค่ะ", "ปัญหาเดิม",
)  # fmt: skip
SUFFIXES = (
    "ขอบคุณครับ", "ขอบคุณค่ะ", "แจ้งหลายครั้งแล้ว", "#1555", "ช่วยเร่งดำเนินการด้วย",
    "เป็นอันตรายมาก", "เดือดร้อนมาก", "ทุกวัน", "ตั้งแต่เมื่อวาน", "มาเป็นเดือนแล้ว",
)  # fmt: skip
LANDMARKS = (
    "ร้านสะดวกซื้อ", "ตลาด", "วัด", "โรงเรียน", "ป้ายรถเมล์", "ปากซอย", "สถานีรถไฟฟ้า",
    "ห้างสรรพสินค้า", "โรงพยาบาล", "สำนักงานเขต", "ปั๊มน้ำมัน", "หมู่บ้าน",
)  # fmt: skip


@dataclass(frozen=True)
class Base:
    """A real complaint text with its category labels."""

    text: str
    category: tuple[str, ...]


def load_bases(data_dir: Path) -> tuple[list[Base], list[tuple[float, float]]]:
    """Real texts with categories, and the real Bangkok GPS points of the 2023 export."""
    traffy = data_dir / "traffy"
    bases: list[Base] = []
    points: list[tuple[float, float]] = []
    with (traffy / "complaints_2023-05-17.csv").open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            found = re.findall(r"-?\d+\.\d+", row["coords"] or "")
            if len(found) >= 2:
                lon, lat = float(found[0]), float(found[1])
                if 13.4 < lat < 14.1 and 100.2 < lon < 101.0:
                    points.append((lat, lon))
            if row["description"]:
                cats = tuple(c.strip() for c in (row["type"] or "").split(",") if c.strip())
                bases.append(Base(row["description"], cats))
    for path in sorted((traffy / "waiting_queue_2024-12").glob("*__traffy_data.csv")):
        seen: set[str] = set()
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                text = (row["description"] or "").strip()
                if text and text not in seen:
                    seen.add(text)
                    bases.append(Base(text, (row["category"],) if row["category"] else ()))
    with (traffy / "labelled_tickets.csv").open(encoding="utf-8-sig", newline="") as fh:
        bases.extend(Base(row["content"], ()) for row in csv.DictReader(fh) if row["content"])
    unique = {b.text: b for b in bases}
    return list(unique.values()), points


def province_centres(data_dir: Path) -> list[tuple[float, float]]:
    """Rough centres (mean vertex of the largest ring) of the provinces other than Bangkok."""
    with (data_dir / "geo" / "provinces.geojson").open(encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    centres = []
    for feature in features:
        if str(feature["properties"].get("pro_code")) == "10":
            continue
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        ring = max((p[0] for p in polygons), key=len)
        centres.append((sum(p[1] for p in ring) / len(ring), sum(p[0] for p in ring) / len(ring)))
    return centres


class Synth:
    """A seeded stream of synthetic complaints (see the module docstring)."""

    def __init__(self, data_dir: Path, *, seed: int) -> None:
        """Load the real texts and places; nothing random happens until asked."""
        self.bases, self.points = load_bases(data_dir)
        self.centres = province_centres(data_dir)
        self.random = random.Random(seed)

    def vary(self, text: str) -> str:
        """A re-typed version of ``text`` (each change with its own probability)."""
        rnd = self.random
        chunks = text.split()
        if len(chunks) >= 3 and rnd.random() < 0.5:
            del chunks[rnd.randrange(len(chunks))]
        out = " ".join(chunks)
        if rnd.random() < 0.5:
            out = re.sub(r"\d+", lambda _: str(rnd.randint(1, 120)), out)
        if rnd.random() < 0.3:
            place = rnd.choice(LANDMARKS)
            out += f" หน้า{place}" if place != "ปากซอย" else f" ปากซอย {rnd.randint(1, 99)}"
        if rnd.random() < 0.5:
            out = f"{rnd.choice(PREFIXES)} {out}"
        if rnd.random() < 0.5:
            out = f"{out} {rnd.choice(SUFFIXES)}"
        if rnd.random() < 0.2:
            other = rnd.choice(self.bases).text.split()
            out = f"{out} {' '.join(other[: max(1, len(other) // 3)])}"
        return out

    def place(self) -> tuple[float, float]:
        """A point: Bangkok near a real complaint, or around a province centre."""
        rnd = self.random
        if rnd.random() < BANGKOK_SHARE:
            lat, lon, spread_m = *rnd.choice(self.points), 1500.0
        else:
            lat, lon, spread_m = *rnd.choice(self.centres), 8000.0
        dlat = rnd.gauss(0, spread_m) / 111_195.0
        dlon = rnd.gauss(0, spread_m) / (111_195.0 * math.cos(math.radians(lat)))
        return lat + dlat, lon + dlon

    def rows(self, count: int, *, start: int = 0) -> Iterator[dict[str, Any]]:
        """``count`` stored complaints keyed ``c<number>``, filed over the year before NOW."""
        rnd = self.random
        for number in range(start, start + count):
            base = rnd.choice(self.bases)
            lat, lon = self.place()
            yield {
                "key": f"c{number}",
                "text": self.vary(base.text),
                "lat": lat,
                "lon": lon,
                "category": base.category,
                "at": NOW - dt.timedelta(seconds=rnd.uniform(0, 365 * 86400)),
            }

    def query_like(self, stored: dict[str, Any]) -> dict[str, Any]:
        """A new complaint re-reporting ``stored``: re-typed, within about 60 m, a bit later."""
        rnd = self.random
        lat = stored["lat"] + rnd.gauss(0, 40) / 111_195.0
        lon = stored["lon"] + rnd.gauss(0, 40) / 111_195.0
        return {
            "text": self.vary(stored["text"]),
            "lat": lat,
            "lon": lon,
            "category": stored["category"],
            "at": NOW,
        }

    def query_new(self) -> dict[str, Any]:
        """A new complaint about something else, somewhere."""
        row = next(self.rows(1, start=-1))
        row.pop("key")
        row["at"] = NOW
        return row
