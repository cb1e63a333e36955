"""The RSA key that signs One ID's ID tokens.

Production mounts a key at ``DDGOV_OIDC_KEY_FILE``. On a developer machine the first start
creates one in ``var/`` so tokens stay valid across restarts; nothing is fetched from outside.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def oidc_key_generate() -> str:
    """Return a new 2048-bit RSA private key in PEM form."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def oidc_key_load(*, path: Path) -> str:
    """Return the PEM key at ``path``, creating and keeping one there when it is missing."""
    if path.is_file():
        return path.read_text(encoding="utf-8")
    pem = oidc_key_generate()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(pem, encoding="utf-8")
        path.chmod(0o600)
    return pem
