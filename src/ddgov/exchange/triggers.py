"""Database triggers that refuse UPDATE on the exchange's evidence tables, per database vendor.

Message records, checkpoints and consent revisions are evidence: once written they never change.
DELETE stays possible on message records and checkpoints because retention prunes them; a
deletion the retention job did not make is what ``ddgov exchange verify`` finds (a gap in a
stream, or a missing checkpointed head). Consent revisions are never pruned, so DELETE is
refused on them too: otherwise removing a citizen's latest withdrawal would revive an old consent.
Whoever holds DDL rights can drop these triggers, which is why the records are also signed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

TABLES = ("exchange_messagerecord", "exchange_checkpoint", "exchange_consentevent")
NO_DELETE_TABLES = ("exchange_consentevent",)

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION exchange_evidence_no_update() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'exchange evidence is append-only (% refused on %)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def _create(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            PG_FUNCTION,
            *(
                f"CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t} "
                "FOR EACH ROW EXECUTE FUNCTION exchange_evidence_no_update();"
                for t in TABLES
            ),
            *(
                f"CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t} "
                "FOR EACH ROW EXECUTE FUNCTION exchange_evidence_no_update();"
                for t in NO_DELETE_TABLES
            ),
        ]
    if vendor == "sqlite":
        return [
            *(
                f"CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t} BEGIN "
                f"SELECT RAISE(ABORT, 'exchange evidence is append-only (UPDATE refused on {t})');"
                " END;"
                for t in TABLES
            ),
            *(
                f"CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t} BEGIN "
                f"SELECT RAISE(ABORT, 'exchange evidence is append-only (DELETE refused on {t})');"
                " END;"
                for t in NO_DELETE_TABLES
            ),
        ]
    return []


def _drop(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            *(f"DROP TRIGGER IF EXISTS {t}_no_update ON {t};" for t in TABLES),
            *(f"DROP TRIGGER IF EXISTS {t}_no_delete ON {t};" for t in NO_DELETE_TABLES),
            "DROP FUNCTION IF EXISTS exchange_evidence_no_update();",
        ]
    if vendor == "sqlite":
        return [
            *(f"DROP TRIGGER IF EXISTS {t}_no_update;" for t in TABLES),
            *(f"DROP TRIGGER IF EXISTS {t}_no_delete;" for t in NO_DELETE_TABLES),
        ]
    return []


def evidence_triggers_create(*, connection: Any) -> None:
    """Install the no-update triggers on ``connection``'s database."""
    with connection.cursor() as cursor:
        for statement in _create(connection.vendor):
            cursor.execute(statement)


def evidence_triggers_drop(*, connection: Any) -> None:
    """Remove the no-update triggers."""
    with connection.cursor() as cursor:
        for statement in _drop(connection.vendor):
            cursor.execute(statement)


@contextmanager
def evidence_triggers_suspended(*, connection: Any) -> Iterator[None]:
    """Drop the triggers for the block (tests that tamper as an attacker with DDL rights would)."""
    evidence_triggers_drop(connection=connection)
    try:
        yield
    finally:
        evidence_triggers_create(connection=connection)
