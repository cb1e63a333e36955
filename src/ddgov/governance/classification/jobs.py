"""Background jobs of the classification part (imported by governance/jobs.py).

``governance.classify`` runs the column detection again on a version (the steward's "detect
again" button); detections never overwrite a steward's or a release's decision.
"""

from __future__ import annotations

from collections.abc import Callable

from ddgov.governance.classification.services import CLASSIFY_JOB_KIND, resource_classify
from ddgov.jobs.registry import job_handler


@job_handler(CLASSIFY_JOB_KIND)
def classify_job(
    *,
    job_id: int,  # noqa: ARG001 - the registry passes it
    progress: Callable[[float, str], None],
    version_id: int,
) -> None:
    """Detect and store the column classes of one ingested version."""
    progress(0.1, "classifying")
    resource_classify(version_id=version_id)
    progress(1.0, "done")
