"""``rcmdesk eligibility request`` and ``import``: as a named user, with the pages' checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rcmdesk.cli import app
from rcmdesk.conftest import World
from rcmdesk.eligibility.models import EligibilityRequest, Visit
from rcmdesk.eligibility.tests.builders import make_visit
from rcmdesk.eligibility.tests.test_imports import HOSTILE
from rcmdesk.intake.models import OutboundFile
from rcmdesk.tests.hostile import Hostile

runner = CliRunner()


def test_request_writes_one_270_for_the_visits_in_the_lead_time(world: World) -> None:
    near = make_visit(world.acme, days_ahead=2)
    make_visit(world.acme, days_ahead=10, last="LATER")
    result = runner.invoke(app, ["eligibility", "request", "--client", "acme",
                                 "--as", "acme.staff"])
    assert result.exit_code == 0, result.output
    out = OutboundFile.objects.get(set_id="270")
    assert f"outbound file {out.pk} {out.name}" in result.stdout
    assert [r.visit_id for r in EligibilityRequest.objects.all()] == [near.pk]


def test_request_by_visit_id_and_by_days(world: World) -> None:
    later = make_visit(world.acme, days_ahead=10)
    by_id = runner.invoke(app, ["eligibility", "request", "--client", "acme", "--as",
                                "acme.staff", "--visit", str(later.pk)])
    assert by_id.exit_code == 0, by_id.output
    by_days = runner.invoke(app, ["eligibility", "request", "--client", "acme", "--as",
                                  "acme.staff", "--days", "10"])
    assert by_days.exit_code == 0, by_days.output
    assert EligibilityRequest.objects.filter(visit=later).count() == 2


def test_request_with_nothing_to_ask_exits_1_and_unknown_visits_exit_2(world: World) -> None:
    nothing = runner.invoke(app, ["eligibility", "request", "--client", "acme",
                                  "--as", "acme.staff"])
    assert nothing.exit_code == 1
    birch = make_visit(world.birch)
    foreign = runner.invoke(app, ["eligibility", "request", "--client", "acme", "--as",
                                  "acme.staff", "--visit", str(birch.pk)])
    assert foreign.exit_code == 2


def test_a_client_admin_may_not_request(world: World) -> None:
    make_visit(world.acme, days_ahead=1)
    result = runner.invoke(app, ["eligibility", "request", "--client", "acme",
                                 "--as", "acme.admin"])
    assert result.exit_code == 1
    assert not OutboundFile.objects.exists()


def test_import_reports_counts_and_row_errors(world: World, tmp_path: Path) -> None:
    header = ("external_id,scheduled_on,patient_last_name,patient_first_name,"
              "patient_birth_date\n")
    good = tmp_path / "good.csv"
    good.write_text(header + "A1,2026-12-01,Smith,John,1963-05-19\n")
    result = runner.invoke(app, ["eligibility", "import", "--client", "acme",
                                 "--as", "acme.staff", str(good)])
    assert result.exit_code == 0, result.output
    assert "imported 1 new, 0 updated" in result.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "A2,2026-12-01,Smith,,1963-05-19\n")
    failed = runner.invoke(app, ["eligibility", "import", "--client", "acme",
                                 "--as", "acme.staff", str(bad)])
    assert failed.exit_code == 1
    assert "row 2, patient_first_name: required" in failed.output
    assert Visit.objects.count() == 1


@pytest.mark.parametrize("case", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_import_exits_1_naming_where_and_which_limit(world: World, tmp_path: Path,
                                                               case: Hostile) -> None:
    path = tmp_path / case.name
    path.write_bytes(case.data)
    result = runner.invoke(app, ["eligibility", "import", "--client", "acme",
                                 "--as", "acme.staff", str(path)])
    assert result.exit_code == 1
    where = f"row {case.row}" if isinstance(case.row, int) else case.row
    assert f"{where}, {case.field}: " in result.output
    assert case.says in result.output
    assert not Visit.objects.exists()
