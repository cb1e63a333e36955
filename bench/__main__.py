"""Run benchmarks: ``python -m bench [name ...]`` (``make bench``). Not part of the test suite."""

from __future__ import annotations

import importlib
import sys

BENCHES = {
    "seed": "bench.seed",
    "catalog-search": "bench.catalog_search",
    "catalog-datastore": "bench.catalog_datastore",
    "catalog-api": "bench.catalog_api",
    "catalog-open": "bench.catalog_open",
    "catalog-ingest": "bench.catalog_ingest",
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHES)}")
        return 2
    for name in names:
        print(f"== {name}")
        importlib.import_module(BENCHES[name]).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
