"""Run the quality benchmark's eleven checks with Great Expectations (GX Core 1.x) on DuckDB.

Reads ``{"path", "threads", "provinces", "now"}`` as JSON on stdin. GX has no DuckDB data
source of its own, so this uses its generic SQL data source over SQLAlchemy with the
``duckdb_engine`` dialect: a throw-away DuckDB database file holds only a view ``t`` over the
Parquet file (no copy), so every connection GX opens sees the same table and DuckDB does the work.
Built-in expectations are used where GX has them; the checks it has none for (blank text, Thai
citizen ID check digit, total = male + female, end >= start), and the regular expression (GX's
regex expectations do not support the DuckDB dialect), are ``UnexpectedRowsExpectation``
queries. Prints ``{"tool", "version", "seconds", "failed": {rule id: count}, "fresh"}``.

GX's usage statistics are switched off (``GX_ANALYTICS_ENABLED=false``) before it is imported.

One workaround: GX reads a query's rows only after giving its connection back to the pool, and
duckdb_engine's cursor has no rows left by then (every metric comes back empty). GX keeps one
open connection for SQLite and a few others for a similar reason; DuckDB is added to that list.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

_SUM = " + ".join(f"CAST(citizen_id[{i + 1}] AS INTEGER) * {13 - i}" for i in range(12))
_ROWS = "SELECT * FROM {batch} WHERE "


class _Dialect(str):
    """A dialect name as GX's own dialect enum presents it (compares as text, has ``value``)."""

    __slots__ = ()

    @property
    def value(self) -> str:
        return str(self)


def _suite(gx: object, provinces: list[str], now: dt.datetime) -> list[tuple[str, object]]:
    gxe = gx.expectations  # type: ignore[attr-defined]
    unexpected = gxe.UnexpectedRowsExpectation
    return [
        ("name-present", gxe.ExpectColumnValuesToNotBeNull(column="name")),
        (
            "name-not-blank",
            unexpected(unexpected_rows_query=_ROWS + "name IS NULL OR trim(name) = ''"),
        ),
        ("row-key", gxe.ExpectColumnValuesToBeUnique(column="_id")),
        (
            "citizen-id",
            unexpected(
                unexpected_rows_query=_ROWS
                + "citizen_id IS NOT NULL AND NOT (regexp_full_match(citizen_id, '[1-8][0-9]{{12}}')"
                f" AND (11 - ({_SUM}) % 11) % 10 = CAST(citizen_id[13] AS INTEGER))"
            ),
        ),
        ("province", gxe.ExpectColumnValuesToBeInSet(column="province_code", value_set=provinces)),
        ("category", gxe.ExpectColumnValuesToBeInSet(column="category", value_set=list("ABCD"))),
        ("amount", gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0)),
        # ExpectColumnValuesToMatchRegex: "Regex is not supported for dialect duckdb".
        (
            "code-format",
            unexpected(
                unexpected_rows_query=_ROWS
                + "NOT regexp_full_match(case_code, '[A-Z]{{2}}-[0-9]{{6}}')"
            ),
        ),
        ("total", unexpected(unexpected_rows_query=_ROWS + "total <> male + female")),
        ("dates", unexpected(unexpected_rows_query=_ROWS + "end_date < start_date")),
        (
            "fresh",
            gxe.ExpectColumnMaxToBeBetween(
                column="recorded_on", min_value=(now - dt.timedelta(days=31)).date()
            ),
        ),
    ]


def main() -> None:
    job = json.loads(sys.stdin.read())
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    import duckdb  # noqa: PLC0415
    import great_expectations as gx  # noqa: PLC0415
    from great_expectations.execution_engine import (  # noqa: PLC0415
        sqlalchemy_execution_engine as engine,
    )

    engine._PERSISTED_CONNECTION_DIALECTS = (
        *engine._PERSISTED_CONNECTION_DIALECTS,
        _Dialect("duckdb"),
    )

    with tempfile.TemporaryDirectory() as work:
        db = Path(work) / "bench.duckdb"
        quoted = job["path"].replace("'", "''")
        with duckdb.connect(str(db)) as con:
            con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{quoted}')")  # noqa: S608
        started = time.perf_counter()
        context = gx.get_context(mode="ephemeral")
        source = context.data_sources.add_sql(
            name="bench",
            connection_string=f"duckdb:///{db}",
            kwargs={"connect_args": {"config": {"threads": int(job["threads"])}}},
        )
        asset = source.add_table_asset(name="t", table_name="t")
        batch = asset.add_batch_definition_whole_table("all").get_batch()
        now = dt.datetime.fromisoformat(job["now"])
        failed: dict[str, int] = {}
        fresh = None
        errors: list[str] = []
        suite = gx.ExpectationSuite(name="bench")
        for rule_id, expectation in _suite(gx, job["provinces"], now):
            expectation.meta = {"rule": rule_id}  # type: ignore[attr-defined]
            suite.add_expectation(expectation)
        # One validation of the whole suite, so GX can bundle metrics into shared queries.
        outcome = batch.validate(suite, result_format="BASIC")
        for result in outcome.results:
            rule_id = result.expectation_config.meta["rule"]
            info = result.exception_info
            raised = [v for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
            if info.get("raised_exception") is True or raised:
                message = info.get("exception_message") or raised[0]["exception_message"]
                errors.append(f"{rule_id}: {message}")
                continue
            if rule_id == "fresh":
                fresh = bool(result.success)
            elif "unexpected_count" in result.result:
                failed[rule_id] = int(result.result["unexpected_count"])
            else:
                failed[rule_id] = int(result.result["observed_value"])
        seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "tool": "gx",
                "version": gx.__version__,
                "seconds": seconds,
                "failed": failed,
                "fresh": fresh,
                "errors": errors[:5],
            }
        )
    )


if __name__ == "__main__":
    main()
