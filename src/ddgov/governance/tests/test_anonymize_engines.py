"""Anonymisation gives the same release on DuckDB and on Spark (issue #5: through the engine layer).

With ``engine="spark"`` the encode (raw rows → ``base``) and the release write run on Spark;
the search stays in DuckDB. For each spec both engines must choose the same node, achieve the
same k/l/t, suppress the same rows, write the same rows (compared sorted) with the same column
types, and report the same numbers (everything but timings, paths and the engine's name).

Marked ``spark`` where a JVM is needed (skip locally with ``--no-spark``); the engine choice, the
refusals and the hybrid path on the engine layer's DuckDB engine run without one.
"""

# ruff: noqa: S608 - the tests write SQL over their own temporary files

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.core.management import CommandError, call_command

from ddgov.analytics.engine import engine_get
from ddgov.governance.anonymize.engine import Result, anonymize_run
from ddgov.governance.anonymize.scaleout import ScaleOut, engine_choose
from ddgov.governance.anonymize.spec import AnonymizeError, AnonymizeSpec, HierarchySpec
from ddgov.governance.tests.anonymize_support import motor_table, pycanon_k, pycanon_l

QUASI = ("age", "sex", "subdistrict", "vehicle_year", "premium_band")
TREE = {
    "A": ["low", "*"],
    "B": ["low", "*"],
    "C": ["mid", "*"],
    "D": ["high", "*"],
    "E": ["high", "*"],
}
NOT_COMPARED = {"timing", "output", "source", "engine"}


@pytest.fixture(scope="module")
def motor(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return motor_table(tmp_path_factory.mktemp("anon-engines") / "motor.parquet", rows=3000)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """NULLs in quasi and sensitive columns, a DOUBLE and a DATE quasi, kept TIMESTAMP/DECIMAL
    columns, Thai text, and a sensitive column with 63 values and NULL: 64, the last bit flag in use."""
    path = tmp_path_factory.mktemp("anon-mixed") / "mixed.parquet"
    duckdb.execute(
        f"""COPY (SELECT
            i AS row_id,
            CASE WHEN i % 17 = 0 THEN NULL ELSE 20 + CAST(hash(i) % 50 AS INTEGER) END AS age,
            CASE WHEN i % 23 = 0 THEN NULL
                 ELSE CAST(hash(i * 3) % 10000 AS DOUBLE) / 100.0 END AS score,
            CASE WHEN hash(i * 5) % 2 = 0 THEN 'ชาย' ELSE 'หญิง' END AS sex,
            DATE '2024-01-01' + CAST(hash(i * 13) % 700 AS INTEGER) AS visit,
            TIMESTAMP '2024-01-01 08:30:00' + INTERVAL (hash(i * 7) % 100000) SECOND AS seen_at,
            CAST((hash(i * 19) % 100000) / 100 AS DECIMAL(10, 2)) AS amount,
            CASE WHEN i % 29 = 0 THEN NULL ELSE 'โรค-' || CAST(hash(i * 11) % 63 AS VARCHAR) END
                AS diagnosis
        FROM range(4000) t(i)) TO '{path}' (FORMAT parquet)"""
    )
    return path


def _motor_spec(**overrides: Any) -> AnonymizeSpec:
    data: dict[str, Any] = {
        "quasi": QUASI,
        "sensitive": ("claim",),
        "k": 5,
        "l": 2,
        "hierarchies": {
            "premium_band": HierarchySpec(kind="tree", tree=TREE),
            "vehicle_year": HierarchySpec(kind="numeric", widths=(2, 5, 10)),
        },
    }
    data.update(overrides)
    return AnonymizeSpec(**data)


def _mixed_spec(**overrides: Any) -> AnonymizeSpec:
    data: dict[str, Any] = {
        "quasi": ("age", "score", "sex", "visit"),
        "sensitive": ("diagnosis",),
        "k": 4,
        "hierarchies": {
            "score": HierarchySpec(kind="numeric", widths=(5, 25, 50)),
            "visit": HierarchySpec(kind="date"),
        },
        "keep_identifiers": True,
        "max_suppression": 0.1,
    }
    data.update(overrides)
    return AnonymizeSpec(**data)


def _rows(path: Path) -> tuple[list[tuple[str, str]], list[tuple[Any, ...]]]:
    """The file's column types (as DuckDB reads them) and its rows, sorted."""
    con = duckdb.connect()
    try:
        reader = (
            f"read_csv('{path}', header = true, all_varchar = true)"
            if path.suffix == ".csv"
            else f"read_parquet('{path}')"
        )
        types = [
            (str(r[0]), str(r[1]))
            for r in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
        ]
        rows = con.execute(f"SELECT * FROM {reader}").fetchall()
    finally:
        con.close()
    return types, sorted(rows, key=repr)


def _same_release(first: Result, second: Result) -> None:
    """Same node, report numbers, columns, types and rows; the engines are named in the reports."""
    assert first.node == second.node
    a = {k: v for k, v in first.report.items() if k not in NOT_COMPARED}
    b = {k: v for k, v in second.report.items() if k not in NOT_COMPARED}
    assert a == b
    assert first.output is not None
    assert second.output is not None
    assert _rows(first.output) == _rows(second.output)


def _both(
    source: Path, spec: AnonymizeSpec, tmp_path: Path, suffix: str = ".parquet"
) -> tuple[Result, Result]:
    duck = anonymize_run(source=source, spec=spec, out=tmp_path / f"duck{suffix}", engine="duckdb")
    spark = anonymize_run(source=source, spec=spec, out=tmp_path / f"spark{suffix}", engine="spark")
    assert duck.report["engine"] == "duckdb"
    assert spark.report["engine"] == "spark"
    return duck, spark


# -- without a JVM ------------------------------------------------------------------------------


def test_engine_defaults_to_the_setting_and_refuses_unknown_names(settings):
    settings.DDGOV_ENGINE = "duckdb"
    assert engine_choose(name=None) == "duckdb"
    settings.DDGOV_ENGINE = "spark"
    assert engine_choose(name=None) == "spark"
    assert engine_choose(name="DuckDB") == "duckdb"
    with pytest.raises(AnonymizeError) as caught:
        engine_choose(name="hadoop")
    assert caught.value.field == "engine"
    assert 'Unknown engine "hadoop"' in caught.value.message
    assert "ไม่รู้จักเอนจิน" in caught.value.message


def test_cli_refuses_an_unknown_engine_and_writes_nothing(motor, tmp_path):
    out = tmp_path / "release.parquet"
    with pytest.raises(CommandError, match="ไม่รู้จักเอนจิน"):
        call_command(
            "anonymize", str(motor), "--quasi", "age,sex", "--out", str(out), "--engine", "nope"
        )
    assert not out.exists()


def test_hybrid_path_on_the_engine_layers_duckdb_matches_the_in_process_run(
    motor, tmp_path, monkeypatch
):
    """The scale-out plumbing (exports, typed joins, bit flags, checks) without starting Spark."""
    monkeypatch.setattr(ScaleOut, "engine", lambda _self: engine_get(name="duckdb"))
    duck, hybrid = _both(motor, _motor_spec(), tmp_path)
    _same_release(duck, hybrid)
    assert not list(Path(tmp_path).glob(".anonymize-*"))


def test_hybrid_path_refuses_a_release_that_lost_rows(motor, tmp_path, monkeypatch):
    """A wrong engine result never becomes a release: the row check stops it."""
    real = ScaleOut.run

    def lossy(self: ScaleOut, *, sql: str, tables: dict[str, Path], target: Path) -> int:
        if "keep" in tables:
            sql = sql.replace(" ORDER BY", " WHERE src.age <> 30 ORDER BY")
        return real(self, sql=sql, tables=tables, target=target)

    monkeypatch.setattr(ScaleOut, "engine", lambda _self: engine_get(name="duckdb"))
    monkeypatch.setattr(ScaleOut, "run", lossy)
    out = tmp_path / "release.parquet"
    with pytest.raises(AnonymizeError, match="จึงไม่เก็บไฟล์ไว้"):
        anonymize_run(source=motor, spec=_motor_spec(), out=out, engine="spark")
    assert not out.exists()


# -- on Spark -----------------------------------------------------------------------------------


@pytest.mark.spark
@pytest.mark.parametrize(
    ("k", "l", "max_suppression"), [(5, 2, 0.05), (10, 3, 0.02), (2, None, 0.0)]
)
def test_k_and_l_releases_are_identical_on_both_engines(motor, tmp_path, k, l, max_suppression):  # noqa: E741
    spec = _motor_spec(k=k, l=l, max_suppression=max_suppression)
    duck, spark = _both(motor, spec, tmp_path)
    _same_release(duck, spark)
    assert spark.output is not None
    df = duckdb.execute(f"SELECT * FROM read_parquet('{spark.output}')").df()
    assert pycanon_k(df, list(QUASI)) == spark.report["k"]["achieved"] >= k
    assert pycanon_l(df, list(QUASI), ["claim"]) == spark.report["l"]["achieved"]
    assert "citizen_id" not in df.columns


@pytest.mark.spark
def test_t_closeness_from_csv_to_csv_is_identical_on_both_engines(tmp_path):
    source = motor_table(tmp_path / "motor.csv", rows=2000, seed=3)
    duck, spark = _both(source, _motor_spec(t=0.2), tmp_path, suffix=".csv")
    _same_release(duck, spark)
    assert spark.report["t"]["achieved"] is not None
    assert spark.report["t"]["achieved"] <= 0.2 + 1e-6


@pytest.mark.spark
def test_nulls_doubles_dates_timestamps_and_the_64th_bit_are_identical(mixed, tmp_path):
    duck, spark = _both(mixed, _mixed_spec(l=3), tmp_path)
    _same_release(duck, spark)
    assert spark.report["rows_out"] > 0
    types = dict(_rows(spark.output)[0]) if spark.output else {}
    assert types["seen_at"] == "TIMESTAMP"
    assert types["amount"].startswith("DECIMAL")
    assert types["age"] == "VARCHAR"  # generalised labels


@pytest.mark.spark
def test_more_than_64_sensitive_values_and_a_preview_are_identical(mixed, tmp_path):
    spec = _mixed_spec(sensitive=("amount",), l=2, quasi=("age", "sex", "visit"))
    duck = anonymize_run(source=mixed, spec=spec, out=None, engine="duckdb")
    spark = anonymize_run(source=mixed, spec=spec, out=None, engine="spark")
    assert duck.node == spark.node
    a = {k: v for k, v in duck.report.items() if k not in NOT_COMPARED}
    b = {k: v for k, v in spark.report.items() if k not in NOT_COMPARED}
    assert a == b


@pytest.mark.spark
def test_redaction_keeps_the_write_in_duckdb_with_the_same_release(tmp_path):
    source = tmp_path / "notes.parquet"
    duckdb.execute(
        f"""COPY (SELECT m.*, CASE WHEN policy_no % 3 = 0
                THEN 'ลูกค้าโทร 081-234-5678 แจ้งเหตุชนที่แยกบางนา เวลาเย็น'
                ELSE 'ไม่มีข้อมูลเพิ่มเติมจากเจ้าหน้าที่ผู้รับแจ้งเหตุ' END AS note
            FROM read_parquet('{motor_table(tmp_path / "m.parquet", rows=1500)}') m)
        TO '{source}' (FORMAT parquet)"""
    )
    duck, spark = _both(source, _motor_spec(redact=("note",)), tmp_path)
    _same_release(duck, spark)
    assert spark.report["columns"]["note"] == "redact"
    assert spark.report["redactions"]["note"]["values_redacted"] >= 1


@pytest.mark.spark
def test_cli_runs_on_spark_with_the_same_output(motor, tmp_path, capsys):
    outs = {}
    for engine in ("duckdb", "spark"):
        out, report = tmp_path / f"{engine}.parquet", tmp_path / f"{engine}.json"
        call_command(
            "anonymize", str(motor), "--quasi", ",".join(QUASI), "--sensitive", "claim",
            "--k", "5", "--l", "2", "--hierarchy", "vehicle_year=numeric:2,5,10",
            "--out", str(out), "--report", str(report), "--engine", engine,
        )  # fmt: skip
        outs[engine] = json.loads(report.read_text(encoding="utf-8"))
        assert f"wrote {out}" in capsys.readouterr().out
    assert outs["spark"]["engine"] == "spark"
    assert outs["duckdb"]["search"] == outs["spark"]["search"]
    assert outs["duckdb"]["rows_out"] == outs["spark"]["rows_out"]
    assert _rows(tmp_path / "duckdb.parquet") == _rows(tmp_path / "spark.parquet")
