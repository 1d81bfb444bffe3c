"""Enrolling an authenticator: the device counts only once a valid code confirms it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from rcmdesk.accounts.models import EnrollmentInvite
from rcmdesk.accounts.services import invite_to_enroll
from rcmdesk.accounts.tests.helpers import code_for, events, post_code, post_login
from rcmdesk.conftest import make_user
from rcmdesk.tenancy.roles import Role


@pytest.fixture
def newcomer(world):
    """A partner specialist whose account has no authenticator yet."""
    user = make_user("pillar.newcomer", Role.PARTNER_SPECIALIST, world.pillar)
    TOTPDevice.objects.filter(user=user).delete()
    return user


def _pending(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=False)


def invited(user) -> Client:
    """A browser that opened the user's enrolment link, then signed in with the password."""
    client = Client()
    raw = invite_to_enroll(user)
    client.get(reverse("accounts:accept_invite", args=[raw]))
    post_login(client, user.username)
    return client


def test_a_partner_without_a_device_is_sent_to_enrollment_after_the_password(newcomer):
    client = Client()
    response = post_login(client, newcomer.username)
    assert response["Location"] == reverse("accounts:enroll")
    assert client.get(reverse("web:home"))["Location"] == reverse("accounts:otp")
    assert client.get(reverse("accounts:otp"))["Location"] == reverse("accounts:enroll")


def test_the_enrollment_page_shows_a_qr_code_and_the_secret(newcomer):
    client = invited(newcomer)
    body = client.get(reverse("accounts:enroll")).content.decode()
    device = _pending(newcomer)
    assert 'data-testid="enroll-qr"' in body
    assert 'src="data:image/svg+xml' in body
    assert 'data-testid="enroll-secret"' in body
    from rcmdesk.accounts.services import describe_device

    assert describe_device(device).secret_base32 in body


def test_reloading_the_page_keeps_the_same_pending_device(newcomer):
    client = invited(newcomer)
    client.get(reverse("accounts:enroll"))
    first = _pending(newcomer).pk
    client.get(reverse("accounts:enroll"))
    assert _pending(newcomer).pk == first


def test_a_valid_code_confirms_the_device_and_verifies_the_session(newcomer):
    client = invited(newcomer)
    client.get(reverse("accounts:enroll"))
    device = _pending(newcomer)
    response = post_code(client, code_for(device), "accounts:enroll")
    assert response["Location"] == reverse("web:home")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("web:home")).status_code == 200
    assert client.get("/api/me").json()["two_factor_verified"] is True
    [event] = events("otp_enrolled")
    assert event.object_id == str(newcomer.pk)


def test_a_wrong_code_leaves_the_device_unconfirmed(newcomer):
    client = invited(newcomer)
    client.get(reverse("accounts:enroll"))
    response = post_code(client, "000000", "accounts:enroll")
    assert response.status_code == 200
    assert not _pending(newcomer).confirmed
    assert client.get(reverse("web:home"))["Location"] == reverse("accounts:otp")
    assert len(events("otp_failed")) == 1


def test_a_user_with_a_confirmed_device_cannot_enroll_another(world):
    client = Client()
    post_login(client, "pillar.specialist")
    response = client.get(reverse("accounts:enroll"))
    assert response["Location"] == reverse("accounts:otp")
    assert not TOTPDevice.objects.filter(confirmed=False).exists()


def test_client_staff_may_opt_in_and_then_need_the_code(world):
    client = Client()
    post_login(client, "acme.staff")
    client.get(reverse("accounts:enroll"))
    device = _pending(world.user(Role.CLIENT_STAFF))
    assert post_code(client, code_for(device), "accounts:enroll")["Location"] == reverse("web:home")

    later = Client()
    assert post_login(later, "acme.staff")["Location"] == reverse("accounts:otp")


def test_anonymous_visitors_cannot_enroll(db):
    response = Client().get(reverse("accounts:enroll"))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_partner_cannot_enrol_with_the_password_alone(newcomer):
    client = Client()
    post_login(client, newcomer.username)
    response = client.get(reverse("accounts:enroll"))
    assert response.status_code == 403
    assert b'data-testid="enroll-needs-invite"' in response.content
    assert not TOTPDevice.objects.filter(user=newcomer).exists()
    assert len(events("enrollment_refused")) == 1


def test_an_invite_works_once(newcomer):
    raw = invite_to_enroll(newcomer)
    client = Client()
    client.get(reverse("accounts:accept_invite", args=[raw]))
    post_login(client, newcomer.username)
    client.get(reverse("accounts:enroll"))
    post_code(client, code_for(_pending(newcomer)), "accounts:enroll")
    assert EnrollmentInvite.objects.get(user=newcomer).used_at is not None
    TOTPDevice.objects.filter(user=newcomer).delete()  # try to add a second device
    again = Client()
    again.get(reverse("accounts:accept_invite", args=[raw]))
    post_login(again, newcomer.username)
    assert again.get(reverse("accounts:enroll")).status_code == 403


def test_an_expired_invite_is_refused(newcomer):
    from datetime import timedelta

    from django.utils import timezone

    client = Client()
    raw = invite_to_enroll(newcomer)
    EnrollmentInvite.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.get(reverse("accounts:accept_invite", args=[raw]))
    post_login(client, newcomer.username)
    assert client.get(reverse("accounts:enroll")).status_code == 403


def test_another_users_invite_does_not_work(newcomer, world):
    other = make_user("pillar.other", Role.PARTNER_SPECIALIST, world.pillar)
    client = Client()
    client.get(reverse("accounts:accept_invite", args=[invite_to_enroll(other)]))
    post_login(client, newcomer.username)
    assert client.get(reverse("accounts:enroll")).status_code == 403


def test_a_new_invite_voids_the_old_one(newcomer):
    old = invite_to_enroll(newcomer)
    invite_to_enroll(newcomer)
    assert EnrollmentInvite.find_usable(newcomer, old) is None
