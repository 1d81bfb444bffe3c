"""Persona fixtures shared by every app's tests.

Two client tenants (Acme, Birch), one partner (Pillar) engaged by both, and a user for every
role. The partner specialist is assigned to Acme only, so Birch is "the other tenant" for
most partner tests, and Birch is the foreign client for Acme's users.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from rcmdesk.accounts.models import User
from rcmdesk.accounts.services import install_totp
from rcmdesk.audit import immutability
from rcmdesk.tenancy.models import Assignment, Engagement, Organization
from rcmdesk.tenancy.roles import Role

TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key, synthetic
PASSWORD = "correct-horse-battery-9"


@dataclass
class World:
    acme: Organization
    birch: Organization
    pillar: Organization
    acme_engagement: Engagement
    birch_engagement: Engagement
    users: dict[Role, User]
    birch_admin: User

    def user(self, role: Role) -> User:
        return self.users[role]


def make_user(username: str, role: Role, org: Organization | None) -> User:
    user = User(username=username, role=role.value, organization=org,
                is_staff=role is Role.PLATFORM_ADMIN, email=f"{username}@example.invalid")
    user.set_password(PASSWORD)
    user.save()
    if role.requires_two_factor:
        install_totp(user, TOTP_KEY)
    return user


@pytest.fixture(scope="session", autouse=True)
def _no_stray_connections(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The live server's request threads can outlive a browser test with a connection open,
    which stops PostgreSQL from dropping the test database at the end of the run."""
    yield
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid()")


TRANSACTIONAL_FIXTURES = ("transactional_db", "live_server")


@pytest.fixture(autouse=True)
def _append_only_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    """Keep the append-only triggers in place for each test, and lift them only for the
    flush that ends a transactional test (a flush deletes every row, audit rows included)."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        f in names for f in TRANSACTIONAL_FIXTURES)
    if marker is None and "db" not in names and not transactional:
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    immutability.install(connection)
    yield
    if transactional:
        immutability.remove(connection)


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db: Any) -> World:
    acme = Organization.objects.create(slug="acme", name="Acme Family Medicine", kind="client")
    birch = Organization.objects.create(slug="birch", name="Birch Valley Hospital",
                                        kind="client", time_zone="America/Chicago")
    pillar = Organization.objects.create(slug="pillar", name="Pillar RCM", kind="partner")
    start = date.today() - timedelta(days=30)
    acme_e = Engagement.objects.create(partner=pillar, client=acme, name="Acme AR",
                                       scope=["ar_followup", "denials"], start_date=start)
    birch_e = Engagement.objects.create(partner=pillar, client=birch, name="Birch eligibility",
                                        scope=["eligibility"], start_date=start)
    users = {
        Role.CLIENT_ADMIN: make_user("acme.admin", Role.CLIENT_ADMIN, acme),
        Role.CLIENT_MANAGER: make_user("acme.manager", Role.CLIENT_MANAGER, acme),
        Role.CLIENT_STAFF: make_user("acme.staff", Role.CLIENT_STAFF, acme),
        Role.PARTNER_LEAD: make_user("pillar.lead", Role.PARTNER_LEAD, pillar),
        Role.PARTNER_SPECIALIST: make_user("pillar.specialist", Role.PARTNER_SPECIALIST, pillar),
        Role.PARTNER_QA: make_user("pillar.qa", Role.PARTNER_QA, pillar),
        Role.PLATFORM_ADMIN: make_user("platform.admin", Role.PLATFORM_ADMIN, None),
    }
    for role in (Role.PARTNER_LEAD, Role.PARTNER_SPECIALIST, Role.PARTNER_QA):
        Assignment.objects.create(engagement=acme_e, user=users[role])
    birch_admin = make_user("birch.admin", Role.CLIENT_ADMIN, birch)
    return World(acme, birch, pillar, acme_e, birch_e, users, birch_admin)


def sign_in(client: Client, user: User) -> Client:
    """A fully signed-in session, second factor included, as the login pages would leave it."""
    client.force_login(user, backend="rcmdesk.accounts.backends.ActiveUserBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def signed_in(world: World) -> Any:
    def _signed_in(role: Role) -> Client:
        return sign_in(Client(), world.user(role))

    return _signed_in
