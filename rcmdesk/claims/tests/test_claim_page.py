"""Claim search and the claim page: visible clients only, patient names audited, remits with
CARC values and our categories (X12 texts only where the client loaded them), the ledger."""

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


def as_(world, role):
    return sign_in(Client(), world.user(role))


def test_the_list_shows_only_claims_of_clients_the_partner_works_for(world):
    acme_claim(world)
    birch_claim(world)
    body = as_(world, Role.PARTNER_SPECIALIST).get(reverse("claims:claims")).content.decode()
    assert "PCN1" in body
    assert "DOE, JANE" in body
    assert "BIRCHPCN1" not in body
    assert "BIRCHPATIENT" not in body


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
    event = AuditEvent.objects.filter(action="list").latest("seq")
    assert event.client_org_id == world.acme.pk
    assert event.detail["claims"] == [claim.pk]


def test_another_clients_claim_answers_404_like_a_missing_one(world):
    foreign = birch_claim(world)
    client = as_(world, Role.PARTNER_SPECIALIST)
    assert client.get(reverse("claims:claim", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("claims:claim", args=[987654321])).status_code == 404


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
    assert "<code>2</code> <span class=\"tag\">patient_responsibility</span>" in body
    assert "N130" in body
    assert "Insurance AR" in body
    assert f'data-testid="patient-balance">{claim.patient_balance}<' in body
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
    event = AuditEvent.objects.filter(action="read").latest("seq")
    assert (event.client_org_id, event.object_id) == (world.acme.pk, str(claim.pk))
