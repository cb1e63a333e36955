"""Shared plumbing of the benchmarks: each measures in a child process on a throw-away database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from typing import Any


def run_child(
    module: str, *, database_url: str | None = None, var_dir: str | None = None
) -> dict[str, Any]:
    """Run ``python -m module`` with its own database and var folder; return its last JSON line.

    A fresh process keeps one benchmark's caches and settings from another's; the child prints
    its figures as one JSON object on its last line.
    """
    with tempfile.TemporaryDirectory() as work:
        var = var_dir or work
        env = {
            **os.environ,
            "DATABASE_URL": database_url or f"sqlite:///{work}/bench.sqlite3",
            "DDGOV_VAR_DIR": var,
            "DDGOV_LAKE_DIR": f"{var}/lake",
        }
        out = subprocess.run(
            [sys.executable, "-m", module], env=env, check=True, capture_output=True, text=True
        )
    return json.loads(out.stdout.strip().splitlines()[-1])
