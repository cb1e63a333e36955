"""Background jobs of the anonymize part (imported by governance/jobs.py)."""
