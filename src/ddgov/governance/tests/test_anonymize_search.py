"""The lattice search on a synthetic monotone problem: pruning never loses a minimal node."""

from __future__ import annotations

import itertools

import pytest

from ddgov.governance.anonymize.search import Lattice, NodeStats, lattice_search

HEIGHTS = (5, 2, 5, 4, 3)
WEIGHTS = (3, 2, 4, 1, 2)
LM = [[level / (h - 1) for level in range(h)] for h in HEIGHTS]


def _feasible(node, threshold):
    return sum(w * level for w, level in zip(WEIGHTS, node, strict=True)) >= threshold


@pytest.mark.parametrize("threshold", [0, 5, 11, 17, 24])
def test_every_minimal_feasible_node_is_evaluated_and_the_best_is_chosen(threshold):
    calls = []

    def evaluate(node):
        calls.append(node)
        ok = _feasible(node, threshold)
        return NodeStats(suppressed=0 if ok else 1000, k=5 if ok else 1, l=None, classes=1)

    outcome = lattice_search(
        lattice=Lattice(HEIGHTS), evaluate=evaluate, rows=1000, max_suppression=0.05, lm=LM
    )

    nodes = list(itertools.product(*(range(h) for h in HEIGHTS)))
    feasible = [n for n in nodes if _feasible(n, threshold)]
    minimal = [
        n for n in feasible
        if not any(m != n and all(a <= b for a, b in zip(m, n, strict=True)) for m in feasible)
    ]  # fmt: skip
    assert set(minimal) <= set(calls)
    assert len(calls) < len(nodes)
    best = min(sum(LM[i][lv] for i, lv in enumerate(n)) / len(n) for n in feasible)
    assert outcome.loss == pytest.approx(best)
    assert _feasible(outcome.node, threshold)


def test_exhaustive_evaluates_every_node_once():
    calls = []

    def evaluate(node):
        calls.append(node)
        return NodeStats(suppressed=0, k=5, l=None, classes=1)

    outcome = lattice_search(
        lattice=Lattice(HEIGHTS), evaluate=evaluate, rows=10, max_suppression=0.0, lm=LM,
        exhaustive=True,
    )  # fmt: skip
    assert len(calls) == len(set(calls)) == Lattice(HEIGHTS).size
    assert outcome.node == (0, 0, 0, 0, 0)
