"""Claim search: visible clients only, by PCN, patient name, payer and status; listing
patient names is audited on each client's trail."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from rcmdesk.audit.models import AuditEvent
from rcmdesk.claims.tests.test_claim_page import acme_claim, acme_draft, as_, birch_claim
from rcmdesk.remits.tests.x12text import make_claim
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind
from rcmdesk.workqueue.tests.factories import make_item


def test_the_list_shows_only_claims_of_clients_the_partner_works_for(world):
    acme_claim(world)
    birch_claim(world)
    body = as_(world, Role.PARTNER_SPECIALIST).get(reverse("claims:claims")).content.decode()
    assert "PCN1" in body
    assert "DOE, JANE" in body
    assert "BIRCHPCN1" not in body
    assert "BIRCHPATIENT" not in body


def test_a_partner_engaged_for_ar_only_lists_the_submitted_claims_and_no_draft(world):
    acme_draft(world)
    sent = acme_claim(world)
    partner = as_(world, Role.PARTNER_SPECIALIST)
    body = partner.get(reverse("claims:claims")).content.decode()
    assert ">PCN1<" in body
    assert "DRAFT1" not in body
    assert "DRAFTPATIENT" not in body
    assert AuditEvent.objects.filter(action="list").latest("id").detail["claims"] == [sent.pk]
    drafts = partner.get(reverse("claims:claims"), {"status": "draft"}).content.decode()
    assert "DRAFT1" not in drafts


def test_the_clients_own_staff_list_their_drafts(world):
    acme_draft(world)
    body = as_(world, Role.CLIENT_STAFF).get(reverse("claims:claims")).content.decode()
    assert ">DRAFT1<" in body


def test_the_list_searches_by_pcn_patient_payer_and_status(world):
    claim = acme_claim(world)
    make_claim(world.acme, "OTHER7", [("99214", "10.00")], payer_id="PAYER02")
    client = as_(world, Role.CLIENT_STAFF)

    def found(**params):
        body = client.get(reverse("claims:claims"), params).content.decode()
        return {pcn for pcn in ("PCN1", "OTHER7") if f">{pcn}<" in body}

    assert found(q="pcn1") == {"PCN1"}
    assert found(q="doe jane") == {"PCN1", "OTHER7"}
    assert found(payer="PAYER02") == {"OTHER7"}
    assert found(status=claim.status) >= {"PCN1"}
    assert found(status="denied") == set()


def test_listing_patient_names_is_audited_per_client(world):
    claim = acme_claim(world)
    as_(world, Role.CLIENT_STAFF).get(reverse("claims:claims"))
    event = AuditEvent.objects.filter(action="list").latest("id")
    assert event.client_org_id == world.acme.pk
    assert event.detail["claims"] == [claim.pk]


def test_a_claim_whose_timely_filing_limit_has_passed_is_flagged_on_the_list(world):
    claim = acme_claim(world)
    make_item(world.acme, 41, kind=ItemKind.DENIAL, claim=claim,
              deadline=world.acme.today() - timedelta(days=2))
    body = as_(world, Role.CLIENT_STAFF).get(reverse("claims:claims")).content.decode()
    row = body[body.index('data-testid="claim-PCN1"'):]
    row = row[:row.index("</tr>")]
    assert 'data-flag="past"' in row
    assert "2 days past the deadline" in row
    assert f"${claim.total_charge:,.2f}" in row
