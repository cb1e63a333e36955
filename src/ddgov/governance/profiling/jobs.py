"""Background jobs of the profiling part (imported by governance/jobs.py)."""
