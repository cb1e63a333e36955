from django.apps import AppConfig


class IdentityConfig(AppConfig):
    """People, businesses, users, agency roles and the One ID OpenID Connect provider."""

    name = "ddgov.identity"
    label = "identity"
    verbose_name = "Identity"
