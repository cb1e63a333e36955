# ruff: noqa: S608 - SQL is built from quoted identifiers and our own constants only
"""The risk report of a release, measured on the written rows (not trusted from the search).

Keys (a stable interface, documented in ``docs/governance-anonymize.md``): ``rows_in``,
``rows_out``, ``suppressed_rows``, ``suppressed_share``, ``k``/``l``/``t`` (requested and
``achieved``), ``quasi_identifiers`` (per column: hierarchy, level, information loss),
``risk.before``/``risk.after`` (unique share, prosecutor, journalist, marketer risk),
``information_loss`` (LM per column and overall, discernibility), ``columns`` (what happened to
every column), ``redactions``, ``search`` and ``timing``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ddgov.governance.anonymize.hierarchies import quote

if TYPE_CHECKING:
    from ddgov.governance.anonymize.engine import Context
    from ddgov.governance.anonymize.search import Outcome


def _one(ctx: Context, sql: str) -> tuple[Any, ...]:
    row = ctx.con.execute(sql).fetchone()
    return tuple(row) if row is not None else ()


def _risk(ctx: Context, class_sizes_sql: str, rows: int) -> dict[str, Any]:
    """Risk figures from a query returning one ``size`` per equivalence class."""
    classes, smallest, uniques = _one(
        ctx,
        f"SELECT count(*), min(size), coalesce(sum(size) FILTER (WHERE size = 1), 0) "
        f"FROM ({class_sizes_sql})",
    )
    if not rows or not classes:
        return {"classes": 0, "unique_share": 0.0, "prosecutor_max": 0.0, "prosecutor_avg": 0.0}
    return {
        "classes": int(classes),
        "smallest_class": int(smallest),
        "unique_share": round(int(uniques) / rows, 6),
        "prosecutor_max": round(1 / int(smallest), 6),
        "prosecutor_avg": round(int(classes) / rows, 6),
    }


def _t_achieved(ctx: Context, quasi: str) -> float | None:
    """Largest equal-distance EMD between a class's and the release's sensitive distribution."""
    if not ctx.spec.sensitive:
        return None
    worst = 0.0
    for column in ctx.spec.sensitive:
        s = quote(column)
        row = _one(
            ctx,
            f"""WITH total AS (SELECT count(*)::DOUBLE AS n FROM released),
            gd AS (SELECT {s} AS s, count(*) / (SELECT n FROM total) AS p FROM released GROUP BY 1),
            c0 AS (SELECT {quasi}, {s} AS s, count(*) AS c FROM released GROUP BY {quasi}, {s}),
            cs AS (SELECT *, sum(c) OVER (PARTITION BY {quasi}) AS sz FROM c0)
            SELECT max(d) FROM (
                SELECT 0.5 * (1 + sum(abs(c / sz - gd.p) - gd.p)) AS d
                FROM cs JOIN gd ON gd.s IS NOT DISTINCT FROM cs.s GROUP BY {quasi})""",
        )
        if row and row[0] is not None:
            worst = max(worst, float(row[0]))
    return round(worst, 6)


def report_build(
    *,
    ctx: Context,
    outcome: Outcome,
    plan: dict[str, str],
    redactions: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """Measure the release in table ``released`` and the source in ``base``."""
    spec, rows = ctx.spec, ctx.rows
    node = outcome.node
    quasi = ", ".join(quote(c) for c in spec.quasi)
    rows_out = int(_one(ctx, "SELECT count(*) FROM released")[0])
    suppressed = rows - rows_out
    bottom = ", ".join(f"q{i}_0" for i in range(len(spec.quasi)))
    before = _risk(ctx, f"SELECT sum(n) AS size FROM base GROUP BY {bottom}", rows)
    after_sql = f"SELECT count(*) AS size FROM released GROUP BY {quasi}"
    after = _risk(ctx, after_sql, rows_out)
    # The source is the population an attacker matches against: F_j = source rows in class j.
    keys = ", ".join(ctx.codes(node))
    pop = _one(
        ctx,
        f"""SELECT min(p.size), sum(k.size / p.size) FROM
            (SELECT {keys}, sum(n) AS size FROM base JOIN keep USING ({keys}) GROUP BY ALL) k
            JOIN (SELECT {keys}, sum(n) AS size FROM base GROUP BY ALL) p USING ({keys})""",
    )
    if pop and pop[0]:
        after["journalist_max"] = round(1 / int(pop[0]), 6)
        after["marketer"] = round(float(pop[1]) / rows_out, 6) if rows_out else 0.0
    before["journalist_max"] = before["prosecutor_max"]
    before["marketer"] = before["prosecutor_avg"]
    k_achieved = after.get("smallest_class", 0)
    l_achieved = None
    if spec.sensitive:
        l_parts = ", ".join(
            f"count(DISTINCT {quote(s)}) AS d{j}" for j, s in enumerate(spec.sensitive)
        )
        mins = ", ".join(f"min(d{j})" for j in range(len(spec.sensitive)))
        row = _one(
            ctx, f"SELECT least({mins}) FROM (SELECT {l_parts} FROM released GROUP BY {quasi})"
        )
        l_achieved = int(row[0]) if row and row[0] is not None else 0
    columns_loss: dict[str, float] = {}
    quasi_report = []
    for i, (column, built) in enumerate(zip(spec.quasi, ctx.built, strict=True)):
        level = node[i]
        domain = int(_one(ctx, f"SELECT count(DISTINCT q{i}_0) FROM base")[0])
        kept_loss = 0.0
        if domain > 1:
            value = _one(
                ctx,
                f"""SELECT sum(b.n * (lv.leaves - 1)) FROM base b JOIN keep USING ({keys})
                JOIN (SELECT q{i}_{level} AS g, count(DISTINCT q{i}_0) AS leaves
                      FROM base GROUP BY 1) lv ON lv.g = b.q{i}_{level}""",
            )[0]
            kept_loss = float(value or 0) / (domain - 1)
        loss = (kept_loss + suppressed) / rows if rows else 0.0
        columns_loss[column] = round(loss, 6)
        distinct_after = int(_one(ctx, f"SELECT count(DISTINCT {quote(column)}) FROM released")[0])
        quasi_report.append(
            {
                "column": column,
                "hierarchy": built.name,
                "level": level,
                "max_level": built.levels - 1,
                "level_label": built.labels[level] if level < len(built.labels) else "",
                "distinct_before": domain,
                "distinct_after": distinct_after,
                "information_loss": columns_loss[column],
            }
        )
    discernibility = (
        int(_one(ctx, f"SELECT coalesce(sum(size * size), 0) FROM ({after_sql})")[0])
        + suppressed * rows
    )
    return {
        "rows_in": rows,
        "rows_out": rows_out,
        "suppressed_rows": suppressed,
        "suppressed_share": round(suppressed / rows, 6) if rows else 0.0,
        "max_suppression": spec.max_suppression,
        "k": {"requested": spec.k, "achieved": k_achieved},
        "l": {"requested": spec.l, "achieved": l_achieved},
        "t": {"requested": spec.t, "achieved": _t_achieved(ctx, quasi)},
        "quasi_identifiers": quasi_report,
        "sensitive": list(spec.sensitive),
        "columns": plan,
        "redactions": redactions,
        "risk": {"before": before, "after": after},
        "information_loss": {
            "metric": "LM (Iyengar's loss metric; suppressed rows count as 1)",
            "per_column": columns_loss,
            "overall": round(sum(columns_loss.values()) / len(columns_loss), 6)
            if columns_loss
            else 0.0,
            "discernibility": discernibility,
        },
        "search": {
            "algorithm": "binary search on greedy chains, predictive tagging, LM lower-bound pruning",
            "lattice_nodes": outcome.lattice_size,
            "evaluated_nodes": outcome.evaluated,
            "node": list(node),
            "estimated_loss": round(outcome.loss, 6),
            "best_candidates": outcome.candidates,
        },
        "hierarchies": {c: b.name for c, b in zip(spec.quasi, ctx.built, strict=True)},
    }
