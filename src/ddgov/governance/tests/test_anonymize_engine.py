"""The anonymisation engine: every release is re-checked by pycanon, an independent implementation."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddgov.governance.anonymize import engine
from ddgov.governance.anonymize.engine import anonymize_run
from ddgov.governance.anonymize.identifiers import redact_text
from ddgov.governance.anonymize.spec import AnonymizeError, AnonymizeSpec, HierarchySpec
from ddgov.governance.tests.anonymize_support import (
    motor_table,
    pycanon_k,
    pycanon_l,
    pycanon_t,
    read_release,
)

QUASI = ("age", "sex", "subdistrict", "vehicle_year", "premium_band")
TREE = {
    "A": ["low", "*"],
    "B": ["low", "*"],
    "C": ["mid", "*"],
    "D": ["high", "*"],
    "E": ["high", "*"],
}


@pytest.fixture(scope="module")
def motor(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return motor_table(tmp_path_factory.mktemp("anon") / "motor.parquet", rows=3000)


def _spec(**overrides: object) -> AnonymizeSpec:
    data: dict[str, object] = {
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
    return AnonymizeSpec(**data)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("k", "l", "max_suppression"),
    [(5, 2, 0.05), (2, None, 0.05), (10, 3, 0.02), (5, 2, 0.0), (25, 4, 0.1)],
)
def test_pycanon_confirms_k_and_l_of_the_release(motor, tmp_path, k, l, max_suppression):  # noqa: E741
    out = tmp_path / "release.parquet"
    spec = _spec(k=k, l=l, max_suppression=max_suppression, sensitive=("claim",))
    report = anonymize_run(source=motor, spec=spec, out=out).report

    df = read_release(out)
    assert len(df) == report["rows_out"] > 0
    assert pycanon_k(df, list(QUASI)) >= k
    assert pycanon_k(df, list(QUASI)) == report["k"]["achieved"]
    assert pycanon_l(df, list(QUASI), ["claim"]) == report["l"]["achieved"]
    if l is not None:
        assert pycanon_l(df, list(QUASI), ["claim"]) >= l
    assert report["suppressed_rows"] == 3000 - len(df)
    assert report["suppressed_rows"] <= int(max_suppression * 3000)
    assert report["risk"]["after"]["prosecutor_max"] <= 1 / k
    assert report["risk"]["before"]["unique_share"] > report["risk"]["after"]["unique_share"]


def test_t_closeness_goal_is_met_and_reported_like_pycanon(motor, tmp_path):
    out = tmp_path / "release.parquet"
    report = anonymize_run(source=motor, spec=_spec(t=0.2), out=out).report

    df = read_release(out)
    measured = pycanon_t(df, list(QUASI), ["claim"])
    assert measured <= 0.2 + 1e-6
    assert report["t"]["achieved"] == pytest.approx(measured, abs=1e-4)


def test_generalisation_levels_and_labels_follow_the_hierarchies(motor, tmp_path):
    out = tmp_path / "release.parquet"
    report = anonymize_run(source=motor, spec=_spec(k=20, l=None), out=out).report

    df = read_release(out)
    levels = {q["column"]: q for q in report["quasi_identifiers"]}
    assert levels["subdistrict"]["hierarchy"] == "geo:subdistrict-code"
    expected = {0: 6, 1: 4, 2: 2}.get(levels["subdistrict"]["level"])
    if expected is not None:  # codes shorten: 6-digit subdistrict, 4 district, 2 province
        assert set(df["subdistrict"].str.len()) == {expected}
    assert all(q["level"] <= q["max_level"] for q in report["quasi_identifiers"])
    assert set(df["premium_band"]) <= {"A", "B", "C", "D", "E", "low", "mid", "high", "*"}
    assert 0 <= report["information_loss"]["overall"] <= 1


def test_geo_names_generalise_to_regions(motor, tmp_path):
    out = tmp_path / "release.parquet"
    spec = AnonymizeSpec(
        quasi=("province", "sex"),
        sensitive=("claim",),
        k=200,
        l=2,
        hierarchies={"province": HierarchySpec(kind="geo")},
        max_suppression=0.0,
    )
    report = anonymize_run(source=motor, spec=spec, out=out).report

    df = read_release(out)
    assert report["quasi_identifiers"][0]["hierarchy"] == "geo:province-name"
    assert set(df["province"]) <= {
        "เชียงใหม่", "ขอนแก่น", "สงขลา", "ภูเก็ต", "กรุงเทพมหานคร", "ลำพูน", "นครราชสีมา",
        "ภาคเหนือ", "ภาคตะวันออกเฉียงเหนือ", "ภาคใต้", "ภาคกลาง", "*",
    }  # fmt: skip
    assert pycanon_k(df, ["province", "sex"]) >= 200


def test_direct_identifiers_are_dropped_and_row_keys_too(motor, tmp_path):
    out = tmp_path / "release.parquet"
    report = anonymize_run(source=motor, spec=_spec(), out=out).report

    df = read_release(out)
    assert "citizen_id" not in df.columns
    assert "policy_no" not in df.columns
    assert report["columns"]["citizen_id"] == "drop"
    assert report["column_reasons"]["policy_no"] == "record-identifier"
    assert "policy_date" in df.columns  # neither identifier nor declared: kept


def test_free_text_pii_is_redacted(tmp_path):
    source = tmp_path / "notes.csv"
    rows = ["age,sex,note,claim"] + [
        f"{20 + i % 5},{'M' if i % 2 else 'F'},"
        f"ลูกค้าโทรแจ้งเหตุที่เบอร์ 081-234-{5600 + i} ขอให้ติดต่อกลับโดยเร็ว,{'AB'[i % 2]}"
        for i in range(60)
    ]
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "release.csv"
    report = anonymize_run(
        source=source,
        spec=AnonymizeSpec(quasi=("age", "sex"), sensitive=("claim",), k=3, redact=("note",)),
        out=out,
    ).report

    df = read_release(out)
    assert all("[PHONE]" in note for note in df["note"])
    assert not any("081-234" in note for note in df["note"])
    assert report["redactions"]["note"]["findings"]["PHONE"] == 60


def test_redact_text_replaces_each_finding_by_its_type():
    text, kinds = redact_text("ติดต่อ 081-234-5678 หรือ somchai@example.com")
    assert "[PHONE]" in text
    assert "[EMAIL]" in text
    assert "081" not in text
    assert set(kinds) == {"PHONE", "EMAIL"}


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"k": 0}, "k must be between 1"),
        ({"k": 3001}, "k must be between 1"),
        ({"l": 5}, "impossible"),
        ({"quasi": ("age", "nope")}, "Unknown column"),
        ({"t": 1.5}, "t must be in"),
        ({"sensitive": (), "l": 2}, "need a sensitive column"),
        ({"max_suppression": 1.0}, "max-suppression"),
        (
            {"hierarchies": {"premium_band": HierarchySpec(kind="tree", tree={"A": ["x"]})}},
            "does not cover 4 value",
        ),
    ],
)
def test_bad_input_is_refused_before_any_work_in_both_languages(motor, tmp_path, overrides, words):
    out = tmp_path / "release.parquet"
    with pytest.raises(AnonymizeError) as caught:
        anonymize_run(source=motor, spec=_spec(**overrides), out=out)

    assert words in caught.value.message
    assert " / " in caught.value.message  # English / Thai
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in caught.value.message)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_unknown_geo_codes_and_text_in_numbers_are_not_covered(tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text("area,amount,claim\n100101,5,A\n999999,7,B\n100102,x,A\n", encoding="utf-8")
    with pytest.raises(AnonymizeError, match="999999"):
        anonymize_run(
            source=source,
            spec=AnonymizeSpec(
                quasi=("area",),
                sensitive=("claim",),
                k=1,
                hierarchies={"area": HierarchySpec(kind="geo")},
            ),
            out=tmp_path / "o.parquet",
        )
    with pytest.raises(AnonymizeError, match="'x'"):
        anonymize_run(
            source=source,
            spec=AnonymizeSpec(
                quasi=("amount",),
                k=1,
                hierarchies={"amount": HierarchySpec(kind="numeric", widths=(5,))},
            ),
            out=tmp_path / "o.parquet",
        )
    assert not (tmp_path / "o.parquet").exists()


@pytest.mark.parametrize(
    ("quasi", "k", "l", "hubs"),
    [
        (("age", "sex", "premium_band"), 10, 2, False),
        (QUASI, 5, 2, False),
        (QUASI, 5, 2, True),
        (QUASI, 3, None, True),
    ],
)
def test_the_search_finds_the_exhaustive_optimum(motor, tmp_path, monkeypatch, quasi, k, l, hubs):  # noqa: E741, PLR0917
    if hubs:  # roll up through hub tables even on this small table
        monkeypatch.setattr(engine, "HUB_MIN_ROWS", 0)
    spec = _spec(quasi=quasi, k=k, l=l)
    fast = anonymize_run(source=motor, spec=spec, out=tmp_path / "fast.parquet").report
    slow = anonymize_run(source=motor, spec=spec, out=None, exhaustive=True).report

    assert slow["search"]["evaluated_nodes"] == slow["search"]["lattice_nodes"]
    assert fast["search"]["evaluated_nodes"] < fast["search"]["lattice_nodes"] / 2
    assert fast["search"]["node"] == slow["search"]["node"]
    assert fast["search"]["estimated_loss"] == pytest.approx(slow["search"]["estimated_loss"])
    assert fast["suppressed_rows"] == slow["suppressed_rows"]
    df = read_release(tmp_path / "fast.parquet")
    assert pycanon_k(df, list(quasi)) >= k
    if l is not None:
        assert pycanon_l(df, list(quasi), ["claim"]) >= l
