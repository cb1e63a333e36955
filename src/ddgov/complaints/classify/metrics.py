"""Multi-label figures over partially known labels: top-1 accuracy, micro- and macro-F1.

``known[i, j]`` says whether example *i*'s labelling scheme can express category *j*; a
category it cannot express is neither right nor wrong for it. The predicted set of an example is
every known category scoring at least the threshold, and always its best known category (a
complaint has at least one category). Top-1 accuracy is the share of examples whose best known
category is one of theirs; "unrestricted" top-1 ranks all categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class CategoryFigures:
    """Precision, recall, F1 and support of one category."""

    code: str
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


@dataclass(frozen=True)
class Figures:
    """Overall and per-category figures for one scored set of examples."""

    n: int
    top1: float
    top1_unrestricted: float
    micro_f1: float
    micro_precision: float
    micro_recall: float
    macro_f1: float
    per_category: tuple[CategoryFigures, ...]
    top1_by_group: dict[str, float]


def _ratio(a: int, b: int) -> float:
    return float(a / b) if b else 0.0


def best_known(scores: NDArray[np.float64], known: NDArray[np.bool_]) -> NDArray[np.intp]:
    """Column of the highest-scoring known category of each row."""
    return np.asarray(np.where(known, scores, -np.inf).argmax(axis=1))


def figures_compute(
    *,
    scores: NDArray[np.float64],
    truth: NDArray[np.bool_],
    known: NDArray[np.bool_],
    codes: Sequence[str],
    threshold: float,
    groups: Sequence[str] | None = None,
) -> Figures:
    """Figures for ``scores`` (examples x categories) against ``truth`` where ``known``."""
    n = scores.shape[0]
    rows = np.arange(n)
    top = best_known(scores, known)
    predicted = (scores >= threshold) & known
    predicted[rows, top] = True
    hits = truth[rows, top]
    tp = predicted & truth
    fp = predicted & ~truth & known
    fn = ~predicted & truth
    per: list[CategoryFigures] = []
    f1s: list[float] = []
    for j, code in enumerate(codes):
        t, f_p, f_n = int(tp[:, j].sum()), int(fp[:, j].sum()), int(fn[:, j].sum())
        support = int(truth[:, j].sum())
        f1 = _ratio(2 * t, 2 * t + f_p + f_n)
        per.append(
            CategoryFigures(
                code=code,
                precision=_ratio(t, t + f_p),
                recall=_ratio(t, t + f_n),
                f1=f1,
                support=support,
                predicted=t + f_p,
            )
        )
        if support:
            f1s.append(f1)
    t_all, fp_all, fn_all = int(tp.sum()), int(fp.sum()), int(fn.sum())
    by_group: dict[str, float] = {}
    if groups is not None:
        labels = np.array(list(groups))
        for group in sorted(set(groups)):
            mask = labels == group
            by_group[group] = float(hits[mask].mean())
    return Figures(
        n=n,
        top1=float(hits.mean()) if n else 0.0,
        top1_unrestricted=float(truth[rows, scores.argmax(axis=1)].mean()) if n else 0.0,
        micro_f1=_ratio(2 * t_all, 2 * t_all + fp_all + fn_all),
        micro_precision=_ratio(t_all, t_all + fp_all),
        micro_recall=_ratio(t_all, t_all + fn_all),
        macro_f1=float(np.mean(f1s)) if f1s else 0.0,
        per_category=tuple(per),
        top1_by_group=by_group,
    )


def threshold_choose(
    *,
    scores: NDArray[np.float64],
    truth: NDArray[np.bool_],
    known: NDArray[np.bool_],
    codes: Sequence[str],
) -> float:
    """The threshold in 0.05 … 0.95 with the best micro-F1 (ties: the higher threshold)."""
    best, best_f1 = 0.5, -1.0
    for step in range(1, 20):
        threshold = step / 20
        f1 = figures_compute(
            scores=scores, truth=truth, known=known, codes=codes, threshold=threshold
        ).micro_f1
        if f1 >= best_f1:
            best, best_f1 = threshold, f1
    return best
