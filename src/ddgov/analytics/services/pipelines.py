"""Running a registered pipeline step and publishing its results as open data.

:func:`pipeline_run` is the one way a step runs (``ddgov pipeline run``, the demo seeder):

1. each output's SQL (friendly names such as ``"farmer-registry"."plots"``) goes through the
   access layer *as the actor*: the same resolution, masking and aggregate-only rules as any
   query the actor writes, so a step never reads more than its runner may;
2. the engine computes the whole result into a Parquet file (``Engine.write_parquet``, the
   trusted-output path; time, memory and thread limits still apply). All outputs are computed
   before anything is published, so a failing output publishes nothing;
3. each result is uploaded as the next version of its resource in the step's *open* dataset
   through the catalog's services (created with the step's metadata the first time) and
   ingested at once, so governance's version checks run: a result holding personal data is
   refused like any upload and the step fails with that reason.

Every run is audited (``analytics.pipeline_run``: step, engine, sources with their access mode
and masked columns, outputs with versions and rows); refusals are audited as denied or failed.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from ddgov.agencies.models import Agency
from ddgov.analytics.access.errors import QueryError, engine_error
from ddgov.analytics.access.prepare import sql_prepare, sql_rewrite
from ddgov.analytics.access.principal import principal_for_user
from ddgov.analytics.engine import TableSource, engine_get
from ddgov.analytics.pipeline import (
    PipelineError,
    PipelineOutput,
    PipelineStep,
    pipeline_step_get,
)
from ddgov.analytics.services.queries import SourceUse, source_uses
from ddgov.audit.models import AuditRecord
from ddgov.audit.services import audit_record_append
from ddgov.catalog.models import Dataset, Resource, ResourceVersion
from ddgov.catalog.services.datasets import dataset_create, resource_create, resource_update
from ddgov.catalog.services.ingest import JOB_KIND as INGEST_JOB
from ddgov.identity.models import User
from ddgov.jobs.models import Job
from ddgov.jobs.services import job_run
from ddgov.lake.sandbox import SandboxError, SandboxLimits
from ddgov.lake.storage import scratch_dir

AUDIT_ACTION = "analytics.pipeline_run"
PIPELINE_TIMEOUT_S = 900.0
"""A step is batch work: it may run longer than an interactive query (other limits stay)."""


@dataclass(frozen=True)
class PublishedOutput:
    """One output of a run: the resource, its new version and how many rows it holds."""

    resource: Resource
    version: ResourceVersion
    rows: int
    compute_ms: float


@dataclass(frozen=True)
class PipelineRun:
    """What a run did: the engine, the dataset published to, each output, the sources read."""

    step: str
    engine: str
    dataset: Dataset
    outputs: list[PublishedOutput]
    sources: list[SourceUse]
    elapsed_ms: float


@dataclass(frozen=True)
class _Computed:
    output: PipelineOutput
    path: Path
    rows: int
    compute_ms: float


def pipeline_limits() -> SandboxLimits:
    """The sandbox's memory, thread and spill limits with a batch-sized time limit."""
    limits = SandboxLimits.from_settings()
    return dataclasses.replace(limits, timeout_s=max(limits.timeout_s, PIPELINE_TIMEOUT_S))


def _compute(
    *,
    step: PipelineStep,
    output: PipelineOutput,
    actor: User,
    engine: str | None,
    limits: SandboxLimits,
    folder: Path,
    sources: dict[str, SourceUse],
) -> tuple[_Computed, str]:
    """Resolve the output's SQL as ``actor`` and write its whole result into ``folder``."""
    started = time.perf_counter()
    sql = step.sql(output)
    prepared = sql_prepare(principal=principal_for_user(user=actor), sql=sql)
    for use in source_uses(tables=prepared.distinct_tables()):
        sources.setdefault(use.resource_id, use)
    rewritten = sql_rewrite(prepared=prepared)
    tables = {
        flat: TableSource(path=t.path, masked=t.masked) for flat, t in rewritten.tables.items()
    }
    target = folder / f"{output.resource}.parquet"
    try:
        runner = engine_get(name=engine)
        rows = runner.write_parquet(sql=rewritten.sql, tables=tables, target=target, limits=limits)
    except SandboxError as exc:
        names = [
            (flat, [str(t.path), str(t.path.resolve())], t.written)
            for flat, t in rewritten.tables.items()
        ]
        raise engine_error(exc.code, exc.message, names, prepared.source) from exc
    elapsed = (time.perf_counter() - started) * 1000.0
    return _Computed(output=output, path=target, rows=rows, compute_ms=elapsed), runner.name


def _output_dataset(step: PipelineStep, actor: User) -> Dataset:
    """The step's open dataset, created from the step's metadata the first time."""
    dataset = Dataset.objects.filter(name=step.output.dataset).first()
    if dataset is None:
        agency = Agency.objects.filter(code=step.output.agency).first()
        if agency is None:
            raise PipelineError(
                "dataset",
                f'The agency "{step.output.agency}" of step {step.name} does not exist / '
                f'ไม่พบหน่วยงาน "{step.output.agency}" ของขั้นตอน {step.name}',
            )
        return dataset_create(actor=actor, data=step.metadata(agency))
    if not dataset.is_open:
        raise PipelineError(
            "dataset",
            f'Step {step.name} publishes open data, but the dataset "{dataset.name}" is not '
            f'open / ขั้นตอน {step.name} เผยแพร่เป็นข้อมูลเปิด แต่ชุดข้อมูล "{dataset.name}" ไม่ใช่ข้อมูลเปิด',
        )
    return dataset


def version_ingest_now(*, version: ResourceVersion) -> ResourceVersion:
    """Run the version's queued ingest job in this process (done already in eager mode).

    Only this version's job runs: the profiling and quality jobs its ingest queues are left
    to ``ddgov worker``.
    """
    job = Job.objects.filter(
        kind=INGEST_JOB, status=Job.Status.QUEUED, payload__version_id=version.pk
    ).first()
    if job is not None:
        job_run(job_id=job.pk)
    version.refresh_from_db()
    return version


def _publish(dataset: Dataset, computed: _Computed, actor: User) -> PublishedOutput:
    """Upload one result as the next version of its resource and ingest it now."""
    output = computed.output
    filename = f"{output.resource}.parquet"
    data = {"name": output.resource, "description": output.description, "format": "PARQUET"}
    resource = dataset.resources.filter(name=output.resource, state=Resource.State.ACTIVE).first()
    if resource is None:
        resource = resource_create(
            actor=actor, dataset=dataset, data=data, upload=computed.path, filename=filename
        )
    else:
        resource = resource_update(
            actor=actor,
            resource=resource,
            data=data,
            partial=True,
            upload=computed.path,
            filename=filename,
        )
    version = resource.versions.order_by("-number").first()
    if version is None:  # resource_create/update always add one with an upload
        msg = f"no version was created for {output.resource}"
        raise RuntimeError(msg)
    version = version_ingest_now(version=version)
    resource.refresh_from_db()
    if version.status != ResourceVersion.Status.SUCCEEDED:
        raise PipelineError(
            "refused",
            f'The result "{output.resource}" was not published: {version.message} / '
            f'ไม่ได้เผยแพร่ผลลัพธ์ "{output.resource}"',
        )
    return PublishedOutput(
        resource=resource, version=version, rows=computed.rows, compute_ms=computed.compute_ms
    )


def _audit(
    *,
    step: PipelineStep,
    actor: User,
    engine: str,
    sources: list[SourceUse],
    outcome: str,
    elapsed_ms: float,
    dataset: Dataset | None = None,
    outputs: list[PublishedOutput] | None = None,
    error: PipelineError | None = None,
) -> None:
    detail: dict[str, Any] = {
        "step": step.name,
        "engine": engine,
        "sources": [s.as_dict() for s in sources],
        "outputs": [
            {"resource": o.resource.name, "version": o.version.number, "rows": o.rows}
            for o in outputs or []
        ],
        "elapsed_ms": round(elapsed_ms, 1),
    }
    if error is not None:
        detail["error"] = {"code": error.code, "message": error.message}
    audit_record_append(
        action=AUDIT_ACTION,
        actor=actor,
        acting_for=f"agency:{step.output.agency}",
        agency_code=step.output.agency,
        target_type="dataset",
        target_id=str(dataset.pk) if dataset is not None else step.output.dataset,
        outcome=outcome,
        detail=detail,
    )


def _as_pipeline_error(exc: Exception) -> PipelineError:
    if isinstance(exc, PipelineError):
        return exc
    if isinstance(exc, QueryError):
        return PipelineError(exc.code, exc.message)
    if isinstance(exc, PermissionDenied):
        return PipelineError("permission", str(exc))
    messages = getattr(exc, "field_errors", None) or {"": getattr(exc, "messages", [str(exc)])}
    text = "; ".join(f"{k}: {' '.join(v)}" if k else " ".join(v) for k, v in messages.items())
    return PipelineError("catalog", text)


def pipeline_run(
    *,
    step: str | PipelineStep,
    actor: User,
    engine: str | None = None,
    limits: SandboxLimits | None = None,
) -> PipelineRun:
    """Run ``step`` as ``actor`` on ``engine`` (None: the configured one) and publish its outputs.

    Raises :class:`PipelineError` (bilingual message) when an input is unknown or invisible to
    the actor, the SQL is refused or fails, the actor may not publish to the step's dataset, or
    governance refuses a result.
    """
    chosen = step if isinstance(step, PipelineStep) else pipeline_step_get(name=step)
    limits = limits or pipeline_limits()
    started = time.perf_counter()
    found: dict[str, SourceUse] = {}
    engine_name = engine or ""
    dataset: Dataset | None = None
    published: list[PublishedOutput] = []
    try:
        with scratch_dir() as folder:
            computed: list[_Computed] = []
            for output in chosen.output.outputs:
                result, engine_name = _compute(
                    step=chosen,
                    output=output,
                    actor=actor,
                    engine=engine,
                    limits=limits,
                    folder=folder,
                    sources=found,
                )
                computed.append(result)
            dataset = _output_dataset(chosen, actor)
            published = [_publish(dataset, item, actor) for item in computed]
    except (PipelineError, QueryError, PermissionDenied, ValidationError) as exc:
        error = _as_pipeline_error(exc)
        _audit(
            step=chosen,
            actor=actor,
            engine=engine_name,
            sources=list(found.values()),
            outcome=AuditRecord.Outcome.DENIED
            if error.code in {"table", "aggregate", "permission", "refused"}
            else AuditRecord.Outcome.FAILED,
            elapsed_ms=(time.perf_counter() - started) * 1000.0,
            dataset=dataset,
            outputs=published,
            error=error,
        )
        raise error from exc
    elapsed = (time.perf_counter() - started) * 1000.0
    _audit(
        step=chosen,
        actor=actor,
        engine=engine_name,
        sources=list(found.values()),
        outcome=AuditRecord.Outcome.OK,
        elapsed_ms=elapsed,
        dataset=dataset,
        outputs=published,
    )
    return PipelineRun(
        step=chosen.name,
        engine=engine_name,
        dataset=dataset,
        outputs=published,
        sources=list(found.values()),
        elapsed_ms=elapsed,
    )
