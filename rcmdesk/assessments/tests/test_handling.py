"""Handle hours: the assessment's own, else measured on the working clients, else defaults."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from rcmdesk import errors
from rcmdesk.assessments.handling import handle_hours, recovery
from rcmdesk.assessments.models import Assessment
from rcmdesk.assessments.work import WorkType
from rcmdesk.conftest import World
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ActionKind, ItemStatus, WorkAction, WorkItem


def worked(world: World, client: Organization, kind: str, workflow: str, n: int,
           minutes: int, start: datetime) -> None:
    """``n`` closed items of ``kind``, two hours apart, each a touch and a close
    ``minutes`` later (handle time: the 5-minute opener + ``minutes``)."""
    specialist = world.user(Role.PARTNER_SPECIALIST)
    for i in range(n):
        at = start + timedelta(hours=2 * i)
        item = WorkItem.objects.create(client=client, workflow=workflow, kind=kind,
                                       source_key=f"{client.slug}-{kind}-{i}", title=kind,
                                       created_at=at, status=ItemStatus.DONE,
                                       closed_at=at + timedelta(minutes=minutes))
        WorkAction.objects.create(item=item, actor=specialist, kind=ActionKind.CALLED_PAYER,
                                  at=at)
        WorkAction.objects.create(item=item, actor=specialist, kind=ActionKind.CLOSED,
                                  at=at + timedelta(minutes=minutes))


@pytest.fixture
def prospect(world: World) -> Assessment:
    client = Organization.objects.create(slug="prospect", name="Prospect Clinic",
                                         kind="client", prospect=True)
    return Assessment.objects.create(client=client, name="Prospect Clinic")


def test_handle_hours_are_measured_where_the_platform_has_enough_history(
        world: World, prospect: Assessment) -> None:
    start = timezone.now() - timedelta(days=10)
    worked(world, world.acme, "denial", "denials", 31, 30, start)  # 35 min each
    worked(world, world.acme, "rejection", "charges_claims", 29, 10,
           start - timedelta(days=5))  # too few
    # the prospect's own (or any prospect's) items are not the platform's history
    worked(world, prospect.client, "ar_followup", "ar_followup", 40, 10, start)
    hours = handle_hours(prospect)
    denials = hours[WorkType.DENIALS]
    assert (denials.hours, denials.source) == (Decimal("0.58"), "measured")
    assert denials.basis == "over 31 closed denial items in the last 8 weeks"
    assert hours[WorkType.REJECTIONS].source == "default"
    assert hours[WorkType.REJECTIONS].hours == Decimal("0.25")
    assert hours[WorkType.REJECTIONS].basis == "typical of co-managed teams"
    assert hours[WorkType.AR_FOLLOWUP].source == "default"


def test_items_closed_before_the_last_8_weeks_are_not_measured(
        world: World, prospect: Assessment) -> None:
    worked(world, world.acme, "denial", "denials", 31, 30,
           timezone.now() - timedelta(days=70))
    assert handle_hours(prospect)[WorkType.DENIALS].source == "default"


def test_the_assessments_own_numbers_win_over_measured_and_defaults(
        world: World, prospect: Assessment) -> None:
    worked(world, world.acme, "denial", "denials", 31, 30, timezone.now() - timedelta(days=3))
    prospect.handle_hours = {"denials": "0.75"}
    prospect.recovery_percent = {"ar_followup": "55", "denials": "0"}
    hours = handle_hours(prospect)
    assert (hours[WorkType.DENIALS].hours, hours[WorkType.DENIALS].source) == (
        Decimal("0.75"), "set for this assessment")
    percent, source = recovery(prospect)
    assert percent[WorkType.AR_FOLLOWUP] == Decimal("55")
    assert percent[WorkType.DENIALS] == Decimal("0")
    assert source[WorkType.AR_FOLLOWUP] == "set for this assessment"
    assert (percent[WorkType.REJECTIONS], source[WorkType.REJECTIONS]) == (
        Decimal("90"), "default")


def test_a_number_out_of_range_is_refused_in_words(prospect: Assessment) -> None:
    prospect.handle_hours = {"denials": "0"}
    with pytest.raises(errors.Invalid, match="handle hours set for Open denials"):
        handle_hours(prospect)
    prospect.recovery_percent = {"denials": "120"}
    with pytest.raises(errors.Invalid, match="at most 100"):
        recovery(prospect)
    prospect.recovery_percent = {"denials": "lots"}
    with pytest.raises(errors.Invalid, match="not a number"):
        recovery(prospect)
