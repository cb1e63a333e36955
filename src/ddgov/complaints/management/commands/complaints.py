"""``ddgov complaints …``: the 1111 complaint centre's operator commands.

``ddgov complaints train [--out DIR] [--seed N] [--format text|json]`` retrains the category
classifier on the training days of the real Traffy data (default: over the shipped model);
``ddgov complaints evaluate [--model DIR] [--format text|json] [--no-baseline] [--bootstrap N]``
prints its held-out top-1 accuracy, micro-/macro-F1 with 95 % bootstrap intervals, the TF-IDF +
logistic-regression and majority baselines on the same split, and per-category precision/recall;
``ddgov complaints duplicates-evaluate [--threshold X] [--limit N]`` prints the duplicate
screen's precision, recall and F1 on the labelled pairs built from the real data.

Each subcommand is one entry in :data:`SUBCOMMANDS` (its help, its arguments and its handler);
add a subcommand by adding an entry.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ddgov.complaints.classify.dataset import DatasetError
from ddgov.complaints.classify.model import SHIPPED_MODEL_DIR, ModelError
from ddgov.complaints.classify.services import (
    BOOTSTRAP_ROUNDS,
    classifier_evaluate,
    classifier_train,
)
from ddgov.complaints.duplicates.services import duplicates_evaluate


@dataclass(frozen=True)
class Subcommand:
    """One ``ddgov complaints`` subcommand."""

    help: str
    arguments: Callable[[CommandParser], None]
    run: Callable[[BaseCommand, dict[str, Any]], None]


def _format_argument(parser: CommandParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text")


def _train_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        default=SHIPPED_MODEL_DIR,
        help=f"model directory to write (default: the shipped model, {SHIPPED_MODEL_DIR})",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    _format_argument(parser)


def _train(command: BaseCommand, options: dict[str, Any]) -> None:
    try:
        report = classifier_train(out_dir=options["out"], seed=options["seed"])
    except (DatasetError, ModelError) as exc:
        raise CommandError(str(exc)) from exc
    except OSError as exc:
        msg = f"cannot write the model to {options['out']}: {exc} / เขียนโมเดลไม่ได้"
        raise CommandError(msg) from exc
    if options["format"] == "json":
        command.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        command.stdout.write(report.format())


def _evaluate_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--model", type=Path, default=None, help="model directory (default: the shipped model)"
    )
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="skip training the TF-IDF + logistic-regression baseline (a few seconds)",
    )
    parser.add_argument(
        "--bootstrap",
        type=int,
        default=BOOTSTRAP_ROUNDS,
        help=f"resamples for the 95%% intervals (default {BOOTSTRAP_ROUNDS}; 0 skips them)",
    )
    _format_argument(parser)


def _evaluate(command: BaseCommand, options: dict[str, Any]) -> None:
    if options["bootstrap"] < 0:
        msg = "--bootstrap must be 0 or more / ค่า --bootstrap ต้องไม่ติดลบ"
        raise CommandError(msg)
    try:
        report = classifier_evaluate(
            model_dir=options["model"],
            with_baseline=not options["no_baseline"],
            bootstrap_rounds=options["bootstrap"],
        )
    except (DatasetError, ModelError) as exc:
        raise CommandError(str(exc)) from exc
    if options["format"] == "json":
        command.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        command.stdout.write(report.format())


def _duplicates_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--threshold", type=float, default=None, help="score threshold (default: the setting's)"
    )
    parser.add_argument("--limit", type=int, default=5, help="candidates looked at per complaint")


def _duplicates_evaluate(command: BaseCommand, options: dict[str, Any]) -> None:
    if options["threshold"] is not None and not 0.0 <= options["threshold"] <= 1.0:
        msg = "--threshold must be between 0 and 1 / ค่า --threshold ต้องอยู่ระหว่าง 0 ถึง 1"
        raise CommandError(msg)
    report = duplicates_evaluate(threshold=options["threshold"], limit=options["limit"])
    command.stdout.write(report.as_text())


SUBCOMMANDS: dict[str, Subcommand] = {
    "train": Subcommand(
        help="train the category classifier on the real Traffy data (training days only)",
        arguments=_train_arguments,
        run=_train,
    ),
    "evaluate": Subcommand(
        help="held-out top-1 accuracy, micro-/macro-F1 and per-category P/R of the classifier",
        arguments=_evaluate_arguments,
        run=_evaluate,
    ),
    "duplicates-evaluate": Subcommand(
        help="precision/recall of duplicate screening on the labelled pairs from the real data",
        arguments=_duplicates_arguments,
        run=_duplicates_evaluate,
    ),
}


class Command(BaseCommand):
    help = "1111 complaint centre tools: " + ", ".join(SUBCOMMANDS) + "."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, subcommand in SUBCOMMANDS.items():
            subcommand.arguments(sub.add_parser(name, help=subcommand.help))

    def handle(self, *args: Any, **options: Any) -> None:
        SUBCOMMANDS[options["action"]].run(self, options)
