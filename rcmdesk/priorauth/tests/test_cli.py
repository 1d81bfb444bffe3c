"""``rcmdesk auth``: list and request as a named user; exit codes say what failed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from typer.testing import CliRunner

from rcmdesk.claims.models import Coverage
from rcmdesk.cli import app
from rcmdesk.conftest import World
from rcmdesk.eligibility.models import Visit
from rcmdesk.intake.models import OutboundFile
from rcmdesk.priorauth.models import Authorization, AuthStatus
from rcmdesk.priorauth.tests.factories import make_auth, make_patient, make_payer, require

pytestmark = pytest.mark.django_db
runner = CliRunner()
TODAY = date.today()


def test_list_expiring_shows_only_approvals_ending_soon(world: World) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    soon = make_auth(world.acme, patient, payer, ["97110"], certification_number="SOON",
                     units="10", start=TODAY, end=TODAY + timedelta(days=3))
    make_auth(world.acme, patient, payer, ["97110"], certification_number="LATER",
              start=TODAY, end=TODAY + timedelta(days=60))
    result = runner.invoke(app, ["auth", "list", "--client", "acme", "--as", "acme.staff",
                                 "--expiring"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{soon.pk}\tapproved\t97110\tSOON\t0/10\t{TODAY}..{TODAY + timedelta(days=3)}",
        "1 authorization(s)"]


def test_a_partner_without_the_workflow_is_refused_the_list(world: World) -> None:
    result = runner.invoke(app, ["auth", "list", "--client", "acme", "--as",
                                 "pillar.specialist"])
    assert result.exit_code == 1


def test_request_for_a_visit_writes_a_278(world: World) -> None:
    payer, patient = make_payer(world.acme), make_patient(world.acme)
    Coverage.objects.create(client=world.acme, patient=patient, payer=payer, member_id="M5")
    require(world.acme, "72148", payer)
    visit = Visit.objects.create(client=world.acme, patient=patient, payer=payer,
                                 scheduled_on=TODAY + timedelta(days=7),
                                 procedures=["72148"])
    result = runner.invoke(app, ["auth", "request", "--client", "acme", "--as", "acme.staff",
                                 "--visit", str(visit.pk), "--units", "2"])
    assert result.exit_code == 0, result.output
    auth = Authorization.objects.get()
    assert auth.status == AuthStatus.REQUESTED
    assert f"trace {auth.reference}" in result.stdout
    assert OutboundFile.objects.filter(set_id="278").count() == 1


def test_request_needs_exactly_one_target_and_a_worker(world: World) -> None:
    auth = make_auth(world.acme, make_patient(world.acme), make_payer(world.acme), ["97110"])
    assert runner.invoke(app, ["auth", "request", "--client", "acme", "--as",
                               "acme.staff"]).exit_code == 2
    assert runner.invoke(app, ["auth", "request", "--client", "acme", "--as", "acme.admin",
                               "--auth", str(auth.pk)]).exit_code == 1
    assert runner.invoke(app, ["auth", "request", "--client", "birch", "--as", "acme.staff",
                               "--auth", str(auth.pk)]).exit_code == 2
