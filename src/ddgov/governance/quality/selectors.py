"""Reads of the quality part: rule sets, the latest run, history across versions, reports.

Callers have already decided that the viewer may see the dataset (``dataset_get_for_viewer``);
these functions only read stored results — request handlers never run checks.
"""

from __future__ import annotations

import importlib
import uuid
from typing import Any

from django.db.models import QuerySet

from ddgov.catalog.models import Dataset, Resource, ResourceVersion
from ddgov.governance.models import QualityRun, RuleSet
from ddgov.governance.quality.infer import rules_infer
from ddgov.governance.quality.rules import Rule, rules_parse, rules_yaml

GOOD = 90.0
FAIR = 70.0


def quality_resources(*, dataset: Dataset) -> QuerySet[Resource]:
    """The dataset's active resources that have a ready table (what quality checks run on)."""
    return (
        Resource.objects.filter(
            dataset=dataset,
            state=Resource.State.ACTIVE,
            current_version__status=ResourceVersion.Status.SUCCEEDED,
        )
        .exclude(current_version__parquet_path="")
        .select_related("current_version")
        .order_by("position", "created")
    )


def resource_matches(*, resource: Resource, ref: str) -> bool:
    """Whether a rule's ``resource`` (empty: every resource) names ``resource``."""
    return not ref or ref in {resource.name, str(resource.pk)}


def profile_data(*, version_id: int) -> dict[str, Any] | None:
    """The profile of a version when the profiling part has stored one (read only)."""
    try:
        module = importlib.import_module("ddgov.governance.profiling.selectors")
    except ImportError:
        return None
    getter = getattr(module, "profile_get", None)
    profile = getter(version_id=version_id) if getter else None
    data = getattr(profile, "data", None)
    return data if isinstance(data, dict) else None


def rules_default(
    *, dataset: Dataset, resource: Resource, profile: dict[str, Any] | None
) -> list[Rule]:
    """The rules inferred for one resource from its profile and the dataset's update frequency."""
    return rules_infer(
        profile,
        resource=resource.name,
        frequency_unit=dataset.update_frequency_unit,
        frequency_interval=dataset.update_frequency_interval,
    )


def ruleset_get(*, dataset: Dataset) -> RuleSet | None:
    """The dataset's stored rule set, if any."""
    return RuleSet.objects.filter(dataset=dataset).first()


def ruleset_declared(*, dataset: Dataset) -> list[Rule] | None:
    """The rules a steward declared for the dataset; None when it runs on inferred defaults."""
    ruleset = ruleset_get(dataset=dataset)
    if ruleset is None or ruleset.inferred:
        return None
    return rules_parse(ruleset.rules)


def ruleset_source(*, dataset: Dataset) -> tuple[str, bool]:
    """The rule text for the editor and whether it is the inferred default."""
    ruleset = ruleset_get(dataset=dataset)
    if ruleset is not None and not ruleset.inferred:
        return ruleset.source, False
    rules: list[Rule] = []
    for resource in quality_resources(dataset=dataset):
        version = resource.current_version
        profile = profile_data(version_id=version.pk) if version else None
        rules += rules_default(dataset=dataset, resource=resource, profile=profile)
    return rules_yaml(rules, inferred=True), True


def quality_history(*, resource: Resource) -> list[QualityRun]:
    """The newest run of each version of the resource, oldest version first."""
    runs = (
        QualityRun.objects.filter(version__resource=resource)
        .select_related("version")
        .order_by("version__number", "-created_at", "-pk")
    )
    newest: dict[int, QualityRun] = {}
    for run in runs:
        newest.setdefault(run.version_id, run)
    return list(newest.values())


def quality_latest(*, dataset: Dataset) -> QualityRun | None:
    """The newest run on any current version of the dataset's resources."""
    current = [r.current_version_id for r in quality_resources(dataset=dataset)]
    return QualityRun.objects.filter(version_id__in=current).select_related("version").first()


def quality_level(score: float | None) -> str:
    """``good`` (>= 90), ``fair`` (>= 70), ``poor`` or ``none``: the badge's colour."""
    if score is None:
        return "none"
    if score >= GOOD:
        return "good"
    return "fair" if score >= FAIR else "poor"


def quality_report(*, run: QualityRun) -> dict[str, Any]:
    """One run as JSON-ready data: scores, each rule's outcome and failing samples."""
    version = run.version
    results = list(run.results or [])
    return {
        "run_id": run.pk,
        "resource_id": str(version.resource_id),
        "version": version.number,
        "created": run.created_at.isoformat(),
        "duration_ms": run.duration_ms,
        "rows": version.row_count,
        "overall": run.overall,
        "level": quality_level(run.overall),
        "scores": run.scores,
        "rules_passed": sum(1 for r in results if r.get("passed")),
        "rules_failed": sum(1 for r in results if not r.get("passed") and not r.get("error")),
        "rules_errored": sum(1 for r in results if r.get("error")),
        "inferred": bool((run.rules or {}).get("inferred")),
        "results": results,
    }


def _latest_runs(resources: list[Resource]) -> dict[uuid.UUID, QualityRun]:
    current = [r.current_version_id for r in resources]
    found: dict[uuid.UUID, QualityRun] = {}
    for run in QualityRun.objects.filter(version_id__in=current).select_related("version"):
        found.setdefault(run.version.resource_id, run)
    return found


def quality_dataset_report(*, dataset: Dataset, history: bool = True) -> dict[str, Any]:
    """Every resource's latest report and history, and the dataset's mean scores."""
    resources = list(quality_resources(dataset=dataset))
    latest = _latest_runs(resources)
    entries: list[dict[str, Any]] = []
    for resource in resources:
        run = latest.get(resource.pk)
        entry: dict[str, Any] = {
            "resource_id": str(resource.pk),
            "resource_name": resource.name,
            "current_version": resource.current_version.number
            if resource.current_version
            else None,
            "latest": quality_report(run=run) if run else None,
        }
        if history:
            entry["history"] = [
                {
                    "version": r.version.number,
                    "created": r.created_at.isoformat(),
                    "overall": r.overall,
                    "level": quality_level(r.overall),
                    "scores": r.scores,
                }
                for r in quality_history(resource=resource)
            ]
        entries.append(entry)
    summary = quality_summary(runs=list(latest.values()))
    return {"dataset": dataset.name, "dataset_id": str(dataset.pk), **summary, "resources": entries}


def quality_summary(*, runs: list[QualityRun]) -> dict[str, Any]:
    """Mean overall score and mean per dimension over runs (one per resource)."""
    overall = [r.overall for r in runs if r.overall is not None]
    dims: dict[str, list[float]] = {}
    for run in runs:
        for dim, score in (run.scores or {}).items():
            dims.setdefault(dim, []).append(float(score))
    mean = round(sum(overall) / len(overall), 1) if overall else None
    return {
        "overall": mean,
        "level": quality_level(mean),
        "scores": {d: round(sum(v) / len(v), 1) for d, v in dims.items()},
    }


def quality_badge(*, dataset: Dataset) -> dict[str, Any] | None:
    """The dataset page's badge: mean overall score of the resources' latest runs, or None."""
    runs = list(_latest_runs(list(quality_resources(dataset=dataset))).values())
    if not runs:
        return None
    return quality_summary(runs=runs)
