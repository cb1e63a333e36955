"""Django's ``flush``, able to empty the append-only tables (audit, exchange evidence) in a wipe.

Emptying every table is a deliberate operator action (and what transactional tests do between
tests); the triggers are lifted for it and put back, and the chain starts again from genesis.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from ddgov.core.append_only import append_only_suspended


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        with append_only_suspended(connection=connection):
            super().handle(**options)
