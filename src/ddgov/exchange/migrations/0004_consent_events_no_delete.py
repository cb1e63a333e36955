"""Also refuse DELETE on consent revisions (see ``exchange.triggers``); reinstall the triggers."""

from django.db import migrations

from ddgov.exchange.triggers import evidence_triggers_create, evidence_triggers_drop


def reinstall(apps, schema_editor):
    evidence_triggers_drop(connection=schema_editor.connection)
    evidence_triggers_create(connection=schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("exchange", "0003_consent_event_actor_protect")]

    operations = [migrations.RunPython(reinstall, reinstall)]
