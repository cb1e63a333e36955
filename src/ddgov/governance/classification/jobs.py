"""Background jobs of the classification part (imported by governance/jobs.py)."""
