from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from rcmdesk.conftest import World
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue import services
from rcmdesk.workqueue.models import ActionKind, ItemKind, ItemStatus, WorkItem
from rcmdesk.workqueue.services import Conflict, NotAllowed, Step
from rcmdesk.workqueue.tests.factories import make_item

pytestmark = pytest.mark.django_db


def specialist(world: World) -> Any:
    return world.user(Role.PARTNER_SPECIALIST)


def test_get_next_hands_out_the_highest_priority_item_and_leases_it(world: World) -> None:
    make_item(world.acme, 1, priority=10)
    top = make_item(world.acme, 2, priority=90)
    item = services.claim_next(acting_user=specialist(world))
    assert item is not None
    assert item.pk == top.pk
    assert item.status == ItemStatus.IN_PROGRESS
    assert item.assignee == specialist(world)
    assert item.lease_expires_at is not None
    assert item.lease_expires_at > timezone.now()
    assert item.actions.get().kind == ActionKind.CLAIMED


def test_get_next_never_hands_out_an_item_outside_the_engagement_scope(world: World) -> None:
    make_item(world.birch, 1, priority=999)  # other client
    make_item(world.acme, 2, kind=ItemKind.POSTING_EXCEPTION, priority=999)  # out of scope
    assert services.claim_next(acting_user=specialist(world)) is None


def test_an_item_someone_holds_is_not_handed_to_anyone_else(world: World) -> None:
    make_item(world.acme, 1)
    assert services.claim_next(acting_user=world.user(Role.PARTNER_LEAD)) is not None
    assert services.claim_next(acting_user=specialist(world)) is None


def test_an_abandoned_lease_returns_the_item_to_the_pool(world: World) -> None:
    make_item(world.acme, 1)
    lead = world.user(Role.PARTNER_LEAD)
    services.claim_next(acting_user=lead)
    later = timezone.now() + services.LEASE + timedelta(seconds=1)
    item = services.claim_next(acting_user=specialist(world), now=later)
    assert item is not None
    assert item.assignee == specialist(world)


def test_a_stale_version_gets_a_conflict_instead_of_overwriting(world: World) -> None:
    make_item(world.acme, 1)
    item = services.claim_next(acting_user=specialist(world))
    assert item is not None
    services.act(item, item.version, Step(ActionKind.CALLED_PAYER, "n1"),
                 acting_user=specialist(world))
    with pytest.raises(Conflict):
        services.act(item, item.version, Step(ActionKind.NOTE, "stale"),
                     acting_user=specialist(world))


def test_an_action_counts_a_touch_and_moves_the_status(world: World) -> None:
    make_item(world.acme, 1)
    item = services.claim_next(acting_user=specialist(world))
    assert item is not None
    due = timezone.localdate() + timedelta(days=14)
    done = services.act(item, item.version,
                        Step(ActionKind.CALLED_PAYER, "in process", status=ItemStatus.PENDING_PAYER,
                             follow_up_on=due), acting_user=specialist(world))
    assert (done.touches, done.status, done.follow_up_on) == (1, ItemStatus.PENDING_PAYER, due)
    assert done.lease_expires_at is None


def test_a_write_off_is_never_recorded_as_a_specialist_action(world: World) -> None:
    make_item(world.acme, 1)
    item = services.claim_next(acting_user=specialist(world))
    assert item is not None
    with pytest.raises(NotAllowed):
        services.act(item, item.version, Step(ActionKind.WRITTEN_OFF),
                     acting_user=specialist(world))


def test_closing_by_hand_needs_an_outcome(world: World) -> None:
    make_item(world.acme, 1)
    item = services.claim_next(acting_user=specialist(world))
    assert item is not None
    with pytest.raises(NotAllowed):
        services.act(item, item.version,
                     Step(ActionKind.NOTE, status=ItemStatus.DONE), acting_user=specialist(world))


def test_pending_payer_needs_a_follow_up_date_from_every_caller(world: World) -> None:
    """The form and the API asked for the date; the service did not, so any other caller
    (a command, a future page) could park an item with the payer and never see it again."""
    make_item(world.acme, 1)
    item = services.claim_next(acting_user=specialist(world))
    assert item is not None
    with pytest.raises(NotAllowed, match="Pending payer needs a follow-up date"):
        services.act(item, item.version,
                     Step(ActionKind.CALLED_PAYER,
                          status=ItemStatus.PENDING_PAYER), acting_user=specialist(world))
    item.refresh_from_db()
    assert (item.status, item.follow_up_on, item.touches) == (ItemStatus.IN_PROGRESS, None, 0)


def test_acting_needs_the_lease(world: World) -> None:
    item = make_item(world.acme, 1)
    with pytest.raises(NotAllowed):
        services.act(item, item.version, Step(ActionKind.NOTE, "x"), acting_user=specialist(world))


def test_a_lead_assigns_only_to_people_who_can_work_the_item(world: World) -> None:
    mine = make_item(world.acme, 1)
    theirs = make_item(world.acme, 2, kind=ItemKind.POSTING_EXCEPTION)  # not in scope
    result = services.assign([mine, theirs], specialist(world),
                             acting_user=world.user(Role.PARTNER_LEAD))
    assert result.done == [mine.pk]
    assert theirs.pk not in result.done
    assert WorkItem.objects.get(pk=mine.pk).assignee == specialist(world)


def test_a_specialist_cannot_assign_work(world: World) -> None:
    item = make_item(world.acme, 1)
    result = services.assign([item], world.user(Role.PARTNER_LEAD), acting_user=specialist(world))
    assert result.done == []
    assert item.pk in result.skipped


def test_an_item_assigned_to_someone_else_is_not_handed_out(world: World) -> None:
    make_item(world.acme, 1, assignee=world.user(Role.PARTNER_LEAD))
    assert services.claim_next(acting_user=specialist(world)) is None


def test_a_snoozed_item_stays_out_of_the_pool_until_its_day(world: World) -> None:
    item = make_item(world.acme, 1)
    until = timezone.localdate() + timedelta(days=3)
    assert services.snooze([item], until, acting_user=specialist(world)).done == [item.pk]
    assert services.claim_next(acting_user=specialist(world)) is None
    later = timezone.now() + timedelta(days=4)
    assert services.claim_next(acting_user=specialist(world), now=later) is not None


def test_bulk_close_records_the_outcome_on_each_item(world: World) -> None:
    items = [make_item(world.acme, n) for n in (1, 2)]
    result = services.close(items, "paid on recheck", acting_user=specialist(world))
    assert sorted(result.done) == sorted(i.pk for i in items)
    assert set(WorkItem.objects.values_list("status", flat=True)) == {ItemStatus.DONE}


def test_history_rows_cannot_be_changed(world: World) -> None:
    from django.db import DatabaseError, transaction

    make_item(world.acme, 1)
    item = services.claim_next(acting_user=specialist(world))
    assert item is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        item.actions.update(note="rewritten")
