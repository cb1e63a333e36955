"""Background jobs of the analytics app (dashboard refresh, pipeline steps)."""
