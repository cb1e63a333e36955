from django.urls import path

from ddgov.portal.views import citizen, public, staff

app_name = "portal"

urlpatterns = [
    path("", public.home, name="home"),
    path("healthz", public.healthz, name="healthz"),
    path("me/", citizen.citizen_home, name="citizen_home"),
    path("me/profile/", citizen.citizen_profile, name="citizen_profile"),
    path("staff/", staff.staff_home, name="staff_home"),
    path("staff/switch/", staff.staff_switch, name="staff_switch"),
    path("staff/agencies/<slug:code>/", staff.staff_agency, name="staff_agency"),
]
