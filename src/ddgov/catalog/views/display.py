"""Presentation helpers of the catalog pages: metadata rows, facet links, paging and the bar chart.

Nothing here decides access or touches the database beyond what it is handed; views call these
to turn selector results into what templates show.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from ddgov.catalog.forms import EXTRA_LABELS, LANGUAGES
from ddgov.catalog.models import Dataset
from ddgov.catalog.vocab import LICENSES, Objective

# Facets of the search page: the CKAN field name and its heading.
FACETS: tuple[tuple[str, Any], ...] = (
    ("organization", _("Organisations")),
    ("groups", _("Focus areas")),
    ("tags", _("Keywords")),
    ("res_format", _("Formats")),
    ("data_category", _("Data categories")),
    ("license_id", _("Licences")),
)
FACET_FIELDS = tuple(name for name, _label in FACETS)

# (CKAN sort string, label); the first is the default, as in CKAN.
SORTS: tuple[tuple[str, Any], ...] = (
    ("score desc, metadata_modified desc", _("Relevance")),
    ("metadata_modified desc", _("Last modified")),
    ("metadata_created desc", _("Newest")),
    ("title_string asc", _("Title (A to Z)")),
    ("title_string desc", _("Title (Z to A)")),
)


def yes_no(value: object) -> Any:
    """Return "Yes" or "No" in the reader's language."""
    return _("Yes") if value else _("No")


def license_title(license_id: str) -> str:
    """Return a licence's title from its id (the id itself when unknown)."""
    return LICENSES.get(license_id, (license_id, ""))[0]


def license_url(license_id: str) -> str:
    """Return a licence's web page, or ""."""
    return LICENSES.get(license_id, ("", ""))[1]


def metadata_rows(dataset: Dataset) -> list[tuple[Any, Any]]:
    """Return (label, value) for every Thai GD-Catalog field the dataset has, in guideline order."""
    objectives = dict(Objective.choices)
    languages = dict(LANGUAGES)
    frequency = dataset.get_update_frequency_unit_display()
    if dataset.update_frequency_interval and dataset.update_frequency_interval > 1:
        frequency = _("%(unit)s, every %(n)s") % {
            "unit": frequency,
            "n": dataset.update_frequency_interval,
        }
    rows: list[tuple[Any, Any]] = [
        (_("Data type"), dataset.get_data_type_display()),
        (_("Contact person or unit"), dataset.maintainer),
        (_("Contact e-mail"), dataset.maintainer_email),
        (_("Objective"), ", ".join(str(objectives.get(o, o)) for o in dataset.objective or [])),
        (_("Update frequency"), frequency),
        (_("Geographic coverage"), dataset.get_geo_coverage_display()),
        (_("Data source"), dataset.data_source),
        (_("Data format"), dataset.data_format),
        (_("Data category"), dataset.get_data_category_display()),
        (_("Classification"), dataset.get_data_classification_display()),
        (_("Licence"), license_title(dataset.license_id)),
        (_("Conditions of access"), dataset.accessible_condition),
        (
            _("Language of the data"),
            ", ".join(str(languages.get(c, c)) for c in dataset.data_language or []),
        ),
        (_("Unit of collection"), dataset.data_collect),
        (_("Supporting agency"), dataset.data_support),
        (_("High-value dataset"), yes_no(dataset.high_value_dataset)),
        (_("Reference data"), yes_no(dataset.reference_data)),
        (_("Official statistics"), yes_no(dataset.official_statistics)),
    ]
    rows.extend(
        (label, dataset.extras[name])
        for name, label in EXTRA_LABELS.items()
        if dataset.extras.get(name)
    )
    return [(label, value) for label, value in rows if value not in (None, "")]


# --- query strings ------------------------------------------------------------------------


def query_with(
    params: QueryDict,
    *,
    add: tuple[str, str] | None = None,
    remove: tuple[str, str] | None = None,
    set_: Mapping[str, str] | None = None,
) -> str:
    """Return ``?…`` for the current search with one facet value added or removed (page reset)."""
    items: list[tuple[str, str]] = [
        (key, value)
        for key in params
        for value in params.getlist(key)
        if key != "page" and (key, value) != remove and not (set_ and key in set_)
    ]
    if add and add not in items:
        items.append(add)
    if set_:
        items.extend((k, v) for k, v in set_.items() if v)
    return "?" + urlencode(items) if items else "?"


def fq_from(params: QueryDict) -> str:
    """Return CKAN's ``fq`` for the facet values chosen on the page (``organization:"x" …``)."""
    terms = []
    for name in FACET_FIELDS:
        for value in params.getlist(name):
            if value:
                escaped = value.replace("\\", "\\\\").replace('"', '\\"')
                terms.append(f'{name}:"{escaped}"')
    return " ".join(terms)


@dataclass
class Pager:
    """Numbers for a "previous / 1 2 3 / next" navigation."""

    page: int
    pages: int
    numbers: list[int | None] = field(default_factory=list)

    @classmethod
    def build(cls, *, page: int, total: int, per_page: int) -> Pager:
        """Pages around the current one, with None where numbers are skipped."""
        pages = max(1, math.ceil(total / per_page)) if total else 1
        wanted = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
        numbers: list[int | None] = []
        for n in wanted:
            if numbers and numbers[-1] is not None and n - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(n)
        return cls(page=page, pages=pages, numbers=numbers)

    @property
    def previous(self) -> int | None:
        """The previous page number, if any."""
        return self.page - 1 if self.page > 1 else None

    @property
    def next(self) -> int | None:
        """The next page number, if any."""
        return self.page + 1 if self.page < self.pages else None


def page_number(params: QueryDict, *, maximum: int = 10_000) -> int:
    """Return ``?page=N`` as a number from 1 (bad values mean page 1)."""
    try:
        return max(1, min(int(params.get("page", "1")), maximum))
    except ValueError:
        return 1


# --- the bar chart ------------------------------------------------------------------------

CHART_WIDTH = 720
LABEL_WIDTH = 230
VALUE_WIDTH = 110
BAR_HEIGHT = 22
BAR_GAP = 8
TOP = 8


@dataclass(frozen=True)
class Bar:
    """One bar of the chart, in SVG user units."""

    label: str
    value: float
    value_text: str
    y: float
    width: float
    text_y: float


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart that templates draw as inline SVG (no script, no library)."""

    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_area: int
    bar_height: int


def number_text(value: float) -> str:
    """Show a number with thousands separators and at most two decimals."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def bar_chart(points: Sequence[tuple[str, float]]) -> BarChart:
    """Lay out (label, value) points as horizontal bars scaled to the largest value."""
    bar_area = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    largest = max((abs(v) for _label, v in points), default=0) or 1
    bars = []
    for i, (label, value) in enumerate(points):
        y = TOP + i * (BAR_HEIGHT + BAR_GAP)
        short = label if len(label) <= 28 else label[:27] + "…"
        bars.append(
            Bar(
                label=short,
                value=value,
                value_text=number_text(value),
                y=y,
                width=max(1.0, round(abs(value) / largest * bar_area, 1)) if value else 0.0,
                text_y=y + BAR_HEIGHT * 0.72,
            )
        )
    height = TOP * 2 + len(points) * (BAR_HEIGHT + BAR_GAP)
    return BarChart(
        bars=bars,
        width=CHART_WIDTH,
        height=height,
        label_width=LABEL_WIDTH,
        bar_area=bar_area,
        bar_height=BAR_HEIGHT,
    )


NUMERIC_TYPES = frozenset(
    {"integer", "number", "int", "int4", "int8", "bigint", "float", "float8", "numeric"}
)
TEXT_TYPES = frozenset({"string", "text", "year"})


def chart_columns(fields: Iterable[Mapping[str, Any]]) -> tuple[list[str], list[str]]:
    """Return (text columns to group by, numeric columns to sum) from a Table Schema's fields."""
    labels, values = [], []
    for f in fields:
        name, kind = str(f.get("name", "")), str(f.get("type", "string")).lower()
        if not name or name == "_id":
            continue
        if kind in NUMERIC_TYPES:
            values.append(name)
        elif kind in TEXT_TYPES:
            labels.append(name)
    return labels, values
