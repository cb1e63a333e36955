"""Extension points of the catalog that other apps fill in from their ``AppConfig.ready``.

The catalog must not import the governance app (which reads the catalog), yet publication and
ingestion have to obey governance's rules. So the catalog calls the functions registered here
at three fixed points:

* ``publish_checks`` — before a dataset is saved as open data (public, active, not private);
  each returns the reasons it must not be (Thai/English). Any reason refuses the write.
* ``version_checks`` — after a new version's Parquet is written but before it becomes the
  resource's current version; each returns ``None`` or the reason (an ``IngestError``) that the
  version must fail. The previous version stays current.
* ``after_ingest`` — after a version has committed as succeeded (profiling, quality checks).
  Each receives the version's primary key; errors are logged, never raised into the ingest.
* ``dataset_badges`` — small HTML badges on the dataset page (e.g. the quality score); each
  returns rendered, escaped HTML or an empty string. Errors are logged and the badge left out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from ddgov.catalog.ingest import IngestError
    from ddgov.catalog.models import Dataset, ResourceVersion

log = logging.getLogger(__name__)
T = TypeVar("T")

PublishCheck = Callable[["Dataset"], list[str]]
VersionCheck = Callable[["ResourceVersion", Path], "IngestError | None"]
AfterIngest = Callable[[int], None]
DatasetBadge = Callable[["Dataset"], str]

publish_checks: list[PublishCheck] = []
version_checks: list[VersionCheck] = []
after_ingest: list[AfterIngest] = []
dataset_badges: list[DatasetBadge] = []


def _add(registry: list[T], func: T) -> T:
    if func not in registry:
        registry.append(func)
    return func


def register_publish_check(func: PublishCheck) -> PublishCheck:
    """Register a check that can refuse to make a dataset open data."""
    return _add(publish_checks, func)


def register_version_check(func: VersionCheck) -> VersionCheck:
    """Register a check that can fail a freshly ingested version before it becomes current."""
    return _add(version_checks, func)


def register_after_ingest(func: AfterIngest) -> AfterIngest:
    """Register work to run once a version has been ingested and committed."""
    return _add(after_ingest, func)


def register_dataset_badge(func: DatasetBadge) -> DatasetBadge:
    """Register a badge for the dataset page (returns safe HTML, or "" for none)."""
    return _add(dataset_badges, func)


def dataset_badges_html(dataset: Dataset) -> list[str]:
    """Every registered badge's HTML for ``dataset``; a failing badge is logged and left out."""
    found: list[str] = []
    for badge in dataset_badges:
        try:
            html = badge(dataset)
        except Exception:
            log.exception("dataset badge %r failed for %s", badge, dataset.pk)
            continue
        if html:
            found.append(html)
    return found


def publish_refusals(dataset: Dataset) -> list[str]:
    """Every registered check's reasons why ``dataset`` cannot be open data."""
    return [reason for check in publish_checks for reason in check(dataset)]


def version_refusal(version: ResourceVersion, parquet: Path) -> IngestError | None:
    """The first registered check's reason to fail ``version`` (its Parquet at ``parquet``)."""
    for check in version_checks:
        error = check(version, parquet)
        if error is not None:
            return error
    return None


def run_after_ingest(version_id: int) -> None:
    """Run the after-ingest hooks; one failing hook neither stops the others nor the ingest."""
    for hook in after_ingest:
        try:
            hook(version_id)
        except Exception:
            log.exception("after-ingest hook %r failed for version %s", hook, version_id)
