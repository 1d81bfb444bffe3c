"""The remittances list: one row per 835 payment the viewer may see, newest first, with its
claims, exceptions and deposit match, filtered by client, payer, dates and trace, audited."""

from __future__ import annotations

from datetime import date

from django.test import Client
from django.urls import reverse

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import sign_in
from rcmdesk.remits.deposits import import_deposits_csv, match_deposits
from rcmdesk.remits.models import Remittance
from rcmdesk.remits.tests.test_deposits import csv_bytes, paid_remit
from rcmdesk.remits.tests.test_remittance_detail_page import UNMATCHED, ingested
from rcmdesk.tenancy.models import Assignment
from rcmdesk.tenancy.roles import Role

PAGE = reverse("remits:remittances")


def unmatched_remit(org, trace):
    return ingested(org, UNMATCHED, trace, "100.00")


def cell(row, testid):
    return row.split(f'data-testid="{testid}">')[1].split("</td>")[0]


def paid_on(remittance, day):
    Remittance.objects.filter(pk=remittance.pk).update(payment_date=day)


def test_the_list_shows_only_the_remittances_of_the_users_clients(world, signed_in):
    paid_remit(world.acme, "PCN1", "1234.50", "ACMETRACE", "000000401")
    paid_remit(world.birch, "PCN2", "200.00", "BIRCHTRACE", "000000402")
    body = signed_in(Role.CLIENT_MANAGER).get(PAGE).content.decode()
    assert "ACMETRACE" in body
    assert "$1,234.50" in body
    assert "ACH (EFT)" in body
    assert "BIRCHTRACE" not in body
    assert "BIRCHTRACE" in sign_in(Client(), world.birch_admin).get(PAGE).content.decode()


def test_each_row_links_its_trace_and_counts_claims_exceptions_and_the_deposit_match(
        world, signed_in):
    matched = paid_remit(world.acme, "PCN1", "100.00", "MATCHED1", "000000401")
    unmatched = unmatched_remit(world.acme, "EXCEPT1")
    import_deposits_csv(world.acme, csv_bytes("2025-01-03,100.00,MATCHED1,ACH ONE"), "jan.csv")
    match_deposits(world.acme)
    body = signed_in(Role.CLIENT_STAFF).get(PAGE).content.decode()
    rows = {r.split("</tr>")[0] for r in body.split("<tr>")}
    matched_row = next(r for r in rows if "MATCHED1" in r)
    unmatched_row = next(r for r in rows if "EXCEPT1" in r)
    assert reverse("remits:remittance", args=[matched.pk]) in matched_row
    assert cell(matched_row, "claim-count") == "1"
    assert cell(matched_row, "exception-count") == "0"
    assert cell(matched_row, "deposit-match") == '<span class="tag">matched</span>'
    assert cell(unmatched_row, "exception-count") == "1 (1 open)"
    assert cell(unmatched_row, "deposit-match") == '<span class="tag">unmatched</span>'
    assert reverse("remits:remittance", args=[unmatched.pk]) in unmatched_row


def test_a_partner_outside_posting_sees_the_payments_but_not_exceptions_or_deposits(
        world, signed_in):
    unmatched_remit(world.acme, "EXCEPT1")
    body = signed_in(Role.PARTNER_SPECIALIST).get(PAGE).content.decode()
    row = next(r for r in body.split("<tr>") if "EXCEPT1" in r)
    assert cell(row, "exception-count") == cell(row, "deposit-match") == "—"


def test_the_newest_payment_comes_first(world, signed_in):
    paid_on(paid_remit(world.acme, "PCN1", "1.00", "OLDER", "000000401"), date(2025, 1, 2))
    paid_on(paid_remit(world.acme, "PCN2", "2.00", "NEWER", "000000402"), date(2025, 3, 2))
    body = signed_in(Role.CLIENT_STAFF).get(PAGE).content.decode()
    assert body.index("NEWER") < body.index("OLDER")


def test_listing_writes_a_list_event_naming_the_remittances_shown(world, signed_in):
    first = paid_remit(world.acme, "PCN1", "1.00", "T1", "000000401")
    second = paid_remit(world.acme, "PCN2", "2.00", "T2", "000000402")
    signed_in(Role.CLIENT_MANAGER).get(PAGE, {"payer": "acme"})
    event = AuditEvent.objects.get(action="list", object_type="remits.remittance")
    assert event.client_org_id == world.acme.pk
    assert sorted(event.detail["remittances"]) == sorted([first.pk, second.pk])
    assert event.detail["payer"] == "acme"


def test_the_trace_filter_finds_a_payment_by_part_of_its_number(world, signed_in):
    paid_remit(world.acme, "PCN1", "1.00", "EFT12345", "000000401")
    paid_remit(world.acme, "PCN2", "2.00", "CHK99", "000000402")
    body = signed_in(Role.CLIENT_STAFF).get(PAGE, {"trace": "1234"}).content.decode()
    assert "EFT12345" in body
    assert "CHK99" not in body


def test_the_payer_filter_keeps_that_payers_payments(world, signed_in):
    paid_remit(world.acme, "PCN1", "1.00", "T1", "000000401")
    other = paid_remit(world.acme, "PCN2", "2.00", "T2", "000000402")
    Remittance.objects.filter(pk=other.pk).update(payer_name="SUMMIT CARE")
    body = signed_in(Role.CLIENT_STAFF).get(PAGE, {"payer": "summit"}).content.decode()
    assert ">T2<" in body
    assert ">T1<" not in body


def test_the_date_range_keeps_payments_paid_within_it(world, signed_in):
    paid_on(paid_remit(world.acme, "PCN1", "1.00", "JANUARY", "000000401"), date(2025, 1, 15))
    paid_on(paid_remit(world.acme, "PCN2", "2.00", "MARCH", "000000402"), date(2025, 3, 15))
    client = signed_in(Role.CLIENT_STAFF)
    body = client.get(PAGE, {"paid_from": "2025-02-01", "paid_to": "2025-03-31"}).content.decode()
    assert "MARCH" in body
    assert "JANUARY" not in body


def test_a_date_that_is_not_a_date_is_named_and_filters_nothing(world, signed_in):
    paid_remit(world.acme, "PCN1", "1.00", "T1", "000000401")
    body = signed_in(Role.CLIENT_STAFF).get(PAGE, {"paid_from": "15/01/2025"}).content.decode()
    assert "Paid from is not a date: write it as YYYY-MM-DD." in body
    assert ">T1<" in body


def test_a_user_with_several_clients_may_choose_one(world):
    Assignment.objects.create(engagement=world.birch_engagement,
                              user=world.user(Role.PARTNER_SPECIALIST))
    paid_remit(world.acme, "PCN1", "1.00", "ACMETRACE", "000000401")
    paid_remit(world.birch, "PCN2", "2.00", "BIRCHTRACE", "000000402")
    client = sign_in(Client(), world.user(Role.PARTNER_SPECIALIST))
    both = client.get(PAGE).content.decode()
    assert "ACMETRACE" in both
    assert "BIRCHTRACE" in both
    birch = client.get(PAGE, {"client": "birch"}).content.decode()
    assert "BIRCHTRACE" in birch
    assert "ACMETRACE" not in birch


def test_the_list_costs_the_same_queries_for_many_rows(world, signed_in,
                                                       django_assert_max_num_queries):
    for n in range(12):
        unmatched_remit(world.acme, f"MANY{n:02}")
    client = signed_in(Role.CLIENT_STAFF)
    client.get(PAGE)  # session and visibility warm
    with django_assert_max_num_queries(15):  # sign-in, the page, its count, one audit event
        body = client.get(PAGE).content.decode()
    assert body.count('data-testid="trace"') == 12
