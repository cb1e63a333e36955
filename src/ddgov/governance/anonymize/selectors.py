"""Selectors of the anonymize part (typed, keyword-only)."""
