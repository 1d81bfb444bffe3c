"""/posting/exceptions/<id>/ resolves an exception in place (search a claim, match and post,
park, refund, review); /posting/unapplied/ ages the parked cash and applies it; the work
item and the 835 page lead there."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World, sign_in
from rcmdesk.remits.invariants import check_ledger
from rcmdesk.remits.models import ExceptionStatus, UnappliedCash
from rcmdesk.remits.tests.test_resolution import UNMATCHED, arrives, item_of, paid_twice
from rcmdesk.remits.tests.x12text import make_claim
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemStatus
from rcmdesk.workqueue.producers import sync_client


def as_(world: World, role: Role) -> Client:
    return sign_in(Client(), world.user(role))


def posting_specialist(world: World) -> Client:
    world.acme_engagement.scope = ["ar_followup", "denials", "posting"]
    world.acme_engagement.save()
    return as_(world, Role.PARTNER_SPECIALIST)


def url(exception: Any) -> str:
    return reverse("remits:exception", args=[exception.pk])


def test_the_page_searches_claims_and_matching_one_posts_it_and_closes_the_item(
        world: World) -> None:
    exception = arrives(world, UNMATCHED, "50.00")
    sync_client(world.acme, world.acme.today())
    claim = make_claim(world.acme, "REAL1", [("99213", "50.00")])
    client = posting_specialist(world)

    body = client.get(url(exception), {"pcn": "REAL"}).content.decode()
    assert "Unmatched payment" in body
    assert reverse("remits:remittance", args=[exception.remittance_id]) in body
    assert "Match and post" in body
    assert "REAL1" in body
    assert "$50.00" in body

    response = client.post(url(exception), {"action": "match", "claim": claim.pk})

    assert response.status_code == 302
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.RESOLVED
    assert item_of(exception).status == ItemStatus.DONE
    assert check_ledger() == []
    after = client.get(url(exception)).content.decode()
    assert "matched to claim REAL1: posted" in after
    assert "Resolve it" not in after
    assert AuditEvent.objects.filter(action="read", object_id=str(exception.pk),
                                     object_type="remits.postingexception").exists()


def test_a_bad_date_in_the_search_is_said_in_words(world: World) -> None:
    exception = arrives(world, UNMATCHED, "50.00")
    body = posting_specialist(world).get(url(exception), {"dos": "yesterday"}).content.decode()
    assert "Date of service is not a date" in body


def test_parking_from_the_page_shows_the_cash_in_the_aging_report_and_applies_it(
        world: World) -> None:
    exception = arrives(world, UNMATCHED, "50.00")
    client = posting_specialist(world)
    client.post(url(exception), {"action": "park", "text": "no patient detail"})
    cash = UnappliedCash.objects.get()
    UnappliedCash.objects.filter(pk=cash.pk).update(
        parked_on=world.acme.today() - timedelta(days=100))

    report = client.get(reverse("remits:unapplied")).content.decode()
    assert "91-120 days" in report
    assert "$50.00" in report
    assert "no patient detail" in report

    make_claim(world.acme, "LATER", [("99213", "80.00")])
    client.post(reverse("remits:unapplied_apply", args=[cash.pk]),
                {"pcn": "LATER", "amount": "50.00"})
    cash.refresh_from_db()
    assert cash.remaining == 0
    assert "Nothing held." in client.get(reverse("remits:unapplied")).content.decode()
    assert check_ledger() == []


def test_applying_to_another_clients_claim_is_not_found(world: World) -> None:
    client = posting_specialist(world)
    client.post(url(arrives(world, UNMATCHED, "50.00")), {"action": "park", "text": "x"})
    make_claim(world.birch, "BIRCH1", [("99213", "80.00")])
    cash = UnappliedCash.objects.get()
    response = client.post(reverse("remits:unapplied_apply", args=[cash.pk]),
                           {"pcn": "BIRCH1", "amount": "10.00"})
    assert response.status_code == 404
    cash.refresh_from_db()
    assert cash.remaining == cash.amount


def test_a_refund_asked_from_the_page_waits_for_the_client(world: World) -> None:
    exception = paid_twice(world)
    client = posting_specialist(world)
    client.post(url(exception), {"action": "refund", "text": "paid twice"})
    exception.refresh_from_db()
    assert exception.refund is not None
    body = client.get(url(exception)).content.decode()
    assert "waits for the client" in body
    assert reverse("decisions:detail", args=[exception.refund.pk]) in body


def test_an_action_the_kind_does_not_allow_is_refused_in_words(world: World) -> None:
    exception = arrives(world, UNMATCHED, "50.00")
    response = posting_specialist(world).post(url(exception),
                                              {"action": "refund", "text": "x"})
    assert response.status_code == 400
    assert "cannot be resolved that way" in response.content.decode()


def test_a_partner_outside_the_posting_workflow_does_not_find_the_page(world: World) -> None:
    exception = arrives(world, UNMATCHED, "50.00")
    client = as_(world, Role.PARTNER_SPECIALIST)
    assert client.get(url(exception)).status_code == 404
    assert client.post(url(exception), {"action": "park", "text": "x"}).status_code == 404


def test_a_qa_auditor_reads_the_page_but_may_not_act(world: World) -> None:
    world.acme_engagement.scope = ["posting"]
    world.acme_engagement.save()
    exception = arrives(world, UNMATCHED, "50.00")
    client = as_(world, Role.PARTNER_QA)
    assert client.get(url(exception)).status_code == 200
    assert client.post(url(exception), {"action": "park", "text": "x"}).status_code == 403
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.OPEN


def test_the_work_item_links_to_the_resolution_and_prices_the_payment_as_what_it_is(
        world: World) -> None:
    exception = arrives(world, UNMATCHED, "50.00")
    sync_client(world.acme, world.acme.today())
    item = item_of(exception)
    body = posting_specialist(world).get(reverse("workqueue:item", args=[item.pk])).content \
        .decode()
    assert url(exception) in body
    assert "Payment at issue" in body
    priority = body.split('data-testid="priority"')[1].split("</table>")[0]
    assert "expected recoverable" not in priority.lower()
    assert "<td>Payment at issue</td>" in priority  # the factor, named as what it is


def test_the_remittance_page_links_each_exception_to_its_resolution(world: World) -> None:
    exception = arrives(world, UNMATCHED, "50.00")
    body = posting_specialist(world).get(
        reverse("remits:remittance", args=[exception.remittance_id])).content.decode()
    assert url(exception) in body


def test_someone_who_may_read_but_not_resolve_sees_no_action_forms(world: World) -> None:
    exception = arrives(world, UNMATCHED, "50.00")
    body = as_(world, Role.CLIENT_ADMIN).get(url(exception)).content.decode()
    assert 'data-testid="resolve"' not in body
    assert 'data-testid="park-form"' not in body
    assert "resolving it is for whoever works this client's posting" in body
    staff = as_(world, Role.CLIENT_STAFF).get(url(exception)).content.decode()
    assert 'data-testid="park-form"' in staff
