"""The database triggers that make audit records append-only, per database vendor.

Kept in one place so the migration that installs them and ``ddgov flush`` (which must empty
the table on purpose, e.g. between transactional tests) use the same statements.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

PG_CREATE = """
CREATE OR REPLACE FUNCTION audit_record_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit records are append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_record_no_update BEFORE UPDATE OR DELETE ON audit_auditrecord
  FOR EACH ROW EXECUTE FUNCTION audit_record_append_only();
CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON audit_auditrecord
  FOR EACH STATEMENT EXECUTE FUNCTION audit_record_append_only();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS audit_record_no_update ON audit_auditrecord;
DROP TRIGGER IF EXISTS audit_record_no_truncate ON audit_auditrecord;
DROP FUNCTION IF EXISTS audit_record_append_only();
"""
SQLITE_CREATE = (
    """CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON audit_auditrecord
       BEGIN SELECT RAISE(ABORT, 'audit records are append-only (UPDATE refused)'); END;""",
    """CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_auditrecord
       BEGIN SELECT RAISE(ABORT, 'audit records are append-only (DELETE refused)'); END;""",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS audit_record_no_update;",
    "DROP TRIGGER IF EXISTS audit_record_no_delete;",
)


def _statements(vendor: str, *, create: bool) -> tuple[str, ...]:
    if vendor == "postgresql":
        return ((PG_CREATE if create else PG_DROP).replace("%%", "%"),)
    if vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    return ()


def append_only_triggers_create(*, connection: Any) -> None:
    """Install the append-only triggers on ``connection``'s database."""
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, create=True):
            cursor.execute(
                statement, None
            ) if connection.vendor == "postgresql" else cursor.execute(statement)


def append_only_triggers_drop(*, connection: Any) -> None:
    """Remove the append-only triggers (only for a deliberate wipe of the whole database)."""
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, create=False):
            cursor.execute(
                statement, None
            ) if connection.vendor == "postgresql" else cursor.execute(statement)


@contextmanager
def append_only_triggers_suspended(*, connection: Any) -> Iterator[None]:
    """Drop the triggers for the duration of the block and put them back afterwards."""
    append_only_triggers_drop(connection=connection)
    try:
        yield
    finally:
        append_only_triggers_create(connection=connection)
