from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.playbooks.tests.factories import make_sop
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db

FORM = {"body": "New text.", "checklist": "One\nTwo", "change_note": "payer changed portal"}


def test_the_editor_starts_from_the_current_version(world: World, signed_in: Any) -> None:
    doc = make_sop(world, body="Call the payer.")
    html = signed_in(Role.CLIENT_ADMIN).get(f"/playbook/sops/{doc.pk}/edit/").content.decode()
    assert "Call the payer." in html
    assert "Saving makes version 2" in html


def test_saving_adds_a_version_and_keeps_the_old_one(world: World, signed_in: Any) -> None:
    doc = make_sop(world, body="Call the payer.")
    response = signed_in(Role.CLIENT_ADMIN).post(f"/playbook/sops/{doc.pk}/edit/", FORM)
    assert response.status_code == 302
    v1, v2 = doc.versions.order_by("number")
    assert (v1.body, v2.body, v2.checklist, v2.change_note) == (
        "Call the payer.", "New text.", ["One", "Two"], "payer changed portal")


def test_a_version_without_a_change_note_is_refused(world: World, signed_in: Any) -> None:
    doc = make_sop(world)
    response = signed_in(Role.CLIENT_ADMIN).post(f"/playbook/sops/{doc.pk}/edit/",
                                                 {**FORM, "change_note": ""})
    assert response.status_code == 400
    assert doc.versions.count() == 1


@pytest.mark.parametrize("role", [Role.CLIENT_MANAGER, Role.CLIENT_STAFF, Role.PARTNER_LEAD,
                                  Role.PARTNER_SPECIALIST, Role.PARTNER_QA])
def test_no_other_role_may_edit(world: World, signed_in: Any, role: Role) -> None:
    doc = make_sop(world)
    browser = signed_in(role)
    assert browser.get(f"/playbook/sops/{doc.pk}/edit/").status_code == 403
    assert browser.post(f"/playbook/sops/{doc.pk}/edit/", FORM).status_code == 403
    assert doc.versions.count() == 1


def test_another_clients_admin_gets_not_found(world: World) -> None:
    from django.test import Client

    from rcmdesk.conftest import sign_in

    doc = make_sop(world)
    browser = sign_in(Client(), world.birch_admin)
    assert browser.post(f"/playbook/sops/{doc.pk}/edit/", FORM).status_code == 404
    assert doc.versions.count() == 1
