"""Great-circle distance and the grid that finds stored complaints near a point quickly.

The grid cuts the map into square cells of ``cell_m`` metres of latitude (the same number of
degrees in longitude); a query reads only the cells that can hold points within its radius, with
the east-west reach widened by 1/cos(latitude) so the circle is always covered (Thailand spans
5.6 to 20.5°N, where a degree of longitude is 94 to 99 % of a degree of latitude). Cells hold row
numbers in compact ``array('q')`` buffers, read into numpy without copying element by element.
"""

from __future__ import annotations

import math
from array import array
from typing import Any

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180.0
_OFFSET = 1 << 30  # cell numbers are shifted positive, then packed into one int key
_SPAN = 1 << 31


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in metres between two WGS84 points (spherical Earth, error < 0.5 %)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


def haversine_many_m(
    lat: float, lon: float, lats: npt.NDArray[Any], lons: npt.NDArray[Any]
) -> npt.NDArray[Any]:
    """Distances in metres from one point to arrays of points (vectorised)."""
    p1 = math.radians(lat)
    p2 = np.radians(lats)
    h = (
        np.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * np.cos(p2) * np.sin((np.radians(lons) - math.radians(lon)) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(1.0, h)))


def check_point(lat: float, lon: float) -> tuple[float, float]:
    """Return ``(lat, lon)`` as floats, or raise ``ValueError`` for a missing or impossible point."""
    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError) as exc:
        msg = f"a location needs numeric lat and lon (got {lat!r}, {lon!r})"
        raise ValueError(msg) from exc
    if not (-90.0 <= lat_f <= 90.0 and -180.0 <= lon_f <= 180.0) or math.isnan(lat_f + lon_f):
        msg = f"lat must be within ±90 and lon within ±180 (got {lat_f}, {lon_f})"
        raise ValueError(msg)
    return lat_f, lon_f


class Grid:
    """Row numbers bucketed by square map cells, for radius queries."""

    def __init__(self, cell_m: float) -> None:
        """Start empty with cells ``cell_m`` metres tall."""
        self.cell_deg = cell_m / METRES_PER_DEGREE
        self.cells: dict[int, array[int]] = {}

    @staticmethod
    def _key(y: int, x: int) -> int:
        """One int per cell (a tuple key would cost two more objects per cell)."""
        return (y + _OFFSET) * _SPAN + (x + _OFFSET)

    def cell(self, lat: float, lon: float) -> int:
        """The key of the cell holding a point."""
        return self._key(math.floor(lat / self.cell_deg), math.floor(lon / self.cell_deg))

    def add(self, row: int, lat: float, lon: float) -> None:
        """File ``row`` under the cell of its point."""
        key = self.cell(lat, lon)
        bucket = self.cells.get(key)
        if bucket is None:
            self.cells[key] = array("q", [row])
        else:
            bucket.append(row)

    def add_many(
        self, rows: npt.NDArray[Any], lats: npt.NDArray[Any], lons: npt.NDArray[Any]
    ) -> None:
        """File many rows at once (bulk builds sort by cell, then extend each bucket once)."""
        cy = np.floor(lats / self.cell_deg).astype(np.int64)
        cx = np.floor(lons / self.cell_deg).astype(np.int64)
        keys = (cy + _OFFSET) * _SPAN + (cx + _OFFSET)
        order = np.argsort(keys, kind="stable")
        keys, rows = keys[order], rows[order].astype(np.int64)
        change = np.flatnonzero(np.diff(keys) != 0) + 1
        starts = np.concatenate(([0], change))
        ends = np.concatenate((change, [len(rows)]))
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            bucket = self.cells.setdefault(int(keys[start]), array("q"))
            bucket.frombytes(rows[start:end].tobytes())

    def discard(self, row: int, lat: float, lon: float) -> None:
        """Take ``row`` out of its cell (no error if it is not there)."""
        key = self.cell(lat, lon)
        bucket = self.cells.get(key)
        if bucket is None:
            return
        try:
            bucket.remove(row)
        except ValueError:
            return
        if not bucket:
            del self.cells[key]

    def near(self, lat: float, lon: float, radius_m: float) -> npt.NDArray[Any]:
        """Rows in every cell that may hold a point within ``radius_m`` (a superset; int64)."""
        reach_lat = radius_m / METRES_PER_DEGREE
        reach_lon = reach_lat / max(math.cos(math.radians(min(abs(lat) + reach_lat, 89.9))), 1e-6)
        y0, y1 = (
            math.floor((lat - reach_lat) / self.cell_deg),
            math.floor((lat + reach_lat) / self.cell_deg),
        )
        x0, x1 = (
            math.floor((lon - reach_lon) / self.cell_deg),
            math.floor((lon + reach_lon) / self.cell_deg),
        )
        cells, key = self.cells, self._key
        found = [
            bucket
            for y in range(y0, y1 + 1)
            for x in range(x0, x1 + 1)
            if (bucket := cells.get(key(y, x))) is not None
        ]
        if not found:
            return np.empty(0, dtype=np.int64)
        if len(found) == 1:  # copy: a live view would stop the bucket from growing
            return np.frombuffer(found[0], dtype=np.int64).copy()
        return np.concatenate([np.frombuffer(b, dtype=np.int64) for b in found])
