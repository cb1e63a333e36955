from django.urls import path

from ddgov.identity import views

app_name = "identity"

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("login/code/", views.totp_step, name="totp"),
    path("logout/", views.sign_out, name="logout"),
    path("register/", views.register, name="register"),
    path("two-step/", views.totp_setup, name="totp_setup"),
]
