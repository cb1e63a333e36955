"""``ddgov search reindex``: rebuild the catalog's Thai search index from the datasets."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ddgov.catalog.services.search_index import dataset_index_bulk


class Command(BaseCommand):
    help = "Catalog search index. 'reindex' segments every dataset again (after an upgrade or restore)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        reindex = sub.add_parser("reindex", help="rebuild the index of every dataset")
        reindex.add_argument(
            "--workers", type=int, default=1, help="processes segmenting text (default 1)"
        )
        reindex.add_argument(
            "--batch-size", type=int, default=1000, help="datasets per transaction"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(done: int, total: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"{done}/{total}")

        count = dataset_index_bulk(
            workers=max(1, options["workers"]),
            batch_size=max(1, options["batch_size"]),
            progress=progress,
        )
        self.stdout.write(f"search index rebuilt: {count} datasets")
