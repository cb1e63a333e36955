"""Selectors of the quality part (typed, keyword-only)."""
