"""Complaint URLs; the project mounts them with ``path("", include("ddgov.complaints.urls"))``."""

from django.urls import path

from ddgov.complaints import api

app_name = "complaints"

urlpatterns = [
    path("api/v1/complaints/classify", api.classify, name="api-classify"),
]
