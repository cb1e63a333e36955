"""Registrations of the profiling part into the catalog's hooks (imported by GovernanceConfig.ready)."""
