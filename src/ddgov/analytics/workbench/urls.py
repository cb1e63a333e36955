"""URL patterns (filled by the workbench part)."""

urlpatterns: list = []
