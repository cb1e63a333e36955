"""Checking and storing complaint photos.

A photo is checked before anything is written: size (``COMPLAINTS_PHOTO_MAX_BYTES``, 10 MB by
default), that Pillow can decode it as JPEG, PNG or WebP (the file's own bytes decide, not its
name or the browser's content type) and that it is not a decompression bomb. Stored files are
named by their SHA-256, so a retried upload does not make a second file. A caller that rolls
back removes the files it newly wrote with :func:`photos_discard`.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

from ddgov.complaints.errors import Problem
from ddgov.complaints.models import ComplaintPhoto

if TYPE_CHECKING:
    import datetime as dt

    from ddgov.complaints.models import Complaint
    from ddgov.identity.models import User

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PIXELS = 50_000_000


def photo_max_bytes() -> int:
    """The largest photo accepted, in bytes."""
    return int(getattr(settings, "COMPLAINTS_PHOTO_MAX_BYTES", 10 * 1024 * 1024))


def photo_max_count() -> int:
    """How many photos one submission or update may carry."""
    return int(getattr(settings, "COMPLAINTS_PHOTO_MAX_COUNT", 5))


@dataclass(frozen=True)
class CheckedPhoto:
    """A photo that passed the checks, ready to store."""

    content: bytes
    content_type: str
    width: int
    height: int
    sha256: str


def _read_limited(upload: IO[bytes], limit: int) -> bytes | None:
    """Read at most ``limit`` bytes; ``None`` when the file is larger (without reading it all)."""
    data = upload.read(limit + 1)
    return None if len(data) > limit else data


def photo_check(*, upload: IO[bytes], name: str, field: str = "photos") -> CheckedPhoto | Problem:
    """Check one uploaded file; return it ready to store, or the problem with it."""
    limit = photo_max_bytes()
    data = _read_limited(upload, limit)
    mb = limit // (1024 * 1024)
    if data is None:
        return Problem(
            field,
            "photo_too_large",
            f"The photo {name!r} is larger than {mb} MB. Please send a smaller photo.",
            f"รูปภาพ {name!r} มีขนาดเกิน {mb} เมกะไบต์ กรุณาส่งรูปที่เล็กกว่านี้",
        )
    not_image = Problem(
        field,
        "photo_not_image",
        f"The file {name!r} is not a photo. Send a JPEG, PNG or WebP image.",
        f"ไฟล์ {name!r} ไม่ใช่รูปภาพ กรุณาส่งไฟล์ JPEG, PNG หรือ WebP",
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format or ""
            width, height = probe.size
            if width * height > MAX_PIXELS:
                return Problem(
                    field,
                    "photo_too_many_pixels",
                    f"The photo {name!r} has too many pixels ({width}x{height}).",
                    f"รูปภาพ {name!r} มีจำนวนพิกเซลมากเกินไป ({width}x{height})",
                )
            probe.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return not_image
    if fmt not in FORMATS:
        return not_image
    return CheckedPhoto(
        content=data,
        content_type=FORMATS[fmt],
        width=width,
        height=height,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def photos_check(
    *, uploads: list[tuple[str, IO[bytes]]], field: str = "photos"
) -> tuple[list[CheckedPhoto], list[Problem]]:
    """Check every upload; the problems of all of them, so the citizen fixes them in one go."""
    if len(uploads) > photo_max_count():
        n = photo_max_count()
        return [], [
            Problem(
                field,
                "photo_too_many",
                f"At most {n} photos can be attached.",
                f"แนบรูปภาพได้ไม่เกิน {n} รูป",
            )
        ]
    checked: list[CheckedPhoto] = []
    problems: list[Problem] = []
    for name, upload in uploads:
        result = photo_check(upload=upload, name=name, field=field)
        if isinstance(result, Problem):
            problems.append(result)
        else:
            checked.append(result)
    return checked, problems


def photo_store(
    *,
    complaint: Complaint,
    photo: CheckedPhoto,
    stage: str,
    uploaded_by: User | None,
    now: dt.datetime,
    written: list[str],
) -> ComplaintPhoto:
    """Save ``photo`` for ``complaint``; a file newly written is added to ``written``."""
    record = ComplaintPhoto(
        complaint=complaint,
        stage=stage,
        content_type=photo.content_type,
        size=len(photo.content),
        width=photo.width,
        height=photo.height,
        sha256=photo.sha256,
        uploaded_by=uploaded_by,
        created_at=now,
    )
    path = record.image.field.generate_filename(record, "photo")
    if default_storage.exists(path):
        record.image.name = path
    else:
        record.image.save("photo", ContentFile(photo.content), save=False)
        written.append(str(record.image.name))
    record.save()
    return record


def photos_discard(*, written: list[str]) -> None:
    """Remove files written by a submission that was rolled back."""
    for name in written:
        default_storage.delete(name)
