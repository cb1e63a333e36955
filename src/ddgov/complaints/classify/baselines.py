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


def majority_baseline(*, train: Design, test: Design, codes: Sequence[str]) -> Figures:
    """Every test ticket gets the category most frequent in training, and only that one."""
    column = int(train.truth.sum(axis=0).argmax())
    scores = np.zeros(test.truth.shape, dtype=np.float64)
    scores[:, column] = 1.0
    return figures_compute(
        scores=scores,
        truth=test.truth,
        known=test.known,
        codes=codes,
        threshold=0.5,
        groups=test.groups,
    )


def _identity(tokens: tuple[str, ...]) -> tuple[str, ...]:
    return tokens


def tfidf_lr_baseline(*, train: Design, test: Design, codes: Sequence[str]) -> Figures:
    """Plain word TF-IDF + one-vs-rest logistic regression (defaults, threshold 0.5)."""
    vectorizer = TfidfVectorizer(analyzer=_identity)
    rows = vectorizer.fit_transform(train.tokens)
    present = train.truth.any(axis=0)
    model = OneVsRestClassifier(LogisticRegression(max_iter=2000))
    model.fit(rows, train.truth[:, present].astype(int))
    scores: NDArray[np.float64] = np.zeros(test.truth.shape, dtype=np.float64)
    scores[:, present] = model.predict_proba(vectorizer.transform(test.tokens))
    return figures_compute(
        scores=scores,
        truth=test.truth,
        known=test.known,
        codes=codes,
        threshold=0.5,
        groups=test.groups,
    )
