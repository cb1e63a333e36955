"""Writes for the complaints app: intake, workflow, escalation, notifications (see the modules)."""
