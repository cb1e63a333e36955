"""Forms of the dashboard editor: a dashboard's settings and a chart's type and columns.

The forms only parse what was posted; the services check it again (and audit), so a form that
lets something through never decides anything on its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ddgov.agencies.models import Agency
from ddgov.analytics.models import Chart, SavedQuery
from ddgov.analytics.services.dashboards import REFRESH_MINUTES

REFRESH_CHOICES = (
    (15, _("every 15 minutes")),
    (60, _("every hour")),
    (360, _("every 6 hours")),
    (1440, _("every day")),
    (10080, _("every week")),
)
WIDTH_CHOICES = (
    (12, _("full width")),
    (8, _("two thirds")),
    (6, _("half")),
    (4, _("one third")),
    (3, _("one quarter")),
)
ORIENTATION_CHOICES = (
    ("", _("automatic")),
    ("vertical", _("vertical bars")),
    ("horizontal", _("horizontal bars")),
)
SORT_CHOICES = (
    ("", _("as the query returns them")),
    ("desc", _("largest first")),
    ("asc", _("smallest first")),
)


class DashboardForm(forms.Form):
    """A dashboard's settings (the agency only when creating)."""

    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=_("Agency"))
    slug = forms.SlugField(
        label=_("Address"),
        max_length=100,
        help_text=_("Lower-case letters, digits and hyphens: /analytics/d/<address>/"),
    )
    title = forms.CharField(label=_("Title (Thai)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    public = forms.BooleanField(
        label=_("Public: anyone may see and embed it"),
        required=False,
        help_text=_(
            "Shown publicly only while every chart reads open data; charts are then computed "
            "with the public's rights."
        ),
    )
    refresh_minutes = forms.TypedChoiceField(
        label=_("Refresh"), choices=REFRESH_CHOICES, coerce=int, initial=1440
    )

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        """Offer ``agencies`` when creating; without them the agency field is dropped."""
        super().__init__(*args, **kwargs)
        if agencies is None:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
            if agencies.count() == 1:
                self.fields["agency"].initial = agencies.first()
        low, high = REFRESH_MINUTES
        current = self.initial.get("refresh_minutes")
        choices = list(REFRESH_CHOICES)
        if isinstance(current, int) and low <= current <= high and current not in dict(choices):
            choices.append((current, _("every %(n)s minutes") % {"n": current}))
            self.fields["refresh_minutes"].choices = choices  # type: ignore[attr-defined]


def _column_field(
    columns: Sequence[Mapping[str, str]],
    *,
    label: Any,
    required: bool = False,
    multiple: bool = False,
) -> forms.Field:
    """A select of the query's columns when known, else a text input for the name(s)."""
    if columns:
        choices = [(c["name"], f"{c['name']} ({c.get('type', '')})") for c in columns]
        if multiple:
            return forms.MultipleChoiceField(
                label=label, choices=choices, required=required, widget=forms.CheckboxSelectMultiple
            )
        return forms.ChoiceField(label=label, choices=[("", "—"), *choices], required=required)
    if multiple:
        return forms.CharField(
            label=label,
            required=required,
            help_text=_("Column names separated by commas."),
        )
    return forms.CharField(label=label, required=required)


class ChartForm(forms.Form):
    """A chart: its query, title, type and, per type, the columns it draws."""

    query = forms.ModelChoiceField(queryset=SavedQuery.objects.none(), label=_("Saved query"))
    title = forms.CharField(label=_("Chart title"), max_length=200)
    kind = forms.ChoiceField(label=_("Chart type"), choices=Chart.Kind.choices)
    width = forms.TypedChoiceField(
        label=_("Width on the page"), choices=WIDTH_CHOICES, coerce=int, initial=6
    )
    horizontal = forms.ChoiceField(label=_("Bars"), choices=ORIENTATION_CHOICES, required=False)
    sort = forms.ChoiceField(label=_("Order of bars"), choices=SORT_CHOICES, required=False)
    classes = forms.TypedChoiceField(
        label=_("Shades on the map"),
        choices=[(n, str(n)) for n in range(3, 8)],
        coerce=int,
        initial=5,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        queries: Any,
        columns: Sequence[Mapping[str, str]] = (),
        placing: bool = True,
        **kwargs: Any,
    ) -> None:
        """Build the column fields from the query's ``columns`` (text inputs when unknown)."""
        super().__init__(*args, **kwargs)
        if not columns:
            for key in ("y", "columns"):
                if isinstance(self.initial.get(key), list):
                    self.initial[key] = ", ".join(self.initial[key])
        self.fields["query"].queryset = queries  # type: ignore[attr-defined]
        if not placing:
            del self.fields["width"]
        self.fields["x"] = _column_field(columns, label=_("Categories or time (x)"))
        self.fields["y"] = _column_field(columns, label=_("Values (y)"), multiple=True)
        self.fields["series"] = _column_field(
            columns, label=_("Lines from the values of (optional)")
        )
        self.fields["province"] = _column_field(columns, label=_("Province (name or code)"))
        self.fields["value"] = _column_field(columns, label=_("Value shaded on the map"))
        self.fields["columns"] = _column_field(
            columns, label=_("Columns to show (none: all)"), multiple=True
        )

    def groups(self) -> list[tuple[str, Any, list[forms.BoundField]]]:
        """The kind-specific fields in fieldsets: (kinds, legend, fields)."""
        return [
            ("bar line", _("Bar and line charts"), [self[n] for n in ("x", "y", "series")]),
            ("bar", _("Bar charts"), [self["horizontal"], self["sort"]]),
            (
                "choropleth",
                _("Map of Thailand"),
                [self[n] for n in ("province", "value", "classes")],
            ),
            ("table", _("Table"), [self["columns"]]),
        ]

    def options(self) -> dict[str, Any]:
        """The chart options for the chosen kind, from the cleaned data."""
        data = self.cleaned_data
        kind = data.get("kind")

        def names(value: Any) -> list[str]:
            if isinstance(value, str):
                return [v.strip() for v in value.split(",") if v.strip()]
            return [str(v) for v in value or []]

        options: dict[str, Any] = {}
        if kind in {"bar", "line"}:
            options["x"] = data.get("x") or ""
            options["y"] = names(data.get("y"))
            if kind == "line" and data.get("series"):
                options["series"] = data["series"]
            if kind == "bar" and data.get("horizontal"):
                options["horizontal"] = data["horizontal"] == "horizontal"
            if kind == "bar" and data.get("sort"):
                options["sort"] = data["sort"]
        elif kind == "choropleth":
            options["province"] = data.get("province") or ""
            options["value"] = data.get("value") or ""
            options["classes"] = data.get("classes") or 5
        elif kind == "table" and names(data.get("columns")):
            options["columns"] = names(data.get("columns"))
        return options

    @staticmethod
    def initial_from(chart: Chart) -> dict[str, Any]:
        """Initial values that show an existing chart's options in the form."""
        options = chart.options or {}
        horizontal = options.get("horizontal")
        y = options.get("y") or []
        columns = options.get("columns") or []
        return {
            "query": chart.query_id,
            "title": chart.title,
            "kind": chart.kind,
            "x": options.get("x", ""),
            "y": y,
            "series": options.get("series", ""),
            "horizontal": ""
            if horizontal is None
            else ("horizontal" if horizontal else "vertical"),
            "sort": options.get("sort", ""),
            "province": options.get("province", ""),
            "value": options.get("value", ""),
            "classes": options.get("classes", 5),
            "columns": columns,
        }
