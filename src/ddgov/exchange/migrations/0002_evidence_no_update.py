"""Refuse UPDATE on message records, checkpoints and consent revisions (see ``exchange.triggers``)."""

from django.db import migrations

from ddgov.exchange.triggers import evidence_triggers_create, evidence_triggers_drop


def create_triggers(apps, schema_editor):
    evidence_triggers_create(connection=schema_editor.connection)


def drop_triggers(apps, schema_editor):
    evidence_triggers_drop(connection=schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
