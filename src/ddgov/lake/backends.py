"""The lake's durable copy in an S3-compatible object store (AWS S3, MinIO, Ceph RGW, …).

With ``DDGOV_LAKE_URL`` empty the lake is only the local folder ``LAKE_DIR``. With
``DDGOV_LAKE_URL=s3://bucket/prefix`` the object store holds the durable copy of every original
upload (``raw/…``) and typed table (``tables/…``) and the local folder is the work area and a
read-through cache. Object keys are ``<prefix>/<path relative to the lake>``, the same relative
paths the database stores, so the database never knows which backend is in use.

This module only talks to the store; :mod:`ddgov.lake.storage` decides when (see
``persist``, ``discard`` and ``absolute`` there). s3fs (botocore underneath) is the client:
credentials come from the settings or botocore's usual chain (``AWS_ACCESS_KEY_ID`` /
``AWS_SECRET_ACCESS_KEY``, a profile, an instance role), a private CA from ``AWS_CA_BUNDLE``.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")
_ADDRESSING = ("auto", "path", "virtual")
CONNECT_TIMEOUT_S = 10
READ_TIMEOUT_S = 120
MAX_ATTEMPTS = 4


class LakeConfigError(ImproperlyConfigured):
    """A ``DDGOV_LAKE_*`` setting is unusable; raised when ddgov starts, naming the setting."""


class LakeStoreError(OSError):
    """The object store refused or could not be reached; the message is English / Thai."""


@dataclass(frozen=True)
class RemoteLake:
    """Where the lake's durable copy lives: a bucket, a key prefix and how to reach it."""

    bucket: str
    prefix: str
    endpoint_url: str = ""
    region: str = ""
    addressing: str = "auto"
    access_key: str = field(default="", repr=False)
    secret_key: str = field(default="", repr=False)

    @property
    def url(self) -> str:
        """The ``s3://bucket/prefix`` URL, for messages (never carries credentials)."""
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")

    def key(self, relative: str) -> str:
        """Return the object key of a lake-relative path (``raw/…``, ``tables/…``)."""
        parts = relative.replace("\\", "/").split("/")
        if any(p in {"", ".", ".."} for p in parts):
            msg = f"path {relative!r} is not a plain lake-relative path"
            raise ValueError(msg)
        rel = "/".join(parts)
        return f"{self.prefix}/{rel}" if self.prefix else rel

    def location(self, relative: str) -> str:
        """Return ``bucket/key`` as s3fs names an object."""
        return f"{self.bucket}/{self.key(relative)}"


def _bad(setting: str, value: str, en: str, th: str) -> LakeConfigError:
    return LakeConfigError(f"{setting}={value!r}: {en} / {th}")


def remote_lake_parse(
    *,
    url: str,
    endpoint_url: str = "",
    region: str = "",
    addressing: str = "",
    access_key: str = "",
    secret_key: str = "",
) -> RemoteLake | None:
    """Validate the ``DDGOV_LAKE_*`` values; return the remote lake, or None for local only.

    Every refusal names the setting and says why in English and Thai, so a wrong value stops
    ddgov at start-up instead of failing the first upload.
    """
    url = url.strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme != "s3":
        raise _bad(
            "DDGOV_LAKE_URL",
            url,
            "must look like s3://bucket/prefix (or be empty for the local folder only)",
            "ต้องอยู่ในรูป s3://bucket/prefix (หรือเว้นว่างเพื่อใช้โฟลเดอร์ในเครื่องเท่านั้น)",
        )
    if "@" in parts.netloc or parts.port is not None or parts.query or parts.fragment:
        raise _bad(
            "DDGOV_LAKE_URL",
            parts._replace(netloc=parts.hostname or "").geturl(),
            "must not carry credentials, a port, a query or a fragment; put the endpoint in "
            "DDGOV_LAKE_S3_ENDPOINT_URL and keys in DDGOV_LAKE_S3_ACCESS_KEY_ID / "
            "DDGOV_LAKE_S3_SECRET_ACCESS_KEY",
            "ห้ามใส่รหัสผ่าน พอร์ต query หรือ fragment ใน URL ให้ตั้ง endpoint ที่ "
            "DDGOV_LAKE_S3_ENDPOINT_URL และกุญแจที่ DDGOV_LAKE_S3_ACCESS_KEY_ID / "
            "DDGOV_LAKE_S3_SECRET_ACCESS_KEY",
        )
    bucket = parts.netloc
    if not _BUCKET.match(bucket) or ".." in bucket:
        raise _bad(
            "DDGOV_LAKE_URL",
            url,
            f"{bucket or '(none)'} is not a valid bucket name (3-63 lower-case letters, digits, "
            "dots or hyphens)",
            f"{bucket or '(ไม่มี)'} ไม่ใช่ชื่อ bucket ที่ถูกต้อง (ตัวพิมพ์เล็ก ตัวเลข จุด หรือขีด 3-63 ตัว)",
        )
    prefix_parts = [p for p in parts.path.split("/") if p]
    if any(p in {".", ".."} for p in prefix_parts):
        raise _bad(
            "DDGOV_LAKE_URL",
            url,
            "the prefix must not contain '.' or '..'",
            "prefix ต้องไม่มี '.' หรือ '..'",
        )
    endpoint_url = endpoint_url.strip().rstrip("/")
    if endpoint_url:
        endpoint = urlsplit(endpoint_url)
        if endpoint.scheme not in {"http", "https"} or not endpoint.hostname:
            raise _bad(
                "DDGOV_LAKE_S3_ENDPOINT_URL",
                endpoint_url,
                "must be an http(s) URL such as https://minio.example.go.th:9000",
                "ต้องเป็น URL แบบ http(s) เช่น https://minio.example.go.th:9000",
            )
    addressing = addressing.strip().lower() or ("path" if endpoint_url else "auto")
    if addressing not in _ADDRESSING:
        raise _bad(
            "DDGOV_LAKE_S3_ADDRESSING",
            addressing,
            f"must be one of {', '.join(_ADDRESSING)}",
            f"ต้องเป็นค่าใดค่าหนึ่งใน {', '.join(_ADDRESSING)}",
        )
    if bool(access_key) != bool(secret_key):
        raise _bad(
            "DDGOV_LAKE_S3_ACCESS_KEY_ID / DDGOV_LAKE_S3_SECRET_ACCESS_KEY",
            "…",
            "set both or neither (neither uses AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)",
            "ต้องตั้งทั้งสองค่าหรือไม่ตั้งเลย (ถ้าไม่ตั้งจะใช้ AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)",
        )
    return RemoteLake(
        bucket=bucket,
        prefix="/".join(prefix_parts),
        endpoint_url=endpoint_url,
        region=region.strip(),
        addressing=addressing,
        access_key=access_key,
        secret_key=secret_key,
    )


def remote_lake() -> RemoteLake | None:
    """Return the configured remote lake (None when the lake is the local folder only)."""
    return remote_lake_parse(
        url=getattr(settings, "DDGOV_LAKE_URL", ""),
        endpoint_url=getattr(settings, "DDGOV_LAKE_S3_ENDPOINT_URL", ""),
        region=getattr(settings, "DDGOV_LAKE_S3_REGION", ""),
        addressing=getattr(settings, "DDGOV_LAKE_S3_ADDRESSING", ""),
        access_key=getattr(settings, "DDGOV_LAKE_S3_ACCESS_KEY_ID", ""),
        secret_key=getattr(settings, "DDGOV_LAKE_S3_SECRET_ACCESS_KEY", ""),
    )


class ObjectStore:
    """The few object operations the lake needs, over s3fs, with English / Thai errors."""

    def __init__(self, remote: RemoteLake) -> None:
        import s3fs  # noqa: PLC0415 - only loaded when an object store is configured

        self.remote = remote
        client: dict[str, Any] = {}
        if remote.region:
            client["region_name"] = remote.region
        options: dict[str, Any] = {
            "endpoint_url": remote.endpoint_url or None,
            "client_kwargs": client,
            "config_kwargs": {
                "connect_timeout": CONNECT_TIMEOUT_S,
                "read_timeout": READ_TIMEOUT_S,
                "retries": {"max_attempts": MAX_ATTEMPTS, "mode": "standard"},
                "s3": {"addressing_style": remote.addressing},
            },
            "use_listings_cache": False,
            "skip_instance_cache": True,
        }
        if remote.access_key:
            options["key"] = remote.access_key
            options["secret"] = remote.secret_key
        self.fs = s3fs.S3FileSystem(**options)

    def _error(self, action: str, relative: str, exc: Exception) -> LakeStoreError:
        where = f"{self.remote.url}/{relative}"
        return LakeStoreError(
            f"The lake's object store could not {action} {where} ({type(exc).__name__}: "
            f"{str(exc)[:200]}). / คลังข้อมูลบนที่เก็บอ็อบเจกต์ทำรายการไม่สำเร็จ ({where})"
        )

    def put(self, local: Path, relative: str) -> None:
        """Upload ``local`` as the object for ``relative`` (S3 puts are all-or-nothing)."""
        try:
            self.fs.put_file(str(local), self.remote.location(relative))
        except Exception as exc:
            raise self._error("store", relative, exc) from exc

    def get(self, relative: str, local: Path) -> bool:
        """Download ``relative`` into ``local``; return False if the object does not exist."""
        try:
            self.fs.get_file(self.remote.location(relative), str(local))
        except FileNotFoundError:
            return False
        except Exception as exc:
            raise self._error("fetch", relative, exc) from exc
        return True

    def size(self, relative: str) -> int | None:
        """Return the object's size in bytes, or None if it does not exist."""
        try:
            info = self.fs.info(self.remote.location(relative))
        except FileNotFoundError:
            return None
        except Exception as exc:
            raise self._error("look up", relative, exc) from exc
        return int(info.get("size") or 0)

    def delete(self, relative: str) -> None:
        """Remove the object for ``relative`` (no error if it is already gone)."""
        try:
            self.fs.rm_file(self.remote.location(relative))
        except FileNotFoundError:
            return
        except Exception as exc:
            raise self._error("delete", relative, exc) from exc

    def bucket_reachable(self) -> None:
        """Raise LakeStoreError unless the bucket exists and these credentials may list it."""
        try:
            self.fs.ls(f"{self.remote.bucket}/{self.remote.prefix}".rstrip("/"), detail=False)
        except FileNotFoundError:
            if not self.fs.exists(self.remote.bucket):
                raise self._error(
                    "find the bucket", "", FileNotFoundError(self.remote.bucket)
                ) from None
        except Exception as exc:
            raise self._error("list", "", exc) from exc

    def walk(self, folder: str) -> dict[str, int]:
        """Return ``{lake-relative path: size}`` of every object under ``folder`` (e.g. raw)."""
        base = self.remote.location(folder)
        try:
            found = self.fs.find(base, detail=True)
        except FileNotFoundError:
            return {}
        except Exception as exc:
            raise self._error("list", folder, exc) from exc
        strip = len(self.remote.location("x")) - 1
        return {name[strip:]: int(info.get("size") or 0) for name, info in found.items()}


_stores: dict[RemoteLake, ObjectStore] = {}
_stores_lock = threading.Lock()


def object_store() -> ObjectStore | None:
    """Return the client for the configured store (one per configuration), or None if local."""
    remote = remote_lake()
    if remote is None:
        return None
    store = _stores.get(remote)
    if store is None:
        with _stores_lock:
            store = _stores.get(remote)
            if store is None:
                store = _stores[remote] = ObjectStore(remote)
    return store
