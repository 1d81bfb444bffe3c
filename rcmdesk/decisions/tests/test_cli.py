"""``rcmdesk decisions``: list and decide as a named user; partners are refused."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from rcmdesk.cli import app
from rcmdesk.conftest import World
from rcmdesk.decisions.models import ProposalStatus
from rcmdesk.decisions.tests.factories import ar_item, write_off
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_list_shows_the_open_proposals(world: World) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    result = runner.invoke(app, ["decisions", "list", "--client", "acme", "--as",
                                 "acme.manager"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith(f"{proposal.pk}\tproposed\twrite_off\t40.00")
    assert result.stdout.splitlines()[-1] == "1 proposal(s)"


def test_a_manager_rejects_with_a_comment(world: World) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    result = runner.invoke(app, ["decisions", "decide", str(proposal.pk), "--reject",
                                 "--comment", "Appeal first", "--as", "acme.manager"])
    assert result.exit_code == 0, result.output
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED


def test_a_manager_approves_and_the_journal_is_named(world: World) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    result = runner.invoke(app, ["decisions", "decide", str(proposal.pk), "--approve",
                                 "--as", "acme.manager"])
    assert result.exit_code == 0, result.output
    assert "executed, journal" in result.stdout


def test_a_partner_lead_is_refused(world: World) -> None:
    proposal = write_off(world.user(Role.PARTNER_SPECIALIST), ar_item(world.acme))
    result = runner.invoke(app, ["decisions", "decide", str(proposal.pk), "--approve",
                                 "--as", "pillar.lead"])
    assert result.exit_code == 1
    assert "may not decide" in result.output


def test_approve_and_reject_together_is_a_usage_error(world: World) -> None:
    result = runner.invoke(app, ["decisions", "decide", "1", "--approve", "--reject",
                                 "--as", "acme.manager"])
    assert result.exit_code == 2
