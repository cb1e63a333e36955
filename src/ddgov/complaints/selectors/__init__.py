"""Reads for the complaints app (see the modules)."""
