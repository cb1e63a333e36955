"""``ddgov complaints …``: the 1111 complaint centre's operator commands.

``ddgov complaints train [--out DIR] [--seed N] [--format text|json]`` retrains the category
classifier on the training days of the real Traffy data (default: over the shipped model);
``ddgov complaints evaluate [--model DIR] [--format text|json] [--no-baseline] [--bootstrap N]``
prints its held-out top-1 accuracy, micro-/macro-F1 with 95 % bootstrap intervals, the TF-IDF +
logistic-regression and majority baselines on the same split, and per-category precision/recall;
``ddgov complaints duplicates-evaluate [--threshold X] [--limit N]`` prints the duplicate
screen's precision, recall and F1 on the labelled pairs built from the real data;
``ddgov complaints import FILE [--source S] [--limit N] [--apply-states --as USER]`` files a
Traffy-style CSV export through the intake (idempotent by ticket id); ``ddgov complaints release
[--date D] [--until D]`` publishes a day's complaints, redacted, to the open-data catalog.

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


# --- import and release (the centre's operations) -------------------------------------------


def _import_arguments(parser: CommandParser) -> None:
    parser.add_argument("file", type=Path, help="a Traffy-style CSV export")
    parser.add_argument("--source", default="traffy", help="where the tickets come from")
    parser.add_argument("--limit", type=int, default=None, help="import at most N rows")
    parser.add_argument(
        "--apply-states",
        action="store_true",
        help="carry Traffy's status over through the workflow (needs --as)",
    )
    parser.add_argument(
        "--as", dest="as_user", default="", help="username acting (a centre officer or admin)"
    )
    _format_argument(parser)


def _import(command: BaseCommand, options: dict[str, Any]) -> None:
    from ddgov.complaints.errors import ComplaintError  # noqa: PLC0415
    from ddgov.complaints.services.importing import complaints_import_csv  # noqa: PLC0415
    from ddgov.identity.selectors import user_by_username  # noqa: PLC0415

    actor = None
    if options["as_user"]:
        actor = user_by_username(username=options["as_user"])
        if actor is None:
            msg = f"no user {options['as_user']!r} / ไม่พบผู้ใช้ {options['as_user']!r}"
            raise CommandError(msg)
    elif options["apply_states"]:
        msg = "--apply-states needs --as USERNAME / ต้องระบุ --as ผู้ใช้ที่ดำเนินการ"
        raise CommandError(msg)
    try:
        report = complaints_import_csv(
            path=options["file"],
            actor=actor,
            source=options["source"],
            limit=options["limit"],
            apply_states=options["apply_states"],
        )
    except ComplaintError as exc:
        lines = [f"{p.message_en} / {p.message_th}" for p in exc.problems]
        raise CommandError("\n".join(lines)) from exc
    if options["format"] == "json":
        command.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    command.stdout.write(
        f"{options['file']} ({report.variant}): {report.rows} row(s) read, "
        f"{report.created} created, {report.skipped} already imported, {report.failed} failed"
        + (f", {report.states_applied} status(es) carried over" if report.states_applied else "")
    )
    for p in report.problems:
        command.stdout.write(
            f"  row {p.row} [{p.ticket_id or '-'}] {p.field}: {p.message_en} / {p.message_th}"
        )
    if report.problems_dropped:
        command.stdout.write(f"  … {report.problems_dropped} more problem(s) not listed")


def _release_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--date", default="", help="the day to release, YYYY-MM-DD (default: yesterday)"
    )
    parser.add_argument("--until", default="", help="release every day from --date to this one")


def _release(command: BaseCommand, options: dict[str, Any]) -> None:
    import datetime as dt  # noqa: PLC0415

    from ddgov.complaints.release.services import (  # noqa: PLC0415
        ReleaseError,
        complaints_release_range,
        release_yesterday,
    )

    try:
        start = dt.date.fromisoformat(options["date"]) if options["date"] else release_yesterday()
        end = dt.date.fromisoformat(options["until"]) if options["until"] else start
    except ValueError as exc:
        msg = f"dates are YYYY-MM-DD: {exc} / วันที่ต้องอยู่ในรูปแบบ ปปปป-ดด-วว (ค.ศ.)"
        raise CommandError(msg) from exc
    try:
        results = complaints_release_range(start=start, end=end)
    except ReleaseError as exc:
        raise CommandError(exc.message) from exc
    for result in results:
        command.stdout.write(result.as_text())


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
    "import": Subcommand(
        help="import a Traffy-style CSV export through the intake (idempotent per ticket id)",
        arguments=_import_arguments,
        run=_import,
    ),
    "release": Subcommand(
        help="publish a day's complaints (default yesterday) to the catalog as open data",
        arguments=_release_arguments,
        run=_release,
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
