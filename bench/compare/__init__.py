"""Runners for the quality benchmark's comparison tools (Soda Core, Great Expectations).

They run under their own virtual environment (``var/bench-compare``, made by
``scripts/bench-compare-setup``), never under ddgov's, so they import neither ddgov nor Django:
each reads one JSON job on stdin and prints one JSON line of results.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / "var" / "bench-compare"
TOOLS = (("Soda Core on DuckDB", "soda"), ("Great Expectations", "gx"))
SETUP_HINT = "not installed (run scripts/bench-compare-setup)"


def compare_available() -> bool:
    """Whether ``scripts/bench-compare-setup`` has made the comparison tools' environment."""
    return (VENV / "bin" / "python").exists()


def compare_run(tool: str, job: dict[str, Any], *, timeout: float = 3600) -> dict[str, Any]:
    """Run one tool's runner (``bench.compare.<tool>_run``) in its environment on ``job``.

    Returns the runner's JSON, or ``{"error": …}`` when it fails, so one broken tool does not
    lose the others' figures. HOME points into the environment (Soda keeps its settings there).
    """
    env = {
        **os.environ,
        "HOME": str(VENV / "home"),
        "PYTHONPATH": str(ROOT),
        "GX_ANALYTICS_ENABLED": "false",
    }
    try:
        out = subprocess.run(
            [str(VENV / "bin" / "python"), "-m", f"bench.compare.{tool}_run"],
            input=json.dumps(job),
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return dict(json.loads(out.stdout.strip().splitlines()[-1]))
    except (subprocess.SubprocessError, ValueError, IndexError) as exc:
        stderr = getattr(exc, "stderr", "") or ""
        return {"error": (stderr.strip().splitlines() or [str(exc)])[-1][:300]}
