"""Where things live in the lake, and writing there atomically.

Layout under ``settings.LAKE_DIR`` (ids, not names, so renaming a dataset moves nothing)::

    raw/<dataset id>/<resource id>/v<N>/<original file name>   the upload, byte for byte
    tables/<dataset id>/<resource id>/v<N>.parquet             the typed table ingested from it
    tmp/                                                       work files, same file system

Files are written under ``tmp/`` and renamed into place, so a crash never leaves a half file
where a reader could find it.

With ``DDGOV_LAKE_URL`` set (see :mod:`ddgov.lake.backends` and ``docs/lake-storage.md``) the
object store holds the durable copy and this folder is the work area and a read-through cache:
writers call :func:`persist` (or ``atomic_target(..., durable=True)``) *before* the database
commit that makes a file current, so a crash leaves at most an orphan object, never a row
pointing at nothing; :func:`absolute` fetches a file missing from the folder back from the
store, so every reader keeps working on local paths (DuckDB reads local Parquet).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from ddgov.lake.backends import LakeStoreError, ObjectStore, object_store

__all__ = [
    "LakeStoreError",
    "absolute",
    "atomic_target",
    "discard",
    "lake_root",
    "persist",
    "raw_path",
    "relative",
    "safe_filename",
    "scratch_dir",
    "table_path",
    "tmp_dir",
]

_UNSAFE = re.compile(r"[^\w.\-ก-๙]+")


def lake_root() -> Path:
    """Return the lake folder, creating it on first use."""
    root = Path(settings.LAKE_DIR)
    root.mkdir(parents=True, exist_ok=True)
    return root


def safe_filename(name: str) -> str:
    """Return ``name`` without folders or characters that are unsafe in paths (Thai kept)."""
    base = Path(name.replace("\\", "/")).name.strip() or "upload"
    cleaned = _UNSAFE.sub("_", base).strip("._") or "upload"
    return cleaned[:150]


def raw_path(
    *, dataset_id: uuid.UUID | str, resource_id: uuid.UUID | str, version: int, filename: str
) -> Path:
    """Return where version ``version``'s original upload is kept."""
    return (
        lake_root()
        / "raw"
        / str(dataset_id)
        / str(resource_id)
        / f"v{version}"
        / safe_filename(filename)
    )


def table_path(*, dataset_id: uuid.UUID | str, resource_id: uuid.UUID | str, version: int) -> Path:
    """Return where version ``version``'s typed Parquet table is kept."""
    return lake_root() / "tables" / str(dataset_id) / str(resource_id) / f"v{version}.parquet"


def tmp_dir() -> Path:
    """Return the lake's scratch folder (same file system, so renames are atomic)."""
    path = lake_root() / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def atomic_target(final: Path, *, durable: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write; on success it is renamed to ``final``, else removed.

    With ``durable=True`` the finished file is first uploaded to the object store (when one is
    configured) under ``final``'s key; if that fails nothing appears at ``final`` either.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir(), suffix=final.suffix)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if durable:
            persist(final, source=tmp)
        tmp.replace(final)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def scratch_dir() -> Iterator[Path]:
    """Yield a private scratch folder in the lake that is removed afterwards."""
    path = Path(tempfile.mkdtemp(dir=tmp_dir()))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def relative(path: Path) -> str:
    """Return ``path`` relative to the lake root, as stored in the database."""
    return str(Path(path).resolve().relative_to(lake_root().resolve()))


def absolute(stored: str) -> Path:
    """Return the local path of a lake-relative path stored in the database.

    When an object store is configured and the file is not in the local folder (a new machine,
    a pruned cache), it is fetched into the folder first; if the store has no such object
    either, the (missing) path is returned and the caller reports it as missing.
    Raises ValueError for a path leaving the lake, LakeStoreError if the store fails.
    """
    path = (lake_root() / stored).resolve()
    if not path.is_relative_to(lake_root().resolve()):
        msg = f"path {stored!r} leaves the lake"
        raise ValueError(msg)
    if path.is_file():
        return path
    store = object_store()
    if store is not None and stored:
        _fetch(store, path)
    return path


_fetching: dict[Path, threading.Lock] = {}
_fetching_lock = threading.Lock()


def _fetch(store: ObjectStore, path: Path) -> None:
    """Download ``path``'s object into the cache (temp file, then rename); one thread per file."""
    with _fetching_lock:
        lock = _fetching.setdefault(path, threading.Lock())
    with lock:
        try:
            if path.is_file():
                return
            fd, tmp_name = tempfile.mkstemp(dir=tmp_dir(), suffix=path.suffix)
            os.close(fd)
            tmp = Path(tmp_name)
            try:
                if store.get(relative(path), tmp):
                    path.parent.mkdir(parents=True, exist_ok=True)
                    tmp.replace(path)
            finally:
                tmp.unlink(missing_ok=True)
        finally:
            with _fetching_lock:
                _fetching.pop(path, None)


def persist(path: Path, *, source: Path | None = None) -> None:
    """Make the lake file ``path`` durable: upload ``source`` (default ``path``) under its key.

    Call it before the database commit that makes the file current. Without an object store
    the local folder is the durable copy and this does nothing. Raises LakeStoreError.
    """
    store = object_store()
    if store is not None:
        store.put(source or path, relative(path))


def discard(path: Path) -> None:
    """Remove a lake file from the folder and from the object store (best effort for the store).

    Used when the database change that would have referenced it did not happen.
    """
    path.unlink(missing_ok=True)
    store = object_store()
    if store is None:
        return
    try:
        store.delete(relative(path))
    except (LakeStoreError, ValueError):
        logging.getLogger(__name__).warning(
            "could not remove the object of %s; it stays as a harmless orphan", path
        )
