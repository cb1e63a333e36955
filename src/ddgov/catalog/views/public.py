"""The catalog's public pages: search with facets, dataset, resource, organisations and groups.

Anyone may use them; what each viewer sees is decided by the selectors (open data for
everyone, private and draft datasets for their agency's staff), the same answer the CKAN API
gives. Views only parse the query string, call selectors and render.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ddgov.catalog.hooks import dataset_badges_html
from ddgov.catalog.links import resource_download_url, resource_original_url
from ddgov.catalog.models import Dataset, Resource, ResourceVersion
from ddgov.catalog.selectors.browse import (
    dataset_resources,
    facet_names,
    groups_with_datasets,
    organizations_for_steward,
    organizations_with_datasets,
    resource_chart,
    resource_chart_label_column,
    resource_latest_version,
    resource_versions,
)
from ddgov.catalog.selectors.datasets import (
    NotFound,
    dataset_can_edit,
    dataset_get_for_viewer,
    group_get,
    organization_get,
    resource_get_for_viewer,
)
from ddgov.catalog.selectors.datastore import DatastoreError, datastore_search
from ddgov.catalog.selectors.search import SearchQueryError, dataset_search
from ddgov.catalog.views.display import (
    FACETS,
    NUMERIC_TYPES,
    SORTS,
    Pager,
    bar_chart,
    chart_columns,
    fq_from,
    license_title,
    license_url,
    metadata_rows,
    page_number,
    query_with,
)
from ddgov.catalog.vocab import DataCategory
from ddgov.lake.sandbox import SandboxError

PER_PAGE = 20
PREVIEW_ROWS = 50
CHART_BARS = 15


# --- search -------------------------------------------------------------------------------


def _facet_labels(facets: dict[str, dict[str, int]]) -> dict[tuple[str, str], str]:
    """Readable names for facet values: agency and group names, category and licence titles."""
    labels = facet_names(
        organizations=list(facets.get("organization", {})), groups=list(facets.get("groups", {}))
    )
    categories = dict(DataCategory.choices)
    for code in facets.get("data_category", {}):
        labels["data_category", code] = str(categories.get(code, code))
    for code in facets.get("license_id", {}):
        labels["license_id", code] = license_title(code)
    return labels


def _search_context(
    request: HttpRequest, *, fixed: tuple[str, str] | None = None
) -> dict[str, Any]:
    """Run the page's search (plus a fixed facet on organisation/group pages) and lay it out."""
    params = request.GET
    q = params.get("q", "").strip()
    sort = params.get("sort") or SORTS[0][0]
    if sort not in dict(SORTS):
        sort = SORTS[0][0]
    page = page_number(params, maximum=1000)
    fq = fq_from(params)
    if fixed is not None:
        fq = f'{fixed[0]}:"{fixed[1]}" {fq}'.strip()
    context: dict[str, Any] = {"q": q, "sort": sort, "sorts": SORTS, "error": ""}
    try:
        result = dataset_search(
            viewer=request.user,
            q=q,
            fq=fq,
            sort=sort,
            rows=PER_PAGE,
            start=(page - 1) * PER_PAGE,
            facet_fields=[name for name, _label in FACETS],
            include_private=True,
        )
    except SearchQueryError as exc:
        context.update(error=str(exc), count=0, datasets=[], facets=[], chosen=[], pager=None)
        return context
    raw_facets: dict[str, dict[str, int]] = {k: dict(v) for k, v in (result.facets or {}).items()}
    labels = _facet_labels(raw_facets)
    chosen = [
        {
            "field": name,
            "heading": heading,
            "value": value,
            "label": labels.get((name, value), value),
            "url": query_with(params, remove=(name, value)),
        }
        for name, heading in FACETS
        for value in params.getlist(name)
        if value
    ]
    facets = []
    for name, heading in FACETS:
        if fixed is not None and name == fixed[0]:
            continue
        selected = set(params.getlist(name))
        items = [
            {
                "value": value,
                "label": labels.get((name, value), value),
                "count": count,
                "selected": value in selected,
                "url": query_with(params, remove=(name, value))
                if value in selected
                else query_with(params, add=(name, value)),
            }
            for value, count in sorted(
                raw_facets.get(name, {}).items(), key=lambda kv: (-kv[1], kv[0])
            )[:10]
        ]
        if items:
            facets.append({"field": name, "heading": heading, "items": items})
    context.update(
        count=result.count,
        datasets=list(result.datasets),
        facets=facets,
        chosen=chosen,
        pager=Pager.build(page=page, total=result.count, per_page=PER_PAGE),
        page_query=query_with(params),
        sort_query=query_with(params, set_={"sort": ""}),
    )
    return context


@require_GET
def dataset_search_page(request: HttpRequest) -> HttpResponse:
    """``/dataset/``: Thai full-text search with facets, sort and paging (CKAN's package_search)."""
    context = _search_context(request)
    context["can_create"] = _can_create(request)
    return render(request, "catalog/search.html", context)


def _can_create(request: HttpRequest) -> bool:
    return request.user.is_authenticated and organizations_for_steward(user=request.user).exists()


# --- dataset and resource -----------------------------------------------------------------


def _dataset(request: HttpRequest, name: str) -> Dataset:
    try:
        return dataset_get_for_viewer(viewer=request.user, name_or_id=name)
    except NotFound as exc:
        raise Http404(name) from exc


def _resource(request: HttpRequest, dataset: Dataset, resource_id: str) -> Resource:
    try:
        resource = resource_get_for_viewer(viewer=request.user, resource_id=resource_id)
    except NotFound as exc:
        raise Http404(resource_id) from exc
    if resource.dataset_id != dataset.pk:
        raise Http404(resource_id)
    return resource


def download_links(
    dataset: Dataset, resource: Resource, version: ResourceVersion | None
) -> dict[str, str]:
    """URLs of a version's Parquet table, CSV export and original upload (served by the open-data views)."""
    if version is None:
        return {}
    links = {"original": resource_original_url("", dataset, resource, version.number)}
    if version.status == ResourceVersion.Status.SUCCEEDED and version.parquet_path:
        links["parquet"] = resource_download_url("", dataset, resource, "parquet", version.number)
        links["csv"] = resource_download_url("", dataset, resource, "csv", version.number)
    return links


@require_GET
def dataset_page(request: HttpRequest, name: str) -> HttpResponse:
    """``/dataset/<name>/``: metadata in the reader's language, resources, versions, API examples."""
    dataset = _dataset(request, name)
    active = dataset_resources(dataset=dataset)
    ready = [r for r in active if r.current_version_id]
    resources = []
    for resource in active:
        versions = list(resource.versions.all())
        resources.append(
            {
                "resource": resource,
                "latest": versions[0] if versions else None,
                "versions": [
                    {"version": v, "links": download_links(dataset, resource, v)} for v in versions
                ],
            }
        )
    api_base = request.build_absolute_uri("/api/3/action/")
    return render(
        request,
        "catalog/dataset.html",
        {
            "dataset": dataset,
            "metadata": metadata_rows(dataset),
            "license_title": license_title(dataset.license_id),
            "license_url": license_url(dataset.license_id),
            "resources": resources,
            "can_edit": dataset_can_edit(user=request.user, dataset=dataset),
            "api_package_show": f"curl '{api_base}package_show?id={dataset.name}'",
            "api_datastore": f"curl '{api_base}datastore_search?resource_id={ready[0].pk}&limit=5'"
            if ready
            else "",
            "rdf_base": f"/dataset/{dataset.name}",
            "badges": dataset_badges_html(dataset),
        },
    )


def _preview(request: HttpRequest, resource: Resource) -> dict[str, Any]:
    """One page (50 rows) of the resource's current table, via the DataStore selector."""
    page = page_number(request.GET)
    try:
        result = datastore_search(
            viewer=request.user,
            resource_id=str(resource.pk),
            limit=PREVIEW_ROWS,
            offset=(page - 1) * PREVIEW_ROWS,
        )
    except DatastoreError as exc:
        return {"preview_error": str(exc)}
    fields = [f for f in result.get("fields", []) if f.get("id") != "_id"]
    numeric = {f["id"] for f in fields if str(f.get("type", "")).lower() in NUMERIC_TYPES}
    records = result.get("records", [])
    total = int(result.get("total") or 0)
    return {
        "preview_fields": fields,
        "preview_rows": [[(r.get(f["id"]), f["id"] in numeric) for f in fields] for r in records],
        "preview_total": total,
        "preview_first": (page - 1) * PREVIEW_ROWS + 1 if records else 0,
        "preview_last": (page - 1) * PREVIEW_ROWS + len(records),
        "preview_pager": Pager.build(page=page, total=total, per_page=PREVIEW_ROWS),
        "preview_query": query_with(request.GET),
    }


def _chart(
    request: HttpRequest, resource: Resource, schema_fields: list[dict[str, Any]]
) -> dict[str, Any]:
    """The sum of a numeric column per value of a text column, as an SVG bar chart."""
    labels, values = chart_columns(schema_fields)
    if not labels or not values:
        return {"chart": None}
    label = str(request.GET.get("x") or "")
    value = str(request.GET.get("y") or "")
    value = value if value in values else values[0]
    try:
        if label not in labels:
            label = (
                resource_chart_label_column(
                    viewer=request.user, resource=resource, candidates=labels
                )
                or labels[0]
            )
        points = resource_chart(
            viewer=request.user,
            resource=resource,
            label_column=label,
            value_column=value,
            limit=CHART_BARS,
        )
    except SandboxError as exc:
        return {"chart": None, "chart_error": str(exc)}
    return {
        "chart": bar_chart(points) if points else None,
        "chart_points": points,
        "chart_label": label,
        "chart_value": value,
        "chart_labels": labels,
        "chart_values": values,
    }


@require_GET
def resource_page(request: HttpRequest, name: str, resource_id: str) -> HttpResponse:
    """``/dataset/<name>/resource/<id>/``: schema, paged preview, chart, downloads and versions."""
    dataset = _dataset(request, name)
    resource = _resource(request, dataset, resource_id)
    current = resource.current_version
    latest = resource_latest_version(resource=resource)
    schema_fields = (
        [f for f in (current.table_schema or {}).get("fields", []) if f.get("name") != "_id"]
        if current
        else []
    )
    context: dict[str, Any] = {
        "dataset": dataset,
        "resource": resource,
        "current": current,
        "latest": latest,
        "schema_fields": schema_fields,
        "schema_described": any(f.get("description") or f.get("title") for f in schema_fields),
        "versions": [
            {"version": v, "links": download_links(dataset, resource, v)}
            for v in resource_versions(resource=resource)
        ],
        "links": download_links(dataset, resource, current),
        "can_edit": dataset_can_edit(user=request.user, dataset=dataset),
        "api_datastore": "curl '{}datastore_search?resource_id={}&limit=5'".format(
            request.build_absolute_uri("/api/3/action/"), resource.pk
        ),
    }
    if current is not None and current.parquet_path:
        context.update(_preview(request, resource))
        context.update(_chart(request, resource, schema_fields))
    return render(request, "catalog/resource.html", context)


@require_GET
def resource_status(request: HttpRequest, name: str, resource_id: str) -> JsonResponse:
    """``…/status.json``: the newest upload's ingest status, polled by the upload page."""
    dataset = _dataset(request, name)
    resource = _resource(request, dataset, resource_id)
    version = resource_latest_version(resource=resource)
    if version is None:
        return JsonResponse({"resource_id": str(resource.pk), "version": None, "status": None})
    return JsonResponse(
        {
            "resource_id": str(resource.pk),
            "version": version.number,
            "status": version.status,
            "status_label": str(version.get_status_display()),
            "progress": round(float(version.progress or 0.0), 4),
            "message": version.message,
            "row_count": version.row_count,
            "done": version.status
            in {ResourceVersion.Status.SUCCEEDED, ResourceVersion.Status.FAILED},
            "resource_url": f"/dataset/{dataset.name}/resource/{resource.pk}/",
        },
        headers={"Cache-Control": "no-store"},
    )


# --- organisations and groups -------------------------------------------------------------


@require_GET
def organization_list_page(request: HttpRequest) -> HttpResponse:
    """``/organization/``: agencies that publish datasets the reader can see."""
    return render(
        request,
        "catalog/organization_list.html",
        {"organizations": organizations_with_datasets(viewer=request.user)},
    )


@require_GET
def organization_page(request: HttpRequest, code: str) -> HttpResponse:
    """``/organization/<code>/``: one agency and its datasets (searchable, with facets)."""
    agency = organization_get(name_or_id=code)
    if agency is None or agency.code != code:
        raise Http404(code)
    context = _search_context(request, fixed=("organization", agency.code))
    context.update(organization=agency, title=agency.name)
    return render(request, "catalog/organization.html", context)


@require_GET
def group_list_page(request: HttpRequest) -> HttpResponse:
    """``/group/``: the plan's focus areas."""
    return render(
        request, "catalog/group_list.html", {"groups": groups_with_datasets(viewer=request.user)}
    )


@require_GET
def group_page(request: HttpRequest, name: str) -> HttpResponse:
    """``/group/<name>/``: one focus area and its datasets."""
    group = group_get(name_or_id=name)
    if group is None or group.name != name:
        raise Http404(name)
    context = _search_context(request, fixed=("groups", group.name))
    context.update(group=group, title=group.title)
    return render(request, "catalog/group.html", context)
