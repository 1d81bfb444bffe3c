"""Editing a draft: the form filled from the claim, saved at the version read (a stale
version is a 409 showing the current draft), discarded, and 404 for anything not a visible
draft."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from rcmdesk.charges import services
from rcmdesk.charges.tests.factories import charge_input
from rcmdesk.charges.tests.pages import birch_draft, form_data
from rcmdesk.claims.models import Claim, FrontDoor
from rcmdesk.conftest import sign_in
from rcmdesk.tenancy.roles import Role


def staff(world):
    return sign_in(Client(), world.user(Role.CLIENT_STAFF))


def draft(world) -> Claim:
    return services.enter_claim(world.acme, charge_input(),
                                acting_user=world.user(Role.CLIENT_STAFF))


def test_the_edit_page_shows_the_drafts_values(world):
    claim = draft(world)
    body = staff(world).get(reverse("charges:edit", args=[claim.pk])).content.decode()
    assert 'value="DOE"' in body
    assert 'value="70551"' in body
    assert 'value="E119"' in body
    assert f'name="version" value="{claim.version}"' in body


def test_saving_at_the_read_version_updates_the_draft(world):
    claim = draft(world)
    data = form_data(world.acme.pk, version=claim.version, **{"lines-0-charge": "150.00"})
    response = staff(world).post(reverse("charges:edit", args=[claim.pk]), data)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert str(claim.total_charge) == "150.00"
    assert claim.version == 2


def test_saving_at_a_stale_version_is_a_conflict_showing_the_current_draft(world):
    claim = draft(world)
    services.update_draft(claim, charge_input(), claim.version,
                          acting_user=world.user(Role.CLIENT_STAFF))
    data = form_data(world.acme.pk, version=1, **{"lines-0-charge": "999.00"})
    response = staff(world).post(reverse("charges:edit", args=[claim.pk]), data)
    assert response.status_code == 409
    assert 'data-testid="conflict"' in response.content.decode()
    claim.refresh_from_db()
    assert str(claim.total_charge) == "1025.00"


def test_a_sent_claim_or_another_clients_draft_is_not_found(world):
    claim = draft(world)
    Claim.objects.filter(pk=claim.pk).update(status="submitted", front_door=FrontDoor.SENT)
    assert staff(world).get(reverse("charges:edit", args=[claim.pk])).status_code == 404
    foreign = birch_draft(world)
    assert staff(world).get(reverse("charges:edit", args=[foreign.pk])).status_code == 404


def test_discarding_a_draft_deletes_it(world):
    claim = draft(world)
    response = staff(world).post(reverse("charges:discard", args=[claim.pk]),
                                 {"version": claim.version})
    assert response.status_code == 302
    assert not Claim.objects.filter(pk=claim.pk).exists()


def test_discarding_another_clients_draft_answers_404_and_keeps_it(world):
    foreign = birch_draft(world)
    response = staff(world).post(reverse("charges:discard", args=[foreign.pk]), {"version": 1})
    assert response.status_code == 404
    assert Claim.objects.filter(pk=foreign.pk).exists()
