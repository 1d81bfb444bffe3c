"""Sign-in, second factor, enrollment and sign-out. Thin: the rules live in services."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from rcmdesk.accounts import services
from rcmdesk.accounts.forms import TokenForm
from rcmdesk.accounts.middleware import is_verified, needs_second_factor
from rcmdesk.accounts.models import EnrollmentInvite
from rcmdesk.accounts.requests import acting_user
from rcmdesk.accounts.signals import end_all_sessions
from rcmdesk.audit.models import AuditEvent
from rcmdesk.audit.services import record

EXPIRED_MESSAGES = {
    "idle": "You were signed out after a period of inactivity.",
    "lifetime": "Your session reached its maximum length. Please sign in again.",
}


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["expired"] = EXPIRED_MESSAGES.get(self.request.GET.get("expired", ""))
        return context

    def get_success_url(self) -> str:
        if needs_second_factor(self.request.user):
            self.request.session["otp_next"] = super().get_success_url()
            if user_has_device(self.request.user, confirmed=True):
                return str(reverse_lazy("accounts:otp"))
            return str(reverse_lazy("accounts:enroll"))
        return super().get_success_url()


@login_required
@require_http_methods(["GET", "POST"])
def otp(request: HttpRequest) -> HttpResponse:
    if is_verified(request.user):
        return redirect("web:home")
    devices = TOTPDevice.objects.devices_for_user(acting_user(request), confirmed=True)
    device = devices.first()
    if device is None:
        return redirect("accounts:enroll")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _verify(request, device, form.cleaned_data["token"]):
            return _after_second_factor(request)
        form.add_error("token", "That code is not valid. Check the time on your device.")
    return render(request, "accounts/otp.html", {"form": form})


INVITE_SESSION_KEY = "rcm_enroll_invite"


@require_http_methods(["GET"])
def accept_invite(request: HttpRequest, token: str) -> HttpResponse:
    """Keep the invite in the session (it survives sign-in) and go on to enrolment."""
    request.session[INVITE_SESSION_KEY] = token[:100]
    if request.user.is_authenticated:
        return redirect("accounts:enroll")
    return redirect(f"{reverse('accounts:login')}?next={reverse('accounts:enroll')}")


@login_required
@require_http_methods(["GET", "POST"])
def enroll(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if user_has_device(user, confirmed=True):
        return redirect("accounts:otp")
    invite = services.enrollment_allowed(user, request.session.get(INVITE_SESSION_KEY))
    if not invite:
        record("enrollment_refused", client_id=services.client_of(user), obj=user,
               detail={"reason": "no valid invite"})
        return render(request, "accounts/enroll_needs_invite.html", status=403)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    enrollment = services.describe_device(device) if device else services.start_enrollment(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _verify(request, enrollment.device, form.cleaned_data["token"]):
            enrollment.device.confirmed = True
            enrollment.device.save(update_fields=["confirmed"])
            if isinstance(invite, EnrollmentInvite):
                invite.used_at = timezone.now()
                invite.save(update_fields=["used_at"])
                request.session.pop(INVITE_SESSION_KEY, None)
            record("otp_enrolled", client_id=services.client_of(user), obj=user)
            return _after_second_factor(request)
        form.add_error("token", "That code is not valid. Scan the code again and retry.")
    return render(request, "accounts/enroll.html", {"form": form, "enrollment": enrollment})


def _verify(request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    allowed, _ = device.verify_is_allowed()
    user = acting_user(request)
    if allowed and device.verify_token(token):
        otp_login(request, device)
        record("otp_verified", client_id=services.client_of(user), obj=user)
        return True
    record("otp_failed", client_id=services.client_of(user), obj=user,
           detail={"throttled": not allowed})
    return False


def _after_second_factor(request: HttpRequest) -> HttpResponse:
    target = request.session.pop("otp_next", "") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    messages.success(request, "Signed in.")
    return redirect(target)


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default since 5.0): a link or an image cannot sign anyone out."""

    http_method_names = ["post", "options"]


RESET_REQUESTS_PER_HOUR = 3


class PasswordResetView(auth_views.PasswordResetView):
    """Mails a reset link at most three times an hour per address, so the form cannot be
    used to flood someone's inbox; every request is audited and every answer is the same."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        address = hashlib.sha256(form.cleaned_data["email"].strip().lower().encode()).hexdigest()
        recent = AuditEvent.objects.filter(
            action="password_reset_requested", detail__address=address,
            at__gte=timezone.now() - timedelta(hours=1)).count()
        record("password_reset_requested", client_id=None,
               detail={"address": address, "throttled": recent >= RESET_REQUESTS_PER_HOUR})
        if recent >= RESET_REQUESTS_PER_HOUR:
            return redirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A reset sets a new password and stops there: it never signs the user in, so the
    second factor is still asked for at the next sign-in."""

    post_reset_login = False
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        # The new password changes the session hash, which already voids other sessions;
        # ending the tracked ones too keeps the bookkeeping honest.
        ended = end_all_sessions(user, revoke_tokens=False)
        record("password_reset", client_id=services.client_of(user), acting_user=user, obj=user,
               detail={"sessions_ended": ended})
        return response


def locked_out(request: HttpRequest, original_response: HttpResponse | None = None,
               credentials: dict[str, Any] | None = None) -> HttpResponse:
    """django-axes' lockout answer, the same for pages and XHR: no username, no limit, no
    cool-off time (axes' own JSON answer to XHR would echo all three)."""
    return render(request, "accounts/locked_out.html", status=429)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A plain refusal: the reason stays in the server log, never on the page."""
    return render(request, "accounts/csrf_failure.html", status=403)
