"""URLs of the classification part (included by governance/urls.py under ``/governance/``)."""

from django.urls import URLPattern, URLResolver, path

from ddgov.governance.classification import views

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "dataset/<slug:name>/classification/",
        views.classification_page,
        name="classification",
    ),
    path(
        "dataset/<slug:name>/classification/dataset/",
        views.classification_dataset,
        name="classification_dataset",
    ),
    path(
        "dataset/<slug:name>/classification/resource/<uuid:resource_id>/",
        views.classification_columns,
        name="classification_columns",
    ),
    path(
        "dataset/<slug:name>/classification/resource/<uuid:resource_id>/detect/",
        views.classification_detect,
        name="classification_detect",
    ),
]
