"""The SVG chart renderers: numbers, bars, lines, tables and the Thailand choropleth."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest
from django.utils import translation

from ddgov.analytics.charts import chart_render, options_clean
from ddgov.analytics.charts.choropleth import quantile_classes
from ddgov.analytics.charts.numbers import format_cell, format_compact, format_number
from ddgov.analytics.charts.provinces import province_code, thailand_map

SVG = "{http://www.w3.org/2000/svg}"
PROVINCE_COLUMNS = [{"name": "จังหวัด", "type": "VARCHAR"}, {"name": "ไร่", "type": "DECIMAL(18,1)"}]


def parse(svg: str) -> ET.Element:
    """The SVG must be well-formed XML (it is inlined in HTML pages)."""
    return ET.fromstring(svg)  # noqa: S314 - our own renderer's output


def render(kind: str, options: dict, columns: list[dict], rows: list[list], language: str = "th"):
    with translation.override(language):
        return chart_render(
            kind=kind,
            title="แผนภูมิ",
            options=options,
            columns=columns,
            rows=rows,
            language=language,
            ident="t",
        )


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (1234567, {}, "1,234,567"),
        (1234567.891, {}, "1,234,567.89"),
        (Decimal("1200.50"), {}, "1,200.5"),
        (0.5, {"decimals": 2}, "0.50"),
        (-0.001, {}, "0"),
        (2566, {"group": False}, "2566"),
        (1234, {"thai_digits": True}, "๑,๒๓๔"),
        ("12,000", {}, "12,000"),
        (None, {}, ""),
        ("ข้าว", {}, "ข้าว"),
    ],
)
def test_format_number(value, kwargs, expected):
    assert format_number(value, **kwargs) == expected


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        (250_000, "th", "250,000"),
        (2_500_000, "th", "2.5 ล้าน"),
        (1_234_567, "th", "1.23 ล้าน"),
        (1_200_000_000, "th", "1,200 ล้าน"),
        (3e12, "th", "3 ล้านล้าน"),
        (2_500_000, "en", "2.5M"),
        (1_500, "en", "1,500"),
        (15_000, "en", "15k"),
        (1_000, "en", "1,000"),
        (-2_000_000, "th", "-2 ล้าน"),
    ],
)
def test_format_compact(value, language, expected):
    assert format_compact(value, language=language) == expected


def test_cells_by_type_and_name():
    assert format_cell(2566, column_name="crop_year") == "2566"
    assert format_cell(2566, column_name="households") == "2,566"
    assert format_cell("2024-01-05", column_type="DATE", language="th") == "5 ม.ค. 2567"
    assert format_cell("2024-01-05", column_type="DATE", language="en") == "5 Jan 2024"
    assert format_cell(True, language="th") == "ใช่"


# --- options ---------------------------------------------------------------------------------


def test_options_clean_normalises_and_lists_every_problem():
    clean, problems = options_clean(kind="bar", options={"x": " province ", "y": "area"})
    assert clean == {"x": "province", "y": ["area"]}
    assert problems == []
    _clean, problems = options_clean(kind="choropleth", options={"classes": 9, "limit": 0})
    assert len(problems) == 4  # province, value, classes, limit
    assert all(" / " in p for p in problems)  # English / ไทย


# --- bar -------------------------------------------------------------------------------------


def test_bar_chart_draws_one_bar_per_value_and_escapes_data():
    rows = [["<script>alert(1)</script>", 10], ["ภาคเหนือ", 25.5], ["ภาคใต้", None]]
    chart = render(
        "bar",
        {"x": "region", "y": ["debt"]},
        [{"name": "region", "type": "VARCHAR"}, {"name": "debt", "type": "DOUBLE"}],
        rows,
    )
    assert chart.error == ""
    root = parse(chart.svg)
    bars = root.findall(f".//{SVG}rect[@class='bar']")
    assert [b.get("data-value") for b in bars] == ["10.0", "25.5"]
    assert "<script>" not in chart.svg
    assert "&lt;script&gt;" in chart.svg
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "แผนภูมิ"
    assert "25.5" in root.find(f"{SVG}desc").text  # the highest value is described
    assert [h.label for h in chart.table.headers] == ["region", "debt"]


def test_taller_bar_is_longer_grouped_series_have_a_legend():
    rows = [["ก", 10, 5], ["ข", 30, 15]]
    columns = [
        {"name": "x", "type": "VARCHAR"},
        {"name": "a", "type": "BIGINT"},
        {"name": "b", "type": "BIGINT"},
    ]
    chart = render(
        "bar",
        {"x": "x", "y": ["a", "b"], "horizontal": False, "labels": {"a": "หนี้สิน"}},
        columns,
        rows,
    )
    root = parse(chart.svg)
    heights = {
        b.get("data-value"): float(b.get("height"))
        for b in root.findall(f".//{SVG}rect[@class='bar']")
    }
    assert heights["30.0"] == pytest.approx(3 * heights["10.0"], rel=0.02)
    assert heights["15.0"] == pytest.approx(3 * heights["5.0"], rel=0.02)
    legend = "".join(root.find(f".//{SVG}g[@class='chart-legend']").itertext())
    assert "หนี้สิน" in legend
    assert "b" in legend


def test_many_categories_turn_horizontal_sorted_and_limited():
    rows = [[f"จังหวัด {i}", i] for i in range(60)]
    columns = [{"name": "p", "type": "VARCHAR"}, {"name": "v", "type": "BIGINT"}]
    chart = render("bar", {"x": "p", "y": ["v"], "sort": "desc", "limit": 20}, columns, rows)
    root = parse(chart.svg)
    bars = root.findall(f".//{SVG}rect[@class='bar']")
    assert len(bars) == 20
    assert bars[0].get("data-value") == "59.0"
    widths = [float(b.get("width")) for b in bars]
    assert widths == sorted(widths, reverse=True)  # horizontal: length is the width
    assert chart.notes == ["แสดง 20 แถวแรกจากทั้งหมด 60 แถว"]


def test_negative_values_grow_from_zero():
    columns = [{"name": "x", "type": "VARCHAR"}, {"name": "v", "type": "DOUBLE"}]
    chart = render(
        "bar", {"x": "x", "y": ["v"], "horizontal": False}, columns, [["ก", -10], ["ข", 10]]
    )
    bars = parse(chart.svg).findall(f".//{SVG}rect[@class='bar']")
    neg, pos = bars
    assert float(neg.get("y")) == pytest.approx(
        float(pos.get("y")) + float(pos.get("height")), abs=0.2
    )


@pytest.mark.parametrize(
    ("options", "rows", "fragment"),
    [
        ({"x": "nope", "y": ["v"]}, [["ก", 1]], "nope"),
        ({"x": "x", "y": ["x"]}, [["ก", 1]], "no numbers"),
        ({"x": "x"}, [["ก", 1]], "(y)"),
    ],
)
def test_bar_problems_come_back_as_errors_not_exceptions(options, rows, fragment):
    chart = render(
        "bar", options, [{"name": "x", "type": "VARCHAR"}, {"name": "v", "type": "BIGINT"}], rows
    )
    assert chart.svg == ""
    assert fragment in chart.error
    assert " / " in chart.error


def test_no_rows_is_an_error_with_an_empty_table():
    chart = render(
        "bar",
        {"x": "x", "y": ["v"]},
        [{"name": "x", "type": "VARCHAR"}, {"name": "v", "type": "BIGINT"}],
        [],
    )
    assert chart.error
    assert chart.table.total == 0


# --- line ------------------------------------------------------------------------------------


def test_line_series_from_a_column_with_years_and_a_gap():
    rows = [
        [year, crop, None if (crop == "ยางพารา" and year == 2565) else year - 2000]
        for crop in ("ข้าว", "ยางพารา")
        for year in (2563, 2564, 2565, 2566)
    ]
    columns = [
        {"name": "crop_year", "type": "INTEGER"},
        {"name": "crop", "type": "VARCHAR"},
        {"name": "yield", "type": "DOUBLE"},
    ]
    chart = render("line", {"x": "crop_year", "y": ["yield"], "series": "crop"}, columns, rows)
    assert chart.error == ""
    root = parse(chart.svg)
    series = root.findall(f".//{SVG}g[@class='chart-series']")
    assert [s.get("data-series") for s in series] == ["ข้าว", "ยางพารา"]
    assert len(series[0].findall(f"{SVG}path")) == 1
    assert len(series[1].findall(f"{SVG}path")) == 2  # broken at the missing year
    assert len(series[1].findall(f"{SVG}circle")) == 3
    labels = [t.text for t in root.findall(f".//{SVG}text")]
    assert "2563" in labels
    assert "2,563" not in labels
    # A later year is further right; a higher value is higher up.
    points = series[0].findall(f"{SVG}circle")
    xs = [float(p.get("cx")) for p in points]
    ys = [float(p.get("cy")) for p in points]
    assert xs == sorted(xs)
    assert ys == sorted(ys, reverse=True)


def test_line_over_dates_labels_in_the_buddhist_era():
    rows = [[f"2024-0{m}-01", m * 10, m] for m in range(1, 7)]
    columns = [
        {"name": "d", "type": "DATE"},
        {"name": "a", "type": "BIGINT"},
        {"name": "b", "type": "BIGINT"},
    ]
    chart = render("line", {"x": "d", "y": ["a", "b"]}, columns, rows)
    root = parse(chart.svg)
    assert len(root.findall(f".//{SVG}g[@class='chart-series']")) == 2
    assert any("2567" in (t.text or "") for t in root.findall(f".//{SVG}text"))


def test_line_over_text_categories_keeps_query_order():
    rows = [["ไตรมาส 3", 3], ["ไตรมาส 1", 1], ["ไตรมาส 2", 2]]
    columns = [{"name": "q", "type": "VARCHAR"}, {"name": "v", "type": "BIGINT"}]
    chart = render("line", {"x": "q", "y": ["v"]}, columns, rows)
    points = parse(chart.svg).findall(f".//{SVG}circle")
    assert [p.find(f"{SVG}title").text.split("·")[1].split(":")[0].strip() for p in points] == [
        "ไตรมาส 3",
        "ไตรมาส 1",
        "ไตรมาส 2",
    ]


# --- table -----------------------------------------------------------------------------------


def test_table_chooses_columns_formats_and_limits():
    rows = [[f"ก{i}", 1000 * i, "2024-01-05"] for i in range(150)]
    columns = [
        {"name": "a", "type": "VARCHAR"},
        {"name": "n", "type": "BIGINT"},
        {"name": "d", "type": "DATE"},
    ]
    chart = render("table", {"columns": ["n", "a"]}, columns, rows)
    assert chart.svg == ""
    assert [h.name for h in chart.table.headers] == ["n", "a"]
    assert [h.numeric for h in chart.table.headers] == [True, False]
    assert chart.table.rows[2] == ["2,000", "ก2"]
    assert len(chart.table.rows) == 100
    assert chart.table.total == 150
    assert chart.notes == ["แสดง 100 แถวแรกจากทั้งหมด 150 แถว"]
    assert chart.table.body[2] == [("2,000", True), ("ก2", False)]


# --- choropleth ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("เชียงใหม่", "50"),
        ("จังหวัดเชียงใหม่", "50"),
        ("จ.เชียงใหม่", "50"),
        ("Chiang Mai", "50"),
        ("CHIANG MAI PROVINCE", "50"),
        ("Chon Buri", "20"),
        ("Chonburi", "20"),
        ("Buri Ram", "31"),
        ("Phang-nga", "82"),
        ("กทม.", "10"),
        ("กรุงเทพฯ", "10"),
        (10, "10"),
        ("10", "10"),
        (83.0, "83"),
        ("TH-96", "96"),
        ("5", None),  # no province 05
        ("99", None),
        ("เมืองลับแล", None),
        (None, None),
        ("", None),
    ],
)
def test_province_matching(value, code):
    assert province_code(value) == code


def test_every_gazetteer_province_name_matches_its_code():
    from ddgov.governance.gazetteer import gazetteer_rows

    provinces = [r for r in gazetteer_rows() if r[0] == "province"]
    assert len(provinces) == 77
    for _level, code, name_th, name_en, *_rest in provinces:
        assert province_code(name_th) == code
        assert province_code(name_en) == code


def test_quantile_classes_keep_equal_values_together():
    assert quantile_classes([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5) == [
        (1, 2),
        (3, 4),
        (5, 6),
        (7, 8),
        (9, 10),
    ]
    assert quantile_classes([1, 1, 1, 1, 2], 3) == [(1, 1), (2, 2)]
    assert quantile_classes([7], 5) == [(7, 7)]


def test_choropleth_shades_matched_provinces_by_quantile():
    names = [p.name_th for p in thailand_map().provinces]
    rows = [[name, (i + 1) * 100] for i, name in enumerate(names[:60])]
    rows += [["Chon Buri", 1], ["เมืองลับแล", 5], ["ไม่ทราบ", 6]]
    chart = render(
        "choropleth", {"province": "จังหวัด", "value": "ไร่", "classes": 4}, PROVINCE_COLUMNS, rows
    )
    assert chart.error == ""
    root = parse(chart.svg)
    paths = root.findall(f".//{SVG}path")
    assert len(paths) == 77
    shaded = [p for p in paths if p.get("data-value")]
    assert len(shaded) == 60
    fills = {}
    for p in shaded:
        fills.setdefault(p.get("fill"), []).append(float(p.get("data-value")))
    assert len(fills) == 4  # four classes of 15 provinces each
    assert sorted(len(v) for v in fills.values()) == [15, 15, 15, 15]
    ranges = sorted((min(v), max(v)) for v in fills.values())
    assert all(a[1] < b[0] for a, b in itertools.pairwise(ranges))  # classes do not overlap
    assert len([p for p in paths if "no-data" in (p.get("class") or "")]) == 17
    legend = "".join(root.find(f".//{SVG}g[@class='chart-legend']").itertext())
    assert "ไร่" in legend
    assert "1,500" in legend
    assert chart.notes[0].startswith("2 แถวระบุจังหวัดที่ไม่รู้จัก")
    assert "เมืองลับแล" in chart.notes[0]
    assert chart.notes[1].startswith("1 จังหวัดปรากฏมากกว่าหนึ่งแถว")  # Chon Buri twice
    title = root.find(f".//{SVG}path[@data-code='50']/{SVG}title").text
    assert title.startswith("เชียงใหม่: ")


def test_choropleth_in_english_and_by_code():
    rows = [["10", 5], ["50", 7]]
    chart = render(
        "choropleth",
        {"province": "code", "value": "n"},
        [{"name": "code", "type": "VARCHAR"}, {"name": "n", "type": "BIGINT"}],
        rows,
        language="en",
    )
    root = parse(chart.svg)
    assert root.find(f".//{SVG}path[@data-code='10']").get("data-name") == "Bangkok"
    assert "Map of Thailand" in root.find(f"{SVG}desc").text


def test_choropleth_without_matches_is_an_error():
    chart = render(
        "choropleth", {"province": "จังหวัด", "value": "ไร่"}, PROVINCE_COLUMNS, [["Atlantis", 1]]
    )
    assert chart.svg == ""
    assert "province" in chart.error


def test_svg_uses_no_inline_style():
    """The site's Content-Security-Policy forbids inline styles: presentation attributes only."""
    rows = [[p.name_th, i] for i, p in enumerate(thailand_map().provinces)]
    for kind, options in (
        ("choropleth", {"province": "จังหวัด", "value": "ไร่"}),
        ("bar", {"x": "จังหวัด", "y": ["ไร่"]}),
        ("line", {"x": "จังหวัด", "y": ["ไร่"]}),
    ):
        svg = render(kind, options, PROVINCE_COLUMNS, rows).svg
        assert svg
        assert not re.search(r"style=|<style", svg)
