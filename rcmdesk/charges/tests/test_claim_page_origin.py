"""The claim page says where a claim came from and where it stands at the front door, and
links a draft back to its charge form."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from rcmdesk.charges import services
from rcmdesk.charges.tests.factories import charge_input
from rcmdesk.claims.models import Claim, FrontDoor
from rcmdesk.conftest import sign_in
from rcmdesk.tenancy.roles import Role


def test_a_drafts_claim_page_shows_origin_front_door_and_the_edit_link(world):
    claim = services.enter_claim(world.acme, charge_input(),
                                 acting_user=world.user(Role.CLIENT_STAFF))
    Claim.objects.filter(pk=claim.pk).update(front_door=FrontDoor.HELD)
    client = sign_in(Client(), world.user(Role.CLIENT_STAFF))
    body = client.get(reverse("claims:claim", args=[claim.pk])).content.decode()
    assert '<td data-testid="origin">charge entry' in body
    assert '<span data-testid="front-door">held by the scrubber</span>' in body
    assert reverse("charges:edit", args=[claim.pk]) in body
