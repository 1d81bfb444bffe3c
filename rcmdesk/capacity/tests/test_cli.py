"""``rcmdesk capacity``: forecast (with what-if) and productivity as a named user."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rcmdesk.cli import app
from rcmdesk.conftest import World

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_the_lead_gets_the_forecast_and_a_what_if_as_json(world: World, worked_queue) -> None:
    result = runner.invoke(app, ["capacity", "forecast", "--client", "acme", "--as",
                                 "pillar.lead", "--workflow", "ar_followup", "--add", "2",
                                 "--from", "2099-01-01", "--json"])
    assert result.exit_code == 0, result.output
    [queue] = json.loads(result.stdout)
    assert queue["queue"] == "ar_followup"
    assert len(queue["forecast"]) == 28
    assert queue["what_if_label"] == "+2 specialist(s) from 2099-01-01"
    assert queue["staffing"]["needed"] >= 1


def test_the_table_lists_each_queue(world: World, worked_queue) -> None:
    result = runner.invoke(app, ["capacity", "forecast", "--client", "acme", "--as",
                                 "acme.manager"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ar_followup\tarrivals")
    assert result.stdout.rstrip().endswith("1 queue(s)")


def test_a_bad_date_is_exit_2(world: World) -> None:
    result = runner.invoke(app, ["capacity", "forecast", "--client", "acme", "--as",
                                 "pillar.lead", "--add", "1", "--from", "soon"])
    assert result.exit_code == 2


def test_a_specialist_is_refused(world: World) -> None:
    result = runner.invoke(app, ["capacity", "productivity", "--client", "acme", "--as",
                                 "pillar.specialist"])
    assert result.exit_code == 1


def test_productivity_as_json(world: World, worked_queue) -> None:
    result = runner.invoke(app, ["capacity", "productivity", "--client", "acme", "--as",
                                 "acme.admin", "--json", "--weeks", "520"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["by_specialist"][0]["specialist"] == "pillar.specialist"
    assert "ar_followup" in data["handle_hours"]
