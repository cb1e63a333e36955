"""Word and character n-gram TF-IDF features, small enough to ship as plain arrays.

Two blocks, each TF-IDF with sublinear term frequency (``1 + ln tf``), smoothed idf
(``ln((1 + n) / (1 + df)) + 1``, as scikit-learn computes it) and unit L2 norm:

* **words** - PyThaiNLP ``newmm`` words and adjacent word pairs;
* **characters** - 1- to 4-character pieces of each word padded with spaces, which survive
  segmentation errors and spelling variants ("ฟุตบาท"/"ฟุตบาธ").

The blocks are weighted by sqrt(alpha) and sqrt(1 - alpha) and concatenated. Fitting and transforming are the same
code at training and at prediction time, so the shipped vocabulary and idf reproduce the
training features exactly; nothing from scikit-learn is pickled.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

CHAR_MIN = 1
CHAR_MAX = 4


def word_terms(tokens: Sequence[str]) -> list[str]:
    """Words and adjacent word pairs ("ไฟ", "ดับ", "ไฟ ดับ")."""
    return [*tokens, *(f"{a} {b}" for a, b in itertools.pairwise(tokens))]


def char_terms(tokens: Sequence[str]) -> list[str]:
    """Character n-grams (1-4) inside each space-padded word."""
    out: list[str] = []
    for token in tokens:
        padded = f" {token} "
        for size in range(CHAR_MIN, CHAR_MAX + 1):
            out.extend(padded[i : i + size] for i in range(len(padded) - size + 1))
    return out


@dataclass(frozen=True)
class Block:
    """One TF-IDF block: term → column, idf per column, and the block's weight."""

    vocabulary: dict[str, int]
    idf: NDArray[np.float64]
    weight: float

    @property
    def size(self) -> int:
        """Number of columns."""
        return len(self.vocabulary)

    def rows(self, docs: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """TF-IDF rows (sublinear tf, L2-normalised, times the block weight)."""
        indptr = [0]
        indices: list[int] = []
        values: list[float] = []
        for terms in docs:
            counts = Counter(self.vocabulary[t] for t in terms if t in self.vocabulary)
            cols = sorted(counts)
            vals = np.array(
                [(1.0 + math.log(counts[c])) * self.idf[c] for c in cols], dtype=np.float64
            )
            norm = float(np.sqrt(np.dot(vals, vals)))
            if norm > 0:
                vals *= self.weight / norm
            indices.extend(cols)
            values.extend(vals.tolist())
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (np.array(values, dtype=np.float64), np.array(indices, dtype=np.int64), indptr),
            shape=(len(docs), self.size),
        )


def block_fit(*, docs: Sequence[Sequence[str]], min_df: int, weight: float) -> Block:
    """Vocabulary (terms in at least ``min_df`` documents, sorted) and smoothed idf."""
    df: Counter[str] = Counter()
    for terms in docs:
        df.update(set(terms))
    kept = sorted(term for term, count in df.items() if count >= min_df)
    n = len(docs)
    idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in kept], dtype=np.float64)
    return Block(vocabulary={t: i for i, t in enumerate(kept)}, idf=idf, weight=weight)


@dataclass(frozen=True)
class Featuriser:
    """The word block and the character block side by side."""

    words: Block
    chars: Block

    @property
    def size(self) -> int:
        """Total number of columns."""
        return self.words.size + self.chars.size

    def transform(self, token_lists: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """Feature rows for segmented texts."""
        word_rows = self.words.rows([word_terms(t) for t in token_lists])
        char_rows = self.chars.rows([char_terms(t) for t in token_lists])
        return sparse.hstack([word_rows, char_rows], format="csr")

    def vocabulary(self) -> tuple[list[str], list[str]]:
        """Word and character terms in column order (for saving)."""
        return _ordered(self.words.vocabulary), _ordered(self.chars.vocabulary)


def _ordered(vocabulary: dict[str, int]) -> list[str]:
    terms = [""] * len(vocabulary)
    for term, index in vocabulary.items():
        terms[index] = term
    return terms


def featuriser_fit(
    *, token_lists: Sequence[Sequence[str]], alpha: float, min_df: int = 2
) -> Featuriser:
    """Fit both blocks on training texts; ``alpha`` is the word block's share of the weight."""
    return Featuriser(
        words=block_fit(
            docs=[word_terms(t) for t in token_lists], min_df=min_df, weight=math.sqrt(alpha)
        ),
        chars=block_fit(
            docs=[char_terms(t) for t in token_lists],
            min_df=min_df,
            weight=math.sqrt(1.0 - alpha),
        ),
    )


def featuriser_from_arrays(
    *,
    word_terms_list: Sequence[str],
    word_idf: NDArray[np.float64],
    char_terms_list: Sequence[str],
    char_idf: NDArray[np.float64],
    alpha: float,
) -> Featuriser:
    """Rebuild a featuriser from saved vocabularies and idf arrays."""
    return Featuriser(
        words=Block(
            vocabulary={t: i for i, t in enumerate(word_terms_list)},
            idf=np.asarray(word_idf, dtype=np.float64),
            weight=math.sqrt(alpha),
        ),
        chars=Block(
            vocabulary={t: i for i, t in enumerate(char_terms_list)},
            idf=np.asarray(char_idf, dtype=np.float64),
            weight=math.sqrt(1.0 - alpha),
        ),
    )
