"""Search of the generalisation lattice with predictive tagging (Flash/OLA-style).

A node is a tuple of levels, one per quasi-identifier. With record suppression, the goals are
monotone along generalisation: if a node is *feasible* (the rows of classes that miss k/l fit
in the suppression budget), every more general node is too; if it is not, no more specific node
is. So each evaluation tags a whole up-set or down-set of the lattice without running it.

The search walks the lattice bottom-up; for each node not yet tagged it binary-searches the
greedy chain from that node to the top (one column raised per step) for the lowest feasible
node on it. Every *minimal* feasible node is then guaranteed to have been evaluated (a node
tagged feasible by inference lies above an evaluated feasible node), and the release is the
evaluated feasible node with the least information loss (LM, suppressed rows counting as fully
lost). t-closeness is not strictly monotone; the tagging treats it as if it were.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


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


def lattice_search(
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

    ``on_floor`` is told the componentwise lowest levels of the nodes still unknown whenever
    they rise, so the caller can roll its data up (no remaining node needs finer levels).
    """
    nodes = lattice.nodes
    index = {tuple(int(x) for x in row): i for i, row in enumerate(nodes)}
    status = np.zeros(lattice.size, dtype=np.int8)  # 0 unknown, 1 feasible, -1 infeasible
    results: dict[tuple[int, ...], NodeStats] = {}
    budget = int(max_suppression * rows)

    floor = [tuple(0 for _ in lattice.heights)]

    def check(node: tuple[int, ...]) -> bool:
        if on_floor is not None and not exhaustive:
            unknown = nodes[status == 0]
            if len(unknown):
                lowest = tuple(int(x) for x in unknown.min(axis=0))
                if lowest != floor[0]:
                    floor[0] = lowest
                    on_floor(lowest)
        stats = evaluate(node)
        results[node] = stats
        ok = stats.suppressed <= budget and stats.classes > 0
        row = np.array(node, dtype=np.int16)
        if exhaustive:
            status[index[node]] = 1 if ok else -1
        elif ok:
            status[np.all(nodes >= row, axis=1)] = 1
        else:
            status[np.all(nodes <= row, axis=1)] = -1
        return ok

    if exhaustive:
        for row in nodes:
            check(tuple(int(x) for x in row))
    else:
        for i in range(lattice.size):
            if status[i] != 0:
                continue
            start = tuple(int(x) for x in nodes[i])
            path = [n for n in _chain(start, lattice.heights, lm) if status[index[n]] == 0]
            lo, hi = 0, len(path) - 1
            while lo <= hi and path:
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
