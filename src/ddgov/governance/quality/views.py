"""Pages of the quality part: the report (HTML and JSON) and the stewards' rule editor.

Views only parse input, ask the selectors/services and render; who may see a dataset is decided
by ``dataset_get_for_viewer``, who may change its rules by ``ruleset_save`` (audited).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ddgov.catalog.models import Dataset
from ddgov.catalog.selectors import dataset_can_edit, dataset_get_for_viewer
from ddgov.catalog.selectors.datasets import NotFound
from ddgov.governance.quality.rules import CHECKS, DIMENSIONS, RuleError
from ddgov.governance.quality.selectors import quality_dataset_report, ruleset_get, ruleset_source
from ddgov.governance.quality.services import quality_run_dataset, ruleset_save
from ddgov.identity.models import Role, User
from ddgov.identity.services import agency_access_require

MAX_SOURCE = 100_000


def _dataset(request: HttpRequest, name: str) -> Dataset:
    try:
        return dataset_get_for_viewer(viewer=request.user, name_or_id=name)
    except NotFound as exc:
        raise Http404(name) from exc


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _dimension_rows(scores: dict[str, Any]) -> list[dict[str, Any]]:
    labels = {
        "completeness": _("Completeness"),
        "validity": _("Validity"),
        "uniqueness": _("Uniqueness"),
        "consistency": _("Consistency"),
        "timeliness": _("Timeliness"),
    }
    return [{"key": d, "label": labels[d], "score": scores[d]} for d in DIMENSIONS if d in scores]


def _decorate(report: dict[str, Any]) -> dict[str, Any]:
    """Add what the template needs: dimension labels, dates, each sample's cells in column order."""
    for entry in report["resources"]:
        for item in [
            *entry.get("history", []),
            *([entry["latest"]] if entry.get("latest") else []),
        ]:
            item["created_at"] = dt.datetime.fromisoformat(item["created"])
        latest = entry.get("latest")
        if not latest:
            continue
        latest["dimensions"] = _dimension_rows(latest["scores"])
        for result in latest["results"]:
            columns = list(dict.fromkeys(k for s in result["samples"] for k in s if k != "_id"))
            result["sample_columns"] = columns
            result["sample_rows"] = [
                (s.get("_id"), [s.get(c) for c in columns]) for s in result["samples"]
            ]
            result["percent"] = None if result["share"] is None else round(100 * result["share"], 2)
    report["dimensions"] = _dimension_rows(report["scores"])
    return report


@require_GET
def report_page(request: HttpRequest, name: str) -> HttpResponse:
    """``/governance/dataset/<name>/quality/``: scores per dimension, failing rules with samples, history."""
    dataset = _dataset(request, name)
    report = _decorate(quality_dataset_report(dataset=dataset))
    return render(
        request,
        "governance/quality/report.html",
        {
            "dataset": dataset,
            "report": report,
            "can_edit": dataset_can_edit(user=request.user, dataset=dataset),
        },
    )


@require_GET
def report_json(request: HttpRequest, name: str) -> JsonResponse:
    """The same report as JSON (``quality_report_show`` in the CKAN-style API returns it too)."""
    dataset = _dataset(request, name)
    return JsonResponse(
        quality_dataset_report(dataset=dataset), json_dumps_params={"ensure_ascii": False}
    )


@login_required
@require_http_methods(["GET", "POST"])
def rules_page(request: HttpRequest, name: str) -> HttpResponse:
    """The rule editor: YAML/JSON in a text area, every problem listed, saved only when all pass."""
    dataset = _dataset(request, name)
    user = _user(request)
    errors: list[str] = []
    if request.method == "POST":
        source = str(request.POST.get("source", ""))[:MAX_SOURCE]
        try:
            ruleset_save(actor=user, dataset=dataset, source=source)
        except RuleError as exc:
            errors = exc.problems
        else:
            messages.success(request, _("Quality rules saved. / บันทึกกฎคุณภาพข้อมูลแล้ว"))
            return redirect("governance:quality", name=dataset.name)
        inferred = False
    else:
        agency_access_require(
            actor=user,
            agency=dataset.owner_org,
            at_least=Role.DATA_STEWARD,
            action="governance.quality.rules",
        )
        source, inferred = ruleset_source(dataset=dataset)
    ruleset = ruleset_get(dataset=dataset)
    return render(
        request,
        "governance/quality/rules.html",
        {
            "dataset": dataset,
            "source": source,
            "errors": errors,
            "inferred": inferred,
            "ruleset": ruleset,
            "checks": CHECKS,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def run_now(request: HttpRequest, name: str) -> HttpResponse:
    """Queue a quality run on every current version (stewards only; the job runs in the worker)."""
    dataset = _dataset(request, name)
    count = quality_run_dataset(actor=_user(request), dataset=dataset)
    messages.success(
        request,
        _("Quality checks queued for %(n)s resource(s). / สั่งตรวจคุณภาพข้อมูล %(n)s ทรัพยากรแล้ว")
        % {"n": count},
    )
    return redirect("governance:quality", name=dataset.name)
