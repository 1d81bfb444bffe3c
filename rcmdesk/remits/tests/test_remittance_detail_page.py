"""One 835 payment's page: header, the claims it posted (linked), PLB adjustments, the file it
came from, its exceptions and its deposit; another client's payment answers like a missing one."""

from __future__ import annotations

import zlib

from django.test import Client
from django.urls import reverse

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import sign_in
from rcmdesk.intake.services import ingest
from rcmdesk.remits.deposits import import_deposits_csv, match_deposits
from rcmdesk.remits.models import Remittance
from rcmdesk.remits.tests.test_deposits import csv_bytes, paid_remit
from rcmdesk.remits.tests.x12text import header, make_claim, remit
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, WorkItem

UNMATCHED = "CLP*NOSUCHPCN*1*100*100**12*CCN9~SVC*HC:99213*100*100**1~"


def page(remittance):
    return reverse("remits:remittance", args=[remittance.pk])


def main(response):
    """The page's own part: the header carries a per-response CSRF token."""
    return response.content.decode().split("<main")[1].split("</main>")[0]


def ingested(org, body, trace, amount):
    isa13 = f"{zlib.crc32(trace.encode()) % 10**9:09d}"
    ingest(org, remit(header(amount, trace=trace) + body, isa13=isa13), f"{trace}.835")
    return Remittance.objects.get(client=org, trace_number=trace)


def test_the_page_links_the_claims_it_posted_and_the_file_it_came_from(world, signed_in):
    remittance = paid_remit(world.acme, "PCN1", "1234.56", "EFT777", "000000401")
    response = signed_in(Role.CLIENT_MANAGER).get(page(remittance))
    assert response.status_code == 200
    body = response.content.decode()
    assert "ACME PAYER" in body
    assert "$1,234.56" in body
    assert "ACH (EFT)" in body
    assert reverse("claims:claim", args=[remittance.claims.get().claim_id]) in body
    assert reverse("intake:file", args=[remittance.file_id]) in body
    assert "PCN1.835" in body


def test_plb_adjustments_show_reason_reference_and_amount(world, signed_in):
    claim = make_claim(world.acme, "PCN5", [("99213", "100.00")])
    body = ("CLP*PCN5*1*100*100**12*CCN5~SVC*HC:99213*100*100**1~"
            "PLB*1234567893*20251231*WO:PCN5*20*L6*-5")
    remittance = ingested(world.acme, body, "PLBTRACE", "85.00")
    text = signed_in(Role.CLIENT_STAFF).get(page(remittance)).content.decode()
    plb = text.split('data-testid="plb"')[1].split("</table>")[0]
    assert "<td>WO</td>" in plb
    assert "$20.00" in plb
    assert "<td>L6</td>" in plb
    assert "($5.00)" in plb
    assert reverse("claims:claim", args=[claim.pk]) in plb


def test_an_exception_is_listed_with_its_work_item(world, signed_in):
    remittance = ingested(world.acme, UNMATCHED, "EXC1", "100.00")
    exception = remittance.exceptions.get()
    item = WorkItem.objects.get(kind=ItemKind.POSTING_EXCEPTION,
                                source_key=f"exception:{exception.pk}")
    text = signed_in(Role.CLIENT_STAFF).get(page(remittance)).content.decode()
    section = text.split('data-testid="exceptions"')[1].split("</table>")[0]
    assert exception.reason in section
    assert "NOSUCHPCN" in text
    assert reverse("workqueue:item", args=[item.pk]) in section
    assert "Not yet matched to a bank deposit." in text


def test_a_matched_payment_names_its_deposit(world, signed_in):
    remittance = paid_remit(world.acme, "PCN1", "100.00", "MATCHED1", "000000401")
    import_deposits_csv(world.acme, csv_bytes("2025-01-03,100.00,MATCHED1,ACH ONE"), "jan.csv")
    match_deposits(world.acme)
    text = signed_in(Role.CLIENT_STAFF).get(page(remittance)).content.decode()
    section = text.split('data-testid="reconciliation"')[1]
    assert "Matched to the bank deposit of 2025-01-03, $100.00" in section
    assert "jan.csv" in section
    assert "trace and amount agreed" in section


def test_a_partner_outside_posting_reads_the_payment_without_exceptions_or_deposit(
        world, signed_in):
    remittance = ingested(world.acme, UNMATCHED, "EXC1", "100.00")
    response = signed_in(Role.PARTNER_SPECIALIST).get(page(remittance))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="exceptions"' not in body
    assert 'data-testid="reconciliation"' not in body


def test_another_clients_remittance_answers_like_a_missing_one(world):
    birch = paid_remit(world.birch, "PCN2", "200.00", "BIRCHTRACE", "000000402")
    acme = sign_in(Client(), world.user(Role.CLIENT_MANAGER))
    foreign = acme.get(page(birch))
    missing = acme.get(reverse("remits:remittance", args=[birch.pk + 1000]))
    assert foreign.status_code == missing.status_code == 404
    assert main(foreign) == main(missing)
    assert not AuditEvent.objects.filter(action="read", object_type="remits.remittance").exists()


def test_reading_the_page_writes_a_read_event(world, signed_in):
    remittance = paid_remit(world.acme, "PCN1", "100.00", "T1", "000000401")
    signed_in(Role.CLIENT_STAFF).get(page(remittance))
    event = AuditEvent.objects.get(action="read", object_type="remits.remittance")
    assert (event.client_org_id, event.object_id) == (world.acme.pk, str(remittance.pk))
