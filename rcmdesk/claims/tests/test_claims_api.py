"""The claims API: the tenant contract, and one claim with its lines, remits and ledger."""

from __future__ import annotations

import pytest
from django.test import Client

from rcmdesk.api.testing import TenantResourceContract
from rcmdesk.audit.models import AuditEvent
from rcmdesk.claims.models import Claim
from rcmdesk.claims.tests.test_claim_page import acme_claim, acme_draft, birch_claim
from rcmdesk.conftest import sign_in
from rcmdesk.tenancy.roles import Role


class TestClaimResource(TenantResourceContract):
    list_url = "/api/claims"
    viewer = Role.PARTNER_SPECIALIST
    # The fixed cost, the claims in one query, and one audit event (five statements with its
    # savepoint) per client listed: constant in the number of claims.
    list_query_budget = 13

    def detail_url(self, key):
        return f"/api/claims/{key}"

    def own_key(self, world):
        return str(Claim.objects.get(client=world.acme).pk)

    def foreign_key(self, world):
        return str(Claim.objects.get(client=world.birch).pk)

    @pytest.fixture(autouse=True)
    def _claims(self, world):
        acme_claim(world)
        birch_claim(world)


def test_a_partner_engaged_for_ar_only_reads_no_draft_but_the_submitted_claims(world):
    draft, sent = acme_draft(world), acme_claim(world)
    partner = sign_in(Client(), world.user(Role.PARTNER_SPECIALIST))
    listed = partner.get("/api/claims").json()
    assert [c["patient_control_number"] for c in listed] == ["PCN1"]
    assert partner.get("/api/claims", {"status": "draft"}).json() == []
    hidden = partner.get(f"/api/claims/{draft.pk}")
    missing = partner.get("/api/claims/987654321")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert partner.get(f"/api/claims/{sent.pk}").status_code == 200


def test_the_clients_own_staff_read_their_drafts_over_the_api(world):
    draft = acme_draft(world)
    staff = sign_in(Client(), world.user(Role.CLIENT_STAFF))
    assert [c["patient_control_number"] for c in staff.get("/api/claims").json()] == ["DRAFT1"]
    assert staff.get(f"/api/claims/{draft.pk}").json()["patient_control_number"] == "DRAFT1"


def test_the_detail_carries_lines_remits_with_categories_and_the_ledger(world):
    claim = acme_claim(world)
    body = sign_in(Client(), world.user(Role.CLIENT_STAFF)).get(f"/api/claims/{claim.pk}").json()
    assert body["patient_control_number"] == "PCN1"
    assert [ln["procedure"] for ln in body["lines"]] == ["99213"]
    adjustments = {a["carc"]["value"]: a for a in body["remits"][0]["adjustments"]}
    assert adjustments["45"]["carc"] == {"value": "45", "category": "contractual", "text": ""}
    assert adjustments["45"]["group"] == "CO"
    assert body["remits"][0]["remarks"][0]["rarc"]["value"] == "N130"
    assert {j["kind"] for j in body["ledger"]} >= {"charge", "payment"}
    assert all(sum(float(e["amount"]) for e in j["entries"]) == 0 for j in body["ledger"])
    assert body["patient_balance"] == str(claim.patient_balance)


def test_the_list_is_audited_because_it_names_patients(world):
    acme_claim(world)
    sign_in(Client(), world.user(Role.CLIENT_STAFF)).get("/api/claims?q=doe")
    event = AuditEvent.objects.filter(action="list").latest("id")
    assert (event.client_org_id, event.detail["q"]) == (world.acme.pk, "doe")


def test_listing_many_claims_costs_no_more_queries_than_one(world,
                                                            django_assert_max_num_queries):
    from rcmdesk.remits.tests.x12text import make_claim

    for n in range(6):
        make_claim(world.acme, f"MANY{n}", [("99213", "10.00")])
    client = sign_in(Client(), world.user(TestClaimResource.viewer))
    with django_assert_max_num_queries(TestClaimResource.list_query_budget):
        assert len(client.get("/api/claims").json()) == 6


def test_the_detail_carries_the_timeline_the_page_shows_with_page_links(world):
    claim = acme_claim(world)
    body = sign_in(Client(), world.user(Role.CLIENT_STAFF)).get(f"/api/claims/{claim.pk}").json()
    titles = [e["title"] for e in body["timeline"]]
    assert any(t.startswith("Remittance (835) from") for t in titles)
    remit = next(e for e in body["timeline"] if e["stage"] == "payment")
    remittance = claim.remit_claims.get().remittance
    assert remit["link"]["url"] == f"/posting/remittances/{remittance.pk}/"
    assert remit["amount"] == "80.00"
    assert [e["at"] for e in body["timeline"]] == sorted(
        (e["at"] for e in body["timeline"]), reverse=True)
    assert body["paid"] == "80.00"
    assert body["next_deadline"] is None
