"""The complaint category taxonomy (``categories.json``) and the labelling schemes behind it.

Traffy Fondue changed its labels over the years: until 2023 a ticket carried several topic
labels (ถนน, ทางเท้า, แสงสว่าง …); the 2024 app asks the citizen for one category from a new
list (ผิดกฎจราจร, จุดเสี่ยง, หาบเร่แผงลอย …). Each category here names the raw labels of every
scheme that stand for it, so training data from both eras lands on one set of codes. A scheme
is *exhaustive* when a missing label means "does not apply" (weakly so when it is *single
choice*: the citizen could pick only one); categories a scheme cannot express
(drainage in 2024, street vendors in 2023) are unknown - neither positive nor negative - for its
tickets.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TAXONOMY_PATH = Path(__file__).with_name("categories.json")


@dataclass(frozen=True)
class Category:
    """One complaint category: a stable code and its Thai (as in Traffy) and English names."""

    code: str
    label_th: str
    label_en: str


@dataclass(frozen=True)
class Scheme:
    """A labelling scheme: raw label → category codes, and what a missing label means."""

    name: str
    exhaustive: bool
    single_choice: bool
    label_codes: dict[str, tuple[str, ...]]
    ignored: frozenset[str]

    @property
    def covered(self) -> frozenset[str]:
        """Codes this scheme can express (its negatives are meaningful only for these)."""
        return frozenset(code for codes in self.label_codes.values() for code in codes)


@dataclass(frozen=True)
class Taxonomy:
    """All categories in their canonical order, and the labelling schemes."""

    version: int
    categories: tuple[Category, ...]
    schemes: dict[str, Scheme]

    def get(self, code: str) -> Category:
        """The category with this code (KeyError for an unknown code)."""
        for category in self.categories:
            if category.code == code:
                return category
        raise KeyError(code)

    def codes_for(self, *, scheme: str, labels: Iterable[str]) -> tuple[set[str], set[str]]:
        """Category codes of raw labels in a scheme, and the labels the taxonomy does not know.

        Ignored labels (request types such as ร้องเรียน, or อื่นๆ) map to nothing and are not
        reported as unknown.
        """
        info = self.schemes[scheme]
        codes: set[str] = set()
        unknown: set[str] = set()
        for raw in labels:
            label = raw.strip()
            if not label or label in info.ignored:
                continue
            if label in info.label_codes:
                codes.update(info.label_codes[label])
            else:
                unknown.add(label)
        return codes, unknown


@lru_cache(maxsize=1)
def taxonomy_load() -> Taxonomy:
    """The shipped taxonomy (read once)."""
    raw = json.loads(TAXONOMY_PATH.read_text(encoding="utf-8"))
    categories = tuple(
        Category(code=c["code"], label_th=c["label_th"], label_en=c["label_en"])
        for c in raw["categories"]
    )
    schemes: dict[str, Scheme] = {}
    for name, info in raw["schemes"].items():
        label_codes: dict[str, list[str]] = {}
        for entry in raw["categories"]:
            for label in entry["labels"].get(name, []):
                label_codes.setdefault(label, []).append(entry["code"])
        schemes[name] = Scheme(
            name=name,
            exhaustive=bool(info["exhaustive"]),
            single_choice=bool(info.get("single_choice", False)),
            label_codes={label: tuple(codes) for label, codes in label_codes.items()},
            ignored=frozenset(info["ignored"]),
        )
    return Taxonomy(version=int(raw["version"]), categories=categories, schemes=schemes)
