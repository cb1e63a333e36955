"""Where things live in the lake, and writing there atomically.

Layout under ``settings.LAKE_DIR`` (ids, not names, so renaming a dataset moves nothing)::

    raw/<dataset id>/<resource id>/v<N>/<original file name>   the upload, byte for byte
    tables/<dataset id>/<resource id>/v<N>.parquet             the typed table ingested from it
    tmp/                                                       work files, same file system

Files are written under ``tmp/`` and renamed into place, so a crash never leaves a half file
where a reader could find it.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

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
def atomic_target(final: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it is renamed to ``final``, else removed."""
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir(), suffix=final.suffix)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
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
    """Return the absolute path of a lake-relative path stored in the database."""
    path = (lake_root() / stored).resolve()
    if not path.is_relative_to(lake_root().resolve()):
        msg = f"path {stored!r} leaves the lake"
        raise ValueError(msg)
    return path
