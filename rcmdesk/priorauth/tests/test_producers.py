"""Prior-auth items: needed-and-missing on visits and unsent claims, expiring authorizations."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from rcmdesk.claims.models import ClaimStatus
from rcmdesk.conftest import World
from rcmdesk.eligibility.models import Visit, VisitStatus
from rcmdesk.priorauth.models import Authorization, AuthStatus
from rcmdesk.priorauth.producers import EXPIRING_DAYS, sync_authorizations
from rcmdesk.priorauth.tests.factories import (
    make_auth,
    make_claim,
    make_patient,
    make_payer,
    require,
)
from rcmdesk.workqueue.models import ItemKind, ItemStatus, WorkItem

TODAY = date(2026, 3, 1)
pytestmark = pytest.mark.django_db


def items(status: str | None = None) -> dict[str, WorkItem]:
    rows = WorkItem.objects.filter(kind=ItemKind.PRIOR_AUTH)
    if status:
        rows = rows.filter(status=status)
    return {i.source_key: i for i in rows}


def visit(world: World, patient, payer, codes: list[str], day: date = TODAY + timedelta(days=5),
          **fields) -> Visit:  # type: ignore[no-untyped-def]
    return Visit.objects.create(client=world.acme, patient=patient, payer=payer,
                                scheduled_on=day, procedures=codes, **fields)


def test_a_visit_planning_a_code_that_needs_authorization_gets_an_item_once(
        world: World) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    require(world.acme, "70551-70553", payer)
    v = visit(world, patient, payer, ["70553", "99213"])
    first = sync_authorizations(world.acme, TODAY)
    again = sync_authorizations(world.acme, TODAY)
    assert (first.created, again.created, again.closed) == (1, 0, 0)
    item = items()[f"auth-needed:visit:{v.pk}:70553"]
    assert item.category == "missing"
    assert item.detail["visit_id"] == v.pk
    assert item.deadline == v.scheduled_on


def test_past_and_cancelled_visits_and_other_payers_make_no_items(world: World) -> None:
    payer, other, patient = (make_payer(world.acme), make_payer(world.acme, "OTHER"),
                             make_patient(world.acme))
    require(world.acme, "72148", payer)
    visit(world, patient, payer, ["72148"], day=TODAY - timedelta(days=1))
    visit(world, patient, payer, ["72148"], status=VisitStatus.CANCELLED)
    visit(world, patient, other, ["72148"])
    assert sync_authorizations(world.acme, TODAY).created == 0


def test_an_approved_authorization_closes_the_visit_item(world: World) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    require(world.acme, "72148", payer)
    v = visit(world, patient, payer, ["72148"])
    sync_authorizations(world.acme, TODAY)
    auth = make_auth(world.acme, patient, payer, ["72148"])
    assert sync_authorizations(world.acme, TODAY).closed == 1
    item = items()[f"auth-needed:visit:{v.pk}:72148"]
    assert item.status == ItemStatus.DONE
    assert item.close_reason == f"authorization #{auth.pk} covers it"


def test_a_pending_authorization_keeps_the_item_open_with_its_reason(world: World) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    require(world.acme, "72148", payer)
    v = visit(world, patient, payer, ["72148"])
    make_auth(world.acme, patient, payer, ["72148"], status=AuthStatus.PENDING)
    sync_authorizations(world.acme, TODAY)
    assert items()[f"auth-needed:visit:{v.pk}:72148"].category == "pending"


def test_draft_claim_lines_without_authorization_get_items_and_sent_claims_do_not(
        world: World) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    require(world.acme, "97110")
    draft = make_claim(world.acme, patient, payer, [("99213", "1"), ("97110", "2")],
                       status=ClaimStatus.DRAFT, pcn="D1")
    make_claim(world.acme, patient, payer, [("97110", "2")], pcn="SENT")
    sync_authorizations(world.acme, TODAY)
    assert set(items()) == {f"auth-needed:claim:{draft.pk}:2"}
    item = items()[f"auth-needed:claim:{draft.pk}:2"]
    assert (item.claim_id, item.amount) == (draft.pk, Decimal("100.00"))
    draft.status = ClaimStatus.SUBMITTED
    draft.save()
    sync_authorizations(world.acme, TODAY)
    assert items()[f"auth-needed:claim:{draft.pk}:2"].close_reason == "claim sent or removed"


def test_an_authorization_ending_soon_raises_an_item_until_it_is_renewed(
        world: World) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    auth = make_auth(world.acme, patient, payer, ["97110"], start=date(2026, 1, 1),
                     end=TODAY + timedelta(days=EXPIRING_DAYS))
    make_auth(world.acme, patient, payer, ["97110"], start=date(2026, 1, 1),
              end=TODAY + timedelta(days=EXPIRING_DAYS + 1))
    sync_authorizations(world.acme, TODAY)
    assert set(items()) == {f"auth:{auth.pk}:expiring"}
    Authorization.objects.filter(pk=auth.pk).update(end_date=date(2026, 12, 31))
    assert sync_authorizations(world.acme, TODAY).closed == 1


def test_units_nearly_used_raise_an_item_with_the_used_units_stored(world: World) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    auth = make_auth(world.acme, patient, payer, ["97110"], units="10")
    make_claim(world.acme, patient, payer, [("97110", "7")], pcn="S1")
    sync_authorizations(world.acme, TODAY)
    auth.refresh_from_db()
    assert auth.used_units == Decimal(7)
    assert not items()
    make_claim(world.acme, patient, payer, [("97110", "1")], pcn="S2")
    sync_authorizations(world.acme, TODAY)
    item = items()[f"auth:{auth.pk}:units"]
    assert "8 of 10 units used" in item.title


def test_a_run_for_some_patients_leaves_other_patients_items_alone(world: World) -> None:
    payer, one, two = (make_payer(world.acme), make_patient(world.acme),
                       make_patient(world.acme, "Two"))
    require(world.acme, "72148", payer)
    v1, v2 = visit(world, one, payer, ["72148"]), visit(world, two, payer, ["72148"])
    sync_authorizations(world.acme, TODAY)
    Visit.objects.filter(pk__in=[v1.pk, v2.pk]).update(status=VisitStatus.CANCELLED)
    assert sync_authorizations(world.acme, TODAY, patient_ids=[one.pk]).closed == 1
    assert items()[f"auth-needed:visit:{v2.pk}:72148"].status != ItemStatus.DONE


def test_the_queue_refresh_runs_the_prior_auth_producer(world: World) -> None:
    from rcmdesk.workqueue.producers import sync_client

    payer, patient = make_payer(world.acme), make_patient(world.acme)
    require(world.acme, "72148", payer)
    visit(world, patient, payer, ["72148"])
    assert sync_client(world.acme, TODAY)["prior_auth"].created == 1
