from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    """The 1111 complaint centre: intake, duplicate screening, routing, workflow and tracking."""

    name = "ddgov.complaints"
    label = "complaints"
    verbose_name = "Complaints (1111)"
