"""Routing complaints to the responsible agency by category and location (see ``services``)."""
