"""Governance: profiling."""
