"""The playbook's "needs authorization" rows: client admins list and add them."""

from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.audit.models import AuditEvent
from rcmdesk.conftest import World
from rcmdesk.playbooks.models import AuthRequirement
from rcmdesk.priorauth.tests.factories import make_payer, require
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_a_client_admin_adds_a_requirement_for_one_payer(world: World, signed_in: Any) -> None:
    payer = make_payer(world.acme)
    require(world.acme, "J9*")
    admin = signed_in(Role.CLIENT_ADMIN)
    page = admin.get("/auths/requirements/")
    assert page.status_code == 200
    assert "J9*" in page.content.decode()
    response = admin.post("/auths/requirements/", {"client": "acme", "payer": str(payer.pk),
                                                   "codes": "70551-70553, 72148"})
    assert response.status_code == 302
    row = AuthRequirement.objects.get(payer=payer)
    assert (row.codes, row.active) == ("70551-70553, 72148", True)
    assert AuditEvent.objects.filter(action="playbooks.auth_requirement_added").exists()


def test_a_code_list_that_does_not_parse_is_refused(world: World, signed_in: Any) -> None:
    response = signed_in(Role.CLIENT_ADMIN).post("/auths/requirements/",
                                                 {"client": "acme", "codes": "70553-70551"})
    assert response.status_code == 400
    assert not AuthRequirement.objects.exists()


@pytest.mark.parametrize("role", [Role.CLIENT_STAFF, Role.CLIENT_MANAGER])
def test_other_roles_may_not_open_the_editor(world: World, signed_in: Any, role: Role) -> None:
    assert signed_in(role).get("/auths/requirements/").status_code == 403
