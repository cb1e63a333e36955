"""Why a complaint or an action on it was refused: field, stable code, Thai and English message.

Every channel shows the same problems: the web forms next to the field, Open311 as its
``[{"code", "description"}]`` error list, the CSV import per row. The codes are stable (Open311
clients and outside checks may match them); the messages are for people.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import get_language


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a submission or action."""

    field: str
    code: str
    message_en: str
    message_th: str

    @property
    def message(self) -> str:
        """The message in the active language (Thai unless English is active)."""
        return self.message_en if (get_language() or "th").startswith("en") else self.message_th

    def as_dict(self) -> dict[str, str]:
        """A JSON-ready form with both languages."""
        return {
            "field": self.field,
            "code": self.code,
            "message": self.message_en,
            "message_th": self.message_th,
        }


class ComplaintError(Exception):
    """A submission or workflow action was refused; nothing was written."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.field}: {p.message_en}" for p in self.problems))

    @classmethod
    def one(cls, field: str, code: str, message_en: str, message_th: str) -> ComplaintError:
        """An error with a single problem."""
        return cls([Problem(field, code, message_en, message_th)])

    def for_field(self, field: str) -> list[Problem]:
        """The problems about ``field``."""
        return [p for p in self.problems if p.field == field]
