"""An 837 batch with no 999 after the expected time becomes one transmission work item,
which closes when the 999 arrives."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from rcmdesk.conftest import World
from rcmdesk.connectivity.models import Transmission, TransmissionState
from rcmdesk.intake.services import ingest
from rcmdesk.submission.overdue import overdue_acknowledgments, source_key
from rcmdesk.submission.tests.test_acks import ack_999, sent_batch
from rcmdesk.submission.tests.test_correlation import mailbox, sent
from rcmdesk.submission.tests.test_ta1_intake import ta1_file
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem


def no_999_items() -> list[WorkItem]:
    return list(WorkItem.objects.filter(kind=ItemKind.TRANSMISSION).order_by("pk"))


def test_a_batch_sent_over_an_hour_ago_without_its_999_opens_one_item_naming_it(
        world: World) -> None:
    batch = sent_batch(world, "PCN1", "PCN2")
    sent(batch.outbound, mailbox(world.acme), minutes_ago=61)
    result = overdue_acknowledgments(world.acme, now=timezone.now())
    assert (result["overdue"], result["opened"]) == (1, 1)
    [item] = no_999_items()
    assert item.source_key == source_key(batch.pk)
    assert item.detail["batch_id"] == batch.pk
    assert item.claim is not None
    assert item.claim.patient_control_number == "PCN1"
    assert f"batch {batch.pk}: no 999" in item.title
    assert batch.outbound.isa13 in item.detail["why"]
    assert item.amount == sum(e.claim.total_charge for e in batch.claims.all())


def test_a_batch_sent_within_the_hour_opens_nothing(world: World) -> None:
    batch = sent_batch(world, "PCN1")
    sent(batch.outbound, mailbox(world.acme), minutes_ago=30)
    assert overdue_acknowledgments(world.acme, now=timezone.now())["overdue"] == 0
    assert not no_999_items()


def test_the_expected_time_is_a_setting(world: World, settings: object) -> None:
    batch = sent_batch(world, "PCN1")
    sent(batch.outbound, mailbox(world.acme), minutes_ago=30)
    settings.RCMDESK_ACK_999_EXPECTED_MINUTES = 20  # type: ignore[attr-defined]
    assert overdue_acknowledgments(world.acme, now=timezone.now())["overdue"] == 1


def test_running_the_check_again_keeps_one_item(world: World) -> None:
    batch = sent_batch(world, "PCN1")
    sent(batch.outbound, mailbox(world.acme), minutes_ago=90)
    overdue_acknowledgments(world.acme, now=timezone.now())
    again = overdue_acknowledgments(world.acme, now=timezone.now() + timedelta(hours=3))
    assert (again["overdue"], again["opened"]) == (1, 0)
    assert len(no_999_items()) == 1


def test_the_item_closes_when_the_999_arrives(world: World) -> None:
    batch = sent_batch(world, "PCN1")
    sent(batch.outbound, mailbox(world.acme), minutes_ago=90)
    overdue_acknowledgments(world.acme, now=timezone.now())
    ingest(world.acme, ack_999(batch, "A"), "late.999")
    [item] = no_999_items()
    assert item.status == ItemStatus.DONE
    assert item.close_reason == "the 999 arrived"
    assert overdue_acknowledgments(world.acme, now=timezone.now())["opened"] == 0


def test_a_ta1_rejecting_the_interchange_also_closes_it(world: World) -> None:
    batch = sent_batch(world, "PCN1")
    sent(batch.outbound, mailbox(world.acme), minutes_ago=90)
    overdue_acknowledgments(world.acme, now=timezone.now())
    ingest(world.acme, ta1_file(batch.outbound.isa13, "R", "022"), "reject.ta1")
    assert no_999_items()[0].status == ItemStatus.DONE


def test_an_item_whose_batch_was_answered_outside_the_hook_closes_on_the_next_run(
        world: World) -> None:
    batch = sent_batch(world, "PCN1")
    sent(batch.outbound, mailbox(world.acme), minutes_ago=90)
    overdue_acknowledgments(world.acme, now=timezone.now())
    batch.status = "acknowledged"
    batch.save(update_fields=["status"])
    assert overdue_acknowledgments(world.acme, now=timezone.now())["closed"] == 1
    assert no_999_items()[0].status == ItemStatus.DONE


def test_a_resend_restarts_the_clock(world: World) -> None:
    batch = sent_batch(world, "PCN1")
    connection = mailbox(world.acme)
    first = sent(batch.outbound, connection, minutes_ago=120)
    Transmission.objects.create(client=world.acme, outbound=batch.outbound,
                                connection=connection, state=TransmissionState.SENT,
                                sent_at=timezone.now() - timedelta(minutes=10),
                                resend_of=first, resend_reason="never picked up")
    assert overdue_acknowledgments(world.acme, now=timezone.now())["overdue"] == 0


def test_a_file_still_queued_or_failed_is_not_waiting_for_a_999(world: World) -> None:
    batch = sent_batch(world, "PCN1")
    Transmission.objects.create(client=world.acme, outbound=batch.outbound,
                                connection=mailbox(world.acme), state=TransmissionState.FAILED)
    later = timezone.now() + timedelta(days=3)
    assert overdue_acknowledgments(world.acme, now=later)["overdue"] == 0


def test_with_a_mailbox_but_no_transmission_the_clock_starts_at_the_batch(
        world: World) -> None:
    batch = sent_batch(world, "PCN1")
    mailbox(world.acme)
    assert overdue_acknowledgments(world.acme, now=batch.created_at + timedelta(
        minutes=59))["overdue"] == 0
    assert overdue_acknowledgments(world.acme, now=batch.created_at + timedelta(
        minutes=61))["overdue"] == 1


def test_a_file_sent_by_hand_gets_the_business_day_rule(world: World) -> None:
    batch = sent_batch(world, "PCN1")
    hours = overdue_acknowledgments(world.acme, now=batch.created_at + timedelta(hours=2))
    assert hours["overdue"] == 0
    week = overdue_acknowledgments(world.acme, now=batch.created_at + timedelta(days=7))
    assert week["overdue"] == 1


def test_the_batch_pages_show_the_hour_clock_and_overdue_once_past_it(
        world: World, signed_in: Any) -> None:
    late, fresh = sent_batch(world, "PCN1"), sent_batch(world, "PCN2", kind="I")
    sent(late.outbound, mailbox(world.acme), minutes_ago=61)
    sent(fresh.outbound, mailbox(world.acme), minutes_ago=5)
    browser = signed_in(Role.CLIENT_STAFF)
    late_page = browser.get(f"/batches/{late.pk}/").content.decode()
    assert 'data-testid="ack-clock"' in late_page
    assert 'data-flag="past">overdue' in late_page
    assert 'data-flag="past"' not in browser.get(f"/batches/{fresh.pk}/").content.decode()
    listing = browser.get("/batches/").content.decode()
    row = listing[listing.index(f'data-testid="batch-{late.pk}"'):]
    assert "overdue" in row[:row.index("</tr>")]
