"""Governance: quality."""
