"""URLs of the quality part (included by governance/urls.py under ``/governance/``)."""

from django.urls import URLPattern, URLResolver, path

from ddgov.governance.quality import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("dataset/<slug:name>/quality/", views.report_page, name="quality"),
    path("dataset/<slug:name>/quality.json", views.report_json, name="quality_json"),
    path("dataset/<slug:name>/quality/rules/", views.rules_page, name="quality_rules"),
    path("dataset/<slug:name>/quality/run/", views.run_now, name="quality_run"),
]
