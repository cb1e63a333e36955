"""Reference points for the held-out figures: the majority category and plain TF-IDF + LR.

The TF-IDF + logistic-regression baseline is the one issue 7 quotes: ``newmm`` words, default
TF-IDF, one-vs-rest logistic regression with default settings and a 0.5 threshold, every missing
label taken as a negative. It is trained on the same training split and scored the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from ddgov.complaints.classify.metrics import Figures, figures_compute
from ddgov.complaints.classify.training import Design

BASELINE_THRESHOLD = 0.5


def majority_scores(*, train: Design, test: Design) -> NDArray[np.float64]:
    """Every test ticket gets the category most frequent in training, and only that one."""
    column = int(train.truth.sum(axis=0).argmax())
    scores = np.zeros(test.truth.shape, dtype=np.float64)
    scores[:, column] = 1.0
    return scores


def majority_baseline(*, train: Design, test: Design, codes: Sequence[str]) -> Figures:
    """Held-out figures of :func:`majority_scores`."""
    return figures_compute(
        scores=majority_scores(train=train, test=test),
        truth=test.truth,
        known=test.known,
        codes=codes,
        threshold=BASELINE_THRESHOLD,
        groups=test.groups,
    )


def _identity(tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tokens


def tfidf_lr_scores(*, train: Design, test: Design) -> NDArray[np.float64]:
    """Probabilities of plain word TF-IDF + one-vs-rest logistic regression (defaults)."""
    vectorizer = TfidfVectorizer(analyzer=_identity)
    rows = vectorizer.fit_transform(train.tokens)
    present = train.truth.any(axis=0)
    model = OneVsRestClassifier(LogisticRegression(max_iter=2000))
    model.fit(rows, train.truth[:, present].astype(int))
    scores: NDArray[np.float64] = np.zeros(test.truth.shape, dtype=np.float64)
    scores[:, present] = model.predict_proba(vectorizer.transform(test.tokens))
    return scores


def tfidf_lr_baseline(*, train: Design, test: Design, codes: Sequence[str]) -> Figures:
    """Held-out figures of :func:`tfidf_lr_scores` at the default threshold 0.5."""
    return figures_compute(
        scores=tfidf_lr_scores(train=train, test=test),
        truth=test.truth,
        known=test.known,
        codes=codes,
        threshold=BASELINE_THRESHOLD,
        groups=test.groups,
    )
