"""Open-standard exports and downloads: DCAT-AP RDF, Data Packages, Parquet / CSV / original files.

Thin views: they find out who asks (a signed-in session, or a CKAN-style API token in
``Authorization`` / ``X-CKAN-API-Key``), ask the selectors what that viewer may see, and serve what
the builders and download services produce. Anything the viewer may not see is a plain 404, the
same as something that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePath

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotFound,
    HttpResponseRedirect,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ddgov.catalog.datapackage import dataset_datapackage
from ddgov.catalog.dcat import (
    FILE_TYPES,
    SERIALISATIONS,
    catalog_graph,
    dataset_graph,
    graph_serialise,
    http_uri,
)
from ddgov.catalog.links import site_base
from ddgov.catalog.models import Resource, ResourceVersion
from ddgov.catalog.selectors.datasets import (
    NotFound,
    Viewer,
    dataset_can_edit,
    resource_get_for_viewer,
)
from ddgov.catalog.selectors.open_data import (
    dataset_get_for_export,
    datasets_export_page,
    resource_version_for_download,
)
from ddgov.catalog.services.downloads import (
    DownloadUnavailable,
    version_csv,
    version_original,
    version_parquet,
)
from ddgov.identity.services import api_token_authenticate
from ddgov.lake.storage import safe_filename

VARY = ("Cookie", "Authorization", "X-CKAN-API-Key")
TABLE_SUFFIXES = {".csv", ".parquet", ".xlsx", ".xls", ".json", ".txt", ".tsv"}


def _viewer(request: HttpRequest) -> Viewer:
    """The signed-in user, else the owner of a valid API token, else anonymous."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    token = request.headers.get("Authorization") or request.headers.get("X-CKAN-API-Key") or ""
    token = token.removeprefix("Bearer ").strip()
    found = api_token_authenticate(token=token) if token else None
    return found or AnonymousUser()


def _finish(response: HttpResponseBase) -> HttpResponseBase:
    """Mark a response as depending on who asks, and readable from other sites' scripts."""
    patch_vary_headers(response, VARY)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _not_found(message: str | None = None) -> HttpResponseBase:
    text = message or _("Not found. / ไม่พบข้อมูลที่ต้องการ")
    return _finish(HttpResponseNotFound(text, content_type="text/plain; charset=utf-8"))


def _bad_request(message: str) -> HttpResponseBase:
    return _finish(HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8"))


class BadParameter(Exception):  # noqa: N818 - reads as a sentence at the call site
    """A query parameter that is not a positive whole number."""


def _positive_int(request: HttpRequest, key: str) -> int | None:
    """Return the query parameter as a positive int, None when absent; raise BadParameter if bad."""
    raw = request.GET.get(key)
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise BadParameter(key)
    return int(raw)


def _rdf(body: bytes, fmt: str) -> HttpResponseBase:
    return _finish(HttpResponse(body, content_type=SERIALISATIONS[fmt][1]))


@require_safe
def catalog_rdf(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The DCAT-AP catalog, a page at a time (``?page=N``; ``hydra:nextPage`` links the pages)."""
    try:
        page = _positive_int(request, "page") or 1
    except BadParameter:
        return _bad_request(_("page must be a whole number from 1. / page ต้องเป็นจำนวนเต็มตั้งแต่ 1"))
    page_size = int(getattr(settings, "DDGOV_DCAT_PAGE_SIZE", 100))
    try:
        export = datasets_export_page(viewer=_viewer(request), page=page, page_size=page_size)
    except NotFound:
        return _not_found(_("There is no such page. / ไม่มีหน้านี้"))
    base = site_base(request)
    graph = catalog_graph(page=export, base=base, page_url=f"{base}/catalog.{fmt}")
    return _rdf(graph_serialise(graph, fmt), fmt)


@require_safe
def dataset_rdf(request: HttpRequest, name: str, fmt: str) -> HttpResponseBase:
    """One dataset as DCAT-AP."""
    try:
        dataset = dataset_get_for_export(viewer=_viewer(request), name_or_id=name)
    except NotFound:
        return _not_found()
    return _rdf(graph_serialise(dataset_graph(dataset=dataset, base=site_base(request)), fmt), fmt)


@require_safe
def dataset_datapackage_json(request: HttpRequest, name: str) -> HttpResponseBase:
    """The dataset's Frictionless Data Package descriptor."""
    try:
        dataset = dataset_get_for_export(viewer=_viewer(request), name_or_id=name)
    except NotFound:
        return _not_found()
    package = dataset_datapackage(dataset=dataset, base=site_base(request))
    dumps = {"ensure_ascii": False, "indent": 2}
    if not package["resources"]:
        message = _(
            "This dataset has no resource ready to download yet, so it has no data package. / "
            "ชุดข้อมูลนี้ยังไม่มีทรัพยากรที่พร้อมดาวน์โหลด จึงยังไม่มี data package"
        )
        return _finish(JsonResponse({"error": message}, status=404, json_dumps_params=dumps))
    return _finish(JsonResponse(package, json_dumps_params=dumps))


def _resource_for(request: HttpRequest, name: str, resource_id: str) -> Resource:
    resource = resource_get_for_viewer(viewer=_viewer(request), resource_id=resource_id)
    if name not in {resource.dataset.name, str(resource.dataset_id)}:
        raise NotFound(resource_id)
    return resource


def _stem(resource: Resource) -> str:
    """The download's file-name stem: the resource's name (Thai kept), without a table suffix."""
    path = PurePath(safe_filename(resource.name))
    return path.stem if path.suffix.lower() in TABLE_SUFFIXES else path.name


def _file(path: Path, filename: str, content_type: str) -> HttpResponseBase:
    handle = open(path, "rb")  # noqa: SIM115, PTH123 - FileResponse closes it after streaming
    return _finish(
        FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    )


def _original(version: ResourceVersion) -> HttpResponseBase:
    path = version_original(version=version)
    name = version.original_filename or path.name
    fmt = PurePath(name).suffix.lstrip(".").upper()
    return _file(path, name, FILE_TYPES.get(fmt, ("", ""))[1] or "application/octet-stream")


def _version_or_link(
    request: HttpRequest, resource: Resource
) -> ResourceVersion | HttpResponseBase:
    """The version asked for (``?version=N``, else the current one), or a redirect for a link."""
    number = _positive_int(request, "version")
    if number is None and resource.current_version is None:
        link = http_uri(resource.url) if resource.url_type != "upload" else None
        if link is not None:
            return _finish(HttpResponseRedirect(str(link)))
        raise DownloadUnavailable(
            _(
                "This resource has no ready version yet (still ingesting, or the ingest failed). / "
                "ทรัพยากรนี้ยังไม่มีเวอร์ชันที่พร้อมใช้ (กำลังนำเข้า หรือการนำเข้าไม่สำเร็จ)"
            )
        )
    stewards = dataset_can_edit(user=_viewer(request), dataset=resource.dataset)
    return resource_version_for_download(resource=resource, number=number, include_unready=stewards)


def _serve_version(
    request: HttpRequest,
    name: str,
    resource_id: str,
    serve: Callable[[Resource, ResourceVersion], HttpResponseBase],
) -> HttpResponseBase:
    """Find the resource and version asked for, then ``serve`` them; errors become 400 / 404."""
    try:
        resource = _resource_for(request, name, resource_id)
        found = _version_or_link(request, resource)
        return found if isinstance(found, HttpResponseBase) else serve(resource, found)
    except BadParameter:
        return _bad_request(
            _("version must be a whole number from 1. / version ต้องเป็นจำนวนเต็มตั้งแต่ 1")
        )
    except NotFound:
        return _not_found()
    except DownloadUnavailable as exc:
        return _not_found(str(exc))


@require_safe
def resource_download(
    request: HttpRequest, name: str, resource_id: str, filename: str
) -> HttpResponseBase:
    """``….parquet``: the typed table; ``….csv``: CSV made from it; any other name: the original upload."""

    def serve(resource: Resource, version: ResourceVersion) -> HttpResponseBase:
        stem = _stem(resource) + (f"-v{version.number}" if "version" in request.GET else "")
        ext = PurePath(filename).suffix.lower()
        if ext == ".parquet":
            return _file(
                version_parquet(version=version), f"{stem}.parquet", FILE_TYPES["PARQUET"][1]
            )
        if ext == ".csv" and version.parquet_path:
            path = version_csv(resource=resource, version=version)
            return _file(path, f"{stem}.csv", "text/csv; charset=utf-8")
        return _original(version)

    return _serve_version(request, name, resource_id, serve)


@require_safe
def resource_original(request: HttpRequest, name: str, resource_id: str) -> HttpResponseBase:
    """The original upload of the current (or ``?version=N``) version, under its own file name."""
    return _serve_version(request, name, resource_id, lambda _resource, version: _original(version))
