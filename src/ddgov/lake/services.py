"""Operator actions on the lake's object store: push a local lake up, prune the local cache.

Both only matter with ``DDGOV_LAKE_URL`` set (see ``docs/lake-storage.md``). Neither changes
what any dataset contains: ``lake_push`` copies files the store lacks, ``lake_cache_prune``
drops local copies the store verifiably holds (same size), which are fetched back on next use.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from ddgov.lake.backends import ObjectStore, object_store
from ddgov.lake.storage import lake_root, relative

DURABLE_FOLDERS = ("raw", "tables")
DAY_S = 86400.0


class LakeNotRemote(Exception):  # noqa: N818 - reads as a sentence at the call site
    """The action needs an object store but ``DDGOV_LAKE_URL`` is empty."""

    def __init__(self) -> None:
        super().__init__(
            "DDGOV_LAKE_URL is not set: the lake is the local folder only, there is no object "
            "store to use. / ไม่ได้ตั้งค่า DDGOV_LAKE_URL คลังข้อมูลอยู่ในโฟลเดอร์ในเครื่องเท่านั้น"
        )


@dataclass(frozen=True)
class PushResult:
    """What ``lake_push`` did: files uploaded (and their bytes) and files already there."""

    uploaded: int
    uploaded_bytes: int
    present: int


@dataclass(frozen=True)
class PruneResult:
    """What ``lake_cache_prune`` did: local copies removed, bytes freed, copies kept and why."""

    removed: int
    freed_bytes: int
    kept_recent: int
    kept_not_in_store: int


def _store() -> ObjectStore:
    store = object_store()
    if store is None:
        raise LakeNotRemote
    return store


def _local_files(folder: str) -> list[Path]:
    base = lake_root() / folder
    return sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else []


def lake_push(*, dry_run: bool = False) -> PushResult:
    """Upload every local original and table the object store lacks (or holds at another size).

    Used once when an existing local lake is moved onto an object store, and safe to repeat.
    """
    store = _store()
    uploaded = uploaded_bytes = present = 0
    for folder in DURABLE_FOLDERS:
        remote = store.walk(folder)
        for path in _local_files(folder):
            rel = relative(path)
            size = path.stat().st_size
            if remote.get(rel) == size:
                present += 1
                continue
            if not dry_run:
                store.put(path, rel)
            uploaded += 1
            uploaded_bytes += size
    return PushResult(uploaded=uploaded, uploaded_bytes=uploaded_bytes, present=present)


def _last_used(path: Path) -> float:
    info = path.stat()
    return max(info.st_atime, info.st_mtime)


def _remove_empty_parents(path: Path, stop: Path) -> None:
    parent = path.parent
    while parent != stop and parent.is_relative_to(stop):
        try:
            parent.rmdir()
        except OSError:
            return
        parent = parent.parent


def lake_cache_prune(*, older_than_days: float, dry_run: bool = False) -> PruneResult:
    """Remove local copies of originals and tables unused for ``older_than_days`` days.

    A copy is removed only if the object store holds the same file (same size), so nothing is
    ever lost; readers fetch it back on next use. Exports and reference files are untouched.
    """
    store = _store()
    cutoff = time.time() - older_than_days * DAY_S
    removed = freed = kept_recent = kept_missing = 0
    root = lake_root()
    for folder in DURABLE_FOLDERS:
        remote = store.walk(folder)
        for path in _local_files(folder):
            if _last_used(path) > cutoff:
                kept_recent += 1
                continue
            size = path.stat().st_size
            if remote.get(relative(path)) != size:
                kept_missing += 1
                continue
            if not dry_run:
                path.unlink(missing_ok=True)
                _remove_empty_parents(path, root / folder)
            removed += 1
            freed += size
    return PruneResult(
        removed=removed, freed_bytes=freed, kept_recent=kept_recent, kept_not_in_store=kept_missing
    )
