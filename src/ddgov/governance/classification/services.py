"""Services of the classification part (typed, keyword-only)."""
