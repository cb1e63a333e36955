"""Digit runs as people write them, and the words before them.

Citizen IDs, phone numbers and bank accounts are all digits grouped by spaces or dashes, often glued
to Thai words (``โทร0812345678ครับ``). A *chunk* is a run of digit groups joined by single
separators; a *window* is a run of whole groups inside it. Detectors try windows, never cut a
group in two, so ``2566 1234567890121`` yields the 13-digit window but ``12345678901234`` none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# A space, a dash (ASCII or Unicode), a dot or a zero-width space between digit groups; a dash may
# have a space on each side ("081 - 234 5678").
_CHUNK = re.compile(r"\d+(?:(?:[ \u00a0]?[-\u2010-\u2015.][ \u00a0]?|[ \u00a0\u200b])\d+)*")
_GROUP = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Window:
    """Whole digit groups ``groups`` of a chunk: ``start``/``end`` into the text, ``digits`` joined."""

    start: int
    end: int
    digits: str
    groups: tuple[int, ...]

    @property
    def shape(self) -> str:
        """The group lengths, e.g. ``3-1-5-1`` for a bank account ``123-4-56789-0``."""
        return "-".join(str(n) for n in self.groups)


def digit_chunks(norm: str) -> Iterator[list[tuple[int, int]]]:
    """Yield each chunk of ``norm`` (ASCII digits) as its groups' (start, end) offsets."""
    for chunk in _CHUNK.finditer(norm):
        yield [
            (g.start() + chunk.start(), g.end() + chunk.start())
            for g in _GROUP.finditer(chunk.group())
        ]


def windows(
    norm: str, groups: list[tuple[int, int]], sizes: range | tuple[int, ...]
) -> Iterator[Window]:
    """Yield the windows of ``groups`` whose digit count is in ``sizes``, leftmost and shortest first."""
    for i in range(len(groups)):
        digits = ""
        lengths: list[int] = []
        for j in range(i, len(groups)):
            start, end = groups[j]
            digits += norm[start:end]
            lengths.append(end - start)
            if len(digits) > max(sizes):
                break
            if len(digits) in sizes:
                yield Window(groups[i][0], end, digits, tuple(lengths))


def nearest_keyword(
    norm: str, start: int, patterns: dict[str, re.Pattern[str]], reach: int = 40
) -> str | None:
    """Return which keyword class appears nearest before ``start`` (within ``reach`` characters).

    ``patterns`` maps a class name (``"bank"``, ``"phone"`` …) to a compiled pattern; the class whose
    last match ends closest to ``start`` wins, so in ``บัญชี … โทร 08…`` the phone word decides.
    """
    lo = max(0, start - reach)
    before = norm[lo:start]
    best: tuple[int, str] | None = None
    for name, pattern in patterns.items():
        for match in pattern.finditer(before):
            if best is None or match.end() > best[0]:
                best = (match.end(), name)
    return best[1] if best else None
