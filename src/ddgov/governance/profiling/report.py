"""A profile (``Profile.data``) as plain text for the terminal (``ddgov profile --format text``)."""

from __future__ import annotations

from typing import Any


def _num(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _thai(thai: dict[str, Any]) -> str:
    found = []
    if thai.get("admin_level"):
        found.append(f"{thai['admin_level']} {thai['admin_kind']}s {thai['admin_match_pct']}%")
    if thai.get("citizen_id_like"):
        found.append(f"citizen IDs {thai['citizen_id_like']:,} ({thai['citizen_id_pct']}%)")
    if thai.get("buddhist_era"):
        found.append(f"BE {thai['buddhist_era']:,}")
    if thai.get("thai_digits"):
        found.append(f"Thai digits {thai['thai_digits']:,}")
    if thai.get("thai_digits_converted"):
        found.append("Thai digits (converted)")
    return "; ".join(found)


def profile_text(data: dict[str, Any]) -> str:
    """Rows, then per column: type, empty share, distinct, range, top values, patterns, Thai."""
    lines = [
        f"rows: {data.get('row_count', 0):,}"
        + (
            f" (top values/patterns from a {data['sample_rows']:,}-row sample)"
            if data.get("sampled")
            else ""
        )
    ]
    for c in data.get("columns", []):
        approx = "≈" if c.get("distinct_approx") else ""
        lines.append("")
        lines.append(f"{c['name']}  [{c['type']}, {c['duckdb_type']}]")
        lines.append(
            f"  empty {c['null_pct']}% ({c['nulls']:,} null, {c['blanks']:,} blank)"
            f"  distinct {approx}{c['distinct']:,}  min {_num(c['min'])}  max {_num(c['max'])}"
        )
        if c.get("min_length") is not None:
            lines.append(f"  length {c['min_length']}-{c['max_length']}")
        if c.get("mean") is not None:
            lines.append(f"  mean {_num(c['mean'])}  s.d. {_num(c['stddev'])}")
        if c.get("top_values"):
            top = ", ".join(f"{_num(t['value'])} ({t['count']:,})" for t in c["top_values"][:5])
            lines.append(f"  top: {top}")
        if c.get("patterns"):
            shapes = ", ".join(f"{p['pattern']} ({p['count']:,})" for p in c["patterns"])
            lines.append(f"  patterns: {shapes}")
        thai = _thai(c.get("thai") or {})
        if thai:
            lines.append(f"  Thai: {thai}")
    return "\n".join(lines)
