"""The exchange's demo: agencies' registries as services, a consumer app's history, helpers.

Used by the ``exchange`` demo seeder (:mod:`ddgov.exchange.seeders`) and by the gateway
benchmark's setup (``bench/_exchange_setup.py``).
"""
