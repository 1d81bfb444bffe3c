from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.playbooks.models import SopDocument
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db

FORM = {"client": "acme", "title": "Coding denials", "workflow": "denials", "payer": "",
        "category": "coding", "body": "Check the **modifier**.",
        "checklist": "Modifier checked\n\nCorrected claim sent", "change_note": "first"}


def test_a_client_admin_creates_an_sop_with_its_first_version(world: World,
                                                               signed_in: Any) -> None:
    response = signed_in(Role.CLIENT_ADMIN).post("/playbook/sops/new/", FORM)
    doc = SopDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/playbook/sops/{doc.pk}/"
    version = doc.versions.get()
    assert (doc.category, version.number) == ("coding", 1)
    assert version.checklist == ["Modifier checked", "Corrected claim sent"]


def test_an_sop_without_a_change_note_is_refused(world: World, signed_in: Any) -> None:
    response = signed_in(Role.CLIENT_ADMIN).post("/playbook/sops/new/",
                                                 {**FORM, "change_note": ""})
    assert response.status_code == 400
    assert not SopDocument.objects.exists()


@pytest.mark.parametrize("role", [Role.CLIENT_MANAGER, Role.CLIENT_STAFF, Role.PARTNER_LEAD,
                                  Role.PARTNER_SPECIALIST, Role.PARTNER_QA])
def test_no_other_role_may_create_an_sop(world: World, signed_in: Any, role: Role) -> None:
    browser = signed_in(role)
    assert browser.get("/playbook/sops/new/?client=acme").status_code == 403
    assert browser.post("/playbook/sops/new/", FORM).status_code == 403
    assert not SopDocument.objects.exists()


def test_an_admin_cannot_create_an_sop_for_another_client(world: World,
                                                          signed_in: Any) -> None:
    response = signed_in(Role.CLIENT_ADMIN).post("/playbook/sops/new/",
                                                 {**FORM, "client": "birch"})
    assert response.status_code == 404
    assert not SopDocument.objects.exists()
