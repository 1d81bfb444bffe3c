"""``rcmdesk queue``: counts, assignment as a supervisor, refresh; exit codes say what failed."""

from __future__ import annotations

import importlib
import importlib.util
import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from rcmdesk.cli import app
from rcmdesk.tenancy.roles import Role
from rcmdesk.workqueue.models import ItemKind, WorkItem
from rcmdesk.workqueue.tests.factories import make_item

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_counts_as_json_group_a_clients_active_items(world):
    make_item(world.acme, 1, aging_bucket="0-30", amount=Decimal("12.00"))
    make_item(world.acme, 2, aging_bucket="0-30", amount=Decimal("3.50"))
    make_item(world.birch, 3, kind=ItemKind.ELIGIBILITY)
    result = runner.invoke(app, ["queue", "counts", "--client", "acme", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"workflow": "denials", "aging_bucket": "0-30",
                                          "status": "open", "count": 2, "amount": "15.50"}]


def test_counts_of_an_unknown_client_exit_2(world):
    assert runner.invoke(app, ["queue", "counts", "--client", "nobody"]).exit_code == 2


def test_a_lead_assigns_the_unassigned_items_of_a_workflow(world):
    top = make_item(world.acme, 1, priority=90)
    make_item(world.acme, 2, priority=10)
    make_item(world.acme, 3, kind=ItemKind.AR_FOLLOWUP)
    result = runner.invoke(app, ["queue", "assign", "--client", "acme", "--to",
                                 "pillar.specialist", "--as", "pillar.lead", "--workflow",
                                 "denials", "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert "assigned 1 item(s) to pillar.specialist, 0 skipped" in result.stdout
    assert list(WorkItem.objects.filter(assignee__isnull=False).values_list("pk", flat=True)) == [
        top.pk]


def test_assign_moves_items_from_one_person_to_another(world):
    specialist = world.user(Role.PARTNER_SPECIALIST)
    make_item(world.acme, 1, assignee=specialist)
    result = runner.invoke(app, ["queue", "assign", "--client", "acme", "--to", "pillar.lead",
                                 "--from", "pillar.specialist", "--as", "acme.admin"])
    assert result.exit_code == 0, result.output
    assert WorkItem.objects.get().assignee == world.user(Role.PARTNER_LEAD)


def test_a_specialist_may_not_assign_and_the_command_exits_1(world):
    make_item(world.acme, 1)
    result = runner.invoke(app, ["queue", "assign", "--client", "acme", "--to",
                                 "pillar.specialist", "--as", "pillar.specialist"])
    assert result.exit_code == 1
    assert WorkItem.objects.get().assignee is None


def test_a_supervisor_of_another_client_exits_1(world):
    make_item(world.acme, 1)
    result = runner.invoke(app, ["queue", "assign", "--client", "acme", "--to", "acme.staff",
                                 "--as", "birch.admin"])
    assert result.exit_code == 1
    assert WorkItem.objects.get().assignee is None


def test_assigning_to_someone_who_cannot_work_the_items_exits_1(world):
    make_item(world.acme, 1)
    result = runner.invoke(app, ["queue", "assign", "--client", "acme", "--to", "pillar.qa",
                                 "--as", "pillar.lead"])
    assert result.exit_code == 1
    assert "1 skipped" in result.stdout


def test_an_unknown_user_exits_2(world):
    result = runner.invoke(app, ["queue", "assign", "--client", "acme", "--to", "nobody",
                                 "--as", "pillar.lead"])
    assert result.exit_code == 2


@pytest.mark.skipif(
    importlib.util.find_spec("rcmdesk.workqueue.producers") is None
    or not hasattr(importlib.import_module("rcmdesk.workqueue.producers"), "sync_client"),
    reason="rcmdesk.workqueue.producers.sync_client is not written yet")
def test_refresh_runs_the_producers_for_the_client(world):
    result = runner.invoke(app, ["queue", "refresh", "--client", "acme"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("acme: ")
