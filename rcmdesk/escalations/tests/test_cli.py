"""``rcmdesk escalations``: list as a named user; the overdue check for cron."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from rcmdesk.audit.models import AuditEvent
from rcmdesk.cli import app
from rcmdesk.conftest import World
from rcmdesk.escalations.models import Escalation
from rcmdesk.escalations.tests.factories import raise_one

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_list_shows_escalations_with_the_owners_due_time(world: World) -> None:
    esc = raise_one(world)
    result = runner.invoke(app, ["escalations", "list", "--client", "acme", "--as",
                                 "acme.staff"])
    assert result.exit_code == 0, result.output
    first, last = result.stdout.splitlines()
    assert first.startswith(f"{esc.pk}\topen\tpayer_stuck\tpillar.lead\t")
    assert "America/New_York\t-\tPayer keeps losing the appeal" in first
    assert last == "1 escalation(s)"
    event = AuditEvent.objects.get(action="list", object_type="escalations.escalation")
    assert (event.client_org_id, event.detail) == (
        world.acme.pk, {"cli": True, "overdue": False, "escalations": [esc.pk]})


def test_overdue_exits_3_when_something_is_late_and_0_when_not(world: World) -> None:
    esc = raise_one(world)
    assert runner.invoke(app, ["escalations", "overdue", "--client", "acme"]).exit_code == 0
    Escalation.objects.filter(pk=esc.pk).update(response_due_at="2020-01-01T00:00:00Z")
    result = runner.invoke(app, ["escalations", "overdue", "--client", "acme"])
    assert result.exit_code == 3
    assert "OVERDUE" in result.stdout
    listed = runner.invoke(app, ["escalations", "list", "--client", "acme", "--as",
                                 "pillar.lead", "--overdue"])
    assert listed.stdout.splitlines()[-1] == "1 escalation(s)"


def test_a_user_who_does_not_see_the_client_is_refused(world: World) -> None:
    raise_one(world)
    result = runner.invoke(app, ["escalations", "list", "--client", "acme", "--as",
                                 "birch.admin"])
    assert result.exit_code == 1
