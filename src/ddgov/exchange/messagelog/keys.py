"""The Ed25519 key that signs message-log records, checkpoints and consent revisions.

Production mounts a key at ``DDGOV_EXCHANGE_SIGNING_KEY_FILE``; on a developer machine the first
use creates one in ``var/``. Verification trusts the current key's public half and the public
keys listed in ``DDGOV_EXCHANGE_TRUSTED_KEY_FILES`` (retired keys), never keys found in the
database, so whoever can write the database cannot re-sign forged records.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_of(public_key: Ed25519PublicKey) -> str:
    """A key's identifier: the first 16 hex digits of SHA-256 over its raw public bytes."""
    return hashlib.sha256(_raw_public(public_key)).hexdigest()[:16]


def _load_or_create(path: Path) -> Ed25519PrivateKey:
    if path.is_file():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            msg = f"{path} is not an Ed25519 private key"
            raise TypeError(msg)
        return key
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
    # Exclusive create: server workers starting together must end up with one key, not each
    # their own (records signed by a losing key would no longer verify). A written temporary
    # file is linked into place so nobody reads a half-written key.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError):
        tmp.unlink()  # left by a crashed process that had our pid
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        os.link(tmp, path)
    except FileExistsError:
        return _load_or_create(path)
    except OSError:
        return key  # a read-only var folder: sign with a key of this process only
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return key


@functools.cache
def signing_key() -> tuple[Ed25519PrivateKey, str]:
    """The private key this process signs with, and its key id (loaded once per process)."""
    key = _load_or_create(Path(settings.DDGOV_EXCHANGE_SIGNING_KEY_FILE))
    return key, key_id_of(key.public_key())


@functools.cache
def trusted_keys() -> dict[str, Ed25519PublicKey]:
    """Public keys signatures may verify against, by key id."""
    private, key_id = signing_key()
    keys = {key_id: private.public_key()}
    for name in settings.DDGOV_EXCHANGE_TRUSTED_KEY_FILES:
        public = serialization.load_pem_public_key(Path(name).read_bytes())
        if isinstance(public, Ed25519PublicKey):
            keys[key_id_of(public)] = public
    return keys


def sign(digest_hex: str) -> tuple[str, str]:
    """Sign a hex digest; return ``(signature as base64, key id)``."""
    private, key_id = signing_key()
    return base64.b64encode(private.sign(bytes.fromhex(digest_hex))).decode("ascii"), key_id


def signature_valid(*, digest_hex: str, signature: str, key_id: str) -> bool:
    """Whether ``signature`` is a trusted key's signature of ``digest_hex``."""
    public = trusted_keys().get(key_id)
    if public is None:
        return False
    try:
        public.verify(base64.b64decode(signature, validate=True), bytes.fromhex(digest_hex))
    except (InvalidSignature, ValueError):
        return False
    return True


def keys_reset() -> None:
    """Forget the loaded keys (tests that switch key files)."""
    signing_key.cache_clear()
    trusted_keys.cache_clear()
