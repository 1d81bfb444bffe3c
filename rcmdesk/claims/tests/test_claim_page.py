"""The claim page: visible clients only, reading audited, remits with CARC values and our
categories (X12 texts only where the client loaded them), the ledger and the balances.
The helpers here build the claims the other claim tests use."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from rcmdesk.audit.models import AuditEvent
from rcmdesk.claims.models import Claim, Patient
from rcmdesk.conftest import sign_in
from rcmdesk.intake.services import ingest
from rcmdesk.remits.codes import import_descriptions
from rcmdesk.remits.tests.x12text import header, make_claim, remit
from rcmdesk.tenancy.roles import Role

ADJUSTED = ("CLP*PCN1*1*100*80*20*12*CCN1~"
            "SVC*HC:99213*100*80**1~CAS*CO*45*10~CAS*PR*2*10~LQ*HE*N130~")


def acme_claim(world) -> Claim:
    claim = make_claim(world.acme, "PCN1", [("99213", "100.00")])
    ingest(world.acme, remit(header("80.00", trace="ACMETRACE") + ADJUSTED), "acme.835")
    claim.refresh_from_db()
    return claim


def birch_claim(world) -> Claim:
    claim = make_claim(world.birch, "BIRCHPCN1", [("99213", "50.00")])
    Patient.objects.filter(pk=claim.patient_id).update(last_name="BIRCHPATIENT")
    return claim


def acme_draft(world) -> Claim:
    """A charge entered at Acme and not yet sent (Acme's partner works AR and denials only)."""
    from rcmdesk.charges.services import PatientInput, enter_claim
    from rcmdesk.charges.tests.factories import charge_input

    return enter_claim(world.acme, charge_input(
        patient=PatientInput("DRAFTPATIENT", "DORA")), acting_user=world.user(Role.CLIENT_STAFF),
        pcn="DRAFT1")


def as_(world, role):
    return sign_in(Client(), world.user(role))


def test_another_clients_claim_answers_404_like_a_missing_one(world):
    foreign = birch_claim(world)
    client = as_(world, Role.PARTNER_SPECIALIST)
    assert client.get(reverse("claims:claim", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("claims:claim", args=[987654321])).status_code == 404


def test_a_draft_answers_404_like_a_missing_claim_to_a_partner_without_charges(world):
    draft, sent = acme_draft(world), acme_claim(world)
    partner = as_(world, Role.PARTNER_SPECIALIST)
    assert partner.get(reverse("claims:claim", args=[draft.pk])).status_code == 404
    assert partner.get(reverse("claims:claim", args=[sent.pk])).status_code == 200
    assert as_(world, Role.CLIENT_STAFF).get(
        reverse("claims:claim", args=[draft.pk])).status_code == 200


def test_a_partner_engaged_for_charges_opens_the_draft(world):
    draft = acme_draft(world)
    world.acme_engagement.scope = [*world.acme_engagement.scope, "charges_claims"]
    world.acme_engagement.save()
    response = as_(world, Role.PARTNER_SPECIALIST).get(reverse("claims:claim", args=[draft.pk]))
    assert response.status_code == 200
    assert "DRAFTPATIENT" in response.content.decode()


def test_the_claim_page_shows_header_lines_remits_ledger_and_balances(world):
    claim = acme_claim(world)
    response = as_(world, Role.CLIENT_STAFF).get(reverse("claims:claim", args=[claim.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "CCN1" in body
    assert "DOE, JANE" in body
    assert "99213" in body
    assert "ACMETRACE" in body
    assert "<code>45</code> <span class=\"tag\">contractual</span>" in body
    assert "<code>2</code> <span class=\"tag\">patient responsibility</span>" in body
    assert "N130" in body
    assert "Insurance balance" in body
    assert f'data-testid="patient-balance">${claim.patient_balance:,.2f}<' in body
    assert "Payment" in body


def test_code_texts_appear_only_when_the_client_loaded_them(world):
    claim = acme_claim(world)
    client = as_(world, Role.CLIENT_STAFF)
    url = reverse("claims:claim", args=[claim.pk])
    assert "Charge exceeds fee schedule" not in client.get(url).content.decode()
    import_descriptions(world.acme, "carc", "45\tCharge exceeds fee schedule (client copy)")
    import_descriptions(world.birch, "rarc", "N130\tBirch's own remark text")
    body = client.get(url).content.decode()
    assert "Charge exceeds fee schedule (client copy)" in body
    assert "Birch&#x27;s own remark text" not in body


def test_reading_a_claim_is_audited_on_the_clients_trail(world):
    claim = acme_claim(world)
    as_(world, Role.PARTNER_QA).get(reverse("claims:claim", args=[claim.pk]))
    event = AuditEvent.objects.filter(action="read").latest("id")
    assert (event.client_org_id, event.object_id) == (world.acme.pk, str(claim.pk))
