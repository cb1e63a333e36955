"""Background jobs of governance (discovered by ``ddgov.jobs``): each part declares its own."""

from ddgov.governance.anonymize import jobs as anonymize_jobs
from ddgov.governance.classification import jobs as classification_jobs
from ddgov.governance.profiling import jobs as profiling_jobs
from ddgov.governance.quality import jobs as quality_jobs

__all__ = ["anonymize_jobs", "classification_jobs", "profiling_jobs", "quality_jobs"]
