"""The weekly schedule (task and ``rcmdesk report weekly[-all]``): one report per active
engagement's client, idempotent."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from rcmdesk.cli import app
from rcmdesk.conftest import World
from rcmdesk.reports.models import WeeklyReport
from rcmdesk.reports.tasks import generate_all
from rcmdesk.reports.tests.builders import WEEK, acme_week


def test_the_schedule_makes_one_report_per_client_and_keeps_them_when_run_again(
        world: World) -> None:
    first = generate_all(WEEK)
    second = generate_all(WEEK)
    assert (len(first["generated"]), first["kept"]) == (2, [])
    assert second["generated"] == []
    assert sorted(second["kept"]) == sorted(first["generated"])
    assert set(WeeklyReport.objects.values_list("client__slug", flat=True)) == {"acme", "birch"}
    assert not WeeklyReport.objects.filter(generated_by__isnull=False).exists()


def test_the_command_prints_the_archive_id_and_writes_the_pdf(world: World,
                                                              tmp_path: Path) -> None:
    acme_week(world)
    out = tmp_path / "acme.pdf"
    result = CliRunner().invoke(app, ["report", "weekly", "--client", "acme", "--week", WEEK,
                                      "--pdf", str(out), "--as", "acme.manager"])
    report = WeeklyReport.objects.get(client=world.acme, week=WEEK)
    assert result.output.split("\t")[0] == str(report.pk)
    if report.pdf:
        assert out.read_bytes().startswith(b"%PDF")


def test_the_command_refuses_a_user_who_does_not_see_the_client(world: World) -> None:
    result = CliRunner().invoke(app, ["report", "weekly", "--client", "birch", "--week", WEEK,
                                      "--as", "acme.manager"])
    assert result.exit_code == 1
    assert not WeeklyReport.objects.exists()


def test_the_task_runs_the_same_schedule(world: World) -> None:
    from rcmdesk.reports.tasks import generate_weekly_reports

    result = generate_weekly_reports.call(WEEK)
    assert len(result["generated"]) == 2
