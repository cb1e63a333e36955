"""The short bilingual reason shown beside a suggested duplicate.

For example ``ห่าง 80 ม. · ข้อความคล้ายกัน 72% · หมวดเดียวกัน · 2 วันก่อน`` and
``80 m away · text 72% similar · same category · 2 days ago``. Both languages are built here
as data (like the API's ``message``/``message_th`` pair), so the engine needs no active Django
language and a view can show either.
"""

from __future__ import annotations

from dataclasses import dataclass

CATEGORY_WORDS = {
    "same": ("หมวดเดียวกัน", "same category"),
    "related": ("หมวดใกล้เคียง", "related category"),
    "different": ("ต่างหมวด", "different category"),
}


@dataclass(frozen=True)
class Reason:
    """A reason in Thai and in English."""

    th: str
    en: str


def _distance(metres: float) -> tuple[str, str]:
    if metres < 10:
        return "ห่างไม่ถึง 10 ม.", "under 10 m away"
    if metres < 1000:
        rounded = int(round(metres, -1))
        return f"ห่าง {rounded:,} ม.", f"{rounded:,} m away"
    km = f"{metres / 1000:.1f}"
    return f"ห่าง {km} กม.", f"{km} km away"


def _age(seconds: float) -> tuple[str, str]:
    if seconds < 60:
        return "เมื่อสักครู่", "just now"
    for size, th, en in ((86400, "วัน", "day"), (3600, "ชั่วโมง", "hour"), (60, "นาที", "minute")):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {th}ก่อน", f"{count} {en}{'s' if count != 1 else ''} ago"
    return "เมื่อสักครู่", "just now"  # pragma: no cover - the loop always returns


def reason_build(
    *, distance_m: float, text_similarity: float, category: str, age_s: float
) -> Reason:
    """Join distance, text similarity, category match and age into one line per language.

    ``category`` is ``same``, ``related``, ``different`` or ``unknown`` (left out of the line);
    ``age_s`` is how long before the new complaint the stored one was filed (negative values,
    from clock skew, read as "just now").
    """
    percent = round(100 * text_similarity)
    parts = [
        _distance(distance_m),
        (f"ข้อความคล้ายกัน {percent}%", f"text {percent}% similar")
        if percent >= 10
        else ("ข้อความต่างกัน", "different text"),
    ]
    if category in CATEGORY_WORDS:
        parts.append(CATEGORY_WORDS[category])
    parts.append(_age(max(0.0, age_s)))
    return Reason(th=" · ".join(p[0] for p in parts), en=" · ".join(p[1] for p in parts))
