"""The weekly report shows open revocations until they are zero, and reviews due."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rcmdesk.accounts.services import disable_user
from rcmdesk.calendar import week_of
from rcmdesk.conftest import World
from rcmdesk.reports.weekly import build, render_html
from rcmdesk.systemaccess import services
from rcmdesk.systemaccess.models import RevocationTask, SystemAccess
from rcmdesk.systemaccess.report import weekly_section
from rcmdesk.systemaccess.tests.factories import acme_system, login
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_report_lists_an_open_revocation_and_drops_it_once_confirmed(world: World) -> None:
    login(world, acme_system(world))
    disable_user(world.user(Role.PARTNER_SPECIALIST))
    week = week_of(world.acme.today())
    html = render_html(build(world.acme, week))
    assert "<h2>Access</h2>" in html
    assert "waiting to be taken back: 1" in html
    assert "User disabled" in html
    services.confirm_revocation(RevocationTask.objects.get(),
                                acting_user=world.user(Role.CLIENT_ADMIN))
    html = render_html(build(world.acme, week))
    assert "waiting to be taken back: 0" in html


def test_a_revocation_confirmed_after_the_week_still_shows_in_that_weeks_report(
        world: World) -> None:
    login(world, acme_system(world))
    disable_user(world.user(Role.PARTNER_SPECIALIST))
    task = RevocationTask.objects.get()
    services.confirm_revocation(task, acting_user=world.user(Role.CLIENT_ADMIN))
    task.refresh_from_db()
    confirmed = task.confirmed_at
    assert confirmed is not None
    assert len(weekly_section(world.acme, confirmed)["revocations"]) == 1
    assert weekly_section(world.acme, confirmed + timedelta(seconds=1))["revocations"] == []


def test_reviews_due_are_counted_at_the_weeks_end(world: World) -> None:
    access = login(world, acme_system(world))
    SystemAccess.objects.filter(pk=access.pk).update(
        granted_at=timezone.now() - timedelta(days=100))
    assert weekly_section(world.acme, timezone.now())["reviews_due"] == 1
