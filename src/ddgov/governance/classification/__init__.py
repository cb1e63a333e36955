"""Governance: classification."""
