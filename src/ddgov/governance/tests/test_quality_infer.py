"""Default rules inferred from a profile dict (the profiling part's documented shape)."""

from __future__ import annotations

from typing import Any

from ddgov.governance.quality.infer import max_age_days, rules_infer


def column(
    name: str,
    type_: str,
    *,
    rows: int = 100,
    nulls: int = 0,
    blanks: int = 0,
    distinct: int = 50,
    top: list[Any] | None = None,
    minimum: Any = None,
    **thai: Any,
) -> dict[str, Any]:
    return {
        "name": name,
        "type": type_,
        "duckdb_type": "VARCHAR",
        "count": rows - nulls,
        "nulls": nulls,
        "null_pct": 100 * nulls / rows,
        "blanks": blanks,
        "blank_pct": 100 * blanks / rows,
        "distinct": distinct,
        "min": minimum,
        "max": None,
        "top_values": [{"value": v, "count": 10} for v in (top or [])],
        "patterns": [],
        "thai": {
            "buddhist_era": False,
            "thai_digits": False,
            "admin_level": None,
            "admin_kind": None,
            "admin_match_pct": 0,
            "citizen_id_like": False,
            "citizen_id_pct": 0,
            **thai,
        },
    }


PROFILE = {
    "row_count": 100,
    "columns": [
        column("_id", "integer", distinct=100, minimum=1),
        column("รหัสผู้รับ", "string", distinct=100),
        column("citizen_id", "string", distinct=100, citizen_id_like=True, citizen_id_pct=99.0),
        column(
            "province_code",
            "string",
            distinct=20,
            admin_level="province",
            admin_kind="code",
            admin_match_pct=100,
        ),
        column("gender", "string", distinct=3, top=["ชาย", "หญิง", "ไม่ระบุ"]),
        column("note", "string", nulls=10, blanks=5, distinct=80),
        column("title", "string", blanks=2, distinct=90),
        column("amount", "number", distinct=100, minimum=0),
        column("delta", "number", distinct=100, minimum=-3),
        column(
            "year_be",
            "integer",
            distinct=3,
            minimum=2565,
            top=[2565, 2566, 2567],
            buddhist_era=True,
        ),
    ],
}


def by_id(rules: list[Any]) -> dict[str, Any]:
    return {r.id: r for r in rules}


def test_defaults_from_a_profile() -> None:
    rules = by_id(
        rules_infer(PROFILE, resource="payments", frequency_unit="monthly", frequency_interval=3)
    )
    assert "not_null-_id" not in rules
    assert "unique-_id" not in rules
    assert {"not_blank-รหัสผู้รับ", "unique-รหัสผู้รับ"} <= set(rules)
    assert {"unique-citizen_id", "thai_citizen_id-citizen_id"} <= set(rules)
    assert rules["geocode-province_code"].params == {"level": "province", "kind": "code"}
    assert rules["in_set-gender"].params == {"values": ["ชาย", "หญิง", "ไม่ระบุ"]}
    assert not any(r.endswith("-note") for r in rules)  # has nulls and blanks
    assert "not_null-title" in rules
    assert "not_blank-title" not in rules
    assert rules["range-amount"].params == {"min": 0}
    assert "range-delta" not in rules
    assert "unique-amount" not in rules  # distinct amounts are not a key
    assert "range-year_be" not in rules
    assert rules["freshness"].params == {"max_age_days": 31 * 3}
    assert all(r.resource == "payments" for r in rules.values())
    assert rules["unique-citizen_id"].dimension == "uniqueness"


def test_no_profile_gives_only_freshness_and_no_frequency_gives_none() -> None:
    assert [r.id for r in rules_infer(None, frequency_unit="yearly", frequency_interval=1)] == [
        "freshness"
    ]
    assert rules_infer(None, frequency_unit="no_update") == []
    assert rules_infer({"row_count": 0, "columns": PROFILE["columns"]}) == []


def test_frequency_to_days() -> None:
    assert max_age_days("yearly", 2) == 732
    assert max_age_days("daily", None) == 1
    assert max_age_days("other", 1) is None
    assert max_age_days("", None) is None


def test_a_domain_too_big_or_seen_once_is_no_code_list() -> None:
    wide = column("district", "string", distinct=25, top=[str(i) for i in range(25)])
    rare = column("kind", "string", distinct=3, rows=6, top=["a", "b", "c"])
    partial = column("status", "string", distinct=5, top=["a", "b", "c"])
    rules = rules_infer({"row_count": 100, "columns": [wide, partial]}) + rules_infer(
        {"row_count": 6, "columns": [rare]}
    )
    assert not [r for r in rules if r.check == "in_set"]
