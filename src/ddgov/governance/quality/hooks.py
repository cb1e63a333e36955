"""Registrations of the quality part into the catalog's hooks (imported by GovernanceConfig.ready)."""
