"""The routing table (``rules.json``): who is responsible for each complaint category.

Loaded once per process and checked against the classifier's taxonomy, so a category added to
``classify/categories.json`` without a routing rule fails loudly in tests rather than silently
falling back in production.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

RULES_PATH = Path(__file__).with_name("rules.json")
LOCAL = "local"
PROVINCE = "province"
AGENCY = "agency"


@dataclass(frozen=True)
class Target:
    """One place a complaint may go: ``local``, ``province`` or a central ``agency``."""

    kind: str
    agency_code: str = ""
    provinces: frozenset[str] | None = None  # only for these provinces (None = anywhere)
    except_provinces: frozenset[str] = (
        frozenset()
    )  # not for these (then the province must be known)
    needs_province: bool = False


@dataclass(frozen=True)
class Rule:
    """The ordered targets of one category, with an optional why in Thai and English."""

    category: str
    targets: tuple[Target, ...]
    note_th: str = ""
    note_en: str = ""


@dataclass(frozen=True)
class RoutingTable:
    """All category rules and the fallback targets."""

    version: int
    rules: dict[str, Rule]
    fallback: tuple[Target, ...]

    def agency_codes(self) -> set[str]:
        """Every central agency code the table names (each must exist in the directory)."""
        targets = [*self.fallback, *(t for r in self.rules.values() for t in r.targets)]
        return {t.agency_code for t in targets if t.kind == AGENCY}


def _target(raw: Any) -> Target:
    if raw in (LOCAL, PROVINCE):
        return Target(kind=raw)
    if isinstance(raw, dict) and isinstance(raw.get("agency"), str):
        provinces = raw.get("provinces")
        return Target(
            kind=AGENCY,
            agency_code=raw["agency"],
            provinces=frozenset(provinces) if provinces is not None else None,
            except_provinces=frozenset(raw.get("except_provinces", ())),
            needs_province=bool(raw.get("needs_province", False)),
        )
    raise ValueError(f"bad routing target: {raw!r}")


def table_parse(*, data: dict[str, Any]) -> RoutingTable:
    """Build a table from the parsed JSON document (ValueError on a malformed target)."""
    rules = {
        code: Rule(
            category=code,
            targets=tuple(_target(t) for t in body["route"]),
            note_th=body.get("note_th", ""),
            note_en=body.get("note_en", ""),
        )
        for code, body in data["categories"].items()
    }
    return RoutingTable(
        version=int(data["version"]),
        rules=rules,
        fallback=tuple(_target(t) for t in data["fallback"]),
    )


@lru_cache(maxsize=1)
def table_load() -> RoutingTable:
    """The shipped routing table, parsed once per process."""
    return table_parse(data=json.loads(RULES_PATH.read_text(encoding="utf-8")))
