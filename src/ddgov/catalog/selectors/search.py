"""Searching datasets the way CKAN's ``package_search`` does, with real Thai word segmentation.

``dataset_search`` accepts the Solr/CKAN parameters clients send (``q``, ``fq``, ``fq_list``,
``sort``, ``rows``, ``start``, facets, ``include_private``, ``include_drafts``), checks them,
and returns one :class:`SearchPage`. Free text is segmented with PyThaiNLP, so a word found
inside unsegmented Thai text matches, and ranked with BM25F (title > tags > notes > names).
See :mod:`ddgov.catalog.search.query` for the query language and
:mod:`ddgov.catalog.search.backends` for the engine boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

from ddgov.catalog.models import Dataset, Resource
from ddgov.catalog.search.backends import SearchRequest, search_backend
from ddgov.catalog.search.engine import Visibility
from ddgov.catalog.search.query import SearchQueryError, query_parse, sort_parse
from ddgov.catalog.selectors.datasets import Viewer, _member_agency_ids

__all__ = ["FACET_FIELDS", "MAX_ROWS", "SearchPage", "SearchQueryError", "dataset_search"]

FACET_FIELDS = (
    "organization", "groups", "tags", "res_format", "license_id", "data_category", "data_type",
    "geo_coverage",
)  # fmt: skip
MAX_ROWS = 1000


@dataclass
class SearchPage:
    """One page of search results.

    ``datasets`` are in rank order with ``owner_org`` loaded and ``tags``, ``groups`` and the
    active ``resources`` prefetched; ``facets`` maps each requested field to ``{value: count}``
    ordered by count (highest first) then value; ``sort`` is the normalised sort string.
    """

    count: int
    datasets: list[Dataset]
    facets: dict[str, dict[str, int]]
    sort: str


def _integer(name: str, value: Any, *, low: int, high: int | None = None) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if (
        number is None
        or isinstance(value, float)
        or number < low
        or (high is not None and number > high)
    ):
        bound = f"{low}..{high}" if high is not None else f">= {low}"
        msg = f"{name} must be a whole number {bound} / {name} ต้องเป็นจำนวนเต็ม {bound}"
        raise SearchQueryError(msg)
    return number


def _facet_fields(fields: Any) -> tuple[str, ...]:
    if not fields:
        return ()
    if isinstance(fields, str):
        fields = [fields]
    unknown = [f for f in fields if f not in FACET_FIELDS]
    if unknown:
        msg = (
            f"Cannot facet by {', '.join(map(str, unknown))}; facet fields: {', '.join(FACET_FIELDS)} / "
            f"สรุปจำนวนตาม {', '.join(map(str, unknown))} ไม่ได้ ฟิลด์ที่ใช้ได้: {', '.join(FACET_FIELDS)}"
        )
        raise SearchQueryError(msg)
    return tuple(dict.fromkeys(fields))


def _text(name: str, value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        msg = f"{name} must be a string / {name} ต้องเป็นข้อความ"
        raise SearchQueryError(msg)
    return value


def _may_see(dataset: Dataset, *, agencies: list[int] | None, include_drafts: bool) -> bool:
    """Re-check one loaded dataset against the catalog's rule, so a stale index never reveals it.

    The same rule as ``datasets_visible(include_private=True, include_drafts=…)``, applied to rows
    fetched by primary key: filtering by state in SQL makes SQLite scan the state index instead.
    """
    if dataset.state == Dataset.State.ACTIVE and not dataset.private:
        return True
    if agencies is not None and dataset.owner_org_id not in agencies:
        return False
    return dataset.state == Dataset.State.ACTIVE or (
        include_drafts and dataset.state == Dataset.State.DRAFT
    )


def dataset_search(
    *,
    viewer: Viewer,
    q: str | None = "*:*",
    fq: str | None = "",
    fq_list: list[str] | None = None,
    sort: str | None = None,
    rows: int = 10,
    start: int = 0,
    facet_fields: list[str] | None = None,
    facet_limit: int = 50,
    facet_mincount: int = 1,
    include_private: bool = False,
    include_drafts: bool = False,
) -> SearchPage:
    """Return the page of datasets ``viewer`` may see that match; raise SearchQueryError on bad input.

    Anonymous viewers see open data only; ``include_private`` adds the private datasets of the
    viewer's agencies (every agency for a platform admin) and ``include_drafts`` their drafts.
    Deleted datasets never appear.
    """
    rows = _integer("rows", rows, low=0, high=MAX_ROWS)
    start = _integer("start", start, low=0)
    facet_limit = _integer("facet.limit", facet_limit, low=-1)
    facet_mincount = _integer("facet.mincount", facet_mincount, low=0)
    query = query_parse(_text("q", q) or "*:*")
    filters = [query_parse(_text("fq", fq))] if fq else []
    filters += [query_parse(_text("fq_list", item)) for item in (fq_list or [])]
    sort_keys, sort_text = sort_parse(_text("sort", sort))
    agencies = _member_agency_ids(viewer)
    request = SearchRequest(
        query=query,
        filters=tuple(filters),
        sort=sort_keys,
        rows=rows,
        start=start,
        facet_fields=_facet_fields(facet_fields),
        facet_limit=facet_limit,
        facet_mincount=facet_mincount,
        visibility=Visibility(
            agencies=None if agencies is None else tuple(agencies),
            include_private=bool(include_private),
            include_drafts=bool(include_drafts),
        ),
    )
    hits = search_backend().search(request)
    datasets: list[Dataset] = []
    if hits.ids:
        found = (
            Dataset.objects.filter(pk__in=hits.ids)
            .order_by()
            .select_related("owner_org")
            .prefetch_related(
                "tags",
                "groups",
                Prefetch(
                    "resources",
                    # Resource's default ordering joins the dataset table; the position is enough.
                    queryset=Resource.objects.filter(state=Resource.State.ACTIVE).order_by(
                        "position", "created"
                    ),
                ),
            )
        )
        by_id = {
            d.pk: d
            for d in found
            if _may_see(d, agencies=agencies, include_drafts=bool(include_drafts))
        }
        datasets = [by_id[i] for i in hits.ids if i in by_id]
    return SearchPage(count=hits.count, datasets=datasets, facets=hits.facets, sort=sort_text)
