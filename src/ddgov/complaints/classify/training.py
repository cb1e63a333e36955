"""Training: one linear SVM per category over partially known labels, then Platt calibration.

For category *c* a classifier sees only the tickets whose labelling scheme can express *c*
(:mod:`~ddgov.complaints.classify.taxonomy`). In a single-choice scheme (Traffy 2024: the citizen
picks one category) a category not picked is weak evidence, so those negatives weigh
:data:`SINGLE_CHOICE_NEGATIVE_WEIGHT`. Classes are balanced per category.

Scores are calibrated with Platt scaling fitted on out-of-fold scores of a
:data:`CV_FOLDS`-fold cross-validation *inside the training split* (features refitted per fold),
which also picks the decision threshold and gives the cross-validated figures in the report. The
held-out split is never looked at here. Settings were chosen by the same cross-validation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.svm import LinearSVC

from ddgov.complaints.classify.dataset import Example
from ddgov.complaints.classify.features import Featuriser, featuriser_fit
from ddgov.complaints.classify.metrics import Figures, figures_compute, threshold_choose
from ddgov.complaints.classify.taxonomy import Taxonomy
from ddgov.complaints.classify.text import text_normalise, text_segment

ALPHA = 0.5  # share of the word block in the feature weight (the rest: character n-grams)
MIN_DF = 2  # a term must occur in two training texts
SVM_C = 0.5
SINGLE_CHOICE_NEGATIVE_WEIGHT = 0.5
MIN_POSITIVES = 10  # categories with fewer training examples are not modelled
CV_FOLDS = 5
MAX_ITER = 5000


@dataclass(frozen=True)
class Design:
    """Segmented texts and label matrices (examples x categories) for a list of examples."""

    tokens: list[tuple[str, ...]]
    truth: NDArray[np.bool_]
    known: NDArray[np.bool_]
    weights: NDArray[np.float64]
    groups: list[str]


def tokens_of(text: str) -> tuple[str, ...]:
    """Normalised, segmented words of a raw complaint text."""
    return tuple(text_segment(text=text_normalise(text=text)))


def design_build(
    *,
    examples: Sequence[Example],
    codes: Sequence[str],
    taxonomy: Taxonomy,
    segment: bool = True,
) -> Design:
    """Tokens, truth, known-mask and sample weights in the order of ``codes``.

    ``segment=False`` leaves the tokens empty when only the labels are needed.
    """
    truth = np.array([[c in e.positives for c in codes] for e in examples], dtype=bool)
    truth = truth.reshape(len(examples), len(codes))
    known = np.array([[c in e.known for c in codes] for e in examples], dtype=bool)
    known = known.reshape(len(examples), len(codes))
    weights = np.ones(truth.shape, dtype=np.float64)
    for i, example in enumerate(examples):
        if taxonomy.schemes[example.scheme].single_choice:
            weights[i, ~truth[i]] = SINGLE_CHOICE_NEGATIVE_WEIGHT
    return Design(
        tokens=[tokens_of(e.text) for e in examples] if segment else [],
        truth=truth,
        known=known,
        weights=weights,
        groups=[e.source for e in examples],
    )


def codes_trainable(
    *, examples: Sequence[Example], taxonomy: Taxonomy
) -> tuple[list[str], dict[str, int]]:
    """Taxonomy codes with at least :data:`MIN_POSITIVES` examples, and the others' counts."""
    kept: list[str] = []
    skipped: dict[str, int] = {}
    for category in taxonomy.categories:
        count = sum(category.code in e.positives for e in examples)
        if count >= MIN_POSITIVES:
            kept.append(category.code)
        else:
            skipped[category.code] = count
    return kept, skipped


def linear_fit(
    *,
    rows: sparse.csr_matrix,
    truth: NDArray[np.bool_],
    known: NDArray[np.bool_],
    weights: NDArray[np.float64],
    seed: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Weights (features x categories) and intercepts of one balanced linear SVM per category."""
    n_features, n_codes = rows.shape[1], truth.shape[1]
    coef = np.zeros((n_features, n_codes), dtype=np.float64)
    intercept = np.zeros(n_codes, dtype=np.float64)
    for j in range(n_codes):
        mask = known[:, j]
        y = truth[mask, j]
        if y.all() or not y.any():  # one class only: a constant score
            intercept[j] = 1.0 if y.all() else -1.0
            continue
        svm = LinearSVC(C=SVM_C, class_weight="balanced", random_state=seed, max_iter=MAX_ITER)
        svm.fit(rows[mask], y, sample_weight=weights[mask, j])
        coef[:, j] = svm.coef_[0]
        intercept[j] = float(svm.intercept_[0])
    return coef, intercept


def _fit_and_score(
    design: Design, train_idx: NDArray[np.intp], score_idx: NDArray[np.intp], seed: int
) -> NDArray[np.float64]:
    featuriser = featuriser_fit(
        token_lists=[design.tokens[i] for i in train_idx], alpha=ALPHA, min_df=MIN_DF
    )
    coef, intercept = linear_fit(
        rows=featuriser.transform([design.tokens[i] for i in train_idx]),
        truth=design.truth[train_idx],
        known=design.known[train_idx],
        weights=design.weights[train_idx],
        seed=seed,
    )
    scored = featuriser.transform([design.tokens[i] for i in score_idx])
    return np.asarray(scored @ coef) + intercept


def out_of_fold_scores(*, design: Design, seed: int) -> NDArray[np.float64]:
    """Raw scores of every training example from a model that did not see it."""
    n = len(design.tokens)
    scores = np.zeros(design.truth.shape, dtype=np.float64)
    folds = KFold(n_splits=CV_FOLDS, shuffle=True, random_state=seed)
    for train_idx, score_idx in folds.split(np.arange(n)):
        scores[score_idx] = _fit_and_score(design, train_idx, score_idx, seed)
    return scores


def platt_fit(
    *, scores: NDArray[np.float64], truth: NDArray[np.bool_], known: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per category ``a``, ``b`` with P(category) = 1 / (1 + exp(a·score + b))."""
    n_codes = scores.shape[1]
    a = np.full(n_codes, -1.0)
    b = np.zeros(n_codes)
    for j in range(n_codes):
        mask = known[:, j]
        y = truth[mask, j]
        if y.all() or not y.any():
            continue
        logistic = LogisticRegression(C=100.0)
        logistic.fit(scores[mask, j].reshape(-1, 1), y)
        a[j] = -float(logistic.coef_[0, 0])
        b[j] = -float(logistic.intercept_[0])
    return a, b


@dataclass(frozen=True)
class Trained:
    """What :func:`model_fit` produced: the parts of a model and its cross-validated figures."""

    featuriser: Featuriser
    coef: NDArray[np.float64]
    intercept: NDArray[np.float64]
    platt_a: NDArray[np.float64]
    platt_b: NDArray[np.float64]
    threshold: float
    cv: Figures


def model_fit(*, design: Design, codes: Sequence[str], seed: int) -> Trained:
    """Cross-validate for calibration and threshold, then fit on all training examples."""
    oof = out_of_fold_scores(design=design, seed=seed)
    platt_a, platt_b = platt_fit(scores=oof, truth=design.truth, known=design.known)
    oof_probs = 1.0 / (1.0 + np.exp(np.clip(oof * platt_a + platt_b, -50, 50)))
    threshold = threshold_choose(
        scores=oof_probs, truth=design.truth, known=design.known, codes=codes
    )
    cv = figures_compute(
        scores=oof_probs,
        truth=design.truth,
        known=design.known,
        codes=codes,
        threshold=threshold,
        groups=design.groups,
    )
    featuriser = featuriser_fit(token_lists=design.tokens, alpha=ALPHA, min_df=MIN_DF)
    coef, intercept = linear_fit(
        rows=featuriser.transform(design.tokens),
        truth=design.truth,
        known=design.known,
        weights=design.weights,
        seed=seed,
    )
    return Trained(
        featuriser=featuriser,
        coef=coef,
        intercept=intercept,
        platt_a=platt_a,
        platt_b=platt_b,
        threshold=threshold,
        cv=cv,
    )
