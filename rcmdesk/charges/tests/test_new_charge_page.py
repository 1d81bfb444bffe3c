"""The new-charge page: the form with documented ids, saving a draft, refusing bad input in
place, and only for users who work this client's charges."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from rcmdesk.charges.tests.pages import form_data
from rcmdesk.claims.models import Claim, ClaimOrigin, ClaimStatus
from rcmdesk.conftest import sign_in
from rcmdesk.tenancy.roles import Role


def as_(world, role):
    return sign_in(Client(), world.user(role))


def test_the_form_shows_the_documented_field_ids(world):
    body = as_(world, Role.CLIENT_STAFF).get(reverse("charges:new")).content.decode()
    for element in ("id_patient_last_name", "id_payer_id", "id_member_id", "id_billing_npi",
                    "id_diagnosis_1", "id_diagnosis_12", "id_lines-0-procedure",
                    "id_lines-5-charge", "f-id_lines-0-modifiers", "auth-0", "scrub-summary"):
        assert f'id="{element}"' in body, element


def test_saving_the_form_makes_a_draft_and_opens_it(world):
    client = as_(world, Role.CLIENT_STAFF)
    response = client.post(reverse("charges:new"), form_data(world.acme.pk))
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("charges:edit", args=[claim.pk])
    assert (claim.status, claim.origin) == (ClaimStatus.DRAFT, ClaimOrigin.ENTRY)
    assert claim.lines.get().procedure == "99213"


def test_a_form_without_lines_is_shown_again_with_the_problem_and_nothing_saved(world):
    client = as_(world, Role.CLIENT_STAFF)
    data = form_data(world.acme.pk, **{"lines-0-procedure": "", "lines-0-charge": ""})
    response = client.post(reverse("charges:new"), data)
    assert response.status_code == 400
    assert "A claim needs at least one line." in response.content.decode()
    assert not Claim.objects.exists()


def test_a_role_that_works_no_items_may_not_enter_charges(world):
    assert as_(world, Role.CLIENT_ADMIN).get(reverse("charges:new")).status_code == 403


def test_a_partner_without_the_charges_workflow_sees_no_client_to_enter_for(world):
    assert as_(world, Role.PARTNER_SPECIALIST).get(reverse("charges:new")).status_code == 403


def test_a_posted_foreign_client_is_not_a_choice(world):
    response = as_(world, Role.CLIENT_STAFF).post(reverse("charges:new"),
                                                  form_data(world.birch.pk))
    assert response.status_code == 400
    assert not Claim.objects.exists()
