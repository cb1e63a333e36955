"""Sensible default rules inferred from a column profile and the dataset's update frequency.

The defaults describe what the data already promises, never a snapshot of today's values:

* ``not_blank`` (text) or ``not_null`` for a column with no missing values;
* ``unique`` for a column whose values are all distinct, when it looks like a key (its name says
  id/code/รหัส/เลข…, or it holds citizen IDs) — a column of distinct amounts is not a key;
* ``in_set`` for a small code list (at most 20 values, each seen several times, all listed in
  the profile's top values);
* ``thai_citizen_id`` where the profile saw citizen-ID-like values, ``geocode`` where it
  recognised province/district/subdistrict codes or names;
* ``range`` with ``min: 0`` for a numeric column with no negative value — counts and amounts
  cannot go below zero, but last year's maximum says nothing about next year's;
* ``freshness`` from ``update_frequency_unit``/``_interval`` (e.g. yearly → 366 days).
"""

from __future__ import annotations

import re
from typing import Any

from ddgov.governance.quality.rules import Rule

MAX_DOMAIN = 20
MIN_REPEATS = 3
FREQUENCY_DAYS = {
    "real_time": 1,
    "daily": 1,
    "weekly": 7,
    "monthly": 31,
    "quarterly": 92,
    "half_yearly": 183,
    "yearly": 366,
}
_KEY_NAME = re.compile(
    r"(^|[_\s\-])(id|code|no|number|key|pid|uuid)$|^(id|code)([_\s\-]|$)|รหัส|เลขที่|เลขประจำตัว|หมายเลข",
    re.IGNORECASE,
)
_NUMERIC = {"integer", "number"}
ROW_ID = "_id"


def max_age_days(unit: str, interval: int | None) -> float | None:
    """Days a dataset may go without a new version, from its declared update frequency."""
    days = FREQUENCY_DAYS.get(unit or "")
    if days is None:
        return None
    return float(days * max(1, interval or 1))


def _looks_like_key(column: dict[str, Any]) -> bool:
    thai = column.get("thai") or {}
    if thai.get("citizen_id_like"):
        return True
    if column.get("type") not in {"string", "integer"}:
        return False
    return bool(_KEY_NAME.search(str(column.get("name", ""))))


def _column_rules(column: dict[str, Any], rows: int, resource: str) -> list[Rule]:
    name = str(column["name"])
    kind = column.get("type")
    nulls = int(column.get("nulls") or 0)
    distinct = int(column.get("distinct") or 0)
    thai = column.get("thai") or {}
    found: list[Rule] = []

    def add(check: str, dimension: str, **params: Any) -> None:
        found.append(
            Rule(
                id=f"{check}-{name}",
                check=check,
                dimension=dimension,
                columns=(name,),
                params=params,
                resource=resource,
            )
        )

    if nulls == 0:
        blanks = int(column.get("blanks") or 0)
        add("not_blank" if kind == "string" and blanks == 0 else "not_null", "completeness")
    if nulls == 0 and distinct == rows and rows > 1 and _looks_like_key(column):
        add("unique", "uniqueness")
    if thai.get("citizen_id_like"):
        add("thai_citizen_id", "validity")
    elif thai.get("admin_level") and thai.get("admin_kind") in {"code", "name"}:
        add("geocode", "validity", level=thai["admin_level"], kind=thai["admin_kind"])
    elif _small_domain(column, rows):
        values = [t["value"] for t in column.get("top_values") or [] if t.get("value") is not None]
        add("in_set", "validity", values=values)
    if kind in _NUMERIC and _non_negative(column.get("min")) and not thai.get("buddhist_era"):
        add("range", "validity", min=0)
    return found


def _small_domain(column: dict[str, Any], rows: int) -> bool:
    distinct = int(column.get("distinct") or 0)
    top = [t for t in column.get("top_values") or [] if t.get("value") is not None]
    return (
        column.get("type") in {"string", "integer"}
        and 1 < distinct <= MAX_DOMAIN
        and rows >= distinct * MIN_REPEATS
        and len(top) == distinct
        and not _looks_like_key(column)
    )


def _non_negative(value: Any) -> bool:
    try:
        return float(value) >= 0
    except (TypeError, ValueError):
        return False


def rules_infer(
    profile: dict[str, Any] | None,
    *,
    resource: str = "",
    frequency_unit: str = "",
    frequency_interval: int | None = None,
) -> list[Rule]:
    """Default rules for one resource from its profile (see the module doc); ``[]`` for none."""
    rules: list[Rule] = []
    rows = int((profile or {}).get("row_count") or 0)
    if rows > 0:
        for column in (profile or {}).get("columns") or []:
            if column.get("name") and column["name"] != ROW_ID:
                rules.extend(_column_rules(column, rows, resource))
    age = max_age_days(frequency_unit, frequency_interval)
    if age is not None:
        rules.append(
            Rule(
                id="freshness",
                check="freshness",
                dimension="timeliness",
                columns=(),
                params={"max_age_days": age},
                resource=resource,
            )
        )
    return rules
