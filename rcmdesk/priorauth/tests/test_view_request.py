"""The request-278 button on an authorization."""

from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.claims.models import Coverage
from rcmdesk.conftest import World
from rcmdesk.intake.models import OutboundFile
from rcmdesk.priorauth.models import AuthRequest, AuthStatus
from rcmdesk.priorauth.tests.factories import make_auth, make_patient, make_payer
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_button_writes_a_278_and_marks_the_authorization_requested(
        world: World, signed_in: Any) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    Coverage.objects.create(client=world.acme, patient=patient, payer=payer, member_id="M1")
    auth = make_auth(world.acme, patient, payer, ["97110"], status=AuthStatus.PENDING)
    response = signed_in(Role.CLIENT_STAFF).post(f"/auths/{auth.pk}/request/",
                                                 {"codes": "97110, 97112"})
    assert response.status_code == 302
    auth.refresh_from_db()
    assert auth.status == AuthStatus.REQUESTED
    assert auth.codes == ["97110", "97112"]
    assert AuthRequest.objects.get(authorization=auth).trace == auth.reference
    assert OutboundFile.objects.filter(set_id="278").count() == 1


def test_a_client_admin_may_not_ask_the_payer(world: World, signed_in: Any) -> None:
    auth = make_auth(world.acme, make_patient(world.acme), make_payer(world.acme), ["97110"])
    assert signed_in(Role.CLIENT_ADMIN).post(f"/auths/{auth.pk}/request/").status_code == 403
    assert not OutboundFile.objects.exists()
