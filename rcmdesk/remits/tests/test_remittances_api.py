"""Remittances over the API: the tenant contract, the page's filters, and one payment with
its claims and PLB lines; exception counts only for whoever works the client's posting."""

from __future__ import annotations

import pytest
from django.test import Client

from rcmdesk.api.testing import TenantResourceContract
from rcmdesk.conftest import sign_in
from rcmdesk.remits.models import Remittance
from rcmdesk.remits.tests.test_deposits import paid_remit
from rcmdesk.remits.tests.test_remittance_list_page import unmatched_remit
from rcmdesk.tenancy.roles import Role


class TestRemittanceResource(TenantResourceContract):
    list_url = "/api/remittances"
    viewer = Role.CLIENT_STAFF
    # The fixed cost, the clients for the filter, the page of remittances with its counts in
    # one query, the viewer's posting scope, and one audit event per client listed.
    list_query_budget = 16

    def detail_url(self, key):
        return f"/api/remittances/{key}"

    def own_key(self, world):
        return str(Remittance.objects.get(client=world.acme).pk)

    def foreign_key(self, world):
        return str(Remittance.objects.get(client=world.birch).pk)

    @pytest.fixture(autouse=True)
    def _remittances(self, world):
        paid_remit(world.acme, "PCN1", "1234.50", "ACMETRACE", "000000401")
        paid_remit(world.birch, "PCN2", "200.00", "BIRCHTRACE", "000000402")


def test_the_list_filters_by_trace_and_counts_claims_and_exceptions(world):
    paid_remit(world.acme, "PCN1", "100.00", "PAID1", "000000401")
    unmatched_remit(world.acme, "EXCEPT1")
    staff = sign_in(Client(), world.user(Role.CLIENT_STAFF))
    [row] = staff.get("/api/remittances", {"trace": "EXCEPT"}).json()
    assert row["trace_number"] == "EXCEPT1"
    assert (row["claims"], row["exceptions"], row["open_exceptions"]) == (1, 1, 1)
    assert row["deposit_matched"] is False
    assert [r["trace_number"] for r in staff.get("/api/remittances",
                                                 {"client": "birch"}).json()] == []


def test_the_detail_lists_claims_in_file_order_with_links_to_the_claims(world):
    remittance = paid_remit(world.acme, "PCN1", "100.00", "PAID1", "000000401")
    body = sign_in(Client(), world.user(Role.CLIENT_STAFF)).get(
        f"/api/remittances/{remittance.pk}").json()
    assert body["trace_number"] == "PAID1"
    assert body["amount"] == "100.00"
    [line] = body["claim_lines"]
    assert line["patient_control_number"] == "PCN1"
    assert line["claim_id"] == remittance.claims.get().claim_id
    assert body["exception_ids"] == []


def test_a_partner_who_does_not_work_posting_sees_no_exception_counts(world):
    unmatched_remit(world.acme, "EXCEPT1")
    partner = sign_in(Client(), world.user(Role.PARTNER_SPECIALIST))
    rows = partner.get("/api/remittances").json()
    assert rows
    assert all(r["exceptions"] is None for r in rows)
