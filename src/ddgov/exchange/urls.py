"""Exchange web pages: staff registry and monitoring, the citizen's data tracker and consents.

The gateway itself (``/x/…``) is not a Django view: ``ddgov.asgi`` routes it to the lean ASGI
gateway before Django's middleware. Identifiers' parts (member, subsystem, service codes) never
contain ``/``, so each is one path segment here.
"""

from django.urls import path

from ddgov.exchange.views import citizen, staff

app_name = "exchange"

urlpatterns = [
    # Staff: registry, grants, credentials, monitoring, message log.
    path("", staff.staff_home, name="staff_home"),
    path("services/<str:member>/<str:subsystem>/<str:code>/", staff.service_detail, name="service"),
    path(
        "services/<str:member>/<str:subsystem>/<str:code>/grants/new/",
        staff.grant_new,
        name="grant_new",
    ),
    path("grants/<int:pk>/revoke/", staff.grant_revoke, name="grant_revoke"),
    path("subsystems/<str:member>/<str:subsystem>/", staff.subsystem_detail, name="subsystem"),
    path(
        "subsystems/<str:member>/<str:subsystem>/clients/new/",
        staff.client_new,
        name="client_new",
    ),
    path(
        "subsystems/<str:member>/<str:subsystem>/clients/<int:pk>/revoke/",
        staff.client_revoke,
        name="client_revoke",
    ),
    path("monitoring/", staff.monitoring, name="monitoring"),
    path("log/", staff.message_log, name="log"),
    # Citizens: who read my data, my consents.
    path("me/data-access/", citizen.data_access, name="data_access"),
    path("me/consents/", citizen.consents, name="consents"),
    path("me/consents/<int:agreement_id>/", citizen.consent_change, name="consent_change"),
]
