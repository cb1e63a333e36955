"""Quality checks give the same results on DuckDB and on Spark (issue #5: through the engine layer).

One table exercises every rule kind, each with some failing rows; the rules run on both engines
and every rule's ``rows``, ``failed``, ``share``, ``passed`` (and freshness' detail) must be
equal. Spark's samples may be other failing rows than DuckDB's, but failing ones: each is checked
against the full list of failing rows, computed by DuckDB with an unbounded sample.

Marked ``spark`` where a JVM is needed (skip locally with ``--no-spark``); the rendering tests
run without one.
"""

# ruff: noqa: S608 - the tests write SQL over their own temporary tables

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ddgov.catalog.tests.factories import DatasetFactory, ResourceFactory
from ddgov.governance.quality import compile as quality_compile
from ddgov.governance.quality.engine import (
    Context,
    QualityEngineError,
    connection,
    quality_execute,
    table_describe,
    table_problems,
)
from ddgov.governance.quality.rules import rules_parse
from ddgov.governance.quality.services import QualityError, quality_run, ruleset_save
from ddgov.governance.quality.spark import inline_params, spark_sql
from ddgov.governance.tests.quality_support import write_version
from ddgov.identity.models import Role
from ddgov.identity.tests.factories import MembershipFactory
from ddgov.identity.thaiid import thai_id_check_digit

NOW = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
VALID_ID = "110370226844" + str(thai_id_check_digit("110370226844"))
WRONG_ID = VALID_ID[:-1] + str((int(VALID_ID[-1]) + 1) % 10)
THAI_DIGITS = VALID_ID.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))

RULES: list[dict[str, Any]] = [
    {"id": "name-not-null", "check": "not_null", "column": "name"},
    {"id": "name-not-blank", "check": "not_blank", "column": "name"},
    {"id": "count-int", "check": "type", "column": "count_text", "type": "integer"},
    {"id": "when-date", "check": "type", "column": "when_text", "type": "date"},
    {"id": "cat-in", "check": "in_set", "column": "category", "values": [0, 1, 2]},
    {"id": "gender-in", "check": "in_set", "column": "gender", "values": ["ชาย", "หญิง", "a?b"]},
    {"id": "amount-range", "check": "range", "column": "amount", "min": 0, "max": 250.5},
    {
        "id": "start-range",
        "check": "range",
        "column": "start_date",
        "min": "2025-01-03",
        "max": "2025-01-25",
    },
    {"id": "code-regex", "check": "regex", "column": "case_code", "pattern": r"[A-Z]{2}-\d{3}"},
    {"id": "name-length", "check": "length", "column": "name", "min": 6, "max": 7},
    {"id": "pid-text", "check": "thai_citizen_id", "column": "pid"},
    {"id": "pid-int", "check": "thai_citizen_id", "column": "pid_number"},
    {"id": "prov-code", "check": "geocode", "column": "province_code", "level": "province"},
    {
        "id": "prov-name",
        "check": "geocode",
        "column": "province_name",
        "level": "province",
        "kind": "name",
    },
    {
        "id": "total-sum",
        "check": "compare",
        "column": "total",
        "op": "=",
        "other": ["male", "female"],
    },
    {"id": "dates", "check": "compare", "column": "end_date", "op": ">=", "other": "start_date"},
    {"id": "male-max", "check": "compare", "column": "male", "op": "<", "value": 25},
    {
        "id": "ref",
        "check": "reference",
        "column": "facility",
        "to": {"resource": "facilities", "column": "code"},
    },
    {
        "id": "ref-cast",
        "check": "reference",
        "column": "category",
        "to": {"resource": "facilities", "column": "code"},
    },
    {"id": "uniq-int", "check": "unique", "column": "dup_key"},
    {"id": "uniq-text", "check": "unique", "column": "case_code"},
    {"id": "uniq-pair", "check": "unique", "columns": ["category", "gender"]},
    {"id": "fresh-date", "check": "freshness", "column": "end_date", "max_age_days": 100},
    {"id": "fresh-ts", "check": "freshness", "column": "seen_at", "max_age_days": 20},
    {"id": "fresh-version", "check": "freshness", "max_age_days": 10},
]

KINDS = {
    "not_null",
    "not_blank",
    "type",
    "in_set",
    "range",
    "regex",
    "length",
    "thai_citizen_id",
    "geocode",
    "compare",
    "reference",
    "unique",
    "freshness",
}


@pytest.fixture
def tables(tmp_path: Path) -> tuple[Path, Path]:
    """30 rows with defects for every rule of :data:`RULES`, and a referenced table."""
    main, facilities = tmp_path / "t.parquet", tmp_path / "facilities.parquet"
    duckdb.sql(f"""
        COPY (
          SELECT range + 1 AS _id,
                 CASE WHEN range IN (3, 7) THEN NULL WHEN range = 5 THEN '  ' ELSE 'name ' || range END AS name,
                 range % 4 AS category,
                 (['ชาย', 'หญิง', 'a?b', 'อื่น ๆ'])[range % 4 + 1] AS gender,
                 CASE WHEN range = 0 THEN -5.0 ELSE range * 10.0 END AS amount,
                 CASE WHEN range = 2 THEN 'twelve' WHEN range = 9 THEN ' 12 ' WHEN range = 19 THEN '1_000'
                      WHEN range = 20 THEN '1.5' WHEN range = 21 THEN '0x1F' WHEN range = 22 THEN '1e3'
                      WHEN range = 23 THEN '1e30' WHEN range = 24 THEN '1__0' ELSE CAST(range AS VARCHAR) END AS count_text,
                 CASE WHEN range = 4 THEN '2025-13-01' WHEN range = 6 THEN 'yesterday' WHEN range = 19 THEN '2025/01/02'
                      WHEN range = 20 THEN '2025-01-02 x' WHEN range = 21 THEN 'epoch' WHEN range = 22 THEN '2025' ELSE '2025-02-0' || (range % 9 + 1) END AS when_text,
                 CASE WHEN range = 1 THEN 'ab-123' WHEN range = 8 THEN 'AB-12' WHEN range = 13 THEN 'AB-0130' WHEN range IN (11, 12) THEN 'ZZ-999' WHEN range = 19 THEN 'AB-019' || chr(10)
                      ELSE 'AB-' || lpad(CAST(range AS VARCHAR), 3, '0') END AS case_code,
                 CASE WHEN range = 4 THEN '{WRONG_ID}' WHEN range = 6 THEN '1-1037-02268-84-{VALID_ID[-1]}'
                      WHEN range = 8 THEN '12345' WHEN range = 10 THEN '{THAI_DIGITS}'
                      WHEN range = 14 THEN '1 1037 02268 44 {VALID_ID[-1]}' WHEN range = 15 THEN '+{VALID_ID[1:]}'
                      WHEN range = 16 THEN NULL ELSE '{VALID_ID}' END AS pid,
                 CASE WHEN range = 3 THEN {WRONG_ID} WHEN range = 5 THEN 9{VALID_ID[1:]} ELSE {VALID_ID} END AS pid_number,
                 CASE WHEN range = 9 THEN '99' WHEN range = 10 THEN '1001' WHEN range = 11 THEN ' 50 ' ELSE '10' END AS province_code,
                 CASE WHEN range = 11 THEN 'Atlantis' WHEN range = 12 THEN 'จังหวัดเชียงใหม่'
                      WHEN range = 13 THEN 'bangkok' WHEN range = 17 THEN 'จ. ภูเก็ต' ELSE 'กรุงเทพมหานคร' END AS province_name,
                 range % 10 AS dup_key,
                 range AS male, range * 2 AS female,
                 CASE WHEN range = 13 THEN 0 WHEN range = 18 THEN NULL ELSE range * 3 END AS total,
                 DATE '2025-01-01' + range::INTEGER AS start_date,
                 DATE '2025-01-01' + CASE WHEN range = 14 THEN -1 ELSE range::INTEGER + 1 END AS end_date,
                 'F' || (range % 7) AS facility,
                 TIMESTAMPTZ '2025-05-01 10:30:00+00' + INTERVAL (range) HOUR AS seen_at
          FROM range(30)
        ) TO '{main}' (FORMAT parquet)""")
    duckdb.sql(f"""
        COPY (SELECT range + 1 AS _id, 'F' || range AS code FROM range(5)
              UNION ALL SELECT 6, NULL) TO '{facilities}' (FORMAT parquet)""")
    return main, facilities


def _run(main: Path, facilities: Path, engine: str) -> dict[str, dict[str, Any]]:
    rules = rules_parse(RULES)
    with connection() as con:
        table = table_describe(con, main)
        reference = table_describe(con, facilities)
        context = Context(
            now=NOW,
            updated_at=dt.datetime(2025, 5, 1, tzinfo=dt.UTC),
            references={"ref": reference, "ref-cast": reference},
        )
        assert table_problems(con, rules, table, context) == {}
        return {r["id"]: r for r in quality_execute(con, rules, table, context, engine=engine)}


def _outcome(result: dict[str, Any]) -> dict[str, Any]:
    return {k: result.get(k) for k in ("rows", "failed", "share", "passed", "detail")}


def test_the_table_exercises_every_rule_kind_with_failures() -> None:
    assert {r["check"] for r in RULES} == KINDS


@pytest.mark.spark
def test_every_rule_kind_gives_the_same_results_on_duckdb_and_spark(
    tables: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    main, facilities = tables
    duck = _run(main, facilities, "duckdb")
    spark = _run(main, facilities, "spark")
    assert set(spark) == {r["id"] for r in RULES}
    for rule_id, result in duck.items():
        assert _outcome(spark[rule_id]) == _outcome(result), rule_id
        assert spark[rule_id]["dimension"] == result["dimension"]
    failing_rules = {i for i, r in duck.items() if r["failed"]}
    # every rule of the table has failures, so every kind is compared on failing rows too
    assert failing_rules == {r["id"] for r in RULES}
    assert duck["uniq-int"]["failed"] == 20
    assert duck["pid-text"]["failed"] == 4  # wrong digit, bad grouping, short, "+…"
    assert duck["fresh-ts"]["detail"]["latest"] is not None

    monkeypatch.setattr(quality_compile, "SAMPLES_PER_RULE", 1000)
    everything = _run(main, facilities, "duckdb")
    for rule_id in failing_rules - {"fresh-date", "fresh-ts", "fresh-version"}:
        failing = {s["_id"] for s in everything[rule_id]["samples"]}
        got = [s["_id"] for s in spark[rule_id]["samples"]]
        assert got, rule_id
        assert len(got) <= 5 or rule_id.startswith("uniq"), rule_id
        assert set(got) <= failing, rule_id


@pytest.mark.spark
def test_spark_reads_files_without_row_ids_and_numbers_rows_like_duckdb(tmp_path: Path) -> None:
    path = tmp_path / "plain.parquet"
    duckdb.sql(
        f"COPY (SELECT CASE WHEN range % 3 = 0 THEN NULL ELSE range END AS v FROM range(12)) TO '{path}' (FORMAT parquet)"
    )
    rules = rules_parse([{"id": "v", "check": "not_null", "column": "v"}])
    with connection() as con:
        table = table_describe(con, path)
        duck, spark = (
            quality_execute(con, rules, table, Context(now=NOW), engine=name)[0]
            for name in ("duckdb", "spark")
        )
    assert (spark["failed"], spark["share"]) == (duck["failed"], duck["share"]) == (4, 0.666667)
    assert (
        [s["_id"] for s in spark["samples"]] == [s["_id"] for s in duck["samples"]] == [1, 4, 7, 10]
    )


@pytest.mark.spark
def test_quality_check_command_takes_an_engine(tables: tuple[Path, Path], tmp_path: Path) -> None:
    main, _facilities = tables
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps([r for r in RULES if r["check"] not in {"reference", "freshness"}]))
    outputs = {}
    for engine in ("duckdb", "spark"):
        out = tmp_path / f"{engine}.json"
        with out.open("w") as stdout:
            call_command(
                "quality",
                "check",
                str(main),
                "--rules",
                str(rules),
                "--format",
                "json",
                "--engine",
                engine,
                stdout=stdout,
            )
        document = json.loads(out.read_text())
        outputs[engine] = [(r["id"], r["failed"], r["share"]) for r in document["results"]]
        assert document["engine"] == engine
    assert outputs["spark"] == outputs["duckdb"]


@pytest.mark.spark
@pytest.mark.django_db
def test_quality_runs_of_the_services_use_the_configured_engine(settings: Any) -> None:
    steward = MembershipFactory(role=Role.DATA_STEWARD)
    dataset = DatasetFactory(owner_org=steward.agency, name="people")
    resource = ResourceFactory(dataset=dataset, name="people")
    write_version(
        resource,
        "SELECT range + 1 AS _id, CASE WHEN range % 5 = 0 THEN NULL ELSE range END AS v,"
        " (['10', '50', '99'])[range % 3 + 1] AS province_code FROM range(15)",
    )
    ruleset_save(
        actor=steward.user,
        dataset=dataset,
        source="- {check: not_null, column: v}\n"
        "- {check: geocode, column: province_code, level: province}\n"
        "- {check: unique, column: province_code}\n",
    )
    runs = {}
    for engine in ("duckdb", "spark"):
        settings.DDGOV_ENGINE = engine
        run = quality_run(version_id=resource.current_version_id)
        runs[engine] = (run.scores, [(r["id"], r["failed"], r["share"]) for r in run.results])
    assert runs["spark"] == runs["duckdb"]
    assert runs["duckdb"][1] == [
        ("not_null-v", 3, 0.8),
        ("geocode-province_code", 5, round(10 / 15, 6)),
        ("unique-province_code", 12, 0.2),
    ]
    settings.DDGOV_ENGINE = "oracle"
    with pytest.raises(QualityError, match="ไม่รู้จักเอนจิน"):
        quality_run(version_id=resource.current_version_id)


def test_an_unknown_engine_is_refused_in_both_languages(tables: tuple[Path, Path]) -> None:
    main, facilities = tables
    with pytest.raises(QualityEngineError, match=r"Unknown engine 'oracle'.* / ไม่รู้จักเอนจิน"):
        _run(main, facilities, "oracle")
    with pytest.raises(CommandError, match="ไม่รู้จักเอนจิน"):
        call_command("quality", "check", str(main), "--rules", str(main), "--engine", "oracle")


def test_parameters_are_inlined_as_typed_literals_and_never_inside_strings() -> None:
    sql = "SELECT '?' AS q, a IN (?, ?, ?), b >= ?, c = ? FROM src -- ?"
    got = inline_params(sql, ["it's ?", 3, 2.5, True, dt.date(2025, 1, 2)])
    assert got == (
        "SELECT '?' AS q, a IN ('it''s ?', 3, 2.5), b >= TRUE, c = CAST('2025-01-02' AS DATE)"
        " FROM src -- ?"
    )
    with pytest.raises(ValueError, match="placeholders"):
        inline_params("SELECT ?", [])


def test_spark_rendering_expands_macros_and_respells_duckdb_only_functions() -> None:
    sql = (
        'SELECT count_if(NOT coalesce(ddgov_thai_citizen_id_ok("pid"), TRUE)),'
        ' count_if(NOT regexp_full_match(CAST("c" AS VARCHAR), ?)),'
        ' count(DISTINCT ("a", "b")), count_if("x" = trunc("x"))'
        ' FROM src WHERE "k" IN (SELECT "code" FROM read_parquet(\'/lake/f.parquet\'))'
    )
    got = spark_sql(sql, [r"[A-Z]{2}-\d+"], views={"/lake/f.parquet": "ddgov_ref_0"})
    assert "ddgov_" not in got.replace("ddgov_ref_0", "")
    assert "RLIKE '^(?:[A-Z]{2}-\\\\d+)\\\\z'" in got
    assert "COUNT(DISTINCT `a`, `b`)" in got
    assert "OCTET_LENGTH" in got
    assert "TRUNC" not in got.upper()
    assert "FROM ddgov_ref_0" in got
    assert "REGEXP_FULL_MATCH" not in got.upper()
