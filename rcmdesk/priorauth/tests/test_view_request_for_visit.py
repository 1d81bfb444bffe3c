"""Asking the payer about a visit straight from the tracker's needed-and-missing list."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.eligibility.models import Visit
from rcmdesk.priorauth.models import Authorization, AuthStatus
from rcmdesk.priorauth.tests.factories import make_patient, make_payer, require
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def make_visit(world: World, client: Any) -> Visit:
    payer = make_payer(client)
    require(client, "72148", payer)
    return Visit.objects.create(client=client, patient=make_patient(client), payer=payer,
                                scheduled_on=date.today() + timedelta(days=4),
                                procedures=["72148", "99213"])


def test_a_visit_request_opens_an_authorization_for_the_codes_that_need_one(
        world: World, signed_in: Any) -> None:
    visit = make_visit(world, world.acme)
    response = signed_in(Role.CLIENT_STAFF).post("/auths/visits/request/",
                                                 {"visit_id": str(visit.pk)})
    auth = Authorization.objects.get()
    assert response["Location"] == f"/auths/{auth.pk}/"
    assert (auth.visit_id, auth.codes, auth.status) == (visit.pk, ["72148"],
                                                        AuthStatus.REQUESTED)


def test_another_clients_visit_is_not_found(world: World, signed_in: Any) -> None:
    visit = make_visit(world, world.birch)
    response = signed_in(Role.CLIENT_STAFF).post("/auths/visits/request/",
                                                 {"visit_id": str(visit.pk)})
    assert response.status_code == 404
    assert not Authorization.objects.exists()
