"""``rcmdesk kpi``: a week of KPIs as a named user; exit codes say what failed."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rcmdesk.cli import app
from rcmdesk.conftest import World
from rcmdesk.reports.tests.kpi_world import WEEK, build

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_a_client_manager_gets_the_week_as_json(world: World) -> None:
    build(world)
    result = runner.invoke(app, ["kpi", "--client", "acme", "--week", WEEK, "--json",
                                 "--as", "acme.manager"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert {k["key"]: k["value"] for k in body["kpis"]}["denial_rate_dollars"] == "60.0"


def test_the_text_form_shows_formula_and_benchmark(world: World) -> None:
    build(world)
    result = runner.invoke(app, ["kpi", "--client", "acme", "--week", WEEK, "--as",
                                 "pillar.lead"])
    assert result.exit_code == 0, result.output
    assert "Days in A/R (HFMA MAP): 150.0 days\t[30-40 days]" in result.stdout
    assert "= net A/R at week end" in result.stdout


def test_a_specialist_is_refused_and_a_bad_week_is_an_option_error(world: World) -> None:
    refused = runner.invoke(app, ["kpi", "--client", "acme", "--week", WEEK, "--as",
                                  "pillar.specialist"])
    assert refused.exit_code == 1
    bad = runner.invoke(app, ["kpi", "--client", "acme", "--week", "47", "--as",
                              "acme.manager"])
    assert bad.exit_code == 2


def test_another_clients_manager_does_not_see_acme(world: World) -> None:
    result = runner.invoke(app, ["kpi", "--client", "acme", "--week", WEEK, "--as",
                                 "birch.admin"])
    assert result.exit_code == 1
