"""The drafts list: drafts of visible clients only (sent and mirrored claims are not drafts),
their scrub state, filters, and the listing audited."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from rcmdesk.audit.models import AuditEvent
from rcmdesk.charges import services
from rcmdesk.charges.tests.factories import charge_input
from rcmdesk.charges.tests.pages import birch_draft
from rcmdesk.claims.models import Claim, FrontDoor
from rcmdesk.claims.services import apply_837
from rcmdesk.claims.tests.test_apply_837 import submission
from rcmdesk.conftest import sign_in
from rcmdesk.tenancy.roles import Role


def page(world, **params):
    client = sign_in(Client(), world.user(Role.CLIENT_STAFF))
    return client.get(reverse("charges:drafts"), params).content.decode()


def test_the_list_shows_drafts_with_their_scrub_state_but_not_sent_claims(world):
    held = services.enter_claim(world.acme, charge_input(),
                                acting_user=world.user(Role.CLIENT_STAFF))
    Claim.objects.filter(pk=held.pk).update(front_door=FrontDoor.HELD)
    apply_837(world.acme, submission("MIRRORED1", ["10.00"]))
    body = page(world)
    assert f'data-testid="draft-{held.patient_control_number}"' in body
    assert "held by the scrubber" in body
    assert "MIRRORED1" not in body
    assert AuditEvent.objects.filter(action="list", client_org_id=world.acme.pk).exists()


def test_another_clients_drafts_are_not_listed(world):
    foreign = birch_draft(world)
    assert foreign.patient_control_number not in page(world)


def test_the_scrub_state_filter_keeps_only_matching_drafts(world):
    user = world.user(Role.CLIENT_STAFF)
    ready = services.enter_claim(world.acme, charge_input(), acting_user=user)
    fresh = services.enter_claim(world.acme, charge_input(), acting_user=user)
    Claim.objects.filter(pk=ready.pk).update(front_door=FrontDoor.READY)
    body = page(world, front_door="ready")
    assert ready.patient_control_number in body
    assert fresh.patient_control_number not in body


def test_a_reader_who_may_not_enter_charges_opens_the_claim_page_not_the_editor(world):
    draft = services.enter_claim(world.acme, charge_input(),
                                 acting_user=world.user(Role.CLIENT_STAFF))
    admin = sign_in(Client(), world.user(Role.CLIENT_ADMIN))
    body = admin.get(reverse("charges:drafts")).content.decode()
    assert reverse("claims:claim", args=[draft.pk]) in body
    assert reverse("charges:edit", args=[draft.pk]) not in body
    assert admin.get(reverse("charges:edit", args=[draft.pk])).status_code == 403
    assert reverse("charges:edit", args=[draft.pk]) in page(world)


def test_the_list_shows_the_charge_as_money_and_no_entry_buttons_to_a_reader(world):
    services.enter_claim(world.acme, charge_input(), acting_user=world.user(Role.CLIENT_STAFF))
    body = page(world)
    assert "$" in body.split('data-testid="drafts"')[1]
    admin = sign_in(Client(), world.user(Role.CLIENT_ADMIN))
    assert 'data-testid="new-charge"' not in admin.get(reverse("charges:drafts")).content.decode()
