"""Make the audit trail append-only in the database itself and create the chain's head row.

Triggers refuse UPDATE and DELETE on audit records, so a bug or a careless script cannot rewrite
history through the ORM; someone with DDL rights can still drop them, which is what
``ddgov audit verify`` is for.
"""

from django.db import migrations

from ddgov.audit.triggers import append_only_triggers_create, append_only_triggers_drop


def create_triggers(apps, schema_editor):
    append_only_triggers_create(connection=schema_editor.connection)


def drop_triggers(apps, schema_editor):
    append_only_triggers_drop(connection=schema_editor.connection)


def create_head(apps, schema_editor):
    apps.get_model("audit", "AuditHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
