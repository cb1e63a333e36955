"""Sign-in, two-step verification and citizen registration pages (thin: services decide)."""

from __future__ import annotations

import base64
import io

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from ddgov.identity.forms import CitizenRegisterForm, SignInForm, TotpForm
from ddgov.identity.models import User
from ddgov.identity.services import (
    SignInOutcome,
    citizen_register,
    sign_in_check,
    totp_device_confirm,
    totp_device_create,
    totp_verify,
    user_has_totp,
)

_PENDING = "ddgov_pending_totp_user"
_NEXT = "ddgov_next"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("portal:home")


def _complete_sign_in(
    request: HttpRequest, user: User, next_url: str, otp_device: object | None = None
) -> HttpResponse:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if otp_device is not None:
        otp_login(request, otp_device)  # the session is two-factor verified (user.is_verified())
    if next_url == reverse("portal:home"):
        next_url = reverse(
            "portal:staff_home" if user.is_government_staff else "portal:citizen_home"
        )
    return HttpResponseRedirect(next_url)


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Password sign-in; staff with TOTP go on to the code step."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = sign_in_check(
            request=request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if result.outcome is SignInOutcome.SIGNED_IN and result.user is not None:
            return _complete_sign_in(request, result.user, next_url)
        if result.outcome is SignInOutcome.NEEDS_TOTP and result.user is not None:
            request.session[_PENDING] = result.user.pk
            request.session[_NEXT] = next_url
            return redirect("identity:totp")
        form.add_error(None, _("The user name or password is wrong. / ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"))
    status = 400 if request.method == "POST" else 200
    return render(request, "identity/sign_in.html", {"form": form, "next": next_url}, status=status)


@require_http_methods(["GET", "POST"])
def totp_step(request: HttpRequest) -> HttpResponse:
    """Second step for staff with an authenticator app."""
    user = User.objects.filter(pk=request.session.get(_PENDING)).first()
    if user is None:
        return redirect("identity:login")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = totp_verify(user=user, token=form.cleaned_data["token"])
        if device is not None:
            next_url = request.session.pop(_NEXT, reverse("portal:home"))
            request.session.pop(_PENDING, None)
            return _complete_sign_in(request, user, next_url, otp_device=device)
        form.add_error("token", _("The code is wrong or expired. / รหัสไม่ถูกต้องหรือหมดอายุ"))
    return render(request, "identity/totp.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out (POST only, so a link cannot sign someone out)."""
    logout(request)
    return redirect("portal:home")


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Citizen self-registration."""
    form = CitizenRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = citizen_register(
                citizen_id=data["citizen_id"],
                first_name_th=data["first_name_th"],
                last_name_th=data["last_name_th"],
                birth_date=data["birth_date"],
                password=data["password"],
                email=data["email"],
                title_th=data["title_th"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("Your account is ready. / สร้างบัญชีเรียบร้อยแล้ว"))
            return _complete_sign_in(request, user, reverse("portal:citizen_home"))
    status = 400 if request.method == "POST" else 200
    return render(request, "identity/register.html", {"form": form}, status=status)


def _qr_data_uri(text: str) -> str:
    import qrcode  # noqa: PLC0415
    import qrcode.image.svg  # noqa: PLC0415

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
@require_http_methods(["GET", "POST"])
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Staff enrol an authenticator app: scan the code, confirm with a first code."""
    user: User = request.user  # type: ignore[assignment]
    if not user.is_government_staff:
        return redirect("portal:citizen_home")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_device_confirm(actor=user, token=form.cleaned_data["token"]):
            messages.success(request, _("Two-step sign-in is on. / เปิดใช้การยืนยันตัวตนสองขั้นตอนแล้ว"))
            return redirect("portal:staff_home")
        form.add_error("token", _("The code is wrong or expired. / รหัสไม่ถูกต้องหรือหมดอายุ"))
    enabled = user_has_totp(user=user)
    context: dict[str, object] = {"form": form, "enabled": enabled}
    if not enabled:
        device = totp_device_create(actor=user) if request.method == "GET" else None
        if device is None:
            from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: PLC0415

            device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is not None:
            context["secret"] = base64.b32encode(device.bin_key).decode()
            context["qr"] = _qr_data_uri(device.config_url)
    return render(request, "identity/totp_setup.html", context)
