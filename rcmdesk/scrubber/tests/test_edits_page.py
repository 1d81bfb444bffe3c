"""/scrubber/edits/: the client administrator adds and deactivates the client's edits;
nobody else may (403), and another client's edit answers like a missing one."""

from __future__ import annotations

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World, sign_in
from rcmdesk.playbooks.models import ClaimEdit, EditCheck
from rcmdesk.scrubber.tests import builders as b
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db

FORM = {"code": "acme-mod25", "codes": "99213-99215", "rule": EditCheck.REQUIRES_MODIFIER,
        "value": "25", "severity": "error", "message": "Payer X wants 25 on office visits"}


def test_the_client_admin_adds_an_edit_and_it_is_audited(world: World, client) -> None:
    pay = b.payer(world.acme)
    sign_in(client, world.user(Role.CLIENT_ADMIN))
    response = client.post("/scrubber/edits/", {**FORM, "payer": str(pay.pk)})
    assert response.status_code == 302
    edit = ClaimEdit.objects.get(client=world.acme, code="ACME-MOD25")
    assert (edit.payer_id, edit.value, edit.active) == (pay.pk, "25", True)
    assert AuditEvent.objects.filter(action="scrubber.edit.create",
                                     object_id=str(edit.pk)).exists()
    assert "ACME-MOD25" in client.get("/scrubber/edits/").content.decode()


def test_an_edit_that_does_not_make_sense_is_refused_with_the_reason(world: World,
                                                                    client) -> None:
    sign_in(client, world.user(Role.CLIENT_ADMIN))
    response = client.post("/scrubber/edits/", {**FORM, "value": "2 5"})
    assert response.status_code == 400
    assert "Not modifiers" in response.content.decode()
    response = client.post("/scrubber/edits/", {**FORM, "code": "RQ001"})
    assert "built-in" in response.content.decode()
    assert not ClaimEdit.objects.exists()


def test_the_client_admin_deactivates_an_edit(world: World, client) -> None:
    edit = ClaimEdit.objects.create(client=world.acme, code="A1", codes="99213",
                                    rule=EditCheck.MAX_UNITS, value="1", message="one")
    sign_in(client, world.user(Role.CLIENT_ADMIN))
    assert client.post(f"/scrubber/edits/{edit.pk}/deactivate/").status_code == 302
    edit.refresh_from_db()
    assert not edit.active
    assert AuditEvent.objects.filter(action="scrubber.edit.deactivate").exists()


@pytest.mark.parametrize("role", [Role.CLIENT_MANAGER, Role.CLIENT_STAFF, Role.PARTNER_LEAD,
                                  Role.PARTNER_SPECIALIST, Role.PARTNER_QA])
def test_anyone_but_the_client_admin_is_refused(world: World, client, role: Role) -> None:
    edit = ClaimEdit.objects.create(client=world.acme, code="A1", codes="99213",
                                    rule=EditCheck.MAX_UNITS, value="1", message="one")
    sign_in(client, world.user(role))
    assert client.get("/scrubber/edits/").status_code == 403
    assert client.post("/scrubber/edits/", FORM).status_code == 403
    assert client.post(f"/scrubber/edits/{edit.pk}/deactivate/").status_code == 403
    edit.refresh_from_db()
    assert edit.active
    assert not ClaimEdit.objects.filter(code="ACME-MOD25").exists()


def test_another_clients_edit_answers_like_a_missing_one(world: World, client) -> None:
    edit = ClaimEdit.objects.create(client=world.birch, code="B1", codes="99213",
                                    rule=EditCheck.MAX_UNITS, value="1", message="one")
    sign_in(client, world.user(Role.CLIENT_ADMIN))
    assert client.post(f"/scrubber/edits/{edit.pk}/deactivate/").status_code == 404
    assert client.post("/scrubber/edits/987654321/deactivate/").status_code == 404
    edit.refresh_from_db()
    assert edit.active
