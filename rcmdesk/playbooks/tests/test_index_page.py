from __future__ import annotations

from typing import Any

import pytest

from rcmdesk.conftest import World
from rcmdesk.playbooks import editing
from rcmdesk.playbooks.tests.factories import add_version, make_sop
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_the_playbook_lists_sops_by_workflow_with_their_latest_version(
        world: World, signed_in: Any) -> None:
    doc = make_sop(world, "Denials SOP")
    add_version(world, doc, "v2 text")
    make_sop(world, "AR follow-up SOP", workflow="ar_followup")
    page = signed_in(Role.CLIENT_ADMIN).get("/playbook/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="sops-denials"' in html
    assert 'data-testid="sops-ar_followup"' in html
    assert "v2" in html
    assert 'data-testid="new-sop"' in html


def test_the_history_shows_rule_changes_beside_sop_versions(world: World,
                                                            signed_in: Any) -> None:
    make_sop(world, "Denials SOP")
    editing.save_payer_rule(world.acme, None,
                            {"appeal_days": 45}, "contract renewal",
                            acting_user=world.user(Role.CLIENT_ADMIN))
    html = signed_in(Role.CLIENT_ADMIN).get("/playbook/").content.decode()
    assert "Denials SOP v1" in html
    assert "contract renewal" in html
    assert "appeal_days" in html


@pytest.mark.parametrize("role", [Role.PARTNER_SPECIALIST, Role.PARTNER_LEAD, Role.PARTNER_QA,
                                  Role.CLIENT_STAFF, Role.CLIENT_MANAGER])
def test_other_roles_read_the_playbook_without_an_edit_button(world: World, signed_in: Any,
                                                              role: Role) -> None:
    make_sop(world, "Denials SOP")
    page = signed_in(role).get("/playbook/?client=acme")
    assert page.status_code == 200
    assert "Denials SOP" in page.content.decode()
    assert 'data-testid="new-sop"' not in page.content.decode()


def test_another_clients_playbook_is_not_found(world: World, signed_in: Any) -> None:
    make_sop(world, "Birch SOP", client=world.birch, workflow="eligibility")
    assert signed_in(Role.CLIENT_ADMIN).get("/playbook/?client=birch").status_code == 404
    assert signed_in(Role.PARTNER_SPECIALIST).get("/playbook/?client=birch").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client: Any) -> None:
    assert client.get("/playbook/").status_code == 302


def test_a_partner_reads_only_the_sops_of_its_engagements_workflows(world: World,
                                                                    signed_in: Any) -> None:
    make_sop(world, "Denials SOP")
    front = make_sop(world, "Front desk SOP", workflow="eligibility")
    editing.set_active(front, False, "front desk moved in-house",
                       acting_user=world.user(Role.CLIENT_ADMIN))
    partner = signed_in(Role.PARTNER_SPECIALIST).get("/playbook/?client=acme").content.decode()
    assert "Denials SOP" in partner
    assert "Front desk" not in partner
    assert "front desk moved in-house" not in partner
    assert 'data-testid="sops-eligibility"' not in partner
    staff = signed_in(Role.CLIENT_STAFF).get("/playbook/?client=acme").content.decode()
    assert "Front desk SOP" in staff
    assert "front desk moved in-house" in staff
