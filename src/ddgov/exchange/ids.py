"""X-Road-style identifiers: ``TH/GOV/<member>/<subsystem>`` and ``…/<service>``.

The instance and member class are fixed for one deployment (``DDGOV_EXCHANGE_INSTANCE``,
default ``TH``; members are government agencies, class ``GOV``). Codes are case-sensitive and
limited to letters, digits, ``-``, ``_`` and ``.`` so an identifier splits on ``/`` unambiguously.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MEMBER_CLASS = "GOV"


def instance() -> str:
    """The exchange instance every identifier starts with."""
    return str(getattr(settings, "DDGOV_EXCHANGE_INSTANCE", "TH"))


def code_valid(code: str) -> bool:
    """Whether ``code`` can be one part of an identifier."""
    return bool(CODE_RE.match(code))


@dataclass(frozen=True)
class ClientId:
    """A subsystem acting as a client: ``TH/GOV/<member>/<subsystem>``."""

    member: str
    subsystem: str

    def __str__(self) -> str:
        return f"{instance()}/{MEMBER_CLASS}/{self.member}/{self.subsystem}"

    @classmethod
    def parse(cls, text: str) -> ClientId | None:
        """Parse ``TH/GOV/M/S``; None when it is not one."""
        parts = text.strip().split("/")
        if len(parts) != 4 or parts[0] != instance() or parts[1] != MEMBER_CLASS:
            return None
        if not (code_valid(parts[2]) and code_valid(parts[3])):
            return None
        return cls(member=parts[2], subsystem=parts[3])


@dataclass(frozen=True)
class ServiceId:
    """A service: ``TH/GOV/<member>/<subsystem>/<service>``."""

    member: str
    subsystem: str
    service: str

    def __str__(self) -> str:
        return f"{instance()}/{MEMBER_CLASS}/{self.member}/{self.subsystem}/{self.service}"

    @property
    def provider(self) -> ClientId:
        """The subsystem that provides the service."""
        return ClientId(member=self.member, subsystem=self.subsystem)

    @classmethod
    def parse(cls, text: str) -> ServiceId | None:
        """Parse ``TH/GOV/M/S/SVC``; None when it is not one."""
        parts = text.strip().split("/")
        if len(parts) != 5 or parts[0] != instance() or parts[1] != MEMBER_CLASS:
            return None
        if not all(code_valid(p) for p in parts[2:]):
            return None
        return cls(member=parts[2], subsystem=parts[3], service=parts[4])
