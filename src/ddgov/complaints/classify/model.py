"""The shipped classifier: linear scores per category, Platt-calibrated, stored as plain data.

A model directory holds three files and no pickles:

* ``model.json`` - format, category codes, decision threshold, feature settings, the digest of
  the training data and the figures measured when it was trained;
* ``vocab.json`` - the word and character terms in column order;
* ``weights.npz`` - idf per term, one weight column per category (float16), intercepts and the
  Platt parameters ``a``, ``b`` that turn a raw score ``s`` into ``1 / (1 + exp(a·s + b))``.

Files are written byte-for-byte reproducibly (sorted keys, fixed zip timestamps), so training
twice with the same data and seed gives identical files.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from ddgov.complaints.classify.features import Featuriser, featuriser_from_arrays

MODEL_FORMAT = 1
SHIPPED_MODEL_DIR = Path(__file__).with_name("model")
FILES = ("model.json", "vocab.json", "weights.npz")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class ModelError(ValueError):
    """A model directory is missing or unreadable (message in English and Thai)."""


@dataclass(frozen=True)
class LinearModel:
    """Featuriser, per-category linear weights and calibration, plus descriptive metadata."""

    featuriser: Featuriser
    codes: tuple[str, ...]
    coef: NDArray[np.float32]  # (features, categories)
    intercept: NDArray[np.float64]
    platt_a: NDArray[np.float64]
    platt_b: NDArray[np.float64]
    threshold: float
    alpha: float
    meta: dict[str, Any]

    def decision(self, rows: sparse.csr_matrix) -> NDArray[np.float64]:
        """Raw linear scores, one column per category."""
        scores = rows @ self.coef.astype(np.float64)
        return np.asarray(scores) + self.intercept

    def probabilities(self, rows: sparse.csr_matrix) -> NDArray[np.float64]:
        """Calibrated scores in [0, 1], one column per category."""
        return platt_apply(self.decision(rows), self.platt_a, self.platt_b)


def platt_apply(
    scores: NDArray[np.float64], a: NDArray[np.float64], b: NDArray[np.float64]
) -> NDArray[np.float64]:
    """``1 / (1 + exp(a·s + b))`` element-wise, clipped to avoid overflow."""
    z = np.clip(scores * a + b, -50.0, 50.0)
    return np.asarray(1.0 / (1.0 + np.exp(z)), dtype=np.float64)


def _npz_bytes(arrays: dict[str, NDArray[Any]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            payload = io.BytesIO()
            np.lib.format.write_array(payload, np.ascontiguousarray(arrays[name]))  # type: ignore[no-untyped-call]
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, payload.getvalue())
    return buffer.getvalue()


def model_save(*, model: LinearModel, out_dir: Path) -> dict[str, int]:
    """Write the three model files; returns their sizes in bytes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    words, chars = model.featuriser.vocabulary()
    meta = {
        **model.meta,
        "format": MODEL_FORMAT,
        "categories": list(model.codes),
        "threshold": model.threshold,
        "alpha": model.alpha,
    }
    contents = {
        "model.json": json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        "vocab.json": json.dumps({"chars": chars, "words": words}, ensure_ascii=False),
    }
    for name, text in contents.items():
        (out_dir / name).write_text(text, encoding="utf-8")
    weights = _npz_bytes(
        {
            "word_idf": model.featuriser.words.idf.astype(np.float32),
            "char_idf": model.featuriser.chars.idf.astype(np.float32),
            "coef": model.coef.astype(np.float16),
            "intercept": model.intercept.astype(np.float64),
            "platt_a": model.platt_a.astype(np.float64),
            "platt_b": model.platt_b.astype(np.float64),
        }
    )
    (out_dir / "weights.npz").write_bytes(weights)
    return {name: (out_dir / name).stat().st_size for name in FILES}


def model_load(*, model_dir: Path) -> LinearModel:
    """Read a model directory written by :func:`model_save`."""
    missing = [name for name in FILES if not (model_dir / name).is_file()]
    if missing:
        msg = (
            f"no classifier model in {model_dir} (missing {', '.join(missing)}); "
            f"run 'ddgov complaints train' / ไม่พบโมเดลจัดหมวดหมู่ใน {model_dir} "
            "ให้รัน 'ddgov complaints train'"
        )
        raise ModelError(msg)
    try:
        meta = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))
        vocab = json.loads((model_dir / "vocab.json").read_text(encoding="utf-8"))
        with np.load(model_dir / "weights.npz", allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except (OSError, ValueError, KeyError) as exc:
        msg = f"unreadable classifier model in {model_dir}: {exc} / อ่านโมเดลไม่ได้"
        raise ModelError(msg) from exc
    if meta.get("format") != MODEL_FORMAT:
        msg = (
            f"classifier model format {meta.get('format')!r} is not {MODEL_FORMAT}; retrain / "
            "รูปแบบโมเดลไม่ตรงกับรุ่นของโปรแกรม ให้ฝึกโมเดลใหม่"
        )
        raise ModelError(msg)
    alpha = float(meta["alpha"])
    featuriser = featuriser_from_arrays(
        word_terms_list=vocab["words"],
        word_idf=arrays["word_idf"].astype(np.float64),
        char_terms_list=vocab["chars"],
        char_idf=arrays["char_idf"].astype(np.float64),
        alpha=alpha,
    )
    return LinearModel(
        featuriser=featuriser,
        codes=tuple(meta["categories"]),
        coef=arrays["coef"].astype(np.float32),
        intercept=arrays["intercept"].astype(np.float64),
        platt_a=arrays["platt_a"].astype(np.float64),
        platt_b=arrays["platt_b"].astype(np.float64),
        threshold=float(meta["threshold"]),
        alpha=alpha,
        meta=meta,
    )
