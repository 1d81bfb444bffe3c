"""``rcmdesk playbook``: SOPs and history as a named user; exit codes say what failed."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from rcmdesk.cli import app
from rcmdesk.conftest import World
from rcmdesk.playbooks import editing
from rcmdesk.playbooks.tests.factories import add_version, make_sop
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_sops_lists_each_document_with_its_latest_version(world: World) -> None:
    doc = make_sop(world, "Denials SOP")
    add_version(world, doc, "Second.")
    result = runner.invoke(app, ["playbook", "sops", "--client", "acme", "--as",
                                 "pillar.specialist"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"{doc.pk}\tdenials\t*\t*\tv2\tDenials SOP",
                                          "1 SOP(s)"]


def test_history_shows_sop_versions_and_rule_changes(world: World) -> None:
    make_sop(world, "Denials SOP")
    editing.save_payer_rule(world.acme, None,
                            {"appeal_days": 45}, "contract renewal",
                            acting_user=world.user(Role.CLIENT_ADMIN))
    result = runner.invoke(app, ["playbook", "history", "--client", "acme", "--as",
                                 "acme.staff"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-1] == "2 change(s)"
    assert "contract renewal" in lines[0]
    assert "Denials SOP v1" in lines[1]


@pytest.mark.parametrize("command", ["sops", "history"])
def test_another_clients_playbook_is_refused(world: World, command: str) -> None:
    make_sop(world, client=world.birch, workflow="eligibility")
    for who in ("acme.admin", "pillar.lead"):
        result = runner.invoke(app, ["playbook", command, "--client", "birch", "--as", who])
        assert result.exit_code == 1
        assert "Birch" not in result.stdout


def test_a_partner_lists_no_sop_and_no_version_outside_its_scope(world: World) -> None:
    make_sop(world, "Denials SOP")
    make_sop(world, "Front desk SOP", workflow="eligibility")
    for command in ("sops", "history"):
        partner = runner.invoke(app, ["playbook", command, "--client", "acme", "--as",
                                      "pillar.specialist"])
        assert partner.exit_code == 0, partner.output
        assert "Denials SOP" in partner.stdout
        assert "Front desk" not in partner.stdout
        staff = runner.invoke(app, ["playbook", command, "--client", "acme", "--as",
                                    "acme.staff"])
        assert "Front desk SOP" in staff.stdout
