from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    """Government organisations (the platform's tenants) and Thailand's administrative geography."""

    name = "ddgov.agencies"
    label = "agencies"
    verbose_name = "Agencies"
