"""Recording a later answer (or a correction) on an authorization."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.priorauth.models import AuthDecision, AuthStatus
from rcmdesk.priorauth.tests.factories import make_auth, make_patient, make_payer
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def form(**extra: str) -> dict[str, str]:
    return {"codes": "97110", "status": AuthStatus.APPROVED, "source": "phone",
            "certification_number": "CALL-1", "approved_units": "8", **extra}


def test_a_phone_answer_approves_a_pending_authorization(world: World, signed_in: Any) -> None:
    auth = make_auth(world.acme, make_patient(world.acme), make_payer(world.acme), ["97110"],
                     status=AuthStatus.PENDING)
    response = signed_in(Role.CLIENT_STAFF).post(f"/auths/{auth.pk}/edit/", form())
    assert response.status_code == 302
    auth.refresh_from_db()
    assert (auth.status, auth.certification_number, auth.approved_units) == (
        AuthStatus.APPROVED, "CALL-1", Decimal(8))
    assert AuthDecision.objects.get(authorization=auth).source == "phone"


def test_a_bad_code_is_refused(world: World, signed_in: Any) -> None:
    auth = make_auth(world.acme, make_patient(world.acme), make_payer(world.acme), ["97110"])
    response = signed_in(Role.CLIENT_STAFF).post(f"/auths/{auth.pk}/edit/",
                                                 form(codes="97-110!"))
    assert response.status_code == 400


def test_a_client_admin_may_not_edit(world: World, signed_in: Any) -> None:
    auth = make_auth(world.acme, make_patient(world.acme), make_payer(world.acme), ["97110"])
    assert signed_in(Role.CLIENT_ADMIN).post(f"/auths/{auth.pk}/edit/",
                                             form()).status_code == 403
