"""The ``ddgov pii scan --text-file`` JSONL contract (a stable interface) and its errors."""

from __future__ import annotations

import io
import itertools
import json
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ddgov.governance.pii.types import PII_TYPES
from ddgov.identity.thaiid import thai_id_complete

ID = thai_id_complete("310040012345")
LINES = [
    f"เลขบัตร{ID}โทร0812345678ครับ",
    "",
    "นางสาวพลอย อะโนมา ๐๘๑-๒๓๔-๕๖๗๘ อีเมล ploy@example.com",
    "no personal data here 1,250 บาท",
    "รถทะเบียน ฒค-1234 กรุงเทพมหานคร บ้านเลขที่ 99/12 หมู่ 5 ต.สุเทพ อ.เมืองเชียงใหม่ จ.เชียงใหม่ 50200",
]


def run_scan(*args: str) -> list[dict]:
    out = io.StringIO()
    call_command("pii", "scan", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def check_contract(records: list[dict], lines: list[str]) -> None:
    assert [r["line"] for r in records] == list(range(1, len(lines) + 1))
    for record, line in zip(records, lines, strict=True):
        assert set(record) == {"line", "findings"}
        starts = [f["start"] for f in record["findings"]]
        assert starts == sorted(starts)
        for f in record["findings"]:
            assert set(f) == {"type", "start", "end", "text", "score"}
            assert f["type"] in PII_TYPES
            assert line[f["start"] : f["end"]] == f["text"]
            assert 0.0 <= f["score"] <= 1.0
        for kind in PII_TYPES:
            spans = sorted((f["start"], f["end"]) for f in record["findings"] if f["type"] == kind)
            assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_jsonl_contract(tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    records = run_scan("--text-file", str(path), "--format", "jsonl")
    check_contract(records, LINES)
    assert records[0]["findings"] == [
        {"type": "TH_CITIZEN_ID", "start": 7, "end": 20, "text": ID, "score": 0.99},
        {"type": "PHONE", "start": 23, "end": 33, "text": "0812345678", "score": 0.99},
    ]
    assert records[1] == {"line": 2, "findings": []}
    assert [f["type"] for f in records[2]["findings"]] == ["PERSON", "PHONE", "EMAIL"]
    assert records[2]["findings"][1]["text"] == "๐๘๑-๒๓๔-๕๖๗๘"
    assert records[3]["findings"] == []
    assert [f["type"] for f in records[4]["findings"]] == ["VEHICLE_PLATE", "ADDRESS"]


def test_default_format_is_jsonl_and_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(("\ufeff" + "\r\n".join(LINES)).encode("utf-8"))
    records = run_scan("--text-file", str(path))
    check_contract(records, LINES)
    assert records[0]["findings"][0]["start"] == 7  # the BOM does not shift offsets


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    data = ("\n".join(LINES)).encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    records = run_scan("--text-file", "-")
    check_contract(records, LINES)
    assert len(records) == len(LINES)


def test_text_format(tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_text(LINES[0], encoding="utf-8")
    out = io.StringIO()
    call_command("pii", "scan", "--text-file", str(path), "--format", "text", stdout=out)
    assert "1:7-20\tTH_CITIZEN_ID\t0.99\t" + ID in out.getvalue()


def test_errors_are_bilingual(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"no such file.*ไม่พบไฟล์"):
        call_command("pii", "scan", "--text-file", str(tmp_path / "missing.txt"))
    bad = tmp_path / "latin.txt"
    bad.write_bytes(b"caf\xe9\n")
    with pytest.raises(CommandError, match=r"not UTF-8.*UTF-8"):
        call_command("pii", "scan", "--text-file", str(bad), stdout=io.StringIO())
    with pytest.raises(CommandError, match="--table"):
        call_command("pii", "scan", "--text-file", str(bad), "--format", "json")
