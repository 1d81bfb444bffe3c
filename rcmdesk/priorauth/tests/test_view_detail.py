"""One authorization: its fields, history and requests; its reads are audited."""

from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.priorauth.decisions import Decision, record_decision
from rcmdesk.priorauth.models import AuthStatus
from rcmdesk.priorauth.tests.factories import make_auth, make_patient, make_payer
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_decision_in_words_and_its_history(world: World,
                                                              signed_in: Any) -> None:
    auth = make_auth(world.acme, make_patient(world.acme), make_payer(world.acme), ["97110"],
                     status=AuthStatus.REQUESTED)
    record_decision(auth, Decision(status=AuthStatus.PARTIALLY_APPROVED, decision_code="A6",
                                   certification_number="CERT-D"), source="278", key="k1")
    page = signed_in(Role.CLIENT_STAFF).get(f"/auths/{auth.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "approved with changes" in text
    assert "CERT-D" in text
    assert 'data-testid="request-278"' in text
    assert AuditEvent.objects.filter(action="read", object_id=str(auth.pk)).exists()


def test_a_client_admin_reads_it_without_the_work_forms(world: World, signed_in: Any) -> None:
    auth = make_auth(world.acme, make_patient(world.acme), make_payer(world.acme), ["97110"])
    page = signed_in(Role.CLIENT_ADMIN).get(f"/auths/{auth.pk}/")
    assert page.status_code == 200
    assert 'data-testid="request-278"' not in page.content.decode()


def test_another_clients_authorization_is_not_found(world: World, signed_in: Any) -> None:
    auth = make_auth(world.birch, make_patient(world.birch), make_payer(world.birch), ["1"])
    assert signed_in(Role.CLIENT_STAFF).get(f"/auths/{auth.pk}/").status_code == 404
