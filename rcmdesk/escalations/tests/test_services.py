"""Raising and moving escalations: owners, their clocks, who may act, overdue, audit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.escalations import services
from rcmdesk.escalations.models import Escalation, EscalationKind, EscalationStatus
from rcmdesk.escalations.tests.factories import raise_one
from rcmdesk.tenancy.models import BreakGlassGrant, Engagement
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind
from rcmdesk.workqueue.tests.factories import make_claim, make_item

pytestmark = pytest.mark.django_db
WEDNESDAY_15_UTC = datetime(2026, 6, 10, 15, tzinfo=UTC)


@pytest.fixture
def frozen(world: World, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Pin the clock to a hand-worked date (the engagements started well before it)."""
    Engagement.objects.update(start_date=date(2020, 1, 1))

    def freeze(at: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: at)
    return freeze


def set_zone(world: World, role: Role, zone: str) -> None:
    user = world.user(role)
    user.time_zone = zone
    user.save(update_fields=["time_zone"])


def test_it_goes_to_the_engagements_partner_lead_on_their_clock(world: World,
                                                                  frozen: Any) -> None:
    set_zone(world, Role.PARTNER_LEAD, "Asia/Kolkata")
    frozen(WEDNESDAY_15_UTC)  # 20:30 in Kolkata: after hours, the clock starts Thursday
    esc = raise_one(world)
    assert esc.owner == world.user(Role.PARTNER_LEAD)
    assert esc.owner_time_zone == "Asia/Kolkata"
    assert esc.engagement == world.acme_engagement
    assert esc.sla_hours == Decimal(8)
    assert esc.response_due_at == datetime(2026, 6, 11, 11, 30, tzinfo=UTC)  # Thu 17:00 IST


def test_each_owner_zone_gives_its_own_due_time_for_the_same_moment(world: World,
                                                                      frozen: Any) -> None:
    frozen(WEDNESDAY_15_UTC)
    set_zone(world, Role.CLIENT_MANAGER, "America/Los_Angeles")
    set_zone(world, Role.PARTNER_LEAD, "America/New_York")
    west = raise_one(world, owner=world.user(Role.CLIENT_MANAGER))
    east = raise_one(world)
    assert west.response_due_at == datetime(2026, 6, 11, 0, tzinfo=UTC)  # Wed 17:00 PDT
    assert east.response_due_at == datetime(2026, 6, 11, 15, tzinfo=UTC)  # Thu 11:00 EDT


def test_a_client_admin_sets_a_shorter_promise_for_system_access(world: World,
                                                                  frozen: Any) -> None:
    frozen(WEDNESDAY_15_UTC)
    services.set_response_sla(world.acme,
                              EscalationKind.SYSTEM_ACCESS, Decimal("2"),
                              acting_user=world.user(Role.CLIENT_ADMIN))
    esc = raise_one(world, kind=EscalationKind.SYSTEM_ACCESS)
    assert esc.sla_hours == Decimal(2)
    assert esc.response_due_at == datetime(2026, 6, 10, 17, tzinfo=UTC)  # 13:00 EDT
    with pytest.raises(PermissionDenied):
        services.set_response_sla(world.acme,
                                  EscalationKind.OTHER, Decimal(1),
                                  acting_user=world.user(Role.PARTNER_LEAD))


def test_overdue_means_past_due_with_no_first_response(world: World, frozen: Any) -> None:
    frozen(WEDNESDAY_15_UTC)
    esc = raise_one(world)
    answered = raise_one(world, subject="answered in time")
    services.transition(answered, "acknowledge", 1, acting_user=world.user(Role.PARTNER_LEAD))
    later = esc.response_due_at + timedelta(minutes=1)
    rows = Escalation.objects.filter(client=world.acme)
    assert list(services.overdue(rows, esc.response_due_at)) == []
    assert list(services.overdue(rows, later)) == [esc]
    assert esc.is_overdue(later)
    assert not Escalation.objects.get(pk=answered.pk).is_overdue(later)


def test_reassigning_rereads_the_new_owners_zone_from_the_moment_it_was_raised(
        world: World, frozen: Any) -> None:
    frozen(WEDNESDAY_15_UTC)
    set_zone(world, Role.CLIENT_MANAGER, "America/Los_Angeles")
    esc = raise_one(world)
    frozen(WEDNESDAY_15_UTC + timedelta(hours=3))
    moved = services.transition(esc, "reassign", 1, acting_user=world.user(Role.PARTNER_LEAD),
                                owner=world.user(Role.CLIENT_MANAGER))
    assert (moved.owner_time_zone, moved.version) == ("America/Los_Angeles", 2)
    assert moved.response_due_at == datetime(2026, 6, 11, 0, tzinfo=UTC)
    event = moved.events.get(kind="reassign")
    assert event.detail["from_owner"] == "pillar.lead"
    assert AuditEvent.objects.filter(action="escalation.reassign").count() == 1


def test_the_lifecycle_records_first_response_resolution_and_history(world: World) -> None:
    esc = raise_one(world)
    lead = world.user(Role.PARTNER_LEAD)
    esc = services.transition(esc, "acknowledge", 1, acting_user=lead)
    esc = services.transition(esc, "respond", 2, acting_user=lead, note="Called the payer; ref 77.")
    esc = services.transition(esc, "resolve", 3, acting_user=lead, note="Reprocessed.")
    esc = services.transition(esc, "close", 4, acting_user=world.user(Role.CLIENT_STAFF))
    assert esc.status == EscalationStatus.CLOSED
    assert esc.first_response_at is not None
    assert esc.resolved_at is not None
    assert [e.kind for e in esc.events.all()] == ["raised", "acknowledge", "respond",
                                                  "resolve", "close"]
    assert [m.body for m in esc.messages.all()] == ["Called the payer; ref 77."]
    assert AuditEvent.objects.filter(action__startswith="escalation.").count() == 5


def test_a_stale_version_is_a_conflict_and_a_wrong_state_a_problem(world: World) -> None:
    esc = raise_one(world)
    lead = world.user(Role.PARTNER_LEAD)
    services.transition(esc, "acknowledge", 1, acting_user=lead)
    with pytest.raises(services.Conflict):
        services.transition(esc, "resolve", 1, acting_user=lead)
    with pytest.raises(services.EscalationProblem):
        services.transition(esc, "acknowledge", 2, acting_user=lead)
    with pytest.raises(services.EscalationProblem):
        services.transition(esc, "respond", 2, acting_user=lead, note="  ")


def test_only_the_owner_and_escalation_owners_may_move_it(world: World) -> None:
    esc = raise_one(world, owner=world.user(Role.CLIENT_STAFF), by=Role.PARTNER_SPECIALIST)
    with pytest.raises(PermissionDenied):
        services.transition(esc, "acknowledge", 1, acting_user=world.user(Role.PARTNER_SPECIALIST))
    with pytest.raises(PermissionDenied):
        services.transition(esc, "resolve", 1, acting_user=world.user(Role.PARTNER_QA))
    assert services.transition(esc, "acknowledge", 1,
                               acting_user=world.user(Role.CLIENT_STAFF)).version == 2
    assert services.transition(esc, "resolve", 2,
                               acting_user=world.user(Role.CLIENT_MANAGER)).status == (
        EscalationStatus.RESOLVED)


def test_anyone_on_either_side_may_raise_but_not_outsiders(world: World) -> None:
    assert raise_one(world, by=Role.PARTNER_QA).raised_by == world.user(Role.PARTNER_QA)
    assert raise_one(world, by=Role.CLIENT_ADMIN).status == EscalationStatus.OPEN
    with pytest.raises(Http404):
        services.create_escalation(world.acme, "other", "x", "y", acting_user=world.birch_admin)
    with pytest.raises(Http404):  # the platform admin sees no tenant data at all
        services.create_escalation(world.acme, "other", "x",
                                   "y", acting_user=world.user(Role.PLATFORM_ADMIN))


def test_an_owner_must_see_the_client(world: World) -> None:
    with pytest.raises(services.EscalationProblem):
        raise_one(world, owner=world.birch_admin)
    with pytest.raises(services.EscalationProblem):
        raise_one(world, owner=world.user(Role.PARTNER_SPECIALIST))


def test_raising_from_an_item_links_its_claim_and_payer(world: World) -> None:
    claim = make_claim(world.acme)
    item = make_item(world.acme, claim=claim)
    esc = raise_one(world, item=item)
    assert (esc.item, esc.claim, esc.payer) == (item, claim, claim.payer)
    foreign = make_item(world.birch, 2)
    with pytest.raises(services.EscalationProblem):
        raise_one(world, item=foreign)


def test_without_a_partner_lead_a_client_manager_owns_it(world: World) -> None:
    world.acme_engagement.assignments.filter(user__role=Role.PARTNER_LEAD).delete()
    assert raise_one(world).owner == world.user(Role.CLIENT_MANAGER)


def test_an_invalid_profile_zone_falls_back_to_the_organizations(world: World) -> None:
    set_zone(world, Role.CLIENT_MANAGER, "Not/AZone")
    world.acme.time_zone = "America/Denver"
    world.acme.save(update_fields=["time_zone"])
    manager = world.user(Role.CLIENT_MANAGER)
    manager.organization = world.acme
    assert services.owner_time_zone(manager) == "America/Denver"


def test_an_escalation_about_an_item_is_seen_only_by_those_who_see_its_workflow(
        world: World) -> None:
    item = make_item(world.acme, 3, kind=ItemKind.ELIGIBILITY)
    esc = raise_one(world, item=item)
    assert esc.owner == world.user(Role.CLIENT_MANAGER)  # the partner lead cannot see it
    plain = raise_one(world, subject="no item")
    specialist = world.user(Role.PARTNER_SPECIALIST)  # engaged for AR follow-up and denials
    assert list(Escalation.objects.visible_to(specialist)) == [plain]
    assert set(Escalation.objects.visible_to(world.user(Role.CLIENT_STAFF))) == {esc, plain}


def test_break_glass_reads_escalations_but_never_raises_or_posts(world: World) -> None:
    esc = raise_one(world)
    admin = world.user(Role.PLATFORM_ADMIN)
    BreakGlassGrant.objects.create(user=admin, client=world.acme, reason="incident 12",
                                   expires_at=timezone.now() + timedelta(hours=1))
    assert list(Escalation.objects.visible_to(admin)) == [esc]
    assert not services.may_raise(admin, world.acme.pk)
    with pytest.raises(PermissionDenied):
        services.post_message(esc, "hello", acting_user=admin)
    with pytest.raises(PermissionDenied):
        services.transition(esc, "close", 1, acting_user=admin)
