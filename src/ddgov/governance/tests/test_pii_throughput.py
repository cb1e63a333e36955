"""Scanning a 1 MB text file: reports throughput (lines/s, MB/s); no timing assertion."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from ddgov.governance.pii.evaluate import pii_testset_load


def test_one_megabyte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    texts = [r["text"] for r in pii_testset_load(split="all")]
    lines: list[str] = []
    size = 0
    while size < 1_000_000:
        for text in texts:
            lines.append(text)
            size += len(text.encode("utf-8")) + 1
    path = tmp_path / "big.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = io.StringIO()
    started = time.perf_counter()
    call_command("pii", "scan", "--text-file", str(path), stdout=out)
    seconds = time.perf_counter() - started
    records = out.getvalue().splitlines()
    assert len(records) == len(lines)
    assert json.loads(records[-1])["line"] == len(lines)
    mb = path.stat().st_size / 1e6
    with capsys.disabled():
        print(  # noqa: T201 - the figure is the point of this test
            f"\nPII scan of {mb:.2f} MB, {len(lines)} lines in {seconds:.1f} s: {len(lines) / seconds:,.0f} lines/s, {mb / seconds:.2f} MB/s"
        )
