"""Governance URLs: each part mounts its own pages under ``/governance/``."""

from django.urls import include, path

app_name = "governance"

urlpatterns = [
    path("", include("ddgov.governance.profiling.urls")),
    path("", include("ddgov.governance.quality.urls")),
    path("", include("ddgov.governance.classification.urls")),
    path("", include("ddgov.governance.anonymize.urls")),
]
