"""Open311 errors: ``[{"code": <HTTP status>, "description": "…"}]`` with that HTTP status.

The spec's ``code`` is the HTTP status (400 bad input, 403 bad ``api_key``, 404 unknown
resource …). Each description starts with ddgov's stable problem code, then the English and
the Thai message: ``location_required: Say where the problem is… / กรุณาระบุตำแหน่ง…``.
Every problem with a submission is listed, one error each, so a client can show them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ddgov.complaints.errors import ComplaintError, Problem


def describe(code: str, message_en: str, message_th: str) -> str:
    """One error description: stable code, English, Thai."""
    return f"{code}: {message_en} / {message_th}"


@dataclass(frozen=True)
class Open311Problem:
    """One entry of the error list."""

    code: str
    message_en: str
    message_th: str

    @property
    def description(self) -> str:
        """The spec's ``description``."""
        return describe(self.code, self.message_en, self.message_th)


class Open311Error(Exception):
    """A request was refused with ``status``; nothing was written."""

    def __init__(
        self, status: int, problems: Iterable[Open311Problem], headers: dict[str, str] | None = None
    ) -> None:
        self.status = status
        self.problems = list(problems)
        self.headers = headers or {}
        super().__init__("; ".join(p.description for p in self.problems))

    @classmethod
    def one(
        cls,
        status: int,
        code: str,
        message_en: str,
        message_th: str,
        headers: dict[str, str] | None = None,
    ) -> Open311Error:
        """An error with a single entry."""
        return cls(status, [Open311Problem(code, message_en, message_th)], headers)

    @classmethod
    def from_complaint_error(cls, error: ComplaintError, status: int = 400) -> Open311Error:
        """The intake's problems, all of them, as Open311 errors."""
        return cls(status, [_from_problem(p) for p in error.problems])

    def body(self) -> list[dict[str, object]]:
        """The error list as the spec shapes it."""
        return [{"code": self.status, "description": p.description} for p in self.problems]


def _from_problem(problem: Problem) -> Open311Problem:
    return Open311Problem(problem.code, problem.message_en, problem.message_th)


def not_found(what_en: str, what_th: str, value: str, code: str) -> Open311Error:
    """404 for an unknown service, request or token."""
    return Open311Error.one(
        404, code, f"No {what_en} {value!r} was found.", f"ไม่พบ {what_th} {value!r}"
    )
