"""Run the quality benchmark's eleven checks with Soda Core (SodaCL) on DuckDB.

Reads ``{"path", "threads", "provinces", "now"}`` as JSON on stdin, opens an in-memory DuckDB
connection with a view ``t`` over the Parquet file and runs one Soda scan. Built-in SodaCL
metrics are used where Soda has them (missing, duplicate, invalid with valid values/min/regex,
freshness); the three checks Soda has no metric for (Thai citizen ID check digit, total = male +
female, end >= start) are user-defined metric expressions, which Soda folds into the same
aggregate query. Prints ``{"tool", "version", "seconds", "failed": {rule id: count}, "fresh"}``.

Soda's anonymous usage statistics (sent over the network) are switched off before the scan.
"""

from __future__ import annotations

import json
import sys
import time

_SUM = " + ".join(f"CAST(citizen_id[{i + 1}] AS INTEGER) * {13 - i}" for i in range(12))
# Rule id -> (SodaCL check line, its configuration or None, the metric whose value is the count).
# ``missing regex`` makes blanks count as missing, so missing_count = NULL or blank, as in ddgov.
CHECKS = """
checks for t:
  - missing_count(name) = 0:
      name: name-present
  - missing_count(name) = 0:
      name: name-not-blank
      missing regex: '^\\s*$'
  - duplicate_count(_id) = 0:
      name: row-key
  - bad_citizen_ids = 0:
      name: citizen-id
      bad_citizen_ids expression: >-
        count_if(citizen_id IS NOT NULL AND NOT (regexp_full_match(citizen_id, '[1-8][0-9]{{12}}')
        AND (11 - ({sum}) % 11) % 10 = CAST(citizen_id[13] AS INTEGER)))
  - invalid_count(province_code) = 0:
      name: province
      valid values: {provinces}
  - invalid_count(category) = 0:
      name: category
      valid values: ['A', 'B', 'C', 'D']
  - invalid_count(amount) = 0:
      name: amount
      valid min: 0
  - invalid_count(case_code) = 0:
      name: code-format
      valid regex: '^[A-Z]{{2}}-[0-9]{{6}}$'
  - bad_totals = 0:
      name: total
      bad_totals expression: count_if(total <> male + female)
  - bad_dates = 0:
      name: dates
      bad_dates expression: count_if(end_date < start_date)
  - freshness(recorded_on) < 31d:
      name: fresh
"""


def main() -> None:
    job = json.loads(sys.stdin.read())
    import duckdb  # noqa: PLC0415
    from soda.common.config_helper import ConfigHelper  # noqa: PLC0415

    # No telemetry: the benchmark runs without network.
    ConfigHelper.send_anonymous_usage_stats = property(lambda _self: False)  # type: ignore[method-assign,assignment]
    from soda.scan import Scan  # noqa: PLC0415

    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"SET threads = {int(job['threads'])}")
    # A view takes no parameters: the path goes in as a quoted literal.
    quoted = job["path"].replace("'", "''")
    con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{quoted}')")  # noqa: S608
    scan = Scan()
    scan.set_data_source_name("bench")
    scan.add_duckdb_connection(con, data_source_name="bench")
    scan.add_variables({"NOW": job["now"]})
    provinces = "[" + ", ".join(f"'{code}'" for code in job["provinces"]) + "]"
    scan.add_sodacl_yaml_str(CHECKS.format(sum=_SUM, provinces=provinces))
    scan.execute()
    seconds = time.perf_counter() - started
    failed: dict[str, int] = {}
    fresh = None
    for check in scan.get_scan_results()["checks"]:
        if check["name"] == "fresh":
            fresh = check["outcome"] == "pass"
        else:
            failed[check["name"]] = int(check["diagnostics"]["value"])
    errors = [log for log in scan.get_scan_results()["logs"] if log["level"] == "ERROR"]
    from importlib.metadata import version  # noqa: PLC0415

    print(
        json.dumps(
            {
                "tool": "soda",
                "version": version("soda-core-duckdb"),
                "seconds": seconds,
                "failed": failed,
                "fresh": fresh,
                "errors": [e["message"] for e in errors][:5],
            }
        )
    )


if __name__ == "__main__":
    main()
