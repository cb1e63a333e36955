"""Complaint category classification: predict, train, evaluate.

``category_predict`` serves the intake forms and the public classify endpoint from the model
shipped in ``classify/model/`` (loaded once per process). ``classifier_train`` rebuilds a model
from the real Traffy data under ``SHARED_DATA_DIR/traffy`` using only the training days;
``classifier_evaluate`` scores a model on the held-out days (see
:data:`~ddgov.complaints.classify.dataset.SPLIT_DESCRIPTION`).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from numpy.typing import NDArray

from ddgov.complaints.classify.baselines import (
    BASELINE_THRESHOLD,
    majority_scores,
    tfidf_lr_scores,
)
from ddgov.complaints.classify.dataset import SPLIT_DESCRIPTION, dataset_load
from ddgov.complaints.classify.metrics import Figures, figures_bootstrap, figures_compute
from ddgov.complaints.classify.model import (
    SHIPPED_MODEL_DIR,
    LinearModel,
    model_load,
    model_save,
)
from ddgov.complaints.classify.taxonomy import taxonomy_load
from ddgov.complaints.classify.training import (
    ALPHA,
    CV_FOLDS,
    MIN_DF,
    MIN_POSITIVES,
    SINGLE_CHOICE_NEGATIVE_WEIGHT,
    SVM_C,
    Design,
    codes_trainable,
    design_build,
    model_fit,
    tokens_of,
)

BOOTSTRAP_ROUNDS = 1000  # resamples of the test tickets for the 95 % intervals
MAX_TEXT_CHARS = 5000  # longer texts are cut: the start says what the complaint is about
MODEL_KIND = "ovr-linear-svm+platt; word 1-2-gram + char 1-4-gram tf-idf"


@dataclass(frozen=True)
class CategoryScore:
    """One suggested category and its calibrated score in [0, 1]."""

    code: str
    label_th: str
    label_en: str
    score: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


@dataclass
class TrainReport:
    """What a training run produced and how it did in cross-validation on the training split."""

    out_dir: str
    seed: int
    split: str
    data_digest: str
    n_train: int
    n_held_out: int
    categories: list[str]
    skipped_categories: dict[str, int]
    threshold: float
    cv_top1: float
    cv_micro_f1: float
    cv_macro_f1: float
    seconds: float
    files: dict[str, int]
    unknown_labels: dict[str, int] = field(default_factory=dict)

    @property
    def model_bytes(self) -> int:
        """Total size of the model files."""
        return sum(self.files.values())

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {**asdict(self), "model_bytes": self.model_bytes}

    def format(self) -> str:
        """Plain-text summary for the command line."""
        skipped = ", ".join(f"{c} ({n})" for c, n in self.skipped_categories.items()) or "none"
        return "\n".join(
            [
                f"model written to {self.out_dir} ({self.model_bytes / 1e6:.2f} MB)",
                f"split: {self.split}",
                (
                    f"training data {self.data_digest}; {self.n_train} training tickets "
                    f"({self.n_held_out} held out)"
                ),
                f"categories: {len(self.categories)} modelled; too few examples: {skipped}",
                (
                    f"{CV_FOLDS}-fold cross-validation on the training split: "
                    f"top-1 {self.cv_top1:.3f}, micro-F1 {self.cv_micro_f1:.3f}, "
                    f"macro-F1 {self.cv_macro_f1:.3f} (threshold {self.threshold:.2f})"
                ),
                f"training time {self.seconds:.1f} s (seed {self.seed})",
                *(
                    [
                        "labels not in the taxonomy (extend categories.json?): "
                        + ", ".join(f"{k} ({v})" for k, v in self.unknown_labels.items())
                    ]
                    if self.unknown_labels
                    else []
                ),
            ]
        )


def _figures_dict(figures: Figures) -> dict[str, Any]:
    return {
        "top1": figures.top1,
        "top1_unrestricted": figures.top1_unrestricted,
        "micro_f1": figures.micro_f1,
        "macro_f1": figures.macro_f1,
        "top1_by_source": figures.top1_by_group,
    }


@dataclass
class EvalReport:
    """Held-out figures of a model, per category and against two baselines."""

    model_dir: str
    split: str
    data_digest: str
    model_data_digest: str
    n_train: int
    n_test: int
    threshold: float
    top1: float
    top1_unrestricted: float
    micro_f1: float
    micro_precision: float
    micro_recall: float
    macro_f1: float
    top1_by_source: dict[str, float]
    per_category: list[dict[str, Any]]
    baselines: dict[str, dict[str, Any]]
    latency_ms_p50: float
    latency_ms_p95: float
    model_bytes: int = 0
    by_source: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    ci95: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    bootstrap_rounds: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def data_digest_matches(self) -> bool:
        """True when the model was trained on exactly the data evaluated here."""
        return self.data_digest == self.model_data_digest

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {**asdict(self), "data_digest_matches": self.data_digest_matches}

    def _ci(self, run: str, metric: str) -> str:
        interval = self.ci95.get(run, {}).get(metric)
        if not interval:
            return ""
        sign = "+" if "-" in run else ""
        return f" [{interval[0]:{sign}.3f}, {interval[1]:{sign}.3f}]"

    def format(self) -> str:
        """Plain-text report for the command line."""
        lines = [
            f"category classifier: {self.model_dir} ({self.model_bytes / 1e6:.2f} MB)",
            f"split: {self.split}",
            f"train {self.n_train} tickets, test {self.n_test} tickets; data {self.data_digest}"
            + ("" if self.data_digest_matches else " (model trained on other data!)"),
            "",
            (
                f"top-1 accuracy      {self.top1:.3f}{self._ci('model', 'top1')}   "
                f"(all categories ranked: {self.top1_unrestricted:.3f})"
            ),
            (
                f"micro-F1            {self.micro_f1:.3f}{self._ci('model', 'micro_f1')}   "
                f"(P {self.micro_precision:.3f}, R {self.micro_recall:.3f}, "
                f"threshold {self.threshold:.2f})"
            ),
            f"macro-F1            {self.macro_f1:.3f}{self._ci('model', 'macro_f1')}",
            "top-1 by source     "
            + ", ".join(f"{k} {v:.3f}" for k, v in self.top1_by_source.items()),
        ]
        for name, figures in self.baselines.items():
            lines.append(
                f"baseline {name:<10} top-1 {figures['top1']:.3f}, "
                f"micro-F1 {figures['micro_f1']:.3f}, macro-F1 {figures['macro_f1']:.3f}"
            )
        lines.append(
            f"latency per text    p50 {self.latency_ms_p50:.1f} ms, p95 {self.latency_ms_p95:.1f} ms"
        )
        lines += self._side_by_side()
        lines += ["", f"{'category':<16}{'label_th':<20}{'P':>7}{'R':>7}{'F1':>7}{'n':>6}"]
        for row in self.per_category:
            lines.append(
                f"{row['code']:<16}{row['label_th']:<20}{row['precision']:>7.3f}"
                f"{row['recall']:>7.3f}{row['f1']:>7.3f}{row['support']:>6}"
            )
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)

    def _side_by_side(self) -> list[str]:
        """The model and the baselines on the same tickets, overall and per source."""
        if not self.by_source:
            return []
        runs = ["model", *self.baselines]
        lines = [
            "",
            "same split, side by side "
            + (
                f"(95% bootstrap intervals, {self.bootstrap_rounds} resamples of the test tickets)"
                if self.bootstrap_rounds
                else ""
            ),
            f"{'tickets':<28}{'run':<18}{'top-1':>7}{'micro-F1':>10}{'macro-F1':>10}",
        ]
        for source, by_run in self.by_source.items():
            for run in runs:
                if run not in by_run:
                    continue
                row = by_run[run]
                lines.append(
                    f"{source + ' (' + str(row['n']) + ')':<28}{run:<18}{row['top1']:>7.3f}"
                    f"{row['micro_f1']:>10.3f}{row['macro_f1']:>10.3f}"
                )
        for run, intervals in self.ci95.items():
            if "-" not in run:
                continue
            lines.append(
                f"difference {run}: "
                + ", ".join(
                    f"{metric} [{low:+.3f}, {high:+.3f}]"
                    for metric, (low, high) in intervals.items()
                )
            )
        return lines


def _by_source(
    *,
    runs: dict[str, tuple[NDArray[np.float64], float]],
    design: Design,
    codes: list[str],
) -> dict[str, dict[str, dict[str, Any]]]:
    """Figures of every run on all test tickets and on each source's tickets alone."""
    labels = np.array(design.groups)
    subsets = {"all": np.ones(len(labels), dtype=bool)}
    subsets |= {source: labels == source for source in sorted(set(design.groups))}
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for source, mask in subsets.items():
        out[source] = {}
        for name, (scores, threshold) in runs.items():
            figures = figures_compute(
                scores=scores[mask],
                truth=design.truth[mask],
                known=design.known[mask],
                codes=codes,
                threshold=threshold,
            )
            out[source][name] = {
                "n": int(mask.sum()),
                "top1": round(figures.top1, 6),
                "micro_f1": round(figures.micro_f1, 6),
                "macro_f1": round(figures.macro_f1, 6),
            }
    return out


def _traffy_dir(traffy_dir: Path | None) -> Path:
    return traffy_dir if traffy_dir is not None else Path(settings.SHARED_DATA_DIR) / "traffy"


@lru_cache(maxsize=4)
def _cached_model(model_dir: Path) -> LinearModel:
    return model_load(model_dir=model_dir)


def classifier_load(*, model_dir: Path | None = None) -> LinearModel:
    """The model in ``model_dir`` (default: the shipped one), read once per process."""
    return _cached_model((model_dir or SHIPPED_MODEL_DIR).resolve())


def _predict_with(model: LinearModel, text: str, top: int) -> list[CategoryScore]:
    tokens = tokens_of(text[:MAX_TEXT_CHARS])
    if not tokens:
        return []
    probabilities = model.probabilities(model.featuriser.transform([tokens]))[0]
    taxonomy = taxonomy_load()
    order = sorted(range(len(model.codes)), key=lambda j: (-probabilities[j], model.codes[j]))
    out: list[CategoryScore] = []
    for j in order[: max(top, 0)]:
        category = taxonomy.get(model.codes[j])
        out.append(
            CategoryScore(
                code=category.code,
                label_th=category.label_th,
                label_en=category.label_en,
                score=round(float(probabilities[j]), 4),
            )
        )
    return out


def category_predict(
    *, text: str, top: int = 5, model_dir: Path | None = None
) -> list[CategoryScore]:
    """The ``top`` most likely categories of a complaint text, best first.

    Scores are calibrated probabilities that the category applies (several can be high: a
    complaint may be about a road *and* its lighting). A text with no words left after
    normalisation (empty, only a URL or a case number) gets an empty list.
    """
    return _predict_with(classifier_load(model_dir=model_dir), text, top)


def classifier_train(
    *, out_dir: Path, seed: int = 0, traffy_dir: Path | None = None
) -> TrainReport:
    """Train on the training days of the real Traffy data and write the model to ``out_dir``.

    Deterministic: the same data and seed give byte-identical model files.
    """
    started = time.perf_counter()
    taxonomy = taxonomy_load()
    dataset = dataset_load(traffy_dir=_traffy_dir(traffy_dir))
    train, held_out = dataset.split()
    codes, skipped = codes_trainable(examples=train, taxonomy=taxonomy)
    design = design_build(examples=train, codes=codes, taxonomy=taxonomy)
    trained = model_fit(design=design, codes=codes, seed=seed)
    meta = {
        "kind": MODEL_KIND,
        "taxonomy_version": taxonomy.version,
        "seed": seed,
        "split": SPLIT_DESCRIPTION,
        "data": {"digest": dataset.digest, "files": dataset.files},
        "n_train": len(train),
        "settings": {
            "alpha": ALPHA,
            "min_df": MIN_DF,
            "svm_c": SVM_C,
            "single_choice_negative_weight": SINGLE_CHOICE_NEGATIVE_WEIGHT,
            "min_positives": MIN_POSITIVES,
            "cv_folds": CV_FOLDS,
        },
        "cv": {
            "top1": round(trained.cv.top1, 4),
            "micro_f1": round(trained.cv.micro_f1, 4),
            "macro_f1": round(trained.cv.macro_f1, 4),
        },
    }
    model = LinearModel(
        featuriser=trained.featuriser,
        codes=tuple(codes),
        coef=trained.coef.astype(np.float32),
        intercept=trained.intercept,
        platt_a=trained.platt_a,
        platt_b=trained.platt_b,
        threshold=trained.threshold,
        alpha=ALPHA,
        meta=meta,
    )
    files = model_save(model=model, out_dir=out_dir)
    _cached_model.cache_clear()
    return TrainReport(
        out_dir=str(out_dir),
        seed=seed,
        split=SPLIT_DESCRIPTION,
        data_digest=dataset.digest,
        n_train=len(train),
        n_held_out=len(held_out),
        categories=codes,
        skipped_categories=skipped,
        threshold=trained.threshold,
        cv_top1=trained.cv.top1,
        cv_micro_f1=trained.cv.micro_f1,
        cv_macro_f1=trained.cv.macro_f1,
        seconds=round(time.perf_counter() - started, 2),
        files=files,
        unknown_labels=dict(dataset.unknown_labels.most_common(10)),
    )


def classifier_evaluate(
    *,
    model_dir: Path | None = None,
    traffy_dir: Path | None = None,
    with_baseline: bool = True,
    bootstrap_rounds: int = BOOTSTRAP_ROUNDS,
) -> EvalReport:
    """Score a model (default: the shipped one) on the held-out days of the real data.

    Figures are counted over the categories each ticket's labelling scheme can express (see
    :mod:`~ddgov.complaints.classify.metrics`); the majority-category baseline and, when
    ``with_baseline``, the plain TF-IDF + logistic-regression baseline are scored the same way.
    """
    model = classifier_load(model_dir=model_dir)
    taxonomy = taxonomy_load()
    dataset = dataset_load(traffy_dir=_traffy_dir(traffy_dir))
    train, test = dataset.split()
    codes = list(model.codes)
    test_design = design_build(examples=test, codes=codes, taxonomy=taxonomy)
    probabilities = model.probabilities(model.featuriser.transform(test_design.tokens))
    figures = figures_compute(
        scores=probabilities,
        truth=test_design.truth,
        known=test_design.known,
        codes=codes,
        threshold=model.threshold,
        groups=test_design.groups,
    )
    train_design = design_build(
        examples=train, codes=codes, taxonomy=taxonomy, segment=with_baseline
    )
    runs = {"model": (probabilities, model.threshold)}
    if with_baseline:
        runs["tfidf+lr"] = (
            tfidf_lr_scores(train=train_design, test=test_design),
            BASELINE_THRESHOLD,
        )
    runs["majority"] = (
        majority_scores(train=train_design, test=test_design),
        BASELINE_THRESHOLD,
    )
    baselines = {
        name: _figures_dict(
            figures_compute(
                scores=scores,
                truth=test_design.truth,
                known=test_design.known,
                codes=codes,
                threshold=threshold,
                groups=test_design.groups,
            )
        )
        for name, (scores, threshold) in runs.items()
        if name != "model"
    }
    by_source = _by_source(runs=runs, design=test_design, codes=codes)
    intervals = (
        figures_bootstrap(
            runs={k: v for k, v in runs.items() if k != "majority"},
            truth=test_design.truth,
            known=test_design.known,
            codes=codes,
            reference="tfidf+lr" if with_baseline else "model",
            rounds=bootstrap_rounds,
            seed=0,
        )
        if bootstrap_rounds
        else {}
    )
    latencies: list[float] = []
    for example in test:
        started = time.perf_counter()
        _predict_with(model, example.text, 5)
        latencies.append((time.perf_counter() - started) * 1000)
    notes: list[str] = []
    model_digest = str(model.meta.get("data", {}).get("digest", ""))
    if model_digest != dataset.digest:
        notes.append("the model was trained on different data; held-out figures may be optimistic")
    per_category = [
        {
            "code": row.code,
            "label_th": taxonomy.get(row.code).label_th,
            "label_en": taxonomy.get(row.code).label_en,
            "precision": round(row.precision, 4),
            "recall": round(row.recall, 4),
            "f1": round(row.f1, 4),
            "support": row.support,
        }
        for row in figures.per_category
    ]
    return EvalReport(
        model_dir=str((model_dir or SHIPPED_MODEL_DIR).resolve()),
        split=SPLIT_DESCRIPTION,
        data_digest=dataset.digest,
        model_data_digest=model_digest,
        n_train=len(train),
        n_test=len(test),
        threshold=model.threshold,
        top1=figures.top1,
        top1_unrestricted=figures.top1_unrestricted,
        micro_f1=figures.micro_f1,
        micro_precision=figures.micro_precision,
        micro_recall=figures.micro_recall,
        macro_f1=figures.macro_f1,
        top1_by_source=figures.top1_by_group,
        per_category=per_category,
        baselines=baselines,
        latency_ms_p50=round(float(np.percentile(latencies, 50)), 2) if latencies else 0.0,
        latency_ms_p95=round(float(np.percentile(latencies, 95)), 2) if latencies else 0.0,
        model_bytes=sum(
            path.stat().st_size
            for path in (model_dir or SHIPPED_MODEL_DIR).iterdir()
            if path.is_file()
        ),
        by_source=by_source,
        ci95={
            run: {m: [round(i.low, 4), round(i.high, 4)] for m, i in by_metric.items()}
            for run, by_metric in intervals.items()
        },
        bootstrap_rounds=bootstrap_rounds,
        notes=notes,
    )
