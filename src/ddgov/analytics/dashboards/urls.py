"""URL patterns (filled by the dashboards part)."""

urlpatterns: list = []
