"""The posting exceptions page: open exceptions of the clients whose posting the viewer works,
with the remit's payer, trace, amount and age, linked to the claim and to the page that
resolves each."""

from __future__ import annotations

import zlib
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import sign_in
from rcmdesk.intake.services import ingest
from rcmdesk.remits.models import ExceptionStatus, PostingException
from rcmdesk.remits.tests.x12text import header, make_claim, remit
from rcmdesk.tenancy.roles import Role

UNMATCHED = "CLP*NOSUCHPCN*1*100*100**12*CCN9~SVC*HC:99213*100*100**1~"
OVERPAID = "CLP*PCN1*1*100*150**12*CCN1~SVC*HC:99213*100*150**1~CAS*CO*45*-50~"


def exceptions_at(org, body=UNMATCHED, trace="ACMETRACE", amount="100.00"):
    isa13 = f"{zlib.crc32(trace.encode()) % 10**9:09d}"
    ingest(org, remit(header(amount, trace=trace) + body, isa13=isa13), f"{trace}.835")
    return PostingException.objects.filter(client=org)


def give_posting(world):
    world.acme_engagement.scope = ["ar_followup", "denials", "posting"]
    world.acme_engagement.save()


def as_(world, role):
    return sign_in(Client(), world.user(role))


def page(**params):
    return reverse("remits:exceptions") + ("?" + "&".join(f"{k}={v}" for k, v in params.items())
                                           if params else "")


def test_client_staff_see_their_open_exceptions_with_payer_trace_amount_and_age(world):
    exception = exceptions_at(world.acme).get()
    PostingException.objects.filter(pk=exception.pk).update(
        created_at=timezone.now() - timedelta(days=3, hours=1))
    body = as_(world, Role.CLIENT_STAFF).get(page()).content.decode()
    assert "NOSUCHPCN" in body
    assert "ACMETRACE" in body
    assert "ACME PAYER" in body
    assert '<td data-value="100.00">$100.00</td>' in body
    assert '<td data-value="3">3</td>' in body
    assert "No claim of ours matches" in body


def test_a_partner_specialist_outside_the_posting_workflow_sees_none(world):
    exceptions_at(world.acme)
    body = as_(world, Role.PARTNER_SPECIALIST).get(page()).content.decode()
    assert "NOSUCHPCN" not in body
    assert "No posting exceptions visible to you." in body


def test_the_specialist_sees_them_once_posting_is_in_the_engagement(world):
    exceptions_at(world.acme)
    exceptions_at(world.birch, trace="BIRCHTRACE")
    give_posting(world)
    body = as_(world, Role.PARTNER_SPECIALIST).get(page()).content.decode()
    assert "ACMETRACE" in body
    assert "BIRCHTRACE" not in body


def test_an_exception_on_a_known_claim_links_to_the_claim_page(world):
    claim = make_claim(world.acme, "PCN1", [("99213", "100.00")])
    exceptions_at(world.acme, OVERPAID, amount="150.00").get()
    body = as_(world, Role.CLIENT_STAFF).get(page()).content.decode()
    assert reverse("claims:claim", args=[claim.pk]) in body


def test_resolved_exceptions_are_shown_only_when_asked_for_with_their_status(world):
    exceptions_at(world.acme).update(status=ExceptionStatus.RESOLVED)
    client = as_(world, Role.CLIENT_STAFF)
    assert "NOSUCHPCN" not in client.get(page()).content.decode()
    body = client.get(page(status="all")).content.decode()
    assert "NOSUCHPCN" in body
    assert "Resolved" in body


def test_listing_exceptions_is_audited_on_each_clients_trail(world):
    exception = exceptions_at(world.acme).get()
    as_(world, Role.CLIENT_MANAGER).get(page())
    event = AuditEvent.objects.filter(action="list").latest("id")
    assert (event.client_org_id, event.detail["exceptions"]) == (world.acme.pk, [exception.pk])
