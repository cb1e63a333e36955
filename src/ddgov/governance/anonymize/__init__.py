"""Governance: anonymize."""
