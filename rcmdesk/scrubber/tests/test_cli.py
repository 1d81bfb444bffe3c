"""``rcmdesk claims scrub``: findings and the clean-claim rate; exit codes say what failed."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from typer.testing import CliRunner

from rcmdesk.claims.models import Claim, ClaimOrigin, ClaimStatus, FrontDoor
from rcmdesk.cli import app
from rcmdesk.conftest import World
from rcmdesk.scrubber.tests import builders as b

pytestmark = pytest.mark.django_db
runner = CliRunner()


def _recent(world: World, **kw: Any) -> Claim:
    day = world.acme.today() - timedelta(days=3)
    return b.claim(world.acme, service_from=day, service_to=day, **kw)


def test_scrub_without_claims_takes_every_draft_or_held_claim(world: World) -> None:
    _recent(world)
    _recent(world, diagnoses=[], status=ClaimStatus.SUBMITTED, front_door=FrontDoor.HELD)
    _recent(world, origin=ClaimOrigin.MIRROR, status=ClaimStatus.SUBMITTED)
    result = runner.invoke(app, ["claims", "scrub", "--client", "acme", "--as", "acme.staff",
                                 "--json"])
    assert result.exit_code == 1, result.output
    body = json.loads(result.stdout)
    assert (body["scrubbed"], body["clean"], body["clean_claim_rate"]) == (2, 1, "50.00")
    assert {f["code"] for f in body["findings"]} >= {"RQ025"}


def test_scrub_of_named_clean_claims_prints_the_rate_and_exits_0(world: World) -> None:
    c = _recent(world)
    result = runner.invoke(app, ["claims", "scrub", "--client", "acme", "--as", "acme.staff",
                                 "--claim", c.patient_control_number])
    assert result.exit_code == 0, result.output
    assert "1 clean (100.00% clean-claim rate)" in result.stdout


def test_an_unknown_claim_number_exits_2(world: World) -> None:
    result = runner.invoke(app, ["claims", "scrub", "--client", "acme", "--as", "acme.staff",
                                 "--claim", "NOPE"])
    assert result.exit_code == 2


def test_a_user_who_may_not_work_claims_exits_1(world: World) -> None:
    result = runner.invoke(app, ["claims", "scrub", "--client", "acme", "--as", "acme.admin"])
    assert result.exit_code == 1
    assert "may not scrub" in result.output


def test_a_user_of_another_client_exits_1_without_scrubbing(world: World) -> None:
    result = runner.invoke(app, ["claims", "scrub", "--client", "acme", "--as", "birch.admin"])
    assert result.exit_code == 1
    assert "does not see" in result.output
