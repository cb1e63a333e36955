"""Every threshold and weight of the duplicate screen, in one frozen dataclass.

The defaults were chosen on the labelled Traffy pairs in ``evalset/`` (see
:func:`ddgov.complaints.duplicates.evaluation.duplicates_evaluate`): F1 is flat (within 0.01)
over a wide band of weights, so round values from the middle of that band were taken, and a
two-fold split (tune the threshold on one half, measure on the other) gave the same threshold
and F1 on both halves. The radius (500 m) and the age limit (a year) are policy, not tuned:
the labelled pairs are all within days. Change them by passing a
``DuplicateSettings(...)`` to the index, e.g. ``dataclasses.replace(DEFAULT_SETTINGS, radius_m=250)``.
Category names default to Traffy Fondue's Thai labels (ถนน, ทางเท้า, แสงสว่าง, …); any other
codes work too, they are compared as plain strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

# Traffy labels that name the same thing (waiting-queue names → 2023 export names).
CATEGORY_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "ไฟฟ้า": "แสงสว่าง",
        "คนเร่ร่อน": "คนจรจัด",
        "สัตว์": "สัตว์จรจัด",
        "เสียง": "เสียงรบกวน",
        "ฝุ่นควัน&กลิ่น&PM2.5": "PM2.5",
        "ผิดกฎจราจร": "จราจร",
        "หาบเร่แผงลอย": "กีดขวาง",
        "สายสื่อสาร": "สายไฟ",
        "ขยะ": "ความสะอาด",
        "ควันไฟ - ฝุ่นละออง": "PM2.5",
        "ป้ายจราจร": "ป้าย",
    }
)
# Categories that say what kind of report it is, not what the problem is.
CATEGORY_IGNORE = frozenset(
    {"ร้องเรียน", "สอบถาม", "เสนอแนะ", "อื่นๆ", "ทุจริต", "กรุงเทพโปร่งใส", "ขอความช่วยเหลือ", "ขอใช้บริการ"}
)
# Groups of categories whose complaints are often about one problem filed under either label.
CATEGORY_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"ถนน", "ทางเท้า", "สะพาน", "อุปกรณ์ชำรุด"}),
    frozenset({"ท่อระบายน้ำ", "น้ำท่วม", "คลอง"}),
    frozenset({"แสงสว่าง", "สายไฟ", "ความปลอดภัย", "จุดเสี่ยง"}),
    frozenset({"ความสะอาด", "PM2.5", "เสียงรบกวน", "เผาในที่โล่ง"}),
    frozenset({"กีดขวาง", "ทางเท้า", "จราจร", "ป้าย", "แท็กซี่/รถเมล์"}),
    frozenset({"คนจรจัด", "สัตว์จรจัด", "ความสะอาด"}),
    frozenset({"ต้นไม้", "สายไฟ", "ถนน", "ทางเท้า"}),
    frozenset({"อาคารสถานที่ชำรุด", "เสียงรบกวน", "PM2.5"}),
    frozenset({"อุบัติเหตุ", "ความปลอดภัย", "จุดเสี่ยง", "ถนน"}),
    frozenset({"ประปา", "ท่อระบายน้ำ"}),
    frozenset({"สถานบันเทิง", "เสียงรบกวน"}),
)


@dataclass(frozen=True)
class DuplicateSettings:
    """How far, how old and how similar a stored complaint may be to count as a likely duplicate.

    Gates (a stored complaint outside them is never a candidate): ``radius_m`` around the new
    complaint and ``max_age_days`` before it (``future_tolerance_s`` after it, for clock skew).
    Inside the gates each component scores 0..1 and the weighted sum is the score:

    * text — TF-IDF cosine over PyThaiNLP ``newmm`` words (stop words dropped, civic spellings
      folded, IDF over the stored complaints; ``word_pairs`` adds neighbouring word pairs,
      which scored worse on the labelled pairs);
    * distance — halves every ``half_distance_m``;
    * category — 1 same, ``category_related`` for a related group, 0 different,
      ``category_unknown`` when either side has none;
    * time — halves every ``half_life_days``.

    ``threshold`` is the score from which ``find`` reports a complaint as a likely duplicate.
    ``segmenter`` is the PyThaiNLP word-tokenizer engine (``"whitespace"`` turns segmentation
    off, for comparison only); ``grid_cell_m`` sizes the spatial grid (speed only).
    """

    radius_m: float = 500.0
    max_age_days: float = 365.0
    future_tolerance_s: float = 3600.0
    half_distance_m: float = 150.0
    half_life_days: float = 30.0
    weight_text: float = 0.65
    weight_distance: float = 0.2
    weight_category: float = 0.05
    weight_time: float = 0.1
    threshold: float = 0.55
    category_related: float = 0.5
    category_unknown: float = 0.5
    max_text_chars: int = 1000
    word_pairs: bool = False
    segmenter: str = "newmm"
    grid_cell_m: float = 250.0
    category_aliases: Mapping[str, str] = field(default_factory=lambda: CATEGORY_ALIASES)
    category_ignore: frozenset[str] = CATEGORY_IGNORE
    category_groups: tuple[frozenset[str], ...] = CATEGORY_GROUPS

    def __post_init__(self) -> None:
        """Reject settings that cannot work (negative radius, weights not summing to one)."""
        if self.radius_m <= 0 or self.max_age_days <= 0 or self.grid_cell_m <= 0:
            msg = "radius_m, max_age_days and grid_cell_m must be positive"
            raise ValueError(msg)
        if self.half_distance_m <= 0 or self.half_life_days <= 0 or self.max_text_chars <= 0:
            msg = "half_distance_m, half_life_days and max_text_chars must be positive"
            raise ValueError(msg)
        weights = (self.weight_text, self.weight_distance, self.weight_category, self.weight_time)
        if min(weights) < 0 or abs(sum(weights) - 1.0) > 1e-6:
            msg = f"weights must be >= 0 and sum to 1 (got {sum(weights):.3f})"
            raise ValueError(msg)


DEFAULT_SETTINGS = DuplicateSettings()
