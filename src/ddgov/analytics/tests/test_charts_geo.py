"""The shipped Thailand map (provinces.json) and the script that makes it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ddgov.analytics.charts.provinces import MAP_FILE, thailand_map

ROOT = Path(__file__).resolve().parents[4]
SCRIPT = ROOT / "scripts" / "simplify-provinces"
PATH_SYNTAX = re.compile(r"^M[-\d. ]+(?:l[-\d. ]+z)(?:m[-\d. ]+l[-\d. ]+z)*$")


def test_the_map_is_small_and_has_all_77_provinces():
    assert MAP_FILE.stat().st_size < 300_000
    thai_map = thailand_map()
    codes = [p.code for p in thai_map.provinces]
    assert len(codes) == 77 == len(set(codes))
    assert codes == sorted(codes)
    assert thai_map.by_code()["10"].name_th == "กรุงเทพมหานคร"
    assert thai_map.by_code()["83"].name_en == "Phuket"  # an island province is kept
    for province in thai_map.provinces:
        assert PATH_SYNTAX.match(province.path), province.code


def vertices(path: str) -> list[tuple[float, float]]:
    """The absolute vertices of an SVG path of ``M``/``m``, ``l`` and ``z`` commands."""
    out = []
    x = y = 0.0
    for ring in re.findall(r"[Mm][^Mm]+", path):
        numbers = [float(n) for n in re.findall(r"-?\d*\.?\d+", ring)]
        pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
        x, y = pairs[0] if ring[0] == "M" else (x + pairs[0][0], y + pairs[0][1])
        start = (x, y)
        out.append(start)
        for dx, dy in pairs[1:]:
            x, y = x + dx, y + dy
            out.append((x, y))
        x, y = start  # "z" returns to the ring's start
    return out


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own script, our own arguments
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_paths_stay_inside_the_box():
    thai_map = thailand_map()
    for province in thai_map.provinces:
        for x, y in vertices(province.path):
            assert 0 <= x <= thai_map.width, province.code
            assert 0 <= y <= thai_map.height, province.code


def test_the_script_reproduces_the_shipped_file(shared_data, tmp_path):
    source = shared_data / "geo" / "provinces.geojson"
    target = tmp_path / "provinces.json"
    done = run_script("--source", str(source), "--output", str(target))
    assert done.returncode == 0, done.stderr
    assert "77 provinces" in done.stdout
    assert target.read_bytes() == MAP_FILE.read_bytes()
    features = json.loads(source.read_text(encoding="utf-8"))["features"]
    assert {f["properties"]["pro_code"] for f in features} == {
        p.code for p in thailand_map().provinces
    }


def test_the_script_refuses_a_map_too_large(shared_data, tmp_path):
    source = shared_data / "geo" / "provinces.geojson"
    done = run_script(
        "--source", str(source), "--output", str(tmp_path / "big.json"), "--max-bytes", "80000"
    )
    assert done.returncode == 1
    assert "over 80000" in done.stderr
    assert not (tmp_path / "big.json").exists()


@pytest.mark.parametrize("tolerance", ["0.4", "2"])
def test_neighbours_share_their_simplified_border(shared_data, tmp_path, tolerance):
    """Arcs are simplified once: every border vertex of one province is a vertex of a neighbour."""
    target = tmp_path / "p.json"
    source = shared_data / "geo" / "provinces.geojson"
    done = run_script("--source", str(source), "--output", str(target), "--tolerance", tolerance)
    assert done.returncode == 0, done.stderr
    document = json.loads(target.read_text(encoding="utf-8"))
    by_code = {
        p["code"]: {(round(x * 10), round(y * 10)) for x, y in vertices(p["d"])}
        for p in document["provinces"]
    }
    # Provinces without a coast: every vertex of theirs is a vertex of a neighbour too. Nonthaburi
    # and Pathum Thani border Bangkok, whose source ring has vertices its neighbours lack.
    for code in ("12", "13", "15", "40", "51"):
        others = set().union(*(v for c, v in by_code.items() if c != code))
        assert by_code[code] <= others, code
    # Chiang Mai and Lamphun share a long border: the same vertices on both sides.
    assert len(by_code["50"] & by_code["51"]) > 5
