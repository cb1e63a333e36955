"""Top-level URLs: each app mounts its own; One ID (OIDC) lives under ``/o/``."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from ddgov.core import views as core_views

urlpatterns = [
    path("", include("ddgov.portal.urls")),
    path("accounts/", include("ddgov.identity.urls")),
    path("", include("ddgov.catalog.urls")),
    path("governance/", include("ddgov.governance.urls")),
    path("analytics/", include("ddgov.analytics.urls")),
    path("exchange/", include("ddgov.exchange.urls")),
    path("", include("ddgov.complaints.urls")),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path(
        ".well-known/openid-configuration",
        RedirectView.as_view(
            pattern_name="oauth2_provider:oidc-connect-discovery-info", permanent=False
        ),
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
