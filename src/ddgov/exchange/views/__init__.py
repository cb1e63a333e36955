"""Exchange pages: ``staff`` (back office) and ``citizen`` (who read my data, consents)."""
