"""Uploads into the lake (contract; filled in by the ingestion work)."""

from __future__ import annotations

from typing import Any

from ddgov.catalog.models import Resource, ResourceVersion
from ddgov.identity.models import User


def resource_version_create(
    *, actor: User | None, resource: Resource, upload: Any, filename: str
) -> ResourceVersion:
    """Keep the upload as the resource's next version and queue its ingestion."""
    raise NotImplementedError
