"""Small helpers shared by the account tests: codes, logins through the real views, audit."""

from __future__ import annotations

import time
from typing import Any

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import PASSWORD


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app would show now (or ``steps_ahead`` steps later)."""
    value = totp(device.bin_key, step=device.step, t0=device.t0 - steps_ahead * device.step,
                 digits=device.digits, drift=device.drift)
    return f"{value:0{device.digits}d}"


def confirmed_device(user: Any) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=True)


def post_login(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(reverse("accounts:login"),
                       {"username": username, "password": password, **extra})


def post_code(client: Client, code: str, url_name: str = "accounts:otp") -> Any:
    return client.post(reverse(url_name), {"token": code})


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def age_session(client: Client, *, idle: float = 0, lifetime: float = 0) -> None:
    """Move the session's clocks into the past by the given seconds."""
    from rcmdesk.accounts.middleware import LAST_ACTIVITY, STARTED

    session = client.session
    now = time.time()
    session[LAST_ACTIVITY] = session.get(LAST_ACTIVITY, now) - idle
    session[STARTED] = session.get(STARTED, now) - lifetime
    session.save()


def is_signed_in(client: Client) -> bool:
    from django.contrib.auth import SESSION_KEY

    return SESSION_KEY in client.session
