from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.playbooks.models import PlaybookChange
from rcmdesk.playbooks.sops import sop_in_force
from rcmdesk.playbooks.tests.factories import make_sop
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_a_retired_sop_stops_applying_and_can_come_back(world: World, signed_in: Any) -> None:
    doc = make_sop(world)
    browser = signed_in(Role.CLIENT_ADMIN)
    url = f"/playbook/sops/{doc.pk}/active/"
    assert browser.post(url, {"active": "0", "change_note": "merged"}).status_code == 302
    assert sop_in_force(world.acme.pk, "denials") is None
    page = browser.get(f"/playbook/sops/{doc.pk}/").content.decode()
    assert "retired (merged)" in page
    browser.post(url, {"active": "1"})
    assert sop_in_force(world.acme.pk, "denials") is not None
    assert PlaybookChange.objects.filter(model="playbooks.sopdocument").count() == 2


@pytest.mark.parametrize("role", [Role.CLIENT_MANAGER, Role.CLIENT_STAFF, Role.PARTNER_LEAD,
                                  Role.PARTNER_SPECIALIST, Role.PARTNER_QA])
def test_no_other_role_may_retire_an_sop(world: World, signed_in: Any, role: Role) -> None:
    doc = make_sop(world)
    response = signed_in(role).post(f"/playbook/sops/{doc.pk}/active/", {"active": "0"})
    assert response.status_code == 403
    doc.refresh_from_db()
    assert doc.active


def test_another_clients_sop_is_not_found(world: World, signed_in: Any) -> None:
    doc = make_sop(world, client=world.birch, workflow="eligibility")
    response = signed_in(Role.CLIENT_ADMIN).post(f"/playbook/sops/{doc.pk}/active/",
                                                 {"active": "0"})
    assert response.status_code == 404


def test_a_get_is_not_allowed(world: World, signed_in: Any) -> None:
    doc = make_sop(world)
    assert signed_in(Role.CLIENT_ADMIN).get(
        f"/playbook/sops/{doc.pk}/active/").status_code == 405
