"""``rcmdesk qa``: draw and accuracy as a named user; exit codes say what failed."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rcmdesk.cli import app
from rcmdesk.conftest import World
from rcmdesk.qa import services
from rcmdesk.qa.models import SampleDraw
from rcmdesk.qa.tests.factories import WEEK, done_items, plan
from rcmdesk.tenancy.roles import Role

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_the_auditor_draws_a_week_with_a_seed_and_not_twice(world: World) -> None:
    done_items(world.acme_engagement, world.user(Role.PARTNER_SPECIALIST), 10)
    the_plan = plan(world.acme_engagement)
    args = ["qa", "draw", "--client", "acme", "--as", "pillar.qa", "--week", WEEK]
    result = runner.invoke(app, [*args, "--seed", "31"])
    assert result.exit_code == 0, result.output
    made = SampleDraw.objects.get()
    assert result.stdout.splitlines() == [
        f"draw {made.pk}\tplan {the_plan.pk}\t{WEEK}\tseed 31\t2 of 10 item(s)"]
    again = runner.invoke(app, args)
    assert again.exit_code == 1
    assert SampleDraw.objects.count() == 1


def test_a_specialist_may_not_draw(world: World) -> None:
    plan(world.acme_engagement)
    result = runner.invoke(app, ["qa", "draw", "--client", "acme", "--as",
                                 "pillar.specialist", "--week", WEEK])
    assert result.exit_code == 1
    assert not SampleDraw.objects.exists()


def test_a_bad_week_is_an_option_error(world: World) -> None:
    result = runner.invoke(app, ["qa", "draw", "--client", "acme", "--as", "pillar.qa",
                                 "--week", "47"])
    assert result.exit_code == 2


def test_accuracy_as_json_for_a_client_manager(world: World) -> None:
    done_items(world.acme_engagement, world.user(Role.PARTNER_SPECIALIST), 2)
    made = services.draw_week(plan(world.acme_engagement),
                              WEEK, acting_user=world.user(Role.PARTNER_QA), seed=1)
    for audit in made.audits.all():
        n = audit.points.count()
        services.submit(audit,
                        [services.PointScore("fail", "x")] + [services.PointScore("pass")]
                        * (n - 1), acting_user=world.user(Role.PARTNER_QA))
    result = runner.invoke(app, ["qa", "accuracy", "--client", "acme", "--as",
                                 "acme.manager", "--week", WEEK, "--json"])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    n = made.audits.first().points.count()  # type: ignore[union-attr]
    assert (row["audits"], row["fails"], row["passes"]) == (2, 2, 2 * (n - 1))


def test_another_clients_admin_is_refused_accuracy(world: World) -> None:
    result = runner.invoke(app, ["qa", "accuracy", "--client", "acme", "--as", "birch.admin"])
    assert result.exit_code == 1
