"""Recertification: a login not re-attested within its review period, counted on the
client's calendar, is flagged for review."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rcmdesk.conftest import World
from rcmdesk.systemaccess import queries, services
from rcmdesk.systemaccess.models import SystemAccess
from rcmdesk.systemaccess.tests.factories import acme_system, login
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")


def granted_at(world: World, moment: datetime) -> SystemAccess:
    access = login(world, acme_system(world))
    SystemAccess.objects.filter(pk=access.pk).update(granted_at=moment)
    access.refresh_from_db()
    return access


def test_an_access_not_re_attested_in_90_days_is_flagged_from_the_clients_90th_day(
        world: World) -> None:
    # Granted at 23:30 on March 1 in New York: already March 2 in UTC.
    access = granted_at(world, datetime(2026, 3, 1, 23, 30, tzinfo=NEW_YORK))
    due = datetime(2026, 3, 1, tzinfo=NEW_YORK).date() + timedelta(days=90)  # May 30
    eve = datetime(due.year, due.month, due.day, tzinfo=NEW_YORK) - timedelta(minutes=1)
    assert eve.astimezone(ZoneInfo("UTC")).date() == due  # UTC is already on the due day
    assert not queries.is_review_due(access, eve)
    midnight = datetime(due.year, due.month, due.day, tzinfo=NEW_YORK)
    assert queries.is_review_due(access, midnight)
    assert queries.reviews_due(SystemAccess.objects.all(), world.acme, midnight) == [access]
    assert queries.reviews_due(SystemAccess.objects.all(), world.acme, eve) == []


def test_attesting_starts_the_review_period_again(world: World) -> None:
    access = granted_at(world, datetime(2026, 1, 2, 12, tzinfo=NEW_YORK))
    later = datetime(2026, 4, 10, 12, tzinfo=NEW_YORK)
    assert queries.is_review_due(access, later)
    services.attest(access, acting_user=world.user(Role.CLIENT_ADMIN), now=later)
    assert not queries.is_review_due(access, later + timedelta(days=89))
    assert queries.is_review_due(access, later + timedelta(days=90))


def test_a_shorter_review_period_flags_sooner_and_requests_are_never_due(world: World) -> None:
    access = granted_at(world, datetime(2026, 1, 2, 12, tzinfo=NEW_YORK))
    SystemAccess.objects.filter(pk=access.pk).update(review_period_days=30)
    access.refresh_from_db()
    assert queries.is_review_due(access, datetime(2026, 2, 1, 0, 1, tzinfo=NEW_YORK))
    asked = login(world, acme_system(world, "Acme PM"), until="requested")
    assert not queries.is_review_due(asked, datetime(2030, 1, 1, tzinfo=NEW_YORK))


def test_bulk_review_keeps_or_revokes_many_at_once(world: World) -> None:
    a = login(world, acme_system(world))
    b = login(world, acme_system(world, "Acme PM"))
    admin = world.user(Role.CLIENT_ADMIN)
    assert services.bulk_review([a], "keep", acting_user=admin) == 1
    assert services.bulk_review([b], "revoke", acting_user=admin) == 1
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.last_attested_by == admin
    assert b.status == "revoked"
