"""The header's search finds a claim by whatever the caller has in hand (patient name, our
claim number, the payer's ICN, a member id), only among the claims the person may see."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from rcmdesk.audit.models import AuditEvent
from rcmdesk.claims.models import Claim, Coverage, Patient, Payer
from rcmdesk.conftest import World
from rcmdesk.eligibility.tests.builders import make_visit
from rcmdesk.tenancy.models import Organization
from rcmdesk.tenancy.roles import Role


def _claim(client: Organization, pcn: str, *, last: str = "RIVERA", first: str = "ANA",
           icn: str = "", member_id: str = "") -> Claim:
    payer = Payer.objects.get_or_create(client=client, payer_id="P1",
                                        defaults={"name": "Blue Plan"})[0]
    patient = Patient.objects.create(client=client, last_name=last, first_name=first)
    coverage = (Coverage.objects.create(client=client, patient=patient, payer=payer,
                                        member_id=member_id) if member_id else None)
    return Claim.objects.create(client=client, patient=patient, payer=payer, coverage=coverage,
                                kind="P", patient_control_number=pcn, total_charge="1250.00",
                                payer_claim_control_number=icn, service_from=date(2026, 3, 2))


def _search(signed_in, role: Role, q: str) -> str:
    response = signed_in(role).get(reverse("web:search"), {"q": q})
    assert response.status_code == 200
    body: str = response.content.decode()
    return body


@pytest.fixture
def claims(world: World) -> dict[str, Claim]:
    return {"acme": _claim(world.acme, "ACME-PCN-0042", icn="ICN99887766", member_id="W7781234"),
            "other": _claim(world.acme, "ACME-PCN-0099", last="OKAFOR", first="EMEKA"),
            "birch": _claim(world.birch, "BIRCH-PCN-0042", icn="ICN99887700",
                            member_id="W7781299")}


@pytest.mark.parametrize("q", ["rivera", "Rivera, Ana", "ana riv", "ACME-PCN-0042", "pcn-0042",
                               "ICN99887766", "W7781234"])
def test_the_search_finds_a_claim_by_each_key_a_caller_may_give(claims, signed_in, q):
    body = _search(signed_in, Role.CLIENT_STAFF, q)
    assert 'data-claim="ACME-PCN-0042"' in body
    assert reverse("claims:claim", args=[claims["acme"].pk]) in body
    assert "ACME-PCN-0099" not in body  # another patient does not match


def test_every_word_must_match_so_a_second_word_narrows(claims, signed_in):
    body = _search(signed_in, Role.CLIENT_STAFF, "rivera okafor")
    assert 'data-testid="no-claims"' in body


def test_the_search_never_shows_another_clients_claim(claims, signed_in):
    for q in ("rivera", "PCN-0042", "ICN998877", "W77812"):
        body = _search(signed_in, Role.CLIENT_STAFF, q)
        assert "BIRCH-PCN-0042" not in body
        assert "Birch Valley Hospital" not in body


def test_a_partner_finds_only_the_claims_of_its_engagements(claims, signed_in):
    body = _search(signed_in, Role.PARTNER_SPECIALIST, "rivera")
    assert "ACME-PCN-0042" in body
    assert "BIRCH-PCN-0042" not in body


def test_a_short_identifier_must_match_whole(claims, signed_in):
    assert 'data-testid="no-claims"' in _search(signed_in, Role.CLIENT_STAFF, "42")


def test_what_the_search_showed_is_audited_per_client(claims, signed_in):
    _search(signed_in, Role.CLIENT_STAFF, "rivera")
    event = AuditEvent.objects.filter(action="list", object_type="claims.claim").latest("id")
    assert event.client_org_id == claims["acme"].client_id
    assert event.detail == {"search": "rivera", "claims": [claims["acme"].pk]}


def test_visits_are_found_by_patient_and_member_id_for_the_front_desk(world, signed_in):
    visit = make_visit(world.acme, last="LINDQVIST", member_id="M55501")
    for q in ("lindqvist", "M55501"):
        body = _search(signed_in, Role.CLIENT_STAFF, q)
        assert reverse("eligibility:visit", args=[visit.pk]) in body


def test_an_empty_search_shows_the_form_and_lists_nothing(claims, signed_in):
    body = _search(signed_in, Role.CLIENT_STAFF, "  ")
    assert 'data-testid="search-form"' in body
    assert "ACME-PCN" not in body
    assert not AuditEvent.objects.filter(action="list", object_type="claims.claim").exists()


def test_the_search_needs_a_signed_in_person(claims, client):
    response = client.get(reverse("web:search"), {"q": "rivera"})
    assert response.status_code == 302
