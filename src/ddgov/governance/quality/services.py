"""Writes of the quality part: declaring rules, inferring defaults, running the checks.

* :func:`ruleset_save` — a data steward of the dataset's agency declares rules (YAML/JSON). The
  text is parsed and every rule checked against the current table of each resource it names
  (columns, types, literals, referenced resources) before anything is stored; refusals and
  saves are audited.
* :func:`ruleset_infer` — stores the inferred defaults when no steward rules exist.
* :func:`quality_run` — runs the rules on one version on the configured analytics engine
  (``DDGOV_ENGINE``: DuckDB by default, or Spark) and stores a
  :class:`~ddgov.governance.models.QualityRun` (audited), the history across versions.
"""

from __future__ import annotations

import importlib
import logging
import time
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ddgov.audit.services import audit_record_append
from ddgov.catalog.models import Dataset, Resource, ResourceVersion
from ddgov.catalog.selectors.datasets import datasets_visible
from ddgov.governance.models import QualityRun, RuleSet
from ddgov.governance.quality.engine import (
    Context,
    QualityEngineError,
    Table,
    connection,
    error_result,
    quality_execute,
    quality_scores,
    results_json,
    table_describe,
    table_problems,
)
from ddgov.governance.quality.infer import max_age_days
from ddgov.governance.quality.rules import (
    Rule,
    RuleError,
    rules_document,
    rules_from_source,
    rules_yaml,
)
from ddgov.governance.quality.selectors import (
    profile_data,
    quality_resources,
    resource_matches,
    rules_default,
    ruleset_declared,
    ruleset_get,
)
from ddgov.identity.models import Role, User
from ddgov.identity.services import agency_access_require
from ddgov.jobs.services import job_enqueue
from ddgov.lake.storage import absolute

log = logging.getLogger(__name__)
JOB_KIND = "governance.quality"


class QualityError(Exception):
    """A version that cannot be checked (not ingested, no table), with a bilingual reason."""


def _table(con: Any, version: ResourceVersion) -> Table:
    return table_describe(con, absolute(version.parquet_path))


def _reference_resource(*, dataset: Dataset, ref: str, viewer: User | None) -> Resource | None:
    """The resource a ``reference`` rule names: an id, ``dataset/resource`` or a sibling's name."""
    qs = Resource.objects.filter(state=Resource.State.ACTIVE).select_related("current_version")
    if viewer is not None:
        qs = qs.filter(dataset__in=datasets_visible(viewer=viewer, include_drafts=True))
    try:
        return qs.filter(pk=uuid.UUID(ref)).first()
    except ValueError:
        pass
    dataset_name, _sep, resource_name = ref.rpartition("/")
    if dataset_name:
        return qs.filter(dataset__name=dataset_name, name=resource_name).first()
    return qs.filter(dataset=dataset, name=resource_name).first()


def _context(
    *,
    con: Any,
    dataset: Dataset,
    rules: list[Rule],
    version: ResourceVersion | None,
    viewer: User | None,
) -> tuple[Context, list[str]]:
    """The run context for ``rules`` with their referenced tables resolved, and any problems."""
    references: dict[str, Table] = {}
    problems: list[str] = []
    for rule in rules:
        if rule.check != "reference":
            continue
        ref = str(rule.params["to"]["resource"])
        target = _reference_resource(dataset=dataset, ref=ref, viewer=viewer)
        current = target.current_version if target else None
        if (
            current is None
            or current.status != ResourceVersion.Status.SUCCEEDED
            or not current.parquet_path
        ):
            problems.append(
                _(
                    "Rule %(id)s: no resource %(ref)r with a table that you may read. / "
                    "กฎ %(id)s: ไม่พบทรัพยากร %(ref)r ที่มีตารางข้อมูลซึ่งคุณเข้าถึงได้"
                )
                % {"id": rule.id, "ref": ref}
            )
            continue
        references[rule.id] = _table(con, current)
    updated = (version.finished_at or version.created_at) if version else None
    context = Context(
        now=timezone.now(),
        updated_at=updated,
        default_max_age_days=max_age_days(
            dataset.update_frequency_unit, dataset.update_frequency_interval
        ),
        references=references,
    )
    return context, problems


def ruleset_validate(*, dataset: Dataset, source: str, viewer: User | None = None) -> list[Rule]:
    """Parse ``source`` and check every rule against the tables it names; raise RuleError with all problems."""
    rules = rules_from_source(source)
    resources = list(quality_resources(dataset=dataset))
    problems: list[str] = []
    known = {r.name for r in resources} | {str(r.pk) for r in resources}
    problems += [
        _(
            "Rule %(id)s: the dataset has no resource %(r)r with a table. / "
            "กฎ %(id)s: ชุดข้อมูลไม่มีทรัพยากร %(r)r ที่มีตารางข้อมูล"
        )
        % {"id": rule.id, "r": rule.resource}
        for rule in rules
        if rule.resource and rule.resource not in known
    ]
    with connection() as con:
        context, ref_problems = _context(
            con=con, dataset=dataset, rules=rules, version=None, viewer=viewer
        )
        problems += ref_problems
        for resource in resources:
            mine = [
                r
                for r in rules
                if resource_matches(resource=resource, ref=r.resource)
                and not (r.check == "reference" and r.id not in context.references)
            ]
            if not mine or resource.current_version is None:
                continue
            table = _table(con, resource.current_version)
            for rule_id, found in table_problems(con, mine, table, context).items():
                where = f" [{resource.name}]" if len(resources) > 1 else ""
                problems += [p.replace(f"{rule_id}:", f"{rule_id}{where}:", 1) for p in found]
    if problems:
        raise RuleError(list(dict.fromkeys(problems)))
    return rules


def ruleset_save(*, actor: User, dataset: Dataset, source: str) -> RuleSet:
    """Declare the dataset's rules (a data steward of its agency); empty text returns to the defaults."""
    agency_access_require(
        actor=actor,
        agency=dataset.owner_org,
        at_least=Role.DATA_STEWARD,
        action="governance.quality.rules",
    )
    inferred = not source.strip()
    rules = [] if inferred else ruleset_validate(dataset=dataset, source=source, viewer=actor)
    with transaction.atomic():
        ruleset = RuleSet.objects.select_for_update().filter(dataset=dataset).first()
        before = {"rules": ruleset.rules, "inferred": ruleset.inferred} if ruleset else None
        if ruleset is None:
            ruleset = RuleSet(dataset=dataset)
        ruleset.source = source.strip() + ("\n" if source.strip() else "")
        ruleset.rules = rules_document(rules, inferred=inferred)
        ruleset.inferred = inferred
        ruleset.updated_by = actor
        ruleset.save()
        audit_record_append(
            action="governance.quality.rules",
            actor=actor,
            acting_for=f"agency:{dataset.owner_org.code}",
            agency_code=dataset.owner_org.code,
            target_type="dataset",
            target_id=str(dataset.pk),
            before=before,
            after={"rules": ruleset.rules, "inferred": inferred},
        )
    return ruleset


def ruleset_infer(*, dataset: Dataset) -> RuleSet:
    """Store the inferred default rules, unless a steward declared rules (then return those)."""
    existing = ruleset_get(dataset=dataset)
    if existing is not None and not existing.inferred:
        return existing
    rules: list[Rule] = []
    for resource in quality_resources(dataset=dataset):
        version = resource.current_version
        profile = _profile(version.pk, run=True) if version else None
        rules += rules_default(dataset=dataset, resource=resource, profile=profile)
    with transaction.atomic():
        ruleset, _created = RuleSet.objects.select_for_update().get_or_create(dataset=dataset)
        before = {"rules": ruleset.rules} if not _created else None
        ruleset.source = rules_yaml(rules, inferred=True)
        ruleset.rules = rules_document(rules, inferred=True)
        ruleset.inferred = True
        ruleset.save()
        audit_record_append(
            action="governance.quality.infer",
            agency_code=dataset.owner_org.code,
            target_type="dataset",
            target_id=str(dataset.pk),
            before=before,
            after={"rules": ruleset.rules},
        )
    return ruleset


def _profile(version_id: int, *, run: bool) -> dict[str, Any] | None:
    """The version's profile; with ``run``, profile it first when the profiling part can."""
    if run:
        try:
            module = importlib.import_module("ddgov.governance.profiling.services")
            runner = getattr(module, "profile_run", None)
            if runner is not None:
                runner(version_id=version_id)
        except Exception:  # a profile is an aid: quality runs on the declared rules without it
            log.exception("profiling version %s failed before its quality run", version_id)
    return profile_data(version_id=version_id)


def _version_rules(version: ResourceVersion, dataset: Dataset) -> tuple[list[Rule], bool]:
    declared = ruleset_declared(dataset=dataset)
    if declared is not None:
        return [
            r for r in declared if resource_matches(resource=version.resource, ref=r.resource)
        ], False
    profile = _profile(version.pk, run=True)
    return rules_default(dataset=dataset, resource=version.resource, profile=profile), True


def quality_run(*, version_id: int, engine: str | None = None) -> QualityRun:
    """Run the dataset's rules (or the inferred defaults) on one version; store and audit the run.

    ``engine`` is the analytics engine of the aggregate pass (``None``: ``DDGOV_ENGINE``).
    """
    version = (
        ResourceVersion.objects.select_related("resource__dataset__owner_org")
        .filter(pk=version_id)
        .first()
    )
    if (
        version is None
        or version.status != ResourceVersion.Status.SUCCEEDED
        or not version.parquet_path
    ):
        raise QualityError(
            _("Version %(id)s has no ingested table to check. / รุ่น %(id)s ยังไม่มีตารางข้อมูลให้ตรวจ")
            % {"id": version_id}
        )
    dataset = version.resource.dataset
    rules, inferred = _version_rules(version, dataset)
    started = time.perf_counter()
    with connection() as con:
        context, ref_problems = _context(
            con=con, dataset=dataset, rules=rules, version=version, viewer=None
        )
        table = _table(con, version)
        problems = table_problems(con, rules, table, context)
        for rule in rules:
            if rule.check == "reference" and rule.id not in context.references:
                problems.setdefault(rule.id, [p for p in ref_problems if rule.id in p])
        runnable = [r for r in rules if r.id not in problems]
        try:
            executed = quality_execute(con, runnable, table, context, engine=engine)
        except QualityEngineError as exc:
            raise QualityError(str(exc)) from exc
        done = {r["id"]: r for r in executed}
    results = results_json([done.get(r.id) or error_result(r, problems[r.id]) for r in rules])
    scores, overall = quality_scores(results)
    duration_ms = int((time.perf_counter() - started) * 1000)
    with transaction.atomic():
        run = QualityRun.objects.create(
            version=version,
            rules=rules_document(rules, inferred=inferred),
            scores=scores,
            overall=overall,
            results=results,
            duration_ms=duration_ms,
        )
        audit_record_append(
            action="governance.quality.run",
            agency_code=dataset.owner_org.code,
            target_type="resource_version",
            target_id=str(version.pk),
            after={"scores": scores, "overall": overall, "rules": len(rules)},
        )
    return run


def quality_enqueue(*, version_id: int) -> None:
    """Queue the quality job of a freshly ingested version (the after-ingest hook)."""
    job_enqueue(kind=JOB_KIND, payload={"version_id": version_id})


def quality_run_dataset(*, actor: User, dataset: Dataset) -> int:
    """Queue a run on every current version of the dataset (a steward's "check now"); return how many."""
    agency_access_require(
        actor=actor,
        agency=dataset.owner_org,
        at_least=Role.DATA_STEWARD,
        action="governance.quality.run",
    )
    count = 0
    for resource in quality_resources(dataset=dataset):
        if resource.current_version_id is not None:
            quality_enqueue(version_id=resource.current_version_id)
            count += 1
    return count
