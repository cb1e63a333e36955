"""Helpers for tests that write to the message log (not used by the application itself)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from ddgov.exchange.messagelog.entry import EMPTY_DIGEST, LogEntry, body_digest


def log_entry(**overrides: Any) -> LogEntry:
    """A plausible successful call; any field can be overridden."""
    values: dict[str, Any] = {
        "at": timezone.now(),
        "request_id": str(uuid.uuid4()),
        "client_id": "TH/GOV/CONSUMER/app",
        "service_id": "TH/GOV/PROVIDER/registry/persons",
        "method": "GET",
        "path": "/persons/1100200000011",
        "purpose": "welfare-eligibility",
        "subjects": ("1100200000011",),
        "request_digest": EMPTY_DIGEST,
        "response_digest": body_digest(b'{"ok": true}'),
        "status": 200,
        "error": "",
        "duration_ms": 1.25,
    }
    values.update(overrides)
    return LogEntry(**values)


def key_files_write(directory: Path, name: str) -> tuple[Path, Path]:
    """Write a fresh Ed25519 private key and its public half; return both paths."""
    key = Ed25519PrivateKey.generate()
    private = directory / f"{name}.pem"
    public = directory / f"{name}.pub.pem"
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private, public
