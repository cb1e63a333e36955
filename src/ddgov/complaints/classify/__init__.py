"""Complaint category classification (issue 7, routing): taxonomy, Thai text, model, services.

Public entry points live in :mod:`ddgov.complaints.classify.services`:
``category_predict``, ``classifier_train``, ``classifier_evaluate``.
"""
