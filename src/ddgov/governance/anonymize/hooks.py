"""Registrations of the anonymize part into the catalog's hooks (imported by GovernanceConfig.ready)."""
