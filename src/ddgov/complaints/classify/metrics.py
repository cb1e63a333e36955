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


@dataclass(frozen=True)
class Interval:
    """A 95 % percentile-bootstrap interval."""

    low: float
    high: float


def figures_bootstrap(
    *,
    runs: dict[str, tuple[NDArray[np.float64], float]],
    truth: NDArray[np.bool_],
    known: NDArray[np.bool_],
    codes: Sequence[str],
    reference: str,
    rounds: int = 1000,
    seed: int = 0,
) -> dict[str, dict[str, Interval]]:
    """95 % bootstrap intervals of top-1, micro-F1 and macro-F1 for each scored run.

    ``runs`` maps a name to its scores and threshold on the same examples. The examples are
    resampled with replacement ``rounds`` times (the same resamples for every run), so the
    intervals say how much the figures would move on another draw of tickets of the same kind;
    ``"<name>-<reference>"`` entries hold the paired difference to the ``reference`` run, which
    is what shows whether one model is really better than another on this test set.
    """
    metrics = ("top1", "micro_f1", "macro_f1")
    rng = np.random.default_rng(seed)
    n = truth.shape[0]
    samples: dict[str, dict[str, list[float]]] = {name: {m: [] for m in metrics} for name in runs}
    diffs = [name for name in runs if name != reference]
    for name in diffs:
        samples[f"{name}-{reference}"] = {m: [] for m in metrics}
    for _ in range(rounds):
        idx = rng.integers(0, n, size=n)
        values: dict[str, Figures] = {}
        for name, (scores, threshold) in runs.items():
            values[name] = figures_compute(
                scores=scores[idx],
                truth=truth[idx],
                known=known[idx],
                codes=codes,
                threshold=threshold,
            )
        for name, figures in values.items():
            for m in metrics:
                samples[name][m].append(getattr(figures, m))
        for name in diffs:
            for m in metrics:
                samples[f"{name}-{reference}"][m].append(
                    getattr(values[name], m) - getattr(values[reference], m)
                )
    return {
        name: {
            m: Interval(
                low=float(np.percentile(values_m, 2.5)), high=float(np.percentile(values_m, 97.5))
            )
            for m, values_m in by_metric.items()
        }
        for name, by_metric in samples.items()
    }
