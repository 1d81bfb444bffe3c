"""``rcmdesk claims submit``: the same checks as the button, files optionally to a folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rcmdesk.claims.models import FrontDoor
from rcmdesk.cli import app
from rcmdesk.conftest import World
from rcmdesk.submission.models import SubmissionBatch
from rcmdesk.submission.tests.factories import draft_claim

runner = CliRunner()
pytestmark = pytest.mark.django_db


def test_staff_submit_one_claim_by_its_control_number_into_a_folder(world: World,
                                                                   tmp_path: Path) -> None:
    draft_claim(world.acme, "PCN1")
    draft_claim(world.acme, "PCN2")
    result = runner.invoke(app, ["claims", "submit", "--client", "acme", "--as", "acme.staff",
                                 "--claim", "PCN1", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    batch = SubmissionBatch.objects.get()
    assert batch.claims_count == 1
    assert (tmp_path / batch.outbound.name).read_bytes() == bytes(batch.outbound.content)
    assert "PCN2" not in bytes(batch.outbound.content).decode()


def test_a_client_admin_may_not_submit_from_the_command_line(world: World) -> None:
    draft_claim(world.acme, "PCN1", front_door=FrontDoor.READY)
    result = runner.invoke(app, ["claims", "submit", "--client", "acme", "--as", "acme.admin"])
    assert result.exit_code == 1
    assert not SubmissionBatch.objects.exists()


def test_an_unknown_control_number_is_a_bad_option(world: World) -> None:
    result = runner.invoke(app, ["claims", "submit", "--client", "acme", "--as", "acme.staff",
                                 "--claim", "NOPE"])
    assert result.exit_code == 2
