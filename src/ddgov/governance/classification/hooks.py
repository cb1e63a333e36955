"""Registrations of the classification part into the catalog's hooks (imported by GovernanceConfig.ready)."""
