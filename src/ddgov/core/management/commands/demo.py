"""``ddgov demo seed --scale N`` fills an empty database; ``ddgov demo accounts`` lists sign-ins."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ddgov.core.seeding import SeedResult
from ddgov.core.selectors import demo_accounts, demo_is_seeded
from ddgov.core.services import demo_seed


class Command(BaseCommand):
    help = (
        "Demo data: 'seed' generates a deterministic Thai dataset; 'accounts' prints its sign-ins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed", help="generate the demo dataset")
        seed.add_argument(
            "--scale", type=int, default=1, help="1 seeds in seconds; larger for benchmarks"
        )
        seed.add_argument(
            "--seed", type=int, default=2565, help="random seed (same seed, same data)"
        )
        seed.add_argument("--if-empty", action="store_true", help="do nothing when already seeded")
        sub.add_parser("accounts", help="print the demo sign-ins")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "accounts":
            self._print_accounts()
            return
        if demo_is_seeded():
            if options["if_empty"]:
                self.stdout.write("demo data already present; nothing to do")
                self._print_accounts()
                return
            msg = "the database already holds the demo; use a fresh database (or --if-empty)"
            raise CommandError(msg)
        if options["scale"] < 1:
            msg = "--scale must be 1 or more"
            raise CommandError(msg)
        started = time.perf_counter()

        def report(result: SeedResult) -> None:
            self.stdout.write(
                f"  {result.name:<24} {result.rows:>9,} rows  {result.seconds:6.2f} s"
            )

        self.stdout.write(f"seeding demo data at scale {options['scale']} …")
        demo_seed(scale=options["scale"], seed=options["seed"], on_step=report)
        self.stdout.write(
            self.style.SUCCESS(f"demo seeded in {time.perf_counter() - started:.1f} s")
        )
        self._print_accounts()

    def _print_accounts(self) -> None:
        accounts = list(demo_accounts())
        if not accounts:
            self.stdout.write("no demo accounts (run 'ddgov demo seed' first)")
            return
        self.stdout.write(f"\nDemo sign-ins (password for all: {settings.DDGOV_DEMO_PASSWORD})")
        for account in accounts:
            self.stdout.write(f"  {account.username:<16} {account.description}")
