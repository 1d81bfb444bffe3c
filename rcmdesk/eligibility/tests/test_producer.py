"""The eligibility producer: an item N days before each visit, closed once verified or
cancelled, and nothing new on a second run."""

from __future__ import annotations

from datetime import timedelta

from django.test import override_settings

from rcmdesk.conftest import World
from rcmdesk.eligibility.models import EligibilityResponse, VisitStatus
from rcmdesk.eligibility.producer import lead_days, sync_visits
from rcmdesk.eligibility.tests.builders import make_visit
from rcmdesk.workqueue.models import ItemKind, WorkItem
from rcmdesk.workqueue.producers import sync_client


def keys() -> set[str]:
    return set(WorkItem.objects.active().filter(kind=ItemKind.ELIGIBILITY)
               .values_list("source_key", flat=True))


def test_a_visit_within_three_days_gets_an_item_and_one_further_out_does_not(
        world: World) -> None:
    near = make_visit(world.acme, days_ahead=3)
    make_visit(world.acme, days_ahead=4, last="LATER")
    written = sync_visits(world.acme, world.acme.today())
    assert keys() == {f"visit:{near.pk}"}
    assert written.created == 1
    item = WorkItem.objects.get()
    assert item.detail["visit_id"] == near.pk
    assert item.deadline == near.scheduled_on
    assert item.workflow == "eligibility"


def test_a_second_run_changes_nothing(world: World) -> None:
    make_visit(world.acme, days_ahead=1)
    sync_visits(world.acme, world.acme.today())
    again = sync_visits(world.acme, world.acme.today())
    assert again.as_dict() == {"created": 0, "refreshed": 0, "closed": 0}


@override_settings(RCMDESK_ELIGIBILITY_LEAD_DAYS=7)
def test_the_lead_time_setting_moves_the_window(world: World) -> None:
    visit = make_visit(world.acme, days_ahead=6)
    sync_visits(world.acme, world.acme.today())
    assert keys() == {f"visit:{visit.pk}"}


def test_an_active_answer_on_file_closes_the_item(world: World) -> None:
    visit = make_visit(world.acme, days_ahead=1)
    sync_visits(world.acme, world.acme.today())
    EligibilityResponse.objects.create(client=world.acme, visit=visit, key="k",
                                       status="active")
    assert sync_visits(world.acme, world.acme.today()).closed == 1
    assert WorkItem.objects.get().close_reason == "active coverage verified"


def test_a_cancelled_visit_closes_its_items(world: World) -> None:
    visit = make_visit(world.acme, days_ahead=1)
    sync_visits(world.acme, world.acme.today())
    visit.status = VisitStatus.CANCELLED
    visit.save()
    sync_visits(world.acme, world.acme.today())
    assert keys() == set()
    assert WorkItem.objects.get().close_reason == "visit cancelled"


def test_the_daily_queue_refresh_runs_the_eligibility_producer(world: World) -> None:
    make_visit(world.acme, days_ahead=0)
    written = sync_client(world.acme, world.acme.today())
    assert written["eligibility"].created == 1


def test_a_visit_five_days_out_enters_the_queue_three_days_before_it(
        world: World) -> None:
    visit = make_visit(world.acme, days_ahead=5)
    sync_visits(world.acme, world.acme.today())
    assert keys() == set()
    sync_visits(world.acme, world.acme.today() + timedelta(days=2))
    assert keys() == {f"visit:{visit.pk}"}


@override_settings(RCMDESK_ELIGIBILITY_LEAD_DAYS={"default": 5, "birch": 1})
def test_the_lead_time_comes_from_the_setting_per_client(world: World) -> None:
    assert lead_days(world.acme) == 5
    assert lead_days(world.birch) == 1


def test_the_lead_time_is_three_days_by_default(world: World) -> None:
    assert lead_days(world.acme) == 3
