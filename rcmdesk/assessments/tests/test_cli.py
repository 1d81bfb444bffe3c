"""``rcmdesk assess`` loads a prospect's files, computes and prints the recommendation;
``rcmdesk assessments delete`` leaves a certificate."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from typer.testing import CliRunner

from rcmdesk.assessments import compute
from rcmdesk.assessments.models import Assessment, DeletionCertificate
from rcmdesk.cli import app
from rcmdesk.synth import generate
from rcmdesk.tenancy.models import Organization


def fake_assessed() -> Any:
    row = SimpleNamespace(workflow="denials", items=12, dollars=Decimal("3400.00"),
                          expected=Decimal("1700.00"), yield_per_hour=Decimal("283.33"),
                          to_clear=1, steady=1)
    return SimpleNamespace(
        findings=SimpleNamespace(as_of=date(2026, 3, 31), claims=20, billed=Decimal("9000.00")),
        weeks=6, capacity=(row,),
        recommendation=SimpleNamespace(first="denials",
                                       reasoning=("Denials yield the most per hour.",)))


def test_assess_creates_the_prospect_loads_its_files_and_prints_the_reasoning(
        world, tmp_path: Path, monkeypatch) -> None:
    generate(tmp_path / "synth", claims=20)
    files = [str(p) for p in sorted((tmp_path / "synth").glob("*/*.x12"))]
    seen: list[Assessment] = []

    def assess(assessment: Assessment, *, acting_user: Any) -> Any:
        seen.append(assessment)
        return fake_assessed()

    monkeypatch.setattr(compute, "assess", assess)
    result = CliRunner().invoke(app, ["assess", *files, "--practice", "Riverside Family",
                                      "--slug", "riverside", "--as-of", "03/31/2026",
                                      "--weeks", "6", "--as", "platform.admin"])
    assert result.exit_code == 0, result.output
    assert "Denials yield the most per hour." in result.output
    assert "applied" in result.output
    made = Assessment.objects.get(client__slug="riverside")
    assert made.as_of == date(2026, 3, 31)
    assert made.weeks_to_clear == 6
    assert seen == [made]
    again = CliRunner().invoke(app, ["assess", *files, "--assessment", str(made.pk),
                                     "--as", "platform.admin"])
    assert again.exit_code == 0, again.output
    assert "already loaded" in again.output


def test_assess_refuses_a_person_who_may_not_run_it(world, tmp_path: Path) -> None:
    (tmp_path / "a.835").write_bytes(b"x")
    result = CliRunner().invoke(app, ["assess", str(tmp_path / "a.835"), "--practice", "X",
                                      "--slug", "x", "--as", "acme.staff"])
    assert result.exit_code == 1
    assert not Organization.objects.filter(slug="x").exists()


def test_delete_leaves_a_certificate(world) -> None:
    from rcmdesk.assessments.services import do_create_assessment
    from rcmdesk.tenancy.roles import Role

    made = do_create_assessment(practice_name="Gone Clinic", slug="gone",
                                time_zone="America/Chicago",
                                acting_user=world.user(Role.PLATFORM_ADMIN))
    result = CliRunner().invoke(app, ["assessments", "delete", str(made.pk), "--requested-by",
                                      "the owner", "--reason", "declined",
                                      "--as", "platform.admin"])
    assert result.exit_code == 0, result.output
    assert DeletionCertificate.objects.get().requested_by == "the owner"
    assert not Organization.objects.filter(slug="gone").exists()
