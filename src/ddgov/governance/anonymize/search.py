"""Search of the generalisation lattice: predictive tagging plus a loss bound (Flash/OLA-style).

A node is a tuple of levels, one per quasi-identifier. With record suppression, the goals are
monotone along generalisation: if a node is *feasible* (the rows of classes that miss k/l fit
in the suppression budget), every more general node is too; if it is not, no more specific node
is. So each evaluation tags a whole up-set or down-set of the lattice without running it.

The loss (LM, suppressed rows counting as fully lost) is not monotone: a node above a minimal
feasible one may suppress fewer rows and lose less. But a node never loses less than its LM
with nothing suppressed, and that bound grows with generalisation. So the search keeps the best
loss found and only decides the nodes whose bound is within it: bottom-up, it binary-searches
the greedy chain from the lowest undecided node (one column raised per step, cheapest first)
for its lowest feasible node, and evaluates every feasible node within the bound. The release
is the exhaustive optimum, usually after a few dozen evaluations. t-closeness is not strictly
monotone; the tagging treats it as if it were.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

EPSILON = 1e-9  # bounds within this of the best still count (ties break by height)


@dataclass(frozen=True)
class NodeStats:
    """One node's outcome: rows to suppress, smallest kept class, smallest kept l, kept classes."""

    suppressed: int
    k: int
    l: int | None  # noqa: E741
    classes: int


@dataclass
class Lattice:
    """Every combination of levels; ``heights[i]`` is the level count of column ``i``."""

    heights: tuple[int, ...]
    nodes: np.ndarray[Any, Any] = field(init=False)

    def __post_init__(self) -> None:
        """Enumerate the nodes, ordered by total height (bottom first)."""
        grid = list(itertools.product(*(range(h) for h in self.heights)))
        grid.sort(key=lambda n: (sum(n), n))
        self.nodes = np.array(grid, dtype=np.int16).reshape(len(grid), len(self.heights))

    @property
    def size(self) -> int:
        """Number of nodes."""
        return int(self.nodes.shape[0])

    def top(self) -> tuple[int, ...]:
        """The most general node (everything ``*``)."""
        return tuple(h - 1 for h in self.heights)


@dataclass
class Outcome:
    """The chosen node, its statistics, and what the search did."""

    node: tuple[int, ...]
    stats: NodeStats
    loss: float
    evaluated: int
    lattice_size: int
    feasible_evaluated: int
    candidates: list[dict[str, object]]


def node_loss(node: Sequence[int], stats: NodeStats, rows: int, lm: list[list[float]]) -> float:
    """Mean over columns of LM at the node's level, suppressed rows counting as loss 1."""
    share = stats.suppressed / rows if rows else 0.0
    per_column = [(1 - share) * lm[i][level] + share for i, level in enumerate(node)]
    return sum(per_column) / len(per_column) if per_column else 0.0


def _chain(
    start: tuple[int, ...], heights: tuple[int, ...], lm: list[list[float]]
) -> list[tuple[int, ...]]:
    """A path from ``start`` to the top, raising the column whose next level costs least."""
    path = [start]
    node = list(start)
    while any(level < h - 1 for level, h in zip(node, heights, strict=True)):
        options = [i for i, h in enumerate(heights) if node[i] < h - 1]
        best = min(options, key=lambda i: (lm[i][node[i] + 1] - lm[i][node[i]], i))
        node[best] += 1
        path.append(tuple(node))
    return path


def lower_bounds(lattice: Lattice, lm: list[list[float]]) -> np.ndarray[Any, Any]:
    """Each node's least possible loss: its LM with nothing suppressed (monotone upwards)."""
    table = np.zeros((len(lattice.heights), max(lattice.heights)), dtype=np.float64)
    for i, losses in enumerate(lm):
        table[i, : len(losses)] = losses
    columns = np.arange(len(lattice.heights))
    return np.asarray(table[columns, lattice.nodes].mean(axis=1), dtype=np.float64)


def lattice_search(  # noqa: PLR0915 - one loop, its helpers share state
    *,
    lattice: Lattice,
    evaluate: Callable[[tuple[int, ...]], NodeStats],
    rows: int,
    max_suppression: float,
    lm: list[list[float]],
    exhaustive: bool = False,
    on_floor: Callable[[tuple[int, ...]], None] | None = None,
) -> Outcome:
    """Find the least-loss feasible node; ``exhaustive`` evaluates every node (no tagging).

    A node's loss is at least its LM with nothing suppressed (:func:`lower_bounds`), and that
    bound only grows with generalisation. So once a feasible node of loss ``best`` is known,
    no node whose bound exceeds ``best`` can win, nor can any node above it: the search only
    decides the nodes still *pending* (bound <= best, not known infeasible, not evaluated).
    Feasible-tagged pending nodes are evaluated cheapest bound first (each may lower
    ``best``); unknown ones are decided by a binary search for the lowest feasible node on a
    greedy chain from the lowest of them, each evaluation tagging its up- or down-set. Every
    feasible node with bound <= the final best is evaluated, so the result is the one an
    exhaustive search finds (same ordering: loss, then height, then levels).

    ``on_floor`` is told the componentwise lowest levels of the pending nodes whenever they
    rise, so the caller can roll its data up (no remaining node needs finer levels).
    """
    nodes = lattice.nodes
    index = {tuple(int(x) for x in row): i for i, row in enumerate(nodes)}
    status = np.zeros(lattice.size, dtype=np.int8)  # 0 unknown, 1 feasible, -1 infeasible
    done = np.zeros(lattice.size, dtype=bool)
    results: dict[tuple[int, ...], NodeStats] = {}
    budget = int(max_suppression * rows)
    bound = lower_bounds(lattice, lm)
    best = [math.inf]
    floor = [tuple(0 for _ in lattice.heights)]

    def pending() -> np.ndarray[Any, Any]:
        return np.asarray((~done) & (status != -1) & (bound <= best[0] + EPSILON))

    def check(node: tuple[int, ...]) -> bool:
        if on_floor is not None and not exhaustive:
            left = nodes[pending()]
            if len(left):
                lowest = tuple(int(x) for x in left.min(axis=0))
                if lowest != floor[0]:
                    floor[0] = lowest
                    on_floor(lowest)
        stats = evaluate(node)
        results[node] = stats
        done[index[node]] = True
        ok = stats.suppressed <= budget and stats.classes > 0
        row = np.array(node, dtype=np.int16)
        if exhaustive:
            status[index[node]] = 1 if ok else -1
        elif ok:
            status[np.all(nodes >= row, axis=1)] = 1
            best[0] = min(best[0], node_loss(node, stats, rows, lm))
        else:
            status[np.all(nodes <= row, axis=1)] = -1
        return ok

    if exhaustive:
        for row in nodes:
            check(tuple(int(x) for x in row))
        return _outcome(lattice, results, budget, rows, lm, evaluate)
    while True:
        open_nodes = pending()
        if not open_nodes.any():
            break
        tagged = open_nodes & (status == 1)
        if tagged.any():
            # Known feasible: only its exact suppression (hence loss) is missing.
            candidates = np.flatnonzero(tagged)
            check(tuple(int(x) for x in nodes[candidates[np.argmin(bound[candidates])]]))
            continue
        start = tuple(int(x) for x in nodes[int(np.argmax(open_nodes))])
        path = [
            n
            for n in _chain(start, lattice.heights, lm)
            if status[index[n]] == 0 and bound[index[n]] <= best[0] + EPSILON
        ]
        lo, hi = 0, len(path) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            if status[index[path[mid]]] != 0:
                # tagged by an evaluation on this path; move towards the unknown part
                if status[index[path[mid]]] == 1:
                    hi = mid - 1
                else:
                    lo = mid + 1
                continue
            if check(path[mid]):
                hi = mid - 1
            else:
                lo = mid + 1
    return _outcome(lattice, results, budget, rows, lm, evaluate)


def _outcome(  # noqa: PLR0917 - private helper of lattice_search
    lattice: Lattice,
    results: dict[tuple[int, ...], NodeStats],
    budget: int,
    rows: int,
    lm: list[list[float]],
    evaluate: Callable[[tuple[int, ...]], NodeStats],
) -> Outcome:
    """Pick the evaluated feasible node with the least loss."""
    feasible = {n: s for n, s in results.items() if s.suppressed <= budget and s.classes > 0}
    if not feasible:  # cannot happen when k <= rows and l <= distinct values; be explicit
        top = lattice.top()
        feasible = {top: results.get(top) or evaluate(top)}
    ranked = sorted(
        feasible.items(),
        key=lambda item: (node_loss(item[0], item[1], rows, lm), sum(item[0]), item[0]),
    )
    node, stats = ranked[0]
    return Outcome(
        node=node,
        stats=stats,
        loss=node_loss(node, stats, rows, lm),
        evaluated=len(results),
        lattice_size=lattice.size,
        feasible_evaluated=len(feasible),
        candidates=[
            {
                "node": list(n),
                "loss": round(node_loss(n, s, rows, lm), 6),
                "suppressed_rows": s.suppressed,
            }
            for n, s in ranked[:5]
        ],
    )
