"""Selectors of the classification part (typed, keyword-only)."""
