"""Background jobs of the quality part (imported by governance/jobs.py)."""
