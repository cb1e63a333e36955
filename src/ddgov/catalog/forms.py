"""Forms of the catalog's steward pages; they only collect and parse input, services decide.

The Thai GD-Catalog rules (required fields, allowed codes, classification) live in
``services.datasets``; a form turns what the browser sent into the *clean* field dictionary that
``dataset_create`` / ``dataset_update`` take, and puts the service's per-field errors back next
to the fields. Browser-side ``required`` attributes are off so the one set of rules (and its
Thai/English messages) decides, whether the caller is this page or the API.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ddgov.agencies.models import Agency
from ddgov.catalog.models import Dataset, Group
from ddgov.catalog.services.dataset_fields import TRANSLATED_FIELDS
from ddgov.catalog.vocab import (
    LICENSES,
    REQUIRED_FIELDS,
    Classification,
    DataCategory,
    DataType,
    GeoCoverage,
    Objective,
    UpdateFrequency,
)

LANGUAGES = (("th", _("Thai")), ("en", _("English")), ("other", _("Other language")))
FRICTIONLESS_TYPES = (
    ("string", _("Text")),
    ("integer", _("Whole number")),
    ("number", _("Number")),
    ("boolean", _("Yes/no")),
    ("date", _("Date")),
    ("datetime", _("Date and time")),
    ("year", _("Year")),
)
# Calendar and day order of dates and years (the ingestion's Table Schema ``format``).
DATE_FORMATS = (
    ("", _("Automatic")),
    ("be", _("Buddhist era (B.E.)")),
    ("ce", _("Common era (A.D.)")),
    ("dmy", _("Day before month")),
    ("mdy", _("Month before day")),
    ("be-mdy", _("B.E., month before day")),
    ("ce-mdy", _("A.D., month before day")),
)
DATED_TYPES = frozenset({"date", "datetime", "year"})
BAD_EMAIL = _("Enter a valid e-mail address. / กรุณากรอกอีเมลให้ถูกต้อง")
BAD_NUMBER = _("Enter a whole number of 1 or more. / กรุณากรอกจำนวนเต็มตั้งแต่ 1 ขึ้นไป")
BAD_DATE = _("Enter a valid date. / กรุณากรอกวันที่ให้ถูกต้อง")
BAD_URL = _("Enter a valid web address. / กรุณากรอกที่อยู่เว็บให้ถูกต้อง")
BAD_CHOICE = _("Choose one of the listed values. / กรุณาเลือกจากรายการ")
MISSING = _("Missing value / กรุณากรอกข้อมูล")

# Service error keys that are shown on a differently named form field.
ERROR_FIELD = {"tags": "tag_string", "extras": "__all__"}

# Optional statistical and geospatial fields of thai_gdc (kept in ``Dataset.extras``).
STATISTICAL_FIELDS = (
    "data_release_calendar",
    "first_year_of_data",
    "last_year_of_data",
    "disaggregate",
    "unit_of_measure",
    "unit_of_multiplier",
    "calculation_method",
    "standard",
)
GEOSPATIAL_FIELDS = (
    "geographic_data_set",
    "equivalent_scale",
    "west_bound_longitude",
    "east_bound_longitude",
    "north_bound_latitude",
    "south_bound_latitude",
    "positional_accuracy",
    "reference_period",
    "data_release_date",
)
# The English title and description, kept in the dataset's extras (the model's texts are Thai).
ENGLISH_FIELDS = tuple(TRANSLATED_FIELDS)
EXTRA_LABELS = {
    "data_release_calendar": _("Data release calendar"),
    "first_year_of_data": _("First year of data"),
    "last_year_of_data": _("Last year of data"),
    "disaggregate": _("Disaggregation"),
    "unit_of_measure": _("Unit of measure"),
    "unit_of_multiplier": _("Unit multiplier"),
    "calculation_method": _("Calculation method"),
    "standard": _("Standard used"),
    "geographic_data_set": _("Geographic data set"),
    "equivalent_scale": _("Equivalent scale"),
    "west_bound_longitude": _("West bound longitude"),
    "east_bound_longitude": _("East bound longitude"),
    "north_bound_latitude": _("North bound latitude"),
    "south_bound_latitude": _("South bound latitude"),
    "positional_accuracy": _("Positional accuracy"),
    "reference_period": _("Reference period"),
    "data_release_date": _("Data release date"),
}


def _blank(choices: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("— choose —")), *choices]


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": BAD_DATE},
    )


class DatasetForm(forms.Form):
    """Every Thai GD-Catalog field of a dataset, in the order the guideline lists them."""

    use_required_attribute = False

    owner_org = forms.ChoiceField(
        label=_("Organisation"),
        help_text=_("The agency that publishes and is responsible for this dataset."),
        error_messages={"invalid_choice": BAD_CHOICE},
    )
    title = forms.CharField(label=pgettext_lazy("dataset", "Title"), max_length=500, required=False)
    name = forms.CharField(
        label=_("URL name"),
        max_length=100,
        required=False,
        help_text=_(
            "Lowercase English letters, digits, - and _ (for example elderly-by-province). "
            "Leave empty to make one from the title."
        ),
    )
    notes = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the data is, how it was collected, and what it is useful for."),
    )
    title_en = forms.CharField(
        label=_("Title in English"),
        max_length=TRANSLATED_FIELDS["title_en"],
        required=False,
        help_text=_("Shown to readers who chose English (optional)."),
    )
    notes_en = forms.CharField(
        label=_("Description in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    data_type = forms.ChoiceField(
        label=_("Data type"), required=False, choices=_blank(DataType.choices)
    )
    tag_string = forms.CharField(
        label=_("Keywords"),
        required=False,
        help_text=_("Separate keywords with commas, for example: elderly, population."),
    )
    groups = forms.MultipleChoiceField(
        label=_("Focus areas"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": BAD_CHOICE},
    )
    maintainer = forms.CharField(label=_("Contact person or unit"), max_length=255, required=False)
    maintainer_email = forms.EmailField(
        label=_("Contact e-mail"), required=False, error_messages={"invalid": BAD_EMAIL}
    )
    objective = forms.MultipleChoiceField(
        label=_("Objective"),
        required=False,
        choices=Objective.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose every objective the dataset serves."),
        error_messages={"invalid_choice": BAD_CHOICE},
    )
    update_frequency_unit = forms.ChoiceField(
        label=_("Update frequency"), required=False, choices=_blank(UpdateFrequency.choices)
    )
    update_frequency_interval = forms.IntegerField(
        label=_("Update every (number of units)"),
        required=False,
        min_value=1,
        help_text=_("For example 3 with “Monthly” means every three months."),
        error_messages={"invalid": BAD_NUMBER, "min_value": BAD_NUMBER},
    )
    geo_coverage = forms.ChoiceField(
        label=_("Geographic coverage"), required=False, choices=_blank(GeoCoverage.choices)
    )
    data_source = forms.CharField(
        label=_("Data source"),
        max_length=500,
        required=False,
        help_text=_("The agency, system or survey the data comes from."),
    )
    data_format = forms.CharField(
        label=_("Data format"),
        max_length=100,
        required=False,
        help_text=_("For example CSV, XLSX, JSON, Parquet."),
    )
    data_category = forms.ChoiceField(
        label=_("Data category"),
        required=False,
        choices=_blank(DataCategory.choices),
        help_text=_("Only public data may be published as open data."),
    )
    data_classification = forms.ChoiceField(
        label=_("Classification"),
        required=False,
        choices=Classification.choices,
        initial=Classification.PUBLIC,
    )
    license_id = forms.ChoiceField(
        label=_("Licence"),
        required=False,
        choices=_blank((code, title) for code, (title, _url) in LICENSES.items()),
    )
    accessible_condition = forms.CharField(
        label=_("Conditions of access"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    data_language = forms.MultipleChoiceField(
        label=_("Language of the data"),
        required=False,
        choices=LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    data_collect = forms.CharField(
        label=_("Unit of collection"),
        max_length=255,
        required=False,
        help_text=_("For example person, household, establishment, plot."),
    )
    data_support = forms.CharField(label=_("Supporting agency"), max_length=255, required=False)
    url = forms.URLField(
        label=_("Web page"),
        max_length=500,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": BAD_URL},
    )
    created_date = _date_field(_("Date created"))
    last_updated_date = _date_field(_("Date last updated"))
    high_value_dataset = forms.BooleanField(label=_("High-value dataset"), required=False)
    reference_data = forms.BooleanField(label=_("Reference data"), required=False)
    official_statistics = forms.BooleanField(label=_("Official statistics"), required=False)
    allow_harvest = forms.BooleanField(
        label=_("Allow harvesting by other catalogs"), required=False, initial=True
    )
    private = forms.BooleanField(
        label=_("Private (only your agency's staff can see it)"), required=False
    )
    state = forms.ChoiceField(
        label=_("Publication"),
        choices=[
            (Dataset.State.ACTIVE, _("Published")),
            (Dataset.State.DRAFT, _("Draft (not shown in search)")),
        ],
        initial=Dataset.State.ACTIVE,
    )

    # Sections of the page, so long forms stay readable; every field appears in one.
    SECTIONS = (
        (
            _("About the dataset"),
            ("owner_org", "title", "title_en", "name", "notes", "notes_en", "tag_string", "groups"),
        ),
        (
            _("Thai Government Data Catalog metadata"),
            (
                "data_type",
                "maintainer",
                "maintainer_email",
                "objective",
                "update_frequency_unit",
                "update_frequency_interval",
                "geo_coverage",
                "data_source",
                "data_format",
                "data_category",
                "data_classification",
                "license_id",
            ),
        ),
        (
            _("More about the data (optional)"),
            (
                "accessible_condition",
                "data_language",
                "data_collect",
                "data_support",
                "url",
                "created_date",
                "last_updated_date",
                "high_value_dataset",
                "reference_data",
                "allow_harvest",
            ),
        ),
        (_("Statistical data (optional)"), ("official_statistics", *STATISTICAL_FIELDS)),
        (_("Geospatial data (optional)"), GEOSPATIAL_FIELDS),
        (_("Publication"), ("state", "private")),
    )
    REQUIRED = frozenset({"owner_org", "title", *REQUIRED_FIELDS})

    def __init__(
        self,
        *args: Any,
        organizations: Iterable[Agency],
        groups: Iterable[Group],
        **kwargs: Any,
    ) -> None:
        """Offer only the agencies the steward may publish for, and the focus areas."""
        super().__init__(*args, **kwargs)
        owner = self.fields["owner_org"]
        assert isinstance(owner, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        owner.choices = _blank((a.code, f"{a.name} ({a.code})") for a in organizations)
        group_field = self.fields["groups"]
        assert isinstance(group_field, forms.MultipleChoiceField)  # noqa: S101
        group_field.choices = [(g.name, g.title) for g in groups]
        for name in (*STATISTICAL_FIELDS, *GEOSPATIAL_FIELDS):
            self.fields[name] = forms.CharField(
                label=EXTRA_LABELS[name], max_length=255, required=False
            )

    COLLAPSED = frozenset({STATISTICAL_FIELDS[0], GEOSPATIAL_FIELDS[0]})

    def sections(self) -> list[dict[str, Any]]:
        """Return each section's heading and (bound field, required by thai_gdc) pairs.

        The statistical and geospatial sections start folded unless they hold a value or an error.
        """
        result = []
        for heading, names in self.SECTIONS:
            bound = [self[name] for name in names]
            foldable = bool(self.COLLAPSED & set(names))
            filled = any(b.errors or (b.value() not in (None, "", [], False)) for b in bound)
            result.append(
                {
                    "heading": heading,
                    "fields": [(b, b.name in self.REQUIRED) for b in bound],
                    "folded": foldable and not filled,
                    "foldable": foldable,
                }
            )
        return result

    def clean_data(self, *, existing_extras: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Return the clean field dictionary for the dataset services (after ``is_valid``)."""
        data = dict(self.cleaned_data)
        tags = [t.strip() for t in str(data.pop("tag_string") or "").replace("،", ",").split(",")]
        data["tags"] = [t for t in tags if t]
        if not data.get("name"):
            data["name"] = _name_from_title(str(data.get("title") or ""))
        extras = {
            k: v
            for k, v in (existing_extras or {}).items()
            if k not in EXTRA_LABELS and k not in ENGLISH_FIELDS
        }
        for name in (*STATISTICAL_FIELDS, *GEOSPATIAL_FIELDS, *ENGLISH_FIELDS):
            value = str(data.pop(name) or "").strip()
            if value:
                data[name] = value
        data["extras"] = extras
        data["update_frequency_interval"] = data.get("update_frequency_interval")
        return data

    def add_service_errors(self, field_errors: Mapping[str, list[str]]) -> None:
        """Show each of the service's per-field messages next to its field."""
        for key, messages in field_errors.items():
            name = ERROR_FIELD.get(key, key)
            target = name if name in self.fields else None
            for message in messages:
                if target is None:
                    self.add_error(None, f"{key}: {message}")
                else:
                    self.add_error(target, message)


def _name_from_title(title: str) -> str:
    """A URL name from an English title, or a short random one (Thai titles have no ASCII slug)."""
    slug = slugify(title)[:80].strip("-")
    return slug if len(slug) >= 2 else f"dataset-{uuid.uuid4().hex[:8]}"


def dataset_initial(dataset: Dataset) -> dict[str, Any]:
    """Return the edit form's initial values from a dataset."""
    initial: dict[str, Any] = {
        name: getattr(dataset, name)
        for name in DatasetForm.base_fields
        if name not in {"owner_org", "tag_string", "groups"} and hasattr(dataset, name)
    }
    initial["owner_org"] = dataset.owner_org.code
    initial["tag_string"] = ", ".join(t.name for t in dataset.tags.all())
    initial["groups"] = [g.name for g in dataset.groups.all()]
    for name in (*STATISTICAL_FIELDS, *GEOSPATIAL_FIELDS, *ENGLISH_FIELDS):
        initial[name] = dataset.extras.get(name, "")
    return initial


class ResourceUploadForm(forms.Form):
    """A file to ingest as a new resource (or a new version of one), with a name and description."""

    use_required_attribute = False

    upload = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8 or TIS-620), XLSX, JSON or Parquet. Large files are fine."),
        error_messages={
            "required": _("Choose a file to upload. / กรุณาเลือกไฟล์ที่จะอัปโหลด"),
            "empty": _("The file is empty (0 bytes). / ไฟล์ว่างเปล่า (0 ไบต์)"),
        },
    )
    name = forms.CharField(
        label=pgettext_lazy("resource", "Name"),
        max_length=255,
        required=False,
        help_text=_("Leave empty to use the file name."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, new_version: bool = False, **kwargs: Any) -> None:
        """A new version keeps the resource's name and description, so it asks only for the file."""
        super().__init__(*args, **kwargs)
        if new_version:
            del self.fields["name"]
            del self.fields["description"]


@dataclass
class SchemaColumn:
    """One column on the schema page: its type select, its "lenient" box and the ingest's hint."""

    name: str
    type_field: forms.BoundField
    format_field: forms.BoundField
    lenient_field: forms.BoundField
    current_type: str
    current_format: str
    suggestion: Mapping[str, Any] | None


class SchemaForm(forms.Form):
    """One type per column of the inferred Table Schema; the steward corrects wrong guesses.

    A corrected column may also turn the few values that do not fit its type into empty cells
    (the ingestion's ``invalid: "null"``) instead of failing the whole ingest.
    """

    def __init__(
        self, *args: Any, schema_fields: Iterable[Mapping[str, Any]], **kwargs: Any
    ) -> None:
        """Add a type select and a "lenient" checkbox per column, set to the current values."""
        super().__init__(*args, **kwargs)
        self._columns: list[tuple[int, Mapping[str, Any]]] = []
        known = {code for code, _label in FRICTIONLESS_TYPES}
        for index, field in enumerate(schema_fields):
            column = str(field.get("name", ""))
            if not column or column == "_id":
                continue
            current = str(field.get("type") or "string")
            choices: list[tuple[str, Any]] = list(FRICTIONLESS_TYPES)
            if current not in known:
                choices.append((current, current))
            notes = field.get("x_ddgov") or {}
            self.fields[f"type_{index}"] = forms.ChoiceField(
                label=column,
                choices=choices,
                initial=current,
                error_messages={"invalid_choice": BAD_CHOICE},
            )
            fmt = str(field.get("format") or "")
            self.fields[f"format_{index}"] = forms.ChoiceField(
                label=_("Calendar and day order"),
                choices=DATE_FORMATS if fmt in dict(DATE_FORMATS) else [*DATE_FORMATS, (fmt, fmt)],
                initial=fmt,
                required=False,
                error_messages={"invalid_choice": BAD_CHOICE},
            )
            self.fields[f"lenient_{index}"] = forms.BooleanField(
                label=_("Values that do not fit become empty"),
                required=False,
                initial="invalid_to_null" in notes,
            )
            self._columns.append((index, field))

    def columns(self) -> list[SchemaColumn]:
        """Return the columns with their bound fields, for the template."""
        return [
            SchemaColumn(
                name=str(field["name"]),
                type_field=self[f"type_{index}"],
                format_field=self[f"format_{index}"],
                lenient_field=self[f"lenient_{index}"],
                current_type=str(field.get("type") or "string"),
                current_format=str(field.get("format") or ""),
                suggestion=(field.get("x_ddgov") or {}).get("suggestion"),
            )
            for index, field in self._columns
        ]

    def overrides(self, *, existing: Mapping[str, Any]) -> dict[str, Any]:
        """Return every column override: ``existing`` ones plus the steward's changes.

        A changed column becomes ``{"type": …}``, with its calendar ``format`` for dates and years
        and ``"invalid": "null"`` when its box is ticked.
        """
        result: dict[str, Any] = dict(existing)
        for column in self.columns():
            index = column.type_field.name.removeprefix("type_")
            chosen = str(self.cleaned_data.get(f"type_{index}") or column.current_type)
            fmt = (
                str(self.cleaned_data.get(f"format_{index}") or "") if chosen in DATED_TYPES else ""
            )
            lenient = bool(self.cleaned_data.get(f"lenient_{index}"))
            unchanged = (chosen, fmt, lenient) == (
                column.current_type,
                column.current_format if column.current_type in DATED_TYPES else "",
                bool(column.lenient_field.initial),
            )
            if unchanged:
                continue
            spec: dict[str, Any] = {"type": chosen}
            if fmt:
                spec["format"] = fmt
            if lenient:
                spec["invalid"] = "null"
            result[column.name] = spec
        return result

    def add_service_errors(self, field_errors: Mapping[str, list[str]]) -> None:
        """Show the ingestion's per-column refusals next to the column's type."""
        by_name = {c.name: c.type_field.name for c in self.columns()}
        for key, messages in field_errors.items():
            for message in messages:
                self.add_error(by_name.get(key), message)
