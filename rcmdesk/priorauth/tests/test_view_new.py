"""Recording an authorization from a portal or a call."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.priorauth.models import AuthDecision, Authorization, AuthStatus
from rcmdesk.priorauth.tests.factories import make_patient, make_payer
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def post(client: Any, patient: int, payer: int, **extra: str) -> Any:
    data = {"client": "acme", "patient": str(patient), "payer": str(payer),
            "codes": "97110, 97112", "status": AuthStatus.APPROVED, "source": "portal",
            "certification_number": "PORTAL-9", "approved_units": "12",
            "start_date": "2026-03-01", "end_date": "2026-05-31", **extra}
    return client.post("/auths/new/", data)


def test_staff_record_a_portal_authorization_with_its_history_and_audit(
        world: World, signed_in: Any) -> None:
    patient, payer = make_patient(world.acme), make_payer(world.acme)
    staff = signed_in(Role.CLIENT_STAFF)
    assert staff.get("/auths/new/").status_code == 200
    response = post(staff, patient.pk, payer.pk)
    auth = Authorization.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/auths/{auth.pk}/"
    assert (auth.codes, auth.source, auth.certification_number, auth.end_date) == (
        ["97110", "97112"], "portal", "PORTAL-9", date(2026, 5, 31))
    assert AuthDecision.objects.filter(authorization=auth, source="portal").count() == 1
    assert AuditEvent.objects.filter(action="priorauth.authorization_recorded").exists()


def test_dates_that_end_before_they_start_are_refused(world: World, signed_in: Any) -> None:
    patient, payer = make_patient(world.acme), make_payer(world.acme)
    response = post(signed_in(Role.CLIENT_STAFF), patient.pk, payer.pk,
                    start_date="2026-06-01", end_date="2026-05-01")
    assert response.status_code == 400
    assert not Authorization.objects.exists()


def test_another_clients_patient_cannot_be_chosen(world: World, signed_in: Any) -> None:
    birch_patient, payer = make_patient(world.birch), make_payer(world.acme)
    response = post(signed_in(Role.CLIENT_STAFF), birch_patient.pk, payer.pk)
    assert response.status_code == 400
    assert not Authorization.objects.exists()


def test_a_client_admin_may_not_record_one(world: World, signed_in: Any) -> None:
    assert signed_in(Role.CLIENT_ADMIN).get("/auths/new/").status_code == 403
