"""Periodic tasks of the exchange: signed checkpoints of the message log, and retention.

``ddgov worker`` calls ``exchange.checkpoint`` every ``DDGOV_EXCHANGE_CHECKPOINT_SECONDS``
(a checkpoint is only signed when some stream moved) and ``exchange.prune`` once a day (records
older than ``DDGOV_EXCHANGE_LOG_RETENTION_DAYS``). Both are idempotent, so several workers may
run them.
"""

from __future__ import annotations

from django.conf import settings

from ddgov.exchange.services.messagelog import checkpoint_create, messagelog_prune
from ddgov.jobs.registry import periodic

PRUNE_EVERY_SECONDS = 24 * 60 * 60


@periodic("exchange.checkpoint", every_seconds=settings.DDGOV_EXCHANGE_CHECKPOINT_SECONDS)
def checkpoint_task() -> str:
    """Sign the heads of the message log's streams; say which checkpoint (the worker prints it)."""
    checkpoint = checkpoint_create()
    return f"message log checkpoint #{checkpoint.seq}" if checkpoint is not None else ""


@periodic("exchange.prune", every_seconds=PRUNE_EVERY_SECONDS)
def prune_task() -> str:
    """Delete message records past the retention period; say how many."""
    deleted = messagelog_prune()
    return f"pruned {deleted} message record(s)" if deleted else ""
