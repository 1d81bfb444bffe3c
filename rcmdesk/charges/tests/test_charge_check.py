"""The inline check: the scrubber's findings for the unsaved form, placed next to the fields
they point at, with each line's authorization check; nothing is written."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from rcmdesk.charges import services
from rcmdesk.charges.tests.factories import charge_input
from rcmdesk.charges.tests.pages import birch_draft, form_data
from rcmdesk.claims.models import Claim, Patient, Payer
from rcmdesk.conftest import sign_in
from rcmdesk.playbooks.models import AuthRequirement
from rcmdesk.tenancy.roles import Role


def check(world, data):
    client = sign_in(Client(), world.user(Role.CLIENT_STAFF))
    return client.post(reverse("charges:check"), data, HTTP_HX_REQUEST="true")


def test_a_clean_charge_checks_clean_and_leaves_nothing_behind(world):
    response = check(world, form_data(world.acme.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-errors="0"' in body, body
    assert not Claim.objects.exists()
    assert not Patient.objects.exists()
    assert not Payer.objects.exists()


def test_a_bad_modifier_is_shown_in_the_lines_modifier_slot(world):
    body = check(world, form_data(world.acme.pk, **{"lines-0-modifiers": "2"})).content.decode()
    slot = body.split('id="f-id_lines-0-modifiers"')[1].split("</small>")[0]
    assert 'class="finding error"' in slot
    assert 'data-clean="no"' in body


def test_a_bad_diagnosis_is_shown_next_to_its_box(world):
    body = check(world, form_data(world.acme.pk, diagnosis_2="XYZ")).content.decode()
    slot = body.split('id="f-id_diagnosis_2"')[1].split("</small>")[0]
    assert "finding error" in slot


def test_a_line_needing_an_authorization_shows_it_missing(world):
    payer = Payer.objects.create(client=world.acme, payer_id="60054", name="AETNA")
    AuthRequirement.objects.create(client=world.acme, payer=payer, codes="99213")
    body = check(world, form_data(world.acme.pk)).content.decode()
    cell = body.split(' id="auth-0"')[1].split("</small>")[0]
    assert 'data-problem="missing"' in cell
    assert "AU001" in body


def test_an_unreadable_field_is_a_form_problem_at_that_field(world):
    body = check(world, form_data(world.acme.pk, **{"lines-0-charge": "abc"})).content.decode()
    slot = body.split('id="f-id_lines-0-charge"')[1].split("</small>")[0]
    assert "finding error" in slot


def test_checking_another_clients_draft_answers_404_like_a_missing_one(world):
    foreign = birch_draft(world)
    assert check(world, {**form_data(world.acme.pk), "claim_id": foreign.pk}).status_code == 404
    assert check(world, {**form_data(world.acme.pk), "claim_id": 987654}).status_code == 404


def test_checking_a_draft_does_not_call_it_a_duplicate_of_itself_nor_change_it(world):
    claim = services.enter_claim(world.acme,
                                 charge_input(lines=charge_input().lines[:1]),
                                 acting_user=world.user(Role.CLIENT_STAFF))
    body = check(world, {**form_data(world.acme.pk), "claim_id": claim.pk}).content.decode()
    assert "DU001" not in body
    new = check(world, form_data(world.acme.pk)).content.decode()
    assert "DU001" in new
    claim.refresh_from_db()
    assert claim.version == 1
