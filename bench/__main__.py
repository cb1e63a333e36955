"""Run benchmarks: ``python -m bench [name-or-group ...]`` (``make bench``, ``ddgov bench``).

Every module ``bench/<area>_<what>.py`` with a ``run()`` is a benchmark named ``<area>-<what>``;
a bare ``<area>`` (``catalog``, ``governance``) runs all of that area's benchmarks. Sizes are set
by each benchmark's ``BENCH_*`` environment variables (see its docstring). Not part of the tests.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def benches() -> dict[str, str]:
    """Return every benchmark's name and module, in a stable order."""
    found = {}
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name.startswith("_"):
            continue
        found[info.name.replace("_", "-")] = f"bench.{info.name}"
    return dict(sorted(found.items()))


def select(names: list[str]) -> list[str] | None:
    """Expand group names; ``None`` when a name is neither a benchmark nor a group."""
    known = benches()
    chosen: list[str] = []
    for name in names or list(known):
        key = name.replace("_", "-")
        members = [n for n in known if n == key or n.startswith(f"{key}-")]
        if not members:
            return None
        chosen.extend(m for m in members if m not in chosen)
    return chosen


def main(argv: list[str]) -> int:
    """Run the named benchmarks (all when none are named); exit 2 on an unknown name.

    Options after the names (``--rows 100000``) are handed to each benchmark as its ``sys.argv``.
    """
    first_option = next((i for i, arg in enumerate(argv) if arg.startswith("-")), len(argv))
    argv, options = argv[:first_option], argv[first_option:]
    chosen = select(argv)
    if chosen is None:
        print(f"unknown benchmark; known: {', '.join(benches())} (or a group: catalog, governance)")
        return 2
    known = benches()
    for name in chosen:
        print(f"== {name}", flush=True)
        sys.argv = [f"bench {name}", *options]
        importlib.import_module(known[name]).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
