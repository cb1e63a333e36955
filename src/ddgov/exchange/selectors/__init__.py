"""The exchange's read side: registry and consent lookups, monitoring, the citizen's tracker.

Import the functions from their modules (``ddgov.exchange.selectors.registry`` and so on).
"""
