"""Selectors of the profiling part (typed, keyword-only)."""
