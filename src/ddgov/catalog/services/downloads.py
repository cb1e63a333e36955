"""The files behind the download URLs: a version's Parquet, a CSV made from it, its original upload.

Versions are immutable, so the CSV made from a version's Parquet never goes stale: it is written
once by DuckDB into the lake (``exports/<dataset id>/<resource id>/v<N>.csv``, UTF-8 with a byte
order mark so Excel shows Thai) and served from disk afterwards; its size and SHA-256 are then
known and published in the Data Package. Nothing is ever built in memory: DuckDB streams Parquet
to CSV, and the byte order mark is prepended while copying in 1 MiB chunks.
"""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

import duckdb
from django.utils.translation import gettext as _

from ddgov.catalog.models import Resource, ResourceVersion
from ddgov.lake.storage import absolute, atomic_target, lake_root, scratch_dir, tmp_dir

BOM = codecs.BOM_UTF8
CHUNK = 1 << 20
ROW_ID = "_id"


class DownloadUnavailable(Exception):  # noqa: N818 - reads as a sentence at the call site
    """The requested file does not exist (yet); the message says why in Thai and English."""


def _in_lake(stored: str) -> Path | None:
    """The absolute path of a stored lake path, or None if empty or pointing outside the lake."""
    if not stored:
        return None
    try:
        return absolute(stored)
    except ValueError:
        return None


def version_parquet(*, version: ResourceVersion) -> Path:
    """Return the version's typed Parquet table, or raise DownloadUnavailable."""
    if version.status != ResourceVersion.Status.SUCCEEDED or not version.parquet_path:
        raise DownloadUnavailable(
            _(
                "This version has no table (ingestion: %(status)s). / เวอร์ชันนี้ไม่มีตารางข้อมูล (สถานะ: %(status)s)"
            )
            % {"status": version.status}
        )
    path = _in_lake(version.parquet_path)
    if path is None or not path.is_file():
        raise DownloadUnavailable(
            _("The table file is missing from the lake. / ไม่พบไฟล์ตารางข้อมูลในคลังข้อมูล")
        )
    return path


def version_original(*, version: ResourceVersion) -> Path:
    """Return the version's original upload, byte for byte, or raise DownloadUnavailable."""
    path = _in_lake(version.original_path)
    if path is None or not path.is_file():
        raise DownloadUnavailable(_("The original upload is not kept. / ไม่พบไฟล์ต้นฉบับที่อัปโหลด"))
    return path


def csv_export_path(*, resource: Resource, version: ResourceVersion) -> Path:
    """Return where the CSV made from ``version`` is kept (it may not exist yet)."""
    return (
        lake_root()
        / "exports"
        / str(resource.dataset_id)
        / str(resource.pk)
        / f"v{version.number}.csv"
    )


def _quoted(path: Path | str) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _duckdb_for_lake() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that can touch the lake folder and nothing else."""
    root = lake_root().resolve()
    con = duckdb.connect()
    con.execute(f"SET temp_directory = {_quoted(tmp_dir().resolve())}")
    con.execute(f"SET allowed_directories = [{_quoted(f'{root}/')}]")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def _write_csv(source: Path, final: Path) -> str:
    """Write ``source`` Parquet as BOM-prefixed CSV at ``final``; return its SHA-256 hex digest."""
    with scratch_dir() as work:
        body = (work / "body.csv").resolve()
        con = _duckdb_for_lake()
        try:
            columns = [
                row[0]
                for row in con.execute(
                    "DESCRIBE SELECT * FROM read_parquet(?)", [str(source)]
                ).fetchall()
            ]
            select = f"* EXCLUDE ({ROW_ID})" if ROW_ID in columns and len(columns) > 1 else "*"
            con.execute(
                f"COPY (SELECT {select} FROM read_parquet({_quoted(source)})) "  # noqa: S608 - lake paths, quoted
                f"TO {_quoted(body)} (FORMAT csv, HEADER true, DELIMITER ',')"
            )
        finally:
            con.close()
        digest = hashlib.sha256(BOM)
        with atomic_target(final) as tmp, tmp.open("wb") as out, body.open("rb") as src:
            out.write(BOM)
            while chunk := src.read(CHUNK):
                out.write(chunk)
                digest.update(chunk)
    return digest.hexdigest()


def version_csv(*, resource: Resource, version: ResourceVersion) -> Path:
    """Return the CSV of ``version`` (UTF-8 with BOM, no ``_id`` column), writing it on first use."""
    final = csv_export_path(resource=resource, version=version)
    if final.is_file():
        return final
    hexdigest = _write_csv(version_parquet(version=version), final)
    with atomic_target(final.with_name(final.name + ".sha256")) as tmp:
        tmp.write_text(hexdigest + "\n", encoding="ascii")
    return final


def version_csv_known(*, resource: Resource, version: ResourceVersion) -> tuple[int, str] | None:
    """Return (bytes, "sha256:<hex>") of the version's CSV if it has been written, else None."""
    final = csv_export_path(resource=resource, version=version)
    sidecar = final.with_name(final.name + ".sha256")
    if not (final.is_file() and sidecar.is_file()):
        return None
    hexdigest = sidecar.read_text(encoding="ascii").strip()
    return final.stat().st_size, f"sha256:{hexdigest}"
