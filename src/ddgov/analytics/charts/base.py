"""What every chart renderer takes and returns, and the options each kind understands.

A renderer gets a chart's stored result (``columns`` as ``[{"name", "type"}]`` and ``rows`` as
lists, exactly as :class:`~ddgov.analytics.models.ChartSnapshot` keeps them) with its options,
and returns SVG markup plus a plain data table: the accessible fallback shown under every
drawing (and the whole output of a ``table`` chart).

Options (all kinds): ``labels`` — ``{column: "label"}`` or ``{column: {"th": …, "en": …}}``;
``thai_digits`` — print Thai digits; ``decimals`` — places for full numbers.
``bar``: ``x``, ``y`` (list), ``horizontal`` (default: automatic), ``sort`` (``asc``/``desc``),
``limit`` (bars, default 50). ``line``: ``x``, ``y`` (list) or one ``y`` with ``series`` (a
column whose values name the lines). ``table``: ``columns`` (list), ``limit`` (rows, default
100). ``choropleth``: ``province``, ``value``, ``classes`` (3-7 quantile classes, default 5).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ddgov.analytics.charts.numbers import format_cell, is_numeric_type, number_value

KINDS = ("bar", "line", "table", "choropleth")
MAX_BARS = 100
MAX_TABLE_ROWS = 1000
FALLBACK_ROWS = 200


class ChartDataError(Exception):
    """The options do not fit the data (a column missing, nothing numeric to draw)."""


@dataclass(frozen=True)
class Header:
    """One column of a data table."""

    name: str
    label: str
    numeric: bool


@dataclass(frozen=True)
class DataTable:
    """Formatted cells for an HTML table; ``total`` rows existed, ``len(rows)`` are shown."""

    headers: list[Header]
    rows: list[list[str]]
    total: int

    @property
    def body(self) -> list[list[tuple[str, bool]]]:
        """Each row's cells with whether the column is numeric (for the template's alignment)."""
        numeric = [h.numeric for h in self.headers]
        return [list(zip(row, numeric, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class RenderedChart:
    """A drawn chart: SVG (empty for tables and on error), its data table, notes, an error."""

    kind: str
    svg: str = ""
    table: DataTable | None = None
    notes: list[str] = field(default_factory=list)
    error: str = ""


@dataclass(frozen=True)
class ChartInput:
    """Everything a renderer needs; ``ident`` makes the SVG's element ids unique on a page."""

    kind: str
    title: str
    options: Mapping[str, Any]
    columns: Sequence[Mapping[str, str]]
    rows: Sequence[Sequence[Any]]
    language: str = "th"
    ident: str = "chart"
    width: float = 640.0

    @property
    def height(self) -> float:
        """The drawing's height for its width (16:9, at least 300 units)."""
        return float(max(300, round(self.width * 9 / 16)))

    def index(self, name: object) -> int:
        """The position of column ``name`` (exact, then case-insensitive) or ChartDataError."""
        names = [str(c.get("name", "")) for c in self.columns]
        wanted = str(name or "")
        if wanted in names:
            return names.index(wanted)
        folded = [n.casefold() for n in names]
        if wanted.casefold() in folded:
            return folded.index(wanted.casefold())
        raise ChartDataError(
            _(
                "The result has no column %(column)s (it has: %(columns)s). / "
                "ผลลัพธ์ไม่มีคอลัมน์ %(column)s (มี: %(columns)s)"
            )
            % {"column": wanted or "—", "columns": ", ".join(names) or "—"}
        )

    def column_type(self, index: int) -> str:
        """The engine's type name of a column."""
        return str(self.columns[index].get("type", ""))

    def column_name(self, index: int) -> str:
        """A column's name."""
        return str(self.columns[index].get("name", ""))

    def label(self, index: int) -> str:
        """The label shown for a column: from ``labels`` in the reader's language, or its name."""
        name = self.column_name(index)
        labels = self.options.get("labels") or {}
        chosen = labels.get(name) if isinstance(labels, Mapping) else None
        if isinstance(chosen, Mapping):
            language = "th" if self.language.startswith("th") else "en"
            chosen = chosen.get(language) or chosen.get("th") or chosen.get("en")
        return str(chosen) if chosen else name

    @property
    def thai_digits(self) -> bool:
        """Whether numbers print with Thai digits."""
        return bool(self.options.get("thai_digits"))

    @property
    def decimals(self) -> int | None:
        """Places for full numbers, when the options fix them."""
        value = self.options.get("decimals")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def is_numeric(self, index: int) -> bool:
        """Whether the column holds numbers (by its type, or by its values when untyped)."""
        if is_numeric_type(self.column_type(index)):
            return True
        if self.column_type(index):
            return False
        values = [row[index] for row in self.rows if row[index] is not None]
        return bool(values) and all(number_value(v) is not None for v in values)

    def table(self, indexes: Sequence[int], *, limit: int = FALLBACK_ROWS) -> DataTable:
        """The data table of the given columns (the first ``limit`` rows)."""
        headers = [
            Header(name=self.column_name(i), label=self.label(i), numeric=self.is_numeric(i))
            for i in indexes
        ]
        rows = [
            [
                format_cell(
                    row[i],
                    column_type=self.column_type(i),
                    column_name=self.column_name(i),
                    language=self.language,
                    thai_digits=self.thai_digits,
                )
                for i in indexes
            ]
            for row in self.rows[:limit]
        ]
        return DataTable(headers=headers, rows=rows, total=len(self.rows))


def _column_list(value: object) -> list[str] | None:
    if isinstance(value, str) and value.strip():
        return [value.strip()]
    if isinstance(value, list | tuple) and value and all(isinstance(v, str) and v for v in value):
        return [v.strip() for v in value]
    return None


def _positive_int(value: object, *, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _need(clean: dict[str, Any], key: str, problems: list[str]) -> None:
    value = clean.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(
            _("This chart type needs the column %(key)s. / แผนภูมิชนิดนี้ต้องระบุคอลัมน์ %(key)s")
            % {"key": key}
        )
    else:
        clean[key] = value.strip()


def _clean_xy(kind: str, clean: dict[str, Any], problems: list[str]) -> None:
    _need(clean, "x", problems)
    y = _column_list(clean.get("y"))
    if y is None:
        problems.append(_("Choose at least one value column (y). / เลือกคอลัมน์ค่าอย่างน้อยหนึ่งคอลัมน์ (y)"))
    else:
        clean["y"] = y
    series = clean.get("series")
    if kind == "line" and series not in (None, ""):
        if not isinstance(series, str):
            problems.append(_("series must be a column name. / series ต้องเป็นชื่อคอลัมน์"))
        elif y is not None and len(y) != 1:
            problems.append(
                _(
                    "With series, give exactly one value column (y). / "
                    "เมื่อระบุ series ให้ระบุคอลัมน์ค่า (y) เพียงคอลัมน์เดียว"
                )
            )
    if kind == "bar" and clean.get("sort") not in (None, "", "asc", "desc"):
        problems.append(_("sort must be asc or desc. / sort ต้องเป็น asc หรือ desc"))


def _clean_table(clean: dict[str, Any], problems: list[str]) -> None:
    if clean.get("columns") in (None, "", []):
        return
    columns = _column_list(clean.get("columns"))
    if columns is None:
        problems.append(_("columns must be a list of column names. / columns ต้องเป็นรายชื่อคอลัมน์"))
    else:
        clean["columns"] = columns


def _clean_map(clean: dict[str, Any], problems: list[str]) -> None:
    _need(clean, "province", problems)
    _need(clean, "value", problems)
    if not _positive_int(clean.get("classes", 5), low=3, high=7):
        problems.append(
            _("classes must be a whole number from 3 to 7. / classes ต้องเป็นจำนวนเต็ม 3 ถึง 7")
        )


def options_clean(*, kind: str, options: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Normalise a chart's options for its kind; return them with every problem (bilingual).

    ``y`` and ``columns`` given as one name become a list; unknown keys are kept (renderers
    ignore them) so a newer option survives an older server.
    """
    clean: dict[str, Any] = dict(options)
    problems: list[str] = []
    if kind not in KINDS:
        return clean, [_("Unknown chart type %(kind)s. / ไม่รู้จักชนิดแผนภูมิ %(kind)s") % {"kind": kind}]
    if kind in {"bar", "line"}:
        _clean_xy(kind, clean, problems)
    elif kind == "table":
        _clean_table(clean, problems)
    else:
        _clean_map(clean, problems)
    limit = clean.get("limit")
    top = MAX_BARS if kind == "bar" else MAX_TABLE_ROWS
    if limit is not None and not _positive_int(limit, low=1, high=top):
        problems.append(
            _("limit must be a whole number from 1 to %(top)s. / limit ต้องเป็นจำนวนเต็ม 1 ถึง %(top)s")
            % {"top": top}
        )
    labels = clean.get("labels")
    if labels is not None and not isinstance(labels, Mapping):
        problems.append(_("labels must map column names to labels. / labels ต้องจับคู่ชื่อคอลัมน์กับป้ายชื่อ"))
    return clean, problems
