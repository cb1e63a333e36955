"""The lattice search on synthetic monotone problems: pruning never loses the optimum."""

from __future__ import annotations

import itertools

import pytest

from ddgov.governance.anonymize.search import (
    Lattice,
    NodeStats,
    lattice_search,
    lower_bounds,
    node_loss,
)

HEIGHTS = (5, 2, 5, 4, 3)
WEIGHTS = (3, 2, 4, 1, 2)
LM = [[level / (h - 1) for level in range(h)] for h in HEIGHTS]
ROWS = 1000
NODES = list(itertools.product(*(range(h) for h in HEIGHTS)))


def _score(node):
    return sum(w * level for w, level in zip(WEIGHTS, node, strict=True))


def _suppressed(node, threshold):
    """Rows to suppress: falls as the node generalises (monotone), 0 from threshold + 4 up."""
    return max(0, (threshold + 4 - _score(node)) * 20)


def _brute_force(stats, budget):
    feasible = {n: s for n, s in stats.items() if s.suppressed <= budget and s.classes > 0}
    return min(feasible, key=lambda n: (node_loss(n, feasible[n], ROWS, LM), sum(n), n))


def _bounds():
    lattice = Lattice(HEIGHTS)
    return {
        tuple(int(x) for x in row): float(value)
        for row, value in zip(lattice.nodes, lower_bounds(lattice, LM), strict=True)
    }


@pytest.mark.parametrize("threshold", [0, 5, 11, 17, 24])
def test_the_choice_is_the_exhaustive_optimum_with_far_fewer_evaluations(threshold):
    stats = {
        n: NodeStats(suppressed=_suppressed(n, threshold), k=5, l=None, classes=1) for n in NODES
    }
    calls = []

    def evaluate(node):
        calls.append(node)
        return stats[node]

    outcome = lattice_search(
        lattice=Lattice(HEIGHTS), evaluate=evaluate, rows=ROWS, max_suppression=0.05, lm=LM
    )

    best = _brute_force(stats, budget=50)
    assert outcome.node == best
    assert outcome.loss == pytest.approx(node_loss(best, stats[best], ROWS, LM))
    assert len(calls) == len(set(calls))
    assert len(calls) < len(NODES) / 3
    # Every feasible node that could have won (bound <= optimum) was evaluated.
    bound = _bounds()
    could_win = {
        n for n, s in stats.items() if s.suppressed <= 50 and bound[n] <= outcome.loss + 1e-12
    }
    assert could_win <= set(calls)


def test_a_non_minimal_node_that_suppresses_less_is_found():
    # A case where the earlier search (every minimal feasible node, plus what its chains
    # happened to touch) settled for (0, 0, 0, 1, 1) at loss 0.0979: (0, 0, 1, 0, 1) is above
    # a minimal node, suppresses nothing and costs 0.09.
    lm = [[0.0, 0.5, 0.6, 0.8, 1.0], [0.0, 1.0], [0.0, 0.4, 0.6, 0.8, 1.0],
          [0.0, 0.3, 0.5, 1.0], [0.0, 0.05, 1.0]]  # fmt: skip

    def suppressed(node):
        if sum(w * x for w, x in zip((3, 2, 5, 4, 4), node, strict=True)) < 5:
            return 1000
        score = sum(w * x for w, x in zip((4, 4, 5, 1, 3), node, strict=True))
        return max(0, 50 - 10 * (score - 2)) if score < 7 else 0

    stats = {n: NodeStats(suppressed=suppressed(n), k=5, l=None, classes=1) for n in NODES}
    outcome = lattice_search(
        lattice=Lattice(HEIGHTS), evaluate=stats.__getitem__, rows=ROWS, max_suppression=0.05,
        lm=lm,
    )  # fmt: skip
    feasible = {n: s for n, s in stats.items() if s.suppressed <= 50}
    best = min(feasible, key=lambda n: (node_loss(n, feasible[n], ROWS, lm), sum(n), n))
    assert outcome.node == best == (0, 0, 1, 0, 1)
    assert outcome.loss == pytest.approx(0.09)


def test_lower_bounds_are_the_loss_without_suppression_and_grow_upwards():
    bounds = _bounds()
    assert set(bounds) == set(NODES)
    none = NodeStats(suppressed=0, k=5, l=None, classes=1)
    for node in NODES:
        assert bounds[node] == pytest.approx(node_loss(node, none, ROWS, LM))
        for i, h in enumerate(HEIGHTS):
            if node[i] + 1 < h:
                above = (*node[:i], node[i] + 1, *node[i + 1 :])
                assert bounds[above] >= bounds[node]


def test_floor_only_rises_and_stays_below_every_evaluated_node():
    stats = {n: NodeStats(suppressed=_suppressed(n, 11), k=5, l=None, classes=1) for n in NODES}
    floors = [tuple(0 for _ in HEIGHTS)]
    calls = []

    def evaluate(node):
        calls.append(node)
        assert all(a >= b for a, b in zip(node, floors[-1], strict=True))
        return stats[node]

    lattice_search(
        lattice=Lattice(HEIGHTS), evaluate=evaluate, rows=ROWS, max_suppression=0.05, lm=LM,
        on_floor=floors.append,
    )  # fmt: skip
    assert calls
    for lower, upper in itertools.pairwise(floors):
        assert all(a <= b for a, b in zip(lower, upper, strict=True))


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
