"""Idle logoff and absolute session lifetime (SessionTimeoutMiddleware)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from rcmdesk.accounts.middleware import LAST_ACTIVITY
from rcmdesk.accounts.tests.helpers import age_session, events, is_signed_in
from rcmdesk.tenancy.roles import Role

IDLE = settings.RCMDESK_IDLE_TIMEOUT.total_seconds()
LIFETIME = settings.RCMDESK_SESSION_LIFETIME.total_seconds()
HOME = reverse("web:home")
LOGIN = reverse("accounts:login")


@pytest.fixture
def staff(signed_in):
    return signed_in(Role.CLIENT_STAFF)


@pytest.fixture
def partner(signed_in):
    return signed_in(Role.PARTNER_SPECIALIST)


def test_the_clocks_start_at_sign_in(partner):
    assert LAST_ACTIVITY in partner.session
    assert partner.get(HOME).status_code == 200


def test_it_signs_out_after_the_idle_timeout(partner):
    age_session(partner, idle=IDLE + 5)
    response = partner.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == LOGIN + "?expired=idle"
    assert not is_signed_in(partner)
    assert events("session_expired")[0].detail == {"reason": "idle"}
    assert partner.get(HOME)["Location"].startswith(LOGIN + "?next=")


def test_a_request_just_inside_the_idle_timeout_keeps_the_session(partner):
    age_session(partner, idle=IDLE - 30)
    assert partner.get(HOME).status_code == 200
    age_session(partner, idle=IDLE - 30)
    assert partner.get(HOME).status_code == 200


def test_a_short_configured_timeout_is_honoured(partner, settings):
    settings.RCMDESK_IDLE_TIMEOUT = timedelta(seconds=2)
    age_session(partner, idle=3)
    assert partner.get(HOME)["Location"] == LOGIN + "?expired=idle"


def test_the_absolute_lifetime_ends_even_an_active_session(partner):
    age_session(partner, lifetime=LIFETIME + 5)
    response = partner.get(HOME)
    assert response["Location"] == LOGIN + "?expired=lifetime"
    assert not is_signed_in(partner)
    assert events("session_expired")[0].detail == {"reason": "lifetime"}


def test_background_poll_views_do_not_extend_the_idle_clock(staff):
    age_session(staff, idle=IDLE - 10)
    before = staff.session[LAST_ACTIVITY]
    assert staff.get(reverse("web:queue_counts", args=["acme"])).status_code == 200
    assert staff.session[LAST_ACTIVITY] == before


def test_an_open_workbench_polling_its_counts_still_idles_out(partner):
    age_session(partner, idle=IDLE - 10)
    before = partner.session[LAST_ACTIVITY]
    assert partner.get(reverse("workqueue:counts")).status_code == 200  # no header: any client
    assert partner.session[LAST_ACTIVITY] == before
    age_session(partner, idle=20)
    assert partner.get(reverse("workqueue:counts"))["Location"] == LOGIN + "?expired=idle"


def test_the_background_header_does_not_extend_the_idle_clock(staff):
    age_session(staff, idle=IDLE - 10)
    before = staff.session[LAST_ACTIVITY]
    assert staff.get(HOME, headers={"X-RCM-Background": "1"}).status_code == 200
    assert staff.session[LAST_ACTIVITY] == before


def test_an_ordinary_request_extends_the_idle_clock(staff):
    age_session(staff, idle=IDLE - 10)
    before = staff.session[LAST_ACTIVITY]
    staff.get(HOME)
    assert staff.session[LAST_ACTIVITY] > before


def test_polling_alone_cannot_keep_a_session_alive(staff):
    age_session(staff, idle=IDLE - 10)
    staff.get(reverse("web:queue_counts", args=["acme"]))
    age_session(staff, idle=20)
    response = staff.get(reverse("web:queue_counts", args=["acme"]))
    assert response.status_code == 302
    assert not is_signed_in(staff)


def test_an_htmx_request_after_expiry_gets_401_and_hx_redirect(staff):
    age_session(staff, idle=IDLE + 5)
    response = staff.get(reverse("web:queue_counts", args=["acme"]),
                         headers={"HX-Request": "true", "X-RCM-Background": "1"})
    assert response.status_code == 401
    assert response["HX-Redirect"] == LOGIN + "?expired=idle"
    assert not is_signed_in(staff)


def test_an_api_request_after_expiry_gets_a_json_401(staff):
    age_session(staff, idle=IDLE + 5)
    response = staff.get("/api/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "Session expired."}


def test_the_code_step_also_times_out(world):
    from django.test import Client

    from rcmdesk.accounts.tests.helpers import post_login

    client = Client()
    post_login(client, "pillar.specialist")
    age_session(client, idle=IDLE + 5)
    response = client.get(reverse("accounts:otp"))
    assert response["Location"] == LOGIN + "?expired=idle"
    assert not is_signed_in(client)
