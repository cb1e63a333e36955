"""``package_search``: CKAN's search parameters in, CKAN's result shape out.

Parameter checking happens here (unknown parameters are refused as CKAN does); the Thai
full-text search itself is ``ddgov.catalog.selectors.search.dataset_search``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ddgov.agencies.models import Agency
from ddgov.catalog.api.actions.registry import ActionContext, action
from ddgov.catalog.api.errors import ApiSearchError, ApiSearchQueryError, ApiValidationError
from ddgov.catalog.api.params import as_bool, as_int, maybe_json
from ddgov.catalog.api.serializers import package_dicts
from ddgov.catalog.models import Group
from ddgov.catalog.selectors.search import dataset_search
from ddgov.catalog.vocab import LICENSES, DataCategory, DataType, GeoCoverage

VOCABULARIES = {"data_category": DataCategory, "data_type": DataType, "geo_coverage": GeoCoverage}
ROWS_DEFAULT = 10
ROWS_MAX = 1000
FACET_LIMIT_DEFAULT = 50
KNOWN = {
    "q", "fq", "fq_list", "sort", "rows", "start", "facet", "facet.field", "facet.limit",
    "facet.mincount", "include_private", "include_drafts", "include_deleted", "use_default_schema",
    "defType", "qf", "fl", "bf", "boost", "hl", "wt", "facet.sort", "search_debug",
}  # fmt: skip


def _check_params(data: dict[str, Any]) -> None:
    unknown = sorted(k for k in data if k not in KNOWN and not k.startswith("ext_"))
    if unknown:
        raise ApiSearchQueryError(
            _("Invalid search parameters: %(names)s / พารามิเตอร์การค้นหาไม่ถูกต้อง: %(names)s")
            % {"names": ", ".join(unknown)}
        )


def _text(data: dict[str, Any], key: str, default: str) -> str:
    value = data.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, list):
        raise ApiSearchQueryError(
            _("%(key)s must be a single value / %(key)s ต้องมีค่าเดียว") % {"key": key}
        )
    return str(value)


def _facet_fields(data: dict[str, Any]) -> list[str]:
    value = maybe_json(data.get("facet.field"))
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiSearchQueryError(
            _("facet.field must be a JSON list of field names / facet.field ต้องเป็นรายการ JSON")
        )
    return value


def _fq_list(data: dict[str, Any]) -> list[str]:
    value = maybe_json(data.get("fq_list"))
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ApiSearchQueryError(
            _("fq_list must be a list of filter queries / fq_list ต้องเป็นรายการ")
        )
    return [str(v) for v in value]


def search_params(data: dict[str, Any]) -> dict[str, Any]:
    """Return the checked, typed search parameters (CKAN defaults filled in)."""
    _check_params(data)
    try:
        rows = as_int(data, "rows", default=ROWS_DEFAULT, maximum=ROWS_MAX)
        start = as_int(data, "start", default=0)
        facet_limit = as_int(data, "facet.limit", default=FACET_LIMIT_DEFAULT, minimum=-1)
        facet_mincount = as_int(data, "facet.mincount", default=1)
        facet = as_bool(data, "facet", default=True)
        include_private = as_bool(data, "include_private")
        include_drafts = as_bool(data, "include_drafts")
    except ApiValidationError as exc:
        raise ApiSearchQueryError(exc.message) from exc
    return {
        "q": _text(data, "q", "*:*"),
        "fq": _text(data, "fq", ""),
        "fq_list": _fq_list(data),
        "sort": _text(data, "sort", "score desc, metadata_modified desc"),
        "rows": rows,
        "start": start,
        "facet_fields": _facet_fields(data) if facet else [],
        "facet_limit": facet_limit,
        "facet_mincount": facet_mincount,
        "include_private": include_private,
        "include_drafts": include_drafts,
    }


@action("package_search", side_effect_free=True)
def package_search(ctx: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Thai full-text dataset search with CKAN's q/fq/sort/rows/start and facets.

    Thai words are found inside unsegmented text (PyThaiNLP), ranked with BM25F. Facet fields:
    organization, groups, tags, res_format, license_id, data_category, data_type, geo_coverage.
    """
    params = search_params(data)
    try:
        page = dataset_search(viewer=ctx.caller, **params)
    except (OSError, TimeoutError) as exc:  # an external engine (OpenSearch) is unreachable
        raise ApiSearchError(
            _("The search engine is unavailable. / ระบบค้นหาไม่พร้อมใช้งาน") + f" ({exc})"
        ) from exc
    facets = {field: dict(counts) for field, counts in (page.facets or {}).items()}
    return {
        "count": page.count,
        "results": package_dicts(ctx.request, page.datasets),
        "facets": facets,
        "search_facets": search_facets(facets),
        "sort": page.sort,
    }


def _display_names(field: str, values: list[str]) -> dict[str, str]:
    """Human names of facet values: agency and group titles, licence titles, vocabulary labels."""
    if field == "organization":
        return dict(Agency.objects.filter(code__in=values).values_list("code", "name_th"))
    if field == "groups":
        return dict(Group.objects.filter(name__in=values).values_list("name", "title_th"))
    if field == "license_id":
        return {v: LICENSES[v][0] for v in values if v in LICENSES}
    choices = VOCABULARIES.get(field)
    if choices is not None:
        labels = dict(choices.choices)
        return {v: str(labels[v]) for v in values if v in labels}
    return {}


def search_facets(facets: dict[str, dict[str, int]]) -> dict[str, Any]:
    """CKAN's ``search_facets``: per field, items with the display name of each value."""
    out: dict[str, Any] = {}
    for field, counts in facets.items():
        names = _display_names(field, list(counts))
        out[field] = {
            "title": field,
            "items": [
                {"name": value, "display_name": names.get(value, value), "count": count}
                for value, count in counts.items()
            ],
        }
    return out
